"""Chapter "Padding and stride": a border around the picture, and a window that jumps."""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import (EDIT, FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET,
                                          ChapterKey)
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.base import a_dims, dims
from cnn_tui.lesson.workbench import ModelError, cycle, window_cells

STRIDES = (1, 4)
PADDINGS = (0, 2)
PAD_VALUES: tuple[float, ...] = (0.0, -1.0, 1.0)
COMPARED_STRIDES = (1, 2, 3, 4)


class Chapter(Base):
    """position = the output cell the window is on, in reading order."""

    id = "padding"
    title = "Padding and stride"
    text = ("Padding adds a border of extra cells so the window can sit on the edges too; stride "
            "is how far the window jumps. Output side = floor((n + 2p - k) / s) + 1.")
    MORE = ("With padding 1 {image} picture keeps its size under a 3x3 window (stride 1). A "
            "larger stride skips positions and shrinks the map: {sizes} for strides 1 to 4. The "
            "grey border is padding; v changes what it holds.")
    more = MORE.format(image="a 9x9", sizes="9, 5, 3, 3 cells")
    keys = (("+/-", "stride"), ("[/]", "padding"), ("v", "pad value"),
            ("right/left", "step the window"), ("f", "next feature")) + PICK_KEYS
    offers = frozenset({PLAY, JUMP, FEATURE, RESET, EDIT, PICTURE})
    bindings = (
        ChapterKey("plus,equals_sign", "stride_by", "Stride", (1,), key_display="+"),
        ChapterKey("minus", "stride_by", "Stride-", (-1,), show=False, key_display="-"),
        ChapterKey("right_square_bracket", "padding_by", "Pad", (1,), key_display="]"),
        ChapterKey("left_square_bracket", "padding_by", "Pad-", (-1,), show=False,
                   key_display="["),
        ChapterKey("v", "next_pad_value", "Value"),
    )
    steps_through = True
    settings = ("padding", "pad_value", "stride")

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.padding = 1
        self.pad_value = 0.0
        self.stride = 1

    # ------------------------------------------------------------------ positions
    @property
    def length(self) -> int:
        return self.pad_cells - 1

    def jump_to(self, cell: tuple[int, int]) -> None:
        r, c = self.check_cell(cell, self.pad_out_shape)
        self.position = r * self.pad_out_shape[1] + c

    # ------------------------------------------------------------------ settings
    def set_stride(self, stride: int) -> None:
        lo, hi = STRIDES
        if not lo <= int(stride) <= hi:
            raise ModelError(f"stride must be from {lo} to {hi}, got {stride}")
        self.stride = int(stride)
        self._position = 0
        self.changed()

    def set_padding(self, padding: int) -> None:
        lo, hi = PADDINGS
        if not lo <= int(padding) <= hi:
            raise ModelError(f"padding must be from {lo} to {hi}, got {padding}")
        self.padding = int(padding)
        self._position = 0
        self.changed()

    def stride_by(self, delta: int) -> None:
        self.set_stride(self.stride + delta)

    def padding_by(self, delta: int) -> None:
        self.set_padding(self.padding + delta)

    def next_pad_value(self) -> None:
        self.pad_value = cycle(PAD_VALUES, self.pad_value)
        self.changed()

    # ------------------------------------------------------------------ derived
    @property
    def pad_map(self) -> np.ndarray:
        b = self.bench
        return self.memo("map", lambda: engine.conv_single(
            b.image, b.kernel, stride=self.stride, padding=self.padding,
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
        return engine.pad(np.asarray(self.bench.image, dtype=float), ((p, p), (p, p)),
                          self.pad_value)

    @property
    def border_cells(self) -> list[tuple[int, int]]:
        """The cells of the padded picture that are padding, not picture."""
        p = self.padding
        rows, cols = self.bench.image.shape
        return [(r, c) for r in range(rows + 2 * p) for c in range(cols + 2 * p)
                if not (p <= r < p + rows and p <= c < p + cols)]

    @property
    def pad_cell(self) -> tuple[int, int]:
        return self.bench.cell_of(self.position, self.pad_out_shape)

    @property
    def pad_trace(self) -> engine.WindowTrace:
        b = self.bench
        return self.memo(("trace", self.pad_cell), lambda: engine.conv_trace(
            b.image, b.kernel, self.pad_cell, stride=self.stride, padding=self.padding,
            pad_value=self.pad_value, mode="mean"))

    @property
    def window(self) -> list[tuple[int, int]]:
        """The window's cells in the padded picture's coordinates."""
        p = self.padding
        return [(r + p, c + p) for r, c in window_cells(self.pad_trace)]

    @property
    def more_text(self) -> str:
        """``more`` for the open picture: its sizes at padding 1 (as the note says)."""
        shape, k = self.bench.image.shape, self.bench.kernel.shape[0]
        out = [[engine.conv_output_size(n, k, s, 1, 1) for n in shape] for s in COMPARED_STRIDES]
        sizes = (", ".join(str(r) for r, _ in out) + " cells" if shape[0] == shape[1]
                 else ", ".join(dims(o) for o in out))
        return self.MORE.format(image=a_dims(shape), sizes=sizes)

    @property
    def formula_terms(self) -> tuple[int, int, int, int, int]:
        """``(n, p, k, s, side)`` of output side = floor((n + 2p - k) / s) + 1."""
        return (self.bench.image.shape[0], self.padding, self.bench.kernel.shape[0], self.stride,
                self.output_side())

    def output_side(self, stride: int | None = None) -> int:
        n = self.bench.image.shape[0]
        return engine.conv_output_size(n, self.bench.kernel.shape[0], stride or self.stride,
                                       self.padding, self.padding)

    @property
    def sides_by_stride(self) -> list[int]:
        """The output side for each of the strides 1 to 4, at the current padding."""
        return [self.output_side(s) for s in COMPARED_STRIDES]
