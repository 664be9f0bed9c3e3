"""The lesson's pictures: the canonical X and O are the lecture's, and the trickier variants the
lecture names (translation, scaling, rotation, weight) exist for both letters, all 9x9 of +-1."""

import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from cnn_tui.lecture.data import IMAGES, VARIANTS, drawing, picture
from cnn_tui.lecture.network import lecture_pipeline, variant_report


def test_every_picture_is_9x9_of_plus_minus_one():
    for v in VARIANTS:
        assert v.image.shape == (9, 9), v.name
        assert set(np.unique(v.image)) <= {-1, 1}, v.name
        assert v.label in ("X", "O")


def test_two_variants_of_each_kind_for_each_letter():
    counts = Counter((v.label, v.kind) for v in VARIANTS if v.kind != "canonical")
    for label in ("X", "O"):
        for kind in ("translation", "scaling", "rotation", "weight"):
            assert counts[(label, kind)] >= 2, (label, kind)


def test_names_are_unique_and_variants_differ_from_the_canonical_pictures():
    names = [v.name for v in VARIANTS]
    assert len(names) == len(set(names))
    for v in VARIANTS:
        if v.kind != "canonical":
            canonical = IMAGES[v.label.lower()]
            assert (v.image != canonical).any(), v.name


def test_translations_are_the_canonical_picture_moved():
    # x_right: every ink pixel of X moved one column right (by hand: X has no ink in column 8).
    x = IMAGES["x"]
    moved = np.full_like(x, -1)
    moved[:, 1:] = x[:, :-1]
    assert (IMAGES["x_right"] == moved).all()
    o = IMAGES["o"]
    down = np.full_like(o, -1)
    down[1:, :] = o[:-1, :]
    assert (IMAGES["o_down"] == down).all()


def test_picture_and_drawing_round_trip():
    art = "#.\n.#"
    assert picture(art).tolist() == [[1, -1], [-1, 1]]
    assert drawing(picture(art)) == art


@pytest.mark.parametrize("name, expected", [("x", "X"), ("o", "O")])
def test_canonical_pictures_are_predicted_right(name, expected):
    assert lecture_pipeline(IMAGES[name]).prediction == expected


def _loop_pipeline(image, features, strong):
    """The lecture's network in plain Python loops (independent of the engine)."""
    def conv_mean(img, f):
        n, k = len(img), len(f)
        return [[sum(img[r + i][c + j] * f[i][j] for i in range(k) for j in range(k)) / (k * k)
                 for c in range(n - k + 1)] for r in range(n - k + 1)]

    def pool_ceil(m):  # 2x2, stride 2, partial windows kept
        n = len(m)
        return [[max(m[i][j] for i in range(r, min(r + 2, n)) for j in range(c, min(c + 2, n)))
                 for c in range(0, n, 2)] for r in range(0, n, 2)]

    vector = []
    for f in features:
        m = [[max(0.0, v) for v in row] for row in conv_mean(image, f)]
        vector += [v for row in pool_ceil(pool_ceil(m)) for v in row]
    return {name: sum(vector[i] for i in pos) / len(pos) for name, pos in strong.items()}


def test_variant_report_matches_a_plain_loop_network():
    golden = tomllib.loads((Path(__file__).parent / "golden" / "lecture.toml").read_text())
    feats = [golden["features"][n] for n in ("diag", "x", "anti")]
    strong = {"X": golden["votes"]["x_strong"], "O": golden["votes"]["o_strong"]}
    rows = variant_report()
    assert [v.name for v, _, _ in rows] == [v.name for v in VARIANTS]
    wrong = set()
    for v, res, ok in rows:
        votes = _loop_pipeline(v.image.tolist(), feats, strong)
        assert res.votes == pytest.approx(votes, abs=1e-12), v.name
        expected = max(votes, key=votes.get)
        tie = abs(votes["X"] - votes["O"]) < 1e-12
        assert ok == (expected == v.label and not tie), v.name
        if not ok:
            wrong.add(v.name)
    # What the lesson tells the learner: the plus sign, the bold X and the heavy O fool it.
    assert wrong == {"x_plus", "x_bold", "o_heavy"}


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "cnn_tui", "--version"], capture_output=True,
                         text=True, check=True)
    assert "0.1.0" in out.stdout
