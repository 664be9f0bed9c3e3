"""Memory and work stay bounded, whatever the padding or the window; loose settings are refused.

Convolution works through a large image in tiles and refuses absurd work before allocating;
ceil-mode pooling never builds the overhang of a window; dense's backward takes every shape its
forward does; padding and softmax axes are whole numbers; ``db`` has the bias's dtype. Every
expected value is worked out by hand or by the plain loops of ``reference.py``.

Peak memory is measured with ``tracemalloc``, which sees NumPy's array allocations.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from cnn_tui.engine import (EngineError, avg_pool, avg_pool_backward, conv, conv_backward,
                            conv_single, dense, dense_backward, max_pool, max_pool_backward,
                            pool_single, pool_trace, softmax, softmax_backward)
from cnn_tui.engine.conv import MAX_MULTIPLY_ADDS

from reference import ref_conv, ref_pool

F32, F64 = np.float32, np.float64
MB = 1 << 20


def peak_bytes(fn):
    """``(fn(), the most bytes allocated at once while it ran)``."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return out, peak


# --- 1. convolution: tiles, the work cap, no needless copies -------------------------------------
def test_a_huge_kernel_over_wide_padding_works_in_bounded_memory():
    # One pixel of value 1, padded by 150 on every side (301x301), under a 100x100 kernel of ones:
    # the output is 202x202 and window (i, j) covers the pixel at padded (150, 150) exactly when
    # i <= 150 <= i + 99, i.e. 51 <= i <= 150 (and so for j): a 100x100 square of ones.
    k = np.ones((100, 100))
    y, peak = peak_bytes(lambda: conv_single(np.ones((1, 1)), k, padding=150))
    want = np.zeros((202, 202))
    want[51:151, 51:151] = 1.0
    np.testing.assert_array_equal(y, want)
    # The untiled window matrix was 10,000 x 202 x 301 values (4.9 GB); a tile holds <= 16M.
    assert peak < 300 * MB


def test_the_work_cap_refuses_before_allocating():
    k = np.ones((100, 100))
    # 601 x 601 outputs x 10,000 kernel cells = 3,612,010,000 multiply-adds
    with pytest.raises(EngineError, match=r"3,612,010,000 multiply-adds .* more than the "
                                          r"2,000,000,000"):
        conv_single(np.ones((700, 700)), k)
    # padding 1000: (1 + 2000 - 99)^2 = 1902^2 outputs x 10,000 = 36,176,040,000
    with pytest.raises(EngineError, match="36,176,040,000 multiply-adds"):
        conv_single(np.ones((1, 1)), k, padding=1000)
    # images x filters x channels count too: 2 x 3 x 4 x 1,000 x (10 x 10,000) x 1 > 2e9;
    # broadcast views and empty kernels: nothing behind them, nothing is read.
    x = np.broadcast_to(F32(0), (2, 4, 10, 10_000))
    w = np.zeros((3, 4, 1, 1), F32)
    with pytest.raises(EngineError, match="2,400,000,000 multiply-adds"):
        conv(x, np.zeros((3, 4, 1, 1000), F32), padding=((0, 0), (0, 999)))
    with pytest.raises(EngineError, match="multiply-adds"):
        conv_backward(np.zeros((2, 3, 10, 10_000)), x, np.zeros((3, 4, 1, 1000), F32),
                      padding=((0, 0), (0, 999)))
    assert conv(x, w).shape == (2, 3, 10, 10_000)  # 2,400,000 multiply-adds: allowed
    assert MAX_MULTIPLY_ADDS == 2_000_000_000


def test_a_one_by_one_kernel_at_wide_padding_copies_nothing_needless():
    # A 1x1 kernel (value 3) over one pixel (value 2) padded by 1000: a 2001x2001 output that is
    # 0 everywhere but 3 x 2 = 6 at the centre. The padded input and the output (32 MB each) are
    # all it needs: no copy of the columns, no separate output buffer.
    y, peak = peak_bytes(lambda: conv_single(np.full((1, 1), 2.0), np.full((1, 1), 3.0),
                                             padding=1000))
    assert y.shape == (2001, 2001) and y[1000, 1000] == 6.0 and np.count_nonzero(y) == 1
    cells = 2001 * 2001 * 8
    assert peak < 2.3 * cells  # was 4 x cells: padded input, columns, output buffer, output


def test_tiled_results_are_the_untiled_ones_for_normal_sizes():
    # Several channels, filters and images, stride and padding: the loop reference, exactly.
    rng = np.random.default_rng(5)
    x = rng.integers(-4, 5, size=(3, 2, 11, 9)).astype(float)
    w = rng.integers(-3, 4, size=(4, 2, 3, 2)).astype(float)
    b = np.array([1.0, -2.0, 0.5, 0.0])
    want = ref_conv(x, w, (2, 1), ((1, 2), (0, 1)), -1.0, bias=b)
    got = conv(x, w, b, stride=(2, 1), padding=((1, 2), (0, 1)), pad_value=-1.0)
    np.testing.assert_array_equal(got, want)


