"""The lean small-picture path: shapes and settings are checked once, later calls reuse them.

A repeat call on the same shapes must answer exactly what the first call did (values from the
golden lecture file or the plain-loop reference) and refuse bad values with the same sentences;
the prepared lecture pipeline must give what :func:`run_pipeline` gives, value for value.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from cnn_tui.engine import (EngineError, avg_pool, conv, conv_backward, conv_single, max_pool,
                            pool_single, relu, run_pipeline)
from cnn_tui.engine.pipeline import Pipeline, PipelineResult
from cnn_tui.lecture.network import lecture_pipeline

from reference import ref_conv, ref_pool

conv_mod = importlib.import_module("cnn_tui.engine.conv")

GOLDEN = tomllib.loads((Path(__file__).parents[1] / "golden" / "lecture.toml").read_text("utf-8"))
IMAGES = {k: np.array(v, dtype=float) for k, v in GOLDEN["images"].items()}
FEATURES = {k: np.array(v, dtype=float) for k, v in GOLDEN["features"].items()}
ORDER = ["diag", "x", "anti"]
STRONG = {"X": GOLDEN["votes"]["x_strong"], "O": GOLDEN["votes"]["o_strong"]}


@pytest.mark.parametrize("image", ["x", "o"])
def test_lecture_numbers_on_every_repeat(image):
    """The first call (every layer checks) and the repeats (the lean path) give the lecture's
    numbers: the golden maps x 9, and the votes 1 and 5/9."""
    want = {"x": {"X": 1.0, "O": 5 / 9}, "o": {"X": 5 / 9, "O": 1.0}}[image]
    for _ in range(3):
        res = lecture_pipeline(IMAGES[image])
        np.testing.assert_array_equal(res.vector * 9, GOLDEN["vote_vectors_sum9"][image])
        for n in ORDER:
            np.testing.assert_array_equal(res.conv[n] * 9, GOLDEN[f"conv_{image}_sum9"][n])
            np.testing.assert_array_equal(res.pool[n] * 9, GOLDEN[f"pool_{image}_sum9"][n])
        assert res.votes == pytest.approx(want, abs=1e-15)
        assert res.prediction == image.upper()


def _same(a, b):
    """Two PipelineResults hold the same values, bit for bit (a zero's sign included)."""
    assert type(a) is type(b) is PipelineResult
    assert list(vars(a)) == list(vars(b)) == [f.name for f in fields(PipelineResult)]
    for x, y in [(a.image, b.image), (a.vector, b.vector)] + [
            (getattr(a, f)[n], getattr(b, f)[n]) for f in ("features", "conv", "relu", "pool",
                                                           "pool2") for n in getattr(a, f)]:
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x, y)
        assert x.tobytes() == y.tobytes()
    for field in ("features", "conv", "relu", "pool", "pool2"):
        assert list(getattr(a, field)) == list(getattr(b, field))
    assert list(a.votes.items()) == list(b.votes.items()) and a.prediction == b.prediction
    assert all(type(v) is float for v in a.votes.values())


@pytest.mark.parametrize("side", [7, 8, 9, 10])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_prepared_pipeline_is_run_pipeline(side, dtype):
    """Random pictures of every size the lecture takes: the prepared pipeline (first call and
    lean repeats) equals run_pipeline exactly, and run_pipeline equals the plain loops."""
    rng = np.random.default_rng(side)
    pipe = Pipeline(FEATURES, STRONG, vector_length=12)
    w = np.stack([FEATURES[n] for n in ORDER])[:, None]
    for _ in range(3):
        img = (rng.normal(size=(side, side)) * 3).astype(dtype)
        want = run_pipeline(img, FEATURES, STRONG, vector_length=12)
        _same(pipe.run(img), want)
        _same(pipe.run(img), want)
        c = ref_conv(img[None, None].astype(float), w, (1, 1), ((0, 0), (0, 0)), mode="mean")
        p1 = ref_pool(np.maximum(c, 0), "max", (2, 2), (2, 2), ((0, 0), (0, 0)), ceil_mode=True)
        p2 = ref_pool(p1, "max", (2, 2), (2, 2), ((0, 0), (0, 0)), ceil_mode=True)
        np.testing.assert_allclose(want.vector, p2.reshape(-1), rtol=1e-12, atol=1e-12)


