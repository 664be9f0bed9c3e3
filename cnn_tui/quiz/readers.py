"""Reading the values of a puzzle table, shared by the loader and every kind.

Each reader checks one value and returns it in the form the engine wants, or raises
:class:`PuzzleError` with one sentence naming the key and what it should be.
"""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import EngineError, conv_single, relu

from .grade import NotANumber, parse_answer


class PuzzleError(ValueError):
    """One problem with a puzzle file, in one sentence."""


def _need(spec: dict, key: str, kind: type | tuple, what: str):
    if key not in spec:
        raise PuzzleError(f"missing '{key}' ({what})")
    v = spec[key]
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise PuzzleError(f"'{key}' must be {what}, got {v!r}")
    return v


def _int(spec: dict, key: str, default: int | None, minimum: int) -> int:
    v = spec.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        raise PuzzleError(f"'{key}' must be a whole number of at least {minimum}, got {v!r}")
    return v


def _int_or_pair(spec: dict, key: str, default, minimum: int):
    v = spec.get(key, default)
    items = v if isinstance(v, list) else [v]
    if not 1 <= len(items) <= 3 or any(isinstance(i, bool) or not isinstance(i, int) or i < minimum
                                       for i in items):
        raise PuzzleError(f"'{key}' must be a whole number of at least {minimum} (or one per "
                          f"axis), got {v!r}")
    return v if isinstance(v, int) else tuple(items)


def _number(v, where: str) -> float:
    if isinstance(v, bool):
        raise PuzzleError(f"{where} must be a number, got {v!r}")
    if isinstance(v, (int, float)):
        if not np.isfinite(v):
            raise PuzzleError(f"{where} must be a finite number, got {v!r}")
        return float(v)
    if isinstance(v, str):
        try:
            return parse_answer(v)
        except NotANumber:
            raise PuzzleError(f"{where} must be a number, got {v!r}") from None
    raise PuzzleError(f"{where} must be a number, got {v!r}")


def _array(v, where: str, ndims: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """A TOML nested list of numbers -> float array; ragged or empty lists are refused."""
    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) and x else (1 if isinstance(x, list) else 0)

    if not isinstance(v, list) or not v:
        raise PuzzleError(f"{where} must be a non-empty list of numbers or of rows")
    d = depth(v)

    def walk(x, level, path):
        if level == d:
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
        raise PuzzleError(f"{where} is ragged (row lengths {', '.join(map(str, lens))}); every "
                          f"row needs the same number of values")
    arr = np.array(data, dtype=float)
    if arr.ndim not in ndims:
        want = " or ".join(f"{n}-D" for n in ndims)
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
            raise PuzzleError(f"{where} {v!r}: write IMAGE*FEATURE with an image from "
                              f"{', '.join(sorted(INPUTS))} and a feature from "
                              f"{', '.join(FEATURES)}")
        arr = conv_single(INPUTS[img], FEATURES[feat], mode="mean")
        label = f"{img} filtered by {feat}"
    else:
        if name not in INPUTS:
            raise PuzzleError(f"{where} names an unknown picture {v!r}; known: "
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
        raise PuzzleError(f"{where} names an unknown kernel {v!r}; known: "
                          f"{', '.join(sorted(KERNELS))}")
    return np.asarray(KERNELS[name], dtype=float), v.strip()


def _as2d(a: np.ndarray) -> np.ndarray:
    return a[None, :] if a.ndim == 1 else a


def _engine(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except EngineError as exc:
        raise PuzzleError(str(exc)) from None
