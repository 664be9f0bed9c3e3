"""The curriculum follows the lecture: its puzzles' engine answers match the tests' golden copy
of lecture.toml or an independent plain-loop reference."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from cnn_tui.quiz.grade import accepts
from cnn_tui.quiz.puzzle import load_dir

import quizref

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = tomllib.loads((ROOT / "tests" / "golden" / "lecture.toml").read_text("utf-8"))
CUR = load_dir(ROOT / "puzzles")
BY_ID = {p.id: p for p in CUR.puzzles}


def _toml(name):
    return tomllib.loads((ROOT / "puzzles" / name).read_text("utf-8"))


def test_curriculum_is_complete_and_clean():
    assert CUR.problems == []
    assert len(CUR.puzzles) >= 24
    assert [p.order for p in CUR.puzzles] == sorted(p.order for p in CUR.puzzles)
    kinds = {p.kind for p in CUR.puzzles}
    assert kinds == {"conv", "relu", "pool", "output_size", "params", "vote",
                     "shape_chain", "softmax"}
    assert all(p.hints and all(h.strip() for h in p.hints) for p in CUR.puzzles)


def test_every_puzzle_has_its_own_file_documented_in_the_readme():
    readme = (ROOT / "puzzles" / "README.md").read_text("utf-8")
    for p in CUR.puzzles:
        assert f"| {p.id} |" in readme, p.id
    assert "0.005" in readme and "cut toward zero" in readme


def test_practice_is_the_lecture_practice():
    p = BY_ID["practice"]
    assert p.answer.tolist() == GOLDEN["practice"]["output"]
    expected = [w.replace("*", "×") for w in GOLDEN["practice"]["working"]]
    got = [p.working(r, c).split(": ", 1)[1] for r, c in p.cells()]
    assert got == expected
    assert BY_ID["practice-first-cell"].cells() == [(0, 0)]


@pytest.mark.parametrize("pid, feature, image, cells", [
    ("window-perfect-match", "diag", "x", [(1, 1)]),
    ("window-partial-match", "diag", "x", [(3, 3)]),
    ("window-corner", "diag", "x", [(0, 0)]),
    ("window-cross-feature", "x", "x", [(0, 0), (3, 3)]),
    ("window-anti", "anti", "x", [(0, 6), (2, 2)]),
    ("window-o", "diag", "o", [(1, 5), (2, 1)]),
])
def test_single_windows_match_the_lecture_maps(pid, feature, image, cells):
    p = BY_ID[pid]
    assert p.cells() == cells
    golden = GOLDEN[f"conv_{image}_sum9"][feature]
    for r, c in cells:
        assert p.answer[r, c] == pytest.approx(golden[r][c] / 9)


def test_lecture_window_055_is_the_slide():
    slide = GOLDEN["windows"][1]
    p = BY_ID["window-partial-match"]
    assert p.cells() == [tuple(slide["at"])]
    assert p.answer[3, 3] * 9 == pytest.approx(slide["sum"])
    assert p.working(3, 3).endswith(f"= {slide['sum']}/9 = {slide['value']}")


def test_output_sizes_are_the_lecture_ones():
    ps = GOLDEN["padding_stride"]
    p = BY_ID["output-size-stride"]
    assert p.col_labels == ["stride 2", "stride 3", "stride 4"]
    assert p.answer[0].tolist() == [ps["outputs"][str(s)] for s in (2, 3, 4)]
    assert BY_ID["output-size-no-padding"].answer[0].tolist() == [7, 4]   # (9-3)//1+1, (9-3)//2+1
    assert BY_ID["pool-output-size"].answer[0].tolist() == [4]            # 7x7 -> 4x4 ceil


def test_relu_and_pooling_of_the_lecture_map():
    diag = GOLDEN["conv_x_sum9"]["diag"]
    row = BY_ID["relu-lecture-row"]
    assert [row.answer[r, c] * 9 for r, c in row.cells()] == pytest.approx(
        [max(0, v) for v in diag[3]])
    pooled = BY_ID["maxpool-lecture"]
    gold = GOLDEN["pool_x_sum9"]["diag"]
    for r, c in pooled.cells():
        assert pooled.answer[r, c] * 9 == pytest.approx(gold[r][c])


@pytest.mark.parametrize("name", ["15-maxpool-small.toml", "16-maxpool-border.toml",
                                  "18-avgpool.toml", "19-avgpool-border.toml"])
def test_pooling_puzzles_match_a_plain_loop(name):
    spec = _toml(name)
    p = BY_ID[spec["id"]]
    ref = quizref.pool2d(spec["input"], spec["op"])
    assert p.answer.tolist() == ref  # small whole numbers and quarters: exact in binary


@pytest.mark.parametrize("name, kw", [
    ("02-practice.toml", {}), ("10-edge-kernel.toml", {}),
    ("28-stride-padding.toml", {"stride": 2, "padding": 1}),
    ("29-dilation.toml", {"dilation": 2}),
])
def test_conv_puzzles_match_a_plain_loop(name, kw):
    from cnn_tui.lecture.data import KERNELS

    spec = _toml(name)
    k = spec["kernel"]
    k = KERNELS[k].tolist() if isinstance(k, str) else k
    assert BY_ID[spec["id"]].answer.tolist() == quizref.conv2d(spec["input"], k, **kw)


def test_two_channels_and_1d_match_a_plain_loop():
    spec = _toml("30-two-channels.toml")
    a = quizref.conv2d(spec["input"][0], spec["kernel"][0])
    b = quizref.conv2d(spec["input"][1], spec["kernel"][1])
    assert BY_ID["two-channels"].answer.tolist() == [[x + y for x, y in zip(ra, rb)]
                                                     for ra, rb in zip(a, b)]
    spec = _toml("27-conv1d.toml")
    assert BY_ID["conv1d"].answer.tolist() == [quizref.conv1d(spec["input"], spec["kernel"])]


def test_pad_with_paper_by_hand():
    x = GOLDEN["images"]["x"]
    d = GOLDEN["features"]["diag"]
    ref = quizref.conv2d(x, d, padding=1, pad_value=-1, mean=True)
    assert BY_ID["pad-with-paper"].answer[0, 0] == pytest.approx(ref[0][0]) == pytest.approx(5 / 9)


def test_votes_follow_the_lecture_rule():
    v = GOLDEN["votes"]
    xs, os_ = v["x_strong"], v["o_strong"]
    for image, pid in (("x", "vote-x"), ("o", "vote-o")):
        vec = [n / 9 for n in GOLDEN["vote_vectors_sum9"][image]]
        assert BY_ID[pid].answer[0].tolist() == pytest.approx(
            [quizref.mean_at(vec, xs), quizref.mean_at(vec, os_)])
    new = BY_ID["vote-new"]
    assert new.answer[0].tolist() == pytest.approx([v["new_vote_x"], v["new_vote_o"]])
    assert new.col_labels == ["X", "O"]


def test_parameter_counts_are_the_lecture_ones():
    g = GOLDEN["params"]
    assert BY_ID["params-mlp"].answer[0].tolist() == [g["mlp_20_20_20_1"]]
    assert BY_ID["params-image-mlp"].answer[0].tolist() == [g["mlp_65536_20_20_1"]]
    assert BY_ID["params-dense-vs-conv"].answer[0].tolist() == [
        g["dense_1024_to_1024_no_bias"], g["conv_9_filters_7x7_no_bias"]]
    assert BY_ID["params-mlp"].working(0, 0) == "(20+1)×20 + (20+1)×20 + (20+1)×1 = 861"


def test_every_stated_answer_is_accepted_and_every_cell_explains_itself():
    for p in CUR.puzzles:
        for (r, c), text in p.stated:
            assert accepts(float(Fraction(text)), float(p.answer[r, c])), (p.id, text)
        for r, c in p.cells():
            assert p.working(r, c).strip()


def test_sequence_puzzles_match_a_plain_loop():
    # one-hot DNA: a 4-row kernel over a 4-row table is a 1-D slide along the sequence
    spec = _toml("36-dna-motif.toml")
    assert BY_ID["dna-motif"].answer.tolist() == quizref.conv2d(spec["input"], spec["kernel"])
    # two frames and a kernel two frames deep: the frames' 2-D sums added up
    spec = _toml("37-moving-line-3d.toml")
    a = quizref.conv2d(spec["input"][0], spec["kernel"][0])
    b = quizref.conv2d(spec["input"][1], spec["kernel"][1])
    assert BY_ID["moving-line-3d"].answer.tolist() == [[x + y for x, y in zip(ra, rb)]
                                                       for ra, rb in zip(a, b)]
