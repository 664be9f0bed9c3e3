"""Start-up of the app: the collector paused, BLAS on one thread (no Textual, no NumPy here).

Loading NumPy, Textual and the lesson, and building the first screen, allocates some hundred
thousand objects that live as long as the app. The collector scans them again and again while
they pile up (about a tenth of the start-up time, one full pass alone some 40 ms on a 2-core
VM) and finds almost nothing to free. The commands that open the app call :func:`pause_gc`
before they import it; the app calls :func:`resume_gc` once its first screen is drawn: the
objects alive then are moved out of the collector's sight (``gc.freeze``, as the classroom's
zygote does before it forks) and collection goes on as before for everything made later.

Those commands also call :func:`one_blas_thread` before NumPy loads. OpenBLAS starts a worker
thread per core when it loads, and each one spins a while before it sleeps (some 30 ms of CPU
measured on a loaded 2-core VM): CPU time taken from the app's own start (and Textual's pilot,
which drives ``--headless`` runs, waits for the process to go idle). The app never needs a second
BLAS thread: its products are tiny, the engine shares large calls among its own threads with
BLAS held to one thread, and training holds BLAS to one thread too (see
:func:`cnn_tui.lesson.training.one_blas_thread`), as ``cnn-tui train`` does from the start.
"""

from __future__ import annotations

import gc
import os
import sys

_paused = False

# What OpenBLAS (NumPy's wheels), an OpenMP build or MKL read for their number of threads.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Have BLAS load with one thread, unless the user set a number of threads, or NumPy (and
    with it BLAS) is already loaded."""
    if "numpy" in sys.modules or any(os.environ.get(v) for v in BLAS_THREAD_VARIABLES):
        return
    for name in BLAS_THREAD_VARIABLES:
        os.environ[name] = "1"


def pause_gc() -> None:
    """Stop automatic collection until :func:`resume_gc` (nothing if it is already off)."""
    global _paused
    if gc.isenabled() and not _paused:
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Freeze what start-up made and collect again; nothing unless :func:`pause_gc` stopped it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
