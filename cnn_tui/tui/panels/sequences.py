"""Panel of the "sequences" chapter: a motif kernel slides along one-hot DNA (part one), and a
3x3x3 kernel slides through the frames of a moving X (part two)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from cnn_tui.engine.fmt import format_number
from cnn_tui.lecture.sequences import BASES, KERNEL_3D_TITLES
from cnn_tui.lesson.chapters.sequences import ONE_D, Chapter
from cnn_tui.render import HIGHLIGHT, OUTLINE, PADDING_BG, value_colours
from cnn_tui.tui.panels.base import ChapterPanel, choice_caption, update
from cnn_tui.tui.widgets.layout import Column, Row
from cnn_tui.tui.widgets.matrix import MatrixView, picture_text, values_text
from cnn_tui.tui.widgets.text_view import TextView

CELL = 2            # columns per cell of the 1-D tables (a digit or a base, right-aligned)
HEADER = Style(bold=True)
LABEL = Style(bold=True, color="#9a9a9a")
MAX_FRAMES = 4      # frames of the video (the widgets are composed once)
OUT_FRAMES = 2      # frames of the 3-D output (T - 2)


def table_text(values, header: str, *, window=(), padded=(), scale: float = 1.0) -> Text:
    """A 4-row table of values with the bases A C G T as row labels and ``header`` (one letter
    per column) above: a regular grid of 5 rows x (columns + 1) cells, ``CELL`` columns each, so
    that the screen's zoom can enlarge it. ``window`` columns are outlined, ``padded`` ones grey."""
    window, padded = set(window), set(padded)
    t = Text(no_wrap=True, overflow="crop")
    t.append(" " * CELL)
    for c, ch in enumerate(header):
        t.append(f"{ch:>{CELL}}", Style(bold=True, color="#000000", bgcolor=OUTLINE)
                 if c in window else HEADER)
    for r, base in enumerate(BASES):
        t.append("\n")
        t.append(f"{base:<{CELL}}", LABEL)
        for c, v in enumerate(values[r]):
            fg, bg = value_colours(float(v), scale)
            if v == 0:
                fg = "#a0a0a0"          # the many zeros stay quiet; the ones stand out
            bold = False
            if c in padded:
                fg, bg = "#e0e0e0", PADDING_BG
            if c in window:
                fg, bold = ("#000000", True) if v == 0 else ("#ffffff", True)
                bg = OUTLINE if v == 0 else "#005b7a"
            t.append(f"{format_number(float(v)):>{CELL}}", Style(color=fg, bgcolor=bg, bold=bold))
    return t


def output_row_text(shown, columns: list[int], width: int, current: int | None,
                    scale: float) -> Text:
    """The 1-D output as one row of ``width`` cells under the table: output cell ``i`` sits
    under the column where its window starts (``columns[i]``), ``·`` until it is filled."""
    at = dict(zip(columns, range(len(columns))))
    t = Text(no_wrap=True, overflow="crop")
    t.append(f"{'→':<{CELL}}", LABEL)
    for c in range(width):
        i = at.get(c)
        if i is None:
            t.append(" " * CELL)
            continue
        v = float(shown[i])
        if v != v:          # NaN: not filled yet
            t.append(f"{'·':>{CELL}}", Style(color="#888888"))
            continue
        fg, bg = value_colours(v, scale)
        style = (Style(color="#000000", bgcolor=HIGHLIGHT, bold=True) if i == current
                 else Style(color=fg, bgcolor=bg))
        t.append(f"{format_number(v):>{CELL}}", style)
    return t