def test_prepared_pipeline_keeps_its_own_features():
    feats = {n: FEATURES[n].copy() for n in ORDER}
    pipe = Pipeline(feats, STRONG, vector_length=12)
    before = pipe.run(IMAGES["x"])
    feats["diag"][:] = 0  # a later change to the caller's arrays does not reach the pipeline
    _same(pipe.run(IMAGES["x"]), before)
    with pytest.raises(ValueError):
        before.features["diag"][0, 0] = 5.0  # read-only: shared by every result


def test_lean_pipeline_refuses_what_the_first_call_refuses():
    lecture_pipeline(IMAGES["x"])  # the 9x9 layout is now kept
    bad = IMAGES["x"].copy()
    bad[4, 4] = np.nan
    with pytest.raises(EngineError, match="image contains NaN or infinity"):
        lecture_pipeline(bad)
    with pytest.raises(EngineError, match="image must be numeric"):
        lecture_pipeline(np.full((9, 9), "a"))
    with pytest.raises(EngineError, match="from 7x7 to 10x10; this one is 11x11"):
        lecture_pipeline(np.ones((11, 11)))
    big = np.full((9, 9), 1e308)
    with pytest.raises(EngineError, match="overflows"):
        lecture_pipeline(big)
    with pytest.raises(EngineError, match="overflows"):
        lecture_pipeline(big)  # the same shape again: the lean path checks overflow too


def test_repeat_calls_refuse_with_the_same_sentences():
    """Shapes that passed once are not checked again, but dtypes and values always are."""
    x = np.ones((1, 1, 9, 9))
    w = np.ones((2, 1, 3, 3))
    np.testing.assert_array_equal(conv(x, w), np.full((1, 2, 7, 7), 9.0))
    for _ in range(2):
        with pytest.raises(EngineError, match="^input must be numeric$"):
            conv(x.astype(str), w)
        with pytest.raises(EngineError, match="^kernel must be numeric$"):
            conv(x, w.astype(str))
        xn = x.copy()
        xn[0, 0, 1, 1] = np.inf
        with pytest.raises(EngineError, match="^input contains NaN or infinity$"):
            conv(xn, w)
        with pytest.raises(EngineError, match="^kernel contains NaN or infinity$"):
            conv(x, np.full((2, 1, 3, 3), np.nan))
        with pytest.raises(EngineError, match="the pad value must be a finite number"):
            conv(x, w, padding=1, pad_value=float("nan"))
        with pytest.raises(EngineError, match="dout has shape"):
            conv_backward(np.ones((1, 2, 6, 6)), x, w)
        with pytest.raises(EngineError, match="^input contains NaN or infinity$"):
            max_pool(np.full((1, 3, 7, 7), np.nan), 2, 2)
        with pytest.raises(EngineError, match="^input must be numeric$"):
            max_pool(np.full((1, 3, 7, 7), "a"), 2, 2)
    # settings that compare equal to the cached ones but are not ints take the full path
    np.testing.assert_array_equal(conv(x, w, stride=1.0), conv(x, w, stride=1))
    with pytest.raises(EngineError, match="stride must be whole numbers"):
        conv(x, w, stride=1.5)
    with pytest.raises(EngineError, match="padding cannot be negative"):
        conv(x, w, padding=-1)


def test_mixed_dtypes_on_the_lean_path():
    """The cached shapes do not fix the dtype: float32 with float32 stays float32, with a
    float64 kernel it is float64, whole numbers count as float64 (each call as the first)."""
    rng = np.random.default_rng(3)
    x = rng.integers(-3, 4, size=(1, 1, 9, 9))
    w = rng.integers(-2, 3, size=(3, 1, 3, 3))
    want = ref_conv(x.astype(float), w.astype(float), (1, 1), ((0, 0), (0, 0)))
    for xd, wd, out in [(np.float32, np.float32, np.float32), (np.float32, np.float64, np.float64),
                        (np.int64, np.float32, np.float64), (np.float64, np.float64, np.float64)]:
        for _ in range(2):
            y = conv(x.astype(xd), w.astype(wd))
            assert y.dtype == out
            np.testing.assert_array_equal(y, want)  # small whole numbers: exact
            assert max_pool(y, 2, 2, ceil_mode=True).dtype == out


