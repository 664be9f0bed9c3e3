"""Small helpers shared by the lesson app tests: an app with a fast play interval, folded
screen text, and a headless run that returns its exit code and output."""

from __future__ import annotations

from cnn_tui.tui.app import CnnTuiApp
from cnn_tui.tui.headless import run_headless


def make(start="literal", **kw) -> CnnTuiApp:
    kw.setdefault("play_interval", 0.01)
    return CnnTuiApp(start=start, **kw)


def flat(text: str) -> str:
    """Screen text with line breaks and runs of spaces folded (wrapped sentences read whole)."""
    return " ".join(text.split())


def headless(capsys, screen="convolution", keys=None, script=None, svg=None, app_kwargs=None,
             size=(100, 36)):
    kw = {"play_interval": 0.01, **(app_kwargs or {})}
    code = run_headless(screen, size, keys, script, svg, app_kwargs=kw)
    out, err = capsys.readouterr()
    return code, out, err
