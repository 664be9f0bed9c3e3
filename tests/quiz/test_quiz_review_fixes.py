"""Regressions from the quiz review: narrow terminals, exit codes, --seed, concurrent progress,
a stale saved puzzle, `puzzles check` on a missing folder, grammar and an unknown --start."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from rich.cells import cell_len
from textual.widgets import Static

import cnn_tui.tui.app as tui_app
from cnn_tui.cli import cli
from cnn_tui.quiz.progress import FILENAME, Progress
from cnn_tui.quiz.puzzle import load_dir
from cnn_tui.quiz import randomgen
from cnn_tui.quiz.session import QuizSession
from cnn_tui.tui.screens.quiz import QuizScreen, build_session

from quiz_apps import PUZZLES, QuizTestApp

# Answers by hand: input 0..8 (3x3), kernel 0..3 (2x2), plain sums.
FIRST_CELL = [["19"]]                      # 0x0 + 1x1 + 3x2 + 4x3
PRACTICE = [["19", "25"], ["37", "43"]]


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


def head_of(screen) -> str:
    return str(screen.query_one("#quiz-head", Static).render())


# --- 1. narrow terminals ------------------------------------------------------------------------
async def test_quiz_opens_in_a_44_column_terminal(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")
    async with app.run_test(size=(44, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        head = head_of(screen)
        assert cell_len(head) <= 44 - 2  # the head's padding takes one column each side
        assert "2/31" in head            # the position in the curriculum survives
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
        assert "3/31" in head_of(screen)
        await pilot.resize_terminal(12, 10)  # absurdly small: still no crash
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert screen.session.puzzle.id == "practice"


# --- 2. the exit status of `cnn-tui quiz` follows the app's ---------------------------------------
class _CrashedApp:
    """Stands in for the Textual app: records its options and 'crashes' (return code 1)."""

    seen: list[dict] = []

    def __init__(self, start=None, quiz_options=None, **_):
        self.quiz_options = quiz_options
        self.return_code = None

    def run(self):
        _CrashedApp.seen.append(self.quiz_options)
        self.return_code = 1


class _CleanApp(_CrashedApp):
    def run(self):
        _CrashedApp.seen.append(self.quiz_options)
        self.return_code = 0


def test_quiz_exit_status_is_the_apps_return_code(tmp_path, monkeypatch):
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CrashedApp)
    r = run("quiz", "--data-dir", str(tmp_path))
    assert r.exit_code == 1
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CleanApp)
    r = run("quiz", "--data-dir", str(tmp_path))
    assert r.exit_code == 0


# --- 3. --seed must be 0 or more --------------------------------------------------------------------
def test_negative_seed_is_a_one_line_usage_error(monkeypatch):
    _CrashedApp.seen.clear()
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CleanApp)
    r = run("quiz", "--random", "--seed", "-1")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--seed" in lines[0] and "-1" in lines[0], lines
    assert "Traceback" not in r.output
    assert _CrashedApp.seen == []  # the app never opened


def test_seed_zero_is_still_fine(monkeypatch):
    _CrashedApp.seen.clear()
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CleanApp)
    r = run("quiz", "--random", "--seed", "0")
    assert r.exit_code == 0, r.output
    assert _CrashedApp.seen[0]["seed"] == 0


# --- 4. two sittings at once do not lose each other's progress --------------------------------------
def test_two_sessions_on_one_data_dir_keep_both_solutions(tmp_path):
    cur = load_dir(PUZZLES)
    a = QuizSession(cur, Progress.load(tmp_path), start="practice-first-cell")
    b = QuizSession(cur, Progress.load(tmp_path), start="practice")
    assert a.submit(FIRST_CELL).solved
    assert b.submit(PRACTICE).solved
    again = Progress.load(tmp_path)
    assert again.get("practice-first-cell").solved
    assert again.get("practice").solved
    assert again.current == "practice"  # the last writer's position


def test_save_merges_with_the_file_on_disk(tmp_path):
    disk = Progress.load(tmp_path)
    disk.record("only-on-disk").hints = 2
    r = disk.record("both")
    r.solved, r.attempts, r.hints = True, 5, 1
    disk.current = "both"
    disk.save()
    mine = Progress(tmp_path / FILENAME)  # a sitting that loaded before the file existed
    m = mine.record("both")
    m.solved, m.attempts, m.hints = False, 2, 3
    mine.record("only-mine").attempts = 1
    mine.current = "only-mine"
    mine.save()
    saved = json.loads((tmp_path / FILENAME).read_text(encoding="utf-8"))
    assert saved["current"] == "only-mine"
    assert saved["puzzles"] == {
        "both": {"solved": True, "attempts": 5, "hints": 3},
        "only-mine": {"solved": False, "attempts": 1, "hints": 0},
        "only-on-disk": {"solved": False, "attempts": 0, "hints": 2},
    }


def test_save_over_a_damaged_file_still_writes_ours(tmp_path):
    mine = Progress.load(tmp_path)
    mine.record("practice").solved = True
    (tmp_path / FILENAME).write_text("{not json", encoding="utf-8")
    mine.save()
    saved = json.loads((tmp_path / FILENAME).read_text(encoding="utf-8"))
    assert saved["puzzles"] == {"practice": {"solved": True, "attempts": 0, "hints": 0}}
    # Loading a damaged file still moves it aside, as before.
    (tmp_path / FILENAME).write_text("[1, 2]", encoding="utf-8")
    fresh = Progress.load(tmp_path)
    assert fresh.records == {} and "moved to" in fresh.notice
    assert list(tmp_path.glob(f"{FILENAME}.damaged-*"))


# --- 5. a saved position that names a removed puzzle ------------------------------------------------
def test_resume_skips_a_saved_puzzle_that_no_longer_exists(tmp_path):
    prog = Progress.load(tmp_path)
    prog.current = "a-puzzle-that-was-removed"
    prog.record("practice-first-cell").solved = True
    prog.record("practice").solved = True
    prog.save()
    s = QuizSession(load_dir(PUZZLES), Progress.load(tmp_path))
    assert s.puzzle.id == "window-perfect-match"  # puzzle 3: the first unsolved one


# --- 6. `puzzles check` on something that is not a folder -------------------------------------------
def test_puzzles_check_missing_folder_is_bad_input(tmp_path):
    missing = tmp_path / "nonexistent"
    r = run("puzzles", "check", str(missing))
    assert r.exit_code == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and lines[0].startswith("cnn-tui: error:")


def test_quiz_with_a_missing_puzzles_folder_is_bad_input(tmp_path):
    r = run("quiz", "--puzzles", str(tmp_path / "nonexistent"), "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"cnn-tui: error: there is no folder {tmp_path / 'nonexistent'}"


def test_puzzles_check_a_file_is_bad_input(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text('id = "a"\n', encoding="utf-8")
    r = run("puzzles", "check", str(f))
    assert r.exit_code == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "not a folder" in r.stderr


def test_puzzles_list_missing_folder_is_bad_input(tmp_path):
    r = run("puzzles", "list", str(tmp_path / "nonexistent"))
    assert r.exit_code == 2
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


def test_puzzles_check_broken_file_in_a_real_folder_still_exits_1(tmp_path):
    (tmp_path / "bad.toml").write_text("this is = = not toml", encoding="utf-8")
    r = run("puzzles", "check", str(tmp_path))
    assert r.exit_code == 1
    assert r.stdout.startswith("bad.toml: ")


# --- 8. a / an ----------------------------------------------------------------------------------------
def test_indefinite_article_by_hand():
    an = {8, 11, 18, 80, 88, 800, 8000, 11000, 18000}
    a = {1, 2, 6, 7, 9, 10, 12, 16, 17, 19, 101, 110, 180, 1100, 1800, 111}
    for n in an:
        assert randomgen.indefinite_article(n) == "an", n
    for n in a:
        assert randomgen.indefinite_article(n) == "a", n


def test_random_output_size_questions_say_an_8x8():
    wanted = {8: "An", 11: "An", 6: "A", 16: "A"}
    seen = {}
    for seed in range(400):
        spec = randomgen._output_size(np.random.default_rng(seed), 0)
        n = spec["n"]
        m = re.match(r"^(A|An) (\d+)x(\d+) input, (a|an) (\d+)x", spec["question"])
        assert m, spec["question"]
        assert int(m.group(2)) == n
        assert m.group(1) == ("An" if n in (8, 11, 18) else "A"), spec["question"]
        assert m.group(4) == "a"  # kernels are 2, 3 or 5
        if n in wanted:
            seen[n] = m.group(1)
    assert seen == wanted


# --- 9. an unknown --start id -----------------------------------------------------------------------
def test_unknown_start_in_the_app_says_where_it_really_opens(tmp_path):
    prog = Progress.load(tmp_path)
    prog.current = "relu-small"
    prog.save()
    session, notices = build_session({"data_dir": str(tmp_path), "puzzles_dir": str(PUZZLES),
                                      "start": "nope"})
    assert session.puzzle.id == "relu-small"  # it resumes where the learner left off ...
    text = " ".join(notices)
    assert "'nope'" in text
    assert "first puzzle" not in text         # ... and says so, not "the first puzzle"
    assert "ReLU: no negatives allowed" in text and "13" in text
    assert "cnn-tui puzzles list" in text


def test_unknown_start_on_the_command_line_is_one_line_exit_2(tmp_path):
    r = run("quiz", "--start", "nope", "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "'cnn-tui puzzles list'" in lines[0]
