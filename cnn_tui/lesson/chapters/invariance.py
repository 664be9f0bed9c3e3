"""Chapter "Invariance you can see": the picture and a copy moved one pixel, side by side.

Both go through the lecture's network. The feature maps show the filter's global translation
invariance (the moved picture's map holds the same values one cell over); the pooled maps show
pooling's local invariance (most pooled cells keep their value, except where a stroke crossed the
border of a 2x2 block). Every number comes from the engine through the lecture's pipeline; this
module only moves the drawing and compares the engine's answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui.engine import EngineError
from cnn_tui.lecture.data import IMAGES
from cnn_tui.lecture.network import lecture_pipeline
from cnn_tui.lesson.chapters.base import EDIT, FEATURE, PICK_KEYS, PICTURE, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import ModelError, cycle

PAPER = -1          # what a moved drawing shows where nothing was drawn
# The moves the learner can pick (right/left run through them, clockwise): name -> (rows, cols).
SHIFTS: dict[str, tuple[int, int]] = {
    "right": (0, 1),
    "down": (1, 0),
    "left": (0, -1),
    "up": (-1, 0),
}
SHIFT_NAMES: tuple[str, ...] = tuple(SHIFTS)
ARROWS = {"right": "→", "down": "↓", "left": "←", "up": "↑"}
SAME = 1e-9         # two engine values closer than this are the same value


def shifted(image, dr: int, dc: int, paper: float = PAPER) -> np.ndarray:
    """``image`` moved ``dr`` rows down and ``dc`` columns right, as a drawing moves on paper:
    what leaves the frame is lost, and the strip it uncovers is blank paper (no wrapping)."""
    a = np.asarray(image)
    rows, cols = a.shape
    out = np.full_like(a, paper)
    if abs(dr) >= rows or abs(dc) >= cols:
        return out
    out[max(dr, 0):rows + min(dr, 0), max(dc, 0):cols + min(dc, 0)] = \
        a[max(-dr, 0):rows + min(-dr, 0), max(-dc, 0):cols + min(-dc, 0)]
    return out


def paper_value(image) -> float:
    """The picture's paper: its lowest value when that is below zero (-0.5 in a fainter
    picture), else the lesson's -1. The strip a move uncovers is filled with it."""
    low = float(np.min(image)) if np.size(image) else PAPER
    return low if low < 0 else float(PAPER)


def overlap(shape: tuple[int, int], dr: int, dc: int) -> tuple[tuple[slice, slice],
                                                                tuple[slice, slice]]:
    """``(before, after)``: the cells of a map of ``shape`` and, moved by ``(dr, dc)``, where
    they land (``after[...]`` is ``before[...]`` one move on); cells pushed out are left out."""
    rows, cols = shape
    before = (slice(max(-dr, 0), rows + min(-dr, 0)), slice(max(-dc, 0), cols + min(-dc, 0)))
    after = (slice(max(dr, 0), rows + min(dr, 0)), slice(max(dc, 0), cols + min(dc, 0)))
    return before, after


def same_values(a, b) -> np.ndarray:
    """Cell by cell: do ``a`` and ``b`` hold the same value (NaN never does)?"""
    return np.isclose(np.asarray(a, float), np.asarray(b, float), rtol=0.0, atol=SAME)


@dataclass(frozen=True)
class MapMove:
    """How the moved picture's map compares with the original map moved the same way."""

    equal: int          # cells of the overlap where moved map == original map, one cell over
    shared: int         # cells the two maps have in common once moved (the overlap)
    new: list[tuple[int, int]]   # cells of the moved map with no original cell behind them


