"""The ``cnn-tui`` click group: the lesson when no command is given, and every command.

The group's own ``--picture FILE [--side N]`` opens the lesson on your picture; they apply only
when no command follows (``cnn-tui --picture x.png run`` is refused: put them after ``run``).
This module registers the command modules' commands; they never import it. A command module is
imported when one of its commands is run or listed (``--help``): ``cnn-tui run`` loads only
:mod:`.app`, which opens the lesson too.
"""

from __future__ import annotations

import importlib

import click

from cnn_tui import __version__
from cnn_tui.cli import app
from cnn_tui.cli.errors import BadInput, OneLineGroup
from cnn_tui.tui.startup import one_blas_thread


# Each command's module (in cnn_tui.cli), whose COMMANDS list holds it.
COMMAND_MODULES: dict[str, str] = {
    "convolve": "calculators", "pipeline": "calculators", "variants": "calculators",
    "run": "app",
    "quiz": "quiz", "puzzles": "quiz",
    "train": "train", "predict": "train",
    "serve": "serve",
}


class LazyGroup(OneLineGroup):
    """A group that imports a command's module when the command is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            # An unknown name loads every module: click suggests the commands it has.
            modules = ({COMMAND_MODULES[name]} if name in COMMAND_MODULES
                       else set(COMMAND_MODULES.values()))
            for module_name in sorted(modules):
                module = importlib.import_module(f"{__package__}.{module_name}")
                for command in module.COMMANDS:
                    self.commands.setdefault(command.name, command)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, invoke_without_command=True,
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


def main() -> None:
    cli(prog_name="cnn-tui")
