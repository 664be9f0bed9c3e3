"""Reading matrices given on the command line: a literal, a built-in name, or ``@FILE``.

Every problem raises :class:`InputError` with one sentence that says what is wrong and what to do.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np


class InputError(ValueError):
    """Bad input from the user."""


_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_UNSIGNED = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


def parse_number(token: str, where: str = "") -> float:
    """The one number grammar of cnn-tui, for matrices and quiz answers alike.

    An integer (``19``, ``-3``), a decimal (``0.55``, ``-.11``) or a fraction with a positive
    denominator (``5/9``, ``-1/9``); a typographic minus (``−``) counts as ``-``. NaN, infinity,
    exponents and words are refused with one sentence saying what to type instead.
    """
    t = token.strip().replace("\u2212", "-")
    at = f" {where}" if where else ""
    if not t:
        raise InputError(f"an empty value{at}: type a number such as 19, 0.55 or 5/9")
    num, slash, den = (part.strip() for part in t.partition("/"))
    if not _DECIMAL.match(num) or (slash and not _UNSIGNED.match(den)):
        low = t.lower().lstrip("+-")
        if low == "nan":
            raise InputError(f"NaN{at} is not a number a matrix can hold")
        if low in ("inf", "infinity"):
            raise InputError(f"infinity{at} is not allowed; use a finite number")
        raise InputError(f"{token.strip()!r}{at} is not a number: type an integer (19), a "
                         f"decimal (0.55) or a fraction (5/9)")
    try:
        value = Fraction(num) / Fraction(den) if slash else Fraction(num)
        result = float(value)
    except ZeroDivisionError:
        raise InputError(f"{token.strip()!r}{at} divides by zero: the bottom of a fraction "
                         f"cannot be 0") from None
    except OverflowError:
        raise InputError(f"{token.strip()!r}{at} is too large") from None
    return result


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


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def parse_whole_numbers(text: str) -> list[int]:
    """``"3,4"``, ``"3 4"`` or ``"3;4"`` -> ``[3, 4]``: whole numbers (ASCII digits, at most 18
    of them) separated by commas, semicolons or spaces. Anything else is an InputError."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not all(_WHOLE.fullmatch(p) for p in parts):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise InputError(f"could not read {shown!r}: type whole numbers separated by commas, "
                         "e.g. 3,4")
    return [int(p) for p in parts]


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
