"""Panel of the "implement" chapter: the network's layers, and one picture stepped through them.

A head line names the stage. Stacks of maps are a row of small colour-only matrices (one
widget each, shared colour scale per stack) over the chosen map's values; flat layers are one
matrix of values; the stack and softmax are text. Every number comes from the chapter.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.implement import INPUT, SOFTMAX, STACK, Chapter, dims
from cnn_tui.lesson.workbench import ModelError
from cnn_tui.render import matrix_text
from cnn_tui.tui.panels.base import (STRONG_COLOUR, WEAK_COLOUR, ChapterPanel, bar, choice_caption,
                                     picture_view_text, update)
from cnn_tui.tui.widgets.layout import Column, Row
from cnn_tui.tui.widgets.matrix import MatrixView, blank, half_block_text, text_width, values_text

MAX_MAPS = 8            # maps drawn per stack (the header says when a layer has more)
NOTE_MIN = 30           # columns kept for the note beside a matrix


def thumb(m: np.ndarray, chars: int, scale: float, highlight=(), outline=()) -> Text:
    """A map as colour only, ``chars`` (1 or 2) columns per cell."""
    return matrix_text(m, picture=False, formatter=blank, cell_width=1, gap=chars - 1,
                       scale=scale, highlight=highlight, outline=outline)


def stack_scale(values: np.ndarray) -> float:
    """One colour scale for a whole stack, so its maps compare (1 for an all-zero stack)."""
    top = float(np.max(np.abs(values))) if values.size else 0.0
    return top if top > 0 else 1.0


def flat_grid(values: np.ndarray, before: tuple[int, ...]) -> np.ndarray:
    """A flat layer's values as rows: one row per map after flatten, else rows of 8."""
    n = values.size
    cols = int(np.prod(before[1:])) if len(before) > 1 else min(n, 8)
    rows = -(-n // cols)
    out = np.full(rows * cols, np.nan)
    out[:n] = values
    return out.reshape(rows, cols)


class ImplementPanel(ChapterPanel):
    chapter_id = Chapter.id
    _chapter: Chapter | None = None      # the chapter last drawn, for clicks
    _image_room = True                   # False when a tall weight matrix needs the rows

    DEFAULT_CSS = """
    ImplementPanel #head { height: 1; width: 1fr; }
    ImplementPanel #lower { width: 1fr; }
    ImplementPanel #note { width: 1fr; height: auto; }
    """

    def compose(self):
        yield Static(id="head")
        with Column():
            with Row(id="stack"):
                for k in range(MAX_MAPS):
                    # thumbnails stay small: the picture and the chosen map take the zoom
                    yield MatrixView(id=f"s{k}", clickable=True, zoomable=False)
            for row in ("patch", "kernel"):
                with Row(id=row):
                    for k in range(MAX_MAPS):
                        yield MatrixView(id=f"{row}{k}", zoomable=False)
            with Row(id="lower"):
                yield MatrixView(id="image", clickable=True)
                yield MatrixView(id="detail", clickable=True)
                yield Static(id="note")
            yield MatrixView(id="weights")
            yield MatrixView(id="bias")

    # ------------------------------------------------------------------ drawing
    def show(self, chapter: Chapter, width: int) -> None:
        self._chapter = chapter
        roomy = width >= 120 and self.app.size.height >= 36
        kind = chapter.impl_stage_kind
        self._image_room = True
        for wid in ("#stack", "#patch", "#kernel", "#image", "#detail", "#weights", "#bias"):
            self.query_one(wid).display = False
        update(self.query_one("#head", Static), Text(self.head(chapter), style="bold",
                                                    no_wrap=True, overflow="ellipsis"))
        if kind == STACK:
            note = self.stack_text(chapter)
        elif kind == INPUT:
            note = self.input_text(chapter)
        elif kind == SOFTMAX:
            note = self.softmax_text(chapter)
        elif len(chapter.impl_layer.output_shape) > 1:
            note = self.show_maps(chapter, width, roomy)
        else:
            note = self.show_flat(chapter, width, roomy)
        bench = chapter.bench
        if kind == INPUT or bench.editing or (roomy and self._image_room):
            if bench.editing and not roomy:
                for wid in ("#stack", "#weights"):
                    self.query_one(wid).display = False
            image = self.query_one("#image", MatrixView)
            image.show(bench.picture_caption, picture_view_text(chapter), bench.image.shape)
            image.display = True
        update(self.query_one("#note", Static), note)

    @staticmethod
    def head(chapter: Chapter) -> str:
        kind = chapter.impl_stage_kind
        layer = chapter.impl_layer
        if kind == STACK:
            return (f"The network: {len(chapter.impl_layers)} layers, "
                    f"{chapter.impl_total:,} parameters")
        if layer is None:
            return {INPUT: "The input: one 9x9 map (1 channel) of +1 ink and -1 paper",
                    SOFTMAX: "Softmax: the two scores become two probabilities that add up "
                             "to 1"}[kind]
        row = chapter.layer_rows[layer.index + 1]
        before = dims(chapter.impl_layer_input.shape)
        text = f"layer {layer.index}: {layer.name}   {before} -> {dims(layer.output_shape)}"
        if layer.params:
            text += f"   {layer.params:,} parameters ({row.formula})"
        return text

    def show_maps(self, chapter: Chapter, width: int, roomy: bool) -> Text:
        """A stack of maps: the row of maps, the chosen one's values, and the note."""
        bench = chapter.bench
        values = chapter.impl_values
        count, rows, cols = values.shape[0], values.shape[1], values.shape[2]
        shown = min(count, MAX_MAPS)
        chosen = chapter.impl_map % count
        cell = chapter.impl_cell_working if chapter.impl_cell_stage else None
        hl = [cell.cell] if cell is not None else []
        scale = stack_scale(values)
        chars = 2 if shown * (2 * cols + 1) <= width - 2 else 1
        for k in range(MAX_MAPS):
            view = self.query_one(f"#s{k}", MatrixView)
            view.display = k < shown
            if k < shown:
                marks = hl if k == chosen else ()
                # one column a cell: half-block squares, unless a cell must be marked
                grid = (half_block_text(values[k], scale) if chars == 1 and not marks
                        else thumb(values[k], chars, scale, marks))
                view.show(choice_caption(str(k), k == chosen), grid, (rows, cols), chars)
        self.query_one("#stack").display = True
        if cell is not None and roomy and width >= MAX_MAPS * 19:
            self.show_working(chapter, cell)
        gap = 2 if roomy else 1
        grid = values_text(values[chosen], bench.style, scale=scale, cell_width=5, gap=gap,
                           highlight=hl)
        detail = self.query_one("#detail", MatrixView)
        more = f" (first {shown} of {count})" if count > shown else ""
        detail.show(f"map {chosen}{more}: values", grid, (rows, cols), 5 + gap)
        detail.display = True
        if cell is not None:
            return self.cell_text(chapter, roomy)
        return self.layer_note(chapter, roomy)

    def show_working(self, chapter: Chapter, cell) -> None:
        """The worked-out cell's operands: each input map's 3x3 patch over its kernel slice."""
        fmt = chapter.bench.style
        tr = cell.trace
        for row, mats, caption in (("patch", tr.patch, "in {k}: patch"),
                                   ("kernel", tr.kernel, "× kernel {f},{k}")):
            scale = stack_scale(mats)
            for k in range(MAX_MAPS):
                view = self.query_one(f"#{row}{k}", MatrixView)
                view.display = k < len(mats)
                if k < len(mats):
                    view.show(caption.format(k=k, f=cell.fmap),
                              values_text(mats[k], fmt, scale=scale, cell_width=5, gap=1),
                              mats[k].shape, 6)
            self.query_one(f"#{row}").display = True

    def show_flat(self, chapter: Chapter, width: int, roomy: bool) -> Text:
        """A flat layer: its values (colour only when they do not fit) and its weights."""
        bench = chapter.bench
        values = chapter.impl_values
        grid_values = flat_grid(values, chapter.impl_layer_input.shape)
        scale = stack_scale(values)
        grid = values_text(grid_values, bench.style, scale=scale, cell_width=5, gap=1)
        chars = 6
        if text_width(grid) + NOTE_MIN > width:
            grid, chars = thumb(grid_values, 2, scale), 2
        caption = f"{values.size} values"
        if grid_values.shape[0] > 1:
            caption += f", {grid_values.shape[1]} a row"
        detail = self.query_one("#detail", MatrixView)
        detail.show(caption, grid, grid_values.shape, chars)
        detail.display = True
        w = chapter.impl_weights
        b = chapter.impl_bias
        per = 1
        if b is not None:
            per = next((n for n in (16, 8) if b.size > n and b.size % n == 0
                        and n * 6 + 2 <= width), b.size)
        # A big weight matrix only where it fits whole: one column per input, a row per output,
        # below the head, the values and above the biases (the stage is the screen less 6 rows).
        rows_needed = (1 + grid_values.shape[0] + 1 + (w.shape[0] + 1 if w is not None else 0)
                       + (b.size // per + 1 if b is not None else 0))
        fits = (w is not None and w.shape[1] + 2 <= width
                and self.app.size.height - 6 >= rows_needed)
        if w is not None and (w.shape[0] <= 4 or (roomy and fits)):
            wchars = 2 if 2 * w.shape[1] <= width - 2 else 1
            view = self.query_one("#weights", MatrixView)
            view.show(f"weights {dims(w.shape)}: one row per output, one column per input",
                      thumb(w, wchars, stack_scale(w)), w.shape, wchars)
            view.display = True
            self._image_room = w.shape[0] <= 4      # a tall matrix needs the picture's rows
        elif w is not None:
            self._image_room = False
        if b is not None:
            row = b.reshape(-1, per)
            grid = values_text(row, bench.style, scale=stack_scale(b), cell_width=5, gap=1)
            chars = 6
            if text_width(grid) > width - 2:
                grid, chars = thumb(row, 2, stack_scale(b)), 2
            view = self.query_one("#bias", MatrixView)
            caption = f"bias: one per output ({b.size})"
            if w is not None and not self.query_one("#weights").display:
                caption += (f"; the {dims(w.shape)} weights need a screen of "
                            f"{w.shape[1] + 2}x{rows_needed + 6}")
            view.show(caption, grid, row.shape, chars)
            view.display = True
        return self.layer_note(chapter, roomy)

    # ------------------------------------------------------------------ the notes
    def stack_text(self, chapter: Chapter) -> Text:
        t = Text()
        t.append(f" {'#':>2}  {'layer':<19} {'output':<7} {'params':>6}   "
                 f"{'weights + biases':<16}  the lecture's step\n", style="underline")
        for row in chapter.layer_rows:
            index = "" if row.index is None else str(row.index)
            params = f"{row.params:,}" if row.index is not None else ""
            t.append(f" {index:>2}  {row.name:<19} {dims(row.shape):<7} {params:>6}   "
                     f"{row.formula:<16}  ")
            t.append(f"{row.step}\n", style="dim" if row.kind == "relu" else "")
        t.append(f" {'':>2}  {'total':<19} {'':<7} ")
        t.append(f"{chapter.impl_total:>6,}", style="bold reverse")
        t.append("\n\n")
        self.weights_line(chapter, t)
        t.append("right: send the picture through, one layer at a time.", style="dim")
        return t

    @staticmethod
    def weights_line(chapter: Chapter, t: Text) -> None:
        t.append("weights: ", style="bold")
        t.append(chapter.impl_weights_note + "\n",
                 style="" if chapter.impl_published else "bold #b35806")

    def answer_bars(self, chapter: Chapter, t: Text, width: int = 20) -> None:
        """The network's probabilities for the picture, one bar per class."""
        bench = chapter.bench
        sm = chapter.impl_softmax
        answer = chapter.impl_answer
        for name, p in zip(sm.names, sm.probs):
            t.append(f"{name} ")
            t.append_text(bar(p, width, STRONG_COLOUR if name == answer else WEAK_COLOUR))
            t.append(f" {bench.fmt(p)} ({100 * p:.1f} %)\n")
        label = bench.picture_label
        t.append("answer: ")
        t.append(f" {answer} ", style="bold reverse")
        if label is not None:
            right = label == answer
            t.append(f"  the picture shows an {label}: ")
            t.append("right" if right else "wrong", style="bold green" if right else "bold red")
        t.append("\n")

    def input_text(self, chapter: Chapter) -> Text:
        t = Text()
        t.append("The network reads these 81 numbers, one channel (a colour photo would "
                 "have three). Each step right applies one layer.\n\n")
        t.append("What it answers at the end:\n", style="bold")
        self.answer_bars(chapter, t)
        t.append("\n")
        self.weights_line(chapter, t)
        t.append("i: next picture · e: draw your own", style="dim")
        return t

    def layer_note(self, chapter: Chapter, roomy: bool) -> Text:
        """What the shown layer does, in a few lines."""
        layer = chapter.impl_layer
        spec = chapter.impl_layer_spec
        before = chapter.impl_layer_input.shape
        t = Text()
        last = layer.index == chapter.impl_layers[-1].index
        if layer.kind == "conv":
            k = f"{before[0]}x{spec.kernel}x{spec.kernel}"
            t.append(f"{spec.size} kernels of {k}: each map slides its own kernel over "
                     f"{'the picture' if before[0] == 1 else f'all {before[0]} maps'}, adds "
                     "the products and its bias.")
            if roomy:
                t.append(" Unlike the lecture's hand-drawn features, these weights are "
                         "learned in training.")
        elif layer.kind == "relu":
            t.append("ReLU: every negative value becomes 0; the others stay.")
        elif layer.kind in ("maxpool", "avgpool"):
            what = "largest" if layer.kind == "maxpool" else "average"
            t.append(f"Each {spec.kernel}x{spec.kernel} window keeps its {what} value.")
            if spec.stride < spec.kernel:
                t.append(f" Stride {spec.stride}, not the lecture's {spec.kernel}: the windows "
                         f"overlap, so no row or column of the {dims(before[1:])} maps is "
                         "dropped.")
        elif layer.kind == "flatten":
            t.append(f"The {before[0]} maps of {dims(before[1:])} laid end to end: one list of "
                     f"{layer.output_shape[0]} values (one row here per map).")
        elif layer.kind == "dense":
            t.append(f"Each of the {layer.output_shape[0]} outputs adds all {before[0]} inputs, "
                     "each times its own weight, plus a bias: the lecture's votes, with "
                     "learned weights that may be negative.")
        if last:
            sm = chapter.impl_softmax
            t.append("\n\nscores: ", style="bold")
            t.append("   ".join(f"{n} {chapter.bench.fmt(s)}" for n, s in zip(sm.names,
                                                                              sm.scores)))
            t.append("\nThe higher score wins; softmax (right) turns them into probabilities.")
        if layer.kind != "flatten" and len(layer.output_shape) > 1:
            t.append("\n\nf: next map · click a map to pick it", style="dim")
        return t

    def cell_text(self, chapter: Chapter, roomy: bool) -> Text:
        """The worked-out cell: one partial sum per input map, the bias, and the check."""
        fmt = chapter.bench.fmt
        cell = chapter.impl_cell_working
        r, c = cell.cell
        n = len(cell.partials)
        t = Text()
        t.append(f"map {cell.fmap}, cell {r},{c}", style="bold")
        t.append(f" = for each of the {n} input maps, the 9 products of its 3x3 patch "
                 "and kernel slice, added:\n")
        per_line = 1 if roomy else 2
        for ch, v in enumerate(cell.partials):
            t.append(f" in {ch}: {fmt(v):>6}")
            t.append("\n" if (ch + 1) % per_line == 0 or ch == n - 1 else "   ")
        t.append(f"sum {fmt(cell.trace.total)} + bias {fmt(cell.bias)} = ")
        t.append(f" {fmt(cell.value)} ", style="bold reverse")
        t.append("\n")
        if cell.matches:
            t.append(f"✓ the value in map {cell.fmap} at {r},{c}", style="bold green")
        else:
            t.append(f"✗ map {cell.fmap} holds {fmt(cell.activation)}", style="bold red")
        t.append("\ng: another cell · f: next map · click a cell" if roomy else "", style="dim")
        return t

    def softmax_text(self, chapter: Chapter) -> Text:
        fmt = chapter.bench.fmt
        sm = chapter.impl_softmax
        t = Text()
        t.append("scores: ", style="bold")
        t.append("   ".join(f"{n} {fmt(s)}" for n, s in zip(sm.names, sm.scores)) + "\n")
        if sm.shift:
            t.append(f"(each score minus the largest, {fmt(sm.shift)}, first: the same "
                     "probabilities, no overflow)\n", style="dim")
        terms = [f"exp({fmt(s - sm.shift)})" for s in sm.scores]
        values = [fmt(e) for e in sm.exps]
        t.append("   ".join(f"{a} = {b}" for a, b in zip(terms, values)) + "\n")
        for i, (name, p) in enumerate(zip(sm.names, sm.probs)):
            t.append(f"P({name}) = {terms[i]} / ({' + '.join(terms)})\n")
            t.append(f"     = {values[i]} / ({' + '.join(values)}) = ")
            t.append(f" {fmt(p)} ", style="bold reverse")
            t.append("\n")
        t.append("\n")
        self.answer_bars(chapter, t)
        self.weights_line(chapter, t)
        return t

    # ------------------------------------------------------------------ keys and clicks
    def status(self, chapter: Chapter) -> str:
        if chapter.impl_cell_stage:
            keys = "f: next map · g: pick a cell (or click one)"
        elif chapter.impl_layer is not None and len(chapter.impl_layer.output_shape) > 1:
            keys = "f: next map · right: next layer"
        elif chapter.position < chapter.length:
            keys = "right: next layer · space: play"
        else:
            keys = "i: next picture · e: draw · n: train the network"
        return f"{chapter.position}/{chapter.length}: {chapter.impl_stage_title} · {keys}"

    def on_matrix_view_cell_clicked(self, event: MatrixView.CellClicked) -> None:
        """A click on a map picks it; on the worked-out layer it picks the cell too."""
        ch = self._chapter
        view = event.view.id or ""
        if ch is None or not (view.startswith("s") or view == "detail"):
            return            # the picture: the screen starts drawing
        event.stop()
        if view == "detail" and not ch.impl_cell_stage:
            return
        fmap = int(view[1:]) if view.startswith("s") else None
        cell = (event.row, event.col) if ch.impl_cell_stage else None
        try:
            ch.choose_cell(fmap, cell)
        except ModelError as exc:
            self.screen.say(str(exc))
            return
        self.screen.say("")


PANEL = ImplementPanel
