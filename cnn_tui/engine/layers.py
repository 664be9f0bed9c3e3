"""Small layers, each forward beside its backward: ReLU, flatten, dense, softmax and votes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .shapes import EngineError


def _floats(x) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# --- ReLU -------------------------------------------------------------------------------------
def relu(x) -> np.ndarray:
    """``max(0, x)`` element-wise."""
    x = _floats(x)
    return np.maximum(x, 0, dtype=x.dtype)


def relu_backward(dout, x) -> np.ndarray:
    """Gradient of ReLU: passes ``dout`` where ``x > 0`` (0 at exactly 0, as PyTorch does)."""
    return np.where(np.asarray(x) > 0, dout, 0).astype(np.result_type(dout, float), copy=False)


# --- flatten ----------------------------------------------------------------------------------
def flatten(x) -> np.ndarray:
    """``(N, *rest) -> (N, prod(rest))`` in C (row-major) order."""
    x = np.asarray(x)
    return x.reshape(x.shape[0], -1)


def flatten_backward(dout, x_shape) -> np.ndarray:
    return np.asarray(dout).reshape(x_shape)


# --- dense ------------------------------------------------------------------------------------
def dense(x, w, b=None) -> np.ndarray:
    """Fully connected layer ``y = x @ w.T + b`` with ``x (N, D)``, ``w (M, D)``, ``b (M,)``."""
    x = np.asarray(x)
    w = np.asarray(w)
    if x.shape[-1] != w.shape[1]:
        raise EngineError(f"dense layer expects {w.shape[1]} inputs, got {x.shape[-1]}")
    y = x @ w.T
    if b is not None:
        y = y + np.asarray(b)
    return y


def dense_backward(dout, x, w):
    """Gradients ``(dx, dw, db)`` of :func:`dense`."""
    dout = np.asarray(dout)
    x = np.asarray(x)
    return dout @ np.asarray(w), dout.T @ x, dout.sum(axis=0)


# --- softmax ----------------------------------------------------------------------------------
def softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``."""
    x = _floats(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, y, axis: int = -1) -> np.ndarray:
    """Gradient of softmax given its output ``y``: ``y * (dout - sum(dout * y))``."""
    dout = np.asarray(dout)
    return y * (dout - (dout * y).sum(axis=axis, keepdims=True))


# --- votes ------------------------------------------------------------------------------------
def vote_weights(strong: Mapping[str, Sequence[int]], length: int) -> tuple[list[str], np.ndarray]:
    """The lecture's hand-wired fully connected layer as a weight matrix.

    Each category is connected only to its *strong* positions, with equal weights that sum to 1,
    so its vote is the mean of the inputs at those positions.
    """
    names = list(strong)
    w = np.zeros((len(names), length))
    for row, name in enumerate(names):
        pos = list(strong[name])
        if not pos:
            raise EngineError(f"category {name!r} has no strong positions")
        if min(pos) < 0 or max(pos) >= length:
            raise EngineError(f"category {name!r} has a position outside 0..{length - 1}")
        w[row, pos] = 1.0 / len(pos)
    return names, w


def vote(vector, strong: Mapping[str, Sequence[int]]) -> dict[str, float]:
    """Votes per category for one flat vector (see :func:`vote_weights`)."""
    v = np.asarray(vector, dtype=float).reshape(-1)
    names, w = vote_weights(strong, v.size)
    scores = dense(v[None, :], w)[0]
    return {name: float(s) for name, s in zip(names, scores)}


def vote_backward(dout, strong: Mapping[str, Sequence[int]], length: int) -> np.ndarray:
    """Gradient of the votes with respect to the vector, given ``dout`` per category (in order)."""
    _, w = vote_weights(strong, length)
    dx, _, _ = dense_backward(np.asarray(dout, dtype=float)[None, :], np.zeros((1, length)), w)
    return dx[0]


def predict(votes: Mapping[str, float]) -> str:
    """The category with the most votes (the first listed wins a tie)."""
    return max(votes, key=lambda k: votes[k])
