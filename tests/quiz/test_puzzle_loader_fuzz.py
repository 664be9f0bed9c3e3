"""Fuzzing the puzzle loader: whatever table or bytes it is given, ``build`` and ``load_file``
give a clean puzzle or raise :class:`PuzzleError` with one line, and nothing else."""

from __future__ import annotations

import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from cnn_tui.quiz.kinds import BY_NAME, NAMES
from cnn_tui.quiz.puzzle import COMMON, Puzzle, PuzzleError, build, load_file

MAX_MESSAGE = 400   # a sentence, however hostile the value it quotes

# --- values a TOML file can hold (plus the awkward ones) ---------------------------------------
HUGE = st.one_of(st.sampled_from([10 ** 300, -(10 ** 300), 2 ** 63, 10 ** 9 + 1]),
                 st.integers(4000, 6000).map(lambda d: 16 ** d))   # str() refuses these
scalars = st.one_of(
    st.booleans(), st.integers(-5, 20), st.integers(), HUGE,
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["5/9", "-1/9", "0.55", "x", "o", "practice", "x*diag", "relu:x*diag",
                     "diag", "nope*diag", "1/0", "1" * 5000]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=24)
# Deep enough to matter (the readers take at most 3 levels), shallow enough for hypothesis to
# print; a thousand levels and more are in test_puzzles_hostile_values.py and below, as text.
deep_lists = st.integers(1, 300).map(lambda n: _nest(n))
ints = st.integers(-3, 5)
rect = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda rc: st.lists(st.lists(ints, min_size=rc[1], max_size=rc[1]), min_size=rc[0],
                        max_size=rc[0]))
ragged = st.lists(st.lists(ints, min_size=1, max_size=4), min_size=1, max_size=4)
small_matrix = st.one_of(rect, rect, ragged, st.lists(ints, min_size=1, max_size=8))
channels = st.tuples(st.integers(1, 2), st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda s: st.lists(st.lists(st.lists(ints, min_size=s[2], max_size=s[2]), min_size=s[1],
                                max_size=s[1]), min_size=s[0], max_size=s[0]))
setting = st.one_of(st.integers(-1, 4), st.lists(st.integers(0, 3), min_size=1, max_size=3))
few = st.one_of(st.integers(0, 4), st.lists(st.integers(0, 4), min_size=1, max_size=4))
PLAUSIBLE = {
    "input": st.one_of(small_matrix, channels,
                       st.sampled_from(["x", "o", "practice", "x*diag", "relu:x*diag"])),
    "kernel": st.one_of(small_matrix, channels, st.sampled_from(["diag", "practice", "x"])),
    "stride": setting, "padding": setting, "dilation": setting, "window": setting,
    "mode": st.sampled_from(["sum", "mean", "max"]), "op": st.sampled_from(["max", "avg", "min"]),
    "channels": st.booleans(), "ceil_mode": st.booleans(), "pad_value": st.integers(-2, 2),
    "n": st.integers(0, 12), "of": st.sampled_from(["conv", "pool", "x"]),
    "vector": st.one_of(st.lists(st.integers(0, 9), min_size=1, max_size=12),
                        st.sampled_from(["x", "o", "nope"])),
    "strong": st.dictionaries(st.sampled_from(["X", "O", "new\nline"]),
                              st.lists(st.integers(-2, 13), max_size=4), max_size=3),
    "items": st.lists(st.one_of(
        st.fixed_dictionaries({"layer": st.just("mlp"),
                               "sizes": st.lists(st.integers(0, 30), max_size=4)},
                              optional={"bias": st.booleans(), "label": st.text(max_size=5)}),
        st.fixed_dictionaries({"layer": st.just("dense"), "inputs": st.integers(0, 9),
                               "outputs": st.integers(0, 9)}, optional={"bias": st.booleans()}),
        st.fixed_dictionaries({"layer": st.just("conv"), "in_channels": st.integers(0, 3),
                               "filters": st.integers(0, 3), "kernel": few},
                              optional={"bias": st.booleans(), "label": st.text(max_size=5)}),
        st.fixed_dictionaries({"layer": st.sampled_from(["mlp", "dense", "conv", "rnn"])},
                              optional={"sizes": values, "inputs": values, "kernel": values,
                                        "in_channels": st.integers(0, 3), "label": values})),
        max_size=3),
    "scores": st.one_of(st.lists(st.one_of(st.integers(-5, 5), st.floats(-1e3, 1e3)),
                                 max_size=5), small_matrix, values),
    "layers": st.lists(st.one_of(
        st.fixed_dictionaries({"op": st.sampled_from(["conv", "pool", "dense"]),
                               "kernel": st.integers(0, 5)},
                              optional={"stride": st.integers(0, 3),
                                        "padding": st.integers(-1, 3),
                                        "ceil_mode": st.booleans()}),
        values), max_size=4),
    "cells": st.lists(st.lists(st.integers(-1, 3), min_size=1, max_size=2), max_size=3),
    "answer": st.one_of(small_matrix, st.integers(-3, 50)),
    "style": st.sampled_from(["lecture", "fraction", "number", "roman"]),
    "show_given": st.booleans(),
}
OUTPUT_SIZE = {"kernel": st.integers(0, 5), "stride": few, "padding": st.integers(-1, 3),
               "dilation": st.integers(0, 3)}
