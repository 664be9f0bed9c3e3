"""Benchmark of the classroom server: N browser tabs on one ``cnn-tui serve`` at the same time.

Run by hand (pytest does not collect it):

    .venv/bin/python bench/serve.py                       # N = 1, 5, 10, 20 tabs
    .venv/bin/python bench/serve.py --sessions 1,5 --keys 20 --json
    .venv/bin/python bench/serve.py --size 120x40 --gap 0.2

It starts a real ``cnn-tui serve`` (``python -m cnn_tui serve --port FREE --data-dir TEMP``, its
own session, stopped with SIGINT as a teacher's Ctrl+C; the zygote and every tab's app must be
gone afterwards), then, for each N, opens N tabs at once (``asyncio.gather``), each one a
:class:`cnn_tui.classroom.client.Tab` (the page's websocket protocol, the screen kept by pyte):

1. **first screen**: from opening the websocket until the name prompt is whole on the tab's
   screen ("What is your name?" and the input's placeholder "your name, then enter": the
   question can be on the screen before the box and the input around it).
2. **name -> lesson**: once every tab has its prompt, every tab types its own name
   (``bench-N-i``) and Enter; the time until the lesson's first line says
   "1/15  Computers are literal" and the prompt is gone.
3. **key latency under load**: every tab presses ``n`` and ``p`` in turn (next / previous
   chapter: the first line goes "1/15 ..." -> "2/15 ..." -> "1/15 ..."), ``--keys`` times,
   each press as soon as the previous one has shown (plus ``--gap`` seconds). A press's
   latency: sending the key -> the first line shows the new chapter number. Median, p90
   (nearest rank) and max over all presses of all tabs. A chapter change builds a new
   screen, the heaviest common key; ``--press steps`` presses ``right`` and ``left`` instead
   (chapter 1's next / previous comparison picture; latency up to its label on the screen).
   Under the table: the same up to the arrival of the websocket message that made the change,
   before pyte parsed it. pyte takes ~25-100 ms for the ~20 KB a chapter change sends: work a
   browser does on the learner's own machine, but this process does for all N tabs on the
   server's machine.
4. **memory**: after the presses, RSS and PSS (``/proc/PID/smaps_rollup``) of every tab's app:
   the children of the zygote (the server's child running ``cnn_tui.classroom.zygote``; tabs
   started without it are the server's own ``cnn_tui run`` children, counted the same). PSS
   splits each shared page between the processes sharing it, so it is the fair per-tab cost
   of apps forked from one loaded process; RSS counts shared pages in full. Also the server's
   and the zygote's RSS and the sum of the N apps' PSS; under the table, the apps' USS (pages
   only that app has) and the PSS of everything (apps, server, zygote). MB = 2**20 bytes.
5. **errors**: every tab that failed (refused, closed, a timeout) with the phase and the reason,
   plus app processes missing (fewer than N) or still running after their tabs closed. A tab
   that failed takes no further part in that round; nothing is left out of the table.

Then all N tabs are closed and the round waits until their app processes are gone.

Targets (printed per N): every first screen <= 3 s, key latency median <= 300 ms, no error.
The benchmark's own process (N pyte terminals parsing every frame) runs on the same machine and
competes for its CPUs; its CPU seconds per round are printed under the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: F401 - imported here, not by the first Tab.open(): ~0.3 s not to time
import pyte  # noqa: F401

from cnn_tui.classroom.client import Tab

PROMPT = ("What is your name?", "your name, then enter")
LESSON = "1/15  Computers are literal"
TITLE = re.compile(r"^\s*(\d+)/15\b")
# --press steps: chapter 1 compares picture x with x_right; right shows the next comparison
# picture (x_upleft), left the previous one again. The labels, not "the screen changed": a
# press may be waited for on a frame that has only partly arrived, and the app may draw two
# quick presses as one frame that looks like the screen before them.
STEPS = (("right", "x_upleft: X moved"), ("left", "x_right: X moved"))
TARGET_FIRST_SCREEN = 3.0       # seconds, for every session
TARGET_KEY_MEDIAN = 0.300       # seconds
START_SECONDS = 60.0
STOP_SECONDS = 15.0
GONE_SECONDS = 20.0             # closed tabs' apps must have ended by then


# --- the server ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    zygote: int | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_server(data_dir: Path, log: Path) -> Server:
    """``cnn-tui serve`` on a free port, in its own session (a Ctrl+C in this terminal reaches
    only this process, which then stops the server itself); waits for its page and banner."""
    port = free_port()
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cnn_tui", "serve", "--port", str(port), "--data-dir",
             str(data_dir)], stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_SECONDS
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"cnn-tui serve ended at start:\n{server.output()}")
            try:
                with urllib.request.urlopen(server.url + "/", timeout=2) as page:
                    if page.status == 200 and "cnn-tui classroom" in server.output():
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"cnn-tui serve did not answer in {START_SECONDS} s:\n"
                                   f"{server.output()}")
            time.sleep(0.2)
    except BaseException:
        stop_server(server)
        raise
    zygotes = [pid for pid in children(process.pid)
               if "cnn_tui.classroom.zygote" in cmdline(pid)]
    server.zygote = zygotes[0] if zygotes else None
    return server


def stop_server(server: Server) -> list[str]:
    """Ctrl+C to the server, as the teacher would; then make sure that nothing it started is
    left: the zygote and the apps (by their process ids). What had to be killed is returned."""
    leftovers = []
    watched = [server.zygote] if server.zygote else []
    watched += [pid for pid in (app_pids(server)) if pid not in watched]
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            leftovers.append(f"server {server.process.pid} still running "
                             f"{STOP_SECONDS} s after SIGINT: killed")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)  # the server's session (not the zygote's)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(10)
    deadline = time.monotonic() + STOP_SECONDS
    while any(alive(pid) for pid in watched) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in watched:
        if alive(pid):
            leftovers.append(f"{pid} ({cmdline(pid)[:80]}) still running after the server "
                             f"stopped: killed")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return leftovers


# --- processes (/proc) ----------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()    # from the state on (the name may hold spaces)


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None and int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                found.append(int(entry))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def app_pids(server: Server) -> list[int]:
    """The tabs' apps: the zygote's children, and any app the server started itself."""
    pids = children(server.zygote) if server.zygote else []
    pids += [pid for pid in children(server.process.pid) if pid != server.zygote
             and "cnn_tui" in cmdline(pid) and " run " in cmdline(pid)]
    return pids


def memory(pid: int) -> tuple[float, float, float] | None:
    """(RSS, PSS, USS) in MB, from smaps_rollup (USS: the pages no other process shares);
    None when the process has gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:", "Private_Clean:", "Private_Dirty:"):
            values[parts[0]] = int(parts[1]) / 1024
    uss = values.get("Private_Clean:", math.nan) + values.get("Private_Dirty:", math.nan)
    return values.get("Rss:", math.nan), values.get("Pss:", math.nan), uss


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    if fields is None:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime + stime


