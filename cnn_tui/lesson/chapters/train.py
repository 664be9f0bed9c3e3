"""Chapter "Train it": the network of the previous chapter learns its own features, live.

The chapter holds one :class:`~cnn_tui.lesson.live.LiveRun` per data set and the latest
:class:`~cnn_tui.lesson.live.Snapshot` of each. It never trains on its own: the learner's
``space`` asks for a worker (:attr:`Chapter.start_wanted`), and the lesson's panel runs it and
hands every snapshot back through :meth:`Chapter.accept`, on the UI's thread. One batch
(``right``) trains at once, on the caller's thread. No Textual here.

The X/O network, as last accepted, is published on the workbench for the "implement" chapter.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from cnn_tui.engine.shapes import EngineError
from cnn_tui.lecture.network import variant_report
from cnn_tui.lesson.chapters.base import EDIT, PICTURE, RESET, ChapterKey
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import ModelError, cycle

if TYPE_CHECKING:
    from cnn_tui.lesson.live import LiveRun, Snapshot

# The data sets, the trainer and the live runs load when training is first asked for: every
# chapter is made when the app starts, and these modules cost ~17 ms of it.

# The learning rates that + and - step through (each about 3x the one before).
LEARNING_RATES: tuple[float, ...] = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
DATA_SETS: tuple[str, ...] = ("xo", "digits")   # datasets.NAMES (a test checks they agree)
CONFUSION, LESSON, PICTURE_VIEW = "confusion", "lesson", "picture"
VIEWS: tuple[str, ...] = (CONFUSION, LESSON, PICTURE_VIEW)
OPTIMIZER_TITLES = {"adam": "Adam", "sgd": "SGD, momentum 0.9"}


class Chapter(Base):
    id = "train"
    title = "Train it"
    text = ("Nobody wires this network: it starts from random weights and each batch of examples "
            "nudges every weight against its gradient. Watch the loss fall and the kernels "
            "become features.")
    more = ("space starts or pauses training, right trains one batch. A round is the data "
            "set's usual number of epochs (6 for X/O, 10 for digits), with the learning rate "
            "falling along a cosine, as 'cnn-tui train' does; space after a round trains "
            "another one, at the final rate (+ raises it). The curves show loss and accuracy "
            "on the training split and on held-out pictures never trained on, measured in the "
            "middle and at the end of every epoch. + and - change the learning rate, s "
            "switches between X's and O's and handwritten digits, o between Adam and SGD, r "
            "starts again from new random weights. v shows the 18 lesson pictures scored by "
            "the trained network beside the hand-wired one; e lets you draw a picture and "
            "watch the probabilities follow.")
    keys = (("space", "start / pause training"), ("right", "train one batch"),
            ("+ / -", "learning rate up / down"), ("s", "data set: X/O or digits"),
            ("o", "optimiser: Adam or SGD"),
            ("v", "confusion matrix / lesson pictures / your picture"),
            ("r", "start again with a new seed"), ("i", "next picture"),
            ("e", "draw: your own picture"))
    offers = frozenset({RESET, EDIT, PICTURE})
    bindings = (
        ChapterKey("space", "toggle_training", "Train"),
        ChapterKey("plus,equals_sign", "lr_by", "LR+", (1,), key_display="+"),
        ChapterKey("minus", "lr_by", "LR-", (-1,), key_display="-"),
        ChapterKey("s", "next_dataset", "Data"),
        ChapterKey("o", "next_optimizer", "Optim"),
        ChapterKey("v", "next_view", "View"),
    )
    settings = ("train_seed", "data_name")

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.train_seed = 0
        self.data_name = "xo"
        self._optimizer: str | None = None     # the default's, once asked for
        self.view = CONFUSION
        self.runs: dict[str, LiveRun] = {}
        self.snapshots: dict[str, Snapshot] = {}
        self.running = False
        self.start_wanted = False
        self.stop_event: threading.Event | None = None
        self.notice = ""               # what the last worker said when it stopped

    @property
    def optimizer_name(self) -> str:
        """The optimiser the runs use (X/O's default until o chooses another)."""
        if self._optimizer is None:
            from cnn_tui.lesson.training import DEFAULTS
            self._optimizer = DEFAULTS["xo"].optimizer
        return self._optimizer

    @optimizer_name.setter
    def optimizer_name(self, name: str) -> None:
        self._optimizer = name

    # ------------------------------------------------------------------ the run
    @property
    def run(self) -> LiveRun:
        """The current data set's run, made on first use (a ModelError when it cannot be)."""
        if self.data_name not in self.runs:
            self._make_run(self.data_name)
        return self.runs[self.data_name]

    def _make_run(self, name: str) -> None:
        from cnn_tui.lesson import datasets
        from cnn_tui.lesson.live import LiveRun
        from cnn_tui.lesson.training import TrainingError

        try:
            ds = datasets.load(name, self.train_seed)
            run = LiveRun(ds, seed=self.train_seed, optimizer=self.optimizer_name)
        except datasets.MissingExtraError:
            raise ModelError(f"the digits need scikit-learn: {datasets.INSTALL_HINT}") from None
        except (datasets.DatasetError, TrainingError, EngineError) as exc:
            raise ModelError(str(exc)) from None
        self.runs[name] = run
        self._take(run.snapshot())

    @property
    def snapshot(self) -> Snapshot:
        """The latest snapshot of the current data set's run."""
        self.run
        return self.snapshots[self.data_name]

    def accept(self, snapshot: Snapshot, run: LiveRun, *, stopped: bool = False,
               error: str | None = None, stop_event: threading.Event | None = None) -> None:
        """A worker's news (on the UI's thread): keep ``snapshot`` if it is of a current run
        and newer than the one kept; when the current worker ``stopped``, training is over."""
        if stopped and stop_event is not None and stop_event is self.stop_event:
            self.running = False
            self.stop_event = None
            self.notice = error or ("" if not snapshot.round_done else
                                    f"round done: {snapshot.epochs_done} epochs; space trains "
                                    f"another {run.round_epochs}")
        if self.runs.get(snapshot.dataset) is run:
            kept = self.snapshots.get(snapshot.dataset)
            if kept is None or snapshot.version >= kept.version:
                self._take(snapshot)
        self.changed()

    def _take(self, snapshot: Snapshot) -> None:
        self.snapshots[snapshot.dataset] = snapshot
        if snapshot.dataset == "xo":
            last = snapshot.last
            state = ("untrained (random weights)" if snapshot.total_steps == 0 else
                     f"trained {snapshot.epoch:.2f} epochs (validation accuracy "
                     f"{last.val_accuracy:.1%} at epoch {last.epoch:.2f})")
            self.bench.publish_network(snapshot.net, f"seed {snapshot.seed}, {state}")

    # ------------------------------------------------------------------ keys
    def toggle_training(self) -> None:
        """space: start training (a round of epochs), or pause it."""
        if self.running:
            self.pause()
            return
        run = self.run
        run.next_round()
        self.notice = ""
        self.running = True
        self.start_wanted = True
        self.stop_event = threading.Event()
        self.changed()

    def pause(self) -> None:
        """Stop the worker: no batch starts after this returns (one under way finishes
        first), and the view shows the network as it stopped."""
        event = self.stop_event
        self.stop_event = None
        self.running = False
        self.start_wanted = False
        if event is not None:
            event.set()
            self.catch_up()
        self.changed()

    leave = pause

    def catch_up(self) -> None:
        """Keep the current run's state when the kept snapshot is behind it (a worker's last
        batches, whose news did not arrive). Only when no worker trains."""
        run = self.runs.get(self.data_name)
        if run is None or self.running:
            return
        with run.lock:                  # waits for a batch under way
            pass
        kept = self.snapshots.get(self.data_name)
        if kept is None or kept.version < run.version:
            self._take(run.snapshot())

    def _paused(self, what: str) -> None:
        if self.running:
            raise ModelError(f"training is running: space pauses it, then {what}")

    def cycle(self, step: int) -> bool:
        """right: one batch now; left: there is no going back."""
        if step < 0:
            raise ModelError("training only goes forward; r starts again from new random "
                             "weights")
        self._paused("right trains one batch")
        from cnn_tui.lesson.training import TrainingError

        run = self.run
        try:
            run.step()
        except TrainingError as exc:
            raise ModelError(str(exc)) from None
        self._take(run.snapshot())
        self.changed()
        return True

    def reset(self) -> None:
        """r: start again on the same data set with the next seed: new random weights, a new
        shuffle and, for X's and O's, newly drawn pictures."""
        self.pause()
        self.train_seed = (self.train_seed + 1) % 2 ** 32
        self.runs.pop(self.data_name, None)
        self.snapshots.pop(self.data_name, None)
        self.notice = f"new random weights: seed {self.train_seed}"
        self.run
        self.changed()

    def lr_by(self, step: int) -> None:
        """+ / -: the next learning rate up or down the ladder."""
        run = self.run
        now = float(run.trainer.lr)
        i = int(np.argmin([abs(np.log(r / now)) for r in LEARNING_RATES]))
        new = LEARNING_RATES[max(0, min(len(LEARNING_RATES) - 1, i + step))]
        if new == now:
            edge = "highest" if step > 0 else "lowest"
            raise ModelError(f"{now:g} is the {edge} learning rate offered here")
        run.set_lr(new)
        if not self.running:
            self._take(run.snapshot())
        self.notice = f"learning rate {new:g}"
        self.changed()

    def next_dataset(self) -> None:
        """s: the other data set (each keeps its own run)."""
        new = cycle(DATA_SETS, self.data_name)
        if new not in self.runs:
            self._make_run(new)         # before pausing: a failure changes nothing
        self.pause()
        self.data_name = new
        if new != "xo" and self.bench.editing:
            self.bench.toggle_edit()
        self.notice = f"data set: {self.run.dataset.title}"
        self.changed()

    def next_optimizer(self) -> None:
        """o: the other optimiser; training starts again, on both data sets, from the same
        random weights."""
        self.pause()
        from cnn_tui.lesson.training import OPTIMIZERS

        self.optimizer_name = cycle(OPTIMIZERS, self.optimizer_name)
        self.runs.clear()
        self.snapshots.clear()
        self.notice = (f"optimiser {OPTIMIZER_TITLES[self.optimizer_name]}: training starts "
                       f"again from the same random weights")
        self.run
        self.changed()

    def next_view(self) -> None:
        """v: confusion matrix, the 18 lesson pictures, or your picture (X's and O's only)."""
        if self.data_name != "xo":
            raise ModelError("the lesson pictures are X's and O's; s switches to that data set")
        self.view = cycle(VIEWS, self.view)
        if self.view == PICTURE_VIEW and not self.picture_fits:
            self.view = cycle(VIEWS, self.view)
            self.changed()
            raise ModelError("your picture view needs a 9x9 picture, as the network is trained "
                             "on; i picks a lecture picture")
        self.changed()

    @property
    def picture_fits(self) -> bool:
        """The picture is 9x9, the size the X/O network takes."""
        return tuple(self.bench.image.shape) == (9, 9)

    def offers_action(self, action: str) -> bool:
        # Pictures and drawing are 9x9 X's and O's: only for that data set.
        if action in (EDIT, PICTURE) and self.data_name != "xo":
            return False
        return super().offers_action(action)

    @property
    def title_info(self) -> str | None:
        snap = self.snapshot
        return f"{'X/O' if snap.dataset == 'xo' else snap.dataset} · seed {snap.seed}"

    # ------------------------------------------------------------------ what the panel shows
    @property
    def xo_snapshot(self) -> Snapshot:
        """The X/O run's latest snapshot: the lesson pictures and drawings are X's and O's."""
        return self.snapshots.get("xo") or self.snapshot

    @property
    def optimizer_title(self) -> str:
        return OPTIMIZER_TITLES[self.optimizer_name]

    @property
    def showing_picture(self) -> bool:
        """Your picture and its probabilities: while drawing, or chosen with v."""
        return self.data_name == "xo" and self.picture_fits and (
            self.bench.editing or self.view == PICTURE_VIEW)

    @property
    def showing_lesson(self) -> bool:
        return self.data_name == "xo" and self.view == LESSON and not self.bench.editing

    @property
    def lesson_rows(self) -> list[tuple[str, str, str, float, str, bool, bool]]:
        """The 18 lesson pictures: ``(name, label, trained network's answer, its probability
        of that answer, hand-wired network's answer ("tie" on a tie), trained right,
        hand-wired right)``."""
        snap = self.xo_snapshot
        return self.memo(("lesson", snap.seed, snap.version), lambda: self._lesson_rows(snap))

    def _lesson_rows(self, snap: Snapshot) -> list:
        lesson = self.runs["xo"].dataset.lesson
        probs = snap.net.predict_proba(lesson.x)
        hand = {v.name: (res, ok) for v, res, ok in self.bench.memo(("report",), variant_report)}
        rows = []
        for name, label, p in zip(lesson.names, lesson.y, probs):
            k = int(p.argmax())
            res, hand_ok = hand[name]
            rows.append((name, snap.classes[label], snap.classes[k], float(p[k]),
                         "tie" if res.tie else res.prediction, bool(k == label), bool(hand_ok)))
        return rows

    @property
    def lesson_score(self) -> tuple[int, int, int]:
        """``(trained right, hand-wired right, pictures)``."""
        rows = self.lesson_rows
        return int(sum(r[5] for r in rows)), int(sum(r[6] for r in rows)), len(rows)

    @property
    def picture_probabilities(self) -> dict[str, float]:
        """The X/O network's probabilities for the workbench's picture."""
        snap = self.xo_snapshot
        return self.memo(("probs", snap.seed, snap.version), lambda: dict(zip(snap.classes, map(
            float, snap.net.predict_proba(self.bench.image[None, None].astype(np.float32))[0]))))

    @property
    def flip_map(self) -> np.ndarray:
        """P(X) if that one pixel of the picture were flipped: how much each pixel matters."""
        snap = self.xo_snapshot
        return self.memo(("flips", snap.seed, snap.version), lambda: self._flips(snap))

    def _flips(self, snap: Snapshot) -> np.ndarray:
        img = self.bench.image.astype(np.float32)
        rows, cols = img.shape
        batch = np.repeat(img[None, None], rows * cols, axis=0)
        flat = batch.reshape(rows * cols, -1)
        # each pixel flipped as drawing flips it (to the picture's own ink or paper)
        flat[np.arange(rows * cols), np.arange(rows * cols)] = \
            self.bench.flipped(img).astype(np.float32).reshape(-1)
        return snap.net.predict_proba(batch)[:, 0].reshape(rows, cols)
