"""Every number of the lecture (tests/golden/lecture.toml, the tests' own copy) from the engine."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from cnn_tui.engine import (conv, conv_output_size, conv_single, conv_trace, fraction, lecture,
                            max_pool, pool_single, relu, run_pipeline, vote)

GOLDEN = tomllib.loads((Path(__file__).parents[1] / "golden" / "lecture.toml").read_text("utf-8"))
IMAGES = {k: np.array(v, dtype=float) for k, v in GOLDEN["images"].items()}
FEATURES = {k: np.array(v, dtype=float) for k, v in GOLDEN["features"].items()}
ORDER = ["diag", "x", "anti"]
STRONG = {"X": GOLDEN["votes"]["x_strong"], "O": GOLDEN["votes"]["o_strong"]}


def test_golden_copy_is_the_lecture():
    assert list(GOLDEN["features"]) == ORDER
    assert set(GOLDEN["images"]) == {"x", "o"}
    for img in IMAGES.values():
        assert img.shape == (9, 9) and set(np.unique(img)) == {-1.0, 1.0}


@pytest.mark.parametrize("w", GOLDEN["windows"], ids=lambda w: f"{w['feature']}@{w['at']}")
def test_single_windows(w):
    """The slide's two windows: products, their sum, and the printed value."""
    img, feat = IMAGES["x"], FEATURES[w["feature"]]
    # A 3x3 window with top-left corner (r, c) is output cell (r, c) without padding.
    t = conv_trace(img, feat, tuple(w["at"]), mode="mean")
    np.testing.assert_array_equal(t.products, np.array(w["products"], dtype=float))
    assert t.total == w["sum"]
    assert t.divisor == 9
    assert lecture(t.value) == w["value"]
    assert t.origin == tuple(w["at"])
    assert t.in_input.all()
    r, c = w["at"]
    np.testing.assert_array_equal(t.patch, img[r:r + 3, c:c + 3])


@pytest.mark.parametrize("image", ["x", "o"])
@pytest.mark.parametrize("feature", ORDER)
def test_conv_maps(image, feature):
    want = np.array(GOLDEN[f"conv_{image}_sum9"][feature], dtype=float)
    got = conv_single(IMAGES[image], FEATURES[feature], mode="mean")
    assert got.shape == (7, 7)
    np.testing.assert_allclose(got * 9, want, atol=1e-12)
    # sum mode is the numerator itself, exactly
    np.testing.assert_array_equal(conv_single(IMAGES[image], FEATURES[feature]), want)


def test_conv_batched_matches_maps():
    """Both images and all three features in one call, as the pipeline does it."""
    x = np.stack([IMAGES["x"], IMAGES["o"]])[:, None]
    w = np.stack([FEATURES[n] for n in ORDER])[:, None]
    y = conv(x, w, mode="mean")
    assert y.shape == (2, 3, 7, 7)
    for i, image in enumerate(["x", "o"]):
        for j, feat in enumerate(ORDER):
            np.testing.assert_allclose(y[i, j] * 9, GOLDEN[f"conv_{image}_sum9"][feat], atol=1e-12)


def test_display_strings():
    got = conv_single(IMAGES["x"], FEATURES["diag"], mode="mean")
    rows = [" ".join(lecture(v) for v in row) for row in got]
    assert rows == GOLDEN["display"]["conv_x_diag"]


@pytest.mark.parametrize("image", ["x", "o"])
@pytest.mark.parametrize("feature", ORDER)
def test_pooled_maps(image, feature):
    c = conv_single(IMAGES[image], FEATURES[feature], mode="mean")
    p = pool_single(relu(c), "max", 2, 2, ceil_mode=True)
    assert p.shape == (4, 4)
    np.testing.assert_allclose(p * 9, GOLDEN[f"pool_{image}_sum9"][feature], atol=1e-12)
    # The golden file notes that pooling before ReLU gives the same here.
    np.testing.assert_allclose(relu(pool_single(c, "max", 2, 2, ceil_mode=True)), p)


