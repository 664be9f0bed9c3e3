"""Rich renderables for matrices, shared by the command line and the Textual app (no Textual here).

Colours: pictures (only -1/+1) as ink on paper; every other matrix on a diverging palette
centred on 0 (purple for negative, orange for positive: the colour-blind-safe PuOr scheme).
A whole matrix is one renderable: one ``Text`` with a line per row, never a widget per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from rich.style import Style
from rich.text import Text

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


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


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
    strings = [[fmt(v) if np.isfinite(v) else "·" for v in row] for row in a]
    width = cell_width or max((len(s) for row in strings for s in row), default=1)
    if scale is None:
        finite = a[np.isfinite(a)]
        scale = float(np.max(np.abs(finite))) if finite.size else 1.0
    outline, highlight, dim = set(outline), set(highlight), set(dim)
    text = Text(no_wrap=True, overflow="crop")
    for r, row in enumerate(strings):
        for c, s in enumerate(row):
            v = a[r, c]
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
            text.append(label, Style(color=fg, bgcolor=bg, bold=bold))
        if r < len(strings) - 1:
            text.append("\n")
    return text


def picture_text(values, *, outline: Iterable[tuple[int, int]] = (),
                 highlight: Iterable[tuple[int, int]] = (),
                 dim: Iterable[tuple[int, int]] = (), mark: str = "<>") -> Text:
    """A picture (positive = ink) as one ``Text``, two columns per pixel.

    Cells carry characters as well as colours, so the picture survives a monochrome terminal and
    plain-text export: ink ``██``, paper blank, the window ``▓▓`` (ink) / ``░░`` (paper),
    ``highlight`` cells (a cursor, a mismatch) ``mark`` on yellow, ``dim`` (padding) ``··``.
    """
    a = np.asarray(values, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    outline, highlight, dim = set(outline), set(highlight), set(dim)
    text = Text(no_wrap=True, overflow="crop")
    for r in range(a.shape[0]):
        for c in range(a.shape[1]):
            ink = bool(a[r, c] > 0)
            cell = (r, c)
            if cell in highlight:
                label, style = mark, Style(color="#000000", bgcolor=HIGHLIGHT, bold=True)
            elif cell in dim:
                label = "▓▓" if cell in outline else "··"
                style = Style(color=OUTLINE_PAPER if cell in outline else "#e0e0e0",
                              bgcolor=PADDING_BG)
            elif cell in outline:
                label = "▓▓" if ink else "░░"
                style = Style(color="#002c3d", bgcolor=OUTLINE_INK) if ink else Style(
                    color=OUTLINE_INK, bgcolor=OUTLINE_PAPER)
            else:
                label = "██" if ink else "  "
                style = Style(color=INK, bgcolor=INK) if ink else Style(color=PAPER, bgcolor=PAPER)
            text.append(label, style)
        if r < a.shape[0] - 1:
            text.append("\n")
    return text
