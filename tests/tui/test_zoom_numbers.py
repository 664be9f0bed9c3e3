"""Zoom that follows the terminal, and pixels shown as blocks, numbers or both.

Expected grids are written out by hand here.
"""

from __future__ import annotations

import numpy as np
import pytest
from rich.text import Text

from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.render import matrix_text, picture_text, zoom_text
from cnn_tui.tui.app import CnnTuiApp
from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.matrix import MatrixView

from lesson_apps import flat, make, settle

PIC = np.array([[1, -1, 1], [-1, 1, -1]])


def style_at(text: Text, x: int):
    """The style of character ``x`` of ``text`` (the last span over it wins, as Rich draws)."""
    style = text.style
    for span in text.spans:
        if span.start <= x < span.end:
            style = span.style
    return style


# ---------------------------------------------------------------------- drawing, no app
def test_zoom_two_fills_blocks_and_centres_values():
    grid = picture_text(PIC)
    assert grid.plain == "██  ██\n  ██  "
    assert zoom_text(grid, (2, 3), 2).plain == ("████    ████\n████    ████\n"
                                               "    ████    \n    ████    ")
    vals = matrix_text(np.array([[1, -1]]), style="number")     # cells 4 wide at zoom 1
    assert vals.plain == "  1  -1 "
    # zoom 3: cells 12 wide and 3 lines tall, the value on the middle line
    assert zoom_text(vals, (1, 2), 3).plain.split("\n") == [
        " " * 24, "     1      " + "     -1     ", " " * 24]


def test_zoom_keeps_each_cells_style():
    grid = picture_text(PIC, outline=[(0, 1)])
    zoomed = zoom_text(grid, (2, 3), 2)
    styles = [str(style_at(zoomed, x)) for x in range(12)]  # first line
    ink, window, ink2 = styles[0], styles[4], styles[8]
    assert ink == ink2 and window != ink
    assert len(set(styles[0:4])) == 1 and len(set(styles[4:8])) == 1


def test_zoom_leaves_a_grid_it_cannot_read_alone():
    ragged = Text("ab\nabc")
    assert zoom_text(ragged, (2, 1), 2) is ragged
    assert zoom_text(picture_text(PIC), (2, 3), 1).plain == "██  ██\n  ██  "


def test_numbers_modes_show_the_values_the_lecture_multiplies():
    assert picture_text(PIC, numbers="numbers").plain == "+1-1+1\n-1+1-1"
    assert picture_text(PIC, numbers="both").plain == "+1-1+1\n-1+1-1"
    # the window and the padding show their values too
    padded = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    border = [(r, c) for r in range(3) for c in range(3) if (r, c) != (1, 1)]
    text = picture_text(padded, dim=border, outline=[(1, 1)], numbers="numbers")
    assert text.plain == " 0 0 0\n 0+1 0\n 0 0 0"
    with pytest.raises(ValueError, match="blocks, numbers, both"):
        picture_text(PIC, numbers="digits")


def test_numbers_neighbours_alternate_tints():
    text = picture_text(np.array([[-1, -1]]), numbers="numbers")
    a, b = style_at(text, 0), style_at(text, 2)
    assert a.bgcolor != b.bgcolor
    both = picture_text(np.array([[1, -1]]), numbers="both")
    ink, paper = style_at(both, 0), style_at(both, 2)
    assert ink.bgcolor != paper.bgcolor


def test_auto_zoom_follows_the_terminal():
    assert [CnnTuiApp.auto_zoom(w, h) for w, h in
            [(80, 24), (120, 40), (159, 48), (160, 48), (200, 55), (240, 72), (400, 120)]] == [
        1, 1, 1, 2, 2, 3, 3]


# ---------------------------------------------------------------------- in the app
def image_size(app) -> tuple[int, int]:
    view = app.screen.query_one("#image", MatrixView)
    r = view.region
    return r.width, r.height - view._caption_lines


# The chapters that draw the picture being studied when they open (the others draw maps and
# numbers; "implement" shows it one step in, "train" in one of its views).
PICTURE_CHAPTERS = ["literal", "features", "filtering", "convolution", "votes", "edges"]


