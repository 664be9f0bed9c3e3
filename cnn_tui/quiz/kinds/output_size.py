"""``output_size``: how many outputs a convolution or a pooling gives along one side, one answer
cell per stride."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import EngineError, conv_output_size, pool_geometry, pool_output_size

from ..readers import MAX_SIZE, PuzzleError, _check_answer_cells, _engine, _int, _show, _whole
from ..slips import Slip, cell_slips
from .base import Built, Generator, Kind, indefinite_article

NAME = "output_size"
FIELDS = frozenset({"n", "kernel", "stride", "padding", "dilation", "of", "ceil_mode"})
REQUIRED = ("n", "kernel", "stride")


def build(spec: dict) -> Built:
    n = _int(spec, "n", None, 1)
    k = _int(spec, "kernel", None, 1)
    strides = spec["stride"]
    strides = strides if isinstance(strides, list) else [strides]
    _check_answer_cells(len(strides))           # one answer cell per stride
    if not strides or not all(_whole(s, 1, MAX_SIZE) for s in strides):
        raise PuzzleError(f"'stride' must be a whole number from 1 to {MAX_SIZE:,} or a list of "
                          f"them, got {_show(spec['stride'])}")
    p = _int(spec, "padding", 0, 0)
    d = _int(spec, "dilation", 1, 1)
    # 'of' names the operation whose output is counted (these are values of 'of', not kinds).
    of = spec.get("of", "conv")
    if of not in ("conv", "pool"):
        raise PuzzleError(f"'of' must be \"conv\" or \"pool\", got {_show(of)}")
    ceil_mode = spec.get("ceil_mode", of == "pool")
    if not isinstance(ceil_mode, bool):
        raise PuzzleError(f"'ceil_mode' must be true or false, got {_show(ceil_mode)}")
    if of == "conv":
        vals = [_engine(conv_output_size, n, k, s, p, p, d) for s in strides]
    else:
        vals = _pool_sizes(n, k, strides, p, d, ceil_mode)
    span = d * (k - 1) + 1
    rounds_up = of == "pool" and ceil_mode
    rounding, close = ("⌈", "⌉") if rounds_up else ("⌊", "⌋")

    def explain(r: int, c: int) -> str:
        s = strides[c]
        pad = f" + 2×{p}" if p else ""
        head = f"{rounding}({n}{pad} − {span}) / {s}{close} + 1"
        if not rounds_up:
            return f"{head} = {vals[c]}"
        # Ceil mode (PyTorch's rule, as the engine's pool_output_size): one window fewer when
        # the last one would start past the input and its leading padding.
        counted = -((span - (n + 2 * p)) // s) + 1       # the ceiling above, exactly
        if counted == vals[c]:
            return f"{head} = {vals[c]}"
        start = (counted - 1) * s                      # in the padded input
        where = ("in the padding" if start < n + 2 * p else
                 "past the padded input" if p else "past the input")
        return f"{head} = {counted}, minus 1: the last window would start {where} = {vals[c]}"

    answer = np.array([vals], dtype=float)

    def slips() -> list[Slip]:
        per_cell = [size_slips(n, k, st, p, d, of == "pool", ceil_mode) for st in strides]
        return cell_slips(answer, per_cell)

    return Built([], answer, explain, [f"stride {s}" for s in strides], None, slips)


def size_slips(n: int, k: int, s: int, p: int, d: int, pool: bool,
               ceil_mode: bool) -> list[tuple[str, str, float]]:
    """The typical slips in counting the outputs along one side, as ``(key, message, value)``;
    each value is the engine's count with the slip built in (NaN when the engine refuses the
    slipped settings). Shared by ``output_size`` and ``shape_chain``."""
    up = pool and ceil_mode

    def count(kk=k, ss=s, pb=p, pa=p, dd=d, ceil=up) -> float:
        try:
            if ceil or pool:
                return float(pool_output_size(n, kk, ss, pb, pa, dd, ceil))
            return float(conv_output_size(n, kk, ss, pb, pa, dd))
        except EngineError:
            return float("nan")

    span, padded = d * (k - 1) + 1, n + 2 * p
    steps = -((span - padded) // s) if up else (padded - span) // s   # the formula before + 1
    # Rounding first: in ceil mode, rounding down gives the same count as a forgotten + 1
    # whenever the division is not exact, and the rounding is what such a puzzle is about.
    if up:
        out = [("rounded-down", "Here the windows that hang over the border are kept: round "
                "up, not down.", count(ceil=False))]
    else:
        # the plain ceiling a learner writes, not the engine's ceil mode (which still drops a
        # last window that would start in the padding or past the input)
        plain_up = float(-((span - padded) // s) + 1) if padded >= span else float("nan")
        out = [("rounded-up", "You rounded up: a window that would hang over the edge does not "
                "count, so round down.", plain_up)]
    out.append(("no-plus-one", "You left out the + 1: the window's first position counts too.",
                float(steps)))
    if p:
        out.append(("no-padding", "You left out the padding: it adds to the input on both "
                    "sides.", count(pb=0, pa=0)))
        out.append(("padding-once", "Padding goes on both sides of the input: count it twice.",
                    count(pa=0)))
    if s > 1:
        out.append(("no-stride", "You counted every position: the window jumps by the stride, "
                    "so divide by it.", count(ss=1)))
    if d > 1:
        out.append(("no-dilation", "With dilation the kernel spans more than its size: "
                    "dilation × (kernel − 1) + 1.", count(dd=1)))
    return out


MAX_TAPS = 10_000      # outputs x window taps of dilated poolings the engine checks one by one


def _pool_sizes(n: int, k: int, strides: list[int], p: int, d: int,
                ceil_mode: bool) -> list[int]:
    """The pooled length for each stride, from the engine's pooling geometry, so the settings
    ``max_pool`` itself refuses (padding over half the window, dilated windows that miss the
    input) are refused here too.

    With dilation the geometry checks every tap of every window, a table of outputs x window
    values, so such settings are first sized with :func:`pool_output_size` and refused beyond
    :data:`MAX_TAPS` taps for all the strides together (no puzzle comes near)."""
    if d > 1:
        taps = sum(_engine(pool_output_size, n, k, s, p, p, d, ceil_mode) * k for s in strides)
        if taps > MAX_TAPS:
            raise PuzzleError(f"a dilated pooling this large is too much to check: its windows "
                              f"have {taps:,} taps in all, more than {MAX_TAPS:,}; use smaller "
                              f"numbers")
    return [_engine(pool_geometry, (n,), k, s, p, ceil_mode, d).out_shape[0] for s in strides]


# --- random puzzles ----------------------------------------------------------------------------
def random_output_size(rng, n):
    size = int(rng.integers(6, 17))
    k = int(rng.choice([2, 3, 5]))
    p = int(rng.integers(0, 3))
    return {"kind": NAME, "title": "Output sizes",
            "question": f"{indefinite_article(size).capitalize()} {size}x{size} input, "
                        f"{indefinite_article(k)} {k}x{k} kernel and padding {p}: how many "
                        f"outputs per side for each stride?",
            "n": size, "kernel": k, "padding": p, "stride": [1, 2, 3],
            "hints": ["floor((n + 2 x padding - kernel) / stride) + 1."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(6, random_output_size),))
