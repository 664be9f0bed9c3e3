"""A wrong answer is first told what kind of slip it looks like: one test per slip the quiz knows.

For each slip: the slipped value (worked out by hand below) is recognised, with its sentence;
the right value and an unrelated wrong value are not; and the sentence never states the right
value. Every number here is a hand calculation or a value from the lecture.
"""

from __future__ import annotations

import numpy as np

import re

import pytest

from cnn_tui.quiz.grade import parse_answer
from cnn_tui.quiz.puzzle import build, load_dir
from cnn_tui.quiz.session import QuizSession
from cnn_tui.quiz.slips import MAX_SLIP_MESSAGE, Slip, find_slip, transposed

from quiz_apps import PUZZLES

CURRICULUM = load_dir(PUZZLES)
BY_ID = {p.id: p for p in CURRICULUM.puzzles}
UNRELATED = "123.4"


def spec(kind: str, **keys) -> dict:
    return {"id": "t", "title": "t", "order": 1, "question": "q", "hints": ["h"], "kind": kind,
            **keys}


# A pool of the ReLU of a map whose bottom-right window is negative before ReLU: the X moved
# one pixel right, filtered by the small-x feature. Its map cell (6, 6) reads the picture's
# rows 6-8, columns 6-8: [-1 1 -1 / -1 -1 1 / -1 -1 -1] against [1 -1 1 / -1 1 -1 / 1 -1 1]:
# -3 - 1 - 1 = -5, so -5/9; the ceil-mode pooling keeps it as a one-pixel window (3, 3), which
# ReLU first turns into 0.
RELU_POOL = spec("pool", input="relu:x_right*x", op="max", window=2, stride=2)
# 5 wide, 3x3 kernel, padding 2, stride 1: (5 + 4 - 3) + 1 = 7; without padding 3; padding on
# one side only (5 + 2 - 3) + 1 = 5.
PADDED_SIZE = spec("output_size", n=5, kernel=3, padding=2, stride=[1])
# 7 wide, 3 taps with dilation 2 span 5: (7 - 5) + 1 = 3; reading the kernel as 3 wide: 5.
DILATED_SIZE = spec("output_size", n=7, kernel=3, dilation=2, stride=[1])
# Rounding up where the engine's ceil mode would still drop the last window: 6 wide, kernel 2,
# stride 3: (6 - 2) / 3 = 1.33, down to 1, + 1 = 2; rounded up 2 + 1 = 3.
UP_SIZE = spec("output_size", n=6, kernel=2, stride=[3])
# 7 wide, padding 1 (9), kernel 2, stride 2: (9 - 2) / 2 = 3.5, down 3, + 1 = 4; up 4 + 1 = 5.
UP_PADDED_SIZE = spec("output_size", n=7, kernel=2, padding=1, stride=[2])

