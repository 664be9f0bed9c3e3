"""Property tests: the engine against the plain-loop reference (tests/engine/reference.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_tui.engine import (avg_pool, conv, conv_output_size, conv_single, max_pool, pool,
                            pool_output_size, pool_single)

from reference import pool_out_size, ref_conv, ref_pool
from strategies import axis_settings


@st.composite
def conv_cases(draw, max_nd=3):
    nd = draw(st.integers(1, max_nd))
    small = nd == 3
    n_batch = draw(st.integers(1, 2))
    c = draw(st.integers(1, 2 if small else 3))
    f = draw(st.integers(1, 2 if small else 3))
    kernel, stride, dil, pads, size = axis_settings(draw, nd, 3 if small else 5)
    ints = st.integers(-4, 4)
    x = np.array(draw(st.lists(ints, min_size=n_batch * c * int(np.prod(size)),
                               max_size=n_batch * c * int(np.prod(size)))), dtype=float)
    w = np.array(draw(st.lists(ints, min_size=f * c * int(np.prod(kernel)),
                               max_size=f * c * int(np.prod(kernel)))), dtype=float)
    x = x.reshape((n_batch, c) + tuple(size))
    w = w.reshape((f, c) + tuple(kernel))
    pad_value = draw(st.sampled_from([0.0, -1.0, 1.5]))
    mode = draw(st.sampled_from(["sum", "mean"]))
    bias = draw(st.none() | st.lists(ints, min_size=f, max_size=f).map(np.array))
    return x, w, tuple(stride), tuple(pads), pad_value, tuple(dil), mode, bias


@given(conv_cases())
def test_conv_matches_reference(case):
    x, w, stride, pads, pad_value, dil, mode, bias = case
    want = ref_conv(x, w, stride, pads, pad_value, dil, mode, bias)
    got = conv(x, w, bias, stride=stride, padding=pads, pad_value=pad_value, dilation=dil,
               mode=mode)
    assert got.shape == want.shape
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    for a in range(x.ndim - 2):
        assert got.shape[2 + a] == conv_output_size(x.shape[2 + a], w.shape[2 + a], stride[a],
                                                    pads[a][0], pads[a][1], dil[a])


@given(conv_cases(max_nd=2))
def test_conv_float32_stays_float32(case):
    x, w, stride, pads, pad_value, dil, mode, bias = case
    want = ref_conv(x, w, stride, pads, pad_value, dil, mode, bias)
    got = conv(x.astype(np.float32), w.astype(np.float32), bias, stride=stride, padding=pads,
               pad_value=pad_value, dilation=dil, mode=mode)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


@given(conv_cases(max_nd=3))
def test_conv_single_matches_reference(case):
    x, w, stride, pads, pad_value, dil, mode, _ = case
    x1, w1 = x[0, 0], w[0, 0]
    want = ref_conv(x1[None, None], w1[None, None], stride, pads, pad_value, dil, mode)[0, 0]
    got = conv_single(x1, w1, stride=stride, padding=pads, pad_value=pad_value, dilation=dil,
                      mode=mode)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_padding_forms_agree():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 2, 5, 6))
    w = rng.normal(size=(3, 2, 3, 2))
    a = conv(x, w, padding=1)
    np.testing.assert_allclose(a, conv(x, w, padding=(1, 1)))
    np.testing.assert_allclose(a, conv(x, w, padding=((1, 1), (1, 1))))
    np.testing.assert_allclose(a, ref_conv(x, w, (1, 1), ((1, 1), (1, 1))))
    b = conv(x, w, padding=(2, 0), stride=(1, 2))
    np.testing.assert_allclose(b, ref_conv(x, w, (1, 2), ((2, 2), (0, 0))))


@st.composite
def pool_cases(draw):
    nd = draw(st.integers(1, 3))
    small = nd == 3
    lead = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    kernel, stride, pads, size = [], [], [], []
    for _ in range(nd):
        k = draw(st.integers(1, 3))
        s = draw(st.integers(1, 3))
        pb, pa = draw(st.integers(0, k // 2)), draw(st.integers(0, k // 2))
        lo = max(1, k - pb - pa)
        n = draw(st.integers(lo, lo + (3 if small else 6)))
        kernel.append(k), stride.append(s), pads.append((pb, pa)), size.append(n)
    total = int(np.prod(lead + tuple(size)))
    vals = draw(st.lists(st.floats(-100, 100, allow_nan=False, width=32), min_size=total,
                         max_size=total))
    x = np.array(vals, dtype=float).reshape(lead + tuple(size))
    ceil = draw(st.booleans())
    return x, tuple(kernel), tuple(stride), tuple(pads), ceil


@given(pool_cases(), st.sampled_from(["max", "avg"]))
def test_pool_matches_reference(case, op):
    x, k, s, pads, ceil = case
    want = ref_pool(x, op, k, s, pads, ceil)
    got = pool(x, op, kernel=k, stride=s, padding=pads, ceil_mode=ceil)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    for a, n in enumerate(x.shape[2:]):
        assert got.shape[2 + a] == pool_output_size(n, k[a], s[a], pads[a][0], pads[a][1],
                                                    ceil_mode=ceil)
        assert got.shape[2 + a] == pool_out_size(n, k[a], s[a], pads[a][0], pads[a][1], ceil)


@given(pool_cases())
def test_pool_float32_and_single(case):
    x, k, s, pads, ceil = case
    want = ref_pool(x[0, 0], "max", k, s, pads, ceil)
    got = pool_single(x[0, 0].astype(np.float32), "max", k, s, pads, ceil)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6)
    got = pool_single(x[0, 0], "avg", k, s, pads, ceil)
    np.testing.assert_allclose(got, ref_pool(x[0, 0], "avg", k, s, pads, ceil), rtol=1e-12,
                               atol=1e-12)


def test_pool_default_stride_is_window():
    x = np.arange(36, dtype=float).reshape(1, 1, 6, 6)
    np.testing.assert_array_equal(max_pool(x, 3), ref_pool(x, "max", (3, 3), (3, 3),
                                                           ((0, 0), (0, 0))))
    np.testing.assert_array_equal(avg_pool(x, 2), ref_pool(x, "avg", (2, 2), (2, 2),
                                                           ((0, 0), (0, 0))))


@pytest.mark.parametrize("n,k,s,ceil,want", [
    (7, 2, 2, True, 4), (7, 2, 2, False, 3), (4, 2, 2, True, 2), (5, 3, 2, True, 2),
    (6, 3, 2, True, 3), (1, 1, 1, False, 1), (9, 3, 3, True, 3), (10, 3, 3, True, 4),
])
def test_pool_output_size_by_hand(n, k, s, ceil, want):
    assert pool_output_size(n, k, s, ceil_mode=ceil) == want
