"""Fainter pictures on the screens that draw them: the products grid, the padded picture, the
literal chapter's sentence, drawing on a picture of uneven contrast, and the edges chapter's own
picture read from anywhere. Expected values are worked by hand in each test."""

from __future__ import annotations

import numpy as np

from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.panels.base import products_text


def test_faint_products_stay_two_columns_a_cell():
    # x_faint at the first window of diag: the diagonal is ink (+0.5 x +1), the rest paper
    # (-0.5 x -1): nine products of +0.5, written +½ so the grid keeps its width
    m = LessonModel("filtering", picture="x_faint")
    tr = m.trace((1, 1))
    assert tr.products.tolist() == [[0.5] * 3] * 3
    lines = products_text(tr).plain.split("\n")
    assert len(lines) == 3 and all(line.split() == ["+½"] * 3 for line in lines)
    full = products_text(LessonModel("filtering", picture="x").trace((1, 1))).plain
    assert [len(line) for line in lines] == [len(line) for line in full.split("\n")]


def test_the_padded_picture_keeps_faint_values_and_shows_the_pad_value():
    from cnn_tui.render import picture_text

    m = LessonModel("padding", picture="x_faint")
    m.padding = 1
    padded = m.padded_image
    assert padded.shape == (11, 11)
    assert padded[0].tolist() == [0.0] * 11                 # the pad value 0
    assert padded[2, 2] == 0.5 and padded[1, 1] == -0.5      # ink (1,1) and paper (0,0)
    text = picture_text(padded, dim=m.border_cells, numbers="numbers").plain.split("\n")
    cells = [[line[i:i + 2] for i in range(0, len(line), 2)] for line in text]  # 2 columns each
    assert cells[0] == [" 0"] * 11
    assert cells[2][:4] == [" 0", "-½", "+½", "-½"]


def test_an_o_against_the_faint_x_names_the_difference_in_strength():
    m = LessonModel("literal", picture="o")
    m.compare = "x_faint"
    m.changed()
    assert m.agree_count == 0               # no pixel is -1 or +1 in x_faint
    assert "differ in strength" in m.verdict_sentence and "yet 0 pixels" not in m.verdict_sentence


def test_drawing_on_faint_ink_uses_the_pictures_own_ink_and_paper():
    # o_faint_ink: ink +0.5 on paper -1; a paper pixel becomes its ink, ink becomes its paper
    m = LessonModel("filtering", picture="o_faint_ink")
    assert m.image[0, 0] == -1.0 and m.image[1, 3] == 0.5
    m.toggle_pixel((0, 0))
    assert m.image[0, 0] == 0.5
    m.toggle_pixel((1, 3))
    assert m.image[1, 3] == -1.0
    m = LessonModel("filtering", picture="x")
    m.toggle_pixel((0, 0))
    assert m.image[0, 0] == 1 and m.image.dtype == np.int8


def test_the_edges_chapter_reads_its_own_picture_from_any_chapter():
    # the envelope's top edge (row 1) is ink: the horizontal kernel's sum there is 12, whichever
    # chapter is open (the shared picture is the X)
    m = LessonModel("votes")
    edges = m.chapters["edges"]
    assert m.picture == "x"
    assert edges.edge_picture[0] == "envelope"
    assert float(np.max(edges.edge_map("horizontal"))) == 12.0
    assert edges.edge_strokes


def test_a_faint_picture_stays_faint_however_much_is_drawn():
    # erase every ink pixel of x_faint, then draw one: it comes back as +0.5, not +1
    m = LessonModel("filtering", picture="x_faint")
    for r, c in zip(*np.nonzero(m.image > 0)):
        m.toggle_pixel((int(r), int(c)))
    assert set(m.image.ravel().tolist()) == {-0.5}
    m.toggle_pixel((0, 0))
    assert m.image[0, 0] == 0.5
    assert set(m.image.ravel().tolist()) == {-0.5, 0.5}


def test_every_flip_the_lesson_prices_is_the_flip_drawing_makes():
    # the train chapter's "if this pixel flipped" map uses bench.flipped: for each pixel it
    # must be the value toggle_pixel writes (o_faint_ink: +0.5 <-> -1)
    m = LessonModel("filtering", picture="o_faint_ink")
    flipped = m.flipped(m.image)
    assert set(flipped.ravel().tolist()) == {0.5, -1.0}
    for cell in [(0, 0), (1, 3), (4, 1), (8, 8)]:
        before = m.image.copy()
        m.toggle_pixel(cell)
        assert m.image[cell] == flipped[cell]
        m.image = before


def test_same_letter_at_another_strength_says_so():
    m = LessonModel("literal", picture="x_right")
    m.compare = "x_faint"
    m.changed()
    s = m.verdict_sentence
    assert "sees X in both" in s and "differ in strength" in s
