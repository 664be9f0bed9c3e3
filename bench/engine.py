"""Benchmark of the NumPy engine: median per-call times, against PyTorch when it is installed.

Run by hand (pytest does not collect it):

    .venv/bin/python bench/engine.py            # everything
    .venv/bin/python bench/engine.py --quick    # shorter time budget per row
    .venv/bin/python bench/engine.py --only conv_fwd,pool

Every figure is the MEDIAN of many timed batches of calls (``time.perf_counter``), divided by
the calls per batch. ``ratio`` is engine median / torch median (below 1: the engine is faster).
Torch runs with its default thread count (``torch.get_num_threads()``, printed in the header).
Each engine result is checked against torch (or the plain-loop reference) before it is timed.

On the large convolutions a third side, ``engine 1 thread``, runs the engine with its own
threads off (``set_threads(1)``, what ``CNN_TUI_THREADS=1`` does) and BLAS held to one thread
(threadpoolctl): ``1 thread/default`` above 1 is what the second core buys.
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

import importlib  # noqa: E402

from cnn_tui.engine import conv, conv_backward, conv_single, max_pool, relu  # noqa: E402
from cnn_tui.lecture.data import FEATURES, IMAGES, STRONG, VECTOR_LENGTH  # noqa: E402
from cnn_tui.lecture.network import lecture_pipeline  # noqa: E402

_conv_mod = importlib.import_module("cnn_tui.engine.conv")
_set_threads = getattr(_conv_mod, "set_threads", None)  # absent in engines before issue 13
try:
    from threadpoolctl import ThreadpoolController
    _BLAS = ThreadpoolController()
except Exception:  # noqa: BLE001 - optional
    _BLAS = None

CONV_SHAPES = [(1, 1, 9, 3, 3), (64, 1, 28, 8, 3), (256, 8, 32, 16, 3), (32, 16, 64, 32, 5)]
POOL_SHAPES = [(1, 3, 7, 7), (64, 8, 26, 26), (256, 16, 30, 30), (32, 32, 60, 60)]
SMALL_CONV = {(1, 1, 9, 3, 3)}
SMALL_POOL = {(1, 3, 7, 7)}
LARGE_CONV = {(256, 8, 32, 16, 3), (32, 16, 64, 32, 5)}  # also timed on one thread

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
    plans = []
    for fn in fns:
        time.sleep(PAUSE if len(fns) > 1 else 0)
        plans.append(_number(fn))
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


def timed(engine_fn, torch_fn, budget, one_thread=False):
    """(engine, torch-or-None, engine-on-one-thread-or-None) medians, taking turns."""
    fns = [engine_fn] + ([torch_fn] if torch_fn is not None else [])
    if one_thread and _BLAS is not None:
        fns.append(lambda: _one_thread(engine_fn))
    got = medians(fns, budget)
    e = got[0]
    t = got[1] if torch_fn is not None else None
    one = got[-1] if one_thread and _BLAS is not None else None
    return e, t, one


def _one_thread(fn):
    """``fn()`` with the engine's own threads off and BLAS on one thread."""
    if _set_threads is not None:
        _set_threads(1)
    try:
        with _BLAS.limit(limits=1, user_api="blas"):
            return fn()
    finally:
        if _set_threads is not None:
            _set_threads(None)


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


def row(op, shape, dtype, eng, tor=None, loop=None, one=None):
    ROWS.append((op, shape, dtype, fmt_t(eng), fmt_t(tor), fmt_r(eng, tor), fmt_t(one),
                 fmt_r(one, eng) if one else "-", fmt_t(loop), fmt_r(loop, eng) if loop else "-"))
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
                    eng, tor, one = timed(
                        lambda: conv(x, w),
                        (lambda: TF.conv2d(tx, tw)) if torch is not None else None,
                        budget, one_thread=shape in LARGE_CONV)
                if shape in SMALL_CONV and dt == np.float64:
                    np.testing.assert_allclose(y, ref_conv(x, w, (1, 1), ((0, 0), (0, 0))),
                                               **tol)
                    loop = median_time(lambda: ref_conv(x, w, (1, 1), ((0, 0), (0, 0))),
                                       budget, min_repeats=3)
                row("conv forward", label, name, eng, tor, loop, one)
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
                eng, tor, one = timed(lambda: conv_backward(dout, x, w), tbwd, budget,
                                      one_thread=shape in LARGE_CONV)
                row("conv backward", label, name, eng, tor, one=one)


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
            eng, tor, _ = timed(lambda: max_pool(x, 2, 2), tfn, budget)
            row("max pool 2x2 s2", label, np.dtype(dt).name, eng, tor, loop)


