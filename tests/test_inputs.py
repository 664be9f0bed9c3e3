"""Matrices on the command line share the quiz's number grammar (cnn_tui.inputs.parse_number)."""

import pytest

from cnn_tui.inputs import InputError, parse_matrix, parse_number, parse_pair


@pytest.mark.parametrize("text, value", [("19", 19.0), ("-0.11", -0.11), ("5/9", 5 / 9),
                                         ("-1/9", -1 / 9), ("−2", -2.0), (".5", 0.5)])
def test_numbers(text, value):
    assert parse_number(text) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("text, says", [("1e5", "not a number"), ("1/-9", "not a number"),
                                        ("nan", "NaN"), ("-inf", "infinity"),
                                        ("3/0", "divides by zero"), ("", "empty"),
                                        ("1" * 400 + "/1" + "0" * 0, "too large")])
def test_refusals_say_what_is_wrong(text, says):
    with pytest.raises(InputError, match=says):
        parse_number(text)


def test_matrix_rows_by_semicolon_or_newline_values_by_space_or_comma():
    m = parse_matrix("1, 2 3; 4 5/2 6\n# comment\n7 8 9")
    assert m.tolist() == [[1, 2, 3], [4, 2.5, 6], [7, 8, 9]]


def test_ragged_matrix_names_the_row_lengths():
    with pytest.raises(InputError, match="rows have 2, 1 values"):
        parse_matrix("1 2; 3")


@pytest.mark.parametrize("text, pair", [("2", (2, 2)), ("1,3", (1, 3)), ("1 3", (1, 3))])
def test_pairs(text, pair):
    assert parse_pair(text, "--stride", 1) == pair


@pytest.mark.parametrize("text", ["0", "1,2,3", "a", "1.5"])
def test_bad_pairs(text):
    with pytest.raises(InputError):
        parse_pair(text, "--stride", 1)


def test_whole_numbers_for_the_lesson_prompt():
    from cnn_tui.inputs import parse_whole_numbers

    assert parse_whole_numbers("3,4") == [3, 4]
    assert parse_whole_numbers(" 3 4 ") == [3, 4]
    assert parse_whole_numbers("3;4") == [3, 4]
    assert parse_whole_numbers("20,20,20,1") == [20, 20, 20, 1]
    assert parse_whole_numbers("") == []
    for bad in ("a,b", "1.5", "1_0", "３,4", "9" * 19):
        with pytest.raises(InputError, match="type whole numbers separated by commas"):
            parse_whole_numbers(bad)
    with pytest.raises(InputError) as exc:
        parse_whole_numbers("x" * 5000)
    assert len(str(exc.value)) < 120          # a long bad entry is quoted by a short prefix
