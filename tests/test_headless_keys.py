"""Headless runs check their keys and their script before the app starts: an unknown key name
(``rigth``) is a bad line naming the key, too many key presses are refused, and the script file
is read through files.read_text_limited. None of these tests starts the app.
"""

from __future__ import annotations

import os
import string

import pytest
from textual.keys import Keys

from cnn_tui.tui.headless import (MAX_KEYS, HeadlessError, count_keys, key_problem, parse_keys,
                                  parse_script, run_headless)

# Every key the tests, the docs and the README press.
USED = ("right left space n question_mark ctrl+p plus equals_sign right_square_bracket "
        "left_square_bracket escape enter tab backspace up down minus comma slash full_stop "
        "g h i f d e l o p q v w z").split() + list(string.digits) + list(string.ascii_letters)


@pytest.mark.parametrize("key", USED)
def test_every_key_in_use_is_a_key_name(key):
    assert key_problem(key) is None


def test_every_key_the_app_binds_is_a_key_name():
    from cnn_tui.tui import app as tui_app
    from cnn_tui.tui.screens import lesson, quiz

    bindings = list(tui_app.CnnTuiApp.BINDINGS) + lesson.chapter_bindings()
    for module in (lesson, quiz):
        for obj in vars(module).values():
            bindings += list(getattr(obj, "BINDINGS", []) or []) if isinstance(obj, type) else []
    keys = {k.strip() for b in bindings for k in b.key.split(",")}
    assert {"right", "question_mark", "q", "enter", "escape"} <= keys
    assert {k: key_problem(k) for k in keys if key_problem(k)} == {}


def test_textual_names_are_key_names():
    # Every name in Textual's Keys enum (not the <any>-style internal ones), every printable
    # ASCII character, and the name Textual gives each punctuation character.
    from textual.keys import _character_to_key

    names = [k.value for k in Keys if not k.value.startswith("<")]
    names += list(string.punctuation) + [_character_to_key(c) for c in string.punctuation]
    names += ["f25", "caps_lock", "alt+x", "alt+shift+a", "ctrl+shift+left", "super+c",
              "ctrl+question_mark", "euro_sign", "é"]
    assert {k: key_problem(k) for k in names if key_problem(k)} == {}


@pytest.mark.parametrize("key, says", [
    ("rigth", "did you mean 'right'"), ("Right", "did you mean 'right'"),
    ("spcae", "did you mean 'space'"), ("questionmark", "did you mean 'question_mark'"),
    ("plus_sign", "did you mean 'plus'"), ("ctrl+rigth", "did you mean 'ctrl+right'"),
    ("shift+ctrl+left", "did you mean 'ctrl+shift+left'"),
    ("ctrl+?", "did you mean 'ctrl+question_mark'"), ("ctrl+ctrl+p", "modifier twice"),
    ("latin_small_letter_a", "is not a key name"), ("wait:5000", "is not a key name"),
    ("<any>", "is not a key name"), ("ctrl+", "is not a key name"), ("\x00", "not a printable"),
])
def test_unknown_key_names_are_refused(key, says):
    assert says in (key_problem(key) or "")
    with pytest.raises(HeadlessError) as exc:
        parse_keys(f"right {key} left")
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith("--keys: ") and says in msg


def test_a_bad_key_in_a_script_names_the_line_and_the_key():
    with pytest.raises(HeadlessError, match=r"demo.txt line 3: 'rigth' is not a key name"):
        parse_script("press right\n\npress rigth\n", "demo.txt")


def test_run_headless_refuses_an_unknown_key_before_the_app_starts(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("press right\npress rigth\n")
    for kw in ({"keys": "right rigth"}, {"script": str(script)}):
        code = run_headless("convolution", (100, 36), kw.get("keys"), kw.get("script"), None)
        out, err = capsys.readouterr()
        assert code == 2 and out == "" and err.count("\n") == 1 and "'rigth'" in err


# --- the number of key presses is capped ----------------------------------------------------------
def test_count_keys_counts_presses_and_typed_characters():
    steps = parse_script("press right right n\ntype 5/9\nexpect 0.55\nsnapshot\n")
    assert count_keys(steps) == 3 + 3


@pytest.mark.parametrize("keys, script", [
    (" ".join(["right"] * (MAX_KEYS + 1)), None),
    ("right", "press " + " ".join(["left"] * MAX_KEYS) + "\n"),
    (None, "press g\ntype " + "1" * MAX_KEYS + "\n"),
])
def test_too_many_key_presses_are_refused(tmp_path, capsys, keys, script):
    path = None
    if script is not None:
        path = tmp_path / "many.txt"
        path.write_text(script)
    code = run_headless("convolution", (100, 36), keys, str(path) if path else None, None)
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{MAX_KEYS + 1:,}" in err and f"at most {MAX_KEYS:,}" in err


# --- the script file goes through files.read_text_limited ---------------------------------------
def _refused(capsys, script):
    code = run_headless("convolution", (100, 36), None, str(script), None)
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("cnn-tui: error:")
    return err


def test_script_from_a_named_pipe_without_a_writer(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert "no program is writing" in _refused(capsys, fifo)


def test_script_from_a_device_or_a_folder_or_too_large(tmp_path, capsys):
    assert "device" in _refused(capsys, "/dev/zero")
    assert "folder" in _refused(capsys, tmp_path)
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(5_000_000)
    assert "5,000,000 bytes" in _refused(capsys, big)
    assert "cannot read script" in _refused(capsys, tmp_path / ("s" * 5000))


def test_script_with_a_byte_order_mark():
    steps = parse_script("\ufeffpress right\nexpect 0.77\n")
    assert [(s.action, s.arg) for s in steps] == [("press", "right"), ("expect", "0.77")]


def test_bad_script_lines_quote_a_short_prefix():
    with pytest.raises(HeadlessError) as exc:
        parse_script("x" * 5000 + " right\n")
    assert "x" * 41 not in str(exc.value) and "…" in str(exc.value)


def test_svg_target_with_a_nul_is_one_line(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("press right\nsvg a\x00b.svg\n")
    assert "NUL" in _refused(capsys, script)
