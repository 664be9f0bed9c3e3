"""The ``cnn-tui`` click group: the lesson when no command is given, and every command.

This module imports the command modules and registers their commands; they never import it.
"""

from __future__ import annotations

import click

from cnn_tui import __version__
from cnn_tui.cli import app, calculators, quiz, serve, train
from cnn_tui.cli.errors import OneLineGroup


@click.group(cls=OneLineGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cnn-tui")
@click.pass_context
def cli(ctx: click.Context) -> int | None:
    """Learn how a convolutional neural network sees, step by step, in the terminal.

    With no command, opens the lesson: the lecture's X's and O's from pixels to votes.
    """
    if ctx.invoked_subcommand is None:
        return app.open_lesson()
    return None


for _module in (calculators, app, quiz, train, serve):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="cnn-tui")
