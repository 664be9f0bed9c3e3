"""The lecture's whole network: conv (mean) -> ReLU -> max pool -> max pool -> 12 values -> votes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .conv import _as_float, conv, finite
from .layers import predict, relu, vote
from .pool import max_pool
from .shapes import EngineError


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
    img = _as_float(image, "image")
    if img.ndim != 2:
        raise EngineError(f"the image must be a 2-D matrix, got {img.ndim} axes")
    names = list(features)
    w = np.stack([_as_float(features[n], f"feature {n!r}") for n in names])[:, None]
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
    votes = vote(vec, strong)

    def per(a):
        return {n: a[0, i] for i, n in enumerate(names)}

    return PipelineResult(img, {n: w[i, 0] for i, n in enumerate(names)}, per(c), per(r), per(p1),
                          per(p2), vec, votes, predict(votes))
