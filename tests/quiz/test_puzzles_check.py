"""`cnn-tui puzzles check`: the curriculum passes; broken files are reported one per line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli

PUZZLES = Path(__file__).resolve().parents[2] / "puzzles"

GOOD = '''
id = "{id}"
title = "Practice"
order = {order}
kind = "conv"
question = "Convolve."
input = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
kernel = [[0, 1], [2, 3]]
answer = [[19, 25], [37, 43]]
hints = ["Multiply and add."]
'''


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


def test_shipped_curriculum_passes():
    r = run("puzzles", "check", str(PUZZLES))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("OK: ")
    assert len(r.stdout.strip().splitlines()) == 1


def test_default_folder_is_the_repository_puzzles(monkeypatch):
    monkeypatch.delenv("CNN_TUI_PUZZLES", raising=False)
    r = run("puzzles", "check")
    assert r.exit_code == 0, r.output
    assert str(PUZZLES) in r.stdout


def test_env_var_locates_the_folder(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text(GOOD.format(id="a", order=1), encoding="utf-8")
    monkeypatch.setenv("CNN_TUI_PUZZLES", str(tmp_path))
    r = run("puzzles", "check")
    assert r.exit_code == 0, r.output
    assert "OK: 1 puzzles" in r.stdout


def _check_one(tmp_path, name, text):
    (tmp_path / "ok.toml").write_text(GOOD.format(id="ok", order=1), encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    r = run("puzzles", "check", str(tmp_path))
    assert r.exit_code == 1, r.output
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{name}: ")
    return lines[0]


BROKEN = {
    "malformed TOML": ('id = "x"\ntitle = "oops\n', "not valid TOML"),
    "ragged matrix": (GOOD.format(id="b", order=2).replace("[6, 7, 8]", "[6, 7]"), "ragged"),
    "wrong stated answer": (GOOD.format(id="b", order=2).replace("37", "36"),
                            "stated answer 36 at row 1, column 0 is wrong: the engine gives 37"),
    "answer of the wrong shape": (GOOD.format(id="b", order=2).replace(
        "[[19, 25], [37, 43]]", "[19, 25, 37, 43]"), "must have the output's shape 2x2"),
    "missing hints": (GOOD.format(id="b", order=2).replace('hints = ["Multiply and add."]', ""),
                      "missing 'hints'"),
    "empty hint": (GOOD.format(id="b", order=2).replace('["Multiply and add."]',
                                                        '["Multiply and add.", "  "]'),
                   "hint 2 is empty"),
    "no hints at all": (GOOD.format(id="b", order=2).replace('["Multiply and add."]', "[]"),
                        "'hints' must be a non-empty list"),
    "unknown kind": (GOOD.format(id="b", order=2).replace('kind = "conv"', 'kind = "fft"'),
                     "'kind' 'fft' is unknown"),
    "unknown key": (GOOD.format(id="b", order=2) + "strid = 2\n",
                    "unknown keys for kind 'conv': strid"),
    "kernel larger than input": (GOOD.format(id="b", order=2).replace(
        "kernel = [[0, 1], [2, 3]]", "kernel = [[1, 1, 1, 1], [1, 1, 1, 1]]").replace(
        "answer = [[19, 25], [37, 43]]\n", ""), "larger than the padded input"),
    "bad number": (GOOD.format(id="b", order=2).replace("[0, 1, 2]", '[0, "one", 2]'),
                   "must be a number"),
    "missing id": (GOOD.format(id="b", order=2).replace('id = "b"', ""), "missing 'id'"),
    "params item without outputs": (
        'id = "b"\ntitle = "P"\norder = 2\nkind = "params"\nquestion = "Count."\n'
        'hints = ["h"]\nitems = [{ layer = "dense", inputs = 4 }]\n',
        "items[0] (dense) needs outputs"),
    "params item with a zero": (
        'id = "b"\ntitle = "P"\norder = 2\nkind = "params"\nquestion = "Count."\n'
        'hints = ["h"]\nitems = [{ layer = "conv", in_channels = 0, filters = 2, kernel = 3 }]\n',
        "items[0] (conv): filters, channels and kernel sides must be at least 1"),
    "cell outside": (GOOD.format(id="b", order=2).replace("answer = [[19, 25], [37, 43]]",
                                                          "cells = [[5, 5]]"), "outside the 2x2"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_reported_on_one_line(tmp_path, case):
    text, expected = BROKEN[case]
    line = _check_one(tmp_path, "bad.toml", text)
    assert expected in line, line


def test_duplicate_id_is_reported(tmp_path):
    line = _check_one(tmp_path, "zz-dup.toml", GOOD.format(id="ok", order=2))
    assert "duplicate id 'ok' (also in ok.toml)" in line


def test_duplicate_order_is_reported(tmp_path):
    line = _check_one(tmp_path, "zz-dup.toml", GOOD.format(id="other", order=1))
    assert "duplicate order 1" in line


def test_every_problem_gets_its_own_line(tmp_path):
    (tmp_path / "a.toml").write_text("not = [toml", encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.format(id="b", order=2).replace("43", "44"), "utf-8")
    r = run("puzzles", "check", str(tmp_path))
    assert r.exit_code == 1
    lines = r.stdout.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["a.toml", "b.toml"]
    assert "Traceback" not in r.output


def test_missing_folder_and_empty_folder(tmp_path):
    r = run("puzzles", "check", str(tmp_path / "nope"))  # bad input: one line, exit 2
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip() == f"cnn-tui: error: there is no folder {tmp_path / 'nope'}"
    r = run("puzzles", "check", str(tmp_path))
    assert r.exit_code == 1 and "no puzzle files" in r.stdout


def test_puzzles_list_prints_ids_in_order():
    r = run("puzzles", "list", str(PUZZLES))
    assert r.exit_code == 0
    first = r.stdout.splitlines()[0].split()
    assert first[:2] == ["1", "practice-first-cell"]
