"""One-line errors for the command line: the shared error types of every ``cnn-tui`` command.

A user error prints one line on stderr and exits with status 2 (usage errors name the command
and point at its ``--help``); a command may return an int, which becomes the exit status.
Any long run of user text in a message is cut to a short prefix (:func:`one_line`).
Imports only click and :mod:`cnn_tui.inputs` (which loads NumPy only when parsing a matrix).
"""

from __future__ import annotations

import contextlib
import re
import sys

import click

from cnn_tui.inputs import shown

# click's own messages quote what the user typed ('Invalid value for --mode: 'xxx...' is not
# one of ...', 'No such command ...', 'unexpected extra argument (xxx...)'): long runs are cut.
_LONG_QUOTED = re.compile(r"(?:(?<=\s)|(?<=\()|^)'([^']{41,}?)'(?=[\s.,:;)]|$)")
_LONG_WORD = re.compile(r"\S{61,}")


def one_line(message: str) -> str:
    """``message`` on one line, with any long quoted or unbroken run of user text shortened to
    its first 40 characters and ``…``."""
    msg = " ".join(message.split())
    msg = _LONG_QUOTED.sub(lambda m: shown(m.group(1)), msg)
    return _LONG_WORD.sub(_cut_word, msg)


def _cut_word(match: re.Match) -> str:
    word = match.group(0)
    core = word.rstrip(")]'\".,;:")
    return core[:40] + "…" + word[len(core):][:3]


class BadInput(click.ClickException):
    """A user error found by our own checks (exit status 2)."""

    exit_code = 2


class WholeNumber(click.ParamType):
    """A whole number of ASCII digits, at least ``minimum`` and of at most ``max_digits``
    digits: a 5,000-digit string is one short error, never Python's int-conversion limit."""

    name = "integer"

    def __init__(self, minimum: int = 0, max_digits: int = 18) -> None:
        self.minimum = minimum
        self.max_digits = max_digits

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            self.fail(f"{shown(text)} is not a whole number", param, ctx)
        if len(text.lstrip("+-").lstrip("0")) > self.max_digits:
            self.fail(f"{shown(text)} is too large: use at most {self.max_digits} digits",
                      param, ctx)
        number = int(text)
        if number < self.minimum:
            self.fail(f"{number} is less than {self.minimum}: use {self.minimum} or more",
                      param, ctx)
        return number


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
            msg = one_line(exc.format_message())
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
