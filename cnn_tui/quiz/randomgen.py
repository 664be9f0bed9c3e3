"""Fresh practice puzzles of every kind, made from a seeded random generator.

Each kind in :mod:`cnn_tui.quiz.kinds` brings its own generators; each returns a puzzle *spec*
(the same table a TOML file holds) so a random puzzle goes through
:func:`cnn_tui.quiz.puzzle.build` like any other, and the engine computes its answers.
:data:`GENERATORS` runs them in the order of their ``order`` numbers, so the same seed always
gives the same puzzles.
"""

from __future__ import annotations

import numpy as np

from .kinds import KINDS
from .kinds.base import indefinite_article
from .puzzle import Puzzle, build

GENERATORS = tuple(g.make for g in sorted((g for kind in KINDS for g in kind.generators),
                                          key=lambda g: g.order))

__all__ = ["GENERATORS", "indefinite_article", "random_puzzles"]


def random_puzzles(seed: int | None = None, count: int | None = None) -> list[Puzzle]:
    """``count`` puzzles (default: one from every generator), reproducible with ``seed``."""
    rng = np.random.default_rng(seed)
    count = len(GENERATORS) if count is None else count
    out = []
    for i in range(count):
        gen = GENERATORS[i % len(GENERATORS)]
        spec = gen(rng, i)
        spec.update({"id": f"random-{i + 1:02d}", "order": i + 1})
        spec["title"] = f"{spec['title']} (random)"
        out.append(build(spec))
    return out
