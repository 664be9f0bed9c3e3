"""Convolution (cross-correlation, as the lecture and deep-learning libraries do it).

Layout: inputs ``x`` are ``(N, C, *spatial)`` and weights ``w`` are ``(F, C, *kernel)`` with one,
two or three spatial axes. The forward pass builds a read-only strided *window view* of the padded
input, copies it once into columns ``(N, C*K, P)`` (``K`` kernel pixels, ``P`` output pixels) and
does one batched matrix product ``W @ cols`` whose result is already NCHW-contiguous.

``mode="mean"`` divides by the number of elements of one filter (``C*K``): the lecture's
"divide by the total number of pixels in the feature".
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product as _iproduct

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .shapes import EngineError, as_padding, as_tuple, conv_output_size

MODES = ("sum", "mean")


@dataclass(frozen=True)
class ConvGeometry:
    """Everything about a convolution's shapes, resolved once."""

    nd: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]

    @property
    def padded_shape(self) -> tuple[int, ...]:
        return tuple(n + b + a for n, (b, a) in zip(self.in_shape, self.padding))

    def window_origin(self, out_index: tuple[int, ...]) -> tuple[int, ...]:
        """Top-left (first) corner of a window in padded coordinates."""
        return tuple(i * s for i, s in zip(out_index, self.stride))


def geometry(in_shape, kernel_shape, stride=1, padding=0, dilation=1) -> ConvGeometry:
    """Resolve and validate the settings of a convolution over ``in_shape`` (spatial only)."""
    in_shape = tuple(int(n) for n in in_shape)
    kernel_shape = tuple(int(k) for k in kernel_shape)
    nd = len(kernel_shape)
    if len(in_shape) != nd:
        raise EngineError(f"the input has {len(in_shape)} spatial axes but the kernel has {nd}")
    if not 1 <= nd <= 3:
        raise EngineError(f"convolution works over 1, 2 or 3 spatial axes, not {nd}")
    if min(kernel_shape) < 1 or min(in_shape) < 1:
        raise EngineError("the input and the kernel must not be empty")
    st = as_tuple(stride, nd, "stride")
    dl = as_tuple(dilation, nd, "dilation")
    pads = as_padding(padding, nd)
    out = tuple(conv_output_size(n, k, s, b, a, d)
                for n, k, s, (b, a), d in zip(in_shape, kernel_shape, st, pads, dl))
    return ConvGeometry(nd, kernel_shape, st, pads, dl, in_shape, out)


