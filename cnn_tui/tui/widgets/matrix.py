"""One matrix = one widget: a caption line and the grid, as a single Rich ``Text``.

The grid comes from :func:`cnn_tui.render.matrix_text`; this widget only knows where each cell
sits on screen so that a mouse click can be mapped back to ``(row, col)``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Static

from cnn_tui.render import half_block_line, matrix_text, value_colours
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


_STYLES: dict[str, Style] = {}


def _style(text: str) -> Style:
    style = _STYLES.get(text)
    if style is None:
        style = _STYLES[text] = Style.parse(text)
    return style


class MatrixView(Static):
    """A caption over one matrix, rendered as one ``Text``; clicks report the cell.

    The grid is drawn at the screen's ``zoom`` (each cell that many times as wide and as tall),
    unless the view is made with ``zoomable=False`` (thumbnails).

    A large matrix is shown with :meth:`show_pixels` instead: colours only, two cells to a
    character (half blocks), through Textual's line API. Each line is kept as a strip and
    drawn again only when its colours change, so a window stepping over a 128x128 picture
    repaints the few lines it touches.
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
        self._origin = (0, 0)               # the matrix cell at the grid's top left
        self._pixels: list[bytes] | None = None   # pixel mode: each line's colours
        self._strips: list[Strip] = []      # pixel mode: the caption line, then the grid's

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
        self._origin = (0, 0)
        if self._pixels is not None:           # back from pixel mode: draw as text again
            self._pixels = None
            self._strips = []
            self._cnn_shown = None
        key = (cap.plain, tuple(cap.spans), grid.plain, tuple(grid.spans))
        if getattr(self, "_cnn_shown", None) != key:
            self._cnn_shown = key
            self.update(Text.assemble(cap, "\n", grid, no_wrap=True, overflow="crop"))

    def show_pixels(self, caption: str | Text, rgb: np.ndarray, shape: tuple[int, int],
                    origin: tuple[int, int] = (0, 0)) -> None:
        """Show the colours ``rgb`` (``(rows, cols, 3)`` uint8: the part of a ``shape`` matrix
        whose top left cell is ``origin``) in half blocks under ``caption``. Only lines whose
        colours changed are drawn again."""
        cap = caption if isinstance(caption, Text) else Text(caption, style="bold")
        rows, cols = rgb.shape[:2]
        lines = [rgb[r:r + 2].tobytes() for r in range(0, rows, 2)]
        cap_strip = Strip(list(cap.render(self.app.console)) if self.is_attached else
                          [Segment(cap.plain)]).crop(0, max(cols, cap.cell_len))
        first = self._pixels is None
        old = self._pixels or []
        strips = self._strips[1:] if not first else []
        new_strips = []
        changed: list[int] = []
        for y, key in enumerate(lines):
            if not first and y < len(old) and old[y] == key and y < len(strips):
                new_strips.append(strips[y])
                continue
            bottom = rgb[2 * y + 1] if 2 * y + 1 < rows else None
            new_strips.append(Strip([Segment("▀" * run, _style(style))
                                     for style, run in half_block_line(rgb[2 * y], bottom)]))
            changed.append(y + 1)
        cap_key = (cap.plain, tuple(cap.spans), str(cap.style))
        if first or cap_key != getattr(self, "_cap_key", None):
            changed.append(0)
        self._cap_key = cap_key
        needed = (max(cols, cap.cell_len), 1 + len(lines))
        resized = first or needed != self.needed or self._shape != shape
        self._pixels = lines
        self._strips = [cap_strip] + new_strips
        self._shape = shape
        self._origin = origin
        self._cell_chars = 1
        self._zoom = 1
        self._caption_lines = 1
        self.needed = needed
        self._cnn_shown = None
        if resized:
            self.refresh(layout=True)
        else:
            width = max(self.size.width, needed[0])
            for y in changed:
                self.refresh(Region(0, y, width, 1))

    def get_content_width(self, container, viewport) -> int:
        if self._pixels is not None:
            return self.needed[0]
        return super().get_content_width(container, viewport)

    def get_content_height(self, container, viewport, width: int) -> int:
        if self._pixels is not None:
            return self.needed[1]
        return super().get_content_height(container, viewport, width)

    def render_line(self, y: int) -> Strip:
        if self._pixels is None:
            return super().render_line(y)
        width = self.size.width
        strip = self._strips[y] if 0 <= y < len(self._strips) else Strip.blank(width)
        return strip.extend_cell_length(width).crop(0, width)

    def on_click(self, event) -> None:
        if not self.clickable:
            return
        if self._pixels is not None:      # half blocks: the upper of the character's two cells
            row, col = 2 * (event.y - self._caption_lines), event.x
        else:
            row = (event.y - self._caption_lines) // self._zoom
            col = event.x // (self._cell_chars * self._zoom)
        row, col = row + self._origin[0], col + self._origin[1]
        rows, cols = self._shape
        if self._caption_lines <= event.y and 0 <= row < rows and 0 <= col < cols:
            event.stop()
            self.post_message(self.CellClicked(self, row, col))
