"""Drive the real app without a terminal (``cnn-tui run --headless``) and print its screen as text.

The app runs under Textual's pilot (``App.run_test(size=...)``), so every key goes through the
same bindings and actions as in a terminal. A script holds one action per line::

    press right right n     Textual key names, pressed in order
    type 5/9                characters typed
    expect 0.77             exit 1 unless this text is on the screen now
    snapshot                print the screen now as plain text
    svg out.svg             save an SVG screenshot

``#`` starts a comment. Bad lines, unknown screens and bad sizes are reported in one line on
stderr with exit status 2, before the app starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import tempfile
from dataclasses import dataclass

from cnn_tui.files import write_atomic
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.screens import SCREENS

ACTIONS = ("press", "type", "expect", "snapshot", "svg")
KEY_NAME = re.compile(r"^(?:[a-z0-9_]+(?:\+[a-z0-9_]+)*|[^\s])$")
COMMENT = re.compile(r"(?:^|\s)#.*$")  # "#" at the start or after a space begins a comment
MIN_SIZE, MAX_SIZE = (10, 5), (1000, 500)


class HeadlessError(ValueError):
    """A bad argument or script line: one line of text for the user (exit status 2)."""


@dataclass(frozen=True)
class Step:
    action: str
    arg: str
    line: int


def parse_size(text: str) -> tuple[int, int]:
    """``"100x36"`` -> ``(100, 36)``."""
    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text or "")
    if not m:
        raise HeadlessError(f"--size must look like 100x36 (columns x rows), got {text!r}")
    return check_size((int(m.group(1)), int(m.group(2))))


def check_size(size) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise HeadlessError(
            f"size must be two whole numbers (columns, rows), got {size!r}") from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise HeadlessError(f"size {w}x{h} is out of range: use {MIN_SIZE[0]}x{MIN_SIZE[1]} "
                            f"to {MAX_SIZE[0]}x{MAX_SIZE[1]} (the app itself needs 80x24)")
    return w, h


def parse_keys(text: str, where: str = "--keys") -> list[str]:
    keys = text.split()
    for k in keys:
        if not KEY_NAME.match(k):
            raise HeadlessError(f"{where}: {k!r} is not a key name; use Textual key names such "
                                "as right, left, space, n, question_mark, ctrl+p")
    return keys


def parse_script(text: str, name: str = "script") -> list[Step]:
    steps: list[Step] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = COMMENT.sub("", raw).strip()
        if not line:
            continue
        action, _, arg = line.partition(" ")
        arg = arg.strip()
        where = f"{name} line {no}"
        if action not in ACTIONS:
            raise HeadlessError(f"{where}: unknown action {action!r}; use one of "
                                f"{', '.join(ACTIONS)}")
        if action == "press":
            if not arg:
                raise HeadlessError(f"{where}: 'press' needs key names, e.g. press right right n")
            parse_keys(arg, where)
        elif action in ("type", "expect") and not arg:
            raise HeadlessError(f"{where}: {action!r} needs some text, e.g. {action} 0.77")
        elif action == "svg" and not arg:
            raise HeadlessError(f"{where}: 'svg' needs a file name, e.g. svg out.svg")
        elif action == "snapshot" and arg:
            raise HeadlessError(f"{where}: 'snapshot' takes no argument")
        steps.append(Step(action, arg, no))
    return steps


def screen_text(app) -> str:
    """The app's current screen (with any screens below a modal) as plain text, styles stripped."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    text = console.export_text(styles=False)
    lines = [line.rstrip() for line in text.split("\n")][:height]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def save_svg(path: str, text: str) -> None:
    """Write the SVG ``text`` to ``path`` atomically; any OSError becomes one line for the user."""
    try:
        write_atomic(path, text, prefix=".cnn-tui-")
    except OSError as exc:
        raise HeadlessError(f"cannot write the SVG {path!r}: {exc.strerror or exc}") from None


def _check_svg_path(path: str, where: str) -> None:
    """Refuse up front a target that cannot be written: a folder, a missing or read-only parent."""
    if os.path.isdir(path):
        raise HeadlessError(f"{where}: cannot write the SVG {path!r}: it is a folder; "
                            "give a file name such as out.svg")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(directory):
        raise HeadlessError(f"{where}: cannot write {path!r}: folder {directory!r} does not exist")
    if not os.path.isdir(directory):
        raise HeadlessError(f"{where}: cannot write {path!r}: {directory!r} is not a folder")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise HeadlessError(f"{where}: cannot write {path!r}: folder {directory!r} is not "
                            "writable")


