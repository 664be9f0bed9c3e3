"""The command-line calculators (convolve, pipeline, variants) and their one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli

from reference import ref_conv

GOLDEN = tomllib.loads((Path(__file__).parents[1] / "golden" / "lecture.toml").read_text("utf-8"))
PRACTICE = ["--input", "0 1 2; 3 4 5; 6 7 8", "--kernel", "0 1; 2 3"]


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


def ok_json(*args):
    r = run(*args, "--json")
    assert r.exit_code == 0, r.output + r.stderr
    assert r.stderr == ""
    return json.loads(r.stdout)


def _matrix(rows) -> str:
    return "; ".join(" ".join(str(v) for v in row) for row in rows)


# --- convolve ---------------------------------------------------------------------------------
def test_convolve_practice_text():
    r = run("convolve", *PRACTICE)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout
    assert "19" in lines and "25" in lines and "37" in lines and "43" in lines
    assert "output 2x2" in lines
    assert "Traceback" not in r.output


def test_convolve_practice_json():
    out = ok_json("convolve", *PRACTICE)
    assert set(out) == {"output", "shape"}
    assert out["output"] == GOLDEN["practice"]["output"]
    assert out["shape"] == [2, 2]


def test_convolve_practice_by_name():
    assert ok_json("convolve", "--input", "practice", "--kernel", "practice")["output"] == [
        [19, 25], [37, 43]]


def test_convolve_lecture_mean():
    x = GOLDEN["images"]["x"]
    out = ok_json("convolve", "--input", _matrix(x), "--kernel", "diag", "--mode", "mean")
    assert out["shape"] == [7, 7]
    np.testing.assert_allclose(np.array(out["output"]) * 9, GOLDEN["conv_x_sum9"]["diag"],
                               atol=1e-12)
    by_name = ok_json("convolve", "--input", "x", "--kernel", "diag", "--mode", "mean")
    assert by_name == out


@pytest.mark.parametrize("opts,stride,pads,pad_value,dil", [
    (["--stride", "2"], (2, 2), ((0, 0), (0, 0)), 0.0, (1, 1)),
    (["--stride", "1,2"], (1, 2), ((0, 0), (0, 0)), 0.0, (1, 1)),
    (["--padding", "1"], (1, 1), ((1, 1), (1, 1)), 0.0, (1, 1)),
    (["--padding", "2,1", "--pad-value", "-1"], (1, 1), ((2, 2), (1, 1)), -1.0, (1, 1)),
    (["--padding", "1", "--pad-value", "1/2", "--stride", "2"], (2, 2), ((1, 1), (1, 1)), 0.5,
     (1, 1)),
    (["--dilation", "2"], (1, 1), ((0, 0), (0, 0)), 0.0, (2, 2)),
    (["--dilation", "1,2", "--padding", "1,0"], (1, 1), ((1, 1), (0, 0)), 0.0, (1, 2)),
])
def test_convolve_settings(opts, stride, pads, pad_value, dil):
    x = np.arange(30, dtype=float).reshape(5, 6) - 10
    k = np.array([[1, 0, -1], [2, 1, 0]], dtype=float)
    out = ok_json("convolve", "--input", _matrix(x.astype(int)), "--kernel",
                  _matrix(k.astype(int)), *opts)
    want = ref_conv(x[None, None], k[None, None], stride, pads, pad_value, dil)[0, 0]
    assert out["shape"] == list(want.shape)
    np.testing.assert_allclose(out["output"], want)


def test_convolve_mode_mean_practice():
    out = ok_json("convolve", *PRACTICE, "--mode", "mean")
    np.testing.assert_allclose(out["output"], np.array([[19, 25], [37, 43]]) / 4)


def test_convolve_file_input(tmp_path):
    f = tmp_path / "m.txt"
    f.write_text("0 1 2\n3 4 5\n6 7 8\n", encoding="utf-8")
    assert ok_json("convolve", "--input", f"@{f}", "--kernel", "0 1; 2 3")["output"] == [
        [19, 25], [37, 43]]


def test_convolve_fractions_text():
    r = run("convolve", "--input", "x", "--kernel", "diag", "--mode", "mean", "--fractions")
    assert r.exit_code == 0, r.stderr
    assert "5/9" in r.stdout and "7/9" in r.stdout


# --- pipeline -----------------------------------------------------------------------------------
def test_pipeline_x_json():
    out = ok_json("pipeline", "--image", "x")
    assert set(out) == {"image", "features", "conv", "relu", "pool", "pool2", "vector", "votes",
                        "prediction"}
    assert out["image"] == GOLDEN["images"]["x"]
    assert list(out["features"]) == ["diag", "x", "anti"]
    for name, f in GOLDEN["features"].items():
        assert out["features"][name] == f
        np.testing.assert_allclose(np.array(out["conv"][name]) * 9, GOLDEN["conv_x_sum9"][name],
                                   atol=1e-12)
        np.testing.assert_allclose(out["relu"][name], np.maximum(out["conv"][name], 0))
        np.testing.assert_allclose(np.array(out["pool"][name]) * 9, GOLDEN["pool_x_sum9"][name],
                                   atol=1e-12)
        assert np.array(out["pool2"][name]).shape == (2, 2)
    np.testing.assert_allclose(out["vector"], np.array([9, 5, 5, 9, 9, 5, 5, 5, 5, 9, 9, 5]) / 9,
                               atol=1e-12)
    assert out["votes"]["X"] == pytest.approx(1.0)
    assert out["votes"]["O"] == pytest.approx(5 / 9)
    assert out["prediction"] == "X"
    # plain floats, not truncated strings
    assert isinstance(out["votes"]["O"], float) and out["votes"]["O"] != 0.55


def test_pipeline_o_json():
    out = ok_json("pipeline", "--image", "o")
    np.testing.assert_allclose(np.array(out["vector"]) * 9, GOLDEN["vote_vectors_sum9"]["o"],
                               atol=1e-12)
    assert out["votes"] == pytest.approx({"X": 5 / 9, "O": 1.0})
    assert out["prediction"] == "O"


def test_pipeline_matrix_and_file(tmp_path):
    o = GOLDEN["images"]["o"]
    assert ok_json("pipeline", "--image", _matrix(o))["prediction"] == "O"
    f = tmp_path / "o.txt"
    f.write_text("\n".join(" ".join(str(v) for v in row) for row in o), encoding="utf-8")
    assert ok_json("pipeline", "--image", f"@{f}")["prediction"] == "O"


def test_pipeline_text():
    r = run("pipeline", "--image", "x")
    assert r.exit_code == 0, r.stderr
    assert "prediction: X" in r.stdout
    assert "0.55" in r.stdout


# --- variants -----------------------------------------------------------------------------------
def test_variants_json():
    rows = ok_json("variants")
    assert len(rows) >= 2
    by_name = {r["name"]: r for r in rows}
    assert by_name["x"]["prediction"] == "X" and by_name["x"]["correct"] is True
    assert by_name["o"]["prediction"] == "O" and by_name["o"]["correct"] is True
    assert by_name["x"]["votes"] == pytest.approx({"X": 1.0, "O": 5 / 9})
    for r in rows:
        assert r["label"] in ("X", "O")
        assert set(r) == {"name", "label", "kind", "description", "votes", "prediction",
                          "correct"}
        assert r["correct"] == (r["prediction"] == r["label"]
                                and abs(r["votes"]["X"] - r["votes"]["O"]) > 1e-12)


def test_variants_text():
    r = run("variants")
    assert r.exit_code == 0, r.stderr
    assert "of 18 of the lecture's pictures right" in r.stdout
    assert "the fainter pictures: 2 of 2 right" in r.stdout


def test_variants_list_the_fainter_pictures_at_half_strength():
    # x_faint is the X at half contrast: both votes are half the X's (1 and 5/9, by hand)
    by_name = {r["name"]: r for r in ok_json("variants")}
    assert len(by_name) == 20 and "envelope" not in by_name
    faint = by_name["x_faint"]
    assert faint["kind"] == "illumination" and faint["prediction"] == "X"
    assert faint["votes"] == pytest.approx({"X": 0.5, "O": 5 / 18})
    assert by_name["o_faint_ink"]["prediction"] == "O"


# --- bad input: exit 2, exactly one line on stderr, no traceback ---------------------------------
BAD = [
    (["convolve", "--input", "1 2 3; 4 5", "--kernel", "1"], "ragged"),
    (["convolve", "--input", "1 2; 3 4", "--kernel", "1 1 1; 1 1 1; 1 1 1"], "larger"),
    (["convolve", *PRACTICE, "--stride", "0"], "at least 1"),
    (["convolve", *PRACTICE, "--stride", "1,0"], "at least 1"),
    (["convolve", "--input", "1 nan; 3 4", "--kernel", "1"], "NaN"),
    (["convolve", *PRACTICE, "--pad-value", "nan", "--padding", "1"], "NaN"),
    (["convolve", "--input", "1 inf; 3 4", "--kernel", "1"], "infinity"),
    (["convolve", "--input", "zebra", "--kernel", "1"], "unknown input name 'zebra'"),
    (["convolve", "--input", "x", "--kernel", "zebra"], "unknown kernel name 'zebra'"),
    (["convolve", "--input", "@/no/such/file.txt", "--kernel", "1"], "does not exist"),
    (["convolve", "--input", "1 2; 3 4", "--kernel", "1 x"], "not a number"),
    (["convolve", *PRACTICE, "--padding", "-1"], "at least 0"),
    (["convolve", *PRACTICE, "--dilation", "0"], "at least 1"),
    (["convolve", *PRACTICE, "--dilation", "3"], "larger"),
    (["convolve", *PRACTICE, "--mode", "median"], "median"),
    (["convolve", "--kernel", "1"], "--input"),
    (["convolve", "--input", "", "--kernel", "1"], "empty"),
    (["pipeline", "--image", "zebra"], "unknown image name 'zebra'"),
    (["pipeline", "--image", "@/no/such/picture.txt"], "does not exist"),
    (["pipeline", "--image", "1 2; 3"], "ragged"),
    (["pipeline", "--image", "1 NaN; 3 4"], "NaN"),
    (["pipeline", "--image", "1 1; 1 1"], "from 7x7 to 10x10; this one is 2x2"),
    (["pipeline", "--image", _matrix(-np.ones((20, 20), dtype=int))], "this one is 20x20"),
    (["nonsense"], "No such command"),
]


@pytest.mark.parametrize("args,needle", BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_one_line(args, needle):
    r = run(*args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert needle.lower() in lines[0].lower()
    assert "Traceback" not in r.stderr
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_bad_input_in_a_real_process():
    """The installed entry point, not only CliRunner: one line, exit 2."""
    p = subprocess.run([sys.executable, "-m", "cnn_tui", "convolve", "--input", "1 2; 3",
                        "--kernel", "1"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert p.stdout == ""
    assert len(p.stderr.splitlines()) == 1 and "ragged" in p.stderr


# --- start-up stays light -------------------------------------------------------------------------
PROBE = """
import sys
from cnn_tui.cli import cli
try:
    cli.main([{arg!r}], prog_name="cnn-tui", standalone_mode=False)
