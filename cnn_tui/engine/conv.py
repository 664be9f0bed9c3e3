"""Convolution (cross-correlation, as the lecture and deep-learning libraries do it).

Layout: inputs ``x`` are ``(N, C, *spatial)`` and weights ``w`` are ``(F, C, *kernel)`` with one,
two or three spatial axes. The forward pass copies a read-only strided view of the padded input
into columns ``(C*K, n*P)`` (``K`` kernel pixels, ``P`` output pixels, ``n`` images of a cache-sized
block), does one matrix product ``W (F, C*K) @ cols`` per block and transposes the result into
``(N, F, *out)`` (see "the fast forward/backward core" below). When one image's columns would
hold more than ``_TILE_VALUES`` (16,777,216) values, the image is worked through in tiles of
output rows (and, for a kernel of millions of cells, of kernel rows), so the work arrays stay
that small whatever the padding.

``mode="mean"`` divides by the number of elements of one filter (``C*K``): the lecture's
"divide by the total number of pixels in the feature".

Dtypes: the result's dtype is NumPy's promotion of the input's and the kernel's dtypes, where a
whole-number array counts as float64 (float32 with float32 stays float32, float32 with a float64
kernel gives float64); the bias, the pad value and ``dout`` are converted to that dtype. Every
gradient comes back in the dtype of the array it belongs to: ``dx`` in the input's, ``dw`` in the
kernel's, ``db`` in the bias's when :func:`conv_backward` is given it (all computed in the
result's dtype; without a bias ``db`` has the result's dtype).

Size: an input, a kernel, a padded input or an output of more than ``MAX_CELLS`` values is
refused with an :class:`EngineError` before anything is allocated, with or without padding.

Work: a convolution of more than :data:`MAX_MULTIPLY_ADDS` (2,000,000,000) multiply-adds is
refused the same way, before anything is allocated. The count is images x filters x output
cells per map x channels x kernel cells (every output value sums channels x kernel cells
products): a 100x100 kernel over a 700x700 input is 601 x 601 x 10,000 = 3,612,010,000 and is
refused; the CLI's ``--padding 150`` over one pixel (202 x 202 x 10,000 = 408,040,000) is not.
The limit is about ten seconds of NumPy for one filter (the column copies dominate) and far
below what the 50M-value caps alone would let through (a 100x100 kernel over padding 1000:
36 billion). The network trainer (:mod:`cnn_tui.engine.net`) has its own limits.
"""

from __future__ import annotations

import math
import os
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import product as _iproduct

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .shapes import (EngineError, axis_extents, as_padding, as_tuple, check_cells, check_dout,
                     conv_output_size, float_dtype)

MODES = ("sum", "mean")

# Work beyond this is a typing mistake, not an experiment (tens of seconds or more in NumPy):
# a 100x100 kernel over a 700x700 input is 3.6 billion multiply-adds.
MAX_MULTIPLY_ADDS = 2_000_000_000


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
    out = tuple(conv_output_size(n, k, s, b, a, d, extent=e)
                for n, k, s, (b, a), d, e in zip(in_shape, kernel_shape, st, pads, dl,
                                                 axis_extents(nd)))
    return ConvGeometry(nd, kernel_shape, st, pads, dl, in_shape, out)


