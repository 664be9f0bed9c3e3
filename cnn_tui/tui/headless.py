"""Drive the real app without a terminal (``cnn-tui run --headless``) and print its screen as text.

The app runs under Textual's pilot (``App.run_test(size=...)``), so every key goes through the
same bindings and actions as in a terminal. A script holds one action per line::

    press right right n     Textual key names, pressed in order
    type 5/9                characters typed
    expect 0.77             exit 1 unless this text is on the screen now
    snapshot                print the screen now as plain text
    svg out.svg             save an SVG screenshot

``#`` starts a comment. Bad lines, unknown screens, unknown key names (``rigth``), more than
:data:`MAX_KEYS` key presses or :data:`MAX_OTHER_ACTIONS` other actions, and bad sizes are reported in one line on stderr with exit status 2,
before the app starts. The script is read through :func:`cnn_tui.files.read_text_limited` (at
most 1 MB; a device or a named pipe nobody writes to is refused).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass

from cnn_tui.files import FileRefused, read_text_limited, write_atomic
from cnn_tui.inputs import shown, shown_path
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.screens import SCREENS

ACTIONS = ("press", "type", "expect", "snapshot", "svg")
COMMENT = re.compile(r"(?:^|\s)#.*$")  # "#" at the start or after a space begins a comment
MIN_SIZE, MAX_SIZE = (10, 5), (1000, 500)
APP_MIN_SIZE = (80, 24)      # below this the app shows only a "terminal too small" message
# Key presses in one run (--keys, 'press' and 'type' together). Textual's pilot takes about 80 ms
# a key, so 1,000 keys run for a minute or two; far more would look like a hang.
MAX_KEYS = 1_000
MAX_OTHER_ACTIONS = 200        # expect, snapshot and svg lines of one run (each svg takes ~25 ms)
KEY_EXAMPLES = "right, left, space, n, question_mark, ctrl+p"


class HeadlessError(ValueError):
    """A bad argument or script line: one line of text for the user (exit status 2)."""


@dataclass(frozen=True)
class Step:
    action: str
    arg: str
    line: int


def parse_size(text: str) -> tuple[int, int]:
    """``"100x36"`` -> ``(100, 36)``."""
    m = re.fullmatch(r"\s*([0-9]+)\s*[xX]\s*([0-9]+)\s*", text or "")
    if not m:
        raise HeadlessError(f"--size must look like 100x36 (columns x rows), got "
                            f"{shown(text or '')}")
    if max(len(g.lstrip("0")) for g in m.groups()) > 6:      # never int() a huge digit string
        raise HeadlessError(f"size {shown(text.strip())} is out of range: use "
                            f"{MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]} (the app "
                            f"itself needs 80x24)")
    return check_size((int(m.group(1)), int(m.group(2))))


def check_size(size) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        try:
            given = repr(size)
        except ValueError:                      # an int too long to print
            given = "a number too large to show"
        given = given if len(given) <= 40 else given[:40] + "…"
        raise HeadlessError(
            f"size must be two whole numbers (columns, rows), got {given}") from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        given = f"{w}x{h}" if max(abs(w), abs(h)) < 10**9 else "given"
        raise HeadlessError(f"size {given} is out of range: use {MIN_SIZE[0]}x{MIN_SIZE[1]} "
                            f"to {MAX_SIZE[0]}x{MAX_SIZE[1]} (the app itself needs 80x24)")
    return w, h


# --- key names: the ones Textual 8 itself gives key events --------------------------------------
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")   # Textual sorts them: this order


@functools.lru_cache(maxsize=1)
def _named_keys() -> tuple[frozenset[str], frozenset[str]]:
    """``(names, bases)``: every key name of Textual's ``Keys`` and its aliases, and the ones
    without a modifier (plus the kitty keyboard protocol's: f25, caps_lock, ...)."""
    from textual.keys import KEY_ALIASES, Keys

    names = {k.value for k in Keys if not k.value.startswith("<")}
    names.update(alias for aliases in KEY_ALIASES.values() for alias in aliases)
    try:
        from textual._keyboard_protocol import FUNCTIONAL_KEYS
        names.update(FUNCTIONAL_KEYS.values())
    except ImportError:  # pragma: no cover - a private module of Textual
        pass
    bases = {n for n in names if "+" not in n}
    return frozenset(names), frozenset(bases)


def _character_key_name(name: str) -> bool:
    """True for the name Textual gives a printable character's key: ``question_mark``,
    ``plus``, ``full_stop``, ``comma``... (the exact inverse of Textual's own naming)."""
    import unicodedata

    from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, _character_to_key

    original = REPLACED_KEYS.get(name, name)
    unicode_name = KEY_TO_UNICODE_NAME.get(original, original.replace("_", " "))
    try:
        char = unicodedata.lookup(unicode_name)
    except KeyError:
        return False
    return char.isprintable() and _character_to_key(char) == name


def _base_key(name: str) -> bool:
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    return name in _named_keys()[1] or _character_key_name(name)


def key_problem(key: str) -> str | None:
    """What is wrong with ``key`` as a Textual 8 key name (a phrase), or None when Textual
    gives key events that name: a ``Keys`` name (right, escape, f5, ctrl+p...), one printable
    character (n, 5, ?), a character's name (question_mark, plus, full_stop) or such a key after
    modifiers in Textual's order (ctrl+shift+left, alt+x)."""
    if len(key) == 1:
        return None if _base_key(key) else "is not a printable key"
    if key in _named_keys()[0]:
        return None
    *mods, base = key.split("+")
    if not mods:
        return None if _base_key(key) else "is not a key name" + _suggest(key)
    if all(mods) and set(mods) <= set(MODIFIERS) and base and _base_key(base):
        if len(set(mods)) != len(mods):
            return "names a modifier twice"
        if len(base) == 1 and not base.isalnum():
            from textual.keys import _character_to_key

            base = _character_to_key(base)       # Textual names it: ctrl+question_mark
        canonical = "+".join(sorted(mods, key=MODIFIERS.index) + [base])
        if canonical != key:
            return f"is not how Textual names that key (did you mean {canonical!r}?)"
        return None
    return "is not a key name" + _suggest(key)


def _suggest(key: str) -> str:
    """`` (did you mean 'right'?)`` for a near miss of a key name, else ``""``."""
    import difflib
    import string

    from textual.keys import KEY_NAME_REPLACEMENTS, _character_to_key

    *mods, base = key[:60].split("+")
    prefix = "+".join(mods + [""])
    if mods and (not all(mods) or not set(mods) <= set(MODIFIERS)):
        return ""
    if base in KEY_NAME_REPLACEMENTS:                 # plus_sign -> plus, solidus -> slash
        guess = KEY_NAME_REPLACEMENTS[base]
    elif base.lower() != base and _base_key(base.lower()):
        guess = base.lower()
    else:
        common = sorted(_named_keys()[1] | {_character_to_key(c) for c in string.punctuation})
        close = difflib.get_close_matches(base, common, n=1, cutoff=0.75)
        if not close:
            return ""
        guess = close[0]
    return f" (did you mean {prefix + guess!r}?)"


def parse_keys(text: str, where: str = "--keys") -> list[str]:
    """The key names in ``text`` (separated by spaces), each checked by :func:`key_problem`."""
    keys = text.split()
    for k in keys:
        problem = key_problem(k)
        if problem:
            raise HeadlessError(f"{where}: {shown(k)} {problem}; use Textual key names such as "
                                f"{KEY_EXAMPLES}")
    return keys


def count_keys(steps: list[Step]) -> int:
    """Key presses the steps make: a key per ``press`` name and per ``type`` character."""
    return sum(len(st.arg.split()) if st.action == "press" else len(st.arg)
               for st in steps if st.action in ("press", "type"))


def parse_script(text: str, name: str = "script") -> list[Step]:
    """The steps of a script (see the module's docstring); a bad line is a HeadlessError."""
    text = text.removeprefix("\ufeff")              # a byte-order mark
    steps: list[Step] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = COMMENT.sub("", raw).strip()
        if not line:
            continue
        action, _, arg = line.partition(" ")
        arg = arg.strip()
        where = f"{name} line {no:,}"
        if action not in ACTIONS:
            raise HeadlessError(f"{where}: unknown action {shown(action)}; use one of "
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
        raise HeadlessError(f"cannot write the SVG {shown_path(path)}: "
                            f"{exc.strerror or exc}") from None


def _check_svg_path(path: str, where: str) -> None:
    """Refuse up front a target that cannot be written: a folder, a missing or read-only parent."""
    name = shown_path(path)
    if "\0" in path:
        raise HeadlessError(f"{where}: cannot write the SVG {name}: a file name cannot hold a "
                            "NUL character")
    if os.path.isdir(path):
        raise HeadlessError(f"{where}: cannot write the SVG {name}: it is a folder; "
                            "give a file name such as out.svg")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:                      # a name too long for the system, a loop of links
        raise HeadlessError(f"{where}: cannot write the SVG {name}: "
                            f"{exc.strerror or type(exc).__name__}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise HeadlessError(f"{where}: cannot write the SVG {name}: it is a device, a pipe or "
                            "another special file, not a regular file; give a file name such as "
                            "out.svg")
    base = os.path.basename(path)
    if len(os.fsencode(base)) > 255:
        raise HeadlessError(f"{where}: cannot write the SVG {name}: the file name is longer "
                            "than 255 bytes")
    directory = os.path.dirname(os.path.abspath(path))
    folder = shown_path(directory)
    if not os.path.exists(directory):
        raise HeadlessError(f"{where}: cannot write {name}: folder {folder} does not exist")
    if not os.path.isdir(directory):
        raise HeadlessError(f"{where}: cannot write {name}: {folder} is not a folder")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise HeadlessError(f"{where}: cannot write {name}: folder {folder} is not "
                            "writable")


async def settle(app, pilot) -> None:
    """Let what a key started run to its end: background work (the train chapter's worker
    trains to the end of its round or until paused) and the messages it posts. A headless run
    then shows the same screen every time, however fast the machine is."""
    import asyncio

    from textual.worker import WorkerState

    await pilot.pause()
    for _ in range(1000):
        busy = [w for w in app.workers
                if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            break
        try:
            await app.workers.wait_for_complete(busy)
        except Exception:  # noqa: BLE001 - a failed worker is reported by its own handler
            await asyncio.sleep(0.01)
        await pilot.pause()
    await pilot.pause()


async def _drive(app, size, steps: list[Step], svg: str | None, out) -> int:
    last = ""
    last_svg = ""
    code = 0
    err = sys.stderr            # taken before the app runs: Textual captures prints while it does
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for i, step in enumerate(steps):
            if app._exit:
                rest = steps[i:]
                print(f"cnn-tui: note: the app quit before script line {rest[0].line}; "
                      f"{len(rest)} remaining action(s) were not run", file=err)
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
                    if not app._exit:             # a key that quit leaves nothing to settle
                        await settle(app, pilot)
            elif step.action == "expect":
                text = screen_text(app)
                if step.arg not in text:
                    print(f"expect failed (line {step.line}): {shown(step.arg, 80)} is not on "
                          "the screen; the screen shows:", file=err)
                    print(text, file=err)
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


def read_script(path: str) -> str:
    """The text of the script file ``path``, through :func:`read_text_limited`; any problem is a
    one-line HeadlessError."""
    name = shown_path(path)
    try:
        return read_text_limited(path, what="script")
    except FileRefused as exc:
        raise HeadlessError(str(exc).replace(repr(str(path)), name)) from None
    except UnicodeDecodeError as exc:
        raise HeadlessError(f"cannot read script {name}: it is not UTF-8 text "
                            f"(byte {exc.start:,} cannot be decoded)") from None
    except (OSError, ValueError) as exc:        # ValueError: a NUL in the name
        raise HeadlessError(f"cannot read script {name}: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None


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
            raise HeadlessError(f"unknown screen {shown(screen)}; choose one of "
                                f"{', '.join(SCREENS)}")
        size = check_size(size)
        steps: list[Step] = []
        if keys:
            steps.append(Step("press", " ".join(parse_keys(keys)), 0))
        if script:
            steps.extend(parse_script(read_script(script), os.path.basename(script)))
        presses = count_keys(steps)
        if presses > MAX_KEYS:
            raise HeadlessError(f"too many key presses: {presses:,} (--keys, 'press' and 'type' "
                                f"together); a headless run presses at most {MAX_KEYS:,}")
        others = sum(1 for st in steps if st.action not in ("press", "type"))
        if others > MAX_OTHER_ACTIONS:
            raise HeadlessError(f"too many expect, snapshot and svg lines: {others:,}; a "
                                f"headless run takes at most {MAX_OTHER_ACTIONS:,}")
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
            code = asyncio.run(_drive(app, size, steps, svg, sys.stdout))
        except HeadlessError as exc:
            print(f"cnn-tui: error: {exc}", file=sys.stderr)
            return 2
    if size[0] < APP_MIN_SIZE[0] or size[1] < APP_MIN_SIZE[1]:
        # The screen was printed (it says the terminal is too small), but nothing else ran.
        print(f"cnn-tui: error: at {size[0]}x{size[1]} the app shows only its 'terminal too "
              f"small' message; use --size {APP_MIN_SIZE[0]}x{APP_MIN_SIZE[1]} or larger",
              file=sys.stderr)
        return 2
    return code
