"""The quiz screen: a puzzle's matrices, an answer grid, grading, hints and worked arithmetic.

Everything it shows comes from :mod:`cnn_tui.quiz` (which asks the engine and keeps progress);
this module only draws and routes keys. ``make_quiz_screen(options)`` is the entry point the app
uses.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cnn_tui.quiz.options import QuizOptions
from cnn_tui.quiz.session import QuizSession, open_session
from cnn_tui.tui.widgets.quiz_grid import QuizGrid, zoom_for, zoomed_matrix, zoomed_width

HELP = """\
[b]Quiz keys[/b]

  0-9 - . /      type into the current cell (fractions like 5/9 are fine)
  arrows, tab    move between the cells to fill
  backspace      delete the last character
  enter          check your answer: a wrong try says what slip it looks
                 like and shows a hint; the second one shows the working
  h              show the next hint (one at a time)
  w              show the worked answer of the current cell
  n / p          next / previous puzzle
  l              list of puzzles: jump to any of them
  < / >          draw the grids smaller / larger
  ?              this help (rows and columns count from 0)
  escape         back to the lesson (when opened from it)
  q              quit

[b]Grading[/b]: whole-number answers must be exact. Other values count as right in the \
lecture's two-decimal form (5/9 -> 0.55, cut), rounded (0.56), or within 0.005 (5/9). \
Press escape or ? to close."""


