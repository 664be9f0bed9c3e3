"""Hardening of the command line: every number read, every file named and every size asked for
ends in a result or in ONE line on stderr with exit status 2 — never a traceback or a hang.

Expected values come from hand calculation (worked in the comments).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.cli.calculators import MAX_TABLE_VALUES
from cnn_tui.files import MAX_TEXT_BYTES

BIG = "1" * 5000            # beyond Python's int-conversion limit (4,300 digits)
SMALL = ["--input", "1 2; 3 4", "--kernel", "1"]


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui", input=input)


def one_line_error(r, *needles):
    """Exit 2, nothing on stdout, one short line on stderr holding every needle."""
    assert r.exit_code == 2, (r.exit_code, r.stdout[:300], r.stderr[:300])
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr[:500]
    assert "Traceback" not in r.stderr and len(lines[0]) < 400, lines[0][:500]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# --- item 2: numbers ------------------------------------------------------------------------------
NUMBER_SITES = [
    ["convolve", "--input", BIG, "--kernel", "1"],
    ["convolve", "--input", f"1 {BIG}; 1 1", "--kernel", "1"],
    ["convolve", "--input", "1 2; 3 4", "--kernel", BIG],
    ["convolve", *SMALL, "--stride", BIG],
    ["convolve", *SMALL, "--stride", f"1,{BIG}"],
    ["convolve", *SMALL, "--padding", BIG],
    ["convolve", *SMALL, "--dilation", BIG],
    ["convolve", *SMALL, "--pad-value", BIG],
    ["convolve", *SMALL, "--pad-value", f"{BIG}/3"],
    ["convolve", *SMALL, "--pad-value", f"1/{BIG}"],
    ["pipeline", "--image", BIG],
    ["quiz", "--random", "--seed", BIG],
    ["run", "--headless", "--size", f"{BIG}x36"],
    ["run", "--headless", "--size", f"100x{BIG}"],
]


@pytest.mark.parametrize("args", NUMBER_SITES,
                         ids=[" ".join(a).replace(BIG, "BIG")[:60] for a in NUMBER_SITES])
def test_a_5000_digit_number_anywhere_is_one_short_line(args):
    line = one_line_error(run(*args))
    assert "1" * 41 not in line and "…" in line     # a short prefix, not the whole token


def test_seed_keeps_its_range_and_messages():
    one_line_error(run("quiz", "--random", "--seed", "1" * 19), "--seed", "at most 18 digits")
    one_line_error(run("quiz", "--random", "--seed", "abc"), "--seed", "not a whole number")
    one_line_error(run("quiz", "--random", "--seed", "-1"), "--seed", "-1")


@pytest.mark.parametrize("option", ["--stride", "--padding", "--dilation"])
@pytest.mark.parametrize("value", ["1,", ",1", "1,,2"])
def test_half_written_pairs_are_refused(option, value):
    one_line_error(run("convolve", *SMALL, option, value), option, "half-written")


@pytest.mark.parametrize("literal", ["1 2;;3 4", "1 2;\n\n;3 4"])
def test_an_empty_row_in_a_literal_is_refused(literal):
    one_line_error(run("convolve", "--input", literal, "--kernel", "1"),
                   "row 2 of the input is empty")


def test_a_trailing_semicolon_is_fine():
    r = run("convolve", "--input", "1 2; 3 4;", "--kernel", "1", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["output"] == [[1, 2], [3, 4]]


@pytest.mark.parametrize("args, says", [
    (["convolve", "--input", "nan", "--kernel", "1"], "NaN"),
    (["convolve", "--input", "1 2; 3 4", "--kernel", "NaN"], "NaN"),
    (["pipeline", "--image", "nan"], "NaN"),
    (["convolve", "--input", "inf", "--kernel", "1"], "infinity"),
])
def test_nan_alone_gets_the_nan_message(args, says):
    line = one_line_error(run(*args), says)
    assert "unknown" not in line


def test_a_byte_order_mark_is_accepted_in_literals_and_files(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf0 1 2\n3 4 5\n6 7 8\n")
    # The lecture's practice: 0*0 + 1*1 + 3*2 + 4*3 = 19 in the top-left corner.
    for spec in (f"@{f}", "\ufeff0 1 2; 3 4 5; 6 7 8"):
        r = run("convolve", "--input", spec, "--kernel", "0 1; 2 3", "--json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["output"] == [[19, 25], [37, 43]]


@pytest.mark.parametrize("args", [
    ["convolve", "--input", "z" * 5000, "--kernel", "1"],          # an unknown name
    ["convolve", "--input", "1 " + "z" * 5000, "--kernel", "1"],   # not a number
    ["convolve", *SMALL, "--stride", "z" * 5000],
    ["convolve", *SMALL, "--mode", "z" * 5000],                    # click's own message
    ["z" * 5000],                                                  # no such command
    ["convolve", *SMALL, "z" * 5000],                              # an extra argument
    ["run", "--headless", "--screen", "z" * 5000],
    ["run", "--headless", "--keys", "z" * 5000],
    ["quiz", "--start", "z" * 5000],
])
def test_error_lines_quote_only_a_short_prefix(args):
    line = one_line_error(run(*args))
    assert "z" * 41 not in line and "…" in line


# --- item 3: files --------------------------------------------------------------------------------
def test_named_pipe_without_a_writer_is_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    one_line_error(run("convolve", "--input", f"@{fifo}", "--kernel", "1"),
                   "no program is writing to the pipe")


@pytest.mark.parametrize("args", [["convolve", "--input", "@/dev/zero", "--kernel", "1"],
                                  ["pipeline", "--image", "@/dev/zero"]])
def test_a_device_is_refused(args):
    one_line_error(run(*args), "/dev/zero", "device")


def test_a_file_over_the_limit_is_refused_from_its_size(tmp_path):
    # 10,000 x 10,000 values of "1 " would be 200,000,000 bytes: a sparse file of that size is
    # refused from its size alone, without being read.
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(200_000_000)
    one_line_error(run("convolve", "--input", f"@{huge}", "--kernel", "1"),
                   "200,000,000 bytes", f"{MAX_TEXT_BYTES:,}")
    just_over = tmp_path / "over.txt"
    just_over.write_bytes(b"1 " * (MAX_TEXT_BYTES // 2) + b"1")
    one_line_error(run("pipeline", "--image", f"@{just_over}"), "limit")


def test_folder_and_not_utf8_files_are_one_line(tmp_path):
    one_line_error(run("convolve", "--input", f"@{tmp_path}", "--kernel", "1"), "folder")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("1 2\n3 \xe9\n".encode("latin-1"))
    one_line_error(run("convolve", "--input", f"@{latin}", "--kernel", "1"), "not UTF-8")


def test_a_long_file_name_is_one_short_line():
    line = one_line_error(run("convolve", "--input", "@" + "f" * 5000, "--kernel", "1"))
    assert "f" * 200 not in line


def _cnn_tui(*args, input=None):
    return subprocess.run([sys.executable, "-m", "cnn_tui", *args], input=input,
                          capture_output=True, text=True, timeout=120)


def test_at_dev_stdin_reads_a_pipe():
    p = _cnn_tui("convolve", "--input", "@/dev/stdin", "--kernel", "0 1; 2 3", "--json",
                 input="0 1 2\n3 4 5\n6 7 8\n")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["output"] == [[19, 25], [37, 43]]


def test_at_dev_stdin_over_the_limit_is_refused():
    p = _cnn_tui("convolve", "--input", "@/dev/stdin", "--kernel", "1",
                 input="1\n" * (MAX_TEXT_BYTES // 2 + 10))
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.splitlines()) == 1 and "more than 1,000,000 bytes" in p.stderr


def test_process_substitution_keeps_working():
    command = '"$0" -m cnn_tui convolve --input @<(printf "1 2\\n3 4\\n") --kernel 1 --json'
    p = subprocess.run(["bash", "-c", command, sys.executable], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"output": [[1, 2], [3, 4]], "shape": [2, 2]}


def test_bad_data_dir_is_one_line(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    for args in (["quiz", "--data-dir", str(f)], ["run", "--headless", "--data-dir", str(f)]):
        one_line_error(run(*args), "not a folder")
    one_line_error(run("quiz", "--random", "--data-dir", "d" * 5000), "File name too long")


# --- item 3: sizes --------------------------------------------------------------------------------
@pytest.mark.parametrize("args, shape", [
    (["--input", "1 2; 3 4", "--kernel", "1", "--padding", "3000"], "6,002x6,002"),
    (["--input", "1", "--kernel", "1", "--padding", "0,262144"], "1x524,289"),
])
def test_tables_too_large_to_print_are_refused_before_computing(args, shape):
    # 2 + 2*3000 = 6,002 per side; 1 + 2*262,144 = 524,289 columns.
    one_line_error(run("convolve", *args), shape, "--json", f"{MAX_TABLE_VALUES:,}")


def test_the_table_limit_boundary():
    # A 49x49 input with a 1x1 kernel: 2,401 + 1 + 2,401 = 4,803 values: printed.
    side = "; ".join([" ".join(["1"] * 49)] * 49)
    assert run("convolve", "--input", side, "--kernel", "1").exit_code == 0
    # 71x71: 5,041 + 1 + 5,041 = 10,083 > 10,000: refused.
    side = "; ".join([" ".join(["1"] * 71)] * 71)
    one_line_error(run("convolve", "--input", side, "--kernel", "1"), "71x71")


def test_json_of_a_large_result_is_written_and_matches_json_dumps():
    r = run("convolve", "--input", "1", "--kernel", "1", "--padding", "0,262144", "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    # 1 surrounded by 262,144 zeros on the left and right: one 1 in the middle.
    assert out["shape"] == [1, 524_289] and sum(out["output"][0]) == 1.0
    assert out["output"][0][262_144] == 1.0
    r = run("convolve", "--input", "0 1 2; 3 4 5; 6 7 8", "--kernel", "0 1; 2 3", "--json",
            "--padding", "1", "--pad-value", "-1/3")
    got = json.loads(r.stdout)
    # A plain loop: the 3x3 input padded by one ring of -1/3, the 2x2 kernel summed over.
    pv = -1 / 3
    padded = [[pv] * 5] + [[pv, *(float(3 * r + c) for c in range(3)), pv] for r in range(3)] \
        + [[pv] * 5]
    k = [[0, 1], [2, 3]]
    want = [[sum(padded[r + i][c + j] * k[i][j] for i in range(2) for j in range(2))
             for c in range(4)] for r in range(4)]
    assert got["shape"] == [4, 4]
    assert all(abs(a - b) < 1e-12 for ra, rb in zip(got["output"], want) for a, b in zip(ra, rb))
    assert r.stdout == json.dumps(got) + "\n"      # written exactly as json.dumps writes it


def test_the_padded_input_cap_still_comes_from_the_engine():
    # 2 + 2*3,600 = 7,202; 7,202**2 = 51,868,804 > 50,000,000 (the engine's MAX_CELLS).
    for extra in ([], ["--json"]):
        one_line_error(run("convolve", *SMALL, "--padding", "3600", *extra),
                       "51,868,804 values")


def test_a_literal_over_the_limit_is_refused():
    one_line_error(run("convolve", "--input", "1 " * 500_001, "--kernel", "1", "--json"),
                   "characters long; the limit is 1,000,000")
