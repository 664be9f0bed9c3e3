"""Printing numbers the way the lecture does.

The slides cut values to two decimals toward zero (5/9 -> 0.55, 7/9 -> 0.77, -1/9 -> -0.11);
they do not round. Exact fractions (5/9) are offered as an alternative.
"""

from __future__ import annotations

import math
from fractions import Fraction

_EPS = 1e-9


def is_integral(v: float) -> bool:
    return math.isfinite(v) and abs(v - round(v)) < _EPS


def truncate(v: float, decimals: int = 2) -> float:
    """Cut ``v`` toward zero to ``decimals`` places, immune to binary noise (0.29 stays 0.29)."""
    scale = 10 ** decimals
    scaled = v * scale
    # A value a hair below a whole number of hundredths is that number (float noise, not data).
    near = round(scaled)
    if abs(scaled - near) < 1e-6:
        scaled = near
    return math.trunc(scaled) / scale


def lecture(v: float, decimals: int = 2) -> str:
    """``0.5555 -> "0.55"``, ``-0.111 -> "-0.11"``, ``1 -> "1.00"`` (two decimals, cut toward zero)."""
    if not math.isfinite(v):
        return str(v)
    t = truncate(v, decimals)
    if t == 0:
        t = 0.0  # no "-0.00"
    return f"{t:.{decimals}f}"


def fraction(v: float, max_denominator: int = 1000) -> str:
    """Exact fraction when ``v`` is a simple one (``5/9``, ``-1/9``, ``3``), else lecture format."""
    if not math.isfinite(v):
        return str(v)
    fr = Fraction(v).limit_denominator(max_denominator)
    if abs(float(fr) - v) > _EPS:
        return lecture(v)
    if fr.denominator == 1:
        return str(fr.numerator)
    return f"{fr.numerator}/{fr.denominator}"


def format_number(v: float) -> str:
    """Whole numbers as integers (``19``), anything else in the lecture's format (``0.55``)."""
    v = float(v)
    if is_integral(v):
        return str(int(round(v))) if round(v) != 0 else "0"
    return lecture(v)


STYLES = ("lecture", "fraction", "number")


def format_value(v: float, style: str = "lecture") -> str:
    """Format one value in a named style: ``lecture`` (0.55), ``fraction`` (5/9), ``number``."""
    if style == "lecture":
        return lecture(float(v))
    if style == "fraction":
        return fraction(float(v))
    if style == "number":
        return format_number(float(v))
    raise ValueError(f"unknown number style {style!r}; choose one of {', '.join(STYLES)}")


def matrix_style(values) -> str:
    """``number`` when every value is whole (the practice's 19 25 / 37 43), else ``lecture``."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    if arr.size and np.all(np.isfinite(arr)) and np.all(np.abs(arr - np.round(arr)) < _EPS):
        return "number"
    return "lecture"
