"""A ``Static`` for text that changes on every key press (the status line, the working)."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Static


def _has_click(text: Text) -> bool:
    """Whether ``text`` has a style that acts on a click (Textual styles those as links)."""
    styles = [text.style] + [span.style for span in text.spans]
    return any(not isinstance(style, str) and style._meta and "@click" in style.meta
               for style in styles)


class TextView(Static):
    """A :class:`~textual.widgets.Static` that draws a ``Text`` whose lines all fit its width
    straight into strips.

    It does what Textual does for such lines (the text made into ``Content`` as ``Static``
    makes it, each line's segments styled over the widget's style and marked with where they
    start, for mouse selection) and skips the rest of Textual's pipeline (wrapping, alignment,
    the visual's general rendering), which costs several times more; a step of the window
    changes these lines every time. Anything that pipeline would do differently (text that
    wraps, a selection, aligned or padded lines) goes through ``Static`` as before, so what
    shows is the same either way.
    """

    _converted: tuple | None = None     # (text, its Content): the last text converted
    _drawn: tuple | None = None         # (key, each line's strip) for what was drawn last

    def _as_content(self, text: Text) -> Content:
        """``text`` as Static shows it: the Content its visual is (made when it was set)."""
        if text is self.content and isinstance(self.visual, Content):
            return self.visual
        converted = self._converted
        if converted is not None and converted[0] is text:
            return converted[1]
        content = Content.from_rich_text(text, console=self.app.console)
        self._converted = (text, content)
        return content

    def text_fits(self, width: int) -> bool:
        """Whether the text shown is drawn here at ``width`` (else ``Static`` draws it)."""
        return self._lines(width) is not None

    def fitting_lines(self, text: Text, width: int) -> list[Content] | None:
        """``text``'s lines when every one fits ``width`` as it is (no wrapping, no tabs to
        expand), else None."""
        lines = self._as_content(text).split(allow_blank=True)
        if any(line.cell_length > width or "\t" in line.plain for line in lines):
            return None
        return lines

    def _lines(self, width: int) -> list[Strip] | None:
        text = self.content
        if not isinstance(text, Text) or self.text_selection is not None:
            return None
        styles = self.styles
        if (styles.content_align != ("left", "top") or styles.text_align not in ("left", "start")
                or styles.line_pad):
            return None
        style = self.visual_style
        key = (text, width, style)
        drawn = self._drawn
        if drawn is not None and drawn[0][0] is text and drawn[0][1:] == key[1:]:
            return drawn[1]
        lines = self.fitting_lines(text, width)
        if lines is None:
            return None
        get_style = self._get_style
        link_style = None   # links that act on a click get the link style (none of ours do)
        if self.auto_links and _has_click(text) and not self.screen._selecting:
            link_style = self.link_style
        strips = []
        for y, line in enumerate(lines):
            segments = []
            x = 0
            for part, part_style in line.render(style, end="", parse_style=get_style):
                segments.append(Segment(part, (style + part_style).rich_style_with_offset(x, y)))
                x += len(part)
            strip = Strip(segments, line.cell_length)
            strips.append(strip if link_style is None else strip._apply_link_style(link_style))
        self._drawn = (key, strips)
        return strips

    def render_line(self, y: int) -> Strip:
        strips = self._lines(self.size.width)
        if strips is None:
            return super().render_line(y)
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
