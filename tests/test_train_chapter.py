"""The live training behind the "train" chapter (no app): LiveRun and the chapter's actions.

The worker thread itself is the panel's (tests/tui/test_train_panel.py); here the chapter is
driven as the panel drives it, on one thread, and a run is trained by calling ``step``.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cnn_tui.lesson import datasets
from cnn_tui.lesson.chapters.train import LEARNING_RATES, Chapter
from cnn_tui.lesson.live import LiveRun
from cnn_tui.lesson.training import Trainer
from cnn_tui.lesson.workbench import ModelError, Workbench

# The lecture's hand-wired network gets 15 of its 18 pictures right (lecture: three tricky
# variants fool it), whatever the trained network does.
HAND_WIRED_RIGHT = 15


@pytest.fixture(scope="module")
def xo():
    return datasets.xo(0)


def train_round(run: LiveRun) -> None:
    while not run.round_done:
        run.step()


def test_a_round_is_the_same_computation_as_cnn_tui_train(xo):
    """Checkpoints only look: the first round equals Trainer(decay over the round).run()."""
    run = LiveRun(xo, seed=0)
    train_round(run)
    plain = Trainer(xo, seed=0, decay_epochs=run.round_epochs)
    plain.run(run.round_epochs)
    for name, value in plain.net.params.items():
        np.testing.assert_array_equal(run.trainer.net.params[name], value)
    assert [r.val_accuracy for r in run.trainer.history] == \
        [r.val_accuracy for r in plain.history]


def test_trained_network_meets_the_targets_on_xo(xo):
    bench = Workbench()
    ch = Chapter(bench)
    train_round(ch.run)
    ch.accept(ch.run.snapshot(), ch.run)
    snap = ch.snapshot
    assert snap.round_done and snap.epochs_done == 6
    assert snap.last.val_accuracy >= 0.99
    trained, hand, total = ch.lesson_score
    assert total == 18 and trained >= 17 and hand == HAND_WIRED_RIGHT
    # the confusion matrix, counted here one held-out picture at a time
    answers = snap.net.forward(xo.x_val).argmax(axis=1)
    counts = [[0, 0], [0, 0]]
    for true, answer in zip(xo.y_val, answers):
        counts[int(true)][int(answer)] += 1
    assert snap.confusion.tolist() == counts
    assert (counts[0][0] + counts[1][1]) / len(answers) == pytest.approx(snap.last.val_accuracy)


def test_checkpoints_and_curves_follow_the_training(xo):
    run = LiveRun(xo, seed=1)
    first = run.snapshot()
    assert first.total_steps == 0 and len(first.checkpoints) == 1
    assert first.checkpoints[0].epoch == 0.0
    per = run.trainer.steps_per_epoch
    for _ in range(per):
        run.step()
    snap = run.snapshot()
    assert snap.epochs_done == 1 and snap.epoch == 1.0
    # the start, the middle of the epoch (batch 31 of 63: 992 of 2,000 pictures) and its end
    epochs = [c.epoch for c in snap.checkpoints]
    assert epochs == [0.0, 31 * 32 / 2000, 1.0]
    assert len(snap.batch_curve) == per
    assert snap.checkpoints[-1].val_accuracy == run.trainer.history[-1].val_accuracy


def test_a_snapshot_is_a_copy(xo):
    run = LiveRun(xo, seed=0)
    snap = run.snapshot()
    kernels = snap.kernels.copy()
    weight = snap.net.params["0.weight"].copy()
    for _ in range(5):
        run.step()
    np.testing.assert_array_equal(snap.kernels, kernels)
    np.testing.assert_array_equal(snap.net.params["0.weight"], weight)
    assert not np.array_equal(run.trainer.net.params["0.weight"], weight)
    # the kernels are channel 0 of the first layer's weights, (F, K, K)
    np.testing.assert_array_equal(snap.kernels, weight[:, 0])


def test_a_step_waits_for_the_lock(xo):
    """While another thread holds the run's lock (a snapshot, a pause), no batch trains."""
    run = LiveRun(xo, seed=0)
    done = threading.Event()

    def work():
        run.step()
        done.set()

    with run.lock:
        worker = threading.Thread(target=work)
        worker.start()
        assert not done.wait(0.3)                # blocked behind the lock
        assert run.trainer.total_steps == 0
    worker.join(10)
    assert done.is_set() and run.trainer.total_steps == 1


