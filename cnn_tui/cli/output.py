"""Coloured Rich output of the calculators: convolve, pipeline and variants."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cnn_tui.engine.fmt import format_value, lecture
from cnn_tui.render import matrix_text


def _console() -> Console:
    return Console(highlight=False)


def _panel(title: str, values, style: str | None, scale: float | None = None) -> Panel:
    return Panel(matrix_text(values, style=style, scale=scale), title=title, expand=False,
                 border_style="grey50")


def _pair_text(p) -> str:
    return str(p[0]) if p[0] == p[1] else f"{p[0]},{p[1]}"


def print_convolution(x, k, out, *, stride, padding, pad_value, dilation, mode, fractions):
    style = "fraction" if fractions else None
    con = _console()
    settings = (f"stride {_pair_text(stride)} · padding {_pair_text(padding)}"
                + (f" (value {format_value(pad_value, 'number')})" if any(padding) else "")
                + f" · dilation {_pair_text(dilation)} · mode {mode}")
    con.print(Columns([
        _panel(f"input {x.shape[0]}x{x.shape[1]}", x, style),
        Text("\n*", style="bold"),
        _panel(f"kernel {k.shape[0]}x{k.shape[1]}", k, style),
        Text("\n=", style="bold"),
        _panel(f"output {out.shape[0]}x{out.shape[1]}", out, style),
    ]))
    con.print(Text(settings, style="grey62"))


def print_pipeline(res, *, fractions: bool = False):
    style = "fraction" if fractions else "lecture"
    con = _console()
    con.print(Columns([_panel("image", res.image, None)]
                      + [_panel(f"feature {n}", f, None) for n, f in res.features.items()]))
    for title, stage in (("convolution (mean)", res.conv), ("ReLU", res.relu),
                         ("max pool 2x2 stride 2", res.pool), ("max pool again", res.pool2)):
        con.print(Text(title, style="bold"))
        con.print(Columns([_panel(n, m, style, scale=1.0) for n, m in stage.items()]))
    con.print(Text("12 values", style="bold"))
    con.print(matrix_text(res.vector[None, :], style=style, scale=1.0))
    votes = Table(show_header=True, header_style="bold", box=None)
    votes.add_column("category")
    votes.add_column("vote", justify="right")
    votes.add_column("")
    for name, v in res.votes.items():
        bar = "█" * int(round(v * 20))
        votes.add_row(name, format_value(v, style), Text(bar, style="#b35806"))
    con.print(votes)
    verdict = "tie" if res.tie else res.prediction
    con.print(Text(f"prediction: {verdict}", style="bold"))


def print_variants(rows):
    con = _console()
    table = Table(title="The lecture's hand-wired network on every picture", header_style="bold")
    for col in ("picture", "is", "kind", "vote X", "vote O", "network says", ""):
        table.add_column(col, justify="right" if col.startswith("vote") else "left")
    lecture_rows = [(v, ok) for v, _, ok in rows if v.kind != "illumination"]
    fainter = [(v, ok) for v, _, ok in rows if v.kind == "illumination"]
    for v, r, ok in rows:
        says = "tie" if r.tie else r.prediction
        table.add_row(v.name, v.label, v.kind, lecture(r.votes["X"]), lecture(r.votes["O"]), says,
                      Text("right", style="green") if ok else Text("wrong", style="bold red"))
    summary = (f"{sum(ok for _, ok in lecture_rows)} of {len(lecture_rows)} of the lecture's "
               "pictures right")
    if fainter:
        summary += (f"; the fainter pictures: {sum(ok for _, ok in fainter)} of "
                    f"{len(fainter)} right")
    con.print(Group(table, Text(summary)))
