"""``relu``: the answer is ``max(0, v)`` for every cell of the input."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import format_number, relu

from ..readers import PuzzleError, _as2d, _named_input
from ..slips import Slip
from .base import Built, Generator, Kind, Shown, random_matrix

NAME = "relu"
FIELDS = frozenset({"input"})
REQUIRED = ("input",)


def build(spec: dict) -> Built:
    x, xname = _named_input(spec["input"], "'input'")
    if x.ndim == 3:
        raise PuzzleError("'input' of relu must be 1-D or 2-D")
    out = _as2d(relu(x))  # the engine's ReLU
    x2 = _as2d(x)

    def explain(r: int, c: int) -> str:
        return f"max(0, {format_number(x2[r, c])}) = {format_number(out[r, c])}"

    def slips() -> list[Slip]:
        negative = x2 < 0
        return [
            Slip("kept-negative", "ReLU does not keep a negative value: only positive values "
                 "pass through as they are.", np.where(negative, x2, np.nan)),
            Slip("flipped-negative", "ReLU does not flip the sign of a negative value: only "
                 "positive values pass through.", np.where(negative, -x2, np.nan)),
            Slip("zeroed-positive", "ReLU keeps a positive value as it is; only negative "
                 "values become 0.", np.where(x2 > 0, 0.0, np.nan)),
        ]

    return Built([Shown(f"input: {xname}" if xname else "input", x2)], out, explain, None,
                 lambda r, c: {0: [(r, c)]}, slips)


# --- random puzzles ----------------------------------------------------------------------------
def random_relu(rng, n):
    return {"kind": NAME, "title": "ReLU",
            "question": "Apply ReLU: keep positive values, replace negative ones with 0.",
            "input": random_matrix(rng, 3, 3, -5, 5),
            "hints": ["max(0, v) for every cell."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(3, random_relu),))
