"""The quiz screen's feedback: a slip and a hint first, the worked answer only after `w` or a
second wrong try, always in view at 80x24; puzzles open at their top; grids grow with the
terminal."""

from __future__ import annotations

import re

from textual.containers import VerticalScroll
from textual.widgets import Static

from cnn_tui.tui.headless import screen_text
from cnn_tui.tui.widgets.quiz_grid import QuizGrid, zoom_for

from quiz_apps import QuizTestApp

SMALL = (80, 24)
# The crossing of the X against the diagonal feature: 7 pixels agree and 2 differ, 5/9.
CROSSING = "window-partial-match"
ITS_VALUE = ("5/9", "0.55", "0.56")


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


def states(text: str, number: str) -> bool:
    return re.search(rf"(?<![\w.\-/]){re.escape(number)}(?![\w/]|\.\d)", text) is not None


def on_screen(app) -> str:
    """The screen's text, its lines joined by single spaces (wrapped sentences read whole)."""
    return " ".join(screen_text(app).split())


async def answer(pilot, text: str) -> None:
    await pilot.press(*["slash" if ch == "/" else ch for ch in text], "enter")
    await pilot.pause()


async def test_first_wrong_try_names_the_slip_and_hides_the_value(tmp_path):
    app = QuizTestApp(tmp_path, start=CROSSING)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await answer(pilot, "5")                     # the sum, not divided by 9
        screen = app.screen
        shown = on_screen(app)
        assert "Not right yet" in shown
        assert "did not divide by the 9" in shown    # the slip, in view at 80x24
        assert "Hint 1/3" in shown                   # then a hint
        assert text_of(screen, "#quiz-working") == ""
        for v in ITS_VALUE:                          # nothing on screen gives the value away
            assert not states(shown, v), v


async def test_the_worked_answer_comes_with_w(tmp_path):
    app = QuizTestApp(tmp_path, start=CROSSING)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await answer(pilot, "5")
        await pilot.press("w")
        await pilot.pause()
        assert text_of(app.screen, "#quiz-working").endswith("/ 9 = 5/9 = 0.55")
        assert "= 5/9 = 0.55" in on_screen(app)      # and it is in view


async def test_the_worked_answer_comes_after_the_second_wrong_try(tmp_path):
    app = QuizTestApp(tmp_path, start=CROSSING)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await answer(pilot, "0.3")                   # an unrelated wrong value: no slip
        shown = on_screen(app)
        assert "Not right yet" in shown and "looks like" not in shown
        assert text_of(app.screen, "#quiz-working") == ""
        await pilot.press("enter")                   # the same wrong value again
        await pilot.pause()
        shown = on_screen(app)
        assert "The worked answer is below" in shown
        assert "= 5/9 = 0.55" in shown               # verdict and working both in view


async def test_verdict_in_view_at_80x24_on_a_9x9_puzzle(tmp_path):
    # The O against the diagonal feature: two cells of its 7x7 map, under a 9x9 picture.
    app = QuizTestApp(tmp_path, start="window-o")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("9", "tab", "9", "enter")
        await pilot.pause()
        shown = on_screen(app)
        assert "0 of 2 cells right" in shown
        grid = app.screen.query_one(QuizGrid)
        assert grid.cursor == (1, 5)
        # The red cell is in view too: its row of the grid is inside the scrolled body.
        body = app.screen.query_one("#quiz-body", VerticalScroll)
        row = grid.region.y + grid.cursor_lines()[0]
        assert body.region.y <= row < body.region.bottom


async def test_n_opens_the_next_puzzle_at_its_top(tmp_path):
    app = QuizTestApp(tmp_path, start="window-perfect-match")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await answer(pilot, "9")
        await pilot.press("enter")                   # two wrong tries: scrolled down to them
        await pilot.pause()
        body = app.screen.query_one("#quiz-body", VerticalScroll)
        assert body.scroll_y > 0
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[0].lstrip().startswith("Quiz 4/37")
        assert lines[1].strip() == "Where the strokes cross"   # the title first, whole
        assert body.scroll_y == 0


async def test_titles_and_the_head_fit_80_columns(tmp_path):
    app = QuizTestApp(tmp_path, start="practice")          # the longest bundled title
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[1].strip() == "The lecture's practice: a whole convolution"
        assert "score 0/37" in lines[0] and "…" not in lines[0]


def grid_size(app) -> tuple[int, int]:
    picture = app.screen.query(".quiz-matrix-values").results(Static)
    region = next(iter(picture)).region
    return region.width, region.height


async def picture_size(tmp_path, size) -> tuple[int, int]:
    app = QuizTestApp(tmp_path, start=CROSSING)            # the 9x9 X
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        return grid_size(app)


async def test_the_picture_grid_grows_with_the_terminal(tmp_path):
    small = await picture_size(tmp_path / "a", SMALL)
    large = await picture_size(tmp_path / "b", (160, 48))
    # At 80x24 the 9x9 picture takes 4 columns a pixel ("  -1") and one line a row.
    assert small == (36, 9)
    assert large[0] >= 2 * small[0] and large[1] >= 2 * small[1]


async def test_the_zoom_follows_a_live_resize(tmp_path):
    app = QuizTestApp(tmp_path, start=CROSSING)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.pause()
        assert grid_size(app) == (72, 18)
        assert app.screen.query_one(QuizGrid).zoom == 2
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert grid_size(app) == (36, 9)


def test_zoom_steps():
    assert [zoom_for(*s) for s in [(44, 20), (80, 24), (159, 48), (160, 47), (160, 48),
                                   (240, 72), (500, 200)]] == [1, 1, 1, 1, 2, 3, 3]


async def test_vote_positions_are_numbered_from_1_on_screen(tmp_path):
    app = QuizTestApp(tmp_path, start="vote-x")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        labels = next(line for line in shown.splitlines() if line.split()[:2] == ["1", "2"])
        assert labels.split() == [str(i) for i in range(1, 13)]


async def test_the_app_zoom_keys_reach_the_quiz(tmp_path):
    """The app's ``>`` and ``<`` (its zoom override) redraw the quiz's grids too."""
    from cnn_tui.quiz.options import QuizOptions
    from cnn_tui.tui.app import CnnTuiApp

    from quiz_apps import PUZZLES

    options = QuizOptions(data_dir=str(tmp_path), puzzles_dir=str(PUZZLES), start=CROSSING)
    app = CnnTuiApp(start="quiz", quiz_options=options, play_interval=60.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert grid_size(app) == (36, 9)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.pause()
        assert grid_size(app) == (72, 18)
        await pilot.press("less_than_sign")
        await pilot.pause()
        await pilot.pause()
        assert grid_size(app) == (36, 9)


async def test_zoom_keys_in_the_quiz_say_what_they_did_and_never_run_away(tmp_path):
    from cnn_tui.quiz.options import QuizOptions
    from cnn_tui.tui.app import CnnTuiApp
    from quiz_apps import PUZZLES

    options = QuizOptions(data_dir=str(tmp_path), puzzles_dir=str(PUZZLES),
                          start="window-partial-match")
    app = CnnTuiApp(start="quiz", quiz_options=options, play_interval=60.0)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("greater_than_sign")
            await pilot.pause()
        # 80x24 has room for zoom 1 only (a 9x9 grid of -1s is 36 columns at zoom 1, 72 at 2
        # beside the kernel): the offset starts again from what fits
        assert app.zoom_offset == 0
        assert any("does not fit this puzzle" in str(n.message) for n in app._notifications)