def _as_float(a, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiub":
        raise EngineError(f"{name} must be numeric")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise EngineError(f"{name} contains NaN or infinity")
    return arr


def pad(x: np.ndarray, pads, value: float = 0.0) -> np.ndarray:
    """Pad the trailing ``len(pads)`` axes of ``x`` with ``value`` (per side)."""
    if all(b == 0 and a == 0 for b, a in pads):
        return x
    lead = x.ndim - len(pads)
    shape = x.shape[:lead] + tuple(n + b + a for n, (b, a) in zip(x.shape[lead:], pads))
    out = np.full(shape, value, dtype=x.dtype)
    inner = (slice(None),) * lead + tuple(slice(b, b + n) for n, (b, _) in zip(x.shape[lead:], pads))
    out[inner] = x
    return out


def windows(xp: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Read-only view ``(*lead, *out, *kernel)`` of every window of the padded input ``xp``."""
    nd = g.nd
    lead = xp.ndim - nd
    st = xp.strides
    shape = xp.shape[:lead] + g.out_shape + g.kernel
    strides = (st[:lead]
               + tuple(st[lead + i] * g.stride[i] for i in range(nd))
               + tuple(st[lead + i] * g.dilation[i] for i in range(nd)))
    return as_strided(xp, shape, strides, writeable=False)


def _columns(xp: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Copy the windows of ``xp`` (N, C, *padded) into columns ``(N, C*K, P)``."""
    n, c = xp.shape[:2]
    nd = g.nd
    view = windows(xp, g)  # (N, C, *out, *k)
    order = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    k = int(np.prod(g.kernel))
    p = int(np.prod(g.out_shape))
    return view.transpose(order).reshape(n, c * k, p)


def _check(x, w):
    x = _as_float(x, "input")
    w = _as_float(w, "kernel")
    if x.ndim < 3 or x.ndim > 5:
        raise EngineError("input must be (N, C, *spatial) with 1 to 3 spatial axes")
    if w.ndim != x.ndim:
        raise EngineError(f"kernel must be (F, C, *kernel) with {x.ndim - 2} spatial axes")
    if w.shape[1] != x.shape[1]:
        raise EngineError(f"the input has {x.shape[1]} channels but the kernel expects {w.shape[1]}")
    dtype = np.result_type(x.dtype, w.dtype)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise EngineError(f"mode must be 'sum' or 'mean', got {mode!r}")


def conv(x, w, b=None, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
         mode: str = "sum") -> np.ndarray:
    """N-dimensional convolution (cross-correlation): ``(N, C, *S) * (F, C, *k) -> (N, F, *out)``.

    ``padding`` is one int, one int per axis, or one ``(before, after)`` pair per axis; padded
    cells hold ``pad_value``. ``mode="mean"`` divides every sum by ``C*K``. ``b`` is an optional
    bias of shape ``(F,)`` added after the division.
    """
    _check_mode(mode)
    x, w = _check(x, w)
    g = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    if not np.isfinite(pad_value):
        raise EngineError("the pad value must be a finite number")
    n, f = x.shape[0], w.shape[0]
    cols = _columns(pad(x, g.padding, pad_value), g)
    y = np.matmul(w.reshape(f, -1), cols)  # (N, F, P)
    if mode == "mean":
        y /= cols.shape[1]
    if b is not None:
        y += np.asarray(b, dtype=y.dtype).reshape(1, f, 1)
    return y.reshape((n, f) + g.out_shape)


def conv_backward(dout, x, w, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
                  mode: str = "sum"):
    """Gradients ``(dx, dw, db)`` of :func:`conv` given ``dout = dL/dy`` of shape ``(N, F, *out)``.

    ``dx`` scatters ``W.T @ dout`` back through every window (a loop over the K kernel offsets,
    each a vectorised strided add); ``dw`` is ``dout @ cols.T`` summed over the batch.
    """
    _check_mode(mode)
    x, w = _check(x, w)
    g = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    n, c = x.shape[:2]
    f = w.shape[0]
    dout = np.asarray(dout, dtype=x.dtype)
    if dout.shape != (n, f) + g.out_shape:
        raise EngineError(f"dout has shape {dout.shape}, expected {(n, f) + g.out_shape}")
    cols = _columns(pad(x, g.padding, pad_value), g)  # (N, CK, P)
    ck = cols.shape[1]
    g2 = dout.reshape(n, f, -1)
    if mode == "mean":
        g2 = g2 / ck
    db = dout.sum(axis=(0,) + tuple(range(2, dout.ndim)))
    dw = np.matmul(g2, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    dcols = np.matmul(w.reshape(f, ck).T, g2)  # (N, CK, P)
    dcols = dcols.reshape((n, c) + g.kernel + g.out_shape)
    dxp = np.zeros((n, c) + g.padded_shape, dtype=x.dtype)
    for offs in _iproduct(*(range(k) for k in g.kernel)):
        sl = tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                   for o, d, s, m in zip(offs, g.dilation, g.stride, g.out_shape))
        dxp[(slice(None), slice(None)) + sl] += dcols[(slice(None), slice(None)) + offs]
    crop = tuple(slice(b, b + m) for (b, _), m in zip(g.padding, g.in_shape))
    dx = dxp[(slice(None), slice(None)) + crop]
    return dx, dw, db


def conv_single(image, kernel, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
                mode: str = "sum") -> np.ndarray:
    """Convolve one spatial array with one kernel of the same number of axes (no batch, no channel)."""
    image = _as_float(image, "input")
    kernel = _as_float(kernel, "kernel")
    if image.ndim != kernel.ndim:
        raise EngineError(
            f"the input has {image.ndim} axes but the kernel has {kernel.ndim}; they must match")
    y = conv(image[None, None], kernel[None, None], None, stride, padding, pad_value, dilation, mode)
    return y[0, 0]
