"""Puzzle and progress files that are not regular files: devices (``/dev/null``, ``/dev/zero``;
a terminal such as ``/dev/tty`` is a device the same way, told apart only by opening it, which
the quiz never does), named pipes and sockets, reached directly or through a link.

They are refused from ``os.stat`` (links followed) before anything opens them, so nothing waits
on them: a puzzle file is a problem line; a progress file is left exactly as it is (never moved,
never written over), the quiz starts fresh with a notice, and saving fails with the usual
save-error message. Every test forbids opening the special file (see ``unopened.py``).
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from unopened import forbid_opening

from cnn_tui.cli import cli
from cnn_tui.files import FileRefused
from cnn_tui.quiz import progress as progress_mod
from cnn_tui.quiz import regular
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.quiz.progress import FILENAME, FileProgressStore, Progress
from cnn_tui.quiz.puzzle import PuzzleError, load_dir, load_file
from cnn_tui.quiz.regular import NotRegular, read_regular
from cnn_tui.quiz.session import open_session

from quiz_apps import PUZZLES

DEVICES = ["/dev/null", "/dev/zero"]


def _socket_at(folder: Path, name: str) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(folder / name))
    return s


@pytest.fixture
def short_dir():
    """A folder with a short path: a socket's path must fit in about 100 bytes."""
    with tempfile.TemporaryDirectory(prefix="q", dir="/tmp") as d:
        yield Path(d)


# --- puzzle files ------------------------------------------------------------------------------
@pytest.mark.parametrize("device", DEVICES)
def test_puzzles_check_reports_a_link_to_a_device_unopened(tmp_path, monkeypatch, device):
    link = tmp_path / "z.toml"
    link.symlink_to(device)
    attempts = forbid_opening(monkeypatch, link)
    r = CliRunner().invoke(cli, ["puzzles", "check", str(tmp_path)], prog_name="cnn-tui")
    assert attempts == []
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stdout.strip().splitlines() == [
        f"z.toml: the puzzle file {str(link)!r} is a device, not a file"]


def test_a_puzzle_file_that_is_a_socket_is_refused_unopened(short_dir, monkeypatch):
    s = _socket_at(short_dir, "s.toml")
    try:
        attempts = forbid_opening(monkeypatch, short_dir / "s.toml")
        with pytest.raises(PuzzleError) as e:
            load_file(short_dir / "s.toml")
        assert attempts == []
        assert str(e.value) == (f"the puzzle file {str(short_dir / 's.toml')!r} is a socket, "
                                "not a file")
    finally:
        s.close()


def test_a_link_to_a_named_pipe_is_refused_unopened(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "p.toml").symlink_to(tmp_path / "pipe")
    attempts = forbid_opening(monkeypatch, tmp_path / "p.toml", tmp_path / "pipe")
    cur = load_dir(tmp_path)
    assert attempts == []
    assert cur.problems == [("p.toml", f"the puzzle file {str(tmp_path / 'p.toml')!r} is a "
                                       "named pipe, not a file")]


def test_a_file_swapped_for_a_pipe_after_the_check_is_still_not_read(tmp_path, monkeypatch):
    """Between ``os.stat`` and ``os.open`` the file may be replaced: it is opened without
    blocking (and never as a controlling terminal) and checked again through its descriptor."""
    pipe = tmp_path / "p.toml"
    os.mkfifo(pipe)
    real_stat, real_open = os.stat, os.open
    regular_file = real_stat(__file__)          # what os.stat said a moment before the swap
    flags = []

    def fake_stat(path, *a, **k):
        return regular_file if os.fspath(path) == str(pipe) else real_stat(path, *a, **k)

    def spy_open(path, fl, *a, **k):
        flags.append(fl)
        return real_open(path, fl, *a, **k)

    def no_read(fd, n):
        raise AssertionError("the pipe was read")

    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "read", no_read)
    with pytest.raises(NotRegular) as e:
        read_regular(pipe, what="puzzle file", limit=65_536)
    assert e.value.kind == "a named pipe"
    assert str(e.value) == f"the puzzle file {str(pipe)!r} is a named pipe, not a file"
    assert len(flags) == 1
    assert flags[0] & os.O_NONBLOCK and flags[0] & os.O_NOCTTY


def test_not_regular_is_a_refusal_an_oserror():
    assert issubclass(NotRegular, FileRefused) and issubclass(NotRegular, OSError)
    assert regular.kind_of(stat.S_IFCHR) == "a device"
    assert regular.kind_of(stat.S_IFBLK) == "a device"
    assert regular.kind_of(stat.S_IFIFO) == "a named pipe"
    assert regular.kind_of(stat.S_IFSOCK) == "a socket"
    assert regular.kind_of(stat.S_IFDIR) == "a folder"


