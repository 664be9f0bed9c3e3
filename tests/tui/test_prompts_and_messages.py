"""The g prompt and the status line: bad layer sizes and out-of-range cells get one short
message that fits 80 columns; the pad value prints one way in every number style.

Expected values come from hand calculation (worked in the comments) or tests/golden/lecture.toml.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.lesson.model import LessonModel, ModelError
from cnn_tui.tui.headless import screen_text

from lesson_apps import make


@pytest.mark.parametrize("typed", ["5", "0,3", "20,-1,1"])
async def test_params_bad_sizes_message_fits_80_columns(typed):
    app = make("params")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", *typed, "enter")
        await pilot.pause()
        message = app.lesson.message
        assert message and "20,20,20,1" in message
        assert len(" " + message) <= 80                         # the status line's width
        assert message in screen_text(app)                      # shown whole, not cut


def test_params_bad_sizes_messages():
    m = LessonModel(chapter="params")
    with pytest.raises(ModelError, match="at least two"):
        m.set_custom_sizes([5])
    with pytest.raises(ModelError, match="at least 1"):
        m.set_custom_sizes([0, 3])


def test_jump_out_of_range_names_rows_and_columns():
    m = LessonModel(chapter="convolution")
    with pytest.raises(ModelError) as exc:
        m.jump_to((9, 9))
    # 9x9 picture, 3x3 feature: a 7x7 map, indices 0..6 both ways
    assert str(exc.value) == ("9,9 is outside the 7x7 output: rows count from 0 to 6, "
                              "columns from 0 to 6")


def test_jump_out_of_range_on_a_wide_picture():
    # a 9x12 picture and a 3x3 feature: 7 rows (0..6) and 10 columns (0..9)
    m = LessonModel(chapter="convolution", image=-np.ones((9, 12)))
    with pytest.raises(ModelError, match="rows count from 0 to 6, columns from 0 to 9"):
        m.jump_to((0, 10))


async def test_jump_message_fits_80_columns():
    app = make("convolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "9", ",", "9", "enter")
        await pilot.pause()
        message = app.lesson.message
        assert "columns from 0 to 6" in message and message in screen_text(app)
        assert len(" " + message) <= 80


@pytest.mark.parametrize("presses,shown", [(0, "value 0"), (1, "value -1"), (2, "value 1")])
@pytest.mark.parametrize("fractions", [False, True])
async def test_padding_value_printed_one_way(presses, shown, fractions):
    # PAD_VALUES cycle 0 -> -1 -> 1: plain numbers, whatever the number style
    app = make("padding")
    async with app.run_test(size=(100, 36)) as pilot:
        if fractions:
            await pilot.press("d")
        await pilot.press(*["v"] * presses)
        await pilot.pause()
        text = screen_text(app)
        assert f"padding 1 ({shown})" in text
        assert "-1.00)" not in text and "1.00)" not in text


async def test_footer_offers_esc_while_a_message_shows():
    """A message (here b's news about numbers) can be dismissed with esc, and the footer says
    so while it shows; once it is gone, esc leaves the footer again."""
    app = make("votes")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "esc" not in footer
        await pilot.press("b")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert "Pixels as numbers" in lines[-2] and "esc Done" in lines[-1]
        await pilot.press("escape")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert "Pixels as numbers" not in lines[-2] and "esc" not in lines[-1]
