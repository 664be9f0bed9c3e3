"""The ``cnn-tui`` click group: the lesson when no command is given, and every command.

The group's own ``--picture FILE [--side N]`` opens the lesson on your picture; they apply only
when no command follows (``cnn-tui --picture x.png run`` is refused: put them after ``run``).
This module imports the command modules and registers their commands; they never import it.
"""

from __future__ import annotations

import click

from cnn_tui import __version__
from cnn_tui.cli import app, calculators, quiz, serve, train
from cnn_tui.cli.errors import BadInput, OneLineGroup
from cnn_tui.tui.startup import one_blas_thread


@click.group(cls=OneLineGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cnn-tui")
@click.option("--picture", default=None, metavar="FILE", help=app.PICTURE_HELP)
@click.option("--side", default=None, metavar="N", help=app.SIDE_HELP)
@click.pass_context
def cli(ctx: click.Context, picture: str | None, side: str | None) -> int | None:
    """Learn how a convolutional neural network sees, step by step, in the terminal.

    With no command, opens the lesson: the lecture's X's and O's from pixels to votes.
    With --picture, the lesson opens on your own photo or text matrix:

    \b
      cnn-tui --picture photo.png
      cnn-tui --picture photo.jpg --side 64
    """
    if ctx.invoked_subcommand is None:
        # The picture is loaded before the terminal is checked: a bad file is its own error.
        one_blas_thread()           # before NumPy loads (see cnn_tui.tui.startup)
        own_picture = app.load_own_picture(picture, side)
        return app.open_lesson(own_picture=own_picture)
    if picture is not None or side is not None:
        given = "--picture" if picture is not None else "--side"
        raise BadInput(f"{given} before a command is not used by it; to open a screen on your "
                       f"picture, put it after 'run': cnn-tui run --picture FILE")
    return None


for _module in (calculators, app, quiz, train, serve):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="cnn-tui")
