"""The fainter pictures: what illumination does to the lecture's network, checked against plain
Python loops written here (not the engine), and through the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.lecture.data import IMAGES, VARIANT_BY_NAME
from cnn_tui.lecture.network import lecture_pipeline, variant_report
from cnn_tui.lesson.model import LessonModel
from cnn_tui.lesson.workbench import Workbench

# The lecture's features and vote positions, written out by hand.
DIAG = [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]
CROSS = [[1, -1, 1], [-1, 1, -1], [1, -1, 1]]
ANTI = [[-1, -1, 1], [-1, 1, -1], [1, -1, -1]]
FEATURES = {"diag": DIAG, "x": CROSS, "anti": ANTI}
STRONG = {"X": (0, 3, 4, 9, 10), "O": (1, 2, 8, 11)}


def conv_mean(img, f):
    n, k = len(img), len(f)
    return [[sum(img[r + i][c + j] * f[i][j] for i in range(k) for j in range(k)) / (k * k)
             for c in range(n - k + 1)] for r in range(n - k + 1)]


def pool(m):  # 2x2, stride 2, a partial window at the edge kept
    n = len(m)
    return [[max(m[i][j] for i in range(r, min(r + 2, n)) for j in range(c, min(c + 2, n)))
             for c in range(0, n, 2)] for r in range(0, n, 2)]


def loop_network(image):
    """conv (mean) -> ReLU -> pool -> pool for each feature, then the votes."""
    img = [[float(v) for v in row] for row in np.asarray(image)]
    stages, vector = {}, []
    for name, f in FEATURES.items():
        c = conv_mean(img, f)
        relu = [[max(0.0, v) for v in row] for row in c]
        p1 = pool(relu)
        p2 = pool(p1)
        stages[name] = (c, relu, p1, p2)
        vector += [v for row in p2 for v in row]
    votes = {k: sum(vector[i] for i in pos) / len(pos) for k, pos in STRONG.items()}
    return stages, vector, votes


def halved(m):
    return [[v / 2 for v in row] for row in m]


def test_x_faint_halves_every_map_and_both_votes():
    x = [[1 if ch == "#" else -1 for ch in row] for row in """
