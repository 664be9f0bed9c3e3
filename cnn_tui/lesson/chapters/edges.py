"""Chapter "Kernels that find edges": the same sliding sum with line-finding kernels."""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import EDIT, FEATURE, PICK_KEYS, PICTURE
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import EDGE_KERNELS, EDGE_TITLES
from cnn_tui.lesson.workbench import cycle

EDGE_NAMES: tuple[str, ...] = tuple(EDGE_KERNELS)


class Chapter(Base):
    id = "edges"
    title = "Kernels that find edges"
    text = ("The same sliding arithmetic with other 3x3 kernels picks out lines: one kernel "
            "lights up on horizontal strokes, one on vertical, two on the diagonals. Here the "
            "sums are not divided.")
    more = ("Each edge kernel has a row, a column or a diagonal of 2s surrounded by -1s. It "
            "answers strongly where the picture has a line in that direction and weakly "
            "elsewhere. Early layers of real networks learn kernels very like these.")
    keys = (("f / right/left", "next kernel"),) + PICK_KEYS
    offers = frozenset({FEATURE, EDIT, PICTURE})
    settings = ("edge",)
    feature_choices = dict(EDGE_TITLES)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.edge = EDGE_NAMES[0]

    def cycle(self, step: int) -> bool:
        self.next_feature(step)
        return True

    def next_feature(self, step: int = 1) -> None:
        self.edge = cycle(EDGE_NAMES, self.edge, step)
        self.changed()

    def choose_feature(self, name: str) -> bool:
        if name not in EDGE_KERNELS:
            return False
        self.edge = name
        self.changed()
        return True

    @property
    def title_info(self) -> str:
        return f"edge {self.edge}"

    @property
    def edge_names(self) -> tuple[str, ...]:
        return EDGE_NAMES

    @property
    def edge_kernel(self) -> np.ndarray:
        return EDGE_KERNELS[self.edge]

    @property
    def edge_title(self) -> str:
        return EDGE_TITLES[self.edge]

    def edge_map(self, name: str | None = None) -> np.ndarray:
        """The picture convolved (summed, not divided) with an edge kernel."""
        name = name or self.edge
        return self.memo(("map", name), lambda: engine.conv_single(
            self.bench.image, EDGE_KERNELS[name]))

    @property
    def edge_scale(self) -> float:
        """Where the colours reach full strength: half the largest possible answer."""
        return float(np.abs(self.edge_kernel).sum()) / 2
