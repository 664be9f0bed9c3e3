"""Argument normalisation and output-shape arithmetic shared by convolution and pooling.

Every function here raises :class:`EngineError` (a ``ValueError``) with a sentence a learner can
act on, never a bare NumPy error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Union

IntOrSeq = Union[int, Sequence[int]]
PadSpec = Union[int, Sequence[Union[int, Sequence[int]]]]


class EngineError(ValueError):
    """An impossible setting or a bad input for an engine operation."""


# Settings beyond these are typing mistakes, not experiments: refuse them with a sentence rather
# than let NumPy overflow a C long or try to allocate gigabytes.
MAX_SETTING = 1_000_000          # stride, dilation, padding (per side)
MAX_CELLS = 50_000_000           # values in one padded input (400 MB of float64)


def check_cells(shape, what: str = "the padded input") -> None:
    """Refuse arrays of more than :data:`MAX_CELLS` values with one clear sentence."""
    cells = math.prod(int(n) for n in shape)
    if cells > MAX_CELLS:
        raise EngineError(f"{what} would hold {cells:,} values, more than the {MAX_CELLS:,} "
                          f"this engine works with; use less padding or a smaller input")


def as_tuple(value: IntOrSeq, nd: int, name: str, minimum: int = 1) -> tuple[int, ...]:
    """Expand ``value`` (one int or ``nd`` ints) to a tuple of ``nd`` ints, each ``>= minimum``."""
    if isinstance(value, (int,)) or (hasattr(value, "__index__") and not isinstance(value, bool)):
        items = (int(value),) * nd
    elif isinstance(value, float):
        items = (_whole(value, name),) * nd
    else:
        try:
            items = tuple(_whole(v, name) for v in value)
        except TypeError:
            raise EngineError(f"{name} must be a whole number or {nd} whole numbers, "
                              f"got {value!r}") from None
        if len(items) == 1:
            items = items * nd
    if len(items) != nd:
        raise EngineError(f"{name} needs 1 or {nd} values, got {len(items)}")
    for v in items:
        if v < minimum:
            raise EngineError(f"{name} must be at least {minimum}, got {v}")
        if v > MAX_SETTING:
            raise EngineError(f"{name} must be at most {MAX_SETTING:,}, got {v:,}")
    return items


def _whole(v, name: str) -> int:
    """``v`` as an int if it is a whole number (``2`` or ``2.0``), else a clear error."""
    if hasattr(v, "__index__"):
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise EngineError(f"{name} must be whole numbers, got {v!r}")


def as_padding(padding: PadSpec, nd: int) -> tuple[tuple[int, int], ...]:
    """Expand a padding spec to ``nd`` pairs ``(before, after)``.

    Accepted: one int (all sides); ``nd`` ints (symmetric per axis); ``nd`` pairs (per side);
    for one axis, a flat pair ``(before, after)``.
    """
    if isinstance(padding, int) or hasattr(padding, "__index__"):
        p = int(padding)
        pairs = ((p, p),) * nd
    else:
        items = list(padding)
        if nd == 1 and len(items) == 2 and all(
                isinstance(v, int) or hasattr(v, "__index__") for v in items):
            items = [tuple(items)]  # one axis: a flat pair is (before, after)
        if len(items) == 1 and nd > 1:
            items = items * nd
        if len(items) != nd:
            raise EngineError(f"padding needs 1 or {nd} values, got {len(items)}")
        pairs = []
        for item in items:
            if isinstance(item, int) or hasattr(item, "__index__"):
                pairs.append((int(item), int(item)))
            else:
                pair = tuple(int(v) for v in item)
                if len(pair) != 2:
                    raise EngineError("each padding entry is one number or a pair (before, after)")
                pairs.append(pair)
        pairs = tuple(pairs)
    for before, after in pairs:
        if before < 0 or after < 0:
            raise EngineError(f"padding cannot be negative, got {before, after}")
        if max(before, after) > MAX_SETTING:
            raise EngineError(f"padding must be at most {MAX_SETTING:,}, got "
                              f"{max(before, after):,}")
    return tuple(pairs)


def _span_and_padded(n: int, k: int, stride: int, pad_before: int, pad_after: int,
                     dilation: int, what: str) -> tuple[int, int]:
    """The window's span and the padded length along one axis, after checking they fit."""
    span = dilation * (k - 1) + 1
    padded = n + pad_before + pad_after
    if stride < 1:
        raise EngineError(f"stride must be at least 1, got {stride}")
    if span > padded:
        how = f"spanning {span} with dilation {dilation}" if dilation > 1 else f"{span} wide"
        raise EngineError(
            f"the {what} ({how}) is larger than the padded input ({padded}); use a smaller "
            f"{what} or more padding")
    return span, padded


def conv_output_size(n: int, k: int, stride: int = 1, pad_before: int = 0, pad_after: int = 0,
                     dilation: int = 1) -> int:
    """Output length along one axis: ``floor((n + pb + pa - dilation*(k-1) - 1) / stride) + 1``."""
    span, padded = _span_and_padded(n, k, stride, pad_before, pad_after, dilation, "kernel")
    return (padded - span) // stride + 1


def pool_output_size(n: int, k: int, stride: int, pad_before: int = 0, pad_after: int = 0,
                     dilation: int = 1, ceil_mode: bool = False) -> int:
    """Output length of pooling along one axis.

    Floor mode is the convolution formula. Ceil mode rounds up, so partial windows at the far
    border are kept (7 -> 4 for a 2-wide window with stride 2), but — as in PyTorch — a window
    must start inside the input or its leading padding.
    """
    span, padded = _span_and_padded(n, k, stride, pad_before, pad_after, dilation,
                                     "pooling window")
    if not ceil_mode:
        return (padded - span) // stride + 1
    out = math.ceil((padded - span) / stride) + 1
    if (out - 1) * stride >= n + pad_before:
        out -= 1
    return out
