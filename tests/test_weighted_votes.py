"""The votes chapter's fully connected layer as a weight matrix (w) and its mean-rule special
case (m), with the note on stacked layers.

Expected values come from the lecture (tests/golden/lecture.toml), from hand arithmetic written
here, or from a plain-Python loop written here (sum of value x weight).
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from cnn_tui.lecture.data import VARIANTS
from cnn_tui.lesson.chapters.votes import stack_layers
from cnn_tui.lesson.model import LessonModel

GOLDEN = Path(__file__).resolve().parent / "golden" / "lecture.toml"

# The lecture's strong links, counted from 1 as the lesson numbers the values.
X_LISTENS = (1, 4, 5, 10, 11)
O_LISTENS = (2, 3, 9, 12)
# The chapter's lecture-style weights (its design, stated in its help text): a weak link weighs
# 0.02, the strong ones share the rest of 1: X (1 - 7 x 0.02) / 5 = 0.172, O (1 - 8 x 0.02) / 4
# = 0.21.
STRONG_X, STRONG_O, WEAK = 0.172, 0.21, 0.02


@pytest.fixture(scope="module")
def lecture() -> dict:
    with open(GOLDEN, "rb") as fh:
        return tomllib.load(fh)


def vector(lecture, picture: str) -> list[float]:
    """The lecture's 12 values for picture ``x`` or ``o`` (numerators over 9)."""
    return [n / 9 for n in lecture["vote_vectors_sum9"][picture]]


def hand_weights(listens, strong: float, weak: float) -> list[float]:
    return [strong if p in listens else weak for p in range(1, 13)]


def plain_weighted_sum(values, weights) -> float:
    total = 0.0
    for v, w in zip(values, weights):
        total += v * w
    return total


def model(**kw) -> LessonModel:
    m = LessonModel(chapter="votes", **kw)
    m.toggle_fc_weights()
    return m


# ---------------------------------------------------------------------- the matrix
def test_the_weight_matrix_is_12_values_by_2_answers_with_the_lectures_strong_links():
    m = model()
    assert m.showing_fc and m.fc_rule == "weighted"
    table = m.fc_table
    assert table.shape == (12, 2)                         # a row per value, a column per answer
    names, w = m.fc_matrix()
    assert names == ["X", "O"] and w.shape == (2, 12)     # as engine.dense takes it
    for p in range(1, 13):
        assert table[p - 1, 0] == pytest.approx(STRONG_X if p in X_LISTENS else WEAK)
        assert table[p - 1, 1] == pytest.approx(STRONG_O if p in O_LISTENS else WEAK)
    # each column adds up to 1: 5 x 0.172 + 7 x 0.02 = 0.86 + 0.14; 4 x 0.21 + 8 x 0.02
    assert table[:, 0].sum() == pytest.approx(1.0) and table[:, 1].sum() == pytest.approx(1.0)
    assert m.weight_text(STRONG_X) == "0.172" and m.weight_text(WEAK) == "0.02"


def test_the_matrix_labels_follow_the_stacking_chapter():
    m = model()
    labels = m.vote_labels
    assert [lab.name for lab in labels] == [f"#{p}" for p in range(1, 13)]
    assert [lab.feature for lab in labels] == ["diag"] * 4 + ["x"] * 4 + ["anti"] * 4
    assert [lab.cell for lab in labels] == [(0, 0), (0, 1), (1, 0), (1, 1)] * 3


# ---------------------------------------------------------------------- the weighted votes
@pytest.mark.parametrize("picture, winner", [("x", "X"), ("o", "O")])
def test_weighted_votes_match_a_plain_loop(lecture, picture, winner):
    m = model(picture=picture)
    vals = vector(lecture, picture)
    assert list(m.vote_vector) == pytest.approx(vals)
    want = {"X": plain_weighted_sum(vals, hand_weights(X_LISTENS, STRONG_X, WEAK)),
            "O": plain_weighted_sum(vals, hand_weights(O_LISTENS, STRONG_O, WEAK))}
    got = m.fc_votes()
    assert got == pytest.approx(want)
    assert m.fc_verdict() == winner
    # the written-out sums end in the same totals
    assert [s.value for s in m.fc_sums] == pytest.approx([want["X"], want["O"]])


def test_the_weighted_sum_is_written_out_term_by_term():
    # picture x: X = 5 x 0.172 x 1 + 7 x 0.02 x 5/9 = 0.86 + 0.0777... = 0.937..., cut to 0.93;
    # O = 4 x 0.21 x 5/9 + 0.02 x (5 x 1 + 3 x 5/9) = 0.4666... + 0.1333... = 0.60
    m = model()
    x_sum, o_sum = m.fc_sums
    assert x_sum.text == ("X = 0.172×1.00 + 0.02×0.55 + 0.02×0.55 + 0.172×1.00 + 0.172×1.00 + "
                          "0.02×0.55 + 0.02×0.55 + 0.02×0.55 + 0.02×0.55 + 0.172×1.00 + "
                          "0.172×1.00 + 0.02×0.55 = 0.93")
    assert o_sum.text == ("O = 0.02×1.00 + 0.21×0.55 + 0.21×0.55 + 0.02×1.00 + 0.02×1.00 + "
                          "0.02×0.55 + 0.02×0.55 + 0.02×0.55 + 0.21×0.55 + 0.02×1.00 + "
                          "0.02×1.00 + 0.21×0.55 = 0.60")
    assert math.isclose(x_sum.value, 0.86 + 7 * 0.02 * 5 / 9)
    assert math.isclose(o_sum.value, 4 * 0.21 * 5 / 9 + 0.02 * (5 + 3 * 5 / 9))


