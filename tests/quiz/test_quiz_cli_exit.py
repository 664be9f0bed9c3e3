"""Exit statuses of `cnn-tui quiz` and `cnn-tui puzzles`: the app's return code, --seed >= 0,
folders that do not exist (or are files) and an unknown --start id are one-line usage errors.

Tests that open the (fake) app say there is a terminal (``terminal_problem`` -> None):
CliRunner's stdin is none. tests/test_no_terminal.py tests the check itself."""

from __future__ import annotations

from click.testing import CliRunner

import cnn_tui.cli.app as cli_app
import cnn_tui.tui.app as tui_app
from cnn_tui.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


# --- the exit status of `cnn-tui quiz` follows the app's ------------------------------------------
class _CrashedApp:
    """Stands in for the Textual app: records its options and 'crashes' (return code 1)."""

    seen: list = []

    def __init__(self, start=None, quiz_options=None, **_):
        self.quiz_options = quiz_options
        self.return_code = None

    def run(self):
        _CrashedApp.seen.append(self.quiz_options)
        self.return_code = 1


class _CleanApp(_CrashedApp):
    def run(self):
        _CrashedApp.seen.append(self.quiz_options)
        self.return_code = 0


def test_quiz_exit_status_is_the_apps_return_code(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_app, "terminal_problem", lambda: None)
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CrashedApp)
    r = run("quiz", "--data-dir", str(tmp_path))
    assert r.exit_code == 1
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CleanApp)
    r = run("quiz", "--data-dir", str(tmp_path))
    assert r.exit_code == 0


# --- --seed must be 0 or more ---------------------------------------------------------------------
def test_negative_seed_is_a_one_line_usage_error(monkeypatch):
    _CrashedApp.seen.clear()
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CleanApp)
    r = run("quiz", "--random", "--seed", "-1")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--seed" in lines[0] and "-1" in lines[0], lines
    assert "Traceback" not in r.output
    assert _CrashedApp.seen == []  # the app never opened


def test_seed_zero_is_still_fine(monkeypatch):
    monkeypatch.setattr(cli_app, "terminal_problem", lambda: None)
    _CrashedApp.seen.clear()
    monkeypatch.setattr(tui_app, "CnnTuiApp", _CleanApp)
    r = run("quiz", "--random", "--seed", "0")
    assert r.exit_code == 0, r.output
    assert _CrashedApp.seen[0].seed == 0


# --- `puzzles check` and `quiz` on something that is not a folder ---------------------------------
def test_puzzles_check_missing_folder_is_bad_input(tmp_path):
    missing = tmp_path / "nonexistent"
    r = run("puzzles", "check", str(missing))
    assert r.exit_code == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and lines[0].startswith("cnn-tui: error:")


def test_quiz_with_a_missing_puzzles_folder_is_bad_input(tmp_path):
    r = run("quiz", "--puzzles", str(tmp_path / "nonexistent"), "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"cnn-tui: error: there is no folder {tmp_path / 'nonexistent'}"


def test_puzzles_check_a_file_is_bad_input(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text('id = "a"\n', encoding="utf-8")
    r = run("puzzles", "check", str(f))
    assert r.exit_code == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "not a folder" in r.stderr


def test_puzzles_list_missing_folder_is_bad_input(tmp_path):
    r = run("puzzles", "list", str(tmp_path / "nonexistent"))
    assert r.exit_code == 2
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


def test_puzzles_check_broken_file_in_a_real_folder_still_exits_1(tmp_path):
    (tmp_path / "bad.toml").write_text("this is = = not toml", encoding="utf-8")
    r = run("puzzles", "check", str(tmp_path))
    assert r.exit_code == 1
    assert r.stdout.startswith("bad.toml: ")


# --- an unknown --start id ------------------------------------------------------------------------
def test_unknown_start_on_the_command_line_is_one_line_exit_2(tmp_path):
    r = run("quiz", "--start", "nope", "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "'cnn-tui puzzles list'" in lines[0]


# --- a folder name the system refuses (too long) is one short line, not a traceback -------------
def test_a_folder_name_too_long_for_the_system_is_one_short_line(tmp_path):
    long_name = "p" * 5000
    for args in (("puzzles", "check", long_name), ("puzzles", "list", long_name),
                 ("quiz", "--puzzles", long_name, "--data-dir", str(tmp_path))):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output[-300:])
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "File name too long" in lines[0], lines
        assert "p" * 200 not in lines[0]
