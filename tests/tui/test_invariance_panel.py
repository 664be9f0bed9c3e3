"""The "invariance" chapter on screen: both pictures, the counts, the "=" / "≠" map, at 80x24
and 160x48, and right/left picking the move.

Counts are checked against plain loops in tests/test_invariance_chapter.py; here the expected
numbers are the ones worked out there by hand: the X moved right keeps 7 of its 16 pooled diag
values, moved left 2 of 16; a 7x7 map moved one cell shares 42 cells with the original.
"""

from __future__ import annotations

import pytest

from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.matrix import MatrixView

from lesson_apps import cut, flat, make, settle


def below_stage(app, widget_id: str) -> bool:
    stage = app.lesson.query_one("#stage").region
    return app.lesson.panel.query_one(widget_id).region.bottom > stage.bottom


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_invariance_shows_the_counts_on_screen(size):
    app = make("invariance")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "7 of 16 pooled cells" in text and "are equal" in text
        assert "42 of 42 shared cells" in text
        assert "moved →: x_right" in text
        assert "≠" in text and "=" in text
        assert "votes X 1.00 O 0.55 → X" in text
        assert cut(app) == []
        assert not below_stage(app, "#inv-note") and not below_stage(app, "#inv-counts")
        # the other invariances: a short word where there is room, the rest under ?
        assert ("Pooling only forgives small shifts" in text) == (size == (160, 48))
        if size == (160, 48):
            assert app.lesson.zoom == 2
            # both pictures twice as large: 9 pixels of 4 columns (18 at 80x24) and 2 lines
            for wid in ("image", "inv-moved"):
                view = app.lesson.panel.query_one(f"#{wid}", MatrixView)
                assert view.needed == (36, 1 + 18)


async def test_right_and_left_pick_the_move_and_the_count_follows():
    app = make("invariance")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("left", "left")          # right -> up -> left
        await settle(pilot)
        assert app.model.shift == "left"
        text = flat(screen_text(app))
        assert "2 of 16 pooled cells" in text
        assert "moved ←" in text and "one cell left" in text
        await pilot.press("f")                     # the x feature: 9 of 16 stay
        await settle(pilot)
        assert "9 of 16 pooled cells" in flat(screen_text(app))
        assert cut(app) == []


async def test_a_drawing_lost_over_the_edge_is_said_in_the_caption():
    app = make("invariance", picture="x_big")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "moved →, 2 ink lost" in screen_text(app)
