"""Benchmarks of the app (medians; never asserted in tests).

1. One window step in the convolution chapter, through the pilot: the `right` key handled and
   the screen repainted (the compositor renders the new frame), on the 9x9 lecture picture.
2. The model's step plus a panel redraw alone (no key handling).
3. The whole process: `cnn-tui run --headless --keys q` from start to exit.
4. While the train chapter trains (a worker thread): a key sent as a terminal sends it -> the
   first repaint after the app handled it, for `+`/`-` (learning rate: the numbers change) and
   `v` (the view changes: a new layout); and how many times a second the worker's progress
   reaches the screen (plots, kernels, numbers).

5. `--sizes`: the right key in the convolution and pooling chapters on pictures of 9x9, 28x28,
   64x64 and 128x128 (opened as a learner's own picture), at 100x36 and 160x48.
6. `--floor`: what Textual itself costs per key, in turns: a minimal Textual app (a binding that
   updates one Static), the convolution chapter as it is, and the convolution chapter with its
   stage replaced by one line-API widget whose 12 lines are made in advance (two sets, shown in
   turn: the panel's drawing costs nothing, only the title, status line, key handling and
   Textual's repaint are left).

Run: .venv/bin/python bench/app.py            (everything but the sizes and the floor)
     .venv/bin/python bench/app.py --sizes    (the sizes)
     .venv/bin/python bench/app.py --floor    (the floor)
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time


def record_paints(app) -> list[float]:
    """A list that gets the time of every frame the app paints from now on."""
    painted: list[float] = []
    original = app._display

    def display(screen, renderable):
        painted.append(time.perf_counter())
        return original(screen, renderable)

    app._display = display
    return painted


def test_picture(side: int):
    """A picture of ``side`` x ``side`` pixels that is not all one tone: a ring and a
    diagonal in greys, as a photo turned grey would be."""
    import numpy as np

    y, x = np.mgrid[:side, :side]
    r = np.hypot(y - side / 2 + 0.5, x - side / 2 + 0.5)
    img = np.where(np.abs(r - side / 3) < max(1.0, side / 20), 1.0, -1.0)
    img[np.abs(y - x) < max(1, side // 30)] = 0.5
    return img


async def pilot_steps(n: int = 48, start: str = "convolution", side: int = 9,
                      size: tuple[int, int] = (100, 36)):
    """Per press: (latency from sending the key to the first repaint of the screen, wall time of
    pilot.press, CPU time of pilot.press). pilot.press itself waits for the app to go idle
    (about 40 ms even on an empty app), so the latency to the repaint is the figure that counts.
    """
    from cnn_tui.tui.app import CnnTuiApp

    app = CnnTuiApp(start=start)
    if side != 9:
        app.model.open_picture(test_picture(side), f"test{side}")
    return await right_presses(app, n, size)


async def right_presses(app, n: int, size: tuple[int, int]):
    """``n`` presses of the right key in ``app`` through the pilot, each: (latency to the first
    repaint, wall time of pilot.press, its CPU time)."""
    painted = record_paints(app)
    rows = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for _ in range(n):
            painted.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press("right")
            t1, c1 = time.perf_counter(), time.process_time()
            for _ in range(200):            # a repaint without a new layout may come later
                if painted:
                    break
                await asyncio.sleep(0.001)
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


async def training_live(keys: int = 12, key: str = "v"):
    """(key -> repaint latencies while training, progress updates per second, round seconds).
    ``key`` is "v" (next view) or "lr" (+ and - in turn)."""
    from textual import events

    from cnn_tui.tui.app import CnnTuiApp

    app = CnnTuiApp(start="train")
    painted = record_paints(app)
    latencies: list[float] = []
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        ch = app.model.current
        accepted: list[float] = []
        accept = ch.accept

        def counting_accept(*args, **kw):
            accepted.append(time.perf_counter())
            return accept(*args, **kw)

        ch.accept = counting_accept
        app.post_message(events.Key("space", " "))
        while not ch.running:
            await asyncio.sleep(0.001)
        start = time.perf_counter()
        for _ in range(keys):
            await asyncio.sleep(0.15)
            if not ch.running:
                break
            before = (ch.view, ch.run.trainer.lr)
            if key == "v":
                name, char = "v", "v"
            else:
                name, char = ("plus", "+") if len(latencies) % 2 == 0 else ("minus", "-")
            t0 = time.perf_counter()
            app.post_message(events.Key(name, char))
            while (ch.view, ch.run.trainer.lr) == before:
                await asyncio.sleep(0.0005)
            handled = time.perf_counter()
            while not any(p >= handled for p in painted):
                await asyncio.sleep(0.0005)
            latencies.append(min(p for p in painted if p >= handled) - t0)
        while ch.running:
            await asyncio.sleep(0.01)
        seconds = time.perf_counter() - start
    return latencies, len(accepted) / seconds, seconds


def process_runs(n: int = 7) -> list[float]:
    exe = [sys.executable, "-m", "cnn_tui", "run", "--headless", "--keys", "q"]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(exe, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def report(name: str, times: list[float]) -> None:
    """Median, min and max in ms; presses that repainted nothing (NaN) are counted apart."""
    ms = sorted(t * 1000 for t in times if t == t)
    skipped = len(times) - len(ms)
    note = f", {skipped} without a repaint" if skipped else ""
    if not ms:
        print(f"{name:<55} no repaint in {len(times)} presses")
        return
    print(f"{name:<55} median {statistics.median(ms):7.2f} ms   "
          f"(min {ms[0]:.2f}, max {ms[-1]:.2f}, n={len(ms)}{note})")


def sizes(n: int = 48) -> None:
    """One step (the right key) at every picture size, at 100x36 and at 160x48."""
    for size in ((100, 36), (160, 48)):
        for chapter in ("convolution", "pooling"):
            for side in (9, 28, 64, 128):
                rows = asyncio.run(pilot_steps(n, start=chapter, side=side, size=size))
                report(f"{chapter} {side}x{side} at {size[0]}x{size[1]}: right -> repainted",
                       [r[0] for r in rows])


async def minimal_steps(n: int = 40, size: tuple[int, int] = (100, 36)) -> list[float]:
    """Key -> repaint latencies of a minimal Textual app: ``right`` updates one Static."""
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        BINDINGS = [("right", "step", "Step")]
        count = 0

        def compose(self):
            yield Static("0", id="n")

        def action_step(self) -> None:
            self.count += 1
            self.query_one("#n", Static).update(f"step {self.count}")

    return [r[0] for r in await right_presses(Minimal(), n, size)]


class _FloorStage:
    """Swaps the convolution panel for one line-API widget of 12 lines made in advance."""

    def __init__(self):
        import cnn_tui.tui.panels.convolution as panel
        from rich.segment import Segment
        from rich.style import Style
        from textual.strip import Strip
        from textual.widget import Widget

        self.panel = panel.ConvolutionPanel
        self.original = self.panel.compose, self.panel.show
        sets = [[Strip([Segment("██" if (r + c + k) % 3 else "  ",
                                Style(color="#ffffff", bgcolor="#000000")) for c in range(40)])
                 for r in range(12)] for k in range(2)]

        class Stage(Widget):
            DEFAULT_CSS = "Stage { height: 12; width: 1fr; }"
            shown = 0

            def render_line(self, y):
                return sets[self.shown][y] if y < 12 else Strip.blank(self.size.width)

        def compose(_panel):
            yield Stage(id="floor-stage")

        def show(_panel, chapter, width):
            stage = _panel.query_one("#floor-stage", Stage)
            stage.shown ^= 1
            stage.refresh()

        self.swapped = compose, show

    def __enter__(self):
        self.panel.compose, self.panel.show = self.swapped

    def __exit__(self, *exc):
        self.panel.compose, self.panel.show = self.original


def floor(rounds: int = 3, n: int = 40) -> None:
    """The minimal app, the convolution chapter and its stage made free, in turns."""
    got = {"minimal Textual app (one Static)": [], "convolution chapter (9x9)": [],
           "convolution, stage of ready-made lines": []}
    stage = _FloorStage()
    for _ in range(rounds):
        for name, runs in got.items():
            if name.startswith("minimal"):
                rows = asyncio.run(minimal_steps(n))
            elif name.startswith("convolution chapter"):
                rows = [r[0] for r in asyncio.run(pilot_steps(n, start="convolution"))]
            else:
                with stage:
                    rows = [r[0] for r in asyncio.run(pilot_steps(n, start="convolution"))]
            runs.extend(rows)
    for name, runs in got.items():
        report(f"{name}: right -> repainted (100x36)", runs)


def main() -> None:
    if sys.argv[1:] == ["--sizes"]:
        sizes()
        return
    if sys.argv[1:] == ["--floor"]:
        floor()
        return
    for chapter in ("convolution", "pooling", "padding", "sequences", "invariance"):
        rows = asyncio.run(pilot_steps(start=chapter))
        report(f"{chapter}: right key -> repainted screen (pilot)", [r[0] for r in rows])
        report(f"{chapter}: CPU time of one pilot.press", [r[2] for r in rows])
        report(f"{chapter}: wall time of one pilot.press (incl. idle wait)", [r[1] for r in rows])
    report("model.step + redraw of the panel", asyncio.run(redraws()))
    latencies, rate, seconds = asyncio.run(training_live(key="lr"))
    report("train: + or - -> repainted screen while training", latencies)
    report("train: v (new layout) -> repainted screen while training",
           asyncio.run(training_live(key="v"))[0])
    print(f"{'train: progress updates on screen while training':<55} {rate:7.2f} per second "
          f"(a round of 6 epochs took {seconds:.2f} s)")
    report("cnn-tui run --headless --keys q (whole process)", process_runs())
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cnn_tui", "--help"], check=True, capture_output=True)
    report("cnn-tui --help (whole process, one run)", [time.perf_counter() - t0])


if __name__ == "__main__":
    main()
