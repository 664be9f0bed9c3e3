"""Chapter "Pooling shrinks the maps": a 2x2 window keeps the largest (or the average) value."""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET, ChapterKey
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import cycle

POOL_OPS: tuple[str, ...] = ("max", "avg")
WINDOW = 2


class Chapter(Base):
    """position = the number of pooled cells filled so far."""

    id = "pooling"
    title = "Pooling shrinks the maps"
    text = ("A 2x2 window jumps two cells at a time and keeps only the largest value it covers "
            "(or the average). Windows that hang over the edge still count, so 7x7 becomes 4x4.")
    more = ("Pooling keeps the strongest evidence of each neighbourhood and forgets exactly where "
            "it was, which makes the network tolerate small shifts. The last row and column of "
            "windows only cover part of the map. o switches between max and average pooling.")
    keys = (("right/left", "step the window"), ("space", "play / pause"),
            ("o", "max / average"), ("f", "next map")) + PICK_KEYS
    offers = frozenset({PLAY, JUMP, FEATURE, RESET, PICTURE})
    bindings = (ChapterKey("o", "toggle_pool_op", "Max/avg"),)
    steps_through = True
    settings = ("pool_op",)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.pool_op = POOL_OPS[0]

    @property
    def length(self) -> int:
        return self.pool_cells

    def jump_to(self, cell: tuple[int, int]) -> None:
        r, c = self.check_cell(cell, self.pooled.shape)
        self.position = r * self.pooled.shape[1] + c + 1

    def toggle_pool_op(self) -> None:
        self.pool_op = cycle(POOL_OPS, self.pool_op)
        self.changed()

    @property
    def pooled(self) -> np.ndarray:
        b = self.bench
        return b.memo(("pool", b.feature, self.pool_op), lambda: engine.pool_single(
            b.relu_map, self.pool_op, WINDOW, WINDOW, ceil_mode=True))

    @property
    def pool_cells(self) -> int:
        r, c = self.pooled.shape
        return r * c

    @property
    def pool_filled(self) -> int:
        return min(self._position, self.pool_cells)

    @property
    def pool_cell(self) -> tuple[int, int]:
        return self.bench.cell_of(max(self.pool_filled - 1, 0), self.pooled.shape)

    @property
    def pool_trace(self) -> engine.PoolTrace:
        b = self.bench
        return self.memo(("trace", b.feature, self.pool_op, self.pool_cell),
                         lambda: engine.pool_trace(b.relu_map, self.pool_cell, self.pool_op,
                                                   WINDOW, WINDOW, ceil_mode=True))

    @property
    def window(self) -> list[tuple[int, int]]:
        """The map cells the current window covers (a border window covers fewer), once placed."""
        if not self.pool_filled:
            return []
        tr = self.pool_trace
        return [(int(r), int(c)) for r, c in tr.input_coords[tr.in_input]]

    @property
    def winner(self) -> list[tuple[int, int]]:
        """The cell a max window keeps, once placed."""
        tr = self.pool_trace
        return [tr.winner] if (self.pool_filled and tr.winner is not None) else []

    @property
    def shown_pooled(self) -> np.ndarray:
        return self.bench.partial_map(self.pooled, self.pool_filled)

    @property
    def highlight(self) -> list[tuple[int, int]]:
        return [self.pool_cell] if self.pool_filled else []

    @property
    def window_size(self) -> int:
        return WINDOW * WINDOW
