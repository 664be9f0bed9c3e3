"""The lesson screen: a title line, the chapter's explanation, its panel, a status line, a footer.

Key bindings call the model's actions (``cnn_tui.lesson.model``) and then redraw the panel from
the model. The same bindings are what the headless runner presses.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from cnn_tui.lesson.chapters import CHAPTER_IDS, chapter_classes
from cnn_tui.lesson.chapters.base import PICTURE, SHARED_ACTIONS
from cnn_tui.lesson.model import LessonModel, ModelError
from cnn_tui.tui.panels import ChapterPanel, panel_class
from cnn_tui.tui.panels.base import update
from cnn_tui.tui.widgets.footer import Footer
from cnn_tui.tui.widgets.layout import Box, Column
from cnn_tui.tui.widgets.matrix import MatrixView
from cnn_tui.tui.widgets.text_view import TextView

MIN_WIDTH, MIN_HEIGHT = 80, 24

EDIT_ONLY = {"cursor", "toggle_pixel"}
# What drawing leaves working besides its own keys (arrows, space/enter, e/escape).
WHILE_DRAWING = {"edit", "escape", "help", "fractions", "numbers", "quit", "quiz", "next_chapter",
                 "prev_chapter", "picture"}
NUMBERS_SAID = {
    "blocks": "Pixels as ink and paper (b: as numbers).",
    "numbers": "Pixels as numbers: +1 ink, -1 paper, ±½ fainter; as on the slides (b: on ink).",
    "both": "Pixels as numbers on ink and paper (b: blocks).",
}
DRAW_HINT = ("Drawing: arrows move the yellow cursor, space/enter or a click toggles a pixel, "
             "e or escape ends.")


def chapter_bindings() -> list[Binding]:
    """Every chapter's own keys, in chapter order; each is active only in its chapter."""
    out = []
    for cls in chapter_classes():
        for k in cls.bindings:
            args = "".join(f", {a!r}" for a in k.args)
            out.append(Binding(k.key, f"chapter_key({cls.id!r}, {k.method!r}{args})", k.label,
                               show=k.show, key_display=k.key_display))
    return out


