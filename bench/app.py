"""Benchmarks of the app (medians; never asserted in tests).

1. One window step in the convolution chapter, through the pilot: the `right` key handled and
   the screen repainted (the compositor renders the new frame), on the 9x9 lecture picture.
2. The model's step plus a panel redraw alone (no key handling).
3. The whole process: `cnn-tui run --headless --keys q` from start to exit.

Run: .venv/bin/python bench/app.py
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time


async def pilot_steps(n: int = 48, start: str = "convolution"):
    """Per press: (latency from sending the key to the first repaint of the screen, wall time of
    pilot.press, CPU time of pilot.press). pilot.press itself waits for the app to go idle
    (about 40 ms even on an empty app), so the latency to the repaint is the figure that counts.
    """
    from cnn_tui.tui.app import CnnTuiApp

    app = CnnTuiApp(start=start)
    painted: list[float] = []
    original = app._display

    def display(screen, renderable):
        painted.append(time.perf_counter())
        return original(screen, renderable)

    app._display = display
    rows = []
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        for _ in range(n):
            painted.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press("right")
            t1, c1 = time.perf_counter(), time.process_time()
            first = painted[0] if painted else float("nan")
            rows.append((first - t0, t1 - t0, c1 - c0))
    return rows
async def redraws(n: int = 48) -> list[float]:
    from cnn_tui.tui.app import CnnTuiApp

    app = CnnTuiApp(start="convolution")
    times = []
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        for _ in range(n):
            t0 = time.perf_counter()
            app.model.step()
            app.lesson.redraw()
            times.append(time.perf_counter() - t0)
    return times


def process_runs(n: int = 7) -> list[float]:
    exe = [sys.executable, "-m", "cnn_tui", "run", "--headless", "--keys", "q"]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(exe, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name:<55} median {statistics.median(ms):7.2f} ms   "
          f"(min {ms[0]:.2f}, max {ms[-1]:.2f}, n={len(ms)})")


def main() -> None:
    for chapter in ("convolution", "pooling", "padding"):
        rows = asyncio.run(pilot_steps(start=chapter))
        report(f"{chapter}: right key -> repainted screen (pilot)", [r[0] for r in rows])
        report(f"{chapter}: CPU time of one pilot.press", [r[2] for r in rows])
        report(f"{chapter}: wall time of one pilot.press (incl. idle wait)", [r[1] for r in rows])
    report("model.step + redraw of the panel", asyncio.run(redraws()))
    report("cnn-tui run --headless --keys q (whole process)", process_runs())
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cnn_tui", "--help"], check=True, capture_output=True)
    report("cnn-tui --help (whole process, one run)", [time.perf_counter() - t0])


if __name__ == "__main__":
    main()
