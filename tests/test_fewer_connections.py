"""Fewer connections: pooling shrinks what the next layer must connect to.

By hand: a 9x9 picture filtered by a 3x3 feature gives 9 - 3 + 1 = 7 per side; a 2x2 pool with
stride 2 that keeps the partial border windows gives ceil(7 / 2) = 4, and again ceil(4 / 2) = 2.
The lecture's three features therefore pass on 3 x 7 x 7 = 147 values without pooling,
3 x 4 x 4 = 48 after one pool and 3 x 2 x 2 = 12 after two. A dense layer needs one weight per
input and output: to the 2 votes 147 x 2 = 294, 48 x 2 = 96, 12 x 2 = 24 weights; to 32 hidden
units 147 x 32 = 4704, 48 x 32 = 1536, 12 x 32 = 384.
"""

from __future__ import annotations

import pytest

from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.app import CnnTuiApp
from cnn_tui.tui.headless import screen_text

SIDES = [9 - 3 + 1, (7 + 1) // 2, (4 + 1) // 2]                  # 7, 4, 2
VALUES = [3 * s * s for s in SIDES]
TO_VOTES = [v * 2 for v in VALUES]
TO_HIDDEN = [v * 32 for v in VALUES]


def test_the_hand_arithmetic():
    assert SIDES == [7, 4, 2]
    assert VALUES == [147, 48, 12]
    assert TO_VOTES == [294, 96, 24]
    assert TO_HIDDEN == [4704, 1536, 384]


@pytest.mark.parametrize("chapter", ["pooling", "stacking"])
@pytest.mark.parametrize("picture", ["x", "o"])
def test_values_and_weights_at_each_stage(chapter, picture):
    rows = LessonModel(chapter=chapter, picture=picture).connections
    assert [r.stage for r in rows] == ["no pooling", "pooled once", "pooled twice"]
    assert [r.maps for r in rows] == [3, 3, 3]
    assert [r.shape for r in rows] == [(s, s) for s in SIDES]
    assert [r.size for r in rows] == ["7x7", "4x4", "2x2"]
    assert [r.values for r in rows] == VALUES
    assert [(r.outputs, r.to_outputs) for r in rows] == [(2, w) for w in TO_VOTES]
    assert [(r.hidden, r.to_hidden) for r in rows] == [(32, w) for w in TO_HIDDEN]


def test_the_last_stage_is_the_twelve_values_that_vote():
    m = LessonModel(chapter="stacking")
    assert m.connections[-1].values == len(m.pipeline.vector) == 12


def make(start):
    return CnnTuiApp(start=start, play_interval=0.01)


async def settle(pilot, n=6):
    for _ in range(n):
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_pooling_shows_the_table_under_its_maps(size):
    app = make("pooling")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_text(app).split("\n")
        want = {"no pooling": (147, 294, 4704), "pooled once": (48, 96, 1536),
                "pooled twice": (12, 24, 384)}
        for stage, (values, votes, hidden) in want.items():
            line = next(li for li in lines if li.startswith(stage))
            words = line.split()
            assert words[-5:] == [str(values), str(votes), "weights", str(hidden), "weights"]
            assert "3 x" in line
        assert any("dense to 2 votes" in li and "dense to 32 units" in li for li in lines)
        assert all(len(li) <= size[0] for li in lines)
        # the table sits on the stage, under the maps, whatever the step
        await pilot.press(*["right"] * 16)
        await settle(pilot)
        stage = app.lesson.query_one("#stage").region
        table = app.lesson.panel.query_one("#connections").region
        assert table.bottom <= stage.bottom and table.height == 5


@pytest.mark.parametrize("keys", [[], ["right"], ["right"] * 4])
async def test_stacking_shows_the_counts_beside_the_twelve_values(keys):
    app = make("stacking")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        text = screen_text(app)
        assert "values: 147 → pool 48 → pool 12" in text
        assert "to 2 votes: 294 → 96 → 24 weights" in text
        stage = app.lesson.query_one("#stage").region
        assert app.lesson.panel.query_one("#vector").region.bottom <= stage.bottom
