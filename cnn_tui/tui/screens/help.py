"""The help screen: every key, and what the current chapter teaches."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cnn_tui.lesson.chapters import CHAPTER_IDS, chapter_class

# The keys that work in every chapter (a chapter lists its own in its ``keys``).
GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("n / p", "next / previous chapter"),
    ("right / left", "step forward / back"),
    ("space", "play / pause"),
    ("r", "reset this chapter"),
    ("i", "next picture (X, O and the variants)"),
    ("e", "edit mode: arrows move, space or click toggles a pixel"),
    ("f", "next feature (or edge kernel)"),
    ("d", "decimals (0.55) / exact fractions (5/9)"),
    ("b", "pixels as blocks / as their values +1 and -1 / both"),
    ("< / >", "smaller / larger pictures (the zoom follows the terminal's size)"),
    ("z", "open the quiz"),
    ("ctrl+p", "command palette: jump to any chapter"),
    ("?", "this help"),
    ("q", "quit"),
)


def help_text(chapter_id: str, chapter=None) -> Text:
    """The help of a chapter; ``chapter`` (the open one) gives its notes with the open
    picture's sizes."""
    ch = chapter_class(chapter_id)
    t = Text()
    t.append(f"Chapter {CHAPTER_IDS.index(chapter_id) + 1}/{len(CHAPTER_IDS)}: {ch.title}\n",
             style="bold")
    t.append((ch.more if chapter is None else chapter.more_text) + "\n\n")
    if ch.keys:
        t.append("Keys in this chapter\n", style="bold underline")
        for key, what in ch.keys:
            t.append(f"  {key:<16}", style="bold #00a6d6")
            t.append(f"{what}\n")
        t.append("\n")
    t.append("Everywhere\n", style="bold underline")
    for key, what in GLOBAL_KEYS:
        t.append(f"  {key:<16}", style="bold #00a6d6")
        t.append(f"{what}\n")
    t.append("\nescape, ? or q closes this help.", style="dim")
    return t


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 96; height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, chapter_id: str, chapter=None) -> None:
        super().__init__()
        self.chapter_id = chapter_id
        self.chapter = chapter

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(self.chapter_id, self.chapter), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
