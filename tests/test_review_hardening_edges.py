"""Edges found by trying hostile input by hand: old Mac line endings, an empty pipe, SVG targets
that are not regular files or whose names are too long, and scripts with too many actions. None
of these starts the app: each is refused (or read) before it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cnn_tui.inputs import parse_matrix
from cnn_tui.tui.headless import MAX_OTHER_ACTIONS, run_headless


def test_a_lone_carriage_return_ends_a_row():
    assert parse_matrix("1 2\r3 4").tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert parse_matrix("1 2\r\n3 4\r\n").tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_an_empty_pipe_is_an_empty_input_not_a_missing_writer():
    out = subprocess.run([sys.executable, "-m", "cnn_tui", "convolve", "--input", "@/dev/stdin",
                          "--kernel", "1"], input="", capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "cnn-tui: error: the input is empty; write rows separated by ';', e.g. \"0 1; 2 3\""]


def headless_error(capsys, **kw) -> str:
    code = run_headless(kw.pop("screen", "convolution"), (100, 36), kw.pop("keys", None),
                        kw.pop("script", None), kw.pop("svg", None))
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("cnn-tui: error: ")
    return err


def test_an_svg_target_that_is_a_pipe_is_refused_and_left_alone(tmp_path, capsys):
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    err = headless_error(capsys, svg=str(fifo))
    assert "not a regular file" in err
    assert os.path.exists(fifo) and not os.path.isfile(fifo)      # still the pipe


def test_an_svg_target_that_is_a_device_is_refused(tmp_path, capsys):
    link = tmp_path / "null.svg"
    link.symlink_to("/dev/null")
    err = headless_error(capsys, svg=str(link))
    assert "not a regular file" in err
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_an_svg_name_too_long_is_refused_before_the_run(tmp_path, capsys):
    err = headless_error(capsys, svg=str(tmp_path / ("a" * 300 + ".svg")))
    assert "--svg" in err and ("File name too long" in err or "longer than 255 bytes" in err)


def test_a_script_with_too_many_other_actions_is_refused(tmp_path, capsys):
    script = tmp_path / "many.txt"
    script.write_text("snapshot\n" * (MAX_OTHER_ACTIONS + 1))
    err = headless_error(capsys, script=str(script))
    assert f"{MAX_OTHER_ACTIONS + 1:,}" in err and f"at most {MAX_OTHER_ACTIONS:,}" in err


@pytest.mark.app
def test_a_script_at_the_limit_of_other_actions_runs(tmp_path, capsys):
    script = tmp_path / "ok.txt"
    script.write_text("expect feature map\n" * MAX_OTHER_ACTIONS)
    code = run_headless("convolution", (100, 36), None, str(script), None)
    capsys.readouterr()
    assert code == 0
