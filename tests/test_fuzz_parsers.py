"""Fuzzing the parsers of user text: whatever comes in, the result is a clean value or our own
one-line error (InputError / HeadlessError, a message without line breaks and of bounded length)
— never another exception. Example counts come from the project's hypothesis profile.
"""

from __future__ import annotations

import json
import math

import numpy as np
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnn_tui.cli import cli
from cnn_tui.inputs import (InputError, load_matrix, parse_matrix, parse_number, parse_pair,
                            parse_whole_numbers)
from cnn_tui.tui.headless import (ACTIONS, MAX_SIZE, MIN_SIZE, HeadlessError, parse_keys,
                                  parse_script, parse_size)

MAX_MESSAGE = 400

# Text that looks like what people type: digits, signs, separators, fractions, words of the
# grammar's edge (nan, inf, e), a BOM, a typographic minus, blank lines; then anything at all.
NUMBERISH = st.text(alphabet="0123456789 .,;-+/\n#\ufeff\u2212naifxe_\t\r", max_size=60)
HUGE_DIGITS = st.integers(4000, 6000).map(lambda n: "1" * n)
ANY_TEXT = st.text(max_size=80)
USER_TEXT = st.one_of(NUMBERISH, ANY_TEXT, HUGE_DIGITS,
                      st.tuples(NUMBERISH, HUGE_DIGITS, NUMBERISH).map("".join))


def clean_error(exc: Exception) -> None:
    msg = str(exc)
    assert msg and len(msg) <= MAX_MESSAGE, msg[:600]
    assert "\n" not in msg and "\r" not in msg, msg[:600]


def check(call, error=InputError):
    """``call()``'s value, or None after checking it raised a clean ``error``."""
    try:
        return call()
    except error as exc:
        clean_error(exc)
        return None


@given(USER_TEXT)
def test_parse_number(text):
    value = check(lambda: parse_number(text, "(row 1 of the input)"))
    assert value is None or (isinstance(value, float) and math.isfinite(value))


@given(USER_TEXT)
def test_parse_matrix(text):
    m = check(lambda: parse_matrix(text, "input"))
    if m is not None:
        assert isinstance(m, np.ndarray) and m.ndim == 2 and m.size > 0
        assert np.all(np.isfinite(m))


@given(USER_TEXT)
def test_load_matrix_literals_and_names(text):
    names = {"x": np.ones((3, 3)), "diag": np.eye(3)}
    m = check(lambda: load_matrix(text, names, "kernel"))
    assert m is None or (m.ndim == 2 and np.all(np.isfinite(m)))


@given(contents=st.one_of(USER_TEXT, st.binary(max_size=60).map(lambda b: b.decode("latin-1"))),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
       name=st.text(alphabet="abc_.-~ ", min_size=1, max_size=12))
def test_load_matrix_files(tmp_path_factory, contents, encoding, name):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "m.txt"
    path.write_bytes(contents.encode(encoding, "replace"))
    for spec in (f"@{path}", f"@{folder / name}", f"@{folder}"):
        m = check(lambda spec=spec: load_matrix(spec, {}, "input"))
        assert m is None or (m.ndim == 2 and np.all(np.isfinite(m)))


@given(USER_TEXT, st.integers(0, 2))
def test_parse_pair(text, minimum):
    pair = check(lambda: parse_pair(text, "--stride", minimum))
    if pair is not None:
        assert len(pair) == 2 and all(isinstance(v, int) and v >= minimum for v in pair)


@given(USER_TEXT)
def test_parse_whole_numbers(text):
    numbers = check(lambda: parse_whole_numbers(text))
    assert numbers is None or all(isinstance(v, int) for v in numbers)


# --- the headless runner's parsers ----------------------------------------------------------------
KEYISH = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_+?.,-=[]0123456789 \t", max_size=40)
LINE = st.one_of(
    st.tuples(st.sampled_from(ACTIONS + ("jump", "Press", "")), st.sampled_from([" ", "\t", ""]),
              st.one_of(KEYISH, ANY_TEXT)).map("".join),
    ANY_TEXT, st.just("# a comment"), st.just("press right  # go"))
SCRIPT = st.one_of(st.lists(LINE, max_size=8).map("\n".join), ANY_TEXT,
                   st.lists(LINE, max_size=8).map(lambda ls: "\ufeff" + "\r\n".join(ls)))


@given(st.one_of(KEYISH, ANY_TEXT, HUGE_DIGITS))
def test_parse_keys(text):
    keys = check(lambda: parse_keys(text), HeadlessError)
    assert keys is None or keys == text.split()


@given(SCRIPT)
def test_parse_script(text):
    steps = check(lambda: parse_script(text, "fuzz.txt"), HeadlessError)
    if steps is not None:
        for s in steps:
            assert s.action in ACTIONS and s.line >= 1
            if s.action == "press":
                assert parse_keys(s.arg) == s.arg.split()


@given(st.one_of(st.tuples(st.integers(0, 2000), st.sampled_from("xX*"), st.integers(0, 2000))
                 .map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
                 USER_TEXT, HUGE_DIGITS.map(lambda d: f"{d}x24")))
def test_parse_size(text):
    size = check(lambda: parse_size(text), HeadlessError)
    if size is not None:
        w, h = size
        assert MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]


# --- the calculators end to end: exit 0 with JSON, or exit 2 with one line ------------------------
SETTING = st.one_of(st.sampled_from(["1", "2", "1,2", "0", "3", "1,"]), NUMBERISH, HUGE_DIGITS)


@given(x=USER_TEXT, k=st.one_of(st.sampled_from(["1", "0 1; 2 3", "diag"]), USER_TEXT),
       stride=SETTING, padding=SETTING, pad_value=USER_TEXT)
def test_convolve_cli(x, k, stride, padding, pad_value):
    r = CliRunner().invoke(cli, ["convolve", "--input", x, "--kernel", k, "--stride", stride,
                                 "--padding", padding, "--pad-value", pad_value, "--json"],
                           prog_name="cnn-tui")
    if r.exit_code == 0:
        out = json.loads(r.stdout)
        assert len(out["output"]) == out["shape"][0]
    else:
        assert r.exit_code == 2, (r.exit_code, r.exception, r.stderr[:300])
        assert r.stdout == "" and len(r.stderr.splitlines()) == 1
        assert len(r.stderr) <= MAX_MESSAGE + 100, r.stderr[:600]
