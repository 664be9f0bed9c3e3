"""The votes chapter's weight matrix on screen (w, then m), at 80x24 and 160x48: the weighted
sums written out whole, the winner, the mean rule, the note on stacking, nothing cut.

Expected text is written out by hand (picture x: values 1.00 and 0.55; weights 0.172 / 0.21
strong, 0.02 weak; the totals worked out in tests/test_weighted_votes.py).
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.matrix import MatrixView

from lesson_apps import cut, flat, make, settle

X_SUM = ("X = 0.172×1.00 + 0.02×0.55 + 0.02×0.55 + 0.172×1.00 + 0.172×1.00 + 0.02×0.55 + "
         "0.02×0.55 + 0.02×0.55 + 0.02×0.55 + 0.172×1.00 + 0.172×1.00 + 0.02×0.55 = 0.93")
O_SUM = ("O = 0.02×1.00 + 0.21×0.55 + 0.21×0.55 + 0.02×1.00 + 0.02×1.00 + 0.02×0.55 + "
         "0.02×0.55 + 0.02×0.55 + 0.21×0.55 + 0.02×1.00 + 0.02×1.00 + 0.21×0.55 = 0.60")
MEAN_X = ("X = 0.20×1.00 + 0×0.55 + 0×0.55 + 0.20×1.00 + 0.20×1.00 + 0×0.55 + 0×0.55 + "
          "0×0.55 + 0×0.55 + 0.20×1.00 + 0.20×1.00 + 0×0.55 = 1.00")


def region_text(app, widget) -> str:
    """The screen's text inside ``widget``'s region, lines joined with spaces."""
    r = widget.region
    lines = screen_text(app).split("\n")[r.y:r.y + r.height]
    return flat(" ".join(line[r.x:r.x + r.width] for line in lines))


def sums_widget(app) -> Static:
    """Where the written-out sums are: beside the matrix (small screens) or under it."""
    side = app.screen.query_one("#fc-side-sums", Static)
    return side if side.display else app.screen.query_one("#sums", Static)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_w_shows_the_weight_matrix_the_weighted_sums_and_the_winner(size):
    app = make("votes")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert app.model.showing_fc
        text = screen_text(app)
        # the 12x2 matrix with its labels and column heads
        weights = app.screen.query_one("#fc-weights", MatrixView)
        assert weights.display and weights._shape == (12, 2)
        assert "#1 diag 0,0" in text and "#12 anti 1,1" in text and "#5 x    0,0" in text
        assert "0.172" in text and "0.21" in text and "0.02" in text
        # both sums, each written out whole (wrapped lines read back together)
        sums = region_text(app, sums_widget(app))
        assert X_SUM in sums and O_SUM in sums
        assert "prediction: X" in flat(text)
        assert "With the mean rule: X 1.00, O 0.55 → X, the same verdict" in (
            sums + " " + region_text(app, app.screen.query_one("#sums", Static)))
        assert "12x8 + 8 = 104 and 8x2 + 2 = 18" in flat(text)
        assert "lecture-style weights" in text.split("\n")[0]            # the title line
        assert "w: back to the ■ table · m: the mean rule" in text
        assert cut(app) == [], (size, app.lesson.zoom)
        if size == (160, 48):
            assert app.lesson.zoom == 2
            assert weights.size.height == 1 + 12 * 2                  # it grows with the zoom
            assert app.screen.query_one("#image", MatrixView).display  # room for the picture

        await pilot.press("m")                                        # the mean rule
        await settle(pilot)
        assert app.model.fc_rule == "mean rule"
        text = screen_text(app)
        sums = region_text(app, sums_widget(app))
        assert MEAN_X in sums
        assert "prediction: X" in flat(text)
        assert "With the lecture-style weights: X 0.93, O 0.60 → X, the same verdict" in (
            sums + " " + region_text(app, app.screen.query_one("#sums", Static)))
        assert cut(app) == [], (size, "mean rule")

        await pilot.press("w")                                        # back to the ■ table
        await settle(pilot)
        text = screen_text(app)
        assert not app.model.showing_fc
        assert "X = (1.00 + 1.00 + 1.00 + 1.00 + 1.00) / 5 = 5.00 / 5 = 1.00" in text
        assert cut(app) == []


@pytest.mark.parametrize("keys", [["w", "right"], ["w", "d"], ["w", "m", "right", "d"],
                                  ["w", "e"]])
async def test_the_weights_view_fits_80x24_with_other_values_and_fractions(keys):
    app = make("votes")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for k in keys:
            await pilot.press(k)
        await settle(pilot)
        assert app.model.showing_fc
        assert cut(app) == [], keys
        text = flat(screen_text(app))
        assert "prediction:" in text and "12x8 + 8 = 104" in text


async def test_the_weights_view_on_the_o_picture():
    app = make("votes", picture="o")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        # picture o: O = 4 x 0.21 + 8 x 0.02 x 5/9 = 0.84 + 0.0888... = 0.92 (cut)
        sums = region_text(app, sums_widget(app))
        assert "= 0.92 prediction: O" in sums
