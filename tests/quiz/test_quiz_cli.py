"""`cnn-tui quiz` options: one-line errors with exit 2, and a --help that stays light."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from cnn_tui.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


def test_seed_needs_random():
    r = run("quiz", "--seed", "3")
    assert r.exit_code == 2
    assert r.stderr.strip() == ("cnn-tui: error: --seed only makes sense with --random; add "
                                "--random or drop --seed")


def test_unknown_start_id(tmp_path):
    r = run("quiz", "--start", "nope", "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    assert "there is no puzzle with id 'nope'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_empty_puzzle_folder(tmp_path):
    r = run("quiz", "--puzzles", str(tmp_path), "--data-dir", str(tmp_path))
    assert r.exit_code == 2
    assert "no usable puzzles" in r.stderr and "Traceback" not in r.output


def test_quiz_help_does_not_import_textual_or_numpy():
    code = ("import sys; from cnn_tui.cli import cli\n"
            "try:\n    cli(['quiz', '--help'], prog_name='cnn-tui')\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('textual', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
    assert "--random" in out.stdout and "--reset" in out.stdout
