"""Coming back to the quiz: hints already revealed stay revealed, and re-checking a solved
puzzle is practice, not another attempt."""

from pathlib import Path

from cnn_tui.quiz.progress import Progress
from cnn_tui.quiz.puzzle import load_dir
from cnn_tui.quiz.session import QuizSession

PUZZLES = Path(__file__).resolve().parents[2] / "puzzles"
PRACTICE = [["19", "25"], ["37", "43"]]  # the lecture's practice, by hand


def sitting(data_dir) -> QuizSession:
    return QuizSession(load_dir(PUZZLES), Progress.load(data_dir), start="practice")


def test_hints_revealed_before_are_still_shown_after_reopening(tmp_path):
    first = sitting(tmp_path)
    number, text = first.next_hint()
    assert number == 1 and first.shown_hints() == [text]
    again = sitting(tmp_path)
    assert again.hints_used("practice") == 1
    assert again.shown_hints() == [text]
    assert again.next_hint()[0] == 2  # the next hint, not the first one again


def test_checking_a_solved_puzzle_again_adds_no_attempt(tmp_path):
    s = sitting(tmp_path)
    wrong = [["19", "26"], ["37", "43"]]
    assert not s.submit(wrong).solved
    assert s.submit(PRACTICE).solved
    assert s.attempts("practice") == 2
    s.submit(PRACTICE)
    s.submit(wrong)  # a wrong re-check of a solved puzzle does not unsolve it either
    assert s.attempts("practice") == 2
    reopened = sitting(tmp_path)
    assert reopened.is_solved("practice") and reopened.attempts("practice") == 2
