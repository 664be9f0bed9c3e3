"""Panel of the "filtering" chapter: one window in five stages, with its arithmetic."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.engine.fmt import format_number
from cnn_tui.lesson.chapters.filtering import FILTER_STAGES, Chapter
from cnn_tui.tui.panels.base import (ChapterPanel, products_text, show_picture_view, stage_room,
                                     update)
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, picture_text
from cnn_tui.tui.widgets.text_view import TextView


class FilteringPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="patch")
            yield MatrixView(id="kernel")
            yield MatrixView(id="products")
        yield TextView(id="stages", classes="note")
        yield TextView(id="working", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        cell = chapter.filter_cell
        stage = chapter.filter_stage
        tr = chapter.filter_trace
        cols, lines = stage_room(self, below=7)
        show_picture_view(self.query_one("#image", MatrixView), chapter, (cols - 40, lines),
                          outline=chapter.window)
        self.query_one("#patch", MatrixView).show(
            "window", picture_text(tr.patch, numbers=bench.numbers), tr.patch.shape)
        self.query_one("#kernel", MatrixView).show(
            f"× {bench.feature}", picture_text(tr.kernel, numbers=bench.numbers), tr.kernel.shape)
        self.query_one("#products", MatrixView).show(
            "= products", products_text(tr if stage >= 1 else None), (3, 3))
        st = Text()
        for i, name in enumerate(FILTER_STAGES):
            if i:
                st.append(" → ")
            st.append(f" {i + 1} {name} ", style="bold reverse" if i == stage else
                      ("" if i < stage else "dim"))
        update(self.query_one("#stages", Static), st)
        w = Text()
        r, c = cell
        w.append(f"Window at row {r}, column {c} (its top-left pixel).\n")
        if stage == 0:
            w.append("Line up: the feature sits on the nine pixels outlined on the left.")
        if stage >= 1:
            agree, disagree = bench.agreement(tr)
            if all(abs(float(v)) == 1 for v in tr.products.ravel()):
                w.append(f"Multiply: {agree} pixels agree (+1), {disagree} disagree (-1).\n")
            else:   # a fainter picture: the products are weaker than ±1
                w.append(f"Multiply: {agree} products are positive (pixel and feature agree), "
                         f"{disagree} negative.\n")
        if stage >= 2:
            w.append(f"Add: {chapter.sum_terms} = {format_number(tr.total)}\n")
        if stage >= 3:
            quotient = f"{format_number(tr.total)}/{tr.divisor}"
            result = bench.fmt(tr.value)
            # with fractions on, 7/9 is already the answer: say it once (3/9 still = 1/3)
            w.append(f"Divide by {tr.divisor}: " + (f"{quotient} = " if result != quotient
                                                     else ""))
            w.append(result, style="bold")
            w.append("\n")
        if stage >= 4:
            w.append(f"Result: output cell ({r}, {c}) of the feature map is ")
            w.append(f" {bench.fmt(tr.value)} ", style="bold reverse")
        update(self.query_one("#working", Static), w)

    def status(self, chapter):
        return (f"stage {chapter.filter_stage + 1}/{len(FILTER_STAGES)} of window "
                f"{chapter.filter_cell} · right: next stage · g: go to a window")


PANEL = FilteringPanel
