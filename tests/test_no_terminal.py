"""Without a terminal the app does not start: one line pointing at 'cnn-tui run --headless' and
exit status 2 (it used to spin a CPU core forever).

Real processes, with a generous timeout so that a hang fails the test instead of stalling it;
a pseudo-terminal (pty) stands in for a terminal where one is needed.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

import cnn_tui.cli.app as cli_app
from cnn_tui.cli import cli

HANG = 120   # seconds: only a hang gets near this
COMMANDS = [[], ["quiz"], ["quiz", "--random"], ["run"], ["run", "--screen", "pooling"]]


def assert_needs_a_terminal(returncode: int, stdout: str, stderr: str, what: str = "") -> None:
    assert returncode == 2, (returncode, stdout[:300], stderr[:300])
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[:500]
    assert lines[0].startswith("cnn-tui: error: the app needs a terminal"), lines[0]
    assert "'cnn-tui run --headless'" in lines[0] and what in lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "cnn-tui")
def test_stdin_from_dev_null(args):
    p = subprocess.run([sys.executable, "-m", "cnn_tui", *args], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=HANG)
    assert_needs_a_terminal(p.returncode, p.stdout, p.stderr, "stdin")


@pytest.mark.parametrize("args", [[], ["quiz"], ["run"]], ids=lambda a: " ".join(a) or "cnn-tui")
def test_stdin_closed(args):
    # `<&-` closes the process's stdin: Python starts with sys.stdin = None.
    p = subprocess.run(["sh", "-c", 'exec "$0" -m cnn_tui "$@" <&-', sys.executable, *args],
                       capture_output=True, text=True, timeout=HANG)
    assert_needs_a_terminal(p.returncode, p.stdout, p.stderr, "stdin")


def _on_pty(code_or_args: list[str], term: str, stdout=None, stderr=None):
    """Run ``python <args>`` with a pty as stdin (and as stdout/stderr unless given); return
    ``(returncode, text written to the pty, captured stdout, captured stderr)``."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": term}
    proc = subprocess.Popen([sys.executable, *code_or_args], stdin=slave,
                            stdout=slave if stdout is None else stdout,
                            stderr=slave if stderr is None else stderr, env=env)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + HANG
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:          # EIO: every writer of the pty has closed it
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            pytest.fail(f"no exit within {HANG} s: the app started without a usable terminal")
        out, err = proc.communicate(timeout=HANG)
    finally:
        os.close(master)
    text = seen.decode("utf-8", "replace").replace("\r\n", "\n")
    return proc.returncode, text, (out or b"").decode(), (err or b"").decode()


@pytest.mark.parametrize("args", [[], ["quiz"], ["run"]], ids=lambda a: " ".join(a) or "cnn-tui")
def test_term_dumb_on_a_real_terminal(args):
    code, on_tty, _, _ = _on_pty(["-m", "cnn_tui", *args], "dumb")
    assert_needs_a_terminal(code, "", on_tty, "TERM is 'dumb'")


def test_stdout_to_a_pipe():
    code, on_tty, out, err = _on_pty(["-m", "cnn_tui"], "xterm-256color",
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert on_tty == ""
    assert_needs_a_terminal(code, out, err, "stdout")


def test_stderr_to_a_pipe():
    # Textual draws on stderr: with stderr in a pipe the learner would see nothing.
    code, _, _, err = _on_pty(["-m", "cnn_tui"], "xterm-256color", stderr=subprocess.PIPE)
    assert_needs_a_terminal(code, "", err, "stderr")


PROBE = "from cnn_tui.cli.app import terminal_problem; print('PROBLEM:', terminal_problem())"


def test_a_real_terminal_has_no_problem():
    """The check is not simply always on: on a pty with a real TERM it finds nothing."""
    code, on_tty, _, _ = _on_pty(["-c", PROBE], "xterm-256color")
    assert code == 0 and "PROBLEM: None" in on_tty, on_tty
    code, on_tty, _, _ = _on_pty(["-c", PROBE], "dumb")
    assert code == 0 and "TERM is 'dumb'" in on_tty, on_tty


def test_the_check_runs_before_the_app_is_built(monkeypatch):
    """Under CliRunner stdin is no terminal; the app class must never be touched."""
    import cnn_tui.tui.app as tui_app

    built = []
    monkeypatch.setattr(tui_app, "CnnTuiApp", lambda *a, **k: built.append(a) or None)
    for args in COMMANDS:
        r = CliRunner().invoke(cli, args, prog_name="cnn-tui")
        assert_needs_a_terminal(r.exit_code, r.stdout, r.stderr, "stdin")
    assert built == []


def test_bad_options_are_still_reported_first(tmp_path):
    """A usage mistake is named even without a terminal: the options are checked first."""
    r = CliRunner().invoke(cli, ["quiz", "--start", "nope", "--data-dir", str(tmp_path)],
                           prog_name="cnn-tui")
    assert r.exit_code == 2 and "there is no puzzle with id 'nope'" in r.stderr
    r = CliRunner().invoke(cli, ["run", "--keys", "right"], prog_name="cnn-tui")
    assert r.exit_code == 2 and "need --headless" in r.stderr


def test_tests_can_stand_in_a_terminal(monkeypatch):
    """The one switch tests that fake the app use: terminal_problem -> None."""
    import cnn_tui.tui.app as tui_app

    class FakeApp:
        def __init__(self, **kw):
            self.return_code = None

        def run(self):
            self.return_code = 0

    monkeypatch.setattr(cli_app, "terminal_problem", lambda: None)
    monkeypatch.setattr(tui_app, "CnnTuiApp", FakeApp)
    assert CliRunner().invoke(cli, [], prog_name="cnn-tui").exit_code == 0


@pytest.mark.app
def test_headless_runs_need_no_terminal():
    p = subprocess.run([sys.executable, "-m", "cnn_tui", "run", "--headless", "--screen",
                        "convolution", "--keys", "right"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=HANG)
    assert p.returncode == 0, p.stderr
    assert "1/49 filled" in p.stdout


def test_a_textual_driver_of_its_own_needs_no_terminal(monkeypatch):
    """A web server runs the app over pipes with its own driver: that is not 'no terminal'."""
    from cnn_tui.cli import app as cli_app

    monkeypatch.setenv("TERM", "dumb")                  # no terminal could draw here
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert cli_app.terminal_problem() is None
    monkeypatch.delenv("TEXTUAL_DRIVER")
    assert cli_app.terminal_problem() is not None
