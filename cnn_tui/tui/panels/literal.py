"""Panel of the "literal" chapter: the picture, the pixels that disagree, the other picture."""

from __future__ import annotations

import textwrap

import numpy as np
from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.literal import Chapter
from cnn_tui.tui.panels.base import (STRONG_COLOUR, ChapterPanel, bar, fits_as_text, show_big,
                                     show_picture_view, stage_room, update)
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, picture_text


class LiteralPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="diff")
            yield MatrixView(id="other")
        yield Static(id="score", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        shape = bench.image.shape
        v = chapter.compare_variant
        # The compared picture's description: on up to three lines when one does not fit
        # beside the other two pictures (then the other captions take as many lines, so the
        # grids align).
        grid = 2 * shape[1] * self.zoom
        room = max(grid, width - 2 * (grid + 1) - 2)
        lines = textwrap.wrap(f"{v.name}: {v.description}", room)[:3]
        pad = "\n" * (len(lines) - 1)
        cols, height = stage_room(self)
        each = ((cols - 4) // 3, height)
        big = not fits_as_text(shape, each)
        if big:
            lines, pad = [v.name], ""
        show_picture_view(self.query_one("#image", MatrixView), chapter, each,
                          caption=Text(bench.picture_caption + pad, style="bold"))
        bad = chapter.mismatches
        diff = self.query_one("#diff", MatrixView)
        if big:
            show_big(diff, f"disagree: {len(bad)}", -np.ones(shape), picture=True, room=each,
                     highlight=bad, focus=[])
        else:
            diff.show(Text("disagree" + pad, style="bold"),
                      picture_text(-np.ones(shape), highlight=bad, mark="!!"), shape)
        caption = Text("\n".join(lines))
        caption.stylize("bold", 0, len(v.name))
        other = self.query_one("#other", MatrixView)
        if big:
            show_big(other, caption + Text(f" at {shape[0]}x{shape[1]}"), chapter.compare_image,
                     picture=True, room=each, focus=[])
        else:
            other.show(caption, picture_text(chapter.compare_image, numbers=bench.numbers), shape)
        share = chapter.match_share
        t = Text()
        t.append(f"{chapter.agree_count} of {chapter.pixel_count} pixels agree ", style="bold")
        t.append(f"({share:.0%})  ")
        t.append_text(bar(share, 30, STRONG_COLOUR))
        t.append("\n" + chapter.verdict_sentence)
        update(self.query_one("#score", Static), t)

    def status(self, chapter):
        return "right/left: another comparison picture"


PANEL = LiteralPanel
