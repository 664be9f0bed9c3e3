"""The first screen of a served app (``cnn-tui serve``): "What is your name?".

The name picks where the learner's quiz progress is kept (:class:`~cnn_tui.quiz.learners.Classroom`).
A name that cannot be used, or a folder that cannot be written, is said on the screen under the
box; the learner types again. The screen closes with the learner's folder.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cnn_tui.quiz.learners import MAX_NAME, BadName, Classroom, check_name


class NameScreen(ModalScreen[tuple[str, Path]]):
    """Asks the learner's name; dismissed with ``(name, folder)`` once the folder is ready."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $accent; background: $panel; padding: 0 1;
    }
    NameScreen #name-intro { margin-bottom: 1; }
    NameScreen #name-problem { color: $error; height: auto; }
    """

    def __init__(self, classroom: Classroom) -> None:
        super().__init__()
        self.classroom = classroom

    def compose(self) -> ComposeResult:
        intro = Text()
        intro.append("Welcome to cnn-tui\n", style="bold")
        intro.append("What is your name? Your quiz progress is kept under it on this server: "
                     "type the same name next time to carry on.")
        with Vertical():
            yield Static(intro, id="name-intro")
            yield Input(placeholder="your name, then enter", max_length=MAX_NAME,
                        id="name-input")
            yield Static("", id="name-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.query_one("#name-problem", Static)
        try:
            name = check_name(event.value)
            folder = self.classroom.enrol(name)
        except BadName as exc:
            problem.update(as_sentence(str(exc)))
            return
        except OSError as exc:
            problem.update(f"Your progress cannot be kept on this server "
                           f"({exc.strerror or type(exc).__name__}); tell your teacher.")
            return
        self.dismiss((name, folder))


def as_sentence(text: str) -> str:
    """An error message as a sentence on the screen: a capital first, a full stop last."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
