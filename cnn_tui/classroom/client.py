"""A browser tab without the browser: the served page's websocket protocol, for tests and
``bench/serve.py``.

The page opens ``ws://HOST:PORT/ws?width=W&height=H``; the server starts an app for it and
sends the app's terminal output as binary messages (the bytes a terminal would draw). The page
sends JSON text messages: ``["stdin", text]`` for keys, ``["resize", {"width": W, "height":
H}]``, ``["ping", x]`` (answered ``["pong", x]``). :class:`Tab` does the same and feeds the
output to a terminal emulator (pyte), so ``tab.text()`` is what the learner would see.

Needs aiohttp (which the server needs too) and pyte (the ``test`` and ``bench`` extras).
"""

from __future__ import annotations

import asyncio
import codecs
import time
from typing import Any

# What the page sends for the keys the tests and the bench press (as xterm.js would).
KEYS = {
    "enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f", "space": " ",
    "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
    "ctrl+a": "\x01", "ctrl+k": "\x0b", "ctrl+q": "\x11",
}


class TabError(RuntimeError):
    """The server refused the tab, or the screen never showed what was awaited."""


class Tab:
    """One learner's tab: ``async with Tab(url) as tab: await tab.wait_for("Welcome")``."""

    def __init__(self, url: str, width: int = 100, height: int = 36) -> None:
        self.url = url.rstrip("/")
        self.width, self.height = width, height
        self.updates = 0                      # binary messages (screen output) received
        self.first_output: float | None = None
        self.opened: float | None = None
        self.closed = False
        self._changed = asyncio.Event()
        self._http: Any = None
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        import pyte

        self._screen = pyte.Screen(width, height)
        self._stream = pyte.Stream(self._screen)

    async def __aenter__(self) -> Tab:
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self) -> None:
        import aiohttp

        self._http = aiohttp.ClientSession()
        self.opened = time.perf_counter()
        try:
            self._ws = await self._http.ws_connect(
                f"{self.url}/ws?width={self.width}&height={self.height}", heartbeat=None,
                max_msg_size=0)
        except Exception:
            await self._http.close()
            raise
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import aiohttp

        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                if self.first_output is None:
                    self.first_output = time.perf_counter()
                self._stream.feed(self._decoder.decode(message.data))
                self.updates += 1
                self._changed.set()
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                break
        self.closed = True
        self._changed.set()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 10)
            except (asyncio.TimeoutError, Exception):
                self._reader.cancel()
        if self._http is not None:
            await self._http.close()

    def text(self) -> str:
        """The screen as the learner sees it: one line per row, trailing spaces removed."""
        return "\n".join(line.rstrip() for line in self._screen.display)

    async def send(self, text: str) -> None:
        """Type ``text`` (as keys: each character one key press)."""
        await self._ws.send_json(["stdin", text])

    async def press(self, *keys: str) -> None:
        """Press named keys (see :data:`KEYS`) or single characters."""
        for key in keys:
            await self.send(KEYS.get(key, key))

    async def resize(self, width: int, height: int) -> None:
        self._screen.resize(height, width)
        await self._ws.send_json(["resize", {"width": width, "height": height}])

    async def wait(self, predicate, timeout: float = 20.0, what: str = "the screen") -> float:
        """Wait until ``predicate(self.text())`` holds; the time it took, in seconds."""
        start = time.perf_counter()
        deadline = start + timeout
        while True:
            if predicate(self.text()):
                return time.perf_counter() - start
            if self.closed:
                raise TabError(f"the session closed while waiting for {what}:\n{self.text()}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TabError(f"{what} did not appear within {timeout} s; the screen:\n"
                               f"{self.text()}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
            except asyncio.TimeoutError:
                pass

    async def wait_for(self, text: str, timeout: float = 20.0) -> float:
        """Wait until ``text`` is on the screen; the time it took, in seconds."""
        return await self.wait(lambda screen: text in screen, timeout, repr(text))

    async def wait_gone(self, text: str, timeout: float = 20.0) -> float:
        return await self.wait(lambda screen: text not in screen, timeout, f"no {text!r}")
