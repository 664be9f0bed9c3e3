"""Hostile puzzle folders: a named pipe, a device, a socket, a folder or a file over 64 KB called
``*.toml`` is a problem line, refused before it is opened (so never waited on); a folder of more
than 1,000 puzzle files is one problem. (The 4 MB budget of a whole folder and the dotted-key
limit: test_puzzles_folder_budget.py; terminals: test_quiz_special_files.py.)"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from unopened import forbid_opening

from cnn_tui.cli import cli
from cnn_tui.quiz import puzzle as puzzle_mod
from cnn_tui.quiz.puzzle import (MAX_PUZZLE_BYTES, MAX_PUZZLE_FILES, PuzzleError, load_dir,
                                 load_file)

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


def good_folder(tmp_path):
    (tmp_path / "ok.toml").write_text(GOOD.format(id="ok", order=1), encoding="utf-8")
    return tmp_path


def check(folder):
    r = CliRunner().invoke(cli, ["puzzles", "check", str(folder)], prog_name="cnn-tui")
    assert "Traceback" not in r.output
    return r


def test_a_named_pipe_without_a_writer_is_a_problem_not_a_hang(tmp_path, monkeypatch):
    pipe = good_folder(tmp_path) / "pipe.toml"
    os.mkfifo(pipe)
    attempts = forbid_opening(monkeypatch, pipe)   # opening it plainly would wait for a writer
    cur = load_dir(tmp_path)
    assert attempts == []
    assert [p.id for p in cur.puzzles] == ["ok"]
    assert cur.problems == [("pipe.toml", f"the puzzle file {str(pipe)!r} is a named pipe, not "
                                          "a file")]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_a_problem_and_is_never_opened(tmp_path, monkeypatch, device):
    link = good_folder(tmp_path) / "dev.toml"
    link.symlink_to(device)
    attempts = forbid_opening(monkeypatch, link)
    cur = load_dir(tmp_path)
    assert attempts == []
    assert [p.id for p in cur.puzzles] == ["ok"]
    assert cur.problems == [("dev.toml", f"the puzzle file {str(link)!r} is a device, not a "
                                         "file")]


def test_a_folder_named_toml_is_a_problem(tmp_path):
    (good_folder(tmp_path) / "sub.toml").mkdir()
    r = check(tmp_path)
    assert r.exit_code == 1
    assert r.stdout.strip().splitlines() == [
        f"sub.toml: the puzzle file {str(tmp_path / 'sub.toml')!r} is a folder, not a file"]


def test_the_limit_of_one_file_is_64_kb():
    assert MAX_PUZZLE_BYTES == 65_536


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = good_folder(tmp_path) / "big.toml"
    with open(big, "wb") as fh:             # sparse: nothing written, nothing to be read
        fh.truncate(65_537)
    attempts = forbid_opening(monkeypatch, big)
    cur = load_dir(tmp_path)
    assert attempts == []
    assert [p.id for p in cur.puzzles] == ["ok"]
    assert cur.problems == [("big.toml", f"the puzzle file {str(big)!r} is 65,537 bytes; the "
                                         "limit is 65,536 bytes")]


def test_a_file_at_the_limit_is_read(tmp_path):
    text = GOOD.format(id="ok", order=1)
    padded = text + "#" * (65_536 - len(text) - 1) + "\n"
    assert len(padded.encode()) == 65_536
    (tmp_path / "ok.toml").write_text(padded, encoding="utf-8")
    assert [p.id for p in load_dir(tmp_path).puzzles] == ["ok"]


def test_a_dangling_link_and_an_unreadable_file_are_problems(tmp_path):
    (good_folder(tmp_path) / "gone.toml").symlink_to(tmp_path / "nowhere")
    cur = load_dir(tmp_path)
    assert cur.problems == [("gone.toml", "cannot read the file: No such file or directory")]


def test_a_byte_order_mark_is_fine(tmp_path):
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.format(id="bom", order=1).encode())
    cur = load_dir(tmp_path)
    assert cur.problems == [] and [p.id for p in cur.puzzles] == ["bom"]


def test_a_file_name_that_would_break_the_line_is_quoted(tmp_path):
    (good_folder(tmp_path) / "two\nlines.toml").write_text("x = 1\n", encoding="utf-8")
    r = check(tmp_path)
    assert r.exit_code == 1
    assert r.stdout.strip().splitlines() == [
        "'two\\nlines.toml': missing 'id' (a short name like \"practice-sum\")"]


def test_load_file_turns_every_refusal_into_a_puzzle_error(tmp_path):
    os.mkfifo(tmp_path / "p.toml")
    (tmp_path / "d.toml").mkdir()
    (tmp_path / "z.toml").symlink_to("/dev/zero")
    for name in ("p.toml", "d.toml", "z.toml", "missing.toml"):
        with pytest.raises(PuzzleError) as e:
            load_file(tmp_path / name)
        assert "\n" not in str(e.value)


def _many(tmp_path, n):
    for i in range(n):
        (tmp_path / f"{i:05}.toml").touch()


def test_a_folder_of_more_than_1000_puzzle_files_is_one_problem(tmp_path, monkeypatch):
    assert MAX_PUZZLE_FILES == 1_000
    _many(tmp_path, MAX_PUZZLE_FILES + 1)
    read = []
    monkeypatch.setattr(puzzle_mod, "_read", lambda path, budget=None: read.append(path))
    cur = load_dir(tmp_path)
    assert read == []                      # not one file was read
    assert cur.puzzles == []
    assert cur.problems == [(str(tmp_path), "more than 1,000 puzzle files (*.toml) in this "
                                            "folder; the quiz reads at most 1,000")]
    monkeypatch.undo()
    r = check(tmp_path)
    assert r.exit_code == 1
    assert r.stdout.strip().splitlines() == [
        f"{tmp_path}: more than 1,000 puzzle files (*.toml) in this folder; the quiz reads at "
        "most 1,000"]


def test_a_folder_of_exactly_1000_puzzle_files_is_read(tmp_path):
    _many(tmp_path, MAX_PUZZLE_FILES)
    (tmp_path / "other.txt").touch()        # only *.toml files count
    cur = load_dir(tmp_path)
    assert len(cur.problems) == MAX_PUZZLE_FILES
    assert {what for _, what in cur.problems} == {
        "missing 'id' (a short name like \"practice-sum\")"}
