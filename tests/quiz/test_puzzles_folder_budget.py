"""Bounded time for a puzzle folder: one file is at most 64 KB (refused from its size, unread:
test_puzzles_hostile_folders.py), a folder's files hold at most 4 MB in all (one problem line,
and no more is read), and a line may join at most 100 names with dots, because Python's TOML
reader slows down with the square of a dotted key's length. Nothing here measures time: the
tests count what is opened, read and handed to the TOML reader."""

from __future__ import annotations

import os
import tomllib

import pytest
from click.testing import CliRunner
from unopened import forbid_opening

from cnn_tui.cli import cli
from cnn_tui.quiz import puzzle as puzzle_mod
from cnn_tui.quiz.puzzle import (MAX_FOLDER_BYTES, MAX_LINE_DOTS, MAX_PUZZLE_BYTES, PuzzleError,
                                 _joining_dots, load_dir, load_file)
from cnn_tui.quiz.regular import OverBudget, read_regular

GOOD = '''id = "{id}"
title = "Practice"
order = {order}
kind = "conv"
question = "Convolve."
input = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
kernel = [[0, 1], [2, 3]]
answer = [[19, 25], [37, 43]]
hints = ["Multiply and add."]
'''

TOO_BIG = ("the puzzle files (*.toml) in this folder hold more than 4,194,304 bytes in all; the "
           "quiz reads at most 4,194,304 bytes of puzzles from one folder")


def test_the_limits_are_64_kb_a_file_and_4_mb_a_folder():
    assert MAX_PUZZLE_BYTES == 65_536
    assert MAX_FOLDER_BYTES == 4_194_304 == 64 * MAX_PUZZLE_BYTES
    assert MAX_LINE_DOTS == 100


def _sparse(path, size):
    with open(path, "wb") as fh:          # nothing written: the files cost no disk and no time
        fh.truncate(size)


def test_a_folder_over_the_budget_is_one_problem_and_nothing_is_opened(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text(GOOD.format(id="a", order=1), encoding="utf-8")
    files = [tmp_path / f"f{i:02}.toml" for i in range(64)]
    for f in files:
        _sparse(f, 65_536)                # 64 x 65,536 = 4,194,304: the budget, plus a.toml
    attempts = forbid_opening(monkeypatch, tmp_path / "a.toml", *files)
    cur = load_dir(tmp_path)
    assert attempts == []
    assert cur.puzzles == []
    assert cur.problems == [(str(tmp_path), TOO_BIG)]
    monkeypatch.undo()
    r = CliRunner().invoke(cli, ["puzzles", "check", str(tmp_path)], prog_name="cnn-tui")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stdout.strip().splitlines() == [f"{tmp_path}: {TOO_BIG}"]


def test_a_folder_of_exactly_the_budget_is_read(tmp_path):
    for i in range(64):                   # 64 files of exactly 65,536 bytes: 4,194,304 in all
        body = GOOD.format(id=f"p{i:02}", order=i + 1)
        body += "#" * (65_536 - len(body) - 1) + "\n"
        assert len(body.encode()) == 65_536
        (tmp_path / f"p{i:02}.toml").write_text(body, encoding="utf-8")
    cur = load_dir(tmp_path)
    assert cur.problems == [] and len(cur.puzzles) == 64


def test_files_refused_from_their_size_do_not_count(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD.format(id="a", order=1), encoding="utf-8")
    for i in range(100):                  # 100 x 1 MB: each is its own problem, none is read
        _sparse(tmp_path / f"big{i:03}.toml", 1_000_000)
    cur = load_dir(tmp_path)
    assert [p.id for p in cur.puzzles] == ["a"]
    assert len(cur.problems) == 100
    assert cur.problems[0] == ("big000.toml", f"the puzzle file "
                                              f"{str(tmp_path / 'big000.toml')!r} is 1,000,000 "
                                              "bytes; the limit is 65,536 bytes")


def test_files_that_grow_after_the_sizes_were_added_up_are_still_held_to_the_budget(
        tmp_path, monkeypatch):
    """The sizes are added up first; should the files grow meanwhile, the bytes actually read
    are counted too, and no more than the budget is read."""
    for i in range(65):                   # 65 x 65,536: one file more than the budget holds
        _sparse(tmp_path / f"f{i:02}.toml", 65_536)
    monkeypatch.setattr(puzzle_mod, "_bytes_to_read", lambda files: 0)   # "they were empty"
    real_read, real_parse = os.read, puzzle_mod._parse
    read, parsed = [], []

    def counting_read(fd, n):
        data = real_read(fd, n)
        read.append(len(data))
        return data

    def counting_parse(data, path):
        parsed.append(path.name)
        return real_parse(data, path)

    monkeypatch.setattr(os, "read", counting_read)
    monkeypatch.setattr(puzzle_mod, "_parse", counting_parse)
    cur = load_dir(tmp_path)
    assert cur.puzzles == [] and cur.problems == [(str(tmp_path), TOO_BIG)]
    assert sum(read) == 4_194_304
    assert parsed == [f"f{i:02}.toml" for i in range(64)]     # f64.toml was never opened


def test_reading_stops_one_byte_past_the_budget(tmp_path, monkeypatch):
    f = tmp_path / "a.toml"
    f.write_bytes(b"#" * 100)
    with pytest.raises(OverBudget):       # from its size: not opened
        attempts = forbid_opening(monkeypatch, f)
        read_regular(f, what="puzzle file", limit=65_536, budget=99)
    assert attempts == []
    monkeypatch.undo()
    assert read_regular(f, what="puzzle file", limit=65_536, budget=100) == b"#" * 100
    small = os.stat(tmp_path / "a.toml")
    f.write_bytes(b"#" * 200)             # it grew after os.stat looked
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: small)
    real_read = os.read
    read = []
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(OverBudget):
        read_regular(f, what="puzzle file", limit=65_536, budget=150)
    assert read == [151]