def _numeric(a, name: str) -> np.ndarray:
    """``a`` as an array after checking that it is numeric and holds at most ``MAX_CELLS`` values
    (from its shape alone: nothing is converted, scanned or allocated)."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiub":
        raise EngineError(f"{name} must be numeric")
    check_cells(arr.shape, f"the {name}", f"use a smaller {name}")
    return arr


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    """``arr`` as a floating array (whole numbers become float64) without NaN or infinity."""
    if arr.dtype.kind != "f":
        return arr.astype(np.float64)  # whole numbers are finite as float64 too
    if not _all_finite(arr):
        raise EngineError(f"{name} contains NaN or infinity")
    return arr


def _all_finite(a: np.ndarray) -> bool:
    """Whether every value of the floating array ``a`` is finite (``np.isfinite(a).all()``:
    counting the finite values is the same test without ``all``'s Python-level dispatch, a few
    microseconds on the single-picture paths)."""
    return np.count_nonzero(np.isfinite(a)) == a.size


def _as_float(a, name: str) -> np.ndarray:
    """``a`` as a floating array (whole numbers become float64), refusing non-numeric arrays,
    more than ``MAX_CELLS`` values (checked first, from the shape alone), NaN and infinity."""
    return _finite(_numeric(a, name), name)


def pad(x: np.ndarray, pads, value: float = 0.0) -> np.ndarray:
    """Pad the trailing ``len(pads)`` axes of ``x`` with ``value`` (per side)."""
    if all(b == 0 and a == 0 for b, a in pads):
        return x
    lead = x.ndim - len(pads)
    shape = x.shape[:lead] + tuple(n + b + a for n, (b, a) in zip(x.shape[lead:], pads))
    check_cells(shape)
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
    return _view(xp, shape, strides)


# --- the fast forward/backward core -------------------------------------------------------------
# Both layouts below put the columns as ONE matrix ``(C*K, n*P)`` so that a block of images is a
# single large GEMM ``W (F, C*K) @ cols``; its ``(F, n, P)`` result is transposed into NCHW.
#
# "Full width" (every stride 1): flatten each padded image to length Q. The window cell at
# kernel offset ``kk`` of output ``r`` reads flat index ``off(kk) + p(r)``, where ``p`` numbers the
# outputs as if they were as wide as the padded input. Each row of the column matrix is then ONE
# contiguous slice of the image (a fast copy instead of K short strided runs); the few extra
# columns (outputs past the right edge) are computed and thrown away.
#
# The batch is processed in blocks of about _BLOCK_BYTES of columns so that the column matrix
# stays in cache between the copy and the GEMM (cache blocking; each block is fully vectorised).
#
# Tiles: when one image's column matrix (or its block of output, F rows of it) would hold more
# than _TILE_VALUES values, the output is cut into boxes of whole output rows (or, when even one
# row is too large, of rows of the next axis, and so on) and each box is a smaller convolution
# over the slice of the padded input it reads. A single window of more than _TILE_VALUES values
# (a kernel of millions of cells) is likewise cut into boxes of channels and kernel rows whose
# results are added up. Every temporary then holds at most about _TILE_VALUES values, at any
# padding; below the budget nothing is cut and the arithmetic is exactly the untiled one.
_BLOCK_BYTES = 4 << 20
_WASTE = 1.5  # use the full-width layout while it computes at most 50% extra outputs
_TILE_VALUES = 1 << 24  # 16,777,216 values (128 MB of float64) in any one work array
_SCATTER_PIXELS = 4096  # outputs per backward tile, so each of its K strided adds is large


_SCRATCH = threading.local()
_SCRATCH_MAX_BYTES = 16 << 20


def _scratch(name: str, size: int, dtype) -> np.ndarray:
    """A flat work array of ``size`` elements, kept between calls (one set per thread).

    Fresh memory costs a page fault per 4 KB on first touch, and inside a virtual machine these
    faults, taken by BLAS's worker threads, can cost more than the convolution itself; reusing
    the blocks' scratch memory avoids them. Arrays above _SCRATCH_MAX_BYTES are not kept.
    """
    dtype = np.dtype(dtype)
    cache = getattr(_SCRATCH, "arrays", None)
    if cache is None:
        cache = _SCRATCH.arrays = {}
    key = (name, dtype.str)
    arr = cache.get(key)
    if arr is None or arr.size < size:
        arr = np.empty(size, dtype=dtype)
        if size * dtype.itemsize <= _SCRATCH_MAX_BYTES:
            cache[key] = arr
    return arr[:size]


def _view(base: np.ndarray, shape, strides) -> np.ndarray:
    """A read-only strided view of ``base`` (``as_strided`` without its Python overhead when
    ``base`` is C-contiguous: the view is then made straight on ``base``'s memory)."""
    if base.flags.c_contiguous:
        v = np.ndarray(shape, base.dtype, buffer=base, strides=strides)
        v.flags.writeable = False
        return v
    return as_strided(base, shape, strides, writeable=False)


def _contiguous_strides(shape, itemsize: int) -> tuple[int, ...]:
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


def _matrix_view(a: np.ndarray, shape) -> np.ndarray | None:
    """``a`` reshaped to ``shape`` without copying, or None when that needs a copy."""
    return a.reshape(shape) if a.flags.c_contiguous else None


class _Plan:
    """How to lay out the columns of one convolution (shared by forward and backward).

    ``strides`` are the padded input's byte strides (C-contiguous when omitted): a tile is a
    view into the whole padded input. The full-width layout needs each image's spatial part to
    be contiguous (a tile of whole rows is; a tile of part of a row is not).
    """

    __slots__ = ("g", "n", "c", "ck", "full", "spatial", "q", "length", "pcols", "offsets",
                 "block", "p", "strides", "itemsize", "swap", "vtail", "vidx", "kshape", "gather")

    def __init__(self, xp_shape, g: ConvGeometry, itemsize: int, strides=None):
        self.g = g
        self.n, self.c = xp_shape[:2]
        self.spatial = tuple(xp_shape[2:])
        self.itemsize = itemsize
        contiguous = _contiguous_strides(xp_shape, itemsize)
        self.strides = contiguous if strides is None else tuple(strides)
        k = 1
        for v in g.kernel:
            k *= v
        self.ck = self.c * k
        p = 1
        for v in g.out_shape:
            p *= v
        self.p = p
        row = [1] * g.nd  # element strides of the flattened padded image
        for a in range(g.nd - 2, -1, -1):
            row[a] = row[a + 1] * self.spatial[a + 1]
        self.q = row[0] * self.spatial[0]
        pfull = g.out_shape[0] * row[0]
        flat = all(n == 1 or s == r * itemsize
                   for n, s, r in zip(self.spatial, self.strides[2:], row))
        self.full = flat and all(s == 1 for s in g.stride) and pfull <= _WASTE * p
        if self.full:
            self.pcols = pfull
            self.length = sum((m - 1) * r for m, r in zip(g.out_shape, row)) + 1
            self.offsets = tuple(d * r for d, r in zip(g.dilation, row))
        else:
            self.pcols = p
        per_image = self.ck * self.pcols * itemsize
        self.block = max(1, min(self.n, _BLOCK_BYTES // max(per_image, 1)))
        self.swap = (1, 0) + tuple(range(2, 2 + g.nd))  # (F, m, *out) <-> (m, F, *out)
        self.vtail = (g.out_shape[0],) + self.spatial[1:] if self.full else g.out_shape
        self.vidx = (Ellipsis,) + tuple(slice(0, m) for m in g.out_shape)
        self.kshape = (self.c,) + g.kernel
        self.gather = None  # see _small_forward

    def source(self, xp: np.ndarray) -> np.ndarray:
        """A read-only view ``(C, *k, N, pcols-or-length)`` of every column of ``xp``."""
        g = self.g
        if self.full:
            it = xp.itemsize
            shape = (self.c,) + g.kernel + (self.n, self.length)
            strides = ((xp.strides[1],) + tuple(o * it for o in self.offsets)
                       + (xp.strides[0], it))
            return _view(xp, shape, strides)
        view = windows(xp, g)  # (N, C, *out, *k)
        nd = g.nd
        order = (1,) + tuple(range(2 + nd, 2 + 2 * nd)) + (0,) + tuple(range(2, 2 + nd))
        return view.transpose(order)  # (C, *k, N, *out)

    def as_columns(self, src: np.ndarray, s: int, e: int) -> np.ndarray | None:
        """The columns of images ``s:e`` as ``(CK, m*pcols)`` when ``src`` already is that matrix
        (one image under a 1x1 kernel, stride 1): no copy needed. Else None."""
        if self.full and self.length == self.pcols:
            return _matrix_view(src[..., s:e, :], (self.ck, (e - s) * self.pcols))
        return None

    def fill(self, buf: np.ndarray, src: np.ndarray, s: int, e: int) -> np.ndarray:
        """Copy the columns of images ``s:e`` into the flat ``buf``; return ``(CK, m*pcols)``."""
        m = e - s
        b = buf[:self.ck * m * self.pcols].reshape(self.kshape + (m, self.pcols))
        if self.full:
            np.copyto(b[..., :self.length], src[..., s:e, :])
            if self.length < self.pcols:
                b[..., self.length:] = 0
        else:
            np.copyto(b.reshape((self.c,) + self.g.kernel + (m,) + self.g.out_shape),
                      src[(Ellipsis, slice(s, e)) + (slice(None),) * self.g.nd])
        return b.reshape(self.ck, m * self.pcols)

    def buffer(self, name: str, rows: int, dtype, zero: bool = False, keep=None) -> np.ndarray:
        """A flat scratch buffer for ``rows`` rows of one block (reused by every block; with
        ``keep``, a dict, also by every tile of one call)."""
        size = rows * self.block * self.pcols
        if keep is None:
            buf = _scratch(name, size, dtype)
        else:
            buf = keep.get(name)
            if buf is None or buf.size < size:
                buf = keep[name] = np.empty(size, dtype=dtype)
            buf = buf[:size]
        if zero:
            buf.fill(0)
        return buf

    def valid(self, a: np.ndarray) -> np.ndarray:
        """``(..., m, pcols)`` -> ``(..., m, *out)``: drop the full-width layout's extra outputs."""
        a = a.reshape(a.shape[:-1] + self.vtail)
        return a[self.vidx] if self.full else a


# Plans and tile lists depend on shapes only: they are made once per shape and kept (a few
# hundred at most), so a call on a small picture does not rebuild them. The key holds the
# geometry's id and the entry the geometry itself, checked by identity (the geometries of a
# network layer, or of :func:`_check`'s cache, live as long as they are used); the block, waste
# and tile settings are in the key so that changing them (as the tests do) makes new plans.
_CACHE_MAX = 512
_PLANS: dict = {}
_TILES: dict = {}


def _kept(cache: dict, key, g, make):
    hit = cache.get(key)
    if hit is not None and hit[0] is g:
        return hit[1]
    value = make()
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = (g, value)
    return value


def _plan(xp_shape, g: ConvGeometry, itemsize: int, strides=None) -> _Plan:
    """The (cached) :class:`_Plan` of a padded input of this shape and these strides."""
    key = (id(g), tuple(xp_shape), itemsize, None if strides is None else tuple(strides),
           _BLOCK_BYTES, _WASTE)
    return _kept(_PLANS, key, g, lambda: _Plan(xp_shape, g, itemsize, strides))


def _boxes(shape, budget: int):
    """Cut ``shape`` into boxes (tuples of slices, in C order) of at most ``budget`` cells (or
    one cell): whole trailing axes and a run of the first axis that then fits."""
    shape = tuple(shape)
    suffix = [1] * (len(shape) + 1)
    for a in range(len(shape) - 1, -1, -1):
        suffix[a] = suffix[a + 1] * shape[a]
    a = next(a for a in range(len(shape)) if suffix[a + 1] <= budget)
    step = max(1, budget // suffix[a + 1])
    rest = tuple(slice(0, n) for n in shape[a + 1:])
    for lead in _iproduct(*(range(n) for n in shape[:a])):
        for s in range(0, shape[a], step):
            yield (tuple(slice(i, i + 1) for i in lead) + (slice(s, min(shape[a], s + step)),)
                   + rest)


def _tiles(xp_shape, g: ConvGeometry, f: int, itemsize: int, min_pixels: int = 1):
    """``None`` when one image fits :data:`_TILE_VALUES` (the untiled path), else the boxes of the
    kernel ``(C, *k)`` and of the output ``out`` to work through (see "Tiles" above).

    Output boxes are sized like the blocks of images, about _BLOCK_BYTES of columns, so that
    each box's columns stay in cache between the copy and the GEMM, but hold at least
    ``min_pixels`` outputs while _TILE_VALUES allows (the backward pass loops over the kernel's
    offsets once per box); the kernel is cut only when one window's column alone would exceed
    _TILE_VALUES.
    """
    key = (id(g), tuple(xp_shape), f, itemsize, min_pixels, _BLOCK_BYTES, _WASTE, _TILE_VALUES)
    return _kept(_TILES, key, g, lambda: _make_tiles(xp_shape, g, f, itemsize, min_pixels))


def _make_tiles(xp_shape, g: ConvGeometry, f: int, itemsize: int, min_pixels: int):
    plan = _plan(xp_shape, g, itemsize)
    if max(plan.ck, f) * plan.pcols <= _TILE_VALUES:
        return None
    waste = plan.pcols / plan.p  # the full-width layout's extra columns (at most _WASTE)
    kshape = (plan.c,) + g.kernel
    if plan.ck * waste <= _TILE_VALUES:
        kboxes = [tuple(slice(0, n) for n in kshape)]
        ck = plan.ck
    else:
        kboxes = list(_boxes(kshape, max(1, int(_TILE_VALUES / waste))))
        ck = max(_cells(b) for b in kboxes)
    per_pixel = waste * max(ck, f)
    target = max(_BLOCK_BYTES // itemsize, min_pixels * per_pixel)
    oboxes = list(_boxes(g.out_shape, max(1, int(min(target, _TILE_VALUES) / per_pixel))))
    return kboxes, oboxes


def _cells(box) -> int:
    n = 1
    for s in box:
        n *= s.stop - s.start
    return n


def _tile(g: ConvGeometry, obox, kbox):
    """The smaller convolution of output box ``obox`` with kernel box ``kbox`` (channels first):
    its geometry and the slices ``(channels, *spatial)`` of the padded input it reads."""
    kernel = tuple(s.stop - s.start for s in kbox[1:])
    out = tuple(s.stop - s.start for s in obox)
    lo = tuple(o.start * st + j.start * d for o, j, st, d in zip(obox, kbox[1:], g.stride,
                                                                    g.dilation))
    span = tuple((m - 1) * st + (k - 1) * d + 1 for m, k, st, d in zip(out, kernel, g.stride,
                                                                         g.dilation))
    sub = ConvGeometry(g.nd, kernel, g.stride, ((0, 0),) * g.nd, g.dilation, span, out)
    return sub, (kbox[0],) + tuple(slice(a, a + n) for a, n in zip(lo, span))


# Small calls (the lesson's single pictures): when every column fits one block of at most
# _SMALL_COLUMNS values, the column matrix is one gather through an index matrix made once per
# shape (the same matrix _Plan.fill builds, column for column; only the thrown-away extra
# columns of the full-width layout hold other values), then the same GEMM: the same bits.
_SMALL_COLUMNS = 1 << 15


def _gather_index(plan: _Plan) -> np.ndarray:
    """The plan's ``(CK, n*pcols)`` index matrix into the flattened padded input (made once)."""
    idx = plan.gather
    if idx is None:
        cells = np.arange(plan.n * plan.c * math.prod(plan.spatial), dtype=np.intp)
        src = plan.source(cells.reshape((plan.n, plan.c) + plan.spatial))
        buf = np.zeros(plan.ck * plan.n * plan.pcols, dtype=np.intp)
        idx = plan.fill(buf, src, 0, plan.n)
        idx.flags.writeable = False
        plan.gather = idx
    return idx


def _small_forward(xp: np.ndarray, w2: np.ndarray, plan: _Plan) -> np.ndarray:
    idx = _gather_index(plan)
    out = w2 @ xp.reshape(-1).take(idx)
    res = plan.valid(out.reshape(w2.shape[0], plan.n, plan.pcols)).transpose(plan.swap)
    return np.ascontiguousarray(res)


def _is_small(xp_shape, g: ConvGeometry, f: int, itemsize: int) -> bool:
    """Whether :func:`_forward` takes :func:`_small_forward` for this shape."""
    plan = _plan(xp_shape, g, itemsize)
    return (plan.block >= plan.n and plan.ck * plan.n * plan.pcols <= _SMALL_COLUMNS
            and _tiles(xp_shape, g, f, itemsize) is None)


def _forward(xp: np.ndarray, w2: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """``(N, C, *padded) x (F, C*K) -> (N, F, *out)`` via blocked column GEMMs (in tiles when an
    image is too large for one, see "Tiles" above)."""
    xp = np.ascontiguousarray(xp)
    n, c, f = xp.shape[0], xp.shape[1], w2.shape[0]
    plan = _plan(xp.shape, g, xp.itemsize)
    if _is_small(xp.shape, g, f, xp.itemsize):
        return _small_forward(xp, w2, plan)
    y = np.empty((n, f) + g.out_shape, dtype=xp.dtype)
    tiles = _tiles(xp.shape, g, f, xp.itemsize)
    if tiles is None:
        _forward_into(y, xp, w2, g)
        return y
    kboxes, oboxes = tiles
    w = w2.reshape((f, c) + g.kernel)
    keep: dict = {}
    every = (slice(None),)
    for i, kbox in enumerate(kboxes):
        wk = np.ascontiguousarray(w[every + kbox]).reshape(f, -1)
        for obox in oboxes:
            sub, xsl = _tile(g, obox, kbox)
            _forward_into(y[every * 2 + obox], xp[every + xsl], wk, sub, add=i > 0, keep=keep)
    return y


def _forward_into(y: np.ndarray, xp: np.ndarray, w2: np.ndarray, g: ConvGeometry,
                  add: bool = False, keep=None) -> None:
    """Write (or with ``add``, add) ``xp (N, C, *padded) x w2 (F, C*K)`` into ``y (N, F, *out)``;
    ``xp`` and ``y`` may be views into larger arrays. Large calls share their blocks of images
    among the engine's threads (see "Both cores" below): the same blocks and the same products,
    so the same bits."""
    plan = _plan(xp.shape, g, xp.itemsize, xp.strides)
    src = plan.source(xp)
    starts = range(0, plan.n, plan.block)
    chunks = None if keep is not None else _chunks(plan, w2.shape[0], starts)
    if chunks is None:
        _forward_blocks(y, src, w2, plan, starts, add, keep)
        return
    with chunks[0]:
        _in_threads(lambda part: _forward_blocks(y, src, w2, plan, part, add, None), chunks[1])


def _forward_blocks(y, src, w2, plan: _Plan, starts, add: bool, keep) -> None:
    """The forward pass of the blocks of images beginning at ``starts``."""
    n, f = plan.n, w2.shape[0]
    dtype = w2.dtype
    buf = ybuf = None  # work arrays, made when first needed
    for s in starts:  # blocks of images sized to stay in cache
        e = min(n, s + plan.block)
        m = e - s
        cols = plan.as_columns(src, s, e)
        if cols is None:
            if buf is None:
                buf = plan.buffer("cols", plan.ck, dtype, keep=keep)
            cols = plan.fill(buf, src, s, e)
        direct = None
        if not add and plan.pcols == plan.p and (f == 1 or m == 1):
            # (m, F, *out) is (F, m*P) in memory: the product goes straight into the output
            direct = _matrix_view(y[s:e], (f, m * plan.p))
        if direct is not None:
            np.matmul(w2, cols, out=direct)
            continue
        if ybuf is None:
            ybuf = plan.buffer("out", f, dtype, keep=keep)
        out = ybuf[:f * m * plan.pcols].reshape(f, m * plan.pcols)
        np.matmul(w2, cols, out=out)
        res = plan.valid(out.reshape(f, m, plan.pcols)).transpose(plan.swap)
        if add:
            y[s:e] += res
        else:
            y[s:e] = res


def _backward(dout: np.ndarray, xp: np.ndarray, w2: np.ndarray, g: ConvGeometry):
    """Gradients ``(dxp, dw2)`` for the padded input and the ``(F, C*K)`` weights (in tiles when
    an image is too large for one, see "Tiles" above)."""
    xp = np.ascontiguousarray(xp)
    c, f = xp.shape[1], w2.shape[0]
    dxp = np.zeros(xp.shape, dtype=xp.dtype)
    tiles = _tiles(xp.shape, g, f, xp.itemsize, min_pixels=_SCATTER_PIXELS)
    if tiles is None:
        return dxp, _backward_into(dxp, dout, xp, w2, g)
    kboxes, oboxes = tiles
    w = w2.reshape((f, c) + g.kernel)
    dw = np.zeros(w.shape, dtype=xp.dtype)
    keep: dict = {}
    every = (slice(None),)
    for kbox in kboxes:
        wk = np.ascontiguousarray(w[every + kbox]).reshape(f, -1)
        dwk = dw[every + kbox]
        for obox in oboxes:
            sub, xsl = _tile(g, obox, kbox)
            dwk += _backward_into(dxp[every + xsl], dout[every * 2 + obox], xp[every + xsl],
                                  wk, sub, keep=keep).reshape(dwk.shape)
    return dxp, dw.reshape(w2.shape)


def _backward_into(dxp: np.ndarray, dout: np.ndarray, xp: np.ndarray, w2: np.ndarray,
                   g: ConvGeometry, keep=None) -> np.ndarray:
    """Add the gradient for ``xp`` into ``dxp`` (same shape and strides, both may be views into
    larger arrays) and return the ``(F, C*K)`` weights' gradient.

    Large calls share their blocks of images among the engine's threads: each block's ``dw``
    part is kept and the parts are added up in block order afterwards, exactly the sums of the
    single-threaded loop (the same bits)."""
    plan = _plan(xp.shape, g, xp.itemsize, xp.strides)
    src = plan.source(xp)
    w2t = np.ascontiguousarray(w2.T)
    dw2 = np.zeros(w2.shape, dtype=xp.dtype)
    starts = range(0, plan.n, plan.block)
    chunks = None if keep is not None else _chunks(plan, w2.shape[0], starts)
    if chunks is None:
        _backward_blocks(dxp, dout, src, w2t, plan, starts, keep, dw2)
        return dw2
    with chunks[0]:
        parts = _in_threads(
            lambda part: _backward_blocks(dxp, dout, src, w2t, plan, part, None, None), chunks[1])
    for chunk in parts:
        for part in chunk:  # in block order, as the single-threaded loop adds them
            dw2 += part
    return dw2


def _backward_blocks(dxp, dout, src, w2t, plan: _Plan, starts, keep, dw2):
    """The backward pass of the blocks of images beginning at ``starts``: scatter into ``dxp``
    and add each block's weight gradient into ``dw2``, or, when ``dw2`` is None, return the
    blocks' weight gradients in order."""
    if (plan.full and plan.c >= _OFFSETS_MIN_C and plan.c * w2t.shape[1] >= _OFFSETS_MIN_CF
            and plan.n * plan.pcols >= _OFFSETS_MIN_PIXELS):
        return _backward_offsets(dxp, dout, src, w2t, plan, starts, keep, dw2)
    g = plan.g
    n, c, f = plan.n, plan.c, w2t.shape[1]
    dt = w2t.dtype
    buf = None  # made when first needed
    gbuf = plan.buffer("grad", f, dt, zero=True, keep=keep)  # extra outputs stay 0
    parts = []
    for s in starts:  # blocks of images sized to stay in cache
        e = min(n, s + plan.block)
        m = e - s
        cols = plan.as_columns(src, s, e)
        if cols is None:
            if buf is None:
                buf = plan.buffer("cols", plan.ck, dt, keep=keep)
            cols = plan.fill(buf, src, s, e)
        gb = gbuf[:f * m * plan.pcols].reshape(f, m, plan.pcols)
        plan.valid(gb)[...] = dout[s:e].transpose(plan.swap)
        g2 = gb.reshape(f, m * plan.pcols)
        if dw2 is None:
            parts.append(g2 @ cols.T)
        else:
            dw2 += g2 @ cols.T
        dcols = (w2t @ g2).reshape((c,) + g.kernel + (m, plan.pcols))
        _scatter(dxp[s:e], dcols, plan)
    return parts


# The full-width layout's backward pass without a column matrix, one kernel offset at a time:
# an offset's rows of the columns are the padded input's rows seen from that offset (a view, no
# copy), so its part of dW is one batched product, each image's gradient rows (F, length) by its
# input rows (length, C), summed over the block's images; its part of dX is one product of the
# offset's weights (C, F) with the block's gradient rows, added back at the offset. Against
# building the columns (C*K rows per output pixel), then dW and dX's columns in two products and
# K adds: no column copy, and each product's result stays in cache until it is added. Measured
# against the columns in one process, two threads: 0.84-0.94x on the benchmark's two large
# shapes, 0.69-0.87x on medium ones (16-64 images of 28-64 pixels a side, 8-16 channels). With
# fewer channels times filters, or fewer output pixels, than these, the products are too thin
# or too short to gain (1.0-1.6x measured there), and with few input channels (a first layer
# on grey or colour pictures: 1.3-4.9x with 1-6 channels, even with many filters) dX's
# products and adds are C rows each: the columns are kept.
_OFFSETS_MIN_C = 8
_OFFSETS_MIN_CF = 128
_OFFSETS_MIN_PIXELS = 4096


def _flat_images(dxp: np.ndarray, plan: _Plan) -> np.ndarray:
    """``dxp`` (m, C, *padded) as (m, C, pixels), writable (each image's spatial part is
    contiguous in the full-width layout, see _Plan)."""
    m, c = dxp.shape[:2]
    if dxp.flags.c_contiguous:  # (a reshape: as_strided costs ~0.1 ms a call)
        return dxp.reshape(m, c, plan.q)
    return as_strided(dxp, (m, c, plan.q), dxp.strides[:2] + (dxp.itemsize,))


def _backward_offsets(dxp, dout, src, w2t, plan: _Plan, starts, keep, dw2):
    """:func:`_backward_blocks` for the full-width layout, one kernel offset at a time (see
    _OFFSETS_MIN_CF): the same blocks, the weights' gradient summed over each block's images
    in order, so that the threads' parts add up to the one-thread sums."""
    g = plan.g
    n, c, f = plan.n, plan.c, w2t.shape[1]
    dt = w2t.dtype
    kernel = list(_iproduct(*(range(k) for k in g.kernel)))
    nk = len(kernel)
    offsets = [sum(o * k for o, k in zip(plan.offsets, kk)) for kk in kernel]
    # each offset's weights (C, F), contiguous: w2t's rows are (c, *kernel)
    wk = np.ascontiguousarray(w2t.reshape(c, nk, f).transpose(1, 0, 2))
    gbuf = plan.buffer("grad", f, dt, zero=True, keep=keep)  # extra outputs stay 0
    tbuf = plan.buffer("dcols", c, dt, keep=keep)
    length, pcols = plan.length, plan.pcols
    every = (slice(None),)
    parts = []
    with _adds_in_place(plan, c * n * pcols):
        for s in starts:
            e = min(n, s + plan.block)
            m = e - s
            gb = gbuf[:f * m * pcols].reshape(f, m, pcols)
            plan.valid(gb)[...] = dout[s:e].transpose(plan.swap)
            g2 = gb.reshape(f, m * pcols)
            rows = gb.transpose(1, 0, 2)[..., :length]        # (m, F, length)
            flat = _flat_images(dxp[s:e], plan)
            t = tbuf[:c * m * pcols].reshape(c, m * pcols)
            back = t.reshape(c, m, pcols)[..., :length].transpose(1, 0, 2)   # (m, C, length)
            dwb = np.empty((f, c, nk), dtype=dt)
            for i, (kk, off) in enumerate(zip(kernel, offsets)):
                seen = src[every + kk + (slice(s, e),)]       # (C, m, length): a view
                np.add.reduce(np.matmul(rows, seen.transpose(1, 2, 0)), axis=0,
                              out=dwb[:, :, i])
                np.matmul(wk[i], g2, out=t)
                view = flat[:, :, off:off + length]
                view += back
            part = dwb.reshape(f, c * nk)
            if dw2 is None:
                parts.append(part)
            else:
                dw2 += part
    return parts


def _scatter(dxp: np.ndarray, dcols: np.ndarray, plan: _Plan) -> None:
    """Add column gradients ``(C, *k, m, pcols)`` back into ``dxp`` ``(m, C, *padded)``."""
    with _adds_in_place(plan, dcols.size):
        _scatter_adds(dxp, dcols, plan)


def _scatter_adds(dxp: np.ndarray, dcols: np.ndarray, plan: _Plan) -> None:
    g = plan.g
    nd = g.nd
    m, c = dxp.shape[:2]
    every = (slice(None), slice(None))
    if plan.full:
        flat = _flat_images(dxp, plan)
        d = dcols.transpose((nd + 1, 0) + tuple(range(1, nd + 1)) + (nd + 2,))  # (m, C, *k, pcols)
        keep = (slice(0, plan.length),)
        for kk in _iproduct(*(range(k) for k in g.kernel)):  # K offsets, each vectorised
            off = sum(o * k for o, k in zip(plan.offsets, kk))
            flat[:, :, off:off + plan.length] += d[every + kk + keep]
        return
    d = dcols.reshape((c,) + g.kernel + (m,) + g.out_shape)
    d = d.transpose((nd + 1, 0) + tuple(range(1, nd + 1)) + tuple(range(nd + 2, 2 * nd + 2)))
    for kk in _iproduct(*(range(k) for k in g.kernel)):  # K offsets, each vectorised
        sl = tuple(slice(o * dl, o * dl + s * (mm - 1) + 1, s)
                   for o, dl, s, mm in zip(kk, g.dilation, g.stride, g.out_shape))
        dxp[every + sl] += d[every + kk]  # d is (m, C, *k, *out)


# NumPy's ufuncs run over a strided operand (here: rows of a few hundred to a few thousand
# values, each contiguous, that do not follow one another in memory) through buffers of
# ``np.getbufsize()`` values (8192 by default): rows shorter than that are first gathered into the
# buffers and scattered back, which made the backward pass's adds 1.5-2x slower than the same
# adds row by row (NumPy 2.4, measured in bench/engine.py). A buffer no longer than one row lets
# the inner loop work on the rows where they are: the same adds in the same order, the same bits.
_ROWS_MIN_WORK = 1 << 16  # below this many values the two calls to set the size cost more


class rows_in_place:
    """``with rows_in_place(row):`` NumPy's ufunc buffer of ``row`` values or fewer (a multiple of
    16, at least 16) on this thread (a context variable), restored afterwards."""

    __slots__ = ("size", "old")

    def __init__(self, row: int):
        self.size = max(16, min(8192, row // 16 * 16))

    def __enter__(self):
        self.old = np.setbufsize(self.size)
        return self

    def __exit__(self, *exc):
        np.setbufsize(self.old)
        return False


def _adds_in_place(plan: _Plan, values: int):
    """:class:`rows_in_place` for the backward pass's adds of ``values`` values in all where it
    measured quicker: the full-width layout's rows of 64-2048 values, enough of them to pay for
    setting the size. Strided rows and rows of several thousand values keep NumPy's buffers (as
    quick or quicker there)."""
    if plan.full and values >= _ROWS_MIN_WORK and 64 <= plan.length <= 2048:
        return rows_in_place(min(512, plan.length))
    return nullcontext()


# --- both cores -------------------------------------------------------------------------------
# A large call shares its blocks of images among the engine's threads (the calling thread and a
# pool of ``threads() - 1`` workers), with BLAS held to one thread meanwhile (threadpoolctl,
# entered once per call): the blocks and their products are exactly the single-threaded ones,
# so the result is the same to the bit. Calls below _THREAD_MIN_WORK multiply-adds, with one
# block, from a pool worker, or in tiles, stay on the calling thread with no thread overhead.
#
# ``CNN_TUI_THREADS=1`` (or :func:`set_threads`) keeps every call on one thread. The pool is
# made on first use, never at import, and dropped in a forked child (the classroom server forks
# its app processes from a zygote): a thread pool does not survive a fork.
_THREAD_MIN_WORK = 1 << 24  # 16.8M multiply-adds: ~2 ms of float32, well above the thread cost
_THREAD_STATE = threading.local()  # ``worker`` is True inside the pool's threads
_pool = None
_pool_size = 0
_pool_lock = threading.Lock()
_forced_threads: int | None = None
_blas_controller = None  # a ThreadpoolController, made once; False without threadpoolctl


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


MAX_THREADS = 64        # however many threads are asked for, a pool never has more


def threads() -> int:
    """How many threads a large convolution uses: :func:`set_threads`'s number, else the
    ``CNN_TUI_THREADS`` environment variable (a whole number >= 1), else the usable cores."""
    if _forced_threads is not None:
        return _forced_threads
    env = os.environ.get("CNN_TUI_THREADS", "").strip()
    if env:
        try:
            return min(MAX_THREADS, max(1, int(env)))
        except ValueError:
            pass
    return _cores()


def set_threads(n: int | None) -> None:
    """Use ``n`` threads for large convolutions (1: always the calling thread alone); ``None``
    goes back to ``CNN_TUI_THREADS`` or the number of usable cores."""
    global _forced_threads
    if n is not None:
        n = int(n)
        if n < 1:
            raise EngineError(f"threads must be at least 1, got {n}")
        if n > MAX_THREADS:
            raise EngineError(f"threads must be at most {MAX_THREADS}, got {n}")
    _forced_threads = n


def _after_fork_in_child() -> None:
    """A forked child has none of its parent's pool threads: make new ones when needed."""
    global _pool, _pool_size, _pool_lock, _blas_controller
    _pool, _pool_size, _pool_lock = None, 0, threading.Lock()
    _blas_controller = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _executor(workers: int):
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < workers:
            from concurrent.futures import ThreadPoolExecutor

            # A larger pool replaces a smaller one; the old one is not shut down, since a call
            # in another thread may be about to submit to it (its idle threads stay: the count
            # is capped at MAX_THREADS, and it only grows when the thread setting does).
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cnn-tui-engine",
                                       initializer=_mark_worker)
            _pool_size = workers
        return _pool


def _mark_worker() -> None:
    _THREAD_STATE.worker = True


def one_blas_thread():
    """A context holding BLAS to one thread (one controller, made once and again after a
    fork), or None without threadpoolctl."""
    global _blas_controller
    if _blas_controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _blas_controller = False
        else:
            _blas_controller = ThreadpoolController()
    if _blas_controller is False:
        return None
    return _blas_controller.limit(limits=1, user_api="blas")


def _chunks(plan: _Plan, f: int, starts):
    """``(BLAS context, [block starts per thread])`` when this call is worth sharing among
    threads, else None (stay on the calling thread)."""
    if len(starts) < 2 or plan.n * f * plan.ck * plan.pcols < _THREAD_MIN_WORK:
        return None
    if getattr(_THREAD_STATE, "worker", False):
        return None
    t = min(threads(), len(starts))
    if t < 2:
        return None
    blas = one_blas_thread()
    if blas is None:
        return None
    k = len(starts)
    return blas, [starts[i * k // t:(i + 1) * k // t] for i in range(t)]


def _in_threads(fn, parts):
    """``[fn(p) for p in parts]``: the first part on the calling thread, the others on the pool."""
    pool = _executor(len(parts) - 1)
    futures = [pool.submit(fn, p) for p in parts[1:]]
    try:
        first = fn(parts[0])
    finally:
        for fut in futures:  # never leave a worker writing after an error here
            fut.exception()
    return [first] + [fut.result() for fut in futures]


_CHECKED: dict = {}  # (shapes, settings) -> geometry, for settings given as ints or int tuples


def _plain(v) -> bool:
    """Whether a setting is an int or a tuple of ints or of int tuples (safe as a cache key:
    equal keys are the same setting, with no floats, bools or arrays that could compare equal)."""
    t = type(v)
    if t is int:
        return True
    if t is not tuple:
        return False
    for i in v:
        ti = type(i)
        if ti is int:
            continue
        if ti is not tuple or not all(type(j) is int for j in i):
            return False
    return True


def _check(x, w, stride, padding, dilation):
    """:func:`_check_full` once per shapes and settings: a repeat call checks only the dtypes and
    values (every shape check passed before, so the same errors come out in the same order)."""
    x = np.asarray(x)
    w = np.asarray(w)
    key = None
    if _plain(stride) and _plain(padding) and _plain(dilation):
        key = (x.shape, w.shape, stride, padding, dilation)
        g = _CHECKED.get(key)
        if g is not None:
            if x.dtype.kind not in "fiub":
                raise EngineError("input must be numeric")
            if w.dtype.kind not in "fiub":
                raise EngineError("kernel must be numeric")
            x = _finite(x, "input")
            w = _finite(w, "kernel")
            xd, wd = x.dtype, w.dtype
            dtype = xd if xd == wd else float_dtype(xd, wd)
            return x.astype(dtype, copy=False), w.astype(dtype, copy=False), g, (xd, wd)
    out = _check_full(x, w, stride, padding, dilation)
    if key is not None:
        if len(_CHECKED) >= _CACHE_MAX:
            _CHECKED.clear()
        _CHECKED[key] = out[2]
    return out


def _check_full(x, w, stride, padding, dilation):
    """Validated input, kernel and geometry, both arrays in their common dtype, and the
    floating dtypes they came in (``dx`` and ``dw`` are returned in those).

    Every size is checked against ``MAX_CELLS`` (input and kernel as given, the padded input and
    the output) before the arrays are converted or anything is allocated.
    """
    x = _numeric(x, "input")
    w = _numeric(w, "kernel")
    if x.ndim < 3 or x.ndim > 5:
        raise EngineError("input must be (N, C, *spatial) with 1 to 3 spatial axes")
    if w.ndim != x.ndim:
        raise EngineError(f"kernel must be (F, C, *kernel) with {x.ndim - 2} spatial axes")
    if w.shape[1] != x.shape[1]:
        raise EngineError(f"the input has {x.shape[1]} channels but the kernel expects {w.shape[1]}")
    g = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    check_cells(x.shape[:2] + g.padded_shape)
    check_cells((x.shape[0], w.shape[0]) + g.out_shape, "the output",
                "use fewer filters, a smaller input or a longer stride")
    _check_work(x.shape[0], w.shape[0], x.shape[1], g)
    x = _finite(x, "input")
    w = _finite(w, "kernel")
    if w.shape[0] == 0:     # after every other check, which report as they did before
        raise EngineError("the kernel has no filters (its first axis is 0); give at least one")
    dtype = float_dtype(x.dtype, w.dtype)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), g, (x.dtype, w.dtype)


def _check_work(n: int, f: int, c: int, g: ConvGeometry) -> None:
    """Refuse a convolution of more than :data:`MAX_MULTIPLY_ADDS` multiply-adds (every output
    value of ``n`` images and ``f`` filters sums ``c`` channels times the kernel's cells) with one
    sentence, from the shapes alone."""
    work = n * f * c * math.prod(g.kernel) * math.prod(g.out_shape)
    if work > MAX_MULTIPLY_ADDS:
        raise EngineError(
            f"this convolution would take {work:,} multiply-adds (kernel cells x channels x "
            f"output values), more than the {MAX_MULTIPLY_ADDS:,} this engine does in one call; "
            f"use a smaller kernel, a smaller input, less padding or a longer stride")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise EngineError(f"mode must be 'sum' or 'mean', got {mode!r}")


def conv(x, w, b=None, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
         mode: str = "sum") -> np.ndarray:
    """N-dimensional convolution (cross-correlation): ``(N, C, *S) * (F, C, *k) -> (N, F, *out)``.

    ``padding`` is one int, one int per axis, or one ``(before, after)`` pair per axis; padded
    cells hold ``pad_value``. ``mode="mean"`` divides every sum by ``C*K``. ``b`` is an optional
    bias of shape ``(F,)`` added after the division.

    The result's dtype is NumPy's promotion of ``x``'s and ``w``'s dtypes, a whole-number array
    counting as float64 (float32 input with a float64 kernel gives float64); ``b`` is converted
    to it. Inputs, padded inputs and outputs of more than ``MAX_CELLS`` values, and more than
    :data:`MAX_MULTIPLY_ADDS` multiply-adds, are refused; the work arrays hold at most about
    ``_TILE_VALUES`` values whatever the padding.
    """
    _check_mode(mode)
    x = np.asarray(x)
    w = np.asarray(w)
    key = None
    if _plain(stride) and _plain(padding) and _plain(dilation):
        key = (x.shape, x.dtype, w.shape, w.dtype, stride, padding, dilation, _BLOCK_BYTES,
               _WASTE, _TILE_VALUES, _SMALL_COLUMNS)
        small = _SMALL.get(key)
        if small is not None:
            return small.conv(x, w, b, pad_value, mode)
    x, w, g, _ = _check(x, w, stride, padding, dilation)
    _check_pad_value(pad_value)
    f = w.shape[0]
    if b is not None:
        b = _bias(b, f).astype(x.dtype, copy=False)
    w2 = w.reshape(f, -1)
    xp = pad(x, g.padding, pad_value)
    y = _forward(xp, w2, g)
    if mode == "mean":
        y /= w2.shape[1]
    if b is not None:
        y += b.reshape((1, f) + (1,) * g.nd)
    if key is not None and _is_small(xp.shape, g, f, xp.itemsize):
        if len(_SMALL) >= _CACHE_MAX:
            _SMALL.clear()
        _SMALL[key] = _Small(_plan(xp.shape, g, xp.itemsize), x.dtype, f)
    return y


def _check_pad_value(pad_value) -> None:
    if (not (type(pad_value) is float and math.isfinite(pad_value))
            and not np.isfinite(pad_value)):
        raise EngineError("the pad value must be a finite number")


_SMALL: dict = {}  # (shapes, dtypes, settings) -> _Small, for calls that passed every check once


class _Small:
    """:func:`conv` on the small path (see :func:`_small_forward`) for inputs and kernels of
    shapes, dtypes and settings that have been through every check once: the dtypes are numeric
    and every size is allowed, so a call checks only the values (NaN or infinity in the input,
    then in the kernel, then the pad value and the bias, as :func:`conv` does) and goes
    straight to the gather and the product, into a work array kept per thread whose view of
    the valid outputs is made once. The same operations on the same values: the same bits."""

    __slots__ = ("g", "dtype", "f", "idx", "plan", "local")

    def __init__(self, plan: _Plan, dtype, f: int):
        self.plan = plan
        self.g = plan.g
        self.dtype = dtype
        self.f = f
        self.idx = _gather_index(plan)
        self.local = threading.local()

    def conv(self, x, w, b, pad_value, mode) -> np.ndarray:
        if x.dtype.kind == "f":
            if not _all_finite(x):
                raise EngineError("input contains NaN or infinity")
        else:
            x = x.astype(np.float64)
        if w.dtype.kind == "f":
            if not _all_finite(w):
                raise EngineError("kernel contains NaN or infinity")
        else:
            w = w.astype(np.float64)
        dtype = self.dtype
        x = x.astype(dtype, copy=False)
        w = w.astype(dtype, copy=False)
        _check_pad_value(pad_value)
        f = self.f
        if b is not None:
            b = _bias(b, f).astype(dtype, copy=False)
        bufs = getattr(self.local, "bufs", None)
        if bufs is None:
            # the product in native byte order, as matmul gives it; kept for the next call
            # only when it is no larger than the scratch memory kept elsewhere
            plan = self.plan
            native = np.dtype(dtype).newbyteorder("=")
            prod = np.empty((f, plan.n * plan.pcols), dtype=native)
            bufs = (prod, plan.valid(prod.reshape(f, plan.n, plan.pcols)).transpose(plan.swap))
            if prod.nbytes <= _SCRATCH_MAX_BYTES:
                self.local.bufs = bufs
        prod, valid = bufs
        w2 = w.reshape(f, -1)
        g = self.g
        np.matmul(w2, pad(x, g.padding, pad_value).take(self.idx), out=prod)
        y = valid.copy()
        if mode == "mean":
            y /= w2.shape[1]
        if b is not None:
            y += b.reshape((1, f) + (1,) * g.nd)
        return y


def conv_backward(dout, x, w, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
                  mode: str = "sum", b=None):
    """Gradients ``(dx, dw, db)`` of :func:`conv` given ``dout = dL/dy`` of shape ``(N, F, *out)``.

    ``dx`` scatters ``W.T @ dout`` back through every window (a loop over the K kernel offsets,
    each a vectorised strided add); ``dw`` is ``dout @ cols.T`` over the whole batch.

    ``dout`` must have exactly the output's shape. ``b`` is the forward's bias, if it had one:
    only its dtype and shape ``(F,)`` are used. The work is done in the forward's dtype (see
    :func:`conv`); every gradient comes back in the dtype of the array it belongs to: ``dx`` in
    ``x``'s floating dtype, ``dw`` in ``w``'s and ``db`` in ``b``'s (the forward's without a bias).
    Size and work limits as in :func:`conv`.
    """
    _check_mode(mode)
    x, w, g, (x_dtype, w_dtype) = _check(x, w, stride, padding, dilation)
    _check_pad_value(pad_value)
    n = x.shape[0]
    f = w.shape[0]
    b_dtype = x.dtype if b is None else _bias(b, f).dtype
    dout = check_dout(dout, (n, f) + g.out_shape, x.dtype)
    f_ck = w.reshape(f, -1)
    g2 = dout / f_ck.shape[1] if mode == "mean" else dout
    db = dout.sum(axis=(0,) + tuple(range(2, dout.ndim)))
    dxp, dw2 = _backward(g2, pad(x, g.padding, pad_value), f_ck, g)
    dw = dw2.reshape(w.shape)
    if any(p != (0, 0) for p in g.padding):
        # a copy of the real cells: a view would keep the whole padded gradient alive
        crop = tuple(slice(lo, lo + m) for (lo, _), m in zip(g.padding, g.in_shape))
        dx = np.array(dxp[(slice(None), slice(None)) + crop], dtype=x_dtype)
    else:
        dx = dxp.astype(x_dtype, copy=False)
    return dx, dw.astype(w_dtype, copy=False), db.astype(b_dtype, copy=False)


def _bias(b, f: int) -> np.ndarray:
    """The bias as a floating array of shape ``(F,)`` (whole numbers become float64)."""
    b = _as_float(b, "bias")
    if b.shape != (f,):
        raise EngineError(f"the bias needs one value per filter ({f}), got shape {b.shape}")
    return b


def conv_single(image, kernel, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
                mode: str = "sum") -> np.ndarray:
    """Convolve one spatial array with one kernel of the same number of axes (no batch, no channel).

    Dtype and size rules as in :func:`conv`; an overflow to infinity is an :class:`EngineError`.
    """
    image = _numeric(image, "input")
    kernel = _numeric(kernel, "kernel")
    if image.ndim != kernel.ndim:
        raise EngineError(
            f"the input has {image.ndim} axes but the kernel has {kernel.ndim}; they must match")
    with np.errstate(over="ignore", invalid="ignore"):
        y = conv(image[None, None], kernel[None, None], None, stride, padding, pad_value,
                 dilation, mode)
    return finite(y[0, 0])


def finite(y: np.ndarray) -> np.ndarray:
    """``y`` itself, or a clear error when a sum overflowed to infinity.

    Used on the single-picture paths (calculators, lesson, quiz); the batched hot path leaves
    overflow to IEEE arithmetic, as NumPy does.
    """
    if not _all_finite(y):
        raise EngineError("the result overflows: the values are too large to add up; use "
                          "smaller numbers")
    return y
