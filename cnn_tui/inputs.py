"""Reading matrices given on the command line: a literal, a built-in name, or ``@FILE``.

Every problem raises :class:`InputError` with one sentence that says what is wrong and what to do.
A bad token is quoted by at most :data:`SHOWN_CHARS` characters (see :func:`shown`).

Limits, checked before anything is converted: a matrix is at most :data:`MAX_MATRIX_CHARS`
characters of text (the 1 MB limit of ``@FILE``, so at most 500,000 values); a number is at most
:data:`MAX_NUMBER_CHARS` characters on each side of a fraction's ``/``, so no digit string ever
reaches Python's int-conversion limit (4,300 digits).

NumPy is imported inside the functions that build arrays, so the command line can use
:func:`shown` without loading it.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.files import MAX_TEXT_BYTES

if TYPE_CHECKING:
    import numpy as np

SHOWN_CHARS = 40                 # how much of a long bad token an error message quotes
MAX_MATRIX_CHARS = MAX_TEXT_BYTES  # a literal or a file: 1,000,000 characters
MAX_NUMBER_CHARS = 1000          # each side of a fraction; a plain decimal may be longer
MAX_PAIR_DIGITS = 30             # --stride/--padding/--dilation: the engine refuses > 1,000,000
BOM = "\ufeff"


class InputError(ValueError):
    """Bad input from the user."""


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` quoted for an error message: all of it if short, else its first ``limit``
    characters and ``…`` (``'1111111111…'``)."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def shown_path(path, limit: int = 160) -> str:
    """A file name quoted for an error message: whole up to ``limit`` characters (so the user
    can find the file), else its start and its end (the file's own name) around ``…``."""
    text = str(path)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit // 2 - 20] + "…" + text[-(limit // 2):])


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_UNSIGNED = re.compile(r"(\d+(\.\d*)?|\.\d+)")


def parse_number(token: str, where: str = "") -> float:
    """The one number grammar of cnn-tui, for matrices and quiz answers alike.

    An integer (``19``, ``-3``), a decimal (``0.55``, ``-.11``) or a fraction with a positive
    denominator (``5/9``, ``-1/9``); a typographic minus (``−``) counts as ``-``. NaN, infinity,
    exponents and words are refused with one sentence saying what to type instead, and so are
    numbers too large for a float and fractions with more than :data:`MAX_NUMBER_CHARS`
    characters on a side.
    """
    t = token.strip().replace("\u2212", "-")
    at = f" {where}" if where else ""
    if not t:
        raise InputError(f"an empty value{at}: type a number such as 19, 0.55 or 5/9")
    num, slash, den = (part.strip() for part in t.partition("/"))
    if not _DECIMAL.fullmatch(num) or (slash and not _UNSIGNED.fullmatch(den)):
        low = t.lower().lstrip("+-")
        if low == "nan":
            raise InputError(f"NaN{at} is not a number a matrix can hold")
        if low in ("inf", "infinity"):
            raise InputError(f"infinity{at} is not allowed; use a finite number")
        raise InputError(f"{shown(t)}{at} is not a number: type an integer (19), a "
                         f"decimal (0.55) or a fraction (5/9)")
    if not slash:
        # float() reads a decimal correctly rounded (as float(Fraction(num)) would), with no
        # int conversion, so a digit string of any length is safe; + 0.0 turns -0 into 0.
        value = float(num)
        if math.isinf(value):
            raise InputError(f"{shown(t)}{at} is too large")
        return value + 0.0
    if len(num) > MAX_NUMBER_CHARS or len(den) > MAX_NUMBER_CHARS:
        raise InputError(f"{shown(t)}{at} has too many digits: a fraction has at most "
                         f"{MAX_NUMBER_CHARS:,} characters above and below the '/'")
    try:
        if _INTEGER.fullmatch(num) and _INTEGER.fullmatch(den):
            result = int(num) / int(den)          # correctly rounded, as float(Fraction) is
        else:
            result = float(Fraction(num) / Fraction(den))
    except ZeroDivisionError:
        raise InputError(f"{shown(t)}{at} divides by zero: the bottom of a fraction "
                         f"cannot be 0") from None
    except OverflowError:
        raise InputError(f"{shown(t)}{at} is too large") from None
    return result + 0.0


_NOT_PLAIN = str.maketrans("", "", "0123456789.-")


def _plain_row(tokens: list[str]) -> list[float] | None:
    """The values of a row of plain decimals (the usual case), or None to read it token by
    token with :func:`parse_number`.

    Made only of ASCII digits, ``.`` and ``-``, a token that float() reads is one the grammar
    allows (``-3``, ``0.55``, ``.5``, ``5.``), with the same correctly rounded value; this path
    is several times faster. -0 is made 0 by the caller; an overflow goes the slow way to get
    its message.
    """
    if "".join(tokens).translate(_NOT_PLAIN):
        return None
    try:
        row = list(map(float, tokens))
    except ValueError:
        return None
    return None if math.inf in row or -math.inf in row else row


_COMMENT = "#"
_VALUE_SEP = re.compile(r"[,\s]+")


def _rows(text: str, what: str) -> list[list[str]]:
    """The rows of ``text`` as lists of tokens.

    Rows are separated by ``;`` or new lines (``\n``, ``\r\n`` or ``\r``); ``#`` starts a
    comment. A ``;`` at the end of a
    line, comment lines and empty rows before the first row or after the last are ignored; an
    empty row between two rows (``1 2;;3 4``, a blank line or a line starting with ``;``) is
    refused.
    """
    rows: list[list[str]] = []
    gap = False                      # an empty row seen since the last row
    # Lines end in \n, \r\n or a lone \r (old Mac files): a \r never joins two rows.
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        body = line.split(_COMMENT, 1)[0]
        if not body.strip():
            if _COMMENT not in line:
                gap = gap or bool(rows)   # a blank line; a comment line is no row at all
            continue
        parts = body.split(";")
        if len(parts) > 1 and not parts[-1].strip():
            parts.pop()                   # "1 2;" at the end of a line
        for part in parts:
            tokens = [t for t in _VALUE_SEP.split(part.strip()) if t]
            if not tokens:
                gap = gap or bool(rows)
                continue
            if gap:
                raise InputError(f"row {len(rows) + 1:,} of the {what} is empty (';;' or a "
                                 f"blank line between rows); remove it or give it values")
            rows.append(tokens)
    return rows


def parse_matrix(text: str, what: str = "matrix") -> np.ndarray:
    """Rows separated by ``;`` or new lines, values by spaces or commas: ``"0 1 2; 3 4 5"``.

    A leading byte-order mark is dropped; text over :data:`MAX_MATRIX_CHARS` characters is
    refused before it is split. See :func:`_rows` for empty rows.
    """
    import numpy as np

    if text.startswith(BOM):
        text = text[1:]
    if len(text) > MAX_MATRIX_CHARS:
        raise InputError(f"the {what} is {len(text):,} characters long; the limit is "
                         f"{MAX_MATRIX_CHARS:,} (about 500,000 values): give a smaller matrix")
    rows = _rows(text, what)
    if not rows:
        raise InputError(f"the {what} is empty; write rows separated by ';', e.g. \"0 1; 2 3\"")
    values = []
    for r, tokens in enumerate(rows, 1):
        values.append(_plain_row(tokens) or [parse_number(t, f"(row {r} of the {what})")
                                             for t in tokens])
    width = len(values[0])
    if any(len(row) != width for row in values):
        if len(values) <= 10:
            counts = ", ".join(str(len(r)) for r in values)
            raise InputError(f"the {what} is ragged: its rows have {counts} values; every row "
                             f"needs the same number")
        r = next(i for i, row in enumerate(values, 1) if len(row) != width)
        raise InputError(f"the {what} is ragged: row 1 has {width} values but row {r:,} has "
                         f"{len(values[r - 1])}; every row needs the same number")
    return np.array(values, dtype=float) + 0.0


_SPECIAL_NUMBERS = ("nan", "inf", "infinity")


def load_matrix(spec: str, names: dict[str, np.ndarray], what: str) -> np.ndarray:
    """Resolve ``NAME``, ``@FILE`` or a literal ``MATRIX`` for the ``what`` (input, kernel, image).

    ``@FILE`` is read through :func:`cnn_tui.files.read_text_limited`: folders, devices, named
    pipes nobody writes to and files over 1 MB are refused before being read; ``@/dev/stdin``
    and ``@<(command)`` work. A UTF-8 byte-order mark is dropped from files and literals.
    """
    import numpy as np

    from cnn_tui.files import FileRefused, read_text_limited

    spec = spec.strip()
    if spec.startswith(BOM):
        spec = spec[1:].strip()
    if spec.startswith("@"):
        if not spec[1:]:
            raise InputError(f"give a file name after '@' for the {what}")
        path = Path(spec[1:]).expanduser()
        name = shown_path(path)
        try:
            text = read_text_limited(path, what=f"{what} file")
        except FileNotFoundError:
            raise InputError(f"the {what} file {name} does not exist") from None
        except FileRefused as exc:
            raise InputError(str(exc).replace(repr(str(path)), name)) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"the {what} file {name} is not UTF-8 text (byte {exc.start:,} "
                             f"cannot be decoded)") from None
        except OSError as exc:
            raise InputError(f"cannot read the {what} file {name}: "
                             f"{exc.strerror or type(exc).__name__}") from None
        return parse_matrix(text, what)
    key = spec.lower()
    if key in names:
        return np.asarray(names[key], dtype=float)
    if key not in _SPECIAL_NUMBERS and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", spec):
        known = ", ".join(sorted(names))
        raise InputError(f"unknown {what} name {shown(spec)}; known names: {known}")
    return parse_matrix(spec, what)


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def parse_whole_numbers(text: str) -> list[int]:
    """``"3,4"``, ``"3 4"`` or ``"3;4"`` -> ``[3, 4]``: whole numbers (ASCII digits, at most 18
    of them) separated by commas, semicolons or spaces. Anything else is an InputError."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not all(_WHOLE.fullmatch(p) for p in parts):
        raise InputError(f"could not read {shown(text)}: type whole numbers separated by "
                         "commas, e.g. 3,4")
    return [int(p) for p in parts]


_PAIR_SEP = re.compile(r"\s*,\s*|\s+")
_INT = re.compile(r"[+-]?[0-9]+")


def parse_pair(text: str, what: str, minimum: int) -> tuple[int, int]:
    """``"2"`` -> (2, 2); ``"1,2"`` or ``"1 2"`` -> (1, 2); each at least ``minimum``.

    A half-written pair (``"1,"``, ``",1"``, ``"1,,2"``) is refused, and so is a number of more
    than :data:`MAX_PAIR_DIGITS` digits (the engine's own limit is far below it).
    """
    t = text.strip()
    parts = _PAIR_SEP.split(t) if t else []
    if "" in parts:
        raise InputError(f"{what} {shown(t)} is half-written: give one number (2) or a pair "
                         f"rows,cols (1,2)")
    if not 1 <= len(parts) <= 2:
        raise InputError(f"{what} takes one number or a pair rows,cols, got {shown(t)}")
    for p in parts:
        if not _INT.fullmatch(p):
            raise InputError(f"{what} takes whole numbers, got {shown(t)}")
        if len(p.lstrip("+-").lstrip("0")) > MAX_PAIR_DIGITS:
            raise InputError(f"{what} {shown(t)} is far too large: use a small whole number")
    vals = [int(p) for p in parts]
    for v in vals:
        if v < minimum:
            raise InputError(f"{what} must be at least {minimum}, got {v}")
    return (vals[0], vals[-1])
