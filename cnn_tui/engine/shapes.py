"""Argument normalisation and output-shape arithmetic shared by convolution and pooling.

Every function here raises :class:`EngineError` (a ``ValueError``) with a sentence a learner can
act on, never a bare NumPy error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Union

import numpy as np

IntOrSeq = Union[int, Sequence[int]]
PadSpec = Union[int, Sequence[Union[int, Sequence[int]]]]


class EngineError(ValueError):
    """An impossible setting or a bad input for an engine operation."""


# Settings beyond these are typing mistakes, not experiments: refuse them with a sentence rather
# than let NumPy overflow a C long or try to allocate gigabytes.
MAX_SETTING = 1_000_000          # stride, dilation, padding (per side)
MAX_CELLS = 50_000_000           # values in one input, padded input or output (400 MB of float64)


def check_cells(shape, what: str = "the padded input", fix: str | None = None) -> None:
    """Refuse arrays of more than :data:`MAX_CELLS` values with one clear sentence.

    Only ``shape`` is looked at, so callers run this before anything is allocated, converted or
    scanned. The cap applies to the input as given and, separately, to the input once padded.
    """
    cells = math.prod(int(n) for n in shape)
    if cells > MAX_CELLS:
        if fix is None:
            fix = ("use less padding or a smaller input" if "padded" in what
                   else "use a smaller input")
        raise EngineError(f"{what} would hold {cells:,} values, more than the {MAX_CELLS:,} "
                          f"this engine works with; {fix}")


def float_dtype(*dtypes) -> np.dtype:
    """The dtype an operation on arrays of ``dtypes`` computes and answers in.

    NumPy's type promotion of the floating dtypes, where a whole-number or boolean array counts
    as float64: float32 with float32 stays float32, float32 with float64 gives float64.
    """
    kinds = [np.dtype(d) if np.dtype(d).kind == "f" else np.dtype(np.float64) for d in dtypes]
    return np.result_type(*kinds)


def check_dout(dout, shape, dtype, name: str = "dout") -> np.ndarray:
    """``dout`` as an array of ``dtype`` after checking it has exactly ``shape``.

    A backward pass refuses a gradient of the wrong shape instead of letting NumPy broadcast it.
    """
    arr = np.asarray(dout)
    if arr.dtype.kind not in "fiub":
        raise EngineError(f"{name} must be numeric")
    shape = tuple(int(n) for n in shape)
    if arr.shape != shape:
        raise EngineError(f"{name} has shape {arr.shape}, expected {shape}")
    return arr.astype(dtype, copy=False)


# Python takes True and False for 1 and 0: a setting given as one is refused, with this hint.
_NOT_NUMBERS = " (True and False are not numbers here: write 1 or 0)"


def _unwrapped(v):
    """A NumPy array given as a setting as plain values: a 0-d array its one value (so that
    ``np.array(True)`` is a bool and ``np.array(2.5)`` a float, not cut to an int), any other
    array a (nested) list."""
    if isinstance(v, np.ndarray):
        return v.item() if v.ndim == 0 else v.tolist()
    return v


def as_tuple(value: IntOrSeq, nd: int, name: str, minimum: int = 1) -> tuple[int, ...]:
    """Expand ``value`` (one int or ``nd`` ints) to a tuple of ``nd`` ints, each ``>= minimum``."""
    value = _unwrapped(value)
    if isinstance(value, (bool, np.bool_)):
        raise EngineError(f"{name} must be a whole number or {nd} whole numbers, got "
                          f"{value!r}{_NOT_NUMBERS}")
    if hasattr(value, "__index__"):
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
    """``v`` as an int if it is a whole number (``2``, ``2.0`` or a NumPy scalar of either), else
    a clear error (``True`` and ``False`` too: Python takes them for 1 and 0)."""
    v = _unwrapped(v)
    if isinstance(v, (bool, np.bool_)):
        raise EngineError(f"{name} must be whole numbers, got {v!r}{_NOT_NUMBERS}")
    if hasattr(v, "__index__"):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    raise EngineError(f"{name} must be whole numbers, got {v!r}")


def _is_number(v) -> bool:
    return hasattr(v, "__index__") or isinstance(v, (float, np.floating))


def as_padding(padding: PadSpec, nd: int) -> tuple[tuple[int, int], ...]:
    """Expand a padding spec to ``nd`` pairs ``(before, after)``.

    Accepted: one number (all sides); ``nd`` numbers (symmetric per axis); ``nd`` pairs (per
    side); for one axis, a flat pair ``(before, after)``. Numbers are whole: ``1`` or ``1.0``;
    ``1.5``, text and deeper nesting are refused with an :class:`EngineError`.
    """
    padding = _unwrapped(padding)
    usage = (f"padding must be a whole number, {nd} whole numbers or {nd} pairs "
             f"(before, after), got {padding!r}")
    if isinstance(padding, (bool, np.bool_)):
        raise EngineError(usage + _NOT_NUMBERS)
    if _is_number(padding):
        p = _whole(padding, "padding")
        pairs = ((p, p),) * nd
    else:
        if isinstance(padding, (str, bytes)) or not hasattr(padding, "__iter__"):
            raise EngineError(usage)
        items = list(padding)
        if nd == 1 and len(items) == 2 and all(_is_number(v) for v in items):
            items = [tuple(items)]  # one axis: a flat pair is (before, after)
        if len(items) == 1 and nd > 1:
            items = items * nd
        if len(items) != nd:
            raise EngineError(f"padding needs 1 or {nd} values, got {len(items)}")
        pairs = []
        for item in items:
            if _is_number(item):
                p = _whole(item, "padding")
                pairs.append((p, p))
                continue
            if isinstance(item, (str, bytes)) or not hasattr(item, "__iter__"):
                raise EngineError(usage)
            pair = tuple(item)
            if len(pair) != 2 or not all(_is_number(v) for v in pair):
                raise EngineError("each padding entry is one whole number or a pair "
                                  f"(before, after) of whole numbers, got {item!r}")
            pairs.append((_whole(pair[0], "padding"), _whole(pair[1], "padding")))
        pairs = tuple(pairs)
    for before, after in pairs:
        if before < 0 or after < 0:
            raise EngineError(f"padding cannot be negative, got {before, after}")
        if max(before, after) > MAX_SETTING:
            raise EngineError(f"padding must be at most {MAX_SETTING:,}, got "
                              f"{max(before, after):,}")
    return tuple(pairs)


def _check_axis(n: int, k: int, stride: int, pad_before: int, pad_after: int,
                dilation: int) -> None:
    """The settings of one axis are each possible at all (sizes and steps at least 1)."""
    for v in (n, k, stride, pad_before, pad_after, dilation):
        if isinstance(v, (bool, np.bool_)):
            raise EngineError(f"sizes, strides, dilations and padding must be whole numbers, "
                              f"got {v!r}{_NOT_NUMBERS}")
    if n < 1 or k < 1:
        raise EngineError("the input and the window must not be empty")
    if stride < 1:
        raise EngineError(f"stride must be at least 1, got {stride}")
    if dilation < 1:
        raise EngineError(f"dilation must be at least 1, got {dilation}")
    if pad_before < 0 or pad_after < 0:
        raise EngineError(f"padding cannot be negative, got {pad_before, pad_after}")


# How an axis's length is said: a 2-D map's axes are rows (tall) and columns (wide).
EXTENTS = {1: ("long",), 2: ("tall", "wide"), 3: ("deep", "tall", "wide")}


def axis_extents(nd: int) -> tuple[str, ...]:
    """The word for the length along each of ``nd`` axes: ``("tall", "wide")`` for 2-D."""
    return EXTENTS.get(nd, ("long",) * nd)


def _span_and_padded(n: int, k: int, stride: int, pad_before: int, pad_after: int,
                     dilation: int, what: str, extent: str = "wide") -> tuple[int, int]:
    """The window's span and the padded length along one axis, after checking they fit."""
    _check_axis(n, k, stride, pad_before, pad_after, dilation)
    span = dilation * (k - 1) + 1
    padded = n + pad_before + pad_after
    if span > padded:
        how = (f"spanning {span} with dilation {dilation}" if dilation > 1
               else f"{span} {extent}")
        raise EngineError(
            f"the {what} ({how}) is larger than the padded input ({padded} {extent}); use a "
            f"smaller {what} or more padding")
    return span, padded


