"""Start-up without the cyclic garbage collector's full passes (no Textual, no NumPy here).

Loading NumPy, Textual and the lesson, and building the first screen, allocates some hundred
thousand objects that live as long as the app. The collector scans them again and again while
they pile up (about a tenth of the start-up time, one full pass alone some 40 ms on a 2-core
VM) and finds almost nothing to free. The commands that open the app call :func:`pause_gc`
before they import it; the app calls :func:`resume_gc` once its first screen is drawn: the
objects alive then are moved out of the collector's sight (``gc.freeze``, as the classroom's
zygote does before it forks) and collection goes on as before for everything made later.
"""

from __future__ import annotations

import gc

_paused = False


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
