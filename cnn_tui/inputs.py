"""Reading matrices given on the command line: a literal, a built-in name, or ``@FILE``.

Every problem raises :class:`InputError` with one sentence that says what is wrong and what to do.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np


class InputError(ValueError):
    """Bad input from the user."""


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(token: str, where: str = "") -> float:
    """``"3"``, ``"-0.5"``, ``"5/9"`` -> float; NaN, infinity and words are refused."""
    t = token.strip()
    at = f" {where}" if where else ""
    try:
        if "/" in t:
            num, den = t.split("/", 1)
            if not (_NUMBER.match(num.strip()) and _NUMBER.match(den.strip())):
                raise ValueError
            value = float(Fraction(num.strip()) / Fraction(den.strip()))
        else:
            if not _NUMBER.match(t):
                raise ValueError
            value = float(t)
    except ZeroDivisionError:
        raise InputError(f"{token!r}{at} divides by zero") from None
    except ValueError:
        if t.lower() in ("nan", "+nan", "-nan"):
            raise InputError(f"NaN{at} is not a number a matrix can hold") from None
        if t.lower().lstrip("+-") in ("inf", "infinity"):
            raise InputError(f"infinity{at} is not allowed; use a finite number") from None
        raise InputError(f"{token!r}{at} is not a number (use integers, decimals or fractions "
                         f"like 5/9)") from None
    if not math.isfinite(value):
        raise InputError(f"{token!r}{at} is too large")
    return value


def parse_matrix(text: str, what: str = "matrix") -> np.ndarray:
    """Rows separated by ``;`` or new lines, values by spaces or commas: ``"0 1 2; 3 4 5"``."""
    lines = [ln.split("#", 1)[0] for ln in re.split(r"[;\n]", text)]
    rows = [ln for ln in lines if ln.strip()]
    if not rows:
        raise InputError(f"the {what} is empty; write rows separated by ';', e.g. \"0 1; 2 3\"")
    values = []
    for r, row in enumerate(rows, 1):
        tokens = [t for t in re.split(r"[,\s]+", row.strip()) if t]
        values.append([parse_number(t, f"(row {r} of the {what})") for t in tokens])
    widths = {len(r) for r in values}
    if len(widths) != 1:
        counts = ", ".join(str(len(r)) for r in values)
        raise InputError(f"the {what} is ragged: its rows have {counts} values; every row needs "
                         f"the same number")
    return np.array(values, dtype=float)


def load_matrix(spec: str, names: dict[str, np.ndarray], what: str) -> np.ndarray:
    """Resolve ``NAME``, ``@FILE`` or a literal ``MATRIX`` for the ``what`` (input, kernel, image)."""
    spec = spec.strip()
    if spec.startswith("@"):
        path = Path(spec[1:]).expanduser()
        if not spec[1:]:
            raise InputError(f"give a file name after '@' for the {what}")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"the {what} file {str(path)!r} does not exist") from None
        except IsADirectoryError:
            raise InputError(f"the {what} file {str(path)!r} is a folder, not a file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the {what} file {str(path)!r}: {exc}") from None
        return parse_matrix(text, what)
    key = spec.lower()
    if key in names:
        return np.asarray(names[key], dtype=float)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", spec):
        known = ", ".join(sorted(names))
        raise InputError(f"unknown {what} name {spec!r}; known names: {known}")
    return parse_matrix(spec, what)


def parse_pair(text: str, what: str, minimum: int) -> tuple[int, int]:
    """``"2"`` -> (2, 2); ``"1,2"`` -> (1, 2); each at least ``minimum``."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not 1 <= len(parts) <= 2:
        raise InputError(f"{what} takes one number or a pair rows,cols, got {text!r}")
    try:
        vals = [int(p) for p in parts]
    except ValueError:
        raise InputError(f"{what} takes whole numbers, got {text!r}") from None
    for v in vals:
        if v < minimum:
            raise InputError(f"{what} must be at least {minimum}, got {v}")
    return (vals[0], vals[-1])