@pytest.mark.parametrize("shape", [(9, 9), (5, 5), (9, 9)])
def test_single_picture_ops_against_the_loops(shape):
    rng = np.random.default_rng(sum(shape))
    img = rng.normal(size=shape)
    k = rng.normal(size=(3, 3))
    want = ref_conv(img[None, None], k[None, None], (1, 1), ((0, 0), (0, 0)))[0, 0]
    for _ in range(2):
        np.testing.assert_allclose(conv_single(img, k), want, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(
            pool_single(img, "max", 2, 2, ceil_mode=True),
            ref_pool(img[None, None], "max", (2, 2), (2, 2), ((0, 0), (0, 0)), True)[0, 0])
        np.testing.assert_array_equal(relu(img), np.where(img > 0, img, 0.0))


def test_plans_follow_the_block_settings(monkeypatch):
    """Kept plans are keyed by the block and waste settings: changing them (as the layout tests
    do) gives new plans, and the answer stays the reference's."""
    rng = np.random.default_rng(5)
    x = rng.integers(-3, 4, size=(5, 2, 8, 8)).astype(float)
    w = rng.integers(-3, 4, size=(3, 2, 3, 3)).astype(float)
    want = ref_conv(x, w, (1, 1), ((0, 0), (0, 0)))
    np.testing.assert_array_equal(conv(x, w), want)
    g = conv_mod._check(x, w, 1, 0, 1)[2]
    default = conv_mod._plan(x.shape, g, 8)
    monkeypatch.setattr(conv_mod, "_BLOCK_BYTES", 1)
    assert conv_mod._plan(x.shape, g, 8).block == 1 != default.block
    np.testing.assert_array_equal(conv(x, w), want)


# --- the kept work arrays: pipeline, small convolutions, small poolings -------------------------
def _pipeline_want(img, window, stride):
    """The lecture's network by the plain loops (conv mean, ReLU, two ceil-mode max pools)."""
    w = np.stack([FEATURES[n] for n in ORDER])[:, None]
    c = ref_conv(np.asarray(img, dtype=float)[None, None], w, (1, 1), ((0, 0), (0, 0)),
                 mode="mean")
    r = np.maximum(c, 0)
    win, st, zero = (window, window), (stride, stride), ((0, 0), (0, 0))
    p1 = ref_pool(r, "max", win, st, zero, ceil_mode=True)
    p2 = ref_pool(p1, "max", win, st, zero, ceil_mode=True)
    return c[0], r[0], p1[0], p2[0]


@pytest.mark.parametrize("window,stride", [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3),
                                           (2, 3)])
@pytest.mark.parametrize("side", [7, 10])
def test_prepared_pipeline_every_pool_setting(window, stride, side):
    """Other pooling windows and strides through the lean path (its pooling reads a work array
    padded with -inf): the first call and every repeat give the plain loops' maps exactly."""
    rng = np.random.default_rng(100 * window + 10 * stride + side)
    img = rng.integers(-3, 4, size=(side, side))
    c, r, p1, p2 = _pipeline_want(img, window, stride)
    n = p2.size
    strong = {"X": list(range(0, n, 2)), "O": list(range(1, n, 2)) or [0]}
    pipe = Pipeline(FEATURES, strong, vector_length=n, pool_window=window, pool_stride=stride)
    for _ in range(3):
        res = pipe.run(img)
        for i, name in enumerate(ORDER):
            np.testing.assert_array_equal(res.conv[name], c[i])
            np.testing.assert_array_equal(res.relu[name], r[i])
            np.testing.assert_array_equal(res.pool[name], p1[i])
            np.testing.assert_array_equal(res.pool2[name], p2[i])
        np.testing.assert_array_equal(res.vector, p2.reshape(-1))
        want = {k: float(np.mean(p2.reshape(-1)[v])) for k, v in strong.items()}
        assert res.votes == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_lean_results_are_new_arrays():
    """A result's maps are its own: later calls (which reuse the work arrays) never change
    them, and changing them does not reach the next result."""
    a, b = IMAGES["x"], IMAGES["o"]
    lecture_pipeline(a)
    first = lecture_pipeline(a)
    kept = {f: {n: m.copy() for n, m in getattr(first, f).items()}
            for f in ("conv", "relu", "pool", "pool2")}
    vec = first.vector.copy()
    lecture_pipeline(b)
    for f, maps in kept.items():
        for n, m in maps.items():
            np.testing.assert_array_equal(getattr(first, f)[n], m)
    np.testing.assert_array_equal(first.vector, vec)
    first.pool["x"][...] = 99.0
    first.conv["x"][...] = 99.0
    again = lecture_pipeline(a)
    np.testing.assert_array_equal(again.pool["x"] * 9, GOLDEN["pool_x_sum9"]["x"])
    np.testing.assert_array_equal(again.conv["x"] * 9, GOLDEN["conv_x_sum9"]["x"])


