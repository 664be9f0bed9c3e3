"""Random practice: reproducible by seed, every kind, and solvable (answers checked by a loop)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cnn_tui.engine import format_value
from cnn_tui.quiz.grade import accepts, parse_answer
from cnn_tui.quiz.randomgen import GENERATORS, random_puzzles

import quizref


def _fingerprint(ps):
    return [(p.title, [s.values.tolist() for s in p.shown], p.answer.tolist()) for p in ps]


def test_same_seed_same_puzzles():
    assert _fingerprint(random_puzzles(7)) == _fingerprint(random_puzzles(7))
    assert _fingerprint(random_puzzles(7)) != _fingerprint(random_puzzles(8))


def test_every_kind_appears():
    ps = random_puzzles(1)
    assert len(ps) == len(GENERATORS)
    assert {p.kind for p in ps} == {"conv", "relu", "pool", "output_size", "params", "vote",
                                     "shape_chain", "softmax"}
    assert len({p.id for p in random_puzzles(1, 25)}) == 25


@pytest.mark.parametrize("seed", range(12))
def test_random_puzzles_are_solvable(seed):
    for p in random_puzzles(seed):
        assert p.hints and p.question
        for r, c in p.cells():
            truth = float(p.answer[r, c])
            for style in ("lecture", "fraction", "number"):
                assert accepts(parse_answer(format_value(truth, style)), truth), (p.title, truth)
            assert p.working(r, c)


@pytest.mark.parametrize("seed", range(6))
def test_random_answers_match_plain_loops(seed):
    for p in random_puzzles(seed):
        x = p.shown[0].values.tolist() if p.shown else None
        if p.title.startswith("Convolve by hand"):
            assert p.answer.tolist() == quizref.conv2d(x, p.shown[1].values.tolist())
        elif p.title.startswith("Filter a picture"):
            ref = quizref.conv2d(x, p.shown[1].values.tolist(), mean=True)
            assert np.allclose(p.answer, ref)
        elif p.title.startswith("Stride and padding"):
            assert p.answer.tolist() == quizref.conv2d(x, p.shown[1].values.tolist(), stride=2,
                                                       padding=1)
        elif p.title.startswith("A 1D"):
            assert p.answer.tolist() == [quizref.conv1d(x[0], p.shown[1].values[0].tolist())]
        elif p.kind == "relu":
            assert p.answer.tolist() == [[max(0.0, v) for v in row] for row in x]
        elif p.kind == "pool":
            op = "max" if "Max" in p.title else "avg"
            assert np.allclose(p.answer, quizref.pool2d(x, op))
        elif p.kind == "vote":
            assert np.allclose(p.answer[0], [quizref.mean_at(x[0], [0, 3, 4, 9, 10]),
                                             quizref.mean_at(x[0], [1, 2, 8, 11])])
        elif p.kind == "output_size":
            # The numbers come from the question the learner reads; the strides from the labels.
            m = re.search(r"(\d+)x\1 input, a (\d+)x\2 kernel and padding (\d+)", p.question)
            assert m, p.question
            n, k, pad = (int(g) for g in m.groups())
            strides = [int(label.split()[-1]) for label in p.col_labels]
            assert strides == [1, 2, 3]
            assert p.answer.tolist() == [[float((n + 2 * pad - k) // s + 1) for s in strides]]
        elif p.kind == "params":
            mlp = re.search(r"MLP (\d+) -> (\d+) -> (\d+) -> 1 with biases", p.question)
            cnv = re.search(r"(\d+) filters of (\d+)x\2 on 3 channels with biases", p.question)
            assert mlp and cnv, p.question
            a, b, c = (int(g) for g in mlp.groups())
            f, k = (int(g) for g in cnv.groups())
            dense = (a + 1) * b + (b + 1) * c + (c + 1) * 1  # weights plus one bias per output
            conv_layer = f * (3 * k * k + 1)                 # each filter: 3 x k x k, plus a bias
            assert p.col_labels == ["MLP", "conv"]
            assert p.answer.tolist() == [[float(dense), float(conv_layer)]]
        elif p.kind == "softmax":
            a, b = x[0]
            ea, eb = math.exp(a), math.exp(b)
            assert np.allclose(p.answer, [[ea / (ea + eb), eb / (ea + eb)]])
        elif p.kind == "shape_chain":
            m = re.search(r"(\d+)x\1 picture goes through a (\d+)x\2 convolution, a (\d+)x\3 ",
                          p.question)
            assert m, p.question
            n, k1, k2 = (int(g) for g in m.groups())
            a = n - k1 + 1
            b = a - k2 + 1
            assert p.answer.tolist() == [[float(a), float(b), float(b // 2)]]
        else:
            pytest.fail(f"no plain-loop check for random puzzle {p.title!r} (kind {p.kind})")
