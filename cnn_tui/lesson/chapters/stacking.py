"""Chapter "Stacking layers": conv, ReLU and pooling repeated, down to 12 values."""

from __future__ import annotations

import numpy as np

from cnn_tui.lesson.chapters.base import FEATURE, PICK_KEYS, PICTURE, PLAY, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base

STACK_STAGES: tuple[str, ...] = ("picture", "feature map", "ReLU", "pooled", "pooled again")
STAGE_SHORT: tuple[str, ...] = ("picture", "conv", "ReLU", "pool", "pool")


class Chapter(Base):
    """position = the stage shown."""

    id = "stacking"
    title = "Stacking layers"
    text = ("The output of one layer is the input of the next: convolution, ReLU and pooling can "
            "be repeated. Pooling twice brings each 7x7 map down to 2x2, so three maps give 12 "
            "values.")
    more = ("Step through the stages for the chosen feature: picture, feature map, ReLU, pooled, "
            "pooled again. At the bottom are the 12 values of all three maps, the summary that "
            "the next layer uses to vote.")
    keys = (("right/left", "next/previous stage"), ("space", "play / pause"),
            ("f", "next feature")) + PICK_KEYS
    offers = frozenset({PLAY, FEATURE, RESET, PICTURE})
    steps_through = True
    stages = STACK_STAGES
    stage_short = STAGE_SHORT

    @property
    def length(self) -> int:
        return len(STACK_STAGES) - 1

    @property
    def stack_stage(self) -> int:
        return min(self._position, len(STACK_STAGES) - 1)

    @property
    def stage_maps(self) -> list[np.ndarray]:
        """The chosen feature's matrix at every stage: picture, conv, ReLU, pool, pool again."""
        res, f = self.bench.pipeline, self.bench.feature
        return [res.image, res.conv[f], res.relu[f], res.pool[f], res.pool2[f]]

    @property
    def map_names(self) -> list[str]:
        """The features whose pooled maps make up the values, in order."""
        return list(self.bench.pipeline.conv)

    @property
    def vector_rows(self) -> np.ndarray:
        """The values the next layer reads, one row per feature map."""
        res = self.bench.pipeline
        return res.vector.reshape(len(res.conv), -1)
