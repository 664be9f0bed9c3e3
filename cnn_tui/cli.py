"""The ``cnn-tui`` command line.

Only click is imported at start-up: NumPy, Rich and Textual load inside the commands that need
them, so ``cnn-tui --help`` answers at once. Every error a user can cause prints one line on
stderr and exits with status 2 — never a traceback.
"""

from __future__ import annotations

import contextlib
import sys

import click

from cnn_tui import __version__


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


@click.group(cls=OneLineGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cnn-tui")
@click.pass_context
def cli(ctx: click.Context) -> int | None:
    """Learn how a convolutional neural network sees, step by step, in the terminal.

    With no command, opens the lesson: the lecture's X's and O's from pixels to votes.
    """
    if ctx.invoked_subcommand is None:
        from cnn_tui.cli_app import open_lesson

        return open_lesson()
    return None


# --- calculators ------------------------------------------------------------------------------
def _pair(text: str, what: str, minimum: int) -> tuple[int, int]:
    from cnn_tui.inputs import parse_pair

    return parse_pair(text, what, minimum)


@cli.command()
@click.option("--input", "input_spec", required=True, metavar="MATRIX|NAME|@FILE",
              help='The input: "0 1 2; 3 4 5; 6 7 8", a picture name (x, o, x_bold, ...) or @file.')
@click.option("--kernel", "kernel_spec", required=True, metavar="MATRIX|NAME|@FILE",
              help="The kernel: a matrix, a feature name (diag, x, anti, horizontal, ...) or @file.")
@click.option("--stride", default="1", metavar="S", show_default=True,
              help="Step of the window: one number or rows,cols.")
@click.option("--padding", default="0", metavar="P", show_default=True,
              help="Cells added on every side: one number or rows,cols.")
@click.option("--pad-value", default="0", metavar="V", show_default=True,
              help="The value of padded cells.")
@click.option("--dilation", default="1", metavar="D", show_default=True,
              help="Spacing of the kernel's taps: one number or rows,cols.")
@click.option("--mode", type=click.Choice(["sum", "mean"]), default="sum", show_default=True,
              help="mean divides every sum by the number of kernel pixels, as the lecture does.")
@click.option("--fractions", is_flag=True, help="Print exact fractions (5/9) instead of 0.55.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {output, shape}.")
def convolve(input_spec, kernel_spec, stride, padding, pad_value, dilation, mode, fractions,
             as_json):
    """Convolve a matrix with a kernel and print the output.

    \b
    Example (the lecture's practice):
      cnn-tui convolve --input "0 1 2; 3 4 5; 6 7 8" --kernel "0 1; 2 3"
    """
    with friendly_errors():
        from cnn_tui.engine import conv_single
        from cnn_tui.inputs import load_matrix, parse_number
        from cnn_tui.lesson.data import INPUTS, KERNELS

        x = load_matrix(input_spec, INPUTS, "input")
        k = load_matrix(kernel_spec, KERNELS, "kernel")
        st = _pair(stride, "--stride", 1)
        pd = _pair(padding, "--padding", 0)
        dl = _pair(dilation, "--dilation", 1)
        pv = parse_number(pad_value, "(--pad-value)")
        out = conv_single(x, k, stride=st, padding=pd, pad_value=pv, dilation=dl, mode=mode)
    if as_json:
        import json

        click.echo(json.dumps({"output": out.tolist(), "shape": list(out.shape)}))
        return
    from cnn_tui.cli_print import print_convolution

    print_convolution(x, k, out, stride=st, padding=pd, pad_value=pv, dilation=dl, mode=mode,
                      fractions=fractions)


@cli.command()
@click.option("--image", "image_spec", default="x", show_default=True,
              metavar="NAME|MATRIX|@FILE",
              help="A picture name (x, o, x_bold, ... see 'cnn-tui variants'), a matrix or @file.")
@click.option("--fractions", is_flag=True, help="Print exact fractions (5/9) instead of 0.55.")
@click.option("--json", "as_json", is_flag=True, help="Print every stage as JSON.")
def pipeline(image_spec, fractions, as_json):
    """Run the lecture's network on a picture: conv -> ReLU -> pool -> pool -> votes."""
    with friendly_errors():
        from cnn_tui.inputs import load_matrix
        from cnn_tui.lesson.data import IMAGES
        from cnn_tui.lesson.network import lecture_pipeline

        img = load_matrix(image_spec, IMAGES, "image")
        res = lecture_pipeline(img)
    if as_json:
        import json

        def maps(d):
            return {k: v.tolist() for k, v in d.items()}

        click.echo(json.dumps({
            "image": res.image.tolist(), "features": maps(res.features), "conv": maps(res.conv),
            "relu": maps(res.relu), "pool": maps(res.pool), "pool2": maps(res.pool2),
            "vector": res.vector.tolist(), "votes": res.votes, "prediction": res.prediction,
        }))
        return
    from cnn_tui.cli_print import print_pipeline

    print_pipeline(res, fractions=fractions)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def variants(as_json):
    """Which pictures the lecture's hand-wired network gets right, and which it gets wrong."""
    from cnn_tui.lesson.network import variant_report

    rows = variant_report()
    if as_json:
        import json

        click.echo(json.dumps([{"name": v.name, "label": v.label, "kind": v.kind,
                                "description": v.description, "votes": r.votes,
                                "prediction": r.prediction, "correct": ok}
                               for v, r, ok in rows]))
        return
    from cnn_tui.cli_print import print_variants

    print_variants(rows)


def _register() -> None:
    from cnn_tui import cli_app, cli_quiz

    for mod in (cli_app, cli_quiz):
        for command in mod.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="cnn-tui")


if __name__ == "__main__":  # pragma: no cover
    main()
