"""What every puzzle kind provides, and the small helpers its random generators share.

A kind is one module in this package holding one :class:`Kind`: its name (the ``kind`` of a
puzzle file), the keys its files may use and must use, a builder that asks the engine for the
answers and returns a :class:`Built`, and one or more random puzzle makers (:class:`Generator`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..slips import Slip

Explain = Callable[[int, int], str]
"""The worked arithmetic of answer cell ``(row, column)``, as one line of text."""

Window = Callable[[int, int], dict[int, list[tuple[int, int]]]]
"""The cells of the shown matrices that answer cell ``(row, column)`` reads, by shown index."""

Slips = Callable[[], list[Slip]]
"""The typical slips on a puzzle, each with the answer grid the engine gives with the slip built
in (see :mod:`cnn_tui.quiz.slips`). Called only when an answer is wrong, so loading and checking
puzzles never pays for them."""


@dataclass(frozen=True)
class Shown:
    """A matrix shown with the puzzle (input, kernel, a channel...)."""

    label: str
    values: np.ndarray  # 2-D
    col_labels: list[str] | None = None     # a label above each column (vote positions 1-12)


@dataclass(frozen=True)
class Built:
    """What a kind makes of a puzzle table: the matrices to show, the engine's answer grid
    (2-D), how to explain each answer cell, optional column labels for a one-row answer,
    optionally which shown cells each answer cell reads, and the typical slips on it."""

    shown: list[Shown]
    answer: np.ndarray
    explain: Explain = field(repr=False)
    col_labels: list[str] | None = None
    window: Window | None = field(default=None, repr=False)
    slips: Slips | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Generator:
    """A maker of random puzzle tables: ``make(rng, n)`` returns a table like a TOML file's
    (without ``id`` and ``order``), drawing only from ``rng``.

    ``order`` is its place in a round of random practice. Generators run in this order,
    whatever kind they belong to, cycling when a round asks for more puzzles than there are
    generators; a new generator takes a number after the last one, so a seed's puzzles before
    its first use stay the same.
    """

    order: int
    make: Callable[[np.random.Generator, int], dict]


@dataclass(frozen=True)
class Kind:
    """One kind of puzzle.

    ``fields``: the keys a puzzle of this kind may use besides the common ones; ``required``:
    those it must use; ``build(spec)``: the checked table turned into a :class:`Built` (raising
    :class:`~cnn_tui.quiz.readers.PuzzleError` for a bad value); ``generators``: its random
    puzzle makers.
    """

    name: str
    fields: frozenset[str]
    required: tuple[str, ...]
    build: Callable[[dict], Built]
    generators: tuple[Generator, ...]


def random_matrix(rng: np.random.Generator, rows: int, cols: int, lo: int, hi: int) -> list:
    """A ``rows`` x ``cols`` list of whole numbers from ``lo`` to ``hi`` (both included)."""
    return rng.integers(lo, hi + 1, size=(rows, cols)).tolist()


def indefinite_article(n: int) -> str:
    """'a' or 'an' before the number ``n`` read aloud: an 8, an 11, an 18, an 80, an 11000."""
    digits = str(abs(int(n)))
    if digits.startswith("8"):
        return "an"  # eight, eighty, eight hundred, eight thousand...
    if len(digits) % 3 == 2 and digits[:2] in ("11", "18"):
        return "an"  # eleven, eighteen, eleven thousand, eighteen million...
    return "a"
