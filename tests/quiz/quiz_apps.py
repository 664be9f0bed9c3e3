"""A tiny app around the quiz screen for pilot and snapshot tests (fixed data, fixed size)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.screens.quiz import make_quiz_screen

PUZZLES = Path(__file__).resolve().parents[2] / "puzzles"


class QuizTestApp(App):
    def __init__(self, data_dir, **options) -> None:
        super().__init__()
        self.options = QuizOptions(**{"data_dir": str(data_dir), "puzzles_dir": str(PUZZLES),
                                      **options})

    def on_mount(self) -> None:
        self.push_screen(make_quiz_screen(self.options))
