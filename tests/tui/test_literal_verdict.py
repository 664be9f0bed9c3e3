"""The literal chapter's verdict is true for the two pictures actually shown.

Expected values come from hand calculation (worked in the comments) or tests/golden/lecture.toml.
"""

from __future__ import annotations

from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.headless import screen_text

from lesson_apps import flat, make


async def literal_text(compare: str) -> tuple[LessonModel, str]:
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        app.model.compare = compare
        app.lesson._act(lambda: None)        # redraw, as after a key
        await pilot.pause()
        return app.model, flat(screen_text(app))


async def test_literal_same_letter_shifted():
    # x's ink: 7 on "\" + 6 more on "/" = 13 pixels; x_right's ink is the same moved one column
    # right, and no shifted ink lands on old ink: 13 + 13 = 26 disagree, 81 - 26 = 55 agree.
    model, text = await literal_text("x_right")
    assert "55 of 81 pixels agree" in text
    assert "26 pixels (yellow) disagree. A person sees X in both; a pixel-by-pixel check does " \
           "not." in text


async def test_literal_other_letter():
    # o's ink: 3+2+2+2+2+2+3 = 16 pixels; shared with x's 13: (2,2) (2,6) (6,2) (6,6) = 4.
    # Disagree: 13 + 16 - 2*4 = 21; agree: 81 - 21 = 60.
    model, text = await literal_text("o")
    assert "60 of 81 pixels agree" in text
    assert "21 pixels (yellow) disagree. A person sees an X and an O, yet 60 pixels agree: " \
           "counting pixels is a poor judge of shape." in text
    assert "sees O in both" not in text and "in both" not in text


async def test_literal_identical_pictures():
    model, text = await literal_text("x")
    assert "81 of 81 pixels agree" in text
    assert "The pictures are identical." in text
    assert "in both" not in text and "disagree" not in text.split("81 of 81")[1]


async def test_literal_with_a_drawing_makes_no_claim_about_letters():
    app = make("literal")
    async with app.run_test(size=(100, 36)) as pilot:
        app.lesson._act(app.model.toggle_pixel, (0, 0))   # x with one more ink pixel
        await pilot.pause()
        text = flat(screen_text(app))
    # x_right disagrees with x on 26 pixels (above); pixel (0,0) is paper in both x and
    # x_right, so inking it adds one: 27.
    verdict = text.split("27 pixels (yellow) disagree.")[1]
    assert verdict.startswith(" A pixel-by-pixel check counts matching pixels; it cannot tell "
                              "which letter your drawing shows.")
    assert "A person sees" not in verdict
