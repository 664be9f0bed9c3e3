"""Training a network on a data set, free of any UI: the command line's ``cnn-tui train`` and the
app's training chapter share this loop.

A :class:`Trainer` holds a network (``engine.net.Network``), an optimiser (``engine.optim``) and
a :class:`~cnn_tui.lesson.datasets.Dataset`. It trains one batch at a time (:meth:`Trainer.step`,
the app's "next" key) or one epoch at a time (:meth:`Trainer.run_epoch`), can stop between any
two batches (``should_stop``, e.g. a ``threading.Event``'s ``is_set``, so a worker thread stops
at once) and go on later where it stopped. Everything is fixed by the seed: the network's
initial weights (``Network.from_spec(seed=seed)``) and the order of the examples in every epoch
(a fresh permutation per epoch from ``numpy.random.default_rng(seed)``), so two trainers of the
same settings give the same numbers.

Epoch records carry the mean training loss of the epoch's batches and the accuracy on the whole
training and held-out splits at the epoch's end, plus the epoch's wall-clock seconds.

The learning rate is constant, or, given ``decay_epochs`` (``cnn-tui train`` passes its
``--epochs``), falls along a cosine from ``lr`` to 2 % of it over that many epochs. BLAS runs
on one thread while the trainer works (:func:`one_blas_thread`).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cnn_tui.engine.conv import one_blas_thread as engine_one_blas_thread
from cnn_tui.engine.net import Network
from cnn_tui.engine.optim import SGD, Adam, Optimizer
from cnn_tui.engine.shapes import EngineError
from cnn_tui.lesson.datasets import Dataset

OPTIMIZERS = ("sgd", "adam")
MAX_EPOCHS = 1000
MAX_BATCH = 10_000
SGD_MOMENTUM = 0.9
FINAL_LR = 0.02          # with decay_epochs, the learning rate ends at 2 % of its start


@dataclass(frozen=True)
class Defaults:
    """A data set's default network and training settings."""

    spec: str
    epochs: int
    batch: int
    lr: float
    optimizer: str


# Measured to reach the targets in a few seconds (README: "Training a network"):
# X's and O's: the lecture's network with one change, ``maxpool 2 stride 1`` for the lecture's
# ``maxpool 2``. On 9x9 pictures the two 3x3 convolutions leave a 5x5 map, and a 2x2 window
# of stride 2 in floor mode keeps only its top-left 4x4: the network would never see the
# picture's last row and column, where a picture moved right or down (x_right) has ink.
# Stride 1 keeps every position (4x4x8 = 128 values into the dense layer).
# Digits: a small LeNet, padded 3x3 convolutions each followed by 2x2 pooling (8x8 -> 4x4 ->
# 2x2x32), which sees every pixel of the 8x8 pictures.
DEFAULTS: dict[str, Defaults] = {
    "xo": Defaults("conv 8 3, relu, conv 8 3, relu, maxpool 2 stride 1, flatten, dense 32, "
                   "relu, dense 2", epochs=6, batch=32, lr=0.01, optimizer="adam"),
    "digits": Defaults("conv 16 3 pad 1, relu, maxpool 2, conv 32 3 pad 1, relu, maxpool 2, "
                       "flatten, dense 64, relu, dense 10", epochs=10, batch=32, lr=0.01,
                       optimizer="adam"),
}
LECTURE_SPEC = ("conv 8 3, relu, conv 8 3, relu, maxpool 2, flatten, dense 32, relu, dense 2")


def one_blas_thread():
    """A context in which BLAS uses one thread, when ``threadpoolctl`` is installed; otherwise
    it changes nothing (the engine's controller: :func:`cnn_tui.engine.conv.one_blas_thread`).

    The GEMMs of these small networks are tiny: BLAS threads cost far more to wake than they
    save (measured: a default X/O run takes 1 s on one thread and 13 s with two threads on a
    busy two-core machine). ``cnn-tui train`` also sets ``OPENBLAS_NUM_THREADS=1`` before
    NumPy loads; this covers a process that loaded NumPy first, such as the app.
    """
    blas = engine_one_blas_thread()
    return blas if blas is not None else contextlib.nullcontext()


