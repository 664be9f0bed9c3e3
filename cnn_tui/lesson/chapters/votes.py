"""Chapter "Fully connected votes": 12 values vote for X or for O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from cnn_tui import engine
from cnn_tui.engine.fmt import fraction as lecture_fraction
from cnn_tui.engine.fmt import lecture
from cnn_tui.lesson.chapters.base import EDIT, PICK_KEYS, PICTURE, ChapterKey
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.stacking import VectorLabel, vector_labels
from cnn_tui.lecture.data import FUTURE_VALUES, STRONG, VECTOR_LENGTH
from cnn_tui.lecture.network import variant_report
from cnn_tui.lesson.workbench import ModelError, cycle

# What the chapter shows: the picture's 12 values, the lecture's "future values", or the
# hand-wired network's verdict on every picture of the lesson (the variant report).
PICTURE_VALUES, FUTURE, REPORT = "picture", "future", "report"
VOTE_SOURCES: tuple[str, ...] = (PICTURE_VALUES, FUTURE, REPORT)
# What the lecture's slide prints for its "future values" example (lecture.toml [votes]): its
# weights are only drawn as lines of different thickness, so these are illustrative; the mean of
# each answer's strong values (the rule the engine follows) gives 0.912 and 0.5175.
SLIDE_VOTES = {"X": ".92", "O": ".51"}

# The fully connected layer as a weight matrix (w). The lecture links every value to every
# answer, with thick lines for the values that are high in the answer's own pictures and thin
# lines for the rest. Here a thin link weighs 0.02 and each answer's thick links share the rest
# equally, so each answer's weights add up to 1 and its vote stays between 0 and 1 as on the
# slides: X 5 x 0.172 + 7 x 0.02 = 1, O 4 x 0.21 + 8 x 0.02 = 1.
WEAK_WEIGHT = 0.02
STRONG_WEIGHTS = {"X": 0.172, "O": 0.21}
# m switches the matrix between those weights and the mean rule's (the chapter's first view):
# strong 1/count, weak 0, the special case that averages the strong values.
WEIGHTED, MEAN_RULE = "weighted", "mean rule"
FC_RULES: tuple[str, ...] = (WEIGHTED, MEAN_RULE)
FC_RULE_TITLES = {WEIGHTED: "lecture-style weights", MEAN_RULE: "mean rule"}
# Such layers stack: 12 values -> this many hidden units -> 2 votes (the note under the matrix).
HIDDEN_UNITS = 8


def lecture_weights(strong=STRONG, length: int = VECTOR_LENGTH,
                    strong_weights=STRONG_WEIGHTS,
                    weak: float = WEAK_WEIGHT) -> tuple[list[str], np.ndarray]:
    """The lecture-style layer: ``(answers, w)`` with ``w`` of shape (answers, length), as
    :func:`engine.dense` takes it; ``strong_weights[answer]`` at the answer's strong
    positions, ``weak`` everywhere else."""
    names = list(strong)
    w = np.full((len(names), length), float(weak))
    for row, name in enumerate(names):
        w[row, list(strong[name])] = float(strong_weights[name])
    return names, w


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


def stack_layers(hidden: int = HIDDEN_UNITS) -> list[engine.LayerCount]:
    """The two layers of 12 values -> ``hidden`` units -> the 2 votes, counted by the engine."""
    return engine.dense_layers([VECTOR_LENGTH, hidden, len(STRONG)])


def stack_note(hidden: int = HIDDEN_UNITS) -> str:
    """Such layers stack: the sentence with the engine's weight and bias counts."""
    first, second = stack_layers(hidden)
    return (f"Such layers stack: {first.inputs} values → {first.outputs} hidden units → "
            f"{second.outputs} votes needs {first.inputs}x{first.outputs} + {first.biases} = "
            f"{first.total} and {second.inputs}x{second.outputs} + {second.biases} = "
            f"{second.total} weights and biases")


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


