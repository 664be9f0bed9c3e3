"""The convolution's two column layouts and its cache blocking give the reference's answers.

Small test inputs fit in one block and mostly take the "full width" layout; here the block size
and the layout choice are forced so that every path (several blocks, a ragged last block, the
general strided layout) is checked against the plain-loop reference, forward and backward.
"""

from __future__ import annotations

import contextlib
import importlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_tui.engine import conv, conv_backward

# ``cnn_tui.engine.conv`` the attribute is the function; the module is in sys.modules.
conv_mod = importlib.import_module("cnn_tui.engine.conv")

from reference import ref_conv


@contextlib.contextmanager
def forced(block_bytes, waste, tile_values=None):
    old = conv_mod._BLOCK_BYTES, conv_mod._WASTE, conv_mod._TILE_VALUES
    conv_mod._BLOCK_BYTES, conv_mod._WASTE = block_bytes, waste
    if tile_values is not None:
        conv_mod._TILE_VALUES = tile_values
    try:
        yield
    finally:
        conv_mod._BLOCK_BYTES, conv_mod._WASTE, conv_mod._TILE_VALUES = old


SETTINGS = [(1, 1.5), (1, 0.0), (600, 100.0), (600, 0.0), (1 << 30, 100.0), (1 << 30, 0.0)]
# Tiny tile budgets force the tiled path on these small cases: 1 value cuts the kernel into
# single cells and the output into single pixels; 5 and 40 cut rows, parts of rows and kernels.
TILED = [(1, 1.5, 1), (600, 1.5, 5), (1 << 30, 0.0, 5), (1 << 30, 1.5, 40), (1, 100.0, 40)]


@st.composite
def cases(draw):
    nd = draw(st.integers(1, 3))
    n, c, f = draw(st.integers(1, 5)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    kernel, stride, dil, pads, size = [], [], [], [], []
    for _ in range(nd):
        k, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        pb, pa = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        lo = max(1, d * (k - 1) + 1 - pb - pa)
        size.append(draw(st.integers(lo, lo + (2 if nd == 3 else 4))))
        kernel.append(k), dil.append(d), pads.append((pb, pa))
        stride.append(draw(st.sampled_from([1, 1, 2, 3])))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=(n, c) + tuple(size)).astype(float)
    w = rng.integers(-3, 4, size=(f, c) + tuple(kernel)).astype(float)
    return x, w, tuple(stride), tuple(pads), tuple(dil), draw(st.sampled_from([0.0, -1.0]))


@pytest.mark.parametrize("block_bytes,waste", SETTINGS)
@given(case=cases())
def test_forward_every_layout(block_bytes, waste, case):
    x, w, stride, pads, dil, pv = case
    want = ref_conv(x, w, stride, pads, pv, dil)
    with forced(block_bytes, waste):
        got = conv(x, w, stride=stride, padding=pads, pad_value=pv, dilation=dil)
    np.testing.assert_allclose(got, want, atol=1e-12)


def _loop_backward(dout, x, w, stride, pads, dil, pv):
    """Hand-written backward by plain loops (independent of the engine)."""
    import itertools

    nd = x.ndim - 2
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    for idx in itertools.product(*(range(m) for m in dout.shape)):
        n, f, o = idx[0], idx[1], idx[2:]
        g = dout[idx]
        for c in range(x.shape[1]):
            for kk in itertools.product(*(range(k) for k in w.shape[2:])):
                pos = tuple(o[a] * stride[a] + kk[a] * dil[a] - pads[a][0] for a in range(nd))
                if all(0 <= pos[a] < x.shape[2 + a] for a in range(nd)):
                    dx[(n, c) + pos] += g * w[(f, c) + kk]
                    dw[(f, c) + kk] += g * x[(n, c) + pos]
                else:  # a padded cell holds the pad value
                    dw[(f, c) + kk] += g * pv
    return dx, dw, dout.sum(axis=(0,) + tuple(range(2, dout.ndim)))


@contextlib.contextmanager
def backward_by(way):
    """The full-width layout's backward pass through its column matrix, or one kernel offset
    at a time (``"offsets"``), whatever the sizes."""
    names = ("_OFFSETS_MIN_C", "_OFFSETS_MIN_CF", "_OFFSETS_MIN_PIXELS")
    old = [getattr(conv_mod, name) for name in names]
    for name in names:
        setattr(conv_mod, name, 0 if way == "offsets" else 1 << 62)
    try:
        yield
    finally:
        for name, value in zip(names, old):
            setattr(conv_mod, name, value)


@pytest.mark.parametrize("way", ["columns", "offsets"])
@pytest.mark.parametrize("block_bytes,waste", SETTINGS)
@given(case=cases())
def test_backward_every_layout(block_bytes, waste, way, case):
    """Small whole numbers: every order of summing is exact, so both ways of the full-width
    layout's backward pass (and the strided layout's) give the loop reference's values."""
    x, w, stride, pads, dil, pv = case
    y = ref_conv(x, w, stride, pads, pv, dil)
    dout = np.random.default_rng(int(abs(x).sum())).integers(-3, 4, size=y.shape).astype(float)
    with forced(block_bytes, waste), backward_by(way):
        dx, dw, db = conv_backward(dout, x, w, stride=stride, padding=pads, pad_value=pv,
                                   dilation=dil)
    rdx, rdw, rdb = _loop_backward(dout, x, w, stride, pads, dil, pv)
    np.testing.assert_array_equal(dx, rdx)
    np.testing.assert_array_equal(dw, rdw)
    np.testing.assert_array_equal(db, rdb)


