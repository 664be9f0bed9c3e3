"""Parameter counts for the quiz, computed by :mod:`cnn_tui.engine.params`.

This module only adapts the puzzle file's vocabulary (``mlp``, ``dense``, ``conv`` items) to the
engine's functions and writes the sums out as text for the worked arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnn_tui.engine import EngineError
from cnn_tui.engine import params as E


class ParamsError(ValueError):
    """A layer description that cannot be counted."""


def _engine(fn, *args, **kw) -> int:
    try:
        return int(fn(*args, **kw))
    except EngineError as exc:
        raise ParamsError(str(exc)) from None


def dense_params(inputs: int, outputs: int, bias: bool = True) -> int:
    """One fully connected layer: ``inputs * outputs`` weights plus ``outputs`` biases."""
    return _engine(E.dense_params, [inputs, outputs], bias)


def mlp_params(sizes: Sequence[int], bias: bool = True) -> int:
    """A stack of dense layers of the given widths (input first)."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ParamsError(f"sizes must be a list of whole numbers, got {sizes!r}")
    return _engine(E.dense_params, list(sizes), bias)


def conv_params(in_channels: int, filters: int, kernel: int | Sequence[int],
                bias: bool = True) -> int:
    """A convolution layer: each filter has ``in_channels * prod(kernel)`` weights (+1 bias).

    One number for ``kernel`` means a square ``k x k`` kernel.
    """
    return _engine(E.conv_params, filters, kernel, channels=in_channels, bias=bias)


def params_working(layer: str, **kw) -> str:
    """The sum written out: ``(20+1)×20 + (20+1)×20 + (20+1)×1``."""
    bias = kw.get("bias", True)
    b = "+1" if bias else ""
    if layer == "dense":
        i, o = kw["inputs"], kw["outputs"]
        return f"({i}{b})×{o}" if bias else f"{i}×{o}"
    if layer == "mlp":
        s = list(kw["sizes"])
        if bias:
            return " + ".join(f"({a}{b})×{c}" for a, c in zip(s, s[1:]))
        return " + ".join(f"{a}×{c}" for a, c in zip(s, s[1:]))
    if layer == "conv":
        k = kw["kernel"]
        ks = [k, k] if isinstance(k, int) else list(k)
        ktext = "×".join(str(v) for v in ks)
        inner = f"{kw['in_channels']}×{ktext}"
        return f"({inner}{b})×{kw['filters']}" if bias else f"{inner}×{kw['filters']}"
    raise ParamsError(f"unknown layer {layer!r}; use mlp, dense or conv")