class TrainingError(ValueError):
    """A setting the trainer cannot use (one sentence)."""


@dataclass(frozen=True)
class StepRecord:
    """One batch: ``epoch`` (1-based, the epoch it belongs to), ``step`` (batches done in that
    epoch), ``steps`` (batches per epoch), ``loss`` (the batch's mean loss before the update),
    ``epoch_done``; the accuracies are filled in only when the step evaluated
    (``step(evaluate=True)``, or the epoch's last batch), else None."""

    epoch: int
    step: int
    steps: int
    total_steps: int
    loss: float
    train_accuracy: float | None
    val_accuracy: float | None
    seconds: float
    epoch_done: bool


@dataclass(frozen=True)
class EpochRecord:
    """One finished epoch: its mean training loss, the accuracy on the whole training and
    held-out splits at its end, and its wall-clock seconds (training and evaluation)."""

    epoch: int
    loss: float
    train_accuracy: float
    val_accuracy: float
    seconds: float

    def as_dict(self) -> dict:
        return {"epoch": self.epoch, "loss": self.loss, "train_accuracy": self.train_accuracy,
                "val_accuracy": self.val_accuracy, "seconds": self.seconds}


@dataclass(frozen=True)
class Evaluation:
    """Loss and accuracy of the network as it is now, on both splits."""

    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float


@dataclass(frozen=True)
class PicturePrediction:
    """The network's answer for one of the lecture's 18 pictures."""

    name: str
    kind: str
    label: str
    prediction: str
    probabilities: dict[str, float]

    @property
    def correct(self) -> bool:
        return self.prediction == self.label


