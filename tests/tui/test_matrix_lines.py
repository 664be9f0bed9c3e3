"""The matrix widget's fast paths against Rich's own (the reference): splitting a drawn matrix
into lines, turning a line into segments, and zooming a line at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

from cnn_tui.render import matrix_text, picture_text, split_lines, zoom_text
from cnn_tui.tui.widgets.matrix import _lines_of, _segments, _zoomed

STYLES = ["bold", "dim", Style(color="red"), Style(bgcolor="#102030", bold=True), "", "italic"]
CONSOLE = Console(width=200, force_terminal=True, color_system="truecolor")


@st.composite
def texts(draw):
    plain = draw(st.text(alphabet="ab █▀\n", max_size=40))
    n = len(plain)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, n))
        spans.append(Span(a, b, draw(st.sampled_from(STYLES))))
    if draw(st.booleans()):
        spans.sort(key=lambda s: s.start)
    return Text(plain, style=draw(st.sampled_from(["", "bold", Style(italic=True)])),
                no_wrap=draw(st.booleans()), overflow=draw(st.sampled_from(["crop", "ellipsis"])),
                spans=spans)


def described(t: Text):
    return (t.plain, [(s.start, s.end, str(s.style)) for s in t.spans], str(t.style), t.justify,
            t.overflow, t.no_wrap, t.end, t.tab_size)


def shown(t: Text):
    """What a line shows: its characters and their styles."""
    return described(t)[:3]


@settings(max_examples=400, deadline=None)
@given(texts())
def test_split_lines_is_richs_split(text):
    assert ([described(line) for line in split_lines(text)]
            == [described(line) for line in text.split("\n", allow_blank=True)])


@settings(max_examples=400, deadline=None)
@given(texts())
def test_segments_render_as_rich_renders(text):
    for line in text.split("\n", allow_blank=True):
        fast = _segments(line, CONSOLE)
        if fast is not None:       # (None: overlapping spans, left to Rich)
            assert (list(Segment.simplify(fast))
                    == list(Segment.simplify(line.render(CONSOLE, end=""))))


def test_a_drawn_matrix_takes_the_fast_path():
    grid = matrix_text(np.array([[0.25, -1.0], [0.5, 0.0]]), style="lecture")
    lines, _, _ = _lines_of(grid)
    assert all(_segments(line, CONSOLE) is not None for line in lines)


FILL = frozenset("█▓▒░· ")


def reference_zoom(grid: Text, cols: int, zoom: int) -> list[tuple]:
    """A plain zoom, cell by cell through Rich's own slicing (independent of the widget's):
    each line of ``(characters, [(start, end, style)])``."""
    out = []
    for line in grid.split("\n", allow_blank=True):
        width = len(line.plain) // cols
        cells = []
        for c in range(cols):
            piece = line[c * width:(c + 1) * width]
            style = piece.style
            for span in piece.spans:
                if span.start <= 0 < span.end:
                    style = span.style
            cells.append((piece.plain, style))
        for k in range(zoom):
            plain, spans = "", []
            for label, style in cells:
                if len(set(label)) == 1 and label[0] in FILL:
                    piece = label[0] * width * zoom
                elif k == (zoom - 1) // 2:
                    piece = label.strip().center(width * zoom)
                else:
                    piece = " " * width * zoom
                if style:
                    spans.append((len(plain), len(plain) + len(piece), str(style)))
                plain += piece
            out.append((plain, spans))
    return out


def test_zooming_line_by_line_is_zooming_the_whole_grid():
    rng = np.random.default_rng(5)
    pic = np.where(rng.random((6, 5)) > 0.5, 1.0, -1.0)
    grids = [picture_text(pic, outline=[(1, 1), (1, 2)], highlight=[(4, 4)], numbers=mode)
             for mode in ("blocks", "numbers", "both")]
    grids.append(matrix_text(rng.normal(size=(6, 5)), style="lecture", highlight=[(2, 3)]))
    for grid in grids:
        lines, keys, _ = _lines_of(grid)
        for zoom in (2, 3):
            zoomed, zoomed_keys = _zoomed(lines, keys, 5, zoom)
            expected = reference_zoom(grid, 5, zoom)
            assert [shown(z)[:2] for z in zoomed] == expected
            whole = zoom_text(grid, (6, 5), zoom)
            assert [shown(z)[:2] for z in whole.split("\n", allow_blank=True)] == expected
            assert len(set(zoomed_keys)) == len(zoomed_keys) == 6 * zoom
    ragged = Text("ab\nabc")
    lines, keys, _ = _lines_of(ragged)
    assert _zoomed(lines, keys, 1, 2) is None          # not a grid: shown as it is
