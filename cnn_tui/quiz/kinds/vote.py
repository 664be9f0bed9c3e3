"""``vote``: each category's vote is the mean of the values at its strong positions, one answer
cell per category (by default the lecture's X and O)."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import EngineError, format_number, vote

from ..readers import PuzzleError, _array
from .base import Built, Generator, Kind, Shown

NAME = "vote"
FIELDS = frozenset({"vector", "strong"})
REQUIRED = ("vector",)


def build(spec: dict) -> Built:
    from cnn_tui.lecture.data import STRONG

    v = spec["vector"]
    if isinstance(v, str):
        from cnn_tui.lecture.data import IMAGES
        from cnn_tui.lecture.network import lecture_pipeline

        if v.lower() not in IMAGES:
            raise PuzzleError(f"'vector' names an unknown picture {v!r}; known: "
                              f"{', '.join(sorted(IMAGES))}")
        vec = lecture_pipeline(IMAGES[v.lower()]).vector
        name = f"12 values of picture {v}"
    else:
        vec = _array(v, "'vector'", (1,))
        name = f"{vec.size} values"
    strong = spec.get("strong", {k: list(s) for k, s in STRONG.items()})
    if not isinstance(strong, dict) or not strong:
        raise PuzzleError("'strong' must be a table like { X = [0, 3], O = [1, 2] }")
    try:
        votes = vote(vec, strong)
    except (EngineError, TypeError, ValueError) as exc:
        raise PuzzleError(f"'strong': {exc}") from None
    names = list(votes)

    def explain(r: int, c: int) -> str:
        pos = list(strong[names[c]])
        terms = " + ".join(format_number(vec[i]) for i in pos)
        return (f"{names[c]} listens to positions {', '.join(map(str, pos))}: "
                f"({terms}) / {len(pos)} = {format_number(votes[names[c]])}")

    shown = [Shown(name, vec[None, :])]
    return Built(shown, np.array([[votes[n] for n in names]]), explain, names,
                 lambda r, c: {0: [(0, int(i)) for i in strong[names[c]]]})


# --- random puzzles ----------------------------------------------------------------------------
def random_vote(rng, n):
    vec = [round(float(v), 2) for v in rng.integers(0, 101, size=12) / 100]
    return {"kind": NAME, "title": "Votes",
            "question": "Each category's vote is the mean of the values at its strong "
                        "positions (X: 0, 3, 4, 9, 10; O: 1, 2, 8, 11). What are the two votes?",
            "vector": vec,
            "hints": ["Positions count from 0 at the left."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(8, random_vote),))