def _whole(value, name: str, low: int, high: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or not low <= value <= high:
        raise TrainingError(f"{name} must be a whole number from {low:,} to {high:,}, got "
                            f"{value!r}")
    return int(value)


def make_optimizer(name: str, lr: float) -> Optimizer:
    """``"adam"`` (PyTorch's defaults but ``lr``) or ``"sgd"`` (momentum 0.9)."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) \
            or not math.isfinite(lr) or lr <= 0:
        raise TrainingError(f"the learning rate must be a finite number above 0, got {lr!r}")
    if name == "adam":
        return Adam(float(lr))
    if name == "sgd":
        return SGD(float(lr), momentum=SGD_MOMENTUM)
    raise TrainingError(f"unknown optimiser {name!r}; choose one of {', '.join(OPTIMIZERS)}")


class Trainer:
    """Trains a network on ``dataset``; see the module's docstring.

    ``spec``, ``lr``, ``optimizer`` and ``batch`` default to :data:`DEFAULTS` of the data set.
    A bad setting raises :class:`TrainingError`; a spec the engine refuses (or one whose
    output size is not the number of classes) raises the engine's ``EngineError``.
    """

    def __init__(self, dataset: Dataset, spec: str | None = None, *, seed: int = 0,
                 lr: float | None = None, optimizer: str | None = None,
                 batch: int | None = None, decay_epochs: int | None = None,
                 dtype=np.float32) -> None:
        defaults = DEFAULTS.get(dataset.name, DEFAULTS["xo"])
        self.dataset = dataset
        self.seed = _whole(seed, "the seed", 0, 2 ** 32 - 1)
        self.batch = _whole(defaults.batch if batch is None else batch, "the batch size", 1,
                            MAX_BATCH)
        self.lr = defaults.lr if lr is None else lr
        self.optimizer_name = defaults.optimizer if optimizer is None else optimizer
        self.optimizer = make_optimizer(self.optimizer_name, self.lr)
        self.decay_epochs = None if decay_epochs is None else _whole(
            decay_epochs, "the number of epochs to decay over", 1, MAX_EPOCHS)
        self.net = Network.from_spec(defaults.spec if spec is None else spec,
                                     dataset.input_shape, seed=self.seed, dtype=dtype)
        if self.net.num_classes != dataset.num_classes:
            raise EngineError(f"the network ends with {self.net.num_classes} outputs, but the "
                              f"{dataset.title} have {dataset.num_classes} classes; end it "
                              f"with 'dense {dataset.num_classes}'")
        if self.batch > self.net.max_batch:
            raise TrainingError(f"a batch of {self.batch:,} is too large for this network; use "
                                f"at most {self.net.max_batch:,}")
        self._rng = np.random.default_rng(self.seed)
        self._order: np.ndarray | None = None
        self._pos = 0
        self._losses: list[float] = []
        self._epoch_seconds = 0.0
        self.epochs_done = 0
        self.total_steps = 0
        self.seconds = 0.0            # wall-clock seconds spent in step() and evaluate()
        self.history: list[EpochRecord] = []

    # progress ---------------------------------------------------------------------------------
    @property
    def n_train(self) -> int:
        return int(self.dataset.x_train.shape[0])

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n_train // self.batch)

    @property
    def step_in_epoch(self) -> int:
        """Batches done in the current (unfinished) epoch."""
        return -(-self._pos // self.batch)

    @property
    def epochs(self) -> float:
        """Epochs trained, with the fraction of the current one (1.25: a quarter into the
        second)."""
        if self._order is None:
            return float(self.epochs_done)
        return self.epochs_done + self._pos / self.n_train

    def current_lr(self) -> float:
        """The learning rate of the next batch: ``lr`` throughout, or with ``decay_epochs``
        a cosine decay from ``lr`` to :data:`FINAL_LR` of it over that many epochs (then
        constant)."""
        if self.decay_epochs is None:
            return float(self.lr)
        total = self.decay_epochs * self.steps_per_epoch
        t = min(self.total_steps, total) / total
        return float(self.lr) * (FINAL_LR + (1 - FINAL_LR) * 0.5 * (1 + math.cos(math.pi * t)))

    # training ---------------------------------------------------------------------------------
    def step(self, evaluate: bool = False) -> StepRecord:
        """Train on one batch (the next of this epoch's shuffled order) and return its record.

        The epoch's last batch also evaluates both splits and appends an :class:`EpochRecord`
        to :attr:`history`; ``evaluate=True`` evaluates after any batch.
        """
        with one_blas_thread():
            return self._step(evaluate)

    def _step(self, evaluate: bool) -> StepRecord:
        start = time.perf_counter()
        if self._order is None:
            self._order = self._rng.permutation(self.n_train)
            self._pos = 0
            self._losses = []
            self._epoch_seconds = 0.0
        self.optimizer.lr = self.current_lr()
        idx = self._order[self._pos:self._pos + self.batch]
        with np.errstate(all="ignore"):            # a diverging run is reported below instead
            loss, grads = self.net.loss_and_grads(self.dataset.x_train[idx],
                                                  self.dataset.y_train[idx])
            if not math.isfinite(loss) or not all(np.isfinite(g).all() for g in grads.values()):
                raise TrainingError(f"training diverged in epoch {self.epochs_done + 1} (the "
                                    f"loss became infinite or NaN); use a smaller learning "
                                    f"rate than {self.lr:g}")
            self.optimizer.step(self.net.params, grads)
        self._pos += idx.size
        self._losses.append(float(loss))
        self.total_steps += 1
        epoch = self.epochs_done + 1
        step = self.step_in_epoch
        done = self._pos >= self.n_train
        train_acc = val_acc = None
        if done or evaluate:
            ev = self._accuracies()
            train_acc, val_acc = ev
        elapsed = time.perf_counter() - start
        self._epoch_seconds += elapsed
        self.seconds += elapsed
        if done:
            # The epoch's mean loss weighs each batch by its size (the last may be smaller).
            sizes = np.full(len(self._losses), self.batch, dtype=np.float64)
            sizes[-1] = self.n_train - self.batch * (len(self._losses) - 1)
            mean = float(np.dot(self._losses, sizes) / sizes.sum())
            self.history.append(EpochRecord(epoch, mean, train_acc, val_acc,
                                            self._epoch_seconds))
            self.epochs_done += 1
            self._order = None
        return StepRecord(epoch, step, self.steps_per_epoch, self.total_steps, float(loss),
                          train_acc, val_acc, self.seconds, done)

    def run_epoch(self, should_stop: Callable[[], bool] | None = None,
                  on_step: Callable[[StepRecord], object] | None = None) -> EpochRecord | None:
        """Train to the end of the current epoch; its record, or None when ``should_stop()``
        said stop first (checked before every batch; a later call goes on from there)."""
        with one_blas_thread():
            while True:
                if should_stop is not None and should_stop():
                    return None
                rec = self._step(False)
                if on_step is not None:
                    on_step(rec)
                if rec.epoch_done:
                    return self.history[-1]

    def run(self, epochs: int, should_stop: Callable[[], bool] | None = None,
            on_step: Callable[[StepRecord], object] | None = None,
            on_epoch: Callable[[EpochRecord], object] | None = None) -> list[EpochRecord]:
        """Train ``epochs`` more epochs (fewer when stopped); the records of those finished."""
        epochs = _whole(epochs, "the number of epochs", 1, MAX_EPOCHS)
        done = []
        with one_blas_thread():
            for _ in range(epochs):
                rec = self.run_epoch(should_stop, on_step)
                if rec is None:
                    break
                done.append(rec)
                if on_epoch is not None:
                    on_epoch(rec)
        return done

    # evaluation -------------------------------------------------------------------------------
    def _chunks(self, x: np.ndarray):
        size = max(1, min(self.net.max_batch, 4096))
        for i in range(0, x.shape[0], size):
            yield x[i:i + size]

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The network's logits for a batch of any size (evaluated in chunks)."""
        with np.errstate(all="ignore"), one_blas_thread():
            return np.concatenate([self.net.forward(c) for c in self._chunks(x)])

    def _accuracies(self) -> tuple[float, float]:
        ds = self.dataset
        return (float(np.mean(self.logits(ds.x_train).argmax(axis=1) == ds.y_train)),
                float(np.mean(self.logits(ds.x_val).argmax(axis=1) == ds.y_val)))

    def evaluate(self) -> Evaluation:
        """Loss and accuracy on both splits, as the network is now."""
        ds = self.dataset
        out = []
        for x, y in ((ds.x_train, ds.y_train), (ds.x_val, ds.y_val)):
            z = self.logits(x).astype(np.float64)
            z -= z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            out += [float(-logp[np.arange(y.size), y].mean()),
                    float(np.mean(z.argmax(axis=1) == y))]
        return Evaluation(*out)

    def confusion(self, split: str = "val") -> np.ndarray:
        """Confusion matrix of ``split`` ("train" or "val"): ``[true, predicted]`` counts."""
        if split not in ("train", "val"):
            raise TrainingError(f"split must be 'train' or 'val', got {split!r}")
        ds = self.dataset
        x, y = (ds.x_train, ds.y_train) if split == "train" else (ds.x_val, ds.y_val)
        pred = self.logits(x).argmax(axis=1)
        k = ds.num_classes
        return np.bincount(y * k + pred, minlength=k * k).reshape(k, k)

    def lesson_pictures(self) -> list[PicturePrediction]:
        """The network's prediction for each of the lecture's 18 pictures (X's and O's only;
        an empty list for other data sets)."""
        lesson = self.dataset.lesson
        if lesson is None:
            return []
        with one_blas_thread():
            probs = self.net.predict_proba(lesson.x)
        classes = self.dataset.classes
        return [PicturePrediction(name, kind, classes[label], classes[int(p.argmax())],
                                  {c: float(v) for c, v in zip(classes, p)})
                for name, kind, label, p in zip(lesson.names, lesson.kinds, lesson.y, probs)]
