"""Chapter "Computers are literal": two whole pictures compared pixel by pixel."""

from __future__ import annotations

import numpy as np

from cnn_tui.lesson.chapters.base import EDIT, PICK_KEYS, PICTURE
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import VARIANT_BY_NAME
from cnn_tui.lesson.workbench import CUSTOM, PICTURES, cycle

# The comparison pictures: every picture of a letter (the envelope is neither).
COMPARE_PICTURES: tuple[str, ...] = tuple(n for n in PICTURES
                                          if VARIANT_BY_NAME[n].label is not None)


class Chapter(Base):
    id = "literal"
    title = "Computers are literal"
    text = ("A person sees the same X even when it moves, turns, shrinks, gets bolder or fainter. "
            "A program that compares the two pictures cell by cell only counts equal pixels, and "
            "a small shift is enough to make many of them disagree.")
    more = ("Left: your picture. Right: a trickier version of it. The middle grid marks every "
            "pixel where the two disagree (their values differ). The score is the share of "
            "pixels that agree; a one-pixel shift already costs a lot, and a fainter copy "
            "(x_faint: ink +0.5 and paper -0.5 instead of +1 and -1) disagrees on every pixel "
            "although its ink and paper sit in the same places. This is why we will compare small pieces instead of whole pictures.")
    keys = (("right/left", "next/previous comparison picture"),) + PICK_KEYS
    offers = frozenset({EDIT, PICTURE})
    settings = ("compare",)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.compare = "x_right"

    def cycle(self, step: int) -> bool:
        self.compare = cycle(COMPARE_PICTURES, self.compare, step)
        self.changed()
        return True

    @property
    def compare_variant(self):
        return VARIANT_BY_NAME[self.compare]

    @property
    def compare_image(self) -> np.ndarray:
        """The comparison picture, at the size of the picture studied (a picture of your own
        may be larger than the lecture's 9x9: each of its pixels is then compared with the
        comparison pixel it falls on)."""
        image = self.compare_variant.image
        shape = np.shape(self.bench.image)
        if shape == image.shape:
            return image
        return self.memo(("compare", self.compare, shape), lambda: resized(image, shape))

    @property
    def compare_label(self) -> str | None:
        return self.compare_variant.label

    @property
    def mismatches(self) -> list[tuple[int, int]]:
        """The pixels whose values differ between the two pictures (a literal comparison:
        +0.5 is not +1)."""
        def find():
            differ = np.asarray(self.bench.image) != np.asarray(self.compare_image)
            return [(int(r), int(c)) for r, c in zip(*np.nonzero(differ))]
        return self.memo(("mismatches", self.compare), find)

    @property
    def pixel_count(self) -> int:
        return int(self.bench.image.size)

    @property
    def agree_count(self) -> int:
        """Pixels where the two pictures agree (the same value)."""
        return self.pixel_count - len(self.mismatches)

    @property
    def match_share(self) -> float:
        """Share of agreeing pixels."""
        return self.agree_count / self.pixel_count

    @property
    def only_values_differ(self) -> bool:
        """True when every pixel that differs is ink (or paper) in both pictures: only how
        strong the ink or paper is differs (a fainter copy)."""
        a, b = np.asarray(self.bench.image), np.asarray(self.compare_image)
        return bool(self.mismatches) and bool(np.all((a > 0) == (b > 0)))

    @property
    def verdict_sentence(self) -> str:
        """The sentence under the comparison, true for the two pictures actually shown."""
        disagree = len(self.mismatches)
        if disagree == 0:
            return "The pictures are identical."
        head = f"{disagree} pixel{'s' if disagree != 1 else ''} (yellow) disagree. "
        if self.only_values_differ:
            head += "Ink and paper sit in the same places; only their strength differs. "
        mine, other = self.bench.picture_label, self.compare_label
        if mine is None or other is None:
            what = ("which letter your drawing shows" if self.bench.picture == CUSTOM
                    else "what this picture shows")
            return head + f"A pixel-by-pixel check counts matching pixels; it cannot tell {what}."
        a, b = np.asarray(self.bench.image), np.asarray(self.compare_image)
        # the values each picture uses (a set, not np.unique: that loads numpy.ma, ~20 ms)
        strength = (set(a.ravel().tolist()) != set(b.ravel().tolist())
                    and not self.only_values_differ)
        also = (" The two pictures also differ in strength, so the count mixes up shape and "
                "brightness." if strength else "")
        if mine == other:
            return head + f"A person sees {mine} in both; a pixel-by-pixel check does not." + also
        if strength:
            return head + f"A person sees {_a(mine)} and {_a(other)}." + also
        return head + (f"A person sees {_a(mine)} and {_a(other)}, yet {self.agree_count} pixels "
                       "agree: counting pixels is a poor judge of shape.")


def resized(image, shape: tuple[int, int]) -> np.ndarray:
    """``image`` drawn at ``shape`` by nearest neighbour: the pixel of ``image`` under the
    middle of each new pixel."""
    a = np.asarray(image)
    rows = ((np.arange(shape[0]) + 0.5) * a.shape[0] / shape[0]).astype(int)
    cols = ((np.arange(shape[1]) + 0.5) * a.shape[1] / shape[1]).astype(int)
    return a[np.ix_(rows, cols)]


def _a(label: str) -> str:
    """``"X"`` -> ``"an X"``: the letters' names (ex, oh) start with a vowel sound."""
    return f"an {label}" if label[:1] in "AEFHILMNORSX" else f"a {label}"
