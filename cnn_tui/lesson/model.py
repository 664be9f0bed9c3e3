"""The simulation's state and actions, independent of any user interface.

One :class:`LessonModel` holds everything the learner can change (picture, feature, chapter,
position of the window, padding, stride, number style, edit cursor, ...). Named actions change
it; properties derive every number from the engine (:mod:`cnn_tui.engine`), never by hand. The
Textual app renders from this model and its key bindings call these actions, so a unit test
of the model exercises the same logic as a key press, in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.lesson.data import (EDGE_KERNELS, FEATURES, FUTURE_VALUES, IMAGES, STRONG,
                                 VARIANT_BY_NAME, VARIANTS, VECTOR_LENGTH)
from cnn_tui.lesson.network import lecture_pipeline, variant_report

PICTURES: tuple[str, ...] = tuple(v.name for v in VARIANTS)
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
EDGE_NAMES: tuple[str, ...] = tuple(EDGE_KERNELS)
STYLES: tuple[str, ...] = ("lecture", "fraction")
POOL_OPS: tuple[str, ...] = ("max", "avg")
STRIDES = (1, 4)
PADDINGS = (0, 2)
PAD_VALUES: tuple[float, ...] = (0.0, -1.0, 1.0)
FILTER_STAGES: tuple[str, ...] = ("line up", "multiply", "add", "divide", "result")
STACK_STAGES: tuple[str, ...] = ("picture", "feature map", "ReLU", "pooled", "pooled again")
# What the votes chapter shows: the picture's 12 values, the lecture's "future values", or the
# hand-wired network's verdict on every picture of the lesson (the variant report).
VOTE_SOURCES: tuple[str, ...] = ("picture", "future", "report")


@dataclass(frozen=True)
class ParamsExample:
    title: str
    kind: str                 # "dense" or "conv"
    sizes: tuple[int, ...] = ()
    bias: bool = True
    filters: int = 0
    kernel: int = 0
    channels: int = 1


PARAMS_EXAMPLES: tuple[ParamsExample, ...] = (
    ParamsExample("a small MLP: 20 inputs, two hidden layers of 20, one output", "dense",
                  (20, 20, 20, 1)),
    ParamsExample("the same MLP on a 256x256 picture (65,536 inputs)", "dense",
                  (65536, 20, 20, 1)),
    ParamsExample("one dense layer 1024 -> 1024, no bias", "dense", (1024, 1024), bias=False),
    ParamsExample("a convolution layer: nine 7x7 kernels on one channel, no bias", "conv",
                  bias=False, filters=9, kernel=7, channels=1),
)


class ModelError(ValueError):
    """A request the model cannot honour (bad cell, bad sizes): one line for the user."""


def _cycle(items, current, step: int = 1):
    i = items.index(current) if current in items else -1
    return items[(i + step) % len(items)]


@dataclass
class LessonModel:
    chapter: str = "literal"
    picture: str = "x"
    feature: str = "diag"
    edge: str = "horizontal"
    compare: str = "x_right"
    style: str = "lecture"
    padding: int = 1
    pad_value: float = 0.0
    stride: int = 1
    pool_op: str = "max"
    vote_source: str = "picture"
    params_index: int = 0
    custom_sizes: tuple[int, ...] | None = None
    editing: bool = False
    cursor: tuple[int, int] = (4, 4)
    image: np.ndarray = field(default=None)  # type: ignore[assignment]
    positions: dict[str, int] = field(default_factory=dict)
    revision: int = 0

    def __post_init__(self) -> None:
        if self.chapter not in CHAPTER_IDS:
            raise ModelError(f"unknown chapter {self.chapter!r}; choose one of "
                             f"{', '.join(CHAPTER_IDS)}")
        if self.image is None:
            self.set_picture(self.picture)
        else:
            self.image = np.array(self.image, dtype=np.int8)
        if self.feature not in FEATURES:
            raise ModelError(f"unknown feature {self.feature!r}; choose one of "
                             f"{', '.join(FEATURE_NAMES)}")

    # ------------------------------------------------------------------ bookkeeping
    def _changed(self) -> None:
        self.revision += 1
        self.__dict__.pop("_cache", None)

    @cached_property
    def _cache(self) -> dict:
        return {}

    def _memo(self, key, fn):
        c = self._cache
        if key not in c:
            c[key] = fn()
        return c[key]

    # ------------------------------------------------------------------ chapters
    @property
    def chapter_index(self) -> int:
        return CHAPTER_IDS.index(self.chapter)

    def set_chapter(self, chapter: str) -> None:
        if chapter not in CHAPTER_IDS:
            raise ModelError(f"unknown chapter {chapter!r}; choose one of {', '.join(CHAPTER_IDS)}")
        self.chapter = chapter
        self.editing = False
        self._changed()

    def next_chapter(self) -> bool:
        i = self.chapter_index
        if i + 1 >= len(CHAPTER_IDS):
            return False
        self.set_chapter(CHAPTER_IDS[i + 1])
        return True

    def prev_chapter(self) -> bool:
        i = self.chapter_index
        if i == 0:
            return False
        self.set_chapter(CHAPTER_IDS[i - 1])
        return True

    # ------------------------------------------------------------------ position in a chapter
    @property
    def position(self) -> int:
        return min(self.positions.get(self.chapter, 0), self.length)

    @position.setter
    def position(self, value: int) -> None:
        self.positions[self.chapter] = max(0, min(int(value), self.length))
        self._changed()

    @property
    def length(self) -> int:
        """The last position of the current chapter (positions run 0..length)."""
        ch = self.chapter
        if ch == "filtering":
            return self.cells * len(FILTER_STAGES) - 1
        if ch == "convolution":
            return self.cells
        if ch == "padding":
            return self.pad_cells - 1
        if ch == "relu":
            return self.cells
        if ch == "pooling":
            return self.pool_cells
        if ch == "stacking":
            return len(STACK_STAGES) - 1
        return 0

    @property
    def steps_through(self) -> bool:
        """True when right/left move a position (else they cycle a choice)."""
        return self.chapter in ("filtering", "convolution", "padding", "relu", "pooling",
                                "stacking")

    @property
    def at_end(self) -> bool:
        return self.position >= self.length

    def step(self) -> bool:
        """One step forward (the `right` key). Returns False when there was nowhere to go."""
        if self.editing:
            return self.move_cursor(0, 1)
        if self.steps_through:
            if self.at_end:
                return False
            self.position = self.position + 1
            return True
        return self._cycle_choice(+1)

    def back(self) -> bool:
        """One step back (the `left` key)."""
        if self.editing:
            return self.move_cursor(0, -1)
        if self.steps_through:
            if self.position == 0:
                return False
            self.position = self.position - 1
            return True
        return self._cycle_choice(-1)

    def reset(self) -> None:
        self.position = 0

    def to_end(self) -> None:
        self.position = self.length

    def _cycle_choice(self, step: int) -> bool:
        ch = self.chapter
        if ch == "literal":
            self.compare = _cycle(PICTURES, self.compare, step)
        elif ch == "features":
            self.feature = _cycle(FEATURE_NAMES, self.feature, step)
        elif ch == "edges":
            self.edge = _cycle(EDGE_NAMES, self.edge, step)
        elif ch == "votes":
            self.vote_source = _cycle(VOTE_SOURCES, self.vote_source, step)
        elif ch == "params":
            n = len(PARAMS_EXAMPLES) + (1 if self.custom_sizes else 0)
            self.params_index = (self.params_index + step) % n
        else:
            return False
        self._changed()
        return True

    def jump_to(self, cell: tuple[int, int]) -> None:
        """Put the window on output cell ``(row, col)`` (filtering, convolution, padding, ...)."""
        r, c = (int(v) for v in cell)
        ch = self.chapter
        if ch == "pooling":
            rows, cols = self.pooled.shape
        elif ch == "padding":
            rows, cols = self.pad_out_shape
        elif ch in ("filtering", "convolution", "relu"):
            rows, cols = self.out_shape
        else:
            raise ModelError("this chapter has no window to move; try the convolution chapter")
        if not (0 <= r < rows and 0 <= c < cols):
            raise ModelError(f"{r},{c} is outside the {rows}x{cols} output: rows count from 0 "
                             f"to {rows - 1}, columns from 0 to {cols - 1}")
        idx = r * cols + c
        if ch == "filtering":
            self.position = idx * len(FILTER_STAGES) + len(FILTER_STAGES) - 1
        elif ch == "padding":
            self.position = idx
        else:
            self.position = idx + 1

    # ------------------------------------------------------------------ pictures and settings
    def set_picture(self, name: str) -> None:
        if name not in IMAGES:
            raise ModelError(f"unknown picture {name!r}; choose one of {', '.join(PICTURES)}")
        self.picture = name
        self.image = np.array(IMAGES[name], dtype=np.int8)
        self._changed()

    def next_picture(self, step: int = 1) -> None:
        self.set_picture(_cycle(PICTURES, self.picture, step))

    def set_feature(self, name: str) -> None:
        if name in FEATURES:
            self.feature = name
        elif name in EDGE_KERNELS:
            self.edge = name
        else:
            raise ModelError(f"unknown feature {name!r}; choose one of "
                             f"{', '.join(FEATURE_NAMES + EDGE_NAMES)}")
        self._changed()

    def next_feature(self, step: int = 1) -> None:
        if self.chapter == "edges":
            self.edge = _cycle(EDGE_NAMES, self.edge, step)
        else:
            self.feature = _cycle(FEATURE_NAMES, self.feature, step)
        self._changed()

    def toggle_style(self) -> None:
        self.style = _cycle(STYLES, self.style)
        self._changed()

    def set_stride(self, stride: int) -> None:
        lo, hi = STRIDES
        if not lo <= int(stride) <= hi:
            raise ModelError(f"stride must be from {lo} to {hi}, got {stride}")
        self.stride = int(stride)
        self.positions["padding"] = 0
        self._changed()

    def set_padding(self, padding: int) -> None:
        lo, hi = PADDINGS
        if not lo <= int(padding) <= hi:
            raise ModelError(f"padding must be from {lo} to {hi}, got {padding}")
        self.padding = int(padding)
        self.positions["padding"] = 0
        self._changed()

    def next_pad_value(self) -> None:
        self.pad_value = _cycle(PAD_VALUES, self.pad_value)
        self._changed()

    def toggle_pool_op(self) -> None:
        self.pool_op = _cycle(POOL_OPS, self.pool_op)
        self._changed()

    def set_custom_sizes(self, sizes) -> None:
        # Messages stay short: the status line is one row of an 80-column terminal.
        try:
            sizes = tuple(int(s) for s in sizes)
        except (TypeError, ValueError):
            raise ModelError("layer sizes are whole numbers, e.g. 20,20,20,1") from None
        if len(sizes) < 2:
            raise ModelError("type at least two layer sizes (input, output), e.g. 20,20,20,1")
        if any(s < 1 for s in sizes):
            raise ModelError("every layer size must be at least 1, e.g. 20,20,20,1")
        try:
            engine.dense_params(sizes)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"{exc}; e.g. 20,20,20,1") from None
        self.custom_sizes = sizes
        self.params_index = len(PARAMS_EXAMPLES)
        self._changed()

    # ------------------------------------------------------------------ drawing
    def toggle_edit(self) -> None:
        self.editing = not self.editing
        self._changed()

    def move_cursor(self, dr: int, dc: int) -> bool:
        rows, cols = self.image.shape
        r, c = self.cursor
        new = (min(max(r + dr, 0), rows - 1), min(max(c + dc, 0), cols - 1))
        moved = new != self.cursor
        self.cursor = new
        self._changed()
        return moved

    def toggle_pixel(self, cell: tuple[int, int] | None = None) -> None:
        r, c = self.cursor if cell is None else (int(cell[0]), int(cell[1]))
        rows, cols = self.image.shape
        if not (0 <= r < rows and 0 <= c < cols):
            raise ModelError(f"pixel {r},{c} is outside the {rows}x{cols} picture")
        img = self.image.copy()
        img[r, c] = -img[r, c]
        self.image = img
        self.picture = "custom"
        self.cursor = (r, c)
        self._changed()

    # ------------------------------------------------------------------ derived: convolution
    @property
    def kernel(self) -> np.ndarray:
        return FEATURES[self.feature]

    def conv_map(self, feature: str | None = None) -> np.ndarray:
        name = feature or self.feature
        return self._memo(("conv", name), lambda: engine.conv_single(
            self.image, FEATURES[name], mode="mean"))

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.conv_map().shape

    @property
    def cells(self) -> int:
        r, c = self.out_shape
        return r * c

    def cell_of(self, index: int, shape: tuple[int, int] | None = None) -> tuple[int, int]:
        cols = (shape or self.out_shape)[1]
        return divmod(int(index), cols)

    @staticmethod
    def agreement(trace: engine.WindowTrace) -> tuple[int, int]:
        """``(agree, disagree)``: pixels under the window whose product is +1 / -1."""
        return int(np.sum(trace.products > 0)), int(np.sum(trace.products < 0))

    def trace(self, cell: tuple[int, int]) -> engine.WindowTrace:
        return self._memo(("trace", self.feature, tuple(cell)), lambda: engine.conv_trace(
            self.image, self.kernel, cell, mode="mean"))

    # filtering: position = window * 5 + stage
    @property
    def filter_cell(self) -> tuple[int, int]:
        return self.cell_of(self.positions.get("filtering", 0) // len(FILTER_STAGES))

    @property
    def filter_stage(self) -> int:
        return self.positions.get("filtering", 0) % len(FILTER_STAGES)

    # convolution: position = number of filled cells
    @property
    def conv_filled(self) -> int:
        return min(self.positions.get("convolution", 0), self.cells)

    @property
    def conv_cell(self) -> tuple[int, int]:
        """The window shown: the last filled cell (the first cell before any step)."""
        return self.cell_of(max(self.conv_filled - 1, 0))

    def partial_map(self, full: np.ndarray, filled: int) -> np.ndarray:
        """``full`` with the cells after the first ``filled`` (row-major) set to NaN (not shown)."""
        out = np.array(full, dtype=float)
        flat = out.reshape(-1)
        flat[filled:] = np.nan
        return out

    # ------------------------------------------------------------------ derived: literal, features
    @property
    def compare_image(self) -> np.ndarray:
        return VARIANT_BY_NAME[self.compare].image

    @property
    def compare_trace(self) -> engine.WindowTrace:
        """The two whole pictures multiplied pixel by pixel: one window as large as the picture."""
        return self._memo(("compare", self.compare), lambda: engine.conv_trace(
            self.image, self.compare_image, (0, 0), mode="mean"))

    @property
    def mismatches(self) -> list[tuple[int, int]]:
        p = self.compare_trace.products
        return [(int(r), int(c)) for r, c in zip(*np.nonzero(p < 0))]

    @property
    def pixel_count(self) -> int:
        return int(self.image.size)

    @property
    def match_share(self) -> float:
        """Share of agreeing pixels: the mean product is (agree - disagree) / n."""
        return (1.0 + self.compare_trace.value) / 2.0

    def perfect_matches(self, feature: str | None = None) -> list[tuple[int, int]]:
        m = self.conv_map(feature)
        return [(int(r), int(c)) for r, c in zip(*np.nonzero(np.isclose(m, 1.0)))]

    def perfect_match_pixels(self, feature: str | None = None) -> list[tuple[int, int]]:
        """Every picture pixel covered by a window where the feature fits perfectly."""
        kh, kw = FEATURES[feature or self.feature].shape
        return sorted({(r + i, c + j) for r, c in self.perfect_matches(feature)
                       for i in range(kh) for j in range(kw)})

    # ------------------------------------------------------------------ derived: padding and stride
    @property
    def pad_map(self) -> np.ndarray:
        return self._memo(("pad",), lambda: engine.conv_single(
            self.image, self.kernel, stride=self.stride, padding=self.padding,
            pad_value=self.pad_value, mode="mean"))

    @property
    def pad_out_shape(self) -> tuple[int, int]:
        return self.pad_map.shape

    @property
    def pad_cells(self) -> int:
        r, c = self.pad_out_shape
        return r * c

    @property
    def padded_image(self) -> np.ndarray:
        p = self.padding
        return engine.pad(np.asarray(self.image, dtype=float), ((p, p), (p, p)), self.pad_value)

    @property
    def pad_cell(self) -> tuple[int, int]:
        return self.cell_of(self.positions.get("padding", 0), self.pad_out_shape)

    @property
    def pad_trace(self) -> engine.WindowTrace:
        return self._memo(("padtrace", self.pad_cell), lambda: engine.conv_trace(
            self.image, self.kernel, self.pad_cell, stride=self.stride, padding=self.padding,
            pad_value=self.pad_value, mode="mean"))

    def output_side(self, stride: int | None = None) -> int:
        n = self.image.shape[0]
        return engine.conv_output_size(n, self.kernel.shape[0], stride or self.stride,
                                       self.padding, self.padding)

    # ------------------------------------------------------------------ derived: edges
    def edge_map(self, name: str | None = None) -> np.ndarray:
        name = name or self.edge
        return self._memo(("edge", name), lambda: engine.conv_single(
            self.image, EDGE_KERNELS[name]))

    # ------------------------------------------------------------------ derived: relu, pooling
    @property
    def relu_map(self) -> np.ndarray:
        return self._memo(("relu", self.feature), lambda: engine.relu(self.conv_map()))

    @property
    def relu_filled(self) -> int:
        return min(self.positions.get("relu", 0), self.cells)

    @property
    def pooled(self) -> np.ndarray:
        return self._memo(("pool", self.feature, self.pool_op), lambda: engine.pool_single(
            self.relu_map, self.pool_op, 2, 2, ceil_mode=True))

    @property
    def pool_cells(self) -> int:
        r, c = self.pooled.shape
        return r * c

    @property
    def pool_filled(self) -> int:
        return min(self.positions.get("pooling", 0), self.pool_cells)

    @property
    def pool_cell(self) -> tuple[int, int]:
        return self.cell_of(max(self.pool_filled - 1, 0), self.pooled.shape)

    @property
    def pool_trace(self) -> engine.PoolTrace:
        return self._memo(("pooltrace", self.feature, self.pool_op, self.pool_cell),
                          lambda: engine.pool_trace(self.relu_map, self.pool_cell, self.pool_op,
                                                    2, 2, ceil_mode=True))

    # ------------------------------------------------------------------ derived: network, votes
    @property
    def pipeline(self) -> engine.PipelineResult:
        return self._memo(("pipeline",), lambda: lecture_pipeline(self.image))

    @property
    def stack_stage(self) -> int:
        return min(self.positions.get("stacking", 0), len(STACK_STAGES) - 1)

    @property
    def vote_vector(self) -> np.ndarray:
        if self.vote_source == "future":
            return np.array(FUTURE_VALUES, dtype=float)
        return self.pipeline.vector

    @property
    def votes(self) -> dict[str, float]:
        if self.vote_source == "future":
            return self._memo(("future",), lambda: engine.vote(FUTURE_VALUES, STRONG))
        return self.pipeline.votes

    @property
    def prediction(self) -> str:
        """The engine's choice (a tie goes to the first category; see :attr:`verdict`)."""
        return engine.predict(self.votes)

    @property
    def tie(self) -> bool:
        """True when the two highest votes are equal (closer than 1e-12), as
        :attr:`engine.PipelineResult.tie` decides it for a picture."""
        if self.vote_source != "future":
            return self.pipeline.tie
        vals = sorted(self.votes.values(), reverse=True)
        return len(vals) > 1 and abs(vals[0] - vals[1]) < 1e-12

    @property
    def verdict(self) -> str:
        """What the network says: the predicted category, or ``"tie"``."""
        return "tie" if self.tie else self.prediction

    @property
    def picture_label(self) -> str | None:
        """What a person sees in the picture ("X" or "O"); None for a drawing."""
        v = VARIANT_BY_NAME.get(self.picture)
        return v.label if v is not None else None

    @property
    def compare_label(self) -> str:
        return VARIANT_BY_NAME[self.compare].label

    @property
    def variant_report(self):
        """Every lesson picture with the network's verdict: ``[(variant, result, right), ...]``."""
        return self._memo(("report",), variant_report)

    @property
    def vote_weights(self) -> tuple[list[str], np.ndarray]:
        return engine.vote_weights(STRONG, VECTOR_LENGTH)

    # ------------------------------------------------------------------ derived: parameters
    @property
    def params_example(self) -> ParamsExample:
        if self.params_index >= len(PARAMS_EXAMPLES) and self.custom_sizes:
            return ParamsExample("your network", "dense", self.custom_sizes)
        return PARAMS_EXAMPLES[self.params_index % len(PARAMS_EXAMPLES)]

    @property
    def params_layers(self) -> list[engine.LayerCount]:
        ex = self.params_example
        if ex.kind == "dense":
            return engine.dense_layers(ex.sizes, ex.bias)
        n = engine.conv_params(ex.filters, ex.kernel, ex.channels, ex.bias)
        return [engine.LayerCount(
            f"{ex.filters} kernels {ex.kernel}x{ex.kernel} x {ex.channels} channel", n, 0)]

    @property
    def params_total(self) -> int:
        return sum(layer.total for layer in self.params_layers)

    # ------------------------------------------------------------------ formatting
    def fmt(self, v: float) -> str:
        return engine.format_value(v, self.style)
