"""One SVG snapshot of the quiz screen at a fixed size (checked by eye as a PNG when accepted)."""

from __future__ import annotations

from quiz_apps import QuizTestApp


def test_quiz_screen_snapshot(snap_compare, tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    keys = ["1", "9", "tab", "2", "6", "tab", "3", "7", "tab", "4", "3", "enter", "h"]
    assert snap_compare(app, press=keys, terminal_size=(100, 36))
