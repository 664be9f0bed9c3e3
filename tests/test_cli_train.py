"""``cnn-tui train`` and ``cnn-tui predict``: the JSON contract, the save/predict round trip, and
one-line refusals (exit 2) of bad options and of model files that are not ours."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# NumPy is loaded before any command runs, so the commands leave the BLAS variables alone.
import numpy as np
import pytest

from cli_helpers import one_line_error, run

EPOCH_KEYS = {"epoch", "loss", "train_accuracy", "val_accuracy", "seconds"}
FINAL_KEYS = {"loss", "train_accuracy", "val_accuracy", "epochs", "seconds"}


def json_lines(r):
    assert r.exit_code == 0, (r.stdout[-500:], r.stderr[-500:])
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.fixture(scope="module")
def xo_model(tmp_path_factory):
    """The default X/O training run, saved: ``(path, the JSON lines)``."""
    path = tmp_path_factory.mktemp("models") / "xo.npz"
    r = run("train", "--json", "--save", str(path))
    return path, json_lines(r)


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "digits.npz"
    r = run("train", "--data", "digits", "--epochs", "1", "--json", "--save", str(path))
    return path, json_lines(r)


# --- train --json -----------------------------------------------------------------------------
def test_train_json_lines_follow_the_contract(xo_model):
    path, lines = xo_model
    *epochs, final = lines
    assert [e["epoch"] for e in epochs] == list(range(1, 7))        # 6 epochs by default
    for e in epochs:
        assert set(e) == EPOCH_KEYS
        assert 0 <= e["train_accuracy"] <= 1 and 0 <= e["val_accuracy"] <= 1
        assert e["loss"] > 0 and e["seconds"] >= 0
    assert set(final) == {"final", "lesson_pictures"}
    assert set(final["final"]) == FINAL_KEYS
    assert final["final"]["epochs"] == 6
    assert final["final"]["val_accuracy"] == epochs[-1]["val_accuracy"] >= 0.99
    assert final["final"]["loss"] == epochs[-1]["loss"]
    assert final["lesson_pictures"]["total"] == 18
    assert final["lesson_pictures"]["right"] >= 17
    assert path.is_file()


def test_train_json_for_digits_has_no_lesson_pictures(digits_model):
    path, lines = digits_model
    assert len(lines) == 2 and set(lines[0]) == EPOCH_KEYS
    assert set(lines[1]) == {"final"} and set(lines[1]["final"]) == FINAL_KEYS
    assert path.is_file()


def test_options_change_the_run():
    r = run("train", "--epochs", "2", "--batch", "100", "--lr", "3e-3", "--optimizer", "sgd",
            "--seed", "9", "--net", "conv 4 3, relu, flatten, dense 2", "--json")
    lines = json_lines(r)
    assert len(lines) == 3 and lines[-1]["final"]["epochs"] == 2
    again = json_lines(run("train", "--epochs", "2", "--batch", "100", "--lr", "3e-3",
                           "--optimizer", "sgd", "--seed", "9", "--net",
                           "conv 4 3, relu, flatten, dense 2", "--json"))
    strip = [{k: v for k, v in d.items() if k != "seconds"} for d in lines[:-1]]
    assert strip == [{k: v for k, v in d.items() if k != "seconds"} for d in again[:-1]]


def test_train_without_json_prints_tables():
    r = run("train", "--epochs", "1")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "validation accuracy" in out and "train accuracy" in out
    assert "The lecture's 18 pictures" in out and "lecture pictures right" in out
    assert "x_tilt" in out


def test_train_json_lines_come_one_per_epoch_as_they_end():
    """A real process writing to a pipe: the first epoch's line arrives while the process is
    still training (with block buffering it would come only at the exit)."""
    proc = subprocess.Popen([sys.executable, "-m", "cnn_tui", "train", "--epochs", "200",
                             "--net", "conv 4 3, relu, flatten, dense 2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": ""})
    try:
        first = json.loads(proc.stdout.readline())
        assert set(first) == EPOCH_KEYS and first["epoch"] == 1
        assert proc.poll() is None                  # 199 epochs to go
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()


# --- save and predict -------------------------------------------------------------------------
def test_save_then_predict_x(xo_model):
    path, _ = xo_model
    r = run("predict", "--model", str(path), "--image", "x", "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"probabilities", "prediction"}
    assert out["prediction"] == "X"
    assert set(out["probabilities"]) == {"X", "O"}
    assert sum(out["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert out["probabilities"]["X"] > 0.5


def test_predict_o_from_a_matrix_file_and_as_a_table(xo_model, tmp_path):
    from cnn_tui.lecture.data import O

    picture = tmp_path / "o.txt"
    picture.write_text("\n".join(" ".join(str(int(v)) for v in row) for row in O))
    path, _ = xo_model
    r = run("predict", "--model", str(path), "--image", f"@{picture}", "--json")
    assert json.loads(r.stdout)["prediction"] == "O"
    r = run("predict", "--model", str(path), "--image", "o_tilt")
    assert r.exit_code == 0 and "prediction: O" in r.stdout


def test_predict_digits_names_the_digits(digits_model):
    path, _ = digits_model
    zeros = "; ".join(["-1 " * 8] * 8)
    r = run("predict", "--model", str(path), "--image", zeros, "--json")
    out = json.loads(r.stdout)
    assert list(out["probabilities"]) == list("0123456789")
    assert out["prediction"] in "0123456789"


def test_predict_refuses_a_missing_file(tmp_path):
    one_line_error(run("predict", "--model", str(tmp_path / "none.npz"), "--image", "x"),
                   "no model file")


def test_predict_refuses_a_text_file(tmp_path):
    p = tmp_path / "notes.npz"
    p.write_text("not a model\n")
    one_line_error(run("predict", "--model", str(p), "--image", "x"), "not a model file")


def test_predict_refuses_a_truncated_model(xo_model, tmp_path):
    data = xo_model[0].read_bytes()
    p = tmp_path / "cut.npz"
    p.write_bytes(data[:len(data) // 2])
    one_line_error(run("predict", "--model", str(p), "--image", "x"), "truncated or damaged")


def test_predict_refuses_a_foreign_npz(tmp_path):
    p = tmp_path / "foreign.npz"
    np.savez(p, weights=np.ones(3))
    one_line_error(run("predict", "--model", str(p), "--image", "x"), "not a model file")


def test_predict_refuses_an_image_of_the_wrong_shape(digits_model, xo_model):
    line = one_line_error(run("predict", "--model", str(digits_model[0]), "--image", "x"),
                          "9x9", "8x8")
    assert "digits.npz" in line
    one_line_error(run("predict", "--model", str(xo_model[0]), "--image", "1 2; 3 4"),
                   "2x2", "9x9")


def test_predict_refuses_a_model_that_does_not_take_pictures(tmp_path):
    from cnn_tui.engine.net import Network

    p = tmp_path / "flat.npz"
    Network.from_spec("dense 2", (81,)).save(p)
    one_line_error(run("predict", "--model", str(p), "--image", "x"), "(81,)")


def test_predict_refuses_a_bad_image(xo_model):
    one_line_error(run("predict", "--model", str(xo_model[0]), "--image", "nosuchpicture"),
                   "unknown image name")


# --- refusals of train ------------------------------------------------------------------------
@pytest.mark.parametrize("args, needles", [
    (["--epochs", "0"], ["--epochs"]),
    (["--epochs", "1001"], ["--epochs", "1,000"]),
    (["--epochs", "x"], ["--epochs"]),
    (["--batch", "0"], ["--batch"]),
    (["--batch", "10001"], ["--batch", "10,000"]),
    (["--lr", "0"], ["--lr", "above 0"]),
    (["--lr", "-0.1"], ["--lr"]),
    (["--lr", "nan"], ["--lr"]),
    (["--lr", "inf"], ["--lr"]),
    (["--lr", "1e999"], ["--lr", "finite"]),
    (["--lr", "fast"], ["--lr"]),
    (["--seed", "-1"], ["--seed"]),
    (["--seed", str(2 ** 32)], ["--seed", "4,294,967,295"]),
    (["--seed", "1" * 5000], ["--seed"]),
    (["--optimizer", "rmsprop"], ["--optimizer"]),
    (["--data", "mnist"], ["--data"]),
    (["--net", "conv 8 3, relu, dense 2"], ["--net", "flatten"]),
    (["--net", "conv 8 3, relu, flatten, dense 10"], ["--net", "dense 2"]),
    (["--net", "cnov 8 3, flatten, dense 2"], ["--net", "conv"]),
    (["--net", ""], ["--net", "empty"]),
    (["--data", "digits", "--net", "conv 8 3, relu, flatten, dense 2"], ["dense 10"]),
])
def test_bad_options_are_one_line(args, needles):
    one_line_error(run("train", *args), *needles)


def test_save_path_is_checked_before_training(tmp_path):
    one_line_error(run("train", "--save", str(tmp_path)), "is a folder")
    one_line_error(run("train", "--save", str(tmp_path / "no" / "m.npz")), "does not exist")
    one_line_error(run("train", "--save", str(tmp_path) + "/"), "folder")
    one_line_error(run("train", "--save", os.devnull), "not a regular file")
    afile = tmp_path / "file"
    afile.write_text("")
    one_line_error(run("train", "--save", str(afile / "m.npz")), "Not a directory")


def test_save_into_a_read_only_folder_is_refused(tmp_path, monkeypatch):
    # As root every folder is writable: the check's answer is faked.
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(tmp_path)
                        else real(p, mode))
    one_line_error(run("train", "--save", str(tmp_path / "m.npz")), "not writable")


def test_save_overwrites_a_model_file(tmp_path):
    p = tmp_path / "m.npz"
    p.write_bytes(b"old")
    r = run("train", "--epochs", "1", "--json", "--save", str(p))
    assert r.exit_code == 0, r.stderr
    from cnn_tui.engine.net import Network

    assert Network.load(p).input_shape == (1, 9, 9)
    assert [f.name for f in tmp_path.iterdir()] == ["m.npz"]        # no temporary file left


def test_a_diverging_run_is_one_line():
    r = run("train", "--optimizer", "sgd", "--lr", "1e6", "--json")
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "diverged" in r.stderr


def test_digits_without_scikit_learn_is_one_line(monkeypatch):
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    one_line_error(run("train", "--data", "digits"), "scikit-learn",
                   "pip install 'cnn-tui[digits]'")


def test_help_loads_neither_numpy_nor_textual():
    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from cnn_tui.cli import cli\n"
            "for args in (['--help'], ['train', '--help'], ['predict', '--help']):\n"
            "    r = CliRunner().invoke(cli, args)\n"
            "    assert r.exit_code == 0, r.output\n"
            "bad = [m for m in ('numpy', 'textual', 'rich') if m in sys.modules]\n"
            "assert not bad, bad\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       check=False)
    assert p.returncode == 0, p.stderr
