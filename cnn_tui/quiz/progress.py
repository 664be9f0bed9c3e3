"""Progress through the curriculum, and where it is kept.

:class:`Progress` is what one learner has done: a :class:`Record` per puzzle id and the puzzle
they were on. It is kept by a :class:`ProgressStore`; the quiz only talks to its store through
that small interface, so each learner can have a store of their own. Today's store is
:class:`FileProgressStore`, a JSON file in the user's data directory:

* Written atomically (:func:`cnn_tui.files.write_atomic`: a temporary file in the same folder,
  then ``os.replace``). Before writing, the file on disk is read again and merged (solved if
  either says so, the larger attempts and hints, ids only the file has kept), so two quiz
  sittings at once do not undo each other.
* Ids that the current ``puzzles/`` no longer has are kept in the file but ignored, so a
  renamed or removed puzzle never breaks the quiz (and comes back if the puzzle does).
* A damaged file is moved aside as ``progress.json.damaged-<timestamp>`` and the quiz starts
  fresh; :attr:`Progress.notice` says so. The file is read through
  :func:`cnn_tui.quiz.regular.read_regular`: one that is too large (over 1 MB, known from its
  size before it is opened), nested too deeply or not UTF-8 counts as damaged.
* Only a regular file (or a link to one) is ever opened, moved or written over. Anything else
  at that path (a folder, a device such as a link to ``/dev/tty``, a named pipe, a socket) is
  never opened, read, waited on, moved or replaced: loading leaves it as it is and starts fresh
  with a notice, and saving refuses with an ``OSError`` (the quiz's usual save-error message).
* A write killed half-way leaves a temporary file (``.progress-*.tmp``) behind; the next save
  removes such files once they are a minute old (younger ones may be another sitting's write in
  progress). Only regular files with exactly that prefix and suffix are touched.
"""

from __future__ import annotations

import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cnn_tui.files import MAX_TEXT_BYTES, TEMP_SUFFIX, FileRefused, write_atomic

from .regular import NotRegular, check_regular, decode, kind_of, read_regular

FILENAME = "progress.json"
VERSION = 1
TEMP_PREFIX = ".progress-"       # the temporary files of write_atomic for the progress file
STALE_TEMP_SECONDS = 60.0        # a temporary file this old is a killed write, not one under way
MAX_COUNT = 1_000_000_000        # attempts or hints beyond this are damage, not practice


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--data-dir``, then ``$CNN_TUI_DATA_DIR``, then the platform's user data directory."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("CNN_TUI_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("cnn-tui"))


@dataclass
class Record:
    solved: bool = False
    attempts: int = 0
    hints: int = 0

    def to_json(self) -> dict:
        return {"solved": self.solved, "attempts": self.attempts, "hints": self.hints}


class DamagedProgress(ValueError):
    pass


def _record(raw) -> Record:
    if not isinstance(raw, dict):
        raise DamagedProgress("a puzzle entry is not an object")
    solved, attempts, hints = raw.get("solved", False), raw.get("attempts", 0), raw.get("hints", 0)
    if not isinstance(solved, bool) or any(isinstance(v, bool) or not isinstance(v, int)
                                           or not 0 <= v <= MAX_COUNT for v in (attempts, hints)):
        raise DamagedProgress("a puzzle entry has values of the wrong type")
    return Record(solved, attempts, hints)


class ProgressStore(Protocol):
    """Where one learner's progress is kept."""

    @property
    def location(self) -> str:
        """Where the progress is kept, in words for a message ("... in <location>: ...")."""
        ...

    def load(self) -> Progress:
        """The kept progress (its ``store`` is this store), empty if there is none. A problem
        with what was kept is not an error: the progress starts fresh and
        :attr:`Progress.notice` says what happened."""
        ...

    def save(self, progress: Progress) -> None:
        """Keep ``progress``, first merging into it whatever another sitting kept since it was
        loaded (see :meth:`Progress.merge`). Raises ``OSError`` when it cannot be kept."""
        ...

    def reset(self) -> bool:
        """Forget everything kept; return True if there was anything to forget."""
        ...


