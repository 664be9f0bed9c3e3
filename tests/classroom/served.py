"""A real ``cnn-tui serve`` for the classroom tests: started as a user would, on a free port,
with its own data folder; stopped (and every app it started gone) afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def progress_file(self, folder: str) -> Path:
        return self.data_dir / "learners" / folder / "progress.json"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start(data_dir: Path, log: Path, *extra: str, env: dict | None = None) -> Served:
    """Start ``cnn-tui serve`` and wait until its page answers (``env``: variables to add)."""
    port = free_port()
    env = {**os.environ, **(env or {})}
    env.pop("NO_COLOR", None)
    out = open(log, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cnn_tui", "serve", "--port", str(port), "--data-dir",
         str(data_dir), *extra], stdout=out, stderr=subprocess.STDOUT, env=env,
        start_new_session=True)
    out.close()
    url = f"http://127.0.0.1:{port}"
    served = Served(url, port, data_dir, process, log)
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"cnn-tui serve ended at start:\n{served.output()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as page:
                if page.status == 200 and "cnn-tui classroom" in served.output():
                    return served
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop(served)
            raise RuntimeError(f"cnn-tui serve did not answer in {START_SECONDS} s:\n"
                               f"{served.output()}")
        time.sleep(0.2)


def stop(served: Served) -> None:
    """Ctrl+C, as the teacher would; then make sure nothing of the server is left."""
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGINT)
        try:
            served.process.wait(15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(served.process.pid, signal.SIGKILL)   # the server and anything it left
    except ProcessLookupError:
        pass
    served.process.wait(10)
