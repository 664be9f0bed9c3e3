"""The lesson's exit status follows the app: 0 after a normal quit, 1 after a crash.

CliRunner gives the command no terminal, so each test says there is one
(``cnn_tui.cli.app.terminal_problem`` -> None); tests/test_no_terminal.py tests that check.

Expected values come from hand calculation (worked in the comments) or tests/golden/lecture.toml.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import cnn_tui.cli.app as cli_app
from cnn_tui.cli import cli
from cnn_tui.tui.app import CnnTuiApp

pytestmark = pytest.mark.app   # these run the real app headless


@pytest.fixture(autouse=True)
def a_terminal(monkeypatch):
    """CliRunner's stdin is no terminal: these tests stand in for one."""
    monkeypatch.setattr(cli_app, "terminal_problem", lambda: None)


def test_lesson_exit_code_follows_a_crashed_app(monkeypatch):
    """`cnn-tui` and `cnn-tui run` report the app's own return code (1 after a crash), not 0."""
    from cnn_tui.tui.screens.lesson import LessonScreen

    real_run = CnnTuiApp.run

    def run_headless_app(self, **kw):                # no terminal here: same app, headless
        return real_run(self, headless=True, size=(100, 36))

    async def crash(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(CnnTuiApp, "run", run_headless_app)
    monkeypatch.setattr(LessonScreen, "on_mount", crash)
    for args in ([], ["run", "--screen", "pooling"]):
        r = CliRunner().invoke(cli, args, prog_name="cnn-tui")
        assert r.exit_code == 1, (args, r.output)


def test_lesson_exit_code_is_0_after_a_normal_quit(monkeypatch):
    real_run = CnnTuiApp.run

    def run_and_quit(self, **kw):
        self.call_later(self.exit)
        return real_run(self, headless=True, size=(100, 36))

    monkeypatch.setattr(CnnTuiApp, "run", run_and_quit)
    r = CliRunner().invoke(cli, [], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
