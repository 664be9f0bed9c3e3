"""``cnn-tui serve`` on the command line: what it refuses (one line, exit 2) and the teacher's
report (``--report``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cnn_tui.cli import cli
from cnn_tui.quiz.learners import Classroom
from cnn_tui.quiz.progress import Progress, Record

from served import free_port

# The bundled curriculum's first three puzzles (cnn-tui puzzles list), and its size.
P1, P2, P3 = "practice-first-cell", "practice", "window-perfect-match"
PUZZLES = 37


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


def one_line_error(result, *needles):
    assert result.exit_code == 2, (result.exit_code, result.stdout[:300], result.stderr[:300])
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[:500]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    """A real process, a real port held by someone else."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "cnn_tui", "serve", "--port", str(port),
                               "--data-dir", str(tmp_path)], capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 2, done
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert f"port {port} is already in use" in line and "--port" in line


def test_a_data_dir_that_is_a_file_or_runs_through_one_is_refused(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    one_line_error(run("serve", "--data-dir", str(afile), "--port", str(free_port())),
                   "is not a folder")
    one_line_error(run("serve", "--data-dir", str(afile / "sub"), "--port", str(free_port())),
                   "Not a directory")


def test_a_data_dir_that_cannot_be_written_is_refused(tmp_path, monkeypatch):
    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Classroom, "check_writable", refuse)
    line = one_line_error(run("serve", "--data-dir", str(tmp_path), "--port", str(free_port())),
                          "cannot keep progress in", "Permission denied", "--data-dir")
    assert str(tmp_path / "learners") in line


@pytest.mark.parametrize("args, needle", [
    (["--host", "no.such.host.invalid"], "no such address"),
    (["--host", "192.0.2.1"], "not an address of this computer"),
    (["--port", "0"], "--port"),
    (["--port", "70000"], "--port"),
    (["--port", "eighty"], "--port"),
    (["--learner", "Ann"], "go with --report"),
    (["--json"], "go with --report"),
])
def test_bad_options_are_one_line_and_exit_2(tmp_path, args, needle):
    one_line_error(run("serve", "--data-dir", str(tmp_path), *args), needle)


@pytest.fixture
def classroom(tmp_path):
    room = Classroom(tmp_path)
    for name, records, current in (
            ("Ann B.", {P1: Record(True, 1, 0), P2: Record(True, 4, 2)}, P3),
            ("bob", {P1: Record(False, 3, 1)}, P1)):
        folder = room.enrol(name)
        Progress(folder / "progress.json", records=records, current=current).save()
    room.enrol("Cy")
    return room


def test_report_as_json_counts_each_learner(classroom):
    result = run("serve", "--report", "--json", "--data-dir", str(classroom.directory))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["puzzles"] == PUZZLES
    rows = {r["name"]: r for r in out["learners"]}
    assert list(rows) == ["Ann B.", "bob", "Cy"]
    assert (rows["Ann B."]["solved"], rows["Ann B."]["attempts"], rows["Ann B."]["hints"],
            rows["Ann B."]["current"]) == (2, 5, 2, P3)
    assert (rows["bob"]["solved"], rows["bob"]["attempts"]) == (0, 3)
    assert rows["Cy"]["last_active"] is None


def test_report_table_names_every_learner_and_their_solved_count(classroom):
    result = run("serve", "--report", "--data-dir", str(classroom.directory))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"3 learners · {PUZZLES} puzzles" in result.stdout
    ann = next(line for line in lines if "Ann B." in line)
    assert f"2/{PUZZLES}" in ann and "#3" in ann          # on puzzle 3
    assert any("bob" in line and f"0/{PUZZLES}" in line for line in lines)


def test_report_of_one_learner_lists_their_puzzles(classroom):
    result = run("serve", "--report", "--learner", "ann b", "--json", "--data-dir",
                 str(classroom.directory))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["name"] == "Ann B."
    by_id = {e["id"]: e for e in out["puzzle_records"]}
    assert len(by_id) == PUZZLES
    assert by_id[P2] == {"id": P2, "title": by_id[P2]["title"], "solved": True, "attempts": 4,
                         "hints": 2}
    assert by_id[P3]["solved"] is False and by_id[P3]["attempts"] == 0
    table = run("serve", "--report", "--learner", "Ann B.", "--data-dir",
                str(classroom.directory))
    assert "Ann B.: 2/37 solved, 5 attempts, 2 hints" in table.stdout


def test_report_refuses_a_bad_or_unknown_learner(classroom):
    one_line_error(run("serve", "--report", "--learner", "../x", "--data-dir",
                       str(classroom.directory)), "cannot hold '/'")
    one_line_error(run("serve", "--report", "--learner", "Dora", "--data-dir",
                       str(classroom.directory)), "no learner called 'Dora'", "'Ann B.'")


def test_report_of_an_empty_class_says_so(tmp_path):
    result = run("serve", "--report", "--data-dir", str(tmp_path / "new"))
    assert result.exit_code == 0
    assert "No learners yet" in result.stdout
    assert not (tmp_path / "new").exists()           # a report never writes


def test_serve_help_lists_its_options_without_loading_the_server():
    done = subprocess.run([sys.executable, "-c",
                           "import sys\nfrom cnn_tui.cli import main\nsys.argv=['cnn-tui','serve',"
                           "'--help']\ntry:\n main()\nexcept SystemExit:\n pass\n"
                           "print(sorted(m for m in ('aiohttp','textual_serve','textual','numpy')"
                           " if m in sys.modules))"], capture_output=True, text=True, timeout=60)
    assert "--host" in done.stdout and "--report" in done.stdout and "--data-dir" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_report_of_an_unreadable_class_is_one_line(tmp_path, monkeypatch):
    room = Classroom(tmp_path)
    room.enrol("Ann")

    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cnn_tui.quiz.learners.os.scandir", refuse)
    one_line_error(run("serve", "--report", "--data-dir", str(tmp_path)),
                   "cannot read", "Permission denied")
