"""render.py: one Text per matrix; pictures readable without colour; the CLI's default unchanged."""

import numpy as np

from cnn_tui.render import HIGHLIGHT, OUTLINE, _picture_row, matrix_text, picture_text


def test_matrix_text_default_layout_is_unchanged():
    t = matrix_text([[1, -1], [2, 3]])
    assert t.plain == "  1  -1 \n  2   3 "                 # one space each side, right-aligned


def test_matrix_text_gap_one():
    t = matrix_text([[5 / 9, -1 / 9]], gap=1)
    assert t.plain == "  0.55 -0.11"


def test_matrix_text_outline_and_highlight_colours():
    t = matrix_text([[0.5, 0.25]], outline=[(0, 0)], highlight=[(0, 1)])
    styles = [span.style for span in t.spans]
    assert styles[0].bgcolor.name == OUTLINE and styles[1].bgcolor.name == HIGHLIGHT


def test_picture_text_characters():
    img = np.array([[1, -1, -1], [-1, 1, -1]])
    t = picture_text(img, outline=[(0, 0), (0, 1)], highlight=[(1, 2)], dim=[(1, 0)])
    assert t.plain == "▓▓░░  \n··██<>"
    t = picture_text(img, highlight=[(0, 2)], mark="!!")
    assert t.plain.split("\n")[0] == "██  !!"


def test_nan_cells_are_dots():
    t = matrix_text([[np.nan, 1.0]], style="lecture")
    assert "·" in t.plain and "1.00" in t.plain


def test_picture_rows_remembered_never_show_another_window():
    """picture_text remembers rows it drew: a window stepping over a picture (every mode) draws
    each position as a first drawing of it does."""
    pic = np.where(np.arange(81).reshape(9, 9) % 3 == 0, 1.0, -1.0)
    pic[4, 4] = 0.5
    positions = [[(r + i, c + j) for i in range(3) for j in range(3)]
                 for r in range(7) for c in range(7)]
    for numbers in ("blocks", "numbers", "both"):
        for outline in positions + positions[::-1]:
            seen = picture_text(pic, outline=outline, highlight=[outline[4]], numbers=numbers)
            _picture_row.cache_clear()
            first = picture_text(pic, outline=outline, highlight=[outline[4]], numbers=numbers)
            assert (seen.plain, seen.spans) == (first.plain, first.spans)
            picture_text(pic, outline=positions[0], numbers=numbers)    # other rows remembered


def test_negative_zero_pixels_keep_their_sign_after_a_zero_row_was_drawn():
    zeros = np.zeros((2, 2))
    assert picture_text(zeros, numbers="numbers").plain == " 0 0\n 0 0"
    assert picture_text(-zeros, numbers="numbers").plain == "-0-0\n-0-0"    # as pixel_number(-0.0)
