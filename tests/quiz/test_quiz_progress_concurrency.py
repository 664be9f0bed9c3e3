"""Two sittings at once on one data folder: saving merges with the file on disk, so neither
loses the other's progress, and a damaged file on disk does not stop a save."""

from __future__ import annotations

import json

from cnn_tui.quiz.progress import FILENAME, Progress
from cnn_tui.quiz.puzzle import load_dir
from cnn_tui.quiz.session import QuizSession

from quiz_apps import PUZZLES

# Answers by hand: input 0..8 (3x3), kernel 0..3 (2x2), plain sums.
FIRST_CELL = [["19"]]                      # 0x0 + 1x1 + 3x2 + 4x3
PRACTICE = [["19", "25"], ["37", "43"]]


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
