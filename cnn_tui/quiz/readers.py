"""Reading the values of a puzzle table, shared by the loader and every kind.

Each reader checks one value and returns it in the form the engine wants, or raises
:class:`PuzzleError` with one sentence naming the key and what it should be. A bad value is
quoted by :func:`_show`: at most :data:`SHOW_CHARS` characters of it, however long, deep or
large it is.

The limits below keep a puzzle a puzzle (``puzzles/README.md`` lists them): anything beyond them
is a typing mistake, and refusing it up front keeps a bad file from costing time or memory.
"""

from __future__ import annotations

import math

import numpy as np

from cnn_tui.engine import EngineError, conv_single, relu

from .grade import NotANumber, parse_answer

SHOW_CHARS = 40                 # how much of a bad value a message quotes
MAX_ANSWER_CELLS = 100          # answer cells of one puzzle
MAX_VALUES = 10_000             # values in one input, kernel or vector
MAX_VALUE = 1_000_000_000       # the size of one value of a matrix (and of pad_value)
MAX_SETTING = 100               # stride, padding, dilation and window of a conv or pool puzzle
MAX_SIZE = 1_000_000            # the numbers of output_size and params puzzles
MAX_ORDER = 1_000_000           # the size of 'order'
MAX_ID_CHARS = 64               # the length of 'id' (progress is kept under it)


class PuzzleError(ValueError):
    """One problem with a puzzle file, in one sentence."""


class _Token(str):
    """A piece of punctuation in :func:`_show` (as opposed to a value to quote)."""


def _show_int(n: int) -> str:
    if n.bit_length() <= 4000:                  # about 1,200 digits: str() is quick
        return str(n)
    digits = int(math.log10(abs(n))) + 1        # str() of a huge int is slow, or refused
    return f"<a whole number of about {digits:,} digits>"


def _show(v, limit: int = SHOW_CHARS) -> str:
    """``repr(v)`` for a message, cut to ``limit`` characters and "…" when it is longer.

    Built piece by piece without recursion, so a value nested a thousand deep, a list of a
    million numbers or a 5,000-digit integer costs no more than a short one.
    """
    out: list[str] = []
    size = 0
    stack: list = [v]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, _Token):
            piece = str(item)
        elif isinstance(item, (list, tuple)):
            opening, closing = ("[", "]") if isinstance(item, list) else ("(", ")")
            piece = opening
            stack.append(_Token(closing))
            head = list(item[:limit])                # more could never be shown
            if len(item) > limit:
                head.append(_Token("..."))
            for i, x in enumerate(reversed(head)):
                stack.append(x)
                if i < len(head) - 1:
                    stack.append(_Token(", "))
        elif isinstance(item, dict):
            piece = "{"
            stack.append(_Token("}"))
            pairs = []
            for i, (k, x) in enumerate(item.items()):
                if i >= limit:
                    pairs.append((_Token("..."), None))
                    break
                pairs.append((k, x))
            for i, (k, x) in enumerate(reversed(pairs)):
                if isinstance(k, _Token):
                    stack.append(k)
                else:
                    stack.extend([x, _Token(": "), k])
                if i < len(pairs) - 1:
                    stack.append(_Token(", "))
        elif isinstance(item, bool) or not isinstance(item, int):
            if isinstance(item, str) and len(item) > limit:
                item = item[:limit + 1]              # its repr is cut anyway
            piece = repr(item)                       # str, float, bool, dates: all short
        else:
            piece = _show_int(item)
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    return text if len(text) <= limit and not stack else text[:limit] + "…"


def _key(k) -> str:
    """A key of a table for a message: as written when short and printable, else quoted."""
    return k if isinstance(k, str) and k.isprintable() and len(k) <= SHOW_CHARS else _show(k)


def _check_answer_cells(cells: int) -> None:
    if cells > MAX_ANSWER_CELLS:
        raise PuzzleError(f"the answer has {cells:,} cells; keep puzzles to {MAX_ANSWER_CELLS} "
                          f"cells or fewer")


def _need(spec: dict, key: str, kind: type | tuple, what: str):
    if key not in spec:
        raise PuzzleError(f"missing '{key}' ({what})")
    v = spec[key]
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise PuzzleError(f"'{key}' must be {what}, got {_show(v)}")
    return v


def _whole(v, minimum: int, maximum: int) -> bool:
    return not isinstance(v, bool) and isinstance(v, int) and minimum <= v <= maximum


def _int(spec: dict, key: str, default: int | None, minimum: int, maximum: int = MAX_SIZE) -> int:
    v = spec.get(key, default)
    if not _whole(v, minimum, maximum):
        raise PuzzleError(f"'{key}' must be a whole number from {minimum} to {maximum:,}, got "
                          f"{_show(v)}")
    return v


def _int_or_pair(spec: dict, key: str, default, minimum: int, maximum: int = MAX_SETTING):
    v = spec.get(key, default)
    items = list(v) if isinstance(v, (list, tuple)) else [v]   # a default may be a tuple
    if not 1 <= len(items) <= 3 or not all(_whole(i, minimum, maximum) for i in items):
        raise PuzzleError(f"'{key}' must be a whole number from {minimum} to {maximum:,} (or one "
                          f"per axis), got {_show(v)}")
    return v if isinstance(v, int) else tuple(items)


