"""Panel of the "invariance" chapter: the picture and its moved copy, their maps, their pooled
maps compared cell by cell, and the votes."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.invariance import Chapter
from cnn_tui.render import HIGHLIGHT
from cnn_tui.tui.panels.base import ChapterPanel, picture_view_text, update
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, picture_text, values_text

SAME_STYLE = Style(color="#000000", bgcolor="#cfe8cf", bold=True)
DIFF_STYLE = Style(color="#000000", bgcolor=HIGHLIGHT, bold=True)
# Two pictures and two 7x7 maps with their values need this many columns (else: colours only).
VALUES_WIDTH = 112


def same_text(same: np.ndarray) -> Text:
    """A small map of ``=`` (the pooled value did not change) and ``≠`` (it did)."""
    t = Text(no_wrap=True, overflow="crop")
    rows, cols = same.shape
    for r in range(rows):
        for c in range(cols):
            ok = bool(same[r, c])
            t.append(" = " if ok else " ≠ ", SAME_STYLE if ok else DIFF_STYLE)
        if r < rows - 1:
            t.append("\n")
    return t


class InvariancePanel(ChapterPanel):
    chapter_id = Chapter.id

    DEFAULT_CSS = """
    InvariancePanel #inv-counts { width: auto; height: auto; }
    InvariancePanel #inv-gap { width: 2; height: 1; }
    """

    def compose(self):
        with Row():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="inv-map")
            yield Static(id="inv-gap")
            yield MatrixView(id="inv-moved")
            yield MatrixView(id="inv-moved-map")
        with Row():
            yield MatrixView(id="inv-pooled")
            yield MatrixView(id="inv-moved-pooled")
            yield MatrixView(id="inv-same")
            yield Static(id="inv-counts")
        yield Static(id="inv-note", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        f = bench.feature
        arrow = chapter.shift_arrow
        self.query_one("#image", MatrixView).show(
            bench.picture_caption, picture_view_text(chapter), bench.image.shape)
        moved = chapter.moved_image
        name = chapter.moved_name
        lost = chapter.lost_ink
        self.query_one("#inv-moved", MatrixView).show(
            f"moved {arrow}" + (f": {name}" if name else f", {lost} ink lost" if lost else ""),
            picture_text(moved, numbers=bench.numbers), moved.shape)
        wide = width // self.zoom >= VALUES_WIDTH
        # A map cell sits level with the middle pixel of its 3x3 window: one pixel lower.
        lower = "\n" * self.zoom
        for wid, m, cap in (("#inv-map", chapter.original_map, f"{f} map{lower}"),
                            ("#inv-moved-map", chapter.moved_map, f"{f} map {arrow}{lower}")):
            grid = (values_text(m, bench.style, scale=1.0, cell_width=4, gap=1) if wide
                    else heat_text(m, scale=1.0))
            self.query_one(wid, MatrixView).show(cap, grid, m.shape)
        differ = chapter.pooled_differ
        for wid, m, cap in (("#inv-pooled", chapter.original_pooled, "pooled 2x2"),
                            ("#inv-moved-pooled", chapter.moved_pooled, f"pooled {arrow}")):
            self.query_one(wid, MatrixView).show(
                cap, values_text(m, bench.style, scale=1.0, cell_width=4, gap=1,
                                 highlight=differ), m.shape)
        same = chapter.pooled_same
        self.query_one("#inv-same", MatrixView).show("same?", same_text(same), same.shape)
        update(self.query_one("#inv-counts", Static), self.counts_text(chapter))
        note = self.note_text(chapter)
        if width >= 120 and self.app.size.height >= 30:      # room for a fifth line
            note.append("\nPooling only forgives small shifts: a bigger, smaller, turned or "
                        "lighter drawing is another matter (? says more).", style="dim")
        update(self.query_one("#inv-note", Static), note)

    @staticmethod
    def counts_text(chapter: Chapter) -> Text:
        """How many pooled cells kept their value, after one and two poolings, and the votes."""
        bench = chapter.bench
        t = Text(no_wrap=True, overflow="crop")
        t.append(f"{chapter.pooled_equal} of {chapter.pooled_cells}", style="bold reverse")
        t.append(" pooled cells\nare equal\n")
        twice, cells = chapter.pooled_twice_same
        t.append(f"pooled again: {twice} of {cells}\n")
        for label, res in (("votes", chapter.original_result),
                           ("moved", chapter.moved_result)):
            t.append(f"{label} ")
            t.append(" ".join(f"{k} {bench.fmt(v)}" for k, v in res.votes.items()))
            changed = label == "moved" and not chapter.same_answer
            t.append(" → tie" if res.tie else f" → {res.prediction}",
                     style="bold reverse" if changed else "bold")
            if label == "votes":
                t.append("\n")
        return t

    @staticmethod
    def note_text(chapter: Chapter) -> Text:
        """Global invariance (the filter), then local invariance (pooling), with the counts.
        At most four lines at 80 columns, whatever the counts."""
        mv = chapter.map_move
        t = Text()
        t.append("Filter: ", style="bold")
        t.append(f"the moved map holds the same values one cell {chapter.shift} ")
        t.append(f"({mv.equal} of {mv.shared} shared cells", style="bold")
        t.append(f"; {len(mv.new)} edge cells are new). " if mv.new else "). ")
        t.append("Pooling: ", style="bold")
        t.append("each 2x2 block keeps its strongest answer, so a stroke moving inside its "
                 "block changes nothing; ")
        n = len(chapter.pooled_differ)
        if n:
            t.append(f"{n} cell{'s' if n != 1 else ''} (≠, yellow) changed where a stroke "
                     "crossed a block border.")
        else:
            t.append("no stroke crossed a block border.")
        return t

    def status(self, chapter):
        return (f"moved {chapter.shift} · right/left: move another way · f: next feature · "
                "i: next picture")


PANEL = InvariancePanel
