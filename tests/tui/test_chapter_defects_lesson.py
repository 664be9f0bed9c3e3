"""Defects of the votes, filtering, features, relu, stacking and params chapters, each pinned
by a test that failed before its fix.

Expected numbers come from tests/golden/lecture.toml or are worked by hand in the comments.
"""

from __future__ import annotations

import math

import pytest

from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.matrix import MatrixView

from lesson_apps import make


def two(v: float) -> str:
    """Two decimals cut toward zero, as the lecture prints (by hand: no project code)."""
    return f"{math.trunc(round(v * 100, 6)) / 100:.2f}"


# ---------------------------------------------------------------------- votes: the numbers
def test_votes_of_the_lectures_example_print_as_decimals_in_both_styles(lecture):
    """The example's values are decimals: its votes are 0.912 and 0.5175 (lecture.toml), cut to
    0.91 and 0.51 in the lecture's style and written exactly with d; never 207/400."""
    v = lecture["votes"]
    m = LessonModel(chapter="votes", vote_source="future")
    x_terms = [f"{v['new_input'][i]:.2f}" for i in v["x_strong"]]    # 0.90 0.87 0.96 0.89 0.94
    o_terms = [f"{v['new_input'][i]:.2f}" for i in v["o_strong"]]    # 0.65 0.45 0.44 0.53
    sums = {s.name: s for s in m.vote_sums}
    # 0.90 + 0.87 + 0.96 + 0.89 + 0.94 = 4.56; 4.56 / 5 = 0.912 -> 0.91
    assert sums["X"].text == f"X = ({' + '.join(x_terms)}) / 5 = 4.56 / 5 = 0.91"
    # 0.65 + 0.45 + 0.44 + 0.53 = 2.07; 2.07 / 4 = 0.5175 -> 0.51
    assert sums["O"].text == f"O = ({' + '.join(o_terms)}) / 4 = 2.07 / 4 = 0.51"
    assert [sums[n].value for n in "XO"] == pytest.approx([v["new_vote_x"], v["new_vote_o"]])
    m.toggle_style()                    # d: exact
    sums = {s.name: s for s in m.vote_sums}
    assert sums["X"].text.endswith("= 4.56 / 5 = 0.912")
    assert sums["O"].text.endswith("= 2.07 / 4 = 0.5175")
    assert m.vote_text(m.votes["O"]) == "0.5175" and m.value_text(0.65) == "0.65"
    assert "0.912" in m.slide_note and "0.5175" in m.slide_note and ".92" in m.slide_note


def test_votes_of_a_picture_are_written_out_in_the_lessons_style(lecture):
    """Picture x: X hears five values of 9/9, O four of 5/9 (vote_vectors_sum9.x)."""
    m = LessonModel(chapter="votes")
    sums = {s.name: s for s in m.vote_sums}
    assert sums["X"].text == "X = (1.00 + 1.00 + 1.00 + 1.00 + 1.00) / 5 = 5.00 / 5 = 1.00"
    # 0.55 four times adds up to 2.20, not to 20/9: no sum is claimed, only the average
    assert sums["O"].text == "O = (0.55 + 0.55 + 0.55 + 0.55) / 4 = 0.55"
    m.toggle_style()
    sums = {s.name: s for s in m.vote_sums}
    assert sums["X"].text == "X = (1 + 1 + 1 + 1 + 1) / 5 = 5 / 5 = 1"
    # 4 x 5/9 = 20/9; (20/9) / 4 = 5/9
    assert sums["O"].text == "O = (5/9 + 5/9 + 5/9 + 5/9) / 4 = (20/9) / 4 = 5/9"
    # the terms are the vector's values at the strong positions, whatever the picture
    m.set_picture("x_right")
    vec = m.pipeline.vector
    for s, strong in zip(m.vote_sums, (lecture["votes"]["x_strong"], lecture["votes"]["o_strong"])):
        assert list(s.terms) == [m.fmt(vec[i]) for i in strong]
        assert s.value == pytest.approx(sum(vec[i] for i in strong) / len(strong))


