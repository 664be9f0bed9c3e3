"""``output_size``: how many outputs a convolution or a pooling gives along one side, one answer
cell per stride."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import conv_output_size, pool_output_size

from ..readers import MAX_SIZE, PuzzleError, _check_answer_cells, _engine, _int, _show, _whole
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
        vals = [_engine(pool_output_size, n, k, s, p, p, d, ceil_mode) for s in strides]
    span = d * (k - 1) + 1
    rounding = "⌈" if of == "pool" and ceil_mode else "⌊"
    close = "⌉" if rounding == "⌈" else "⌋"

    def explain(r: int, c: int) -> str:
        s = strides[c]
        pad = f" + 2×{p}" if p else ""
        return f"{rounding}({n}{pad} − {span}) / {s}{close} + 1 = {vals[c]}"

    return Built([], np.array([vals], dtype=float), explain, [f"stride {s}" for s in strides],
                 None)


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
