"""The "implement" chapter in the real app: every position draws at 80x24 and 160x48, g and a
click pick the worked-out cell, and the help screen lists the chapter's keys.

Expected numbers come from the network's own forward pass (``impl_outputs``, the engine's
layers), not from the trace the panel prints; the shapes and counts are worked by hand.
"""

from __future__ import annotations

import pytest

from cnn_tui.tui.headless import screen_text

from lesson_apps import flat, make

pytestmark = pytest.mark.app

# What each position must show (by hand: 9x9 -> 7x7 -> 5x5 -> 4x4; 8*4*4 = 128 values).
EXPECTED = [
    ("The network: 9 layers, 4,858 parameters", "8x7x7", "8x1x3x3 + 8", "32x128 + 32"),
    ("The input: one 9x9 map", "What it answers at the end"),
    ("layer 0: conv 8 3 1x9x9 -> 8x7x7 80 parameters", "map 0: values"),
    ("layer 1: relu 8x7x7 -> 8x7x7", "ReLU"),
    ("layer 2: conv 8 3 8x7x7 -> 8x5x5 584 parameters", "map 0, cell 2,2", "in 7:"),
    ("layer 3: relu 8x5x5 -> 8x5x5",),
    ("layer 4: maxpool 2 stride 1 8x5x5 -> 8x4x4",),
    ("layer 5: flatten 8x4x4 -> 128", "128 values, 16 a row"),
    ("layer 6: dense 32 128 -> 32 4,128 parameters (32x128 + 32)", "32 values, 8 a row"),
    ("layer 7: relu 32 -> 32",),
    ("layer 8: dense 2 32 -> 2 66 parameters (2x32 + 2)", "weights 2x32", "scores: X"),
    ("Softmax: the two scores", "P(X) = exp(", "P(O) = exp(", "answer:"),
]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_right_steps_through_every_position(size):
    app = make("implement")
    async with app.run_test(size=size) as pilot:
        ch = app.model.current
        for position, fragments in enumerate(EXPECTED):
            await pilot.pause()
            assert ch.position == position
            text = flat(screen_text(app))
            for fragment in fragments:
                assert fragment in text, (position, fragment)
            assert not app.lesson.message
            await pilot.press("right")
        await pilot.pause()
        assert ch.position == ch.length == 11


async def test_g_picks_the_cell_and_the_arithmetic_follows():
    app = make("implement")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", *"3,1,4", "enter")
        await pilot.pause()
        ch = app.model.current
        assert ch.position == 4 and (ch.impl_map, ch.impl_cell) == (3, (1, 4))
        value = ch.bench.fmt(float(ch.impl_outputs[2][3, 1, 4]))     # the network's own cell
        text = flat(screen_text(app))
        assert "map 3, cell 1,4" in text and f"= {value} ✓ the value in map 3 at 1,4" in text
        assert "map 3, cell 1,4" in screen_text(app).split("\n")[0]  # the title line
        await pilot.press("g", *"7,7", "enter")
        await pilot.pause()
        message = app.lesson.message
        assert message.startswith("7,7 is outside the 5x5 output") and len(" " + message) <= 80
        assert message in screen_text(app)
        assert ch.impl_cell == (1, 4)


async def test_a_click_on_a_map_picks_it_and_the_cell():
    app = make("implement")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):
            await pilot.press("right")
        # at 80 columns the maps are one column per cell, under a one-line caption
        await pilot.click("#s5", offset=(3, 1 + 2))
        await pilot.pause()
        ch = app.model.current
        assert (ch.impl_map, ch.impl_cell) == (5, (2, 3))
        assert "map 5, cell 2,3" in flat(screen_text(app))


async def test_help_lists_the_chapters_keys():
    app = make("implement")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "Let's implement a CNN" in text
        assert "next map" in text and "map,row,col" in text and "next/previous layer" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 48)])
async def test_dense_layers_show_their_biases(size):
    """Every bias of both dense layers is on screen, in the lecture's format, at every size."""
    from cnn_tui.engine import format_value

    app = make("implement")
    async with app.run_test(size=size) as pilot:
        net = app.model.current.impl_network
        for position, key in ((8, "6.bias"), (10, "8.bias")):
            while app.model.position < position:
                await pilot.press("right")
            text = screen_text(app)
            assert f"bias: one per output ({net.params[key].size})" in text
            shown = [float(v) for v in text.split("bias: one per output", 1)[1].split()
                     if v.lstrip("-").replace(".", "", 1).isdigit()]
            expected = [float(format_value(float(b), "lecture")) for b in net.params[key]]
            assert shown[:len(expected)] == expected
