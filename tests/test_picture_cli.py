"""``cnn-tui --picture FILE [--side N]`` and ``cnn-tui run --picture FILE``: a bad file or side is
ONE line on stderr with exit status 2 (with or without a terminal, the picture is loaded first);
a good one reaches the app as ``own_picture``; ``cnn-tui --help`` loads no Pillow.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import cnn_tui.cli.app as cli_app
from cnn_tui.pictures import Picture

from cli_helpers import one_line_error, run

HANG = 120          # only turns a hang into a failure


@pytest.fixture
def files(tmp_path):
    """A good image and a text picture, and one bad file of each kind."""
    im = Image.new("L", (200, 100), 255)
    im.paste(0, (0, 0, 100, 100))
    im.save(tmp_path / "photo.png")
    (tmp_path / "mine.txt").write_text("1 -1 1\n-1 1 -1\n1 -1 1\n")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "junk.bin").write_bytes(bytes(range(128, 256)) * 40)
    rng = np.random.default_rng(5)
    Image.fromarray(rng.integers(0, 256, (64, 64), dtype=np.uint8)).save(tmp_path / "noise.png")
    noise = (tmp_path / "noise.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(noise[:len(noise) // 2])
    (tmp_path / "loud.txt").write_text("3 0 0\n0 7 0\n0 0 -3\n")
    (tmp_path / "ragged.txt").write_text("1 0 1\n1 0\n1 0 1\n")
    (tmp_path / "small.txt").write_text("1 0\n0 1\n")
    os.mkdir(tmp_path / "folder")
    return tmp_path


BAD = [
    ("missing.png", "does not exist"),
    ("folder", "is a folder"),
    ("empty.png", "is empty"),
    ("junk.bin", "neither an image"),
    ("cut.png", "cut-short PNG image"),
    ("loud.txt", "from -3 to 7"),
    ("ragged.txt", "ragged"),
    ("small.txt", "2x2"),
]


@pytest.mark.parametrize("name, needle", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("where", [[], ["run"], ["run", "--headless"]],
                         ids=["lesson", "run", "headless"])
def test_each_bad_file_is_one_line(files, where, name, needle):
    one_line_error(run(*where, "--picture", str(files / name)), name, needle)


@pytest.mark.parametrize("where", [[], ["run"], ["run", "--headless"]],
                         ids=["lesson", "run", "headless"])
@pytest.mark.parametrize("side", ["2", "129", "abc", "1" * 5000])
def test_a_bad_side_is_one_line(files, where, side):
    line = one_line_error(run(*where, "--picture", str(files / "photo.png"), "--side", side),
                          "--side", "3 to 128")
    assert "1" * 41 not in line


def test_side_without_picture_and_side_on_a_text_picture(files):
    one_line_error(run("--side", "32"), "--side", "--picture")
    one_line_error(run("run", "--headless", "--side", "32"), "--side", "--picture")
    one_line_error(run("run", "--headless", "--picture", str(files / "mine.txt"), "--side",
                       "32"), "a text picture keeps its own size")


def test_picture_before_a_command_is_refused(files):
    one_line_error(run("--picture", str(files / "photo.png"), "run", "--headless"),
                   "after 'run'")
    one_line_error(run("--side", "10", "quiz"), "--side", "after 'run'")


def test_without_a_terminal_the_picture_is_still_checked_first(files):
    """No terminal here (CliRunner, and the subprocess's stdin is /dev/null): a bad picture
    is the error named, and a good one gets as far as the terminal check."""
    for args in (["--picture"], ["run", "--picture"]):
        p = subprocess.run([sys.executable, "-m", "cnn_tui", *args, str(files / "junk.bin")],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
                           timeout=HANG)
        assert p.returncode == 2 and p.stdout == "", (p.returncode, p.stderr)
        lines = p.stderr.splitlines()
        assert len(lines) == 1 and "neither an image" in lines[0], p.stderr
        assert "Traceback" not in p.stderr
    one_line_error(run("--picture", str(files / "photo.png")), "needs a terminal")
    one_line_error(run("run", "--picture", str(files / "mine.txt")), "needs a terminal")


@pytest.mark.parametrize("args", [["--picture"], ["run", "--screen", "pooling", "--picture"]])
def test_the_loaded_picture_reaches_the_app(files, monkeypatch, args):
    import cnn_tui.tui.app as tui_app

    built = []

    class FakeApp:
        def __init__(self, **kw):
            built.append(kw)
            self.return_code = None

        def run(self):
            self.return_code = 0

    monkeypatch.setattr(cli_app, "terminal_problem", lambda: None)
    monkeypatch.setattr(tui_app, "CnnTuiApp", FakeApp)
    r = run(*args, str(files / "photo.png"), "--side", "8")
    assert r.exit_code == 0, r.stderr
    (kw,) = built
    pic = kw["own_picture"]
    assert isinstance(pic, Picture) and pic.name == "photo" and pic.source == "image"
    # 200x100, left half black, at side 8: 8x4, left four columns ink, right four paper
    assert pic.pixels.tolist() == [[1.0] * 4 + [-1.0] * 4] * 4
    assert kw["start"] == ("pooling" if "run" in args else cli_app.SCREENS[0])


def test_no_picture_means_no_own_picture(monkeypatch):
    import cnn_tui.tui.app as tui_app

    built = []
    monkeypatch.setattr(cli_app, "terminal_problem", lambda: None)
    monkeypatch.setattr(tui_app, "CnnTuiApp",
                        lambda **kw: built.append(kw) or type("A", (), {
                            "run": lambda self: None, "return_code": 0})())
    assert run().exit_code == 0
    assert "own_picture" not in built[0]


@pytest.mark.app
@pytest.mark.parametrize("name", ["photo.png", "mine.txt"])
def test_headless_run_opens_the_lesson_on_the_picture(files, name):
    p = subprocess.run([sys.executable, "-m", "cnn_tui", "run", "--headless", "--picture",
                        str(files / name), "--screen", "convolution", "--size", "100x36"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
                       timeout=HANG)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    stem = name.split(".")[0]
    assert f"picture {stem}" in p.stdout, p.stdout[:2000]


def test_help_loads_no_pillow_numpy_or_textual():
    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from cnn_tui.cli import cli\n"
            "for args in (['--help'], ['run', '--help']):\n"
            "    r = CliRunner().invoke(cli, args)\n"
            "    assert r.exit_code == 0, r.output\n"
            "    assert '--picture' in r.output and '--side' in r.output, r.output\n"
            "bad = [m for m in ('PIL', 'numpy', 'textual', 'rich') if m in sys.modules]\n"
            "assert not bad, bad\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                       timeout=HANG)
    assert p.returncode == 0, p.stderr
