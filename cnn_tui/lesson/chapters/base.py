"""What a chapter is: its words, its keys, its positions and the numbers it derives.

A chapter module defines one subclass of :class:`Chapter` named ``Chapter``. The class says what
the chapter teaches (``title``, ``text``, ``more``), which keys it explains on the help screen
(``keys``), which of the lesson's shared actions it offers (``offers``), which keys of its own
it binds (``bindings``), and how its positions run (``length``, ``steps_through``,
:meth:`jump_to`). Its properties derive every number the chapter shows from the engine, through
the shared :class:`~cnn_tui.lesson.workbench.Workbench`. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cnn_tui.inputs import InputError, parse_whole_numbers
from cnn_tui.lesson.workbench import ModelError, Workbench

# The lesson's shared actions that a chapter may offer (the screen hides the others).
PLAY = "play"          # space plays the steps
JUMP = "jump"          # g asks for a place to go
FEATURE = "feature"    # f picks the next feature
RESET = "reset"        # r goes back to the first position
EDIT = "edit"          # e draws on the picture
PICTURE = "picture"    # i picks the next picture
SHARED_ACTIONS = frozenset({PLAY, JUMP, FEATURE, RESET, EDIT, PICTURE})

# The keys most chapters explain: pick a picture, draw on it.
PICK_KEYS: tuple[tuple[str, str], ...] = (("i", "next picture"), ("e", "draw: edit pixels"))


@dataclass(frozen=True)
class ChapterKey:
    """A key of the chapter's own: pressing ``key`` calls the chapter's method ``method`` with
    ``args``. ``label``/``show``/``key_display`` are what the footer shows."""

    key: str
    method: str
    label: str
    args: tuple = ()
    show: bool = True
    key_display: str | None = None


def dims(shape) -> str:
    """``(8, 7, 7)`` -> ``"8x7x7"``."""
    return "x".join(str(n) for n in shape)


def a_dims(shape) -> str:
    """``dims(shape)`` after its article, as it is read out: "a 9x9", "an 8x8", "an 18x11"."""
    first = str(shape[0])
    vowel = first.startswith("8") or first in ("11", "18") or (
        len(first) in (5, 6) and first[:2] in ("11", "18"))
    return ("an " if vowel else "a ") + dims(shape)


class Chapter:
    """One chapter of the lesson. Subclasses set the class attributes and override the hooks."""

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    text: ClassVar[str] = ""          # the short explanation on the chapter's screen
    more: ClassVar[str] = ""          # the longer note on the help screen
    keys: ClassVar[tuple[tuple[str, str], ...]] = ()   # (key, what it does) for the help screen
    offers: ClassVar[frozenset[str]] = frozenset()     # which SHARED_ACTIONS it offers
    bindings: ClassVar[tuple[ChapterKey, ...]] = ()    # keys of its own
    steps_through: ClassVar[bool] = False   # right/left move a position (else: cycle a choice)
    settings: ClassVar[tuple[str, ...]] = ()  # state a LessonModel(...) keyword may set
    jump_prompt: ClassVar[str] = "output cell as row,col from 0, e.g. 3,4 (enter, or escape)"
    map_click_jumps: ClassVar[bool] = False   # a click on the output map moves the window there
    # Features of its own (name -> title), that choose_feature takes and the palette offers.
    feature_choices: ClassVar[dict[str, str]] = {}
    # The sides (low, high) a picture needs here (the lecture's network is wired for 7x7 to
    # 10x10); None: any picture, whatever its size.
    picture_sides: ClassVar[tuple[int, int] | None] = None

    def __init__(self, bench: Workbench) -> None:
        self.bench = bench
        self._position = 0

    @property
    def explain(self) -> str:
        """The short explanation as the chapter's screen shows it: ``text``, with the sizes of
        the picture open now where it names sizes (the lecture's are those of a 9x9 picture)."""
        return self.text

    @property
    def more_text(self) -> str:
        """The longer note as the help screen shows it: ``more``, with the open picture's sizes
        where it names sizes (as :attr:`explain`)."""
        return self.more

    # ------------------------------------------------------------------ positions
    @property
    def length(self) -> int:
        """The last position (positions run 0..length)."""
        return 0

    @property
    def position(self) -> int:
        return min(self._position, self.length)

    @position.setter
    def position(self, value: int) -> None:
        self._position = max(0, min(int(value), self.length))
        self.bench.changed()

    def cycle(self, step: int) -> bool:
        """right/left in a chapter that does not step: show the next choice. False: none."""
        return False

    def reset(self) -> None:
        """``r``: back to the chapter's start: the first position, and every setting (padding,
        stride, the learner's own sizes, ...) as a newly opened chapter has it."""
        fresh = type(self)(self.bench)
        for name in self.settings:
            setattr(self, name, getattr(fresh, name))
        self.position = 0

    def leave(self) -> None:
        """The learner leaves the chapter (another chapter, the quiz, help): stop anything
        that runs on its own. Nothing, by default."""

    def jump_to(self, cell: tuple[int, int]) -> None:
        """Put the window on output cell ``(row, col)``."""
        raise ModelError("this chapter has no window to move; try the convolution chapter")

    def submit_prompt(self, text: str) -> None:
        """What the learner typed after ``g``: by default an output cell ``row,col``."""
        numbers = whole_numbers(text)
        if len(numbers) != 2:
            raise ModelError(f"could not read {text!r}: type a row and a column, e.g. 3,4")
        self.jump_to((numbers[0], numbers[1]))

    @staticmethod
    def check_cell(cell: tuple[int, int], shape: tuple[int, int]) -> tuple[int, int]:
        """``cell`` as two ints, or a ModelError when it lies outside a map of ``shape``."""
        r, c = (int(v) for v in cell)
        rows, cols = shape
        if not (0 <= r < rows and 0 <= c < cols):
            raise ModelError(f"{r},{c} is outside the {rows}x{cols} output: rows count from 0 "
                             f"to {rows - 1}, columns from 0 to {cols - 1}")
        return r, c

    # ------------------------------------------------------------------ features
    def next_feature(self, step: int = 1) -> None:
        """``f``: the next feature of the workbench (a chapter may cycle something else)."""
        self.bench.cycle_feature(step)

    def choose_feature(self, name: str) -> bool:
        """Take ``name`` as this chapter's own kind of feature; False when it is not one."""
        return False

    @property
    def title_info(self) -> str | None:
        """The chapter's choice shown in the title line (the feature, where it uses one)."""
        return f"feature {self.bench.feature}" if FEATURE in self.offers else None

    # ------------------------------------------------------------------ helpers
    def changed(self) -> None:
        self.bench.changed()

    def memo(self, key, fn):
        """The workbench's memo, with keys kept apart from every other chapter's."""
        return self.bench.memo((self.id, key), fn)

    def offers_action(self, action: str) -> bool:
        return action in self.offers

    @property
    def picture_problem(self) -> str | None:
        """Why this chapter cannot show the picture open now (one line), or None when it can."""
        if self.bench.picture_fits(self.picture_sides):
            return None
        low, high = self.picture_sides
        need = f"a {low}x{low} picture" if low == high else (
            f"a picture from {low}x{low} to {high}x{high}")
        rows, cols = self.bench.image.shape
        return (f"This chapter needs {need}, as in the lecture (its network is wired for that "
                f"size); yours is {rows}x{cols}. Press i for a lecture picture, or n and p for "
                "another chapter.")


def whole_numbers(text: str) -> list[int]:
    """``"3,4"``, ``"3 4"`` or ``"3;4"`` -> ``[3, 4]`` (the grammar of :mod:`cnn_tui.inputs`);
    a ModelError for anything else."""
    try:
        return parse_whole_numbers(text)
    except InputError as exc:
        raise ModelError(str(exc)) from None
