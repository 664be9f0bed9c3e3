"""Chapter "Features match pieces": where each 3x3 feature fits the picture perfectly."""

from __future__ import annotations

import numpy as np

from cnn_tui.lesson.chapters.base import EDIT, FEATURE, PICK_KEYS, PICTURE
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import FEATURE_TITLES, FEATURES


class Chapter(Base):
    id = "features"
    title = "Features match pieces"
    text = ("Instead of the whole picture we look for small pieces of it. Three 3x3 features are "
            "enough for an X: a stroke going down-right, a tiny cross, and a stroke going up-right. "
            "Outlined: one spot where the feature fits perfectly.")
    more = ("Each feature is a 3x3 patch of +1 (ink) and -1 (paper). Where the picture under a "
            "3x3 window is identical to the feature, the match score is 1.00. Right and left go "
            "through the perfect fits one at a time (the window outlined on the picture, its "
            "1.00 highlighted on the map, the other fits framed there), then on to the next "
            "feature. An X contains each of its features in a few places, and roughly in the "
            "same places even if it is shifted.")
    keys = (("right/left", "next/previous perfect fit, then the next feature"),
            ("f", "next feature")) + PICK_KEYS
    offers = frozenset({FEATURE, EDIT, PICTURE})
    settings = ("fit_index",)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.fit_index = 0
        self._fit_feature = bench.feature

    def _fits_of_feature(self) -> list[tuple[int, int]]:
        """The perfect fits of the workbench's feature; the fit shown starts again at the first
        one when the feature was changed elsewhere (another chapter, the palette)."""
        if self._fit_feature != self.bench.feature:
            self._fit_feature = self.bench.feature
            self.fit_index = 0
        return self.perfect_matches()

    def cycle(self, step: int) -> bool:
        """right/left: the next (previous) perfect fit; past the last one, the next feature (its
        first fit; left: the previous feature, its last fit)."""
        hits = self._fits_of_feature()
        i = min(self.fit_index, max(len(hits) - 1, 0)) + step
        if 0 <= i < len(hits):
            self.fit_index = i
            self.changed()
            return True
        self.bench.cycle_feature(1 if step > 0 else -1)
        self._fit_feature = self.bench.feature
        self.fit_index = 0 if step > 0 else max(len(self.perfect_matches()) - 1, 0)
        self.changed()
        return True

    def next_feature(self, step: int = 1) -> None:
        """``f``: the next feature, from its first perfect fit."""
        self.bench.cycle_feature(step)
        self._fit_feature = self.bench.feature
        self.fit_index = 0

    @property
    def fit_number(self) -> int:
        """Which perfect fit is shown, counted from 1 (0: the feature fits nowhere)."""
        hits = self._fits_of_feature()
        return min(self.fit_index, len(hits) - 1) + 1 if hits else 0

    @property
    def current_fit(self) -> tuple[int, int] | None:
        """The output cell (= the window's top-left pixel) of the perfect fit shown, if any."""
        n = self.fit_number
        return self.perfect_matches()[n - 1] if n else None

    @property
    def current_fit_pixels(self) -> list[tuple[int, int]]:
        """The picture pixels under the window of the perfect fit shown."""
        cell = self.current_fit
        if cell is None:
            return []
        kh, kw = FEATURES[self.bench.feature].shape
        r, c = cell
        return [(r + i, c + j) for i in range(kh) for j in range(kw)]

    @property
    def features(self) -> list[tuple[str, str, np.ndarray]]:
        """Every feature: ``(name, title, kernel)``."""
        return [(name, FEATURE_TITLES[name], k) for name, k in FEATURES.items()]

    def perfect_matches(self, feature: str | None = None) -> list[tuple[int, int]]:
        """Output cells where the feature fits perfectly (a score of 1.00)."""
        m = self.bench.conv_map(feature)
        return [(int(r), int(c)) for r, c in zip(*np.nonzero(np.isclose(m, 1.0)))]

    def perfect_match_pixels(self, feature: str | None = None) -> list[tuple[int, int]]:
        """Every picture pixel covered by a window where the feature fits perfectly."""
        kh, kw = FEATURES[feature or self.bench.feature].shape
        return sorted({(r + i, c + j) for r, c in self.perfect_matches(feature)
                       for i in range(kh) for j in range(kw)})