# --- dotted keys -------------------------------------------------------------------------------
def test_joining_dots_are_counted_by_hand():
    assert _joining_dots("a.b.c = 1") == 2
    assert _joining_dots("a . b . c = 1") == 2
    assert _joining_dots('"a"."b" = 1') == 1
    # Three dots join four parts; the two beside quotes count and b.c alone would not: at
    # least a third of a key's dots always count (see the comment on MAX_LINE_DOTS).
    assert _joining_dots('"a".b.c."d" = 1') == 2
    assert _joining_dots('"a".b.c.d = 1') == 3
    assert _joining_dots("a.b = 1") == 0              # two parts: no slower than a number
    assert _joining_dots("x = [0.55, 0.33, -0.11, 1.5e-3]") == 0
    assert _joining_dots('"Read row 3 of the map: 0.33 0.33 -0.33 0.55 -0.33 0.33 0.33.",') == 1
    assert _joining_dots("no dots at all") == 0


def test_the_bundled_puzzles_are_far_from_the_dot_limit():
    folder = puzzle_mod.Path(__file__).resolve().parents[2] / "puzzles"
    worst = max(_joining_dots(line) for f in folder.glob("*.toml")
                for line in f.read_text(encoding="utf-8").split("\n"))
    assert worst <= 10


def _dotted(parts: int) -> str:
    return GOOD.format(id="a", order=1) + "x." + ".".join(["a"] * (parts - 1)) + " = 1\n"


def test_a_long_dotted_key_is_refused_before_the_toml_reader_sees_it(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text(_dotted(30_000), encoding="utf-8")   # about 60 KB
    assert (tmp_path / "a.toml").stat().st_size < 65_536

    def no_parse(*a, **k):
        raise AssertionError("the TOML reader was asked")

    monkeypatch.setattr(tomllib, "loads", no_parse)
    with pytest.raises(PuzzleError) as e:
        load_file(tmp_path / "a.toml")
    assert str(e.value) == ("not readable: line 10 joins more than 100 names with dots (as in "
                            "a.b.c); a puzzle needs no such keys, and reading them takes too "
                            "long")


def test_100_joining_dots_on_a_line_are_read_101_are_not(tmp_path):
    (tmp_path / "a.toml").write_text(_dotted(101), encoding="utf-8")     # 100 dots
    with pytest.raises(PuzzleError) as e:  # read by the TOML reader: then an unknown key
        load_file(tmp_path / "a.toml")
    assert str(e.value) == "unknown keys for kind 'conv': x"
    (tmp_path / "a.toml").write_text(_dotted(102), encoding="utf-8")     # 101 dots
    with pytest.raises(PuzzleError) as e:
        load_file(tmp_path / "a.toml")
    assert str(e.value).startswith("not readable: line 10 joins more than 100 names with dots")
