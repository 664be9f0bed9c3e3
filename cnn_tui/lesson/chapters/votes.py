"""Chapter "Fully connected votes": 12 values vote for X or for O."""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import EDIT, PICK_KEYS, PICTURE
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import FEATURES, FUTURE_VALUES, STRONG, VECTOR_LENGTH
from cnn_tui.lecture.network import variant_report
from cnn_tui.lesson.workbench import cycle

# What the chapter shows: the picture's 12 values, the lecture's "future values", or the
# hand-wired network's verdict on every picture of the lesson (the variant report).
PICTURE_VALUES, FUTURE, REPORT = "picture", "future", "report"
VOTE_SOURCES: tuple[str, ...] = (PICTURE_VALUES, FUTURE, REPORT)


class Chapter(Base):
    id = "votes"
    title = "Fully connected votes"
    text = ("Each of the 12 values is connected to every answer. An answer listens mostly to the "
            "values that are high for its own pictures; its vote is the average of those. The "
            "highest vote wins.")
    more = ("Filled squares are the strong connections: X listens to positions 1, 4, 5, 10 and "
            "11, O to 2, 3, 9 and 12. Press right to swap the picture's values for the lecture's "
            "example of new values, which still lean towards X.")
    keys = (("right/left", "picture values / example values"),) + PICK_KEYS
    offers = frozenset({EDIT, PICTURE})
    settings = ("vote_source",)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.vote_source = PICTURE_VALUES

    def cycle(self, step: int) -> bool:
        self.vote_source = cycle(VOTE_SOURCES, self.vote_source, step)
        self.changed()
        return True

    @property
    def showing_report(self) -> bool:
        return self.vote_source == REPORT

    @property
    def showing_picture(self) -> bool:
        return self.vote_source == PICTURE_VALUES

    @property
    def vote_vector(self) -> np.ndarray:
        if self.vote_source == FUTURE:
            return np.array(FUTURE_VALUES, dtype=float)
        return self.bench.pipeline.vector

    @property
    def votes(self) -> dict[str, float]:
        if self.vote_source == FUTURE:
            return self.memo("future", lambda: engine.vote(FUTURE_VALUES, STRONG))
        return self.bench.pipeline.votes

    @property
    def prediction(self) -> str:
        """The engine's choice (a tie goes to the first category; see :attr:`verdict`)."""
        return engine.predict(self.votes)

    @property
    def tie(self) -> bool:
        """True when the two highest votes are equal (closer than 1e-12), as
        :attr:`engine.PipelineResult.tie` decides it for a picture."""
        if self.vote_source != FUTURE:
            return self.bench.pipeline.tie
        vals = sorted(self.votes.values(), reverse=True)
        return len(vals) > 1 and abs(vals[0] - vals[1]) < 1e-12

    @property
    def verdict(self) -> str:
        """What the network says: the predicted category, or ``"tie"``."""
        return "tie" if self.tie else self.prediction

    @property
    def variant_report(self):
        """Every lesson picture with the network's verdict: ``[(variant, result, right), ...]``."""
        return self.bench.memo(("report",), variant_report)

    @property
    def report_rows(self) -> list[tuple[object, str, dict[str, float], bool]]:
        """Each lesson picture: ``(variant, what the network says ("tie" on a tie), its votes,
        whether that is what a person sees)``."""
        return [(v, "tie" if res.tie else res.prediction, res.votes, ok)
                for v, res, ok in self.variant_report]

    @property
    def report_right(self) -> int:
        """How many lesson pictures the network gets right."""
        return sum(ok for _, _, ok in self.variant_report)

    @property
    def vote_weights(self) -> tuple[list[str], np.ndarray]:
        return engine.vote_weights(STRONG, VECTOR_LENGTH)

    @property
    def vote_rows(self) -> list[tuple[int, str, float, list[bool]]]:
        """One row per value: ``(position from 1, its feature map, value, strong per answer)``."""
        vec = self.vote_vector
        names, w = self.vote_weights
        feats = list(FEATURES)
        per = len(vec) // len(feats)
        return [(i + 1, feats[i // per], float(v), [bool(w[j, i] > 0) for j in range(len(names))])
                for i, v in enumerate(vec)]
