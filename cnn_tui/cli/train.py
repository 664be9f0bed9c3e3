"""``cnn-tui train`` and ``cnn-tui predict``: train a network on X's and O's or digits, save it,
and ask a saved network about a picture.

Only click is imported here at module level; NumPy, the engine, the lesson's data sets and
trainer, and Rich load inside the commands. Every user error is one line on stderr, exit 2.
"""

from __future__ import annotations

import math
import os
import re
import stat

import click

from cnn_tui.cli.errors import BadInput, WholeNumber
from cnn_tui.inputs import shown, shown_path
# Small GEMMs run faster on one BLAS thread than on several (measured: about 3x on the default
# networks): set before NumPy loads, unless the user chose.
from cnn_tui.tui.startup import one_blas_thread

DATA_SETS = ("xo", "digits")
MAX_EPOCHS = 1000           # the same limits as cnn_tui.lesson.training (not imported here:
MAX_BATCH = 10_000          # it loads NumPy)
MAX_SEED = 2 ** 32 - 1


class Bounded(WholeNumber):
    """A whole number from ``minimum`` to ``maximum``."""

    def __init__(self, minimum: int, maximum: int) -> None:
        super().__init__(minimum=minimum, max_digits=18)
        self.maximum = maximum

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if number > self.maximum:
            self.fail(f"{number:,} is more than {self.maximum:,}: use at most {self.maximum:,}",
                      param, ctx)
        return number


_LR = re.compile(r"\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class LearningRate(click.ParamType):
    """A finite number above 0, as a decimal or with an exponent (0.01, 1e-3)."""

    name = "number"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        text = str(value).strip()
        if len(text) > 40 or not _LR.fullmatch(text):
            self.fail(f"{shown(text)} is not a learning rate: type a number above 0 such as "
                      f"0.01 or 1e-3", param, ctx)
        number = float(text)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"{shown(text)} is not a learning rate: it must be a finite number above 0",
                      param, ctx)
        return number