# --- progress files ----------------------------------------------------------------------------
def _left_alone_notice(folder: Path, kind: str) -> str:
    return (f"Your progress file {str(folder / FILENAME)!r} is {kind}, not a file; it was left "
            "as it is, and the quiz starts fresh without saving (move it out of the way to keep "
            "your progress).")


def _no_writes(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("progress was written")

    monkeypatch.setattr(progress_mod, "write_atomic", refuse)
    monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.setattr(os, "rename", refuse)


@pytest.mark.parametrize("device", DEVICES)
def test_a_progress_link_to_a_device_is_never_opened_moved_or_written(tmp_path, monkeypatch,
                                                                    device):
    link = tmp_path / FILENAME
    link.symlink_to(device)
    attempts = forbid_opening(monkeypatch, link)
    _no_writes(monkeypatch)
    prog = Progress.load(tmp_path)
    assert prog.records == {} and prog.current is None
    assert prog.notice == _left_alone_notice(tmp_path, "a device")
    prog.record("practice").solved = True
    with pytest.raises(OSError) as e:
        prog.save()
    assert str(e.value) == (f"the progress file {str(link)!r} is a device, not a file; "
                            "progress is never written over it")
    assert attempts == []
    assert os.readlink(link) == device                  # the link is where it was
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME]


def test_a_session_on_a_device_progress_file_shows_the_usual_save_error(tmp_path, monkeypatch):
    link = tmp_path / FILENAME
    link.symlink_to("/dev/null")
    attempts = forbid_opening(monkeypatch, link)
    _no_writes(monkeypatch)
    session, notices = open_session(QuizOptions(data_dir=str(tmp_path),
                                                puzzles_dir=str(PUZZLES)))
    assert notices == [_left_alone_notice(tmp_path, "a device")]
    session.next()                                      # moving on saves the position
    assert session.save_error == (
        f"Could not save your progress in {tmp_path}: the progress file {str(link)!r} is a "
        "device, not a file; progress is never written over it")
    assert attempts == [] and os.readlink(link) == "/dev/null"


def test_a_progress_file_that_is_a_socket_is_left_alone(short_dir, monkeypatch):
    s = _socket_at(short_dir, FILENAME)
    try:
        attempts = forbid_opening(monkeypatch, short_dir / FILENAME)
        _no_writes(monkeypatch)
        prog = Progress.load(short_dir)
        assert prog.notice == _left_alone_notice(short_dir, "a socket")
        with pytest.raises(OSError, match="is a socket, not a file; progress is never written"):
            prog.save()
        assert attempts == []
        assert stat.S_ISSOCK(os.lstat(short_dir / FILENAME).st_mode)
    finally:
        s.close()


def test_saving_over_a_named_pipe_is_refused(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / FILENAME)
    attempts = forbid_opening(monkeypatch, tmp_path / FILENAME)
    _no_writes(monkeypatch)
    prog = Progress(tmp_path / FILENAME)
    prog.record("a").solved = True
    with pytest.raises(OSError, match="is a named pipe, not a file; progress is never written"):
        prog.save()
    assert attempts == [] and stat.S_ISFIFO(os.lstat(tmp_path / FILENAME).st_mode)


def test_a_device_is_not_moved_aside_even_when_reading_failed_otherwise(tmp_path, monkeypatch):
    """Setting aside looks again at what the path is: a device is never renamed."""
    link = tmp_path / FILENAME
    link.symlink_to("/dev/zero")
    store = FileProgressStore(tmp_path)

    def unreadable():
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store, "_read", unreadable)
    _no_writes(monkeypatch)
    prog = store.load()
    assert prog.notice == _left_alone_notice(tmp_path, "a device")
    assert os.readlink(link) == "/dev/zero"


def test_a_link_to_a_damaged_regular_file_is_still_set_aside(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("{not json", encoding="utf-8")
    (tmp_path / FILENAME).symlink_to(target)
    prog = Progress.load(tmp_path)
    assert "it was moved to progress.json.damaged-" in prog.notice
    assert not (tmp_path / FILENAME).exists()
    assert target.read_text(encoding="utf-8") == "{not json"   # the link moved, not the file


def test_a_regular_progress_file_still_saves_and_loads(tmp_path):
    prog = Progress.load(tmp_path)
    prog.record("a").solved = True
    prog.save()
    assert stat.S_ISREG(os.stat(tmp_path / FILENAME).st_mode)
    assert Progress.load(tmp_path).get("a").solved