def conv_output_size(n: int, k: int, stride: int = 1, pad_before: int = 0, pad_after: int = 0,
                     dilation: int = 1, extent: str = "wide") -> int:
    """Output length along one axis: ``floor((n + pb + pa - dilation*(k-1) - 1) / stride) + 1``.
    ``extent`` names the axis's length in a message ("tall" for rows, "wide" for columns)."""
    span, padded = _span_and_padded(n, k, stride, pad_before, pad_after, dilation, "kernel",
                                    extent)
    return (padded - span) // stride + 1


def pool_output_size(n: int, k: int, stride: int, pad_before: int = 0, pad_after: int = 0,
                     dilation: int = 1, ceil_mode: bool = False, extent: str = "wide") -> int:
    """Output length of pooling along one axis (PyTorch's rule).

    Floor mode is the convolution formula: every window lies inside the padded input.

    Ceil mode rounds up instead: ``ceil((n + pb + pa - dilation*(k-1) - 1) / stride) + 1``, minus
    one if the last window would start past the input and its leading padding (a window must
    start on a real pixel or on leading padding). The windows at the far border may hang over
    the edge; such a partial window takes only the real pixels it covers (7 -> 4 for a 2-wide
    window with stride 2). This holds even when the window is larger than the whole padded
    input: a 1-pixel input pooled by a 2-wide window with stride 2 gives 1 value. Like PyTorch,
    ceil mode still refuses a window that overhangs the padded input by a whole stride or more
    (the rounded-up count would be 0 or less).
    """
    if not ceil_mode:
        span, padded = _span_and_padded(n, k, stride, pad_before, pad_after, dilation,
                                         "pooling window", extent)
        return (padded - span) // stride + 1
    _check_axis(n, k, stride, pad_before, pad_after, dilation)
    span = dilation * (k - 1) + 1
    padded = n + pad_before + pad_after
    out = -((span - padded) // stride) + 1  # ceil((padded - span) / stride) + 1, exactly
    if out < 1:
        how = (f"spanning {span} with dilation {dilation}" if dilation > 1
               else f"{span} {extent}")
        raise EngineError(
            f"the pooling window ({how}) overhangs the padded input ({padded}) by "
            f"{span - padded}, and ceil mode allows less than one stride ({stride}); use a "
            f"smaller window, more padding or a longer stride")
    if (out - 1) * stride >= n + pad_before:
        out -= 1
    return out
