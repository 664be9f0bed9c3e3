"""Reading the quiz's own files (puzzle files, the progress file): regular files only.

:func:`cnn_tui.files.read_text_limited` is made for what a user hands the app on purpose
(``@FILE``, a script, ``@/dev/stdin``): it reads pipes and terminals. A puzzle or progress file
is never one of those, and reading a terminal or a pipe would wait on it forever. So here the
path is looked at first (``os.stat``, following links) and anything but a regular file — a
folder, a device (``/dev/null``, ``/dev/zero``, a terminal), a named pipe, a socket — is refused
with :class:`NotRegular` before it is opened. Then the file's size is checked against the limit,
still without opening it; only then is it opened (without blocking and without becoming the
controlling terminal, in case it was swapped for something else in between), checked once more
through its descriptor, and read up to the limit.
"""

from __future__ import annotations

import os
import stat

from cnn_tui.files import FileRefused

__all__ = ["NotRegular", "OverBudget", "check_regular", "decode", "kind_of", "read_regular"]


class NotRegular(FileRefused):
    """The path names something other than a regular file (or a link to one)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class OverBudget(Exception):
    """Reading the file would go past the caller's byte budget (see :func:`read_regular`)."""


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, in words ("a folder", "a device", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


def _refusal(name: str, what: str, mode: int) -> NotRegular:
    kind = kind_of(mode)
    if kind == "not a regular file":
        return NotRegular(f"the {what} {name!r} is not a regular file", kind)
    return NotRegular(f"the {what} {name!r} is {kind}, not a file", kind)


def check_regular(path: str | os.PathLike, what: str = "file") -> os.stat_result:
    """``os.stat(path)`` (links followed) if it is a regular file; else :class:`NotRegular`.

    Nothing is opened. A missing file (or a dangling link) raises ``FileNotFoundError``.
    """
    name = os.fspath(path)
    st = os.stat(name)
    if not stat.S_ISREG(st.st_mode):
        raise _refusal(name, what, st.st_mode)
    return st


def read_regular(path: str | os.PathLike, *, what: str, limit: int,
                 budget: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Refused with :class:`NotRegular` (never opened) unless ``os.stat`` says it is a regular
    file, and with :class:`~cnn_tui.files.FileRefused` (never opened) when its size is over
    ``limit``; a file that grows past ``limit`` while it is read is refused too, after at most
    ``limit + 1`` bytes. With ``budget``, a file that holds more than ``budget`` bytes (and no
    more than ``limit``) raises :class:`OverBudget`, after reading at most ``budget + 1`` bytes.
    A missing file raises ``FileNotFoundError``; other failures raise ``OSError``.
    """
    name = os.fspath(path)
    st = check_regular(name, what)
    if st.st_size > limit:
        raise FileRefused(f"the {what} {name!r} is {st.st_size:,} bytes; the limit is "
                          f"{limit:,} bytes")
    if budget is not None and st.st_size > budget:
        raise OverBudget(name)
    cap = limit if budget is None else min(limit, budget)
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_CLOEXEC", 0))
    fd = os.open(name, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):          # swapped since os.stat: still not read
            raise _refusal(name, what, st.st_mode)
        data = bytearray()
        while len(data) <= cap:
            chunk = os.read(fd, min(65536, cap + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"the {what} {name!r} is more than {limit:,} bytes; the limit is "
                          f"{limit:,} bytes")
    if len(data) > cap:
        raise OverBudget(name)
    return bytes(data)


def decode(data: bytes) -> str:
    """UTF-8 text, a leading byte-order mark dropped; ``UnicodeDecodeError`` if it is not."""
    return data.decode("utf-8").removeprefix("\ufeff")
