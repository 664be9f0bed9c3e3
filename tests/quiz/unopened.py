"""A guard for tests: fail the test if any of some paths is opened (``os.open``, ``open``).

A file the quiz must refuse unread (a device, a named pipe, a file over a limit) is checked by
what it is and how large it is, never by opening it: the guard turns an attempt to open it into
an ``AssertionError`` that no ``except OSError`` swallows, and records it as well.
"""

from __future__ import annotations

import builtins
import io
import os


def forbid_opening(monkeypatch, *paths) -> list[str]:
    """Make opening any of ``paths`` (or what a link among them leads to) fail the test.

    Returns the list of refused attempts; it stays empty when nothing was opened.
    """
    banned = set()
    for p in paths:
        banned.add(os.path.abspath(os.fspath(p)))
        banned.add(os.path.realpath(os.fspath(p)))
    attempts: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def check(path) -> None:
        if isinstance(path, (str, bytes, os.PathLike)):
            name = os.fsdecode(os.fspath(path))
            if os.path.abspath(name) in banned or os.path.realpath(name) in banned:
                attempts.append(name)
                raise AssertionError(f"{name} was opened")

    def guarded_os_open(path, *a, **k):
        check(path)
        return real_os_open(path, *a, **k)

    def guarded_open(file, *a, **k):
        check(file)
        return real_open(file, *a, **k)

    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    return attempts
