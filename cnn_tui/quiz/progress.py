"""Progress through the curriculum, stored as JSON in the user's data directory.

* Written atomically: a temporary file in the same folder, then ``os.replace``. Before writing,
  the file on disk is read again and merged (solved if either says so, the larger attempts and
  hints, ids only the file has kept), so two quiz sessions at once do not undo each other.
* Ids that the current ``puzzles/`` no longer has are kept in the file but ignored, so a
  renamed or removed puzzle never breaks the quiz (and comes back if the puzzle does).
* A damaged file is moved aside as ``progress.json.damaged-<timestamp>`` and the quiz starts
  fresh; :attr:`Progress.notice` says so.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FILENAME = "progress.json"
VERSION = 1


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
    if not isinstance(solved, bool) or any(isinstance(v, bool) or not isinstance(v, int) or v < 0
                                           for v in (attempts, hints)):
        raise DamagedProgress("a puzzle entry has values of the wrong type")
    return Record(solved, attempts, hints)


@dataclass
class Progress:
    path: Path
    records: dict[str, Record] = field(default_factory=dict)
    current: str | None = None
    notice: str = ""

    @classmethod
    def load(cls, directory: str | os.PathLike | None = None) -> "Progress":
        path = data_dir(directory) / FILENAME
        prog = cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return prog
        except (OSError, UnicodeDecodeError) as exc:
            prog._set_aside(f"could not be read ({exc.__class__.__name__})")
            return prog
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or not isinstance(raw.get("puzzles", {}), dict):
                raise DamagedProgress("not a progress object")
            prog.records = {str(k): _record(v) for k, v in raw.get("puzzles", {}).items()}
            cur = raw.get("current")
            prog.current = cur if isinstance(cur, str) else None
        except (ValueError, DamagedProgress):
            prog.records, prog.current = {}, None
            prog._set_aside("was damaged")
        return prog

    def _set_aside(self, why: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, target)
            self.notice = (f"Your progress file {why}; it was moved to {target.name} and the "
                           f"quiz starts fresh.")
        except OSError as exc:
            self.notice = (f"Your progress file {why} and could not be moved aside ({exc}); "
                           f"the quiz starts fresh.")

    def record(self, pid: str) -> Record:
        return self.records.setdefault(pid, Record())

    def get(self, pid: str) -> Record:
        return self.records.get(pid, Record())

    def solved_count(self, ids) -> int:
        return sum(1 for i in ids if self.get(i).solved)

    def to_json(self) -> dict:
        return {"version": VERSION, "current": self.current,
                "puzzles": {k: r.to_json() for k, r in sorted(self.records.items())}}

    def _on_disk(self) -> dict[str, Record] | None:
        """The records in the file as it is now, or None if it is missing, unreadable or damaged
        (a damaged file is left for :meth:`load` to set aside; saving simply replaces it)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or not isinstance(raw.get("puzzles", {}), dict):
                return None
            return {str(k): _record(v) for k, v in raw.get("puzzles", {}).items()}
        except (OSError, UnicodeDecodeError, ValueError):  # DamagedProgress is a ValueError
            return None

    def merge_from_disk(self) -> None:
        """Fold in what another sitting saved since we loaded: solved if either says so, the
        larger count of attempts and of hints, and ids that only the file has."""
        disk = self._on_disk()
        if not disk:
            return
        for pid, theirs in disk.items():
            mine = self.records.get(pid)
            if mine is None:
                self.records[pid] = theirs
                continue
            mine.solved = mine.solved or theirs.solved
            mine.attempts = max(mine.attempts, theirs.attempts)
            mine.hints = max(mine.hints, theirs.hints)

    def save(self) -> None:
        """Merge with the file on disk (two quiz windows at once lose nothing), then write
        atomically: a temporary file in the same folder, then ``os.replace``."""
        self.merge_from_disk()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_json(), fh, indent=2)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def reset(self) -> bool:
        """Forget everything; return True if there was a file to remove."""
        self.records, self.current = {}, None
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
