"""SVG snapshots of every chapter at 100x36 and of the convolution chapter at 80x24.

The app is built with fixed data (picture x, feature diag, no animation, no blinking cursor).
Regenerate with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` after looking at
the new pictures.
"""

from __future__ import annotations

import pytest

from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.tui.app import CnnTuiApp

# A few steps into each chapter so that its window, stage or choice is visible.
KEYS = {
    "literal": [],
    "features": ["f"],
    "filtering": ["right", "right", "right", "right"],
    "convolution": ["right"] * 9,
    "padding": ["plus", "right", "right"],
    "edges": ["f"],
    "relu": ["right"] * 9,
    "pooling": ["right"] * 4,
    "stacking": ["right", "right", "right"],
    "votes": [],
    "params": ["right"],
    "implement": ["right", "right"],
    "train": [],          # untrained: training itself runs on a thread (tests/tui/test_train_panel.py)
}


def build(chapter: str) -> CnnTuiApp:
    app = CnnTuiApp(start=chapter, picture="x", feature="diag", play_interval=60.0)
    app.animation_level = "none"
    return app


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_snapshot_100x36(snap_compare, chapter):
    assert snap_compare(build(chapter), press=KEYS[chapter], terminal_size=(100, 36))


def test_convolution_snapshot_80x24(snap_compare):
    assert snap_compare(build("convolution"), press=["right"] * 9, terminal_size=(80, 24))


def test_help_snapshot_80x24(snap_compare):
    assert snap_compare(build("convolution"), press=["question_mark"], terminal_size=(80, 24))


def test_too_small_snapshot(snap_compare):
    assert snap_compare(build("convolution"), terminal_size=(70, 20))
