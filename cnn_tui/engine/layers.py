"""Small layers, each forward beside its backward: ReLU, flatten, dense, softmax and votes.

Every backward refuses a ``dout`` whose shape is not exactly the forward output's (NumPy would
otherwise broadcast it silently) and answers in the dtype of the array it is the gradient of: a
float32 input gets a float32 gradient. Whole-number inputs are treated as float64.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .shapes import EngineError, _whole, check_dout, float_dtype


def _floats(x, name: str = "input") -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise EngineError(f"the {name} must be numeric")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _axis(axis, ndim: int, what: str) -> int:
    """``axis`` as a non-negative index into ``ndim`` axes, or a clear error.

    An axis is a whole number (``1``, ``-1``, ``np.int64(1)`` or ``1.0``, as stride and window
    sizes may be); ``1.5``, ``"1"``, ``True`` or a list is refused, never rounded or parsed.
    """
    try:
        if isinstance(axis, (bool, np.bool_)):
            raise TypeError
        a = _whole(axis, what)
    except (TypeError, EngineError):
        raise EngineError(f"{what} takes one axis (a whole number), got {axis!r}") from None
    if not -ndim <= a < ndim:
        raise EngineError(f"{what} along axis {a}, but the array has {ndim} axes")
    return a % ndim


# --- ReLU -------------------------------------------------------------------------------------
def relu(x) -> np.ndarray:
    """``max(0, x)`` element-wise, in ``x``'s floating dtype."""
    x = _floats(x)
    return np.maximum(x, 0, dtype=x.dtype)


def relu_backward(dout, x) -> np.ndarray:
    """Gradient of ReLU: passes ``dout`` where ``x > 0`` (0 at exactly 0, as PyTorch does).

    ``dout`` must have ``x``'s shape; the gradient has ``x``'s floating dtype.
    """
    x = _floats(x)
    dout = check_dout(dout, x.shape, x.dtype)
    return np.where(x > 0, dout, x.dtype.type(0))


# --- flatten ----------------------------------------------------------------------------------
def flatten(x) -> np.ndarray:
    """``(N, *rest) -> (N, prod(rest))`` in C (row-major) order; keeps the dtype.

    Zero-size arrays flatten too: ``(0, 3, 2) -> (0, 6)`` and ``(2, 0) -> (2, 0)``.
    """
    x = np.asarray(x)
    if x.ndim == 0:
        raise EngineError("flatten needs a batch axis: an array of shape (N, ...)")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def flatten_backward(dout, x_shape) -> np.ndarray:
    """Gradient of :func:`flatten`: ``dout`` of shape ``(N, prod(rest))`` back to ``x_shape``.

    Flatten keeps dtypes, so the gradient keeps ``dout``'s (whole numbers become float64).
    """
    x_shape = tuple(int(n) for n in x_shape)
    if not x_shape:
        raise EngineError("flatten needs a batch axis: an array of shape (N, ...)")
    dout = _floats(dout, "dout")
    dout = check_dout(dout, (x_shape[0], math.prod(x_shape[1:])), dout.dtype)
    return dout.reshape(x_shape)


# --- dense ------------------------------------------------------------------------------------
def _dense_check(x, w):
    x = _floats(x)
    w = _floats(w, "weights")
    if w.ndim != 2:
        raise EngineError(f"the dense weights must be a matrix (M outputs, D inputs), got "
                          f"{w.ndim} axes")
    if x.ndim == 0:
        raise EngineError("the dense input must be a vector (D,) or rows (..., D), not a number")
    if x.shape[-1] != w.shape[1]:
        raise EngineError(f"dense layer expects {w.shape[1]} inputs, got {x.shape[-1]}")
    return x, w, float_dtype(x.dtype, w.dtype)


def dense(x, w, b=None) -> np.ndarray:
    """Fully connected layer ``y = x @ w.T + b`` with ``w (M, D)`` and ``b (M,)``.

    ``x`` is one vector ``(D,)`` (giving ``(M,)``) or rows with any leading axes ``(..., D)``
    (giving ``(..., M)``). The result's dtype is NumPy's promotion of ``x``'s and ``w``'s dtypes, a
    whole-number array counting as float64 (float32 rows with float64 weights give float64);
    ``b`` is converted to it.
    """
    x, w, dtype = _dense_check(x, w)
    y = x.astype(dtype, copy=False) @ w.astype(dtype, copy=False).T
    if b is not None:
        y = y + _dense_bias(b, w.shape[0]).astype(dtype, copy=False)
    return y


def _dense_bias(b, m: int) -> np.ndarray:
    """The bias as a floating array of shape ``(M,)`` (whole numbers become float64)."""
    b = _floats(b, "bias")
    if b.shape != (m,):
        raise EngineError(f"the bias needs one value per output ({m}), got shape {b.shape}")
    return b