@pytest.mark.app
@pytest.mark.parametrize("chapter", PICTURE_CHAPTERS)
async def test_a_picture_is_twice_as_large_at_160x48(chapter):
    sizes = {}
    for size in [(80, 24), (160, 48)]:
        app = make(chapter)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            sizes[size] = image_size(app)
    (w1, h1), (w2, h2) = sizes[(80, 24)], sizes[(160, 48)]
    assert (w1, h1) == (18, 9)          # a 9x9 picture, two columns per pixel
    assert w2 >= 2 * w1 and h2 >= 2 * h1, (chapter, sizes)


@pytest.mark.app
async def test_zoom_keys_override_and_say_when_a_zoom_does_not_fit():
    app = make("filtering")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.lesson.zoom == 2
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert app.lesson.zoom == 1 and image_size(app) == (18, 9)
        assert "Zoom 1" in flat(screen_text(app))
        # window (0, 0) (the chapter opens on (1, 1)), on its result: the products appear,
        # 4 columns a cell at zoom 1 (-1 among them)
        await pilot.press("g", *"0,0", "enter")
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        for _ in range(4):
            await pilot.pause()
        # zoom 4 needs 9x4x2 + 3x4x2 + 3x4x2 + 3x4x4 = 168 columns and 4 margins for the picture,
        # the window, the feature and the products: more than this screen's 160
        assert app.lesson.zoom == 3
        assert app.zoom_offset == 1      # the keys start again from what fits
        assert "Zoom 4 does not fit this chapter on this screen; showing zoom 3" in flat(
            screen_text(app))
    app = make("filtering")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.pause()
        assert app.lesson.zoom == 1          # 80x24 stays usable: the picture still fits
        assert "does not fit" in flat(screen_text(app))


@pytest.mark.app
async def test_a_click_on_a_zoomed_picture_toggles_the_pixel_under_it():
    app = make("convolution")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.lesson.zoom == 2
        view = app.screen.query_one("#image", MatrixView)
        before = app.model.image.copy()
        # pixel (row 4, col 6): 4 columns and 2 rows per pixel at zoom 2, below the caption
        await pilot.click(view, offset=(6 * 4 + 1, 1 + 4 * 2 + 1))
        changed = np.argwhere(app.model.image != before)
        assert [tuple(c) for c in changed] == [(4, 6)]


@pytest.mark.app
async def test_b_cycles_blocks_numbers_both():
    app = make("filtering")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.model.numbers == "blocks"
        assert "+1" not in screen_text(app)
        await pilot.press("b")
        assert app.model.numbers == "numbers"
        text = screen_text(app)
        assert "Pixels as numbers" in text
        # the X's second row as the lecture writes it: ink (+1) in columns 1 and 7
        assert "-1+1-1-1-1-1-1+1-1" in text
        await pilot.press("b")
        assert app.model.numbers == "both" and "Pixels as numbers on ink" in screen_text(app)
        await pilot.press("b")
        assert app.model.numbers == "blocks"


