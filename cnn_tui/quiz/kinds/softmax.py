"""``softmax``: a network's scores turned into probabilities, one answer cell per score:
``e^a / (e^a + e^b + ...)``, computed by the engine's :func:`cnn_tui.engine.softmax`."""

from __future__ import annotations

import math

import numpy as np

from cnn_tui.engine import format_number, softmax

from ..readers import MAX_ANSWER_CELLS, PuzzleError, _array, _engine, _show
from ..slips import Slip, other_cells
from .base import Built, Generator, Kind, Shown

NAME = "softmax"
FIELDS = frozenset({"scores"})
REQUIRED = ("scores",)

MAX_SHOWN_EXP = 50          # e^50 is about 5e21: beyond it the worked sum shows no numbers
ALL_TERMS = 4               # up to this many scores the denominator is written out in full


def _power(v: float) -> str:
    return f"e^{format_number(v)}" if v >= 0 else f"e^({format_number(v)})"


def _exp_text(v: float) -> str:
    e = math.exp(v)
    return str(round(e)) if abs(e - round(e)) < 1e-9 else f"{e:.4g}"


def build(spec: dict) -> Built:
    raw = spec["scores"]
    if isinstance(raw, list) and len(raw) > MAX_ANSWER_CELLS:
        raise PuzzleError(f"'scores' lists {len(raw):,} numbers; keep puzzles to "
                          f"{MAX_ANSWER_CELLS} scores or fewer")
    if not isinstance(raw, list) or len(raw) < 2:
        raise PuzzleError(f"'scores' must be a list of two or more numbers, got {_show(raw)}")
    scores = _array(raw, "'scores'", (1,))
    probs = _engine(softmax, scores)
    small = bool(np.abs(scores).max() <= MAX_SHOWN_EXP)

    def terms(f) -> str:
        parts = [f(v) for v in scores]
        if len(parts) > ALL_TERMS:
            parts = parts[:2] + ["…"] + parts[-1:]
        return " + ".join(parts)

    def explain(r: int, c: int) -> str:
        a = scores[c]
        text = f"{_power(a)} / ({terms(_power)})"
        if small:
            text += f" = {_exp_text(a)} / ({terms(_exp_text)})"
        return f"{text} = {format_number(probs[c])}"

    n = scores.size
    answer = probs[None, :].astype(float)

    def slips() -> list[Slip]:
        found = [Slip("other-class", "That is another class's probability: each cell takes "
                      "its own score on top of the fraction.", v) for v in other_cells(answer)]
        total = float(scores.sum())
        if total != 0:
            found.append(Slip("no-exp", "Softmax raises e to each score first, then divides by "
                              "the sum of those powers.", (scores / total)[None, :]))
        return found

    return Built([Shown("scores", scores[None, :])], answer, explain,
                 [f"class {i + 1}" for i in range(n)],
                 lambda r, c: {0: [(0, i) for i in range(n)]}, slips)


# --- random puzzles ----------------------------------------------------------------------------
def random_softmax(rng, n):
    a, b = (int(v) for v in rng.integers(-2, 4, size=2))
    return {"kind": NAME, "title": "Softmax",
            "question": f"The network scores a picture {a} for X and {b} for O. Softmax turns the "
                        f"scores into probabilities: e^score divided by the sum of e^ of both "
                        f"scores. What are the two probabilities?",
            "scores": [a, b], "style": "lecture",
            "hints": ["e^0 is 1, e^1 is about 2.718, e^2 about 7.389, e^-1 about 0.368.",
                      "The two probabilities add up to 1."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(11, random_softmax),))
