"""Every backward pass against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.engine import (avg_pool, avg_pool_backward, conv, conv_backward, dense,
                            dense_backward, flatten, flatten_backward, max_pool,
                            max_pool_backward, relu, relu_backward, softmax, softmax_backward,
                            vote, vote_backward)

EPS = 1e-6


def numeric_grad(f, a, dout):
    """d(sum(f(a) * dout))/da by central differences, one element at a time."""
    g = np.zeros_like(a)
    it = np.nditer(a, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = a[i]
        a[i] = old + EPS
        plus = np.sum(f(a) * dout)
        a[i] = old - EPS
        minus = np.sum(f(a) * dout)
        a[i] = old
        g[i] = (plus - minus) / (2 * EPS)
    return g


CONV_CASES = [
    dict(x=(2, 3, 6, 5), w=(4, 3, 3, 2)),
    dict(x=(1, 2, 7, 7), w=(2, 2, 3, 3), stride=2, padding=1, pad_value=0.5),
    dict(x=(2, 1, 8, 6), w=(3, 1, 2, 3), stride=(2, 1), padding=((2, 0), (1, 2)), dilation=(2, 1)),
    dict(x=(1, 2, 9, 9), w=(3, 2, 3, 3), mode="mean", stride=3, padding=1, dilation=2),
    dict(x=(2, 2, 10), w=(3, 2, 3), stride=2, padding=(1, 2), dilation=3),
    dict(x=(1, 2, 4, 5, 4), w=(2, 2, 2, 3, 2), stride=(1, 2, 1), padding=1, mode="mean"),
    dict(x=(2, 1, 5, 4, 5), w=(1, 1, 2, 2, 2), dilation=2, stride=2, padding=((1, 0), 0, (0, 1))),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_backward(case):
    rng = np.random.default_rng(1)
    kw = {k: v for k, v in case.items() if k not in ("x", "w")}
    x = rng.normal(size=case["x"])
    w = rng.normal(size=case["w"])
    b = rng.normal(size=case["w"][0])
    y = conv(x, w, b, **kw)
    dout = rng.normal(size=y.shape)
    dx, dw, db = conv_backward(dout, x, w, **kw)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    np.testing.assert_allclose(dx, numeric_grad(lambda a: conv(a, w, b, **kw), x, dout),
                               rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dw, numeric_grad(lambda a: conv(x, a, b, **kw), w, dout),
                               rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, numeric_grad(lambda a: conv(x, w, a, **kw), b, dout),
                               rtol=1e-6, atol=1e-7)


def _distinct(rng, shape):
    """Values far apart so that no finite-difference step changes which cell is the maximum."""
    n = int(np.prod(shape))
    return rng.permutation(n).reshape(shape).astype(float) * 0.1 + rng.uniform(-0.01, 0.01, shape)


POOL_CASES = [
    dict(x=(2, 2, 6, 6), kernel=2),
    dict(x=(1, 2, 7, 7), kernel=2, stride=2, ceil_mode=True),
    dict(x=(1, 1, 7, 8), kernel=3, stride=2, padding=1, ceil_mode=True),
    dict(x=(2, 1, 9, 7), kernel=(3, 2), stride=(1, 2), padding=((1, 0), (1, 1))),
    dict(x=(2, 3, 11), kernel=3, stride=2, ceil_mode=True),
    dict(x=(1, 2, 5, 4, 5), kernel=2, stride=(2, 1, 2), ceil_mode=True),
    dict(x=(1, 1, 8, 8), kernel=2, stride=2, dilation=2),
]


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_backward(case):
    rng = np.random.default_rng(2)
    kw = {k: v for k, v in case.items() if k != "x"}
    x = _distinct(rng, case["x"])
    y = max_pool(x, **kw)
    dout = rng.normal(size=y.shape)
    dx = max_pool_backward(dout, x, **kw)
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, numeric_grad(lambda a: max_pool(a, **kw), x, dout),
                               rtol=1e-6, atol=1e-7)
    # every output's gradient lands somewhere: the sums agree
    assert dx.sum() == pytest.approx(dout.sum())


@pytest.mark.parametrize("case", POOL_CASES)
def test_avg_pool_backward(case):
    rng = np.random.default_rng(3)
    kw = {k: v for k, v in case.items() if k != "x"}
    x = rng.normal(size=case["x"])
    y = avg_pool(x, **kw)
    dout = rng.normal(size=y.shape)
    dx = avg_pool_backward(dout, x, **kw)
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, numeric_grad(lambda a: avg_pool(a, **kw), x, dout),
                               rtol=1e-6, atol=1e-7)


def test_max_pool_backward_tie_goes_to_first():
    x = np.ones((1, 1, 2, 2))
    dx = max_pool_backward(np.array([[[[3.0]]]]), x, 2)
    np.testing.assert_array_equal(dx, [[[[3.0, 0.0], [0.0, 0.0]]]])


def test_relu_backward():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 4, 5))
    x[np.abs(x) < 0.05] = 0.5  # stay away from the kink
    dout = rng.normal(size=x.shape)
    np.testing.assert_allclose(relu_backward(dout, x), numeric_grad(relu, x, dout), atol=1e-8)
    assert relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0])).tolist() == [0, 0, 1]


def test_dense_backward():
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(4, 6)), rng.normal(size=(3, 6)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    dx, dw, db = dense_backward(dout, x, w)
    np.testing.assert_allclose(dx, numeric_grad(lambda a: dense(a, w, b), x, dout), rtol=1e-6)
    np.testing.assert_allclose(dw, numeric_grad(lambda a: dense(x, a, b), w, dout), rtol=1e-6)
    np.testing.assert_allclose(db, numeric_grad(lambda a: dense(x, w, a), b, dout), rtol=1e-6)


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_backward(axis):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 5))
    dout = rng.normal(size=x.shape)
    y = softmax(x, axis=axis)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0)
    np.testing.assert_allclose(softmax_backward(dout, y, axis=axis),
                               numeric_grad(lambda a: softmax(a, axis=axis), x, dout),
                               rtol=1e-6, atol=1e-9)


def test_softmax_is_stable():
    y = softmax(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(y, [0.5, 0.5, 0.0])


def test_flatten_backward():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 4))
    dout = rng.normal(size=(2, 12))
    assert flatten(x).shape == (2, 12)
    np.testing.assert_allclose(flatten_backward(dout, x.shape),
                               numeric_grad(flatten, x, dout), rtol=1e-6)


def test_vote_backward():
    rng = np.random.default_rng(8)
    strong = {"X": [0, 3, 4, 9, 10], "O": [1, 2, 8, 11]}
    v = rng.uniform(size=12)
    dout = rng.normal(size=2)

    def f(a):
        votes = vote(a, strong)
        return np.array([votes["X"], votes["O"]])

    np.testing.assert_allclose(vote_backward(dout, strong, 12), numeric_grad(f, v, dout),
                               rtol=1e-6, atol=1e-9)