def dense_backward(dout, x, w, b=None):
    """Gradients ``(dx, dw, db)`` of :func:`dense` for every shape it accepts (zero rows, zero
    outputs or zero inputs included).

    ``dout`` must have the output's shape, ``x.shape[:-1] + (M,)``; ``dw`` and ``db`` sum over
    every leading axis of ``x``. ``b`` is the forward's bias, if it had one: only its dtype and
    shape ``(M,)`` are used. Every gradient comes back in the dtype of the array it belongs to:
    ``dx`` in ``x``'s floating dtype, ``dw`` in ``w``'s and ``db`` in ``b``'s (the forward's
    without a bias).
    """
    x, w, dtype = _dense_check(x, w)
    m, d = w.shape
    b_dtype = dtype if b is None else _dense_bias(b, m).dtype
    dout = check_dout(dout, x.shape[:-1] + (m,), dtype)
    xc = x.astype(dtype, copy=False)
    wc = w.astype(dtype, copy=False)
    dx = dout @ wc
    n = math.prod(x.shape[:-1])  # explicit sizes: reshape(-1, 0) is ambiguous
    rows = dout.reshape(n, m)
    dw = rows.T @ xc.reshape(n, d)
    db = rows.sum(axis=0)
    return (dx.astype(x.dtype, copy=False), dw.astype(w.dtype, copy=False),
            db.astype(b_dtype, copy=False))


# --- softmax ----------------------------------------------------------------------------------
def softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``, in ``x``'s floating dtype.

    A zero-size array gives a zero-size result of the same shape.
    """
    x = _floats(x)
    axis = _axis(axis, x.ndim, "softmax")
    if x.size == 0:
        return np.empty(x.shape, dtype=x.dtype)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, y, axis: int = -1) -> np.ndarray:
    """Gradient of softmax given its output ``y``: ``y * (dout - sum(dout * y))``.

    ``dout`` must have ``y``'s shape; the gradient has ``y``'s floating dtype.
    """
    y = _floats(y, "softmax output")
    axis = _axis(axis, y.ndim, "softmax")
    dout = check_dout(dout, y.shape, y.dtype)
    return y * (dout - (dout * y).sum(axis=axis, keepdims=True))


# --- votes ------------------------------------------------------------------------------------
def vote_weights(strong: Mapping[str, Sequence[int]], length: int) -> tuple[list[str], np.ndarray]:
    """The lecture's hand-wired fully connected layer as a weight matrix.

    Each category is connected only to its *strong* positions, with equal weights that sum to 1,
    so its vote is the mean of the inputs at those positions. A position is one connection: a
    category that lists the same position twice is refused (:class:`EngineError`).
    """
    names = list(strong)
    w = np.zeros((len(names), length))
    for row, name in enumerate(names):
        try:
            pos = [_whole(p, f"the positions of category {name!r}") for p in strong[name]]
        except TypeError:
            raise EngineError(f"category {name!r} needs a list of positions") from None
        if not pos:
            raise EngineError(f"category {name!r} has no strong positions")
        if min(pos) < 0 or max(pos) >= length:
            raise EngineError(f"category {name!r} has a position outside 0..{length - 1}")
        if len(set(pos)) != len(pos):
            twice = next(p for i, p in enumerate(pos) if p in pos[:i])
            raise EngineError(f"category {name!r} lists position {twice} more than once; each "
                              f"strong position is one connection")
        w[row, pos] = 1.0 / len(pos)
    return names, w


def vote(vector, strong: Mapping[str, Sequence[int]]) -> dict[str, float]:
    """Votes per category for one flat vector (see :func:`vote_weights`).

    Each vote is the mean of the vector's values at the category's strong positions; a position
    listed twice is refused, never counted twice.
    """
    v = _floats(vector, "vector").reshape(-1)
    names, w = vote_weights(strong, v.size)
    scores = dense(v, w)
    return {name: float(s) for name, s in zip(names, scores)}


def vote_backward(dout, strong: Mapping[str, Sequence[int]], length: int) -> np.ndarray:
    """Gradient of the votes with respect to the vector, given ``dout`` per category (in order).

    ``dout`` must hold exactly one value per category. The vote layer has no input array to
    follow, so the gradient takes ``dout``'s floating dtype (whole numbers give float64).
    """
    names, w = vote_weights(strong, length)
    dout = _floats(dout, "dout")
    dout = check_dout(dout, (len(names),), dout.dtype)
    return dout @ w.astype(dout.dtype)


def predict(votes: Mapping[str, float]) -> str:
    """The category with the most votes (the first listed wins a tie)."""
    return max(votes, key=lambda k: votes[k])