# (puzzle id or spec, cell, slipped value, right value, slip key, words of its sentence)
CASES = [
    # conv: the X at row 3, column 3 against the diagonal: 7 pixels agree, 2 differ: 5, so 5/9.
    ("window-partial-match", (3, 3), "5", "5/9", "sum-not-mean",
     "did not divide by the 9 pixels"),
    ("window-partial-match", (3, 3), "7/9", "5/9", "agree-only",
     "counted only the pixels that agree"),
    # The practice: 0×0 + 1×1 + 3×2 + 4×3 = 19; the mean 19/4 = 4.75; the kernel turned
    # around [3 2 / 1 0]: 0×3 + 1×2 + 3×1 + 4×0 = 5.
    ("practice-first-cell", (0, 0), "4.75", "19", "mean-not-sum", "plain sum"),
    ("practice-first-cell", (0, 0), "5", "19", "flipped", "turned the kernel around"),
    # 19 25 / 37 43: 37 belongs at row 1, column 0.
    ("practice", (0, 1), "37", "25", "swapped", "Rows and columns look swapped"),
    # The horizontal kernel's 2 2 2 row on the line of ones: 6.
    ("edge-kernel", (0, 0), "-6", "6", "sign", "wrong sign"),
    # Stride 2 with padding 1, the plus kernel: output (0, 1) is centred on input (0, 2):
    # 0 + 2 + 1 + 3 = 6; moving one cell at a time, (0, 1) is centred on input (0, 1):
    # 2 + 1 + 0 + 1 = 4.
    ("stride-padding", (0, 1), "4", "6", "no-stride", "one cell at a time"),
    # The 2x2 kernel [1 2 / -1 1] on neighbouring cells [1 0 / 3 1]: 1 + 0 - 3 + 1 = -1.
    ("dilation", (0, 0), "-1", "6", "no-dilation", "taps are spread apart"),
    # The X padded with 0 instead of -1, corner window: 0 + 0 + 2 = 2, so 2/9.
    ("pad-with-paper", (0, 0), "2/9", "5/9", "pad-zero", "padded with 0"),
    # Two channels, top-left: channel 1 gives 1 + 1 = 2, both together 4.
    ("two-channels", (0, 0), "2", "4", "one-channel-1", "channel 1 alone"),
    # pool: max of 1 3 / 4 2 is 4, their mean 2.5, their sum 10.
    ("maxpool-small", (0, 0), "2.5", "4", "avg-not-max", "average"),
    ("avgpool", (0, 0), "4", "2.5", "max-not-avg", "largest value"),
    ("avgpool", (0, 0), "10", "2.5", "sum-not-avg", "did not divide by how many"),
    # The top-right window of the 3x3 map holds 6 and 1: 7/2 = 3.5, not 7/4 = 1.75.
    ("avgpool-border", (0, 1), "1.75", "3.5", "full-window", "pixels it really covers"),
    # 4 5 / 6 7: 6 belongs at row 1, column 0.
    ("maxpool-small", (0, 1), "6", "5", "swapped", "Rows and columns look swapped"),
    (RELU_POOL, (3, 3), "-5/9", "0", "no-relu", "before ReLU removed"),
    # relu: -1/9 becomes 0; 7/9 stays.
    ("relu-small", (0, 1), "-1/9", "0", "kept-negative", "does not keep a negative value"),
    ("relu-small", (0, 1), "1/9", "0", "flipped-negative", "does not flip the sign"),
    ("relu-small", (0, 0), "0", "7/9", "zeroed-positive", "keeps a positive value"),
    # output_size: 9 + 2 - 3 = 8 over stride 3: 2.67, down to 2, + 1 = 3; up would give 4.
    ("output-size-stride", (0, 1), "4", "3", "rounded-up", "You rounded up"),
    (UP_SIZE, (0, 0), "3", "2", "rounded-up", "You rounded up"),
    (UP_PADDED_SIZE, (0, 0), "5", "4", "rounded-up", "You rounded up"),
    # 9 - 3 = 6 over stride 1, + 1 = 7.
    ("output-size-no-padding", (0, 0), "6", "7", "no-plus-one", "left out the + 1"),
    # Stride 2 with padding 1, counting every position: 9 + 2 - 3 + 1 = 9.
    ("output-size-stride", (0, 0), "9", "5", "no-stride", "jumps by the stride"),
    # Pooling 7 by 2: (7 - 2) / 2 = 2.5, up to 3, + 1 = 4 (the lecture's 7x7 -> 4x4).
    ("pool-output-size", (0, 0), "3", "4", "rounded-down", "round up, not down"),
    (PADDED_SIZE, (0, 0), "3", "7", "no-padding", "left out the padding"),
    (PADDED_SIZE, (0, 0), "5", "7", "padding-once", "count it twice"),
    (DILATED_SIZE, (0, 0), "5", "3", "no-dilation", "spans more than its size"),
    # shape_chain: 9 -> 7 -> 5 -> pooled in floor mode 2 (up would be 3); the second
    # convolution from the picture's 9 would give 7.
    ("shape-chain", (0, 2), "3", "2", "rounded-up", "You rounded up"),
    ("shape-chain", (0, 1), "7", "5", "from-the-picture", "layer before it gave"),
    # params: 20-20-20-1 without biases 400 + 400 + 20 = 820 (with them 861).
    ("params-mlp", (0, 0), "820", "861", "no-bias", "left out the biases"),
    # 1024 x 1024 = 1048576, with biases 1048576 + 1024 = 1049600.
    ("params-dense-vs-conv", (0, 0), "1049600", "1048576", "extra-bias", "no biases"),
    # conv 2: (8 x 3 x 3 + 1) x 8 = 584; with one input channel (9 + 1) x 8 = 80.
    ("params-lecture-cnn", (0, 1), "80", "584", "no-channels", "one kernel slice per input"),
    # conv 1: (9 + 1) x 8 = 80; one filter 10.
    ("params-lecture-cnn", (0, 0), "10", "80", "one-filter", "one filter's count"),
    # dense 32 -> 2: 33 x 2 = 66; a bias per input 32 x 3 = 96.
    ("params-lecture-cnn", (0, 3), "96", "66", "bias-per-input", "not to each input"),
    # vote: the X's votes are 1 and 5/9 (the lecture).
    ("vote-x", (0, 0), "5/9", "1", "other-category", "another category's vote"),
    # The new picture: X hears 0.9 0.87 0.96 0.89 0.94: sum 4.56, mean 0.912, largest 0.96.
    ("vote-new", (0, 0), "4.56", "0.91", "sum-not-mean", "divide their sum"),
    ("vote-new", (0, 0), "0.96", "0.91", "max-not-mean", "not the largest"),
    # All 12 values add up to 8.22: 8.22 / 12 = 0.685.
    ("vote-new", (0, 0), "0.685", "0.91", "all-values", "not every value"),
    # One place to the right of X's positions: 0.65 0.96 0.73 0.94 0.53 = 3.81, / 5 = 0.762.
    ("vote-new", (0, 0), "0.762", "0.91", "positions-off-by-one", "count from 1"),
    # softmax of 1 and 0: e / (e + 1) = 0.731, 1 / (e + 1) = 0.269; without e: 1 / 1 = 1.
    ("softmax-two-scores", (0, 0), "0.27", "0.73", "other-class", "another class's"),
    ("softmax-two-scores", (0, 0), "1", "0.73", "no-exp", "raises e to each score"),
]


