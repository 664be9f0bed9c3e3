"""Panel of the "convolution" chapter: the window slides and the feature map fills in."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.engine.fmt import format_number
from cnn_tui.lesson.chapters.convolution import Chapter
from cnn_tui.render import is_big
from cnn_tui.tui.panels.base import (ChapterPanel, products_text, show_big, show_picture_view,
                                     stage_room, update)
from cnn_tui.tui.widgets.layout import Column, Row
from cnn_tui.tui.widgets.matrix import MatrixView, picture_text, text_width, values_text
from cnn_tui.tui.widgets.text_view import TextView


class ConvolutionPanel(ChapterPanel):
    chapter_id = Chapter.id
    DEFAULT_CSS = """
    ConvolutionPanel .kernel-column { width: auto; height: auto; }
    """

    def compose(self):
        with Row():
            yield MatrixView(id="image", clickable=True)
            with Column(classes="kernel-column"):
                yield MatrixView(id="kernel")
                yield MatrixView(id="products")
            yield MatrixView(id="map", clickable=True)
        yield TextView(id="working", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        filled = chapter.conv_filled
        tr = chapter.conv_trace
        cols, lines = stage_room(self)
        room = ((cols - 16) // 2, lines)
        show_picture_view(self.query_one("#image", MatrixView), chapter, room,
                          outline=chapter.window)
        self.query_one("#kernel", MatrixView).show(
            bench.feature, picture_text(bench.kernel, numbers=bench.numbers), bench.kernel.shape)
        self.query_one("#products", MatrixView).show(
            "products", products_text(tr if filled else None), (3, 3))
        room = (cols - self.query_one("#image", MatrixView).needed[0] - 2 - max(
            self.query_one("#kernel", MatrixView).needed[0],
            self.query_one("#products", MatrixView).needed[0]), lines)
        full = bench.conv_map()
        shown = chapter.shown_map
        hl = chapter.highlight
        caption = f"feature map {full.shape[0]}x{full.shape[1]}: {filled}/{bench.cells} filled"
        view = self.query_one("#map", MatrixView)
        grid = None
        if not is_big(full.shape):
            # cells of 5 characters and a gap of 2 (1 when the map would not fit beside)
            used = 2 * bench.image.shape[1] + 12 + 4
            chars = 7 if 7 * full.shape[1] + used <= width // self.zoom else 6
            grid = values_text(shown, bench.style, scale=1.0, highlight=hl, cell_width=5,
                               gap=chars - 5)
            if text_width(grid) + used > width or full.shape[0] + 1 > lines:
                grid = None
        if grid is None:
            show_big(view, caption, shown, picture=False, room=room, highlight=hl)
        else:
            view.show(caption, grid, full.shape, chars)
        self._working(chapter)

    def _working(self, chapter: Chapter) -> None:
        bench = chapter.bench
        filled = chapter.conv_filled
        tr = chapter.conv_trace
        cell = chapter.conv_cell
        w = Text()
        r, c = cell
        if filled == 0:
            w.append("Press right to place the window and compute the first cell; "
                     "space plays the whole slide.")
        else:
            agree, disagree = bench.agreement(tr)
            w.append(f"Window ({r}, {c}): {agree} of {agree + disagree} pixels agree, products "
                     f"add up to {format_number(tr.total)}, divided by {tr.divisor}: ")
            w.append(bench.fmt(tr.value), style="bold reverse")
            if chapter.complete:
                w.append("\nThe map is complete: high values mark where the feature sits.")
        update(self.query_one("#working", Static), w)

    def status(self, chapter):
        return (f"step {chapter.conv_filled}/{chapter.bench.cells} · right/left step · "
                "space play · g jump")


PANEL = ConvolutionPanel
