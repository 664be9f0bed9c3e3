"""Hostile values in a puzzle file: nesting a thousand deep, huge integers, vote positions outside
the vector, endless strings. Each is one ``file: what is wrong`` line from ``puzzles check`` that
quotes at most a short prefix of the bad value; never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.quiz.puzzle import PuzzleError, build, load_file
from cnn_tui.quiz.readers import SHOW_CHARS, _show

HEAD = 'id = "b"\ntitle = "T"\norder = 2\nquestion = "Q?"\nhints = ["h"]\n'
CONV = (HEAD + 'kind = "conv"\ninput = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]\n'
        'kernel = [[0, 1], [2, 3]]\n')
OK = CONV.replace('id = "b"', 'id = "ok"').replace("order = 2", "order = 1")


def deep(n: int, inner: str = "1") -> str:
    return "[" * n + inner + "]" * n


def check(tmp_path, text: str) -> str:
    """Run ``puzzles check`` on a folder of one good file and ``bad.toml``; its one line."""
    (tmp_path / "ok.toml").write_text(OK, encoding="utf-8")
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["puzzles", "check", str(tmp_path)], prog_name="cnn-tui")
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bad.toml: "), lines
    return lines[0]


# --- nesting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [4, 50, 1000, 5000])
def test_a_deeply_nested_input_is_one_line(tmp_path, depth):
    line = check(tmp_path, CONV.replace("input = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]",
                                        f"input = {deep(depth)}"))
    if depth >= 1000:   # too deep for the TOML reader itself
        assert line == ("bad.toml: not readable: its values are nested too deeply (a puzzle "
                        "needs at most 3 levels of lists)")
    else:
        assert line == f"bad.toml: 'input' must be 1-D or 2-D or 3-D, got {depth}-D"


def test_deeply_nested_inline_tables_are_one_line(tmp_path):
    line = check(tmp_path, CONV + "x = " + "{ a = " * 1000 + "1" + " }" * 1000 + "\n")
    assert "nested too deeply" in line


@pytest.mark.parametrize("key, expected", [
    ("cells", "'cells' entry " + "[" * SHOW_CHARS + "… must be [row, column]"),
    ("answer", "'answer' must have the output's shape 2x2, got 1 row(s) of 1"),
    ("stride", "'stride' must be a whole number from 1 to 100 (or one per axis), got "
               + "[" * SHOW_CHARS + "…"),
    ("hints", "hint 1 must be a string, got " + "[" * SHOW_CHARS + "…"),
])
def test_deep_lists_in_other_keys_are_quoted_short(tmp_path, key, expected):
    text = CONV.replace('hints = ["h"]\n', "") + f"{key} = {deep(300)}\n"
    if key != "hints":
        text += 'hints = ["h"]\n'
    assert check(tmp_path, text) == f"bad.toml: {expected}"


def test_a_table_nested_by_dotted_keys_is_quoted_short(tmp_path):
    # 99 dots: the most one line may hold is 100 (see test_puzzles_folder_budget.py).
    line = check(tmp_path, CONV.replace('id = "b"', "id." + ".".join(["a"] * 99) + " = 1"))
    assert line.startswith("bad.toml: 'id' must be a short name")
    assert line.endswith("…") and len(line) < 200


def test_a_key_of_3000_dotted_parts_is_refused_before_it_is_read(tmp_path):
    line = check(tmp_path, CONV.replace('id = "b"', "id." + ".".join(["a"] * 3000) + " = 1"))
    assert line == ("bad.toml: not readable: line 1 joins more than 100 names with dots (as in "
                    "a.b.c); a puzzle needs no such keys, and reading them takes too long")


def test_deep_values_given_to_build_directly_are_refused():
    value: object = 1
    for _ in range(100_000):                 # far deeper than Python's recursion limit
        value = [value]
    spec = {"id": "a", "title": "T", "order": 1, "question": "Q", "hints": ["h"],
            "kind": "conv", "input": value, "kernel": [[1]]}
    with pytest.raises(PuzzleError, match=r"'input' must be 1-D or 2-D or 3-D, got 100000-D"):
        build(spec)
    spec["input"], spec["id"] = [[1]], value
    with pytest.raises(PuzzleError, match=r"^'id' must be a short name .*, got \[{40}…$"):
        build(spec)


# --- huge integers -----------------------------------------------------------------------------
def test_an_integer_of_5000_digits_is_one_line(tmp_path):
    line = check(tmp_path, CONV.replace("order = 2", "order = " + "7" * 5000))
    assert line == "bad.toml: not readable: a number in it has more than 4,300 digits"


def test_a_hex_integer_of_5000_digits_is_described_not_printed(tmp_path):
    line = check(tmp_path, CONV.replace("order = 2", "order = 0x" + "f" * 5000))
    assert line == ("bad.toml: 'order' must be a whole number from -1,000,000 to 1,000,000, "
                    "got <a whole number of about 6,021 digits>")


BIG = 10 ** 300
BIG_SHOWN = str(BIG)[:SHOW_CHARS] + "…"


@pytest.mark.parametrize("text, expected", [
    (CONV.replace("order = 2", f"order = {BIG}"),
     f"'order' must be a whole number from -1,000,000 to 1,000,000, got {BIG_SHOWN}"),
    (CONV + f"stride = {BIG}\n",
     f"'stride' must be a whole number from 1 to 100 (or one per axis), got {BIG_SHOWN}"),
    (CONV + f"padding = [1, {BIG}]\n",
     "'padding' must be a whole number from 0 to 100 (or one per axis), got [1, "
     + str(BIG)[:SHOW_CHARS - 4] + "…"),
    (CONV + f"dilation = {BIG}\n",
     f"'dilation' must be a whole number from 1 to 100 (or one per axis), got {BIG_SHOWN}"),
    (CONV + f"cells = [[0, {BIG}]]\n",
     "'cells' entry [0, " + str(BIG)[:SHOW_CHARS - 4] + "… is outside the 2x2 answer"),
    (CONV.replace("[0, 1, 2]", f"[0, {BIG}, 2]"),
     f"'input'[0][1] must be a number from -1,000,000,000 to 1,000,000,000, got {BIG_SHOWN}"),
    (CONV + f"answer = [[{BIG}, 25], [37, 43]]\n",
     f"stated answer {BIG_SHOWN} at row 0, column 0 is wrong: the engine gives 19"),
    (HEAD + f'kind = "output_size"\nn = {BIG}\nkernel = 3\nstride = 1\n',
     f"'n' must be a whole number from 1 to 1,000,000, got {BIG_SHOWN}"),
    (HEAD + f'kind = "output_size"\nn = 9\nkernel = {BIG}\nstride = 1\n',
     f"'kernel' must be a whole number from 1 to 1,000,000, got {BIG_SHOWN}"),
    (HEAD + f'kind = "output_size"\nn = 9\nkernel = 3\nstride = [1, {BIG}]\n',
     "'stride' must be a whole number from 1 to 1,000,000 or a list of them, got [1, "
     + str(BIG)[:SHOW_CHARS - 4] + "…"),
    (HEAD + f'kind = "pool"\ninput = [[1, 2], [3, 4]]\nwindow = {BIG}\n',
     f"'window' must be a whole number from 1 to 100 (or one per axis), got {BIG_SHOWN}"),
    (HEAD + f'kind = "params"\nitems = [{{ layer = "dense", inputs = {BIG}, outputs = 2 }}]\n',
     f"items[0] (dense): inputs must be at most 1,000,000, got {BIG_SHOWN}"),
    (HEAD + f'kind = "params"\nitems = [{{ layer = "mlp", sizes = [4, {BIG}] }}]\n',
     f"items[0] (mlp): sizes must be at most 1,000,000, got {BIG_SHOWN}"),
    (HEAD + 'kind = "params"\nitems = [{ layer = "conv", in_channels = 1, filters = 1, '
            f'kernel = [{BIG}, 3] }}]\n',
     f"items[0] (conv): kernel must be at most 1,000,000, got {BIG_SHOWN}"),
], ids=["order", "stride", "padding", "dilation", "cells", "value", "answer", "n", "kernel",
        "output-stride", "window", "dense", "mlp", "conv-layer"])
def test_a_huge_but_readable_integer_is_one_short_line(tmp_path, text, expected):
    assert check(tmp_path, text) == f"bad.toml: {expected}"


def test_a_float_too_large_for_the_engine_is_one_line(tmp_path):
    line = check(tmp_path, CONV.replace("[0, 1, 2]", "[0, 1e308, 2]"))
    assert "'input'[0][1] must be a number from -1,000,000,000 to 1,000,000,000" in line
    line = check(tmp_path, CONV.replace("[0, 1, 2]", "[0, " + "9" * 400 + ".0, 2]"))
    assert line == "bad.toml: 'input'[0][1] must be a finite number, got inf"


def test_a_big_answer_is_refused_before_the_engine_computes_it(monkeypatch):
    from cnn_tui.quiz.kinds import conv as conv_kind
    from cnn_tui.quiz.kinds import pool as pool_kind

    def never(*a, **k):  # the answer's size is known from the shapes alone
        raise AssertionError("the engine was asked to compute a refused answer")

    monkeypatch.setattr(conv_kind, "conv_single", never)
    monkeypatch.setattr(pool_kind, "pool_single", never)
    base = {"id": "a", "title": "T", "order": 1, "question": "Q", "hints": ["h"]}
    big = [[1] * 31] * 31
    with pytest.raises(PuzzleError, match="^the answer has 900 cells; keep puzzles to 100 cells "
                                          "or fewer$"):
        build(dict(base, kind="conv", input=big, kernel=[[0, 1], [2, 3]]))
    with pytest.raises(PuzzleError, match="^the answer has 256 cells; keep puzzles to 100 cells "
                                          "or fewer$"):
        build(dict(base, kind="pool", input=big))


def test_an_input_of_too_many_values_is_refused(tmp_path):
    row = "[" + ", ".join(["1"] * 101) + "]"
    line = check(tmp_path, CONV.replace("[[0, 1, 2], [3, 4, 5], [6, 7, 8]]",
                                        "[" + ", ".join([row] * 100) + "]"))
    assert line == "bad.toml: 'input' has more than 10,000 values; keep puzzles small"


# --- vote positions ----------------------------------------------------------------------------
VOTE = HEAD + 'kind = "vote"\nvector = [0.5, 1, 0.25]\n'


@pytest.mark.parametrize("strong, expected", [
    ("{ X = [99] }", "'strong' category X has position 99, outside the vector: positions go "
                     "from 0 to 2"),
    ("{ X = [0, -1] }", "'strong' category X has position -1, outside the vector: positions go "
                        "from 0 to 2"),
    (f"{{ X = [{BIG}] }}", f"'strong' category X has position {BIG_SHOWN}, outside the vector: "
                           "positions go from 0 to 2"),
    ("{ X = [1.5] }", "'strong' category X has 1.5; positions are whole numbers from 0 to 2"),
    ("{ X = [true] }", "'strong' category X has True; positions are whole numbers from 0 to 2"),
    ('{ X = ["a"] }', "'strong' category X has 'a'; positions are whole numbers from 0 to 2"),
    ("{ X = [] }", "'strong' category X must be a non-empty list of positions, got []"),
    ("{ X = 3 }", "'strong' category X must be a non-empty list of positions, got 3"),
    ("{ X = [1, 1] }", "'strong' category X lists position 1 twice"),
    ("[1]", "'strong' must be a table like { X = [0, 3], O = [1, 2] }"),
], ids=["99", "negative", "huge", "fraction", "boolean", "text", "empty", "not-a-list",
        "twice", "not-a-table"])
def test_bad_vote_positions_are_one_line(tmp_path, strong, expected):
    assert check(tmp_path, VOTE + f"strong = {strong}\n") == f"bad.toml: {expected}"


def test_good_vote_positions_still_vote():
    spec = {"id": "v", "title": "T", "order": 1, "question": "Q", "hints": ["h"], "kind": "vote",
            "vector": [0.5, 1, 0.25], "strong": {"X": [0, 2], "O": [1]}}
    assert build(spec).answer.tolist() == [[0.375, 1.0]]


# --- long values -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    CONV.replace('kind = "conv"', 'kind = "' + "k" * 100_000 + '"'),
    CONV.replace('id = "b"', 'id = "' + "B" * 100_000 + '"'),
    CONV + 'mode = "' + "m" * 100_000 + '"\n',
    CONV.replace("[0, 1, 2]", '[0, "' + "1/" * 50_000 + '", 2]'),
    CONV + "cells = [" + ", ".join(["[0, 0]"] * 2) + ", " + "[" * 200 + "]" * 200 + "]\n",
    CONV + '"' + "k" * 100_000 + '" = 1\n',
    CONV + '"new\\nline" = 1\n',
])
def test_a_long_bad_value_is_quoted_by_a_short_prefix(tmp_path, text):
    line = check(tmp_path, text)
    assert len(line) < 250, line


def test_unknown_keys_are_listed_short():
    spec = {"id": "a", "title": "T", "order": 1, "question": "Q", "hints": ["h"], "kind": "relu",
            "input": [[1]], **{f"k{i:03}": 1 for i in range(500)}}
    with pytest.raises(PuzzleError) as e:
        build(spec)
    assert str(e.value) == ("unknown keys for kind 'relu': k000, k001, k002, k003, k004 and "
                            "495 more")
    spec = {"id": "a", "title": "T", "order": 1, "question": "Q", "hints": ["h"], "kind": "relu",
            "input": [[1]], "line\nbreak": 1}
    with pytest.raises(PuzzleError, match=r"^unknown keys for kind 'relu': 'line\\nbreak'$"):
        build(spec)


def test_an_id_longer_than_64_characters_is_refused():
    spec = {"id": "a" * 65, "title": "T", "order": 1, "question": "Q", "hints": ["h"],
            "kind": "relu", "input": [[1]]}
    with pytest.raises(PuzzleError, match="is 65 characters long; keep it to 64"):
        build(spec)
    spec["id"] = "a" * 64
    assert build(spec).id == "a" * 64


def test_show_quotes_a_prefix_of_anything():
    assert _show([1, 2]) == "[1, 2]"
    assert _show({"X": [99]}) == "{'X': [99]}"
    assert _show("x" * 100) == "'" + "x" * (SHOW_CHARS - 1) + "…"
    assert _show(list(range(10 ** 6))).endswith("…") and len(_show(list(range(10 ** 6)))) == 41
    assert _show(16 ** 5000) == "<a whole number of about 6,021 digits>"
    assert _show(-(10 ** 50)) == str(-(10 ** 50))[:SHOW_CHARS] + "…"
    nested: object = {}
    for _ in range(50_000):
        nested = {"a": nested}
    assert _show(nested) == "{'a': " * 6 + "{'a'…"


def test_a_stated_answer_string_of_many_digits_is_one_line(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(CONV + 'answer = [["' + "1" * 5000 + '", 25], [37, 43]]\n', encoding="utf-8")
    with pytest.raises(PuzzleError) as e:
        load_file(path)
    assert str(e.value) == ("'answer' at row 0, column 0 must be a number, got '"
                            + "1" * (SHOW_CHARS - 1) + "…")