# --- one round: N tabs --------------------------------------------------------------------------
@dataclass
class Session:
    index: int
    name: str
    tab: Tab | None = None
    first_screen: float | None = None
    first_byte: float | None = None
    to_lesson: float | None = None
    keys: list[float] = field(default_factory=list)
    received: list[float] = field(default_factory=list)
    last_feed: float = 0.0
    error: str | None = None

    def fail(self, phase: str, error: BaseException) -> None:
        lines = str(error).strip().splitlines()
        message = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
        screen = [line.strip() for line in lines[1:] if line.strip()][:3]
        shown = f" (screen: {' | '.join(screen)})" if screen else ""
        self.error = f"{phase}: {message}{shown}"


def stamp_feeds(s: Session) -> None:
    """Note when each piece of output reaches the tab, before pyte parses it (Tab feeds its
    terminal one websocket message at a time): the key latency up to the bytes' arrival, without
    this process's parsing, which a browser does on the learner's own machine."""
    stream = s.tab._stream
    feed = stream.feed

    def stamped(data):
        s.last_feed = time.perf_counter()
        return feed(data)

    stream.feed = stamped


def chapter(screen: str) -> int | None:
    match = TITLE.match(screen.split("\n", 1)[0])
    return int(match.group(1)) if match else None


async def open_session(s: Session, url: str, width: int, height: int, timeout: float) -> None:
    t0 = time.perf_counter()
    try:
        s.tab = Tab(url, width, height)
        stamp_feeds(s)
        await asyncio.wait_for(s.tab.open(), timeout)
        await s.tab.wait(lambda screen: all(p in screen for p in PROMPT), timeout,
                         "the name prompt")
        s.first_screen = time.perf_counter() - t0
        if s.tab.first_output is not None:
            s.first_byte = s.tab.first_output - t0
    except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the round
        s.fail("first screen", error)


