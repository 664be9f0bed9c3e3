"""Max and average pooling over the trailing 1, 2 or 3 axes, with stride, padding and ceil mode.

The forward pass is separable: along each spatial axis in turn it combines the window's strided
views with ``np.maximum`` (or ``+``), ``k1 + k2 (+ k3)`` vectorised passes in all, never a loop over
pixels or windows.

Ceil mode follows PyTorch's output size (see :func:`cnn_tui.engine.shapes.pool_output_size`): it
keeps partial windows at the far border (7x7 -> 4x4 for 2x2 stride 2), each starting on a real
pixel or on leading padding, even when the window is larger than the whole padded input (a 1x1
map pooled 2x2 with stride 2 gives 1x1; dilated windows likewise). Padded and overhanging cells
never win a max and are not counted by the average: an average divides by the number of real
pixels its window covers (PyTorch's ``count_include_pad=False``).

Dtypes: the result, and every gradient, has the input's floating dtype (a whole-number input
gives float64); ``dout`` is converted to it and must have exactly the output's shape.

Size: an input, or its padded version, of more than ``MAX_CELLS`` values is refused with an
:class:`EngineError` before anything is allocated, with or without padding. Only the padding
asked for counts: the overhang of a ceil-mode window is never built (each window is clipped to
the padded input), so a window of any size over a small map costs what the map does (a 1x1 map
pooled by a 7100-wide window in ceil mode gives its one value, as PyTorch does).
"""

from __future__ import annotations

import threading
from itertools import product as _iproduct

import numpy as np

from .conv import _CACHE_MAX, ConvGeometry, _finite, _numeric, _plain, finite, pad
from .shapes import (EngineError, axis_extents, as_padding, as_tuple, check_cells, check_dout,
                     pool_output_size)

OPS = ("max", "avg")
_isfinite, _count_nonzero = np.isfinite, np.count_nonzero


def pool_geometry(in_shape, kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                  dilation=1) -> ConvGeometry:
    """Resolve pooling settings; the returned geometry's padding includes any ceil-mode overhang
    (a description of where the windows reach: the engine never builds the overhang)."""
    return _geometry(in_shape, kernel, stride, padding, ceil_mode, dilation)[0]


def _geometry(in_shape, kernel, stride, padding, ceil_mode, dilation):
    """:func:`pool_geometry` and the real padding ``((before, after), ...)`` as given."""
    in_shape = tuple(int(n) for n in in_shape)
    nd = len(in_shape)
    if not 1 <= nd <= 3:
        raise EngineError(f"pooling works over 1, 2 or 3 spatial axes, not {nd}")
    if min(in_shape) < 1:
        raise EngineError("the input must not be empty")
    k = as_tuple(kernel, nd, "pool window")
    s = k if stride is None else as_tuple(stride, nd, "stride")
    d = as_tuple(dilation, nd, "dilation")
    pads = as_padding(padding, nd)
    out, eff = [], []
    for n, kk, ss, (b, a), dd, ext in zip(in_shape, k, s, pads, d, axis_extents(nd)):
        span = dd * (kk - 1) + 1
        if b > span // 2 or a > span // 2:
            raise EngineError(f"pooling padding must be at most half the window ({span // 2}), "
                              f"got {max(b, a)}")
        o = pool_output_size(n, kk, ss, b, a, dd, ceil_mode, extent=ext)
        # With dilation 1 every window holds a real pixel; spaced taps may all miss the input.
        if dd > 1 and not (_real_taps(n, kk, ss, b, dd, o) > 0).all():
            raise EngineError("with this dilation some pooling windows miss the input "
                              "entirely; use less dilation or padding")
        need = (o - 1) * ss + span - (n + b)
        out.append(o)
        eff.append((b, max(a, need, 0)))
    return ConvGeometry(nd, k, s, tuple(eff), d, in_shape, tuple(out)), pads


