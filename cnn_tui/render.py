"""Rich renderables for matrices, shared by the command line and the Textual app (no Textual here).

Colours: pictures as ink on paper (+1 ink, -1 paper; a fainter pixel, +0.5 or -0.5, in a grey
between them); every other matrix on a diverging palette centred on 0 (purple for negative,
orange for positive: the colour-blind-safe PuOr scheme).
A whole matrix is one renderable: one ``Text`` with a line per row, never a widget per cell.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np
from rich.style import Style
from rich.text import Span, Text

from cnn_tui.engine.fmt import format_value, matrix_style

INK = "#1c1c1c"
PAPER = "#f2efe6"
NEUTRAL = (0xF7, 0xF7, 0xF7)
POSITIVE = (0xB3, 0x58, 0x06)   # PuOr orange
NEGATIVE = (0x54, 0x27, 0x88)   # PuOr purple
OUTLINE = "#00a6d6"             # the current window
HIGHLIGHT = "#ffd21f"           # the current output cell
# On pictures the window keeps ink and paper readable: a dark and a light tint of the outline.
OUTLINE_INK = "#005b7a"
OUTLINE_PAPER = "#9fe3f7"
PADDING_BG = "#8c8c8c"          # padded border cells of a picture


@lru_cache(maxsize=1024)
def _style(color: str | None = None, bgcolor: str | None = None, bold: bool | None = None) -> Style:
    """A Rich style, made once for each colour pair (a matrix draws many cells alike)."""
    return Style(color=color, bgcolor=bgcolor, bold=bold)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


@lru_cache(maxsize=4096)
def value_colours(v: float, scale: float) -> tuple[str, str]:
    """``(foreground, background)`` for value ``v`` on a palette reaching full colour at ``scale``."""
    if not np.isfinite(v):
        return ("#888888", "#333333")
    t = 0.0 if scale <= 0 else max(-1.0, min(1.0, v / scale))
    rgb = _mix(NEUTRAL, POSITIVE if t >= 0 else NEGATIVE, abs(t))
    lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return ("#000000" if lum > 140 else "#ffffff", _hex(rgb))


def is_picture(values: np.ndarray) -> bool:
    """True for a matrix of only -1 and +1: drawn as ink and paper."""
    a = np.asarray(values)
    return a.size > 0 and bool(np.all((a == 1) | (a == -1)))


def matrix_text(values, *, style: str | None = None, scale: float | None = None,
                cell_width: int | None = None, picture: bool | None = None,
                outline: Iterable[tuple[int, int]] = (),
                highlight: Iterable[tuple[int, int]] = (),
                dim: Iterable[tuple[int, int]] = (),
                formatter: Callable[[float], str] | None = None, gap: int = 2) -> Text:
    """A 2-D matrix as one coloured ``Text``.

    ``style``: number style (``lecture``, ``fraction``, ``number``); default picks ``number`` for
    whole-number matrices. ``outline`` cells are drawn with a bright frame colour (the window;
    on pictures a dark or light tint of it, so ink stays ink), ``highlight`` cells in yellow
    (the output cell), ``dim`` cells faded (padding; grey on pictures). ``gap``: blank columns
    around each value (2: one on each side; 1: one before it, for narrow screens).
    """
    a = np.asarray(values, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    style = style or matrix_style(a)
    fmt = formatter or (lambda v: format_value(v, style))
    pic = is_picture(a) if picture is None else picture
    values = a.tolist()        # Python floats: each cell below costs less than a NumPy scalar
    strings = [[fmt(v) if math.isfinite(v) else "·" for v in row] for row in values]
    width = cell_width or max((len(s) for row in strings for s in row), default=1)
    if scale is None:
        finite = a[np.isfinite(a)]
        scale = float(np.max(np.abs(finite))) if finite.size else 1.0
    outline, highlight, dim = set(outline), set(highlight), set(dim)
    rows = []
    for r, row in enumerate(strings):
        cells = []
        for c, s in enumerate(row):
            v = values[r][c]
            if pic:
                fg, bg = (PAPER, INK) if v > 0 else (INK, PAPER)
            else:
                fg, bg = value_colours(v, scale)
            label = " " * (gap - gap // 2) + f"{s:>{width}}" + " " * (gap // 2)
            bold = False
            is_dim = (r, c) in dim
            if pic and is_dim:
                fg, bg = "#e0e0e0", PADDING_BG
            if (r, c) in highlight:
                fg, bg, bold = "#000000", HIGHLIGHT, True
            elif (r, c) in outline:
                if pic:
                    ink = v > 0 and not is_dim
                    fg, bg, bold = ("#ffffff", OUTLINE_INK, True) if ink else (
                        "#000000", OUTLINE_PAPER, True)
                else:
                    fg, bg, bold = "#000000", OUTLINE, True
            if is_dim and not pic:
                fg = "#777777"
            cells.append((label, _style(color=fg, bgcolor=bg, bold=bold)))
        rows.append(cells)
    return grid_text(rows)


def grid_text(rows: list[list[tuple[str, Style]]]) -> Text:
    """Rows of ``(label, style)`` cells as one ``Text``, a line per row: made as one string and
    its spans (appending cell by cell costs several times more)."""
    parts: list[str] = []
    spans: list[Span] = []
    at = 0
    last = len(rows) - 1
    for r, cells in enumerate(rows):
        for label, style in cells:
            n = len(label)
            if n:
                parts.append(label)
                if style:
                    spans.append(Span(at, at + n, style))
                at += n
        if r < last:
            parts.append("\n")
            at += 1
    return Text("".join(parts), no_wrap=True, overflow="crop", spans=spans)


PICTURE_MODES: tuple[str, ...] = ("blocks", "numbers", "both")
# Halves and quarters fit a two-column cell as one character: +½ for +0.5.
FRACTION_CHARS = {0.25: "¼", 0.5: "½", 0.75: "¾"}


def pixel_number(v: float) -> str:
    """A pixel's value in two columns: ``+1``, ``-1``, ``+½``, ``-½``, `` 0``, ``+¼``."""
    if v == 1 or v == -1:
        return "+1" if v > 0 else "-1"
    part = FRACTION_CHARS.get(abs(float(v)))
    if part is not None:
        return ("+" if v > 0 else "-") + part
    return f"{v:2.0f}"[-2:]


