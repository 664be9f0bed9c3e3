"""Start-up of the app against the floor: a minimal Textual app run the same way (medians).

Every run is a fresh process of the same Python, without ``-X importtime``, timed from spawn to
exit (``time.perf_counter`` around ``subprocess.run``):

- ``textual``: an App with one Static, driven the way ``cnn-tui run --headless`` drives ours:
  ``App.run_test(size=(100, 36))``, one pause, ``q`` pressed through the pilot (the app quits),
  the final screen printed as plain text (Rich's console, as ``headless.screen_text`` does);
- ``cnn-tui``: ``python -m cnn_tui run --headless --keys q`` (the lesson's first chapter);
- ``cnn-tui conv``: the same with ``--screen convolution`` (``--screens`` to choose others).

Bytecode: this machine's environment sets ``PYTHONDONTWRITEBYTECODE``, so cnn_tui (no
``__pycache__`` in a checkout) would be compiled from source at every start while Textual loads
the ``.pyc`` files pip wrote. By default the runs share a private ``PYTHONPYCACHEPREFIX`` (a
temporary folder, filled by one warm-up run of each command), as an installed package has its
``.pyc`` files; ``--compile`` runs with ``PYTHONDONTWRITEBYTECODE=1`` instead (the checkout as the
tests see it).

The commands take turns (a b c a b c ...) so that the shared machine's noise hits all alike;
the ratio is each command's median over the minimal app's median, for the wall time and for
the CPU time (user + system; steadier while other work shares the cores). The target is <= 1.3.

Run:
    .venv/bin/python bench/startup.py                # 15 runs each
    .venv/bin/python bench/startup.py -n 31 --screens literal,convolution,train
    .venv/bin/python bench/startup.py --compile      # cnn_tui compiled at every start
    .venv/bin/python bench/startup.py --importtime   # what our run imports, slowest first
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = '''
import asyncio, io

from rich.console import Console
from textual.app import App
from textual.widgets import Static


class Minimal(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self):
        yield Static("Hello from a minimal Textual app.")


async def main():
    app = Minimal()
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        w, h = app.size
        console = Console(width=w, height=h, file=io.StringIO(), force_terminal=True,
                          color_system=None, record=True, legacy_windows=False, safe_box=False)
        console.print(app.screen._compositor.render_update(full=True,
                                                           screen_stack=app._background_screens))
        last = console.export_text(styles=False)
        await pilot.press("q")
    print(last)


asyncio.run(main())
'''


def commands(screens: list[str], other: str | None = None) -> dict[str, tuple[list[str], dict]]:
    """label -> (argv, environment changes). ``other``: a second checkout of cnn-tui (its
    folder), whose runs are added under the label ``... @other`` with ``PYTHONPATH=other``."""
    py = sys.executable
    out = {"textual (minimal app)": ([py, "-c", MINIMAL_APP], {})}
    for screen in screens:
        label = "cnn-tui" if screen == "literal" else f"cnn-tui --screen {screen}"
        argv = [py, "-m", "cnn_tui", "run", "--headless", "--screen", screen, "--keys", "q"]
        if other:
            out[f"{label} @{Path(other).name}"] = (argv, {"PYTHONPATH": other})
        out[label] = (argv, {})
    return out


def once(cmd: tuple[list[str], dict], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one run of ``cmd``."""
    argv, changes = cmd
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env | changes, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[:3])}... failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def timings(cmds: dict[str, tuple[list[str], dict]], n: int,
            env: dict[str, str]) -> dict[str, list[tuple[float, float]]]:
    for cmd in cmds.values():                     # warm the file cache and the .pyc files
        once(cmd, env)
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in cmds}
    for _ in range(n):
        for label, cmd in cmds.items():
            times[label].append(once(cmd, env))
    return times


