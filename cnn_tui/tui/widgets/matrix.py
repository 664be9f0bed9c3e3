"""One matrix = one widget: a caption line and the grid, as a single Rich ``Text``.

The grid comes from :func:`cnn_tui.render.matrix_text`; this widget only knows where each cell
sits on screen so that a mouse click can be mapped back to ``(row, col)``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from rich import get_console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Static

from cnn_tui.render import (grid_text, half_block_line, matrix_text, split_lines, value_colours,
                            zoom_rows)
from cnn_tui.render import picture_text as _picture_text


def blank(_: float) -> str:
    return ""


class _Recent:
    """The ``size`` values used last, by key (least recently used forgotten first)."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict = OrderedDict()
        self._size = size

    def get(self, key):
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key, value):
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


_DRAWN = _Recent(64)        # the matrices drawn lately, by what they show
_SPLIT = _Recent(64)        # id -> (text, its lines) of the texts shown lately
_ZOOMED = _Recent(1024)     # (a line's key, cells, zoom) -> the line zoomed


def _cells(cells) -> tuple:
    return tuple((int(r), int(c)) for r, c in cells)


def _remembered(kind: str, values, draw, **options) -> Text:
    """``draw()``, or the Text drawn before for the same ``values`` and ``options``: a key
    press redraws every matrix of a chapter, and most of them have not changed (the feature,
    the map but one cell). Drawn texts are shared: never change one in place."""
    a = np.asarray(values)
    key = (kind, a.shape, a.dtype.str, a.tobytes(),
           tuple(sorted((k, _cells(v) if k in ("outline", "highlight", "dim") else v)
                        for k, v in options.items())))
    text = _DRAWN.get(key)
    return text if text is not None else _DRAWN.put(key, draw())


def picture_text(values, *, outline: Iterable[tuple[int, int]] = (),
                 highlight: Iterable[tuple[int, int]] = (),
                 dim: Iterable[tuple[int, int]] = (), mark: str = "<>",
                 numbers: str = "blocks") -> Text:
    """A ±1 picture as ink and paper (``numbers``: or as its values, or both), two columns per
    pixel (square on most terminals)."""
    return _remembered("picture", values, lambda: _picture_text(
        values, outline=outline, highlight=highlight, dim=dim, mark=mark, numbers=numbers),
        outline=outline, highlight=highlight, dim=dim, mark=mark, numbers=numbers)


def heat_text(values, *, scale: float | None = None, outline=(), highlight=()) -> Text:
    """Values as colour only (two columns per cell): for thumbnails and narrow screens."""
    return _remembered("heat", values, lambda: matrix_text(
        values, picture=False, formatter=blank, cell_width=1, gap=1, scale=scale,
        outline=outline, highlight=highlight), scale=scale, outline=outline, highlight=highlight)


def values_text(values, style: str, *, scale: float | None = None, gap: int = 2, outline=(),
                highlight=(), cell_width: int | None = None) -> Text:
    """Values printed in ``style`` (``lecture`` 0.55, ``fraction`` 5/9) on the diverging palette."""
    a = np.asarray(values, dtype=float)
    if style == "lecture" and a.size and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        style = "number"
    return _remembered("values", a, lambda: matrix_text(
        a, style=style, scale=scale, gap=gap, outline=outline, picture=False,
        highlight=highlight, cell_width=cell_width), style=style, scale=scale, gap=gap,
        outline=outline, highlight=highlight, cell_width=cell_width)


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


def _line_key(line: Text) -> tuple:
    """What a line shows (its text and styles): a line whose key is unchanged is not redrawn."""
    return (line.plain, tuple(line.spans), str(line.style))


def _lines_of(text: Text) -> tuple[list[Text], list[tuple], int]:
    """``text`` split into lines, with each line's key and the widest line's cells: worked
    out once for a drawn matrix that is shown again."""
    known = _SPLIT.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    lines = split_lines(text)
    split = (lines, [_line_key(line) for line in lines],
             max((line.cell_len for line in lines), default=0))
    _SPLIT.put(id(text), (text, split))       # the text is kept, so its id stays its own
    return split


