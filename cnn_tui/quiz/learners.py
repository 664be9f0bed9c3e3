"""The learners of a classroom (``cnn-tui serve``): one progress store per learner, in one folder.

A served app asks the learner's name first. The name picks a folder under
``<data dir>/learners/``, which holds that learner's ``progress.json`` (a
:class:`~cnn_tui.quiz.progress.FileProgressStore`) and ``learner.json`` (the name as typed, for
the teacher's report). Whatever is typed, the folder stays inside ``learners/``:

* A name is 1 to :data:`MAX_NAME` characters of letters, digits, spaces and ``. ' - _``, with at
  least one letter or digit; anything else (a ``/``, a ``\\``, a control character...) is refused
  with a sentence that says what is allowed (:class:`BadName`).
* The folder's name keeps only the name's letters and digits (NFKC-normalised, case-folded),
  joined by ``-``: ``"Ann B."`` and ``"ann b"`` are the same learner, and no folder name can be
  ``.``, ``..`` or hold a separator. The joined path is checked to sit directly in
  ``learners/`` all the same.

The report (:meth:`Classroom.report`) reads every learner's files without changing them: a
damaged progress file is reported as damaged and left where it is.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cnn_tui.files import write_atomic

from .progress import FileProgressStore, Record
from .regular import decode, read_regular

MAX_NAME = 40
PUNCTUATION = " .'-_"
LEARNERS = "learners"
CARD = "learner.json"
CARD_LIMIT = 4096
FOLDER_BYTES = 120
RULE = (f"a name is 1 to {MAX_NAME} letters, digits, spaces and . ' - _ "
        f"(with at least one letter or digit)")


class BadName(ValueError):
    """A name that cannot be a learner's: the message says why and what is allowed."""


def _shown(text: str) -> str:
    """``text`` for a message: quoted, control characters escaped, at most 40 characters."""
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def check_name(raw: str) -> str:
    """The learner's name as it will be shown: trimmed, runs of spaces made one. Raises
    :class:`BadName` (with :data:`RULE` in the message) for anything else."""
    if not isinstance(raw, str):
        raise BadName(f"the name must be text; {RULE}")
    name = " ".join(part for part in unicodedata.normalize("NFC", raw).split(" ") if part)
    if not name:
        raise BadName(f"type your name first; {RULE}")
    if len(name) > MAX_NAME:
        raise BadName(f"that name is {len(name)} characters long; {RULE}")
    odd = sorted({c for c in name if not (c.isalnum() or c in PUNCTUATION)})
    if odd:
        shown = ", ".join(_shown(c) for c in odd[:5])
        raise BadName(f"a name cannot hold {shown}; {RULE}")
    if not folder_name_of(name):
        raise BadName(f"{_shown(name)} has no letter or digit; {RULE}")
    return name


def folder_name_of(name: str) -> str:
    """The folder a (checked) name is kept in: its letters and digits, case-folded, in runs
    joined by ``-``; empty when it has none."""
    text = unicodedata.normalize("NFKC", name).casefold()
    slug = "-".join("".join(c if c.isalnum() else " " for c in text).split())
    # A folder name holds at most 255 bytes; NFKC may lengthen a name (one character can
    # become eighteen), so cut at a whole character within FOLDER_BYTES.
    return slug.encode("utf-8")[:FOLDER_BYTES].decode("utf-8", "ignore").strip("-")


@dataclass
class LearnerRow:
    """One line of the teacher's report."""

    name: str
    folder: str
    solved: int = 0
    attempts: int = 0
    hints: int = 0
    current: str | None = None
    last_active: float | None = None     # the progress file's modification time
    problem: str = ""                    # "damaged progress file", ...
    records: dict[str, Record] | None = None

    def to_json(self, total: int) -> dict:
        return {"name": self.name, "folder": self.folder, "solved": self.solved,
                "puzzles": total, "attempts": self.attempts, "hints": self.hints,
                "current": self.current,
                "last_active": (time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.last_active))
                                if self.last_active is not None else None),
                "problem": self.problem or None}


