"""The "sequences" chapter on screen: the 1-D part steps window by window with the output and
the length formula written out, padding/stride keys change both, v and stepping past the end
reach the 3-D part, and nothing is cut at 80x24 or 160x48.

Expected numbers are worked by hand from the sequence CAGATACGCTATTGATAC and the motif GATA
(window 2 is GATA itself: 4 of 4; window 7 is GCTA: 3 of 4), and from the X moving right (the
window on frames 0-2, rows 1-3, columns 1-3 sees the kernel exactly: 27 products of +1).
"""

from __future__ import annotations

import pytest

from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.matrix import MatrixView

from lesson_apps import cut, flat, make, settle

pytestmark = pytest.mark.app


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_1d_part_steps_and_writes_out_the_sum(size):
    app = make("sequences")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Press right" in text
        assert "floor((18 + 2*0 - 4) / 1) + 1 = 15" in text
        assert "C A G A T A C G C T A T T G A T A C" in text
        await pilot.press("right", "right", "right")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "output: 3 of 15 filled" in text
        assert "Window 2: GATA against GATA: 1 + 1 + 1 + 1 = 4 of 4 bases match." in text
        assert "→ 2 0 4 · ·" in text
        assert cut(app) == []
        await pilot.press(*["right"] * 5)
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Window 7: GCTA against GATA: 1 + 0 + 1 + 1 = 3 of 4 bases match." in text
        assert cut(app) == []
        if size == (160, 48):
            assert app.lesson.zoom == 2
            view = app.lesson.panel.query_one("#onehot", MatrixView)
            assert view.needed == (2 * 2 * 19, 1 + 2 * 5)     # 19 cells of 2 columns, 5 rows


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_padding_and_stride_keys_change_the_formula(size):
    app = make("sequences")
    async with app.run_test(size=size) as pilot:
        await pilot.press("right_square_bracket", "right_square_bracket", "s")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "floor((18 + 2*2 - 4) / 2) + 1 = 10" in text
        assert "output: 10 of 10 filled" in text
        assert "Stride 2 jumps over 1 of the 2 places where the whole GATA sits." in text
        assert "padding 2" in text
        assert cut(app) == []
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "padding must be from 0 to 3" in flat(screen_text(app))
        await pilot.press("r")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "floor((18 + 2*0 - 4) / 1) + 1 = 15" in text and "Press right" in text


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_3d_part_shows_the_frames_and_the_sum_over_three_slices(size):
    app = make("sequences")
    async with app.run_test(size=size) as pilot:
        await pilot.press("v", *["right"] * 5)       # output cell 0,1,1
        await settle(pilot)
        ch = app.model.current
        assert ch.vol_cell == (0, 1, 1)
        text = flat(screen_text(app))
        for word in ("frame 0", "frame 3", "kernel 0", "kernel 2", "output 0", "output 1",
                     "× frame 2"):
            assert word in text, word
        assert ("Output 0,1,1: frames 0-2, rows 1-3, columns 1-3; the three slices give "
                "9 + 9 + 9 = 27 (of at most 27).") in text
        assert "X moving right reaches 27 at most" in text
        assert cut(app) == []
        await pilot.press("m")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "X standing still reaches 5 at most" in text
        assert cut(app) == []


async def test_stepping_past_the_last_1d_window_reaches_3d_and_g_jumps():
    app = make("sequences")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 16)
        await settle(pilot)
        text = flat(screen_text(app))
        assert "3-D 1/24" in text and "Output 0,0,0" in text
        await pilot.press("g", *"1,1,2", "enter")
        await settle(pilot)
        assert app.model.current.vol_cell == (1, 1, 2)
        assert "9 + 9 + 9 = 27" in flat(screen_text(app))
        await pilot.press("g", *"7", "enter")
        await settle(pilot)
        assert "Window 7: GCTA" in flat(screen_text(app))


async def test_space_plays_to_the_end():
    app = make("sequences")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        for _ in range(400):
            await pilot.pause(0.01)
            if app.model.at_end:
                break
        await settle(pilot)
        ch = app.model.current
        assert ch.position == ch.length and ch.vol_filled == 24