def _zoomed(lines: list[Text], keys: list[tuple], cols: int, zoom: int
            ) -> tuple[list[Text], list[tuple]] | None:
    """The lines of a drawn matrix zoomed (see :func:`zoom_text`), with their keys; each line
    zoomed once and remembered (a window step changes a few lines only). None when the
    matrix's cells are not equally wide (it is then shown as it is)."""
    if len({len(line.plain) for line in lines}) != 1:
        return None
    out, out_keys = [], []
    for line, key in zip(lines, keys):
        known_key = (key, cols, zoom)
        zoomed = _ZOOMED.get(known_key)
        if zoomed is None:
            rows = zoom_rows(line, cols, zoom)
            if rows is None:
                return None
            zoomed = _ZOOMED.put(known_key, [grid_text([row]) for row in rows])
        out.extend(zoomed)
        out_keys.extend((key, cols, zoom, k) for k in range(zoom))
    return out, out_keys


def _strip(line: Text, console) -> Strip:
    """One line of text as a strip (its segments, without the line's end)."""
    console = console or get_console()
    segments = _segments(line, console)
    if segments is None:
        segments = line.render(console, end="")
    if line.style:      # Text.render leaves a text's own style out when it has no spans
        base = console.get_style(line.style) if isinstance(line.style, str) else line.style
        segments = Segment.apply_style(segments, base)
    return Strip(list(segments))


