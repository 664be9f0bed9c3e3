"""``shape_chain``: the side of a square picture after each layer of a stack of convolutions and
poolings, one answer cell per layer, each layer's output being the next one's input. The
engine's :func:`~cnn_tui.engine.conv_output_size` and :func:`~cnn_tui.engine.pool_output_size`
count them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cnn_tui.engine import EngineError, conv_output_size, pool_output_size

from ..readers import PuzzleError, _check_answer_cells, _int, _key, _show
from ..slips import Slip, cell_slips
from .base import Built, Generator, Kind, indefinite_article
from .output_size import size_slips

NAME = "shape_chain"
FIELDS = frozenset({"n", "layers"})
REQUIRED = ("n", "layers")

# The operations a layer may name and their keys (values of 'op', not puzzle kinds).
CONV, POOL = "conv", "pool"
_LAYER_FIELDS = {CONV: {"op", "kernel", "stride", "padding"},
                 POOL: {"op", "kernel", "stride", "padding", "ceil_mode"}}


def _layer(j: int, it, n: int) -> tuple[int, str, str, Callable[[int], list]]:
    """Layer ``j`` applied to side ``n``: (new side, column label, worked arithmetic, and the
    layer's typical slips on a side given to it, as :func:`.output_size.size_slips` lists
    them)."""
    where = f"layers[{j}]"
    if not isinstance(it, dict):
        raise PuzzleError(f"{where} must be a table like {{ op = \"conv\", kernel = 3 }}, got "
                          f"{_show(it)}")
    op = it.get("op")
    if not isinstance(op, str) or op not in _LAYER_FIELDS:
        raise PuzzleError(f"{where}.op must be \"conv\" or \"pool\", got {_show(op)}")
    extra = sorted(set(it) - _LAYER_FIELDS[op], key=str)
    if extra:
        more = f" and {len(extra) - 5:,} more" if len(extra) > 5 else ""
        raise PuzzleError(f"{where} ({op}) has unknown keys: "
                          f"{', '.join(_key(k) for k in extra[:5])}{more}")
    if "kernel" not in it:
        raise PuzzleError(f"{where} ({op}) needs kernel")
    try:
        k = _int(it, "kernel", None, 1)
        s = _int(it, "stride", 1 if op == CONV else k, 1)
        p = _int(it, "padding", 0, 0)
    except PuzzleError as exc:
        raise PuzzleError(f"{where} ({op}): {exc}") from None
    ceil_mode = it.get("ceil_mode", False)
    if not isinstance(ceil_mode, bool):
        raise PuzzleError(f"{where}.ceil_mode must be true or false, got {_show(ceil_mode)}")
    if op == POOL and p > k // 2:
        raise PuzzleError(f"{where} (pool): padding must be at most half the window ({k // 2}), "
                          f"got {p}")
    try:
        out = (conv_output_size(n, k, s, p, p) if op == CONV else
               pool_output_size(n, k, s, p, p, 1, ceil_mode))
    except EngineError as exc:
        raise PuzzleError(f"{where} ({op}) on a side of {n}: "
                          f"{' '.join(str(exc).split())}") from None
    pad = f" + 2×{p}" if p else ""
    up = op == POOL and ceil_mode
    o, c = ("⌈", "⌉") if up else ("⌊", "⌋")
    text = f"{o}({n}{pad} − {k}) / {s}{c} + 1"
    counted = (-((k - (n + 2 * p)) // s) if up else (n + 2 * p - k) // s) + 1
    if counted == out:
        text += f" = {out}"
    else:   # ceil mode, PyTorch's rule: the last window may not start past the input
        start = (counted - 1) * s                      # in the padded input
        where_ = ("in the padding" if start < n + 2 * p else
                  "past the padded input" if p else "past the input")
        text += f" = {counted}, minus 1: the last window would start {where_} = {out}"
    label = f"{op} {k}" + (f" s{s}" if s != (1 if op == CONV else k) else "")

    def slips(side: int) -> list:
        return size_slips(side, k, s, p, 1, op == POOL, ceil_mode)

    return out, label, text, slips


def build(spec: dict) -> Built:
    n = _int(spec, "n", None, 1)
    layers = spec["layers"]
    if not isinstance(layers, list) or not layers:
        raise PuzzleError("'layers' must be a non-empty list of tables like "
                          "{ op = \"conv\", kernel = 3 }")
    _check_answer_cells(len(layers))           # one answer cell per layer
    vals, labels, texts, makers = [], [], [], []
    side = n
    for j, it in enumerate(layers):
        sides_in = side
        side, label, text, slips_of = _layer(j, it, side)
        vals.append(side)
        labels.append(label)
        texts.append(text)
        makers.append((sides_in, slips_of))

    def explain(r: int, c: int) -> str:
        return texts[c]

    answer = np.array([vals], dtype=float)

    def slips() -> list[Slip]:
        per_cell = []
        for j, (side_in, slips_of) in enumerate(makers):
            found = slips_of(side_in)
            if j and side_in != n:
                # The layer applied to the picture's own side instead of the side before it.
                found.append(("from-the-picture", "Each layer starts from the side the layer "
                              "before it gave, not from the picture's side.",
                              _apply(layers[j], n)))
            per_cell.append(found)
        return cell_slips(answer, per_cell)

    return Built([], answer, explain, labels, None, slips)


def _apply(layer: dict, n: int) -> float:
    """The side a layer gives for a side of ``n`` (NaN when it does not fit)."""
    try:
        return float(_layer(0, layer, n)[0])
    except PuzzleError:
        return float("nan")


# --- random puzzles ----------------------------------------------------------------------------
def random_shape_chain(rng, n):
    size = int(rng.integers(8, 21))
    k1, k2 = (int(v) for v in rng.choice([3, 5], size=2))
    if size - k1 - k2 + 2 < 2:
        k2 = 3
    return {"kind": NAME, "title": "Sizes through a stack",
            "question": f"{indefinite_article(size).capitalize()} {size}x{size} picture goes "
                        f"through a {k1}x{k1} convolution, a {k2}x{k2} convolution (stride 1, no "
                        f"padding) and a 2x2 max pooling with stride 2 in floor mode (a leftover "
                        f"row is dropped). What is the side after each layer?",
            "n": size,
            "layers": [{"op": CONV, "kernel": k1}, {"op": CONV, "kernel": k2},
                       {"op": POOL, "kernel": 2, "stride": 2}],
            "hints": ["Each layer's output is the next layer's input.",
                      "floor((n + 2 x padding - kernel) / stride) + 1, for the pooling too."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(12, random_shape_chain),))
