"""Max and average pooling over the trailing 1, 2 or 3 axes, with stride, padding and ceil mode.

The forward pass walks the K offsets of the window and combines whole strided views with
``np.maximum`` (or ``+``): K vectorised passes, never a loop over pixels or windows. Ceil mode
keeps partial windows at the far border (7x7 -> 4x4 for 2x2 stride 2). Padded and overhanging
cells never win a max and are not counted by the average: an average divides by the number of
real pixels its window covers.
"""

from __future__ import annotations

from itertools import product as _iproduct

import numpy as np

from .conv import ConvGeometry, _as_float, pad, windows
from .shapes import EngineError, as_padding, as_tuple, pool_output_size

OPS = ("max", "avg")


def pool_geometry(in_shape, kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                  dilation=1) -> ConvGeometry:
    """Resolve pooling settings; the returned geometry's padding includes any ceil-mode overhang."""
    in_shape = tuple(int(n) for n in in_shape)
    nd = len(in_shape)
    if not 1 <= nd <= 3:
        raise EngineError(f"pooling works over 1, 2 or 3 spatial axes, not {nd}")
    k = as_tuple(kernel, nd, "pool window")
    s = k if stride is None else as_tuple(stride, nd, "stride")
    d = as_tuple(dilation, nd, "dilation")
    pads = as_padding(padding, nd)
    out, eff = [], []
    for n, kk, ss, (b, a), dd in zip(in_shape, k, s, pads, d):
        span = dd * (kk - 1) + 1
        if b > span // 2 or a > span // 2:
            raise EngineError(f"pooling padding must be at most half the window ({span // 2}), "
                              f"got {max(b, a)}")
        o = pool_output_size(n, kk, ss, b, a, dd, ceil_mode)
        need = (o - 1) * ss + span - (n + b)
        out.append(o)
        eff.append((b, max(a, need, 0)))
    return ConvGeometry(nd, k, s, tuple(eff), d, in_shape, tuple(out))


def _nd_of(x: np.ndarray, kernel) -> int:
    if isinstance(kernel, (tuple, list)) and len(kernel) > 1:
        return len(kernel)
    if x.ndim < 3:
        raise EngineError("pooling input must be (N, C, *spatial); use pool_single for one map")
    return x.ndim - 2


def _offset_slices(g: ConvGeometry):
    """For each window offset: the offset tuple and the matching strided slice of the padded input."""
    for offs in _iproduct(*(range(k) for k in g.kernel)):
        yield offs, tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                          for o, d, s, m in zip(offs, g.dilation, g.stride, g.out_shape))


def _counts(g: ConvGeometry, dtype) -> np.ndarray:
    """Real (non-padding, non-overhang) pixels covered by each window, shape ``out``."""
    per_axis = []
    for n, k, s, (b, _), d, m in zip(g.in_shape, g.kernel, g.stride, g.padding, g.dilation,
                                      g.out_shape):
        pos = np.arange(m)[:, None] * s + np.arange(k)[None, :] * d - b
        per_axis.append(((pos >= 0) & (pos < n)).sum(axis=1))
    counts = per_axis[0].astype(dtype)
    for c in per_axis[1:]:
        counts = np.multiply.outer(counts, c.astype(dtype))
    return counts


def _argmax_offsets(view: np.ndarray, g: ConvGeometry):
    """Max over the window and the index (in C order over the window) of its first maximum."""
    best = None
    idx = None
    for j, offs in enumerate(_iproduct(*(range(k) for k in g.kernel))):
        v = view[(Ellipsis,) + offs]
        if best is None:
            best = v.copy()
            idx = np.zeros(best.shape, dtype=np.intp)
        else:
            better = v > best
            np.copyto(best, v, where=better)
            idx[better] = j
    return best, idx


def max_pool(x, kernel=2, stride=None, padding=0, ceil_mode: bool = False, dilation=1):
    """Max pooling of ``(N, C, *spatial)`` over its spatial axes."""
    x = _as_float(x, "input")
    nd = _nd_of(x, kernel)
    g = pool_geometry(x.shape[-nd:], kernel, stride, padding, ceil_mode, dilation)
    view = windows(pad(x, g.padding, -np.inf), g)
    lead = (Ellipsis,)
    out = None
    for offs in _iproduct(*(range(k) for k in g.kernel)):
        v = view[lead + offs]
        if out is None:
            out = v.copy()
        else:
            np.maximum(out, v, out=out)
    return out


def avg_pool(x, kernel=2, stride=None, padding=0, ceil_mode: bool = False, dilation=1):
    """Average pooling; each window divides by the number of real pixels it covers."""
    x = _as_float(x, "input")
    nd = _nd_of(x, kernel)
    g = pool_geometry(x.shape[-nd:], kernel, stride, padding, ceil_mode, dilation)
    view = windows(pad(x, g.padding, 0.0), g)
    out = None
    for offs in _iproduct(*(range(k) for k in g.kernel)):
        v = view[(Ellipsis,) + offs]
        if out is None:
            out = v.copy()
        else:
            out += v
    out /= _counts(g, x.dtype)
    return out


def pool(x, op: str = "max", **kw):
    """Dispatch to :func:`max_pool` or :func:`avg_pool`."""
    if op not in OPS:
        raise EngineError(f"pooling must be 'max' or 'avg', got {op!r}")
    return max_pool(x, **kw) if op == "max" else avg_pool(x, **kw)


def max_pool_backward(dout, x, kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                      dilation=1):
    """Gradient of :func:`max_pool`: each window's gradient goes to its first maximum."""
    x = _as_float(x, "input")
    nd = _nd_of(x, kernel)
    g = pool_geometry(x.shape[-nd:], kernel, stride, padding, ceil_mode, dilation)
    view = windows(pad(x, g.padding, -np.inf), g)
    _, idx = _argmax_offsets(view, g)
    dout = np.asarray(dout, dtype=x.dtype)
    lead_shape = x.shape[:-nd]
    dxp = np.zeros(lead_shape + g.padded_shape, dtype=x.dtype)
    lead = (slice(None),) * len(lead_shape)
    for j, (_, sl) in enumerate(_offset_slices(g)):
        dxp[lead + sl] += np.where(idx == j, dout, 0)
    crop = tuple(slice(b, b + n) for (b, _), n in zip(g.padding, g.in_shape))
    return dxp[lead + crop]


def avg_pool_backward(dout, x, kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                      dilation=1):
    """Gradient of :func:`avg_pool`: each window shares its gradient among its real pixels."""
    x = _as_float(x, "input")
    nd = _nd_of(x, kernel)
    g = pool_geometry(x.shape[-nd:], kernel, stride, padding, ceil_mode, dilation)
    share = np.asarray(dout, dtype=x.dtype) / _counts(g, x.dtype)
    lead_shape = x.shape[:-nd]
    dxp = np.zeros(lead_shape + g.padded_shape, dtype=x.dtype)
    lead = (slice(None),) * len(lead_shape)
    for _, sl in _offset_slices(g):
        dxp[lead + sl] += share
    crop = tuple(slice(b, b + n) for (b, _), n in zip(g.padding, g.in_shape))
    return dxp[lead + crop]


def pool_single(a, op: str = "max", kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                dilation=1) -> np.ndarray:
    """Pool one spatial array (no batch or channel axes) over all its axes."""
    a = _as_float(a, "input")
    nd = a.ndim
    k = as_tuple(kernel, nd, "pool window")
    return pool(a[None, None], op, kernel=k, stride=stride, padding=padding,
                ceil_mode=ceil_mode, dilation=dilation)[0, 0]
