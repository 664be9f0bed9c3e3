"""Panel of the "padding" chapter: the padded picture, the output, and the size formula."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.engine.fmt import format_number
from cnn_tui.lesson.chapters.padding import COMPARED_STRIDES, Chapter
from cnn_tui.tui.panels.base import ChapterPanel, fits_as_text, show_big, stage_room, update
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, picture_text, text_width, values_text
from cnn_tui.tui.widgets.text_view import TextView


class PaddingPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            yield MatrixView(id="padded")
            yield MatrixView(id="map")
        yield TextView(id="formula", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        p = chapter.padding
        padded = chapter.padded_image      # its own values: faint pixels grey, padding its value
        pv = format_number(chapter.pad_value)       # "0", "-1", "1" whatever the number style
        cols, lines = stage_room(self, below=3)
        view = self.query_one("#padded", MatrixView)
        m = chapter.pad_map
        cell = chapter.pad_cell
        if not fits_as_text(padded.shape, (cols // 2, lines)):
            show_big(view, f"padding {p} (value {pv})", padded, picture=True,
                     room=(cols // 2, lines), outline=chapter.window, dim=chapter.border_cells)
            show_big(self.query_one("#map", MatrixView),
                     f"output {m.shape[0]}x{m.shape[1]}, stride {chapter.stride}", m,
                     picture=False, room=(cols - view.needed[0] - 2, lines), highlight=[cell])
            self._formula(chapter)
            return
        pic = picture_text(padded, outline=chapter.window, dim=chapter.border_cells,
                           numbers=bench.numbers)
        view.show(f"padding {p} (value {pv})", pic, padded.shape)
        used = text_width(pic) + 2
        grid = values_text(m, bench.style, scale=1.0, highlight=[cell], cell_width=5)
        note = ""
        if used + text_width(grid) > width // self.zoom:
            grid = values_text(m, bench.style, scale=1.0, highlight=[cell], cell_width=5, gap=1)
        if used + text_width(grid) > width // self.zoom and self.zoom == 1:
            # (when zoomed, the screen draws the chapter one zoom smaller instead)
            grid = heat_text(m, scale=1.0, highlight=[cell])
            note = "\n(colours only: a wider terminal shows the numbers)"
        self.query_one("#map", MatrixView).show(
            f"output {m.shape[0]}x{m.shape[1]}, stride {chapter.stride}{note}", grid, m.shape)
        self._formula(chapter)

    def _formula(self, chapter: Chapter) -> None:
        bench = chapter.bench
        cell = chapter.pad_cell
        tr = chapter.pad_trace
        n, p, k, s, side = chapter.formula_terms
        t = Text()
        t.append("Output side = floor((n + 2p - k) / s) + 1 = ")
        t.append(f"floor(({n} + 2*{p} - {k}) / {s}) + 1 = {side}", style="bold")
        strides = ", ".join(map(str, COMPARED_STRIDES))
        sizes = ", ".join(map(str, chapter.sides_by_stride))
        t.append(f"\nWith padding {p}, strides {strides} give {sizes}.  ")
        t.append(f"Window {cell}: {bench.fmt(tr.value)}")
        update(self.query_one("#formula", Static), t)

    def status(self, chapter):
        return (f"stride {chapter.stride} (+/-) · padding {chapter.padding} ([/]) · "
                f"pad value (v) · window {chapter.pad_cell}")


PANEL = PaddingPanel
