"""Window traces agree with the engine's outputs; the lecture's number formatting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_tui.engine import (conv, conv_single, conv_trace, format_number, format_value, fraction,
                            lecture, matrix_style, pool_single, pool_trace, truncate)

from reference import ref_conv, ref_pool
from strategies import axis_settings


@st.composite
def trace_cases(draw):
    nd = draw(st.integers(1, 3))
    channels = draw(st.booleans())
    c = draw(st.integers(1, 2)) if channels else None
    kernel, stride, dil, pads, size = axis_settings(draw, nd, 4)
    lead = (c,) if channels else ()
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, size=lead + tuple(size)).astype(float)
    w = rng.integers(-3, 4, size=lead + tuple(kernel)).astype(float)
    mode = draw(st.sampled_from(["sum", "mean"]))
    pad_value = draw(st.sampled_from([0.0, -1.0, 2.0]))
    return x, w, tuple(stride), tuple(pads), pad_value, tuple(dil), mode, channels, draw(
        st.integers(0, 10**6))


@given(trace_cases())
def test_conv_trace_matches_output(case):
    x, w, stride, pads, pad_value, dil, mode, channels, pick = case
    kw = dict(stride=stride, padding=pads, pad_value=pad_value, dilation=dil, mode=mode)
    if channels:
        out = conv(x[None], w[None], **kw)[0, 0]
    else:
        out = conv_single(x, w, **kw)
    cells = list(itertools.product(*(range(m) for m in out.shape)))
    cell = cells[pick % len(cells)]
    t = conv_trace(x, w, cell, channels=channels, **kw)
    assert t.value == pytest.approx(out[cell], abs=1e-12)
    assert t.out_index == cell
    np.testing.assert_array_equal(t.kernel, w)
    np.testing.assert_array_equal(t.products, t.patch * t.kernel)
    assert t.total == pytest.approx(t.products.sum())
    assert t.divisor == (w.size if mode == "mean" else 1)
    nd = len(stride)
    assert t.origin == tuple(cell[a] * stride[a] for a in range(nd))
    assert t.coords.shape == w.shape[-nd:] + (nd,)
    assert t.pad_before == tuple(p[0] for p in pads)
    # Each cell of the window: real input pixel or padding, and the patch holds what is there.
    xs = x if channels else x[None]
    patch = t.patch if channels else t.patch[None]
    for kk in itertools.product(*(range(k) for k in w.shape[-nd:])):
        pos = tuple(t.input_coords[kk])
        inside = all(0 <= p < n for p, n in zip(pos, x.shape[-nd:]))
        assert bool(t.in_input[kk]) == inside
        for ch in range(xs.shape[0]):
            want = xs[(ch,) + pos] if inside else pad_value
            assert patch[(ch,) + kk] == want
        assert tuple(t.coords[kk]) == tuple(cell[a] * stride[a] + kk[a] * dil[a]
                                            for a in range(nd))


def test_conv_trace_padding_flags():
    t = conv_trace(np.arange(9.0).reshape(3, 3), np.ones((3, 3)), (0, 0), padding=1,
                   pad_value=-1)
    assert t.in_input.tolist() == [[False, False, False], [False, True, True],
                                   [False, True, True]]
    assert t.patch.tolist() == [[-1, -1, -1], [-1, 0, 1], [-1, 3, 4]]
    assert t.value == -5 + 8


def test_conv_trace_mean_working():
    x = np.array([[1, -1, 1], [1, 1, 1], [-1, 1, 1]], dtype=float)
    t = conv_trace(x, np.ones((3, 3)), (0, 0), mode="mean")
    assert t.working() == ("(1×1 + (-1)×1 + 1×1 + 1×1 + 1×1 + 1×1 + (-1)×1 + 1×1 + 1×1) / 9"
                           " = 5/9 = 0.55")
    assert t.terms()[1] == "(-1)×1"


@st.composite
def pool_trace_cases(draw):
    nd = draw(st.integers(1, 3))
    kernel, stride, pads, size = [], [], [], []
    for _ in range(nd):
        k = draw(st.integers(1, 3))
        pb, pa = draw(st.integers(0, k // 2)), draw(st.integers(0, k // 2))
        kernel.append(k), stride.append(draw(st.integers(1, 3))), pads.append((pb, pa))
        size.append(draw(st.integers(max(1, k - pb - pa), 6)))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).integers(-4, 5, size=tuple(size)).astype(float)
    return x, tuple(kernel), tuple(stride), tuple(pads), draw(st.booleans()), draw(
        st.sampled_from(["max", "avg"])), draw(st.integers(0, 10**6))


@given(pool_trace_cases())
def test_pool_trace_matches_output(case):
    x, k, s, pads, ceil, op, pick = case
    out = pool_single(x, op, k, s, pads, ceil)
    np.testing.assert_allclose(out, ref_pool(x, op, k, s, pads, ceil), atol=1e-12)
    cells = list(itertools.product(*(range(m) for m in out.shape)))
    cell = cells[pick % len(cells)]
    t = pool_trace(x, cell, op, k, s, pads, ceil)
    assert t.value == pytest.approx(out[cell], abs=1e-12)
    real = t.values[t.in_input]
    assert not np.isnan(real).any()
    assert np.isnan(t.values[~t.in_input]).all()
    assert t.count == real.size >= 1
    if op == "max":
        w = t.winner
        assert all(0 <= w[a] < x.shape[a] for a in range(x.ndim))
        assert x[w] == t.value == real.max()
        # The winner lies inside this window.
        assert any(tuple(c) == w for c in t.input_coords[t.in_input])
    else:
        assert t.winner is None
        assert t.value == pytest.approx(real.mean())


def test_pool_trace_lecture_corner():
    """The 7x7 map's last window covers one real pixel in ceil mode."""
    m = np.arange(49.0).reshape(7, 7)
    t = pool_trace(m, (3, 3), "max", 2, 2, ceil_mode=True)
    assert t.count == 1 and t.value == 48 and t.winner == (6, 6)
    assert t.working() == "max(48) = 48"
    t = pool_trace(m, (0, 3), "avg", 2, 2, ceil_mode=True)
    assert t.count == 2 and t.value == (6 + 13) / 2
    assert t.working() == "(6 + 13) / 2 = 9.50"


