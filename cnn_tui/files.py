"""Writing files safely: every file cnn-tui writes goes through :func:`write_atomic`.

The data goes to a temporary file in the target's folder, is flushed and synced, gets the mode a
plain ``open()`` would give it (0o666 less the umask, not mkstemp's 0o600), and then replaces the
target in one ``os.replace``: a reader sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import tempfile


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, data: str | bytes, *, prefix: str = ".cnn-tui-") -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically. Raises ``OSError``."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
