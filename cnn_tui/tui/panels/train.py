"""Panel of the "train" chapter: live curves, the first layer's kernels, a confusion matrix,
the lesson pictures and your own drawing, while a worker thread trains.

The worker (:meth:`TrainPanel.train`) only trains and posts :class:`TrainPanel.Progress`
messages carrying snapshots; the handler hands them to the chapter on the UI's thread, which
owns every change of state. The worker stops at the end of a round, when the chapter pauses
(``space``, ``r``, ``s``, ``o``), when the learner leaves the chapter (another chapter, or the
quiz or help screen over the lesson), when the panel goes and when the app quits.
"""

from __future__ import annotations

import threading
import time

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker
from textual_plot import HiResMode, PlotWidget

from cnn_tui.lesson.chapters.train import Chapter
from cnn_tui.lesson.live import LiveRun, Snapshot
from cnn_tui.lesson.training import TrainingError
from cnn_tui.render import value_colours
from cnn_tui.tui.panels.base import (STRONG_COLOUR, ChapterPanel, bar, picture_view_text,
                                     update)
from cnn_tui.render import zoom_text
from cnn_tui.tui.widgets.layout import Column, Row
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text

POST_EVERY = 0.2          # seconds between two progress messages: the view redraws 5 times a second
GIVE_WAY = 0.1            # seconds the worker waits after a key press or click, so the
                          # answer is drawn at full speed rather than sharing the interpreter
# Rows of the tallest view below the plots: the lesson table (X/O), the 10x10 confusion (digits).
LOWER_ROWS = {"xo": 11, "digits": 12}
TRAIN_COLOUR = "#e08214"  # the palette's orange
VAL_COLOUR = "#b2abd2"    # the palette's light purple
BATCH_COLOUR = "#777777"


def side_by_side(blocks: list[Text], gap: int = 1) -> Text:
    """Texts of several lines placed next to each other (each padded to its own width)."""
    lines = [b.split("\n") for b in blocks]
    widths = [max((len(line) for line in ls), default=0) for ls in lines]
    height = max((len(ls) for ls in lines), default=0)
    out = Text(no_wrap=True, overflow="crop")
    for row in range(height):
        for i, ls in enumerate(lines):
            piece = ls[row] if row < len(ls) else Text("")
            out.append_text(piece)
            out.append(" " * (widths[i] - len(piece) + (gap if i < len(lines) - 1 else 0)))
        if row < height - 1:
            out.append("\n")
    return out


