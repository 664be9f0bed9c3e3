"""Grading typed answers.

The rule (also written in ``puzzles/README.md``):

* An answer is an integer (``19``, ``-3``), a decimal (``0.55``, ``-.11``) or a fraction
  (``5/9``, ``-1/9``). Anything else is *not an answer*: the learner gets a message, not a
  wrong mark.
* A whole-number true value must be met exactly (``19`` or ``19.0``).
* Any other true value is right when the answer is its lecture form (two decimals cut toward
  zero: 5/9 -> 0.55), its rounded form (0.56), or within 0.005 of it (5/9 itself, 0.5556, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_tui.engine.fmt import truncate
from cnn_tui.inputs import InputError, parse_number

TOLERANCE = 0.005
_EPS = 1e-9


class NotANumber(ValueError):
    """The typed text is not an integer, a decimal or a fraction."""


def parse_answer(text: str) -> float:
    """``"19"``, ``"-0.11"``, ``"5/9"``, ``"-1/9"`` -> float; else raise :class:`NotANumber`.

    The grammar is the project's one number grammar, :func:`cnn_tui.inputs.parse_number`.
    """
    try:
        return parse_number(text)
    except InputError as exc:
        raise NotANumber(str(exc)) from None
    except ValueError:  # more digits than Python turns into a number at once
        raise NotANumber("that number has too many digits: type it as a decimal such as 0.55 "
                         "or a fraction such as 5/9") from None


def is_whole(v: float) -> bool:
    return abs(v - round(v)) < _EPS


def accepts(answer: float, truth: float) -> bool:
    """True when ``answer`` counts as right for the true value ``truth`` (see the module rule)."""
    if not (math.isfinite(answer) and math.isfinite(truth)):
        return False
    if is_whole(truth):
        return abs(answer - truth) < _EPS
    if abs(answer - truth) <= TOLERANCE + _EPS:
        return True
    for form in (truncate(truth, 2), round(truth, 2)):
        if abs(answer - form) < _EPS:
            return True
    return False


@dataclass(frozen=True)
class CellResult:
    """The grade of one cell: ``right`` is None when the text is not a number (see ``message``)."""

    right: bool | None
    value: float | None
    message: str = ""


def grade_cell(text: str, truth: float) -> CellResult:
    try:
        v = parse_answer(text)
    except NotANumber as exc:
        return CellResult(None, None, str(exc))
    return CellResult(accepts(v, truth), v)
