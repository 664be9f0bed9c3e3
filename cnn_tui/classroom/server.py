"""The classroom web server: textual-serve's, with three changes.

* **No shell.** textual-serve starts each tab's app with ``create_subprocess_shell(command)``.
  Ours starts it with ``create_subprocess_exec(*argv)``: the argument list is built once, at
  start-up, from our own Python and the data folder, and nothing is ever parsed by a shell, so
  a path with spaces or quotes stays one argument. Nothing a browser sends is part of it: the
  page's messages are keys and sizes, written to the app's input.
* **Addresses from the request.** textual-serve writes the page's websocket and static
  addresses from the host it listens on; a server listening on ``0.0.0.0`` would send
  students' browsers to ``ws://0.0.0.0/...``. Ours uses the host the browser asked for.
* **Our own banner** (what to open, where progress is kept) instead of textual-serve's logo.

Loaded only by ``cnn-tui serve``: aiohttp and textual-serve are imported here, never by
``cnn-tui --help``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from cnn_tui.classroom.zygote import end_with_parent

log = logging.getLogger("textual-serve")

STOP_SECONDS = 5.0      # how long a closed tab's app has to quit before it is killed
GOOGLE_FONTS = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)
FULL = ("\r\n  This class is full: {} tabs are open already. Close a tab you no longer use, "
        "or ask your teacher.\r\n")
MAX_STDIN = 4096        # characters per key message: a typist sends one, a paste one event
MAX_MESSAGE = 64 * 1024  # bytes per websocket message (aiohttp's default is 4 MB)
SPAWN_SECONDS = 10.0    # how long the zygote may take to fork a tab's app
MAX_SIZE = 500          # columns or rows a browser may ask for: more is a typo or an attack


def app_argv(data_dir: str, python: str | None = None) -> list[str]:
    """The command that runs one learner's app: this Python, our package, the hidden option
    that makes it ask the learner's name and keep progress under ``data_dir``."""
    return [python or sys.executable, "-P", "-m", "cnn_tui", "run", "--class-dir",
            os.fspath(data_dir)]