async def enter_name(s: Session, timeout: float) -> None:
    try:
        t0 = time.perf_counter()
        await s.tab.send(s.name)
        await s.tab.press("enter")
        await s.tab.wait(lambda screen: screen.split("\n", 1)[0].strip().startswith(LESSON)
                         and PROMPT[0] not in screen, timeout, "the lesson")
        s.to_lesson = time.perf_counter() - t0
    except Exception as error:  # noqa: BLE001
        s.fail("name -> lesson", error)


async def press_keys(s: Session, keys: int, gap: float, timeout: float, press: str,
                     seed: int = 0) -> None:
    # With a gap, learners think for gap x 0.5..1.5 s between presses and start at random
    # moments within one gap: a class does not press in step (seeded: runs compare).
    rng = random.Random(seed)
    try:
        if gap:
            await asyncio.sleep(rng.uniform(0, gap))
        for i in range(keys):
            if press == "chapters":     # n / p: the title line shows the next chapter's number
                now = chapter(s.tab.text())
                key, target = ("n", now + 1) if i % 2 == 0 else ("p", now - 1)
                what = f"chapter {target} after {key!r} (press {i + 1})"

                def changed(screen, target=target):
                    return chapter(screen) == target
            else:                       # right / left: chapter 1's comparison picture
                key, label = STEPS[i % 2]
                what = f"{label!r} after {key!r} (press {i + 1})"

                def changed(screen, label=label):
                    return label in screen
            t0 = time.perf_counter()
            await s.tab.press(key)
            await s.tab.wait(changed, timeout, what)
            s.keys.append(time.perf_counter() - t0)
            s.received.append(s.last_feed - t0)
            if gap:
                await asyncio.sleep(gap * rng.uniform(0.5, 1.5))
    except Exception as error:  # noqa: BLE001
        s.fail("keys", error)


