"""A sitting keeps its progress only through its ``ProgressStore``: any store will do, so each
learner can have their own."""

from __future__ import annotations

from cnn_tui.quiz.options import QuizOptions
from cnn_tui.quiz.progress import FileProgressStore, Progress, ProgressStore, Record
from cnn_tui.quiz.session import open_session

from quiz_apps import PUZZLES

PRACTICE = [["19", "25"], ["37", "43"]]


class MemoryStore:
    """Progress kept in memory (a stand-in for a store per learner)."""

    def __init__(self) -> None:
        self.kept: dict | None = None
        self.fail = False

    @property
    def location(self) -> str:
        return "memory"

    def load(self) -> Progress:
        return Progress(store=self)

    def save(self, progress: Progress) -> None:
        if self.fail:
            raise OSError("no room")
        self.kept = progress.to_json()

    def reset(self) -> bool:
        had, self.kept = self.kept is not None, None
        return had


def test_a_sitting_saves_through_the_store_it_was_opened_with(tmp_path):
    store = MemoryStore()
    session, notices = open_session(QuizOptions(puzzles_dir=str(PUZZLES), start="practice",
                                                data_dir=str(tmp_path)), store)
    assert notices == []
    assert session.submit(PRACTICE).solved
    assert store.kept["puzzles"]["practice"] == {"solved": True, "attempts": 1, "hints": 0}
    assert list(tmp_path.iterdir()) == []  # the data folder is not touched
    store.fail = True
    session.next_hint()
    assert session.save_error == "Could not save your progress in memory: no room"


def test_the_file_store_is_a_progress_store(tmp_path):
    store: ProgressStore = FileProgressStore(tmp_path)
    progress = store.load()
    assert progress.store is store and progress.records == {}
    progress.records["practice"] = Record(solved=True)
    store.save(progress)
    assert store.load().get("practice").solved
    assert store.location == str(tmp_path)
    assert store.reset() and not store.reset()


def test_the_progress_file_is_readable_by_its_owner_only(tmp_path):
    import os
    import stat

    from cnn_tui.quiz.progress import FILENAME, FileProgressStore

    old = os.umask(0o022)
    try:
        store = FileProgressStore(tmp_path)
        prog = store.load()
        prog.record("practice").solved = True
        store.save(prog)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / FILENAME).stat().st_mode) == 0o600
