"""Panel of the "edges" chapter: the picture, an edge kernel, its sum map, where it answers most,
and all four maps side by side."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.edges import EDGE_NAMES, EDGE_SYMBOLS, Chapter
from cnn_tui.render import is_big
from cnn_tui.tui.panels.base import (ChapterPanel, choice_caption, fits_as_text, show_big,
                                     show_picture_view, show_thumb, stage_room, update)
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, half_block_text, heat_text, values_text


class EdgesPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="kernel")
            yield MatrixView(id="map")
        yield Static(id="peak", classes="note")
        with Row():
            for name in EDGE_NAMES:
                yield MatrixView(id=f"t-{name}")

    def show(self, chapter: Chapter, width: int) -> None:
        peaks = chapter.edge_peak_pixels()
        cols, lines = stage_room(self, below=4 + 9)
        show_picture_view(self.query_one("#image", MatrixView), chapter, ((cols - 14) // 2, lines),
                          outline=peaks)
        k = chapter.edge_kernel
        self.query_one("#kernel", MatrixView).show(chapter.edge,
                                                   values_text(k, "number", scale=2), k.shape, 4)
        m = chapter.edge_map()
        scale = chapter.edge_scale
        _, cells = chapter.edge_peak()
        caption = f"sum map: {chapter.edge_title}"
        room = (cols - self.query_one("#image", MatrixView).needed[0] - 16, lines)
        if fits_as_text(m.shape, room, 4):
            self.query_one("#map", MatrixView).show(
                caption, values_text(m, "number", scale=scale, highlight=cells), m.shape)
        else:
            show_big(self.query_one("#map", MatrixView), caption, m, picture=False, room=room,
                     scale=scale, highlight=cells)
        t = Text()
        t.append(chapter.edge_peak_sentence(), style="bold")
        t.append(" Outlined on the picture, yellow on the map.", style="dim")
        update(self.query_one("#peak", Static), t)
        # The four maps as colour: square half-block cells at zoom 1, two columns a cell when
        # the screen is larger.
        small = self.zoom <= 1
        for name in EDGE_NAMES:
            mm = chapter.edge_map(name)
            caption = choice_caption(f"{name} {EDGE_SYMBOLS[name]}", name == chapter.edge)
            view = self.query_one(f"#t-{name}", MatrixView)
            if is_big(mm.shape):
                show_thumb(view, caption, mm, picture=False, scale=scale)
                continue
            grid = half_block_text(mm, scale) if small else heat_text(mm, scale=scale)
            view.show(caption, grid, mm.shape)

    def status(self, chapter):
        return ("f or right/left: next kernel · i/e: this chapter's picture · r: the "
                "envelope")


PANEL = EdgesPanel