@pytest.mark.parametrize("image", ["x", "o"])
def test_pipeline_vector_and_votes(image):
    res = run_pipeline(IMAGES[image], {n: FEATURES[n] for n in ORDER}, STRONG, vector_length=12)
    np.testing.assert_allclose(res.vector * 9, GOLDEN["vote_vectors_sum9"][image], atol=1e-12)
    for n in ORDER:
        np.testing.assert_allclose(res.conv[n] * 9, GOLDEN[f"conv_{image}_sum9"][n], atol=1e-12)
        np.testing.assert_allclose(res.pool[n] * 9, GOLDEN[f"pool_{image}_sum9"][n], atol=1e-12)
        np.testing.assert_allclose(res.relu[n], np.maximum(res.conv[n], 0))
    # image x -> X 1.0, O 5/9; image o -> X 5/9, O 1.0 (the golden file's comment).
    want = {"x": {"X": 1.0, "O": 5 / 9}, "o": {"X": 5 / 9, "O": 1.0}}[image]
    assert res.votes == pytest.approx(want, abs=1e-12)
    assert fraction(res.votes["X" if image == "o" else "O"]) == "5/9"
    assert res.prediction == image.upper()
    assert not res.tie


def test_pipeline_stacking_is_second_pool():
    """The 12 values are the 2x2 maps of a second pooling, flattened in feature order."""
    res = run_pipeline(IMAGES["x"], {n: FEATURES[n] for n in ORDER}, STRONG)
    for n in ORDER:
        np.testing.assert_allclose(res.pool2[n],
                                   pool_single(res.pool[n], "max", 2, 2, ceil_mode=True))
    np.testing.assert_allclose(res.vector, np.concatenate([res.pool2[n].ravel() for n in ORDER]))


def test_votes_rule_on_canonical_vectors():
    for image in ("x", "o"):
        v = np.array(GOLDEN["vote_vectors_sum9"][image], dtype=float) / 9
        got = vote(v, STRONG)
        # Hand calculation of "mean of the inputs at the strong positions".
        for cat, pos in STRONG.items():
            assert got[cat] == pytest.approx(sum(v[p] for p in pos) / len(pos), abs=1e-12)


def test_votes_new_input():
    g = GOLDEN["votes"]
    got = vote(g["new_input"], STRONG)
    assert got["X"] == pytest.approx(g["new_vote_x"], abs=1e-12)
    assert got["O"] == pytest.approx(g["new_vote_o"], abs=1e-12)
    assert list(got) == ["X", "O"]


def _norm(s: str) -> str:
    return s.replace("×", "*")


def test_practice_output_and_working():
    p = GOLDEN["practice"]
    x = np.array(p["input"], dtype=float)
    k = np.array(p["kernel"], dtype=float)
    out = conv_single(x, k)
    np.testing.assert_array_equal(out, p["output"])
    cells = [(0, 0), (0, 1), (1, 0), (1, 1)]
    for cell, want in zip(cells, p["working"]):
        t = conv_trace(x, k, cell)
        assert _norm(t.working()) == want
        assert t.value == out[cell]
        assert "×" in t.working()


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_padding_stride(stride):
    ps = GOLDEN["padding_stride"]
    want = ps["outputs"][str(stride)]
    n, k, p = ps["input"], ps["kernel"], ps["padding"]
    assert conv_output_size(n, k, stride, p, p) == want
    y = conv_single(IMAGES["x"], FEATURES["diag"], stride=stride, padding=p)
    assert y.shape == (want, want)
    # The formula the golden file states.
    assert want == (n + 2 * p - k) // stride + 1


def test_edge_kernels():
    """Edge kernels: each sums to zero and answers most strongly to its own line."""
    e = {k: np.array(v, dtype=float) for k, v in GOLDEN["edge_kernels"].items()}
    assert set(e) == {"horizontal", "vertical", "deg45", "deg135"}
    for name, k in e.items():
        assert k.shape == (3, 3) and k.sum() == 0
    # A horizontal line through the middle of a 5x5 picture.
    pic = -np.ones((5, 5))
    pic[2] = 1
    responses = {name: conv_single(pic, k).max() for name, k in e.items()}
    assert max(responses, key=responses.get) == "horizontal"
    assert responses["horizontal"] == 12.0  # 3 ink cells x 2 + 6 paper cells x (-1)(-1)
    assert max((conv_single(pic.T, k).max(), name) for name, k in e.items())[1] == "vertical"
    diag = np.where(np.eye(5) > 0, 1.0, -1.0)
    assert max((conv_single(diag, k).max(), name) for name, k in e.items())[1] == "deg135"
    assert max((conv_single(diag[:, ::-1], k).max(), name)
               for name, k in e.items())[1] == "deg45"


# --- parameter counts ---------------------------------------------------------------------------
def _mlp_params(sizes, bias=True):
    return sum((a + (1 if bias else 0)) * b for a, b in zip(sizes, sizes[1:]))


