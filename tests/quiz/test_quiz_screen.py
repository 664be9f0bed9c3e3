"""Pilot tests of the quiz screen: typing, grading, worked arithmetic, hints, progress, list."""

from __future__ import annotations

import json

from textual.widgets import OptionList, Static

from cnn_tui.quiz.progress import FILENAME
from cnn_tui.tui.screens.quiz import PuzzleList, QuizHelp, QuizScreen
from cnn_tui.tui.widgets.quiz_grid import QuizGrid

from quiz_apps import QuizTestApp

SIZE = (100, 36)


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


async def type_cells(pilot, *answers):
    for i, a in enumerate(answers):
        if i:
            await pilot.press("tab")
        await pilot.press(*list(a))


async def test_solve_the_practice_by_typing_19_25_37_43(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.session.puzzle.id == "practice"
        await type_cells(pilot, "19", "25", "37", "43")
        grid = screen.query_one(QuizGrid)
        assert grid.entries == [["19", "25"], ["37", "43"]]
        await pilot.press("enter")
        await pilot.pause()
        assert grid.marks == [[True, True], [True, True]]
        assert text_of(screen, "#quiz-message").startswith("Right! All 4 cells correct")
        assert "✓ solved" in text_of(screen, "#quiz-head")
        assert "score 1/37" in text_of(screen, "#quiz-head")
    saved = json.loads((tmp_path / FILENAME).read_text())
    assert saved["puzzles"]["practice"] == {"solved": True, "attempts": 1, "hints": 0}


async def test_wrong_answer_shows_its_worked_arithmetic_on_the_second_try(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_cells(pilot, "19", "26", "37", "43")
        await pilot.press("enter")
        await pilot.pause()
        grid = screen.query_one(QuizGrid)
        assert grid.marks == [[True, False], [True, True]]
        assert grid.cursor == (0, 1)
        assert "3 of 4 cells right" in text_of(screen, "#quiz-message")
        assert text_of(screen, "#quiz-working") == ""          # not yet: a hint comes first
        assert text_of(screen, "#quiz-hints").startswith("Hint 1/3")
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(screen, "#quiz-working") == (
            "Worked answer: output row 0, column 1: 1×0 + 2×1 + 4×2 + 5×3 = 25")
        # Fix it: erase, retype, submit.
        await pilot.press("backspace", "backspace", "2", "5", "enter")
        await pilot.pause()
        assert grid.marks == [[True, True], [True, True]]
    saved = json.loads((tmp_path / FILENAME).read_text())
    assert saved["puzzles"]["practice"]["attempts"] == 3
    assert saved["puzzles"]["practice"]["solved"] is True


async def test_working_on_request_for_the_current_cell(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "right", "w")
        assert app.screen.query_one(QuizGrid).cursor == (1, 1)
        assert text_of(app.screen, "#quiz-working").endswith("4×0 + 5×1 + 7×2 + 8×3 = 43")


async def test_fraction_answer_in_lecture_form_and_exact(tmp_path):
    app = QuizTestApp(tmp_path, start="window-partial-match")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        grid = app.screen.query_one(QuizGrid)
        assert grid.cursor == (3, 3) and grid.editable() == [(3, 3)]
        await pilot.press("5", "slash", "9", "enter")
        await pilot.pause()
        assert grid.marks[3][3] is True


async def test_not_a_number_gets_a_message_not_a_mark(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter")          # all empty
        assert "row 0, column 0 is empty" in text_of(screen, "#quiz-message")
        await type_cells(pilot, "19", "25", "37", "1/0")
        await pilot.press("enter")
        await pilot.pause()
        grid = screen.query_one(QuizGrid)
        assert "divides by zero" in text_of(screen, "#quiz-message")
        assert grid.marks == [[None, None], [None, None]]
        assert grid.cursor == (1, 1)
        await type_cells(pilot, "-")
        await pilot.press("enter")
        assert "not a number" in text_of(screen, "#quiz-message")
    assert not (tmp_path / FILENAME).exists() or json.loads(
        (tmp_path / FILENAME).read_text())["puzzles"].get("practice", {}).get("attempts", 0) == 0


async def test_hints_one_at_a_time(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        hints = screen.session.puzzle.hints
        assert len(hints) == 3
        assert text_of(screen, "#quiz-hints") == ""
        await pilot.press("h")
        shown = text_of(screen, "#quiz-hints")
        assert shown == f"Hint 1/3: {hints[0]}"
        await pilot.press("h")
        assert text_of(screen, "#quiz-hints").splitlines()[1] == f"Hint 2/3: {hints[1]}"
        await pilot.press("h", "h")
        assert len(text_of(screen, "#quiz-hints").splitlines()) == 3
        assert "No more hints" in text_of(screen, "#quiz-message")
        assert "hints 3/3" in text_of(screen, "#quiz-head")
    saved = json.loads((tmp_path / FILENAME).read_text())
    assert saved["puzzles"]["practice"]["hints"] == 3


async def test_progress_kept_after_quitting_and_reopening(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_cells(pilot, "19", "25", "37", "43")
        await pilot.press("enter", "q")
    assert app.return_code == 0
    again = QuizTestApp(tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.screen
        assert screen.session.puzzle.id == "practice"   # resumes where it stopped
        assert "✓ solved" in text_of(screen, "#quiz-head")
        assert "score 1/37" in text_of(screen, "#quiz-head")
        assert "solved this one before" in text_of(screen, "#quiz-message")
        await pilot.press("l")
        await pilot.pause()
        lst = again.screen
        assert isinstance(lst, PuzzleList)
        ol = lst.query_one(OptionList)
        labels = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]
        assert labels[1].startswith("✓  2.") and labels[0].startswith("·  1.")


async def test_next_previous_and_jump_from_the_list(tmp_path):
    app = QuizTestApp(tmp_path, start="practice-first-cell")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("p")
        assert "first puzzle" in text_of(screen, "#quiz-message")
        await pilot.press("n")
        assert screen.session.puzzle.id == "practice"
        await pilot.press("1", "p", "n")
        # What was typed on a puzzle stays when coming back to it.
        assert screen.query_one(QuizGrid).entries[0][0] == "1"
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.session.puzzle.id == "window-partial-match"
        assert screen.query_one(QuizGrid).has_focus
    saved = json.loads((tmp_path / FILENAME).read_text())
    assert saved["current"] == "window-partial-match"


async def test_help_opens_and_closes(tmp_path):
    app = QuizTestApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, QuizHelp)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)


async def test_damaged_progress_message_on_screen(tmp_path):
    (tmp_path / FILENAME).write_text("garbage", encoding="utf-8")
    app = QuizTestApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "moved to progress.json.damaged-" in text_of(app.screen, "#quiz-message")


async def test_window_outline_follows_the_cursor(tmp_path):
    app = QuizTestApp(tmp_path, start="maxpool-small")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.session.puzzle.window(0, 1) == {0: [(0, 2), (0, 3), (1, 2), (1, 3)]}
        await pilot.press("right")
        assert screen.query_one(QuizGrid).cursor == (0, 1)


async def test_random_practice_screen(tmp_path):
    app = QuizTestApp(tmp_path, random=True, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.session.random and len(screen.session.puzzles) == 20
        assert text_of(screen, "#quiz-head").startswith("Practice 1/20")
        truth = screen.session.puzzle.answer
        from cnn_tui.engine import format_number
        for i, (r, c) in enumerate(screen.session.puzzle.cells()):
            if i:
                await pilot.press("tab")
            await pilot.press(*list(format_number(truth[r, c])))
        await pilot.press("enter")
        assert text_of(screen, "#quiz-message").startswith("Right!")
    assert not (tmp_path / FILENAME).exists()   # random practice is not saved


async def test_a_burst_of_keys_keeps_its_order(tmp_path):
    """Keys arriving together (as from a fast typist or a paste) are handled in order."""
    from textual.events import Key

    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        grid = app.screen.query_one(QuizGrid)
        for key, ch in [("1", "1"), ("9", "9"), ("tab", "\t"), ("2", "2"), ("5", "5"),
                        ("down", None), ("4", "4"), ("3", "3"), ("shift+tab", None),
                        ("3", "3"), ("7", "7"), ("enter", "\r")]:
            grid.post_message(Key(key, ch))
        await pilot.pause()
        assert grid.entries == [["19", "25"], ["37", "43"]]
        assert grid.marks == [[True, True], [True, True]]


async def test_unwritable_data_dir_is_a_message_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = QuizTestApp(blocker / "sub", start="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_cells(pilot, "19", "25", "37", "43")
        await pilot.press("enter")
        await pilot.pause()
        msg = text_of(app.screen, "#quiz-message")
        assert msg.startswith("Right!") and "Could not save your progress" in msg