@pytest.mark.parametrize("way", ["columns", "offsets"])
@pytest.mark.parametrize("block_bytes,waste,tile_values", TILED)
@given(case=cases())
def test_forward_and_backward_in_tiles(block_bytes, waste, tile_values, way, case):
    """The tiled path (an image cut into boxes of output rows and of kernel rows) gives the loop
    reference's values exactly (small whole numbers: every order of summing is exact)."""
    x, w, stride, pads, dil, pv = case
    want = ref_conv(x, w, stride, pads, pv, dil)
    dout = np.random.default_rng(int(abs(x).sum())).integers(-3, 4, size=want.shape).astype(float)
    with forced(block_bytes, waste, tile_values), backward_by(way):
        got = conv(x, w, stride=stride, padding=pads, pad_value=pv, dilation=dil)
        dx, dw, db = conv_backward(dout, x, w, stride=stride, padding=pads, pad_value=pv,
                                   dilation=dil)
    np.testing.assert_array_equal(got, want)
    rdx, rdw, rdb = _loop_backward(dout, x, w, stride, pads, dil, pv)
    np.testing.assert_array_equal(dx, rdx)
    np.testing.assert_array_equal(dw, rdw)
    np.testing.assert_array_equal(db, rdb)


def test_tiles_cover_the_output_and_the_kernel_once():
    g = conv_mod.geometry((9, 7, 5), (3, 2, 2))
    with forced(8, 1.5, 6):
        kboxes, oboxes = conv_mod._tiles((2, 3, 9, 7, 5), g, 2, 8)
    for shape, boxes in (((3, 3, 2, 2), kboxes), (g.out_shape, oboxes)):
        seen = np.zeros(shape, dtype=int)
        for box in boxes:
            seen[box] += 1
        assert (seen == 1).all()
    assert len(kboxes) > 1 and max(conv_mod._cells(b) for b in kboxes) <= 6
    # Below the budget nothing is cut: the untiled path, exactly as before.
    assert conv_mod._tiles((2, 3, 9, 7, 5), g, 2, 8) is None


def test_plan_layout_choice():
    g = conv_mod.geometry((32, 32), (3, 3))
    plan = conv_mod._Plan((256, 8, 32, 32), g, 4)
    assert plan.full and plan.pcols == 30 * 32 and plan.length == 29 * 32 + 30
    assert plan.block * plan.ck * plan.pcols * 4 <= conv_mod._BLOCK_BYTES
    g = conv_mod.geometry((32, 32), (3, 3), stride=2)
    assert not conv_mod._Plan((1, 1, 32, 32), g, 8).full


def test_non_contiguous_input():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(3, 2, 12, 10))[:, :, ::2, 1:]
    w = rng.normal(size=(2, 2, 2, 3))
    want = ref_conv(x, w, (1, 1), ((0, 0), (0, 0)))
    np.testing.assert_allclose(conv(x, w), want, atol=1e-12)
    with forced(1, 1.5):
        np.testing.assert_allclose(conv(x, w), want, atol=1e-12)


