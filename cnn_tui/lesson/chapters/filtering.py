"""Chapter "Filtering: one window": line up, multiply, add, divide, one stage at a time."""

from __future__ import annotations

from cnn_tui import engine
from cnn_tui.engine.fmt import format_number
from cnn_tui.lesson.chapters.base import EDIT, FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import window_cells

FILTER_STAGES: tuple[str, ...] = ("line up", "multiply", "add", "divide", "result")
# The window the lecture scores first (lecture.toml, the first [[windows]]): top-left corner at
# row 1, column 1, where diag fits the X perfectly and the score is 1.00. The chapter opens
# there; left goes back to the windows before it.
FIRST_WINDOW: tuple[int, int] = (1, 1)


class Chapter(Base):
    """Positions run window by window, five stages each: position = window * 5 + stage."""

    id = "filtering"
    title = "Filtering: one window"
    text = ("To score one window: put the feature on top of the picture, multiply the pixels that "
            "sit on each other, add the nine products up, and divide by nine. A perfect fit gives "
            "1.00; each disagreeing ±1 pixel costs 2/9.")
    more = ("It opens on the lecture's first window, at row 1, column 1, where the feature fits "
            "perfectly. Press right to go through the five stages: line up, multiply, add, "
            "divide, result. After the result the window moves on to the next position; left "
            "goes back, also to the windows before it, and g goes to any window. A product is +1 "
            "when the two pixels agree and -1 when they differ, so the score is "
            "(agree - disagree) / 9.")
    keys = (("right/left", "next/previous stage"), ("g", "go to a window (row,col)"),
            ("f", "next feature")) + PICK_KEYS
    offers = frozenset({PLAY, JUMP, FEATURE, RESET, EDIT, PICTURE})
    steps_through = True
    stages = FILTER_STAGES

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self._position = self.first_position

    @property
    def first_position(self) -> int:
        """Where the chapter opens: the first stage of the lecture's first window (a smaller
        picture without that window opens on its last window)."""
        rows, cols = self.bench.out_shape
        r, c = FIRST_WINDOW
        index = min(r, rows - 1) * cols + min(c, cols - 1)
        return index * len(FILTER_STAGES)

    def reset(self) -> None:
        """``r``: back to the lecture's first window, as the chapter opens."""
        super().reset()
        self.position = self.first_position

    @property
    def length(self) -> int:
        return self.bench.cells * len(FILTER_STAGES) - 1

    @property
    def filter_cell(self) -> tuple[int, int]:
        return self.bench.cell_of(self.position // len(FILTER_STAGES))

    @property
    def filter_stage(self) -> int:
        return self.position % len(FILTER_STAGES)

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
