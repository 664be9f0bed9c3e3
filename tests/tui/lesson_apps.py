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


async def settle(pilot, n: int = 6) -> None:
    """Let the screen lay itself out (and its zoom check run) after a key."""
    for _ in range(n):
        await pilot.pause()


def cut(app) -> list[str]:
    """The shown widgets of the open panel that run past the stage, and matrices squeezed
    narrower than their grid (empty when everything fits)."""
    screen = app.lesson
    panel = screen.panel
    stage = screen.query_one("#stage").region
    bad = []
    for w in panel.query("*"):
        if not screen._shown(w, panel) or not w.region.width:
            continue
        r = w.region
        need = getattr(w, "needed", (0, 0))[0]
        if w.size.width < need or r.right > stage.right or r.bottom > stage.bottom:
            bad.append(f"{w.id} {r} needs {need}")
    return bad
