"""A picture of the learner's own, at any size: the colours and geometry of half-block drawing,
the model's picture at sizes other than the lecture's, and every chapter that works at any size
opened on one (nothing cut off, the window always in view); the chapters wired for the lecture's
size say so in one line. Expected values are worked by hand or by plain loops here."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cnn_tui.lecture.data import FEATURES, IMAGES
from cnn_tui.lesson.chapters.literal import resized
from cnn_tui.lesson.model import LessonModel, ModelError
from cnn_tui.pictures import Picture
from cnn_tui.render import (NEGATIVE, NEUTRAL, POSITIVE, crop_box, half_block_line, picture_rgb,
                            values_rgb)
from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.matrix import MatrixView
from lesson_apps import cut, make, settle

ANY_SIZE = ("literal", "features", "filtering", "convolution", "padding", "edges", "relu",
            "pooling", "stacking")
LECTURE_SIZE = ("votes", "invariance", "implement")


def ring(rows: int, cols: int) -> np.ndarray:
    """A ring of ink on paper with a fainter diagonal: not all one tone, as a photo is not."""
    y, x = np.mgrid[:rows, :cols]
    r = np.hypot((y - rows / 2 + 0.5) / rows, (x - cols / 2 + 0.5) / cols)
    img = np.where(np.abs(r - 0.33) < 0.06, 1.0, -1.0)
    img[np.abs(y * cols - x * rows) < max(rows, cols)] = 0.5
    return img


def own(rows: int, cols: int | None = None, name: str = "mine") -> Picture:
    return Picture(name, ring(rows, cols or rows), "text")


# ---------------------------------------------------------------- colours and geometry
def test_picture_colours_by_hand():
    rgb = picture_rgb([[1.0, -1.0, 0.0, 2.0]])
    assert rgb[0, 0].tolist() == [0x1C, 0x1C, 0x1C]            # ink
    assert rgb[0, 1].tolist() == [0xF2, 0xEF, 0xE6]            # paper
    # halfway: (0x1c + 0xf2) / 2 = 135, (0x1c + 0xef) / 2 = 133.5 -> 134, (0x1c + 0xe6) / 2 = 129
    assert rgb[0, 2].tolist() == [135, 134, 129]
    assert rgb[0, 3].tolist() == rgb[0, 0].tolist()            # beyond +1: ink all the same


def test_value_colours_by_hand():
    rgb = values_rgb([[0.0, 2.0, -2.0, np.nan, 1.0]], scale=2.0)
    assert rgb[0, 0].tolist() == list(NEUTRAL)
    assert rgb[0, 1].tolist() == list(POSITIVE)
    assert rgb[0, 2].tolist() == list(NEGATIVE)
    assert rgb[0, 3].tolist() == [0x33, 0x33, 0x33]            # not shown yet
    half = [round((a + b) / 2) for a, b in zip(NEUTRAL, POSITIVE)]
    assert rgb[0, 4].tolist() == half


def test_half_blocks_pair_two_rows_and_join_runs():
    top = np.array([[1, 2, 3], [1, 2, 3], [9, 9, 9]], dtype=np.uint8)
    bottom = np.array([[4, 5, 6], [4, 5, 6], [4, 5, 6]], dtype=np.uint8)
    assert half_block_line(top, bottom) == [("#010203 on #040506", 2), ("#090909 on #040506", 1)]
    assert half_block_line(top[:1], None) == [("#010203", 1)]      # the last row of an odd count


@pytest.mark.parametrize("shape", [(9, 9), (28, 28), (64, 64), (128, 128), (3, 128), (128, 3),
                                   (65, 7)])
@pytest.mark.parametrize("room", [(30, 20), (70, 44), (200, 300), (5, 3), (6, 4), (8, 5)])
def test_crop_keeps_the_window_in_view(shape, room):
    rows, cols = shape
    for r0 in sorted({0, 1, rows // 2, max(0, rows - 3)}):
        for c0 in sorted({0, cols // 3, max(0, cols - 3)}):
            window = [(r, c) for r in range(r0, min(rows, r0 + 3))
                      for c in range(c0, min(cols, c0 + 3))]
            a, b, c, d = crop_box(shape, window, *room)
            assert 0 <= a < b <= rows and 0 <= c < d <= cols
            # as much as fits (a row less when an odd row would start the pairs of rows)
            assert min(rows, room[1]) - 1 <= b - a <= min(rows, room[1])
            assert d - c == min(cols, room[0])
            assert all(a <= r < b and c <= q < d for r, q in window)
            if rows > room[1]:
                # half blocks pair the same two rows as the view moves, unless the window
                # fills the room (its top row is the first shown, its bottom row the last)
                top, bottom = min(r for r, _ in window), max(r for r, _ in window)
                assert a % 2 == 0 or (top == a and bottom == b - 1), (a, b, top, bottom)


def test_lecture_x_drawn_at_twice_its_size_by_hand():
    big = resized(IMAGES["x"], (18, 18))
    assert big.shape == (18, 18)
    for r in range(18):
        for c in range(18):
            assert big[r, c] == IMAGES["x"][r // 2, c // 2]


# ---------------------------------------------------------------- the model
def test_open_picture_reaches_every_chapter_and_its_stages():
    pic = own(12, 14)
    m = LessonModel(chapter="edges")
    m.open_picture(pic.pixels, pic.name)
    assert m.picture == "mine" and m.image.shape == (12, 14)
    assert m.chapters["edges"].edge_picture[1].shape == (12, 14)   # its own picture too
    # the stages by plain loops: mean of 3x3 products, ReLU, 2x2 max pool (edge windows kept)
    res = m.pipeline
    for name, k in FEATURES.items():
        conv = np.array([[np.sum(pic.pixels[r:r + 3, c:c + 3] * k) / 9 for c in range(12)]
                         for r in range(10)])
        np.testing.assert_allclose(res.conv[name], conv, atol=1e-12)
        relu = np.maximum(conv, 0)
        pool = np.array([[relu[r:r + 2, c:c + 2].max() for c in range(0, 12, 2)]
                         for r in range(0, 10, 2)])
        np.testing.assert_allclose(res.pool[name], pool, atol=1e-12)
    assert res.vector.size == 3 * 3 * 3          # 5x6 pooled again (ceil) -> 3x3, three maps
    assert all(np.isnan(v) for v in res.votes.values())
    m.next_picture()                              # i: back to the lecture's pictures
    assert m.picture == "x" and m.image.shape == (9, 9)


@pytest.mark.parametrize("chapter", LECTURE_SIZE)
def test_lecture_sized_chapters_say_what_they_need(chapter):
    m = LessonModel(chapter=chapter)
    assert m.picture_problem is None
    m.open_picture(ring(64, 64), "mine")
    problem = m.picture_problem
    assert problem and "\n" not in problem and "64x64" in problem
    with pytest.raises(ModelError):
        m.step()
    m.set_picture("o")
    assert m.picture_problem is None


# ---------------------------------------------------------------- the app
@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@pytest.mark.parametrize("chapter", ANY_SIZE)
async def test_every_any_size_chapter_opens_a_64x64_picture(chapter, size):
    app = make(chapter, own_picture=own(64))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("right")
            await settle(pilot)
        assert not app.lesson.message, app.lesson.message
        assert cut(app) == []
        text = screen_text(app)
        assert "picture mine" in text
        assert "needs a" not in text


@pytest.mark.parametrize("shape", [(128, 128), (28, 20), (3, 100)])
@pytest.mark.parametrize("chapter", ["convolution", "pooling", "padding"])
async def test_other_sizes_fit_80x24(chapter, shape):
    app = make(chapter, own_picture=own(*shape))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert not app.lesson.message, app.lesson.message
        assert cut(app) == []


async def test_the_window_stays_in_view_of_a_128x128_picture():
    app = make("convolution", own_picture=own(128))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.press(*"120,101", "enter")
        await settle(pilot)
        assert app.model.conv_cell == (120, 101)
        view = app.lesson.query_one("#image", MatrixView)
        r0, c0 = view._origin
        lines = view.size.height - 1                      # under the caption
        # the window's rows and columns (120..122, 101..103) lie in the part shown
        assert r0 <= 120 and 122 < r0 + 2 * lines
        assert c0 <= 101 and 103 < c0 + view.size.width
        assert "rows" in view.render().plain.split("\n")[0]   # the caption says which part


@pytest.mark.parametrize("chapter", LECTURE_SIZE)
async def test_lecture_sized_chapters_say_so_on_screen(chapter):
    app = make(chapter, own_picture=own(64))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "needs a" in text and "yours is 64x64" in text
        await pilot.press("i")                             # a lecture picture: the chapter is back
        await settle(pilot)
        assert "needs a" not in " ".join(screen_text(app).split())


async def test_open_a_picture_file_from_the_palette(tmp_path):
    path = tmp_path / "dots.png"
    grey = np.full((40, 20), 255, dtype=np.uint8)
    grey[10:30, 5:15] = 0
    Image.fromarray(grey, "L").save(path)
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        app.ask_picture_file()
        await settle(pilot)
        await pilot.press(*"nowhere.png", "enter")
        await settle(pilot)
        problem = str(app.screen.query_one("#picture-problem").render())
        assert "does not exist" in problem and app.model.picture == "x"
        app.screen.query_one("#picture-path").value = str(path)
        app.screen.query_one("#picture-path").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.lesson
        # 40x20 is smaller than the default side (32 for larger pictures): 32x16; black is ink
        assert app.model.picture == "dots" and app.model.image.shape == (32, 16)
        assert app.model.image[16, 8] == 1 and app.model.image[0, 0] == -1
        assert "Opened dots" in screen_text(app)


async def test_escape_leaves_the_picture_as_it_was():
    app = make("literal")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.ask_picture_file()
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.lesson and app.model.picture == "x"


# ---------------------------------------------------------------- after review
@pytest.mark.parametrize("chapter", ["filtering", "padding", "convolution"])
async def test_a_smaller_picture_after_a_jump_keeps_the_window_on_it(chapter):
    app = make(chapter, own_picture=own(17))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.model.jump_to((10, 10))
        await pilot.press("i")          # the lecture's x: a 7x7 map, the window must come back
        await settle(pilot)
        assert app.lesson.message == "" and app.model.picture == "x"
        assert cut(app) == []


def test_a_3x3_picture_in_filtering_and_padding():
    m = LessonModel(chapter="filtering")
    m.open_picture(ring(3, 3), "tiny")
    assert m.current.filter_cell == (0, 0)        # the only window of a 3x3 picture
    m.set_chapter("padding")
    assert m.current.pad_cell[0] < m.current.pad_out_shape[0]


async def test_train_picture_view_needs_9x9():
    app = make("train", own_picture=own(10))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        said = []
        for _ in range(3):
            await pilot.press("v")
            await settle(pilot)
            assert not app.model.current.showing_picture
            said.append(app.lesson.message)
        assert any(m.startswith("your picture view needs a 9x9 picture") for m in said)


def test_a_file_named_like_a_lecture_picture_is_not_it():
    m = LessonModel()
    m.open_picture(ring(9, 9), "o")
    assert m.picture == "o (file)" and m.picture_label is None


async def test_a_bad_file_name_with_brackets_is_said_not_parsed(tmp_path):
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        app.ask_picture_file()
        await settle(pilot)
        app.screen.query_one("#picture-path").value = str(tmp_path / "no[/b]file.png")
        await pilot.press("enter")
        await settle(pilot)
        assert "does not exist" in str(app.screen.query_one("#picture-problem").render())


@pytest.fixture
def slow_file(monkeypatch):
    """load_picture made slow: it waits for ``release`` (set it), then gives a 12x12 picture
    named after the file; ``calls`` records what it was asked."""
    import threading
    from types import SimpleNamespace

    import cnn_tui.pictures as pictures

    slow = SimpleNamespace(release=threading.Event(), calls=[])

    def slow_load(path, side=None):
        slow.calls.append((path, side))
        slow.release.wait(10)
        return pictures.Picture(path.split(".")[0], ring(12, 12), "image")

    monkeypatch.setattr(pictures, "load_picture", slow_load)
    return slow


async def open_file(app, pilot, path: str, side: str = "") -> None:
    """The palette's file box: ``path`` (and ``side``) typed, enter pressed."""
    app.ask_picture_file()
    await settle(pilot)
    app.screen.query_one("#picture-path").value = path
    app.screen.query_one("#picture-side").value = side
    await pilot.press("enter")
    await settle(pilot)


