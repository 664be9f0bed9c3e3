"""What every chapter of the lesson shares: the picture, the feature, the number style, drawing.

The :class:`Workbench` holds the state that stays put when the learner moves from one chapter to
the next (the picture being studied, the chosen feature, decimals or fractions, the drawing
cursor) and the engine results that several chapters show (the feature map, its ReLU, one
window's trace, the whole hand-wired network). Chapters read it and call its actions; it never
knows which chapter is open. Every number comes from :mod:`cnn_tui.engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from cnn_tui import engine
from cnn_tui.lecture.data import ALL_PICTURES, FEATURE_TITLES, FEATURES, IMAGES, VARIANT_BY_NAME
from cnn_tui.lecture.data import STRONG
from cnn_tui.lecture.network import PICTURE_SIDES, lecture_pipeline

# Every picture ``i`` steps through: the lecture's 18, the fainter pair, the envelope.
PICTURES: tuple[str, ...] = tuple(v.name for v in ALL_PICTURES)
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
STYLES: tuple[str, ...] = ("lecture", "fraction")
# How pictures show their pixels: ink and paper, the values +1/-1 as on the slides, or both.
PICTURE_MODES: tuple[str, ...] = ("blocks", "numbers", "both")
CUSTOM = "custom"                      # the picture's name once the learner has drawn on it

T = TypeVar("T")


class ModelError(ValueError):
    """A request the lesson cannot honour (bad cell, bad sizes): one line for the user."""


def cycle(items: Sequence[T], current: T, step: int = 1) -> T:
    """The item ``step`` places after ``current`` in ``items``, wrapping around."""
    i = items.index(current) if current in items else -1
    return items[(i + step) % len(items)]


def tones_of(values) -> tuple[float, float]:
    """``(ink, paper)`` of a picture: its largest positive and its lowest negative value, or
    the lesson's +1 and -1 when it has none (x_faint: +0.5 and -0.5)."""
    a = np.asarray(values, dtype=float)
    ink = float(a.max()) if a.size and a.max() > 0 else 1.0
    paper = float(a.min()) if a.size and a.min() < 0 else -1.0
    return ink, paper


def as_picture(values) -> np.ndarray:
    """A copy of a picture that keeps its values: int8 when every value is a whole number
    (the +1/-1 pictures), float otherwise (the fainter pictures' +0.5 and -0.5)."""
    a = np.array(values, dtype=float)
    if a.size and np.all(a == np.round(a)) and np.all(np.abs(a) <= 127):
        return a.astype(np.int8)
    return a


def window_cells(trace) -> list[tuple[int, int]]:
    """Input coordinates of every cell of a window trace (cells in the padding included)."""
    coords = trace.input_coords.reshape(-1, 2)
    return [(int(r), int(c)) for r, c in coords]


