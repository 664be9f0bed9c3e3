"""The status line's and the working's own drawing against Textual's (the reference): a
``TextView`` must show, strip for strip, what a ``Static`` shows for the same text."""

from __future__ import annotations

import random

from rich.style import Style
from rich.text import Span, Text
from textual.app import App
from textual.geometry import Region
from textual.widgets import Static

from cnn_tui.tui.widgets.text_view import TextView

STYLES = ["bold", "bold reverse", "italic", Style(color="#102030", bgcolor="#ffeedd"),
          "bold #ffffff on #a01010", "", "dim", "on #ffeedd", "red", Style(bgcolor="#203040"),
          Style(link="https://example.com/x"), Style(meta={"@click": "app.bell()"})]
CHARS = "ab c·→½█中 "


def random_text(rng: random.Random) -> Text:
    lines = rng.randint(1, 3)
    plain = "\n".join("".join(rng.choice(CHARS) for _ in range(rng.randint(0, 45)))
                      for _ in range(lines))
    n = len(plain)
    spans = []
    at = 0
    for _ in range(rng.randint(0, 5)):      # spans as the app makes them: one after another
        a = rng.randint(at, n)
        b = rng.randint(a, n)
        spans.append(Span(a, b, rng.choice(STYLES)))
        at = b
    return Text(plain, style=rng.choice(["", "bold", "bold reverse", "#a0a0a0 on #202020",
                                         "red", "on #a01010", "dim italic"]),
                no_wrap=rng.random() < 0.5, overflow=rng.choice(["fold", "ellipsis", "crop"]),
                spans=spans)


class Pair(App):
    # a colour with alpha (blended with whatever background a span sets), as the app's notes
    CSS = """
    Static { width: 1fr; height: auto; background: $boost; color: $text-muted; }
    """

    def compose(self):
        yield Static(id="reference")
        yield TextView(id="view")


def lines(widget) -> list[list]:
    """What the widget shows, character by character: the character, its style, and where in
    the text mouse selection finds it (segment boundaries themselves show nothing)."""
    out = []
    for strip in widget.render_lines(Region(0, 0, *widget.size)):
        chars = []
        for text, style, _ in strip:
            meta = style.meta if style else {}
            look = (str(style), style.link) if style else None     # str() leaves meta out
            x, y = meta.get("offset", (None, None))
            for i, ch in enumerate(text):
                chars.append((ch, look, None if x is None else (x + i, y)))
        out.append(chars)
    return out


async def test_text_view_draws_what_static_draws():
    rng = random.Random(20261128)
    app = Pair()
    fast = 0
    async with app.run_test(size=(36, 12)) as pilot:
        reference, view = app.query_one("#reference"), app.query_one("#view", TextView)
        for _ in range(160):
            text = random_text(rng)
            reference.update(text.copy())
            view.update(text.copy())
            await pilot.pause()
            assert view.size == reference.size, text
            fast += view.text_fits(view.size.width)
            assert lines(view) == lines(reference), (text.plain, text.spans, text.style)
    # both paths were compared: lines that fit (drawn here) and lines that wrap (Static's)
    assert 40 < fast < 140, fast


async def test_text_view_keeps_up_with_its_colours():
    """A new style for the widget (a class that colours it) redraws lines it had drawn."""
    app = Pair()
    app.CSS += ".alert { background: #a01010; }"
    async with app.run_test(size=(40, 6)) as pilot:
        reference, view = app.query_one("#reference"), app.query_one("#view", TextView)
        for widget in (reference, view):
            widget.update(Text("step 3/49 · right/left step", style="bold"))
        await pilot.pause()
        before = lines(view)
        for widget in (reference, view):
            widget.add_class("alert")
        await pilot.pause()
        assert lines(view) == lines(reference) != before


async def test_text_view_follows_its_content_and_width():
    """Text set through ``content`` (not update) shows, and a narrower widget draws it again
    (here wrapped by Static, as the reference does)."""
    app = Pair()
    async with app.run_test(size=(40, 8)) as pilot:
        reference, view = app.query_one("#reference"), app.query_one("#view", TextView)
        for widget in (reference, view):
            widget.update(Text("first", style="bold"))
        await pilot.pause()
        for widget in (reference, view):
            widget.content = Text("second · a longer line of text", style="bold")
        await pilot.pause()
        assert "second" in "".join(ch for ch, _, _ in lines(view)[0])
        assert lines(view) == lines(reference)
        for widget in (reference, view):
            widget.styles.width = 12
        await pilot.pause()
        assert view.size.height > 1 and not view.text_fits(view.size.width)
        assert lines(view) == lines(reference)