async def test_a_slow_file_loads_off_the_screen_and_escape_still_cancels(slow_file):
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await open_file(app, pilot, "slow.png", "12")
        # still loading: the box says so, its inputs wait, the app goes on drawing
        assert slow_file.calls == [("slow.png", 12)]
        assert "Opening slow.png" in str(app.screen.query_one("#picture-problem").render())
        assert app.screen.query_one("#picture-path").disabled
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.lesson
        slow_file.release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is app.lesson and app.model.picture == "x"   # nothing changed


async def test_a_file_that_loads_later_opens_when_it_is_ready(slow_file):
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await open_file(app, pilot, "later.png")
        assert app.screen is not app.lesson and app.model.picture == "x"
        slow_file.release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is app.lesson and app.model.picture == "later"
        assert app.model.image.shape == (12, 12)


async def test_while_drawing_on_a_large_picture_the_cursor_stays_in_view():
    app = make("convolution", own_picture=own(128))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.press(*"120,101", "enter")            # the window far down and right
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.model.editing
        for keys in (["down"] * 3 + ["right"] * 2, ["down"] * 30, ["right"] * 40):
            await pilot.press(*keys)
            await settle(pilot)
            r, c = app.model.current.bench.cursor
            view = app.lesson.query_one("#image", MatrixView)
            r0, c0 = view._origin
            lines = view.size.height - 1
            assert r0 <= r < r0 + 2 * lines and c0 <= c < c0 + view.size.width, (r, c, r0, c0)


