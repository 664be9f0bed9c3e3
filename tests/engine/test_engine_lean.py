"""The lean small-picture path: shapes and settings are checked once, later calls reuse them.

A repeat call on the same shapes must answer exactly what the first call did (values from the
golden lecture file or the plain-loop reference) and refuse bad values with the same sentences;
the prepared lecture pipeline must give what :func:`run_pipeline` gives, value for value.
"""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import numpy as np
import pytest

from cnn_tui.engine import (EngineError, conv, conv_backward, conv_single, max_pool, pool_single,
                            relu, run_pipeline)
from cnn_tui.engine.pipeline import Pipeline
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
    """Two PipelineResults hold the same values, bit for bit."""
    np.testing.assert_array_equal(a.image, b.image)
    for field in ("features", "conv", "relu", "pool", "pool2"):
        da, db = getattr(a, field), getattr(b, field)
        assert list(da) == list(db)
        for n in da:
            assert da[n].dtype == db[n].dtype
            np.testing.assert_array_equal(da[n], db[n])
    np.testing.assert_array_equal(a.vector, b.vector)
    assert a.votes == b.votes and a.prediction == b.prediction


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
