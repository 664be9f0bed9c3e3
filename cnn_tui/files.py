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


# --- reading what the user hands us ---------------------------------------------------------------
MAX_TEXT_BYTES = 1_000_000     # a matrix, a script, a puzzle or a progress file: far less than this
PIPE_WAIT_SECONDS = 10.0       # how long a pipe (stdin, <(...)) may stay silent before we stop
FIFO_WAIT_SECONDS = 1.0        # how long a named pipe (mkfifo) may: most likely nobody writes


class FileRefused(OSError):
    """A file we will not read: one sentence saying why and what to do."""


def read_text_limited(path: str | os.PathLike, *, what: str = "file",
                      limit: int = MAX_TEXT_BYTES) -> str:
    """The whole text of a small UTF-8 file (a UTF-8 byte-order mark is dropped).

    Checked before anything is read in full: a folder, a device (``/dev/zero``; a terminal is
    fine), a named pipe that no program writes to, and anything over ``limit`` bytes are refused
    with :class:`FileRefused`. A pipe (``@/dev/stdin``, ``<(...)``) is read as it comes, up to
    ``limit`` bytes, and given up after :data:`PIPE_WAIT_SECONDS` of silence; a named pipe that
    stays silent for :data:`FIFO_WAIT_SECONDS` is taken to have no writer.
    A missing file raises ``FileNotFoundError``; other failures raise ``OSError``;
    text that is not UTF-8 raises ``UnicodeDecodeError``.
    """
    import select
    import stat

    name = os.fspath(path)
    st = os.stat(name)                                   # FileNotFoundError passes through
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise FileRefused(f"the {what} {name!r} is a folder, not a file")
    if stat.S_ISREG(mode) and st.st_size > limit:
        raise FileRefused(f"the {what} {name!r} is {st.st_size:,} bytes; the limit is "
                          f"{limit:,} bytes")
    fifo = stat.S_ISFIFO(mode)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
        try:
            tty = os.isatty(fd)
        finally:
            os.close(fd)
        if not tty:
            raise FileRefused(f"the {what} {name!r} is a device, not a file; give a text file")
    # A pipe made by the shell (stdin, process substitution) has its writer from the start; a
    # named pipe may have none, and opening it plainly would wait for one forever.
    anonymous = fifo and "pipe:[" in os.path.realpath(name)
    wait = PIPE_WAIT_SECONDS if anonymous else FIFO_WAIT_SECONDS
    data = bytearray()
    fd = os.open(name, os.O_RDONLY | (os.O_NONBLOCK if fifo else 0))
    try:
        first = True
        while len(data) <= limit:
            if fifo:
                ready, _, _ = select.select([fd], [], [], wait)
                if not ready and not anonymous and not data:
                    raise FileRefused(f"no program is writing to the pipe {name!r}; start the "
                                      "writer first, or give a regular file")
                if not ready:
                    raise FileRefused(f"nothing arrived on the pipe {name!r} for "
                                      f"{wait:g} seconds")
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                if fifo and not anonymous and first and not data:
                    raise FileRefused(f"no program is writing to the pipe {name!r}; start the "
                                      "writer first, or give a regular file")
                break
            first = False
            data += chunk
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"the {what} {name!r} is more than {limit:,} bytes; the limit is "
                          f"{limit:,} bytes")
    text = bytes(data).decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text