class SequencesPanel(ChapterPanel):
    chapter_id = Chapter.id
    DEFAULT_CSS = """
    SequencesPanel #part1, SequencesPanel #part3 { height: auto; width: 1fr; }
    """

    def compose(self):
        with Column(id="part1"):
            with Row():
                yield MatrixView(id="onehot")
                yield MatrixView(id="kernel1")
                yield MatrixView(id="products1")
            yield MatrixView(id="output1")
            yield TextView(id="working1", classes="note")
        with Column(id="part3"):
            with Row():
                for t in range(MAX_FRAMES):
                    yield MatrixView(id=f"frame{t}")
                for t in range(3):
                    yield MatrixView(id=f"kslice{t}")
            with Row():
                for t in range(3):
                    yield MatrixView(id=f"pslice{t}")
                for t in range(OUT_FRAMES):
                    yield MatrixView(id=f"out{t}")
            yield TextView(id="working3", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        one = chapter.seq_part == ONE_D
        self.query_one("#part1").display = one
        self.query_one("#part3").display = not one
        if one:
            self._show_1d(chapter)
        else:
            self._show_3d(chapter)

    # ------------------------------------------------------------------ part one
    def _show_1d(self, ch: Chapter) -> None:
        p = ch.seq_padding
        table = ch.seq_padded_one_hot
        n = table.shape[1]
        padded = [c for c in range(n) if c < p or c >= n - p]
        window = ch.seq_window
        self.query_one("#onehot", MatrixView).show(
            f"DNA as one-hot rows A C G T" + (f", padding {p}" if p else ""),
            table_text(table, ch.seq_padded_bases, window=window, padded=padded), (5, n + 1))
        k = ch.seq_kernel
        self.query_one("#kernel1", MatrixView).show(
            f"kernel {ch.seq_motif}", table_text(k, ch.seq_motif), (5, k.shape[1] + 1))
        filled = ch.seq_filled
        tr = ch.seq_trace
        if filled:
            prod = table_text(tr.products, ch.seq_window_bases)
        else:
            prod = table_text(k * 0, "?" * k.shape[1])
        self.query_one("#products1", MatrixView).show("products", prod, (5, k.shape[1] + 1))
        current = ch.seq_index if filled else None
        self.query_one("#output1", MatrixView).show(
            f"output: {filled} of {ch.seq_cells} filled (matching bases per window)",
            output_row_text(ch.seq_shown, ch.seq_output_columns, n, current,
                            ch.seq_perfect), (1, n + 1))
        t = Text()
        if not filled:
            t.append("Press right to lay the kernel on the first window; space plays the "
                     "whole slide.\n")
        else:
            sums = " + ".join(format_number(v) for v in ch.seq_column_sums)
            t.append(f"Window {ch.seq_index}: {ch.seq_window_bases} against {ch.seq_motif}: "
                     f"{sums} = ")
            t.append(format_number(tr.total), style="bold reverse")
            t.append(f" of {k.shape[1]} bases match.\n")
        L, P, K, S, out = ch.seq_formula_terms
        t.append("Output length = floor((L + 2P - K) / S) + 1 = ")
        t.append(f"floor(({L} + 2*{P} - {K}) / {S}) + 1 = {out}", style="bold")
        if ch.seq_complete:
            peaks = ch.seq_peaks
            skipped = ch.seq_skipped
            t.append("\n")
            if peaks:
                cells = " and ".join(str(i) for i in peaks)
                t.append(f"The whole motif ({format_number(ch.seq_perfect)} of "
                         f"{k.shape[1]}) sits at output cell{'s' if len(peaks) > 1 else ''} "
                         f"{cells}. ")
            if skipped:
                total = ch.seq_motif_count
                share = ("both" if skipped == total == 2 else "the" if total == 1
                         else f"{skipped} of the {total}")
                places = "place" if total == 1 else "places"
                t.append(f"Stride {S} jumps over {share} {places} where the whole "
                         f"{ch.seq_motif} sits. ")
            t.append("v: the same sum in 3-D.")
        update(self.query_one("#working1", Static), t)

    # ------------------------------------------------------------------ part two
    def _show_3d(self, ch: Chapter) -> None:
        bench = ch.bench
        frames = ch.vol_frames
        tr = ch.vol_trace
        started = ch.vol_filled > 0
        in_window = ch.vol_window_frames
        for t in range(MAX_FRAMES):
            view = self.query_one(f"#frame{t}", MatrixView)
            view.display = t < frames.shape[0]
            if t < frames.shape[0]:
                outline = ch.vol_window_cells(t) if started else []
                view.show(choice_caption(f"frame {t}", started and t in in_window),
                          picture_text(frames[t], outline=outline, numbers=bench.numbers),
                          frames[t].shape)
        kernel = ch.vol_kernel
        for t in range(3):
            self.query_one(f"#kslice{t}", MatrixView).show(
                Text(f"kernel {t}", style="bold"),
                picture_text(kernel[t], numbers=bench.numbers), kernel[t].shape)
        for t in range(3):
            if started:
                grid = values_text(tr.products[t], "number", scale=1.0, cell_width=2)
                cap = f"× frame {in_window[t]}"
            else:
                grid = Text("\n".join(["   ?   ?   ?"] * 3), style="dim")
                cap = "products"
            self.query_one(f"#pslice{t}", MatrixView).show(cap, grid, (3, 3))
        shown = ch.vol_shown
        cell = ch.vol_cell
        scale = float(ch.vol_perfect)
        for t in range(OUT_FRAMES):
            view = self.query_one(f"#out{t}", MatrixView)
            view.display = t < shown.shape[0]
            if t < shown.shape[0]:
                hl = [cell[1:]] if started and cell[0] == t else []
                view.show(f"output {t}", values_text(shown[t], "number", scale=scale,
                                                     highlight=hl, cell_width=3, gap=1),
                          shown[t].shape)
        w = Text()
        if not started:
            w.append("Press right to put the 3x3x3 window on the first three frames.")
        else:
            t0, r0, c0 = tr.origin
            sums = " + ".join(f"({format_number(v)})" if v < 0 else format_number(v)
                              for v in ch.vol_slice_sums)
            w.append(f"Output {cell[0]},{cell[1]},{cell[2]}: frames {t0}-{t0 + 2}, rows "
                     f"{r0}-{r0 + 2}, columns {c0}-{c0 + 2}; the three slices give {sums} = ")
            w.append(format_number(tr.total), style="bold reverse")
            w.append(f" (of at most {ch.vol_perfect}).")
        best = ch.vol_best
        other = "still" if ch.seq_kernel3 == "moving" else "moving"
        w.append(f"\nOn this clip the kernel for an {KERNEL_3D_TITLES[ch.seq_kernel3]} reaches "
                 f"{format_number(best[ch.seq_kernel3])} at most, the one for an "
                 f"{KERNEL_3D_TITLES[other]} (m) {format_number(best[other])}: a 3-D kernel "
                 "answers most where the X moves the way it expects")
        peaks = ch.vol_peaks
        if ch.seq_kernel3 == "moving" and peaks:
            cells = " and ".join(",".join(map(str, p)) for p in peaks[:3])
            w.append(f": here at {cells} (time,row,col)")
        w.append(".")
        update(self.query_one("#working3", Static), w)

    def status(self, chapter: Chapter) -> str:
        if chapter.seq_part == ONE_D:
            return (f"1-D {chapter.seq_filled}/{chapter.seq_cells} · right/left step · "
                    f"[/] padding {chapter.seq_padding} · s stride {chapter.seq_stride} · "
                    "v 3-D")
        return (f"3-D {chapter.vol_filled}/{chapter.vol_cells} · right/left step · "
                "m kernel · v 1-D · g jump")


PANEL = SequencesPanel
