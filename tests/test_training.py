"""The UI-free training loop shared by ``cnn-tui train`` and the app: accuracy targets of the
default settings, determinism, one step at a time, stopping, and refusals."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cnn_tui.engine.shapes import EngineError
from cnn_tui.lesson import datasets, training
from cnn_tui.lesson.training import DEFAULTS, Trainer, TrainingError


@pytest.fixture(scope="module")
def small():
    return datasets.xo(7, n_train=200, n_val=60)


# --- the targets, with the settings 'cnn-tui train' uses --------------------------------
def test_xo_defaults_reach_99_percent_and_the_lesson_pictures():
    """``cnn-tui train --data xo --seed 0``: measured 99.6 % validation accuracy, 18 of 18."""
    d = DEFAULTS["xo"]
    trainer = Trainer(datasets.xo(0), seed=0, decay_epochs=d.epochs)
    history = trainer.run(d.epochs)
    assert len(history) == d.epochs
    assert history[-1].val_accuracy >= 0.99
    pictures = trainer.lesson_pictures()
    assert len(pictures) == 18
    assert sum(p.correct for p in pictures) >= 17, [p.name for p in pictures if not p.correct]
    for p in pictures:
        assert p.label in ("X", "O") and p.prediction in ("X", "O")
        assert sum(p.probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_digits_defaults_reach_97_percent():
    """``cnn-tui train --data digits --seed 0``: measured 98.3 % test accuracy."""
    d = DEFAULTS["digits"]
    trainer = Trainer(datasets.digits(0), seed=0, decay_epochs=d.epochs)
    history = trainer.run(d.epochs)
    assert history[-1].val_accuracy >= 0.97
    assert trainer.lesson_pictures() == []
    cm = trainer.confusion()
    assert cm.shape == (10, 10) and cm.sum() == 359
    assert np.trace(cm) / cm.sum() == pytest.approx(history[-1].val_accuracy)


# --- determinism ------------------------------------------------------------------------------
def test_same_seed_same_numbers(small):
    runs = []
    for _ in range(2):
        t = Trainer(small, seed=3, batch=16)
        runs.append([(r.loss, r.train_accuracy, r.val_accuracy) for r in t.run(2)])
        runs[-1].append(t.net.params["0.weight"].copy())
    assert runs[0][:2] == runs[1][:2]
    assert np.array_equal(runs[0][2], runs[1][2])
    other = Trainer(small, seed=4, batch=16)
    other.run(2)
    assert not np.array_equal(other.net.params["0.weight"], runs[0][2])


# --- one step at a time -----------------------------------------------------------------------
def test_step_trains_one_batch_and_closes_the_epoch(small):
    t = Trainer(small, seed=0, batch=64)
    assert t.steps_per_epoch == 4                 # 200 pictures: 64, 64, 64, 8
    before = t.net.params["0.weight"].copy()
    rec = t.step()
    assert (rec.epoch, rec.step, rec.steps, rec.total_steps) == (1, 1, 4, 1)
    assert not rec.epoch_done and rec.train_accuracy is None and rec.val_accuracy is None
    assert np.isfinite(rec.loss) and rec.seconds > 0
    assert not np.array_equal(before, t.net.params["0.weight"])
    rec = t.step(evaluate=True)
    assert rec.step == 2 and 0 <= rec.train_accuracy <= 1 and 0 <= rec.val_accuracy <= 1
    assert t.history == []
    t.step()
    rec = t.step()
    assert rec.epoch_done and rec.step == 4 and rec.epoch == 1
    assert len(t.history) == 1 and t.epochs_done == 1
    assert t.history[0].val_accuracy == rec.val_accuracy
    assert t.step().epoch == 2                    # a new epoch, freshly shuffled


def test_stepping_gives_the_same_network_as_running(small):
    a = Trainer(small, seed=1, batch=32)
    b = Trainer(small, seed=1, batch=32)
    a.run(1)
    for _ in range(b.steps_per_epoch):
        b.step()
    assert a.history[0].loss == b.history[0].loss
    for key in a.net.params:
        assert np.array_equal(a.net.params[key], b.net.params[key])


def test_should_stop_stops_between_batches_and_training_goes_on_later(small):
    t = Trainer(small, seed=2, batch=20)           # 10 batches per epoch
    calls = []

    def stop_after_three():
        calls.append(1)
        return len(calls) > 3

    assert t.run_epoch(should_stop=stop_after_three) is None
    assert t.total_steps == 3 and t.epochs_done == 0 and t.step_in_epoch == 3
    rec = t.run_epoch()                            # goes on where it stopped
    assert rec is not None and rec.epoch == 1 and t.total_steps == 10
    # The same numbers as an epoch that never stopped.
    u = Trainer(small, seed=2, batch=20)
    assert u.run_epoch().loss == rec.loss


def test_an_event_set_by_another_thread_stops_at_once(small):
    t = Trainer(small, seed=0, batch=10)
    stop = threading.Event()
    seen = []

    def on_step(rec):
        seen.append(rec.total_steps)
        if rec.total_steps == 5:
            stop.set()

    worker = threading.Thread(target=t.run, args=(50,),
                              kwargs={"should_stop": stop.is_set, "on_step": on_step})
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert seen == [1, 2, 3, 4, 5] and t.total_steps == 5


def test_run_reports_each_epoch(small):
    t = Trainer(small, seed=0)
    got = []
    done = t.run(3, on_epoch=got.append)
    assert [r.epoch for r in done] == [1, 2, 3] and got == done == t.history
    assert set(done[0].as_dict()) == {"epoch", "loss", "train_accuracy", "val_accuracy",
                                      "seconds"}
    assert t.seconds >= sum(r.seconds for r in done) - 1e-9


def test_evaluate_and_confusion_agree(small):
    t = Trainer(small, seed=0)
    t.run(2)
    ev = t.evaluate()
    assert ev.val_accuracy == t.history[-1].val_accuracy
    assert ev.train_accuracy == t.history[-1].train_accuracy
    assert ev.train_loss > 0 and ev.val_loss > 0
    for split, n, acc in (("val", 60, ev.val_accuracy), ("train", 200, ev.train_accuracy)):
        cm = t.confusion(split)
        assert cm.shape == (2, 2) and cm.sum() == n
        assert cm.sum(axis=1).tolist() == np.bincount(
            small.y_val if split == "val" else small.y_train).tolist()
        assert np.trace(cm) / n == pytest.approx(acc)
    with pytest.raises(TrainingError):
        t.confusion("test")


def test_learning_rate_decays_along_a_cosine(small):
    t = Trainer(small, seed=0, lr=0.01, decay_epochs=2)
    assert t.current_lr() == pytest.approx(0.01)
    t.run(1)
    assert t.current_lr() == pytest.approx(0.01 * (training.FINAL_LR + 1) / 2)
    t.run(1)
    assert t.current_lr() == pytest.approx(0.01 * training.FINAL_LR)
    t.run(1)                                       # then it stays there
    assert t.current_lr() == pytest.approx(0.01 * training.FINAL_LR)
    assert Trainer(small, seed=0, lr=0.03).current_lr() == 0.03


@pytest.mark.parametrize("name, cls", [("adam", "Adam"), ("sgd", "SGD")])
def test_optimizers(small, name, cls):
    t = Trainer(small, seed=0, optimizer=name, lr=0.05)
    assert type(t.optimizer).__name__ == cls
    assert np.isfinite(t.run(1)[0].loss)


# --- refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, words", [
    ({"lr": 0}, "learning rate"), ({"lr": float("nan")}, "learning rate"),
    ({"lr": -1}, "learning rate"), ({"lr": float("inf")}, "learning rate"),
    ({"optimizer": "rmsprop"}, "optimiser"), ({"batch": 0}, "batch"),
    ({"batch": 10_001}, "batch"), ({"seed": -1}, "seed"), ({"seed": 2 ** 32}, "seed"),
    ({"decay_epochs": 0}, "decay"),
])
def test_bad_settings_are_one_sentence(small, kwargs, words):
    with pytest.raises(TrainingError, match=words) as err:
        Trainer(small, **kwargs)
    assert "\n" not in str(err.value)


def test_a_network_with_the_wrong_number_of_outputs_is_refused(small):
    with pytest.raises(EngineError, match="dense 2"):
        Trainer(small, "conv 4 3, relu, flatten, dense 10")
    with pytest.raises(EngineError):
        Trainer(small, "conv 4 3, relu, dense 2")          # the engine's own check


def test_run_refuses_a_bad_number_of_epochs(small):
    t = Trainer(small, seed=0)
    for bad in (0, 1001, 2.5):
        with pytest.raises(TrainingError, match="epochs"):
            t.run(bad)


def test_a_diverging_run_is_one_sentence_and_leaves_finite_weights(small):
    t = Trainer(small, seed=0, optimizer="sgd", lr=1e6)
    with pytest.raises(TrainingError, match="diverged") as err:
        t.run(5)
    assert "\n" not in str(err.value)
    assert all(np.isfinite(p).all() for p in t.net.params.values())
