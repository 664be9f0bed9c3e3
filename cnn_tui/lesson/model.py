"""The lesson's state and actions, independent of any user interface.

A :class:`LessonModel` is the shared :class:`~cnn_tui.lesson.workbench.Workbench` (picture,
feature, number style, drawing) plus one object per chapter (from the registry in
:mod:`cnn_tui.lesson.chapters`), with one chapter open at a time. The generic moves (step, back,
jump, reset, next chapter) go to the open chapter. A chapter's own values and actions are
reachable on the model by name too: ``model.conv_filled`` is the convolution chapter's
``conv_filled``. A name that several chapters define (``window``) means the open chapter's, and
is an AttributeError while a chapter without it is open. Assigning by name (``model.compare =
"o"``) sets the chapter's attribute as it is, without checks or a redraw: use the chapter's
actions (``set_stride``), which check the value and refresh what depends on it.

The Textual app renders from this model and its key bindings call these actions, so a unit test
of the model exercises the same logic as a key press, in milliseconds.
"""

from __future__ import annotations

from cnn_tui.lesson.chapters import CHAPTER_IDS, chapter_class
from cnn_tui.lesson.chapters.base import Chapter
from cnn_tui.lesson.chapters.filtering import FILTER_STAGES
from cnn_tui.lesson.chapters.params import PARAMS_EXAMPLES
from cnn_tui.lesson.chapters.stacking import STACK_STAGES
from cnn_tui.lecture.data import FEATURES
from cnn_tui.lesson.workbench import FEATURE_NAMES, PICTURES, ModelError, Workbench

__all__ = ["FILTER_STAGES", "PARAMS_EXAMPLES", "PICTURES", "STACK_STAGES", "LessonModel",
           "ModelError"]

_BASE_NAMES = frozenset(dir(Chapter))


def _own_names(cls: type[Chapter]) -> set[str]:
    """The values and actions a chapter class adds to the base: its properties, its methods and
    its settings (plain class constants such as ``stages`` are not forwarded)."""
    names = set(cls.settings)
    for name in dir(cls):
        if name.startswith("_") or name in _BASE_NAMES:
            continue
        if isinstance(getattr(cls, name), property) or callable(getattr(cls, name)):
            names.add(name)
    return names


