"""``relu``: the answer is ``max(0, v)`` for every cell of the input."""

from __future__ import annotations

from cnn_tui.engine import format_number, relu

from ..readers import PuzzleError, _as2d, _named_input
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

    return Built([Shown(f"input: {xname}" if xname else "input", x2)], out, explain, None,
                 lambda r, c: {0: [(r, c)]})


# --- random puzzles ----------------------------------------------------------------------------
def random_relu(rng, n):
    return {"kind": NAME, "title": "ReLU",
            "question": "Apply ReLU: keep positive values, replace negative ones with 0.",
            "input": random_matrix(rng, 3, 3, -5, 5),
            "hints": ["max(0, v) for every cell."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(3, random_relu),))
