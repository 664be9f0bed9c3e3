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


# --- the pictures beyond the lecture test set: illumination and the envelope ------------------
def test_the_lecture_test_set_stays_18_and_the_lesson_offers_more():
    from cnn_tui.lecture.data import ALL_PICTURES, LIGHTING
    from cnn_tui.lesson.workbench import PICTURES

    assert len(VARIANTS) == 18
    assert "x_faint" not in {v.name for v in VARIANTS}
    assert "envelope" not in {v.name for v in VARIANTS}
    for name in ("x_faint", "o_faint_ink", "envelope"):
        assert name in IMAGES and name in PICTURES
    assert [v.name for v in ALL_PICTURES] == list(PICTURES)
    assert len(set(PICTURES)) == len(PICTURES) == 18 + len(LIGHTING) + 1
    assert {v.kind for v in LIGHTING} == {"illumination"}


def test_fainter_pictures_keep_their_values():
    x, o = IMAGES["x"], IMAGES["o"]
    # x_faint: the X with ink +0.5 and paper -0.5, pixel by pixel (written by hand)
    for r in range(9):
        for c in range(9):
            assert IMAGES["x_faint"][r][c] == (0.5 if x[r][c] == 1 else -0.5)
            assert IMAGES["o_faint_ink"][r][c] == (0.5 if o[r][c] == 1 else -1.0)


def test_the_envelope_is_neither_letter_and_its_strokes_are_ink():
    from cnn_tui.lecture.data import ENVELOPE, ENVELOPE_STROKES, VARIANT_BY_NAME

    assert VARIANT_BY_NAME["envelope"] is ENVELOPE and ENVELOPE.label is None
    img = IMAGES["envelope"]
    assert img.shape == (9, 9) and set(np.unique(img)) == {-1, 1}
    # the drawing, by hand: a frame on rows 1 and 7 and columns 1 and 7, and a flap from the
    # top corners down to the middle pixel (4, 4)
    ink = {(1, c) for c in range(1, 8)} | {(7, c) for c in range(1, 8)}
    ink |= {(r, 1) for r in range(1, 8)} | {(r, 7) for r in range(1, 8)}
    ink |= {(2, 2), (3, 3), (4, 4), (3, 5), (2, 6)}
    assert {(r, c) for r in range(9) for c in range(9) if img[r][c] == 1} == ink
    covered = {p for s in ENVELOPE_STROKES for p in s.cells}
    assert covered == ink
    assert {s.direction for s in ENVELOPE_STROKES} == {"horizontal", "vertical", "deg45",
                                                      "deg135"}
