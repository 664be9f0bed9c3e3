"""One-line errors for the command line: the shared error types of every ``cnn-tui`` command.

A user error prints one line on stderr and exits with status 2 (usage errors name the command
and point at its ``--help``); a command may return an int, which becomes the exit status.
Imports only click.
"""

from __future__ import annotations

import contextlib
import sys

import click


class BadInput(click.ClickException):
    """A user error found by our own checks (exit status 2)."""

    exit_code = 2


class OneLineGroup(click.Group):
    """A click group whose errors are one line each, and whose commands may return an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:  # pragma: no cover - click returns these instead
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("cnn-tui: aborted", err=True)
            sys.exit(1)
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else "cnn-tui"
            msg = " ".join(exc.format_message().split())
            click.echo(f"{path}: error: {msg} (see '{path} --help')", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            msg = " ".join(exc.format_message().split())
            click.echo(f"cnn-tui: error: {msg}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("cnn-tui: interrupted", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)


@contextlib.contextmanager
def friendly_errors():
    """Turn the engine's and the input reader's errors into one-line exit-2 errors."""
    from cnn_tui.engine.shapes import EngineError
    from cnn_tui.inputs import InputError

    try:
        yield
    except (InputError, EngineError) as exc:
        raise BadInput(str(exc)) from None