# ---------------------------------------------------------------------- the mean rule
@pytest.mark.parametrize("picture, votes", [("x", {"X": 1.0, "O": 5 / 9}),
                                            ("o", {"X": 5 / 9, "O": 1.0})])
def test_the_mean_rule_is_the_special_case_with_the_lectures_votes(picture, votes):
    """lecture.toml: image x -> X 1.0, O 5/9; image o -> X 5/9, O 1.0."""
    m = model(picture=picture)
    m.toggle_fc_rule()
    assert m.fc_rule == "mean rule"
    table = m.fc_table
    for p in range(1, 13):                 # strong 1/count, weak 0
        assert table[p - 1, 0] == pytest.approx(1 / 5 if p in X_LISTENS else 0.0)
        assert table[p - 1, 1] == pytest.approx(1 / 4 if p in O_LISTENS else 0.0)
    assert m.fc_votes() == pytest.approx(votes)
    assert m.fc_votes() == pytest.approx(m.votes)        # the chapter's first view agrees
    assert m.fc_verdict() == m.fc_verdict("weighted")    # and so does the weighted layer
    assert m.fc_sums[0].text.startswith("X = ")
    assert "the same verdict" in m.fc_compare


def test_the_mean_rule_on_the_lectures_new_values(lecture):
    v = lecture["votes"]
    m = model(vote_source="future", fc_rule="mean rule")
    assert m.fc_votes() == pytest.approx({"X": v["new_vote_x"], "O": v["new_vote_o"]})
    vals = v["new_input"]
    weighted = model(vote_source="future").fc_votes()
    assert weighted["X"] == pytest.approx(
        plain_weighted_sum(vals, hand_weights(X_LISTENS, STRONG_X, WEAK)))
    assert weighted["O"] == pytest.approx(
        plain_weighted_sum(vals, hand_weights(O_LISTENS, STRONG_O, WEAK)))


def test_mean_rule_weights_print_as_fractions_with_fractions_on():
    m = model(style="fraction", fc_rule="mean rule")
    assert m.fc_sums[0].terms[:2] == ("1/5×1", "0×5/9")
    assert m.fc_sums[0].result == "1" and m.fc_sums[1].result == "5/9"


def test_both_rules_agree_on_every_picture_of_the_lesson():
    """The help text says so: check it for each of the lesson's pictures."""
    for v in VARIANTS:
        m = model(picture=v.name)
        assert m.fc_verdict("weighted") == m.fc_verdict("mean rule"), v.name


# ---------------------------------------------------------------------- keys and stacking
def test_w_and_m_keys_and_reset():
    m = LessonModel(chapter="votes")
    assert not m.showing_fc and m.current.title_info is None
    m.toggle_fc_weights()
    assert m.showing_fc and m.current.title_info == "lecture-style weights"
    m.toggle_fc_rule()
    assert m.fc_rule == "mean rule" and m.current.title_info == "mean rule"
    m.toggle_fc_weights()
    assert not m.showing_fc
    m.toggle_fc_rule()                      # m opens the matrix, keeping the rule
    assert m.showing_fc and m.fc_rule == "mean rule"
    m.step()
    m.step()                                # every picture: no matrix over the report
    assert m.showing_report and not m.showing_fc
    m.toggle_fc_weights()                   # w from the report: the picture's weights
    assert m.showing_picture and m.showing_fc
    m.reset()
    assert not m.showing_fc and m.fc_rule == "weighted" and m.showing_picture


def test_stacked_layers_count_their_weights_by_hand():
    m = model()
    first, second = stack_layers()
    assert (first.weights, first.biases, first.total) == (12 * 8, 8, 12 * 8 + 8)     # 104
    assert (second.weights, second.biases, second.total) == (8 * 2, 2, 8 * 2 + 2)    # 18
    note = m.fc_stack_note
    assert "12 values → 8 hidden units → 2 votes" in note
    assert "12x8 + 8 = 104" in note and "8x2 + 2 = 18" in note
    assert "train chapter" in note
    assert "12x8 + 8 = 104" in m.current.more and "8x2 + 2 = 18" in m.current.more


def test_keys_and_help_name_w_and_m():
    m = LessonModel(chapter="votes")
    keys = dict(m.current.keys)
    assert "w" in keys and "m" in keys
    assert {k.key for k in m.current.bindings} == {"w", "m"}
