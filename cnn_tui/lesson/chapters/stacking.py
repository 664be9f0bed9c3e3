"""Chapter "Stacking layers": conv, ReLU and pooling repeated, down to 12 values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui.lesson.chapters.base import FEATURE, PICK_KEYS, PICTURE, PLAY, RESET, dims
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.pooling import Connections, connections

STACK_STAGES: tuple[str, ...] = ("picture", "feature map", "ReLU", "pooled", "pooled again")
STAGE_SHORT: tuple[str, ...] = ("picture", "conv", "ReLU", "pool", "pool")


@dataclass(frozen=True)
class VectorLabel:
    """Where one of the values that vote comes from: its position (counted from 1, as the
    lesson numbers them everywhere), the feature map, and the cell of that map after pooling
    twice."""

    position: int
    feature: str
    cell: tuple[int, int]

    @property
    def name(self) -> str:
        """``#1`` .. ``#12``: how the lesson writes a position."""
        return f"#{self.position}"


def vector_labels(features, shape: tuple[int, int]) -> list[VectorLabel]:
    """The label of every value of the flat vector: the maps of ``features`` (in order), each
    pooled to ``shape``, read row by row (as the engine flattens them)."""
    rows, cols = shape
    per = rows * cols
    return [VectorLabel(i + 1, name, divmod(i - k * per, cols))
            for k, name in enumerate(features) for i in range(k * per, (k + 1) * per)]


class Chapter(Base):
    """position = the stage shown."""

    id = "stacking"
    title = "Stacking layers"
    TEXT = ("The output of one layer is the input of the next: convolution, ReLU and pooling can "
            "be repeated. Pooling twice brings each {map} map down to {pooled}, so three maps "
            "give {values} values.")
    text = TEXT.format(map="7x7", pooled="2x2", values=12)
    more = ("Step through the stages for the chosen feature: picture, feature map, ReLU, pooled, "
            "pooled again. At the bottom are the 12 values of all three maps, the summary that "
            "the next layer uses to vote, numbered #1 to #12: #1-#4 come from the diag map, "
            "#5-#8 from the x map, #9-#12 from the anti map, each read row by row from its "
            "pooled 2x2 cells (0,0), (0,1), (1,0), (1,1).")
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
    def vector_labels(self) -> list[VectorLabel]:
        """Where each of the values comes from (position #1.., feature map, pooled cell)."""
        res = self.bench.pipeline
        first = next(iter(res.pool2.values()))
        return vector_labels(list(res.pool2), first.shape)

    @property
    def vector_table(self) -> list[tuple[VectorLabel, float]]:
        """Every value that votes with its label, in the order the next layer reads them."""
        return list(zip(self.vector_labels, (float(v) for v in self.bench.pipeline.vector)))

    @property
    def connections(self) -> list[Connections]:
        """Fewer connections: values passed on and dense weights needed to reach the votes,
        without pooling, pooled once and pooled twice."""
        b = self.bench
        return b.memo(("connections",), lambda: connections(b.pipeline))

    @property
    def explain(self) -> str:
        res = self.bench.pipeline
        maps, pooled = list(res.conv.values()), list(res.pool2.values())
        return self.TEXT.format(map=dims(maps[0].shape), pooled=dims(pooled[0].shape),
                                values=sum(int(p.size) for p in pooled))

    @property
    def vector_rows(self) -> np.ndarray:
        """The values the next layer reads, one row per feature map."""
        res = self.bench.pipeline
        return res.vector.reshape(len(res.conv), -1)
