"""Puzzle files: reading, checking and building a puzzle whose answers come from the engine.

A puzzle file is one TOML table (see ``puzzles/README.md``). :func:`build` turns the parsed
table into a :class:`Puzzle`: the matrices to show, the engine's answer grid, which cells the
learner fills in, and a way to explain any cell from the engine's trace. Every problem raises
:class:`PuzzleError` with one sentence saying what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnn_tui.engine import (EngineError, conv, conv_output_size, conv_single, conv_trace,
                            format_number, pool_output_size, pool_single, pool_trace, relu, vote)

from . import params as P
from .grade import NotANumber, accepts, parse_answer

KINDS = ("conv", "relu", "pool", "output_size", "params", "vote")
STYLES = ("lecture", "fraction", "number")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

COMMON = {"id", "title", "order", "question", "hints", "kind", "answer", "cells", "style",
          "show_given"}
FIELDS = {
    "conv": {"input", "kernel", "mode", "stride", "padding", "pad_value", "dilation", "channels"},
    "relu": {"input"},
    "pool": {"input", "op", "window", "stride", "padding", "ceil_mode"},
    "output_size": {"n", "kernel", "stride", "padding", "dilation", "of", "ceil_mode"},
    "params": {"items"},
    "vote": {"vector", "strong"},
}
REQUIRED = {"conv": ("input", "kernel"), "relu": ("input",), "pool": ("input",),
            "output_size": ("n", "kernel", "stride"), "params": ("items",), "vote": ("vector",)}


class PuzzleError(ValueError):
    """One problem with a puzzle file, in one sentence."""


@dataclass(frozen=True)
class Shown:
    """A matrix shown with the puzzle (input, kernel, a channel...)."""

    label: str
    values: np.ndarray  # 2-D


@dataclass
class Puzzle:
    id: str
    title: str
    order: int
    question: str
    hints: list[str]
    kind: str
    shown: list[Shown]
    answer: np.ndarray              # 2-D engine answer
    asked: np.ndarray               # 2-D bool: cells the learner fills in
    explain_cell: Callable[[int, int], str] = field(repr=False)
    col_labels: list[str] | None = None
    style: str = "lecture"
    path: Path | None = None
    stated: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    window_of: Callable[[int, int], dict[int, list[tuple[int, int]]]] | None = \
        field(default=None, repr=False)
    show_given: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return self.answer.shape  # type: ignore[return-value]

    def cells(self) -> list[tuple[int, int]]:
        """The asked cells in row-major order."""
        return [tuple(int(i) for i in rc) for rc in np.argwhere(self.asked)]  # type: ignore[misc]

    def working(self, r: int, c: int) -> str:
        return self.explain_cell(r, c)

    def window(self, r: int, c: int) -> dict[int, list[tuple[int, int]]]:
        """The cells of the shown matrices that answer cell ``(r, c)`` reads, by shown index."""
        if self.window_of is None:
            return {}
        return self.window_of(r, c)


# --- small readers -----------------------------------------------------------------------------
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
    from cnn_tui.lesson.data import FEATURES, INPUTS

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
    from cnn_tui.lesson.data import KERNELS

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


# --- the kinds ---------------------------------------------------------------------------------
def _conv(spec: dict):
    x, xname = _named_input(spec["input"], "'input'")
    k, kname = _named_kernel(spec["kernel"], "'kernel'")
    mode = spec.get("mode", "sum")
    if mode not in ("sum", "mean"):
        raise PuzzleError(f"'mode' must be \"sum\" or \"mean\", got {mode!r}")
    channels = spec.get("channels", False)
    if not isinstance(channels, bool):
        raise PuzzleError(f"'channels' must be true or false, got {channels!r}")
    stride = _int_or_pair(spec, "stride", 1, 1)
    padding = _int_or_pair(spec, "padding", 0, 0)
    dilation = _int_or_pair(spec, "dilation", 1, 1)
    pad_value = _number(spec.get("pad_value", 0), "'pad_value'")
    kw = dict(stride=stride, padding=padding, pad_value=pad_value, dilation=dilation, mode=mode)
    if channels:
        if x.ndim != 3 or k.ndim != 3:
            raise PuzzleError("with channels = true, 'input' and 'kernel' must each be a list of "
                              "2-D channels (3-D)")
        out = _engine(conv, x[None], k[None], None, **kw)[0, 0]
    else:
        if x.ndim == 3 or k.ndim == 3:
            raise PuzzleError("a 3-D 'input' or 'kernel' needs channels = true")
        out = _engine(conv_single, x, k, **kw)
    one_d = out.ndim == 1

    def explain(r: int, c: int) -> str:
        idx = (c,) if one_d else (r, c)
        t = conv_trace(x, k, idx, channels=channels, **kw)
        where = f"output {'cell ' + str(c) if one_d else f'row {r}, column {c}'}: "
        return where + t.working()

    def window(r: int, c: int):
        t = conv_trace(x, k, (c,) if one_d else (r, c), channels=channels, **kw)
        inside = t.in_input[0] if channels else t.in_input
        coords = t.input_coords[0] if channels else t.input_coords
        cells = [tuple(int(v) for v in rc) for rc in coords[inside]]
        cells = [(0, rc[0]) if len(rc) == 1 else rc for rc in cells]
        return {i: cells for i in range(x.shape[0] if channels else 1)}

    shown = []
    if channels:
        for i in range(x.shape[0]):
            shown.append(Shown(f"input channel {i + 1}", x[i]))
        for i in range(k.shape[0]):
            shown.append(Shown(f"kernel channel {i + 1}", k[i]))
    else:
        shown = [Shown(f"input {xname}".strip(), _as2d(x)),
                 Shown(f"kernel {kname}".strip(), _as2d(k))]
    return shown, _as2d(out), explain, None, window


def _relu(spec: dict):
    x, xname = _named_input(spec["input"], "'input'")
    if x.ndim == 3:
        raise PuzzleError("'input' of relu must be 1-D or 2-D")
    out = _as2d(relu(x))  # the engine's ReLU
    x2 = _as2d(x)

    def explain(r: int, c: int) -> str:
        return f"max(0, {format_number(x2[r, c])}) = {format_number(out[r, c])}"

    return [Shown(f"input: {xname}" if xname else "input", x2)], out, explain, None, \
        (lambda r, c: {0: [(r, c)]})


def _pool(spec: dict):
    x, xname = _named_input(spec["input"], "'input'")
    if x.ndim == 3:
        raise PuzzleError("'input' of pool must be 1-D or 2-D")
    op = spec.get("op", "max")
    if op not in ("max", "avg"):
        raise PuzzleError(f"'op' must be \"max\" or \"avg\", got {op!r}")
    window = _int_or_pair(spec, "window", 2, 1)
    stride = _int_or_pair(spec, "stride", window, 1)
    padding = _int_or_pair(spec, "padding", 0, 0)
    ceil_mode = spec.get("ceil_mode", True)
    if not isinstance(ceil_mode, bool):
        raise PuzzleError(f"'ceil_mode' must be true or false, got {ceil_mode!r}")
    kw = dict(kernel=window, stride=stride, padding=padding, ceil_mode=ceil_mode)
    out = _engine(pool_single, x, op, **kw)
    one_d = out.ndim == 1

    def explain(r: int, c: int) -> str:
        t = pool_trace(x, (c,) if one_d else (r, c), op, **kw)
        return t.working()

    def window(r: int, c: int):
        t = pool_trace(x, (c,) if one_d else (r, c), op, **kw)
        cells = [tuple(int(v) for v in rc) for rc in t.input_coords[t.in_input]]
        return {0: [(0, rc[0]) if len(rc) == 1 else rc for rc in cells]}

    return [Shown(f"input: {xname}" if xname else "input", _as2d(x))], _as2d(out), explain, \
        None, window


def _output_size(spec: dict):
    n = _int(spec, "n", None, 1)
    k = _int(spec, "kernel", None, 1)
    strides = spec["stride"]
    strides = strides if isinstance(strides, list) else [strides]
    if not strides or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in strides):
        raise PuzzleError(f"'stride' must be a whole number of at least 1 or a list of them, "
                          f"got {spec['stride']!r}")
    p = _int(spec, "padding", 0, 0)
    d = _int(spec, "dilation", 1, 1)
    of = spec.get("of", "conv")
    if of not in ("conv", "pool"):
        raise PuzzleError(f"'of' must be \"conv\" or \"pool\", got {of!r}")
    ceil_mode = spec.get("ceil_mode", of == "pool")
    if not isinstance(ceil_mode, bool):
        raise PuzzleError(f"'ceil_mode' must be true or false, got {ceil_mode!r}")
    if of == "conv":
        vals = [_engine(conv_output_size, n, k, s, p, p, d) for s in strides]
    else:
        vals = [_engine(pool_output_size, n, k, s, p, p, d, ceil_mode) for s in strides]
    span = d * (k - 1) + 1
    rounding = "⌈" if of == "pool" and ceil_mode else "⌊"
    close = "⌉" if rounding == "⌈" else "⌋"

    def explain(r: int, c: int) -> str:
        s = strides[c]
        pad = f" + 2×{p}" if p else ""
        return f"{rounding}({n}{pad} − {span}) / {s}{close} + 1 = {vals[c]}"

    return [], np.array([vals], dtype=float), explain, [f"stride {s}" for s in strides], None


_PARAM_FIELDS = {"mlp": {"sizes", "bias", "label"}, "dense": {"inputs", "outputs", "bias", "label"},
                 "conv": {"in_channels", "filters", "kernel", "bias", "label"}}


def _params(spec: dict):
    items = spec["items"]
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise PuzzleError("'items' must be a non-empty list of tables like "
                          "{ layer = \"dense\", inputs = 4, outputs = 2 }")
    vals, texts, labels = [], [], []
    for j, it in enumerate(items):
        layer = it.get("layer")
        if layer not in _PARAM_FIELDS:
            raise PuzzleError(f"items[{j}].layer must be \"mlp\", \"dense\" or \"conv\", "
                              f"got {layer!r}")
        extra = set(it) - _PARAM_FIELDS[layer] - {"layer"}
        if extra:
            raise PuzzleError(f"items[{j}] has unknown keys: {', '.join(sorted(extra))}")
        missing = _PARAM_FIELDS[layer] - {"bias", "label"} - set(it)
        if missing:
            raise PuzzleError(f"items[{j}] ({layer}) needs {', '.join(sorted(missing))}")
        kw = {k: v for k, v in it.items() if k not in ("layer", "label")}
        if not isinstance(kw.get("bias", True), bool):
            raise PuzzleError(f"items[{j}].bias must be true or false")
        try:
            fn = {"mlp": P.mlp_params, "dense": P.dense_params, "conv": P.conv_params}[layer]
            vals.append(fn(**kw))
            texts.append(P.params_working(layer, **kw))
        except (P.ParamsError, TypeError, KeyError) as exc:
            raise PuzzleError(f"items[{j}] ({layer}): {exc}") from None
        labels.append(str(it.get("label", f"{layer} {j + 1}")))

    def explain(r: int, c: int) -> str:
        return f"{texts[c]} = {vals[c]}"

    return [], np.array([vals], dtype=float), explain, labels, None


def _vote(spec: dict):
    from cnn_tui.lesson.data import STRONG

    v = spec["vector"]
    if isinstance(v, str):
        from cnn_tui.lesson.data import IMAGES
        from cnn_tui.lesson.network import lecture_pipeline

        if v.lower() not in IMAGES:
            raise PuzzleError(f"'vector' names an unknown picture {v!r}; known: "
                              f"{', '.join(sorted(IMAGES))}")
        vec = lecture_pipeline(IMAGES[v.lower()]).vector
        name = f"12 values of picture {v}"
    else:
        vec = _array(v, "'vector'", (1,))
        name = f"{vec.size} values"
    strong = spec.get("strong", {k: list(s) for k, s in STRONG.items()})
    if not isinstance(strong, dict) or not strong:
        raise PuzzleError("'strong' must be a table like { X = [0, 3], O = [1, 2] }")
    try:
        votes = vote(vec, strong)
    except (EngineError, TypeError, ValueError) as exc:
        raise PuzzleError(f"'strong': {exc}") from None
    names = list(votes)

    def explain(r: int, c: int) -> str:
        pos = list(strong[names[c]])
        terms = " + ".join(format_number(vec[i]) for i in pos)
        return (f"{names[c]} listens to positions {', '.join(map(str, pos))}: "
                f"({terms}) / {len(pos)} = {format_number(votes[names[c]])}")

    shown = [Shown(name, vec[None, :])]
    return shown, np.array([[votes[n] for n in names]]), explain, names, \
        (lambda r, c: {0: [(0, int(i)) for i in strong[names[c]]]})


_BUILDERS = {"conv": _conv, "relu": _relu, "pool": _pool, "output_size": _output_size,
             "params": _params, "vote": _vote}


# --- whole puzzles -----------------------------------------------------------------------------
def _cells(spec: dict, shape: tuple[int, int]) -> np.ndarray:
    asked = np.zeros(shape, dtype=bool)
    if "cells" not in spec:
        asked[:] = True
        return asked
    cells = spec["cells"]
    if not isinstance(cells, list) or not cells:
        raise PuzzleError("'cells' must be a non-empty list of [row, column] pairs")
    for cell in cells:
        rc = cell if isinstance(cell, list) else [cell]
        if len(rc) == 1:
            rc = [0, rc[0]]
        if len(rc) != 2 or any(isinstance(i, bool) or not isinstance(i, int) for i in rc):
            raise PuzzleError(f"'cells' entry {cell!r} must be [row, column]")
        r, c = rc
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            raise PuzzleError(f"'cells' entry {cell!r} is outside the {shape[0]}x{shape[1]} answer")
        if asked[r, c]:
            raise PuzzleError(f"'cells' lists {cell!r} twice")
        asked[r, c] = True
    return asked


def _stated(spec: dict, answer: np.ndarray, asked: np.ndarray) -> list:
    """Compare the file's stated answer with the engine's; return ``[(cell, text)]``."""
    if "answer" not in spec:
        return []
    raw = spec["answer"]
    cells = [tuple(int(i) for i in rc) for rc in np.argwhere(asked)]
    if "cells" in spec:
        flat = raw if isinstance(raw, list) else [raw]
        if any(isinstance(v, list) for v in flat) or len(flat) != len(cells):
            raise PuzzleError(f"'answer' must list {len(cells)} value(s), one per entry of "
                              f"'cells', got {raw!r}")
        pairs = list(zip(cells, flat))
    else:
        if not isinstance(raw, list):
            raw = [[raw]]
        elif raw and not isinstance(raw[0], list):
            raw = [raw]
        if any(not isinstance(row, list) for row in raw) or [len(r) for r in raw] != \
                [answer.shape[1]] * answer.shape[0]:
            lens = ", ".join(str(len(r)) if isinstance(r, list) else "?" for r in raw)
            raise PuzzleError(f"'answer' must have the output's shape {answer.shape[0]}x"
                              f"{answer.shape[1]}, got {len(raw)} row(s) of {lens}")
        pairs = [((r, c), raw[r][c]) for r, c in cells]
    out = []
    for (r, c), v in pairs:
        val = _number(v, f"'answer' at row {r}, column {c}")
        if not accepts(val, float(answer[r, c])):
            raise PuzzleError(f"stated answer {v!r} at row {r}, column {c} is wrong: the engine "
                              f"gives {format_number(answer[r, c])}")
        out.append(((r, c), str(v)))
    return out


def build(spec: dict, path: Path | None = None) -> Puzzle:
    """Check one parsed puzzle table and compute its answers with the engine."""
    pid = _need(spec, "id", str, "a short name like \"practice-sum\"")
    if not _ID.match(pid):
        raise PuzzleError(f"'id' {pid!r} must use lower-case letters, digits, '-' and '_'")
    title = _need(spec, "title", str, "a title")
    if not title.strip():
        raise PuzzleError("'title' is empty")
    order = _need(spec, "order", int, "a whole number giving the puzzle's place")
    question = _need(spec, "question", str, "the question to ask")
    if not question.strip():
        raise PuzzleError("'question' is empty")
    if "hints" not in spec:
        raise PuzzleError("missing 'hints': add hints = [\"a first nudge\", ...]")
    hints = spec["hints"]
    if not isinstance(hints, list) or not hints:
        raise PuzzleError("'hints' must be a non-empty list of strings")
    for i, h in enumerate(hints):
        if not isinstance(h, str) or not h.strip():
            raise PuzzleError(f"hint {i + 1} is empty; write a nudge or remove it")
    kind = _need(spec, "kind", str, f"one of {', '.join(KINDS)}")
    if kind not in KINDS:
        raise PuzzleError(f"'kind' {kind!r} is unknown; use one of {', '.join(KINDS)}")
    unknown = set(spec) - COMMON - FIELDS[kind]
    if unknown:
        raise PuzzleError(f"unknown keys for kind {kind!r}: {', '.join(sorted(unknown))}")
    for key in REQUIRED[kind]:
        if key not in spec:
            raise PuzzleError(f"kind {kind!r} needs '{key}'")
    style = spec.get("style", "lecture")
    if style not in STYLES:
        raise PuzzleError(f"'style' must be one of {', '.join(STYLES)}, got {style!r}")
    shown, answer, explain, labels, window = _BUILDERS[kind](spec)
    if answer.size > 100:
        raise PuzzleError(f"the answer has {answer.size} cells; keep puzzles to 100 cells or fewer")
    show_given = spec.get("show_given", False)
    if not isinstance(show_given, bool):
        raise PuzzleError(f"'show_given' must be true or false, got {show_given!r}")
    asked = _cells(spec, answer.shape)
    stated = _stated(spec, answer, asked)
    return Puzzle(pid, title.strip(), order, question.strip(), [h.strip() for h in hints], kind,
                  shown, answer, asked, explain, labels, style, path, stated, window, show_given)


def load_file(path: Path) -> Puzzle:
    try:
        with open(path, "rb") as fh:
            spec = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PuzzleError(f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise PuzzleError("not valid TOML: the file is not UTF-8 text") from None
    except OSError as exc:
        raise PuzzleError(f"cannot read the file: {exc.strerror or exc}") from None
    return build(spec, path)


@dataclass
class Curriculum:
    puzzles: list[Puzzle]
    problems: list[tuple[str, str]]  # (file name, what is wrong)

    def index_of(self, pid: str) -> int | None:
        for i, p in enumerate(self.puzzles):
            if p.id == pid:
                return i
        return None


def load_dir(directory: Path) -> Curriculum:
    """Read every ``*.toml`` in ``directory``; bad files become problems, the rest puzzles."""
    directory = Path(directory)
    if not directory.is_dir():
        return Curriculum([], [(str(directory), "no such folder of puzzles")])
    files = sorted(directory.glob("*.toml"))
    puzzles, problems = [], []
    if not files:
        problems.append((str(directory), "no puzzle files (*.toml) in this folder"))
    seen: dict[str, str] = {}
    orders: dict[int, str] = {}
    for f in files:
        try:
            p = load_file(f)
        except PuzzleError as exc:
            problems.append((f.name, str(exc)))
            continue
        if p.id in seen:
            problems.append((f.name, f"duplicate id {p.id!r} (also in {seen[p.id]})"))
            continue
        if p.order in orders:
            problems.append((f.name, f"duplicate order {p.order} (also in {orders[p.order]})"))
            continue
        seen[p.id] = f.name
        orders[p.order] = f.name
        puzzles.append(p)
    puzzles.sort(key=lambda p: (p.order, p.id))
    return Curriculum(puzzles, problems)
