"""The quiz screen in narrow terminals: it opens at 44 columns, survives a live resize, and its
header always fits."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static

from cnn_tui.tui.screens.quiz import QuizScreen

from quiz_apps import QuizTestApp


def head_of(screen) -> str:
    return str(screen.query_one("#quiz-head", Static).render())


async def test_quiz_opens_in_a_44_column_terminal(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=(44, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        head = head_of(screen)
        assert cell_len(head) <= 44 - 2  # the head's padding takes one column each side
        assert "2/37" in head            # the position in the curriculum survives
        await pilot.press("n")
        await pilot.pause()
        assert screen.session.puzzle.id == "window-perfect-match"
        assert cell_len(head_of(screen)) <= 42
        for key in ("question_mark", "escape", "l", "escape", "h", "w"):  # help, list, hint
            await pilot.press(key)
            await pilot.pause()
        assert app.screen is screen
        assert str(screen.query_one("#quiz-hints", Static).render()).startswith("Hint 1/")


async def test_quiz_survives_a_live_resize_to_44_columns(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(44, 20)
        await pilot.pause()
        assert cell_len(head_of(app.screen)) <= 42
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert screen.session.puzzle.id == "window-perfect-match"
        assert "3/37" in head_of(screen)
        await pilot.resize_terminal(12, 10)  # absurdly small: still no crash
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert screen.session.puzzle.id == "practice"