KEYS = sorted(COMMON | set().union(*(k.fields for k in BY_NAME.values())))


def _nest(n: int):
    v: object = 1
    for _ in range(n):
        v = [v]
    return v


def _plausible(kind: str, key: str):
    return OUTPUT_SIZE.get(key, PLAUSIBLE[key]) if kind == "output_size" else PLAUSIBLE[key]


@st.composite
def puzzle_tables(draw):
    """Mostly a puzzle of some kind, with its own keys drawn near what they should be, so the
    fuzzing reaches every kind's reader and the engine; then a little damage: a key or two set
    to anything at all (deep, huge, of the wrong type) and perhaps a common key left out."""
    kind = draw(st.sampled_from(NAMES))
    unit = BY_NAME[kind]
    spec = {"id": "p", "title": "T", "order": 1, "question": "Q?", "hints": ["h"], "kind": kind}
    optional = sorted(unit.fields - set(unit.required)) + ["cells", "answer", "style",
                                                          "show_given"]
    for key in list(unit.required) + draw(st.lists(st.sampled_from(optional), max_size=3,
                                                   unique=True)):
        spec[key] = draw(_plausible(kind, key))
    for key in draw(st.lists(st.sampled_from(KEYS + ["zzz"]), max_size=2, unique=True)):
        spec[key] = draw(st.one_of(values, deep_lists, HUGE))
    for key in draw(st.lists(st.sampled_from(sorted(COMMON)), max_size=1)):
        spec.pop(key, None)
    return spec


def assert_clean(result_or_error):
    """A usable puzzle, or one line saying what is wrong."""
    if isinstance(result_or_error, PuzzleError):
        msg = str(result_or_error)
        assert msg and "\n" not in msg and "\r" not in msg, repr(msg)
        assert len(msg) <= MAX_MESSAGE, msg
        return
    p = result_or_error
    assert isinstance(p, Puzzle)
    assert p.answer.ndim == 2 and 1 <= p.answer.size <= 100
    assert all(math.isfinite(v) for v in p.answer.ravel())
    for r, c in p.cells():                  # the screen explains and highlights every cell
        assert isinstance(p.working(r, c), str)
        p.window(r, c)


def run(fn, *args):
    try:
        return fn(*args)
    except PuzzleError as exc:
        return exc


@given(puzzle_tables())
@example({"id": "p", "title": "T", "order": 1, "question": "Q", "hints": ["h"], "kind": "vote",
          "vector": [1, 2, 3], "strong": {"X": [99]}})
@example({"id": "p", "title": "T", "order": 1, "question": "Q", "hints": ["h"], "kind": "conv",
          "input": _nest(300), "kernel": [[1]]})
@example({"id": "p", "title": "T", "order": 10 ** 300, "question": "Q", "hints": ["h"],
          "kind": "output_size", "n": 10 ** 300, "kernel": 3, "stride": 1})
def test_build_gives_a_puzzle_or_one_line(spec):
    assert_clean(run(build, spec))


@given(st.dictionaries(st.text(max_size=8), values, max_size=8))
def test_build_of_any_table_gives_a_puzzle_or_one_line(spec):
    assert_clean(run(build, spec))


# --- files -------------------------------------------------------------------------------------
def _toml(v) -> str:
    """A TOML value (inline), for tables drawn above."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) if v.bit_length() < 4000 else hex(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return {math.inf: "inf", -math.inf: "-inf"}.get(v, repr(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)   # a TOML basic string, escapes and all
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_toml(x)}" for k, x in v.items()) + "}"


def _key(k: str) -> str:
    return json.dumps(k, ensure_ascii=False)


def _write(folder, data: bytes):
    path = folder / "fuzz.toml"
    path.write_bytes(data)
    return path


@given(puzzle_tables(), st.data())
def test_load_file_of_a_drawn_puzzle_gives_a_puzzle_or_one_line(tmp_path_factory, spec, data):
    text = "\n".join(f"{_key(k)} = {_toml(v)}" for k, v in spec.items()) + "\n"
    raw = text.encode("utf-8", "surrogatepass")
    if data.draw(st.booleans()):            # and now and then, a little damage
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(max_size=8)) + raw[at:]
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    assert_clean(run(load_file, _write(folder, raw)))


@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(
    lambda t: t.encode("utf-8", "surrogatepass"))))
def test_load_file_of_any_bytes_gives_a_puzzle_or_one_line(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    assert_clean(run(load_file, _write(folder, raw)))


@given(st.sampled_from(["[", "{ a = ", "[[", "{ a = ["]), st.integers(1, 20_000))
def test_load_file_of_deep_nesting_gives_one_line(tmp_path_factory, opening, depth):
    closing = opening.replace("[", "]").replace("{ a = ", "}")[::-1]
    raw = ("input = " + opening * depth + "1" + closing * depth + "\n").encode()
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    assert_clean(run(load_file, _write(folder, raw)))
