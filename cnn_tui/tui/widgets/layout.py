"""Containers that only lay out their children.

Textual renders every widget under a changed region on each repaint, containers included: for
one that has no border, padding or content of its own that means working out its background
and styles line by line, only to draw blank lines. These draw them straight from the
container's background (as Textual would: blank cells on it), which makes a key press's
repaint cheaper by the number of containers on screen. Use them only for containers without a
border, padding or content of their own.
"""

from __future__ import annotations

from rich.style import Style
from textual.containers import Container, Horizontal, Vertical
from textual.geometry import Region
from textual.strip import Strip


class BlankLines:
    """Mixin: a container drawn as blank lines on its background."""

    def render_lines(self, crop: Region) -> list[Strip]:
        style = Style(bgcolor=self.visual_style.rich_style.bgcolor)
        return [Strip.blank(crop.width, style)] * crop.height


class Row(BlankLines, Horizontal):
    """A :class:`~textual.containers.Horizontal` (CSS that names ``Horizontal`` still applies)
    drawn as blank lines."""


class Column(BlankLines, Vertical):
    """A :class:`~textual.containers.Vertical` drawn as blank lines."""


class Box(BlankLines, Container):
    """A :class:`~textual.containers.Container` drawn as blank lines."""