async def _drive(app, size, steps: list[Step], svg: str | None, out) -> int:
    last = ""
    last_svg = ""
    code = 0
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for i, step in enumerate(steps):
            if app._exit:
                rest = steps[i:]
                print(f"cnn-tui: note: the app quit before script line {rest[0].line}; "
                      f"{len(rest)} remaining action(s) were not run", file=sys.stderr)
                if any(st.action == "expect" for st in rest):
                    code = 1                      # an expect that could not be checked fails
                break
            if step.action in ("press", "type"):
                keys = step.arg.split() if step.action == "press" else list(step.arg)
                for key in keys:
                    if app._exit:
                        break
                    last = screen_text(app)            # kept in case this key quits
                    if svg:
                        last_svg = app.export_screenshot()
                    await pilot.press(key)
                await pilot.pause()
            elif step.action == "expect":
                text = screen_text(app)
                if step.arg not in text:
                    print(f"expect failed (line {step.line}): {step.arg!r} is not on the screen; "
                          "the screen shows:", file=out)
                    print(text, file=out)
                    return 1
            elif step.action == "snapshot":
                print(screen_text(app), file=out)
                print(file=out)
            elif step.action == "svg":
                save_svg(step.arg, app.export_screenshot())
        if not app._exit:
            last = screen_text(app)
            if svg:
                last_svg = app.export_screenshot()
    if svg and last_svg:
        save_svg(svg, last_svg)
    print(last, file=out)
    return code


def run_headless(screen: str, size: tuple[int, int], keys: str | None, script: str | None,
                 svg: str | None, app_kwargs: dict | None = None) -> int:
    """Run the app on ``screen`` at ``size``, press ``keys``, run the ``script`` file, save ``svg``.

    Prints the final screen as plain text on stdout and returns the exit code: 0, 1 when an
    ``expect`` fails, 2 for bad arguments or script lines (one line on stderr).
    ``app_kwargs`` go to the app; their ``"quiz_options"`` is a
    :class:`~cnn_tui.quiz.options.QuizOptions` or None. Unless the caller names a quiz data dir
    (``app_kwargs["quiz_options"].data_dir``) or ``$CNN_TUI_DATA_DIR`` is set, quiz progress goes
    to a temporary folder, never the user's own.
    """
    import asyncio

    try:
        if screen not in SCREENS:
            raise HeadlessError(f"unknown screen {screen!r}; choose one of {', '.join(SCREENS)}")
        size = check_size(size)
        steps: list[Step] = []
        if keys:
            steps.append(Step("press", " ".join(parse_keys(keys)), 0))
        if script:
            try:
                with open(script, encoding="utf-8") as fh:
                    text = fh.read()
            except UnicodeDecodeError as exc:
                raise HeadlessError(f"cannot read script {script!r}: it is not UTF-8 text "
                                    f"(byte {exc.start} cannot be decoded)") from None
            except OSError as exc:
                raise HeadlessError(f"cannot read script {script!r}: "
                                    f"{exc.strerror or exc}") from None
            steps.extend(parse_script(text, os.path.basename(script)))
        for st in steps:
            if st.action == "svg":
                _check_svg_path(st.arg, f"{os.path.basename(script or '')} line {st.line}")
        if svg:
            _check_svg_path(svg, "--svg")
    except HeadlessError as exc:
        print(f"cnn-tui: error: {exc}", file=sys.stderr)
        return 2

    from cnn_tui.tui.app import CnnTuiApp

    kwargs = dict(app_kwargs or {})
    quiz_options: QuizOptions | None = kwargs.get("quiz_options")
    data_dir = quiz_options.data_dir if quiz_options is not None else None
    with contextlib.ExitStack() as stack:
        if not data_dir and not os.environ.get("CNN_TUI_DATA_DIR"):
            # A scripted run must not touch the learner's real quiz progress.
            quiz_options = dataclasses.replace(
                quiz_options or QuizOptions(),
                data_dir=stack.enter_context(
                    tempfile.TemporaryDirectory(prefix="cnn-tui-headless-")))
        kwargs["quiz_options"] = quiz_options
        try:
            app = CnnTuiApp(start=screen, **kwargs)
        except ValueError as exc:
            print(f"cnn-tui: error: {exc}", file=sys.stderr)
            return 2
        try:
            return asyncio.run(_drive(app, size, steps, svg, sys.stdout))
        except HeadlessError as exc:
            print(f"cnn-tui: error: {exc}", file=sys.stderr)
            return 2