def _number(v, where: str, bound: float | None = MAX_VALUE) -> float:
    """A number (or a fraction string such as ``"5/9"``) as a float, at most ``bound`` in size
    (``None``: any finite number)."""
    def out_of_bounds():
        return PuzzleError(f"{where} must be a number from -{bound:,} to {bound:,}, got "
                           f"{_show(v)}")

    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise PuzzleError(f"{where} must be a number, got {_show(v)}")
    if isinstance(v, str):
        try:
            f = parse_answer(v)
        except (NotANumber, ValueError):     # ValueError: too many digits for Python to read
            raise PuzzleError(f"{where} must be a number, got {_show(v)}") from None
    elif isinstance(v, int) and bound is not None and abs(v) > bound:
        raise out_of_bounds()
    else:
        try:
            f = float(v)
        except OverflowError:
            raise PuzzleError(f"{where} is too large to compute with, got {_show(v)}") from None
    if not math.isfinite(f):
        raise PuzzleError(f"{where} must be a finite number, got {_show(v)}")
    if bound is not None and abs(f) > bound:
        raise out_of_bounds()
    return f


def _depth(v) -> int:
    """How deep lists nest, following first elements (an empty list counts as one level)."""
    d = 0
    while isinstance(v, list):
        d += 1
        if not v:
            break
        v = v[0]
    return d


def _array(v, where: str, ndims: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """A TOML nested list of numbers -> float array; ragged or empty lists are refused."""
    if not isinstance(v, list) or not v:
        raise PuzzleError(f"{where} must be a non-empty list of numbers or of rows")
    want = " or ".join(f"{n}-D" for n in ndims)
    d = _depth(v)
    if d > max(ndims):
        raise PuzzleError(f"{where} must be {want}, got {d}-D")

    count = 0

    def walk(x, level, path):                 # recursion at most max(ndims) deep
        nonlocal count
        if level == d:
            count += 1
            if count > MAX_VALUES:
                raise PuzzleError(f"{where} has more than {MAX_VALUES:,} values; keep puzzles "
                                  f"small")
            return _number(x, f"{where}{path}")
        if not isinstance(x, list) or not x:
            raise PuzzleError(f"{where} is ragged: {where}{path} is not a non-empty row")
        return [walk(y, level + 1, f"{path}[{i}]") for i, y in enumerate(x)]

    data = walk(v, 0, "")

    def shape_ok(x):
        if not isinstance(x, list):
            return True
        widths = {len(y) if isinstance(y, list) else -1 for y in x}
        return len(widths) == 1 and all(shape_ok(y) for y in x)

    if not shape_ok(data):
        lens = [len(r) if isinstance(r, list) else 1 for r in data]
        shown = ", ".join(map(str, lens[:10])) + (", ..." if len(lens) > 10 else "")
        raise PuzzleError(f"{where} is ragged (row lengths {shown}); every "
                          f"row needs the same number of values")
    arr = np.array(data, dtype=float)
    if arr.ndim not in ndims:
        raise PuzzleError(f"{where} must be {want}, got {arr.ndim}-D")
    return arr


def _named_input(v, where: str) -> tuple[np.ndarray, str]:
    """An input matrix, or a name: a picture (``x``), ``practice``, or a lecture map ``x*diag``.

    ``relu:x*diag`` is the ReLU of that map. Names return a label for the screen.
    """
    if not isinstance(v, str):
        return _array(v, where, (1, 2, 3)), ""
    from cnn_tui.lecture.data import FEATURES, INPUTS

    label: str

    name = v.strip().lower()
    after_relu = name.startswith("relu:")
    if after_relu:
        name = name[5:]
    if "*" in name:
        img, feat = (p.strip() for p in name.split("*", 1))
        if img not in INPUTS or feat not in FEATURES:
            raise PuzzleError(f"{where} {_show(v)}: write IMAGE*FEATURE with an image from "
                              f"{', '.join(sorted(INPUTS))} and a feature from "
                              f"{', '.join(FEATURES)}")
        arr = conv_single(INPUTS[img], FEATURES[feat], mode="mean")
        label = f"{img} filtered by {feat}"
    else:
        if name not in INPUTS:
            raise PuzzleError(f"{where} names an unknown picture {_show(v)}; known: "
                              f"{', '.join(sorted(INPUTS))}")
        arr = np.asarray(INPUTS[name], dtype=float)
        label = name
    if after_relu:
        arr = relu(arr)
        label = f"ReLU of {label}"
    return arr, label


def _named_kernel(v, where: str) -> tuple[np.ndarray, str]:
    if not isinstance(v, str):
        return _array(v, where, (1, 2, 3)), ""
    from cnn_tui.lecture.data import KERNELS

    name = v.strip().lower()
    if name not in KERNELS:
        raise PuzzleError(f"{where} names an unknown kernel {_show(v)}; known: "
                          f"{', '.join(sorted(KERNELS))}")
    return np.asarray(KERNELS[name], dtype=float), v.strip()


def _as2d(a: np.ndarray) -> np.ndarray:
    return a[None, :] if a.ndim == 1 else a


def _engine(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except EngineError as exc:
        raise PuzzleError(" ".join(str(exc).split())) from None
