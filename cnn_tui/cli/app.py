"""Commands that open the Textual app: the lesson (``cnn-tui``) and ``cnn-tui run``.

Only click and the screen registry (:data:`cnn_tui.tui.screens.SCREENS`, free of NumPy and
Textual) are imported here at module level; Textual and NumPy load inside the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cnn_tui.cli.errors import BadInput
from cnn_tui.tui.screens import SCREENS

if TYPE_CHECKING:
    from cnn_tui.quiz.options import QuizOptions


def open_lesson(start: str = SCREENS[0], quiz_options: QuizOptions | None = None) -> int:
    """Open the step-through simulator in this terminal; the app's return code (1 if it crashed)."""
    from cnn_tui.tui import app as tui_app

    app = tui_app.CnnTuiApp(start=start, quiz_options=quiz_options)
    app.run()
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
def run(headless, screen, size, keys, script, svg, data_dir):
    """Open the app on a screen, or drive it headless (for scripts, tests and docs).

    \b
    Examples:
      cnn-tui run --screen pooling
      cnn-tui run --headless --screen convolution --keys "right right"
      cnn-tui run --headless --script demo.txt --svg demo.svg
    """
    if screen not in SCREENS:
        raise BadInput(f"unknown screen {screen!r}; choose one of {', '.join(SCREENS)}")
    from cnn_tui.quiz.options import QuizOptions

    quiz_options = QuizOptions(data_dir=data_dir) if data_dir else None
    if not headless:
        if keys or script or svg:
            raise BadInput("--keys, --script and --svg need --headless")
        return open_lesson(screen, quiz_options)
    from cnn_tui.tui.headless import HeadlessError, parse_size, run_headless

    try:
        wh = parse_size(size)
    except HeadlessError as exc:
        raise BadInput(str(exc)) from None
    app_kwargs = {"quiz_options": quiz_options} if quiz_options else None
    return run_headless(screen, wh, keys, script, svg, app_kwargs=app_kwargs)


COMMANDS: list[click.Command] = [run]
