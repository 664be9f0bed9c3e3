"""Chapter "Pooling shrinks the maps": a 2x2 window keeps the largest (or the average) value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import (FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET,
                                          ChapterKey, dims)
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import cycle

POOL_OPS: tuple[str, ...] = ("max", "avg")
WINDOW = 2
HIDDEN_UNITS = 32       # an example hidden layer, for "fewer connections"
POOL_STAGES: tuple[str, ...] = ("no pooling", "pooled once", "pooled twice")


@dataclass(frozen=True)
class Connections:
    """What one stage of the lecture's network passes on to a dense layer: ``maps`` maps of
    ``shape``, ``values`` numbers in all, and the weights a dense layer from them needs (no
    biases: those depend on the outputs only) to the ``outputs`` votes or ``hidden`` units."""

    stage: str
    maps: int
    shape: tuple[int, ...]
    values: int
    outputs: int
    to_outputs: int
    hidden: int
    to_hidden: int

    @property
    def size(self) -> str:
        """``"7x7"``: one map's shape."""
        return dims(self.shape)


def connections(result: engine.PipelineResult, hidden: int = HIDDEN_UNITS) -> list[Connections]:
    """Fewer connections: the values the lecture's feature maps pass on without pooling, after
    one 2x2 pooling and after two, and the weights of a dense layer reading them. Sizes are
    those of the engine's arrays; weights come from :func:`engine.dense_layers`."""
    outputs = len(result.votes)
    rows = []
    for stage, maps in zip(POOL_STAGES, (result.relu, result.pool, result.pool2)):
        arrays = list(maps.values())
        values = sum(int(a.size) for a in arrays)
        (to_outputs,) = engine.dense_layers([values, outputs], bias=False)
        (to_hidden,) = engine.dense_layers([values, hidden], bias=False)
        rows.append(Connections(stage, len(arrays), tuple(arrays[0].shape), values, outputs,
                                to_outputs.weights, hidden, to_hidden.weights))
    return rows


class Chapter(Base):
    """position = the number of pooled cells filled so far."""

    id = "pooling"
    title = "Pooling shrinks the maps"
    TEXT = ("A 2x2 window jumps two cells at a time and keeps only the largest value it covers "
            "(or the average). {edges}{map} becomes {pooled}.")
    EDGES = "Windows that hang over the edge still count, so "     # an odd side
    text = TEXT.format(edges=EDGES, map="7x7", pooled="4x4")
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

    @property
    def explain(self) -> str:
        shape = self.bench.relu_map.shape
        return self.TEXT.format(edges=self.EDGES if any(n % 2 for n in shape) else "So ",
                                map=dims(shape), pooled=dims(self.pooled.shape))

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

    @property
    def connections(self) -> list[Connections]:
        """Values passed on and dense weights needed, without pooling, pooled once, twice."""
        b = self.bench
        return b.memo(("connections",), lambda: connections(b.pipeline))
