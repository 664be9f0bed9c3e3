"""Panel of the "edges" chapter: an edge kernel, its sum map, and all four maps side by side."""

from __future__ import annotations

from textual.containers import Horizontal

from cnn_tui.lesson.chapters.edges import EDGE_NAMES, Chapter
from cnn_tui.tui.panels.base import ChapterPanel, choice_caption, picture_view_text
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, values_text


class EdgesPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="kernel")
            yield MatrixView(id="map")
        with Horizontal():
            for name in EDGE_NAMES:
                yield MatrixView(id=f"t-{name}")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        self.query_one("#image", MatrixView).show(bench.picture_caption,
                                                  picture_view_text(chapter), bench.image.shape)
        k = chapter.edge_kernel
        self.query_one("#kernel", MatrixView).show(chapter.edge,
                                                   values_text(k, "number", scale=2), k.shape, 4)
        m = chapter.edge_map()
        scale = chapter.edge_scale
        self.query_one("#map", MatrixView).show(
            f"sum map: {chapter.edge_title}", values_text(m, "number", scale=scale), m.shape)
        for name in EDGE_NAMES:
            mm = chapter.edge_map(name)
            self.query_one(f"#t-{name}", MatrixView).show(
                choice_caption(name, name == chapter.edge), heat_text(mm, scale=scale), mm.shape)

    def status(self, chapter):
        return "f or right/left: next edge kernel · orange: strong answer, purple: opposite"


PANEL = EdgesPanel
