"""``params``: parameter counts of dense stacks (MLPs), single dense layers and convolution
layers, one answer cell per layer, counted by :mod:`cnn_tui.engine.params`.

This module adapts the puzzle file's vocabulary (``mlp``, ``dense`` and ``conv`` items) to the
engine's functions and writes the sums out as text for the worked arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnn_tui.engine import EngineError
from cnn_tui.engine import params as E

from ..readers import PuzzleError
from .base import Built, Generator, Kind

NAME = "params"
FIELDS = frozenset({"items"})
REQUIRED = ("items",)

# The layers an item may describe and their keys. These are layer names, not puzzle kinds.
MLP, DENSE, CONV_LAYER = "mlp", "dense", "conv"
_LAYER_FIELDS = {MLP: {"sizes", "bias", "label"}, DENSE: {"inputs", "outputs", "bias", "label"},
                 CONV_LAYER: {"in_channels", "filters", "kernel", "bias", "label"}}


class ParamsError(ValueError):
    """A layer description that cannot be counted."""


def _count(fn, *args, **kw) -> int:
    try:
        return int(fn(*args, **kw))
    except EngineError as exc:
        raise ParamsError(str(exc)) from None


def dense_params(inputs: int, outputs: int, bias: bool = True) -> int:
    """One fully connected layer: ``inputs * outputs`` weights plus ``outputs`` biases."""
    return _count(E.dense_params, [inputs, outputs], bias)


def mlp_params(sizes: Sequence[int], bias: bool = True) -> int:
    """A stack of dense layers of the given widths (input first)."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ParamsError(f"sizes must be a list of whole numbers, got {sizes!r}")
    return _count(E.dense_params, list(sizes), bias)


def conv_params(in_channels: int, filters: int, kernel: int | Sequence[int],
                bias: bool = True) -> int:
    """A convolution layer: each filter has ``in_channels * prod(kernel)`` weights (+1 bias).

    One number for ``kernel`` means a square ``k x k`` kernel.
    """
    return _count(E.conv_params, filters, kernel, channels=in_channels, bias=bias)


def params_working(layer: str, **kw) -> str:
    """The sum written out: ``(20+1)×20 + (20+1)×20 + (20+1)×1``."""
    bias = kw.get("bias", True)
    b = "+1" if bias else ""
    if layer == DENSE:
        i, o = kw["inputs"], kw["outputs"]
        return f"({i}{b})×{o}" if bias else f"{i}×{o}"
    if layer == MLP:
        s = list(kw["sizes"])
        if bias:
            return " + ".join(f"({a}{b})×{c}" for a, c in zip(s, s[1:]))
        return " + ".join(f"{a}×{c}" for a, c in zip(s, s[1:]))
    if layer == CONV_LAYER:
        k = kw["kernel"]
        ks = [k, k] if isinstance(k, int) else list(k)
        ktext = "×".join(str(v) for v in ks)
        inner = f"{kw['in_channels']}×{ktext}"
        return f"({inner}{b})×{kw['filters']}" if bias else f"{inner}×{kw['filters']}"
    raise ParamsError(f"unknown layer {layer!r}; use mlp, dense or conv")


_COUNTERS = {MLP: mlp_params, DENSE: dense_params, CONV_LAYER: conv_params}


def build(spec: dict) -> Built:
    items = spec["items"]
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise PuzzleError("'items' must be a non-empty list of tables like "
                          "{ layer = \"dense\", inputs = 4, outputs = 2 }")
    vals, texts, labels = [], [], []
    for j, it in enumerate(items):
        layer = it.get("layer")
        if layer not in _LAYER_FIELDS:
            raise PuzzleError(f"items[{j}].layer must be \"mlp\", \"dense\" or \"conv\", "
                              f"got {layer!r}")
        extra = set(it) - _LAYER_FIELDS[layer] - {"layer"}
        if extra:
            raise PuzzleError(f"items[{j}] has unknown keys: {', '.join(sorted(extra))}")
        missing = _LAYER_FIELDS[layer] - {"bias", "label"} - set(it)
        if missing:
            raise PuzzleError(f"items[{j}] ({layer}) needs {', '.join(sorted(missing))}")
        kw = {k: v for k, v in it.items() if k not in ("layer", "label")}
        if not isinstance(kw.get("bias", True), bool):
            raise PuzzleError(f"items[{j}].bias must be true or false")
        try:
            vals.append(_COUNTERS[layer](**kw))
            texts.append(params_working(layer, **kw))
        except (ParamsError, TypeError, KeyError) as exc:
            raise PuzzleError(f"items[{j}] ({layer}): {exc}") from None
        labels.append(str(it.get("label", f"{layer} {j + 1}")))

    def explain(r: int, c: int) -> str:
        return f"{texts[c]} = {vals[c]}"

    return Built([], np.array([vals], dtype=float), explain, labels, None)


# --- random puzzles ----------------------------------------------------------------------------
def random_params(rng, n):
    a, b, c = (int(v) for v in rng.integers(2, 30, size=3))
    f, k = int(rng.integers(2, 17)), int(rng.choice([3, 5]))
    return {"kind": NAME, "title": "Count the parameters",
            "question": f"How many parameters: an MLP {a} -> {b} -> {c} -> 1 with biases, and a "
                        f"convolution layer of {f} filters of {k}x{k} on 3 channels with biases?",
            "items": [{"layer": MLP, "sizes": [a, b, c, 1], "label": "MLP"},
                      {"layer": CONV_LAYER, "in_channels": 3, "filters": f, "kernel": k,
                       "label": CONV_LAYER}],
            "hints": ["A dense layer has (inputs + 1) x outputs parameters.",
                      "A filter has channels x k x k weights and one bias."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(7, random_params),))