def bench_single(budget):
    """The single-picture ops the lesson calls on every key press (float64, as the lesson's)."""
    from reference import ref_conv

    rng = np.random.default_rng(2)
    img = rng.standard_normal((9, 9))
    k = rng.standard_normal((3, 3))
    want = ref_conv(img[None, None], k[None, None], (1, 1), ((0, 0), (0, 0)))[0, 0]
    np.testing.assert_allclose(conv_single(img, k), want, rtol=1e-12, atol=1e-12)
    tfn = None
    if torch is not None:
        ti, tk = torch.from_numpy(img)[None, None], torch.from_numpy(k)[None, None]
        np.testing.assert_allclose(TF.conv2d(ti, tk)[0, 0].numpy(), want, rtol=1e-12, atol=1e-12)
        tfn = lambda: TF.conv2d(ti, tk)[0, 0]  # noqa: E731
    eng, tor, _ = timed(lambda: conv_single(img, k), tfn, budget)
    row("conv_single", "9x9 image, 3x3 kernel", "float64", eng, tor)

    x = np.maximum(rng.standard_normal((1, 3, 7, 7)), -0.5)
    np.testing.assert_array_equal(relu(x), np.where(x > 0, x, 0.0))
    tfn = None
    if torch is not None:
        tx = torch.from_numpy(x)
        np.testing.assert_array_equal(torch.relu(tx).numpy(), relu(x))
        tfn = lambda: torch.relu(tx)  # noqa: E731
    eng, tor, _ = timed(lambda: relu(x), tfn, budget)
    row("relu", "N1 C3 7x7", "float64", eng, tor)


def bench_pipeline(budget):
    """The lecture's network on one 9x9 picture; torch does the same operations: conv2d with the
    three features then / 9, relu, max_pool2d 2x2 stride 2 ceil mode twice, flatten, the vote
    weights (each category's mean over its strong positions) as one matrix product."""
    img = IMAGES["x"]
    res = lecture_pipeline(img)
    assert res.prediction == "X"
    tfn = None
    if torch is not None:
        names = list(FEATURES)
        tw = torch.from_numpy(np.stack([FEATURES[n] for n in names])[:, None].astype(float))
        vw = np.zeros((len(STRONG), VECTOR_LENGTH))
        for i, pos in enumerate(STRONG.values()):
            vw[i, list(pos)] = 1.0 / len(pos)
        tvw = torch.from_numpy(vw)
        ti = torch.from_numpy(np.asarray(img, dtype=float))

        def tfn():
            with torch.no_grad():
                c = TF.conv2d(ti[None, None], tw) / 9
                p = TF.max_pool2d(torch.relu(c), 2, 2, ceil_mode=True)
                p = TF.max_pool2d(p, 2, 2, ceil_mode=True)
                return p.flatten() @ tvw.T

        np.testing.assert_allclose(tfn().numpy(), list(res.votes.values()), rtol=1e-12)
    eng, tor, _ = timed(lambda: lecture_pipeline(img), tfn, budget)
    row("lecture pipeline", "one 9x9 image", "float64", eng, tor)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=1.0, help="seconds per row (default 1)")
    ap.add_argument("--quick", action="store_true", help="0.3 s per row")
    ap.add_argument("--only", default="conv_fwd,conv_bwd,pool,single,pipeline")
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
    threads = getattr(_conv_mod, "threads", None)
    print(f"# engine threads: {threads() if threads else 'n/a (no thread pool)'} "
          f"(CNN_TUI_THREADS={os.environ.get('CNN_TUI_THREADS', 'unset')}); "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', 'unset')}")
    header = ("op", "shape", "dtype", "engine", "torch", "engine/torch", "engine 1 thread",
              "1 thread/default", "plain loops", "loops/engine")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    if "conv_fwd" in only or "conv_bwd" in only:
        bench_conv(budget, "conv_fwd" in only, "conv_bwd" in only)
    if "pool" in only:
        bench_pool(budget)
    if "single" in only:
        bench_single(budget)
    if "pipeline" in only:
        bench_pipeline(budget)


if __name__ == "__main__":
    main()
