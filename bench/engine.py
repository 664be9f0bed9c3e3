"""Benchmark of the NumPy engine: median per-call times, against PyTorch when it is installed.

Run by hand (pytest does not collect it):

    .venv/bin/python bench/engine.py            # everything
    .venv/bin/python bench/engine.py --quick    # shorter time budget per row
    .venv/bin/python bench/engine.py --only conv_fwd,pool

Every figure is the MEDIAN of many timed batches of calls (``time.perf_counter``), divided by
the calls per batch. ``ratio`` is engine median / torch median (below 1: the engine is faster).
Torch runs with its default thread count (``torch.get_num_threads()``, printed in the header).
Each engine result is checked against torch (or the plain-loop reference) before it is timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine"))

from cnn_tui.engine import conv, conv_backward, max_pool  # noqa: E402
from cnn_tui.lecture.data import IMAGES  # noqa: E402
from cnn_tui.lecture.network import lecture_pipeline  # noqa: E402

CONV_SHAPES = [(1, 1, 9, 3, 3), (64, 1, 28, 8, 3), (256, 8, 32, 16, 3), (32, 16, 64, 32, 5)]
POOL_SHAPES = [(1, 3, 7, 7), (64, 8, 26, 26), (256, 16, 30, 30), (32, 32, 60, 60)]
SMALL_CONV = {(1, 1, 9, 3, 3)}
SMALL_POOL = {(1, 3, 7, 7)}

try:
    import torch
    import torch.nn.functional as TF
except Exception:  # noqa: BLE001 - torch is optional
    torch = None


def _number(fn) -> tuple[int, float]:
    fn()  # warm up (allocations, caches, lazy imports)
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(0.002 / one)), one


def medians(fns, budget: float, min_repeats: int = 7, max_repeats: int = 200, rounds: int = 3):
    """Median seconds per call of each function in ``fns``.

    Calls are timed in batches of >= 2 ms. The functions take turns in ``rounds`` rounds (a a a,
    b b b, a a a, b b b, ...) so that a slow spell of this shared machine hits all of them alike,
    with a pause between turns: NumPy's OpenBLAS threads and torch's OpenMP threads spin-wait for
    a while after their work, and would otherwise steal the 2 cores from each other.
    """
    plans = [_number(fn) for fn in fns]
    per_round = sum(n * one for n, one in plans)
    repeats = int(min(max_repeats, max(min_repeats, budget / per_round)))
    per_turn = max(1, -(-repeats // rounds))
    samples = [[] for _ in fns]
    for _ in range(rounds):
        for fn, (number, _), out in zip(fns, plans, samples):
            if len(fns) > 1:
                time.sleep(PAUSE)
            for _ in range(per_turn):
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                out.append((time.perf_counter() - t0) / number)
    return [statistics.median(v) for v in samples]


def median_time(fn, budget: float, min_repeats: int = 7, max_repeats: int = 200) -> float:
    return medians([fn], budget, min_repeats, max_repeats)[0]


def timed(engine_fn, torch_fn, budget):
    """(engine, torch-or-None) medians, interleaved when torch is there."""
    if torch_fn is None:
        return median_time(engine_fn, budget), None
    e, t = medians([engine_fn, torch_fn], budget)
    return e, t


def fmt_t(t: float | None) -> str:
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def fmt_r(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}x"


ROWS: list[tuple[str, ...]] = []
PAUSE = 0.25  # seconds between turns of engine and torch (see medians)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def row(op, shape, dtype, eng, tor=None, loop=None):
    ROWS.append((op, shape, dtype, fmt_t(eng), fmt_t(tor), fmt_r(eng, tor), fmt_t(loop),
                 fmt_r(loop, eng) if loop else "-"))
    print(" | ".join(ROWS[-1]), flush=True)


def bench_conv(budget, do_fwd=True, do_bwd=True):
    from reference import ref_conv

    rng = np.random.default_rng(0)
    for shape in CONV_SHAPES:
        n, c, hw, f, k = shape
        label = f"N{n} C{c} {hw}x{hw} F{f} k{k}"
        for dt in (np.float32, np.float64):
            x = rng.standard_normal((n, c, hw, hw)).astype(dt)
            w = rng.standard_normal((f, c, k, k)).astype(dt)
            y = conv(x, w)
            dout = rng.standard_normal(y.shape).astype(dt)
            tol = dict(rtol=2e-3, atol=2e-3) if dt == np.float32 else dict(rtol=1e-9, atol=1e-9)
            tx = tw = tdo = None
            if torch is not None:
                tx, tw, tdo = (torch.from_numpy(a) for a in (x, w, dout))
                np.testing.assert_allclose(y, TF.conv2d(tx, tw).numpy(), **tol)
            name = np.dtype(dt).name
            if do_fwd:
                loop = None
                with torch.no_grad() if torch is not None else _null():
                    eng, tor = timed(lambda: conv(x, w),
                                     (lambda: TF.conv2d(tx, tw)) if torch is not None else None,
                                     budget)
                if shape in SMALL_CONV and dt == np.float64:
                    np.testing.assert_allclose(y, ref_conv(x, w, (1, 1), ((0, 0), (0, 0))),
                                               **tol)
                    loop = median_time(lambda: ref_conv(x, w, (1, 1), ((0, 0), (0, 0))),
                                       budget, min_repeats=3)
                row("conv forward", label, name, eng, tor, loop)
            if do_bwd:
                dx, dw, db = conv_backward(dout, x, w)
                tbwd = None
                if torch is not None:
                    def tbwd():
                        return torch.ops.aten.convolution_backward(
                            tdo, tx, tw, [f], [1, 1], [0, 0], [1, 1], False, [0, 0], 1,
                            [True, True, True])
                    gx, gw, gb = tbwd()
                    btol = dict(rtol=5e-3, atol=5e-2) if dt == np.float32 else tol
                    np.testing.assert_allclose(dx, gx.numpy(), **btol)
                    np.testing.assert_allclose(dw, gw.numpy(), **btol)
                    np.testing.assert_allclose(db, gb.numpy(), **btol)
                eng, tor = timed(lambda: conv_backward(dout, x, w), tbwd, budget)
                row("conv backward", label, name, eng, tor)


def bench_pool(budget):
    from reference import ref_pool

    rng = np.random.default_rng(1)
    for shape in POOL_SHAPES:
        label = "N{} C{} {}x{}".format(*shape)
        for dt in (np.float32, np.float64):
            x = rng.standard_normal(shape).astype(dt)
            y = max_pool(x, 2, 2)
            loop = tfn = None
            if torch is not None:
                tx = torch.from_numpy(x)
                np.testing.assert_array_equal(y, TF.max_pool2d(tx, 2, 2).numpy())
                tfn = lambda: TF.max_pool2d(tx, 2, 2)  # noqa: E731
            if shape in SMALL_POOL and dt == np.float64:
                ref = ref_pool(x, "max", (2, 2), (2, 2), ((0, 0), (0, 0)))
                np.testing.assert_array_equal(y, ref)
                loop = median_time(lambda: ref_pool(x, "max", (2, 2), (2, 2), ((0, 0), (0, 0))),
                                   budget, min_repeats=3)
            eng, tor = timed(lambda: max_pool(x, 2, 2), tfn, budget)
            row("max pool 2x2 s2", label, np.dtype(dt).name, eng, tor, loop)


def bench_pipeline(budget):
    img = IMAGES["x"]
    res = lecture_pipeline(img)
    assert res.prediction == "X"
    eng = median_time(lambda: lecture_pipeline(img), budget, min_repeats=50)
    row("lecture pipeline", "one 9x9 image", "float64", eng)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=1.0, help="seconds per row (default 1)")
    ap.add_argument("--quick", action="store_true", help="0.3 s per row")
    ap.add_argument("--only", default="conv_fwd,conv_bwd,pool,pipeline")
    args = ap.parse_args(argv)
    budget = 0.3 if args.quick else args.budget
    only = set(args.only.split(","))
    cpu = platform.processor() or platform.machine()
    print(f"# cnn-tui engine benchmark — medians per call; {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, NumPy {np.__version__}")
    if torch is not None:
        print(f"# torch {torch.__version__}, default threads: torch.get_num_threads() = "
              f"{torch.get_num_threads()}")
    else:
        print("# torch not installed: no torch column (pip install torch to compare)")
    header = ("op", "shape", "dtype", "engine", "torch", "engine/torch", "plain loops",
              "loops/engine")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    if "conv_fwd" in only or "conv_bwd" in only:
        bench_conv(budget, "conv_fwd" in only, "conv_bwd" in only)
    if "pool" in only:
        bench_pool(budget)
    if "pipeline" in only:
        bench_pipeline(budget)


if __name__ == "__main__":
    main()