def test_lean_paths_from_many_threads():
    """Each thread has its own work arrays: the pipeline, a small convolution and a small pooling
    called from four threads at once give each picture's own answer."""
    import threading

    rng = np.random.default_rng(11)
    imgs = [rng.integers(-2, 3, size=(9, 9)) for _ in range(8)]
    pipe = Pipeline(FEATURES, STRONG, vector_length=12)
    w = np.stack([FEATURES[n] for n in ORDER])[:, None]
    wants = [(_pipeline_want(i, 2, 2), ref_conv(i[None, None].astype(float), w, (1, 1),
                                                ((0, 0), (0, 0))),
              ref_pool(i[None, None].astype(float), "max", (2, 2), (2, 2), ((0, 0), (0, 0)),
                       True)) for i in imgs]
    errors = []

    def work(k):
        try:
            for rep in range(40):
                j = (k + rep) % len(imgs)
                (c, r, p1, p2), cw, pw = wants[j]
                res = pipe.run(imgs[j])
                np.testing.assert_array_equal(res.vector, p2.reshape(-1))
                np.testing.assert_array_equal(res.conv["x"], c[1])
                np.testing.assert_array_equal(conv(imgs[j][None, None].astype(float), w), cw)
                np.testing.assert_array_equal(
                    max_pool(imgs[j][None, None].astype(float), 2, 2, ceil_mode=True), pw)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_lean_pipeline_whole_number_pictures_of_every_dtype():
    """Whole-number pictures (never NaN, and too small to overflow) of any integer dtype, and
    booleans, give what the same picture as float64 gives, bit for bit, on every repeat."""
    rng = np.random.default_rng(12)
    base = rng.integers(0, 2, size=(9, 9))
    want = run_pipeline(base.astype(float), FEATURES, STRONG, vector_length=12)
    pipe = Pipeline(FEATURES, STRONG, vector_length=12)
    for dtype in (np.int8, np.uint8, np.int16, np.int64, np.uint64, bool):
        for _ in range(3):
            _same(pipe.run(base.astype(dtype)), want)
    huge = np.full((9, 9), np.iinfo(np.int64).max)  # finite as floats: no overflow
    for _ in range(2):
        res = pipe.run(huge)
        assert res.conv["x"].dtype == np.float64 and np.isfinite(res.vector).all()


@pytest.mark.parametrize("case", [
    dict(), dict(padding=1), dict(padding=((1, 0), (0, 2)), pad_value=2.0), dict(mode="mean"),
    dict(stride=2), dict(dilation=2), dict(stride=(1, 2), padding=1, mode="mean"), dict(bias=True),
])
@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.float32, np.float32),
                                    (np.int64, np.float32), (np.float32, np.float64)])
