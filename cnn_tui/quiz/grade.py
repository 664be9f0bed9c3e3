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
import re
from dataclasses import dataclass
from fractions import Fraction

TOLERANCE = 0.005
_EPS = 1e-9
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NotANumber(ValueError):
    """The typed text is not an integer, a decimal or a fraction."""


def parse_answer(text: str) -> float:
    """``"19"``, ``"-0.11"``, ``"5/9"``, ``"-1/9"`` -> float; else raise :class:`NotANumber`."""
    t = text.strip().replace("−", "-")
    if not t:
        raise NotANumber("the cell is empty: type a number such as 19, 0.55 or 5/9")
    try:
        if "/" in t:
            num, den = (p.strip() for p in t.split("/", 1))
            if not (_DECIMAL.match(num) and _DECIMAL.match(den.lstrip("+"))) or den.startswith("-"):
                raise ValueError
            if Fraction(den) == 0:
                raise NotANumber(f"{text.strip()!r} divides by zero: the bottom of a fraction "
                                 f"cannot be 0")
            return float(Fraction(num) / Fraction(den))
        if not _DECIMAL.match(t):
            raise ValueError
        return float(Fraction(t))
    except ValueError as exc:
        if isinstance(exc, NotANumber):
            raise
        raise NotANumber(f"{text.strip()!r} is not a number: type an integer (19), a decimal "
                         f"(0.55) or a fraction (5/9)") from None


def _two_decimals_cut(v: float) -> float:
    scaled = v * 100
    near = round(scaled)
    if abs(scaled - near) < 1e-6:
        scaled = near
    return math.trunc(scaled) / 100


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
    for form in (_two_decimals_cut(truth), round(truth, 2)):
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
