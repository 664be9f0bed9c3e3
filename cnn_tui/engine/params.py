"""Parameter counts of fully connected and convolutional layers (the lecture's "many params").

Errors are :class:`EngineError` (a ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .shapes import EngineError


@dataclass(frozen=True)
class LayerCount:
    """One layer's share of the parameters: ``weights + biases``. A dense layer also says
    how many ``inputs`` and ``outputs`` it connects (its weights are their product)."""

    label: str
    weights: int
    biases: int
    inputs: int = 0
    outputs: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.biases


def _whole(v, what: str) -> int:
    if isinstance(v, bool) or not (isinstance(v, int) or hasattr(v, "__index__")
                                   or (isinstance(v, float) and v.is_integer())):
        raise EngineError(f"{what} must be whole numbers, got {v!r}")
    return int(v)


def dense_layers(sizes: Sequence[int], bias: bool = True) -> list[LayerCount]:
    """Each fully connected layer of a network whose widths are ``sizes`` (input first)."""
    sizes = [_whole(s, "layer sizes") for s in sizes]
    if len(sizes) < 2:
        raise EngineError("a dense network needs at least two layer sizes (input and output)")
    if any(s < 1 for s in sizes):
        raise EngineError("every layer size must be a whole number of at least 1")
    return [LayerCount(f"{a} -> {b}", a * b, b if bias else 0, a, b)
            for a, b in zip(sizes, sizes[1:])]


def dense_params(sizes: Sequence[int], bias: bool = True) -> int:
    """Weights (and biases) of a chain of dense layers: ``(20, 20, 20, 1) -> 861``."""
    return sum(layer.total for layer in dense_layers(sizes, bias))


def conv_params(filters: int, kernel: int | Sequence[int], channels: int = 1,
                bias: bool = True) -> int:
    """Weights (and biases) of one convolution layer: ``filters * channels * prod(kernel)
    (+ filters)``; ``kernel`` is one side (square) or one side per spatial axis."""
    if isinstance(kernel, (int, float)) or hasattr(kernel, "__index__"):
        ks = (_whole(kernel, "kernel sides"),) * 2
    else:
        ks = tuple(_whole(k, "kernel sides") for k in kernel)
    filters, channels = _whole(filters, "filters"), _whole(channels, "channels")
    if filters < 1 or channels < 1 or not ks or any(k < 1 for k in ks):
        raise EngineError("filters, channels and kernel sides must be at least 1")
    n = filters * channels
    for k in ks:
        n *= k
    return n + (filters if bias else 0)