class Chapter(Base):
    """No positions: right/left pick how the copy is moved."""

    id = "invariance"
    title = "Invariance you can see"
    text = ("Left: the picture. Right: the same picture moved one pixel (right/left pick the "
            "direction). Below: what the filter and the 2x2 max pool make of each.")
    more = ("A filter is applied at every position, so a stroke that moves gives the same answers "
            "in a moved place: the moved picture's feature map holds the original values one "
            "cell over (what the lecture calls global translation invariance; strictly, the map is "
            "equivariant: it moves with the picture). "
            "Pooling then keeps only the strongest answer of each 2x2 block and forgets where in "
            "the block it was. When a stroke moves inside its block, the pooled value does not "
            "change (local invariance). When the move carries it across a block border, it "
            "lands in the next block and the pooled values there differ; a second pooling "
            "forgets more, and the votes usually still agree. Pooling gives this tolerance to "
            "small shifts only: a larger or smaller drawing, a turned one or a lighter one "
            "(the lecture's other invariances) is not handled by pooling; those need more "
            "features, more layers or more varied training pictures. Press f for another "
            "feature, i for another picture, e to draw.")
    keys = (("right/left", "move the copy: right, down, left, up"),
            ("f", "next feature")) + PICK_KEYS
    offers = frozenset({FEATURE, RESET, EDIT, PICTURE})
    picture_sides = (7, 10)
    settings = ("shift",)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.shift = SHIFT_NAMES[0]

    # ------------------------------------------------------------------ the learner's choice
    def cycle(self, step: int) -> bool:
        self.next_shift(step)
        return True

    def next_shift(self, step: int = 1) -> None:
        self.shift = cycle(SHIFT_NAMES, self.shift, step)
        self.changed()

    def choose_shift(self, name: str) -> None:
        if name not in SHIFTS:
            raise ModelError(f"unknown move {name!r}; choose one of {', '.join(SHIFT_NAMES)}")
        self.shift = name
        self.changed()

    @property
    def title_info(self) -> str:
        return f"feature {self.bench.feature} · moved {self.shift}"

    @property
    def shift_step(self) -> tuple[int, int]:
        """``(rows down, columns right)`` of the chosen move."""
        return SHIFTS[self.shift]

    @property
    def shift_arrow(self) -> str:
        return ARROWS[self.shift]

    # ------------------------------------------------------------------ the two pictures
    @property
    def moved_image(self) -> np.ndarray:
        dr, dc = self.shift_step
        return self.memo(("moved", self.shift),
                         lambda: shifted(self.bench.image, dr, dc, paper_value(self.bench.image)))

    @property
    def moved_name(self) -> str | None:
        """The lesson's picture the moved copy is, if it is one (x moved right is x_right)."""
        img = self.moved_image
        for name, pic in IMAGES.items():
            if pic.shape == img.shape and np.array_equal(pic, img):
                return name
        return None

    @property
    def lost_ink(self) -> int:
        """Ink pixels the move pushed out of the frame."""
        return int(np.sum(self.bench.image > 0) - np.sum(self.moved_image > 0))

    @property
    def original_result(self):
        """The lecture's network on the picture (conv, ReLU, pool, pool again, votes)."""
        return self._pipeline(self.bench.image, "original")

    @property
    def moved_result(self):
        """The lecture's network on the moved copy."""
        return self._pipeline(self.moved_image, ("moved", self.shift))

    def _pipeline(self, image, key):
        def run():
            try:
                return lecture_pipeline(image)
            except EngineError as exc:
                raise ModelError(str(exc)) from None
        return self.memo(("pipeline", key), run)

    # ------------------------------------------------------------------ the maps
    @property
    def original_map(self) -> np.ndarray:
        """The chosen feature's map of the picture, after ReLU (what pooling takes)."""
        return self.original_result.relu[self.bench.feature]

    @property
    def moved_map(self) -> np.ndarray:
        return self.moved_result.relu[self.bench.feature]

    @property
    def original_pooled(self) -> np.ndarray:
        """The map after 2x2 max pooling with stride 2 (ceil mode: 7x7 -> 4x4)."""
        return self.original_result.pool[self.bench.feature]

    @property
    def moved_pooled(self) -> np.ndarray:
        return self.moved_result.pool[self.bench.feature]

    @property
    def map_move(self) -> MapMove:
        """Does the moved picture's map hold the original map's values, moved one cell?"""
        a, b = self.original_map, self.moved_map
        before, after = overlap(a.shape, *self.shift_step)
        same = same_values(b[after], a[before])
        new = np.ones(b.shape, dtype=bool)
        new[after] = False
        return MapMove(int(same.sum()), int(same.size),
                       [(int(r), int(c)) for r, c in np.argwhere(new)])

    @property
    def pooled_same(self) -> np.ndarray:
        """Cell by cell: is the moved copy's pooled value the original's (same place)?"""
        return same_values(self.original_pooled, self.moved_pooled)

    @property
    def pooled_equal(self) -> int:
        return int(self.pooled_same.sum())

    @property
    def pooled_cells(self) -> int:
        return int(self.pooled_same.size)

    @property
    def pooled_differ(self) -> list[tuple[int, int]]:
        return [(int(r), int(c)) for r, c in np.argwhere(~self.pooled_same)]

    @property
    def pooled_twice_same(self) -> tuple[int, int]:
        """``(equal, cells)`` after the second pooling (2x2 per map)."""
        f = self.bench.feature
        same = same_values(self.original_result.pool2[f], self.moved_result.pool2[f])
        return int(same.sum()), int(same.size)

    @property
    def same_answer(self) -> bool:
        """Does the network give the moved copy the answer it gives the picture?"""
        a, b = self.original_result, self.moved_result
        return a.prediction == b.prediction and a.tie == b.tie
