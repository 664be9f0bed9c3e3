"""Puzzle files: reading, checking and building a puzzle whose answers come from the engine.

A puzzle file is one TOML table (see ``puzzles/README.md``). :func:`build` checks the keys
common to every puzzle, hands the rest to the puzzle's kind (one module per kind in
:mod:`cnn_tui.quiz.kinds`) and turns the result into a :class:`Puzzle`: the matrices to show,
the engine's answer grid, which cells the learner fills in, and a way to explain any cell from
the engine's trace. Every problem raises :class:`PuzzleError` with one sentence saying what is
wrong, quoting at most a short prefix of a bad value.

Files are read through :func:`cnn_tui.quiz.regular.read_regular`: anything but a regular file
(a folder, a device such as a terminal, a named pipe, a socket) is refused before it is opened,
and so is a file over :data:`MAX_PUZZLE_BYTES`, from its size. :func:`load_dir` reads at most
:data:`MAX_PUZZLE_FILES` files and at most :data:`MAX_FOLDER_BYTES` bytes in all: whatever is in
a puzzle folder, checking it takes bounded time and memory.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnn_tui.engine import format_number
from cnn_tui.files import FileRefused

from .grade import accepts
from .kinds import BY_NAME, NAMES, Shown
from .readers import (MAX_ID_CHARS, MAX_ORDER, PuzzleError, _check_answer_cells, _key, _need,
                      _number, _show)
from .regular import OverBudget, decode, read_regular
from .slips import Slip, find_slip, safe

STYLES = ("lecture", "fraction", "number")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

MAX_PUZZLE_FILES = 1_000      # puzzle files (*.toml) in one folder; more is the wrong folder
MAX_PUZZLE_BYTES = 64 * 1024  # one puzzle file (the bundled ones are under 3 KB)
MAX_FOLDER_BYTES = 4 * 1024 * 1024  # all the puzzle files of one folder read, in all
MAX_LINE_DOTS = 100           # dots that may join dotted keys on one line (see _check_dotted_keys)

# Python's TOML reader takes time growing with the square of a dotted key's parts (a 64 KB key
# a.a.a... takes some 20 seconds): the dots that could join the parts of keys are counted on
# each line first, and a line with more than MAX_LINE_DOTS is refused before the TOML reader
# sees it. Counted are the dots next to a quote ("a"."b") and those of a chain of names joined
# by dots holding two dots or more (a.b.c); a lone dot between two names, as in 0.55, is not.
# A key of P parts has at least (P - 1) / 3 of its dots counted (a chain a.b of one dot that is
# part of a longer key lies next to a dot beside a quote), so no key read has more than
# 3 * MAX_LINE_DOTS + 1 parts, and reading costs a bounded time per byte.
_NAME_RUN = re.compile(r"[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*")
_QUOTE_DOT = re.compile(r"[\"'][ \t]*\.|\.(?=[ \t]*[\"'])")

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
    slips_of: Callable[[], list[Slip]] | None = field(default=None, repr=False)
    _slips: list[Slip] | None = field(default=None, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.answer.shape  # type: ignore[return-value]

    def cells(self) -> list[tuple[int, int]]:
        """The asked cells in row-major order."""
        return [tuple(int(i) for i in rc) for rc in np.argwhere(self.asked)]  # type: ignore[misc]

    def working(self, r: int, c: int) -> str:
        return self.explain_cell(r, c)

    def slips(self) -> list[Slip]:
        """The typical slips on this puzzle (see :mod:`cnn_tui.quiz.slips`), computed by the
        engine on first use; none when the kind knows none or computing them fails."""
        if self._slips is None:
            self._slips = safe(self.slips_of) if self.slips_of is not None else []
        return self._slips

    def slip_at(self, r: int, c: int, typed: float) -> Slip | None:
        """The slip that a wrong ``typed`` value in answer cell ``(r, c)`` looks like, if any."""
        return find_slip(self.slips(), r, c, typed, float(self.answer[r, c]))

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
            raise PuzzleError(f"'cells' entry {_show(cell)} must be [row, column]")
        r, c = rc
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            raise PuzzleError(f"'cells' entry {_show(cell)} is outside the {shape[0]}x{shape[1]} "
                              f"answer")
        if asked[r, c]:
            raise PuzzleError(f"'cells' lists {_show(cell)} twice")
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
                              f"'cells', got {_show(raw)}")
        pairs = list(zip(cells, flat))
    else:
        if not isinstance(raw, list):
            raw = [[raw]]
        elif raw and not isinstance(raw[0], list):
            raw = [raw]
        if any(not isinstance(row, list) for row in raw) or [len(r) for r in raw] != \
                [answer.shape[1]] * answer.shape[0]:
            lens = ", ".join(str(len(r)) if isinstance(r, list) else "?" for r in raw[:10])
            lens += ", ..." if len(raw) > 10 else ""
            raise PuzzleError(f"'answer' must have the output's shape {answer.shape[0]}x"
                              f"{answer.shape[1]}, got {len(raw)} row(s) of {lens}")
        pairs = [((r, c), raw[r][c]) for r, c in cells]
    out = []
    for (r, c), v in pairs:
        val = _number(v, f"'answer' at row {r}, column {c}", bound=None)
        if not accepts(val, float(answer[r, c])):
            raise PuzzleError(f"stated answer {_show(v)} at row {r}, column {c} is wrong: the "
                              f"engine gives {format_number(answer[r, c])}")
        out.append(((r, c), str(v)))
    return out


def build(spec: dict, path: Path | None = None) -> Puzzle:
    """Check one parsed puzzle table and compute its answers with the engine.

    Raises :class:`PuzzleError` (one line saying what is wrong), and nothing else.
    """
    if not isinstance(spec, dict):
        raise PuzzleError("a puzzle must be a table of keys such as id = \"...\"")
    try:
        return _build(spec, path)
    except RecursionError:  # our readers do not recurse deeply; this is only a last resort
        raise PuzzleError("values are nested too deeply; a puzzle needs at most 3 levels of "
                          "lists") from None


def _build(spec: dict, path: Path | None) -> Puzzle:
    pid = _need(spec, "id", str, "a short name like \"practice-sum\"")
    if not _ID.match(pid):
        raise PuzzleError(f"'id' {_show(pid)} must use lower-case letters, digits, '-' and '_'")
    if len(pid) > MAX_ID_CHARS:
        raise PuzzleError(f"'id' {_show(pid)} is {len(pid):,} characters long; keep it to "
                          f"{MAX_ID_CHARS}")
    title = _need(spec, "title", str, "a title")
    if not title.strip():
        raise PuzzleError("'title' is empty")
    order = _need(spec, "order", int, "a whole number giving the puzzle's place")
    if abs(order) > MAX_ORDER:
        raise PuzzleError(f"'order' must be a whole number from -{MAX_ORDER:,} to {MAX_ORDER:,}, "
                          f"got {_show(order)}")
    question = _need(spec, "question", str, "the question to ask")
    if not question.strip():
        raise PuzzleError("'question' is empty")
    if "hints" not in spec:
        raise PuzzleError("missing 'hints': add hints = [\"a first nudge\", ...]")
    hints = spec["hints"]
    if not isinstance(hints, list) or not hints:
        raise PuzzleError("'hints' must be a non-empty list of strings")
    for i, h in enumerate(hints):
        if not isinstance(h, str):
            raise PuzzleError(f"hint {i + 1} must be a string, got {_show(h)}")
        if not h.strip():
            raise PuzzleError(f"hint {i + 1} is empty; write a nudge or remove it")
    kind = _need(spec, "kind", str, f"one of {', '.join(NAMES)}")
    if kind not in BY_NAME:
        raise PuzzleError(f"'kind' {_show(kind)} is unknown; use one of {', '.join(NAMES)}")
    unit = BY_NAME[kind]
    unknown = sorted(set(spec) - COMMON - unit.fields, key=str)
    if unknown:
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        raise PuzzleError(f"unknown keys for kind {kind!r}: "
                          f"{', '.join(_key(k) for k in unknown[:5])}{more}")
    for key in unit.required:
        if key not in spec:
            raise PuzzleError(f"kind {kind!r} needs '{key}'")
    style = spec.get("style", "lecture")
    if style not in STYLES:
        raise PuzzleError(f"'style' must be one of {', '.join(STYLES)}, got {_show(style)}")
    built = unit.build(spec)
    answer = built.answer
    _check_answer_cells(answer.size)
    if not np.isfinite(answer).all():
        r, c = (int(i) for i in np.argwhere(~np.isfinite(answer))[0])
        raise PuzzleError(f"the engine's answer at row {r}, column {c} is not a finite number; "
                          f"use smaller values")
    show_given = spec.get("show_given", False)
    if not isinstance(show_given, bool):
        raise PuzzleError(f"'show_given' must be true or false, got {_show(show_given)}")
    asked = _cells(spec, answer.shape)
    stated = _stated(spec, answer, asked)
    return Puzzle(pid, title.strip(), order, question.strip(), [h.strip() for h in hints], kind,
                  built.shown, answer, asked, built.explain, built.col_labels, style, path,
                  stated, built.window, show_given, built.slips)


def load_file(path: Path) -> Puzzle:
    """Read, parse and build one puzzle file; every problem is a :class:`PuzzleError`.

    Only a regular file (or a link to one) of at most :data:`MAX_PUZZLE_BYTES` bytes is read;
    anything else (a folder, a device such as a terminal, a named pipe, a socket, a larger file)
    is refused before it is opened.
    """
    return _parse(_read(path), path)


def _read(path: Path, budget: int | None = None) -> bytes:
    """The bytes of a puzzle file (see :func:`load_file`); with ``budget``,
    :class:`~cnn_tui.quiz.regular.OverBudget` when the file holds more than ``budget`` bytes."""
    try:
        return read_regular(path, what="puzzle file", limit=MAX_PUZZLE_BYTES, budget=budget)
    except FileRefused as exc:
        raise PuzzleError(str(exc)) from None
    except OSError as exc:
        raise PuzzleError(f"cannot read the file: {exc.strerror or exc}") from None


def _joining_dots(line: str) -> int:
    """At least the number of dots joining the parts of dotted keys on ``line`` (see
    :data:`MAX_LINE_DOTS`); dots in numbers such as 0.55 are not counted."""
    if "." not in line:
        return 0
    dots = len(_QUOTE_DOT.findall(line))
    for run in _NAME_RUN.findall(line):
        n = run.count(".")
        if n >= 2:
            dots += n
    return dots


def _check_dotted_keys(text: str) -> None:
    """Refuse a puzzle with a line of more than :data:`MAX_LINE_DOTS` joining dots, before
    the TOML reader spends a long time on it."""
    for number, line in enumerate(text.split("\n"), 1):
        if _joining_dots(line) > MAX_LINE_DOTS:
            raise PuzzleError(f"not readable: line {number:,} joins more than {MAX_LINE_DOTS} "
                              f"names with dots (as in a.b.c); a puzzle needs no such keys, and "
                              f"reading them takes too long")


def _parse(data: bytes, path: Path) -> Puzzle:
    """Decode, parse and build the bytes of the puzzle file ``path``."""
    try:
        text = decode(data)
    except UnicodeDecodeError:
        raise PuzzleError("not valid TOML: the file is not UTF-8 text") from None
    _check_dotted_keys(text)
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PuzzleError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise PuzzleError("not readable: its values are nested too deeply (a puzzle needs at "
                          "most 3 levels of lists)") from None
    except ValueError:
        # tomllib lets int() refuse a number of more digits than Python converts at once.
        raise PuzzleError(f"not readable: a number in it has more than "
                          f"{sys.get_int_max_str_digits():,} digits") from None
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


def _name(name: str) -> str:
    """A file name for a ``file: what is wrong`` line: quoted if it would break the line."""
    return name if name.isprintable() else repr(name)


def _toml_files(directory: Path) -> list[Path] | None:
    """The ``*.toml`` entries of ``directory`` in name order, or None if there are more than
    :data:`MAX_PUZZLE_FILES` (found without listing them all)."""
    names: list[str] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(".toml"):
                names.append(entry.name)
                if len(names) > MAX_PUZZLE_FILES:
                    return None
    return [directory / n for n in sorted(names)]


def _bytes_to_read(files: list[Path]) -> int:
    """How many bytes reading ``files`` would take, from their sizes alone (nothing is opened):
    the regular files of at most :data:`MAX_PUZZLE_BYTES` bytes; the others are refused unread."""
    total = 0
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_PUZZLE_BYTES:
            total += st.st_size
    return total


def load_dir(directory: Path) -> Curriculum:
    """Read every ``*.toml`` in ``directory``; bad files become problems, the rest puzzles.

    A folder of more than :data:`MAX_PUZZLE_FILES` puzzle files, or whose puzzle files hold
    more than :data:`MAX_FOLDER_BYTES` bytes in all, is one problem and no puzzles: it is almost
    surely the wrong folder, and which files to take from it would be a guess. The sizes are
    added up before any file is read, and the bytes actually read are counted too (a file may
    grow meanwhile): at most :data:`MAX_FOLDER_BYTES` bytes are read from one folder.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return Curriculum([], [(str(directory), "no such folder of puzzles")])
    try:
        files = _toml_files(directory)
    except OSError as exc:
        return Curriculum([], [(str(directory), f"cannot list the folder: {exc.strerror or exc}")])
    if files is None:
        too_many = (f"more than {MAX_PUZZLE_FILES:,} puzzle files (*.toml) in this folder; the "
                    f"quiz reads at most {MAX_PUZZLE_FILES:,}")
        return Curriculum([], [(str(directory), too_many)])
    too_big = [(str(directory), (f"the puzzle files (*.toml) in this folder hold more than "
                                 f"{MAX_FOLDER_BYTES:,} bytes in all; the quiz reads at most "
                                 f"{MAX_FOLDER_BYTES:,} bytes of puzzles from one folder"))]
    if _bytes_to_read(files) > MAX_FOLDER_BYTES:
        return Curriculum([], too_big)
    puzzles, problems = [], []
    if not files:
        problems.append((str(directory), "no puzzle files (*.toml) in this folder"))
    seen: dict[str, str] = {}
    orders: dict[int, str] = {}
    left = MAX_FOLDER_BYTES
    for f in files:
        name = _name(f.name)
        try:
            data = _read(f, budget=left)
            left -= len(data)
            p = _parse(data, f)
        except OverBudget:
            return Curriculum([], too_big)
        except PuzzleError as exc:
            problems.append((name, str(exc)))
            continue
        if p.id in seen:
            problems.append((name, f"duplicate id {p.id!r} (also in {seen[p.id]})"))
            continue
        if p.order in orders:
            problems.append((name, f"duplicate order {p.order} (also in {orders[p.order]})"))
            continue
        seen[p.id] = name
        orders[p.order] = name
        puzzles.append(p)
    puzzles.sort(key=lambda p: (p.order, p.id))
    return Curriculum(puzzles, problems)
