"""Chapter "Filtering: one window": line up, multiply, add, divide, one stage at a time."""

from __future__ import annotations

from cnn_tui import engine
from cnn_tui.engine.fmt import format_number
from cnn_tui.lesson.chapters.base import EDIT, FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import window_cells

FILTER_STAGES: tuple[str, ...] = ("line up", "multiply", "add", "divide", "result")


class Chapter(Base):
    """Positions run window by window, five stages each: position = window * 5 + stage."""

    id = "filtering"
    title = "Filtering: one window"
    text = ("To score one window: put the feature on top of the picture, multiply the pixels that "
            "sit on each other, add the nine products up, and divide by nine. A perfect fit gives "
            "1.00; each disagreeing pixel costs 2/9.")
    more = ("Press right to go through the five stages: line up, multiply, add, divide, result. "
            "After the result the window moves on to the next position. A product is +1 when the "
            "two pixels agree and -1 when they differ, so the score is (agree - disagree) / 9.")
    keys = (("right/left", "next/previous stage"), ("g", "go to a window (row,col)"),
            ("f", "next feature")) + PICK_KEYS
    offers = frozenset({PLAY, JUMP, FEATURE, RESET, EDIT, PICTURE})
    steps_through = True
    stages = FILTER_STAGES

    @property
    def length(self) -> int:
        return self.bench.cells * len(FILTER_STAGES) - 1

    @property
    def filter_cell(self) -> tuple[int, int]:
        return self.bench.cell_of(self._position // len(FILTER_STAGES))

    @property
    def filter_stage(self) -> int:
        return self._position % len(FILTER_STAGES)

    def jump_to(self, cell: tuple[int, int]) -> None:
        """Land on the result stage of the window at output ``cell``."""
        r, c = self.check_cell(cell, self.bench.out_shape)
        idx = r * self.bench.out_shape[1] + c
        self.position = idx * len(FILTER_STAGES) + len(FILTER_STAGES) - 1

    @property
    def filter_trace(self) -> engine.WindowTrace:
        return self.bench.trace(self.filter_cell)

    @property
    def window(self) -> list[tuple[int, int]]:
        """The picture pixels under the window."""
        return window_cells(self.filter_trace)

    @property
    def sum_terms(self) -> str:
        """The nine products written as a sum: ``1 + 1 + (-1) + ...``."""
        return " + ".join(format_number(v) if v >= 0 else f"({format_number(v)})"
                          for v in self.filter_trace.products.ravel())