def test_small_convolutions_on_every_repeat(case, dtypes):
    """A small convolution's repeats (checked once, then straight to the gather and the
    product) equal the plain loops exactly (whole numbers), in the promoted dtype, as new
    arrays every time."""
    case = dict(case)
    rng = np.random.default_rng(len(str(case)))
    x = rng.integers(-3, 4, size=(2, 2, 8, 9))
    w = rng.integers(-2, 3, size=(3, 2, 3, 3))
    b = rng.integers(-2, 3, size=3) if case.pop("bias", False) else None
    st = case.get("stride", 1)
    st = st if isinstance(st, tuple) else (st, st)
    dl = case.get("dilation", 1)
    pd = case.get("padding", 0)
    pads = pd if isinstance(pd, tuple) else ((pd, pd), (pd, pd))
    want = ref_conv(x, w, st, pads, case.get("pad_value", 0.0), (dl, dl),
                    case.get("mode", "sum"), b)
    out = np.float64 if np.float64 in dtypes or np.int64 in dtypes else np.float32
    xd, wd = x.astype(dtypes[0]), w.astype(dtypes[1])
    bd = None if b is None else b.astype(dtypes[1])
    got = [conv(xd, wd, bd, **case) for _ in range(3)]
    for y in got:
        assert y.dtype == out and y.flags.c_contiguous
        np.testing.assert_array_equal(y, want.astype(out))
    got[0][...] = 0  # each call's result is its own array
    np.testing.assert_array_equal(got[1], want.astype(out))
    with pytest.raises(EngineError, match="^input contains NaN or infinity$"):
        conv(np.where(x == x.max(), -np.inf, xd).astype(xd.dtype) if xd.dtype.kind == "f"
             else np.full(x.shape, np.nan), wd, bd, **case)
    if case.get("padding"):
        with pytest.raises(EngineError, match="the pad value must be a finite number"):
            conv(xd, wd, bd, **dict(case, pad_value=float("inf")))
    if bd is not None:
        with pytest.raises(EngineError, match="the bias needs one value per filter"):
            conv(xd, wd, bd[:2], **case)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("op", ["max", "avg"])
@pytest.mark.parametrize("setting", [
    dict(kernel=2), dict(kernel=2, ceil_mode=True), dict(kernel=3, stride=2, padding=1),
    dict(kernel=3, stride=2, padding=1, ceil_mode=True), dict(kernel=2, stride=1, dilation=2),
    dict(kernel=1), dict(kernel=4, stride=3, ceil_mode=True),
])
def test_small_poolings_on_every_repeat(nd, op, setting):
    """Small poolings (work arrays kept per shape, the padding already filled in) equal the
    plain loops exactly on every repeat, as new arrays; NaN is still refused."""
    rng = np.random.default_rng(nd * 7 + len(str(setting)))
    x = rng.integers(-5, 6, size=(2, 3) + (7,) * nd).astype(float)
    x[x == 0] = -0.0
    k, s = setting["kernel"], setting.get("stride", setting["kernel"])
    p, d = setting.get("padding", 0), setting.get("dilation", 1)
    want = ref_pool(x, op, (k,) * nd, (s,) * nd, ((p, p),) * nd, setting.get("ceil_mode", False),
                    (d,) * nd)
    fn = max_pool if op == "max" else avg_pool
    kw = dict(setting, kernel=(k,) * nd if nd != 2 else k)
    got = [fn(x, **kw) for _ in range(3)]
    for y in got:
        np.testing.assert_array_equal(y, want)
        assert y.flags.c_contiguous and y.dtype == np.float64
    got[0][...] = 7.0
    np.testing.assert_array_equal(got[2], want)
    np.testing.assert_array_equal(fn(x.astype(np.float32), **kw), want.astype(np.float32))
    bad = x.copy()
    bad[(0,) * x.ndim] = np.nan
    with pytest.raises(EngineError, match="^input contains NaN or infinity$"):
        fn(bad, **kw)


def test_finite_checks_see_every_kind_of_non_finite_value():
    """NaN, +inf and -inf anywhere are refused (input, kernel, picture), on the first call and
    on the repeats."""
    x = np.ones((1, 1, 9, 9))
    w = np.ones((2, 1, 3, 3))
    for bad in (np.nan, np.inf, -np.inf):
        for at in ((0, 0, 0, 0), (0, 0, 8, 8), (0, 0, 4, 5)):
            xb = x.copy()
            xb[at] = bad
            for _ in range(2):
                with pytest.raises(EngineError, match="^input contains NaN or infinity$"):
                    conv(xb, w)
                with pytest.raises(EngineError, match="^kernel contains NaN or infinity$"):
                    conv(x, np.where(w > 0, bad, 0.0) if at[2] == 0 else w * bad)
                with pytest.raises(EngineError, match="image contains NaN or infinity"):
                    lecture_pipeline(xb[0, 0])
                with pytest.raises(EngineError, match="^input contains NaN or infinity$"):
                    max_pool(xb, 2, 2)


