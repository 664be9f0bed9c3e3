"""Chapter "Computers are literal": two whole pictures compared pixel by pixel."""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import EDIT, PICK_KEYS, PICTURE
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import VARIANT_BY_NAME
from cnn_tui.lesson.workbench import PICTURES, cycle


class Chapter(Base):
    id = "literal"
    title = "Computers are literal"
    text = ("A person sees the same X even when it moves, turns, shrinks or gets bolder. A program "
            "that compares the two pictures cell by cell only counts agreeing pixels, and a small "
            "shift is enough to make many of them disagree.")
    more = ("Left: your picture. Right: a trickier version of it. The middle grid marks every "
            "pixel where the two disagree. The score is the share of pixels that agree; a "
            "one-pixel shift already costs a lot. This is why we will compare small pieces "
            "instead of whole pictures.")
    keys = (("right/left", "next/previous comparison picture"),) + PICK_KEYS
    offers = frozenset({EDIT, PICTURE})
    settings = ("compare",)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.compare = "x_right"

    def cycle(self, step: int) -> bool:
        self.compare = cycle(PICTURES, self.compare, step)
        self.changed()
        return True

    @property
    def compare_variant(self):
        return VARIANT_BY_NAME[self.compare]

    @property
    def compare_image(self) -> np.ndarray:
        return self.compare_variant.image

    @property
    def compare_label(self) -> str:
        return self.compare_variant.label

    @property
    def compare_trace(self) -> engine.WindowTrace:
        """The two whole pictures multiplied pixel by pixel: one window as large as the picture."""
        return self.memo(("compare", self.compare), lambda: engine.conv_trace(
            self.bench.image, self.compare_image, (0, 0), mode="mean"))

    @property
    def mismatches(self) -> list[tuple[int, int]]:
        p = self.compare_trace.products
        return [(int(r), int(c)) for r, c in zip(*np.nonzero(p < 0))]

    @property
    def pixel_count(self) -> int:
        return int(self.bench.image.size)

    @property
    def agree_count(self) -> int:
        """Pixels where the two pictures agree (their product is +1)."""
        return int(np.sum(self.compare_trace.products > 0))

    @property
    def match_share(self) -> float:
        """Share of agreeing pixels: the mean product is (agree - disagree) / n."""
        return (1.0 + self.compare_trace.value) / 2.0

    @property
    def verdict_sentence(self) -> str:
        """The sentence under the comparison, true for the two pictures actually shown."""
        disagree = len(self.mismatches)
        if disagree == 0:
            return "The pictures are identical."
        head = f"{disagree} pixel{'s' if disagree != 1 else ''} (yellow) disagree. "
        mine, other = self.bench.picture_label, self.compare_label
        if mine is None:
            return head + ("A pixel-by-pixel check counts matching pixels; it cannot tell which "
                           "letter your drawing shows.")
        if mine == other:
            return head + f"A person sees {mine} in both; a pixel-by-pixel check does not."
        return head + (f"A person sees {_a(mine)} and {_a(other)}, yet {self.agree_count} pixels "
                       "agree: counting pixels is a poor judge of shape.")


def _a(label: str) -> str:
    """``"X"`` -> ``"an X"``: the letters' names (ex, oh) start with a vowel sound."""
    return f"an {label}" if label[:1] in "AEFHILMNORSX" else f"a {label}"
