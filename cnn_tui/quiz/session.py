"""One sitting of the quiz, independent of any UI: the current puzzle, grading, hints, progress.

:func:`open_session` opens a sitting from :class:`~cnn_tui.quiz.options.QuizOptions`. The
Textual screen calls the session's actions and draws what they return; headless runs and tests
can drive the very same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cnn_tui.engine import format_value

from .grade import grade_cell
from .options import QuizOptions
from .progress import FileProgressStore, Progress, ProgressStore, data_dir, puzzles_dir
from .puzzle import Curriculum, Puzzle, load_dir
from .readers import _show


@dataclass
class SubmitResult:
    graded: bool                                  # False when some cell is empty or not a number
    marks: list[list[bool | None]] = field(default_factory=list)
    message: str = ""
    solved: bool = False
    first_wrong: tuple[int, int] | None = None
    problem_cell: tuple[int, int] | None = None   # the cell that is not a number


def cell_name(p: Puzzle, r: int, c: int) -> str:
    if p.col_labels and p.shape[0] == 1:
        return p.col_labels[c]
    if p.shape[0] == 1:
        return f"cell {c}"
    return f"row {r}, column {c}"


class QuizSession:
    """One sitting: the puzzles, where the learner is, what they typed, and their progress.

    ``progress`` is None for random practice (nothing is kept); otherwise every change is saved
    through the progress's store (:class:`~cnn_tui.quiz.progress.ProgressStore`) at once.
    """

    def __init__(self, curriculum: Curriculum, progress: Progress | None = None,
                 start: str | None = None, random: bool = False) -> None:
        self.curriculum = curriculum
        self.puzzles = curriculum.puzzles
        self.progress = progress
        self.random = random
        self.hints_shown: dict[str, int] = {}
        self.entries: dict[str, list[list[str]]] = {}
        self.marks: dict[str, list[list[bool | None]]] = {}
        self.session_solved: set[str] = set()
        self.save_error = ""
        self.index = 0
        if start:
            i = curriculum.index_of(start)
            if i is None:
                raise KeyError(start)
            self.index = i
        elif progress and progress.current and curriculum.index_of(progress.current) is not None:
            self.index = curriculum.index_of(progress.current)
        elif progress:
            # Resume at the first unsolved puzzle (also when the saved one no longer exists).
            for i, p in enumerate(self.puzzles):
                if not progress.get(p.id).solved:
                    self.index = i
                    break
        if progress is not None and self.puzzles:
            progress.current = self.puzzle.id

    # --- state ------------------------------------------------------------------------------------
    @property
    def empty(self) -> bool:
        return not self.puzzles

    @property
    def puzzle(self) -> Puzzle:
        return self.puzzles[self.index]

    def given_text(self, p: Puzzle | None = None) -> list[list[str]]:
        p = p or self.puzzle
        style = "fraction" if p.style == "fraction" else "number"
        return [["" if p.asked[r, c] or not p.show_given
                 else format_value(p.answer[r, c], style)
                 for c in range(p.shape[1])] for r in range(p.shape[0])]

    def is_solved(self, pid: str) -> bool:
        if pid in self.session_solved:
            return True
        return bool(self.progress and self.progress.get(pid).solved)

    def solved_count(self) -> int:
        return sum(1 for p in self.puzzles if self.is_solved(p.id))

    def attempts(self, pid: str) -> int:
        return self.progress.get(pid).attempts if self.progress else 0

    def hints_used(self, pid: str) -> int:
        """Hints revealed so far, including those revealed in earlier sittings (they stay shown)."""
        if pid not in self.hints_shown and self.progress is not None:
            return self.progress.get(pid).hints
        return self.hints_shown.get(pid, 0)

    # --- navigation -------------------------------------------------------------------------------
    def goto(self, index: int) -> None:
        if self.empty:
            return
        self.index = max(0, min(len(self.puzzles) - 1, index))
        if self.progress is not None:
            self.progress.current = self.puzzle.id
            self._save()

    def next(self) -> bool:
        if self.index + 1 >= len(self.puzzles):
            return False
        self.goto(self.index + 1)
        return True

    def previous(self) -> bool:
        if self.index == 0:
            return False
        self.goto(self.index - 1)
        return True

    # --- actions ----------------------------------------------------------------------------------
    def next_hint(self) -> tuple[int, str] | None:
        """Reveal one more hint: ``(number, text)``, or None when every hint is shown."""
        p = self.puzzle
        n = self.hints_used(p.id)
        if n >= len(p.hints):
            return None
        self.hints_shown[p.id] = n + 1
        if self.progress is not None:
            rec = self.progress.record(p.id)
            rec.hints = max(rec.hints, n + 1)
            self._save()
        return n + 1, p.hints[n]

    def shown_hints(self) -> list[str]:
        return self.puzzle.hints[: self.hints_used(self.puzzle.id)]

    def working(self, cell: tuple[int, int]) -> str:
        return self.puzzle.working(*cell)

    def submit(self, entries: list[list[str]]) -> SubmitResult:
        p = self.puzzle
        self.entries[p.id] = [list(r) for r in entries]
        marks: list[list[bool | None]] = [[None] * p.shape[1] for _ in range(p.shape[0])]
        results = {}
        for r, c in p.cells():
            res = grade_cell(entries[r][c], float(p.answer[r, c]))
            if res.right is None:
                where = cell_name(p, r, c)
                text = entries[r][c].strip()
                msg = (f"{where} is empty: type a number (19, 0.55 or 5/9) in every cell, then "
                       f"press enter" if not text else f"{where}: {res.message}")
                return SubmitResult(False, marks, msg, problem_cell=(r, c))
            results[(r, c)] = res.right
        for (r, c), ok in results.items():
            marks[r][c] = ok
        self.marks[p.id] = marks
        right = sum(results.values())
        total = len(results)
        solved = right == total
        if self.progress is not None and not self.progress.get(p.id).solved:
            # Checking a puzzle again after solving it is practice: it is not another attempt.
            rec = self.progress.record(p.id)
            rec.attempts += 1
            rec.solved = solved
            self._save()
        if solved:
            self.session_solved.add(p.id)
            more = "press n for the next puzzle" if self.index + 1 < len(self.puzzles) else \
                "that was the last puzzle: press l to pick any other"
            msg = f"Right! All {total} cells correct; {more}." if total > 1 else \
                f"Right! {more[0].upper()}{more[1:]}."
            return SubmitResult(True, marks, msg, solved=True)
        first = next(rc for rc, ok in results.items() if not ok)
        if total == 1:
            msg = ("Not right yet: fix the red cell and press enter again (its worked arithmetic "
                   "is shown below).")
        else:
            msg = (f"{right} of {total} cells right. Fix the red ones and press enter again (the "
                   f"working of {cell_name(p, *first)} is shown below).")
        return SubmitResult(True, marks, msg, first_wrong=first)

    def reset_puzzle(self) -> None:
        p = self.puzzle
        self.entries.pop(p.id, None)
        self.marks.pop(p.id, None)

    @property
    def store(self) -> ProgressStore | None:
        """Where the progress is kept (None for random practice)."""
        return self.progress.store if self.progress is not None else None

    def _save(self) -> None:
        store = self.store
        if self.progress is None or store is None:
            return
        try:
            store.save(self.progress)
            self.save_error = ""
        except OSError as exc:
            self.save_error = (f"Could not save your progress in {store.location}: "
                               f"{exc.strerror or exc}")


def open_session(options: QuizOptions | None = None,
                 store: ProgressStore | None = None) -> tuple[QuizSession, list[str]]:
    """Open a sitting as ``options`` say; return it and the notices to show the learner.

    Random practice keeps no progress. Otherwise the puzzles come from ``options.puzzles_dir``
    (default: :func:`~cnn_tui.quiz.progress.puzzles_dir`) and the progress from ``store``
    (default: the progress file in ``options.data_dir``). Puzzle files with problems, a
    damaged progress file and an unknown ``options.start`` are notices, not errors.
    """
    opts = options if options is not None else QuizOptions()
    notices: list[str] = []
    if opts.random:
        from .randomgen import random_puzzles

        cur = Curriculum(random_puzzles(opts.seed, int(opts.count or 20)), [])
        return QuizSession(cur, None, random=True), notices
    folder = Path(opts.puzzles_dir) if opts.puzzles_dir else puzzles_dir()
    cur = load_dir(folder)
    if cur.problems and cur.puzzles:
        n = len(cur.problems)
        notices.append(f"{n} puzzle file{'s have' if n != 1 else ' has'} problems and "
                       f"{'were' if n != 1 else 'was'} skipped; run 'cnn-tui puzzles check'.")
    if store is None:
        store = FileProgressStore(data_dir(opts.data_dir))
    progress = store.load()
    progress.store = store
    if progress.notice:
        notices.append(progress.notice)
    start = opts.start
    try:
        session = QuizSession(cur, progress, start=start)
    except KeyError:
        session = QuizSession(cur, progress)
        where = (f'opening puzzle {session.index + 1}, "{session.puzzle.title}"'
                 if session.puzzles else "there are no puzzles to open")
        notices.append(f"There is no puzzle with id {_show(start)} (run 'cnn-tui puzzles list' to "
                       f"see the ids); {where}.")
    return session, notices
