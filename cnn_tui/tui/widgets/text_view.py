"""A ``Static`` for text that changes on every key press (the status line, the working)."""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Static

from cnn_tui.render import split_lines
from cnn_tui.tui.widgets.matrix import _strip


@lru_cache(maxsize=4096)
def _offset(x: int, y: int) -> Style:
    return Style.from_meta({"offset": (x, y)})


def _with_offsets(strip: Strip, base: Style, y: int) -> list[Segment]:
    """``strip``'s segments over ``base``, each marked with where it starts in the text (its
    character and line), as Textual marks the text it draws: mouse selection reads them."""
    out = []
    x = 0
    for text, style, _ in strip:
        if not text:
            continue
        out.append(Segment(text, base + style + _offset(x, y) if style else base + _offset(x, y)))
        x += len(text)
    return out


class TextView(Static):
    """A :class:`~textual.widgets.Static` that draws a ``Text`` whose lines all fit its width
    straight into strips, as :class:`~cnn_tui.tui.widgets.matrix.MatrixView` draws its lines.

    Textual's own path (the text made into ``Content``, wrapped, formatted and made into
    strips) costs several times more, and a step of the window changes these lines every
    time. Anything that path does and this one does not (text that wraps, tabs or control
    characters, a selection, aligned text) goes through ``Static`` as before, so what shows is
    the same either way.
    """

    _text: Text | None = None          # what was shown last, when it is a Text
    _drawn: tuple | None = None         # ((width, style), each line) for _text

    def update(self, content="", *, layout: bool = True) -> None:
        self._text = content if isinstance(content, Text) else None
        self._drawn = None
        super().update(content, layout=layout)

    def text_fits(self, width: int) -> bool:
        """Whether the text shown is drawn here at ``width`` (else ``Static`` draws it)."""
        return self._lines(width) is not None

    def fitting_lines(self, text: Text, width: int) -> list[Text] | None:
        """``text``'s lines when every one fits ``width`` and needs none of Static's shaping."""
        plain = text.plain
        if "\t" in plain or "\r" in plain or any(ord(ch) < 32 and ch != "\n" for ch in plain):
            return None
        lines = split_lines(text)
        if any(line.cell_len > width for line in lines):
            return None
        return lines

    def _lines(self, width: int) -> list[Strip] | None:
        text = self._text
        if text is None or self.text_selection is not None:
            return None
        styles = self.styles
        if styles.content_align != ("left", "top") or styles.text_align not in ("left", "start"):
            return None
        style = self.visual_style.rich_style     # under the text, as Static draws it
        drawn = self._drawn
        if drawn is not None and drawn[0] == (width, style):
            return drawn[1]
        lines = self.fitting_lines(text, width)
        if lines is None:
            return None
        console = self.app.console
        strips = [Strip(_with_offsets(_strip(line, console), style, y))
                  for y, line in enumerate(lines)]
        self._drawn = ((width, style), strips)
        return strips

    def render_line(self, y: int) -> Strip:
        strips = self._lines(self.size.width)
        if strips is None:
            return super().render_line(y)
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