def test_a_step_asked_to_stop_trains_nothing(xo):
    run = LiveRun(xo, seed=0)
    assert run.step(lambda: True) is None
    assert run.trainer.total_steps == 0 and run.version == 0
    assert run.step(lambda: False) is not None and run.trainer.total_steps == 1


def test_time_counts_the_evaluations(xo):
    run = LiveRun(xo, seed=0)
    assert run.seconds == 0.0
    for _ in range(run.trainer.steps_per_epoch):
        run.step()
    assert run.checkpoint_seconds > 0
    assert run.snapshot().seconds == pytest.approx(run.trainer.seconds + run.checkpoint_seconds)


def test_space_asks_for_a_worker_and_space_again_stops_it():
    ch = Chapter(Workbench())
    assert not ch.running
    ch.toggle_training()
    assert ch.running and ch.start_wanted
    event = ch.stop_event
    assert event is not None and not event.is_set()
    with pytest.raises(ModelError, match="space pauses"):
        ch.cycle(1)
    ch.toggle_training()
    assert not ch.running and event.is_set() and ch.stop_event is None


def test_news_from_an_old_worker_does_not_end_the_new_one():
    ch = Chapter(Workbench())
    ch.toggle_training()
    old = ch.stop_event
    ch.toggle_training()            # pause
    ch.toggle_training()            # and start again: a new worker
    new = ch.stop_event
    ch.accept(ch.run.snapshot(), ch.run, stopped=True, stop_event=old)
    assert ch.running and ch.stop_event is new
    ch.accept(ch.run.snapshot(), ch.run, stopped=True, stop_event=new)
    assert not ch.running


def test_right_trains_one_batch_and_left_explains():
    bench = Workbench()
    ch = Chapter(bench)
    before = bench.network_version
    assert ch.cycle(1)
    assert ch.snapshot.total_steps == 1
    assert bench.network_version > before
    # the published network is a copy, not the trainer's own arrays
    assert bench.network.params["0.weight"] is not ch.run.trainer.net.params["0.weight"]
    with pytest.raises(ModelError, match="only goes forward"):
        ch.cycle(-1)


def test_reset_starts_again_from_new_random_weights():
    ch = Chapter(Workbench())
    w0 = ch.run.trainer.net.params["0.weight"].copy()
    ch.cycle(1)
    ch.reset()
    assert ch.train_seed == 1
    assert ch.snapshot.total_steps == 0 and ch.snapshot.seed == 1
    assert not np.array_equal(ch.run.trainer.net.params["0.weight"], w0)


def test_learning_rate_ladder():
    ch = Chapter(Workbench())
    assert ch.run.trainer.lr == 0.01
    ch.lr_by(1)
    assert ch.run.trainer.lr == 0.03 and ch.snapshot.lr == 0.03
    ch.lr_by(-1)
    ch.lr_by(-1)
    assert ch.run.trainer.lr == 0.003
    ch.lr_by(-1)
    ch.lr_by(-1)
    ch.lr_by(-1)
    assert ch.run.trainer.lr == 0.0001
    with pytest.raises(ModelError, match="0.0001 is the lowest"):
        ch.lr_by(-1)
    for _ in range(8):
        ch.lr_by(1)
    assert ch.run.trainer.lr == 1.0
    with pytest.raises(ModelError, match="1 is the highest"):
        ch.lr_by(1)
    assert ch.run.trainer.lr == LEARNING_RATES[-1]


