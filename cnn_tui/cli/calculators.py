"""The calculators: ``cnn-tui convolve``, ``cnn-tui pipeline`` and ``cnn-tui variants``.

Only click is imported here at module level; NumPy, the engine and Rich load inside the commands.
Every number on the command line is read by :mod:`cnn_tui.inputs`.
"""

from __future__ import annotations

import click

from cnn_tui.cli.errors import BadInput, friendly_errors

# Coloured tables of more values than this take seconds to print and are too wide to read:
# beyond it the calculators refuse (one line) and point at --json, before computing anything.
MAX_TABLE_VALUES = 10_000


@click.command()
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
        from cnn_tui.engine import conv_single, geometry
        from cnn_tui.engine.shapes import check_cells
        from cnn_tui.inputs import load_matrix, parse_number, parse_pair
        from cnn_tui.lecture.data import INPUTS, KERNELS

        x = load_matrix(input_spec, INPUTS, "input")
        k = load_matrix(kernel_spec, KERNELS, "kernel")
        st = parse_pair(stride, "--stride", 1)
        pd = parse_pair(padding, "--padding", 0)
        dl = parse_pair(dilation, "--dilation", 1)
        pv = parse_number(pad_value, "(--pad-value)")
        if not as_json:
            # The engine's own checks, in its order, then the table limit: before any work.
            g = geometry(x.shape, k.shape, st, pd, dl)
            check_cells(g.padded_shape)
            _check_printable(x.size + k.size, g.out_shape)
        out = conv_single(x, k, stride=st, padding=pd, pad_value=pv, dilation=dl, mode=mode)
    if as_json:
        _echo_json_output(out)
        return
    from cnn_tui.cli.output import print_convolution

    print_convolution(x, k, out, stride=st, padding=pd, pad_value=pv, dilation=dl, mode=mode,
                      fractions=fractions)


def _check_printable(given: int, out_shape) -> None:
    """Refuse tables of more than :data:`MAX_TABLE_VALUES` values (``given`` input and kernel
    values plus the output's) with one line that points at --json."""
    import math

    out = math.prod(out_shape)
    if given + out > MAX_TABLE_VALUES:
        size = "x".join(f"{n:,}" for n in out_shape)
        raise BadInput(f"the output would be {size} ({out:,} values): too many to print as "
                       f"tables (at most {MAX_TABLE_VALUES:,} values of input, kernel and output "
                       f"together); use --json, or a smaller input or less padding")


def _echo_json_output(out) -> None:
    """``{"output": [...], "shape": [...]}`` as ``json.dumps`` writes it, one row at a time, so
    a large output never exists twice as Python floats and as one huge string."""
    import json

    click.echo('{"output": [', nl=False)
    for i, row in enumerate(out):
        click.echo((", " if i else "") + json.dumps(row.tolist()), nl=False)
    click.echo(f'], "shape": {json.dumps(list(out.shape))}}}')


@click.command()
@click.option("--image", "image_spec", default="x", show_default=True,
              metavar="NAME|MATRIX|@FILE",
              help="A picture name (x, o, x_bold, ... see 'cnn-tui variants'), a matrix or @file.")
@click.option("--fractions", is_flag=True, help="Print exact fractions (5/9) instead of 0.55.")
@click.option("--json", "as_json", is_flag=True, help="Print every stage as JSON.")
def pipeline(image_spec, fractions, as_json):
    """Run the lecture's network on a picture: conv -> ReLU -> pool -> pool -> votes."""
    with friendly_errors():
        from cnn_tui.inputs import load_matrix
        from cnn_tui.lecture.data import IMAGES
        from cnn_tui.lecture.network import lecture_pipeline

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
    from cnn_tui.cli.output import print_pipeline

    print_pipeline(res, fractions=fractions)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def variants(as_json):
    """Which pictures the lecture's hand-wired network gets right, and which it gets wrong."""
    from cnn_tui.lecture.data import LIGHTING, VARIANTS
    from cnn_tui.lecture.network import variant_report

    rows = variant_report(VARIANTS + LIGHTING)   # the lecture's 18, then the fainter ones
    if as_json:
        import json

        click.echo(json.dumps([{"name": v.name, "label": v.label, "kind": v.kind,
                                "description": v.description, "votes": r.votes,
                                "prediction": r.prediction, "correct": ok}
                               for v, r, ok in rows]))
        return
    from cnn_tui.cli.output import print_variants

    print_variants(rows)


COMMANDS: list[click.Command] = [convolve, pipeline, variants]