@dataclass
class Progress:
    """One learner's progress: a record per puzzle id and the id of the puzzle they were on.

    ``store`` keeps it (:meth:`save`, :meth:`reset`). ``Progress(path)`` is kept in the JSON
    file at ``path``, as :meth:`load` gives it; ``path`` is None for progress kept elsewhere.
    """

    path: Path | None = None
    records: dict[str, Record] = field(default_factory=dict)
    current: str | None = None
    notice: str = ""
    store: ProgressStore | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            self.path = Path(self.path)
            if self.store is None:
                self.store = FileProgressStore(self.path.parent, self.path.name)

    @classmethod
    def load(cls, directory: str | os.PathLike | None = None) -> Progress:
        """The progress kept in ``directory`` (see :func:`data_dir` for the default)."""
        return FileProgressStore(data_dir(directory)).load()

    def record(self, pid: str) -> Record:
        return self.records.setdefault(pid, Record())

    def get(self, pid: str) -> Record:
        return self.records.get(pid, Record())

    def solved_count(self, ids) -> int:
        return sum(1 for i in ids if self.get(i).solved)

    def to_json(self) -> dict:
        return {"version": VERSION, "current": self.current,
                "puzzles": {k: r.to_json() for k, r in sorted(self.records.items())}}

    def merge(self, others: dict[str, Record]) -> None:
        """Fold in records another sitting kept: solved if either says so, the larger count of
        attempts and of hints, and ids that only ``others`` has."""
        for pid, theirs in others.items():
            mine = self.records.get(pid)
            if mine is None:
                self.records[pid] = theirs
                continue
            mine.solved = mine.solved or theirs.solved
            mine.attempts = max(mine.attempts, theirs.attempts)
            mine.hints = max(mine.hints, theirs.hints)

    def save(self) -> None:
        """Keep this progress in its store (merged with what the store has; see
        :meth:`ProgressStore.save`)."""
        self._store().save(self)

    def reset(self) -> bool:
        """Forget everything, here and in the store; return True if the store had anything."""
        self.records, self.current = {}, None
        return self._store().reset()

    def _store(self) -> ProgressStore:
        if self.store is None:
            raise ValueError("this progress has no store to keep it in")
        return self.store


