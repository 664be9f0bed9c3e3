"""Where a sitting opens: past a saved puzzle that no longer exists, and, for an unknown start
id, where the learner left off, with a notice that says so."""

from __future__ import annotations

from cnn_tui.quiz.options import QuizOptions
from cnn_tui.quiz.progress import Progress
from cnn_tui.quiz.puzzle import load_dir
from cnn_tui.quiz.session import QuizSession, open_session

from quiz_apps import PUZZLES


def test_resume_skips_a_saved_puzzle_that_no_longer_exists(tmp_path):
    prog = Progress.load(tmp_path)
    prog.current = "a-puzzle-that-was-removed"
    prog.record("practice-first-cell").solved = True
    prog.record("practice").solved = True
    prog.save()
    s = QuizSession(load_dir(PUZZLES), Progress.load(tmp_path))
    assert s.puzzle.id == "window-perfect-match"  # puzzle 3: the first unsolved one


def test_unknown_start_in_the_app_says_where_it_really_opens(tmp_path):
    prog = Progress.load(tmp_path)
    prog.current = "relu-small"
    prog.save()
    session, notices = open_session(QuizOptions(data_dir=str(tmp_path), puzzles_dir=str(PUZZLES),
                                                start="nope"))
    assert session.puzzle.id == "relu-small"  # it resumes where the learner left off ...
    text = " ".join(notices)
    assert "'nope'" in text
    assert "first puzzle" not in text         # ... and says so, not "the first puzzle"
    assert "ReLU: no negatives allowed" in text and "13" in text
    assert "cnn-tui puzzles list" in text
