"""Chapter "Convolution: slide the window": the feature map fills in cell by cell."""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import EDIT, FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.base import a_dims, dims
from cnn_tui.lesson.workbench import window_cells


class Chapter(Base):
    """position = the number of output cells filled so far."""

    id = "convolution"
    title = "Convolution: slide the window"
    text = ("Repeat the filtering for every position of the window, one step at a time. Each "
            "position fills one cell of the output: the feature map. High values show where the "
            "feature is found in the picture.")
    MORE = ("{image} picture and a {kernel} feature give {out} window positions, so {a_out} "
            "map. The outlined cells on the left are under the window; the yellow cell on the "
            "right is the value they produce. Press space to play the whole slide, g to jump to "
            "any output cell.")
    more = MORE.format(image="A 9x9", kernel="3x3", out="7x7", a_out="a 7x7")
    keys = (("right/left", "step the window"), ("space", "play / pause"),
            ("g", "jump to an output cell"), ("f", "next feature")) + PICK_KEYS
    offers = frozenset({PLAY, JUMP, FEATURE, RESET, EDIT, PICTURE})
    steps_through = True
    map_click_jumps = True

    @property
    def more_text(self) -> str:
        b = self.bench
        return self.MORE.format(image=a_dims(b.image.shape).capitalize(),
                                kernel=dims(b.kernel.shape), out=dims(b.out_shape),
                                a_out=a_dims(b.out_shape))

    @property
    def length(self) -> int:
        return self.bench.cells

    @property
    def conv_filled(self) -> int:
        return min(self._position, self.bench.cells)

    @property
    def conv_cell(self) -> tuple[int, int]:
        """The window shown: the last filled cell (the first cell before any step)."""
        return self.bench.cell_of(max(self.conv_filled - 1, 0))

    def jump_to(self, cell: tuple[int, int]) -> None:
        r, c = self.check_cell(cell, self.bench.out_shape)
        self.position = r * self.bench.out_shape[1] + c + 1

    @property
    def conv_trace(self) -> engine.WindowTrace:
        return self.bench.trace(self.conv_cell)

    @property
    def window(self) -> list[tuple[int, int]]:
        """The picture pixels under the window, once the first step has placed it."""
        return window_cells(self.conv_trace) if self.conv_filled else []

    @property
    def shown_map(self) -> np.ndarray:
        """The feature map as far as it is filled (later cells are NaN: not shown)."""
        return self.bench.partial_map(self.bench.conv_map(), self.conv_filled)

    @property
    def highlight(self) -> list[tuple[int, int]]:
        return [self.conv_cell] if self.conv_filled else []

    @property
    def complete(self) -> bool:
        return self.conv_filled == self.bench.cells