def _conv_params(filters, k, channels, bias):
    return filters * (k * k * channels + (1 if bias else 0))


def test_params_numbers():
    p = GOLDEN["params"]
    assert _mlp_params([20, 20, 20, 1]) == p["mlp_20_20_20_1"] == (20 + 1) * 20 + (20 + 1) * 20 + 21
    assert _mlp_params([256 * 256, 20, 20, 1]) == p["mlp_65536_20_20_1"]
    assert _mlp_params([1024, 1024], bias=False) == p["dense_1024_to_1024_no_bias"]
    assert _conv_params(9, 7, 1, bias=False) == p["conv_9_filters_7x7_no_bias"]
    # The engine's conv agrees on its weight count: a (9, 1, 7, 7) kernel has 441 numbers.
    w = np.zeros((9, 1, 7, 7))
    assert conv(np.zeros((1, 1, 7, 7)), w).shape == (1, 9, 1, 1)
    assert w.size == p["conv_9_filters_7x7_no_bias"]


def test_pool_of_lecture_is_ceil_mode():
    """7x7 -> 4x4: the partial windows on the border are kept."""
    c = conv(IMAGES["x"][None, None], FEATURES["diag"][None, None], mode="mean")
    assert max_pool(c, 2, 2, ceil_mode=True).shape == (1, 1, 4, 4)
    assert max_pool(c, 2, 2).shape == (1, 1, 3, 3)


def test_lesson_data_matches_golden():
    """The lesson's built-in data is the lecture's (the app and the CLI use it)."""
    from cnn_tui.lecture import data

    for name, img in IMAGES.items():
        np.testing.assert_array_equal(np.asarray(data.IMAGES[name], dtype=float), img)
    assert list(data.FEATURES) == ORDER
    for name, f in FEATURES.items():
        np.testing.assert_array_equal(np.asarray(data.FEATURES[name], dtype=float), f)
    for name, k in GOLDEN["edge_kernels"].items():
        np.testing.assert_array_equal(np.asarray(data.EDGE_KERNELS[name], dtype=float), k)
    assert {k: list(v) for k, v in data.STRONG.items()} == STRONG
    assert list(data.FUTURE_VALUES) == GOLDEN["votes"]["new_input"]
    np.testing.assert_array_equal(data.PRACTICE_INPUT, GOLDEN["practice"]["input"])
    np.testing.assert_array_equal(data.PRACTICE_KERNEL, GOLDEN["practice"]["kernel"])


@pytest.mark.parametrize("image", ["x", "o"])
def test_lecture_pipeline_of_lesson(image):
    from cnn_tui.lecture.network import lecture_pipeline

    res = lecture_pipeline(IMAGES[image])
    np.testing.assert_allclose(res.vector * 9, GOLDEN["vote_vectors_sum9"][image], atol=1e-12)
    assert res.prediction == image.upper()


def test_engine_params_calculator():
    """The engine's calculator gives the lecture's parameter counts (formulas above)."""
    from cnn_tui.engine import EngineError, conv_params, dense_layers, dense_params

    p = GOLDEN["params"]
    assert dense_params([20, 20, 20, 1]) == p["mlp_20_20_20_1"]
    assert dense_params([256 * 256, 20, 20, 1]) == p["mlp_65536_20_20_1"]
    assert dense_params([1024, 1024], bias=False) == p["dense_1024_to_1024_no_bias"]
    assert conv_params(9, 7, 1, bias=False) == p["conv_9_filters_7x7_no_bias"]
    assert conv_params(9, (7, 7), bias=False) == p["conv_9_filters_7x7_no_bias"]
    assert conv_params(3, 3) == 3 * 9 + 3  # the lecture's three 3x3 features, with biases
    assert conv_params(16, (3, 3, 3), channels=8) == 16 * 8 * 27 + 16
    layers = dense_layers([20, 20, 20, 1])
    assert [(l.weights, l.biases, l.total) for l in layers] == [(400, 20, 420), (400, 20, 420),
                                                                (20, 1, 21)]
    assert layers[0].label == "20 -> 20"
    for bad in ([20], [20, 0], [20, 2.5]):
        with pytest.raises(EngineError):
            dense_params(bad)
    with pytest.raises(EngineError):
        conv_params(0, 3)
    with pytest.raises(EngineError):
        conv_params(1, (3, 0))
