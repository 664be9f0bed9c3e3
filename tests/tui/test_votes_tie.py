"""A tie in the votes: computed by the model, checked by a plain-loop network in exact
fractions, and shown on screen as a tie.

Expected values come from hand calculation (worked in the comments) or tests/golden/lecture.toml.
"""

from __future__ import annotations

from fractions import Fraction
import re

import numpy as np
import pytest

from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.headless import screen_text

from lesson_apps import make


def draw_blank_with_one_corner(model: LessonModel) -> None:
    """Erase every ink pixel of the picture, then ink the top-left corner (as a learner would)."""
    for r, c in zip(*np.nonzero(model.image > 0)):
        model.toggle_pixel((int(r), int(c)))
    model.toggle_pixel((0, 0))


def plain_votes(image, lecture) -> dict[str, Fraction]:
    """The lecture's network in plain loops and exact fractions: conv/9, ReLU, two 2x2 ceil max
    pools, the 12 values in feature order, then the mean of each category's strong positions."""
    def conv(img, k):
        n = len(img) - 2
        return [[Fraction(sum(img[r + i][c + j] * k[i][j] for i in range(3) for j in range(3)),
                          9) for c in range(n)] for r in range(n)]

    def pool(m):
        n = len(m)
        out = []
        for r in range(0, n, 2):
            row = []
            for c in range(0, n, 2):
                row.append(max(m[i][j] for i in range(r, min(r + 2, n))
                               for j in range(c, min(c + 2, n))))
            out.append(row)
        return out

    img = [[int(v) for v in row] for row in image]
    vector = []
    for name in ("diag", "x", "anti"):
        m = conv(img, lecture["features"][name])
        m = [[max(v, Fraction(0)) for v in row] for row in m]
        vector += [v for row in pool(pool(m)) for v in row]
    assert len(vector) == 12
    v = lecture["votes"]
    return {"X": sum(vector[i] for i in v["x_strong"]) / len(v["x_strong"]),
            "O": sum(vector[i] for i in v["o_strong"]) / len(v["o_strong"])}


def test_the_drawn_picture_ties_by_hand(lecture):
    m = LessonModel(chapter="votes")
    draw_blank_with_one_corner(m)
    assert m.picture == "custom" and int((m.image > 0).sum()) == 1 and m.image[0, 0] == 1
    # By hand: 12 values (over 9) diag 5,3,3,3 · x 1,0,0,0 · anti 3,3,3,3;
    # X = (5+3+1+3+3)/(9*5) = 1/3 and O = (3+3+3+3)/(9*4) = 1/3.
    votes = plain_votes(m.image, lecture)
    assert votes == {"X": Fraction(1, 3), "O": Fraction(1, 3)}
    assert m.votes["X"] == pytest.approx(1 / 3) and m.votes["O"] == pytest.approx(1 / 3)
    assert m.tie and m.verdict == "tie"


def test_no_tie_on_the_lecture_pictures_and_future_values():
    m = LessonModel(chapter="votes")
    assert not m.tie and m.verdict == "X"
    m.set_picture("o")
    assert not m.tie and m.verdict == "O"
    m.vote_source = "future"            # 0.912 vs 0.5175 (lecture.toml)
    assert not m.tie and m.verdict == "X"


def test_future_values_tie_is_computed_by_the_model(monkeypatch):
    """The future values' tie uses the same rule as the picture's (difference below 1e-12)."""
    import cnn_tui.lesson.chapters.votes as model_mod

    # Make X's strong positions and O's strong positions average the same: all values 0.5.
    monkeypatch.setattr(model_mod, "FUTURE_VALUES", (0.5,) * 12)
    m = LessonModel(chapter="votes", vote_source="future")
    assert m.tie and m.verdict == "tie"


async def test_votes_chapter_shows_tie():
    app = make("votes")
    async with app.run_test(size=(100, 36)) as pilot:
        app.lesson._act(draw_blank_with_one_corner, app.model)
        await pilot.pause()
        text = screen_text(app)
        assert "prediction:  tie" in text and "prediction:  X" not in text
        # both bars show 1/3, printed 0.33
        assert re.search(r"\bX [█░]+ 0\.33", text) and re.search(r"\bO [█░]+ 0\.33", text)
        await pilot.press("i")              # back to a lecture picture: a clear verdict
        assert "prediction:  tie" not in screen_text(app)
