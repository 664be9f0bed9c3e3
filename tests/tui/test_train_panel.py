"""The train chapter in the app: a worker thread trains, the UI stays live, and the worker stops
when paused, when the learner leaves the chapter and when the app quits."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from textual import events

from cnn_tui.tui.headless import screen_text, settle
from lesson_apps import flat, headless, make

pytestmark = pytest.mark.app


async def press_now(app, key: str, until) -> None:
    """Send ``key`` as a terminal would and wait until ``until()`` holds (at most 20 s).

    The pilot's own ``press`` waits for the process to go idle, which it does not while a
    worker trains; a key sent this way is handled while the worker runs."""
    char = {"space": " "}.get(key, key if len(key) == 1 else None)
    app.post_message(events.Key(key, char))
    deadline = time.monotonic() + 20
    while not until():
        assert time.monotonic() < deadline, f"{key!r} was not handled"
        await asyncio.sleep(0.005)


async def test_space_trains_on_a_worker_while_keys_still_work():
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        ch = app.model.current
        assert "untrained" in screen_text(app)
        await press_now(app, "space", lambda: ch.running)
        await press_now(app, "v", lambda: ch.view == "lesson")
        assert ch.running                       # v was handled while the worker trains
        await settle(app, pilot)
        snap = ch.snapshot
        assert not ch.running and snap.round_done and snap.epochs_done == 6
        text = flat(screen_text(app))
        assert "round done" in text and "lesson pictures: trained" in text
        trained, hand, total = ch.lesson_score
        assert f"trained {trained}/18" in text and "hand-wired 15/18" in text
        assert snap.last.val_accuracy >= 0.99 and trained >= 17


async def test_space_again_pauses_the_worker_mid_round():
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        ch = app.model.current
        await press_now(app, "space", lambda: ch.running)
        await asyncio.sleep(0.3)
        await press_now(app, "space", lambda: not ch.running)
        await app.workers.wait_for_complete()
        await pilot.pause()
        steps = ch.run.trainer.total_steps
        assert not ch.run.round_done            # it stopped rather than finishing the round
        await pilot.pause(0.3)
        assert ch.run.trainer.total_steps == steps
        assert "paused" in screen_text(app)
        await pilot.press("right")              # one batch, now that it is paused
        assert ch.snapshot.total_steps == steps + 1


async def test_leaving_the_chapter_stops_training_and_implement_shows_the_network():
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        ch = app.model.current
        await press_now(app, "space", lambda: ch.running)
        await asyncio.sleep(0.3)
        await press_now(app, "p", lambda: app.screen._panel_chapter == "implement")
        await pilot.pause()
        assert app.model.chapter == "implement" and not ch.running
        await app.workers.wait_for_complete()
        steps = ch.run.trainer.total_steps
        await pilot.pause(0.3)
        assert ch.run.trainer.total_steps == steps and not ch.run.round_done
        # the implement chapter shows the network exactly as training left it
        assert ch.snapshot.version == ch.run.version
        net = app.model.network
        for name, value in ch.run.trainer.net.params.items():
            assert (net.params[name] == value).all()
        note = app.model.network_note
        assert "untrained" not in note and f"trained {ch.snapshot.epoch:.2f} epochs" in note
        assert note in flat(screen_text(app))


async def test_the_quiz_over_the_lesson_stops_training():
    app = make("train")
    async with app.run_test(size=(100, 36)):
        ch = app.model.current
        await press_now(app, "space", lambda: ch.running)
        await asyncio.sleep(0.2)
        await press_now(app, "z", lambda: not ch.running)
        await app.workers.wait_for_complete()
        steps = ch.run.trainer.total_steps
        await asyncio.sleep(0.3)
        assert ch.run.trainer.total_steps == steps and not ch.run.round_done


async def test_quitting_stops_the_worker():
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        ch = app.model.current
        await press_now(app, "space", lambda: ch.running)
        await asyncio.sleep(0.2)
        await pilot.press("q")
    run = ch.run
    steps = run.trainer.total_steps
    time.sleep(0.3)
    assert run.trainer.total_steps == steps and not run.round_done


async def test_drawing_shows_the_trained_networks_probabilities():
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        ch = app.model.current
        await pilot.press("right", "right")
        await pilot.press("e")
        assert app.model.editing
        text = flat(screen_text(app))
        assert "if a pixel flips" in text
        before = ch.picture_probabilities
        await pilot.press("space")              # while drawing, space toggles a pixel
        assert not ch.running and app.model.picture == "custom"
        assert ch.picture_probabilities != before
        after = ch.picture_probabilities
        assert f"{after['X']:.3f}" in screen_text(app) and f"{after['O']:.3f}" in screen_text(app)


async def test_a_click_on_the_picture_draws():
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        ch = app.model.current
        await pilot.press("v", "v")
        assert ch.showing_picture and not app.model.editing
        image = app.screen.query_one("#image")
        before = app.model.image.copy()
        # the caption is one line; each pixel is two columns wide
        await pilot.click(image, offset=(2 * 4, 1 + 0))
        assert app.model.editing and app.model.image[0, 4] == -before[0, 4]
        assert (app.model.image != before).sum() == 1


async def test_digits_in_the_app():
    pytest.importorskip("sklearn")
    app = make("train")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("s")
        ch = app.model.current
        assert ch.data_name == "digits"
        text = screen_text(app)
        assert "handwritten digits" in text and "test" in text
        await pilot.press("e")                  # drawing is for the 9x9 X's and O's only
        assert not app.model.editing


def test_headless_training_is_the_same_every_time(capsys):
    outs = []
    for _ in range(2):
        code, out, err = headless(capsys, screen="train", keys="space")
        assert code == 0, err
        outs.append(re.sub(r"time [\d.]+ s", "", out))
    assert outs[0] == outs[1]
    text = flat(outs[0])
    assert "epoch 6.00 of 6" in text and "378 in all" in text and "round done" in text
    accuracy = float(re.search(r"valid\. +[\d.]+ +([\d.]+)%", text).group(1))
    assert accuracy >= 99.0


async def test_the_command_palette_only_passes_over_training():
    from textual.command import CommandPalette

    app = make("train")
    async with app.run_test(size=(100, 36)):
        ch = app.model.current
        await press_now(app, "space", lambda: ch.running)
        await press_now(app, "ctrl+p", lambda: isinstance(app.screen, CommandPalette))
        await press_now(app, "escape", lambda: not isinstance(app.screen, CommandPalette))
        assert ch.running
        ch.pause()


def test_the_digits_confusion_matrix_fits_80_columns(capsys):
    pytest.importorskip("sklearn")
    code, out, _ = headless(capsys, screen="train", keys="s", size=(80, 24))
    assert code == 0
    assert "true↓  0  1  2  3  4  5  6  7  8  9 answer" in out
    rows = [line for line in out.splitlines() if re.match(r"\s+9 ", line[31:])]
    assert rows and len(rows[0][31:].split()) == 11          # the label and ten counts
