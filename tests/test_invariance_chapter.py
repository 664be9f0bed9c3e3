"""The "invariance" chapter: a moved picture gives a moved map (the filter), and mostly the same
pooled values (pooling), counted cell by cell.

References are plain Python loops written here: moving a drawing on paper, the lecture's
filtering (multiply, add, divide by 9), ReLU and 2x2 max pooling with stride 2 that keeps the
partial windows at the border (7x7 -> 4x4). Pictures and features come from the tests' own copy
of the lecture (tests/golden/lecture.toml).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from cnn_tui.lecture.data import IMAGES
from cnn_tui.lesson.chapters.invariance import shifted
from cnn_tui.lesson.model import LessonModel
from cnn_tui.lesson.workbench import ModelError

GOLDEN = Path(__file__).resolve().parent / "golden" / "lecture.toml"
with open(GOLDEN, "rb") as fh:
    LECTURE = tomllib.load(fh)
X = LECTURE["images"]["x"]
O = LECTURE["images"]["o"]
FEATURES = LECTURE["features"]
MOVES = {"right": (0, 1), "down": (1, 0), "left": (0, -1), "up": (-1, 0)}


# ---------------------------------------------------------------------- plain-loop references
def move_ref(img, dr, dc):
    """The drawing moved on paper: a pixel comes from (r - dr, c - dc); outside it, paper -1."""
    rows, cols = len(img), len(img[0])
    return [[img[r - dr][c - dc] if 0 <= r - dr < rows and 0 <= c - dc < cols else -1
             for c in range(cols)] for r in range(rows)]


def filter_ref(img, k):
    """Line up, multiply, add, divide by 9, at every position; then ReLU."""
    n = len(img) - 2
    out = []
    for r in range(n):
        row = []
        for c in range(n):
            s = 0
            for i in range(3):
                for j in range(3):
                    s += img[r + i][c + j] * k[i][j]
            row.append(max(s / 9, 0.0))
        out.append(row)
    return out


def maxpool_ref(m):
    """2x2 windows, stride 2; a window over the edge takes only the cells it covers."""
    n = len(m)
    size = (n + 1) // 2
    out = []
    for i in range(size):
        row = []
        for j in range(size):
            cells = [m[r][c] for r in range(2 * i, min(2 * i + 2, n))
                     for c in range(2 * j, min(2 * j + 2, n))]
            row.append(max(cells))
        out.append(row)
    return out


def equal_cells(a, b):
    return sum(1 for ra, rb in zip(a, b) for va, vb in zip(ra, rb) if abs(va - vb) < 1e-9)


def model(picture="x", shift="right", feature="diag"):
    m = LessonModel(chapter="invariance", picture=picture, feature=feature)
    m.current.choose_shift(shift)
    return m


# ---------------------------------------------------------------------- the moved picture
@pytest.mark.parametrize("picture", ["x", "o"])
@pytest.mark.parametrize("shift", list(MOVES))
def test_the_copy_is_the_drawing_moved_one_pixel_on_paper(picture, shift):
    img = {"x": X, "o": O}[picture]
    m = model(picture, shift)
    assert m.moved_image.tolist() == move_ref(img, *MOVES[shift])


def test_x_moved_right_is_the_lessons_x_right_and_o_moved_down_is_o_down():
    assert model("x", "right").moved_name == "x_right"
    assert move_ref(X, 0, 1) == IMAGES["x_right"].tolist()
    assert model("o", "down").moved_name == "o_down"
    assert model("o", "left").moved_name == "o_left"


def test_nothing_wraps_round_what_leaves_the_frame_is_lost():
    # x_big has ink in the corners: moved right, its right column (ink at rows 0 and 8) leaves
    # the frame, and the uncovered left column is all paper -- not the old right column
    m = model("x_big", "right")
    img = m.moved_image
    assert img[:, 0].tolist() == [-1] * 9
    assert img[0, 8] == -1 and img[0, 1] == 1
    assert m.lost_ink == 2
    assert shifted(np.array([[1, -1], [-1, 1]]), 0, 1).tolist() == [[-1, 1], [-1, -1]]


# ---------------------------------------------------------------------- the filter: the map moves
@pytest.mark.parametrize("shift", list(MOVES))
def test_the_moved_pictures_map_is_the_original_map_moved_one_cell(shift):
    m = model("x", shift)
    dr, dc = MOVES[shift]
    original = filter_ref(X, FEATURES["diag"])
    moved = filter_ref(move_ref(X, dr, dc), FEATURES["diag"])
    assert m.original_map == pytest.approx(np.array(original))
    assert m.moved_map == pytest.approx(np.array(moved))
    # every cell of the moved map that has an original cell one move back holds its value
    same = shared = 0
    for r in range(7):
        for c in range(7):
            if 0 <= r - dr < 7 and 0 <= c - dc < 7:
                shared += 1
                same += abs(moved[r][c] - original[r - dr][c - dc]) < 1e-9
    assert (same, shared) == (42, 42)       # 7x7 less the one new row or column of 7
    mv = m.map_move
    assert (mv.equal, mv.shared, len(mv.new)) == (same, shared, 7)


def test_the_new_cells_are_the_uncovered_edge():
    assert set(model("x", "right").map_move.new) == {(r, 0) for r in range(7)}
    assert set(model("x", "up").map_move.new) == {(6, c) for c in range(7)}


# ---------------------------------------------------------------------- pooling: mostly the same
def pooled_equal_ref(img, shift, feature):
    dr, dc = MOVES[shift]
    k = FEATURES[feature]
    a = maxpool_ref(filter_ref(img, k))
    b = maxpool_ref(filter_ref(move_ref(img, dr, dc), k))
    return equal_cells(a, b), a, b


def test_x_against_x_right_keeps_7_of_16_pooled_diag_values():
    count, a, b = pooled_equal_ref(X, "right", "diag")
    # the same count against the lesson's own x_right picture
    assert equal_cells(a, maxpool_ref(filter_ref(IMAGES["x_right"].tolist(),
                                                 FEATURES["diag"]))) == count
    m = model("x", "right", "diag")
    assert m.original_pooled == pytest.approx(np.array(a))
    assert m.moved_pooled == pytest.approx(np.array(b))
    assert (m.pooled_equal, m.pooled_cells) == (count, 16)
    assert count == 7
    assert len(m.pooled_differ) == 16 - count


def test_a_move_left_crosses_more_block_borders_fewer_cells_stay():
    right, _, _ = pooled_equal_ref(X, "right", "diag")
    left, _, _ = pooled_equal_ref(X, "left", "diag")
    assert left < right
    assert model("x", "left", "diag").pooled_equal == left == 2


@pytest.mark.parametrize("picture", ["x", "o"])
@pytest.mark.parametrize("feature", ["diag", "x", "anti"])
@pytest.mark.parametrize("shift", list(MOVES))
def test_every_count_matches_the_plain_loops(picture, feature, shift):
    img = {"x": X, "o": O}[picture]
    count, a, b = pooled_equal_ref(img, shift, feature)
    m = model(picture, shift, feature)
    assert m.pooled_equal == count
    differ = [(i, j) for i in range(4) for j in range(4) if abs(a[i][j] - b[i][j]) >= 1e-9]
    assert m.pooled_differ == differ
    # pooled again (4x4 -> 2x2): compared the same way
    assert m.pooled_twice_same == (equal_cells(maxpool_ref(a), maxpool_ref(b)), 4)


def test_the_answer_does_not_change_for_the_lessons_moved_pictures():
    for picture, shift, label in [("x", "right", "X"), ("x", "up", "X"), ("o", "down", "O"),
                                  ("o", "left", "O")]:
        m = model(picture, shift)
        assert m.moved_result.prediction == label and m.same_answer, (picture, shift)


# ---------------------------------------------------------------------- keys and settings
def test_right_and_left_run_through_the_moves_and_reset_goes_back():
    m = LessonModel(chapter="invariance")
    assert m.shift == "right" and not m.steps_through
    seen = [m.shift]
    for _ in range(4):
        m.step()
        seen.append(m.shift)
    assert seen == ["right", "down", "left", "up", "right"]
    m.back()
    assert m.shift == "up" and "moved up" in m.current.title_info
    m.reset()
    assert m.shift == "right"
    with pytest.raises(ModelError, match="unknown move"):
        m.current.choose_shift("sideways")


def test_the_map_follows_the_learners_drawing():
    m = LessonModel(chapter="invariance")
    m.toggle_pixel((4, 0))                      # a new ink pixel on the left edge
    assert m.picture == "custom"
    assert m.moved_image[4, 1] == 1 and m.moved_name is None
    mv = m.current.map_move
    assert mv.equal == mv.shared == 42


def test_a_fainter_picture_is_moved_on_its_own_fainter_paper():
    # x_faint is the X at half strength (ink +0.5, paper -0.5): the strip a move uncovers is
    # its own paper, so the moved copy is exactly the faint X moved, and every count is the
    # full-strength X's (all values halve; equal stays equal)
    faint = [[v / 2 for v in row] for row in X]
    for shift, (dr, dc) in MOVES.items():
        m = model("x_faint", shift)
        moved = [[v / 2 for v in row] for row in move_ref(X, dr, dc)]
        assert m.moved_image.tolist() == moved
        count, _, _ = pooled_equal_ref(X, shift, "diag")
        assert m.pooled_equal == count
        assert m.map_move.equal == m.map_move.shared == 42
    assert model("x_faint").image.tolist() == faint
