"""What every chapter panel shares: the base class and a few drawing helpers.

A panel composes a few widgets once and redraws them from its chapter's model in
``show(chapter, width)``. Panels draw: every number, cell list and scale they show comes from
the chapter (:mod:`cnn_tui.lesson.chapters`) or the engine's traces.
"""

from __future__ import annotations

import math

import numpy as np

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.base import Chapter
from cnn_tui.render import (HIGHLIGHT, OUTLINE, PADDING_BG, crop_box, is_big, matrix_text, paint,
                            picture_rgb, pixel_number, values_rgb, window_tint)
from cnn_tui.tui.widgets.layout import Column
from cnn_tui.tui.widgets.matrix import picture_text, values_text
from cnn_tui.tui.widgets.text_view import TextView

ARROW = Text(" → ", style="bold")
STRONG_COLOUR = "#b35806"    # the palette's orange: the chosen or winning one
WEAK_COLOUR = "#542788"      # the palette's purple


def picture_view_text(chapter: Chapter, outline=()) -> Text:
    """The workbench's picture, with the drawing cursor when drawing."""
    bench = chapter.bench
    return picture_text(bench.image, outline=outline, highlight=bench.cursor_cells,
                        numbers=bench.numbers)


LECTURE_ROWS = 10     # the tallest of the lecture's pictures and maps


def stage_room(panel, below: int = 3) -> tuple[int, int]:
    """``(columns, lines)`` the stage leaves a panel: the terminal less the title, the
    explanation, the status line and the footer, and ``below`` lines the panel keeps for its
    notes under the matrices."""
    width, height = panel.app.size
    return max(10, width - 2), max(4, height - 6 - below)


def show_big(view, caption: str | Text, values, *, picture: bool, room: tuple[int, int],
             outline=(), highlight=(), dim=(), scale: float = 1.0, focus=None) -> None:
    """A large matrix in ``view`` (see :meth:`MatrixView.show_pixels`): colours only, half
    blocks, the window tinted blue, ``highlight`` cells yellow, ``dim`` cells (padding) grey.
    When it does not fit ``room`` (columns, lines), the part around ``focus`` (by default the
    window and the highlight) is shown and the caption says which rows and columns."""
    a = np.asarray(values, dtype=float)
    rgb = picture_rgb(a) if picture else values_rgb(a, scale)
    outline, highlight, dim = list(outline), list(highlight), list(dim)
    if dim:
        paint(rgb, dim, PADDING_BG)
    if outline:
        paint(rgb, outline, window_tint if picture else OUTLINE)
    if highlight:
        paint(rgb, highlight, HIGHLIGHT)
    cols, lines = room
    focus = list(focus) if focus is not None else outline + highlight
    r0, r1, c0, c1 = crop_box(a.shape, focus, cols, 2 * max(1, lines - 1))
    cap = caption if isinstance(caption, Text) else Text(str(caption), style="bold")
    if (r1 - r0, c1 - c0) != a.shape:
        cap = crop_caption(cap, r0, r1, c0, c1, width=c1 - c0)
    view.show_pixels(cap, rgb[r0:r1, c0:c1], a.shape, (r0, c0))


def crop_caption(caption: Text, r0: int, r1: int, c0: int, c1: int, width: int) -> Text:
    """``caption`` and which rows and columns of the matrix are shown, in ``width`` columns
    (the grid's): the caption gives way first (cut, with an ellipsis), so the part shown is
    named, in a shorter form when the full one does not fit (and cut with the grid when even
    that is wider)."""
    note = f" · rows {r0}–{r1 - 1}, cols {c0}–{c1 - 1}"
    if caption.cell_len + len(note) > width and len(note) + 2 > width:
        note = f" r{r0}–{r1 - 1} c{c0}–{c1 - 1}"
        if len(note) + 2 > width:          # a grid this narrow has room for the note alone
            return Text(note.strip(), style="dim")
    room = width - len(note)
    caption = caption.copy()
    if caption.cell_len > room:
        caption.truncate(max(1, room), overflow="ellipsis")
    caption.append(note, style="dim")
    return caption


def fits_as_text(shape: tuple[int, int], room: tuple[int, int], cell_chars: int = 2) -> bool:
    """True when a matrix of ``shape`` drawn ``cell_chars`` columns a cell, under a caption,
    fits ``room`` (columns, lines); else it is drawn in half blocks. The lecture's sizes (up
    to 10 rows) are always drawn as text: their chapters are laid out for them."""
    if is_big(shape) or shape[1] * cell_chars > room[0]:
        return False
    return shape[0] <= LECTURE_ROWS or shape[0] + 1 <= room[1]


def show_thumb(view, caption: str | Text, values, *, picture: bool, scale: float = 1.0,
               limit: int = 16) -> None:
    """A large matrix as a thumbnail: every ``s``-th row and column (``s`` the smallest step
    that leaves at most ``limit`` of each), in half blocks."""
    a = np.asarray(values, dtype=float)
    step = max(1, -(-max(a.shape) // limit))
    show_big(view, caption, a[::step, ::step], picture=picture, room=(limit, limit),
             scale=scale, focus=[])


def show_picture_view(view, chapter: Chapter, room: tuple[int, int], outline=(),
                      caption: str | Text | None = None) -> None:
    """The workbench's picture in ``view`` with the window ``outline`` and the drawing cursor:
    as ink and paper (or numbers) when it is small, in half blocks when it is large."""
    bench = chapter.bench
    cap = bench.picture_caption if caption is None else caption
    if not fits_as_text(bench.image.shape, room):
        # while drawing, the part shown follows the cursor (the window may lie elsewhere)
        cursor = bench.cursor_cells
        show_big(view, cap, bench.image, picture=True, room=room, outline=outline,
                 highlight=cursor, focus=cursor or None)
    else:
        view.show(cap, picture_view_text(chapter, outline=outline), bench.image.shape)


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
        widget.update(content, layout=needs_layout(widget, content))


def needs_layout(widget, content) -> bool:
    """Whether showing ``content`` in ``widget`` may change its size (and so the layout). A
    widget of fixed height, or text that wraps to as many lines as the widget has now (its
    width set by the layout, not by its text), keeps its size: it is only repainted, which
    saves laying the whole screen out again on every key."""
    if not widget.is_mounted or not widget.size.area:
        return True
    styles = widget.styles
    height = styles.height
    if height is not None and not height.is_auto and height.unit.name == "CELLS":
        return False
    if not isinstance(content, Text) or styles.width is None or styles.width.is_auto:
        return True
    size = widget.content_size
    if not size.width:
        return True
    if isinstance(widget, TextView):        # lines that fit need no wrapping to count them
        lines = widget.fitting_lines(content, size.width)
        if lines is not None:
            return len(lines) != size.height
    return len(content.wrap(widget.app.console, size.width)) != size.height


def bar(value: float, width: int, colour: str) -> Text:
    v = 0.0 if not math.isfinite(value) else max(0.0, min(1.0, value))
    full = int(round(v * width))
    return Text("█" * full + "░" * (width - full), style=colour)


def choice_caption(label: str, chosen: bool, marker: str = "▶") -> Text:
    """A thumbnail's caption: marked and reversed when it is the chosen one."""
    blank = " " * len(marker)
    return Text(f"{marker if chosen else blank}{label}", style="bold reverse" if chosen else "")


class ChapterPanel(Column):
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