def table(times: dict[str, list[tuple[float, float]]]) -> None:
    """Wall time (spawn to exit) and CPU time (user + system of the process): on a loaded
    machine the CPU time is the steadier figure; the ratios are medians over the minimal app's."""
    runs = list(times.values())
    floor = statistics.median(w for w, _ in runs[0])
    floor_cpu = statistics.median(c for _, c in runs[0])
    print("| command | wall median ms | wall min ms | ratio (wall) | CPU median ms | "
          "ratio (CPU) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, ts in times.items():
        wall = statistics.median(w for w, _ in ts)
        cpu = statistics.median(c for _, c in ts)
        print(f"| {label} | {wall * 1000:.0f} | {min(w for w, _ in ts) * 1000:.0f} | "
              f"{wall / floor:.2f} | {cpu * 1000:.0f} | {cpu / floor_cpu:.2f} |")


def importtime(cmd: tuple[list[str], dict], env: dict[str, str], top: int, runs: int = 5) -> None:
    """The modules of our run with the largest cumulative import time (median of ``runs``),
    indented as Python nests them; and the modules our run imports that the minimal app
    does not, by their own (self) time."""
    import re

    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")

    def parse(cmd: tuple[list[str], dict]) -> dict[str, tuple[float, float, int]]:
        (py, *args), changes = cmd
        runs_seen: list[dict[str, tuple[int, int, int]]] = []
        for _ in range(runs):
            done = subprocess.run([py, "-X", "importtime", *args], env=env | changes,
                                  capture_output=True, text=True)
            seen = {}
            for line in done.stderr.splitlines():
                m = pattern.match(line)
                if m:
                    seen[m.group(4)] = (int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2)
            runs_seen.append(seen)
        names = set.intersection(*(set(s) for s in runs_seen))
        return {name: (statistics.median(s[name][0] for s in runs_seen),
                       statistics.median(s[name][1] for s in runs_seen),
                       runs_seen[0][name][2]) for name in names}

    for argv, changes in (cmd, commands([])["textual (minimal app)"]):  # write the bytecode
        subprocess.run(argv, env=env | changes, capture_output=True)
    ours = parse(cmd)
    minimal = parse(commands([])["textual (minimal app)"])
    print(f"Top {top} by cumulative import time (median of {runs} runs of "
          f"`python -X importtime`, which slows every import down):\n")
    print("| module | cumulative ms | self ms |")
    print("| --- | ---: | ---: |")
    for name, (own, cum, depth) in sorted(ours.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"| {'. ' * depth}{name} | {cum / 1000:.1f} | {own / 1000:.1f} |")
    extra = {k: v for k, v in ours.items() if k not in minimal}
    print(f"\n{len(extra)} modules not imported by the minimal app, "
          f"{sum(v[0] for v in extra.values()) / 1000:.0f} ms of self time; the top {top}:\n")
    print("| module | self ms |")
    print("| --- | ---: |")
    for name, (own, _cum, _depth) in sorted(extra.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"| {name} | {own / 1000:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--screens", default="literal,convolution",
                        help="the screens of our runs, comma-separated (default literal,"
                             "convolution)")
    parser.add_argument("--compare", metavar="DIR",
                        help="also time the cnn_tui of another checkout (e.g. a git worktree "
                             "of an older commit), in the same rounds")
    parser.add_argument("--importtime", action="store_true",
                        help="print the slowest imports of our run instead")
    parser.add_argument("--top", type=int, default=25, help="rows of --importtime (default 25)")
    parser.add_argument("--compile", action="store_true",
                        help="no bytecode cache for cnn_tui: PYTHONDONTWRITEBYTECODE=1")
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="cnn-tui-bench-pyc-") as pyc:
        if args.compile:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = pyc
        run(args, env)


def run(args: argparse.Namespace, env: dict[str, str]) -> None:
    # The cnn_tui this file sits next to, unless PYTHONPATH says otherwise.
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    screens = [s.strip() for s in args.screens.split(",") if s.strip()]
    cmds = commands(screens, args.compare and str(Path(args.compare).resolve()))
    probe = subprocess.run([sys.executable, "-c", "import cnn_tui, textual; "
                            "print(cnn_tui.__file__, textual.__version__)"],
                           env=env, capture_output=True, text=True, check=True)
    print(f"{sys.executable}, Python {sys.version.split()[0]}; cnn_tui, textual: "
          f"{probe.stdout.strip()}; bytecode: "
          f"{'compiled at every start' if args.compile else 'cached'}")
    if args.importtime:
        ours = commands(screens[:1] or ["literal"])
        importtime(ours[list(ours)[1]], env, args.top)
        return
    print(f"{args.n} runs of each, in turn, after one warm-up run each; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n")
    table(timings(cmds, args.n, env))


if __name__ == "__main__":
    main()
