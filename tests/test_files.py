"""The one atomic-write helper: the mode of the new file, no leftovers, the umask left alone."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from cnn_tui.files import write_atomic


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_default_mode_is_a_plain_open_less_the_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "a.txt", "hello")
        assert os.umask(umask) == umask          # the helper left the umask as it found it
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "a.txt") == expected
    assert (tmp_path / "a.txt").read_text() == "hello"


def test_a_private_mode_stays_private(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "p.json", b"{}", mode=0o600)
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "p.json") == 0o600


def test_replaces_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_writers_in_threads_each_leave_a_whole_file(tmp_path):
    target = tmp_path / "shared.txt"
    texts = [str(i) * 1000 for i in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(target, t)) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert target.read_text() in texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.txt"]