def _real_taps(n: int, k: int, s: int, b: int, d: int, m: int) -> np.ndarray:
    """How many of the ``k`` taps of each of the ``m`` windows along one axis land on one of the
    ``n`` real pixels (tap ``j`` of window ``o`` reads pixel ``o*s + j*d - b``), in closed form."""
    start = np.arange(m, dtype=np.int64) * s - b
    first = np.maximum(-(start // d), 0)                # the first tap at pixel >= 0
    last = np.minimum((n - 1 - start) // d, k - 1)      # the last tap at pixel <= n - 1
    return np.maximum(last - first + 1, 0)


def _reach(g: ConvGeometry, ax: int, length: int):
    """``(j, m_j)`` for each tap ``j`` along axis ``ax`` that some window puts on the ``length``
    cells of the really padded input: windows ``0 .. m_j - 1`` do (a prefix, since windows only
    move right). Taps on the ceil-mode overhang only are left out, so it costs nothing."""
    st, d, m = g.stride[ax], g.dilation[ax], g.out_shape[ax]
    taps = []
    for j in range(g.kernel[ax]):
        rest = length - j * d
        if rest <= 0:
            break
        taps.append((j, min(m, -(-rest // st))))
    return taps


def _nd_of(x: np.ndarray, kernel) -> int:
    if isinstance(kernel, (tuple, list)) and len(kernel) > 1:
        if len(kernel) > x.ndim:
            raise EngineError(f"the pool window has {len(kernel)} axes but the input only "
                              f"{x.ndim}")
        return len(kernel)
    if x.ndim < 3:
        raise EngineError("pooling input must be (N, C, *spatial); use pool_single for one map")
    return x.ndim - 2


def _prepare(x, kernel, stride, padding, ceil_mode, dilation):
    """The input as floats, its number of pooled axes, the geometry and the real padding, after
    checking sizes.

    The input's cell count and the padded input's (batch and channels included; the padding as
    given, never a ceil-mode overhang) are checked from the shapes alone, before the input is
    converted or scanned or anything is allocated.
    """
    x = np.asarray(x)
    key = None
    if (_plain(kernel) and (stride is None or _plain(stride)) and _plain(padding)
            and type(ceil_mode) is bool and _plain(dilation)):
        key = (x.shape, kernel, stride, padding, ceil_mode, dilation)
        hit = _PREPARED.get(key)
        if hit is not None:  # every shape check passed before: only the values are left
            if x.dtype.kind not in "fiub":
                raise EngineError("input must be numeric")
            return (_finite(x, "input"),) + hit
    x = _numeric(x, "input")
    nd = _nd_of(x, kernel)
    g, pads = _geometry(x.shape[x.ndim - nd:], kernel, stride, padding, ceil_mode, dilation)
    check_cells(x.shape[:x.ndim - nd] + _padded(g, pads))
    if key is not None:
        if len(_PREPARED) >= _CACHE_MAX:
            _PREPARED.clear()
        _PREPARED[key] = (nd, g, pads)
    return _finite(x, "input"), nd, g, pads


_PREPARED: dict = {}  # (shape, settings) -> (nd, geometry, padding), once their checks passed


def _padded(g: ConvGeometry, pads) -> tuple[int, ...]:
    """The spatial shape of the input with its real padding (without any overhang)."""
    return tuple(n + b + a for n, (b, a) in zip(g.in_shape, pads))


def _offsets(g: ConvGeometry, pads):
    """Every window offset that lands on the really padded input, in C order over the window:
    ``(input slices, output slices)``, the strided slice of the padded input that offset reads
    for every window it reaches and those windows (a prefix of each output axis)."""
    per_axis = [_reach(g, ax, n) for ax, n in enumerate(_padded(g, pads))]
    for taps in _iproduct(*per_axis):
        yield (tuple(slice(j * d, j * d + s * (mj - 1) + 1, s)
                     for (j, mj), d, s in zip(taps, g.dilation, g.stride)),
               tuple(slice(0, mj) for _, mj in taps))


def _counts(g: ConvGeometry, dtype) -> np.ndarray:
    """Real (non-padding, non-overhang) pixels covered by each window, shape ``out``."""
    per_axis = [_real_taps(n, k, s, b, d, m) for n, k, s, (b, _), d, m in
                zip(g.in_shape, g.kernel, g.stride, g.padding, g.dilation, g.out_shape)]
    counts = per_axis[0].astype(dtype)
    for c in per_axis[1:]:
        counts = np.multiply.outer(counts, c.astype(dtype))
    return counts


_POOL_BLOCK_BYTES = 1 << 20


def _separable(x: np.ndarray, g: ConvGeometry, pads, op: str) -> np.ndarray:
    """Max or sum over every window, one spatial axis at a time (a window's max is the max over
    its rows of the max along each row), so a ``k1 x k2`` window costs ``k1 + k2`` vectorised
    passes instead of ``k1 * k2``. The maps are handled in blocks of about _POOL_BLOCK_BYTES so
    that the intermediate results stay in cache (cache blocking; each block is fully vectorised).

    Only the real padding ``pads`` is built; a tap that reaches only the ceil-mode overhang is
    skipped, and one that reaches it for the last windows is applied to the others alone. The
    index tuples of every pass depend on the geometry alone and are made once (:func:`_passes`).
    """
    small = _SMALL.get((x.shape, x.dtype, op, g, pads))
    if small is not None:
        return small.run(x)
    nd = g.nd
    lead_shape = x.shape[:-nd]
    maps = x.reshape((-1,) + x.shape[-nd:])
    total = maps.shape[0]
    fill = -np.inf if op == "max" else 0.0
    ufunc = np.maximum if op == "max" else np.add
    passes, size = _passes(g, pads)
    if total * size <= _SMALL_VALUES:
        if len(_SMALL) >= _CACHE_MAX:
            _SMALL.clear()
            _FAST.clear()       # its entries hold prepared poolings too: both stay bounded
        _SMALL[(x.shape, x.dtype, op, g, pads)] = _Small(x.shape, x.dtype, g, pads, op)
    block = max(1, min(total, _POOL_BLOCK_BYTES // max(1, size * x.itemsize)))
    y = np.empty((total,) + g.out_shape, dtype=x.dtype)
    for s in range(0, total, block):  # blocks of whole maps sized to stay in cache
        e = min(total, s + block)
        a = pad(maps[s:e], pads, fill)
        for last, first, second, rest in passes:
            if second is not None:
                res = ufunc(a[first], a[second], out=y[s:e] if last else None)
            elif last:
                res = y[s:e]
                res[...] = a[first]
            else:
                res = a[first].copy()
            for part, tap in rest:
                view = res[part]
                ufunc(view, a[tap], out=view)
            a = res
    return y.reshape(lead_shape + g.out_shape)


# Small inputs (the lesson's maps, at most _SMALL_VALUES padded values): the passes above on
# work arrays made once per shape and kept per thread, with every view of them made once too,
# so that a call is one copy of the input into the padded work array and one ufunc per tap.
# The padding already holds its fill value; the same ufuncs on the same values: the same bits.
_SMALL_VALUES = 4096
# Keyed on the geometry's values (a frozen dataclass of whole-number tuples), never on its id:
# settings that are not plain ints (a NumPy integer stride) make a new, equal geometry per call.
_SMALL: dict = {}  # (shape, dtype, op, geometry, padding) -> _Small


class _Small:
    """:func:`_separable` for one shape and dtype of input (see _SMALL_VALUES)."""

    __slots__ = ("g", "shape", "dtype", "pads", "op", "local", "native")

    def __init__(self, shape, dtype, g: ConvGeometry, pads, op: str):
        self.g, self.shape, self.dtype, self.pads, self.op = g, shape, dtype, pads, op
        self.native = dtype.isnative  # a ufunc's own result has the dtype of its two inputs
        self.local = threading.local()

    def _buffers(self):
        """This thread's work arrays: the padded input (its real cells' view) and, for each
        pass, ``(first, second or None, result, [(windows, tap), ...])`` views."""
        g, nd = self.g, self.g.nd
        lead_shape = self.shape[:-nd]
        total = 1
        for v in lead_shape:
            total *= v
        passes, _ = _passes(g, self.pads)
        a = np.full((total,) + _padded(g, self.pads), -np.inf if self.op == "max" else 0.0,
                    dtype=self.dtype)
        inner = a[(slice(None),) + tuple(slice(b, b + n) for (b, _), n in
                                         zip(self.pads, g.in_shape))].reshape(self.shape)
        steps = []
        for last, first, second, rest in passes:
            res = np.empty(a[first].shape, dtype=self.dtype)
            steps.append((a[first], None if second is None else a[second], res,
                          [(res[part], a[tap]) for part, tap in rest]))
            a = res
        out = lead_shape + g.out_shape
        first, second, res, rest = steps[-1]
        if second is not None and not rest:
            # the last pass writes a new array of the output's shape straight away
            steps[-1] = (first.reshape(out), second.reshape(out), None, rest)
        two = None
        if (self.dtype.isnative and len(steps) == 2 and steps[-1][2] is None
                and steps[0][1] is not None and not steps[0][3]):
            (a1, b1, r1, _), (a2, b2, _, _) = steps
            two = (a1, b1, r1, a2, b2)
        bufs = self.local.bufs = (inner, steps, res.reshape(out), two)
        return bufs

    def run(self, x: np.ndarray) -> np.ndarray:
        bufs = getattr(self.local, "bufs", None)
        if bufs is None:
            bufs = self._buffers()
        inner, steps, last, two = bufs
        ufunc = np.maximum if self.op == "max" else np.add
        np.copyto(inner, x)
        if two is not None:  # two passes of two taps each (a 2x2 window): the loop below, unrolled
            first, second, res, first2, second2 = two
            ufunc(first, second, out=res)
            return ufunc(first2, second2)
        for first, second, res, rest in steps:
            if res is None:             # into the input's dtype (a big-endian one stays so)
                if self.native:
                    return ufunc(first, second)
                return ufunc(first, second, out=np.empty(first.shape, self.dtype))
            if second is None:
                np.copyto(res, first)
            else:
                ufunc(first, second, out=res)
            for view, tap in rest:
                ufunc(view, tap, out=view)
        return last.copy()


_PASSES: dict = {}


def _passes(g: ConvGeometry, pads):
    """The passes of :func:`_separable` over ``(maps, *padded)`` arrays, one per spatial axis
    that needs one: ``(last, first tap, second tap or None, [(windows, tap), ...])`` as index
    tuples (see there), and the padded map's size. Cached per geometry and padding."""
    key = (g, pads)  # the geometry's values (see _SMALL)
    hit = _PASSES.get(key)
    if hit is not None:
        return hit
    nd = g.nd
    padded = _padded(g, pads)
    size = 1
    for v in padded:
        size *= v
    passes = []
    for ax in range(nd):
        k, st, d, m = g.kernel[ax], g.stride[ax], g.dilation[ax], g.out_shape[ax]
        last = ax == nd - 1
        if k == 1 and st == 1 and padded[ax] == m and not last:
            continue

        def along(sl, ax=ax):
            idx = [slice(None)] * (1 + nd)
            idx[1 + ax] = sl
            return tuple(idx)

        def tap(j, mj, st=st, d=d):
            return along(slice(j * d, j * d + st * (mj - 1) + 1, st))

        taps = _reach(g, ax, padded[ax])  # taps[0] == (0, m): every window starts on it
        if len(taps) > 1 and taps[1][1] == m:
            first, second, rest = tap(0, m), tap(1, m), taps[2:]
        else:
            first, second, rest = tap(0, m), None, taps[1:]
        passes.append((last, first, second,
                       [(along(slice(0, mj)), tap(j, mj)) for j, mj in rest]))
    out = (passes, size)
    if len(_PASSES) >= _CACHE_MAX:
        _PASSES.clear()
    _PASSES[key] = out
    return out


def max_pool(x, kernel=2, stride=None, padding=0, ceil_mode: bool = False, dilation=1):
    """Max pooling of ``(N, C, *spatial)`` over its spatial axes.

    ``stride`` defaults to the window. In ceil mode a window hanging over the far edge (even one
    larger than the whole padded input) is a partial window: it takes the max of the real pixels
    it covers; the output size is PyTorch's (see :func:`~cnn_tui.engine.shapes.pool_output_size`).
    The overhang is never built: a window is clipped to the padded input, so a window of a
    million cells over a 4x4 input costs what the 16 pixels do.
    The result has the input's floating dtype (a whole-number input gives float64); inputs of
    more than ``MAX_CELLS`` values, padded or not, are refused.
    """
    return _pooled(x, kernel, stride, padding, ceil_mode, dilation, "max")


def avg_pool(x, kernel=2, stride=None, padding=0, ceil_mode: bool = False, dilation=1):
    """Average pooling; each window divides by the number of real pixels it covers.

    Padding and the overhang of a ceil-mode partial window are never counted (PyTorch's
    ``count_include_pad=False``); otherwise as :func:`max_pool`, dtype and size rules included.
    """
    return _pooled(x, kernel, stride, padding, ceil_mode, dilation, "sum")


# A call whose input shape, dtype and settings (plain ints, as _prepare's cache takes them) have
# passed every check once and take the small path: its _Small (and, for an average, the counts),
# found with one look-up; only the values are left to check (the dtype is part of the key).
_FAST: dict = {}  # (shape, dtype, op, kernel, stride, padding, ceil_mode, dilation) -> entry


def _pooled(x, kernel, stride, padding, ceil_mode, dilation, op: str) -> np.ndarray:
    """:func:`max_pool` (``op`` "max") or :func:`avg_pool` ("sum", then the division)."""
    x = np.asarray(x)
    key = None
    if ((type(kernel) is int or _plain(kernel)) and (stride is None or type(stride) is int
                                                     or _plain(stride))
            and (type(padding) is int or _plain(padding)) and type(ceil_mode) is bool
            and (type(dilation) is int or _plain(dilation))):
        key = (x.shape, x.dtype, op, kernel, stride, padding, ceil_mode, dilation)
        hit = _FAST.get(key)
        if hit is not None:
            small, counts = hit
            if x.dtype.kind != "f":
                x = x.astype(np.float64)  # whole numbers are finite as float64 too
            elif _count_nonzero(_isfinite(x)) != x.size:  # as _finite checks, inline
                raise EngineError("input contains NaN or infinity")
            out = small.run(x)
            if counts is not None:
                out /= counts
            return out
    x, _, g, pads = _prepare(x, kernel, stride, padding, ceil_mode, dilation)
    out = _separable(x, g, pads, op)
    counts = None
    if op == "sum":
        counts = _counts(g, x.dtype)
        out /= counts
    if key is not None:
        small = _SMALL.get((x.shape, x.dtype, op, g, pads))
        if small is not None:
            if len(_FAST) >= _CACHE_MAX:
                _FAST.clear()
            if counts is not None:
                counts.flags.writeable = False
            _FAST[key] = (small, counts)
    return out


def pool(x, op: str = "max", **kw):
    """Dispatch to :func:`max_pool` or :func:`avg_pool`."""
    if op not in OPS:
        raise EngineError(f"pooling must be 'max' or 'avg', got {op!r}")
    return max_pool(x, **kw) if op == "max" else avg_pool(x, **kw)


def max_pool_backward(dout, x, kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                      dilation=1):
    """Gradient of :func:`max_pool`: each window's gradient goes to its first maximum.

    ``dout`` must have exactly the output's shape (:class:`EngineError` otherwise); the gradient
    has the input's floating dtype. A loop over the window offsets that land on the padded
    input (never the overhang), each vectorised over every window it reaches.
    """
    x, nd, g, pads = _prepare(x, kernel, stride, padding, ceil_mode, dilation)
    lead_shape = x.shape[:x.ndim - nd]
    dout = check_dout(dout, lead_shape + g.out_shape, x.dtype)
    xp = pad(x, pads, -np.inf)
    lead = (slice(None),) * len(lead_shape)
    offsets = list(_offsets(g, pads))
    # The first maximum in C order over the window: a later offset wins only when larger.
    best = xp[lead + offsets[0][0]].copy()  # the first offset reaches every window
    idx = np.zeros(best.shape, dtype=np.intp)
    for j, (sl, osl) in enumerate(offsets[1:], 1):
        v = xp[lead + sl]
        b = best[lead + osl]
        better = v > b
        np.copyto(b, v, where=better)
        idx[lead + osl][better] = j
    dxp = np.zeros(xp.shape, dtype=x.dtype)
    for j, (sl, osl) in enumerate(offsets):
        dxp[lead + sl] += np.where(idx[lead + osl] == j, dout[lead + osl], 0)
    crop = tuple(slice(b, b + n) for (b, _), n in zip(pads, g.in_shape))
    return dxp[lead + crop]


def avg_pool_backward(dout, x, kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                      dilation=1):
    """Gradient of :func:`avg_pool`: each window shares its gradient among its real pixels.

    ``dout`` must have exactly the output's shape (:class:`EngineError` otherwise); the gradient
    has the input's floating dtype.
    """
    x, nd, g, pads = _prepare(x, kernel, stride, padding, ceil_mode, dilation)
    lead_shape = x.shape[:x.ndim - nd]
    share = check_dout(dout, lead_shape + g.out_shape, x.dtype) / _counts(g, x.dtype)
    dxp = np.zeros(lead_shape + _padded(g, pads), dtype=x.dtype)
    lead = (slice(None),) * len(lead_shape)
    for sl, osl in _offsets(g, pads):
        dxp[lead + sl] += share[lead + osl]
    crop = tuple(slice(b, b + n) for (b, _), n in zip(pads, g.in_shape))
    return dxp[lead + crop]


def pool_single(a, op: str = "max", kernel=2, stride=None, padding=0, ceil_mode: bool = False,
                dilation=1) -> np.ndarray:
    """Pool one spatial array (no batch or channel axes) over all its axes.

    Rules as in :func:`max_pool` and :func:`avg_pool`; an overflow to infinity is an
    :class:`EngineError`.
    """
    a = _numeric(a, "input")
    nd = a.ndim
    if not 1 <= nd <= 3:
        raise EngineError(f"pooling works over 1, 2 or 3 spatial axes, not {nd}")
    k = as_tuple(kernel, nd, "pool window")
    with np.errstate(over="ignore", invalid="ignore"):
        out = pool(a[None, None], op, kernel=k, stride=stride, padding=padding,
                   ceil_mode=ceil_mode, dilation=dilation)[0, 0]
    return finite(out)