def puzzle_of(source):
    return BY_ID[source] if isinstance(source, str) else build(source)


def case_id(case) -> str:
    source, _, slipped, _, key, _ = case
    return f"{source if isinstance(source, str) else source['kind']}-{key}-{slipped}"


def has_number(text: str, number: str) -> bool:
    """``number`` written as a number of its own in ``text`` (not part of 0.55 or 1D)."""
    return re.search(rf"(?<![\w.\-/]){re.escape(number)}(?![\w/]|\.\d)", text) is not None


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_each_slip_is_named_for_its_slipped_value_only(case):
    source, (r, c), slipped, right, key, words = case
    p = puzzle_of(source)
    slip = p.slip_at(r, c, parse_answer(slipped))
    assert slip is not None and slip.key == key, (slip, key)
    assert words in slip.message
    assert p.slip_at(r, c, parse_answer(right)) is None          # right is right, no slip
    assert p.slip_at(r, c, parse_answer(UNRELATED)) is None      # a wrong guess is no slip
    # The sentence names the slip without giving the answer away.
    assert not has_number(slip.message, right)
    assert len(slip.message) <= MAX_SLIP_MESSAGE and slip.message.count(".") <= 1 + slip.message.count("..")


def test_every_slip_sentence_is_one_short_sentence():
    keys = set()
    for p in CURRICULUM.puzzles + [build(RELU_POOL), build(PADDED_SIZE), build(DILATED_SIZE)]:
        for s in p.slips():
            keys.add(s.key)
            assert s.values.shape == p.answer.shape
            body = s.message.rstrip(".")
            assert s.message.endswith(".") and "." not in body.replace("e.g.", ""), s.message
    assert {case[4] for case in CASES} <= keys