class ExecAppService(AppService):
    """textual-serve's app service, started from an argument list without a shell."""

    def __init__(self, argv: Sequence[str], **kw: Any) -> None:
        super().__init__(" ".join(argv), **kw)    # the string is only ever used in log lines
        self.argv = list(argv)

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            preexec_fn=end_with_parent,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit; an app that has not ended after :data:`STOP_SECONDS` is
        killed, so a closed tab never leaves a process behind or holds the server up."""
        if self._task is None:
            return
        try:
            await asyncio.wait_for(super().stop(), timeout=STOP_SECONDS)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            pass
        finally:
            self._task = None
            process = self._process
            if process is not None and process.returncode is None:
                try:
                    process.kill()
                except ProcessLookupError:
                    pass
                await process.wait()


class ClassroomServer(Server):
    """Serves ``argv`` (see :func:`app_argv`) to every browser tab that opens the page."""

    def __init__(self, argv: Sequence[str], *, host: str, port: int, data_dir: str,
                 banner: str, max_tabs: int = 60) -> None:
        super().__init__(" ".join(argv), host=host, port=port, title="cnn-tui")
        self.argv = list(argv)
        self.max_tabs = max_tabs
        self.data_dir = data_dir
        self.banner = banner
        self.sessions: set[ExecAppService] = set()
        self.zygote: Zygote | None = None

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.DEBUG if self.debug else logging.WARNING,
                            format="%(message)s")

    async def on_startup(self, app: web.Application) -> None:
        if Zygote.supported():
            # The environment textual-serve gives each app (its driver, colours, frame rate),
            # set before the zygote imports Textual, which reads it once.
            environment = AppService("", write_bytes=None, write_str=None, close=None,
                                     download_manager=None)._build_environment()
            zygote = Zygote(self.data_dir, environment)
            try:
                await zygote.start()
                self.zygote = zygote
            except OSError as error:
                log.warning("each tab starts a fresh app (%s)", error)
        self.console.print(self.banner, highlight=False, soft_wrap=True)

    async def on_shutdown(self, app: web.Application) -> None:
        # Every tab's app first (each quits, or is killed after STOP_SECONDS), then the zygote.
        await asyncio.gather(*(service.stop() for service in list(self.sessions)),
                             return_exceptions=True)
        if self.zygote is not None:
            await self.zygote.stop()

    def _urls(self, request: web.Request) -> tuple[str, str]:
        """The page's static and websocket addresses, on the host the browser asked for."""
        secure = request.secure
        host = request.host
        static = f"{'https' if secure else 'http'}://{host}/static/"
        websocket = f"{'wss' if secure else 'ws'}://{host}/ws"
        return static, websocket

    async def handle_index(self, request: web.Request) -> web.Response:
        static, websocket = self._urls(request)
        page = aiohttp_jinja2.render_string("app_index.html", request, {
            "font_size": max(6, min(64, to_int(request.query.get("fontsize", "16"), 16))),
            "app_websocket_url": websocket,
            "config": {"static": {"url": static}},
            "application": {"name": self.title},
        })
        # The page asks Google for a font that the terminal does not use (xterm.js draws with
        # the Roboto Mono bundled in /static). A classroom off the internet would wait for
        # that request before the app starts, so the page does without it.
        page = GOOGLE_FONTS.sub("", page)
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One browser tab: start its own app process and pass keys and screens between them."""
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        width = max(1, min(MAX_SIZE, to_int(request.query.get("width", "80"), 80)))
        height = max(1, min(MAX_SIZE, to_int(request.query.get("height", "24"), 24)))
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            # A browser always says which page opens a websocket: only our own page may start
            # an app (another site the teacher visits must not drive the class's server).
            return web.Response(status=403, text="only the cnn-tui page may open a session\n")
        service: ExecAppService | None = None
        try:
            await websocket.prepare(request)
            if len(self.sessions) >= self.max_tabs:     # every tab is a process: bounded
                await websocket.send_bytes(FULL.format(self.max_tabs).encode())
                await websocket.close()
                return websocket
            io = dict(write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                      close=websocket.close, download_manager=self.download_manager,
                      debug=self.debug)
            service = (ForkedAppService(self.argv, self.zygote, **io) if self.zygote is not None
                       else ExecAppService(self.argv, **io))
            self.sessions.add(service)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one tab's trouble must never stop the class's server
            log.warning("a session ended with an error: %s", error)
        finally:
            if service is not None:
                self.sessions.discard(service)
                try:
                    await service.stop()
                except Exception as error:
                    log.warning("a session's app did not stop cleanly: %s", error)
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse,
                                app_service: AppService) -> None:
        """textual-serve's message loop, minus its ``assert``: a message that is not a
        ``[type, data]`` list of a known shape is ignored instead of ending the session."""
        from aiohttp import WSMsgType

        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError, RecursionError):
                continue
            if kind == "stdin" and isinstance(data, str):
                # Every character is a key event in the app: a bounded number per message.
                await app_service.send_bytes(data[:MAX_STDIN].encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                w, h = data.get("width"), data.get("height")
                if isinstance(w, int) and isinstance(h, int) and 0 < w <= MAX_SIZE \
                        and 0 < h <= MAX_SIZE:
                    await app_service.set_terminal_size(w, h)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()


# --- tabs forked from a loaded app (see cnn_tui.classroom.zygote) ------------------------------
class ForkedProcess:
    """A tab's app forked by the zygote: what :class:`ExecAppService` needs of a process.

    The app is the zygote's child, not ours, so it is watched through a pidfd (readable once the
    process has ended) and signalled through it (never a recycled process id)."""

    def __init__(self, pid: int, stdin, stdout, stderr) -> None:
        self.pid = pid
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:                  # already gone
            self._pidfd = None
            self.returncode = 0

    async def wait(self) -> int:
        if self.returncode is None and self._pidfd is not None:
            loop = asyncio.get_running_loop()
            ended = loop.create_future()
            loop.add_reader(self._pidfd, lambda: ended.done() or ended.set_result(None))
            try:
                await ended
            finally:
                loop.remove_reader(self._pidfd)
            self.returncode = 0                     # the zygote reaps it; the code is its own
        self._close()
        return self.returncode or 0

    def kill(self) -> None:
        if self._pidfd is not None and self.returncode is None:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _close(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class Zygote:
    """The server's end of :mod:`cnn_tui.classroom.zygote`: start it, ask it for tabs' apps."""

    READY_SECONDS = 60.0

    def __init__(self, data_dir: str, environment: dict[str, str],
                 python: str | None = None) -> None:
        self.data_dir = data_dir
        self.environment = environment
        self.python = python or sys.executable
        self._sock: socket.socket | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    @staticmethod
    def supported() -> bool:
        """Linux has what this needs (fork, pidfds, passing file descriptors); elsewhere, or
        with ``CNN_TUI_SERVE_FORK=0`` in the environment, each tab starts a fresh app."""
        if os.environ.get("CNN_TUI_SERVE_FORK", "1").strip() == "0":
            return False
        return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")

    async def start(self) -> None:
        """Start the zygote and wait until it has loaded the app. Raises ``OSError``."""
        from cnn_tui.classroom import zygote

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._process = await asyncio.create_subprocess_exec(
                self.python, "-P", "-m", zygote.__name__, str(theirs.fileno()), self.data_dir,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                env=self.environment, pass_fds=(theirs.fileno(),), start_new_session=True,
                preexec_fn=end_with_parent)
        finally:
            theirs.close()
        ours.settimeout(self.READY_SECONDS)
        self._sock = ours
        loop = asyncio.get_running_loop()
        try:
            ready = await loop.run_in_executor(None, ours.recv, 1)
        except OSError:                                 # a timeout too
            ready = b""
        if ready != b"R":
            await self.stop()
            raise OSError("the app could not be loaded for the tabs")
        ours.settimeout(SPAWN_SECONDS)

    def _spawn(self, width: int, height: int, fds: tuple[int, int, int]) -> int:
        from cnn_tui.classroom.zygote import ANSWER, REQUEST

        assert self._sock is not None
        socket.send_fds(self._sock, [REQUEST.pack(b"S", width, height)], list(fds))
        answer = b""
        while len(answer) < ANSWER.size:
            chunk = self._sock.recv(ANSWER.size - len(answer))
            if not chunk:
                raise OSError("the zygote has ended")
            answer += chunk
        (pid,) = ANSWER.unpack(answer)
        if pid <= 0:
            raise OSError("the zygote could not fork")
        return pid

    async def spawn(self, width: int, height: int) -> ForkedProcess:
        """A new app for a tab of ``width`` x ``height``, its pipes wrapped in asyncio streams."""
        if self._sock is None:
            raise OSError("the zygote is not running")
        loop = asyncio.get_running_loop()
        pipes = [os.pipe() for _ in range(3)]
        theirs = (pipes[0][0], pipes[1][1], pipes[2][1])
        ours = (pipes[0][1], pipes[1][0], pipes[2][0])
        try:
            async with self._lock:                  # one request on the socket at a time
                if self._sock is None:
                    raise OSError("the zygote has stopped")
                try:
                    pid = await asyncio.shield(
                        loop.run_in_executor(None, self._spawn, width, height, theirs))
                except BaseException:
                    # A late or lost answer would be read by the next request: out of step
                    # for good. This zygote is done; tabs start fresh apps from now on.
                    self._abandon()
                    raise
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        stdout, stderr = asyncio.StreamReader(), asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdout),
                                     os.fdopen(ours[1], "rb", 0))
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stderr),
                                     os.fdopen(ours[2], "rb", 0))
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                            os.fdopen(ours[0], "wb", 0))
        stdin = asyncio.StreamWriter(transport, protocol, None, loop)
        return ForkedProcess(pid, stdin, stdout, stderr)

    def _abandon(self) -> None:
        if self._sock is not None:
            log.warning("the zygote did not answer; each tab starts a fresh app from now on")
            try:
                self._sock.shutdown(socket.SHUT_RDWR)    # the zygote sees the end and quits
            except OSError:
                pass
            self._sock.close()
            self._sock = None

    async def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._process is not None and self._process.returncode is None:
            try:
                await asyncio.wait_for(self._process.wait(), STOP_SECONDS)
            except asyncio.TimeoutError:
                self._process.kill()
                await self._process.wait()


class ForkedAppService(ExecAppService):
    """A tab whose app is forked by the :class:`Zygote` (falls back to starting a fresh
    process when the zygote cannot)."""

    def __init__(self, argv: Sequence[str], zygote: Zygote, **kw: Any) -> None:
        super().__init__(argv, **kw)
        self.zygote = zygote

    async def _open_app_process(self, width: int = 80, height: int = 24):
        try:
            process = await self.zygote.spawn(width, height)
        except OSError as error:
            log.warning("starting a fresh app for a tab (%s)", error)
            return await super()._open_app_process(width, height)
        self._process = process
        self._stdin = process.stdin
        return process