def pixel_colour(v: float) -> str:
    """Ink for +1 and more, paper for -1 and less, a grey in between (+0.5: dark, -0.5: light)."""
    t = (max(-1.0, min(1.0, float(v))) + 1.0) / 2.0
    paper = tuple(int(PAPER[i:i + 2], 16) for i in (1, 3, 5))
    ink = tuple(int(INK[i:i + 2], 16) for i in (1, 3, 5))
    return _hex(_mix(paper, ink, t))


def picture_text(values, *, outline: Iterable[tuple[int, int]] = (),
                 highlight: Iterable[tuple[int, int]] = (),
                 dim: Iterable[tuple[int, int]] = (), mark: str = "<>",
                 numbers: str = "blocks") -> Text:
    """A picture (positive = ink) as one ``Text``, two columns per pixel.

    Cells carry characters as well as colours, so the picture survives a monochrome terminal and
    plain-text export: ink ``██``, paper blank, the window ``▓▓`` (ink) / ``░░`` (paper),
    ``highlight`` cells (a cursor, a mismatch) ``mark`` on yellow, ``dim`` (padding) ``··``.
    A fainter pixel (between -1 and +1, e.g. +0.5) is drawn in a grey between ink and paper:
    faint ink ``▒▒``, faint paper blank on a light grey.

    ``numbers`` says how a pixel shows, as on the lecture's slides: ``blocks`` (ink and paper),
    ``numbers`` (its value, ``+1`` or ``-1``, ``+½`` for +0.5, on paper) or ``both`` (the value
    on ink or paper); with numbers, neighbouring cells alternate between two tints so that
    values stay apart, and padding shows its own value (``-1``, `` 0``).
    """
    if numbers not in PICTURE_MODES:
        raise ValueError(f"unknown picture mode {numbers!r}; choose one of "
                         f"{', '.join(PICTURE_MODES)}")
    a = np.asarray(values, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    by_row = [_cols_by_row(cells) for cells in (outline, highlight, dim)]
    none: frozenset = frozenset()
    # A row is remembered by its values; -0.0 equals 0.0 there but prints "-0": such a
    # picture is drawn afresh.
    draw = _picture_row.__wrapped__ if np.signbit(a[a == 0]).any() else _picture_row
    rows = [draw(tuple(row), r % 2, *(cols.get(r, none) for cols in by_row), mark, numbers)
            for r, row in enumerate(a.tolist())]   # Python floats: cheaper than NumPy's
    return grid_text(rows)


def _cols_by_row(cells: Iterable[tuple[int, int]]) -> dict[int, frozenset[int]]:
    """``(row, col)`` cells as each row's columns."""
    rows: dict[int, set[int]] = {}
    for r, c in cells:
        rows.setdefault(r, set()).add(c)
    return {r: frozenset(cols) for r, cols in rows.items()}


@lru_cache(maxsize=512)      # a few MB at most (128 cells a row, numbers drawn)
def _picture_row(row: tuple[float, ...], r: int, outline: frozenset[int],
                 highlight: frozenset[int], dim: frozenset[int], mark: str, numbers: str) -> tuple:
    """One row of :func:`picture_text`'s cells (``r``: the row's parity, for the checkerboard;
    ``outline``, ``highlight``, ``dim``: its columns that are). Made once for each look: a
    window step changes only the rows it leaves and enters."""
    cells = []
    for c, v in enumerate(row):
        ink = v > 0
        number = pixel_number(v)
        full = v >= 1 or v <= -1          # a fainter pixel is drawn in a grey
        if c in highlight:
            label, style = mark, _style(color="#000000", bgcolor=HIGHLIGHT, bold=True)
        elif c in dim:
            label = "▓▓" if c in outline else "··"
            style = _style(color=OUTLINE_PAPER if c in outline else "#e0e0e0",
                          bgcolor=PADDING_BG)
            if numbers != "blocks":     # in the window: its tint, as on the picture
                label, style = number, (_style(color="#000000", bgcolor=_check(
                    OUTLINE_PAPER, "#7fd3ec", r, c), bold=True) if c in outline else
                    _style(color="#ffffff", bgcolor=PADDING_BG))
        elif c in outline:
            label = "▓▓" if ink else "░░"
            style = _style(color="#002c3d", bgcolor=OUTLINE_INK) if ink else _style(
                color=OUTLINE_INK, bgcolor=OUTLINE_PAPER)
            if numbers == "both" and ink:
                label, style = number, _style(color="#ffffff", bgcolor=_check(
                    OUTLINE_INK, "#0b6f93", r, c), bold=True)
            elif numbers != "blocks":
                label, style = number, _style(color="#000000", bgcolor=_check(
                    OUTLINE_PAPER, "#7fd3ec", r, c), bold=True)
        elif numbers == "both" and ink:
            grey = INK if full else pixel_colour(v)
            label, style = number, _style(color=PAPER, bgcolor=_check(
                grey, "#3d3d3d" if full else _lighter(grey), r, c), bold=True)
        elif numbers != "blocks":
            label = number
            style = _style(color="#000000" if ink else "#6b6b6b",
                          bgcolor=_check(PAPER, "#e0dac8", r, c), bold=ink)
        elif not full:
            grey = pixel_colour(v)
            label, style = ("▒▒" if ink else "  "), _style(color=grey, bgcolor=grey)
        else:
            label = "██" if ink else "  "
            style = _style(color=INK, bgcolor=INK) if ink else _style(color=PAPER, bgcolor=PAPER)
        cells.append((label, style))
    return tuple(cells)


def _check(a: str, b: str, r: int, c: int) -> str:
    """Two tints in a checkerboard, so that neighbouring numbers stay apart."""
    return a if (r + c) % 2 == 0 else b


def _lighter(colour: str) -> str:
    """``colour`` (``#rrggbb``) a little lighter: the second tint of a checkerboard."""
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return _hex(_mix(rgb, (255, 255, 255), 0.12))


FILL_CHARS = frozenset("█▓▒░· ")   # a cell drawn with one of these is a block: zoomed, it fills


def zoom_text(grid: Text, shape: tuple[int, int], zoom: int) -> Text:
    """``grid`` (a matrix drawn by :func:`matrix_text` or :func:`picture_text`: ``shape[0]``
    lines of ``shape[1]`` equally wide cells) with each cell ``zoom`` times as wide and as tall.

    A cell drawn with one repeated block character (ink ``██``, paper, the window's ``░░``,
    padding ``··``) is filled with it; any other label (a value, a ``<>`` cursor, a ``!!``
    mismatch) is kept once, centred on the cell's middle line.
    """
    rows, cols = shape
    if zoom <= 1 or rows <= 0 or cols <= 0:
        return grid
    lines = split_lines(grid)
    if len(lines) != rows or len({len(line.plain) for line in lines}) != 1:
        return grid
    out = []
    for line in lines:
        zoomed = zoom_rows(line, cols, zoom)
        if zoomed is None:
            return grid
        out.extend(zoomed)
    return grid_text(out)


def zoom_rows(line: Text, cols: int, zoom: int) -> list[list[tuple[str, Style | str]]] | None:
    """One line of a drawn matrix (``cols`` equally wide cells) as the ``zoom`` rows of cells
    :func:`zoom_text` makes of it (for :func:`grid_text`); None when its cells are not equally
    wide."""
    plain = line.plain
    width = len(plain) // cols if plain else 0
    if width <= 0 or len(plain) != width * cols:
        return None
    starts = [line.style] * cols         # the style of each cell: of its first character
    for span in line.spans:
        for c in range(-(-span.start // width), min(cols, -(-span.end // width))):
            starts[c] = span.style
    wide = width * zoom
    blank = " " * wide
    middle = (zoom - 1) // 2
    filled, labelled = [], []
    for c in range(cols):
        label = plain[c * width:(c + 1) * width]
        fill = label[0] if label.count(label[0]) == width and label[0] in FILL_CHARS else None
        if fill is not None:
            filled.append((fill * wide, starts[c]))
            labelled.append(filled[-1])
        else:
            filled.append((blank, starts[c]))
            labelled.append((label.strip().center(wide), starts[c]))
    return [labelled if k == middle else filled for k in range(zoom)]


def split_lines(text: Text) -> list[Text]:
    """``text.split("\n", allow_blank=True)``, made directly when no span runs over a line's
    end (a drawn matrix's never do): Rich's own split divides the spans line by line."""
    plain = text.plain
    if "\n" not in plain:
        return [text]
    starts = [0]
    find = plain.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    ends = [s - 1 for s in starts[1:]] + [len(plain)]
    per_line: list[list[Span]] = [[] for _ in starts]
    for span in text.spans:
        y = bisect_right(starts, span.start) - 1
        if span.end > ends[y]:
            return list(text.split("\n", allow_blank=True))
        if span.end > span.start:
            offset = starts[y]
            per_line[y].append(Span(span.start - offset, span.end - offset, span.style))
    style, justify, overflow = text.style, text.justify, text.overflow   # as Rich's lines
    return [Text(plain[a:b], style=style, justify=justify, overflow=overflow, spans=spans)
            for a, b, spans in zip(starts, ends, per_line)]


# --- large matrices: colours for every cell at once, drawn two cells to a character -------------
# A picture of your own may be 128x128: two columns per pixel and a character per value do not
# fit, so large matrices are drawn as colour only, in half blocks (``▀``: the upper cell in the
# character's colour, the lower one behind it), computed for every cell at once with NumPy.
BIG_SIDE = 16    # a matrix with a side longer than this is always drawn in half blocks


def _rgb_of(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def is_big(shape) -> bool:
    """True when a matrix of ``shape`` is drawn in half blocks (see :data:`BIG_SIDE`)."""
    return max(shape, default=0) > BIG_SIDE


def picture_rgb(values) -> np.ndarray:
    """``(rows, cols, 3)`` colours of a picture: ink for +1, paper for -1, greys between
    (as :func:`pixel_colour`, for every pixel at once)."""
    a = np.asarray(values, dtype=float)
    t = (np.clip(np.nan_to_num(a), -1.0, 1.0) + 1.0) / 2.0
    paper, ink = _rgb_of(PAPER), _rgb_of(INK)
    return np.rint(paper + (ink - paper) * t[..., None]).astype(np.uint8)


def values_rgb(values, scale: float) -> np.ndarray:
    """``(rows, cols, 3)`` colours of values on the diverging palette (as :func:`value_colours`'s
    background, for every cell at once); a value not shown (NaN) is dark grey."""
    a = np.asarray(values, dtype=float)
    finite = np.isfinite(a)
    t = np.zeros(a.shape) if scale <= 0 else np.clip(np.where(finite, a, 0.0) / scale, -1, 1)
    neutral = np.array(NEUTRAL, dtype=float)
    far = np.where((t >= 0)[..., None], np.array(POSITIVE, dtype=float),
                   np.array(NEGATIVE, dtype=float))
    rgb = np.rint(neutral + (far - neutral) * np.abs(t)[..., None])
    rgb[~finite] = (0x33, 0x33, 0x33)
    return rgb.astype(np.uint8)


def paint(rgb: np.ndarray, cells: Iterable[tuple[int, int]], colour) -> None:
    """Colour ``cells`` of ``rgb`` (in place) with ``colour`` (``#rrggbb``, or a function of
    the cells' present colours returning new ones). Cells outside are skipped."""
    cells = [(r, c) for r, c in cells if 0 <= r < rgb.shape[0] and 0 <= c < rgb.shape[1]]
    if not cells:
        return
    rows, cols = zip(*cells)
    if callable(colour):
        rgb[rows, cols] = colour(rgb[rows, cols])
    else:
        rgb[rows, cols] = _rgb_of(colour).astype(np.uint8)


def window_tint(rgb: np.ndarray) -> np.ndarray:
    """The window's colours on a picture: paper turns light blue, ink dark blue, a grey the
    blue between (the window stays visible and the picture readable)."""
    paper, ink = _rgb_of(PAPER), _rgb_of(INK)
    t = np.clip((paper.mean() - rgb.mean(axis=-1)) / (paper.mean() - ink.mean()), 0, 1)
    light, dark = _rgb_of(OUTLINE_PAPER), _rgb_of(OUTLINE_INK)
    return np.rint(light + (dark - light) * t[..., None]).astype(np.uint8)


def half_block_line(top: np.ndarray, bottom: np.ndarray | None) -> list[tuple[str, int]]:
    """Two rows of colours (``(cols, 3)`` each; ``bottom`` None under the last row of an odd
    count) as one line of half blocks: a list of ``(style, run)``, ``style`` a Rich style string
    (the upper colour on the lower one), ``run`` how many characters share it."""
    line: list[tuple[str, int]] = []
    last = None
    for c in range(top.shape[0]):
        pair = (tuple(top[c]), None if bottom is None else tuple(bottom[c]))
        if pair == last:
            style, run = line[-1]
            line[-1] = (style, run + 1)
            continue
        last = pair
        style = "#%02x%02x%02x" % pair[0]
        if pair[1] is not None:
            style += " on #%02x%02x%02x" % pair[1]
        line.append((style, 1))
    return line


def crop_box(shape: tuple[int, int], focus: Iterable[tuple[int, int]], cols: int,
             rows: int) -> tuple[int, int, int, int]:
    """``(row0, row1, col0, col1)``: the part of a matrix of ``shape`` that fits ``cols`` by
    ``rows`` cells, the whole matrix when it fits, else a part that holds the ``focus`` cells
    (a window) and keeps them near its middle. ``row0`` is even, so that half blocks pair the
    same rows as the view moves, unless the focus only just fits the rows given: it is then
    kept whole."""
    focus = list(focus)

    def axis(n: int, room: int, coords: list[int], even: bool) -> tuple[int, int]:
        room = max(1, room)
        if n <= room:
            return 0, n
        lo, hi = (min(coords), max(coords)) if coords else (0, 0)
        start = (lo + hi) // 2 - room // 2
        start = max(min(start, lo), hi - room + 1)
        start = max(0, min(start, n - room))
        if even and start % 2:
            if hi < start - 1 + room:           # one row up: the window stays in view
                start -= 1
            elif lo > start:    # the window is at the bottom: one row less, from the next one
                start, room = start + 1, room - 1
            # else the window fills the room: it stays whole, its pairs start on an odd row
        return start, start + room

    r0, r1 = axis(shape[0], rows, [r for r, _ in focus], True)
    c0, c1 = axis(shape[1], cols, [c for _, c in focus], False)
    return r0, r1, c0, c1
