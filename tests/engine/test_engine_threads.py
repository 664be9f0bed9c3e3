"""Large convolutions share their blocks of images among threads: the same bits as one thread.

"One thread" is the engine's own threads off (``set_threads(1)``) with BLAS held to one thread
too (threadpoolctl), which is what each block's products run on inside the threaded call. (A
float32 GEMM of OpenBLAS on two BLAS threads may differ from its one-thread result in the last
bit; that is BLAS's own choice, not the engine's.)
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import ThreadpoolController

from cnn_tui.engine import EngineError, conv, conv_backward

from reference import ref_conv

conv_mod = importlib.import_module("cnn_tui.engine.conv")
BLAS = ThreadpoolController()

# (N, C, H=W, F, k): several blocks of images with the default block size, above the work minimum
# (the last: one image per block, its columns larger than a block)
SPLIT_SHAPES = [(64, 4, 32, 16, 3), (12, 8, 40, 8, 5), (6, 16, 64, 32, 5)]


@pytest.fixture
def spy(monkeypatch):
    """Counts the calls that really went to the thread pool."""
    calls = []
    real = conv_mod._in_threads

    def counting(fn, parts):
        calls.append(len(parts))
        return real(fn, parts)

    monkeypatch.setattr(conv_mod, "_in_threads", counting)
    monkeypatch.delenv("CNN_TUI_THREADS", raising=False)
    conv_mod.set_threads(2)  # the machine may have one core: ask for two threads anyway
    yield calls
    conv_mod.set_threads(None)


def one_thread(fn, *args):
    conv_mod.set_threads(1)
    try:
        with BLAS.limit(limits=1, user_api="blas"):
            return fn(*args)
    finally:
        conv_mod.set_threads(2)


@pytest.mark.parametrize("shape", SPLIT_SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_threaded_equals_one_thread(spy, shape, dtype):
    n, c, hw, f, k = shape
    rng = np.random.default_rng(hw)
    x = rng.normal(size=(n, c, hw, hw)).astype(dtype)
    w = rng.normal(size=(f, c, k, k)).astype(dtype)
    b = rng.normal(size=f).astype(dtype)
    y = conv(x, w, b, padding=1)
    assert spy == [2]  # the forward was shared among two threads
    dout = rng.normal(size=y.shape).astype(dtype)
    dx, dw, db = conv_backward(dout, x, w, padding=1, b=b)
    assert spy == [2, 2]
    y1 = one_thread(lambda: conv(x, w, b, padding=1))
    dx1, dw1, db1 = one_thread(lambda: conv_backward(dout, x, w, padding=1, b=b))
    assert spy == [2, 2]  # one thread: never the pool
    for got, want in ((y, y1), (dx, dx1), (dw, dw1), (db, db1)):
        assert got.dtype == want.dtype == dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("offsets", [False, True])
def test_threaded_against_the_loops(spy, monkeypatch, offsets):
    """A small case forced through the split (tiny blocks, no work minimum), its backward pass
    by columns or one kernel offset at a time: the plain-loop reference's values exactly (small
    whole numbers: every order of summing is exact)."""
    monkeypatch.setattr(conv_mod, "_THREAD_MIN_WORK", 0)
    monkeypatch.setattr(conv_mod, "_BLOCK_BYTES", 1)  # one image per block
    if offsets:
        monkeypatch.setattr(conv_mod, "_OFFSETS_MIN_C", 0)
        monkeypatch.setattr(conv_mod, "_OFFSETS_MIN_CF", 0)
        monkeypatch.setattr(conv_mod, "_OFFSETS_MIN_PIXELS", 0)
    rng = np.random.default_rng(7)
    x = rng.integers(-4, 5, size=(5, 2, 7, 6)).astype(float)
    w = rng.integers(-3, 4, size=(3, 2, 3, 2)).astype(float)
    pads = ((1, 0), (2, 1))
    want = ref_conv(x, w, (1, 1), pads, -1.0)
    got = conv(x, w, padding=pads, pad_value=-1.0)
    np.testing.assert_array_equal(got, want)
    dout = rng.integers(-3, 4, size=want.shape).astype(float)
    dx, dw, db = conv_backward(dout, x, w, padding=pads, pad_value=-1.0)
    assert spy == [2, 2]
    # gradients by plain loops: dx[n,c,p] += dout * w, dw[f,c,k] += dout * xpad
    xp = np.pad(x, ((0, 0), (0, 0), (1, 0), (2, 1)), constant_values=-1.0)
    rdx = np.zeros_like(xp)
    rdw = np.zeros_like(w)
    for i in range(want.shape[0]):
        for f in range(want.shape[1]):
            for r in range(want.shape[2]):
                for s in range(want.shape[3]):
                    rdx[i, :, r:r + 3, s:s + 2] += dout[i, f, r, s] * w[f]
                    rdw[f] += dout[i, f, r, s] * xp[i, :, r:r + 3, s:s + 2]
    np.testing.assert_array_equal(dx, rdx[:, :, 1:8, 2:8])
    np.testing.assert_array_equal(dw, rdw)
    np.testing.assert_array_equal(db, dout.sum(axis=(0, 2, 3)))


def test_small_calls_stay_on_the_calling_thread(spy):
    rng = np.random.default_rng(1)
    conv(rng.normal(size=(1, 1, 9, 9)), rng.normal(size=(3, 1, 3, 3)))
    x = rng.normal(size=(64, 1, 28, 28))  # below the work minimum
    w = rng.normal(size=(8, 1, 3, 3))
    conv_backward(conv(x, w), x, w)
    assert spy == []


def test_thread_setting(spy, monkeypatch):
    conv_mod.set_threads(None)
    monkeypatch.setenv("CNN_TUI_THREADS", "1")
    assert conv_mod.threads() == 1
    n, c, hw, f, k = SPLIT_SHAPES[0]
    rng = np.random.default_rng(2)
    conv(rng.normal(size=(n, c, hw, hw)), rng.normal(size=(f, c, k, k)))
    assert spy == []
    monkeypatch.setenv("CNN_TUI_THREADS", "3")
    assert conv_mod.threads() == 3
    monkeypatch.setenv("CNN_TUI_THREADS", "many")  # not a number: the usable cores
    assert conv_mod.threads() == len(os.sched_getaffinity(0))
    conv_mod.set_threads(1)
    assert conv_mod.threads() == 1
    conv_mod.set_threads(None)
    monkeypatch.setenv("CNN_TUI_THREADS", "1000")      # capped: never a 999-thread pool
    assert conv_mod.threads() == conv_mod.MAX_THREADS == 64
    monkeypatch.delenv("CNN_TUI_THREADS")
    with pytest.raises(EngineError, match="threads must be at most 64, got 65"):
        conv_mod.set_threads(65)
    with pytest.raises(EngineError, match="threads must be at least 1, got 0"):
        conv_mod.set_threads(0)


def test_calls_from_several_threads(spy):
    """The engine called from several threads at once (the app's training worker and the UI):
    every call gets its own work arrays and its one-thread answer. Whole numbers keep every sum
    exact, so the answers are equal whichever BLAS thread count a concurrent call leaves set
    (BLAS's limit is one setting for the whole process)."""
    rng = np.random.default_rng(4)
    n, c, hw, f, k = SPLIT_SHAPES[0]
    cases = []
    for _ in range(3):
        x = rng.integers(-4, 5, size=(n, c, hw, hw)).astype(np.float32)
        w = rng.integers(-3, 4, size=(f, c, k, k)).astype(np.float32)
        dout = rng.integers(-3, 4, size=(n, f, hw - k + 1, hw - k + 1)).astype(np.float32)
        cases.append((x, w, dout, one_thread(conv, x, w),
                      one_thread(conv_backward, dout, x, w)))

    def check(case):
        x, w, dout, y1, g1 = case
        np.testing.assert_array_equal(conv(x, w), y1)
        for got, want in zip(conv_backward(dout, x, w), g1):
            np.testing.assert_array_equal(got, want)
        return True

    with ThreadPoolExecutor(3) as pool:
        assert all(pool.map(check, cases * 3))
    assert len(spy) >= 18  # each call was itself shared among threads
    x, w, _, y1, _ = cases[0]
    np.testing.assert_array_equal(y1, ref_conv(x.astype(float), w.astype(float), (1, 1),
                                               ((0, 0), (0, 0))))


CHILD = r"""
import importlib, os, sys
import numpy as np
from cnn_tui.engine import conv
m = importlib.import_module("cnn_tui.engine.conv")
assert m._pool is None, "the pool must not be made at import"
m.set_threads(2)
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4, 32, 32)); w = rng.normal(size=(16, 4, 3, 3))
want = conv(x, w)  # makes the pool in this (zygote-like) process
assert m._pool is not None
pid = os.fork()
if pid == 0:  # the child: the parent's pool threads are gone; a new pool must be made
    ok = m._pool is None and np.array_equal(conv(x, w), want) and m._pool is not None
    os._exit(0 if ok else 3)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_fork_after_threaded_call():
    env = dict(os.environ)
    env.pop("CNN_TUI_THREADS", None)
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

