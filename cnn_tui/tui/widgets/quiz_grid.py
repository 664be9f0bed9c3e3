"""The quiz's grids: the answer grid the learner types into, and the puzzle's matrices, both
drawn larger when the terminal has room (the zoom).

Answer grid: one widget that draws every cell and tracks its own cursor. Cells the learner must
fill are editable; the others show the engine's value (or a dot when the puzzle keeps them
hidden), faded. Typing ``0-9 - . /`` edits the current cell, backspace deletes, arrows and tab
move between editable cells. After grading, each cell is drawn green (right) or red (wrong).

Zoom: :func:`zoom_for` picks a whole factor from the terminal's size (1 up to 160x48, 2 from
there, 3 from 240x72); at zoom ``z`` every cell is ``z`` times as wide and ``z`` lines tall, its
number on one of those lines, so a 9x9 picture takes twice the columns and rows at 160x48 that
it takes at 80x24. :func:`zoomed_matrix` draws a shown matrix that way from
:func:`cnn_tui.render.matrix_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from cnn_tui.engine import format_value, matrix_style
from cnn_tui.render import matrix_text

ALLOWED = set("0123456789-./")
MAX_CHARS = 12

RIGHT_BG = "#1f7a3a"
WRONG_BG = "#a3262a"
EMPTY_BG = "#30363d"
GIVEN_FG = "#8b949e"
CURSOR_BG = "#00a6d6"
LABEL_FG = "#8b949e"

BASE_SIZE = (80, 24)     # the terminal size drawn at zoom 1
MAX_ZOOM = 3
GAP = 2                  # blank columns around each value of a shown matrix


def zoom_for(width: int, height: int) -> int:
    """The zoom for a terminal of ``width`` x ``height`` cells: how many times :data:`BASE_SIZE`
    fits in both directions, from 1 to :data:`MAX_ZOOM`."""
    return max(1, min(MAX_ZOOM, width // BASE_SIZE[0], height // BASE_SIZE[1]))


def matrix_cell_width(values, style: str | None = None) -> int:
    """The width of the widest value of ``values`` as :func:`~cnn_tui.render.matrix_text`
    writes it."""
    a = np.asarray(values, dtype=float)
    style = style or matrix_style(a)
    return max((len(format_value(v, style)) if np.isfinite(v) else 1 for v in a.ravel()),
               default=1)


def zoomed_width(values, zoom: int, style: str | None = None) -> int:
    """The columns :func:`zoomed_matrix` takes for ``values`` at ``zoom``."""
    a = np.asarray(values, dtype=float)
    cols = a.shape[-1] if a.ndim else 1
    return cols * (matrix_cell_width(a, style) + GAP) * max(1, zoom)


def zoomed_matrix(values, zoom: int = 1, *, style: str | None = None,
                  outline: Sequence[tuple[int, int]] = (),
                  col_labels: Sequence[str] | None = None) -> Text:
    """A shown matrix drawn ``zoom`` times as wide and as tall as
    :func:`~cnn_tui.render.matrix_text` draws it, with optional labels above its columns
    (the vote's positions 1-12). Each value is written once, on one line of its cell."""
    zoom = max(1, int(zoom))
    a = np.asarray(values, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    base = matrix_cell_width(a, style)
    width = (base + GAP) * zoom - GAP
    out = Text(no_wrap=True, overflow="crop")
    # Numbers stay right-aligned among themselves, in a column centred in the wider cell.
    pad = " " * ((width - base) // 2)
    if col_labels:
        head = "".join(" " * (GAP - GAP // 2) + f"{f'{lab}'[:width]:>{base}}{pad}"[-width:]
                       .rjust(width) + " " * (GAP // 2) for lab in col_labels)
        out.append(head, Style(color=LABEL_FG))
        out.append("\n")
    kw = dict(style=style, cell_width=width, outline=outline, gap=GAP)
    shown_style = style or matrix_style(a)
    valued = matrix_text(a, formatter=lambda v: f"{format_value(v, shown_style):>{base}}{pad}",
                         **kw).split("\n")
    if zoom == 1:
        lines = valued
    else:
        blank = matrix_text(a, formatter=lambda v: "", **kw).split("\n")
        middle = (zoom - 1) // 2
        lines = [valued[r] if i == middle else blank[r]
                 for r in range(len(valued)) for i in range(zoom)]
    out.append_text(Text("\n").join(lines))
    return out


class QuizGrid(Widget, can_focus=True):
    """An editable grid of answer cells (rows x cols)."""

    DEFAULT_CSS = """
    QuizGrid {
        width: auto;
        height: auto;
        padding: 0 1;
    }
    QuizGrid:focus {
        background: $boost;
    }
    """

    # Every key is handled right here, in order, inside ``on_key``. Keys left to bubble up to
    # bindings are handled after keys typed later in the same burst (a pasted "19<tab>25" would
    # land in one cell), so the screen's commands are passed in as ``commands`` and called here.
    NAVIGATION = {
        "up": ("move", (-1, 0)), "down": ("move", (1, 0)), "left": ("move", (0, -1)),
        "right": ("move", (0, 1)), "tab": ("step", (1,)), "shift+tab": ("step", (-1,)),
        "backspace": ("erase", ()), "delete": ("clear_cell", ()),
    }

    cursor: reactive[tuple[int, int]] = reactive((0, 0), always_update=True)

    class Edited(Message):
        """A cell's text changed (the screen clears stale messages)."""

        def __init__(self, cell: tuple[int, int]) -> None:
            self.cell = cell
            super().__init__()

    class Moved(Message):
        """The cursor moved to another cell; ``user`` is True when a key moved it (not a new
        puzzle or the grading)."""

        def __init__(self, cell: tuple[int, int], user: bool = True) -> None:
            self.cell = cell
            self.user = user
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = 1
        self.cols = 1
        self.asked: list[list[bool]] = [[True]]
        self.given: list[list[str]] = [[""]]
        self.entries: list[list[str]] = [[""]]
        self.marks: list[list[bool | None]] = [[None]]
        self.col_labels: list[str] | None = None
        self.cell_width = 6
        self.zoom = 1
        self.locked = False
        self._by_key = False
        self.commands: dict[str, Callable[[], object]] = {}

    # --- setup ----------------------------------------------------------------------------------
    def load(self, asked, given, col_labels=None, entries=None, marks=None) -> None:
        """Show a new puzzle: ``asked`` bools, ``given`` texts for the cells not asked."""
        self.rows, self.cols = len(asked), len(asked[0])
        self.asked = [list(r) for r in asked]
        self.given = [list(r) for r in given]
        self.entries = entries or [["" for _ in range(self.cols)] for _ in range(self.rows)]
        self.marks = marks or [[None] * self.cols for _ in range(self.rows)]
        self.col_labels = list(col_labels) if col_labels else None
        widths = [len(s) for row in self.given for s in row] + [6]
        if self.col_labels:
            widths += [len(s) for s in self.col_labels]
        self.cell_width = min(max(widths), 14)
        self.locked = False
        cells = self.editable()
        self.cursor = cells[0] if cells else (0, 0)
        self.refresh(layout=True)

    def editable(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(self.rows) for c in range(self.cols) if self.asked[r][c]]

    def set_marks(self, marks) -> None:
        self.marks = [list(r) for r in marks]
        self.refresh()

    def clear_marks(self) -> None:
        self.marks = [[None] * self.cols for _ in range(self.rows)]
        self.refresh()

    # --- editing --------------------------------------------------------------------------------
    def _edit(self, text: str) -> None:
        r, c = self.cursor
        if self.locked or not self.asked[r][c]:
            return
        self.entries[r][c] = text[:MAX_CHARS]
        self.marks[r][c] = None
        self.refresh(layout=True)
        self.post_message(self.Edited((r, c)))

    def on_key(self, event: Key) -> None:
        key, ch = event.key, event.character
        if key in self.NAVIGATION:
            name, args = self.NAVIGATION[key]
            getattr(self, f"action_{name}")(*args)
        elif ch and ch in ALLOWED:
            r, c = self.cursor
            self._edit(self.entries[r][c] + ch)
        elif key in self.commands:
            self.commands[key]()
        else:
            return
        event.stop()
        event.prevent_default()

    def action_erase(self) -> None:
        r, c = self.cursor
        self._edit(self.entries[r][c][:-1])

    def action_clear_cell(self) -> None:
        self._edit("")

    def action_move(self, dr: int, dc: int) -> None:
        cells = self.editable()
        if not cells:
            return
        r, c = self.cursor
        # Walk in the direction until an editable cell is found (skipping given cells).
        while True:
            r, c = r + dr, c + dc
            if not (0 <= r < self.rows and 0 <= c < self.cols):
                return
            if self.asked[r][c]:
                self._move_by_key((r, c))
                return

    def action_step(self, delta: int) -> None:
        cells = self.editable()
        if not cells:
            return
        i = cells.index(self.cursor) if self.cursor in cells else 0
        self._move_by_key(cells[(i + delta) % len(cells)])

    def _move_by_key(self, cell: tuple[int, int]) -> None:
        self._by_key = True
        try:
            self.cursor = cell
        finally:
            self._by_key = False

    def watch_cursor(self, _old, new) -> None:
        self.refresh()
        self.post_message(self.Moved(new, user=self._by_key))

    def set_zoom(self, zoom: int) -> None:
        """Draw every cell ``zoom`` times as wide and as tall (see :func:`zoom_for`)."""
        zoom = max(1, int(zoom))
        if zoom != self.zoom:
            self.zoom = zoom
            self.refresh(layout=True)

    def width_at(self, zoom: int) -> int:
        """The columns the grid takes at ``zoom`` (its padding included)."""
        return self.cols * ((self._width() + 2) * max(1, zoom) + 1) + 2

    def cursor_lines(self) -> tuple[int, int]:
        """The first line of the cursor's row inside the grid, and how many lines it takes."""
        return (1 if self.col_labels else 0) + self.cursor[0] * self.zoom, self.zoom

    # --- drawing --------------------------------------------------------------------------------
    def _width(self) -> int:
        longest = max((len(e) for row in self.entries for e in row), default=0)
        return max(self.cell_width, longest)

    def _cell_text(self) -> int:
        """The characters of a cell between its two edge columns, at the current zoom."""
        return (self._width() + 2) * self.zoom - 2

    def _centred(self, label: str, w: int) -> str:
        """``label`` right-aligned in the cell's width at zoom 1, that column centred in the
        zoomed cell's ``w`` characters."""
        base = self._width()
        return f"{label:>{base}}{' ' * ((w - base) // 2)}"

    def get_content_width(self, container, viewport) -> int:
        return self.cols * (self._cell_text() + 3)

    def get_content_height(self, container, viewport, width) -> int:
        return self.rows * self.zoom + (1 if self.col_labels else 0)

    def render(self) -> Text:
        w = self._cell_text()
        z = self.zoom
        middle = (z - 1) // 2
        text = Text(no_wrap=True, overflow="crop")
        if self.col_labels:
            for label in self.col_labels:
                text.append(f" {self._centred(label[:w], w)[-w:]:>{w}}  ", Style(bold=True))
            text.append("\n")
        focused = self.has_focus
        for r in range(self.rows):
            for line in range(z):
                on_value = line == middle
                for c in range(self.cols):
                    cell, style = self._cell(r, c, w, focused)
                    if not on_value:       # the cell's other lines: its colour only
                        cell, style = " " * len(cell), Style(bgcolor=style.bgcolor)
                    text.append(cell, style)
                    text.append(" ")
                if r < self.rows - 1 or line < z - 1:
                    text.append("\n")
        return text

    def _cell(self, r: int, c: int, w: int, focused: bool) -> tuple[str, Style]:
        """The text and style of cell ``(r, c)`` on its value line."""
        if not self.asked[r][c]:
            return (f" {self._centred(self.given[r][c] or '·', w):>{w}} ",
                    Style(color=GIVEN_FG, italic=True))
        s = self.entries[r][c]
        mark = self.marks[r][c]
        bg = RIGHT_BG if mark is True else WRONG_BG if mark is False else EMPTY_BG
        label = self._centred(s if s else "·", w)
        if (r, c) == self.cursor and focused and not self.locked:
            if mark is not None:
                return f"[{label:>{w}}]", Style(color="#ffffff", bgcolor=bg, bold=True,
                                                underline=True)
            return f"[{label:>{w}}]", Style(color="#000000", bgcolor=CURSOR_BG, bold=True)
        return f" {label:>{w}} ", Style(color="#ffffff", bgcolor=bg, bold=mark is not None)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