def test_a_cut_caption_still_names_the_part_shown():
    from rich.text import Text

    from cnn_tui.tui.panels.base import crop_caption

    cap = Text("feature map 126x126: 100/15876 filled", style="bold")
    wide = crop_caption(cap, 0, 40, 20, 60, width=80)
    assert wide.plain == "feature map 126x126: 100/15876 filled · rows 0–39, cols 20–59"
    # 40 columns: the caption gives way (cut, with an ellipsis), the rows and columns stay
    assert crop_caption(cap, 0, 40, 20, 60, width=40).plain == (
        "feature map 126… · rows 0–39, cols 20–59")
    # too narrow for the long form: the short one
    assert crop_caption(cap, 0, 40, 20, 60, width=20).plain == "featur… r0–39 c20–59"
    assert crop_caption(cap, 0, 40, 20, 60, width=12).plain == "r0–39 c20–59"   # note alone
    assert cap.plain == "feature map 126x126: 100/15876 filled"       # not changed in place


def test_explanations_give_the_sizes_of_the_picture_open():
    m = LessonModel(chapter="pooling")
    assert "so 7x7 becomes 4x4." in m.current.explain        # the lecture's, on its pictures
    m.set_chapter("stacking")
    assert "each 7x7 map down to 2x2, so three maps give 12 values" in m.current.explain
    # 20x13: a 3x3 window fits 18x11 times; 2x2 pooling (edges kept) -> 9x6, again -> 5x3,
    # three maps of 15 values -> 45
    m.open_picture(ring(20, 13), "mine")
    assert "each 18x11 map down to 5x3, so three maps give 45 values" in m.current.explain
    m.set_chapter("pooling")
    assert "so 18x11 becomes 9x6." in m.current.explain and "7x7" not in m.current.explain
    # 10x12: an 8x10 map, no window hangs over its edge: 4x5
    m.open_picture(ring(10, 12), "even")
    assert m.current.explain.endswith("(or the average). So 8x10 becomes 4x5.")


