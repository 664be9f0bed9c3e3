"""Panel of the "pooling" chapter: the map after ReLU, the window, and the pooled map."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.pooling import Chapter
from cnn_tui.tui.panels.base import ChapterPanel, fits_as_text, show_big, stage_room, update
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, values_text
from cnn_tui.tui.widgets.text_view import TextView


class PoolingPanel(ChapterPanel):
    chapter_id = Chapter.id
    shows_pixels = False

    def compose(self):
        with Row():
            yield MatrixView(id="relu")
            yield MatrixView(id="pool")
        yield TextView(id="working", classes="note")
        yield TextView(id="connections", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        rm = bench.relu_map
        gap = 2 if width // self.zoom >= 49 + 28 + 3 else 1
        cols, lines = stage_room(self, below=9)
        pm = chapter.shown_pooled
        if not fits_as_text(rm.shape, (cols - 7 * pm.shape[1], lines), 7):
            room = (cols * 2 // 3, lines)
            show_big(self.query_one("#relu", MatrixView), f"{bench.feature} map after ReLU", rm,
                     picture=False, room=room, outline=chapter.window, highlight=chapter.winner)
            show_big(self.query_one("#pool", MatrixView),
                     f"{chapter.pool_op} pool {pm.shape[0]}x{pm.shape[1]}", pm, picture=False,
                     room=(cols - self.query_one("#relu", MatrixView).needed[0] - 2, lines),
                     highlight=chapter.highlight)
        else:
            self._text_maps(chapter, gap)
        self._notes(chapter)

    def _text_maps(self, chapter: Chapter, gap: int) -> None:
        bench = chapter.bench
        rm = bench.relu_map
        self.query_one("#relu", MatrixView).show(
            f"{bench.feature} map after ReLU",
            values_text(rm, bench.style, scale=1.0, outline=chapter.window,
                        highlight=chapter.winner, cell_width=5, gap=gap), rm.shape)
        pm = chapter.shown_pooled
        self.query_one("#pool", MatrixView).show(
            f"{chapter.pool_op} pool {pm.shape[0]}x{pm.shape[1]}",
            values_text(pm, bench.style, scale=1.0, highlight=chapter.highlight, cell_width=5,
                        gap=gap),
            pm.shape)

    def _notes(self, chapter: Chapter) -> None:
        bench = chapter.bench
        filled = chapter.pool_filled
        tr = chapter.pool_trace
        t = Text()
        if not filled:
            t.append("Press right to place the 2x2 window on the top-left corner.")
        else:
            t.append(f"Window {tr.out_index}: ")
            t.append(tr.working(bench.fmt), style="bold")
            if tr.count < chapter.window_size:
                verb = "lies" if tr.count == 1 else "lie"
                t.append(f"\nPartial window: only {tr.count} of its {chapter.window_size} cells "
                         f"{verb} on the map; the missing ones are simply ignored.")
            elif chapter.pool_op == "max":
                t.append("\nThe winner is marked in yellow.")
        update(self.query_one("#working", Static), t)
        update(self.query_one("#connections", Static), self.connections_text(chapter))

    @staticmethod
    def connections_text(chapter: Chapter) -> Text:
        """Fewer connections: what the three maps pass on to a dense layer, pooled 0, 1 and 2
        times (the row of this chapter's pooling stands out). Five lines, under 80 columns."""
        rows = chapter.connections
        first = rows[0]
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append("Fewer connections", style="bold")
        t.append(f"  {'values':>6}   dense to {first.outputs} votes   "
                 f"dense to {first.hidden} units")
        for i, row in enumerate(rows):
            t.append("\n")
            what = f"{row.stage:<13}{row.maps} x {row.size}"
            line = (f"{what:<19}{row.values:>6}   {row.to_outputs:>6} weights   "
                    f"{row.to_hidden:>7} weights")
            t.append(line, style="bold reverse" if i == 1 else "")
        t.append("\nPooling learns nothing itself: the next layer has fewer connections.",
                 style="dim")
        return t

    def status(self, chapter):
        return (f"window {chapter.pool_filled}/{chapter.pool_cells} · o: max/average · "
                "space play · f next map")


PANEL = PoolingPanel
