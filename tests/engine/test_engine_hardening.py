"""The edges an outside comparison with PyTorch found, each against a plain loop or a hand value.

Ceil-mode windows larger than the input, dtypes of every backward and of mixed inputs, zero-size
arrays, wrongly shaped gradients, repeated vote positions, dense layers of every shape and the
cell cap with and without padding.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_tui.engine import (EngineError, avg_pool, avg_pool_backward, conv, conv_backward,
                            conv_single, conv_trace, dense, dense_backward, flatten,
                            flatten_backward, max_pool, max_pool_backward, pool, pool_output_size,
                            pool_single, pool_trace, relu, relu_backward, run_pipeline, softmax,
                            softmax_backward, vote, vote_backward, vote_weights)
from cnn_tui.engine.shapes import MAX_CELLS

from reference import (pool_out_size, ref_conv, ref_dense, ref_dense_backward, ref_pool,
                       ref_pool_backward)

F32, F64 = np.float32, np.float64


# --- ceil mode: a window hanging over the edge is a partial window -----------------------------
@pytest.mark.parametrize("n,k,s,p,d,want", [
    # by hand from PyTorch's rule: ceil((n + 2p - d(k-1) - 1) / s) + 1, minus one if the last
    # window would start past the input and its leading padding
    (1, 2, 2, 0, 1, 1),   # ceil(-1/2) + 1 = 1: one window, one real pixel
    (1, 3, 3, 0, 1, 1),   # ceil(-2/3) + 1 = 1
    (5, 7, 3, 0, 1, 1),   # ceil(-2/3) + 1 = 1
    (5, 7, 7, 0, 1, 1),
    (2, 2, 2, 0, 2, 1),   # dilated span 3 over 2 pixels: ceil(-1/2) + 1 = 1
    (1, 2, 3, 0, 2, 1),   # span 3 over 1 pixel: ceil(-2/3) + 1 = 1
    (1, 2, 2, 1, 1, 1),   # ceil(1/2) + 1 = 2, the second would start in the right padding: 1
    (2, 3, 2, 1, 1, 2),   # ceil(1/2) + 1 = 2, the second starts on pixel 1
    (7, 2, 2, 0, 1, 4),   # the lecture's 7 -> 4
])
def test_ceil_output_size_when_the_window_is_larger_by_hand(n, k, s, p, d, want):
    assert pool_output_size(n, k, s, p, p, d, ceil_mode=True) == want
    assert pool_out_size(n, k, s, p, p, True, d) == want


@pytest.mark.parametrize("n,k,s,d", [
    (1, 3, 1, 1),   # ceil(-2/1) + 1 = -1: PyTorch refuses too
    (1, 3, 2, 1),   # ceil(-2/2) + 1 = 0
    (5, 7, 2, 1),   # ceil(-2/2) + 1 = 0
    (1, 2, 2, 2),   # dilated span 3 over 1 pixel: ceil(-2/2) + 1 = 0
])
def test_ceil_mode_refuses_an_overhang_of_a_whole_stride(n, k, s, d):
    with pytest.raises(EngineError, match="overhangs the padded input"):
        pool_output_size(n, k, s, dilation=d, ceil_mode=True)
    x = np.ones((1, 1, n))
    with pytest.raises(EngineError, match="overhangs the padded input"):
        max_pool(x, k, s, ceil_mode=True, dilation=d)
    with pytest.raises(EngineError, match="larger than the padded input"):
        max_pool(x, k, s, ceil_mode=False, dilation=d)


def test_one_pixel_pooled_by_a_larger_window_by_hand():
    x = np.array([[[[5.0]]]])
    for f in (max_pool, avg_pool):
        y = f(x, 2, ceil_mode=True)
        assert y.shape == (1, 1, 1, 1) and y[0, 0, 0, 0] == 5.0
    assert pool_single(np.array([[3.0]]), "avg", 2, ceil_mode=True).tolist() == [[3.0]]
    assert pool_single(np.array([[3.0]]), "max", 3, ceil_mode=True).tolist() == [[3.0]]
    # a 2x3 map, 4x4 window with stride 4: one window holding all six pixels
    m = np.array([[1.0, 6.0, 2.0], [4.0, 3.0, 5.0]])
    assert pool_single(m, "max", 4, ceil_mode=True).tolist() == [[6.0]]
    assert pool_single(m, "avg", 4, ceil_mode=True).tolist() == [[21.0 / 6]]
    t = pool_trace(m, (0, 0), "avg", 4, ceil_mode=True)
    assert t.count == 6 and t.value == 21.0 / 6 and t.in_input.sum() == 6


def test_dilated_and_padded_partial_windows_by_hand():
    # [1, 7], window 2 with dilation 2 and stride 2: one window, taps 0 and 2 -> pixel 0 only
    assert pool_single(np.array([1.0, 7.0]), "max", 2, 2, ceil_mode=True,
                       dilation=2).tolist() == [1.0]
    # [4, 9, 2], window 2 with dilation 3, stride 3: taps 0 and 3 -> pixel 0 only
    assert pool_single(np.array([4.0, 9.0, 2.0]), "max", 2, 3, ceil_mode=True,
                       dilation=3).tolist() == [4.0]
    # [8], window 2, stride 2, padding 1: one window, taps -1 (padding) and 0
    assert pool_single(np.array([8.0]), "avg", 2, 2, padding=1, ceil_mode=True).tolist() == [8.0]
    # [0, 1], window 3, stride 2, padding 1: windows over -1..1 and 1..3
    assert pool_single(np.array([0.0, 1.0]), "max", 3, 2, padding=1,
                       ceil_mode=True).tolist() == [1.0, 1.0]
    assert pool_single(np.array([0.0, 1.0]), "avg", 3, 2, padding=1,
                       ceil_mode=True).tolist() == [0.5, 1.0]


@st.composite
def small_pool_cases(draw):
    """Any window over any input, the window often larger than the (padded) input."""
    nd = draw(st.integers(1, 2))
    lead = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    k, s, d, pads, size = [], [], [], [], []
    for _ in range(nd):
        kk = draw(st.integers(1, 4))
        k.append(kk), s.append(draw(st.integers(1, 4))), d.append(draw(st.integers(1, 3)))
        pb, pa = draw(st.integers(0, kk // 2)), draw(st.integers(0, kk // 2))
        pads.append((pb, pa)), size.append(draw(st.integers(1, 5)))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).permutation(int(np.prod(lead + tuple(size))))
    x = x.reshape(lead + tuple(size)).astype(float) - 10.0  # distinct: no ties in a max
    return x, tuple(k), tuple(s), tuple(d), tuple(pads), draw(st.booleans()), seed


@given(small_pool_cases(), st.sampled_from(["max", "avg"]))
def test_pool_and_backward_match_the_loop_reference_for_any_window(case, op):
    x, k, s, d, pads, ceil, seed = case
    want = ref_pool(x, op, k, s, pads, ceil, d)
    kw = dict(kernel=k, stride=s, padding=pads, ceil_mode=ceil, dilation=d)
    if want is None:  # no window at all, or a window without a real pixel
        with pytest.raises(EngineError):
            pool(x, op, **kw)
        return
    got = pool(x, op, **kw)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    dout = np.random.default_rng(seed + 1).integers(-3, 4, size=want.shape).astype(float)
    back = max_pool_backward if op == "max" else avg_pool_backward
    np.testing.assert_allclose(back(dout, x, **kw), ref_pool_backward(dout, x, op, k, s, pads, d),
                               rtol=1e-12, atol=1e-12)


# --- dtypes --------------------------------------------------------------------------------------
def test_every_backward_keeps_float32():
    x = np.array([[[[-1.0, 2.0], [3.0, 0.0]]]], dtype=F32)
    w = np.array([[[[1.0]]]], dtype=F32)
    dx, dw, db = conv_backward(np.ones((1, 1, 2, 2), F32), x, w)
    assert (dx.dtype, dw.dtype, db.dtype) == (F32, F32, F32)
    # dL/dx = w = 1 everywhere, dL/dw = sum(x) = 4, dL/db = 4 cells
    assert dx.tolist() == [[[[1, 1], [1, 1]]]] and dw.item() == 4.0 and db.tolist() == [4.0]
    g = max_pool_backward(np.array([[[[5.0]]]], F32), x, 2)
    assert g.dtype == F32 and g.tolist() == [[[[0, 0], [5, 0]]]]
    g = avg_pool_backward(np.array([[[[4.0]]]], F32), x, 2)
    assert g.dtype == F32 and g.tolist() == [[[[1, 1], [1, 1]]]]
    g = relu_backward(np.ones(3, F32), np.array([-1.0, 0.0, 2.0], F32))
    assert g.dtype == F32 and g.tolist() == [0, 0, 1]
    rows = np.array([[1.0, 2.0]], F32)
    dx, dw, db = dense_backward(np.array([[1.0, 10.0]], F32), rows, np.ones((2, 2), F32))
    assert (dx.dtype, dw.dtype, db.dtype) == (F32, F32, F32)
    assert dx.tolist() == [[11, 11]] and dw.tolist() == [[1, 2], [10, 20]] and db.tolist() == [1, 10]
    g = flatten_backward(np.arange(4, dtype=F32).reshape(1, 4), (1, 2, 2))
    assert g.dtype == F32 and g.tolist() == [[[0, 1], [2, 3]]]
    y = np.array([0.25, 0.75], F32)
    g = softmax_backward(np.array([1.0, 0.0], F32), y)
    # y * (dout - y.dout) = [0.25 * 0.75, 0.75 * -0.25]
    assert g.dtype == F32 and g.tolist() == [0.1875, -0.1875]
    g = vote_backward(np.array([2.0, 3.0], F32), {"X": [0, 3], "O": [1]}, 4)
    assert g.dtype == F32 and g.tolist() == [1, 3, 0, 1]


def test_a_float64_dout_does_not_widen_a_float32_gradient():
    x32 = np.array([[[[1.0, 2.0], [4.0, 3.0]]]], dtype=F32)
    assert relu_backward(np.ones(2), np.array([1.0, -1.0], F32)).dtype == F32
    assert max_pool_backward(np.ones((1, 1, 1, 1)), x32, 2).dtype == F32
    assert avg_pool_backward(np.ones((1, 1, 1, 1)), x32, 2).dtype == F32
    assert softmax_backward(np.ones(2), np.array([0.5, 0.5], F32)).dtype == F32
    dx, dw, _ = conv_backward(np.ones((1, 1, 2, 2)), x32, np.ones((1, 1, 1, 1), F32))
    assert dx.dtype == F32 and dw.dtype == F32


def test_mixed_dtypes_follow_numpy_promotion():
    rng = np.random.default_rng(3)
    x32 = rng.integers(-4, 5, size=(2, 2, 5, 4)).astype(F32)
    w64 = rng.integers(-3, 4, size=(3, 2, 2, 3)).astype(F64)
    want = ref_conv(x32, w64, (1, 1), ((1, 0), (0, 1)))
    y = conv(x32, w64, padding=((1, 0), (0, 1)))
    assert y.dtype == F64
    np.testing.assert_array_equal(y, want)  # small whole numbers: exact in every dtype
    assert conv(x32.astype(F64), w64.astype(F32)).dtype == F64
    assert conv(x32, w64.astype(F32), b=np.ones(3, F64)).dtype == F32  # the bias follows
    assert conv(x32.astype(int), w64.astype(F32)).dtype == F64  # whole numbers count as float64
    assert conv_single(x32[0, 0], w64[0, 0]).dtype == F64
    # gradients come back in the dtype of the array they belong to
    dout = rng.integers(-2, 3, size=want.shape).astype(F64)
    dx, dw, db = conv_backward(dout, x32, w64, padding=((1, 0), (0, 1)))
    assert (dx.dtype, dw.dtype, db.dtype) == (F32, F64, F64)
    # dense: float32 rows with float64 weights give float64; x @ w.T by loops
    rows = rng.integers(-4, 5, size=(3, 4)).astype(F32)
    wd = rng.integers(-4, 5, size=(2, 4)).astype(F64)
    y = dense(rows, wd)
    assert y.dtype == F64
    np.testing.assert_array_equal(y, ref_dense(rows, wd))
    assert dense(rows, wd.astype(F32), np.ones(2)).dtype == F32
    dx, dw, db = dense_backward(np.ones((3, 2)), rows, wd)
    assert (dx.dtype, dw.dtype, db.dtype) == (F32, F64, F64)
    # pooling has one array: the result has its floating dtype
    assert max_pool(x32, 2).dtype == F32 and avg_pool(x32, 2).dtype == F32
    assert max_pool(x32.astype(int), 2).dtype == F64
    t = conv_trace(x32[0, 0], w64[0, 0], (0, 0))
    assert t.products.dtype == F64


# --- zero-size arrays ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape,flat", [((0, 3, 2), (0, 6)), ((2, 0), (2, 0)), ((0,), (0, 1)),
                                        ((3, 0, 4), (3, 0))])
def test_flatten_of_zero_size_arrays(shape, flat):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        y = flatten(np.zeros(shape, F32))
        assert y.shape == flat and y.dtype == F32
        assert flatten_backward(np.zeros(flat, F32), shape).shape == shape


@pytest.mark.parametrize("shape,axis", [((0,), -1), ((3, 0), -1), ((0, 4), -1), ((0, 4), 0),
                                        ((2, 0, 3), 1)])
def test_softmax_of_zero_size_arrays(shape, axis):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        y = softmax(np.zeros(shape, F32), axis=axis)
        assert y.shape == shape and y.dtype == F32
        g = softmax_backward(np.zeros(shape, F32), y, axis=axis)
        assert g.shape == shape and g.dtype == F32
        assert relu(np.zeros(shape)).shape == shape


# --- wrongly shaped gradients are refused, never broadcast -----------------------------------------
X4 = np.arange(16.0).reshape(1, 1, 4, 4)
W2 = np.ones((1, 1, 2, 2))

BAD_DOUT = {
    "conv_backward, one value": lambda: conv_backward(np.ones((1, 1, 1, 1)), X4, W2),
    "max_pool_backward, one value": lambda: max_pool_backward(np.ones((1, 1, 1, 1)), X4, 2),
    "max_pool_backward, a scalar": lambda: max_pool_backward(1.0, X4, 2),
    "max_pool_backward, a row": lambda: max_pool_backward(np.ones(2), X4, 2),
    "avg_pool_backward, one value": lambda: avg_pool_backward(np.ones((1, 1, 1, 1)), X4, 2),
    "avg_pool_backward, extra axis": lambda: avg_pool_backward(np.ones((2, 1, 1, 2, 2)), X4, 2),
    "relu_backward, a scalar": lambda: relu_backward(1.0, np.ones(3)),
    "relu_backward, one value": lambda: relu_backward(np.ones(1), np.ones(3)),
    "softmax_backward, a column": lambda: softmax_backward(np.ones((3, 1)), np.full((3, 2), 0.5)),
    "dense_backward, one row for four": lambda: dense_backward(np.ones((1, 2)), np.ones((4, 3)),
                                                               np.ones((2, 3))),
    "dense_backward, a vector for rows": lambda: dense_backward(np.ones(2), np.ones((4, 3)),
                                                                np.ones((2, 3))),
    "flatten_backward, wrong count": lambda: flatten_backward(np.ones((2, 5)), (2, 2, 3)),
    "vote_backward, one value for two": lambda: vote_backward(np.ones(1), {"X": [0], "O": [1]}, 2),
    "vote_backward, a scalar": lambda: vote_backward(1.0, {"X": [0], "O": [1]}, 2),
}


@pytest.mark.parametrize("name", list(BAD_DOUT))
def test_a_wrongly_shaped_dout_is_refused(name):
    with pytest.raises(EngineError, match="dout has shape"):
        BAD_DOUT[name]()


# --- votes: a repeated position is refused ---------------------------------------------------------
def test_vote_is_the_mean_of_distinct_positions_by_hand():
    assert vote([1.0, 2.0, 3.0, 4.0], {"X": [0, 3], "O": [1]}) == {"X": 2.5, "O": 2.0}
    assert vote_backward([2.0, 3.0], {"X": [0, 3], "O": [1]}, 4).tolist() == [1.0, 3.0, 0.0, 1.0]


@pytest.mark.parametrize("call", [
    lambda s: vote([1.0, 2.0, 3.0, 4.0], s),
    lambda s: vote_backward([1.0, 1.0], s, 4),
    lambda s: vote_weights(s, 4),
])
def test_a_repeated_vote_position_is_refused(call):
    with pytest.raises(EngineError, match="lists position 3 more than once"):
        call({"X": [0, 3, 3], "O": [1]})
    with pytest.raises(EngineError, match="lists position 1 more than once"):
        call({"X": [0], "O": [1, 2, 1.0]})


# --- dense: every shape it accepts, backward included ----------------------------------------------
def numeric_grad(f, a, dout, eps=1e-6):
    """d(sum(f(a) * dout))/da by central differences."""
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + eps
        plus = np.sum(f(a) * dout)
        a[i] = old - eps
        minus = np.sum(f(a) * dout)
        a[i] = old
        g[i] = (plus - minus) / (2 * eps)
    return g


@pytest.mark.parametrize("x_shape,w_shape", [
    ((4,), (2, 4)), ((3, 4), (2, 4)), ((2, 3, 4), (2, 4)), ((0, 4), (2, 4)),
    ((1, 1, 1, 4), (2, 4)),
    ((3, 5), (0, 5)),   # zero outputs: y is 3x0, dx = dout @ w is 3x5 of zeros
    ((3, 0), (4, 0)),   # zero inputs: y is the bias on every row, dx and dw are empty
    ((2, 3, 0), (4, 0)), ((0,), (2, 0)), ((0, 0), (0, 0)),
])
def test_dense_and_its_backward_for_every_shape(x_shape, w_shape):
    rng = np.random.default_rng(sum(x_shape))
    x = rng.normal(size=x_shape)
    w = rng.normal(size=w_shape)
    b = rng.normal(size=w_shape[0])
    y = dense(x, w, b)
    np.testing.assert_allclose(y, ref_dense(x, w, b), rtol=1e-12, atol=1e-12)
    dout = rng.normal(size=y.shape)
    dx, dw, db = dense_backward(dout, x, w)
    rdx, rdw, rdb = ref_dense_backward(dout, x, w)
    np.testing.assert_allclose(dx, rdx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dw, rdw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db, rdb, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, numeric_grad(lambda a: dense(a, w, b), x, dout), atol=1e-7)
    np.testing.assert_allclose(dw, numeric_grad(lambda a: dense(x, a, b), w, dout), atol=1e-7)
    np.testing.assert_allclose(db, numeric_grad(lambda a: dense(x, w, a), b, dout), atol=1e-7)


def test_dense_one_vector_by_hand():
    assert dense([1.0, 2.0], [[1.0, 1.0], [3.0, -1.0]], [0.5, 0.0]).tolist() == [3.5, 1.0]
    dx, dw, db = dense_backward([1.0, 2.0], [1.0, 2.0], [[1.0, 1.0], [3.0, -1.0]])
    assert dx.tolist() == [7.0, -1.0] and dw.tolist() == [[1.0, 2.0], [2.0, 4.0]]
    assert db.tolist() == [1.0, 2.0]


def test_dense_shape_errors():
    with pytest.raises(EngineError, match="expects 3 inputs, got 2"):
        dense(np.ones(2), np.ones((4, 3)))
    with pytest.raises(EngineError, match="matrix"):
        dense(np.ones(3), np.ones(3))
    with pytest.raises(EngineError, match="one value per output"):
        dense(np.ones(3), np.ones((4, 3)), np.ones(3))


# --- the 50M-cell cap, with or without padding -------------------------------------------------------
# np.zeros asks the system for untouched pages: nothing is written or read unless the engine does.
BIG = np.zeros((1, 1, 8000, 8000), dtype=F32)   # 64,000,000 cells, no padding needed
CAP = "would hold 64,000,000 values, more than the 50,000,000"
ONE = np.ones((1, 1, 1, 1), dtype=F32)

CAPPED = {
    "conv": lambda: conv(BIG, ONE),
    "conv_backward": lambda: conv_backward(BIG, BIG, ONE),
    "conv_single": lambda: conv_single(BIG[0, 0], ONE[0, 0]),
    "conv_trace": lambda: conv_trace(BIG[0, 0], ONE[0, 0], (0, 0)),
    "max_pool": lambda: max_pool(BIG, 2),
    "avg_pool": lambda: avg_pool(BIG, 2),
    "pool": lambda: pool(BIG, "avg", kernel=3, stride=1),
    "max_pool_backward": lambda: max_pool_backward(np.zeros((1, 1, 4000, 4000)), BIG, 2),
    "avg_pool_backward": lambda: avg_pool_backward(np.zeros((1, 1, 4000, 4000)), BIG, 2),
    "pool_single": lambda: pool_single(BIG[0, 0], "max", 2),
    "pool_trace": lambda: pool_trace(BIG[0, 0], (0, 0)),
    "run_pipeline": lambda: run_pipeline(BIG[0, 0], {"a": np.ones((3, 3))}, {"X": [0]}),
}


@pytest.mark.parametrize("name", list(CAPPED))
def test_the_cell_cap_holds_without_padding(name):
    assert BIG.size > MAX_CELLS
    with pytest.raises(EngineError, match=CAP):
        CAPPED[name]()


def test_the_cell_cap_counts_the_whole_padded_batch():
    # 2 x 5000 x 5000 = 50,000,000 cells is allowed; padding 1 makes 2 x 5002 x 5002 = 50,040,008.
    # A read-only broadcast view: no memory behind it.
    x = np.broadcast_to(F32(0), (2, 1, 5000, 5000))
    padded = "the padded input would hold 50,040,008 values"
    with pytest.raises(EngineError, match=padded):
        max_pool(x, 3, padding=1)
    with pytest.raises(EngineError, match=padded):
        avg_pool_backward(np.zeros((2, 1, 1, 1)), x, 3, padding=1)
    with pytest.raises(EngineError, match=padded):
        conv(x, np.ones((1, 1, 3, 3)), padding=1)


def test_the_cell_cap_covers_the_output():
    # 6000 filters over a 100x100 input: 6000 x 10,000 = 60,000,000 output values
    with pytest.raises(EngineError, match="the output would hold 60,000,000 values"):
        conv(np.zeros((1, 1, 100, 100)), np.zeros((6000, 1, 1, 1)))
