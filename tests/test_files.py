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


# --- reading what the user hands us ---------------------------------------------------------------
from cnn_tui.files import FileRefused, read_text_limited  # noqa: E402


def test_reads_a_small_file_and_drops_a_byte_order_mark(tmp_path):
    f = tmp_path / "m.txt"
    f.write_bytes("\ufeff1 2; 3 4\n".encode())
    assert read_text_limited(f) == "1 2; 3 4\n"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    f = tmp_path / "big.txt"
    f.write_bytes(b"1" * 2001)
    with pytest.raises(FileRefused, match="2,001 bytes; the limit is 2,000 bytes"):
        read_text_limited(f, limit=2000)


def test_a_folder_and_a_device_are_refused(tmp_path):
    with pytest.raises(FileRefused, match="is a folder"):
        read_text_limited(tmp_path)
    with pytest.raises(FileRefused, match="is a device"):
        read_text_limited("/dev/zero")


def test_a_named_pipe_without_a_writer_is_refused_quickly(tmp_path):
    import time

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(FileRefused, match="no program is writing to the pipe"):
        read_text_limited(fifo)
    assert time.monotonic() - start < 5       # about a second; never a hang


def test_a_named_pipe_with_a_writer_is_read(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "w") as fh:
            fh.write("5 6\n")

    th = threading.Thread(target=writer)
    th.start()
    try:
        assert read_text_limited(fifo) == "5 6\n"
    finally:
        th.join(5)


def test_standard_input_from_a_pipe_is_read():
    import subprocess
    import sys

    code = "from cnn_tui.files import read_text_limited; print(read_text_limited('/dev/stdin'))"
    out = subprocess.run([sys.executable, "-c", code], input="1 2; 3 4", capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "1 2; 3 4"


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_text_limited(tmp_path / "nope.txt")
