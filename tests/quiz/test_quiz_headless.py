"""`cnn-tui run --headless --screen quiz` drives the real app's quiz end to end."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli

pytestmark = pytest.mark.app   # every test here runs the app headless


def test_headless_quiz_solves_the_practice(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    script = tmp_path / "quiz.txt"
    script.write_text("# the lecture's practice, then a hint\n"
                      "press n\n"
                      "type 19\npress tab\ntype 25\npress tab\ntype 37\npress tab\ntype 43\n"
                      "press enter\n"
                      "expect Right! All 4 cells correct\n"
                      "press h\n"
                      "expect Hint 1/3\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--script", str(script)], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert "score 1/37" in r.stdout
    saved = json.loads((tmp_path / "progress.json").read_text())
    assert saved["puzzles"]["practice"] == {"solved": True, "attempts": 1, "hints": 1}


def test_headless_quiz_wrong_answer_shows_its_working_on_the_second_try(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    working = "0×0 + 1×1 + 3×2 + 4×3 = 19"      # the worked arithmetic of the wrong cell
    first = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                     "--keys", "1 8 enter"], prog_name="cnn-tui")
    assert first.exit_code == 0, first.output
    assert "Not right yet" in first.stdout and working not in first.stdout
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path / "again"))
    second = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                      "--keys", "1 8 enter enter"], prog_name="cnn-tui")
    assert second.exit_code == 0, second.output
    assert working in second.stdout


def test_footer_lists_the_quiz_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36"],
                           prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    footer = r.stdout.rstrip().splitlines()[-1]
    for label in ("Check", "h Hint", "w Working", "n Next", "p Prev", "l List", "? Help",
                  "q Quit"):
        assert label in footer, footer


async def test_quiz_from_the_lesson_and_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    from cnn_tui.quiz.options import QuizOptions
    from cnn_tui.tui.app import CnnTuiApp
    from cnn_tui.tui.screens.quiz import QuizScreen

    app = CnnTuiApp(start="literal", quiz_options=QuizOptions(data_dir=str(tmp_path)))
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        lesson = app.screen
        app.open_quiz()
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is lesson
