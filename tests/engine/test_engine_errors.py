"""Output-shape arithmetic and the engine's clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.engine import (EngineError, avg_pool, conv, conv_backward, conv_output_size,
                            conv_single, conv_trace, geometry, max_pool, pool, pool_geometry,
                            pool_output_size, pool_single, pool_trace, run_pipeline)

ONE = np.ones((1, 1, 5, 5))
K3 = np.ones((1, 1, 3, 3))


@pytest.mark.parametrize("n,k,s,pb,pa,d,want", [
    (9, 3, 1, 0, 0, 1, 7), (9, 3, 2, 1, 1, 1, 5), (9, 3, 3, 1, 1, 1, 3), (9, 3, 4, 1, 1, 1, 3),
    (3, 2, 1, 0, 0, 1, 2), (5, 3, 1, 0, 0, 2, 1), (10, 3, 3, 2, 0, 1, 4), (1, 1, 5, 0, 0, 1, 1),
    (7, 3, 2, 0, 0, 3, 1), (4, 5, 1, 1, 0, 1, 1),
])
def test_conv_output_size_by_hand(n, k, s, pb, pa, d, want):
    assert conv_output_size(n, k, s, pb, pa, d) == want


def test_geometry_fields():
    g = geometry((9, 8), (3, 2), stride=(2, 1), padding=((1, 0), 2), dilation=(1, 3))
    assert g.nd == 2 and g.kernel == (3, 2) and g.stride == (2, 1) and g.dilation == (1, 3)
    assert g.padding == ((1, 0), (2, 2))
    assert g.padded_shape == (10, 12)
    assert g.out_shape == ((10 - 3) // 2 + 1, (12 - 4) // 1 + 1)
    assert g.window_origin((2, 3)) == (4, 3)


def test_pool_geometry_ceil_overhang():
    g = pool_geometry((7, 7), 2, 2, ceil_mode=True)
    assert g.out_shape == (4, 4)
    assert g.padding == ((0, 1), (0, 1))  # the overhang the last window needs


@pytest.mark.parametrize("kw,needle", [
    (dict(stride=0), "stride must be at least 1"),
    (dict(stride=(1, 0)), "stride must be at least 1"),
    (dict(dilation=0), "dilation must be at least 1"),
    (dict(stride=1.5), "whole"),
    (dict(stride=(1, 2, 3)), "stride needs 1 or 2 values"),
    (dict(padding=-1), "padding cannot be negative"),
    (dict(padding=((1, -1), 0)), "padding cannot be negative"),
    (dict(padding=(1, 2, 3)), "padding needs 1 or 2 values"),
    (dict(padding=((1, 2, 3), 0)), "pair"),
    (dict(mode="median"), "mode must be 'sum' or 'mean'"),
    (dict(pad_value=float("nan"), padding=1), "pad value"),
    (dict(b=np.ones(2)), "bias"),
])
def test_conv_setting_errors(kw, needle):
    with pytest.raises(EngineError, match=needle):
        conv(ONE, K3, **kw)


def test_kernel_larger_than_padded_input():
    with pytest.raises(EngineError, match="larger than the padded input"):
        conv(ONE, np.ones((1, 1, 7, 3)))
    with pytest.raises(EngineError, match="larger than the padded input"):
        conv(ONE, np.ones((1, 1, 7, 3)), padding=(0, 0))
    assert conv(ONE, np.ones((1, 1, 7, 3)), padding=1).shape == (1, 1, 1, 5)
    with pytest.raises(EngineError, match="dilation 3"):
        conv(ONE, K3, dilation=3)
    with pytest.raises(EngineError, match="larger"):
        conv_single(np.ones((2, 2)), np.ones((3, 3)))


def test_shape_errors():
    with pytest.raises(EngineError, match="2 channels but the kernel expects 1"):
        conv(np.ones((1, 2, 5, 5)), K3)
    with pytest.raises(EngineError, match="spatial axes"):
        conv(np.ones((5, 5)), K3)
    with pytest.raises(EngineError, match="kernel must be"):
        conv(ONE, np.ones((1, 1, 3)))
    with pytest.raises(EngineError, match="axes"):
        conv_single(np.ones((5, 5)), np.ones(3))
    with pytest.raises(EngineError, match="empty"):
        conv(np.ones((1, 1, 0, 5)), K3)
    with pytest.raises(EngineError, match="dout has shape"):
        conv_backward(np.ones((1, 1, 2, 2)), ONE, K3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_infinity_refused(bad):
    x = np.ones((5, 5))
    x[2, 3] = bad
    with pytest.raises(EngineError, match="NaN or infinity"):
        conv_single(x, np.ones((3, 3)))
    with pytest.raises(EngineError, match="NaN or infinity"):
        conv_single(np.ones((5, 5)), np.where(np.eye(3) > 0, bad, 1.0))
    with pytest.raises(EngineError, match="NaN or infinity"):
        pool_single(x)
    with pytest.raises(EngineError, match="NaN or infinity"):
        conv_trace(x, np.ones((3, 3)), (0, 0))
    with pytest.raises(EngineError, match="NaN or infinity"):
        pool_trace(x, (0, 0))


def test_non_numeric_refused():
    with pytest.raises(EngineError, match="numeric"):
        conv_single(np.array([["a", "b"], ["c", "d"]]), np.ones((1, 1)))


def test_pool_errors():
    x = np.ones((1, 1, 5, 5))
    with pytest.raises(EngineError, match="at most half the window"):
        max_pool(x, 2, padding=2)
    with pytest.raises(EngineError, match="stride must be at least 1"):
        avg_pool(x, 2, stride=0)
    with pytest.raises(EngineError, match="larger than the padded input"):
        max_pool(x, 6)
    with pytest.raises(EngineError, match="'max' or 'avg'"):
        pool(x, "min")
    with pytest.raises(EngineError, match="'max' or 'avg'"):
        pool_trace(x[0, 0], (0, 0), op="sum")
    with pytest.raises(EngineError, match="N, C"):
        max_pool(np.ones((5, 5)))
    with pytest.raises(EngineError, match="miss the input"):
        pool_single(np.ones(1), "max", 2, 1, padding=2, dilation=3)


def test_trace_index_outside():
    with pytest.raises(EngineError, match="outside the output"):
        conv_trace(np.ones((5, 5)), np.ones((3, 3)), (3, 0))
    with pytest.raises(EngineError, match="outside the output"):
        conv_trace(np.ones((5, 5)), np.ones((3, 3)), (0,))
    with pytest.raises(EngineError, match="outside the output"):
        pool_trace(np.ones((5, 5)), (-1, 0))


def test_pipeline_errors():
    feats = {"diag": np.eye(3)}
    strong = {"X": [0], "O": [1]}
    with pytest.raises(EngineError, match="2-D"):
        run_pipeline(np.ones(9), feats, strong)
    with pytest.raises(EngineError, match="needs 12 values"):
        run_pipeline(np.ones((20, 20)), feats, strong, vector_length=12)
    with pytest.raises(EngineError, match="NaN"):
        run_pipeline(np.full((9, 9), np.nan), feats, strong)


def test_engine_errors_are_value_errors():
    assert issubclass(EngineError, ValueError)


def test_pool_output_size_errors():
    with pytest.raises(EngineError):
        pool_output_size(3, 4, 1)
    with pytest.raises(EngineError):
        pool_output_size(3, 2, 0)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_a_kernel_without_filters_is_refused_in_one_line(dims):
    x = np.ones((1, 1) + (5,) * dims)
    w = np.ones((0, 1) + (3,) * dims)
    for _ in range(2):          # the second call as the first (nothing was kept from it)
        with pytest.raises(EngineError, match=r"^the kernel has no filters \(its first axis is "
                                              r"0\); give at least one$"):
            conv(x, w)
        with pytest.raises(EngineError, match="no filters"):
            conv_backward(np.ones((1, 0) + (3,) * dims), x, w)


def test_a_network_without_features_is_refused_in_one_line():
    from cnn_tui.engine.pipeline import Pipeline, run_pipeline

    for make in (lambda: Pipeline({}, {"X": [0]}, vector_length=1),
                 lambda: run_pipeline(np.ones((9, 9)), {}, {"X": [0]})):
        with pytest.raises(EngineError, match="^the network needs at least one feature"):
            make()


def test_no_filters_is_reported_after_the_other_checks():
    with pytest.raises(EngineError, match="stride must be at least 1"):
        conv(np.ones((1, 1, 5, 5)), np.ones((0, 1, 3, 3)), stride=0)
    with pytest.raises(EngineError, match="NaN"):
        conv(np.full((1, 1, 5, 5), np.nan), np.ones((0, 1, 3, 3)))


@pytest.mark.parametrize("call", [
    lambda: max_pool(np.ones((1, 1, 4, 4)), True),
    lambda: max_pool(np.ones((1, 1, 4, 4)), 2, True),
    lambda: avg_pool(np.ones((1, 1, 4, 4)), (2, True)),
    lambda: conv(ONE, K3, stride=True),
    lambda: conv(ONE, K3, dilation=(1, np.True_)),
    lambda: conv(ONE, K3, padding=False),
    lambda: conv(ONE, K3, padding=(0, (1, True))),
    lambda: conv_single(ONE[0, 0], K3[0, 0], stride=True),
    lambda: conv(ONE, K3, stride=np.array(True)),
    lambda: conv(ONE, K3, padding=np.array(True)),
    lambda: conv(ONE, K3, stride=(np.array(True), 1)),
    lambda: conv_output_size(5, 3, True),
    lambda: pool_output_size(5, 2, 2, 0, 0, True),
])
def test_yes_no_values_are_not_taken_for_numbers(call):
    """True and False are ints to Python (1 and 0): a window, stride, dilation or padding given
    as one is refused in one line instead of running as 1 or 0."""
    with pytest.raises(EngineError, match=r"whole number.*got (np\.)?(True|False)") as err:
        call()
    assert "\n" not in str(err.value)
    assert "write 1 or 0" in str(err.value)


def test_settings_given_as_numpy_arrays():
    """A setting may come as a NumPy array (of whole numbers); one that is not whole is refused,
    never cut to an int, and one of the wrong length says so in one line."""
    want = conv(ONE, K3, stride=(1, 2))
    np.testing.assert_array_equal(conv(ONE, K3, stride=np.array([1, 2])), want)
    np.testing.assert_array_equal(conv(ONE, K3, stride=(np.array(1), np.int64(2))), want)
    assert max_pool(np.ones((1, 1, 4, 4)), np.array([2, 2])).shape == (1, 1, 2, 2)
    assert conv(ONE, K3, padding=np.array(1)).shape == (1, 1, 5, 5)
    with pytest.raises(EngineError, match="whole numbers, got 2.5"):
        conv(ONE, K3, stride=np.array(2.5))
    with pytest.raises(EngineError, match="stride needs 1 or 2 values, got 3"):
        conv(ONE, K3, stride=np.array([1, 1, 1]))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_backward_refuses_the_pad_values_conv_refuses(bad):
    """conv_backward checks the pad value as conv does (a NaN one made every weight's gradient
    NaN, through the zero gradients of the layout's extra columns)."""
    with pytest.raises(EngineError, match="pad value"):
        conv(ONE, K3, padding=1, pad_value=bad)
    with pytest.raises(EngineError, match="pad value"):
        conv_backward(np.ones((1, 1, 5, 5)), ONE, K3, padding=1, pad_value=bad)