def kernels_text(snap: Snapshot, width: int, max_rows: int = 2, zoom: int = 1) -> Text:
    """The first layer's kernels as heatmaps (each cell ``zoom`` times as large), as many to a
    row as ``width`` columns hold and at most ``max_rows`` rows of them."""
    k = snap.kernels
    if k.size == 0:
        return Text("(no convolution first)", no_wrap=True)
    cell = 2 * k.shape[2] * zoom + 1
    fit = max(1, min(len(k), (width + 1) // cell))
    shown = min(len(k), fit * max_rows)
    per_row = -(-shown // -(-shown // fit))         # rows as even as they can be
    if width >= 32 or shown == len(k):
        title = "first layer's kernels" + (f" ({shown} of {len(k)})" if shown < len(k) else "")
    else:
        title = f"kernels {shown}/{len(k)}"
    title = title[:max(width, per_row * cell - 1)]
    t = Text(title + "\n", style="bold", no_wrap=True, overflow="crop")
    scale = float(abs(k).max()) or 1.0
    rows = [side_by_side([zoom_text(heat_text(k[i], scale=scale), k[i].shape, zoom)
                          for i in range(start, min(start + per_row, shown))])
            for start in range(0, shown, per_row)]
    t.append_text(Text("\n\n").join(rows))
    return t


def confusion_text(snap: Snapshot) -> Text:
    """The held-out split's confusion matrix: a row per true class, a column per answer."""
    cm = snap.confusion
    classes = snap.classes
    w = max(3, len(str(int(cm.max()))) + 1)
    lw = max(5, max(len(c) for c in classes) + 1)
    t = Text("confusion (held-out)\n", style="bold", no_wrap=True)
    t.append(f"{'true↓':<{lw}}" + "".join(f"{c:>{w}}" for c in classes) + " answer\n",
             style="dim")
    top = max(1, int(cm.max()))
    for i, c in enumerate(classes):
        t.append(f"{c:>{lw - 1}} ", style="dim")
        for j in range(len(classes)):
            n = int(cm[i, j])
            if n == 0:
                t.append(f"{'·':>{w}}", style="dim")
                continue
            v = n / top if i == j else -n / top
            fg, bg = value_colours(v, 1.0)
            t.append(f"{n:>{w}}", style=f"{fg} on {bg}")
        if i < len(classes) - 1:
            t.append("\n")
    return t


def lesson_text(chapter: Chapter, width: int) -> Text:
    """The 18 lesson pictures: the trained network's answer beside the hand-wired one's."""
    rows = chapter.lesson_rows
    trained, hand, total = chapter.lesson_score
    t = Text(no_wrap=True, overflow="crop")
    t.append("lesson pictures: ", style="bold")
    t.append(f"trained {trained}/{total}", style=f"bold {STRONG_COLOUR}")
    t.append(f" · hand-wired {hand}/{total}\n")
    nw = max(len(r[0]) for r in rows) + 1
    cols = 3 if width >= 3 * (nw + 27) + 6 else 2
    per = -(-len(rows) // cols)
    columns = []
    for c in range(cols):
        col = Text(no_wrap=True)
        col.append(f"{'picture':<{nw}} is  net  p     hand\n", style="dim underline")
        for name, label, answer, p, hand_answer, ok, hand_ok in rows[c * per:(c + 1) * per]:
            col.append(f"{name:<{nw}} {label:<3} ")
            col.append(f"{answer}{'✓' if ok else '✗'}", style="bold" if ok else "bold red")
            col.append(f"  {chapter.bench.fmt(p):>4}  ")
            col.append(f"{hand_answer}{'✓' if hand_ok else '✗'}",
                       style="" if hand_ok else "red")
            col.append("\n")
        columns.append(col)
    t.append_text(side_by_side(columns, gap=3))
    return t


def picture_panel_text(chapter: Chapter) -> Text:
    """Beside your picture: how P(X) changes if each pixel flipped, and the probabilities."""
    probs = chapter.picture_probabilities
    flips = chapter.flip_map
    change = flips - probs[chapter.snapshot.classes[0]]
    fm = Text.assemble(Text("if a pixel flips\n", style="bold"),
                       heat_text(change, scale=max(float(abs(change).max()), 1e-6)))
    best = max(probs, key=probs.get)
    pr = Text("the network says\n", style="bold")
    for c, p in probs.items():
        pr.append(f"{c} {p:.3f} ")
        pr.append_text(bar(p, 10, STRONG_COLOUR if c == best else "#8073ac"))
        pr.append("\n")
    pr.append("\nflipping an orange pixel\nmakes it more X, a purple\none more O", style="dim")
    return side_by_side([fm, pr], gap=2)


def stats_text(chapter: Chapter) -> Text:
    snap = chapter.snapshot
    run = chapter.runs[snap.dataset]
    last = snap.last
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(f"{run.dataset.title}\n", style="bold")
    t.append(f"{chapter.optimizer_title} · lr {snap.lr:g}\n")
    held = snap.epoch >= (run.trainer.decay_epochs or 0)
    t.append(f"  now {snap.current_lr:.2g} ({'held' if held else 'cosine'})\n", style="dim")
    t.append(f"epoch {snap.epoch:.2f} of {snap.round_end}\n")
    t.append(f"batch {snap.step_in_epoch}/{snap.steps_per_epoch} · {snap.total_steps} in all\n")
    t.append(f"time {snap.seconds:.1f} s\n")
    t.append(f"@{last.epoch:<5.2f}   loss    acc\n", style="dim")
    t.append(f"train  {last.train_loss:6.3f} {last.train_accuracy:6.1%}\n", style=TRAIN_COLOUR)
    val = "valid." if run.dataset.val_name == "validation" else "test"
    t.append(f"{val:<7}{last.val_loss:6.3f} {last.val_accuracy:6.1%}\n", style=VAL_COLOUR)
    if chapter.running:
        t.append("▶ training", style="bold")
    elif snap.total_steps == 0:
        t.append("untrained: press space", style="bold")
    elif snap.round_done:
        t.append("✓ round done", style="bold")
    else:
        t.append("‖ paused", style="bold")
    return t


class TrainPanel(ChapterPanel):
    chapter_id = Chapter.id

    class Progress(Message):
        """A worker's news: a snapshot of ``run``; ``stopped`` with the worker's last one."""

        def __init__(self, run: LiveRun, snapshot: Snapshot, stopped: bool, error: str | None,
                     stop_event: threading.Event) -> None:
            super().__init__()
            self.run = run
            self.snapshot = snapshot
            self.stopped = stopped
            self.error = error
            self.stop_event = stop_event

    DEFAULT_CSS = """
    TrainPanel { height: 1fr; }
    TrainPanel #curves { height: 1fr; min-height: 6; width: 1fr; }
    TrainPanel .plot-box { width: 1fr; height: 1fr; }
    TrainPanel .plot-title { height: 1; width: 1fr; }
    TrainPanel PlotWidget { height: 1fr; width: 1fr; }
    TrainPanel #lower { height: auto; width: 1fr; }
    TrainPanel #stats { width: 30; height: auto; margin: 0 1 0 0; text-overflow: ellipsis; }
    TrainPanel #kernels { width: auto; height: auto; margin: 0 2 0 0; }
    TrainPanel #detail { width: 1fr; height: auto; }
    TrainPanel #image { margin: 0 2 0 0; }
    TrainPanel #lower Static { text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._chapter: Chapter | None = None
        self._plotted: tuple | None = None
        self._lower_rows: int | str | None = None

    def compose(self):
        with Row(id="curves"):
            for name in ("loss", "accuracy"):
                with Column(classes="plot-box"):
                    yield Static(id=f"{name}-title", classes="plot-title")
                    yield PlotWidget(id=f"{name}-plot", allow_pan_and_zoom=False)
        with Row(id="lower"):
            yield Static(id="stats")
            yield Static(id="kernels")
            yield MatrixView(id="image", clickable=True)
            yield Static(id="detail")

    def on_mount(self) -> None:
        for plot in self.query(PlotWidget):
            # Titles and legends are ours (one line above each plot): the plot keeps every row.
            plot.margin_top = 0
            plot.margin_bottom = 1
            plot.margin_left = 6

    # ------------------------------------------------------------------ drawing
    def show(self, chapter: Chapter, width: int) -> None:
        self._chapter = chapter
        if chapter.start_wanted and chapter.stop_event is not None:
            chapter.start_wanted = False
            self.train(chapter.run, chapter.stop_event)
        chapter.catch_up()
        snap = chapter.snapshot
        self._plot(snap)
        update(self.query_one("#stats", Static), stats_text(chapter))
        # On a tall screen the lower row keeps the height of its tallest view, so that changing
        # the view (v, e) does not resize and redraw the plots above it.
        tall = self.app.size.height >= 30
        zoom = self.zoom
        rows = LOWER_ROWS.get(chapter.data_name, 13) if tall else "auto"
        if tall and zoom > 1:       # room for the zoomed picture (and caption) and kernels
            rows = max(rows, chapter.bench.image.shape[0] * zoom + 1,
                       1 + 2 * snap.kernels.shape[-2] * zoom + 1)
        if rows != self._lower_rows:
            self._lower_rows = rows
            self.query_one("#lower").styles.height = rows
        # The picture and the lesson table are wide: on a narrow screen they take the row.
        wide = chapter.showing_picture or chapter.showing_lesson
        self.query_one("#stats").display = not (wide and width < 110)
        self.query_one("#kernels").display = not (wide and width < 140)
        image = self.query_one("#image", MatrixView)
        image.display = chapter.showing_picture
        if chapter.showing_picture:
            bench = chapter.bench
            image.show(bench.picture_caption, picture_view_text(chapter), bench.image.shape)
            detail = picture_panel_text(chapter)
        elif chapter.showing_lesson:
            detail = lesson_text(chapter, width - (31 if width >= 110 else 0))
        else:
            detail = confusion_text(snap)
        # (the detail's first line is a title that may be cut; its body must show whole)
        body = detail.plain.split("\n")[1:] or [""]
        room = width - 31 - max(len(line) for line in body) - 2
        if chapter.showing_picture:         # the picture sits between the kernels and the detail
            room -= 2 * chapter.bench.image.shape[1] * zoom + 1
        if room < 13:       # not even two kernels side by side: the matrix beside needs it all
            self.query_one("#kernels").display = False
        update(self.query_one("#kernels", Static), kernels_text(snap, max(13, room), zoom=zoom))
        detail.no_wrap = True
        detail.overflow = "crop"
        update(self.query_one("#detail", Static), detail)

    def _plot(self, snap: Snapshot) -> None:
        key = (snap.dataset, snap.seed, snap.version, snap.round_end)
        if key == self._plotted:
            return
        self._plotted = key
        cps = snap.checkpoints
        xs = [c.epoch for c in cps]
        x_max = max(float(snap.round_end), snap.epoch, 1.0)
        title = Text(no_wrap=True, overflow="crop")
        title.append("loss  ", style="bold")
        title.append("━ train ", style=TRAIN_COLOUR)
        title.append("━ held-out ", style=VAL_COLOUR)
        title.append("━ each batch", style=BATCH_COLOUR)
        update(self.query_one("#loss-title", Static), title)
        loss = self.query_one("#loss-plot", PlotWidget)
        loss.clear()
        if snap.batch_curve:
            bx, by = zip(*snap.batch_curve)
            loss.plot(bx, by, line_style=BATCH_COLOUR, hires_mode=HiResMode.BRAILLE)
        loss.plot(xs, [c.train_loss for c in cps], line_style=TRAIN_COLOUR,
                  hires_mode=HiResMode.BRAILLE)
        loss.plot(xs, [c.val_loss for c in cps], line_style=VAL_COLOUR,
                  hires_mode=HiResMode.BRAILLE)
        top = max([c.train_loss for c in cps] + [c.val_loss for c in cps] +
                  [y for _, y in snap.batch_curve])
        last = cps[-1]
        loss.scatter([last.epoch], [last.val_loss], marker="●", marker_style=VAL_COLOUR)
        loss.set_xlimits(0, x_max)
        loss.set_ylimits(0, max(0.1, top * 1.05))
        title = Text(no_wrap=True, overflow="crop")
        title.append("accuracy ", style="bold")
        title.append("━ train ", style=TRAIN_COLOUR)
        title.append("━ held-out ", style=VAL_COLOUR)
        title.append("(x: epochs)", style="dim")
        update(self.query_one("#accuracy-title", Static), title)
        acc = self.query_one("#accuracy-plot", PlotWidget)
        acc.clear()
        acc.plot(xs, [c.train_accuracy for c in cps], line_style=TRAIN_COLOUR,
                 hires_mode=HiResMode.BRAILLE)
        acc.plot(xs, [c.val_accuracy for c in cps], line_style=VAL_COLOUR,
                 hires_mode=HiResMode.BRAILLE)
        acc.scatter([last.epoch], [last.val_accuracy], marker="●", marker_style=VAL_COLOUR)
        acc.set_xlimits(0, x_max)
        acc.set_ylimits(0, 1)

    def status(self, chapter: Chapter) -> str:
        if chapter.notice:
            return chapter.notice
        if chapter.running:
            return "training… space pauses · +/- learning rate · n/p leave (training stops)"
        return ("space train · right one batch · +/- learning rate · s data · o optimiser · "
                "v view · r new seed")

    # ------------------------------------------------------------------ the worker
    @work(thread=True, group="training", exit_on_error=False)
    def train(self, run: LiveRun, stop: threading.Event) -> None:
        """Train ``run`` batch by batch until its round ends or ``stop`` is set; post a
        snapshot every :data:`POST_EVERY` seconds and a last one when stopping."""
        worker = get_current_worker()
        app = self.app
        error = None
        last = time.monotonic()
        def stopping() -> bool:
            return stop.is_set() or worker.is_cancelled

        try:
            while not (stopping() or run.round_done):
                while time.monotonic() - getattr(app, "input_time", 0.0) < GIVE_WAY \
                        and not stopping():
                    time.sleep(0.005)
                if run.step(stopping) is None:
                    break
                now = time.monotonic()
                if now - last >= POST_EVERY:
                    last = now
                    self.post_message(self.Progress(run, run.snapshot(), False, None, stop))
        except TrainingError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - the UI must hear that training stopped
            error = f"training stopped: {exc}"
        self.post_message(self.Progress(run, run.snapshot(), True, error, stop))

    def on_train_panel_progress(self, message: Progress) -> None:
        chapter = self._chapter
        if chapter is None:
            return
        if not message.stopped and \
                time.monotonic() - getattr(self.app, "input_time", float("-inf")) < GIVE_WAY:
            return      # the learner just pressed a key: draw that first; the next news follows
        chapter.accept(message.snapshot, message.run, stopped=message.stopped,
                       error=message.error, stop_event=message.stop_event)
        screen = self.screen
        if message.error and message.run is chapter.runs.get(message.snapshot.dataset):
            screen.say(message.error)
        else:
            screen.redraw()

    def on_unmount(self) -> None:
        if self._chapter is not None:
            self._chapter.pause()


PANEL = TrainPanel
