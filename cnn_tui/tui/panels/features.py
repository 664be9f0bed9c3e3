"""Panel of the "features" chapter: the three features and where the chosen one fits."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.features import Chapter
from cnn_tui.lecture.data import FEATURES
from cnn_tui.tui.panels.base import (ChapterPanel, fits_as_text, show_big, show_picture_view,
                                     stage_room, update)
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, picture_text, text_width, values_text


class FeaturesPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            for name in FEATURES:
                yield MatrixView(id=f"f-{name}")
        with Row():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="map")
        yield Static(id="fit", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        for name, title, k in chapter.features:
            chosen = name == bench.feature
            cap = Text(f"{'▶ ' if chosen else '  '}{name}: {title}",
                       style="bold reverse" if chosen else "")
            self.query_one(f"#f-{name}", MatrixView).show(
                cap, picture_text(k, numbers=bench.numbers), k.shape)
        hits = chapter.perfect_matches()
        fit = chapter.current_fit
        # One fit at a time: its window outlined on the picture, its 1.00 highlighted on the
        # map; the other fits framed on the map only (outlined together on the picture, the
        # windows of neighbouring fits would run into one blob).
        # the features in a row above, the fit note below
        cols, lines = stage_room(self, below=4 + 3)
        image = self.query_one("#image", MatrixView)
        show_picture_view(image, chapter, (cols // 2, lines), outline=chapter.current_fit_pixels)
        m = bench.conv_map()
        chosen = [fit] if fit is not None else []
        others = [h for h in hits if h != fit]
        zoom = self.zoom
        caption = (f"{bench.feature} map: {len(hits)} perfect fit"
                   f"{'' if len(hits) == 1 else 's'} (1.00)")
        room = (cols - image.needed[0] - 2, lines)
        if fits_as_text(m.shape, room, 1):
            grid = values_text(m, bench.style, scale=1.0, highlight=chosen, outline=others)
            if (text_width(grid) + 20) * zoom > width:
                grid = heat_text(m, scale=1.0, highlight=chosen, outline=others)
            self.query_one("#map", MatrixView).show(caption, grid, m.shape)
        else:
            show_big(self.query_one("#map", MatrixView), caption, m, picture=False, room=room,
                     highlight=chosen, outline=others, focus=chosen)
        update(self.query_one("#fit", Static), self.fit_text(chapter, len(hits)))

    @staticmethod
    def fit_text(chapter: Chapter, count: int) -> Text:
        bench = chapter.bench
        t = Text()
        fit = chapter.current_fit
        if fit is None:
            t.append(f"{bench.feature} fits nowhere perfectly", style="bold")
            t.append(": no window of the picture is exactly this feature. "
                     "Right: the next feature.")
            return t
        r, c = fit
        t.append(f"Fit {chapter.fit_number} of {count}: ", style="bold")
        t.append(f"{bench.feature} is exactly the 3x3 window at row {r}, column {c} "
                 f"(outlined), so map cell ({r}, {c}) is")
        t.append(f" {bench.fmt(1.0)} ", style="bold reverse")
        t.append("(yellow" + ("; the other fits are framed" if count > 1 else "") + "). ")
        t.append("right: the next fit." if chapter.fit_number < count
                 else "right: the next feature.", style="dim")
        return t

    def status(self, chapter):
        return "right/left: the next perfect fit, then the next feature · f: next feature"


PANEL = FeaturesPanel
