"""One matrix = one widget: a caption line and the grid, as a single Rich ``Text``.

The grid comes from :func:`cnn_tui.render.matrix_text`; this widget only knows where each cell
sits on screen so that a mouse click can be mapped back to ``(row, col)``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from cnn_tui.render import matrix_text, value_colours
from cnn_tui.render import picture_text as _picture_text
from cnn_tui.render import zoom_text


def blank(_: float) -> str:
    return ""


def picture_text(values, *, outline: Iterable[tuple[int, int]] = (),
                 highlight: Iterable[tuple[int, int]] = (),
                 dim: Iterable[tuple[int, int]] = (), mark: str = "<>",
                 numbers: str = "blocks") -> Text:
    """A ±1 picture as ink and paper (``numbers``: or as its values, or both), two columns per
    pixel (square on most terminals)."""
    return _picture_text(values, outline=outline, highlight=highlight, dim=dim, mark=mark,
                         numbers=numbers)


def heat_text(values, *, scale: float | None = None, outline=(), highlight=()) -> Text:
    """Values as colour only (two columns per cell): for thumbnails and narrow screens."""
    return matrix_text(values, picture=False, formatter=blank, cell_width=1, gap=1, scale=scale,
                       outline=outline, highlight=highlight)


def values_text(values, style: str, *, scale: float | None = None, gap: int = 2, outline=(),
                highlight=(), cell_width: int | None = None) -> Text:
    """Values printed in ``style`` (``lecture`` 0.55, ``fraction`` 5/9) on the diverging palette."""
    a = np.asarray(values, dtype=float)
    if style == "lecture" and a.size and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        style = "number"
    return matrix_text(a, style=style, scale=scale, gap=gap, outline=outline, picture=False,
                       highlight=highlight, cell_width=cell_width)


def half_block_text(values, scale: float = 1.0) -> Text:
    """A map as colour only, in square cells half a line tall and one column wide: each
    character ``▀`` shows two cells, the upper one in its colour, the lower one behind it.
    For thumbnails where two columns per cell do not fit."""
    a = np.asarray(values, dtype=float)
    rows, cols = a.shape
    t = Text(no_wrap=True, overflow="crop")
    for r in range(0, rows, 2):
        for c in range(cols):
            top = value_colours(a[r, c], scale)[1]
            bottom = value_colours(a[r + 1, c], scale)[1] if r + 1 < rows else None
            t.append("▀", Style(color=top, bgcolor=bottom))
        if r + 2 < rows:
            t.append("\n")
    return t


def text_width(text: Text) -> int:
    return max((len(line) for line in text.plain.split("\n")), default=0)


class MatrixView(Static):
    """A caption over one matrix, rendered as one ``Text``; clicks report the cell.

    The grid is drawn at the screen's ``zoom`` (each cell that many times as wide and as tall),
    unless the view is made with ``zoomable=False`` (thumbnails).
    """

    DEFAULT_CSS = """
    MatrixView {
        width: auto;
        height: auto;
        margin: 0 1 0 0;
    }
    """

    class CellClicked(Message):
        def __init__(self, view: MatrixView, row: int, col: int) -> None:
            super().__init__()
            self.view = view
            self.row = row
            self.col = col

    def __init__(self, *args, clickable: bool = False, zoomable: bool = True, **kw) -> None:
        super().__init__("", *args, **kw)
        self.clickable = clickable
        self.zoomable = zoomable
        self._shape: tuple[int, int] = (0, 0)
        self._cell_chars = 2
        self._zoom = 1
        self._caption_lines = 1
        self.needed = (0, 0)

    @property
    def zoom(self) -> int:
        """How many times larger than at 80x24 the grid is drawn (the screen chooses)."""
        if not self.zoomable or not self.is_attached:
            return 1
        return max(1, int(getattr(self.screen, "zoom", 1)))

    def show(self, caption: str | Text, grid: Text, shape: tuple[int, int],
             cell_chars: int | None = None) -> None:
        cap = caption if isinstance(caption, Text) else Text(caption, style="bold")
        cap.no_wrap = True
        cap.overflow = "crop"
        rows, cols = shape
        first = grid.plain.split("\n", 1)[0]
        self._shape = shape
        self._cell_chars = len(first) // cols if cols and first else (cell_chars or 2)
        self._zoom = zoom = self.zoom
        if zoom > 1:
            grid = zoom_text(grid, shape, zoom)
            if grid.plain.count("\n") + 1 != rows * zoom:     # not a regular grid: as it is
                self._zoom = 1
        self._caption_lines = len(cap.plain.split("\n"))
        # what the grid needs on screen (the caption may be cut): for the screen's zoom check
        self.needed = (text_width(grid), self._caption_lines + grid.plain.count("\n") + 1)
        key = (cap.plain, tuple(cap.spans), grid.plain, tuple(grid.spans))
        if getattr(self, "_cnn_shown", None) != key:
            self._cnn_shown = key
            self.update(Text.assemble(cap, "\n", grid, no_wrap=True, overflow="crop"))

    def on_click(self, event) -> None:
        if not self.clickable:
            return
        row = (event.y - self._caption_lines) // self._zoom
        col = event.x // (self._cell_chars * self._zoom)
        rows, cols = self._shape
        if 0 <= row < rows and 0 <= col < cols:
            event.stop()
            self.post_message(self.CellClicked(self, row, col))
