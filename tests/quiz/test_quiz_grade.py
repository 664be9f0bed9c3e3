"""The grading rule: every accepted and rejected answer form, truths from hand calculation."""

from __future__ import annotations

import pytest

from cnn_tui.quiz.grade import NotANumber, accepts, grade_cell, parse_answer


@pytest.mark.parametrize("text, value", [
    ("19", 19.0), ("-3", -3.0), ("+4", 4.0), ("0.55", 0.55), ("-.11", -0.11), ("1.", 1.0),
    ("5/9", 5 / 9), ("-1/9", -1 / 9), (" 7/9 ", 7 / 9), ("1.5/3", 0.5), ("−2", -2.0),
])
def test_parse_accepts_numbers_decimals_fractions(text, value):
    assert parse_answer(text) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("text", ["", "   ", "abc", "1/0", "5//9", "1/-9", "--1", "1e5", "nan",
                                  "inf", "0x10", "5/", "/9", "1,5", "1.2.3"])
def test_parse_rejects_non_numbers_with_a_message(text):
    with pytest.raises(NotANumber) as exc:
        parse_answer(text)
    msg = str(exc.value)
    assert "\n" not in msg and msg


FIVE_NINTHS = 5 / 9          # 0.5555...
MINUS_NINTH = -1 / 9         # -0.1111...
SEVEN_NINTHS = 7 / 9         # 0.7777...


@pytest.mark.parametrize("answer, truth", [
    ("19", 19), ("19.0", 19), ("38/2", 19),                        # whole numbers: exact
    ("0.55", FIVE_NINTHS), ("0.56", FIVE_NINTHS), ("5/9", FIVE_NINTHS), ("0.5556", FIVE_NINTHS),
    ("10/18", FIVE_NINTHS), ("0.558", FIVE_NINTHS),                 # within 0.005
    ("0.77", SEVEN_NINTHS), ("0.78", SEVEN_NINTHS), ("7/9", SEVEN_NINTHS),
    ("-0.11", MINUS_NINTH), ("-1/9", MINUS_NINTH), ("-0.111", MINUS_NINTH),
    ("0.51", 0.5175), ("0.52", 0.5175), ("0.91", 0.912), ("1.75", 1.75), ("7/4", 1.75),
    ("-0.55", -FIVE_NINTHS), ("-0.56", -FIVE_NINTHS),
])
def test_right_answers(answer, truth):
    assert accepts(parse_answer(answer), truth)
    assert grade_cell(answer, truth).right is True


@pytest.mark.parametrize("answer, truth", [
    ("18", 19), ("19.004", 19), ("19.5", 19), ("0", 19),           # whole: nothing but exact
    ("0.54", FIVE_NINTHS), ("0.57", FIVE_NINTHS), ("0.5", FIVE_NINTHS), ("-5/9", FIVE_NINTHS),
    ("0.11", MINUS_NINTH), ("-0.12", MINUS_NINTH + 0.0), ("0.76", SEVEN_NINTHS),
    ("0.50", 0.5175), ("1", 0.55),
])
def test_wrong_answers(answer, truth):
    assert grade_cell(answer, truth).right is False


def test_minus_twelve_hundredths_is_off_by_more_than_the_tolerance():
    # -1/9 = -0.1111: -0.12 is 0.0089 away, neither cut (-0.11) nor rounded (-0.11).
    assert not accepts(-0.12, -1 / 9)


def test_not_a_number_is_not_a_wrong_mark():
    res = grade_cell("five", 5)
    assert res.right is None and "not a number" in res.message
    res = grade_cell("", 5)
    assert res.right is None and "empty" in res.message
