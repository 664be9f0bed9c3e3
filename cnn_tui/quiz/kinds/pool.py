"""``pool``: max or average pooling, 1D or 2D; by default partial windows at the far border are
kept (ceil mode), as in the lecture, and an average divides by the pixels a window covers."""

from __future__ import annotations

import math

from cnn_tui.engine import pool_geometry, pool_single, pool_trace

from ..readers import (PuzzleError, _as2d, _check_answer_cells, _engine, _int_or_pair,
                       _named_input, _show)
from .base import Built, Generator, Kind, Shown, random_matrix

NAME = "pool"
FIELDS = frozenset({"input", "op", "window", "stride", "padding", "ceil_mode"})
REQUIRED = ("input",)


def build(spec: dict) -> Built:
    x, xname = _named_input(spec["input"], "'input'")
    if x.ndim == 3:
        raise PuzzleError("'input' of pool must be 1-D or 2-D")
    op = spec.get("op", "max")
    if op not in ("max", "avg"):
        raise PuzzleError(f"'op' must be \"max\" or \"avg\", got {_show(op)}")
    window = _int_or_pair(spec, "window", 2, 1)
    stride = _int_or_pair(spec, "stride", window, 1)
    padding = _int_or_pair(spec, "padding", 0, 0)
    ceil_mode = spec.get("ceil_mode", True)
    if not isinstance(ceil_mode, bool):
        raise PuzzleError(f"'ceil_mode' must be true or false, got {_show(ceil_mode)}")
    kw = dict(kernel=window, stride=stride, padding=padding, ceil_mode=ceil_mode)
    # The answer's size first, from the shapes alone: a big answer is refused before it is made.
    g = _engine(pool_geometry, x.shape, **kw)
    _check_answer_cells(math.prod(g.out_shape))
    out = _engine(pool_single, x, op, **kw)
    one_d = out.ndim == 1

    def explain(r: int, c: int) -> str:
        t = pool_trace(x, (c,) if one_d else (r, c), op, **kw)
        return t.working()

    def cells_read(r: int, c: int):
        t = pool_trace(x, (c,) if one_d else (r, c), op, **kw)
        cells = [tuple(int(v) for v in rc) for rc in t.input_coords[t.in_input]]
        return {0: [(0, rc[0]) if len(rc) == 1 else rc for rc in cells]}

    return Built([Shown(f"input: {xname}" if xname else "input", _as2d(x))], _as2d(out), explain,
                 None, cells_read)


# --- random puzzles ----------------------------------------------------------------------------
def random_max(rng, n):
    return {"kind": NAME, "title": "Max pooling with a ragged border", "op": "max",
            "question": "Max pool with a 2x2 window and stride 2, keeping the partial windows at "
                        "the right and bottom border.",
            "input": random_matrix(rng, 5, 5, -4, 9),
            "hints": ["A 5x5 input gives 3x3: the last row and column of windows are partial.",
                      "A partial window takes the largest of the pixels it does cover."]}


def random_avg(rng, n):
    return {"kind": NAME, "title": "Average pooling", "op": "avg",
            "question": "Average pool with a 2x2 window and stride 2 (partial border windows "
                        "divide by the pixels they cover).",
            "input": random_matrix(rng, 3, 4, 0, 8),
            "hints": ["A full window divides by 4; a window of the last row covers only 2 pixels."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(4, random_max), Generator(5, random_avg)))
