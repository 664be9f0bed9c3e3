"""The edges chapter opens on the envelope, where each edge kernel finds its own strokes.

Maps are checked against a plain-loop convolution written here; the strokes' pixels are written
by hand from the drawing in cnn_tui/lecture/data.py."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.lecture.data import IMAGES
from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.headless import screen_text

from lesson_apps import flat, make

KERNELS = {   # the lecture's edge kernels, by hand
    "horizontal": [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]],
    "vertical": [[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]],
    "deg45": [[-1, -1, 2], [-1, 2, -1], [2, -1, -1]],
    "deg135": [[2, -1, -1], [-1, 2, -1], [-1, -1, 2]],
}
# The envelope's strokes (row, column of the picture, from 0), by direction.
STROKES = {
    "horizontal": {(1, c) for c in range(1, 8)} | {(7, c) for c in range(1, 8)},
    "vertical": {(r, 1) for r in range(1, 8)} | {(r, 7) for r in range(1, 8)},
    "deg135": {(1, 1), (2, 2), (3, 3), (4, 4)},      # the flap's left slope "\"
    "deg45": {(4, 4), (3, 5), (2, 6), (1, 7)},       # the flap's right slope "/"
}


def loop_conv_sum(img, k):
    n = len(img)
    return [[sum(img[r + i][c + j] * k[i][j] for i in range(3) for j in range(3))
             for c in range(n - 2)] for r in range(n - 2)]


@pytest.mark.parametrize("name", list(KERNELS))
def test_each_kernel_peaks_on_the_strokes_of_its_direction(name):
    img = IMAGES["envelope"].tolist()
    m = loop_conv_sum(img, KERNELS[name])
    top = max(max(row) for row in m)
    assert top == 12                      # 3 x 2 on ink and 6 x 1 on paper: every product > 0
    centres = {(r + 1, c + 1) for r in range(7) for c in range(7) if m[r][c] == top}
    assert centres and centres <= STROKES[name]
    # off its own strokes it answers at most half as strongly
    rest = [m[r - 1][c - 1] for r in range(1, 8) for c in range(1, 8)
            if (r, c) not in STROKES[name]]
    assert max(rest) <= 6
    # and the chapter shows the same map and the same peaks
    model = LessonModel(chapter="edges")
    assert np.array_equal(model.edge_map(name), m)
    assert set(model.current.edge_peak_pixels(name)) == centres


def test_the_peak_sentence_names_the_strokes():
    m = LessonModel(chapter="edges")
    ch = m.current
    assert ch.edge_peak_sentence("horizontal") == (
        "horizontal —: strongest answer 12 with the window centred on pixels (1,4) (7,3) "
        "(7,4) (7,5): on the top edge and the bottom edge. At most 6 anywhere else.")
    assert ch.edge_peak_sentence("deg45").startswith(
        "deg45 /: strongest answer 12 with the window centred on pixel (3,5): on the flap's "
        "right slope.")
    assert "on the left side and the right side" in ch.edge_peak_sentence("vertical")
    assert "on the flap's left slope" in ch.edge_peak_sentence("deg135")


def test_the_chapter_opens_on_the_envelope_and_r_brings_it_back():
    m = LessonModel(chapter="edges")
    assert m.picture == "envelope" and np.array_equal(m.image, IMAGES["envelope"])
    assert m.current.offers_action("reset")
    m.next_picture()                       # i: the chapter's own picture changes ...
    m.next_feature()
    assert m.picture != "envelope" and m.edge == "vertical"
    m.toggle_pixel((0, 0))                 # ... and e draws on it
    assert m.picture == "custom"
    m.reset()
    assert m.picture == "envelope" and np.array_equal(m.image, IMAGES["envelope"])
    assert m.edge == "horizontal"


def test_the_chapters_picture_leaves_the_shared_one_alone():
    m = LessonModel(chapter="literal")
    assert m.picture == "x"
    m.set_chapter("edges")
    assert m.picture == "envelope"
    m.set_picture("o")
    m.toggle_pixel((0, 0))
    m.set_chapter("convolution")
    assert m.picture == "x" and np.array_equal(m.image, IMAGES["x"])
    m.set_picture("x_faint")
    m.set_chapter("edges")                 # the chapter's own drawing is still there
    assert m.picture == "custom" and m.image[0, 0] == 1 and m.image[1, 3] == 1
    m.set_chapter("votes")
    assert m.picture == "x_faint"


def test_on_the_x_horizontal_and_vertical_answer_beside_the_crossing():
    m = LessonModel(chapter="edges")
    m.set_picture("x")
    ch = m.current
    # by hand: the window centred on (3,4) holds rows 2-4, columns 3-5 of the X:
    # top . . . (-1 x -1 x 3 = 3), middle # . # (2 - 2 + 2 = 2), bottom . # . (1 - 1 + 1 = 1)
    assert ch.edge_peak_sentence("horizontal") == (
        "horizontal —: strongest answer 6 with the window centred on pixels (3,4) (5,4).")


async def test_the_edges_screen_at_80x24_shows_the_envelope_and_where_it_peaks():
    app = make("edges")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "picture envelope" in text
        assert max(len(line) for line in text.splitlines()) <= 80
        said = flat(text)
        assert ("strongest answer 12 with the window centred on pixels (1,4) (7,3) (7,4) (7,5): "
                "on the top edge and the bottom edge.") in said
        await pilot.press("f")
        assert "on the left side and the right side" in flat(screen_text(app))
        await pilot.press("i")
        assert "picture envelope" not in screen_text(app)
        await pilot.press("r")
        text = flat(screen_text(app))
        assert "picture envelope" in text and "on the top edge and the bottom edge" in text


async def test_the_palette_offers_the_envelope_and_the_fainter_pictures():
    from cnn_tui.tui.commands import LessonCommands

    app = make("votes")
    async with app.run_test(size=(100, 36)) as pilot:
        provider = LessonCommands(app.screen)
        found = {str(h.text): h for h in [h async for h in provider.discover()]}
        for name in ("x_faint", "o_faint_ink", "envelope"):
            assert f"Picture: {name}" in found
        assert "halve" in found["Picture: x_faint"].help
        found["Picture: x_faint"].command()
        await pilot.pause()
        said = flat(screen_text(app))
        assert app.model.picture == "x_faint" and "picture x_faint" in said
        # the lecture's X votes 1.00 and 5/9; the fainter X half of each
        assert app.model.pipeline.votes == pytest.approx({"X": 0.5, "O": 5 / 18})
