"""Chapter "Many filters, then ReLU": a stack of maps, and negatives set to zero."""

from __future__ import annotations

import numpy as np

from cnn_tui.lesson.chapters.base import FEATURE, PICK_KEYS, PICTURE, PLAY, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import FEATURES


class Chapter(Base):
    """position = the number of cells rectified so far."""

    id = "relu"
    title = "Many filters, then ReLU"
    text = ("Every feature makes its own map, so one picture becomes a stack of maps. ReLU then "
            "replaces each negative value by zero and keeps the positive ones; step through it "
            "cell by cell.")
    more = ("Top: the feature map of the chosen feature. Bottom: the same map after ReLU, filled "
            "in as you step. Negative numbers become 0.00, everything else passes unchanged. ReLU "
            "is what lets a stack of layers do more than one big linear sum.")
    keys = (("right/left", "step the cells"), ("space", "play / pause"),
            ("f", "next map of the stack")) + PICK_KEYS
    offers = frozenset({PLAY, FEATURE, RESET, PICTURE})
    steps_through = True

    @property
    def length(self) -> int:
        return self.bench.cells

    def jump_to(self, cell: tuple[int, int]) -> None:
        r, c = self.check_cell(cell, self.bench.out_shape)
        self.position = r * self.bench.out_shape[1] + c + 1

    @property
    def relu_filled(self) -> int:
        return min(self._position, self.bench.cells)

    @property
    def relu_cell(self) -> tuple[int, int]:
        return self.bench.cell_of(max(self.relu_filled - 1, 0))

    @property
    def highlight(self) -> list[tuple[int, int]]:
        return [self.relu_cell] if self.relu_filled else []

    @property
    def shown_relu(self) -> np.ndarray:
        return self.bench.partial_map(self.bench.relu_map, self.relu_filled)

    @property
    def stack(self) -> list[tuple[str, np.ndarray]]:
        """The stack of maps: every feature's map, in order."""
        return [(name, self.bench.conv_map(name)) for name in FEATURES]

    @property
    def cell_step(self) -> tuple[float, float, bool] | None:
        """The last rectified cell: ``(before, after, was_negative)``; None before any step."""
        if not self.relu_filled:
            return None
        before = float(self.bench.conv_map()[self.relu_cell])
        return before, float(self.bench.relu_map[self.relu_cell]), before < 0