def check_save_path(path: str) -> None:
    """Refuse up front a ``--save`` path that cannot be written: a folder, something that is
    not a regular file, a folder that does not exist or cannot be written to."""
    name = shown_path(path)
    if not path or "\0" in path:
        raise BadInput(f"--save {name} is not a usable file name")
    full = os.path.abspath(os.path.expanduser(path))
    if path.endswith(("/", os.sep)):
        raise BadInput(f"--save {name} names a folder; give a file name such as model.npz")
    try:
        st = os.stat(full)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise BadInput(f"cannot use --save {name}: {exc.strerror or type(exc).__name__}") \
            from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise BadInput(f"--save {name} is a folder; give a file name such as model.npz")
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"--save {name} is not a regular file; give a file name such as "
                           f"model.npz")
    folder = os.path.dirname(full)
    try:
        fst = os.stat(folder)
    except FileNotFoundError:
        raise BadInput(f"cannot save to {name}: the folder {shown_path(folder)} does not exist") \
            from None
    except OSError as exc:
        raise BadInput(f"cannot save to {name}: {exc.strerror or type(exc).__name__}") from None
    if not stat.S_ISDIR(fst.st_mode):
        raise BadInput(f"cannot save to {name}: {shown_path(folder)} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(f"cannot save to {name}: the folder {shown_path(folder)} is not writable")


@click.command()
@click.option("--data", type=click.Choice(DATA_SETS), default="xo", show_default=True,
              help="xo: generated 9x9 X's and O's (2,000 to train on, 500 to validate), tested "
                   "on the lecture's 18 pictures too; digits: scikit-learn's 1,797 8x8 "
                   "handwritten digits, 20 % held out (needs: pip install 'cnn-tui[digits]').")
@click.option("--net", "spec", metavar="SPEC",
              help="The network, layers separated by commas, e.g. \"conv 8 3, relu, flatten, "
                   "dense 2\" (default: the data set's network; see README).")
@click.option("--epochs", type=Bounded(1, MAX_EPOCHS), metavar="N",
              help=f"Passes over the training pictures, 1 to {MAX_EPOCHS:,} (default: 6 for "
                   f"xo, 10 for digits).")
@click.option("--batch", type=Bounded(1, MAX_BATCH), metavar="B",
              help=f"Pictures per step, 1 to {MAX_BATCH:,} (default: 32).")
@click.option("--lr", type=LearningRate(), metavar="LR",
              help="Learning rate at the start; it decays along a cosine to 2 % of itself by "
                   "the last epoch (default: 0.01).")
@click.option("--optimizer", type=click.Choice(["sgd", "adam"]),
              help="adam, or sgd with momentum 0.9 (default: adam).")
@click.option("--seed", type=Bounded(0, MAX_SEED), default=0, show_default=True, metavar="S",
              help="Fixes the pictures, the starting weights and the order of training: the "
                   "same seed gives the same numbers.")
@click.option("--save", "save_path", metavar="FILE",
              help="Save the trained network to FILE (.npz), for 'cnn-tui predict'.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per epoch, then one with the final numbers.")
def train(data, spec, epochs, batch, lr, optimizer, seed, save_path, as_json):
    """Train a small convolutional network and report its accuracy.

    \b
    Examples:
      cnn-tui train                                  # X's and O's, a few seconds
      cnn-tui train --data digits --save digits.npz
      cnn-tui train --net "conv 4 3, relu, flatten, dense 2" --epochs 3 --json
    """
    if save_path is not None:
        check_save_path(save_path)
    one_blas_thread()
    from cnn_tui.engine.shapes import EngineError
    from cnn_tui.lesson import datasets, training

    try:
        ds = datasets.load(data, seed)
    except datasets.DatasetError as exc:
        raise BadInput(str(exc)) from None
    defaults = training.DEFAULTS[data]
    epochs = defaults.epochs if epochs is None else epochs
    try:
        trainer = training.Trainer(ds, spec, seed=seed, lr=lr, optimizer=optimizer, batch=batch,
                                   decay_epochs=epochs)
    except EngineError as exc:
        raise BadInput(f"--net: {exc}" if spec is not None else str(exc)) from None
    except training.TrainingError as exc:
        raise BadInput(str(exc)) from None
    try:
        if as_json:
            _train_json(trainer, epochs)
        else:
            _train_rich(trainer, epochs)
    except training.TrainingError as exc:
        raise BadInput(str(exc)) from None
    if save_path is not None:
        try:
            trainer.net.save(os.path.expanduser(save_path))
        except (OSError, EngineError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise BadInput(f"cannot save to {shown_path(save_path)}: {reason}") from None
        if not as_json:
            click.echo(f"Saved the network to {save_path}; try: cnn-tui predict --model "
                       f"{_quoted(save_path)} --image "
                       f"{'x' if data == 'xo' else '@picture.txt'}")
    return 0


def _quoted(path: str) -> str:
    import shlex

    return shlex.quote(path)


def final_record(trainer) -> dict:
    """The last JSON line of ``train --json``."""
    last = trainer.history[-1]
    out: dict = {"final": {"loss": last.loss, "train_accuracy": last.train_accuracy,
                           "val_accuracy": last.val_accuracy, "epochs": trainer.epochs_done,
                           "seconds": round(trainer.seconds, 4)}}
    if trainer.dataset.lesson is not None:
        pictures = trainer.lesson_pictures()
        out["lesson_pictures"] = {"right": sum(p.correct for p in pictures),
                                  "total": len(pictures)}
    return out


def _train_json(trainer, epochs: int) -> None:
    import json

    def line(rec):
        d = rec.as_dict()
        d["seconds"] = round(d["seconds"], 4)
        click.echo(json.dumps(d))            # click.echo flushes: one line as each epoch ends

    trainer.run(epochs, on_epoch=line)
    click.echo(json.dumps(final_record(trainer)))


def _percent(v: float) -> str:
    return f"{100 * v:.1f} %"


def _train_rich(trainer, epochs: int) -> None:
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn)
    from rich.table import Table
    from rich.text import Text

    ds = trainer.dataset
    con = Console(highlight=False)
    con.print(Text(f"Training on {ds.title}: {ds.x_train.shape[0]:,} pictures, "
                   f"{ds.x_val.shape[0]:,} held out for {ds.val_name}; {trainer.net.spec} "
                   f"({trainer.net.num_params:,} parameters), {trainer.optimizer_name} "
                   f"lr {trainer.lr:g}, batch {trainer.batch}, seed {trainer.seed}",
                   style="grey62"))
    val = ds.val_name
    table = Table(header_style="bold")
    for col in ("epoch", "loss", "train accuracy", f"{val} accuracy", "seconds"):
        table.add_column(col, justify="right")
    total = epochs * trainer.steps_per_epoch
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn(), console=con,
                  transient=True) as bar:
        task = bar.add_task(f"epoch 1/{epochs}", total=total, loss="-")

        def on_step(rec):
            bar.update(task, advance=1, description=f"epoch {rec.epoch}/{epochs}",
                       loss=f"{rec.loss:.4f}")

        def on_epoch(rec):
            table.add_row(str(rec.epoch), f"{rec.loss:.4f}", _percent(rec.train_accuracy),
                          _percent(rec.val_accuracy), f"{rec.seconds:.2f}")

        trainer.run(epochs, on_step=on_step, on_epoch=on_epoch)
    con.print(table)
    last = trainer.history[-1]
    con.print(Text(f"{val.capitalize()} accuracy {_percent(last.val_accuracy)} after "
                   f"{trainer.epochs_done} epoch{'' if trainer.epochs_done == 1 else 's'} in "
                   f"{trainer.seconds:.1f} s", style="bold"))
    pictures = trainer.lesson_pictures()
    if pictures:
        lesson = Table(title="The lecture's 18 pictures (never trained on)", header_style="bold")
        for col in ("picture", "kind", "is", "network says", f"P({ds.classes[0]})", ""):
            lesson.add_column(col, justify="right" if col.startswith("P(") else "left")
        for p in pictures:
            lesson.add_row(p.name, p.kind, p.label, p.prediction,
                           f"{p.probabilities[ds.classes[0]]:.3f}",
                           Text("right", style="green") if p.correct
                           else Text("wrong", style="bold red"))
        right = sum(p.correct for p in pictures)
        con.print(lesson)
        con.print(Text(f"{right} of {len(pictures)} lecture pictures right", style="bold"))