def _segments(line: Text, console) -> list[Segment] | None:
    """What ``line.render(console)`` gives, made directly for a line whose spans follow each
    other without overlapping (a drawn matrix's); None for any other line."""
    spans = line.spans
    if not spans:
        return None
    get_style = console.get_style
    base = get_style(line.style, default=Style.null())
    plain = line.plain
    out = []
    at = 0
    for span in spans:
        start, end = span.start, span.end
        if start < at:
            return None                     # overlapping or out of order: Rich combines them
        if end <= start:
            continue
        if start > at:
            out.append(Segment(plain[at:start], base))
        out.append(Segment(plain[start:end], base + get_style(span.style, default=Style.null())))
        at = end
    if at < len(plain):
        out.append(Segment(plain[at:], base))
    return out


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
        self._pixels = False                # drawn in half blocks (show_pixels)
        self._keys: list | None = None      # what each line shows (None: nothing shown yet)
        self._strips: list[Strip] = []      # each line, drawn
        self._width = 0                     # the widest line (the caption's included)
        self._texts: list[Text] = []        # the lines as text (for render())

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
        cap_lines = list(cap.split("\n", allow_blank=True))
        grid_lines, grid_keys, grid_width = _lines_of(grid)
        chars = max((len(line.plain) for line in grid_lines), default=0)
        zoomed = _zoomed(grid_lines, grid_keys, cols, zoom) if (
            zoom > 1 and rows > 0 and cols > 0 and len(grid_lines) == rows) else None
        if zoomed is not None:
            grid_lines, grid_keys = zoomed
            grid_width, chars = grid_width * zoom, chars * zoom
        else:                                       # not a regular grid: as it is
            self._zoom = 1
        self._caption_lines = len(cap_lines)
        # what the grid needs on screen (the caption may be cut): for the screen's zoom check
        self.needed = (chars, self._caption_lines + len(grid_lines))
        self._origin = (0, 0)
        self._pixels = False
        lines = cap_lines + grid_lines
        keys = [_line_key(line) for line in cap_lines] + grid_keys
        console = self.app.console if self.is_attached else None
        self._texts = lines
        self._set_lines(keys, lambda y: _strip(lines[y], console),
                        max(grid_width, max(line.cell_len for line in cap_lines)))

    def _set_lines(self, keys: list, draw, width: int) -> None:
        """Show a line for each of ``keys`` (what it shows); ``draw(y)`` makes line ``y``'s
        strip. Lines whose key did not change keep their strip and are not repainted; a new
        size (or a first showing) lays the screen out again."""
        old = self._keys
        strips = []
        changed = []
        for y, key in enumerate(keys):
            if old is not None and y < len(old) and old[y] == key:
                strips.append(self._strips[y])
            else:
                strips.append(draw(y))
                changed.append(y)
        resized = old is None or len(old) != len(keys) or width != self._width or not (
            self.is_mounted and self.size.area)
        self._keys = keys
        self._strips = strips
        self._width = width
        if resized:
            self.refresh(layout=True)
        elif changed:   # one region from the first changed line to the last: one refresh
            self.refresh(Region(0, changed[0], max(self.size.width, width),
                                changed[-1] - changed[0] + 1))

    def show_pixels(self, caption: str | Text, rgb: np.ndarray, shape: tuple[int, int],
                    origin: tuple[int, int] = (0, 0)) -> None:
        """Show the colours ``rgb`` (``(rows, cols, 3)`` uint8: the part of a ``shape`` matrix
        whose top left cell is ``origin``) in half blocks under ``caption``. Only lines whose
        colours changed are drawn again."""
        cap = caption if isinstance(caption, Text) else Text(caption, style="bold")
        rows, cols = rgb.shape[:2]
        lines = [rgb[r:r + 2].tobytes() for r in range(0, rows, 2)]
        console = self.app.console if self.is_attached else None
        self._shape = shape
        self._origin = origin
        self._cell_chars = 1
        self._zoom = 1
        self._caption_lines = 1
        # the caption is cut to the grid's width: the grid's room is what the panel gave
        self.needed = (cols, 1 + len(lines))
        self._pixels = True

        def draw(y: int) -> Strip:
            if y == 0:
                return _strip(cap, console).crop(0, cols)
            r = 2 * (y - 1)
            bottom = rgb[r + 1] if r + 1 < rows else None
            return Strip([Segment("▀" * run, _style(style))
                          for style, run in half_block_line(rgb[r], bottom)])

        self._texts = [cap] + [Text("▀" * cols)] * len(lines)
        keys = [("caption", cols, cap.plain, tuple(cap.spans), str(cap.style))] + [
            (cols, line) for line in lines]
        self._set_lines(keys, draw, self.needed[0])

    def render(self):
        """What the view shows, as one Text (its lines joined; half blocks as ``▀``)."""
        if self._keys is None:
            return super().render()
        return Text("\n").join(self._texts)

    def get_content_width(self, container, viewport) -> int:
        if self._keys is not None:
            return self._width
        return super().get_content_width(container, viewport)

    def get_content_height(self, container, viewport, width: int) -> int:
        if self._keys is not None:
            return len(self._keys)
        return super().get_content_height(container, viewport, width)

    def render_line(self, y: int) -> Strip:
        if self._keys is None:
            return super().render_line(y)
        width = self.size.width
        strip = self._strips[y] if 0 <= y < len(self._strips) else Strip.blank(width)
        # under the widget's own colours, as Static draws its text
        return strip.extend_cell_length(width).crop(0, width).apply_style(
            self.visual_style.rich_style)

    _pressed_y: float | None = None      # where the mouse went down, in the view's lines

    def on_mouse_down(self, event) -> None:
        self._pressed_y = event.pointer_y

    def on_click(self, event) -> None:
        if not self.clickable:
            return
        if self._pixels:
            # half blocks: a character holds two cells, one above the other. A terminal that
            # reports the mouse in pixels says which half was pressed (Textual's click keeps
            # only the character, so the press says it); others give whole characters, and
            # the upper cell is taken.
            pressed = self._pressed_y
            lower = (pressed is not None and int(pressed) == event.y
                     and pressed - int(pressed) >= 0.5)
            row, col = 2 * (event.y - self._caption_lines) + lower, event.x
        else:
            row = (event.y - self._caption_lines) // self._zoom
            col = event.x // (self._cell_chars * self._zoom)
        row, col = row + self._origin[0], col + self._origin[1]
        rows, cols = self._shape
        if self._caption_lines <= event.y and 0 <= row < rows and 0 <= col < cols:
            event.stop()
            self.post_message(self.CellClicked(self, row, col))
