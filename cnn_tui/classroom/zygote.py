"""A process that has loaded the app once and forks a copy of itself for every browser tab.

Starting a fresh Python for each tab costs about a second of CPU (Python, Textual, NumPy and the
app's modules); twenty learners opening the page at once on a two-core machine would wait ten
seconds. This process pays that once: the server starts it (``python -m
cnn_tui.classroom.zygote FD DATA_DIR``) with textual-serve's environment, it imports the app,
and then, for each tab, receives the tab's terminal size and three pipe ends over the socket
``FD`` and forks. The copy puts the pipes on its stdin, stdout and stderr and runs the app as
``cnn-tui run --class-dir DATA_DIR`` would; the server gets its process id back. A copy shares
the loaded modules' memory with this process until it writes to it.

The protocol on the socket (a Unix socketpair; the server writes one request at a time):

* ready: this process sends ``b"R"`` once the app is loaded;
* request: ``b"S" + width (2 bytes) + height (2 bytes)``, big-endian, with three file
  descriptors attached (stdin's read end, stdout's and stderr's write ends);
* answer: the new process id, 4 bytes big-endian, signed (-1: fork failed).

No shell, no argument parsing: the data folder is fixed when this process starts. It ends
when the server closes its end of the socket.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import socket
import struct
import sys
import threading
import traceback

PR_SET_PDEATHSIG = 1
REQUEST = struct.Struct("!cHH")
ANSWER = struct.Struct("!i")


def _libc_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _libc_prctl()    # looked up now: a child between fork and exec must not import


def end_with_parent() -> None:
    """In a child about to run (a ``preexec_fn``, or first thing after a fork): on Linux,
    have the kernel send it SIGTERM when its parent ends, even by SIGKILL, so no app outlives
    its server (Textual's web driver quits on SIGTERM; a closed stdin alone does not end it)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def preload() -> None:
    """Import everything a tab's app needs, and draw its first screens once without a
    terminal: what Textual and Rich cache on the way (parsed styles, cell widths...) is then
    ready in every copy."""
    import asyncio
    import tempfile

    from cnn_tui.tui.startup import one_blas_thread

    one_blas_thread()       # before NumPy loads, as the app's own commands do (its tabs fork)
    import numpy.ma  # noqa: F401   (np.unique loads it; the first screen no longer does)
    import textual.drivers.web_driver  # noqa: F401

    import cnn_tui.tui.screens.quiz  # noqa: F401
    from cnn_tui.quiz.learners import Classroom
    from cnn_tui.tui.app import CnnTuiApp

    async def draw(app: CnnTuiApp) -> None:
        async with app.run_test(size=(100, 36)) as pilot:
            await pilot.pause()

    with tempfile.TemporaryDirectory(prefix="cnn-tui-warm-") as scratch:
        asyncio.run(draw(CnnTuiApp(classroom=Classroom(scratch))))
    asyncio.run(draw(CnnTuiApp()))


def run_app(data_dir: str) -> int:
    from cnn_tui.quiz.learners import Classroom
    from cnn_tui.tui.app import CnnTuiApp

    app = CnnTuiApp(classroom=Classroom(data_dir))
    app.run()
    return app.return_code or 0


def _child(sock: socket.socket, fds: list[int], width: int, height: int, data_dir: str) -> None:
    """In the forked copy: become the tab's app. Never returns."""
    code = 1
    try:
        sock.close()
        end_with_parent()                       # the zygote killed: its copies end too
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ["COLUMNS"], os.environ["ROWS"] = str(width), str(height)
        code = run_app(data_dir)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def _ended(pidfds: dict[int, int]) -> None:
    """Forget the copies that have ended (their pidfd is readable)."""
    if not pidfds:
        return
    done, _, _ = select.select(list(pidfds.values()), [], [], 0)
    for pid, fd in list(pidfds.items()):
        if fd in done:
            os.close(fd)
            del pidfds[pid]


def _end_all(pidfds: dict[int, int]) -> None:
    """The server has gone: ask every copy still running to quit (Textual's web driver quits
    on SIGTERM); none is left behind without a server to talk to."""
    for fd in pidfds.values():
        try:
            signal.pidfd_send_signal(fd, signal.SIGTERM)
        except OSError:
            pass
        os.close(fd)
    pidfds.clear()


def serve(sock: socket.socket, data_dir: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)       # the kernel reaps our children
    pidfds: dict[int, int] = {}                         # running copies: pid -> pidfd
    try:
        _serve(sock, data_dir, pidfds)
    finally:
        _end_all(pidfds)


def _serve(sock: socket.socket, data_dir: str, pidfds: dict[int, int]) -> None:
    sock.sendall(b"R")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, REQUEST.size, 3)
        except (ConnectionError, OSError):
            return
        if not message:
            return                                      # the server has gone
        _ended(pidfds)
        if len(message) != REQUEST.size or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            sock.sendall(ANSWER.pack(-1))
            continue
        _, width, height = REQUEST.unpack(message)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:
            for fd in pidfds.values():
                os.close(fd)
            _child(sock, fds, width, height, data_dir)
        if pid > 0:
            try:
                pidfds[pid] = os.pidfd_open(pid)
            except OSError:
                pass                                    # ended already
        for fd in fds:
            os.close(fd)
        sock.sendall(ANSWER.pack(pid))


def main(argv: list[str]) -> int:
    fd, data_dir = int(argv[1]), argv[2]
    sock = socket.socket(fileno=fd)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))     # ends the copies on the way out
    preload()
    if threading.active_count() != 1:     # a fork copies only this thread: refuse, and the
        return 1                          # server starts a fresh app per tab instead
    gc.collect()
    gc.freeze()        # the loaded objects stay put: copies share their pages longer
    serve(sock, data_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
