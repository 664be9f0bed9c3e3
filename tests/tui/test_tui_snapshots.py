"""SVG snapshots of every chapter and of the quiz at 80x24, 120x40 and 160x48 (the zoom follows
the terminal: 160x48 draws the pictures twice as large), of help and of a too-small terminal.

The app is built with fixed data (picture x, feature diag, no animation, no blinking cursor).
Regenerate with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` after looking at
the new pictures.
"""

from __future__ import annotations

import pytest

from pathlib import Path

from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.app import CnnTuiApp

PUZZLES = Path(__file__).resolve().parents[2] / "puzzles"

# A few steps into each chapter so that its window, stage or choice is visible.
KEYS = {
    "literal": [],
    "features": ["f"],
    "filtering": ["right", "right", "right", "right"],
    "convolution": ["right"] * 9,
    "sequences": ["right"] * 7,
    "padding": ["plus", "right", "right"],
    "edges": ["f"],
    "relu": ["right"] * 9,
    "pooling": ["right"] * 4,
    "invariance": [],
    "stacking": ["right", "right", "right"],
    "votes": ["w"],
    "params": ["right"],
    "implement": ["right", "right"],
    "train": [],          # untrained: training itself runs on a thread (tests/tui/test_train_panel.py)
}


def build(chapter: str) -> CnnTuiApp:
    app = CnnTuiApp(start=chapter, picture="x", feature="diag", play_interval=60.0)
    app.animation_level = "none"
    return app


SIZES = {"80x24": (80, 24), "120x40": (120, 40), "160x48": (160, 48)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_snapshot(snap_compare, chapter, size):
    assert snap_compare(build(chapter), press=KEYS[chapter], terminal_size=SIZES[size])


# The quiz on a 9x9 puzzle after a wrong answer that forgot to divide by 9 (5 for 5/9): the
# slip is named, the worked answer is not shown yet.
QUIZ_START = "window-partial-match"
QUIZ_KEYS = ["5", "enter"]


@pytest.mark.parametrize("size", SIZES)
def test_quiz_snapshot(snap_compare, tmp_path, size):
    options = QuizOptions(data_dir=str(tmp_path), puzzles_dir=str(PUZZLES),
                          start=QUIZ_START)
    app = CnnTuiApp(start="quiz", quiz_options=options, play_interval=60.0)
    app.animation_level = "none"
    assert snap_compare(app, press=QUIZ_KEYS, terminal_size=SIZES[size])


def test_help_snapshot_80x24(snap_compare):
    assert snap_compare(build("convolution"), press=["question_mark"], terminal_size=(80, 24))


def test_too_small_snapshot(snap_compare):
    assert snap_compare(build("convolution"), terminal_size=(70, 20))
