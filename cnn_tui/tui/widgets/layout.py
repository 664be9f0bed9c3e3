"""Containers that only lay out their children.

Textual renders every widget under a changed region on each repaint, containers included: for
one that has no border, padding or content of its own that means working out its background
and styles line by line, only to draw blank lines. These draw them straight from the
container's background (as Textual would: blank cells on it), which makes a key press's
repaint cheaper by the number of containers on screen. A container that sets a border, an
outline, a tint, a hatch or a keyline is drawn by Textual as before.
"""

from __future__ import annotations

from rich.style import Style
from textual.containers import Container, Horizontal, Vertical
from textual.geometry import Region
from textual.strip import Strip


# What Textual would draw on a container's own cells besides its background: then it draws.
_DRAWN_RULES = ("border_top", "border_right", "border_bottom", "border_left", "outline_top",
                "outline_right", "outline_bottom", "outline_left", "tint", "hatch", "keyline")


class BlankLines:
    """Mixin: a container drawn as blank lines on its background, through the app's line
    filters (``NO_COLOR``'s greys, the ANSI colours) as Textual draws every line."""

    _blank: tuple | None = None     # (key, the line) last drawn

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.styles.has_any_rules(*_DRAWN_RULES):
            return super().render_lines(crop)
        style = Style(bgcolor=self.visual_style.rich_style.bgcolor)
        filters = self.app.get_line_filters()
        key = (crop.width, style, tuple(filters))
        blank = self._blank
        if blank is None or blank[0] != key:
            strip = Strip.blank(crop.width, style)
            if filters:
                background = self.background_colors[1]
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
            self._blank = blank = (key, strip)
        return [blank[1]] * crop.height


class Row(BlankLines, Horizontal):
    """A :class:`~textual.containers.Horizontal` (CSS that names ``Horizontal`` still applies)
    drawn as blank lines."""


class Column(BlankLines, Vertical):
    """A :class:`~textual.containers.Vertical` drawn as blank lines."""


class Box(BlankLines, Container):
    """A :class:`~textual.containers.Container` drawn as blank lines."""
