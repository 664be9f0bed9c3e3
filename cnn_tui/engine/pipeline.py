"""The lecture's whole network: conv (mean) -> ReLU -> max pool -> max pool -> 12 values -> votes."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .conv import _CACHE_MAX, _as_float, _finite, _gather_index, _is_small, conv, finite
from .conv import _check as _conv_check
from .conv import _plan as _conv_plan
from .layers import dense, predict, relu, vote, vote_weights
from .pool import _prepare as _pool_prepare
from .pool import _separable, max_pool
from .shapes import EngineError, float_dtype


@dataclass(frozen=True)
class PipelineResult:
    image: np.ndarray
    features: dict[str, np.ndarray]
    conv: dict[str, np.ndarray]
    relu: dict[str, np.ndarray]
    pool: dict[str, np.ndarray]
    pool2: dict[str, np.ndarray]
    vector: np.ndarray
    votes: dict[str, float]
    prediction: str

    @property
    def tie(self) -> bool:
        vals = sorted(self.votes.values(), reverse=True)
        return len(vals) > 1 and abs(vals[0] - vals[1]) < 1e-12


def run_pipeline(image, features: Mapping[str, np.ndarray], strong: Mapping[str, Sequence[int]],
                 vector_length: int | None = None, pool_window: int = 2,
                 pool_stride: int = 2) -> PipelineResult:
    """Run the lecture's network on one 2-D image with the given features and vote wiring."""
    img = _image(image)
    names, w = _weights(features)
    return _run(img, names, w, strong, None, vector_length, pool_window, pool_stride)


