"""The ``shape_chain`` and ``softmax`` kinds: they build, their answers are the hand-computed
ones, bad fields give one-line PuzzleErrors, and their random generators make puzzles that
build. Golden values are worked by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.quiz.grade import accepts
from cnn_tui.quiz.kinds import BY_NAME
from cnn_tui.quiz.puzzle import PuzzleError, build

HEAD = {"id": "a", "title": "T", "order": 1, "question": "Q?", "hints": ["h"]}
LECTURE_STACK = [{"op": "conv", "kernel": 3}, {"op": "conv", "kernel": 3},
                 {"op": "pool", "kernel": 2, "stride": 2}]


def chain(**kw):
    return build({**HEAD, "kind": "shape_chain", **kw})


def soft(**kw):
    return build({**HEAD, "kind": "softmax", **kw})


def test_the_lecture_stack_9_7_5_2():
    # 9 - 3 + 1 = 7; 7 - 3 + 1 = 5; floor((5 - 2) / 2) + 1 = 2 (floor mode drops the 5th row).
    p = chain(n=9, layers=LECTURE_STACK)
    assert p.answer.tolist() == [[7, 5, 2]]
    assert p.col_labels == ["conv 3", "conv 3", "pool 2"]
    assert [p.working(0, c).split(": ", 1)[-1] for c in range(3)] == [
        "⌊(9 − 3) / 1⌋ + 1 = 7", "⌊(7 − 3) / 1⌋ + 1 = 5", "⌊(5 − 2) / 2⌋ + 1 = 2"]


def test_padding_stride_and_ceil_mode():
    # conv 3 padding 1 stride 2 on 9: floor((9 + 2 - 3) / 2) + 1 = 5;
    # pool 2 in ceil mode on 5: ceil((5 - 2) / 2) + 1 = 3 (the partial window is kept);
    # pool 2 in floor mode on 3: floor(1 / 2) + 1 = 1.
    p = chain(n=9, layers=[{"op": "conv", "kernel": 3, "stride": 2, "padding": 1},
                           {"op": "pool", "kernel": 2, "ceil_mode": True},
                           {"op": "pool", "kernel": 2}])
    assert p.answer.tolist() == [[5, 3, 1]]
    assert p.col_labels == ["conv 3 s2", "pool 2", "pool 2"]
    assert p.working(0, 0).endswith("⌊(9 + 2×1 − 3) / 2⌋ + 1 = 5")
    assert p.working(0, 1).endswith("⌈(5 − 2) / 2⌉ + 1 = 3")


def test_ceil_mode_says_when_a_window_is_dropped():
    # n=1, window 2, stride 3, padding 1: ceil(1 / 3) + 1 = 2, the 2nd window would start at 3.
    p = chain(n=1, layers=[{"op": "pool", "kernel": 2, "stride": 3, "padding": 1,
                            "ceil_mode": True}])
    assert p.answer.tolist() == [[1]]
    assert "minus 1: the last window would start past the padded input = 1" in p.working(0, 0)


def test_softmax_of_2_and_0_by_hand():
    # e^2 / (e^2 + e^0) = 7.389056 / 8.389056 = 0.880797; 1 / 8.389056 = 0.119203.
    p = soft(scores=[2, 0])
    assert p.answer[0].tolist() == pytest.approx([0.8808, 0.1192], abs=5e-5)
    assert p.working(0, 0).endswith("e^2 / (e^2 + e^0) = 7.389 / (7.389 + 1) = 0.88")
    assert p.col_labels == ["class 1", "class 2"]


def test_softmax_lecture_style_accepts_the_cut_form():
    # e / (e + 1) = 0.7311: the cut 0.73 and the rounded 0.73; 1 / (e + 1) = 0.2689: 0.26 or 0.27.
    p = soft(scores=[1, 0], style="lecture", answer=[0.73, 0.26])
    assert p.answer.sum() == pytest.approx(1)
    for text, truth in (("0.73", p.answer[0, 0]), ("0.26", p.answer[0, 1]),
                        ("0.27", p.answer[0, 1])):
        assert accepts(float(text), float(truth))
    assert not accepts(0.72, float(p.answer[0, 0]))


def test_softmax_is_stable_and_explains_many_scores_briefly():
    p = soft(scores=[1000, 1000, 1000, 1000, 1000])
    assert p.answer[0].tolist() == pytest.approx([0.2] * 5)
    assert "…" in p.working(0, 0) and "inf" not in p.working(0, 0)


@pytest.mark.parametrize("kw, words", [
    ({"kind": "softmax", "scores": [1]}, "two or more numbers"),
    ({"kind": "softmax", "scores": "x"}, "two or more numbers"),
    ({"kind": "softmax", "scores": [1, "a"]}, "'scores'[1] must be a number"),
    ({"kind": "softmax", "scores": [[1, 2], [3, 4]]}, "1-D"),
    ({"kind": "softmax", "scores": list(range(101))}, "100 scores or fewer"),
    ({"kind": "shape_chain", "n": 9, "layers": []}, "non-empty list"),
    ({"kind": "shape_chain", "n": 0, "layers": LECTURE_STACK}, "'n' must be a whole number"),
    ({"kind": "shape_chain", "n": 9, "layers": [3]}, "layers[0] must be a table"),
    ({"kind": "shape_chain", "n": 9, "layers": [{"op": "dense"}]}, "\"conv\" or \"pool\""),
    ({"kind": "shape_chain", "n": 9, "layers": [{"op": "conv"}]}, "needs kernel"),
    ({"kind": "shape_chain", "n": 9, "layers": [{"op": "conv", "kernel": 3, "ceil_mode": True}]},
     "unknown keys: ceil_mode"),
    ({"kind": "shape_chain", "n": 9, "layers": [{"op": "conv", "kernel": 0}]},
     "layers[0] (conv): 'kernel' must be a whole number"),
    ({"kind": "shape_chain", "n": 9, "layers": [{"op": "pool", "kernel": 2, "padding": 2}]},
     "at most half the window"),
    ({"kind": "shape_chain", "n": 9, "layers": [{"op": "pool", "kernel": 2,
                                                  "ceil_mode": "yes"}]}, "true or false"),
    ({"kind": "shape_chain", "n": 5, "layers": LECTURE_STACK[:1] * 3},
     "layers[2] (conv) on a side of 1"),
])
def test_bad_fields_give_one_line_errors(kw, words):
    with pytest.raises(PuzzleError) as exc:
        build({**HEAD, **kw})
    msg = str(exc.value)
    assert words in msg and "\n" not in msg and len(msg) < 200, msg


@pytest.mark.parametrize("name", ["softmax", "shape_chain"])
@pytest.mark.parametrize("seed", range(20))
def test_random_generators_make_puzzles_that_build(name, seed):
    (gen,) = BY_NAME[name].generators
    spec = gen.make(np.random.default_rng(seed), seed)
    p = build({**spec, "id": "r", "order": 1})
    assert p.kind == name and p.hints and p.question
    for r, c in p.cells():
        assert np.isfinite(p.answer[r, c]) and p.working(r, c)
    if name == "softmax":
        assert p.answer.sum() == pytest.approx(1)
    else:
        assert p.answer[0, -1] >= 1


def test_new_generators_come_after_the_old_ones():
    from cnn_tui.quiz.kinds import KINDS

    old = [g.order for k in KINDS if k.name not in ("softmax", "shape_chain")
           for g in k.generators]
    new = [g.order for name in ("softmax", "shape_chain") for g in BY_NAME[name].generators]
    assert min(new) > max(old)
