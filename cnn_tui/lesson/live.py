"""Training to watch: a :class:`~cnn_tui.lesson.training.Trainer` with the curves, kernels and
confusion matrix a live view draws, handed over as immutable :class:`Snapshot` objects.

A :class:`LiveRun` is driven one batch at a time (:meth:`LiveRun.step`), by a worker thread or
by the learner's "one batch" key. A lock makes the steps of two threads take turns. Whatever a
view draws comes from :meth:`LiveRun.snapshot`: copies taken under the lock, never the arrays
the trainer goes on changing, so the thread that draws never reads half an update.

A run trains in rounds of the data set's default number of epochs (``DEFAULTS``), with the same
cosine learning-rate schedule as ``cnn-tui train``: the first round of a run of seed S is the
very same computation as ``cnn-tui train --data D --seed S``; later rounds go on at the
schedule's final rate (2 % of the start) unless the learner changes it. In the middle and at the
end of every epoch, and at the start, the run evaluates the network on both whole splits: a
:class:`Checkpoint` on the curves. No UI here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cnn_tui.engine.net import Network
from cnn_tui.lesson.datasets import Dataset
from cnn_tui.lesson.training import DEFAULTS, StepRecord, Trainer

CHECKPOINTS_PER_EPOCH = 2   # evaluations of both splits per epoch (each: about 3 batches)
MAX_CURVE_POINTS = 2000     # longer batch-loss curves keep every other point
SMOOTHING = 0.9             # the batch-loss curve is an exponential moving average


@dataclass(frozen=True)
class Checkpoint:
    """The network evaluated on both splits after ``epoch`` epochs (a fraction mid-epoch)."""

    epoch: float
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float


@dataclass(frozen=True)
class Snapshot:
    """Everything a view of the run draws, copied: safe to read on any thread."""

    version: int                     # grows with every batch
    dataset: str
    classes: tuple[str, ...]
    seed: int
    optimizer: str
    lr: float                        # the learning rate the learner set
    current_lr: float                # the schedule's rate for the next batch
    epochs_done: int
    epoch: float                     # epochs done, with the fraction of the current one
    step_in_epoch: int
    steps_per_epoch: int
    total_steps: int
    seconds: float                   # time spent training and evaluating (checkpoints too)
    round_end: int                   # the epoch the current round stops at
    checkpoints: tuple[Checkpoint, ...]
    batch_curve: tuple[tuple[float, float], ...]   # (epoch, smoothed batch loss)
    kernels: np.ndarray              # the first layer's kernels, channel 0: (F, K, K)
    confusion: np.ndarray            # validation split, [true, predicted] counts
    net: Network                     # a copy of the network

    @property
    def round_done(self) -> bool:
        return self.epochs_done >= self.round_end

    @property
    def last(self) -> Checkpoint:
        return self.checkpoints[-1]


class LiveRun:
    """A trainer plus its history for a live view; see the module's docstring."""

    def __init__(self, dataset: Dataset, *, seed: int = 0, optimizer: str | None = None,
                 lr: float | None = None) -> None:
        defaults = DEFAULTS[dataset.name]
        self.round_epochs = defaults.epochs
        self.trainer = Trainer(dataset, seed=seed, optimizer=optimizer, lr=lr,
                               decay_epochs=defaults.epochs)
        self.lock = threading.Lock()
        self.round_end = self.round_epochs
        self.version = 0
        self._smoothed: float | None = None
        self._curve: list[tuple[float, float]] = []
        self._stride = 1
        per = self.trainer.steps_per_epoch
        self._every = max(1, per // CHECKPOINTS_PER_EPOCH)
        self.checkpoints: list[Checkpoint] = []
        self.checkpoint_seconds = 0.0
        self.confusion = np.zeros((dataset.num_classes,) * 2, dtype=np.int64)
        self._checkpoint()
        self.checkpoint_seconds = 0.0       # the clock starts with the first batch

    # --------------------------------------------------------------------------------- state
    @property
    def dataset(self) -> Dataset:
        return self.trainer.dataset

    @property
    def round_done(self) -> bool:
        return self.trainer.epochs_done >= self.round_end

    @property
    def epoch(self) -> float:
        return self.trainer.epochs

    def set_lr(self, lr: float) -> None:
        """The learning rate from the next batch on (the schedule scales with it)."""
        self.trainer.lr = float(lr)

    def next_round(self) -> None:
        """Train another round of epochs after this one ends."""
        if self.round_done:
            self.round_end = self.trainer.epochs_done + self.round_epochs

    # ------------------------------------------------------------------------------ training
    @property
    def seconds(self) -> float:
        """Time spent training and evaluating, checkpoints included."""
        return self.trainer.seconds + self.checkpoint_seconds

    def step(self, should_stop: Callable[[], bool] | None = None) -> StepRecord | None:
        """Train one batch (and evaluate when a checkpoint is due); None, without training,
        when ``should_stop()`` says stop (asked under the lock, so once a caller holding the
        lock has set it, no batch starts any more). Raises the trainer's ``TrainingError``
        when the loss diverges."""
        with self.lock:
            if should_stop is not None and should_stop():
                return None
            t = self.trainer
            rec = t.step()
            s = rec.loss if self._smoothed is None else \
                SMOOTHING * self._smoothed + (1 - SMOOTHING) * rec.loss
            self._smoothed = s
            if t.total_steps % self._stride == 0:
                self._curve.append((self.epoch, s))
                if len(self._curve) > MAX_CURVE_POINTS:
                    self._curve = self._curve[::2]
                    self._stride *= 2
            # mid-epoch checkpoints, none just before the epoch's end, and the end itself
            if rec.epoch_done or (rec.step % self._every == 0
                                  and rec.steps - rec.step >= self._every // 2):
                self._checkpoint()
            self.version += 1
            return rec

    def _checkpoint(self) -> None:
        start = time.perf_counter()
        t = self.trainer
        ds = t.dataset
        scores = []
        for x, y in ((ds.x_train, ds.y_train), (ds.x_val, ds.y_val)):
            z = t.logits(x).astype(np.float64)
            pred = z.argmax(axis=1)
            z -= z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            scores += [float(-logp[np.arange(y.size), y].mean()), float(np.mean(pred == y))]
        k = ds.num_classes
        self.confusion = np.bincount(y * k + pred, minlength=k * k).reshape(k, k)
        self.checkpoints.append(Checkpoint(self.epoch, *scores))
        self.checkpoint_seconds += time.perf_counter() - start

    def snapshot(self) -> Snapshot:
        """Copies of everything a view draws (taken under the lock)."""
        with self.lock:
            t = self.trainer
            net = t.net.copy()
            first = next(iter(net.params.values()))
            kernels = np.array(first[:, 0]) if first.ndim == 4 else np.zeros((0, 1, 1))
            ds = t.dataset
            return Snapshot(
                version=self.version, dataset=ds.name, classes=tuple(ds.classes), seed=t.seed,
                optimizer=t.optimizer_name, lr=float(t.lr), current_lr=t.current_lr(),
                epochs_done=t.epochs_done, epoch=self.epoch, step_in_epoch=t.step_in_epoch,
                steps_per_epoch=t.steps_per_epoch, total_steps=t.total_steps,
                seconds=self.seconds, round_end=self.round_end,
                checkpoints=tuple(self.checkpoints), batch_curve=tuple(self._curve),
                kernels=kernels, confusion=self.confusion.copy(), net=net)
