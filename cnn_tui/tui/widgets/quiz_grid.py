"""The quiz's answer grid: one widget that draws every cell and tracks its own cursor.

Cells the learner must fill are editable; the others show the engine's value (or a dot when
the puzzle keeps them hidden), faded. Typing
``0-9 - . /`` edits the current cell, backspace deletes, arrows and tab move between editable
cells. After grading, each cell is drawn green (right) or red (wrong).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

ALLOWED = set("0123456789-./")
MAX_CHARS = 12

RIGHT_BG = "#1f7a3a"
WRONG_BG = "#a3262a"
EMPTY_BG = "#30363d"
GIVEN_FG = "#8b949e"
CURSOR_BG = "#00a6d6"


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
        """The cursor moved to another cell."""

        def __init__(self, cell: tuple[int, int]) -> None:
            self.cell = cell
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
        self.locked = False
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
                self.cursor = (r, c)
                return

    def action_step(self, delta: int) -> None:
        cells = self.editable()
        if not cells:
            return
        i = cells.index(self.cursor) if self.cursor in cells else 0
        self.cursor = cells[(i + delta) % len(cells)]

    def watch_cursor(self, _old, new) -> None:
        self.refresh()
        self.post_message(self.Moved(new))

    # --- drawing --------------------------------------------------------------------------------
    def _width(self) -> int:
        longest = max((len(e) for row in self.entries for e in row), default=0)
        return max(self.cell_width, longest)

    def get_content_width(self, container, viewport) -> int:
        return self.cols * (self._width() + 3)

    def get_content_height(self, container, viewport, width) -> int:
        return self.rows + (1 if self.col_labels else 0)

    def render(self) -> Text:
        w = self._width()
        text = Text(no_wrap=True, overflow="crop")
        if self.col_labels:
            for label in self.col_labels:
                text.append(f" {label[:w]:>{w}}  ", Style(bold=True))
            text.append("\n")
        focused = self.has_focus
        for r in range(self.rows):
            for c in range(self.cols):
                if self.asked[r][c]:
                    s = self.entries[r][c]
                    mark = self.marks[r][c]
                    bg = RIGHT_BG if mark is True else WRONG_BG if mark is False else EMPTY_BG
                    fg = "#ffffff"
                    label = s if s else "·"
                    if (r, c) == self.cursor and focused and not self.locked:
                        cell = f"[{label:>{w}}]"
                        style = Style(color="#000000", bgcolor=CURSOR_BG if mark is None else bg,
                                      bold=True)
                        if mark is not None:
                            style = Style(color="#ffffff", bgcolor=bg, bold=True, underline=True)
                    else:
                        cell = f" {label:>{w}} "
                        style = Style(color=fg, bgcolor=bg, bold=mark is not None)
                else:
                    cell = f" {self.given[r][c] or '·':>{w}} "
                    style = Style(color=GIVEN_FG, italic=True)
                text.append(cell, style)
                text.append(" ")
            if r < self.rows - 1:
                text.append("\n")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
