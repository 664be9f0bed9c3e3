"""The lecture's whole network: conv (mean) -> ReLU -> max pool -> max pool -> 12 values -> votes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .conv import _as_float, conv, finite
from .conv import _check as _conv_check
from .conv import _forward as _conv_forward
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
    names = list(features)
    w = np.stack([_as_float(features[n], f"feature {n!r}") for n in names])[:, None]
    return _run(img, names, w, strong, None, vector_length, pool_window, pool_stride)


class Pipeline:
    """:func:`run_pipeline` with its features and vote wiring checked and laid out once (the
    lecture's network runs on every key press): ``Pipeline(features, strong, ...).run(image)``
    gives what ``run_pipeline(image, features, strong, ...)`` does, value for value.

    The features are copied when made (read-only), so later changes to the mapping or its
    arrays do not reach a pipeline already made.
    """

    def __init__(self, features: Mapping[str, np.ndarray], strong: Mapping[str, Sequence[int]],
                 vector_length: int | None = None, pool_window: int = 2, pool_stride: int = 2):
        self.names = list(features)
        w = np.stack([_as_float(features[n], f"feature {n!r}") for n in self.names])[:, None]
        w.flags.writeable = False
        self.w = w
        self.strong = strong
        self.vector_length = vector_length
        self.pool_window, self.pool_stride = pool_window, pool_stride
        self.votes = None
        if vector_length is not None:
            self.votes = vote_weights(self.strong, vector_length)
            self.votes[1].flags.writeable = False
        self._layouts: dict = {}  # (image shape, dtype) -> what _lean needs, once checked

    def run(self, image) -> PipelineResult:
        img = _image(image)
        layout = self._layouts.get((img.shape, img.dtype))
        if layout is None or self.votes is None:
            # the first picture of this shape: every layer checks its input, with its errors
            res = _run(img, self.names, self.w, self.strong, self.votes, self.vector_length,
                       self.pool_window, self.pool_stride)
            if self.votes is not None:
                self._layouts[(img.shape, img.dtype)] = self._layout(img, res)
            return res
        return self._lean(img, layout)

    def _layout(self, img, res):
        """The checked geometries of every layer for pictures like ``img`` (found by the
        layers' own checks, which have just passed on it)."""
        x4 = img[None, None]
        _, w, g, _ = _conv_check(x4, self.w, 1, 0, 1)
        r = res.relu[self.names[0]][None, None]
        _, _, g1, pads1 = _pool_prepare(np.broadcast_to(r, (1, len(self.names)) + r.shape[2:]),
                                        self.pool_window, self.pool_stride, 0, True, 1)
        p1 = res.pool[self.names[0]][None, None]
        _, _, g2, pads2 = _pool_prepare(np.broadcast_to(p1, (1, len(self.names)) + p1.shape[2:]),
                                        self.pool_window, self.pool_stride, 0, True, 1)
        vw = self.votes[1]
        vdtype = float_dtype(w.dtype, vw.dtype)  # as dense() does it (vec has w's dtype)
        return (w.dtype, w.reshape(w.shape[0], -1), g, g1, pads1, g2, pads2,
                vw.astype(vdtype, copy=False).T, vdtype)

    def _lean(self, img, layout) -> PipelineResult:
        """:func:`_run` on a checked picture whose shape has been through it: the same
        operations on the same arrays, without checking again what cannot have changed."""
        dtype, w2, g, g1, pads1, g2, pads2, vwt, vdtype = layout
        with np.errstate(over="ignore", invalid="ignore"):
            c = _conv_forward(img[None, None].astype(dtype, copy=False), w2, g)
            c /= w2.shape[1]
        finite(c)
        r = np.maximum(c, 0, dtype=c.dtype)
        p1 = _separable(r, g1, pads1, "max")
        p2 = _separable(p1, g2, pads2, "max")
        vec = p2.reshape(-1)
        scores = vec.astype(vdtype, copy=False) @ vwt
        result = {name: float(s) for name, s in zip(self.votes[0], scores)}
        names, w = self.names, self.w

        def per(a):
            return {n: a[0, i] for i, n in enumerate(names)}

        return PipelineResult(img, {n: w[i, 0] for i, n in enumerate(names)}, per(c), per(r),
                              per(p1), per(p2), vec, result, predict(result))


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