.........
.#.....#.
..#...#..
...#.#...
....#....
...#.#...
..#...#..
.#.....#.
.........""".split()]
    faint = [[v / 2 for v in row] for row in x]
    assert np.array_equal(IMAGES["x_faint"], faint)
    want_stages, want_vector, want_votes = loop_network(x)
    res = lecture_pipeline(IMAGES["x_faint"])
    for name in FEATURES:
        c, relu, p1, p2 = want_stages[name]
        assert np.allclose(res.conv[name], halved(c), atol=1e-12)
        assert np.allclose(res.relu[name], halved(relu), atol=1e-12)
        assert np.allclose(res.pool[name], halved(p1), atol=1e-12)
        assert np.allclose(res.pool2[name], halved(p2), atol=1e-12)
    assert np.allclose(res.vector, [v / 2 for v in want_vector], atol=1e-12)
    # the lecture: X votes 1.00 and O 5/9 for its X; the fainter X gets half of each
    assert want_votes["X"] == pytest.approx(1.0) and want_votes["O"] == pytest.approx(5 / 9)
    assert res.votes["X"] == pytest.approx(0.5) and res.votes["O"] == pytest.approx(5 / 18)
    assert res.prediction == "X" and not res.tie


def test_faint_ink_on_full_paper_is_no_scaled_copy():
    img = IMAGES["o_faint_ink"]
    _, vector, votes = loop_network(img)
    res = lecture_pipeline(img)
    assert res.votes == pytest.approx(votes, abs=1e-12)
    assert np.allclose(res.vector, vector, atol=1e-12)
    # what its description promises: O 0.83, X 0.47 (two decimals cut), still an O
    assert int(votes["O"] * 100) == 83 and int(votes["X"] * 100) == 47
    assert res.prediction == "O" and VARIANT_BY_NAME["o_faint_ink"].label == "O"
    _, full_vector, _ = loop_network(IMAGES["o"])
    ratios = {round(a / b, 6) for a, b in zip(vector, full_vector) if b}
    assert len(ratios) > 1          # the maps change unevenly: not one factor for all
    assert "O 0.83, X 0.47" in VARIANT_BY_NAME["o_faint_ink"].description


def test_lighting_report_uses_the_network_on_each_picture():
    from cnn_tui.lecture.data import LIGHTING

    rows = variant_report(LIGHTING)
    assert [(v.name, ok) for v, _, ok in rows] == [("x_faint", True), ("o_faint_ink", True)]


def test_the_workbench_keeps_half_values_and_drawing_flips_them():
    bench = Workbench(picture="x_faint")
    assert bench.image[1, 1] == 0.5 and bench.image[0, 0] == -0.5
    bench.toggle_pixel((0, 0))
    assert bench.image[0, 0] == 0.5 and bench.picture == "custom"
    bench.set_picture("x")
    assert bench.image.dtype == np.int8 and bench.image[0, 0] == -1
    bench.toggle_pixel((0, 0))
    assert bench.image[0, 0] == 1


def test_the_lesson_shows_the_faint_x_at_half_strength():
    m = LessonModel(chapter="votes", picture="x_faint")
    x_stages, _, _ = loop_network(IMAGES["x"])
    assert np.allclose(m.conv_map("diag"), halved(x_stages["diag"][0]))
    assert m.pipeline.votes["X"] == pytest.approx(0.5)
    assert m.fmt(m.conv_map("diag")[0][0]) == "0.38"   # 7/9 is 0.77; half of it 0.3888..


def test_cli_pipeline_on_x_faint_gives_halved_votes():
    run = CliRunner().invoke(cli, ["pipeline", "--image", "x_faint", "--json"],
                             prog_name="cnn-tui")
    assert run.exit_code == 0, run.output
    out = json.loads(run.stdout)
    assert out["votes"]["X"] == pytest.approx(0.5) and out["votes"]["O"] == pytest.approx(5 / 18)
    assert out["prediction"] == "X"
    assert out["image"][1][1] == 0.5 and out["image"][0][0] == -0.5
    full = json.loads(CliRunner().invoke(cli, ["pipeline", "--image", "x", "--json"],
                                         prog_name="cnn-tui").stdout)
    for name in FEATURES:
        assert np.allclose(out["conv"][name], np.asarray(full["conv"][name]) / 2)
        assert np.allclose(out["pool2"][name], np.asarray(full["pool2"][name]) / 2)


def test_cli_convolve_takes_the_envelope_by_name():
    run = CliRunner().invoke(cli, ["convolve", "--input", "envelope", "--kernel", "horizontal",
                                   "--json"], prog_name="cnn-tui")
    assert run.exit_code == 0, run.output
    out = json.loads(run.stdout)
    assert out["shape"] == [7, 7]
    assert out["output"][0][3] == 12          # the top edge: 3 x 2 on ink + 6 x 1 on paper


def test_faint_pictures_render_lighter_ink_and_half_numbers():
    from cnn_tui.render import INK, picture_text

    blocks = picture_text(IMAGES["x_faint"])
    lines = blocks.plain.split("\n")
    assert lines[1][2:4] == "▒▒" and lines[0][0:2] == "  "     # faint ink, faint paper
    full = picture_text(IMAGES["x"]).plain.split("\n")
    assert full[1][2:4] == "██"
    styles = {str(s.style) for s in blocks.spans}
    assert not any(INK in s for s in styles)                  # no full-strength ink
    numbers = picture_text(IMAGES["o_faint_ink"], numbers="numbers").plain.split("\n")
    assert numbers[1][6:8] == "+½" and numbers[0][0:2] == "-1"
    assert all(len(line) == 18 for line in numbers)           # two columns a pixel still


def test_the_literal_chapter_counts_a_fainter_copy_as_all_different():
    m = LessonModel(chapter="literal")
    m.compare = "x_faint"
    m._changed()
    # every pixel's value differs (+1 vs +0.5, -1 vs -0.5) though ink and paper agree
    assert m.agree_count == 0 and len(m.mismatches) == 81
    assert "only their strength differs" in m.verdict_sentence
    assert "A person sees X in both" in m.verdict_sentence
