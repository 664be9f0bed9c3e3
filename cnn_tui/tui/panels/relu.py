"""Panel of the "relu" chapter: a feature map, the same map after ReLU, and the stack."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.relu import Chapter
from cnn_tui.lecture.data import FEATURES
from cnn_tui.render import is_big
from cnn_tui.tui.panels.base import (ChapterPanel, choice_caption, show_big, show_thumb, stage_room,
                                     update)
from cnn_tui.tui.widgets.layout import Column, Row
from cnn_tui.tui.widgets.matrix import (MatrixView, half_block_text, heat_text, text_width,
                                        values_text)


class ReluPanel(ChapterPanel):
    chapter_id = Chapter.id
    shows_pixels = False

    def compose(self):
        with Row():
            with Column(classes="maps"):
                yield MatrixView(id="conv")
                yield MatrixView(id="relu")
            with Column(classes="side"):
                yield Static("one picture → a stack of maps", classes="head")
                with Row():
                    for name in FEATURES:
                        # thumbnails: they stay small at every zoom
                        yield MatrixView(id=f"t-{name}", zoomable=False)
                yield Static(id="cell")

    DEFAULT_CSS = """
    ReluPanel .maps { width: auto; height: auto; }
    ReluPanel .side { width: auto; height: auto; }
    ReluPanel .head { width: auto; text-style: bold; }
    """

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        filled = chapter.relu_filled
        hl = chapter.highlight
        gap = 2 if width >= 49 + 26 + 2 else 1
        c = bench.conv_map()
        if is_big(c.shape) or 7 * c.shape[1] + 30 > width:
            self._big(chapter, width)
            return
        grid = values_text(c, bench.style, scale=1.0, outline=hl, cell_width=5, gap=gap)
        self.query_one("#conv", MatrixView).show(
            f"{bench.feature} map (one of {len(chapter.stack)})", grid, c.shape)
        # The stack as square thumbnails: two columns per cell where the three fit beside the
        # maps, else half a line per cell (still square, half the size).
        side = width - text_width(grid) * self.zoom - 2
        square = sum(2 * m.shape[1] + 1 for _, m in chapter.stack) <= side
        self.query_one("#relu", MatrixView).show(
            f"after ReLU: {filled}/{bench.cells}",
            values_text(chapter.shown_relu, bench.style, scale=1.0, highlight=hl, cell_width=5,
                        gap=gap),
            c.shape)
        for name, m in chapter.stack:
            thumb = heat_text(m, scale=1.0) if square else half_block_text(m, scale=1.0)
            self.query_one(f"#t-{name}", MatrixView).show(
                choice_caption(name, name == bench.feature), thumb, m.shape)
        self._cell_note(chapter)

    def _big(self, chapter: Chapter, width: int) -> None:
        """A large picture's maps: colours only (half blocks), around the cell being rectified."""
        bench = chapter.bench
        c = bench.conv_map()
        hl = chapter.highlight
        cols, lines = stage_room(self, below=1)
        room = (cols - 44, lines // 2)   # the maps one above the other, thumbnails beside
        show_big(self.query_one("#conv", MatrixView),
                 f"{bench.feature} map (one of {len(chapter.stack)})", c, picture=False,
                 room=room, outline=hl)
        show_big(self.query_one("#relu", MatrixView),
                 f"after ReLU: {chapter.relu_filled}/{bench.cells}", chapter.shown_relu,
                 picture=False, room=room, highlight=hl)
        for name, m in chapter.stack:
            show_thumb(self.query_one(f"#t-{name}", MatrixView),
                       choice_caption(name, name == bench.feature), m, picture=False, limit=14)
        self._cell_note(chapter)

    def _cell_note(self, chapter: Chapter) -> None:
        bench = chapter.bench
        t = Text()
        t.append("\nf picks the map to rectify.\n")
        step = chapter.cell_step
        if step is not None:
            before, after, negative = step
            t.append(f"\ncell {chapter.relu_cell}: ")
            t.append(f"{bench.fmt(before)} → {bench.fmt(after)}", style="bold")
            t.append("\n(negative: set to 0)" if negative else "\n(not negative: kept)")
        update(self.query_one("#cell", Static), t)

    def status(self, chapter):
        return (f"cell {chapter.relu_filled}/{chapter.bench.cells} · right/left step · "
                "space play · f next map")


PANEL = ReluPanel
