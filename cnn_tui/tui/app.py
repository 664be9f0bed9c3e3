"""The cnn-tui Textual app: the step-through simulator of the X's and O's lecture."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding

from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.lesson.model import LessonModel
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.commands import LessonCommands
from cnn_tui.tui.screens import QUIZ, SCREENS
from cnn_tui.tui.screens.lesson import LessonScreen
from cnn_tui.tui.startup import resume_gc

if TYPE_CHECKING:
    from cnn_tui.quiz.learners import Classroom

__all__ = ["SCREENS", "CnnTuiApp"]


class CnnTuiApp(App[None]):
    """Opens on chapter ``start`` (a chapter id) or on the quiz (``start="quiz"``); the quiz
    opens with ``quiz_options``."""

    TITLE = "cnn-tui"
    SUB_TITLE = "how a convolutional network sees"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("greater_than_sign,ctrl+equals_sign,ctrl+plus", "zoom(1)", "Zoom in",
                show=False, key_display=">"),
        Binding("less_than_sign,ctrl+minus", "zoom(-1)", "Zoom out", show=False,
                key_display="<"),
    ]
    MAX_ZOOM = 4

    def __init__(self, start: str = CHAPTER_IDS[0], quiz_options: QuizOptions | None = None, *,
                 picture: str = "x", feature: str = "diag", play_interval: float = 0.3,
                 classroom: Classroom | None = None, own_picture=None, **kw) -> None:
        if start not in SCREENS:
            raise ValueError(f"unknown screen {start!r}; choose one of {', '.join(SCREENS)}")
        super().__init__(**kw)
        self.start = start
        self.quiz_options = quiz_options
        # Served to a browser (``cnn-tui serve``): ask the learner's name first; their quiz
        # progress is kept in their own folder of the classroom.
        self.classroom = classroom
        self.learner: str | None = None
        self.model = LessonModel(chapter=start if start != QUIZ else CHAPTER_IDS[0],
                                 picture=picture, feature=feature)
        if own_picture is not None:     # cnn-tui --picture FILE: a loaded Picture
            self.model.open_picture(own_picture.pixels, own_picture.name)
        self.lesson = LessonScreen(self.model, play_interval=play_interval)
        # When the learner last pressed a key or clicked: background work (training) steps
        # aside for a moment after it, so that the answer is drawn at full speed.
        self.input_time = float("-inf")
        # The learner's zoom, added to the one the terminal's size suggests (see ``zoom_for``).
        self.zoom_offset = 0

    @staticmethod
    def auto_zoom(width: int, height: int) -> int:
        """The zoom a terminal of ``width`` x ``height`` suggests: 1 up to about twice 80x24,
        2 from 160x46, 3 from 240x70 (a row or two may go to a status bar)."""
        return max(1, min(3, width // 80, (height + 2) // 24))

    def zoom_for(self, width: int, height: int) -> int:
        """The zoom to draw at: the suggested one plus the learner's ``<``/``>``."""
        return max(1, min(self.MAX_ZOOM, self.auto_zoom(width, height) + self.zoom_offset))

    def action_zoom(self, step: int) -> None:
        w, h = self.size
        auto = self.auto_zoom(w, h)
        self.zoom_offset = max(1 - auto, min(self.MAX_ZOOM - auto, self.zoom_offset + step))
        changed = getattr(self.screen, "zoom_changed", None)
        if changed is not None:
            changed()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.input_time = time.monotonic()
        await super().on_event(event)

    def on_mount(self) -> None:
        # The first screen is drawn after this refresh: the collector, paused while the app
        # loaded (see ``cnn_tui.tui.startup``), runs again.
        self.call_after_refresh(resume_gc)
        if self.classroom is not None:
            # The name comes first, alone: the lesson is built once it is given.
            from cnn_tui.tui.screens.learner import NameScreen

            self.push_screen(NameScreen(self.classroom), self._welcome)
            return
        self.push_screen(self.lesson)
        if self.start == QUIZ:
            self.open_quiz()

    def _welcome(self, learner: tuple[str, Path] | None) -> None:
        """The learner named themselves: keep their quiz progress in their folder."""
        if learner is None:
            return
        name, folder = learner
        self.learner = name
        self.sub_title = f"{name} · {self.SUB_TITLE}"
        self.quiz_options = replace(self.quiz_options or QuizOptions(), data_dir=str(folder))
        self.push_screen(self.lesson)
        self.notify(f"Welcome, {name}. Your quiz progress (z opens the quiz) is kept under "
                    f"this name.", timeout=6)
        if self.start == QUIZ:
            self.open_quiz()

    @property
    def awaiting_name(self) -> bool:
        """Served, and the learner has not named themselves yet: nothing but the name screen
        works (no palette, no chapter, no quiz kept in some other folder)."""
        return self.classroom is not None and self.learner is None

    def check_action(self, action: str, parameters) -> bool | None:
        if self.awaiting_name and action == "command_palette":
            return False
        return super().check_action(action, parameters)

    def open_quiz(self) -> None:
        """Open the quiz on top of the lesson (escape comes back)."""
        from cnn_tui.tui.screens.quiz import make_quiz_screen

        if self.awaiting_name:
            return
        self.clear_notifications()        # a welcome note must not cover the quiz's feedback
        self.push_screen(make_quiz_screen(self.quiz_options))

    async def goto_chapter(self, chapter: str) -> None:
        if self.awaiting_name:
            return
        while len(self.screen_stack) > 1 and self.screen is not self.lesson:
            self.pop_screen()
        await self.lesson.goto_chapter(chapter)

    def set_picture(self, name: str) -> None:
        if self.awaiting_name:
            return
        self.lesson._act(self.model.set_picture, name)

    def ask_picture_file(self) -> None:
        """The palette's "Open a picture file…": ask for a file, then study it everywhere."""
        if self.awaiting_name:
            return
        if self.classroom is not None:     # served: files are the server's, not the learner's
            self.lesson.say("In class, pictures come from the lesson (i) or your drawing (e); "
                            "opening files works when cnn-tui runs on your own computer.")
            return
        from cnn_tui.tui.screens.open_picture import OpenPictureScreen

        self.push_screen(OpenPictureScreen(), self._picture_opened)

    def _picture_opened(self, picture) -> None:
        if picture is None:
            return
        self.model.open_picture(picture.pixels, picture.name)
        rows, cols = picture.pixels.shape
        self.lesson.say(f"Opened {picture.name} ({rows}x{cols}); i goes back to the lesson's "
                        f"pictures.", info=True)

    def set_feature(self, name: str) -> None:
        """A feature (diag, x, anti) or an edge kernel (horizontal, vertical, deg45, deg135)."""
        if self.awaiting_name:
            return
        self.lesson._act(self.model.set_feature, name)
