"""Softmax cross-entropy, the loss of a classifier, computed stably with log-sum-exp.

``logits`` are ``(N, classes)`` scores and ``labels`` ``N`` whole numbers in ``0..classes-1``. The
loss is the mean over the batch of ``-log softmax(logits)[label]`` (PyTorch's
``nn.CrossEntropyLoss()`` with its default ``reduction="mean"``). Subtracting each row's maximum
before ``exp`` keeps every exponent at most 0, so huge logits neither overflow nor give NaN.

Everything is computed in the logits' floating dtype (whole numbers count as float64); the loss
comes back as a Python ``float`` and its gradient in the logits' dtype. Errors are
:class:`~cnn_tui.engine.shapes.EngineError` with one sentence.
"""

from __future__ import annotations

import numpy as np

from .shapes import EngineError


def check_logits(logits) -> np.ndarray:
    """``logits`` as a floating ``(N, classes)`` array with ``N`` and ``classes`` at least 1."""
    z = np.asarray(logits)
    if z.dtype.kind not in "fiub":
        raise EngineError("the logits must be numbers")
    if z.ndim != 2 or z.shape[0] < 1 or z.shape[1] < 1:
        raise EngineError(f"the logits must be a non-empty (N, classes) array, got shape "
                          f"{z.shape}")
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def check_labels(labels, n: int, classes: int) -> np.ndarray:
    """``labels`` as ``n`` integer class indices in ``0..classes-1``, or a clear error.

    Labels must be whole numbers given as integers (``[0, 1, 1]`` or an integer array); floats
    and booleans are refused rather than rounded or read as 0 and 1.
    """
    y = np.asarray(labels)
    if y.dtype.kind not in "iu":
        raise EngineError(f"the labels must be whole numbers (class indices), got {y.dtype} "
                          f"values")
    if y.shape != (n,):
        raise EngineError(f"there must be one label per example: expected shape ({n},), got "
                          f"{y.shape}")
    if n and (y.min() < 0 or y.max() >= classes):
        raise EngineError(f"every label must be a class index from 0 to {classes - 1}, got "
                          f"{int(y.min()) if y.min() < 0 else int(y.max())}")
    return y.astype(np.intp, copy=False)


def log_softmax(logits) -> np.ndarray:
    """``log(softmax(logits))`` of each row, stably: ``z - max - log(sum(exp(z - max)))``."""
    z = check_logits(logits)
    return _log_softmax(z)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(logits, labels) -> float:
    """Mean softmax cross-entropy of a batch (see :func:`softmax_cross_entropy`)."""
    return softmax_cross_entropy(logits, labels)[0]


def softmax_cross_entropy(logits, labels) -> tuple[float, np.ndarray]:
    """The mean loss ``-mean(log softmax(logits)[i, labels[i]])`` and its gradient.

    The gradient with respect to the logits is ``(softmax(logits) - onehot(labels)) / N``, in the
    logits' dtype.
    """
    z = check_logits(logits)
    n, classes = z.shape
    y = check_labels(labels, n, classes)
    return _softmax_cross_entropy(z, y)


def _softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss and gradient for checked logits ``z`` and labels ``y`` (no validation)."""
    n = z.shape[0]
    rows = np.arange(n)
    logp = _log_softmax(z)
    loss = -float(logp[rows, y].sum(dtype=z.dtype)) / n
    grad = np.exp(logp)
    grad[rows, y] -= 1
    grad /= n
    return loss, grad
