"""Training benchmark: the engine's Trainer against the same network in PyTorch, epoch by epoch.

Run by hand (pytest does not collect it):

    .venv/bin/python bench/train.py                 # engine only when torch is missing
    /tmp/tv/bin/python bench/train.py               # a venv with torch: engine vs torch
    /tmp/tv/bin/python bench/train.py --profile     # also cProfile one engine epoch
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/tv/bin/python bench/train.py

For each data set (X's and O's, and the digits when scikit-learn is installed) it trains the
data set's default network (``training.DEFAULTS``: spec, batch, Adam and its lr, and the cosine
decay over the default epochs that ``cnn-tui train`` asks for) four times side by side, in
lockstep, one epoch each in turn with a pause (``--pause``, 0.5 s) before every turn:

* ``engine, BLAS 1 thr``: the engine's ``Trainer`` as it is (BLAS on one thread, its setting);
* ``engine, BLAS 2 thr``: the same ``Trainer`` with NumPy's BLAS limited to 2 threads instead (needs
  ``threadpoolctl``, which comes with scikit-learn);
* ``torch, 2 thr``: the same network as ``nn.Sequential`` built from the same spec, from the
  engine's initial weights (``load_state_dict(net.params)``: the names match), float32,
  ``torch.set_num_threads(2)``, ``torch.optim.Adam`` with the same lr, the Trainer's cosine
  schedule applied by hand before every batch, and the very batches the Trainer uses (its
  per-epoch permutations of ``numpy.random.default_rng(seed)``, checked against the Trainer's);
* ``torch, 1 thr``: the same once more with ``torch.set_num_threads(1)`` (``--torch-threads``
  picks the torch sides; the table gives the ratios against each). On a loaded 2-core machine
  two threads of either library wait for each other at every small kernel.

An epoch is what the Trainer counts in ``EpochRecord.seconds``: every batch (forward, backward,
optimiser step) plus the accuracy on the whole training and held-out splits at its end; the
torch side does the same work. Per-epoch figures are medians over all epochs run (at least
``--min-epochs``); the columns ``/ torch N thr`` divide by that torch side (below 1: faster).
Time to accuracy is the first epoch whose held-out accuracy reaches the target (99 % for X/O,
97 % for the digits) and the sum of the epochs' seconds up to it. The run goes on until every
side has reached its target (and at least ``--min-epochs``), at most ``--max-epochs``; after
the decay epochs the learning rate stays at the Trainer's final 2 %.

Sanity line: after epoch 1 the engine's and torch's losses (mean batch loss of the epoch, each
batch's loss, and the loss on the whole training split) and parameters must agree closely.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cnn_tui.lesson import datasets, training  # noqa: E402

try:
    import torch
    import torch.nn.functional as TF
    from torch import nn
except Exception:  # noqa: BLE001 - torch is optional
    torch = None

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # comes with scikit-learn
    ThreadpoolController = None

TARGETS = {"xo": 0.99, "digits": 0.97}
TORCH_THREADS = 2
AGREE = 1e-4          # relative difference the sanity line accepts
_CONTROLLER = ThreadpoolController() if ThreadpoolController is not None else None


# --- the engine side ------------------------------------------------------------------------
@contextlib.contextmanager
def blas_threads(n: int | None):
    """Run the Trainer with NumPy's BLAS on ``n`` threads instead of its own single thread.

    The Trainer limits BLAS through ``training.one_blas_thread`` around every epoch; for
    ``n != 1`` that function is swapped, for this benchmark's process only, for one that sets
    ``n`` threads. ``n`` None (no threadpoolctl) or 1 leaves the Trainer as it is.
    """
    if n is None or n == 1:
        yield
        return
    original = training.one_blas_thread
    training.one_blas_thread = lambda: _CONTROLLER.limit(limits=n, user_api="blas")
    try:
        yield
    finally:
        training.one_blas_thread = original


def blas_now() -> str:
    if _CONTROLLER is None:
        return "?"
    pools = [p for p in _CONTROLLER.lib_controllers if p.user_api == "blas"]
    return ",".join(str(p.num_threads) for p in pools) or "?"


class EngineSide:
    def __init__(self, ds, seed: int, blas: int | None):
        d = training.DEFAULTS[ds.name]
        self.trainer = training.Trainer(ds, seed=seed, decay_epochs=d.epochs)
        self.blas = blas
        self.name = f"engine, BLAS {blas} thr" if blas is not None else "engine, BLAS default"
        self.records: list[SimpleNamespace] = []
        self.seen_threads = "?"

    def initial_params(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.trainer.net.params.items()}

    def epoch(self, orders: list[np.ndarray]) -> None:
        tr = self.trainer
        losses: list[float] = []
        e = len(self.records)

        def on_step(rec):
            if rec.step == 1:      # the Trainer's permutation is the one torch is fed
                if not np.array_equal(tr._order, orders[e]):
                    raise SystemExit("the Trainer's batches differ from the benchmark's copy")
                self.seen_threads = blas_now()
            losses.append(rec.loss)

        with blas_threads(self.blas):
            t0 = time.perf_counter()
            rec = tr.run_epoch(on_step=on_step)
            seconds = time.perf_counter() - t0
        self.records.append(SimpleNamespace(seconds=seconds, loss=rec.loss, losses=losses,
                                            train_acc=rec.train_accuracy,
                                            val_acc=rec.val_accuracy))

    def train_loss(self) -> float:
        return self.trainer.evaluate().train_loss

    def params(self) -> dict[str, np.ndarray]:
        return self.trainer.net.params


# --- the torch side -------------------------------------------------------------------------
def torch_model(net) -> nn.Sequential:
    """``nn.Sequential`` of the engine network's spec, holding the engine's current weights."""
    mods = []
    for i, layer in enumerate(net.layers):
        kind = layer.kind
        if kind == "conv":
            w = net.params[f"{i}.weight"]
            if w.ndim != 4:
                raise SystemExit("bench/train.py builds 2-D convolutions only")
            mods.append(nn.Conv2d(w.shape[1], layer.size, layer.kernel, stride=layer.stride,
                                  padding=layer.pad))
        elif kind == "relu":
            mods.append(nn.ReLU())
        elif kind == "maxpool":
            mods.append(nn.MaxPool2d(layer.kernel, layer.stride))
        elif kind == "avgpool":
            mods.append(nn.AvgPool2d(layer.kernel, layer.stride))
        elif kind == "flatten":
            mods.append(nn.Flatten())
        elif kind == "dense":
            mods.append(nn.Linear(net.params[f"{i}.weight"].shape[1], layer.size))
        else:  # pragma: no cover
            raise SystemExit(f"unknown layer kind {kind}")
    model = nn.Sequential(*mods)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in net.params.items()},
                          strict=True)
    return model.float()


class TorchSide:
    def __init__(self, ds, engine: EngineSide, threads: int):
        tr = engine.trainer
        self.threads = threads
        self.name = f"torch, {threads} thr"
        self.model = torch_model(tr.net)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=tr.lr)
        self.batch = tr.batch
        # The Trainer's own schedule, evaluated for any step count.
        self.sched = SimpleNamespace(decay_epochs=tr.decay_epochs, lr=tr.lr,
                                     steps_per_epoch=tr.steps_per_epoch, total_steps=0)
        self.xt, self.yt = torch.from_numpy(ds.x_train), torch.from_numpy(ds.y_train)
        self.xv, self.yv = torch.from_numpy(ds.x_val), torch.from_numpy(ds.y_val)
        self.records: list[SimpleNamespace] = []

    def epoch(self, orders: list[np.ndarray]) -> None:
        order = orders[len(self.records)]
        n, b = order.size, self.batch
        model, opt, sched = self.model, self.opt, self.sched
        losses: list[float] = []
        torch.set_num_threads(self.threads)
        t0 = time.perf_counter()
        model.train()
        for pos in range(0, n, b):
            idx = torch.from_numpy(order[pos:pos + b])
            lr = training.Trainer.current_lr(sched)
            for g in opt.param_groups:
                g["lr"] = lr
            opt.zero_grad(set_to_none=True)
            loss = TF.cross_entropy(model(self.xt[idx]), self.yt[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            sched.total_steps += 1
        model.eval()
        with torch.no_grad():
            train_acc = (model(self.xt).argmax(1) == self.yt).float().mean().item()
            val_acc = (model(self.xv).argmax(1) == self.yv).float().mean().item()
        seconds = time.perf_counter() - t0
        sizes = np.full(len(losses), b, dtype=np.float64)
        sizes[-1] = n - b * (len(losses) - 1)
        self.records.append(SimpleNamespace(
            seconds=seconds, loss=float(np.dot(losses, sizes) / sizes.sum()), losses=losses,
            train_acc=train_acc, val_acc=val_acc))

    def train_loss(self) -> float:
        with torch.no_grad():
            return TF.cross_entropy(self.model(self.xt).double(), self.yt).item()

    def params(self) -> dict[str, np.ndarray]:
        return {k: v.detach().numpy() for k, v in self.model.state_dict().items()}


# --- the run --------------------------------------------------------------------------------
def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-30)


def sanity(ds_name: str, eng, tor, loss_e: float, loss_t: float) -> bool:
    r0, r1 = eng.records[0], tor.records[0]
    batch = max(rel(a, b) for a, b in zip(r0.losses, r1.losses))
    pe, pt = eng.params(), tor.params()
    par = max(float(np.abs(pe[k] - pt[k]).max() / np.abs(pt[k]).max()) for k in pe)
    worst = max(rel(r0.loss, r1.loss), rel(loss_e, loss_t))
    ok = worst <= AGREE
    print(f"# sanity {ds_name}, after epoch 1 ({len(r0.losses)} batches), {eng.name} vs "
          f"{tor.name}: "
          f"mean batch loss {r0.loss:.6f} vs {r1.loss:.6f} (rel {rel(r0.loss, r1.loss):.1e}); "
          f"whole training split {loss_e:.6f} vs {loss_t:.6f} (rel {rel(loss_e, loss_t):.1e}); "
          f"worst batch rel {batch:.1e}; params max |diff|/max|p| {par:.1e}; held-out acc "
          f"{r0.val_acc:.4f} vs {r1.val_acc:.4f} -> {'OK' if ok else 'MISMATCH'} "
          f"(limit {AGREE:g})", flush=True)
    return ok


def run_data_set(name: str, args) -> list[tuple] | None:
    try:
        ds = datasets.load(name, args.seed)
    except datasets.DatasetError as exc:
        print(f"# {name}: skipped ({exc})", flush=True)
        return None
    d = training.DEFAULTS[name]
    target = TARGETS[name]
    blas_list = [1, 2] if _CONTROLLER is not None else [None]
    engines = [EngineSide(ds, args.seed, b) for b in blas_list]
    sides = list(engines)
    torches = [TorchSide(ds, engines[0], t) for t in args.torch_threads] if torch else []
    sides += torches
    n = ds.x_train.shape[0]
    rng = np.random.default_rng(args.seed)          # the Trainer's permutations, epoch by epoch
    orders: list[np.ndarray] = []
    print(f"# {name}: {n} training / {ds.x_val.shape[0]} {ds.val_name} pictures "
          f"{ds.input_shape}, net '{d.spec}', batch {engines[0].trainer.batch} "
          f"({engines[0].trainer.steps_per_epoch} steps/epoch), Adam lr {d.lr:g} with cosine "
          f"decay over {d.epochs} epochs, target {ds.val_name} accuracy >= {target:.0%}",
          flush=True)
    epoch = 0
    while epoch < args.max_epochs:
        orders.append(rng.permutation(n))
        for side in sides:
            time.sleep(args.pause)
            side.epoch(orders)
        epoch += 1
        if epoch == 1:
            for t in torches:
                sanity(name, engines[0], t, engines[0].train_loss(), t.train_loss())
        line = "   ".join(f"{s.name}: {s.records[-1].seconds:.3f} s, loss "
                          f"{s.records[-1].loss:.4f}, acc {s.records[-1].val_acc:.4f}"
                          for s in sides)
        print(f"#   epoch {epoch:2d}  {line}", flush=True)
        reached = all(any(r.val_acc >= target for r in s.records) for s in sides)
        if epoch >= args.min_epochs and reached:
            break
    for e in engines:
        if e.blas is not None and e.seen_threads != str(e.blas):
            print(f"# warning: {e.name} ran with BLAS threads {e.seen_threads}")
    stats = {}
    for s in sides:
        secs = [r.seconds for r in s.records]
        hit = next((i for i, r in enumerate(s.records) if r.val_acc >= target), None)
        stats[s] = (statistics.median(secs), min(secs), len(secs), hit,
                    None if hit is None else sum(secs[:hit + 1]))
    rows = []
    for s in sides:
        med, low, count, hit, ttt = stats[s]
        ratios = []
        for t in torches:
            tmed, tttt = stats[t][0], stats[t][4]
            ratios.append(f"{med / tmed:.2f}x / " +
                          ("-" if ttt is None or tttt is None else f"{ttt / tttt:.2f}x"))
        rows.append([name, s.name, f"{med * 1e3:.1f} ms", f"{low * 1e3:.1f} ms", f"{count}",
                     f">={target:.0%}: " + ("not reached" if hit is None else f"epoch {hit + 1}"),
                     "-" if ttt is None else f"{ttt:.2f} s", *ratios,
                     f"{s.records[-1].val_acc:.4f}"])
    return rows


def profile_epoch(name: str, args) -> None:
    """cProfile the engine's second epoch (the first warms up) on one BLAS thread."""
    import cProfile
    import pstats

    try:
        ds = datasets.load(name, args.seed)
    except datasets.DatasetError:
        return
    d = training.DEFAULTS[name]
    tr = training.Trainer(ds, seed=args.seed, decay_epochs=d.epochs)
    tr.run_epoch()
    time.sleep(args.pause)
    prof = cProfile.Profile()
    prof.enable()
    tr.run_epoch()
    prof.disable()
    print(f"\n# cProfile of one engine epoch, {name} (BLAS 1 thread), top 10 by own time:")
    st = pstats.Stats(prof, stream=sys.stdout)
    st.sort_stats("tottime").print_stats(10)


