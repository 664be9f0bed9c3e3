"""Commands that open the Textual app (placeholder until the simulator lands)."""

from __future__ import annotations

COMMANDS: list = []


def open_lesson() -> int:
    import click

    click.echo("The lesson app is not built yet; try 'cnn-tui pipeline --image x'.", err=True)
    return 2
