"""Headless runs: bad scripts and SVG targets are one line each, SVGs are written atomically
with the umask's mode, and a scripted quiz never touches the learner's own progress.

Expected values come from hand calculation (worked in the comments) or tests/golden/lecture.toml.
"""

from __future__ import annotations

import os
import stat

from click.testing import CliRunner
import pytest

from cnn_tui.cli import cli
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.app import CnnTuiApp

from lesson_apps import headless

pytestmark = pytest.mark.app   # every test here runs the app headless


def test_script_that_is_not_utf8_is_one_line(tmp_path, capsys):
    script = tmp_path / "latin1.txt"
    script.write_bytes("press right\nexpect caf\xe9\n".encode("latin-1"))
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("cnn-tui: error: ")
    assert "latin1.txt" in err and "UTF-8" in err


def test_svg_option_on_an_existing_folder(tmp_path, capsys):
    code, out, err = headless(capsys, svg=str(tmp_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is a folder" in err


def test_svg_script_line_on_an_existing_folder(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text(f"press right\nsvg {tmp_path}\n")
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "s.txt line 2" in err and "is a folder" in err


def test_svg_in_a_folder_that_cannot_be_written(tmp_path, capsys):
    # /proc accepts no new files, even for root: checked up front or at the write, one line.
    code, out, err = headless(capsys, svg="/proc/x.svg")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("cnn-tui: error: ") and "/proc/x.svg" in err
    assert "Traceback" not in out + err
    script = tmp_path / "s.txt"
    script.write_text("press right\nsvg /proc/x.svg\n")
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and err.count("\n") == 1 and "/proc/x.svg" in err


def test_svg_parent_that_is_a_file(tmp_path, capsys):
    (tmp_path / "plain").write_text("")
    code, out, err = headless(capsys, svg=str(tmp_path / "plain" / "x.svg"))
    assert code == 2 and err.count("\n") == 1 and "cnn-tui: error: " in err


def test_svg_write_failure_is_one_line(tmp_path, capsys, monkeypatch):
    """Whatever OSError the atomic write meets becomes one line and exit 2."""
    def refuse(src, dst):
        raise IsADirectoryError(21, "Is a directory")

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = headless(capsys, svg=str(tmp_path / "a.svg"))
    assert code == 2
    assert err == (f"cnn-tui: error: cannot write the SVG {str(tmp_path / 'a.svg')!r}: "
                   "Is a directory\n")
    assert list(tmp_path.iterdir()) == []                   # the temp file is cleaned up


def test_svg_write_failure_mid_script_is_one_line(tmp_path, capsys, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    script = tmp_path / "s.txt"
    target = tmp_path / "mid.svg"
    script.write_text(f"press right\nsvg {target}\npress right\n")
    code, out, err = headless(capsys, script=str(script))
    assert code == 2 and err.count("\n") == 1
    assert "cannot write the SVG" in err and "Permission denied" in err


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_svg_file_mode_follows_the_umask(tmp_path, capsys, umask, mode):
    old = os.umask(umask)
    try:
        code, _, _ = headless(capsys, svg=str(tmp_path / "a.svg"))
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE((tmp_path / "a.svg").stat().st_mode) == mode


def test_svg_is_synced_before_it_replaces_the_target(tmp_path, capsys, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("fsync")
        return real_fsync(fd)

    def replace(src, dst):
        events.append("replace")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    code, _, _ = headless(capsys, svg=str(tmp_path / "a.svg"))
    assert code == 0 and (tmp_path / "a.svg").read_text().startswith("<svg")
    assert "fsync" in events and events.index("fsync") < events.index("replace")


def test_headless_quiz_leaves_the_real_progress_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CNN_TUI_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--keys", "n h"], prog_name="cnn-tui")   # both save progress
    assert r.exit_code == 0, r.output
    assert "Hint 1/" in r.stdout                 # the keys did reach the quiz
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_headless_quiz_with_data_dir_keeps_progress_there(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CNN_TUI_DATA_DIR", raising=False)
    data = tmp_path / "data"
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--data-dir", str(data), "--keys", "n"], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert (data / "progress.json").is_file()
    assert not (tmp_path / "home").exists()


def test_headless_quiz_with_env_data_dir_keeps_progress_there(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    r = CliRunner().invoke(cli, ["run", "--headless", "--screen", "quiz", "--size", "100x36",
                                 "--keys", "n"], prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "progress.json").is_file()


def test_run_passes_data_dir_to_the_quiz_in_a_terminal(tmp_path, monkeypatch):
    seen = {}

    def fake_run(self, **kw):
        seen["options"] = self.quiz_options
        seen["start"] = self.start

    monkeypatch.setattr(CnnTuiApp, "run", fake_run)
    monkeypatch.setattr("cnn_tui.cli.app.terminal_problem", lambda: None)  # CliRunner: no tty
    r = CliRunner().invoke(cli, ["run", "--screen", "quiz", "--data-dir", str(tmp_path)],
                           prog_name="cnn-tui")
    assert r.exit_code == 0, r.output
    assert seen == {"options": QuizOptions(data_dir=str(tmp_path)), "start": "quiz"}


def test_run_headless_honours_a_callers_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CNN_TUI_DATA_DIR", raising=False)
    code, out, _ = headless(capsys, screen="quiz", keys="n",
                            app_kwargs={"quiz_options": QuizOptions(data_dir=str(tmp_path / "d"))})
    assert code == 0 and (tmp_path / "d" / "progress.json").is_file()


def test_script_from_dev_stdin_and_a_bom():
    """The script is read through files.read_text_limited: a pipe (@/dev/stdin style) works,
    and a UTF-8 byte-order mark at its start is dropped."""
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "cnn_tui", "run", "--headless", "--screen",
                        "convolution", "--script", "/dev/stdin"],
                       input="\ufeffpress right\nexpect 1/49 filled\n", capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "1/49 filled" in p.stdout and p.stderr == ""