@click.command()
@click.option("--model", "model_path", required=True, metavar="FILE",
              help="A network saved by 'cnn-tui train --save FILE'.")
@click.option("--image", "image_spec", required=True, metavar="NAME|MATRIX|@FILE",
              help="A picture name (x, o, x_bold, ... see 'cnn-tui variants'), a matrix "
                   "(\"-1 1 ...; ...\") or @file, of the size the network was trained on "
                   "(9x9 for X's and O's, 8x8 for digits; ink +1, paper -1).")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"probabilities": {class: p}, "prediction": class}.')
def predict(model_path, image_spec, as_json):
    """Ask a saved network what a picture shows.

    The class names come from the network's number of outputs: 2 -> X and O, 10 -> the
    digits 0 to 9 (model files store no names).

    \b
    Example:
      cnn-tui train --save xo.npz && cnn-tui predict --model xo.npz --image x_tilt
    """
    one_blas_thread()
    from cnn_tui.engine.net import ModelFileError, Network
    from cnn_tui.engine.shapes import EngineError
    from cnn_tui.inputs import InputError, load_matrix
    from cnn_tui.lecture.data import IMAGES
    from cnn_tui.lesson.datasets import classes_for

    try:
        net = Network.load(os.path.expanduser(model_path))
    except ModelFileError as exc:
        raise BadInput(str(exc)) from None
    shape = net.input_shape
    if len(shape) != 3 or shape[0] != 1:
        raise BadInput(f"the model {shown_path(model_path)} takes inputs of shape {shape}, not "
                       f"one-channel pictures, so --image cannot feed it")
    try:
        img = load_matrix(image_spec, IMAGES, "image")
    except InputError as exc:
        raise BadInput(str(exc)) from None
    want = shape[1:]
    if img.shape != want:
        raise BadInput(f"the image is {img.shape[0]}x{img.shape[1]} but the model "
                       f"{shown_path(model_path)} takes {want[0]}x{want[1]} pictures")
    try:
        probs = net.predict_proba(img[None, None])[0]
    except EngineError as exc:
        raise BadInput(str(exc)) from None
    classes = classes_for(net.num_classes)
    best = classes[int(probs.argmax())]
    result = {"probabilities": {c: float(p) for c, p in zip(classes, probs)},
              "prediction": best}
    if as_json:
        import json

        click.echo(json.dumps(result))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    con = Console(highlight=False)
    table = Table(header_style="bold", box=None)
    table.add_column("class")
    table.add_column("probability", justify="right")
    table.add_column("")
    for c, p in result["probabilities"].items():
        table.add_row(c, f"{p:.4f}", Text("█" * round(p * 30), style="#b35806"))
    con.print(table)
    con.print(Text(f"prediction: {best}", style="bold"))
    return 0


COMMANDS: list[click.Command] = [train, predict]
