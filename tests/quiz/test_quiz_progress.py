"""Progress storage: atomic writes, damaged files set aside, unknown ids ignored, reset."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.quiz import progress as progress_mod
from cnn_tui.quiz.progress import FILENAME, Progress
from cnn_tui.quiz.puzzle import load_dir
from cnn_tui.quiz.session import QuizSession

PUZZLES = Path(__file__).resolve().parents[2] / "puzzles"


def test_round_trip(tmp_path):
    p = Progress.load(tmp_path)
    assert p.records == {} and p.notice == ""
    rec = p.record("practice")
    rec.solved, rec.attempts, rec.hints = True, 3, 2
    p.current = "practice"
    p.save()
    q = Progress.load(tmp_path)
    assert q.get("practice").solved and q.get("practice").attempts == 3
    assert q.get("practice").hints == 2 and q.current == "practice"
    assert json.loads((tmp_path / FILENAME).read_text())["version"] == 1


def test_save_is_atomic_temp_file_then_replace(tmp_path, monkeypatch):
    calls = []
    real = os.replace

    def spy(src, dst):
        calls.append((Path(src), Path(dst)))
        assert Path(src).parent == Path(dst).parent == tmp_path  # temp file in the same folder
        assert Path(src).read_text()  # fully written before the swap
        real(src, dst)

    monkeypatch.setattr(progress_mod.os, "replace", spy)
    p = Progress.load(tmp_path)
    p.record("a").solved = True
    p.save()
    assert len(calls) == 1 and calls[0][1] == tmp_path / FILENAME
    assert sorted(f.name for f in tmp_path.iterdir()) == [FILENAME]  # no temp left behind


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    p = Progress.load(tmp_path)
    p.record("a").solved = True
    p.save()
    before = (tmp_path / FILENAME).read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(progress_mod.os, "replace", boom)
    p.record("b").solved = True
    try:
        p.save()
    except OSError:
        pass
    assert (tmp_path / FILENAME).read_text() == before
    assert sorted(f.name for f in tmp_path.iterdir()) == [FILENAME]


def test_damaged_file_is_set_aside_and_quiz_starts_fresh(tmp_path):
    (tmp_path / FILENAME).write_text("{ this is not json", encoding="utf-8")
    p = Progress.load(tmp_path)
    assert p.records == {}
    assert "moved to progress.json.damaged-" in p.notice
    aside = [f for f in tmp_path.iterdir() if f.name.startswith(FILENAME + ".damaged-")]
    assert len(aside) == 1 and aside[0].read_text() == "{ this is not json"
    assert not (tmp_path / FILENAME).exists()


def test_wrong_types_count_as_damage(tmp_path):
    (tmp_path / FILENAME).write_text(json.dumps({"puzzles": {"a": {"attempts": "many"}}}))
    p = Progress.load(tmp_path)
    assert p.records == {} and "damaged" in p.notice


def test_unknown_ids_are_ignored_but_kept(tmp_path):
    (tmp_path / FILENAME).write_text(json.dumps({
        "version": 1, "current": "gone-puzzle",
        "puzzles": {"gone-puzzle": {"solved": True, "attempts": 1, "hints": 0},
                    "practice": {"solved": True, "attempts": 2, "hints": 1}}}))
    cur = load_dir(PUZZLES)
    prog = Progress.load(tmp_path)
    s = QuizSession(cur, prog)
    assert s.solved_count() == 1                  # only 'practice' counts
    assert s.index == 0                           # unknown current id: start at the first
    s.next_hint()
    saved = json.loads((tmp_path / FILENAME).read_text())
    assert "gone-puzzle" in saved["puzzles"]      # kept for when the puzzle comes back


def test_data_dir_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_TUI_DATA_DIR", str(tmp_path))
    assert Progress.load().path == tmp_path / FILENAME


def _saved(tmp_path):
    p = Progress.load(tmp_path)
    p.record("practice").solved = True
    p.save()


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui", input=input)


def test_reset_asks_and_no_keeps(tmp_path):
    _saved(tmp_path)
    r = run("quiz", "--reset", "--data-dir", str(tmp_path), input="n\n")
    assert "Forget all quiz progress" in r.output
    assert r.exit_code == 1 and "Progress kept" in r.output
    assert (tmp_path / FILENAME).exists()


def test_reset_yes_removes(tmp_path):
    _saved(tmp_path)
    r = run("quiz", "--reset", "--data-dir", str(tmp_path), input="y\n")
    assert r.exit_code == 0 and "Progress reset" in r.output
    assert not (tmp_path / FILENAME).exists()


def test_reset_with_yes_flag_does_not_ask(tmp_path):
    _saved(tmp_path)
    r = run("quiz", "--reset", "--yes", "--data-dir", str(tmp_path))
    assert r.exit_code == 0 and "Forget" not in r.output
    assert not (tmp_path / FILENAME).exists()


def test_reset_without_progress(tmp_path):
    r = run("quiz", "--reset", "--yes", "--data-dir", str(tmp_path))
    assert r.exit_code == 0 and "nothing to reset" in r.output