class FileProgressStore:
    """Progress kept as JSON in ``directory/progress.json`` (see the module's description)."""

    def __init__(self, directory: str | os.PathLike, filename: str = FILENAME) -> None:
        self.directory = Path(directory)
        self.path = self.directory / filename

    def __repr__(self) -> str:
        return f"FileProgressStore({str(self.directory)!r})"

    @property
    def location(self) -> str:
        return str(self.directory)

    def _read(self) -> str:
        """The file's text: at most 1 MB of a regular file. Anything else is refused with
        :class:`~cnn_tui.quiz.regular.NotRegular` before it is opened (never waited on)."""
        return decode(read_regular(self.path, what="progress file", limit=MAX_TEXT_BYTES))

    @staticmethod
    def _parse(text: str) -> tuple[dict[str, Record], str | None]:
        """Records and current id from the file's text; :class:`DamagedProgress` if damaged."""
        try:
            raw = json.loads(text)
        except RecursionError:  # nested thousands deep: json gives up, and so do we
            raise DamagedProgress("nested too deeply") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("puzzles", {}), dict):
            raise DamagedProgress("not a progress object")
        records = {str(k): _record(v) for k, v in raw.get("puzzles", {}).items()}
        cur = raw.get("current")
        return records, cur if isinstance(cur, str) else None

    def load(self) -> Progress:
        prog = Progress(self.path, store=self)
        try:
            text = self._read()
        except FileNotFoundError:
            return prog
        except NotRegular as exc:  # a folder, a device, a pipe, a socket: never touched
            prog.notice = self._left_alone(exc.kind)
            return prog
        except FileRefused as exc:  # too large: one sentence
            prog.notice = self._set_aside(f"could not be read ({exc})")
            return prog
        except (OSError, UnicodeDecodeError) as exc:
            prog.notice = self._set_aside(f"could not be read ({exc.__class__.__name__})")
            return prog
        try:
            prog.records, prog.current = self._parse(text)
        except ValueError:  # DamagedProgress and json's errors are ValueErrors
            prog.notice = self._set_aside("was damaged")
        return prog

    def _left_alone(self, kind: str) -> str:
        """The notice for a path that holds something other than a regular file."""
        return (f"Your progress file {str(self.path)!r} is {kind}, not a file; it was left as "
                f"it is, and the quiz starts fresh without saving (move it out of the way to "
                f"keep your progress).")

    def _set_aside(self, why: str) -> str:
        """Move the file aside; return the notice that says so. Only a regular file (or a link,
        which is moved itself, never what it points to) is moved: anything else is left alone."""
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            mode = None  # a link that leads nowhere (a loop, say): only the link can be moved
        if mode is not None and not stat.S_ISREG(mode):
            return self._left_alone(kind_of(mode))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, target)
            return (f"Your progress file {why}; it was moved to {target.name} and the "
                    f"quiz starts fresh.")
        except OSError as exc:
            return (f"Your progress file {why} and could not be moved aside ({exc}); "
                    f"the quiz starts fresh.")

    def peek(self) -> tuple[dict[str, Record], str | None]:
        """What the file holds now (records and current id), read without changing anything: a
        damaged file raises ``ValueError`` and stays where it is, a missing one raises
        ``FileNotFoundError`` (a teacher's report reads every learner's file this way)."""
        return self._parse(self._read())

    def _on_disk(self) -> dict[str, Record] | None:
        """The records in the file as it is now, or None if it is missing, unreadable or damaged
        (a damaged file is left for :meth:`load` to set aside; saving simply replaces it)."""
        try:
            return self._parse(self._read())[0]
        except (OSError, ValueError):  # UnicodeDecodeError and DamagedProgress are ValueErrors
            return None

    def _remove_stale_temps(self) -> None:
        """Remove temporary files left by killed writes of this store: regular files named
        ``.progress-*.tmp`` in its folder, at least :data:`STALE_TEMP_SECONDS` old (a younger
        one may be another sitting's write under way). Never the progress file itself."""
        cutoff = time.time() - STALE_TEMP_SECONDS
        try:
            with os.scandir(self.directory) as entries:
                for entry in entries:
                    name = entry.name
                    if (not name.startswith(TEMP_PREFIX) or not name.endswith(TEMP_SUFFIX)
                            or len(name) <= len(TEMP_PREFIX) + len(TEMP_SUFFIX)
                            or name == self.path.name):
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(st.st_mode) and st.st_mtime <= cutoff:
                            os.unlink(entry.path)
                    except OSError:
                        continue  # gone already, or not ours to remove: leave it
        except OSError:
            pass  # cleaning up is a courtesy; the save itself reports real trouble

    def _check_not_special(self) -> None:
        """Refuse (:class:`~cnn_tui.quiz.regular.NotRegular`, an ``OSError``) to write over
        anything at the progress file's path that is not a regular file (links followed)."""
        try:
            check_regular(self.path, "progress file")
        except NotRegular as exc:
            raise NotRegular(f"{exc}; progress is never written over it", exc.kind) from None
        except OSError:
            pass  # missing (or unreadable): the write itself says what is wrong, if anything

    def save(self, progress: Progress) -> None:
        """Merge with the file on disk (two quiz windows at once lose nothing), then write
        atomically: a temporary file in the same folder, synced, then ``os.replace``. Refuses
        (``OSError``) when the path holds something other than a regular file."""
        self._check_not_special()
        disk = self._on_disk()
        if disk:
            progress.merge(disk)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temps()  # first: leftovers may be what fills the disk
        # Only the learner reads their progress: 0o600, as the file has always been.
        write_atomic(self.path, json.dumps(progress.to_json(), indent=2) + "\n",
                     prefix=TEMP_PREFIX, mode=0o600)

    def reset(self) -> bool:
        try:
            self.path.unlink()
            return True
        except FileNotFoundError:
            return False


def puzzles_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--puzzles DIR``, then ``$CNN_TUI_PUZZLES``, then ``puzzles/`` beside the package.

    (An installed wheel may carry the curriculum inside the package as ``cnn_tui/puzzles``;
    that copy is used when there is no source checkout.)
    """
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("CNN_TUI_PUZZLES")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve()
    checkout = here.parents[2] / "puzzles"
    bundled = here.parents[1] / "puzzles"
    if not checkout.is_dir() and bundled.is_dir():
        return bundled
    return checkout
