"""Panel of the "features" chapter: the three features and where the chosen one fits."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal

from cnn_tui.lesson.chapters.features import Chapter
from cnn_tui.lecture.data import FEATURES
from cnn_tui.tui.panels.base import ChapterPanel, picture_view_text
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, picture_text, text_width, values_text


class FeaturesPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Horizontal():
            for name in FEATURES:
                yield MatrixView(id=f"f-{name}")
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="map")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        for name, title, k in chapter.features:
            chosen = name == bench.feature
            cap = Text(f"{'▶ ' if chosen else '  '}{name}: {title}",
                       style="bold reverse" if chosen else "")
            self.query_one(f"#f-{name}", MatrixView).show(cap, picture_text(k), k.shape)
        hits = chapter.perfect_matches()
        cells = chapter.perfect_match_pixels()
        self.query_one("#image", MatrixView).show(
            bench.picture_caption, picture_view_text(chapter, outline=cells), bench.image.shape)
        m = bench.conv_map()
        grid = values_text(m, bench.style, scale=1.0, highlight=hits)
        if text_width(grid) + 20 > width:
            grid = heat_text(m, scale=1.0, highlight=hits)
        self.query_one("#map", MatrixView).show(
            f"{bench.feature} map: {len(hits)} perfect fit{'' if len(hits) == 1 else 's'} (1.00)",
            grid, m.shape)

    def status(self, chapter):
        return "f or right/left: next feature · outlined: where it fits perfectly"


PANEL = FeaturesPanel
