"""``vote``: each category's vote is the mean of the values at its strong positions, one answer
cell per category (by default the lecture's X and O)."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import EngineError, format_number, vote

from ..readers import PuzzleError, _array, _check_answer_cells, _key, _show
from ..slips import Slip, other_cells, safe
from .base import Built, Generator, Kind, Shown

NAME = "vote"
FIELDS = frozenset({"vector", "strong"})
REQUIRED = ("vector",)


def _strong(strong, length: int) -> dict[str, list[int]]:
    """``strong``, checked: each category a non-empty list of positions 0..length-1."""
    if not isinstance(strong, dict) or not strong:
        raise PuzzleError("'strong' must be a table like { X = [0, 3], O = [1, 2] }")
    _check_answer_cells(len(strong))            # one answer cell per category
    for name, pos in strong.items():
        where = f"'strong' category {_key(name)}"
        if not isinstance(pos, list) or not pos:
            raise PuzzleError(f"{where} must be a non-empty list of positions, got {_show(pos)}")
        seen: set[int] = set()
        for i in pos:
            if isinstance(i, bool) or not isinstance(i, int):
                raise PuzzleError(f"{where} has {_show(i)}; positions are whole numbers from 0 "
                                  f"to {length - 1}")
            if not 0 <= i < length:
                raise PuzzleError(f"{where} has position {_show(i)}, outside the vector: "
                                  f"positions go from 0 to {length - 1}")
            if i in seen:
                raise PuzzleError(f"{where} lists position {i} twice")
            seen.add(i)
    return strong


def build(spec: dict) -> Built:
    from cnn_tui.lecture.data import STRONG

    v = spec["vector"]
    if isinstance(v, str):
        from cnn_tui.lecture.data import IMAGES
        from cnn_tui.lecture.network import lecture_pipeline

        if v.lower() not in IMAGES:
            raise PuzzleError(f"'vector' names an unknown picture {_show(v)}; known: "
                              f"{', '.join(sorted(IMAGES))}")
        vec = lecture_pipeline(IMAGES[v.lower()]).vector
        name = f"12 values of picture {v}"
    else:
        vec = _array(v, "'vector'", (1,))
        name = f"{vec.size} values"
    strong = _strong(spec.get("strong", {k: list(s) for k, s in STRONG.items()}), vec.size)
    try:
        votes = vote(vec, strong)
    except EngineError as exc:
        raise PuzzleError(f"'strong': {exc}") from None
    names = list(votes)

    def explain(r: int, c: int) -> str:
        pos = list(strong[names[c]])
        terms = " + ".join(format_number(vec[i]) for i in pos)
        return (f"{names[c]} listens to positions {', '.join(str(i + 1) for i in pos)}: "
                f"({terms}) / {len(pos)} = {format_number(votes[names[c]])}")

    answer = np.array([[votes[n] for n in names]])

    def slips() -> list[Slip]:
        return vote_slips(answer, vec, strong, names)

    # The learner counts positions from 1 at the left, as the lesson does.
    shown = [Shown(name, vec[None, :], [str(i + 1) for i in range(vec.size)])]
    return Built(shown, answer, explain, names,
                 lambda r, c: {0: [(0, int(i)) for i in strong[names[c]]]}, slips)


def vote_slips(answer, vec, strong: dict, names: list[str]) -> list[Slip]:
    """The typical slips of a vote, each computed with the engine's vote (or from the values it
    reads) with the slip built in."""
    found = [Slip("other-category", "That is another category's vote: check which positions "
                  "each category listens to.", values) for values in other_cells(answer)]
    counts = np.array([[len(strong[n]) for n in names]], dtype=float)
    found.append(Slip("sum-not-mean", "A vote is the mean of its values: divide their sum by "
                      "how many there are.", answer * counts))
    found.append(Slip("max-not-mean", "A vote is the mean of the values it listens to, not "
                      "the largest of them.",
                      np.array([[max(vec[i] for i in strong[n]) for n in names]], dtype=float)))
    found.append(Slip("all-values", "A vote averages only the positions its category listens "
                      "to, not every value.", np.full(answer.shape, float(np.mean(vec)))))
    for shift in (1, -1):
        # Each category's positions read one place over (counted from 0 instead of 1, or the
        # other way round), where they all stay inside the vector.
        def moved(shift=shift) -> list[Slip]:
            values = [float("nan")] * len(names)
            for j, n in enumerate(names):
                pos = [i + shift for i in strong[n]]
                if all(0 <= i < vec.size for i in pos):
                    values[j] = vote(vec, {n: pos})[n]
            return [Slip("positions-off-by-one", "Those look like the values one place over: "
                         "positions count from 1 at the left.", np.array([values]))]

        found += safe(moved)
    return found


# --- random puzzles ----------------------------------------------------------------------------
def random_vote(rng, n):
    vec = [round(float(v), 2) for v in rng.integers(0, 101, size=12) / 100]
    return {"kind": NAME, "title": "Votes",
            "question": "Each category's vote is the mean of the values at its strong "
                        "positions (X: 1, 4, 5, 10, 11; O: 2, 3, 9, 12). What are the two "
                        "votes?",
            "vector": vec,
            "hints": ["Positions count from 1 at the left, as the numbers above the values "
                      "show."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build, (Generator(8, random_vote),))