def test_vote_positions_count_from_1_to_12(lecture):
    v = lecture["votes"]
    m = LessonModel(chapter="votes")
    assert [row[0] for row in m.vote_rows] == list(range(1, 13))
    assert [lab.name for lab in m.vote_labels] == [f"#{i}" for i in range(1, 13)]
    sums = {s.name: s for s in m.vote_sums}
    assert sums["X"].positions == tuple(i + 1 for i in v["x_strong"])     # 1, 4, 5, 10, 11
    assert sums["O"].positions == tuple(i + 1 for i in v["o_strong"])     # 2, 3, 9, 12
    assert "#1, #4, #5, #10 and #11" in m.current.more and "#2, #3, #9 and #12" in m.current.more


# ---------------------------------------------------------------------- filtering
def test_filtering_opens_on_the_lectures_first_window(lecture):
    first = lecture["windows"][0]                   # diag on x at (1, 1): sum 9, 1.00
    m = LessonModel(chapter="filtering")
    assert m.filter_cell == tuple(first["at"]) and m.filter_stage == 0
    assert m.fmt(m.filter_trace.value) == first["value"]
    m.jump_to((4, 2))
    m.reset()
    assert m.filter_cell == tuple(first["at"]) and m.filter_stage == 0
    m.back()                                        # the windows before it stay reachable
    assert m.filter_cell == (1, 0)


# ---------------------------------------------------------------------- features
def test_features_go_through_the_perfect_fits_one_at_a_time(lecture):
    diag = [(1, 1), (2, 2), (4, 4), (5, 5)]         # the 9s of conv_x_sum9.diag
    assert diag == [(r, c) for r, row in enumerate(lecture["conv_x_sum9"]["diag"])
                    for c, n in enumerate(row) if n == 9]
    m = LessonModel(chapter="features")
    seen = []
    for _ in diag:
        seen.append(m.current_fit)
        r, c = m.current_fit
        # the outline is one window: nine pixels, not the union of every fit
        assert m.current_fit_pixels == [(r + i, c + j) for i in range(3) for j in range(3)]
        m.step()
    assert seen == diag
    assert m.feature == "x" and m.current_fit == (3, 3) and m.fit_number == 1
    m.back()                                        # back to diag's last fit
    assert m.feature == "diag" and m.current_fit == (5, 5) and m.fit_number == 4
    m.next_feature()                                # f: the next feature, its first fit
    assert m.feature == "x" and m.fit_number == 1


def test_features_on_a_picture_without_a_fit():
    m = LessonModel(chapter="features", picture="x_heavy")     # thick strokes: no fit at all
    for feature in ("diag", "x", "anti"):
        assert m.feature == feature and m.perfect_matches() == []
        assert m.current_fit is None and m.current_fit_pixels == [] and m.fit_number == 0
        m.step()                                    # right: straight on to the next feature


# ---------------------------------------------------------------------- stacking
def test_stacking_labels_each_value_with_its_map_cell_and_position(lecture):
    m = LessonModel(chapter="stacking")
    table = m.vector_table
    assert [lab.position for lab, _ in table] == list(range(1, 13))
    assert [lab.feature for lab, _ in table] == ["diag"] * 4 + ["x"] * 4 + ["anti"] * 4
    assert [lab.cell for lab, _ in table] == [(0, 0), (0, 1), (1, 0), (1, 1)] * 3
    assert [v * 9 for _, v in table] == pytest.approx(lecture["vote_vectors_sum9"]["x"])
    # each label points at the value of that map's twice-pooled cell
    for lab, v in table:
        assert m.pipeline.pool2[lab.feature][lab.cell] == pytest.approx(v)