def test_pausing_keeps_the_runs_last_batches():
    """A worker's last batches whose news never arrived (the panel went) are not lost."""
    bench = Workbench()
    ch = Chapter(bench)
    ch.toggle_training()
    for _ in range(7):                      # as a worker would, without posting anything
        ch.run.step()
    ch.pause()
    assert ch.snapshot.version == ch.run.version == 7
    np.testing.assert_array_equal(bench.network.params["0.weight"],
                                  ch.run.trainer.net.params["0.weight"])
    assert "trained 0.11 epochs" in bench.network_note and "untrained" not in bench.network_note


def test_a_failed_switch_changes_nothing(monkeypatch):
    ch = Chapter(Workbench())
    ch.toggle_training()

    def missing(name, seed=0):
        raise datasets.MissingExtraError("no scikit-learn")

    monkeypatch.setattr(datasets, "load", missing)
    with pytest.raises(ModelError):
        ch.next_dataset()
    assert ch.data_name == "xo" and ch.running


def test_data_sets_keep_their_own_runs():
    pytest.importorskip("sklearn")
    bench = Workbench()
    ch = Chapter(bench)
    ch.cycle(1)
    ch.next_dataset()
    assert ch.data_name == "digits" and ch.snapshot.classes == tuple("0123456789")
    assert not ch.offers_action("edit") and not ch.offers_action("picture")
    with pytest.raises(ModelError, match="X's and O's"):
        ch.next_view()
    ch.next_dataset()
    assert ch.data_name == "xo" and ch.snapshot.total_steps == 1
    assert ch.offers_action("edit")


def test_digits_without_scikit_learn_say_how_to_get_them(monkeypatch):
    def missing(name, seed=0):
        raise datasets.MissingExtraError(f"the digits need scikit-learn: "
                                         f"{datasets.INSTALL_HINT}")

    monkeypatch.setattr(datasets, "load", missing)
    ch = Chapter(Workbench())
    ch.runs["xo"] = LiveRun(datasets.xo(0), seed=0)      # X/O made before the patch took
    ch._take(ch.runs["xo"].snapshot())
    with pytest.raises(ModelError, match=r"^the digits need scikit-learn: "
                                         r"pip install 'cnn-tui\[digits\]'$") as err:
        ch.next_dataset()
    assert ch.data_name == "xo" and len(str(err.value)) <= 78     # one status line at 80x24


def test_optimizer_switch_starts_again_from_the_same_weights():
    ch = Chapter(Workbench())
    w0 = ch.run.trainer.net.params["0.weight"].copy()
    ch.cycle(1)
    ch.next_optimizer()
    assert ch.optimizer_name == "sgd" and ch.run.trainer.optimizer_name == "sgd"
    assert ch.snapshot.total_steps == 0
    np.testing.assert_array_equal(ch.run.trainer.net.params["0.weight"], w0)


def test_your_picture_probabilities_and_what_each_pixel_does():
    bench = Workbench(picture="x")
    ch = Chapter(bench)
    ch.cycle(1)
    probs = ch.picture_probabilities
    assert set(probs) == {"X", "O"} and sum(probs.values()) == pytest.approx(1.0, abs=1e-6)
    net = ch.snapshot.net
    flips = ch.flip_map
    assert flips.shape == (9, 9)
    for r, c in [(0, 0), (4, 4), (2, 7)]:
        img = bench.image.astype(np.float32).copy()
        img[r, c] = -img[r, c]
        z = net.forward(img[None, None]).astype(np.float64)[0]
        p_x = np.exp(z[0]) / np.exp(z).sum()
        assert flips[r, c] == pytest.approx(p_x, abs=1e-5)
    # drawing changes the picture, and the probabilities follow
    bench.toggle_pixel((4, 4))
    assert ch.picture_probabilities != probs


def test_a_diverging_run_is_one_clear_message():
    ch = Chapter(Workbench())
    ch.next_optimizer()                       # SGD with momentum
    for _ in range(len(LEARNING_RATES)):
        try:
            ch.lr_by(1)
        except ModelError:
            break
    assert ch.run.trainer.lr == 1.0
    ch.run.trainer.net.params["0.weight"][0, 0, 0, 0] = np.inf   # a weight that blew up
    with pytest.raises(ModelError, match="diverged"):
        for _ in range(20):
            ch.cycle(1)
