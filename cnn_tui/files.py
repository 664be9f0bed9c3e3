"""Writing files safely: every file cnn-tui writes itself goes through :func:`write_atomic`.

The data goes to a new temporary file in the target's folder, is flushed and synced, and then
replaces the target in one ``os.replace``: a reader sees the old file or the new one, never half
of either. The temporary file is created with ``mode`` (by default 0o666, as a plain ``open()``
would), which the kernel narrows by the process's umask; the umask itself is never touched, so
writing from a worker thread is safe.
"""

from __future__ import annotations

import os
import secrets

TEMP_SUFFIX = ".tmp"


def write_atomic(path: str | os.PathLike, data: str | bytes, *, prefix: str = ".cnn-tui-",
                 mode: int = 0o666) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically. Raises ``OSError``.

    ``mode`` is the new file's permission before the umask (0o600: only its owner reads it).
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f"{prefix}{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, flags, mode)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise FileExistsError(f"could not create a temporary file in {directory}")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
