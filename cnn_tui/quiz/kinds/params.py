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

from ..readers import (MAX_ANSWER_CELLS, MAX_SIZE, PuzzleError, _check_answer_cells, _key,
                       _show)
from ..slips import Slip, cell_slips
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
        raise ParamsError(f"sizes must be a list of whole numbers, got {_show(sizes)}")
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
        ks = [k, k] if isinstance(k, (int, float)) else list(k)
        ktext = "×".join(str(v) for v in ks)
        inner = f"{kw['in_channels']}×{ktext}"
        return f"({inner}{b})×{kw['filters']}" if bias else f"{inner}×{kw['filters']}"
    raise ParamsError(f"unknown layer {_show(layer)}; use mlp, dense or conv")


_COUNTERS = {MLP: mlp_params, DENSE: dense_params, CONV_LAYER: conv_params}


def _check_numbers(j: int, layer: str, kw: dict) -> None:
    """Each size a number of at most :data:`MAX_SIZE` (``sizes``: a list of them; ``kernel``: one
    or a list), so counts stay exact-sized and messages short; the engine checks the rest."""
    for key, v in kw.items():
        if key == "bias":
            continue
        many = key == "sizes" or (key == "kernel" and isinstance(v, list))
        if key == "sizes" and not isinstance(v, list):
            raise PuzzleError(f"items[{j}] ({layer}): sizes must be a list of whole numbers, "
                              f"got {_show(v)}")
        most = MAX_ANSWER_CELLS if key == "sizes" else 3    # a kernel has 1 to 3 sides
        if many and len(v) > most:
            raise PuzzleError(f"items[{j}] ({layer}): {key} lists {len(v):,} numbers; at most "
                              f"{most} make sense")
        for n in (v if many else [v]):
            if isinstance(n, bool) or not isinstance(n, (int, float)):
                raise PuzzleError(f"items[{j}] ({layer}): {key} must be whole numbers, got "
                                  f"{_show(v)}")
            if abs(n) > MAX_SIZE:
                raise PuzzleError(f"items[{j}] ({layer}): {key} must be at most {MAX_SIZE:,}, "
                                  f"got {_show(n)}")


def build(spec: dict) -> Built:
    items = spec["items"]
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise PuzzleError("'items' must be a non-empty list of tables like "
                          "{ layer = \"dense\", inputs = 4, outputs = 2 }")
    _check_answer_cells(len(items))             # one answer cell per item
    vals, texts, labels, layers = [], [], [], []
    for j, it in enumerate(items):
        layer = it.get("layer")
        if not isinstance(layer, str) or layer not in _LAYER_FIELDS:
            raise PuzzleError(f"items[{j}].layer must be \"mlp\", \"dense\" or \"conv\", "
                              f"got {_show(layer)}")
        extra = sorted(set(it) - _LAYER_FIELDS[layer] - {"layer"}, key=str)
        if extra:
            more = f" and {len(extra) - 5:,} more" if len(extra) > 5 else ""
            raise PuzzleError(f"items[{j}] has unknown keys: "
                              f"{', '.join(_key(k) for k in extra[:5])}{more}")
        missing = _LAYER_FIELDS[layer] - {"bias", "label"} - set(it)
        if missing:
            raise PuzzleError(f"items[{j}] ({layer}) needs {', '.join(sorted(missing))}")
        kw = {k: v for k, v in it.items() if k not in ("layer", "label")}
        if not isinstance(kw.get("bias", True), bool):
            raise PuzzleError(f"items[{j}].bias must be true or false")
        label = it.get("label", f"{layer} {j + 1}")
        if not isinstance(label, str):
            raise PuzzleError(f"items[{j}].label must be a string, got {_show(label)}")
        _check_numbers(j, layer, kw)
        try:
            vals.append(_COUNTERS[layer](**kw))
            texts.append(params_working(layer, **kw))
        except (ParamsError, TypeError, KeyError) as exc:
            raise PuzzleError(f"items[{j}] ({layer}): {exc}") from None
        labels.append(label)
        layers.append((layer, kw))

    def explain(r: int, c: int) -> str:
        return f"{texts[c]} = {vals[c]}"

    answer = np.array([vals], dtype=float)

    def slips() -> list[Slip]:
        return cell_slips(answer, [layer_slips(layer, kw) for layer, kw in layers])

    return Built([], answer, explain, labels, None, slips)


def layer_slips(layer: str, kw: dict) -> list[tuple[str, str, float]]:
    """The typical slips in counting one item's parameters, as ``(key, message, value)``, each
    value counted by the engine with the slip built in (NaN when it cannot be counted)."""
    def count(**change) -> float:
        try:
            return float(_COUNTERS[layer](**{**kw, **change}))
        except (ParamsError, TypeError, KeyError, ValueError, OverflowError):
            return float("nan")

    out = []
    if kw.get("bias", True):
        who = "filter" if layer == CONV_LAYER else "output unit"
        out.append(("no-bias", f"You left out the biases: each {who} has one more parameter.",
                    count(bias=False)))
    else:
        out.append(("extra-bias", "This layer has no biases: count only the weights.",
                    count(bias=True)))
    if layer == CONV_LAYER:
        if kw["in_channels"] != 1:
            out.append(("no-channels", "A filter has one kernel slice per input channel: "
                        "multiply by the channels.", count(in_channels=1)))
        if kw["filters"] != 1:
            out.append(("one-filter", "That is one filter's count: every filter has its own "
                        "weights.", count(filters=1)))
    elif layer == DENSE:
        if kw["inputs"] != kw["outputs"] and kw.get("bias", True):
            # A bias per input instead of per output: inputs x (outputs + 1).
            out.append(("bias-per-input", "A bias belongs to each output unit, not to each "
                        "input.", count(inputs=kw["outputs"], outputs=kw["inputs"])))
    elif layer == MLP:
        sizes = list(kw["sizes"])
        if kw.get("bias", True) and sizes != sizes[::-1]:
            out.append(("bias-per-input", "A bias belongs to each output unit, not to each "
                        "input.", count(sizes=sizes[::-1])))
    return out


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
