"""Counts agree with their nouns and verbs on screen (1 perfect fit, 1 cell lies)."""

from __future__ import annotations

import pytest

from lesson_apps import flat, headless

pytestmark = pytest.mark.app


def test_one_perfect_fit_is_singular(capsys):
    code, out, _ = headless(capsys, screen="features", keys="f")       # feature x on picture x
    assert code == 0 and "x map: 1 perfect fit (1.00)" in out and "1 perfect fits" not in out
    # diag on x: count the perfect fits by hand, window by window
    from cnn_tui.lecture.data import FEATURES, IMAGES

    img, k = IMAGES["x"], FEATURES["diag"]
    fits = sum(all(img[r + a][c + b] == k[a][b] for a in range(3) for b in range(3))
               for r in range(7) for c in range(7))
    assert fits > 1
    code, out, _ = headless(capsys, screen="features")
    assert f"diag map: {fits} perfect fits (1.00)" in out


def test_a_partial_window_of_one_cell_says_lies(capsys):
    # 7x7 -> 4x4 pooling: the 16th window (bottom-right corner) covers 1 real cell of 4
    code, out, _ = headless(capsys, screen="pooling", keys=" ".join(["right"] * 16))
    text = flat(out)
    assert code == 0 and "only 1 of its 4 cells lies on the map" in text
    code, out, _ = headless(capsys, screen="pooling", keys=" ".join(["right"] * 4))
    assert "only 2 of its 4 cells lie on the map" in flat(out)


def test_fractions_say_the_quotient_once(capsys):
    # window (0, 0) of picture x with diag: the sum of the nine products, counted here by hand
    from cnn_tui.lecture.data import FEATURES, IMAGES

    img, k = IMAGES["x"], FEATURES["diag"]
    total = sum(int(img[a][b] * k[a][b]) for a in range(3) for b in range(3))
    # the chapter opens on the lecture's window (1, 1): g 0,0 goes to window (0, 0)
    code, out, _ = headless(capsys, screen="filtering", keys="d g 0 comma 0 enter")
    assert code == 0 and f"Divide by 9: {total}/9\n" in out + "\n"
    assert f"{total}/9 = {total}/9" not in out
    code, out, _ = headless(capsys, screen="filtering", keys="g 0 comma 0 enter")
    assert f"Divide by 9: {total}/9 = 0." in out


def test_drawing_has_a_footer_and_a_hint_of_its_own(capsys):
    code, out, _ = headless(capsys, screen="convolution", keys="e")
    footer = out.rstrip("\n").splitlines()[-1]
    assert code == 0 and "Move" in footer and "Toggle" in footer and "Done" in footer
    assert "Step" not in footer and "Play" not in footer
    # the hint stays while drawing, toggle after toggle
    code, out, _ = headless(capsys, screen="convolution", keys="e space right space")
    assert "Drawing: arrows move the yellow cursor" in out
    code, out, _ = headless(capsys, screen="convolution", keys="e space escape")
    footer = out.rstrip("\n").splitlines()[-1]
    assert "Drawing:" not in out and "Step" in footer and "Toggle" not in footer


def test_the_quiz_shows_the_way_back_to_the_lesson(capsys):
    code, out, _ = headless(capsys, screen="convolution", keys="z")
    assert code == 0 and "esc Lesson" in out.rstrip("\n").splitlines()[-1]
    code, out, _ = headless(capsys, screen="convolution", keys="z escape")
    assert "Convolution" in out.splitlines()[0] and "esc Lesson" not in out


def test_a_long_picture_description_wraps_instead_of_being_cut(capsys):
    code, out, _ = headless(capsys, screen="literal", keys="right", size=(80, 24))
    assert code == 0 and "x_upleft: X moved one pixel up and one left" in flat(out)
    assert all(len(line) <= 80 for line in out.splitlines())
    assert len(out.rstrip("\n").splitlines()) <= 24
