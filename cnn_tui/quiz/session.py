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


WORKED_AFTER = 2     # wrong tries on a puzzle before its worked answer is shown unasked
MAX_SLIPS_SAID = 2   # different slips named after one try (one per wrong cell, first cells first)


@dataclass
class SubmitResult:
    graded: bool                                  # False when some cell is empty or not a number
    marks: list[list[bool | None]] = field(default_factory=list)
    message: str = ""                             # the verdict, the slips and what to do next
    solved: bool = False
    first_wrong: tuple[int, int] | None = None
    problem_cell: tuple[int, int] | None = None   # the cell that is not a number
    slips: list[str] = field(default_factory=list)  # the slip sentences named in the message
    hint: tuple[int, str] | None = None           # a hint this wrong try revealed
    working: str = ""                             # the worked answer, once it may be shown


def _after_colon(sentence: str) -> str:
    """``sentence`` continuing a line after a colon: "It looks" -> "it looks" (not "ReLU")."""
    if len(sentence) > 1 and sentence[0].isupper() and sentence[1].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence


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
        self.wrong_tries: dict[str, int] = {}     # wrong tries per puzzle in this sitting
        self.worked_shown: set[str] = set()       # puzzles whose worked answer was shown
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

    def reveal_working(self, cell: tuple[int, int]) -> str:
        """The worked answer of ``cell`` on request (the ``w`` key): from now on a wrong try
        on this puzzle shows its working at once."""
        self.worked_shown.add(self.puzzle.id)
        return self.working(cell)

    def working_due(self, pid: str | None = None) -> bool:
        """True once the worked answer may be shown without being asked for: after
        :data:`WORKED_AFTER` wrong tries, or when it was asked for already."""
        pid = pid or self.puzzle.id
        return pid in self.worked_shown or self.wrong_tries.get(pid, 0) >= WORKED_AFTER

    def submit(self, entries: list[list[str]]) -> SubmitResult:
        """Grade ``entries``. A wrong try is told, in this order, what kind of slip each wrong
        cell looks like (see :mod:`cnn_tui.quiz.slips`) and the next hint; the worked answer
        comes only from the second wrong try on (or after ``w``), so that nothing shown before
        gives the right value away."""
        p = self.puzzle
        self.entries[p.id] = [list(r) for r in entries]
        marks: list[list[bool | None]] = [[None] * p.shape[1] for _ in range(p.shape[0])]
        results: dict[tuple[int, int], bool] = {}
        typed: dict[tuple[int, int], float] = {}
        for r, c in p.cells():
            res = grade_cell(entries[r][c], float(p.answer[r, c]))
            if res.right is None:
                where = cell_name(p, r, c)
                text = entries[r][c].strip()
                msg = (f"{where} is empty: type a number (19, 0.55 or 5/9) in every cell, then "
                       f"press enter" if not text else f"{where}: {res.message}")
                return SubmitResult(False, marks, msg, problem_cell=(r, c))
            results[(r, c)] = res.right
            typed[(r, c)] = float(res.value)
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
        wrong = [rc for rc, ok in results.items() if not ok]
        first = wrong[0]
        self.wrong_tries[p.id] = self.wrong_tries.get(p.id, 0) + 1
        said = self._slips_said(p, wrong, typed, single=total == 1)
        parts = ["Not right yet." if total == 1 else f"{right} of {total} cells right."]
        parts += said
        hint = None
        working = ""
        red = "the red cell" if len(wrong) == 1 else "the red cells"
        if self.working_due(p.id):
            self.worked_shown.add(p.id)
            working = self.working(first)
            parts.append("The worked answer is below." if total == 1 else
                         f"The worked answer of {cell_name(p, *first)} is below.")
        else:
            hint = self.next_hint()
            parts.append(f"Fix {red}: a hint is below, and w shows the worked answer." if hint
                         else f"Fix {red}, or press w for the worked answer.")
        return SubmitResult(True, marks, " ".join(parts), first_wrong=first,
                            slips=[m for m in said], hint=hint, working=working)

    def _slips_said(self, p: Puzzle, wrong: list[tuple[int, int]],
                    typed: dict[tuple[int, int], float], single: bool) -> list[str]:
        """One sentence per different slip that the wrong cells look like (at most
        :data:`MAX_SLIPS_SAID`), naming the cell when the puzzle has several."""
        said: list[str] = []
        seen: set[str] = set()
        for r, c in wrong:
            try:
                slip = p.slip_at(r, c, typed[(r, c)])
            except Exception:  # noqa: BLE001 - naming a slip is a nicety, never a crash
                slip = None
            if slip is None or slip.key in seen:
                continue
            seen.add(slip.key)
            where = cell_name(p, r, c)
            said.append(slip.message if single else f"{where[0].upper()}{where[1:]}: "
                                                     f"{_after_colon(slip.message)}")
            if len(said) >= MAX_SLIPS_SAID:
                break
        return said

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