def test_repeat_calls_keep_the_byte_order_of_a_first_call():
    # As every call did before the prepared paths: pooling returns the input's dtype (a
    # big-endian one stays so), a convolution its product's native order; values by hand.
    a = np.arange(16, dtype=">f4").reshape(1, 1, 4, 4)
    for _ in range(3):
        y = max_pool(a, 2)
        assert y.dtype.str == ">f4" and y.ravel().tolist() == [5, 7, 13, 15]
        z = avg_pool(a.astype(">f8"), 2)
        assert z.dtype.str == ">f8" and z.ravel().tolist() == [2.5, 4.5, 10.5, 12.5]
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    w = np.ones((1, 1, 3, 3))
    conv(x, w, padding=1)
    for _ in range(3):
        y = conv(x.astype(">f8"), w.astype(">f8"), padding=1)
        assert y.dtype.byteorder in ("=", "<" if np.little_endian else ">")
        # the corner sums its 2x2 neighbourhood: 0 + 1 + 4 + 5
        assert y[0, 0, 0, 0] == 10 and y.shape == (1, 1, 4, 4)


def test_a_large_picture_keeps_no_prepared_pipeline():
    # A picture too large for one gather goes on through the blocked path (bounded scratch
    # memory) and gives what run_pipeline gives; the lecture's size is prepared.
    from cnn_tui.engine.pipeline import run_pipeline

    features, strong = {"diag": np.eye(3) * 2 - 1}, {"x": [0]}
    # 200x200: conv 198x198, pooled 99x99, then 50x50: 2,500 values
    pipe = Pipeline(features, strong, vector_length=2500)
    big = np.where(np.random.default_rng(3).random((200, 200)) > 0.5, 1.0, -1.0)
    for _ in range(2):
        res = pipe.run(big)
    assert pipe._leans == {}
    ref = run_pipeline(big, features, strong, vector_length=2500)
    assert res.conv["diag"].tobytes() == ref.conv["diag"].tobytes()
    assert res.vector.tobytes() == ref.vector.tobytes()
    # 9x9: conv 7x7, pooled 4x4, then 2x2: 4 values
    small = Pipeline(features, strong, vector_length=4)
    small.run(big[:9, :9])
    assert list(small._leans) == [((9, 9), np.dtype(np.float64))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_lean_pipeline_floating_pictures_near_the_overflow_bound(dtype):
    """Floating pictures small enough that no sum can overflow, large ones whose sums stay
    finite, and ones whose sums overflow: every repeat gives the checked path's result or its
    error, bit for bit (signed zeros included)."""
    big = float(np.finfo(dtype).max)
    rng = np.random.default_rng(13)
    signs = np.where(rng.random((9, 9)) > 0.5, 1.0, -1.0)
    pictures = [signs * 0.0, -np.abs(signs) * 0.0, signs * 1e-300, signs * 2.5,
                np.where(signs > 0, 0.0, -0.0), signs * big / 8]
    if dtype == np.float64:
        pictures += [signs * 1e306, signs * 5e306, np.abs(signs) * 3e307]
    pipe = Pipeline(FEATURES, STRONG, vector_length=12)
    for pic in pictures:
        img = pic.astype(dtype)
        want = run_pipeline(img, FEATURES, STRONG, vector_length=12)
        for _ in range(3):
            _same(pipe.run(img), want)
    overflow = np.full((9, 9), 1e308)
    for _ in range(3):
        with pytest.raises(EngineError, match="^the result overflows"):
            pipe.run(overflow)
    for bad in (np.nan, np.inf, -np.inf):
        img = np.ones((9, 9), dtype=dtype)
        img[3, 5] = bad
        for _ in range(2):
            with pytest.raises(EngineError, match="^image contains NaN or infinity$"):
                pipe.run(img)


def test_lean_pipeline_signed_zeros_and_ties():
    """Pictures of signed zeros and of equal values (every max a tie) give the checked path's
    bits on the lean path, in every dtype and size the lecture takes."""
    pipe = Pipeline(FEATURES, STRONG, vector_length=12)
    for side in (7, 8, 9, 10):
        for pic in (np.zeros((side, side)), -np.zeros((side, side)), np.ones((side, side)),
                    np.eye(side) * -0.0, -np.ones((side, side))):
            for dtype in (np.float64, np.float32, np.int8):
                img = pic.astype(dtype)
                want = run_pipeline(img, FEATURES, STRONG, vector_length=12)
                for _ in range(2):
                    _same(pipe.run(img), want)


def test_small_pooling_cache_keys_on_the_settings_values():
    """Settings given as NumPy integers make a new (equal) geometry on every call: the prepared
    small pooling is found by its values, so repeats reuse one entry (no growth, no churn) and
    answer what plain ints and the plain loops answer."""
    pool_mod = importlib.import_module("cnn_tui.engine.pool")
    x = np.random.default_rng(14).normal(size=(1, 3, 7, 7))
    want = ref_pool(x, "max", (2, 2), (2, 2), ((0, 0), (0, 0)))
    np.testing.assert_array_equal(max_pool(x, 2, 2), want)
    for kw in (dict(stride=np.int64(2)), dict(kernel=np.int32(2), stride=np.int64(2)),
               dict(stride=(np.int64(2), 2), padding=np.int64(0))):
        kernel = kw.pop("kernel", 2)
        max_pool(x, kernel, **kw)
        small = dict(pool_mod._SMALL)
        passes = dict(pool_mod._PASSES)
        for _ in range(5):
            y = max_pool(x, kernel, **kw)
            assert y.tobytes() == max_pool(x, 2, 2).tobytes()
            np.testing.assert_array_equal(y, want)
            assert len(pool_mod._SMALL) == len(small) and len(pool_mod._PASSES) == len(passes)
            assert all(pool_mod._SMALL[k] is v for k, v in small.items())
    avg = avg_pool(x, 2, stride=np.int64(2))
    n = len(pool_mod._SMALL)
    for _ in range(3):
        assert avg_pool(x, 2, stride=np.int64(2)).tobytes() == avg.tobytes()
        assert len(pool_mod._SMALL) == n
    np.testing.assert_allclose(avg, ref_pool(x, "avg", (2, 2), (2, 2), ((0, 0), (0, 0))),
                               rtol=1e-12, atol=1e-15)


def test_small_pooling_repeats_with_plain_and_numpy_settings_agree():
    """A repeat with plain-int settings (found in one look-up) gives the bits that the same
    call with NumPy-integer settings (checked again every time) gives, for whole-number,
    float32, float64 and big-endian inputs, max and average; a setting that only compares equal
    to a plain one (np.True_ == 1) is still refused."""
    rng = np.random.default_rng(15)
    base = rng.integers(-4, 5, size=(1, 3, 7, 7))
    for x in (base, base.astype(np.float32), base * 0.37, (base * 0.37).astype(">f8")):
        for fn in (max_pool, avg_pool):
            for kernel, stride, ceil in ((2, 2, False), (2, 2, True), (3, 1, False)):
                first = fn(x, kernel, stride, ceil_mode=ceil)
                for _ in range(3):
                    y = fn(x, kernel, stride, ceil_mode=ceil)
                    z = fn(x, np.int64(kernel), np.int64(stride), ceil_mode=ceil)
                    assert y.dtype == z.dtype == first.dtype and y.shape == z.shape
                    assert y.tobytes() == z.tobytes() == first.tobytes()
                    assert y is not first
    x = base.astype(float)
    np.testing.assert_array_equal(max_pool(x, 1), x)
    for _ in range(2):
        np.testing.assert_array_equal(max_pool(x, 1), x)
        with pytest.raises(EngineError, match="pool window must be a whole number"):
            max_pool(x, np.True_)


def test_the_lean_pipeline_divides_only_the_values_it_keeps():
    """A repeat run reports no floating-point underflow that the first run of its shape does
    not: the product's columns that wrap past a row's end are never divided (a caller's
    np.errstate(under="raise") would see them)."""
    from cnn_tui.engine.pipeline import Pipeline
    from cnn_tui.lecture.data import FEATURES, STRONG, VECTOR_LENGTH

    p = Pipeline(FEATURES, STRONG, vector_length=VECTOR_LENGTH)
    p.run(np.zeros((9, 9)))                       # the shape is prepared
    img = np.zeros((9, 9))
    img[:, 6] = 1.0
    img[:, 8] = 1e-310                            # subnormal: /9 underflows only where it is
    with np.errstate(under="raise"):
        first = Pipeline(FEATURES, STRONG, vector_length=VECTOR_LENGTH).run(img)
        again = p.run(img)
    assert np.array_equal(first.vector, again.vector)