def test_conv_and_trace_same_padding_ref():
    x = np.arange(16.0).reshape(4, 4)
    w = np.array([[1.0, -1.0], [2.0, 0.5]])
    out = conv_single(x, w, stride=2, padding=((1, 0), (0, 1)), pad_value=3.0)
    want = ref_conv(x[None, None], w[None, None], (2, 2), ((1, 0), (0, 1)), 3.0)[0, 0]
    np.testing.assert_allclose(out, want)


# --- formatting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("v,want", [
    (5 / 9, "0.55"), (7 / 9, "0.77"), (-1 / 9, "-0.11"), (1, "1.00"), (1.0, "1.00"),
    (0.29, "0.29"), (0.57, "0.57"), (1 / 3, "0.33"), (-1 / 3, "-0.33"), (-5 / 9, "-0.55"),
    (0, "0.00"), (-1e-17, "0.00"), (-0.004, "0.00"), (0.999, "0.99"), (3 / 9, "0.33"),
    (0.912, "0.91"), (0.5175, "0.51"), (2.5, "2.50"), (-7 / 9, "-0.77"),
])
def test_lecture_format(v, want):
    assert lecture(v) == want


def test_lecture_float_noise():
    # 0.29 * 100 is 28.999999999999996 in binary: still 0.29.
    assert 0.29 * 100 < 29
    assert truncate(0.29) == 0.29
    assert lecture(0.1 + 0.2) == "0.30"
    assert lecture(1.15) == "1.15"
    assert lecture(float("nan")) == "nan"


@pytest.mark.parametrize("v,want", [
    (5 / 9, "5/9"), (-1 / 9, "-1/9"), (3.0, "3"), (1.0, "1"), (0.0, "0"), (0.5175, "207/400"),
    (7 / 9, "7/9"), (np.float64(1 / 3), "1/3"), (np.pi, "3.14"),
])
def test_fraction(v, want):
    assert fraction(v) == want


def test_format_number_and_value():
    assert format_number(19.0) == "19"
    assert format_number(-0.0) == "0"
    assert format_number(5 / 9) == "0.55"
    assert format_value(5 / 9, "lecture") == "0.55"
    assert format_value(5 / 9, "fraction") == "5/9"
    assert format_value(43.0, "number") == "43"
    with pytest.raises(ValueError, match="unknown number style"):
        format_value(1.0, "roman")


def test_matrix_style():
    assert matrix_style([[19, 25], [37, 43]]) == "number"
    assert matrix_style([[5 / 9, 1]]) == "lecture"


def test_partial_sums_add_the_products_per_channel_frame_or_column():
    # a 2-channel 1-D window: channel 0 = 1 2 3, channel 1 = 4 5 6, kernel all ones but one -1
    x = np.array([[1, 2, 3, 9], [4, 5, 6, 9]])
    k = np.array([[1, 1, 1], [1, -1, 1]])
    tr = conv_trace(x, k, (0,), channels=True)
    # by hand: products 1 2 3 / 4 -5 6
    assert tr.partial_sums(0).tolist() == [6, 5]          # per channel: 1+2+3, 4-5+6
    assert tr.partial_sums(1).tolist() == [5, -3, 9]      # per column: 1+4, 2-5, 3+6
    assert tr.partial_sums(-1).tolist() == [5, -3, 9]
    # a 2x2x2 volume window: per frame
    v = np.arange(8).reshape(2, 2, 2)
    tr3 = conv_trace(v, np.ones((2, 2, 2)), (0, 0, 0))
    assert tr3.partial_sums(0).tolist() == [0 + 1 + 2 + 3, 4 + 5 + 6 + 7]
    assert tr3.total == 28