except SystemExit:
    pass
heavy = sorted(m for m in ("numpy", "textual", "rich") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


@pytest.mark.parametrize("arg", ["--help", "--version"])
def test_help_and_version_do_not_import_numpy_or_textual(arg):
    p = subprocess.run([sys.executable, "-c", PROBE.format(arg=arg)], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "cnn-tui" in p.stdout
    heavy = p.stdout.strip().splitlines()[-1]
    assert heavy.startswith("HEAVY=")
    assert "numpy" not in heavy and "textual" not in heavy, heavy


def test_help_importtime():
    """``python -X importtime`` agrees: no numpy or textual module is imported by --help."""
    p = subprocess.run([sys.executable, "-X", "importtime", "-c",
                        "from cnn_tui.cli import cli\n"
                        "try:\n    cli.main(['--help'], standalone_mode=False)\n"
                        "except SystemExit:\n    pass\n"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0
    imported = {line.split("|")[-1].strip() for line in p.stderr.splitlines() if "|" in line}
    assert "click" in imported
    assert not any(m == "numpy" or m.startswith(("numpy.", "textual")) for m in imported)


# --- messages that name the right axis and the right remedy ----------------------------------
@pytest.mark.parametrize("image, kernel, said", [
    ("0 1 2 3", "0; 1", "the kernel (2 tall) is larger than the padded input (1 tall)"),
    ("0 1; 2 3", "0 1 2", "the kernel (3 wide) is larger than the padded input (2 wide)"),
    ("0 1; 2 3", "0 1 2; 3 4 5; 6 7 8",
     "the kernel (3 tall) is larger than the padded input (2 tall)"),
])
def test_a_kernel_too_big_is_named_by_the_axis_it_overflows(image, kernel, said):
    r = run("convolve", "--input", image, "--kernel", kernel)
    assert r.exit_code == 2 and said in r.stderr and r.stderr.count("\n") == 1


def test_the_engine_names_3d_axes_deep_tall_wide():
    from cnn_tui import engine

    with pytest.raises(engine.EngineError, match=r"\(3 deep\)"):
        engine.conv_single(np.zeros((2, 5, 5)), np.ones((3, 3, 3)))
    with pytest.raises(engine.EngineError, match=r"\(3 long\)"):
        engine.conv_single(np.zeros(2), np.ones(3))


@pytest.mark.parametrize("side", [2, 3, 6, 11])
def test_pipeline_says_which_pictures_the_network_takes(side):
    picture = "; ".join(" ".join(["1"] * side) for _ in range(side))
    r = run("pipeline", "--image", picture)
    assert r.exit_code == 2
    assert r.stderr == (f"cnn-tui: error: the lecture's network takes pictures from 7x7 to "
                        f"10x10; this one is {side}x{side}\n")


@pytest.mark.parametrize("rows, cols", [(7, 7), (7, 10), (10, 10)])
def test_pipeline_takes_every_size_from_7_to_10(rows, cols):
    picture = "; ".join(" ".join(["1"] * cols) for _ in range(rows))
    assert len(ok_json("pipeline", "--image", picture)["vector"]) == 12