def test_the_session_names_the_slip_before_the_working():
    s = QuizSession(CURRICULUM, None, start="window-partial-match")
    grid = [[""] * 7 for _ in range(7)]
    grid[3][3] = "5"
    res = s.submit(grid)
    assert res.graded and not res.solved
    assert "did not divide by the 9 pixels" in res.message
    assert res.working == ""                              # not yet
    assert res.hint is not None and res.hint[0] == 1      # a hint comes with the first try
    for shown in ("5/9", "0.55", "0.56"):                  # nothing gives the value away
        assert not has_number(res.message + res.hint[1], shown)
    again = s.submit(grid)
    assert "did not divide by the 9 pixels" in again.message
    assert again.working.endswith("= 5/9 = 0.55")          # the second wrong try shows it


def test_an_unrelated_wrong_answer_gets_a_hint_but_no_slip():
    s = QuizSession(CURRICULUM, None, start="practice")
    res = s.submit([["19", "26"], ["37", "43"]])
    assert res.slips == [] and res.message.startswith("3 of 4 cells right.")
    assert res.hint == (1, BY_ID["practice"].hints[0])


def test_slips_of_several_cells_name_their_cells():
    s = QuizSession(CURRICULUM, None, start="practice")
    res = s.submit([["19", "37"], ["25", "43"]])          # rows and columns swapped
    assert res.message.startswith("2 of 4 cells right. Row 0, column 1: rows and columns")
    assert len(res.slips) == 1                              # the same slip is named once


def test_w_makes_every_later_wrong_try_show_the_working():
    s = QuizSession(CURRICULUM, None, start="practice-first-cell")
    assert s.reveal_working((0, 0)).endswith("= 19")
    res = s.submit([["18", ""], ["", ""]])
    assert res.working.endswith("0×0 + 1×1 + 3×2 + 4×3 = 19")


def test_a_slip_value_within_the_tolerance_of_the_answer_is_no_slip():
    truth = 5 / 9
    near = Slip("near", "Near.", transposed([[0.0, 0.56], [0.0, 0.0]]))
    assert find_slip([near], 1, 0, 0.561, truth) is None


def test_a_typed_value_nearer_the_answer_than_the_slip_names_no_slip():
    # 0.56 is 0.0051 from 0.5549 (too far to be right) and 0.009 from 0.569, which cut to two
    # decimals is 0.56: more likely a rounding of the answer than the slip
    truth = 0.5549
    slip = Slip("far", "Far.", np.array([[0.569]]))
    assert find_slip([slip], 0, 0, 0.56, truth) is None
    assert find_slip([slip], 0, 0, 0.569, truth) is slip


def test_vote_positions_are_spoken_of_from_1():
    p = BY_ID["vote-x"]
    assert p.working(0, 0).startswith("X listens to positions 1, 4, 5, 10, 11:")
    assert p.working(0, 1).startswith("O listens to positions 2, 3, 9, 12:")
    assert p.shown[0].col_labels == [str(i) for i in range(1, 13)]
    assert "positions 1, 4, 5, 10, 11" in p.question


def test_random_puzzles_name_a_slip_for_each_slipped_value_and_none_for_the_right_one():
    from cnn_tui.quiz.randomgen import random_puzzles

    for seed in range(8):
        for p in random_puzzles(seed):
            for r, c in p.cells():
                truth = float(p.answer[r, c])
                assert p.slip_at(r, c, truth) is None
                for s in p.slips():
                    v = float(s.values[r, c])
                    if v == v and abs(v - truth) > 0.01:        # a slip that applies here
                        assert p.slip_at(r, c, v) is not None, (p.id, s.key)
