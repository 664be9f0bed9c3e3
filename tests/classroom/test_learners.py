"""Learners' names and folders (cnn_tui.quiz.learners): whatever is typed, progress stays inside
the classroom's folder; the teacher's report reads every learner without changing anything."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_tui.quiz.learners import (MAX_NAME, BadName, Classroom, check_name, folder_name_of)
from cnn_tui.quiz.progress import FileProgressStore, Progress, Record


@pytest.mark.parametrize("typed, shown, folder", [
    ("Ann", "Ann", "ann"),
    ("  Ann   B.  ", "Ann B.", "ann-b"),
    ("ann b", "ann b", "ann-b"),                    # the same learner as "Ann B."
    ("O'Brien-Smith_2", "O'Brien-Smith_2", "o-brien-smith-2"),
    ("Zoë", "Zoë", "zoë"),
    ("Zoe\u0308", "Zoë", "zoë"),                     # e + combining diaeresis: one learner
    ("ＡＮＮ", "ＡＮＮ", "ann"),                     # full-width letters fold to plain ones
    ("李 雷", "李 雷", "李-雷"),
    ("x" * MAX_NAME, "x" * MAX_NAME, "x" * MAX_NAME),
])
def test_good_names_and_their_folders(typed, shown, folder):
    assert check_name(typed) == shown
    assert folder_name_of(shown) == folder


@pytest.mark.parametrize("typed, says", [
    ("", "type your name"),
    ("   ", "type your name"),
    ("../../etc/passwd", "cannot hold '/'"),
    ("a\\b", "cannot hold '\\\\'"),
    ("..", "no letter or digit"),
    (".", "no letter or digit"),
    ("-_ '.", "no letter or digit"),
    ("Ann\x00", "cannot hold '\\x00'"),
    ("Ann\tB", "cannot hold '\\t'"),
    ("Ann\nB", "cannot hold '\\n'"),
    ("x" * (MAX_NAME + 1), f"{MAX_NAME + 1} characters"),
    ("Ann; rm -rf ~", "cannot hold"),
    ("$(reboot)", "cannot hold"),
    ("Ann\u202eB", "cannot hold"),                   # right-to-left override
])
def test_bad_names_say_what_is_wrong_and_what_is_allowed(typed, says):
    with pytest.raises(BadName) as err:
        check_name(typed)
    message = str(err.value)
    assert says in message
    assert "letters, digits, spaces" in message
    assert "\n" not in message


@given(st.text(max_size=60))
def test_any_text_is_refused_or_kept_in_a_folder_directly_inside_learners(tmp_path_factory, text):
    room = Classroom(tmp_path_factory.getbasetemp() / "room")
    try:
        folder = room.folder(text)
    except BadName:
        return
    assert folder.parent == room.root
    name = folder.name
    assert name not in ("", ".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert len(name.encode("utf-8")) <= 255
    assert os.path.realpath(folder).startswith(os.path.realpath(room.root) + os.sep)


def test_enrol_keeps_the_name_as_typed_and_finds_the_same_folder_again(tmp_path):
    room = Classroom(tmp_path)
    first = room.enrol("Ann B.")
    assert first == tmp_path / "learners" / "ann-b"
    assert json.loads((first / "learner.json").read_text())["name"] == "Ann B."
    again = room.enrol("ann  b")
    assert again == first
    assert json.loads((first / "learner.json").read_text())["name"] == "ann b"
    assert sorted(p.name for p in (tmp_path / "learners").iterdir()) == ["ann-b"]


def test_check_writable_refuses_a_path_through_a_file(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        Classroom(blocker / "data").check_writable()
    Classroom(tmp_path / "fine").check_writable()
    assert list((tmp_path / "fine" / "learners").iterdir()) == []


def _keep(room: Classroom, name: str, records: dict[str, Record], current=None) -> Path:
    folder = room.enrol(name)
    progress = Progress(folder / "progress.json", records=records, current=current)
    progress.save()
    return folder


def test_report_counts_solved_attempts_and_hints_of_the_current_puzzles_only(tmp_path):
    room = Classroom(tmp_path)
    _keep(room, "Bob", {"p1": Record(True, 2, 1), "p2": Record(False, 3, 0),
                        "gone": Record(True, 9, 9)}, current="p2")
    _keep(room, "ann", {"p1": Record(True, 1, 0), "p2": Record(True, 1, 2)})
    room.enrol("Cy")                                   # named, no puzzle tried yet
    rows = room.report(["p1", "p2", "p3"])
    assert [r.name for r in rows] == ["ann", "Bob", "Cy"]
    ann, bob, cy = rows
    assert (ann.solved, ann.attempts, ann.hints) == (2, 2, 2)
    assert (bob.solved, bob.attempts, bob.hints, bob.current) == (1, 5, 1, "p2")
    assert (cy.solved, cy.attempts, cy.hints, cy.last_active) == (0, 0, 0, None)


def test_report_reads_a_damaged_file_without_moving_it(tmp_path):
    room = Classroom(tmp_path)
    folder = room.enrol("Dee")
    (folder / "progress.json").write_text("{ not json")
    (row,) = room.report(["p1"])
    assert row.problem and "damaged" in row.problem
    assert (folder / "progress.json").read_text() == "{ not json"
    assert sorted(p.name for p in folder.iterdir()) == ["learner.json", "progress.json"]


def test_report_passes_over_what_is_not_a_learner_folder(tmp_path):
    room = Classroom(tmp_path)
    room.enrol("Eve")
    (room.root / "stray.txt").write_text("x")
    (room.root / "link").symlink_to(tmp_path)
    assert [r.folder for r in room.report([])] == ["eve"]
    assert Classroom(tmp_path / "nothing here").report([]) == []


def test_a_card_that_lies_does_not_change_the_folder(tmp_path):
    room = Classroom(tmp_path)
    folder = room.enrol("Fay")
    (folder / "learner.json").write_text(json.dumps({"name": "../../root"}))
    (row,) = room.report([])
    assert row.name == "fay" and row.folder == "fay"       # the card is refused: the folder name
    assert FileProgressStore(folder).location == str(folder)


def test_a_link_planted_as_a_learner_folder_is_never_written_through(tmp_path):
    room = Classroom(tmp_path / "room")
    room.root.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (room.root / "ann").symlink_to(elsewhere)
    with pytest.raises(OSError, match="a link, not a folder"):
        room.enrol("Ann")
    assert list(elsewhere.iterdir()) == []


def test_a_card_copied_into_another_folder_is_not_believed(tmp_path):
    room = Classroom(tmp_path)
    room.enrol("Ann")
    bob = room.enrol("Bob")
    (bob / "learner.json").write_text(json.dumps({"name": "Ann"}))
    assert [r.name for r in room.report([])] == ["Ann", "bob"]


def test_learners_itself_as_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "room").mkdir()
    (tmp_path / "room" / "learners").symlink_to(elsewhere)
    with pytest.raises(OSError, match="a link, not a folder"):
        Classroom(tmp_path / "room").enrol("Ann")
    assert list(elsewhere.iterdir()) == []