class Classroom:
    """The learners kept under ``directory`` (the server's ``--data-dir``)."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory).expanduser()
        self.root = self.directory / LEARNERS

    def __repr__(self) -> str:
        return f"Classroom({str(self.directory)!r})"

    def folder(self, name: str) -> Path:
        """The folder of the learner called ``name`` (checked with :func:`check_name`)."""
        slug = folder_name_of(check_name(name))
        path = self.root / slug
        if slug in ("", ".", "..") or os.sep in slug or (os.altsep and os.altsep in slug) \
                or path.parent != self.root:
            raise BadName(f"{_shown(name)} cannot be a folder name; {RULE}")
        return path

    def store(self, name: str) -> FileProgressStore:
        return FileProgressStore(self.folder(name))

    def check_writable(self) -> None:
        """Make ``learners/`` and write (then remove) a small file in it. Raises ``OSError``."""
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / ".cnn-tui-write-check"
        write_atomic(probe, "ok\n", prefix=".cnn-tui-write-check-")
        probe.unlink()

    def enrol(self, name: str) -> Path:
        """Make (or find) the learner's folder and keep the name as typed in its card; return
        the folder. Raises :class:`BadName` or ``OSError``."""
        shown = check_name(name)
        folder = self.folder(shown)
        for place in (self.root, folder):   # never through a link planted in the data folder
            place.mkdir(parents=True, exist_ok=True)
            if not stat.S_ISDIR(os.lstat(place).st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "a link, not a folder", str(place))
        card = folder / CARD
        if self._card_name(card) != shown:
            write_atomic(card, json.dumps({"name": shown}, ensure_ascii=False) + "\n",
                         prefix=".learner-", mode=0o600)
        return folder

    @staticmethod
    def _card_name(card: Path) -> str | None:
        """The name kept in a learner's card, if it is a good name of that very folder (a card
        copied or edited into another folder is not believed)."""
        try:
            raw = json.loads(decode(read_regular(card, what="learner card", limit=CARD_LIMIT)))
            name = raw.get("name") if isinstance(raw, dict) else None
            name = check_name(name) if isinstance(name, str) else None
        except (OSError, ValueError, RecursionError):
            return None
        return name if name and folder_name_of(name) == card.parent.name else None

    def report(self, puzzle_ids: list[str]) -> list[LearnerRow]:
        """A row per learner folder, by name; counts only the puzzles in ``puzzle_ids``. Reads
        without changing anything; folders that are not real folders are passed over. Raises
        ``OSError`` when ``learners/`` exists but cannot be read."""
        rows = []
        try:
            entries = sorted(os.scandir(self.root), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        for entry in entries:
            try:
                if not stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode):
                    continue
            except OSError:
                continue
            folder = Path(entry.path)
            rows.append(self._row(folder, puzzle_ids))
        rows.sort(key=lambda r: (r.name.casefold(), r.folder))
        return rows

    def _row(self, folder: Path, puzzle_ids: list[str]) -> LearnerRow:
        name = self._card_name(folder / CARD) or folder.name
        row = LearnerRow(name=name, folder=folder.name)
        store = FileProgressStore(folder)
        try:
            records, row.current = store.peek()
            row.last_active = os.stat(store.path).st_mtime
        except FileNotFoundError:
            return row                      # named, but no puzzle tried yet
        except (OSError, ValueError, RecursionError):
            row.problem = "progress file damaged or unreadable"
            return row
        wanted = set(puzzle_ids)
        row.records = records
        row.solved = sum(1 for pid, r in records.items() if r.solved and pid in wanted)
        row.attempts = sum(r.attempts for pid, r in records.items() if pid in wanted)
        row.hints = sum(r.hints for pid, r in records.items() if pid in wanted)
        return row