def test_scratch_reuse_between_calls_and_threads():
    """Work arrays are kept between calls (per thread): results never depend on earlier calls."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(11)
    cases = []
    for n, c, h, w_, f, k, pad in [(3, 2, 9, 8, 3, 3, 1), (1, 1, 5, 5, 2, 2, 0),
                                   (4, 3, 7, 11, 2, 3, 2), (2, 1, 6, 6, 4, 1, 0)]:
        x = rng.normal(size=(n, c, h, w_))
        w = rng.normal(size=(f, c, k, k))
        want = ref_conv(x, w, (1, 1), ((pad, pad), (pad, pad)))
        dout = rng.normal(size=want.shape)
        cases.append((x, w, pad, want, dout, _loop_backward(dout, x, w, (1, 1),
                                                           ((pad, pad), (pad, pad)), (1, 1), 0.0)))

    def check(case):
        x, w, pad, want, dout, (rdx, rdw, rdb) = case
        np.testing.assert_allclose(conv(x, w, padding=pad), want, atol=1e-12)
        dx, dw, db = conv_backward(dout, x, w, padding=pad)
        np.testing.assert_allclose(dx, rdx, atol=1e-12)
        np.testing.assert_allclose(dw, rdw, atol=1e-12)
        return True

    for _ in range(2):  # big, small, big again: stale scratch contents must not leak
        for case in cases + cases[::-1]:
            check(case)
    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(check, cases * 6))
    # The output is a fresh array, never a view of the scratch memory.
    x, w = cases[0][0], cases[0][1]
    y1 = conv(x, w)
    y2 = conv(x, w)
    assert not np.shares_memory(y1, y2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("caller_bufsize", [8192, 4096])
@pytest.mark.parametrize("threads", [1, 2])
def test_backward_adds_with_short_buffers(monkeypatch, dtype, caller_bufsize, threads):
    """Rows of a few hundred values are added back with NumPy's ufunc buffer no longer than a
    row (quicker, the same adds): the loop reference's values exactly (whole numbers). Each
    thread that adds (with two threads, the pool's worker too) has its own setting and has it
    back afterwards, also after an error."""
    rng = np.random.default_rng(21)
    x = rng.integers(-4, 5, size=(4, 2, 20, 20)).astype(dtype)
    w = rng.integers(-3, 4, size=(3, 2, 3, 3)).astype(dtype)
    dout = rng.integers(-3, 4, size=(4, 3, 18, 18)).astype(dtype)
    seen = []
    adds = conv_mod._scatter_adds

    def spy(*args):
        seen.append(np.getbufsize())
        return adds(*args)

    monkeypatch.setattr(conv_mod, "_scatter_adds", spy)
    monkeypatch.setattr(conv_mod, "_ROWS_MIN_WORK", 1)
    shared = []
    if threads == 2:
        monkeypatch.setattr(conv_mod, "_THREAD_MIN_WORK", 0)
        monkeypatch.setattr(conv_mod, "_BLOCK_BYTES", 1)  # one image per block: both threads add
        real = conv_mod._in_threads
        monkeypatch.setattr(conv_mod, "_in_threads",
                            lambda fn, parts: shared.append(len(parts)) or real(fn, parts))
    conv_mod.set_threads(threads)
    worker = conv_mod._executor(1)
    old = np.setbufsize(caller_bufsize)
    try:
        dx, dw, db = conv_backward(dout, x, w)
        assert np.getbufsize() == caller_bufsize
        assert worker.submit(np.getbufsize).result() == 8192
        assert shared == ([2] if threads == 2 else [])
        # one row of the flattened 20x20 picture's columns: 17 rows of 20 and 18 = 358 values
        assert len(seen) == (4 if threads == 2 else 1)
        assert all(size <= 358 and size % 16 == 0 for size in seen)
        rdx, rdw, rdb = _loop_backward(dout.astype(float), x.astype(float), w.astype(float),
                                       (1, 1), ((0, 0), (0, 0)), (1, 1), 0.0)
        np.testing.assert_array_equal(dx, rdx)
        np.testing.assert_array_equal(dw, rdw)
        np.testing.assert_array_equal(db, rdb)

        def broken(*args):
            raise MemoryError("no room")

        monkeypatch.setattr(conv_mod, "_scatter_adds", broken)
        with pytest.raises(MemoryError):
            conv_backward(dout, x, w)
        assert np.getbufsize() == caller_bufsize
        assert worker.submit(np.getbufsize).result() == 8192
    finally:
        np.setbufsize(old)
        conv_mod.set_threads(None)


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_large_backward_goes_by_offsets(monkeypatch, dtype, rtol):
    """Many channels and filters over enough pixels take the backward pass one kernel offset
    at a time, with NumPy's ufunc buffer no longer than a row while it adds (and given back
    after): the column way's gradients, to rounding (the sums run in another order)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(12, 16, 20, 20)).astype(dtype)
    w = rng.normal(size=(8, 16, 3, 3)).astype(dtype)
    dout = rng.normal(size=(12, 8, 18, 18)).astype(dtype)
    taken, sizes = [], []
    by_offsets, flat = conv_mod._backward_offsets, conv_mod._flat_images
    monkeypatch.setattr(conv_mod, "_backward_offsets",
                        lambda *a: taken.append(1) or by_offsets(*a))
    monkeypatch.setattr(conv_mod, "_flat_images",
                        lambda *a: sizes.append(np.getbufsize()) or flat(*a))
    dx, dw, db = conv_backward(dout, x, w)
    assert taken and sizes and all(size <= 358 for size in sizes)
    assert np.getbufsize() == 8192
    with backward_by("columns"):
        cx, cw, cb = conv_backward(dout, x, w)
    assert dx.dtype == dw.dtype == dtype
    np.testing.assert_allclose(dx, cx, rtol=rtol, atol=rtol * 10)
    np.testing.assert_allclose(dw, cw, rtol=rtol, atol=rtol * 100)
    np.testing.assert_array_equal(db, cb)
    taken.clear()
    conv_backward(dout[:1], x[:1], w)       # one image: too few pixels, the columns
    assert not taken
    # a first layer (few channels, many filters): the columns
    conv_backward(np.ones((12, 64, 18, 18), dtype), x[:, :2], np.ones((64, 2, 3, 3), dtype))
    assert not taken

    def failing(*args):
        raise MemoryError("no room")

    monkeypatch.setattr(conv_mod, "_flat_images", failing)
    with pytest.raises(MemoryError):
        conv_backward(dout, x, w)
    assert np.getbufsize() == 8192