@dataclass(frozen=True)
class WeightedSum:
    """One answer's weighted sum written out: ``X = 0.172×1.00 + 0.02×0.55 + ... = 0.93``."""

    name: str
    weights: tuple[str, ...]       # each value's weight, as printed
    values: tuple[str, ...]        # the 12 values, as printed
    result: str                    # the engine's weighted sum, as printed
    value: float                   # the engine's weighted sum

    @property
    def terms(self) -> tuple[str, ...]:
        """``weight×value`` for each of the 12 values, in order."""
        return tuple(f"{w}×{v}" for w, v in zip(self.weights, self.values))

    @property
    def text(self) -> str:
        return f"{self.name} = {' + '.join(self.terms)} = {self.result}"


class Chapter(Base):
    id = "votes"
    title = "Fully connected votes"
    text = ("Every one of the 12 values is linked to each answer by a weight, strong or weak. "
            "By default an answer simply averages its strong values; w shows the weights as a "
            "matrix and their weighted sums. The highest vote wins.")
    more = ("The 12 values are numbered #1 to #12 (#1-#4 from the diag map, #5-#8 from x, "
            "#9-#12 from anti). Filled squares are the strong connections: X listens to "
            f"{positions_text('X')}, O to {positions_text('O')}. Each vote is the plain average "
            "of the values it listens to, written out under the table; d shows it in exact "
            "fractions. Press right to swap the picture's values for the lecture's example of "
            "new values, which still lean towards X (the slide prints X .92 and O .51; the "
            "averages are 0.912 and 0.5175), and again for the verdict on every picture.\n\n"
            "w shows the layer as it really is: a 12x2 matrix of weights, one row per value, "
            "one column per answer, every value linked to both answers. The slides draw the "
            "links as thick and thin lines; here a thin link weighs "
            f"{WEAK_WEIGHT} and each answer's thick links share the rest (X "
            f"{STRONG_WEIGHTS['X']}, O {STRONG_WEIGHTS['O']}), so each column adds up to 1 and "
            "a vote stays between 0 and 1. A vote is the weighted sum: each value times its "
            "weight, all added up; that is all a fully connected layer does. m switches the "
            "matrix to the mean rule, which is the same layer with weak links at 0 and strong "
            f"ones at 1/{len(STRONG['X'])} for X and 1/{len(STRONG['O'])} for O: the weighted "
            "sum is then the average. On every "
            "picture of the lesson both give the same winner; the margin differs.\n\n"
            + stack_note() + ". Nobody sets those by hand: the train chapter's network learns "
            "the weights of its dense layers from examples.")
    keys = (("right/left", "picture values / example values / every picture"),
            ("w", "weights: the layer as a 12x2 matrix, and back"),
            ("m", "weights: lecture-style / mean rule")) + PICK_KEYS
    bindings = (ChapterKey("w", "toggle_fc_weights", "Weights"),
                ChapterKey("m", "toggle_fc_rule", "Mean/weighted"))
    offers = frozenset({EDIT, PICTURE})
    picture_sides = (7, 10)
    settings = ("vote_source", "fc_shown", "fc_rule")

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.vote_source = PICTURE_VALUES
        self.fc_shown = False           # w: the weight matrix instead of the table of ■
        self.fc_rule = WEIGHTED         # m: lecture-style weights or the mean rule's

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

    # ------------------------------------------------------------------ the weight matrix (w, m)
    def toggle_fc_weights(self) -> None:
        """``w``: show the layer as its weight matrix, or go back to the table of ■. From the
        verdict on every picture it opens on the picture's values."""
        if self.showing_report:
            self.vote_source = PICTURE_VALUES
            self.fc_shown = True
        else:
            self.fc_shown = not self.fc_shown
        self.changed()

    def toggle_fc_rule(self) -> None:
        """``m``: the lecture-style weights or the mean rule's; opens the matrix if hidden."""
        if self.showing_report:
            self.vote_source = PICTURE_VALUES
        if self.fc_shown:
            self.fc_rule = cycle(FC_RULES, self.fc_rule, 1)
        self.fc_shown = True
        self.changed()

    @property
    def showing_fc(self) -> bool:
        """True while the weight matrix is shown (never over the verdict on every picture)."""
        return self.fc_shown and not self.showing_report

    def fc_matrix(self, rule: str | None = None) -> tuple[list[str], np.ndarray]:
        """``(answers, w)``: the layer's weights, one row per answer and one column per value
        (as :func:`engine.dense` takes them), for ``rule`` (default: the one shown)."""
        rule = rule or self.fc_rule
        if rule == MEAN_RULE:
            return self.vote_weights
        if rule != WEIGHTED:
            raise ModelError(f"unknown rule {rule!r}; choose one of {', '.join(FC_RULES)}")
        return lecture_weights()

    @property
    def fc_table(self) -> np.ndarray:
        """The weights as the screen draws them: 12 rows (the values) x 2 columns (X, O)."""
        return self.fc_matrix()[1].T

    def fc_votes(self, rule: str | None = None) -> dict[str, float]:
        """Each answer's weighted sum of the shown values, from :func:`engine.dense`."""
        rule = rule or self.fc_rule
        names, w = self.fc_matrix(rule)
        vec = self.vote_vector
        scores = self.memo(("fc", rule, self.vote_source), lambda: engine.dense(vec, w))
        return {n: float(v) for n, v in zip(names, scores)}

    def fc_verdict(self, rule: str | None = None) -> str:
        """The winner of :meth:`fc_votes` (``"tie"`` when the two highest are equal)."""
        votes = self.fc_votes(rule)
        vals = sorted(votes.values(), reverse=True)
        if len(vals) > 1 and abs(vals[0] - vals[1]) < 1e-12:
            return "tie"
        return engine.predict(votes)

    def weight_text(self, w: float, rule: str | None = None) -> str:
        """One weight as printed: 0.172, 0.02, 0 (the mean rule's 1/5 with fractions on)."""
        rule = rule or self.fc_rule
        if abs(w) < 1e-15:
            return "0"
        if rule == MEAN_RULE and self.exact_numbers:
            return lecture_fraction(w)
        return exact_decimal(w, 3) or lecture(w)

    @property
    def fc_sums(self) -> list[WeightedSum]:
        """Each answer's weighted sum written out: every value times its weight, then the
        engine's total."""
        names, w = self.fc_matrix()
        vec = [float(v) for v in self.vote_vector]
        votes = self.fc_votes()
        values = tuple(self.value_text(v) for v in vec)
        return [WeightedSum(name, tuple(self.weight_text(float(x)) for x in w[j]), values,
                            self.vote_text(votes[name]), votes[name])
                for j, name in enumerate(names)]

    @property
    def fc_compare(self) -> str:
        """The other rule's votes and winner beside the shown one's."""
        other = MEAN_RULE if self.fc_rule == WEIGHTED else WEIGHTED
        mine, theirs = self.fc_verdict(), self.fc_verdict(other)
        votes = self.fc_votes(other)
        shown = ", ".join(f"{n} {self.vote_text(v)}" for n, v in votes.items())
        def word(v: str) -> str:
            return "a tie" if v == "tie" else v

        same = "the same verdict" if mine == theirs else f"not {word(mine)} as here!"
        return f"With the {FC_RULE_TITLES[other]}: {shown} → {word(theirs)}, {same}"

    @property
    def fc_stack_note(self) -> str:
        """Such layers stack (the counts from the engine), and where such weights are learned."""
        return stack_note() + "; the train chapter learns such weights."

    @property
    def title_info(self) -> str | None:
        return FC_RULE_TITLES[self.fc_rule] if self.showing_fc else None
