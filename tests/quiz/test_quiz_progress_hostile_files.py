"""A progress file that is nested thousands deep, too large or full of huge numbers is set aside
like any damaged file; one that is not a file at all (a folder, a named pipe; devices and
terminals: test_quiz_special_files.py) is left as it is, unopened, and the quiz starts fresh.
Temporary files left by a killed write are cleaned up on the next save (only ours, only files,
only stale ones, never the progress file)."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest
from unopened import forbid_opening

from cnn_tui.files import MAX_TEXT_BYTES, TEMP_SUFFIX
from cnn_tui.quiz import progress as progress_mod
from cnn_tui.quiz.progress import (FILENAME, STALE_TEMP_SECONDS, TEMP_PREFIX, FileProgressStore,
                                   Progress)


def aside(tmp_path):
    return [f for f in tmp_path.iterdir() if f.name.startswith(FILENAME + ".damaged-")]


def assert_set_aside(tmp_path, prog, content: bytes | None = None):
    assert prog.records == {} and prog.current is None
    assert "it was moved to progress.json.damaged-" in prog.notice
    assert "\n" not in prog.notice
    moved = aside(tmp_path)
    assert len(moved) == 1 and not (tmp_path / FILENAME).exists()
    if content is not None:
        assert moved[0].read_bytes() == content      # nothing lost: the file is kept as it was


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_is_set_aside(tmp_path, depth):
    content = ("[" * depth + "]" * depth).encode()
    (tmp_path / FILENAME).write_bytes(content)
    prog = Progress.load(tmp_path)
    assert_set_aside(tmp_path, prog, content)
    assert "Your progress file was damaged" in prog.notice


def test_deeply_nested_puzzle_entry_is_set_aside(tmp_path):
    content = ('{"puzzles": {"a": ' + '{"x": ' * 5000 + "1" + "}" * 5000 + "}}").encode()
    (tmp_path / FILENAME).write_bytes(content)
    assert_set_aside(tmp_path, Progress.load(tmp_path), content)


def test_a_progress_file_over_the_limit_is_set_aside_unread(tmp_path, monkeypatch):
    path = tmp_path / FILENAME
    with open(path, "wb") as fh:             # sparse: nothing to read, and nothing is read
        fh.truncate(MAX_TEXT_BYTES + 1)
    real_open = os.open

    def guarded_open(p, *a, **k):
        assert os.fspath(p) != str(path), "the oversized progress file was opened"
        return real_open(p, *a, **k)

    monkeypatch.setattr(os, "open", guarded_open)
    prog = Progress.load(tmp_path)
    monkeypatch.undo()
    assert_set_aside(tmp_path, prog)
    assert "1,000,001 bytes; the limit is 1,000,000 bytes" in prog.notice
    assert aside(tmp_path)[0].stat().st_size == MAX_TEXT_BYTES + 1


def assert_left_alone(tmp_path, prog, kind: str):
    assert prog.records == {} and prog.current is None
    assert prog.notice == (f"Your progress file {str(tmp_path / FILENAME)!r} is {kind}, not a "
                           "file; it was left as it is, and the quiz starts fresh without "
                           "saving (move it out of the way to keep your progress).")
    assert aside(tmp_path) == []


def test_a_named_pipe_is_left_alone_without_waiting(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / FILENAME)
    attempts = forbid_opening(monkeypatch, tmp_path / FILENAME)
    prog = Progress.load(tmp_path)
    assert attempts == []
    assert_left_alone(tmp_path, prog, "a named pipe")
    assert stat.S_ISFIFO(os.lstat(tmp_path / FILENAME).st_mode)


def test_a_folder_named_progress_json_is_left_alone(tmp_path):
    (tmp_path / FILENAME).mkdir()
    (tmp_path / FILENAME / "keep.txt").write_text("mine", encoding="utf-8")
    prog = Progress.load(tmp_path)
    assert_left_alone(tmp_path, prog, "a folder")
    assert (tmp_path / FILENAME / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("content", [
    b'{"puzzles": {"a": {"attempts": ' + b"9" * 5000 + b"}}}",       # beyond int()'s digits
    b'{"puzzles": {"a": {"attempts": ' + b"9" * 300 + b"}}}",        # beyond MAX_COUNT
    b'{"puzzles": {"a": {"hints": -1}}}',
    b'{"puzzles": {"a": {"solved": 1}}}',
    b'{"puzzles": [1, 2]}',
    b"\xff\xfe not utf-8",
    b"",
], ids=["5000-digits", "huge-count", "negative", "not-bool", "list", "not-utf8", "empty"])
def test_damaged_values_are_set_aside(tmp_path, content):
    (tmp_path / FILENAME).write_bytes(content)
    assert_set_aside(tmp_path, Progress.load(tmp_path), content)


def test_a_byte_order_mark_is_not_damage(tmp_path):
    (tmp_path / FILENAME).write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"version": 1, "current": "a", "puzzles": {"a": {"solved": True}}}).encode())
    prog = Progress.load(tmp_path)
    assert prog.notice == "" and prog.get("a").solved and prog.current == "a"


def test_saving_over_a_deep_or_huge_file_writes_ours(tmp_path):
    mine = Progress.load(tmp_path)
    mine.record("practice").solved = True
    (tmp_path / FILENAME).write_text("[" * 100_000, encoding="utf-8")
    mine.save()
    saved = json.loads((tmp_path / FILENAME).read_text(encoding="utf-8"))
    assert saved["puzzles"] == {"practice": {"solved": True, "attempts": 0, "hints": 0}}
    with open(tmp_path / FILENAME, "wb") as fh:
        fh.truncate(MAX_TEXT_BYTES + 1)
    mine.save()
    assert json.loads((tmp_path / FILENAME).read_text(encoding="utf-8"))["puzzles"] == \
        saved["puzzles"]


# --- leftovers of a killed write ---------------------------------------------------------------
def _age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def _save(tmp_path):
    prog = Progress.load(tmp_path)
    prog.record("a").solved = True
    prog.save()


def test_stale_temp_files_of_ours_are_removed_on_the_next_save(tmp_path):
    assert TEMP_PREFIX == ".progress-" and TEMP_SUFFIX == ".tmp"
    old = STALE_TEMP_SECONDS + 3600
    stale = [tmp_path / ".progress-0123456789ab.tmp", tmp_path / ".progress-x.tmp"]
    for f in stale:
        f.write_text('{"half": ', encoding="utf-8")
        _age(f, old)
    keep = {
        "young": tmp_path / ".progress-ba9876543210.tmp",   # maybe another sitting's write
        "other prefix": tmp_path / ".cnn-tui-0123456789ab.tmp",
        "other suffix": tmp_path / ".progress-0123456789ab.json",
        "bare": tmp_path / ".progress-.tmp",
        "aside": tmp_path / "progress.json.damaged-20240101-000000",
    }
    for name, f in keep.items():
        f.write_text("keep", encoding="utf-8")
        if name != "young":
            _age(f, old)
    folder = tmp_path / ".progress-folder.tmp"              # not a file: not ours
    folder.mkdir()
    _age(folder, old)
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / ".progress-link.tmp"                  # a link: not ours either
    link.symlink_to(target)
    _age(link, old)

    _save(tmp_path)
    assert not any(f.exists() for f in stale)
    assert all(f.read_text(encoding="utf-8") == "keep" for f in keep.values())
    assert folder.is_dir() and link.is_symlink() and target.read_text(encoding="utf-8") == "keep"
    assert Progress.load(tmp_path).get("a").solved


def test_the_progress_file_is_never_taken_for_a_temp_file(tmp_path):
    name = ".progress-mine.tmp"                              # an odd, but possible, file name
    store = FileProgressStore(tmp_path, name)
    prog = store.load()
    prog.record("a").solved = True
    store.save(prog)
    _age(tmp_path / name, STALE_TEMP_SECONDS + 3600)
    prog.record("b").solved = True
    store.save(prog)
    again = store.load()
    assert again.get("a").solved and again.get("b").solved


def test_cleanup_happens_before_the_write(tmp_path, monkeypatch):
    stale = tmp_path / ".progress-0123456789ab.tmp"
    stale.write_text("x", encoding="utf-8")
    _age(stale, STALE_TEMP_SECONDS + 60)
    seen = []
    real = progress_mod.write_atomic

    def spy(path, data, **kw):
        seen.append(stale.exists())
        real(path, data, **kw)

    monkeypatch.setattr(progress_mod, "write_atomic", spy)
    _save(tmp_path)
    assert seen == [False]                  # a full disk of leftovers does not block the save


def test_a_killed_write_then_a_save_leaves_only_the_progress_file(tmp_path, monkeypatch):
    _save(tmp_path)

    def killed(src, dst):  # the process dies between writing the temp file and the swap
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    prog = Progress.load(tmp_path)
    prog.record("b").solved = True
    # write_atomic removes its temp file even then; a real kill cannot, so put one back.
    with pytest.raises(KeyboardInterrupt):
        prog.save()
    monkeypatch.undo()
    leftover = tmp_path / ".progress-feedfacecafe.tmp"
    leftover.write_text('{"version": 1, "puz', encoding="utf-8")
    _age(leftover, STALE_TEMP_SECONDS * 2)
    prog.save()
    assert sorted(f.name for f in tmp_path.iterdir()) == [FILENAME]
    assert Progress.load(tmp_path).get("b").solved