def test_help_notes_give_the_sizes_of_the_picture_open():
    m = LessonModel(chapter="convolution")
    ch = m.current
    assert ch.more_text == ch.more and ch.more.startswith(
        "A 9x9 picture and a 3x3 feature give 7x7 window positions, so a 7x7 map.")
    # 18x11: a 3x3 window fits 16x9 times
    m.open_picture(ring(18, 11), "mine")
    assert m.current.more_text.startswith(
        "An 18x11 picture and a 3x3 feature give 16x9 window positions, so a 16x9 map.")
    # padding 1, k 3: rows 18 -> 18, 9, 6, 5 for strides 1-4 (floor(17/s) + 1); columns 11
    # -> 11, 6, 4, 3 (floor(10/s) + 1)
    m.set_chapter("padding")
    assert ("With padding 1 an 18x11 picture keeps its size under a 3x3 window (stride 1). A "
            "larger stride skips positions and shrinks the map: 18x11, 9x6, 6x4, 5x3 for "
            "strides 1 to 4.") in m.current.more_text
    # 10x10: an 8x8 map; at padding 1: 10, 5 (floor(9/2) + 1), 4, 3 cells
    m.open_picture(ring(10, 10), "ten")
    assert "shrinks the map: 10, 5, 4, 3 cells for strides" in m.current.more_text
    m.set_chapter("convolution")
    assert "give 8x8 window positions, so an 8x8 map." in m.current.more_text