class LessonScreen(Screen[None]):
    """Every chapter of the lesson, one panel at a time."""

    AUTO_FOCUS = ""  # keys go to the screen's bindings; the prompt takes focus only when shown

    BINDINGS = [
        Binding("right", "step", "Step"),
        Binding("left", "back", "Back", show=False),
        Binding("space", "play", "Play"),
        Binding("n", "next_chapter", "Next"),
        Binding("p", "prev_chapter", "Prev", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("i", "picture", "Picture", show=False),
        Binding("f", "feature", "Feature"),
        Binding("e", "edit", "Draw", show=False),
        Binding("d", "fractions", "Fractions", show=False),
        Binding("b", "numbers", "Numbers", show=False),
        Binding("g", "jump", "Go"),
        *chapter_bindings(),
        Binding("r", "reset", "Reset", show=False),
        Binding("z", "quiz", "Quiz", show=False),
        Binding("up", "cursor(-1, 0)", "Move", key_display="↑↓←→"),
        Binding("down", "cursor(1, 0)", "Down", show=False),
        Binding("right", "cursor(0, 1)", "Right", show=False),
        Binding("left", "cursor(0, -1)", "Left", show=False),
        Binding("space,enter", "toggle_pixel", "Toggle", key_display="space"),
        Binding("escape", "escape", "Done", key_display="esc"),
    ]

    DEFAULT_CSS = """
    LessonScreen { layout: vertical; }
    LessonScreen #main { height: 1fr; width: 1fr; }
    LessonScreen #title { height: 1; width: 1fr; background: $primary; color: $text; }
    LessonScreen #explain { height: auto; max-height: 3; width: 1fr; color: $text-muted; }
    LessonScreen #stage { height: 1fr; width: 1fr; overflow: hidden hidden; }
    LessonScreen #status { height: 1; width: 1fr; background: $boost; }
    LessonScreen #needs { display: none; height: 1fr; width: 1fr; padding: 1 2; }
    LessonScreen.needs-picture #needs { display: block; }
    LessonScreen.needs-picture #stage { display: none; }
    LessonScreen #prompt { display: none; height: 1; border: none; padding: 0 1; }
    LessonScreen #prompt.shown { display: block; }
    LessonScreen.prompting #status { display: none; }
    LessonScreen #too-small {
        display: none; width: 1fr; height: 1fr; content-align: center middle;
    }
    LessonScreen.too-small #too-small { display: block; }
    LessonScreen.too-small #main { display: none; }
    LessonScreen.too-small Footer { display: none; }
    """

    def __init__(self, model: LessonModel, play_interval: float = 0.3) -> None:
        super().__init__()
        self.model = model
        self.play_interval = play_interval
        self.message = ""
        self._info = ""      # the message, when it informs rather than warns: calmer colours
        self._timer = None
        self._panel_chapter: str | None = None
        self._panel: ChapterPanel | None = None     # the panel mounted for it
        # The zoom the panel is drawn at: the app's choice for this terminal, lowered while the
        # chapter does not fit (see ``_check_fit``).
        self.zoom = 1
        self._zoom_wanted = 1
        self._fitted: dict = {}         # the zoom that fitted, for each step drawn at this size
        self._fit_key = None
        self._fit_generation = 0
        self._announce = False
        self._escape_offered = False    # the footer offers esc for the message shown

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        # kept at hand: every key press redraws them (a query walks the screen each time)
        self._title, self._explain = TextView(id="title"), Static(id="explain")
        self._stage, self._needs, self._status = (Box(id="stage"), Static(id="needs"),
                                                  TextView(id="status"))
        with Column(id="main"):
            yield self._title
            yield self._explain
            yield self._stage
            yield self._needs
            yield self._status
            prompt = Input(id="prompt")
            prompt.cursor_blink = False
            prompt.disabled = True
            yield prompt
        yield Static(id="too-small")
        footer = Footer(show_command_palette=False)
        footer.compact = True
        yield footer

    async def on_mount(self) -> None:
        self._check_size()
        self._choose_zoom()
        await self._mount_panel()

    def on_resize(self, event) -> None:
        self._check_size()
        self._choose_zoom()
        self.redraw()

    def on_screen_resume(self) -> None:
        # The terminal may have changed size, or the zoom keys been pressed, while the quiz or
        # help covered the lesson: choose the zoom again.
        self._choose_zoom()
        self.redraw()

    def _choose_zoom(self) -> None:
        """Start from the zoom the app suggests for this terminal; ``_check_fit`` lowers it
        while the chapter does not fit, and remembers what fitted for each step."""
        w, h = self.app.size
        zoom_for = getattr(self.app, "zoom_for", None)
        self._zoom_wanted = self.zoom = zoom_for(w, h) if zoom_for else 1
        self._fitted = {}
        self._fit_key = None
        self._announce = False

    def zoom_changed(self) -> None:
        """The learner pressed < or >: say what zoom the chapter is drawn at once it fits."""
        self._choose_zoom()
        self.message = ""
        self._announce = True
        self.redraw()
        if self.zoom <= 1:
            self._say_zoom()

    def _say_zoom(self) -> None:
        self._announce = False
        wanted = self._zoom_wanted
        if self.zoom < wanted:
            # what the keys ask for does not fit: start from what does, so that the next < or >
            # changes what is on screen
            self.app.zoom_offset = getattr(self.app, "zoom_offset", 0) - (wanted - self.zoom)
            self._zoom_wanted = self.zoom
            self.say(f"Zoom {wanted} does not fit this chapter on this screen; "
                     f"showing zoom {self.zoom}. < zooms out.")
        else:
            self.say(f"Zoom {self.zoom}: < and > make the pictures smaller or larger.", info=True)

    def _fit_state(self):
        """What the fitted zoom depends on: the chapter, its step and its drawing state."""
        m = self.model
        return (m.chapter, m.position, getattr(m.current, "title_info", ""), m.image.shape,
                m.numbers, m.style, tuple(self.app.size))

    @staticmethod
    def _shown(widget, panel) -> bool:
        node = widget
        while node is not None and node is not panel:
            if not node.display:
                return False
            node = node.parent
        return True

    def _check_fit(self, generation: int, tries: int = 5) -> None:
        """After a redraw: if the panel runs past the stage (right or bottom) or squeezes a
        matrix, draw it again one zoom smaller. A check made stale by a newer redraw is dropped;
        one that finds the layout not yet redone (a matrix not as tall as its lines) waits."""
        panel = self.panel
        if (generation != self._fit_generation or panel is None or not self.is_attached
                or not self.is_current):
            return
        views = [w for w in panel.query(MatrixView) if self._shown(w, panel)]
        if any(w.size.height != w.needed[1] for w in views if w.needed[1]):
            if tries:
                self.call_after_refresh(self._check_fit, generation, tries - 1)
            return
        stage = self._stage.region
        for widget in panel.query("*"):
            if not self._shown(widget, panel):
                continue
            r = widget.region
            need_w, _ = getattr(widget, "needed", (0, 0))
            if r.width and (widget.size.width < need_w or r.right > stage.right
                            or r.bottom > stage.bottom):
                if self.zoom > 1:
                    self.zoom -= 1
                    self._fitted[self._fit_key] = self.zoom
                    self.redraw()
                    return
                break
        if self._announce:
            self._say_zoom()

    def _check_size(self) -> None:
        w, h = self.app.size
        small = w < MIN_WIDTH or h < MIN_HEIGHT
        self.set_class(small, "too-small")
        if small:
            self.query_one("#too-small", Static).update(Text(
                f"cnn-tui needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT} characters; "
                f"this one is {w}x{h}. Please make the window larger (q quits).",
                justify="center"))

    @property
    def panel(self) -> ChapterPanel | None:
        panel = self._panel
        return panel if panel is not None and panel.is_attached else None

    async def _mount_panel(self) -> None:
        stage = self._stage
        if self._panel_chapter != self.model.chapter:
            self._panel = None
            await stage.remove_children()
            panel = panel_class(self.model.chapter)()
            await stage.mount(panel)
            self._panel = panel
            self._panel_chapter = self.model.chapter
            self._choose_zoom()
            self.refresh_bindings()
        self.redraw()

    def redraw(self) -> None:
        """Draw every widget of the current chapter from the model."""
        if not self.is_mounted:
            return
        m = self.model
        ch = m.current
        width = self.app.size.width
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f" {m.chapter_index + 1}/{len(CHAPTER_IDS)} ", style="bold reverse")
        title.append(f" {ch.title} ", style="bold")
        # the picture only where the chapter shows the lesson's picture (and can change it)
        info = [f"picture {m.picture}"] if ch.offers_action(PICTURE) else []
        if ch.title_info:
            info.append(ch.title_info)
        info.append("fractions" if m.style == "fraction" else "decimals")
        if self._timer is not None:
            info.append("▶ playing")
        if m.editing:
            info.append("✎ editing")
        title.append(" · ".join(info), style="italic")
        update(self._title, title)
        update(self._explain, ch.explain)
        panel = self.panel
        problem = m.picture_problem
        self.set_class(bool(problem), "needs-picture")
        if problem:
            update(self._needs, Text(problem, style="bold"))
            status = self.message or "i: a lecture picture · n/p: another chapter"
        elif panel is not None and panel.chapter_id == m.chapter:
            key = self._fit_state()
            if key != self._fit_key:            # another step: start from what fitted there
                self._fit_key = key
                self.zoom = self._fitted.get(key, self._zoom_wanted)
            panel.show(ch, width)
            self._fit_generation += 1
            if self.zoom > 1 or self._announce:
                self.call_after_refresh(self._check_fit, self._fit_generation)
            status = self.message or (DRAW_HINT if m.editing else panel.status(ch))
        else:
            status = self.message
        style = ("" if not self.message else "bold reverse" if self.message == self._info
                 else "bold #ffffff on #a01010")
        update(self._status, Text(f" {status}", style=style, no_wrap=True,
                                                      overflow="ellipsis"))
        if bool(self.message) != self._escape_offered:  # a message came or went: esc ends it
            self._escape_offered = bool(self.message)
            self.refresh_bindings()

    def say(self, message: str, info: bool = False) -> None:
        """Show a one-line message (an error or a hint; ``info``: news, not a problem) in the
        status line."""
        self.message = message
        self._info = message if info else ""
        self.redraw()

    def _act(self, fn, *args) -> None:
        self.message = ""
        try:
            fn(*args)
        except ModelError as exc:
            self.message = str(exc)
        self.redraw()

    # ------------------------------------------------------------------ bindings
    def check_action(self, action: str, parameters) -> bool | None:
        m = self.model
        if action in EDIT_ONLY:
            return m.editing
        if action == "escape":      # shown (and working) when there is something to end
            return m.editing or bool(self.message) or self.has_class("prompting")
        if m.editing and action not in WHILE_DRAWING:
            return False        # drawing is modal: arrows move, space toggles, e or escape ends
        if action == "chapter_key":
            return parameters[0] == m.chapter
        if action == "numbers":     # only where pictures are drawn
            panel = self.panel
            return panel is None or panel.shows_pixels
        if action in SHARED_ACTIONS:
            return m.current.offers_action(action)
        return True

    def action_step(self) -> None:
        self._act(self.model.step)

    def action_back(self) -> None:
        self._act(self.model.back)

    def leave_chapter(self) -> None:
        """The open chapter loses the screen: the steps stop playing, training stops."""
        self.stop_play()
        self.model.current.leave()

    def on_screen_suspend(self) -> None:
        # The quiz or the help screen covers the lesson: the chapter is left for now. Textual's
        # own overlays (the command palette, the theme picker) only pass over it.
        if type(self.app.screen).__module__.startswith("textual."):
            return
        self.leave_chapter()

    async def action_next_chapter(self) -> None:
        self.leave_chapter()
        self.message = ""
        if not self.model.next_chapter():
            self.message = "This is the last chapter; p goes back, z opens the quiz."
        await self._mount_panel()

    async def action_prev_chapter(self) -> None:
        self.leave_chapter()
        self.message = ""
        if not self.model.prev_chapter():
            self.message = "This is the first chapter; n goes to the next one."
        await self._mount_panel()

    async def goto_chapter(self, chapter: str) -> None:
        self.leave_chapter()
        self.message = ""
        self.model.set_chapter(chapter)
        await self._mount_panel()

    def action_play(self) -> None:
        m = self.model
        if m.editing:
            self._act(m.toggle_pixel)
            return
        if self._timer is not None:
            self.stop_play()
            self.redraw()
            return
        if not m.steps_through:
            self.say("Nothing to play in this chapter; right and left step through it.")
            return
        if m.at_end:
            m.reset()
        self.message = ""
        self._timer = self.set_interval(self.play_interval, self._tick)
        self.redraw()

    def _tick(self) -> None:
        if not self.model.step() or self.model.at_end:
            self.stop_play()
        self.redraw()

    def stop_play(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @property
    def playing(self) -> bool:
        return self._timer is not None

    def action_help(self) -> None:
        from cnn_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.model.chapter, self.model.current))

    def action_picture(self) -> None:
        self._act(self.model.next_picture)

    def action_feature(self) -> None:
        self._act(self.model.next_feature)

    def action_edit(self) -> None:
        self.stop_play()
        self._act(self.model.toggle_edit)
        self.refresh_bindings()

    def action_cursor(self, dr: int, dc: int) -> None:
        self._act(self.model.move_cursor, dr, dc)

    def action_toggle_pixel(self) -> None:
        self._act(self.model.toggle_pixel)

    def action_fractions(self) -> None:
        self._act(self.model.toggle_style)

    def action_numbers(self) -> None:
        self._act(self.model.cycle_numbers)
        self.say(NUMBERS_SAID[self.model.numbers], info=True)

    def action_chapter_key(self, chapter_id: str, method: str, *args) -> None:
        """A key of the open chapter's own (see its ``bindings``)."""
        self._act(getattr(self.model.chapters[chapter_id], method), *args)

    def action_reset(self) -> None:
        self.stop_play()
        self._act(self.model.reset)

    def action_quiz(self) -> None:
        self.stop_play()
        self.app.open_quiz()

    def action_escape(self) -> None:
        prompt = self.query_one("#prompt", Input)
        if prompt.has_class("shown"):
            self._hide_prompt()
        elif self.model.editing:
            self.action_edit()
        elif self.message:
            self.say("")

    def action_jump(self) -> None:
        prompt = self.query_one("#prompt", Input)
        prompt.placeholder = self.model.current.jump_prompt
        prompt.value = ""
        prompt.disabled = False
        prompt.add_class("shown")
        self.add_class("prompting")
        prompt.focus()

    def _hide_prompt(self) -> None:
        prompt = self.query_one("#prompt", Input)
        prompt.remove_class("shown")
        self.remove_class("prompting")
        prompt.disabled = True
        self.set_focus(None)

    @on(Input.Submitted, "#prompt")
    def _prompt_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self._hide_prompt()
        self._act(self.model.submit_prompt, text)

    @on(MatrixView.CellClicked)
    def _cell_clicked(self, event: MatrixView.CellClicked) -> None:
        if event.view.id == "image":
            if not self.model.editing:
                self.model.toggle_edit()
                self.refresh_bindings()
            self._act(self.model.toggle_pixel, (event.row, event.col))
        elif event.view.id == "map" and self.model.current.map_click_jumps:
            self._act(self.model.jump_to, (event.row, event.col))