# --- 2. ceil-mode pooling never builds the overhang ------------------------------------------------
@pytest.mark.parametrize("shape,k", [((1, 1, 1, 1), 7000), ((1, 1, 1, 1), 7100),
                                     ((1, 1, 4, 4), 10**6)])
def test_a_window_far_larger_than_the_map_costs_nothing(shape, k):
    # PyTorch: max_pool2d(ones, k, k, ceil_mode=True) is [[[[1.]]]] for all three; one window
    # holding every pixel, so the max and the mean are 1 and each gradient is 1 (max: to the
    # first pixel) or 1 / pixels (average).
    x = np.ones(shape)
    pixels = shape[2] * shape[3]
    (y, ya, gm, ga, t), peak = peak_bytes(lambda: (
        max_pool(x, kernel=k, stride=k, ceil_mode=True),
        avg_pool(x, kernel=k, stride=k, ceil_mode=True),
        max_pool_backward(np.ones((1, 1, 1, 1)), x, k, k, ceil_mode=True),
        avg_pool_backward(np.ones((1, 1, 1, 1)), x, k, k, ceil_mode=True),
        pool_trace(x[0, 0], (0, 0), "max", k, k, ceil_mode=True)))
    assert y.tolist() == [[[[1.0]]]] and ya.tolist() == [[[[1.0]]]]
    want = np.zeros(shape)
    want[0, 0, 0, 0] = 1.0
    np.testing.assert_array_equal(gm, want)
    np.testing.assert_array_equal(ga, np.full(shape, 1.0 / pixels))
    assert t.value == 1.0 and t.count == pixels and t.winner == (0, 0)
    assert t.values.shape == shape[2:] and t.in_input.all()  # clipped to the map
    assert peak < 1 * MB  # was 411 MB for 7000 (the overhang, built), refused for the others


