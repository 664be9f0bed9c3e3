"""Typical slips: a wrong answer that is the right answer of a slightly different question.

Each puzzle kind lists the slips a learner is likely to make on it (forgetting to divide by 9,
rounding an output size up, swapping rows and columns, ...). A :class:`Slip` holds the answer
grid that the slip gives, computed by the engine with the slip built in (the sum instead of the
mean, the formula without its + 1, ...), and one short sentence that names the slip without
giving the right value away. :func:`find_slip` compares what the learner typed with each slip's
value under the grader's own rule (:func:`~cnn_tui.quiz.grade.accepts`): a 5 typed where the
answer is 5/9 is "you added the products but did not divide by the 9 pixels"; a wrong value that
no slip gives is simply wrong, with no guess at what happened.

Nothing here imports the UI; the quiz screen only shows the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from .grade import TOLERANCE, accepts

MAX_SLIP_MESSAGE = 110      # characters: one short sentence, two lines at most at 80 columns


@dataclass(frozen=True)
class Slip:
    """One kind of slip on one puzzle.

    ``key``: a short name (``"sum-not-mean"``); ``message``: one sentence naming the slip, never
    the right value; ``values``: the answer grid the slip gives (same shape as the puzzle's
    answer), NaN where the slip says nothing about a cell.
    """

    key: str
    message: str
    values: np.ndarray = field(repr=False)


def nan_like(answer: np.ndarray) -> np.ndarray:
    return np.full(np.shape(answer), np.nan, dtype=float)


def grid(answer: np.ndarray, values) -> np.ndarray:
    """``values`` (any array of the answer's size, or a 1-D row) as a float grid of the
    answer's shape; NaN where it is not finite."""
    out = np.asarray(values, dtype=float).reshape(np.shape(answer))
    return np.where(np.isfinite(out), out, np.nan)


def fit(answer: np.ndarray, values) -> np.ndarray:
    """``values`` (a 1-D or 2-D array, maybe of another shape than the answer) placed on the
    answer's grid from the top-left: cell ``(r, c)`` takes ``values[r, c]`` where it exists, NaN
    elsewhere. Used for slips whose output has another size (a window moved one cell at a time
    instead of two)."""
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[None, :]
    out = nan_like(answer)
    rows, cols = min(v.shape[0], out.shape[0]), min(v.shape[1], out.shape[1])
    out[:rows, :cols] = v[:rows, :cols]
    return np.where(np.isfinite(out), out, np.nan)


def transposed(answer: np.ndarray) -> np.ndarray:
    """The value at ``(c, r)`` for each cell ``(r, c)`` off the diagonal (NaN where there is
    no such cell): what the learner gives when rows and columns are swapped."""
    a = np.asarray(answer, dtype=float)
    out = nan_like(a)
    rows, cols = a.shape
    for r in range(rows):
        for c in range(cols):
            if r != c and c < rows and r < cols:
                out[r, c] = a[c, r]
    return out


def negated(answer: np.ndarray) -> np.ndarray:
    """``-v`` where ``v`` is not 0 (a sign slip on 0 is no slip)."""
    a = np.asarray(answer, dtype=float)
    return np.where(a != 0, -a, np.nan)


def other_cells(answer: np.ndarray) -> list[np.ndarray]:
    """For a one-row answer of ``n`` cells, ``n - 1`` grids: the value of the cell ``j`` places
    further along (cyclically), for a value typed in a neighbour's cell (X's vote under O)."""
    a = np.asarray(answer, dtype=float)
    n = a.shape[1]
    return [np.roll(a, -j, axis=1) for j in range(1, n)] if a.shape[0] == 1 else []


SWAPPED = ("Rows and columns look swapped: that value belongs to the mirror cell across the "
           "diagonal.")
SIGN = "Right size, wrong sign: check the sign of each product (-1 × -1 = +1)."


def swapped_slip(answer: np.ndarray) -> list[Slip]:
    a = np.asarray(answer, dtype=float)
    return [Slip("swapped", SWAPPED, transposed(a))] if min(a.shape) > 1 else []


def sign_slip(answer: np.ndarray, message: str = SIGN) -> list[Slip]:
    return [Slip("sign", message, negated(answer))]


def cell_slips(answer: np.ndarray,
               per_cell: list[list[tuple[str, str, float]]]) -> list[Slip]:
    """One :class:`Slip` per slip key, its value in each cell of a one-row answer (NaN in the
    cells where that slip does not apply)."""
    found: dict[str, Slip] = {}
    for c, slips in enumerate(per_cell):
        for key, message, value in slips:
            if key not in found:
                found[key] = Slip(key, message, np.full(answer.shape, np.nan))
            found[key].values[0, c] = value
    return list(found.values())



def safe(make: Callable[[], Iterable[Slip]]) -> list[Slip]:
    """The slips ``make`` gives, or none when computing them fails (a slip is a nicety: a
    setting that the engine refuses for the slipped question simply has no slip)."""
    try:
        return list(make())
    except Exception:  # noqa: BLE001 - an engine refusal, an overflow: no slip to report
        return []


def find_slip(slips: Iterable[Slip], r: int, c: int, typed: float,
              truth: float) -> Slip | None:
    """The first slip whose value at ``(r, c)`` the grader would accept for ``typed``, when
    ``typed`` is wrong; a slip whose value the grader would accept as right is skipped (it
    cannot be told apart from the answer)."""
    if accepts(typed, truth):
        return None
    for s in slips:
        try:
            v = float(s.values[r, c])
        except (IndexError, TypeError, ValueError):
            continue
        # A slip value near the answer is no slip: the grader's tolerance blurs the two.
        if not np.isfinite(v) or abs(v - truth) <= 2 * TOLERANCE + 1e-9:
            continue
        # named only when the typed value is nearer the slip than the answer (0.56 for a
        # right 0.5549 is more likely a rounding than the slip 0.5651)
        if accepts(typed, v) and abs(typed - v) < abs(typed - truth):
            return s
    return None

