"""The two puzzles of the "sequences" chapter: a GATA-style motif count in one-hot DNA and a
2x2x2 kernel through two frames. The answers are worked here by plain loops (counting equal
letters; a triple loop over frames, rows and columns) and typed into a quiz session."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.quiz.grade import grade_cell
from cnn_tui.quiz.puzzle import load_dir, load_file
from cnn_tui.quiz.session import QuizSession

ROOT = Path(__file__).resolve().parents[2]
PUZZLES = ROOT / "puzzles"
DNA = PUZZLES / "36-dna-motif.toml"
VIDEO = PUZZLES / "37-moving-line-3d.toml"


def matches(seq: str, motif: str) -> list[int]:
    """By hand: how many letters of each window equal the motif's."""
    k = len(motif)
    return [sum(seq[i + j] == motif[j] for j in range(k)) for i in range(len(seq) - k + 1)]


def conv3d(x, k) -> list[list[list[int]]]:
    T, H, W = len(x), len(x[0]), len(x[0][0])
    kt, kh, kw = len(k), len(k[0]), len(k[0][0])
    return [[[sum(x[t + a][r + b][c + d] * k[a][b][d]
                  for a in range(kt) for b in range(kh) for d in range(kw))
              for c in range(W - kw + 1)] for r in range(H - kh + 1)] for t in range(T - kt + 1)]


def answer_entries(p, values: dict) -> list[list[str]]:
    rows, cols = p.shape
    return [[str(values.get((r, c), "")) for c in range(cols)] for r in range(rows)]


def test_both_puzzles_load_cleanly_in_the_curriculum():
    cur = load_dir(PUZZLES)
    assert cur.problems == []
    ids = [p.id for p in cur.puzzles]
    assert ids[-2:] == ["dna-motif", "moving-line-3d"]
    for p in cur.puzzles[-2:]:
        assert p.kind == "conv" and len(p.hints) >= 2
        for r, c in p.cells():
            assert str(int(p.answer[r, c])) not in p.title


def test_the_dna_input_is_the_one_hot_sequence_and_the_kernel_the_motif():
    p = load_file(DNA)
    seq, motif = "TTATGCTATA", "TATA"
    assert seq in p.question and motif in p.question
    one_hot = [[1 if b == base else 0 for b in seq] for base in "ACGT"]
    kernel = [[1 if b == base else 0 for b in motif] for base in "ACGT"]
    assert p.shown[0].values.tolist() == one_hot
    assert p.shown[1].values.tolist() == kernel
    assert p.answer[0].tolist() == matches(seq, motif) == [1, 3, 0, 1, 2, 0, 4]
    # the full match is where str.find finds the motif
    assert p.answer[0].tolist().index(4) == seq.find(motif) == 6


def test_the_dna_answer_is_accepted_and_a_wrong_one_refused():
    p = load_file(DNA)
    ref = matches("TTATGCTATA", "TATA")
    assert p.cells() == [(0, 1), (0, 4), (0, 6)]
    for r, c in p.cells():
        assert grade_cell(str(ref[c]), float(p.answer[r, c])).right
        assert not grade_cell(str(ref[c] + 1), float(p.answer[r, c])).right
    assert p.working(0, 6).startswith("output row 0, column 6: 0×0 + 1×1 + 0×0 + 1×1")


def test_the_video_puzzle_is_a_3d_convolution():
    p = load_file(VIDEO)
    frames = [s.values.tolist() for s in p.shown[:2]]
    kernel = [s.values.tolist() for s in p.shown[2:]]
    # by hand: the line is in column 0 of frame 1 and in column 1 of frame 2
    assert frames[0] == [[1, -1, -1]] * 3 and frames[1] == [[-1, 1, -1]] * 3
    ref = conv3d(frames, kernel)
    assert len(ref) == 1                              # as deep as the video: one output frame
    assert p.answer.tolist() == ref[0]
    assert ref[0][0] == [8, -4]                        # all 8 agree; 2 - 6 on the right


def test_the_answers_typed_in_a_session_solve_the_puzzles(tmp_path):
    session = QuizSession(load_dir(PUZZLES), start="dna-motif")
    p = session.puzzle
    ref = matches("TTATGCTATA", "TATA")
    wrong = session.submit(answer_entries(p, {(0, 1): 3, (0, 4): 2, (0, 6): 3}))
    assert not wrong.solved and "2 of 3 cells right" in wrong.message
    right = session.submit(answer_entries(p, {(r, c): ref[c] for r, c in p.cells()}))
    assert right.solved
    session.next()
    p = session.puzzle
    assert p.id == "moving-line-3d"
    ref = conv3d([s.values.tolist() for s in p.shown[:2]],
                 [s.values.tolist() for s in p.shown[2:]])[0]
    assert not session.submit(answer_entries(p, {(0, 0): 8, (0, 1): 4})).solved
    assert session.submit(answer_entries(p, {(r, c): ref[r][c] for r, c in p.cells()})).solved


@pytest.mark.parametrize("path", [DNA, VIDEO])
def test_the_worked_answer_names_every_product(path):
    p = load_file(path)
    for r, c in p.cells():
        work = p.working(r, c)
        assert work.endswith(f"= {int(p.answer[r, c])}")
        assert work.count("×") == (16 if path == DNA else 8)