def test_partial_windows_of_a_huge_window_by_hand():
    m = np.array([[1.0, 6.0, 2.0], [4.0, 3.0, 5.0]])
    big = 10**6
    assert pool_single(m, "max", big, ceil_mode=True).tolist() == [[6.0]]
    assert pool_single(m, "avg", big, ceil_mode=True).tolist() == [[21.0 / 6]]
    x = m[None, None]
    g = max_pool_backward(np.full((1, 1, 1, 1), 2.0), x, big, ceil_mode=True)
    assert g[0, 0].tolist() == [[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
    g = avg_pool_backward(np.full((1, 1, 1, 1), 6.0), x, big, ceil_mode=True)
    assert g[0, 0].tolist() == [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    t = pool_trace(m, (0, 0), "avg", big, ceil_mode=True)
    assert t.working() == "(1 + 6 + 2 + 4 + 3 + 5) / 6 = 3.50"
    # dilation 2: taps at 0, 2, 4, ... of [0 1 2 3 4] read 0, 2, 4 (max 4, mean 2)
    v = np.arange(5.0)
    assert pool_single(v, "max", 1000, 2000, ceil_mode=True, dilation=2).tolist() == [4.0]
    assert pool_single(v, "avg", 1000, 2000, ceil_mode=True, dilation=2).tolist() == [2.0]
    # padding 1 and a 5-wide window with stride 4 over 1..6: windows cover pixels 0..3 and 3..5
    v = np.array([1.0, 6.0, 2.0, 4.0, 3.0, 5.0])
    want = ref_pool(v[None], "max", (5,), (4,), ((1, 1),), ceil_mode=True)
    assert want.tolist() == [[6.0, 5.0]]
    assert pool_single(v, "max", 5, 4, 1, ceil_mode=True).tolist() == [6.0, 5.0]


def test_the_pool_cap_counts_only_real_padding():
    # 5000 x 5000 plus padding 1 per side is 5002^2 = 25,020,004 per map, x 2 maps: refused;
    # the same maps under a huge ceil-mode window need no padding at all: fine.
    x = np.broadcast_to(F32(0), (2, 1, 5000, 5000))
    with pytest.raises(EngineError, match="the padded input would hold 50,040,008 values"):
        max_pool(x, 3, padding=1)
    assert max_pool(x, 7000, ceil_mode=True).shape == (2, 1, 1, 1)


# --- 3. dense's backward for zero outputs or zero inputs --------------------------------------------
def test_dense_backward_with_nothing_to_sum_by_hand():
    # zero outputs: dx = dout @ w is 3x5 of zeros, dw is 0x5, db is empty
    dx, dw, db = dense_backward(np.ones((3, 0)), np.ones((3, 5)), np.ones((0, 5)))
    assert dx.tolist() == np.zeros((3, 5)).tolist() and dw.shape == (0, 5) and db.shape == (0,)
    # zero inputs: dx is 3x0, dw is 4x0, db sums dout's rows: 3 x 1 = 3 per output
    dx, dw, db = dense_backward(np.ones((3, 4)), np.ones((3, 0)), np.ones((4, 0)))
    assert dx.shape == (3, 0) and dw.shape == (4, 0) and db.tolist() == [3.0] * 4
    assert dense(np.ones((3, 0)), np.ones((4, 0)), np.arange(4.0)).tolist() == [[0.0, 1.0, 2.0,
                                                                                3.0]] * 3


# --- 4. padding and softmax axes are whole numbers ------------------------------------------------
X = np.arange(16.0).reshape(1, 1, 4, 4)
W = np.array([[[[1.0, -1.0], [2.0, 0.5]]]])


def test_whole_float_padding_is_the_integer_padding():
    want = ref_conv(X, W, (1, 1), ((1, 1), (1, 1)))
    np.testing.assert_array_equal(conv(X, W, padding=1.0), want)
    np.testing.assert_array_equal(conv(X, W, padding=[1.0, np.float32(1)]), want)
    np.testing.assert_array_equal(conv(X, W, padding=[(1.0, 1), (1, 1.0)]), want)
    np.testing.assert_array_equal(max_pool(X, 3, padding=1.0), max_pool(X, 3, padding=1))
    assert pool_single(np.array([8.0]), "avg", 2, 2, padding=1.0,
                       ceil_mode=True).tolist() == [8.0]


@pytest.mark.parametrize("padding", [1.5, [1, 1.5], [(1, 2.5), 1], [[1, [2]], 1], [[[1, 1]]],
                                     "1", [(1, 2, 3), 1], None, float("inf"), float("nan")])
def test_other_paddings_are_refused_in_one_sentence(padding):
    for call in (lambda: conv(X, W, padding=padding),
                 lambda: max_pool(X, 3, padding=padding),
                 lambda: avg_pool_backward(np.ones((1, 1, 1, 1)), X, 3, padding=padding)):
        with pytest.raises(EngineError, match="padding"):
            call()


@pytest.mark.parametrize("axis", [1.5, "1", True, [1], None])
def test_softmax_refuses_an_axis_that_is_not_a_whole_number(axis):
    y = np.full((2, 3), 1.0 / 3)
    with pytest.raises(EngineError, match="softmax takes one axis"):
        softmax(np.zeros((2, 3)), axis=axis)
    with pytest.raises(EngineError, match="softmax takes one axis"):
        softmax_backward(np.ones((2, 3)), y, axis=axis)


def test_softmax_axis_as_whole_numbers_by_hand():
    # equal inputs along an axis of 3: every value is 1/3; along an axis of 2: 1/2
    for axis in (1, -1, np.int64(1), 1.0):
        assert softmax(np.zeros((2, 3)), axis=axis).tolist() == [[1 / 3] * 3] * 2
    assert softmax(np.zeros((2, 3)), axis=0).tolist() == [[0.5] * 3] * 2


# --- 5. db in the bias's dtype ----------------------------------------------------------------------
def test_db_follows_the_bias_dtype():
    x32 = np.arange(8.0, dtype=F32).reshape(1, 2, 2, 2)
    w32 = np.ones((3, 2, 1, 1), F32)
    dout = np.arange(12.0, dtype=F32).reshape(1, 3, 2, 2)
    # db sums each filter's 2x2 gradient: 0+1+2+3, 4+5+6+7, 8+9+10+11
    dx, dw, db = conv_backward(dout, x32, w32, b=np.zeros(3, F64))
    assert (dx.dtype, dw.dtype, db.dtype) == (F32, F32, F64) and db.tolist() == [6, 22, 38]
    assert conv_backward(dout, x32, w32)[2].dtype == F32  # no bias: the result's dtype
    assert conv_backward(dout, x32, w32, b=[0, 0, 0])[2].dtype == F64  # whole numbers: float64
    with pytest.raises(EngineError, match="one value per filter"):
        conv_backward(dout, x32, w32, b=np.zeros(2))
    rows = np.array([[1.0, 2.0], [3.0, 4.0]], F32)
    wd = np.ones((3, 2), F32)
    dy = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], F32)
    dx, dw, db = dense_backward(dy, rows, wd, np.zeros(3, F64))
    assert (dx.dtype, dw.dtype, db.dtype) == (F32, F32, F64) and db.tolist() == [5, 7, 9]
    assert dense_backward(dy, rows, wd)[2].dtype == F32
    with pytest.raises(EngineError, match="one value per output"):
        dense_backward(dy, rows, wd, np.zeros(2))
