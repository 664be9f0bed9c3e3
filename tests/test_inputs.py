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


# --- hardening: huge digit strings, half-written pairs, empty rows, BOM, short quotes -------------
BIG = "1" * 5000          # beyond Python's int-conversion limit (4,300 digits)


@pytest.mark.parametrize("text, says", [
    (BIG, "too large"), ("-" + BIG, "too large"), (BIG + ".5", "too large"),
    (BIG + "/3", "too many digits"), ("3/" + BIG, "too many digits"),
    ("0." + "0" * 5000 + "1/2", "too many digits"),
])
def test_huge_digit_strings_are_one_short_sentence(text, says):
    with pytest.raises(InputError, match=says) as exc:
        parse_number(text)
    msg = str(exc.value)
    assert "\n" not in msg and len(msg) < 200 and "…" in msg


def test_long_but_legal_numbers_keep_their_value():
    # float() reads a long decimal correctly rounded: 0.000...01 (5,000 zeros) underflows to 0;
    # 10**300 is a float; a fraction of two 400-digit integers is exact integer division.
    assert parse_number("0." + "0" * 5000 + "1") == 0.0
    assert parse_number("1" + "0" * 300) == 1e300
    assert parse_number("2" * 400 + "/" + "1" * 400) == 2.0
    assert parse_number("-0") == 0.0 and str(parse_number("-0")) == "0.0"


@pytest.mark.parametrize("text", ["1 2;;3 4", "1 2;\n\n;3 4", "1 2\n\n3 4", "1 2; ;3 4",
                                  "1 2\n   \n3 4"])
def test_an_empty_row_between_rows_is_refused(text):
    with pytest.raises(InputError, match="row 2 of the input is empty"):
        parse_matrix(text, "input")


@pytest.mark.parametrize("text", ["1 2; 3 4;", "1 2;\n3 4;\n", "; 1 2; 3 4", "1 2; 3 4;;",
                                  "\n\n1 2\n3 4\n\n\n", "# a\n1 2\n# b\n3 4\n# c\n",
                                  "1 2\r\n3 4\r\n"])
def test_empty_rows_at_the_ends_and_a_semicolon_at_a_line_end_are_ignored(text):
    assert parse_matrix(text).tolist() == [[1, 2], [3, 4]]


def test_a_byte_order_mark_is_dropped():
    assert parse_matrix("\ufeff1 2; 3 4").tolist() == [[1, 2], [3, 4]]
    from cnn_tui.inputs import load_matrix

    assert load_matrix("\ufeff1 2; 3 4", {}, "input").tolist() == [[1, 2], [3, 4]]


def test_a_matrix_over_the_text_limit_is_refused_before_it_is_split():
    from cnn_tui.inputs import MAX_MATRIX_CHARS

    text = "1 " * (MAX_MATRIX_CHARS // 2) + "1"          # 1,000,001 characters
    with pytest.raises(InputError, match="1,000,001 characters long; the limit is 1,000,000"):
        parse_matrix(text, "input")
    assert parse_matrix(text[:-2]).shape == (1, MAX_MATRIX_CHARS // 2)   # 500,000 values fit


def test_a_ragged_matrix_with_many_rows_names_the_first_odd_row():
    text = "; ".join(["1 2"] * 733 + ["1"] + ["1 2"] * 10)
    with pytest.raises(InputError, match="row 1 has 2 values but row 734 has 1") as exc:
        parse_matrix(text, "input")
    assert len(str(exc.value)) < 120


@pytest.mark.parametrize("text", ["1,", ",1", "1,,2", " , ", "2, ,3"])
def test_half_written_pairs_are_refused(text):
    with pytest.raises(InputError, match="half-written"):
        parse_pair(text, "--stride", 1)


@pytest.mark.parametrize("text", [BIG, "1," + BIG, "9" * 31])
def test_pairs_with_huge_numbers_are_refused_without_int_conversion(text):
    with pytest.raises(InputError, match="far too large") as exc:
        parse_pair(text, "--padding", 0)
    assert len(str(exc.value)) < 120


def test_pairs_up_to_30_digits_reach_the_engine_which_names_its_limit():
    assert parse_pair("9" * 30, "--stride", 1) == (int("9" * 30),) * 2


@pytest.mark.parametrize("text", ["1_0", "２", "1.0", "0x10"])
def test_pairs_take_ascii_whole_numbers_only(text):
    with pytest.raises(InputError, match="takes whole numbers"):
        parse_pair(text, "--stride", 1)


@pytest.mark.parametrize("spec, says", [("nan", "NaN"), ("NaN", "NaN"), ("inf", "infinity"),
                                        ("Infinity", "infinity"), ("-inf", "infinity")])
def test_nan_and_infinity_alone_get_their_own_message_not_unknown_name(spec, says):
    from cnn_tui.inputs import load_matrix

    with pytest.raises(InputError, match=says) as exc:
        load_matrix(spec, {"x": [[1.0]]}, "input")
    assert "unknown" not in str(exc.value)


def test_error_messages_quote_a_short_prefix_of_a_long_token():
    from cnn_tui.inputs import load_matrix, shown

    assert shown("x" * 41) == repr("x" * 40 + "…") and shown("short") == "'short'"
    for call in (lambda: parse_number("z" * 5000), lambda: parse_matrix("1 " + "z" * 5000),
                 lambda: parse_pair("z" * 5000, "--stride", 1),
                 lambda: load_matrix("z" * 5000, {"x": [[1.0]]}, "input")):
        with pytest.raises(InputError) as exc:
            call()
        assert "z" * 41 not in str(exc.value) and "z" * 40 + "…" in str(exc.value)