class Workbench:
    """The shared state of the lesson and the engine results derived from it.

    ``revision`` grows with every change; derived values are memoised until the next change.

    The picture (``picture``, its name, and ``image``, its pixels) is shared by every chapter,
    except a chapter that keeps a picture of its own (:meth:`keep_own_picture`): while the
    workbench's ``chapter`` (set by :class:`~cnn_tui.lesson.model.LessonModel` to the open
    chapter) is that chapter, ``picture``, ``image`` and every pick or drawing are its own.
    """

    def __init__(self, picture: str = "x", feature: str = "diag", style: str = "lecture",
                 image=None, editing: bool = False, cursor: tuple[int, int] = (4, 4)) -> None:
        # owner (a chapter id) -> its own picture {"picture": name, "image": pixels, "first":
        # the name it starts on}; the shared picture lives in ``_shared``.
        self._shared: dict = {"picture": picture, "image": None}
        self._own: dict[str, dict] = {}
        self.feature = feature
        self.style = style
        self.numbers = "blocks"
        self.editing = editing
        self.cursor = cursor
        self.revision = 0
        self._cache: dict = {}
        # The X/O network of the "train" chapter as it last published it (a copy that nothing
        # else changes), for the "implement" chapter to show; None until the train chapter
        # makes one. ``network_version`` grows with every publication.
        self.network = None
        self.network_note = ""
        self.network_version = 0
        if image is None:
            self.set_picture(picture)
        else:
            self.image = as_picture(image)
            self._slot["tones"] = tones_of(self.image)
        if feature not in FEATURES:
            raise ModelError(f"unknown feature {feature!r}; choose one of "
                             f"{', '.join(FEATURE_NAMES)}")

    # ------------------------------------------------------------------ bookkeeping
    def changed(self) -> None:
        """Something changed: bump the revision and forget every derived value."""
        self.revision += 1
        self._cache = {}

    _changed = changed

    def memo(self, key, fn: Callable[[], T]) -> T:
        """``fn()``, computed once per revision for each ``key`` (and each picture: a chapter
        with a picture of its own keeps its values apart)."""
        c = self._cache
        if self._own:
            owner = self.__dict__.get("chapter")
            key = (owner if owner in self._own else None, key)
        if key not in c:
            c[key] = fn()
        return c[key]

    def publish_network(self, net, note: str) -> None:
        """The train chapter's X/O network changed: ``net`` is a copy of it now, ``note`` says
        how it was trained (e.g. "trained 6 epochs, validation accuracy 99.6 %")."""
        self.network = net
        self.network_note = note
        self.network_version += 1

    # ------------------------------------------------------------------ picture, feature, style
    @property
    def _slot(self) -> dict:
        """Where the picture shown now lives: the open chapter's own, or the shared one."""
        own = self._own
        return own.get(self.__dict__.get("chapter"), self._shared) if own else self._shared

    @property
    def picture(self) -> str:
        """The picture's name (``custom`` once drawn on)."""
        return self._slot["picture"]

    @picture.setter
    def picture(self, name: str) -> None:
        self._slot["picture"] = name

    @property
    def image(self) -> np.ndarray:
        """The picture's pixels: +1 ink, -1 paper (+0.5/-0.5 in the fainter pictures)."""
        return self._slot["image"]

    @image.setter
    def image(self, values) -> None:
        self._slot["image"] = values

    def keep_own_picture(self, owner: str, name: str) -> None:
        """Let chapter ``owner`` keep a picture of its own, starting on ``name``: while it is
        open, picking and drawing change that picture and leave the shared one as it is.
        Asking again keeps the picture it has (see :meth:`reset_own_picture`)."""
        if name not in IMAGES:
            raise ModelError(f"unknown picture {name!r}; choose one of {', '.join(PICTURES)}")
        if owner not in self._own:
            self._own[owner] = {"picture": name, "image": as_picture(IMAGES[name]),
                                "first": name, "tones": tones_of(IMAGES[name])}
            self.changed()

    def own_picture(self, owner: str) -> tuple[str, np.ndarray] | None:
        """``(name, pixels)`` of chapter ``owner``'s own picture, or None when it has none."""
        slot = self._own.get(owner)
        return None if slot is None else (slot["picture"], slot["image"])

    def reset_own_picture(self, owner: str) -> None:
        """Chapter ``owner``'s own picture goes back to the one it started on."""
        slot = self._own.get(owner)
        if slot is not None:
            slot["picture"] = slot["first"]
            slot["image"] = as_picture(IMAGES[slot["first"]])
            slot["tones"] = tones_of(slot["image"])
            self.changed()

    def set_picture(self, name: str) -> None:
        if name not in IMAGES:
            raise ModelError(f"unknown picture {name!r}; choose one of {', '.join(PICTURES)}")
        self.picture = name
        self.image = as_picture(IMAGES[name])
        self._slot["tones"] = tones_of(self.image)
        self.changed()

    def next_picture(self, step: int = 1) -> None:
        self.set_picture(cycle(PICTURES, self.picture, step))

    def cycle_feature(self, step: int = 1) -> None:
        self.feature = cycle(FEATURE_NAMES, self.feature, step)
        self.changed()

    def toggle_style(self) -> None:
        self.style = cycle(STYLES, self.style)
        self.changed()

    def cycle_numbers(self) -> None:
        """Pictures as blocks, as their +1/-1 values, or both."""
        self.numbers = cycle(PICTURE_MODES, self.numbers)
        self.changed()

    def fmt(self, v: float) -> str:
        """A value as the lesson prints it: the lecture's 0.55, or 5/9 with fractions on."""
        return engine.format_value(v, self.style)

    @property
    def picture_label(self) -> str | None:
        """What a person sees in the picture ("X" or "O"); None for a drawing or a picture of
        neither letter (the envelope)."""
        v = VARIANT_BY_NAME.get(self.picture)
        return v.label if v is not None else None

    @property
    def picture_caption(self) -> str:
        label = "your drawing" if self.picture == CUSTOM else f"picture {self.picture}"
        rows, cols = self.image.shape
        if (rows, cols) != (9, 9):
            label += f" {rows}x{cols}"
        return label + (" (edit)" if self.editing else "")

    def open_picture(self, pixels, name: str) -> None:
        """Study a picture of the learner's own (from a file: any size up to 128x128, values
        between -1 and +1) in every chapter: the shared picture, and the picture of every
        chapter that keeps one of its own, become it. ``i`` goes back to the lesson's."""
        image = as_picture(pixels)
        if name in IMAGES or name == CUSTOM:    # a file named o.png is not the lecture's O
            name = f"{name} (file)"
        slots = [self._shared, *self._own.values()]
        for slot in slots:
            slot["picture"] = name
            slot["image"] = image
            slot["tones"] = tones_of(image)
        rows, cols = image.shape
        r, c = self.cursor
        self.cursor = (min(r, rows - 1), min(c, cols - 1))
        self.changed()

    def picture_fits(self, sides: tuple[int, int] | None) -> bool:
        """True when the picture's rows and columns both lie in ``sides`` (low, high), or when
        there is no such need (None)."""
        if sides is None:
            return True
        low, high = sides
        return all(low <= n <= high for n in self.image.shape)

    # ------------------------------------------------------------------ drawing
    def toggle_edit(self) -> None:
        self.editing = not self.editing
        self.changed()

    def move_cursor(self, dr: int, dc: int) -> bool:
        rows, cols = self.image.shape
        r, c = self.cursor
        new = (min(max(r + dr, 0), rows - 1), min(max(c + dc, 0), cols - 1))
        moved = new != self.cursor
        self.cursor = new
        self.changed()
        return moved

    def toggle_pixel(self, cell: tuple[int, int] | None = None) -> None:
        r, c = self.cursor if cell is None else (int(cell[0]), int(cell[1]))
        rows, cols = self.image.shape
        if not (0 <= r < rows and 0 <= c < cols):
            raise ModelError(f"pixel {r},{c} is outside the {rows}x{cols} picture")
        img = self.image.copy()
        img[r, c] = self.flipped(img)[r, c]
        self.image = img
        self.picture = CUSTOM
        self.cursor = (r, c)
        self.changed()

    @property
    def tones(self) -> tuple[float, float]:
        """``(ink, paper)`` of the picture shown: those of the picture it was opened on, so that
        a fainter picture stays faint however much is drawn on it."""
        return self._slot.get("tones") or tones_of(self.image)

    def flipped(self, image) -> np.ndarray:
        """``image`` with every pixel flipped as drawing flips it: ink becomes the picture's
        paper and paper its ink."""
        ink, paper = self.tones
        return np.where(np.asarray(image) > 0, paper, ink)

    @property
    def cursor_cells(self) -> list[tuple[int, int]]:
        """The drawing cursor, to highlight on the picture (none when not drawing)."""
        return [self.cursor] if self.editing else []

    # ------------------------------------------------------------------ the feature map
    @staticmethod
    def feature_titles() -> dict[str, str]:
        """The shared features, name -> what it looks for."""
        return dict(FEATURE_TITLES)

    @property
    def kernel(self) -> np.ndarray:
        return FEATURES[self.feature]

    def conv_map(self, feature: str | None = None) -> np.ndarray:
        """The picture filtered by a feature (multiply, add, divide by 9) at every position."""
        name = feature or self.feature
        return self.memo(("conv", name), lambda: engine.conv_single(
            self.image, FEATURES[name], mode="mean"))

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.conv_map().shape

    @property
    def cells(self) -> int:
        r, c = self.out_shape
        return r * c

    def cell_of(self, index: int, shape: tuple[int, int] | None = None) -> tuple[int, int]:
        """The ``index``-th cell of a map in reading order (of the feature map by default)."""
        cols = (shape or self.out_shape)[1]
        return divmod(int(index), cols)

    def trace(self, cell: tuple[int, int]) -> engine.WindowTrace:
        """The arithmetic of the feature's window at output ``cell``."""
        return self.memo(("trace", self.feature, tuple(cell)), lambda: engine.conv_trace(
            self.image, self.kernel, cell, mode="mean"))

    @staticmethod
    def agreement(trace: engine.WindowTrace) -> tuple[int, int]:
        """``(agree, disagree)``: pixels under the window whose product is positive / negative
        (+1 / -1 with the lecture's pictures; +0.5 / -0.5 in a fainter one): pixels on the
        same side (ink or paper) as the feature's, and on the other side."""
        return int(np.sum(trace.products > 0)), int(np.sum(trace.products < 0))

    @staticmethod
    def partial_map(full: np.ndarray, filled: int) -> np.ndarray:
        """``full`` with the cells after the first ``filled`` (row-major) set to NaN (not shown)."""
        out = np.array(full, dtype=float)
        flat = out.reshape(-1)
        flat[filled:] = np.nan
        return out

    @property
    def relu_map(self) -> np.ndarray:
        return self.memo(("relu_map", self.feature), lambda: engine.relu(self.conv_map()))

    @property
    def pipeline(self) -> engine.PipelineResult:
        """The lecture's whole hand-wired network on the picture.

        A picture of another size than the lecture's (7x7 to 10x10) goes through the same conv,
        ReLU and two poolings; its longer vector fits no vote wiring, so its votes are NaN and
        its prediction empty (the votes chapter says what it needs instead)."""
        if self.picture_fits(PICTURE_SIDES):
            return self.memo(("pipeline",), lambda: lecture_pipeline(self.image))
        return self.memo(("pipeline",), self._stages)

    def _stages(self) -> engine.PipelineResult:
        img = np.asarray(self.image, dtype=float)
        names = list(FEATURES)
        conv = {n: engine.conv_single(img, FEATURES[n], mode="mean") for n in names}
        relu = {n: engine.relu(m) for n, m in conv.items()}
        pool = {n: engine.pool_single(m, "max", 2, 2, ceil_mode=True) for n, m in relu.items()}
        pool2 = {n: engine.pool_single(m, "max", 2, 2, ceil_mode=True) for n, m in pool.items()}
        vector = np.concatenate([m.reshape(-1) for m in pool2.values()])
        return engine.PipelineResult(img, {n: np.asarray(FEATURES[n], dtype=float) for n in names},
                                     conv, relu, pool, pool2, vector,
                                     {k: float("nan") for k in STRONG}, "")