def _weights(features: Mapping[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
    """The features' names and their kernels stacked as conv weights ``(F, 1, kh, kw)``."""
    names = list(features)
    if not names:
        raise EngineError("the network needs at least one feature; give one or more kernels")
    return names, np.stack([_as_float(features[n], f"feature {n!r}") for n in names])[:, None]


class Pipeline:
    """:func:`run_pipeline` with its features and vote wiring checked and laid out once (the
    lecture's network runs on every key press): ``Pipeline(features, strong, ...).run(image)``
    gives what ``run_pipeline(image, features, strong, ...)`` does, value for value.

    The features are copied when made (read-only), so later changes to the mapping or its
    arrays do not reach a pipeline already made.
    """

    def __init__(self, features: Mapping[str, np.ndarray], strong: Mapping[str, Sequence[int]],
                 vector_length: int | None = None, pool_window: int = 2, pool_stride: int = 2):
        self.names, w = _weights(features)
        w.flags.writeable = False
        self.w = w
        self.strong = strong
        self.vector_length = vector_length
        self.pool_window, self.pool_stride = pool_window, pool_stride
        self.votes = None
        if vector_length is not None:
            self.votes = vote_weights(self.strong, vector_length)
            self.votes[1].flags.writeable = False
        self._leans: dict = {}  # (picture shape, dtype) -> its _Lean, once checked

    def run(self, image) -> PipelineResult:
        a = np.asarray(image)
        lean = self._leans.get((a.shape, a.dtype))
        if lean is not None:
            return lean.run(a)
        # the first picture of this shape and dtype: every layer checks its input, with its errors
        img = _image(a)
        res = _run(img, self.names, self.w, self.strong, self.votes, self.vector_length,
                   self.pool_window, self.pool_stride)
        if self.votes is not None and self._small(img):
            if len(self._leans) >= _CACHE_MAX:
                self._leans.clear()
            self._leans[(a.shape, a.dtype)] = _Lean(self, a.dtype, img, res)
        return res

    def _small(self, img) -> bool:
        """Whether the convolution of ``img`` takes the engine's small path (one gather, one
        product): only then is a lean run kept; a large picture goes on through the blocked,
        tiled path and its bounded scratch memory."""
        x4 = img[None, None]
        _, w, g, _ = _conv_check(x4, self.w, 1, 0, 1)
        return _is_small(x4.shape, g, w.shape[0], w.dtype.itemsize)


class _Lean:
    """:func:`_run` for pictures of one shape and dtype that have been through it once: the same
    operations on the same arrays (so the same bits), without checking again what cannot have
    changed. The dtype and the values are still checked on every call, where :func:`_run`
    checks them: a NaN or an infinity in the picture, then an overflow in the convolution.

    Every shape, index and window is worked out here, once: a call is the conv layer's gather
    and matrix product, a division, the overflow check, ReLU, a few ``np.maximum`` per pooling
    and the votes' product, each on arrays or views made beforehand. Pooling writes its input
    into a buffer whose cells past the edge hold -inf, so that every window, a ceil-mode partial
    one included, is the max of all its taps, in the order :func:`~cnn_tui.engine.pool.max_pool`
    takes them (a max with -inf is the other value, bit for bit). Work buffers are kept per
    thread; the arrays of a result are always new.
    """

    def __init__(self, pipe: Pipeline, raw_dtype, img, res):
        self.convert = raw_dtype.kind != "f"  # whole numbers: float64, finite by construction
        self.names = pipe.names
        self.features = {n: pipe.w[i, 0] for i, n in enumerate(pipe.names)}
        self.vnames = pipe.votes[0]
        x4 = img[None, None]
        _, w, g, _ = _conv_check(x4, pipe.w, 1, 0, 1)  # the checks have just passed on it
        self.dtype = w.dtype
        self.cast = img.dtype != w.dtype
        self.w2 = w.reshape(w.shape[0], -1)
        self.ck = w.dtype.type(self.w2.shape[1])  # "mean": c /= C*K (a ready scalar is quicker)
        plan = _conv_plan(x4.shape, g, w.dtype.itemsize)
        self.idx = _gather_index(plan)
        self.f = w.shape[0]
        self.pcols = plan.pcols
        self.vtail, self.vidx = (self.f,) + plan.vtail, (slice(None),) + plan.vidx[1:]
        self.zero = w.dtype.type(0)
        # Whole-number pictures cannot make the product overflow when even their dtype's
        # largest values times a filter's weights stay far below the largest float: no
        # floating-point warning can come, so no np.errstate is needed (a few microseconds).
        self.safe = False
        if self.convert:
            info = np.iinfo(raw_dtype) if raw_dtype.kind in "iu" else None
            top = 1.0 if info is None else float(max(-info.min, info.max))
            weights = float(np.abs(self.w2).sum(axis=1).max())
            self.safe = top * weights * 4 < float(np.finfo(w.dtype).max)
        # Floating pictures: the same bound, from the picture's largest magnitude on each call
        # (two NumPy calls, where the finite checks and np.errstate take about four).
        self.bounded = (raw_dtype.kind == "f" and raw_dtype.itemsize <= 8
                        and w.dtype.itemsize <= 8)
        self.weights = float(np.abs(self.w2).sum(axis=1).max()) * 4
        self.top = float(np.finfo(w.dtype).max)
        r = res.relu[pipe.names[0]]
        p1 = res.pool[pipe.names[0]]
        self.g = []
        self.pools = []
        for shape in (r.shape, p1.shape):
            maps = (len(pipe.names),) + shape
            _, _, gp, pads = _pool_prepare(np.broadcast_to(np.zeros((), w.dtype), (1,) + maps),
                                           pipe.pool_window, pipe.pool_stride, 0, True, 1)
            self.g.append((gp, pads))
            self.pools.append(_pool_layout(gp, pads, maps))
        vw = pipe.votes[1]
        vdtype = float_dtype(w.dtype, vw.dtype)  # as dense() does it (vec has w's dtype)
        self.vdtype = None if vdtype == w.dtype else vdtype
        self.vwt = vw.astype(vdtype, copy=False).T
        self.local = threading.local()

    def _buffers(self):
        """This thread's work arrays and their views (made on its first call)."""
        prod = np.empty((self.f, self.pcols), dtype=self.dtype)
        valid = prod.reshape(self.vtail)[self.vidx]
        pools = []
        for lay in self.pools:
            if lay is None:
                pools.append(None)
                continue
            maps, size, (rows, cols), out = lay
            buf = np.full(maps[:1] + size, -np.inf, dtype=self.dtype)
            inner = buf[(slice(None),) + tuple(slice(0, n) for n in maps[1:])]
            tmp = np.empty((maps[0], out[0], size[1]), dtype=self.dtype)  # rows done
            pools.append((inner, [buf[:, sl] for sl in rows], tmp,
                          [tmp[:, :, sl] for sl in cols]))
        bufs = self.local.bufs = (prod, valid, pools)
        return bufs

    def run(self, a: np.ndarray) -> PipelineResult:
        if self.convert:
            img = a.astype(np.float64)
            safe = self.safe
        elif self.bounded and float(_MAX(np.abs(a), axis=None)) * self.weights < self.top:
            # the largest magnitude (NaN or inf with a value that is not finite, and then the
            # test fails) times the weights stays far below the largest float: every value is
            # finite and the product cannot overflow, as for whole numbers (see safe)
            img, safe = a, True
        else:
            img, safe = _finite(a, "image"), False
        src = img.astype(self.dtype) if self.cast else img
        bufs = getattr(self.local, "bufs", None)
        if bufs is None:
            bufs = self._buffers()
        prod, valid, pools = bufs
        cols = src.take(self.idx)
        # the valid columns are copied out, then divided in place (a contiguous pass is quicker
        # than one over the strided view): the same bits, and only the values the result keeps
        # are divided (the others could underflow, which a caller's np.errstate may report)
        if safe:  # finite pictures and weights with no overflow possible: c is finite
            np.dot(self.w2, cols, out=prod)
            c = valid.copy()
            c /= self.ck
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                np.dot(self.w2, cols, out=prod)
                c = valid.copy()
                c /= self.ck
            finite(c)
        r = np.maximum(c, self.zero)
        p1 = _pool_max(r, pools[0], self.g[0])
        p2 = _pool_max(p1, pools[1], self.g[1])
        vec = p2.reshape(-1)
        scores = ((vec if self.vdtype is None else vec.astype(self.vdtype)) @ self.vwt).tolist()
        names = self.names
        res = _new(PipelineResult)
        # PipelineResult(...) without the frozen dataclass's one object.__setattr__ per field
        # (its __init__ does nothing else); the lean path's tests check every field, in order
        res.__dict__.update(
            image=img, features=dict(self.features), conv=dict(zip(names, c)),
            relu=dict(zip(names, r)), pool=dict(zip(names, p1)), pool2=dict(zip(names, p2)),
            vector=vec, votes=dict(zip(self.vnames, scores)),
            # predict(): the first of the highest votes (list.index finds the first)
            prediction=self.vnames[scores.index(max(scores))])
        return res


_new = object.__new__
_MAX = np.maximum.reduce


def _pool_layout(g, pads, maps):
    """The taps of a max pooling of ``maps`` (channels, *spatial) with geometry ``g`` over a
    buffer padded with -inf to hold every window whole, or None when that buffer would be much
    larger than the maps (a huge window: :func:`_separable` clips it instead)."""
    if g.nd != 2 or any(p != (0, 0) for p in pads) or any(d != 1 for d in g.dilation):
        return None
    size = tuple(max(n, (m - 1) * s + k) for n, m, s, k in zip(maps[1:], g.out_shape,
                                                               g.stride, g.kernel))
    if size[0] * size[1] > 4 * maps[1] * maps[2] + 64:
        return None
    taps = tuple([slice(j, j + s * (m - 1) + 1, s) for j in range(k)]
                 for m, s, k in zip(g.out_shape, g.stride, g.kernel))
    return maps, size, taps, g.out_shape


def _pool_max(x: np.ndarray, bufs, geometry) -> np.ndarray:
    """Max pooling of the maps ``x`` (channels, *spatial) into a new array: rows first, then
    columns, each window's taps in order (as :func:`_separable` takes them)."""
    if bufs is None:
        return _separable(x[None], *geometry, "max")[0]
    inner, rows, tmp, cols = bufs
    np.copyto(inner, x)
    if len(rows) == 2 == len(cols):  # the lecture's 2x2 windows
        np.maximum(rows[0], rows[1], out=tmp)
        return np.maximum(cols[0], cols[1])
    if len(rows) == 1:
        np.copyto(tmp, rows[0])
    else:
        np.maximum(rows[0], rows[1], out=tmp)
        for v in rows[2:]:
            np.maximum(tmp, v, out=tmp)
    if len(cols) == 1:
        return cols[0].copy()
    out = np.maximum(cols[0], cols[1])
    for v in cols[2:]:
        np.maximum(out, v, out=out)
    return out


def _image(image) -> np.ndarray:
    img = _as_float(image, "image")
    if img.ndim != 2:
        raise EngineError(f"the image must be a 2-D matrix, got {img.ndim} axes")
    return img


def _run(img, names, w, strong, votes, vector_length, pool_window, pool_stride):
    """The network on a checked image; ``votes`` is ``vote_weights(strong, vector_length)`` when
    made beforehand (else the vote layer checks ``strong`` on this call, as :func:`vote` does)."""
    with np.errstate(over="ignore", invalid="ignore"):
        c = finite(conv(img[None, None], w, mode="mean"))
    r = relu(c)
    p1 = max_pool(r, pool_window, pool_stride, ceil_mode=True)
    p2 = max_pool(p1, pool_window, pool_stride, ceil_mode=True)
    vec = p2.reshape(-1)
    if vector_length is not None and vec.size != vector_length:
        raise EngineError(
            f"the vote layer needs {vector_length} values, but a {img.shape[0]}x{img.shape[1]} "
            f"image gives {vec.size}; use an image from 7x7 to 10x10")
    if votes is None:
        result = vote(vec, strong)
    else:  # what vote() computes, with the weights made once
        vnames, vw = votes
        scores = dense(vec, vw)
        result = {name: float(s) for name, s in zip(vnames, scores)}

    def per(a):
        return {n: a[0, i] for i, n in enumerate(names)}

    return PipelineResult(img, {n: w[i, 0] for i, n in enumerate(names)}, per(c), per(r), per(p1),
                          per(p2), vec, result, predict(result))