async def close_session(s: Session) -> None:
    if s.tab is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(s.tab.close(), 15)


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile (p90 of 10 values is the 9th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def median(values) -> float:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def top(values) -> float:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return max(values) if values else math.nan


async def run_round(server: Server, n: int, args) -> dict:
    sessions = [Session(i, f"bench-{n}-{i}") for i in range(n)]
    width, height = args.size
    cpu0 = time.process_time()
    server_cpu0 = cpu_seconds(server.process.pid)
    zygote_cpu0 = cpu_seconds(server.zygote) if server.zygote else math.nan
    wall0 = time.perf_counter()
    try:
        await asyncio.gather(*(open_session(s, server.url, width, height, args.timeout)
                               for s in sessions))
        ok = [s for s in sessions if s.error is None]
        await asyncio.gather(*(enter_name(s, args.timeout) for s in ok))
        ok = [s for s in ok if s.error is None]
        await asyncio.gather(*(press_keys(s, args.keys, args.gap, args.key_timeout,
                                          args.press, seed=i) for i, s in enumerate(ok)))
        # Memory, with every app still running (the ones that failed too: they cost memory).
        apps = app_pids(server)
        mem = {pid: memory(pid) for pid in apps}
        mem = {pid: m for pid, m in mem.items() if m is not None}
        apps_cpu = sum(cpu_seconds(pid) for pid in mem)
        server_mem = memory(server.process.pid) or (math.nan,) * 3
        zygote_mem = (memory(server.zygote) if server.zygote else None) or (math.nan,) * 3
        server_cpu = cpu_seconds(server.process.pid) - server_cpu0
        zygote_cpu = (cpu_seconds(server.zygote) - zygote_cpu0) if server.zygote else math.nan
    finally:
        t_close = time.perf_counter()
        await asyncio.gather(*(close_session(s) for s in sessions))
    deadline = time.monotonic() + GONE_SECONDS
    while app_pids(server) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    left = app_pids(server)
    gone_seconds = time.perf_counter() - t_close
    wall = time.perf_counter() - wall0
    client_cpu = time.process_time() - cpu0

    keys = [k for s in sessions for k in s.keys]
    received = [k for s in sessions for k in s.received]
    firsts = [s.first_screen for s in sessions if s.first_screen is not None]
    errors = [f"tab {s.index} ({s.name}): {s.error}" for s in sessions if s.error]
    if len(mem) != n:
        errors.append(f"{len(mem)} app processes found for {n} tabs")
    if left:
        errors.append(f"{len(left)} app processes still running {GONE_SECONDS} s after "
                      f"their tabs closed: {left}")
    failed_sessions = sum(1 for s in sessions if s.error)
    rss = [m[0] for m in mem.values()]
    pss = [m[1] for m in mem.values()]
    uss = [m[2] for m in mem.values()]
    result = {
        "sessions": n,
        "first_screen_s": {"median": median(firsts), "max": top(firsts),
                           "all": sorted(firsts)},
        "first_byte_s": {"median": median(s.first_byte for s in sessions),
                         "max": top(s.first_byte for s in sessions)},
        "name_to_lesson_s": {"median": median(s.to_lesson for s in sessions),
                             "max": top(s.to_lesson for s in sessions)},
        "key_ms": {"median": median(keys) * 1000, "p90": quantile(keys, 0.9) * 1000,
                   "max": top(keys) * 1000, "presses": len(keys)},
        "key_received_ms": {"median": median(received) * 1000,
                            "p90": quantile(received, 0.9) * 1000,
                            "max": top(received) * 1000},
        "rss_mb": {"median": median(rss), "max": top(rss)},
        "pss_mb": {"median": median(pss), "max": top(pss), "total": sum(pss)},
        "uss_mb": {"median": median(uss), "max": top(uss)},
        "server_mb": {"rss": server_mem[0], "pss": server_mem[1]},
        "zygote_mb": {"rss": zygote_mem[0], "pss": zygote_mem[1]},
        "all_pss_mb": sum(pss) + server_mem[1] + zygote_mem[1],
        "cpu_s": {"client": client_cpu, "server": server_cpu, "zygote": zygote_cpu,
                  "apps": apps_cpu, "wall": wall},
        "close_s": gone_seconds,
        "failed_sessions": failed_sessions,
        "errors": errors,
    }
    result["targets"] = {
        "first_screen": bool(firsts) and len(firsts) == n
        and max(firsts) <= TARGET_FIRST_SCREEN,
        "key_median": bool(keys) and median(keys) <= TARGET_KEY_MEDIAN,
        "no_error": not errors,
    }
    result["met"] = all(result["targets"].values())
    return result


# --- report -------------------------------------------------------------------------------------
def f(value: float, digits: int) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def print_table(results: list[dict]) -> None:
    header = ("N", "first screen median / max (s)", "name→lesson median / max (s)",
              "key latency median / p90 / max (ms)", "RSS per session median (MB)",
              "PSS per session median (MB)", "total PSS of N sessions (MB)",
              "server / zygote RSS (MB)", "errors")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for r in results:
        k = r["key_ms"]
        cells = (
            str(r["sessions"]),
            f"{f(r['first_screen_s']['median'], 2)} / {f(r['first_screen_s']['max'], 2)}",
            f"{f(r['name_to_lesson_s']['median'], 2)} / {f(r['name_to_lesson_s']['max'], 2)}",
            f"{f(k['median'], 0)} / {f(k['p90'], 0)} / {f(k['max'], 0)}",
            f(r["rss_mb"]["median"], 1),
            f(r["pss_mb"]["median"], 1),
            f(r["pss_mb"]["total"], 0),
            f"{f(r['server_mb']['rss'], 0)} / {f(r['zygote_mb']['rss'], 0)}",
            str(len(r["errors"])) if r["errors"] else "0",
        )
        print("| " + " | ".join(cells) + " |")


def print_notes(results: list[dict]) -> None:
    print()
    print(f"Targets: every first screen <= {TARGET_FIRST_SCREEN:g} s, key latency median <= "
          f"{TARGET_KEY_MEDIAN * 1000:.0f} ms, no error.")
    for r in results:
        t = r["targets"]
        missed = [name for name, ok in t.items() if not ok]
        verdict = "met" if r["met"] else "NOT met (" + ", ".join(missed) + ")"
        c = r["cpu_s"]
        kr = r["key_received_ms"]
        print(f"- N={r['sessions']}: {verdict}; {r['key_ms']['presses']} presses, up to the "
              f"bytes' arrival (before pyte) median / p90 / max {f(kr['median'], 0)} / "
              f"{f(kr['p90'], 0)} / {f(kr['max'], 0)} ms; first byte "
              f"median {f(r['first_byte_s']['median'], 2)} s; CPU s this round: server "
              f"{f(c['server'], 1)}, zygote {f(c['zygote'], 1)}, apps {f(c['apps'], 1)}, "
              f"this client {f(c['client'], 1)} (wall {f(c['wall'], 1)}); per app USS median "
              f"{f(r['uss_mb']['median'], 1)} MB; PSS of apps + server + zygote "
              f"{f(r['all_pss_mb'], 0)} MB; apps gone {f(r['close_s'], 1)} s after closing")
        for error in r["errors"]:
            print(f"    error: {error}")


def sizes(text: str) -> tuple[int, int]:
    width, height = text.lower().split("x")
    return int(width), int(height)


async def run_all(server: Server, args, results: list[dict]) -> None:
    """One round per N; ``results`` keeps the rounds done when the run is interrupted."""
    for n in args.sessions:
        result = await run_round(server, n, args)
        print(f"# N={n}: done in {result['cpu_s']['wall']:.1f} s, "
              f"{len(result['errors'])} errors", file=sys.stderr, flush=True)
        results.append(result)
        await asyncio.sleep(args.pause)


def _finite(value):
    """NaN (nothing measured) as JSON null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", default="1,5,10,20",
                    help="numbers of tabs at once, one round each (default 1,5,10,20)")
    ap.add_argument("--size", type=sizes, default=(100, 36), help="tab size WxH (100x36)")
    ap.add_argument("--keys", type=int, default=10, help="presses per tab (default 10)")
    ap.add_argument("--press", choices=("chapters", "steps"), default="chapters",
                    help="chapters: n and p in turn (default); steps: right and left in turn")
    ap.add_argument("--gap", type=float, default=0.0,
                    help="a learner's thinking time between presses, in seconds (each one "
                         "0.5-1.5 times it, starts spread over one gap; default 0: press "
                         "as soon as the last press has shown)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds for a first screen or the lesson (default 60)")
    ap.add_argument("--key-timeout", type=float, default=20.0,
                    help="seconds for one press to show (default 20)")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between rounds")
    ap.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = ap.parse_args(argv)
    args.sessions = [int(n) for n in args.sessions.split(",") if n.strip()]

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)   # even if started ignoring it
    cpu = platform.processor() or platform.machine()
    print(f"# cnn-tui serve benchmark: {cpu}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}; tabs {args.size[0]}x{args.size[1]}, {args.keys} "
          f"presses each ({'n/p' if args.press == 'chapters' else 'right/left'}), gap "
          f"{args.gap:g} s")
    results: list[dict] = []
    leftovers: list[str] = []
    log_tail: list[str] = []
    interrupted = failed = False
    with tempfile.TemporaryDirectory(prefix="cnn-tui-bench-serve-") as scratch:
        server = None
        try:
            server = start_server(Path(scratch) / "class data", Path(scratch) / "serve.log")
            print(f"# server pid {server.process.pid}, zygote "
                  f"{server.zygote or 'none (a fresh process per tab)'}; {server.url}")
            asyncio.run(run_all(server, args, results))
        except KeyboardInterrupt:
            interrupted = True
            print("# interrupted: stopping the server", file=sys.stderr)
        except Exception:  # noqa: BLE001 - the rounds done so far are still reported
            failed = True
            traceback.print_exc()
            print("# the benchmark failed: stopping the server", file=sys.stderr)
        finally:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the clean-up finish
            try:
                if server is not None:
                    leftovers = stop_server(server)
                    log_tail = server.output().strip().splitlines()[-20:]
            finally:
                signal.signal(signal.SIGINT, previous)
    if results:
        print()
        print_table(results)
        print_notes(results)
    if log_tail:
        noisy = [line for line in log_tail if line.strip() and "cnn-tui" not in line
                 and not line.startswith(("Only this", "Progress is kept", "See the class",
                                          "Press Ctrl+C"))]
        if noisy:
            print("\nServer log (last lines):")
            for line in noisy:
                print(f"    {line}")
    print("\nClean-up: " + ("server, zygote and apps all ended" if not leftovers
                            else "; ".join(leftovers)))
    if args.json and results:
        print(json.dumps(_finite({"cpus": os.cpu_count(), "size": args.size, "keys": args.keys,
                                  "rounds": results, "leftovers": leftovers}), indent=2))
    if interrupted:
        return 130
    return 1 if leftovers or failed else 0


if __name__ == "__main__":
    sys.exit(main())
