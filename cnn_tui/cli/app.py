"""Commands that open the Textual app: the lesson (``cnn-tui``) and ``cnn-tui run``.

Both take ``--picture FILE [--side N]``: the lesson opens on your own picture (a PNG or JPEG
photo, or a text matrix; see :mod:`cnn_tui.pictures`). The picture is loaded before the
terminal is checked and before Textual loads, so a bad file is one line (exit 2) anywhere.

Only click and the screen registry (:data:`cnn_tui.tui.screens.SCREENS`, free of NumPy and
Textual) are imported here at module level; Textual, NumPy and Pillow load inside the commands.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import TYPE_CHECKING

import click

from cnn_tui.cli.errors import BadInput
from cnn_tui.inputs import shown, shown_path
from cnn_tui.pictures import DEFAULT_SIDE, MAX_SIDE, MIN_SIDE
from cnn_tui.tui.screens import SCREENS
from cnn_tui.tui.startup import one_blas_thread, pause_gc, resume_gc

if TYPE_CHECKING:
    from cnn_tui.pictures import Picture
    from cnn_tui.quiz.learners import Classroom
    from cnn_tui.quiz.options import QuizOptions


HEADLESS_HINT = "to drive the app without a terminal, use 'cnn-tui run --headless'"


def _is_terminal(stream) -> bool:
    try:
        return stream is not None and os.isatty(stream.fileno())
    except (AttributeError, OSError, ValueError):     # no fileno, a closed or fake stream
        return False


def terminal_problem() -> str | None:
    """Why the Textual app cannot open here (one sentence), or None when it can.

    The app reads keys from stdin and draws on stderr (Textual's choice), and cnn-tui's own
    output goes to stdout: all three must be a terminal, and ``TERM`` must not be ``dumb``.
    Both the streams Python code sees (``sys.stdin``...) and the process's own
    (``sys.__stdin__``...) are checked. Without this check a missing terminal (stdin from
    /dev/null, stdin closed, output to a pipe or file) leaves the app spinning a CPU core.
    Called before Textual is loaded or the app is built; tests that fake the app replace it.
    A Textual driver named in ``TEXTUAL_DRIVER`` (a web server's, which talks over pipes)
    brings its own screen, so then no terminal is needed.
    """
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    for label, streams in (("input (stdin)", (sys.stdin, sys.__stdin__)),
                           ("output (stdout)", (sys.stdout, sys.__stdout__)),
                           ("error output (stderr)", (sys.stderr, sys.__stderr__))):
        if not all(_is_terminal(s) for s in streams):
            return f"the app needs a terminal, but its {label} is not one; {HEADLESS_HINT}"
    if os.environ.get("TERM", "").strip().lower() == "dumb":
        return (f"the app needs a terminal that can draw, but TERM is 'dumb'; set TERM (e.g. "
                f"xterm-256color), or {HEADLESS_HINT}")
    return None


def check_data_dir(path: str | None) -> None:
    """Refuse up front a ``--data-dir`` the system cannot use (a name too long, a path through a
    file, an existing file): one line, exit 2. A folder that does not exist yet is fine."""
    if not path:
        return
    name = shown_path(path)
    if "\0" in path:
        raise BadInput(f"--data-dir {name} cannot hold a NUL character")
    try:
        st = os.stat(os.path.expanduser(path))
    except FileNotFoundError:
        return                                  # made when progress is first saved
    except OSError as exc:
        raise BadInput(f"cannot use --data-dir {name}: "
                       f"{exc.strerror or type(exc).__name__}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise BadInput(f"--data-dir {name} is not a folder; give a folder for the quiz progress")


def require_terminal() -> None:
    """Exit with one line (status 2) when :func:`terminal_problem` finds one."""
    problem = terminal_problem()
    if problem:
        raise BadInput(problem)


PICTURE_HELP = ("Open the lesson on your own picture: a PNG or JPEG photo (also GIF, BMP, "
                "WebP, TIFF), made grey and resized to --side, or a text matrix of values "
                "from -1 (paper) to 1 (ink), one row per line.")
SIDE_HELP = (f"The longer side of a --picture image after resizing, {MIN_SIDE} to {MAX_SIDE} "
             f"[default: the image's own, at most {DEFAULT_SIDE}].")


def load_own_picture(path: str | None, side: str | int | None) -> Picture | None:
    """The ``--picture`` file loaded (None without one); a bad file or ``--side`` is one line,
    exit 2. Called before the terminal check, so the file's problem is the one reported."""
    if path is None:
        if side is not None:
            raise BadInput("--side sets the size of a --picture image; give --picture FILE too")
        return None
    from cnn_tui.pictures import PictureError, load_picture

    try:
        return load_picture(path, side)
    except PictureError as exc:
        raise BadInput(str(exc)) from None


def open_lesson(start: str = SCREENS[0], quiz_options: QuizOptions | None = None,
                classroom: Classroom | None = None, own_picture: Picture | None = None) -> int:
    """Open the step-through simulator in this terminal; the app's return code (1 if it crashed).

    Without a terminal this is one line and exit status 2 (see :func:`terminal_problem`).
    With ``classroom`` (a served app), the app asks the learner's name first; with
    ``own_picture`` (see :func:`load_own_picture`), the lesson opens on that picture.
    """
    require_terminal()
    one_blas_thread()               # before NumPy loads (see cnn_tui.tui.startup)
    pause_gc()                      # until the first screen is drawn (see cnn_tui.tui.startup)
    try:
        from cnn_tui.tui import app as tui_app

        extra = {"own_picture": own_picture} if own_picture is not None else {}
        app = tui_app.CnnTuiApp(start=start, quiz_options=quiz_options, classroom=classroom,
                                **extra)
        app.run()
    finally:
        resume_gc()                 # if the app ended before drawing its first screen
    return app.return_code or 0


@click.command()
@click.option("--headless", is_flag=True,
              help="Drive the app without a terminal and print the final screen as plain text.")
@click.option("--screen", default=SCREENS[0], show_default=True, metavar="NAME",
              help=f"Where to start: {', '.join(SCREENS)}.")
@click.option("--size", default="100x36", show_default=True, metavar="WxH",
              help="Terminal size for --headless, e.g. 80x24.")
@click.option("--keys", default=None, metavar='"KEY KEY ..."',
              help='Textual key names to press, e.g. "right right n".')
@click.option("--script", default=None, metavar="FILE",
              help="A script: press/type/expect/snapshot/svg, one per line; # comments.")
@click.option("--svg", default=None, metavar="PATH", help="Save an SVG screenshot at the end.")
@click.option("--data-dir", default=None, metavar="DIR",
              help="Where the quiz keeps progress (default: $CNN_TUI_DATA_DIR, then your user "
                   "data directory; with --headless, a temporary folder).")
@click.option("--class-dir", default=None, metavar="DIR", hidden=True,
              help="(cnn-tui serve's own) ask the learner's name; keep progress in DIR/learners.")
@click.option("--picture", default=None, metavar="FILE", help=PICTURE_HELP)
@click.option("--side", default=None, metavar="N", help=SIDE_HELP)
def run(headless, screen, size, keys, script, svg, data_dir, class_dir, picture, side):
    """Open the app on a screen, or drive it headless (for scripts, tests and docs).

    \b
    Examples:
      cnn-tui run --screen pooling
      cnn-tui run --headless --screen convolution --keys "right right"
      cnn-tui run --headless --script demo.txt --svg demo.svg
      cnn-tui run --picture photo.png --side 48
    """
    if screen not in SCREENS:
        raise BadInput(f"unknown screen {shown(screen)}; choose one of {', '.join(SCREENS)}")
    one_blas_thread()               # before NumPy loads: a --picture loads it (cnn_tui.tui.startup)
    own_picture = load_own_picture(picture, side)
    check_data_dir(data_dir)
    from cnn_tui.quiz.options import QuizOptions

    quiz_options = QuizOptions(data_dir=data_dir) if data_dir else None
    app_kwargs = {}
    if quiz_options:
        app_kwargs["quiz_options"] = quiz_options
    if class_dir:
        if data_dir:
            raise BadInput("--class-dir keeps each learner's progress itself; drop --data-dir")
        check_data_dir(class_dir)
        from cnn_tui.quiz.learners import Classroom

        app_kwargs["classroom"] = Classroom(class_dir)
    if own_picture is not None:
        app_kwargs["own_picture"] = own_picture
    if not headless:
        if keys or script or svg:
            raise BadInput("--keys, --script and --svg need --headless")
        return open_lesson(screen, **app_kwargs)
    from cnn_tui.tui.headless import HeadlessError, parse_size, run_headless

    try:
        wh = parse_size(size)
    except HeadlessError as exc:
        raise BadInput(str(exc)) from None
    pause_gc()                      # until the first screen is drawn (see cnn_tui.tui.startup)
    try:
        return run_headless(screen, wh, keys, script, svg, app_kwargs=app_kwargs or None)
    finally:
        resume_gc()                 # a bad script line ends the run before the app starts


COMMANDS: list[click.Command] = [run]