async def test_the_help_screen_gives_the_sizes_of_the_picture_open():
    app = make("convolution", own_picture=own(18, 11))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "An 18x11 picture and a 3x3 feature give 16x9 window positions" in text
        assert "9x9 picture" not in text


async def test_the_screen_shows_the_explanation_for_the_picture_open():
    app = make("pooling", own_picture=own(20, 13))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "so 18x11 becomes 9x6" in text and "7x7 becomes" not in text


@pytest.mark.parametrize("frac, lower", [(0.0, 0), (0.25, 0), (0.75, 1)])
async def test_a_click_on_half_blocks_picks_the_half_a_pixel_mouse_reports(frac, lower):
    # The mouse goes down and up as a terminal reports it, through the app (a terminal in
    # pixel mode gives fractions of a character; others whole characters, as 0.0 here).
    from textual import events

    app = make("convolution", own_picture=own(64))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        view = app.lesson.query_one("#map", MatrixView)
        assert view._pixels and view._caption_lines == 1
        r0, c0 = view._origin
        x, y = view.region.x + 5, view.region.y + 3 + frac
        for kind in (events.MouseDown, events.MouseUp):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False,
                                  screen_x=x, screen_y=y))
            await pilot.pause()
        await settle(pilot)
        # character line 3 is the third under the caption: cells 2*2 and 2*2+1 from the top
        assert app.model.conv_cell == (r0 + 4 + lower, c0 + 5)


async def test_a_file_that_loads_under_another_screen_waits_for_it_to_close(slow_file):
    from textual.command import CommandPalette

    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await open_file(app, pilot, "later.png")
        app.action_command_palette()          # the palette opens over the file box
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        slow_file.release.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        # the load did not close the palette (dismiss closes the top screen)
        assert isinstance(app.screen, CommandPalette) and app.model.picture == "x"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.lesson and app.model.picture == "later"