@pytest.mark.app
async def test_convolution_shows_the_windows_nine_products():
    app = make("convolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        view = app.screen.query_one("#products", MatrixView)
        rows = [line.split() for line in view.render().plain.split("\n")[1:]]
        # by hand: X's top-left 3x3 is [[-1,-1,-1],[-1,+1,-1],[-1,-1,+1]] and diag is
        # [[+1,-1,-1],[-1,+1,-1],[-1,-1,+1]]: they differ only in the corner
        assert rows == [["-1", "1", "1"], ["1", "1", "1"], ["1", "1", "1"]]


# ---------------------------------------------------------------------- the fit, after review
def test_zoom_keeps_marks_and_numbers_once():
    marks = picture_text(np.array([[1, -1]]), highlight=[(0, 0)], mark="!!")
    assert zoom_text(marks, (1, 2), 2).plain == " !!     \n        "
    tight = matrix_text(np.array([[11, 22]]), style="number", gap=0)     # "1122"
    assert zoom_text(tight, (1, 2), 2).plain.split("\n")[0] == " 11  22 "


def test_padding_in_the_window_keeps_the_windows_tint_in_number_modes():
    padded = np.zeros((3, 3))
    border = [(0, 0), (0, 1)]
    text = picture_text(padded, dim=border, outline=[(0, 0)], numbers="numbers")
    inside, outside = style_at(text, 0), style_at(text, 2)
    assert inside.bgcolor != outside.bgcolor


def test_a_status_bar_row_does_not_cost_the_zoom():
    assert CnnTuiApp.auto_zoom(160, 46) == 2 and CnnTuiApp.auto_zoom(160, 45) == 1


def fits(app) -> list[str]:
    """The matrices of the open chapter that are cut: squeezed, or past the stage."""
    screen = app.lesson
    panel = screen.panel
    stage = screen.query_one("#stage").region
    bad = []
    for view in panel.query(MatrixView):
        if not screen._shown(view, panel) or not view.needed[0]:
            continue
        r = view.region
        if (view.size.width < view.needed[0] or r.right > stage.right
                or r.bottom > stage.bottom):
            bad.append(f"{view.id} {view.size} needs {view.needed}")
    return bad


STEPS = {
    "implement": [["right"] * k for k in (0, 1, 2, 4, 6, 8, 10)],
    "padding": [[], ["right_square_bracket"], ["right_square_bracket"] * 2, ["plus"]],
    "train": [[], ["v"], ["v", "v"]],
}


@pytest.mark.app
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48), (200, 55)])
async def test_no_chapter_cuts_a_matrix(size):
    """Every chapter, at a few steps: each matrix is drawn whole, whatever the zoom."""
    from cnn_tui.lesson.chapters import CHAPTER_IDS

    for chapter in CHAPTER_IDS:
        for keys in STEPS.get(chapter, [[], ["right"] * 3]):
            app = make(chapter)
            async with app.run_test(size=size) as pilot:
                await settle(pilot)
                for key in keys:
                    await pilot.press(key)
                await settle(pilot)
                assert fits(app) == [], (chapter, keys, app.lesson.zoom)
                if size == (160, 48) and chapter in PICTURE_CHAPTERS:
                    assert app.lesson.zoom >= 2, (chapter, keys)


@pytest.mark.app
async def test_lowering_the_zoom_stops_at_the_largest_that_fits():
    app = make("literal")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        # three 9x9 pictures side by side: 3 x (9 x 2 x 3) = 162 columns at zoom 3, more than
        # 160; at zoom 2, 3 x 36 = 108 fit
        assert app.lesson.zoom == 2
        assert "Zoom 3 does not fit this chapter on this screen; showing zoom 2" in flat(
            screen_text(app))
        assert image_size(app) == (36, 18)


@pytest.mark.app
async def test_the_zoom_comes_back_up_on_a_step_that_fits():
    app = make("implement")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.lesson.zoom == 2
        for _ in range(8):                 # the dense layer's 32x128 weights: zoom 1
            await pilot.press("right")
        await settle(pilot)
        assert fits(app) == []
        for _ in range(8):
            await pilot.press("left")
        await settle(pilot)
        assert app.model.position == 0 and app.lesson.zoom == 2


@pytest.mark.app
async def test_a_resize_under_help_gives_the_new_zoom_on_return():
    app = make("filtering")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.lesson.zoom == 2 and image_size(app) == (36, 18)


@pytest.mark.app
async def test_padding_shows_numbers_when_zoomed():
    app = make("padding")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "colours only" not in screen_text(app)
        assert fits(app) == []


@pytest.mark.app
async def test_b_is_offered_only_where_pixels_are_drawn():
    app = make("relu")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        assert app.model.numbers == "blocks" and "Pixels as" not in screen_text(app)
        await pilot.press(*["p"] * (CHAPTER_IDS.index("relu") - CHAPTER_IDS.index("convolution")), "b")
        assert app.model.chapter == "convolution" and app.model.numbers == "numbers"
