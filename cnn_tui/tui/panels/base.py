"""What every chapter panel shares: the base class and a few drawing helpers.

A panel composes a few widgets once and redraws them from its chapter's model in
``show(chapter, width)``. Panels draw: every number, cell list and scale they show comes from
the chapter (:mod:`cnn_tui.lesson.chapters`) or the engine's traces.
"""

from __future__ import annotations

import math

import numpy as np

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from cnn_tui.lesson.chapters.base import Chapter
from cnn_tui.render import matrix_text, pixel_number
from cnn_tui.tui.widgets.matrix import picture_text, values_text

ARROW = Text(" → ", style="bold")
STRONG_COLOUR = "#b35806"    # the palette's orange: the chosen or winning one
WEAK_COLOUR = "#542788"      # the palette's purple


def picture_view_text(chapter: Chapter, outline=()) -> Text:
    """The workbench's picture, with the drawing cursor when drawing."""
    bench = chapter.bench
    return picture_text(bench.image, outline=outline, highlight=bench.cursor_cells,
                        numbers=bench.numbers)


def products_text(trace=None) -> Text:
    """A window's nine products (one cell width, so the grid keeps its place from window to
    window), or nine dim question marks before the multiplication."""
    if trace is None:
        return Text("\n".join(["   ?   ?   ?"] * 3), style="dim")
    products = trace.products
    if np.all(products == np.round(products)):
        return values_text(products, "number", scale=1.0, cell_width=2)
    # a fainter picture's products (±0.5): +½ / -½ keep the grid two columns a cell
    return matrix_text(products, picture=False, formatter=pixel_number, cell_width=2,
                       scale=1.0)


def update(widget: Static, content) -> None:
    """``widget.update(content)`` unless it shows that already: an update lays the screen out
    again, which a live view (training) would otherwise pay several times a second."""
    key = content
    if isinstance(content, Text):
        key = (content.plain, tuple(content.spans), str(content.style), content.justify,
               content.overflow, content.no_wrap)
    if getattr(widget, "_cnn_shown", None) != key:
        widget._cnn_shown = key
        widget.update(content)


def bar(value: float, width: int, colour: str) -> Text:
    v = 0.0 if not math.isfinite(value) else max(0.0, min(1.0, value))
    full = int(round(v * width))
    return Text("█" * full + "░" * (width - full), style=colour)


def choice_caption(label: str, chosen: bool, marker: str = "▶") -> Text:
    """A thumbnail's caption: marked and reversed when it is the chosen one."""
    blank = " " * len(marker)
    return Text(f"{marker if chosen else blank}{label}", style="bold reverse" if chosen else "")


class ChapterPanel(Vertical):
    """Base class: a vertical stack that fills the stage area."""

    DEFAULT_CSS = """
    ChapterPanel { height: auto; width: 1fr; }
    ChapterPanel Horizontal { height: auto; width: auto; }
    ChapterPanel .note { height: auto; width: 1fr; }
    """
    chapter_id = ""
    shows_pixels = True     # draws ±1 pictures or features (b shows them as numbers)

    @property
    def zoom(self) -> int:
        """The zoom its matrices are drawn at (see :class:`~cnn_tui.tui.widgets.matrix.MatrixView`)."""
        return max(1, int(getattr(self.screen, "zoom", 1))) if self.is_attached else 1

    def show(self, chapter, width: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def status(self, chapter) -> str:
        return ""
