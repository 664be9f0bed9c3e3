"""Puzzle files: reading, checking and building a puzzle whose answers come from the engine.

A puzzle file is one TOML table (see ``puzzles/README.md``). :func:`build` checks the keys
common to every puzzle, hands the rest to the puzzle's kind (one module per kind in
:mod:`cnn_tui.quiz.kinds`) and turns the result into a :class:`Puzzle`: the matrices to show,
the engine's answer grid, which cells the learner fills in, and a way to explain any cell from
the engine's trace. Every problem raises :class:`PuzzleError` with one sentence saying what is
wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnn_tui.engine import format_number

from .grade import accepts
from .kinds import BY_NAME, NAMES, Shown
from .readers import PuzzleError, _need, _number

STYLES = ("lecture", "fraction", "number")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

COMMON = {"id", "title", "order", "question", "hints", "kind", "answer", "cells", "style",
          "show_given"}

__all__ = ["COMMON", "STYLES", "Curriculum", "Puzzle", "PuzzleError", "Shown", "build",
           "load_dir", "load_file"]


@dataclass
class Puzzle:
    id: str
    title: str
    order: int
    question: str
    hints: list[str]
    kind: str
    shown: list[Shown]
    answer: np.ndarray              # 2-D engine answer
    asked: np.ndarray               # 2-D bool: cells the learner fills in
    explain_cell: Callable[[int, int], str] = field(repr=False)
    col_labels: list[str] | None = None
    style: str = "lecture"
    path: Path | None = None
    stated: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    window_of: Callable[[int, int], dict[int, list[tuple[int, int]]]] | None = \
        field(default=None, repr=False)
    show_given: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return self.answer.shape  # type: ignore[return-value]

    def cells(self) -> list[tuple[int, int]]:
        """The asked cells in row-major order."""
        return [tuple(int(i) for i in rc) for rc in np.argwhere(self.asked)]  # type: ignore[misc]

    def working(self, r: int, c: int) -> str:
        return self.explain_cell(r, c)

    def window(self, r: int, c: int) -> dict[int, list[tuple[int, int]]]:
        """The cells of the shown matrices that answer cell ``(r, c)`` reads, by shown index."""
        if self.window_of is None:
            return {}
        return self.window_of(r, c)


# --- whole puzzles -----------------------------------------------------------------------------
def _cells(spec: dict, shape: tuple[int, int]) -> np.ndarray:
    asked = np.zeros(shape, dtype=bool)
    if "cells" not in spec:
        asked[:] = True
        return asked
    cells = spec["cells"]
    if not isinstance(cells, list) or not cells:
        raise PuzzleError("'cells' must be a non-empty list of [row, column] pairs")
    for cell in cells:
        rc = cell if isinstance(cell, list) else [cell]
        if len(rc) == 1:
            rc = [0, rc[0]]
        if len(rc) != 2 or any(isinstance(i, bool) or not isinstance(i, int) for i in rc):
            raise PuzzleError(f"'cells' entry {cell!r} must be [row, column]")
        r, c = rc
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            raise PuzzleError(f"'cells' entry {cell!r} is outside the {shape[0]}x{shape[1]} answer")
        if asked[r, c]:
            raise PuzzleError(f"'cells' lists {cell!r} twice")
        asked[r, c] = True
    return asked


def _stated(spec: dict, answer: np.ndarray, asked: np.ndarray) -> list:
    """Compare the file's stated answer with the engine's; return ``[(cell, text)]``."""
    if "answer" not in spec:
        return []
    raw = spec["answer"]
    cells = [tuple(int(i) for i in rc) for rc in np.argwhere(asked)]
    if "cells" in spec:
        flat = raw if isinstance(raw, list) else [raw]
        if any(isinstance(v, list) for v in flat) or len(flat) != len(cells):
            raise PuzzleError(f"'answer' must list {len(cells)} value(s), one per entry of "
                              f"'cells', got {raw!r}")
        pairs = list(zip(cells, flat))
    else:
        if not isinstance(raw, list):
            raw = [[raw]]
        elif raw and not isinstance(raw[0], list):
            raw = [raw]
        if any(not isinstance(row, list) for row in raw) or [len(r) for r in raw] != \
                [answer.shape[1]] * answer.shape[0]:
            lens = ", ".join(str(len(r)) if isinstance(r, list) else "?" for r in raw)
            raise PuzzleError(f"'answer' must have the output's shape {answer.shape[0]}x"
                              f"{answer.shape[1]}, got {len(raw)} row(s) of {lens}")
        pairs = [((r, c), raw[r][c]) for r, c in cells]
    out = []
    for (r, c), v in pairs:
        val = _number(v, f"'answer' at row {r}, column {c}")
        if not accepts(val, float(answer[r, c])):
            raise PuzzleError(f"stated answer {v!r} at row {r}, column {c} is wrong: the engine "
                              f"gives {format_number(answer[r, c])}")
        out.append(((r, c), str(v)))
    return out


def build(spec: dict, path: Path | None = None) -> Puzzle:
    """Check one parsed puzzle table and compute its answers with the engine."""
    pid = _need(spec, "id", str, "a short name like \"practice-sum\"")
    if not _ID.match(pid):
        raise PuzzleError(f"'id' {pid!r} must use lower-case letters, digits, '-' and '_'")
    title = _need(spec, "title", str, "a title")
    if not title.strip():
        raise PuzzleError("'title' is empty")
    order = _need(spec, "order", int, "a whole number giving the puzzle's place")
    question = _need(spec, "question", str, "the question to ask")
    if not question.strip():
        raise PuzzleError("'question' is empty")
    if "hints" not in spec:
        raise PuzzleError("missing 'hints': add hints = [\"a first nudge\", ...]")
    hints = spec["hints"]
    if not isinstance(hints, list) or not hints:
        raise PuzzleError("'hints' must be a non-empty list of strings")
    for i, h in enumerate(hints):
        if not isinstance(h, str) or not h.strip():
            raise PuzzleError(f"hint {i + 1} is empty; write a nudge or remove it")
    kind = _need(spec, "kind", str, f"one of {', '.join(NAMES)}")
    if kind not in BY_NAME:
        raise PuzzleError(f"'kind' {kind!r} is unknown; use one of {', '.join(NAMES)}")
    unit = BY_NAME[kind]
    unknown = set(spec) - COMMON - unit.fields
    if unknown:
        raise PuzzleError(f"unknown keys for kind {kind!r}: {', '.join(sorted(unknown))}")
    for key in unit.required:
        if key not in spec:
            raise PuzzleError(f"kind {kind!r} needs '{key}'")
    style = spec.get("style", "lecture")
    if style not in STYLES:
        raise PuzzleError(f"'style' must be one of {', '.join(STYLES)}, got {style!r}")
    built = unit.build(spec)
    answer = built.answer
    if answer.size > 100:
        raise PuzzleError(f"the answer has {answer.size} cells; keep puzzles to 100 cells or fewer")
    show_given = spec.get("show_given", False)
    if not isinstance(show_given, bool):
        raise PuzzleError(f"'show_given' must be true or false, got {show_given!r}")
    asked = _cells(spec, answer.shape)
    stated = _stated(spec, answer, asked)
    return Puzzle(pid, title.strip(), order, question.strip(), [h.strip() for h in hints], kind,
                  built.shown, answer, asked, built.explain, built.col_labels, style, path,
                  stated, built.window, show_given)


def load_file(path: Path) -> Puzzle:
    try:
        with open(path, "rb") as fh:
            spec = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PuzzleError(f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise PuzzleError("not valid TOML: the file is not UTF-8 text") from None
    except OSError as exc:
        raise PuzzleError(f"cannot read the file: {exc.strerror or exc}") from None
    return build(spec, path)


@dataclass
class Curriculum:
    puzzles: list[Puzzle]
    problems: list[tuple[str, str]]  # (file name, what is wrong)

    def index_of(self, pid: str) -> int | None:
        for i, p in enumerate(self.puzzles):
            if p.id == pid:
                return i
        return None


def load_dir(directory: Path) -> Curriculum:
    """Read every ``*.toml`` in ``directory``; bad files become problems, the rest puzzles."""
    directory = Path(directory)
    if not directory.is_dir():
        return Curriculum([], [(str(directory), "no such folder of puzzles")])
    files = sorted(directory.glob("*.toml"))
    puzzles, problems = [], []
    if not files:
        problems.append((str(directory), "no puzzle files (*.toml) in this folder"))
    seen: dict[str, str] = {}
    orders: dict[int, str] = {}
    for f in files:
        try:
            p = load_file(f)
        except PuzzleError as exc:
            problems.append((f.name, str(exc)))
            continue
        if p.id in seen:
            problems.append((f.name, f"duplicate id {p.id!r} (also in {seen[p.id]})"))
            continue
        if p.order in orders:
            problems.append((f.name, f"duplicate order {p.order} (also in {orders[p.order]})"))
            continue
        seen[p.id] = f.name
        orders[p.order] = f.name
        puzzles.append(p)
    puzzles.sort(key=lambda p: (p.order, p.id))
    return Curriculum(puzzles, problems)