def header() -> None:
    cpu = platform.processor() or platform.machine()
    env = ", ".join(f"{v}={os.environ[v]!r}" if v in os.environ else f"{v} unset"
                    for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
    print(f"# cnn-tui training benchmark; {cpu}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, NumPy {np.__version__}; {env}")
    if _CONTROLLER is not None:
        for p in _CONTROLLER.lib_controllers:
            if p.user_api == "blas":
                info = p.info()
                print(f"# NumPy BLAS: {info.get('internal_api')} {info.get('version')}, kernels "
                      f"{info.get('architecture')}, default threads {info.get('num_threads')}")
    else:
        print("# threadpoolctl not installed: the engine runs at the BLAS default only")
    if torch is not None:
        torch.set_num_threads(TORCH_THREADS)
        print(f"# torch {torch.__version__}, float32, torch.set_num_threads(n) before each "
              f"torch side's epoch")
    else:
        print("# torch not installed: engine only")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="xo,digits", help="data sets (default xo,digits)")
    ap.add_argument("--min-epochs", type=int, default=7, help="epochs at least (default 7)")
    ap.add_argument("--max-epochs", type=int, default=30, help="epochs at most (default 30)")
    ap.add_argument("--pause", type=float, default=0.5, help="seconds before each side's epoch")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--torch-threads", default=f"{TORCH_THREADS},1",
                    help=f"torch sides' thread counts (default {TORCH_THREADS},1; the ratios "
                         f"are against each)")
    ap.add_argument("--profile", action="store_true",
                    help="also cProfile one engine epoch per data set")
    args = ap.parse_args(argv)
    args.torch_threads = [int(t) for t in args.torch_threads.split(",")]
    header()
    rows = []
    for name in args.data.split(","):
        got = run_data_set(name, args)
        if got:
            rows += got
    head = ("data", "side", "s/epoch median", "min", "epochs", "time to accuracy",
            "seconds to target",
            *(f"/ torch {t} thr (epoch / to target)"
              for t in (args.torch_threads if torch else ())),
            "final acc")
    print()
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for r in rows:
        print(" | ".join(r))
    if args.profile:
        for name in args.data.split(","):
            profile_epoch(name, args)


if __name__ == "__main__":
    main()