class LessonModel(Workbench):
    """The workbench, every chapter, and which chapter is open."""

    def __init__(self, chapter: str = CHAPTER_IDS[0], picture: str = "x", feature: str = "diag",
                 *, style: str = "lecture", image=None, editing: bool = False,
                 cursor: tuple[int, int] = (4, 4), **settings) -> None:
        if chapter not in CHAPTER_IDS:
            raise ModelError(f"unknown chapter {chapter!r}; choose one of "
                             f"{', '.join(CHAPTER_IDS)}")
        super().__init__(picture=picture, feature=feature, style=style, image=image,
                         editing=editing, cursor=cursor)
        self.chapter = chapter
        self.chapters: dict[str, Chapter] = {cid: chapter_class(cid)(self) for cid in CHAPTER_IDS}
        owners: dict[str, list[Chapter]] = {}
        for ch in self.chapters.values():
            for name in _own_names(type(ch)):
                owners.setdefault(name, []).append(ch)
        self._owners = owners
        for name, value in settings.items():
            holders = [ch for ch in owners.get(name, ()) if name in ch.settings]
            if len(holders) != 1:
                raise TypeError(f"LessonModel() got an unexpected keyword argument {name!r}")
            setattr(holders[0], name, value)

    # ------------------------------------------------------------------ chapter values by name
    def _owner(self, name: str) -> Chapter | None:
        holders = self.__dict__.get("_owners", {}).get(name)
        if not holders:
            return None
        if len(holders) == 1:
            return holders[0]
        current = self.current
        return current if current in holders else None

    def __getattr__(self, name: str):
        if not name.startswith("_"):
            owner = self._owner(name)
            if owner is not None:
                return getattr(owner, name)
            if name in self.__dict__.get("_owners", {}):
                raise AttributeError(f"{name!r} belongs to the chapters "
                                     f"{', '.join(ch.id for ch in self._owners[name])}, and the "
                                     f"{self.chapter} chapter is open")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if not name.startswith("_") and name in self.__dict__.get("_owners", {}):
            owner = self._owner(name)
            if owner is None:
                raise AttributeError(f"{name!r} belongs to the chapters "
                                     f"{', '.join(ch.id for ch in self._owners[name])}, and the "
                                     f"{self.chapter} chapter is open")
            setattr(owner, name, value)
        else:
            object.__setattr__(self, name, value)

    def __copy__(self):
        raise TypeError("a LessonModel cannot be copied: its chapters share its workbench; "
                        "build a new LessonModel instead")

    def __deepcopy__(self, memo):
        return self.__copy__()

    # ------------------------------------------------------------------ chapters
    @property
    def current(self) -> Chapter:
        """The open chapter."""
        return self.chapters[self.chapter]

    @property
    def chapter_index(self) -> int:
        return CHAPTER_IDS.index(self.chapter)

    def set_chapter(self, chapter: str) -> None:
        if chapter not in CHAPTER_IDS:
            raise ModelError(f"unknown chapter {chapter!r}; choose one of {', '.join(CHAPTER_IDS)}")
        self.chapter = chapter
        self.editing = False
        self.changed()

    def next_chapter(self) -> bool:
        i = self.chapter_index
        if i + 1 >= len(CHAPTER_IDS):
            return False
        self.set_chapter(CHAPTER_IDS[i + 1])
        return True

    def prev_chapter(self) -> bool:
        i = self.chapter_index
        if i == 0:
            return False
        self.set_chapter(CHAPTER_IDS[i - 1])
        return True

    # ------------------------------------------------------------------ position in the chapter
    @property
    def position(self) -> int:
        return self.current.position

    @position.setter
    def position(self, value: int) -> None:
        self.current.position = value

    @property
    def length(self) -> int:
        """The last position of the open chapter (positions run 0..length)."""
        return self.current.length

    @property
    def steps_through(self) -> bool:
        """True when right/left move a position (else they cycle a choice)."""
        return self.current.steps_through

    @property
    def at_end(self) -> bool:
        return self.position >= self.length

    @property
    def picture_problem(self) -> str | None:
        """Why the open chapter cannot show the picture (it needs the lecture's size), or None."""
        return self.current.picture_problem

    def _check_picture(self) -> None:
        problem = self.current.picture_problem
        if problem:
            raise ModelError(problem)

    def step(self) -> bool:
        """One step forward (the `right` key). Returns False when there was nowhere to go."""
        self._check_picture()
        if self.editing:
            return self.move_cursor(0, 1)
        if self.steps_through:
            if self.at_end:
                return False
            self.position = self.position + 1
            return True
        return self.current.cycle(+1)

    def back(self) -> bool:
        """One step back (the `left` key)."""
        self._check_picture()
        if self.editing:
            return self.move_cursor(0, -1)
        if self.steps_through:
            if self.position == 0:
                return False
            self.position = self.position - 1
            return True
        return self.current.cycle(-1)

    def reset(self) -> None:
        """``r``: the open chapter goes back to its start."""
        self._check_picture()
        self.current.reset()

    def to_end(self) -> None:
        self._check_picture()
        self.position = self.length

    def jump_to(self, cell: tuple[int, int]) -> None:
        """Put the window on output cell ``(row, col)`` (filtering, convolution, padding, ...)."""
        self._check_picture()
        self.current.jump_to(cell)

    def submit_prompt(self, text: str) -> None:
        """What the learner typed after ``g`` (a cell, or the params chapter's layer sizes)."""
        self._check_picture()
        self.current.submit_prompt(text)

    # ------------------------------------------------------------------ features
    def next_feature(self, step: int = 1) -> None:
        self._check_picture()
        self.current.next_feature(step)

    def set_feature(self, name: str) -> None:
        """A feature of the workbench (diag, x, anti) or a chapter's own (an edge kernel)."""
        if name in FEATURES:
            self.feature = name
            self.changed()
            return
        if any(ch.choose_feature(name) for ch in self.chapters.values()):
            return
        extra = tuple(n for ch in self.chapters.values() for n in ch.feature_choices)
        raise ModelError(f"unknown feature {name!r}; choose one of "
                         f"{', '.join(FEATURE_NAMES + extra)}")
