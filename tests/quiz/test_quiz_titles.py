"""Titles give nothing away: no puzzle's title, bundled or random, states one of its answers.

A title is shown before the learner has tried anything (at the top of the puzzle and in the
list), so the engine's answer to any asked cell, in every form the quiz writes numbers (19,
0.55, 5/9), must not appear in it as a number of its own.
"""

from __future__ import annotations

import re

import pytest

from cnn_tui.engine import format_number, format_value
from cnn_tui.quiz.puzzle import load_dir
from cnn_tui.quiz.randomgen import random_puzzles

from quiz_apps import PUZZLES

BUNDLED = load_dir(PUZZLES).puzzles


def written_forms(v: float) -> set[str]:
    return {format_number(v), format_value(v, "lecture"), format_value(v, "fraction")}


def states(text: str, number: str) -> bool:
    """``number`` written as a number of its own in ``text`` (not inside 0.55, 1D or 3x3)."""
    return re.search(rf"(?<![\w.\-/]){re.escape(number)}(?![\w/]|\.\d)", text) is not None


def leaks(p) -> list[str]:
    return sorted({f for r, c in p.cells() for f in written_forms(p.answer[r, c])
                   if states(p.title, f)})


def test_the_check_sees_a_title_that_gives_the_answer_away():
    assert states("A partial match: 0.55", "0.55")
    assert states("Padding and stride 2, 3, 4", "3")
    assert not states("A 1D convolution", "1") and not states("3x3 kernels", "3")


@pytest.mark.parametrize("p", BUNDLED, ids=[p.id for p in BUNDLED])
def test_no_bundled_title_states_its_answer(p):
    assert leaks(p) == [], p.title


@pytest.mark.parametrize("seed", range(12))
def test_no_random_title_states_its_answer(seed):
    for p in random_puzzles(seed):
        assert leaks(p) == [], (p.id, p.title)


def test_the_crossing_puzzle_is_no_longer_titled_with_its_value():
    p = next(p for p in BUNDLED if p.id == "window-partial-match")
    assert "0.55" not in p.title and "5/9" not in p.title


def test_size_and_pooling_hints_teach_the_method_not_the_count():
    """A hint of an output-size or pooling puzzle names the method; it never lists the window
    starts (counting them is the answer) nor writes out a window's arithmetic."""
    import re
    import tomllib

    run = re.compile(r"-?\d+(?:\.\d+)?(?:(?:,| and|,? to)? -?\d+(?:\.\d+)?){2,}")
    worked = re.compile(r"\(\s*-?\d+(?:\.\d+)?\s*[+-]")
    checked = 0
    for path in sorted(PUZZLES.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        if data.get("kind") not in ("output_size", "pool"):
            continue
        for hint in data.get("hints", []):
            checked += 1
            assert not run.search(hint), (path.name, hint)
            assert not worked.search(hint), (path.name, hint)
    assert checked >= 10
