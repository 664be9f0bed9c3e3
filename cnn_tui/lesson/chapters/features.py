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
            "Outlined: every spot where the chosen feature fits perfectly.")
    more = ("Each feature is a 3x3 patch of +1 (ink) and -1 (paper). Where the picture under a "
            "3x3 window is identical to the feature, the match score is 1.00. An X contains each "
            "of its features in a few places, and roughly in the same places even if it is "
            "shifted.")
    keys = (("f / right/left", "next feature"),) + PICK_KEYS
    offers = frozenset({FEATURE, EDIT, PICTURE})

    def cycle(self, step: int) -> bool:
        self.bench.cycle_feature(step)
        return True

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
