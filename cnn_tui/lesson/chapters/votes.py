"""Chapter "Fully connected votes": 12 values vote for X or for O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from cnn_tui import engine
from cnn_tui.engine.fmt import lecture
from cnn_tui.lesson.chapters.base import EDIT, PICK_KEYS, PICTURE
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.stacking import VectorLabel, vector_labels
from cnn_tui.lecture.data import FUTURE_VALUES, STRONG, VECTOR_LENGTH
from cnn_tui.lecture.network import variant_report
from cnn_tui.lesson.workbench import cycle

# What the chapter shows: the picture's 12 values, the lecture's "future values", or the
# hand-wired network's verdict on every picture of the lesson (the variant report).
PICTURE_VALUES, FUTURE, REPORT = "picture", "future", "report"
VOTE_SOURCES: tuple[str, ...] = (PICTURE_VALUES, FUTURE, REPORT)
# What the lecture's slide prints for its "future values" example (lecture.toml [votes]): its
# weights are only drawn as lines of different thickness, so these are illustrative; the mean of
# each answer's strong values (the rule the engine follows) gives 0.912 and 0.5175.
SLIDE_VOTES = {"X": ".92", "O": ".51"}


def positions_text(name: str) -> str:
    """The positions (#1..#12) an answer listens to: ``"#1, #4, #5, #10 and #11"``."""
    tags = [f"#{p + 1}" for p in STRONG[name]]
    return ", ".join(tags[:-1]) + " and " + tags[-1] if len(tags) > 1 else tags[0]


def exact_decimal(v: float, places: int = 6) -> str | None:
    """``v`` written exactly with 2 to ``places`` decimals (0.912, 0.5175), or None when it
    has no such decimal (5/9)."""
    for p in range(2, places + 1):
        s = f"{v:.{p}f}"
        if abs(float(s) - v) < 1e-12:
            return s
    return None


@dataclass(frozen=True)
class VoteSum:
    """One answer's vote written out: ``X = (1.00 + 1.00 + ...) / 5 = 5.00 / 5 = 1.00``."""

    name: str
    positions: tuple[int, ...]     # the positions it listens to, counted from 1
    terms: tuple[str, ...]         # the values there, as the lesson prints them
    total: str | None              # their sum, when it is exact in the printed numbers
    count: int
    result: str                    # the vote as the lesson prints it
    value: float                   # the engine's vote

    @property
    def text(self) -> str:
        s = f"{self.name} = ({' + '.join(self.terms)}) / {self.count}"
        if self.total is not None:
            total = f"({self.total})" if "/" in self.total else self.total
            s += f" = {total} / {self.count}"
        return s + f" = {self.result}"


class Chapter(Base):
    id = "votes"
    title = "Fully connected votes"
    text = ("Each of the 12 values is connected to every answer. An answer listens mostly to the "
            "values that are high for its own pictures; its vote is the average of those. The "
            "highest vote wins.")
    more = ("The 12 values are numbered #1 to #12 (#1-#4 from the diag map, #5-#8 from x, "
            "#9-#12 from anti). Filled squares are the strong connections: X listens to "
            f"{positions_text('X')}, O to {positions_text('O')}. Each vote is the plain average "
            "of the values it listens to, written out under the table; d shows it in exact "
            "fractions. Press right to swap the picture's values for the lecture's example of "
            "new values, which still lean towards X (the slide prints X .92 and O .51; the "
            "averages are 0.912 and 0.5175).")
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
    def vote_labels(self) -> list[VectorLabel]:
        """Where each value comes from: position #1..#12, feature map, cell after two poolings
        (the lecture's example values stand in the same places)."""
        pool2 = self.bench.pipeline.pool2
        return self.memo("labels", lambda: vector_labels(
            list(pool2), next(iter(pool2.values())).shape))

    @property
    def vote_rows(self) -> list[tuple[int, str, float, list[bool]]]:
        """One row per value: ``(position from 1, its feature map, value, strong per answer)``."""
        vec = self.vote_vector
        names, w = self.vote_weights
        return [(lab.position, lab.feature, float(v),
                 [bool(w[j, i] > 0) for j in range(len(names))])
                for i, (lab, v) in enumerate(zip(self.vote_labels, vec))]

    # ------------------------------------------------------------------ printing the numbers
    # The picture's values are ninths (a 3x3 feature divides by 9): they print in the lesson's
    # style, 0.55 or 5/9. The lecture's example values are decimals (0.9, 0.65, ...): they print
    # as those decimals in both styles, and "exact" (d) prints their average exactly (0.912),
    # never as a fraction such as 207/400 that nobody wrote.
    @property
    def exact_numbers(self) -> bool:
        """True with fractions on (d): votes print exactly."""
        return self.bench.style == "fraction"

    def value_text(self, v: float) -> str:
        """One of the 12 values as the chapter prints it."""
        if self.vote_source == FUTURE:
            return exact_decimal(v, 2) or lecture(v)
        return self.bench.fmt(v)

    def vote_text(self, v: float) -> str:
        """A vote (an average) as the chapter prints it."""
        if self.vote_source == FUTURE and self.exact_numbers:
            return exact_decimal(v) or lecture(v)
        return self.bench.fmt(v)

    def _sum_text(self, values: list[float], terms: list[str]) -> str | None:
        """The sum of ``values`` as printed beside ``terms``; None when the printed terms do
        not add up to it exactly (0.55 + 0.55 is 1.10, but 5/9 + 5/9 is 1.11...)."""
        if self.exact_numbers and self.vote_source != FUTURE:
            try:
                parts = [Fraction(t) for t in terms]
            except (ValueError, ZeroDivisionError):
                return None
            if any(abs(float(p) - v) > 1e-9 for p, v in zip(parts, values)):
                return None
            total = sum(parts, Fraction(0))
            return str(total.numerator) if total.denominator == 1 else str(total)
        try:
            parts = [Decimal(t) for t in terms]
        except ArithmeticError:
            return None
        if any(abs(float(p) - v) > 1e-9 for p, v in zip(parts, values)):
            return None
        return str(sum(parts, Decimal(0)))

    @property
    def vote_sums(self) -> list[VoteSum]:
        """Each answer's vote as the engine computes it (the mean of the values at its strong
        positions), written out with those values."""
        vec = [float(v) for v in self.vote_vector]
        names, w = self.vote_weights
        votes = self.votes
        out = []
        for j, name in enumerate(names):
            idx = [i for i in range(len(vec)) if w[j, i] > 0]
            values = [vec[i] for i in idx]
            terms = [self.value_text(v) for v in values]
            out.append(VoteSum(name, tuple(i + 1 for i in idx), tuple(terms),
                               self._sum_text(values, terms), len(idx),
                               self.vote_text(votes[name]), float(votes[name])))
        return out

    @property
    def slide_note(self) -> str | None:
        """With the lecture's example values: what its slide prints, and why ours differ."""
        if self.vote_source != FUTURE:
            return None
        v = self.votes
        ours = " and ".join(exact_decimal(v[n]) or lecture(v[n]) for n in SLIDE_VOTES)
        slide = " and ".join(f"{n} {s}" for n, s in SLIDE_VOTES.items())
        return (f"The slide prints {slide}: it draws its weights only as lines. Plain averages "
                f"give {ours}.")
