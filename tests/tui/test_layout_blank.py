"""The layout containers draw their own cells as Textual's containers do (the reference):
blank lines on the background, through the app's line filters; what Textual draws besides the
background (borders, tints, hatches) is left to Textual."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.containers import Horizontal
from textual.geometry import Region
from textual.widgets import Static

from cnn_tui.tui.widgets.layout import Row

CASES = ["", "background: red 50%;", "opacity: 50%;", "tint: red 40%;",
         "background-tint: red 30%;", "hatch: cross red;", "border: solid red;", "padding: 1;",
         "outline: solid red;"]


def cells(widget) -> list[list]:
    """Each cell the container draws: its character and colours."""
    return [[(ch, style.color and style.color.triplet, style.bgcolor and style.bgcolor.triplet)
             for text, style, _ in strip for ch in text]
            for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


class Pair(App):
    def __init__(self, css: str) -> None:
        self.CSS = "Horizontal { height: 3; width: 10; " + css + " }"
        super().__init__()

    def compose(self):
        yield Horizontal(Static("x"), id="reference")
        yield Row(Static("x"), id="row")


@pytest.mark.parametrize("no_color", [False, True])
@pytest.mark.parametrize("css", CASES)
async def test_row_draws_what_horizontal_draws(monkeypatch, css, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")       # Textual greys every line through a filter
    app = Pair(css)
    async with app.run_test(size=(20, 8)) as pilot:
        app.theme = "nord"                          # a background that is not grey
        await pilot.pause()
        reference, row = app.query_one("#reference"), app.query_one("#row")
        assert cells(row) == cells(reference)