# ---------------------------------------------------------------------- in the app
async def test_votes_screen_shows_the_arithmetic_and_no_mixed_numbers():
    app = make("votes")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "0.5556" not in text and "(1)" not in text
        assert "X = (1.00 + 1.00 + 1.00 + 1.00 + 1.00) / 5 = 5.00 / 5 = 1.00" in text
        assert "O = (0.55 + 0.55 + 0.55 + 0.55) / 4 = 0.55" in text
        assert "#1 #4 #5 #10 #11" in text and "#2 #3 #9 #12" in text
        for i in range(1, 13):
            assert f"#{i} " in text
        await pilot.press("d", "right")             # fractions on, the lecture's example
        text = screen_text(app)
        assert app.model.vote_source == "future"
        assert "207/400" not in text and "13/20" not in text and "9/10" not in text
        assert "O = (0.65 + 0.45 + 0.44 + 0.53) / 4 = 2.07 / 4 = 0.5175" in text
        assert "X = (0.90 + 0.87 + 0.96 + 0.89 + 0.94) / 5 = 4.56 / 5 = 0.912" in text


async def test_filtering_screen_opens_on_window_1_1():
    app = make("filtering")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Window at row 1, column 1" in text and "window (1, 1)" in text


def outlined_pixels(app, view_id="image") -> int:
    """How many pixels of a picture view are drawn as the window (▓▓ ink, ░░ paper)."""
    view = app.screen.query_one(f"#{view_id}", MatrixView)
    r = view.region
    lines = screen_text(app).split("\n")[r.y + view._caption_lines:r.y + r.height]
    cells = "".join(line[r.x:r.x + r.width] for line in lines)
    return (cells.count("▓") + cells.count("░")) // 2


async def test_features_screen_outlines_one_fit_at_a_time():
    app = make("features")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert outlined_pixels(app) == 9            # one window, not four run together
        assert "Fit 1 of 4" in screen_text(app)
        await pilot.press("right")
        assert outlined_pixels(app) == 9 and "Fit 2 of 4" in screen_text(app)
        assert "row 2, column 2" in screen_text(app)


@pytest.mark.parametrize("size,per_cell", [((80, 24), 1), ((120, 40), 2), ((160, 48), 2)])
async def test_relu_stack_thumbnails_have_square_cells(size, per_cell):
    """A square cell is twice as wide (in columns) as tall (in lines): 2 columns x 1 line, or
    1 column x half a line (two cells per character ▀). Thumbnails do not grow with the zoom."""
    app = make("relu")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        for name in ("diag", "x", "anti"):
            view = app.screen.query_one(f"#t-{name}", MatrixView)
            width, height = view.needed
            lines = height - view._caption_lines
            assert width == 7 * per_cell, (name, view.needed)
            assert lines == math.ceil(7 * per_cell / 2), (name, view.needed)
            assert not view.zoomable


async def test_stacking_screen_labels_the_twelve_values(lecture):
    app = make("stacking")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        vec = lecture["vote_vectors_sum9"]["x"]
        for i, n in enumerate(vec):
            assert f"#{i + 1} {two(n / 9)}" in text, i + 1
        assert "diag" in text and "anti" in text and "1,1" in text


async def test_params_lines_fit_80_columns():
    app = make("params")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        # the lecture's contrast breaks at its semicolon, not inside "nine 7x7 kernels"
        assert any("nine 7x7 kernels have 441, however large the picture." in line
                   for line in text.split("\n"))
        await pilot.press("g", *"1000000,1000000,100000,1", "enter")
        await pilot.pause()
        lines = screen_text(app).split("\n")
        assert all(len(line) <= 80 for line in lines)
        # a long layer breaks between its terms: every number stays whole on one line
        assert any("1,000,000 x 1,000,000 = 1,000,000,000,000 weights" in line for line in lines)
        assert any("+ 1,000,000 biases = 1,000,001,000,000" in line for line in lines)
        assert not any(line.rstrip().endswith("+") for line in lines)