class QuizHelp(ModalScreen[None]):
    DEFAULT_CSS = """
    QuizHelp { align: center middle; }
    QuizHelp > VerticalScroll { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                border: round $accent; background: $panel; }
    QuizHelp Static { width: 100%; height: auto; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        # Scrolls when the terminal is too small to show it all (80x24 and less).
        with VerticalScroll():
            yield Static(HELP, id="quiz-help-text")

    def action_close(self) -> None:
        self.dismiss(None)


class PuzzleList(ModalScreen[int | None]):
    DEFAULT_CSS = """
    PuzzleList { align: center middle; }
    PuzzleList > Vertical { width: 80; max-width: 100%; height: 80%; border: round $accent;
                            background: $panel; }
    PuzzleList OptionList { height: 1fr; }
    PuzzleList #list-title { padding: 0 1; text-style: bold; }
    """
    BINDINGS = [Binding("escape,l,q", "close", "Close")]

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        options = []
        for i, p in enumerate(s.puzzles):
            mark = "✓" if s.is_solved(p.id) else "·"
            options.append(Option(f"{mark} {i + 1:>2}. {p.title}", id=p.id))
        with Vertical():
            yield Static(f"Puzzles — {s.solved_count()} of {len(s.puzzles)} solved "
                         f"(enter to open, escape to close)", id="list-title")
            yield OptionList(*options, id="puzzle-options")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = self.session.index
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        self.dismiss(None)


def fit_head(left: str, short_left: str, rights: list[str], width: int) -> Text:
    """One line of at most ``width`` cells: ``left`` padded, two spaces, then the longest of
    ``rights`` (longest first) that still leaves the left part some room. As the width shrinks
    the title is cut with an ellipsis, then the right part shrinks, then the title goes
    (``short_left``, the position in the curriculum, stays), and at last only ``short_left``
    is kept, cut if even that does not fit. Never raises, whatever the width."""
    width = max(1, width)
    enough = min(cell_len(left), cell_len(short_left) + 12)  # the position and a bit of title
    for right in rights:
        room = width - cell_len(right) - 2
        if room >= enough:
            if cell_len(left) > room:
                left = set_cell_size(left, room - 1) + "…"
            return Text(set_cell_size(left, room) + "  " + right)
    for right in rights:
        room = width - cell_len(right) - 2
        if room >= cell_len(short_left):
            return Text(set_cell_size(short_left, room) + "  " + right)
    if cell_len(short_left) > width:
        return Text(set_cell_size(short_left, max(0, width - 1)) + "…")
    return Text(short_left)


class QuizScreen(Screen):
    DEFAULT_CSS = """
    QuizScreen { layout: vertical; }
    QuizScreen #quiz-head { height: 1; background: $primary-background; padding: 0 1;
                            text-style: bold; }
    QuizScreen #quiz-body { height: 1fr; padding: 0 1; }
    QuizScreen #quiz-title { text-style: bold; color: $text; }
    QuizScreen #quiz-question { margin: 1 0 0 0; }
    QuizScreen #quiz-matrices { height: auto; margin: 1 0 0 0; }
    QuizScreen .quiz-matrix { width: auto; height: auto; margin: 0 3 0 0; }
    QuizScreen .quiz-matrix > Static { width: auto; height: auto; }
    QuizScreen .quiz-matrix-label { color: $text-muted; }
    QuizScreen #quiz-answer-label { margin: 1 0 0 0; color: $text-muted; }
    QuizScreen #quiz-feedback { height: auto; max-height: 60%; padding: 0 1;
                                border-top: hkey $primary; }
    QuizScreen #quiz-message { height: auto; }
    QuizScreen #quiz-message.error { color: $warning; text-style: bold; }
    QuizScreen #quiz-message.good { color: $success; text-style: bold; }
    QuizScreen #quiz-message.bad { color: $error; }
    QuizScreen #quiz-more { height: auto; max-height: 30vh; }
    QuizScreen #quiz-hints { color: $text; }
    QuizScreen #quiz-working { color: $accent; }
    """

    BINDINGS = [
        Binding("enter", "submit", "Check"),
        Binding("h", "hint", "Hint"),
        Binding("w", "working", "Working"),
        Binding("n", "next_puzzle", "Next"),
        Binding("p", "previous_puzzle", "Prev"),
        Binding("l", "list", "List"),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "back", "Lesson", key_display="esc"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, session: QuizSession, notices: list[str] | None = None,
                 name: str | None = None) -> None:
        super().__init__(name=name)
        self.session = session
        self.notices = [n for n in (notices or []) if n]
        self.working_text = ""
        self.zoom = 1

    # --- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="quiz-head")
        with VerticalScroll(id="quiz-body", can_focus=False):
            yield Static("", id="quiz-title")
            yield Static("", id="quiz-question")
            yield Horizontal(id="quiz-matrices")
            yield Static("Your answer", id="quiz-answer-label")
            yield QuizGrid(id="quiz-grid")
        # The feedback stays below the puzzle, always in view however long the puzzle is: the
        # verdict on one or two lines, then the hints and the worked answer (scrolling on
        # their own when there are many).
        with Vertical(id="quiz-feedback"):
            yield Static("", id="quiz-message")
            with VerticalScroll(id="quiz-more", can_focus=False):
                yield Static("", id="quiz-hints")
                yield Static("", id="quiz-working")
        footer = Footer(show_command_palette=False)     # every key of the quiz fits 80 columns
        footer.compact = True
        yield footer

    def on_mount(self) -> None:
        grid = self.query_one(QuizGrid)
        # The grid runs these itself so that keys typed in a burst keep their order.
        grid.commands = {b.key: getattr(self, f"action_{b.action}") for b in self.BINDINGS}
        self.zoom = self.wanted_zoom()
        self.show_puzzle()
        if self.notices:
            self.say(" ".join(self.notices), "error")
        self.query_one(QuizGrid).focus()

    # --- drawing ---------------------------------------------------------------------------------
    def say(self, text: str, kind: str = "") -> None:
        if self.session.save_error:
            text = f"{text} {self.session.save_error}".strip()
            kind = kind or "error"
        msg = self.query_one("#quiz-message", Static)
        msg.set_classes(kind)
        msg.update(Text(text))
        msg.display = bool(text)
        self.update_feedback()

    def update_feedback(self) -> None:
        """Show the feedback area only when it holds something, and its newest part."""
        parts = [self.query_one(f"#quiz-{n}", Static) for n in ("hints", "working")]
        more = self.query_one("#quiz-more", VerticalScroll)
        more.display = any(p.display for p in parts)
        box = self.query_one("#quiz-feedback", Vertical)
        box.display = more.display or self.query_one("#quiz-message", Static).display
        if more.display:
            self.call_after_refresh(more.scroll_end, animate=False)

    def update_head(self) -> None:
        s = self.session
        head = self.query_one("#quiz-head", Static)
        title = self.query_one("#quiz-title", Static)
        if s.empty:
            head.update("Quiz — no puzzles")
            title.update("")
            title.display = False
            return
        p = s.puzzle
        mode = "Practice" if s.random else "Quiz"
        status = "✓ solved" if s.is_solved(p.id) else "unsolved"
        tries = s.attempts(p.id)
        extra = f" · tries {tries}" if not s.random else ""
        hints = f"hints {s.hints_used(p.id)}/{len(p.hints)}"
        score = f"score {s.solved_count()}/{len(s.puzzles)}"
        position = f"{mode} {s.index + 1}/{len(s.puzzles)}"
        head.update(fit_head(position, position, [
            f"{status}{extra} · {hints} · {score}",
            f"{status} · {hints} · {score}",
            f"{hints} · {score}",
            score,
        ], self.size.width - 2))
        # The title has a line of its own at the top of the puzzle, wrapped, never cut.
        title.update(Text(p.title))
        title.display = True

    def on_resize(self, event) -> None:
        if self.is_mounted:
            self.update_head()
            zoom = self.wanted_zoom()
            if zoom != self.zoom:
                self.zoom = zoom
                self.apply_zoom()

    def wanted_zoom(self) -> int:
        """The zoom the app asks for (the terminal's size plus the learner's ``<``/``>``, when
        the app offers ``zoom_for``), else the one the terminal's size suggests."""
        width, height = self.app.size
        pick = getattr(self.app, "zoom_for", None)
        if callable(pick):
            try:
                return max(1, int(pick(width, height)))
            except (TypeError, ValueError):
                pass
        return zoom_for(width, height)

    def zoom_changed(self) -> None:
        """The learner zoomed in or out (the app calls this)."""
        if self.is_mounted:
            self.zoom = wanted = self.wanted_zoom()
            self.apply_zoom()
            if self.session.empty:
                return
            shown = self.query_one(QuizGrid).zoom
            if shown < wanted and hasattr(self.app, "zoom_offset"):
                # start the keys again from what fits, so that the next < is seen at once
                self.app.zoom_offset -= wanted - shown
                self.notify(f"Zoom {wanted} does not fit this puzzle; showing zoom {shown}.",
                            timeout=3)
            else:
                self.notify(f"Zoom {shown}: < and > make the grids smaller or larger.",
                            timeout=3)

    def apply_zoom(self) -> None:
        """Size the grids for the terminal: each at the screen's zoom, or less if it would not
        fit across."""
        s = self.session
        if s.empty:
            return
        room = max(1, self.app.size.width - 2)          # the body's padding
        grid = self.query_one(QuizGrid)
        zoom = self.zoom
        while zoom > 1 and grid.width_at(zoom) > room:
            zoom -= 1
        grid.set_zoom(zoom)
        self.draw_matrices()

    def matrices_zoom(self) -> int:
        """The largest zoom, up to the screen's, at which the shown matrices fit side by side."""
        p = self.session.puzzle
        style = None if p.style == "lecture" else p.style
        room = max(1, self.app.size.width - 2)
        zoom = self.zoom
        while zoom > 1 and sum(max(zoomed_width(m.values, zoom, style), len(m.label or "input"))
                               + 3 for m in p.shown) > room:
            zoom -= 1
        return zoom

    def show_puzzle(self) -> None:
        s = self.session
        grid = self.query_one(QuizGrid)
        box = self.query_one("#quiz-matrices", Horizontal)
        box.remove_children()
        self.working_text = ""
        working = self.query_one("#quiz-working", Static)
        working.update("")
        working.display = False
        self.say("")
        self.update_head()
        if s.empty:
            folder = s.curriculum.problems[0][0] if s.curriculum.problems else "the folder"
            self.query_one("#quiz-question", Static).update(
                Text(f"No puzzles could be loaded from {folder}. Run 'cnn-tui puzzles check' to "
                     f"see what is wrong."))
            grid.display = False
            self.show_hints()
            return
        p = s.puzzle
        self.query_one("#quiz-question", Static).update(Text(p.question))
        widgets = []
        for shown in p.shown:
            col = Vertical(Static(Text(shown.label or "input"), classes="quiz-matrix-label"),
                           Static("", classes="quiz-matrix-values"),
                           classes="quiz-matrix")
            widgets.append(col)
        if widgets:
            box.mount(*widgets)
        box.display = bool(widgets)
        grid.display = True
        grid.load(p.asked.tolist(), s.given_text(p), p.col_labels,
                  entries=[list(r) for r in s.entries[p.id]] if p.id in s.entries else None,
                  marks=[list(r) for r in s.marks[p.id]] if p.id in s.marks else None)
        n_cells = int(p.asked.sum())
        self.query_one("#quiz-answer-label", Static).update(
            Text(f"Your answer ({n_cells} cell{'s' if n_cells != 1 else ''} to fill"
                 f"{'; the faded ones are given' if p.show_given else ''}):"
                 if n_cells < p.answer.size else "Your answer:"))
        self.show_hints()
        self.call_after_refresh(self.apply_zoom)
        # A new puzzle opens at its top, title first, whatever was scrolled before.
        body = self.query_one("#quiz-body", VerticalScroll)
        body.scroll_home(animate=False)
        self.call_after_refresh(body.scroll_home, animate=False)
        if s.is_solved(p.id) and p.id not in s.marks:
            self.say("You have solved this one before. Try it again, or press n for the next.",
                     "good")

    def draw_matrices(self) -> None:
        """Draw every shown matrix, outlining the window that the current answer cell reads."""
        s = self.session
        if s.empty:
            return
        p = s.puzzle
        grid = self.query_one(QuizGrid)
        try:
            window = p.window(*grid.cursor)
        except Exception:  # a window is a nicety: never let it break the quiz
            window = {}
        zoom = self.matrices_zoom()
        statics = list(self.query(".quiz-matrix-values").results(Static))
        for i, (shown, static) in enumerate(zip(p.shown, statics)):
            static.update(zoomed_matrix(shown.values, zoom,
                                        style=None if p.style == "lecture" else p.style,
                                        outline=window.get(i, ()), col_labels=shown.col_labels))

    def on_quiz_grid_moved(self, event: QuizGrid.Moved) -> None:
        self.draw_matrices()
        if event.user:
            self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        """Scroll the puzzle just enough to show the row of the grid's cursor."""
        def scroll() -> None:
            grid = self.query_one(QuizGrid)
            if not grid.display:
                return
            first, lines = grid.cursor_lines()
            top = grid.virtual_region.y + first
            self.query_one("#quiz-body", VerticalScroll).scroll_to_region(
                Region(0, top, 1, lines), animate=False, immediate=True, x_axis=False)

        self.call_after_refresh(scroll)

    def show_hints(self) -> None:
        s = self.session
        hints = s.shown_hints() if not s.empty else []
        t = Text()
        for i, h in enumerate(hints, 1):
            if i > 1:
                t.append("\n")
            t.append(f"Hint {i}/{len(s.puzzle.hints)}: ", style="bold")
            t.append(h)
        widget = self.query_one("#quiz-hints", Static)
        widget.update(t)
        widget.display = bool(hints)
        self.update_feedback()

    def show_working(self, text: str) -> None:
        """Show ``text``, the worked answer of a cell."""
        self.working_text = text
        w = Text("Worked answer: ", style="bold")
        w.append(text)
        widget = self.query_one("#quiz-working", Static)
        widget.update(w)
        widget.display = True
        self.update_feedback()

    # --- events and actions ----------------------------------------------------------------------
    def on_quiz_grid_edited(self, event: QuizGrid.Edited) -> None:
        msg = self.query_one("#quiz-message", Static)
        if msg.has_class("error"):
            self.say("")
        self.scroll_to_cursor()

    def action_submit(self) -> None:
        s = self.session
        if s.empty:
            return
        grid = self.query_one(QuizGrid)
        res = s.submit(grid.entries)
        if not res.graded:
            if res.problem_cell:
                grid.cursor = res.problem_cell
            self.say(res.message, "error")
            self.scroll_to_cursor()
            return
        grid.set_marks(res.marks)
        if res.solved:
            self.say(res.message, "good")
        else:
            self.say(res.message, "bad")
            if res.first_wrong:
                grid.cursor = res.first_wrong
            if res.hint:
                self.show_hints()
            if res.working:
                self.show_working(res.working)
        self.scroll_to_cursor()
        self.update_head()

    def action_hint(self) -> None:
        s = self.session
        if s.empty:
            return
        got = s.next_hint()
        if got is None:
            self.say(f"No more hints: all {len(s.puzzle.hints)} are shown. Press w for the "
                     f"worked answer of the current cell.", "")
        self.show_hints()
        self.update_head()

    def action_working(self) -> None:
        if self.session.empty:
            return
        grid = self.query_one(QuizGrid)
        self.show_working(self.session.reveal_working(grid.cursor))

    def _store_entries(self) -> None:
        s = self.session
        if not s.empty:
            grid = self.query_one(QuizGrid)
            s.entries[s.puzzle.id] = [list(r) for r in grid.entries]

    def action_next_puzzle(self) -> None:
        self._store_entries()
        if self.session.next():
            self.show_puzzle()
        else:
            self.say("This is the last puzzle; press l to pick any other.")

    def action_previous_puzzle(self) -> None:
        self._store_entries()
        if self.session.previous():
            self.show_puzzle()
        else:
            self.say("This is the first puzzle.")

    def action_list(self) -> None:
        if self.session.empty:
            return
        self._store_entries()

        def chosen(index: int | None) -> None:
            if index is not None:
                self.session.goto(index)
                self.show_puzzle()
            self.query_one(QuizGrid).focus()

        self.app.push_screen(PuzzleList(self.session), chosen)

    def action_help(self) -> None:
        self.app.push_screen(QuizHelp())

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "back":        # shown and working when the lesson is underneath
            return self.opened_from_lesson
        return True

    @property
    def opened_from_lesson(self) -> bool:
        return len(self.app.screen_stack) > 2 and self.app.screen_stack[-1] is self

    def action_back(self) -> None:
        """Back to the lesson when the quiz was opened from it (escape)."""
        if self.opened_from_lesson:
            self._store_entries()
            self.app.pop_screen()

    def action_quit(self) -> None:
        self._store_entries()
        self.app.exit()


def make_quiz_screen(options: QuizOptions | None = None) -> Screen:
    """The quiz screen, opened as ``options`` say (see
    :func:`cnn_tui.quiz.session.open_session`)."""
    session, notices = open_session(options)
    return QuizScreen(session, notices)
