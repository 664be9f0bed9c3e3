"""``pool``: max or average pooling, 1D or 2D; by default partial windows at the far border are
kept (ceil mode), as in the lecture, and an average divides by the pixels a window covers."""

from __future__ import annotations

import math

import numpy as np

from cnn_tui.engine import pool_geometry, pool_single, pool_trace

from ..readers import (PuzzleError, _as2d, _check_answer_cells, _engine, _int_or_pair,
                       _named_input, _show)
from ..slips import Slip, grid, safe, sign_slip, swapped_slip
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

    answer = _as2d(out)
    before_relu = None
    raw = spec["input"]
    if isinstance(raw, str) and raw.strip().lower().startswith("relu:"):
        before_relu = raw.strip()[5:]          # a named map: pooled without its ReLU first

    def slips() -> list[Slip]:
        return pool_slips(answer, x, op, kw, one_d, before_relu)

    return Built([Shown(f"input: {xname}" if xname else "input", _as2d(x))], answer, explain,
                 None, cells_read, slips)


def pool_slips(answer, x, op: str, kw: dict, one_d: bool, before_relu: str | None) -> list[Slip]:
    """The typical slips of a pooling, each computed by the engine with the slip built in."""
    found: list[Slip] = []

    def run(xx=x, how=op):
        return grid(answer, _as2d(pool_single(xx, how, **kw)))

    if op == "max":
        found += safe(lambda: [Slip("avg-not-max", "That is the window's average; max pooling "
                                    "keeps the largest value of each window.", run(how="avg"))])
        if before_relu is not None:
            found += safe(lambda: [Slip("no-relu", "It looks like you pooled the map as it was "
                                        "before ReLU removed its negative values.",
                                        run(xx=_named_input(before_relu, "'input'")[0]))])
    else:
        found += safe(lambda: [Slip("max-not-avg", "That is the window's largest value; "
                                    "average pooling keeps the mean of each window.",
                                    run(how="max"))])

        def counts():
            """How many real pixels each window covers, from the engine's trace."""
            rows, cols = answer.shape
            return np.array([[pool_trace(x, (c,) if one_d else (r, c), op, **kw).count
                              for c in range(cols)] for r in range(rows)], dtype=float)

        def sums_and_full():
            n = counts()
            full = float(np.prod(_window_shape(kw["kernel"], x.ndim)))
            out = [Slip("sum-not-avg", "It looks like you added the window's values but did not "
                        "divide by how many there are.", answer * n)]
            partial = np.where(n < full, answer * n / full, np.nan)
            if np.isfinite(partial).any():
                out.append(Slip("full-window", "A window that hangs over the border divides "
                                "by the pixels it really covers, not by a full window's.",
                                partial))
            return out

        found += safe(sums_and_full)
    found += swapped_slip(answer)
    found += sign_slip(answer, "Right size, wrong sign: pooling keeps each value's sign.")
    return found


def _window_shape(window, nd: int) -> tuple[int, ...]:
    return tuple(window) if isinstance(window, (tuple, list)) else (window,) * nd


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
