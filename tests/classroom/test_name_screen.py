"""The served app's first screen, in process (Textual's pilot): the name comes first, a bad one
is said under the box, a good one opens the lesson with the quiz kept in the learner's folder."""

from __future__ import annotations

import json

from cnn_tui.quiz.learners import Classroom
from cnn_tui.tui.app import CnnTuiApp
from cnn_tui.tui.headless import run_headless
from cnn_tui.tui.screens.learner import NameScreen
from cnn_tui.tui.screens.lesson import LessonScreen



async def settle(pilot, n: int = 6) -> None:
    for _ in range(n):
        await pilot.pause()


def flat(text: str) -> str:
    return " ".join(text.split())


def served_app(tmp_path, **kw) -> CnnTuiApp:
    app = CnnTuiApp(classroom=Classroom(tmp_path), play_interval=60.0, **kw)
    app.animation_level = "none"
    return app


def problem_text(app) -> str:
    return str(app.screen.query_one("#name-problem").render())


async def test_the_name_comes_first_and_a_bad_one_is_said_under_the_box(tmp_path):
    app = served_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        await pilot.press("enter")
        assert "Type your name first" in problem_text(app)
        for key in "a/b":
            await pilot.press("slash" if key == "/" else key)
        await pilot.press("enter")
        await settle(pilot)
        assert "cannot hold '/'" in problem_text(app)
        assert isinstance(app.screen, NameScreen)
        assert not (tmp_path / "learners").exists()
        assert app.learner is None


async def test_a_good_name_opens_the_lesson_and_keeps_the_quiz_in_its_folder(tmp_path):
    app = served_app(tmp_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"Ann", "space", "B", "full_stop", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        assert app.learner == "Ann B."
        folder = tmp_path / "learners" / "ann-b"
        assert app.quiz_options.data_dir == str(folder)
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("1", "9", "enter")            # puzzle 1: 0*0+1*1+3*2+4*3 = 19
        await settle(pilot)
    saved = json.loads((folder / "progress.json").read_text())
    assert saved["puzzles"]["practice-first-cell"]["solved"] is True
    assert json.loads((folder / "learner.json").read_text()) == {"name": "Ann B."}


async def test_a_folder_that_cannot_be_written_is_said_and_the_name_can_be_typed_again(
        tmp_path, monkeypatch):
    def refuse(self, name):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Classroom, "enrol", refuse)
    app = served_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Eve", "enter")
        await settle(pilot)
        assert "cannot be kept on this server (Permission denied)" in flat(problem_text(app))
        assert isinstance(app.screen, NameScreen)


async def test_a_served_quiz_start_opens_the_quiz_after_the_name(tmp_path):
    app = served_app(tmp_path, start="quiz")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"Flo", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "QuizScreen"


def test_headless_run_with_a_class_dir_asks_the_name(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("type ../x\npress enter\nexpect cannot hold\n")
    code = run_headless("literal", (80, 24), None, str(script), None,
                        app_kwargs={"classroom": Classroom(tmp_path / "room")})
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "What is your name?" in out and "cannot hold '/'" in out


def test_snapshot_of_the_name_screen(snap_compare, tmp_path):
    async def steady_cursor(pilot):           # a blinking cursor would make the picture flicker
        await settle(pilot)
        pilot.app.screen.query_one("#name-input").cursor_blink = False

    assert snap_compare(served_app(tmp_path / "room"), run_before=steady_cursor,
                        press=["full_stop", "full_stop", "slash", "x", "enter"],
                        terminal_size=(80, 24))


async def test_the_welcome_note_goes_when_the_quiz_opens(tmp_path):
    """The note sits bottom right for seconds; over the quiz it would hide the feedback."""
    app = served_app(tmp_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"Hal", "enter")
        await settle(pilot)
        assert [n.message for n in app._notifications][0].startswith("Welcome, Hal.")
        await pilot.press("z")
        await settle(pilot)
        assert list(app._notifications) == []


async def test_nothing_gets_past_the_name_screen(tmp_path, monkeypatch):
    """Not the command palette, nor what it offers (the quiz, a chapter, a picture): before a
    name there is no folder to keep progress in, and never the server user's own."""
    teacher = tmp_path / "teacher's own"
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(teacher))
    app = served_app(tmp_path / "room")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        app.open_quiz()
        await app.goto_chapter("pooling")
        app.set_picture("o")
        app.set_feature("x")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        assert len(app.screen_stack) == 2            # the default screen and the name screen
        assert app.model.picture == "x"
    assert not teacher.exists()
