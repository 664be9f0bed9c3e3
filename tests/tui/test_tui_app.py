"""The real app under Textual's pilot: keys, clicks and resizes, checked on the model and screen.

Expected numbers come from tests/golden/lecture.toml or from plain loops written here.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnn_tui.lecture.data import IMAGES
from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.tui.headless import screen_text
from cnn_tui.quiz.options import QuizOptions
from cnn_tui.tui.app import CnnTuiApp
from cnn_tui.tui.screens.lesson import LessonScreen

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:/\d+)?$")


def number_rows(text: str) -> list[str]:
    """Each screen line reduced to its numeric tokens, joined by single spaces."""
    rows = []
    for line in text.splitlines():
        toks = [t for t in line.split() if NUMBER.match(t)]
        if toks:
            rows.append(" ".join(toks))
    return rows


def contains_rows(text: str, rows: list[str]) -> bool:
    screen_rows = number_rows(text)
    return all(any(r in s for s in screen_rows) for r in rows)


def make(start="literal", **kw) -> CnnTuiApp:
    kw.setdefault("play_interval", 0.01)
    return CnnTuiApp(start=start, **kw)


def fmt9(rows) -> list[str]:
    """Numerators over 9 as the lecture prints them (two decimals, cut toward zero), by hand."""
    out = []
    for row in rows:
        cells = []
        for n in row:
            v = int(n * 100 / 9) / 100 if n >= 0 else -int(-n * 100 / 9) / 100
            cells.append(f"{v:.2f}")
        out.append(" ".join(cells))
    return out


async def test_convolution_steps_and_fills_the_lecture_map(lecture):
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        assert "0/49 filled" in screen_text(app)
        await pilot.press("right")
        assert app.model.conv_filled == 1
        text = screen_text(app)
        assert "1/49 filled" in text and "0.77" in text
        await pilot.press(*["right"] * 48)
        text = screen_text(app)
        assert "49/49 filled" in text
        assert contains_rows(text, lecture["display"]["conv_x_diag"])
        await pilot.press("right")                      # nothing further
        assert app.model.conv_filled == 49
        await pilot.press("left", "left")
        assert app.model.conv_filled == 47 and "47/49 filled" in screen_text(app)


async def test_two_steps_move_the_window_two_positions():
    app = make("convolution")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "░░" not in screen_text(app)              # no window before the first step
        await pilot.press("right")
        lines = screen_text(app).splitlines()
        assert lines[5].startswith("░░░░░░  ")            # picture row 0: window on columns 0-2
        await pilot.press("right")
        lines = screen_text(app).splitlines()
        assert lines[5].startswith("  ░░░░░░")          # one pixel (two characters) further
        assert app.model.conv_cell == (0, 1)
        assert "Window (0, 1)" in screen_text(app)


async def test_autoplay_runs_to_the_end_and_stops(lecture):
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("space")
        for _ in range(400):
            if not app.lesson.playing:
                break
            await pilot.pause(0.02)
        assert not app.lesson.playing
        assert app.model.conv_filled == 49
        assert contains_rows(screen_text(app), lecture["display"]["conv_x_diag"])


async def test_space_plays_and_pauses():
    app = make("convolution", play_interval=5.0)          # slow: nothing ticks during the test
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("space")
        assert app.lesson.playing and "playing" in screen_text(app)
        await pilot.press("space")
        assert not app.lesson.playing and "playing" not in screen_text(app)
        app.model.to_end()
        await pilot.press("space")                       # at the end, play starts over
        assert app.lesson.playing and app.model.conv_filled == 0
        await pilot.press("n")                           # leaving the chapter stops it
        assert not app.lesson.playing


async def test_chapter_navigation_with_n_and_p():
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        total = len(CHAPTER_IDS)
        assert f"1/{total}" in screen_text(app)
        await pilot.press("n", "n")
        assert app.model.chapter == "filtering" and f"3/{total}" in screen_text(app)
        await pilot.press("p")
        assert app.model.chapter == "features"
        await pilot.press("p", "p")
        assert app.model.chapter == "literal"
        assert "first chapter" in screen_text(app)
        for _ in range(total + 1):
            await pilot.press("n")
        assert app.model.chapter == "train" and "last chapter" in screen_text(app)


async def test_literal_counts_agreeing_pixels():
    a, b = IMAGES["x"], IMAGES["x_right"]
    agree = sum(1 for r in range(9) for c in range(9) if a[r][c] == b[r][c])
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        assert f"{agree} of 81 pixels agree" in screen_text(app)
        await pilot.press("right")
        assert app.model.compare != "x_right"


async def test_features_show_perfect_fits(lecture):
    nines = sum(v == 9 for row in lecture["conv_x_sum9"]["x"] for v in row)
    app = make("features")
    async with app.run_test(size=(100, 36)) as pilot:
        assert "diag map: 4 perfect fits" in screen_text(app)
        await pilot.press("f")
        fits = "perfect fit" if nines == 1 else "perfect fits"
        assert f"x map: {nines} {fits} (1.00)" in screen_text(app)


async def test_filtering_goes_through_the_five_stages(lecture):
    first = lecture["windows"][0]                   # window at (1, 1): sum 9, 1.00
    w = lecture["windows"][1]                       # window at (3, 3): sum 5, 0.55
    app = make("filtering")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("right", "right", "right")
        text = screen_text(app)
        assert app.model.filter_cell == tuple(first["at"])     # it opens there
        assert "Add:" in text and f"= {first['sum']}" in text  # all nine agree
        await pilot.press("right")
        assert f"{first['sum']}/9 = {first['value']}" in screen_text(app)
        await pilot.press("g", *"3,3", "enter")
        text = screen_text(app)
        assert app.model.filter_cell == (3, 3)
        assert f"= {w['sum']}" in text and f"= {w['value']}" in text


async def test_jump_to_a_cell_and_a_bad_cell_message():
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", *"3,4", "enter")
        assert app.model.conv_cell == (3, 4) and "Window (3, 4)" in screen_text(app)
        await pilot.press("g", *"9,9", "enter")
        assert "outside the 7x7 output" in screen_text(app)
        assert app.model.conv_cell == (3, 4)
        await pilot.press("g", *"a,b", "enter")
        assert "could not read" in screen_text(app)


async def test_click_on_the_output_map_jumps():
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        # caption line first, 7 columns per cell: row 2, column 3
        await pilot.click("#map", offset=(3 * 7 + 2, 1 + 2))
        assert app.model.conv_cell == (2, 3)


async def test_edit_mode_toggles_pixels_and_maps_follow():
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        before = app.model.conv_map().copy()
        await pilot.press("e")
        assert app.model.editing and "editing" in screen_text(app)
        await pilot.press("up", "right", "space")       # cursor (3, 5), toggle it
        assert app.model.cursor == (3, 5)
        assert app.model.image[3, 5] == -IMAGES["x"][3, 5]
        assert "your drawing" in screen_text(app)
        assert not np.allclose(before, app.model.conv_map())
        await pilot.press("escape")
        assert not app.model.editing
        await pilot.press("right")                       # right steps again
        assert app.model.conv_filled == 1


async def test_mouse_click_on_the_picture_toggles_a_pixel():
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.click("#image", offset=(2 * 2, 1 + 1))   # pixel (1, 2): two columns a pixel
        assert app.model.image[1, 2] == -IMAGES["x"][1, 2]
        assert app.model.picture == "custom"


async def test_padding_and_stride_change_live(lecture):
    outs = lecture["padding_stride"]["outputs"]
    app = make("padding")
    async with app.run_test(size=(100, 36)) as pilot:
        assert f"output {outs['1']}x{outs['1']}, stride 1" in screen_text(app)
        for s in (2, 3, 4):
            await pilot.press("plus")
            text = screen_text(app)
            assert app.model.stride == s
            assert f"floor((9 + 2*1 - 3) / {s}) + 1 = {outs[str(s)]}" in text
        await pilot.press("plus")
        assert "stride must be from 1 to 4" in screen_text(app)
        await pilot.press("minus", "minus", "minus", "left_square_bracket")
        assert app.model.padding == 0 and app.model.stride == 1
        assert "output 7x7" in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert app.model.padding == 2 and "padding must be from 0 to 2" in screen_text(app)
        await pilot.press("v")
        assert app.model.pad_value == -1.0 and "value -1" in screen_text(app)


async def test_padding_two_fits_at_80x24():
    app = make("padding")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right_square_bracket")
        text = screen_text(app)
        assert "output 11x11" in text
        assert max(len(line) for line in text.splitlines()) <= 80


async def test_edges_cycle_kernels():
    app = make("edges")
    async with app.run_test(size=(100, 36)) as pilot:
        assert "sum map: horizontal lines" in screen_text(app)
        await pilot.press("f")
        assert "sum map: vertical lines" in screen_text(app)


async def test_relu_steps_cell_by_cell(lecture):
    app = make("relu")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("right", "right")
        text = screen_text(app)
        assert "after ReLU: 2/49" in text
        assert "-0.11 → 0.00" in text                  # cell (0, 1): -1/9 is cut to zero


async def test_pooling_reproduces_the_lecture_maps(lecture):
    app = make("pooling")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press(*["right"] * 16)
        assert contains_rows(screen_text(app), fmt9(lecture["pool_x_sum9"]["diag"]))
        assert "Partial window" in screen_text(app)
        await pilot.press("f")
        assert contains_rows(screen_text(app), fmt9(lecture["pool_x_sum9"]["x"]))
        await pilot.press("o")
        assert app.model.pool_op == "avg" and "avg pool 4x4" in screen_text(app)


async def test_stacking_stages(lecture):
    app = make("stacking")
    async with app.run_test(size=(100, 36)) as pilot:
        # one column per feature map (#1-#4 diag, #5-#8 x, #9-#12 anti), one row per cell
        assert contains_rows(screen_text(app),
                             fmt9(np.array(lecture["vote_vectors_sum9"]["x"]).reshape(3, 4).T))
        await pilot.press(*["right"] * 4)
        text = screen_text(app)
        assert "stage 5: pooled again" in text


@pytest.mark.parametrize("picture,label,other", [("x", "X", "O"), ("o", "O", "X")])
async def test_votes_predict_the_picture(picture, label, other):
    app = make("votes", picture=picture)
    async with app.run_test(size=(100, 36)):
        text = screen_text(app)
        assert f"prediction:  {label}" in text
        assert re.search(rf"\b{label} [█░]+ 1\.00", text)
        assert re.search(rf"\b{other} [█░]+ 0\.55", text)


async def test_votes_future_values(lecture):
    v = lecture["votes"]
    app = make("votes")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("right")
        text = screen_text(app)
        assert app.model.vote_source == "future"
        assert "0.91" in text and "0.51" in text and "prediction:  X" in text
        # the exact averages, once, beside what the slide prints
        assert f"give {v['new_vote_x']:g} and {v['new_vote_o']:g}" in text
        assert "(0.912)" not in text and "(0.5175)" not in text


async def test_picture_key_changes_the_prediction_inputs():
    app = make("votes")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("i")
        assert app.model.picture == "o" and "prediction:  O" in screen_text(app)


async def test_params_examples(lecture):
    p = lecture["params"]
    app = make("params")
    async with app.run_test(size=(100, 36)) as pilot:
        for key in ("mlp_20_20_20_1", "mlp_65536_20_20_1", "dense_1024_to_1024_no_bias",
                    "conv_9_filters_7x7_no_bias"):
            assert f" {p[key]:,} " in screen_text(app)
            await pilot.press("right")
        await pilot.press("g", *"20,20,20,1", "enter")
        assert f" {p['mlp_20_20_20_1']:,} " in screen_text(app)
        assert app.model.custom_sizes == (20, 20, 20, 1)


async def test_fraction_toggle():
    app = make("convolution")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("right", "d")
        assert "7/9" in screen_text(app) and "fractions" in screen_text(app)


async def test_help_screen_opens_and_closes():
    app = make("pooling")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("question_mark")
        text = screen_text(app)
        n, total = CHAPTER_IDS.index("pooling") + 1, len(CHAPTER_IDS)
        assert f"Chapter {n}/{total}: Pooling shrinks the maps" in text and "Everywhere" in text
        await pilot.press("escape")
        assert isinstance(app.screen, LessonScreen)


async def test_resize_and_too_small_message():
    app = make("convolution")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        await pilot.resize_terminal(79, 24)
        await pilot.pause()
        text = screen_text(app)
        assert "needs a terminal of at least 80x24" in text and "79x24" in text
        assert "filled" not in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        text = screen_text(app)
        assert "needs a terminal" not in text and "1/49 filled" in text
        assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("chapter", ["literal", "features", "filtering", "convolution",
                                     "padding", "edges", "relu", "pooling", "stacking",
                                     "votes", "params", "implement", "train"])
async def test_every_chapter_fits_80x24(chapter):
    app = make(chapter)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        text = screen_text(app)
        lines = text.splitlines()
        assert len(lines) <= 24
        assert "needs a terminal" not in text
        # the status line and the footer are both on screen: nothing pushed them off
        assert any(line.startswith("→ Step") for line in lines)
        panel = app.lesson.panel
        stage = app.lesson.query_one("#stage")
        assert panel is not None
        for view in panel.query("MatrixView"):
            if view.display:
                r = view.region
                assert r.right <= 80 and r.bottom <= stage.region.bottom, view.id


async def test_command_palette_jumps_to_a_chapter():
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        await app.goto_chapter("pooling")
        assert app.model.chapter == "pooling"
        from cnn_tui.tui.commands import LessonCommands

        provider = LessonCommands(app.screen)
        hits = [h async for h in provider.search(f"Chapter {CHAPTER_IDS.index('edges') + 1}")]
        assert hits and "Kernels that find edges" in str(hits[0].text)
        await hits[0].command()
        assert app.model.chapter == "edges"
        found = [h async for h in provider.discover()]
        assert any(h.text == "Open the quiz" for h in found)
        hits = [h async for h in provider.search("Feature: deg45")]
        [hit] = [h for h in hits if h.text == "Feature: deg45"]
        hit.command()
        await pilot.pause()
        assert app.model.edge == "deg45" and "sum map: 45 degree lines" in screen_text(app)
        hits = [h async for h in provider.search("Picture: o_bold")]
        [hit] = [h for h in hits if h.text == "Picture: o_bold"]
        hit.command()
        await pilot.pause()
        assert app.model.picture == "o_bold" and "picture o_bold" in screen_text(app)


async def test_quiz_key_opens_the_quiz_or_says_why_not(tmp_path):
    app = make("literal", quiz_options=QuizOptions(data_dir=str(tmp_path)))   # never the user's data
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("z")
        try:
            import cnn_tui.tui.screens.quiz  # noqa: F401
        except ImportError:
            assert "quiz is not available" in screen_text(app)
        else:
            assert not isinstance(app.screen, LessonScreen)


async def test_command_palette_through_the_keyboard():
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("ctrl+p")
        wanted = f"Chapter {CHAPTER_IDS.index('pooling') + 1}: Pooling"
        await pilot.press(*wanted)
        for _ in range(250):                     # the palette searches in the background
            await pilot.pause(0.02)
            if wanted in screen_text(app):
                break
        await pilot.press("enter")
        await pilot.pause()
        assert app.model.chapter == "pooling"
        assert isinstance(app.screen, LessonScreen)


async def test_start_on_the_quiz(tmp_path):
    app = CnnTuiApp(start="quiz", quiz_options=QuizOptions(data_dir=str(tmp_path)))
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        assert isinstance(app.screen_stack[1], LessonScreen)       # the lesson is underneath


async def test_prompt_replaces_the_status_line_without_cutting_grids():
    app = make("edges")
    async with app.run_test(size=(80, 24)) as pilot:
        app.model.set_chapter("convolution")
        await app.lesson._mount_panel()
        await pilot.press("g")
        text = screen_text(app)
        assert "output cell as row,col" in text
        stage = app.lesson.query_one("#stage")
        for view in app.lesson.panel.query("MatrixView"):
            assert view.region.bottom <= stage.region.bottom
        await pilot.press("escape")
        assert "output cell as row,col" not in screen_text(app)
        await pilot.press("right")
        assert app.model.conv_filled == 1


def test_unknown_start_screen_is_refused():
    with pytest.raises(ValueError, match="unknown screen 'nope'"):
        CnnTuiApp(start="nope")


async def test_drawing_in_the_literal_chapter_changes_the_score():
    a, b = IMAGES["x"].copy(), IMAGES["x_right"]
    a[2, 3] = -a[2, 3]
    agree = sum(1 for r in range(9) for c in range(9) if a[r][c] == b[r][c])
    app = make("literal")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "up", "up", "left", "space")
        assert app.model.image[2, 3] == a[2, 3]
        assert f"{agree} of 81 pixels agree" in screen_text(app)


async def test_key_mashing_never_breaks_the_app():
    """A fixed pseudo-random walk over every key of the lesson: no exception, always a screen."""
    import random

    keys = ["right", "left", "n", "p", "i", "f", "e", "d", "o", "v", "plus", "minus", "up",
            "down", "space", "enter", "escape", "left_square_bracket", "right_square_bracket",
            "r"]
    rng = random.Random(20261125)
    app = make("literal", play_interval=60.0)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(120):
            await pilot.press(rng.choice(keys))
            assert isinstance(app.screen, LessonScreen)
        text = screen_text(app)
        assert f"/{len(CHAPTER_IDS)}" in text and "Traceback" not in text


@pytest.mark.parametrize("size", [(100, 36), (80, 24)])
async def test_votes_report_lists_every_picture_with_the_canonical_ones_right(size):
    from cnn_tui.lecture.data import VARIANTS

    app = make("votes")
    async with app.run_test(size=size) as pilot:
        await pilot.press("right", "right")
        assert app.model.vote_source == "report"
        text = screen_text(app)
        # The lecture: image x votes X 1.00 and O 5/9 (0.55 as printed); image o the reverse.
        assert re.search(r"\bx\s+X → X\s+1\.00\s+0\.55 ✓ right", text)
        assert re.search(r"\bo\s+O → O\s+0\.55\s+1\.00 ✓ right", text)
        listed = re.findall(r"\b(\w+)\s+[XO] → (?:X|O|tie)\b", text)
        assert sorted(listed) == sorted(v.name for v in VARIANTS)
        # Checked independently by a plain-loop network in tests/test_lecture_data.py:
        # the plus sign, the bold X and the heavy O fool the hand-wired network.
        wrong = set(re.findall(r"\b(\w+)\s+[XO] → (?:X|O|tie)\s+\S+\s+\S+ ✗ wrong", text))
        assert wrong == {"x_plus", "x_bold", "o_heavy"}
        assert f"{len(VARIANTS) - 3} of {len(VARIANTS)} right" in text
        await pilot.press("right")  # and round again to the picture's own values
        assert app.model.vote_source == "picture"
        assert "prediction:  X" in screen_text(app)
