"""The served app over its websocket protocol, as the page speaks it (cnn_tui.classroom.client):
a real ``cnn-tui serve``, tabs that type and read the screen, progress kept per learner."""

from __future__ import annotations

import asyncio
import json
import os
import time

from cnn_tui.classroom.client import Tab

import served as _served

NAME_PROMPT = "What is your name?"
P1 = "practice-first-cell"          # puzzle 1: 0*0 + 1*1 + 3*2 + 4*3 = 19 (by hand)


async def name_yourself(tab: Tab, name: str) -> None:
    await tab.wait_for(NAME_PROMPT, 60)
    await tab.send(name)
    await tab.press("enter")
    await tab.wait_for(f"Welcome, {name}", 60)
    await tab.wait_for("1/15", 30)                     # the lesson's first chapter


async def answer_first_puzzle(tab: Tab, answer: str) -> None:
    await tab.press("z")
    await tab.wait_for("Quiz 1/37", 30)
    await tab.send(answer)
    await tab.press("enter")
    await tab.wait(lambda s: "tries 1" in s, 30, "the answer checked")


def progress_of(served, folder: str) -> dict:
    return json.loads(served.progress_file(folder).read_text())["puzzles"]


def app_processes(served) -> list[int]:
    """Processes other than the server whose command line names its data folder (the zygote
    and the tabs' apps forked from it carry it; so would apps started afresh)."""
    key = os.fsencode(str(served.data_dir))
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read()
        except OSError:
            continue
        if key in cmd and int(pid) != served.process.pid:
            found.append(int(pid))
    return found


async def wait_until(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.2)
    return predicate()


async def test_two_learners_at_once_keep_separate_progress(served):
    async with Tab(served.url, 100, 36) as ann, Tab(served.url, 100, 36) as bob:
        await asyncio.gather(name_yourself(ann, "Ann B."), name_yourself(bob, "Bob"))
        await asyncio.gather(answer_first_puzzle(ann, "19"), answer_first_puzzle(bob, "0"))
        assert "solved" in ann.text().splitlines()[0] and "score 1/37" in ann.text()
        assert "unsolved" in bob.text().splitlines()[0] and "score 0/37" in bob.text()
    assert progress_of(served, "ann-b")[P1] == {"solved": True, "attempts": 1, "hints": 0}
    assert progress_of(served, "bob")[P1]["solved"] is False
    assert progress_of(served, "bob")[P1]["attempts"] == 1
    names = {p.name: json.loads((p / "learner.json").read_text())["name"]
             for p in (served.data_dir / "learners").iterdir()}
    assert names == {"ann-b": "Ann B.", "bob": "Bob"}


async def test_progress_survives_a_reload_and_a_server_restart(served, tmp_path):
    async with Tab(served.url) as tab:
        await name_yourself(tab, "Cleo")
        await answer_first_puzzle(tab, "19")
    async with Tab(served.url) as again:                # the page reloaded: a new app
        await name_yourself(again, "cleo")              # the same learner, typed in lower case
        await again.press("z")
        await again.wait_for("score 1/37", 30)
    _served.stop(served)
    restarted = _served.start(served.data_dir, tmp_path / "second.log")
    try:
        async with Tab(restarted.url) as tab:
            await name_yourself(tab, "CLEO")
            await tab.press("z")
            await tab.wait_for("score 1/37", 30)
    finally:
        _served.stop(restarted)


async def test_a_bad_name_is_said_on_the_screen_and_nothing_is_written(served):
    async with Tab(served.url, 100, 36) as tab:
        await tab.wait_for(NAME_PROMPT, 60)
        await tab.send("../../etc")
        await tab.press("enter")
        await tab.wait_for("cannot hold '/'", 30)
        assert NAME_PROMPT in tab.text()
    learners = served.data_dir / "learners"
    assert not learners.exists() or list(learners.iterdir()) == []
    assert not (served.data_dir.parent / "etc").exists()


async def test_junk_from_a_browser_never_ends_the_session_or_reaches_a_shell(served, tmp_path):
    marker = tmp_path / "pwned"
    async with Tab(served.url, 100, 36) as tab:
        await tab.wait_for(NAME_PROMPT, 60)
        ws = tab._ws
        for junk in ("not json", "[]", "{}", '["stdin"]', '["resize", {"width": 1e9}]',
                     '["resize", {"width": 99999, "height": 99999}]', '["stdin", 5]',
                     json.dumps(["stdin", f"$(touch {marker})"]), '["who knows", 1]',
                     "[" * 20_000 + "]" * 20_000, '["stdin", "\\ud800"]'):
            await ws.send_str(junk)
        await ws.send_bytes(b"\x00\xff binary")
        await tab.wait_for("$(touch", 30)               # the junk's keys were only typed
        await tab.press("ctrl+a", "ctrl+k")             # clear them, as a learner would
        await tab.wait_for("your name, then enter", 30)
        await tab.send("Dan")
        await tab.press("enter")
        await tab.wait_for("Welcome, Dan", 60)
    assert not marker.exists()


async def test_a_closed_tab_leaves_no_app_behind(served):
    before = set(app_processes(served))        # the zygote
    async with Tab(served.url) as tab:
        await tab.wait_for(NAME_PROMPT, 60)
        assert await wait_until(lambda: len(set(app_processes(served)) - before) == 1)
    assert await wait_until(lambda: set(app_processes(served)) <= before), \
        app_processes(served)


async def test_stopping_the_server_ends_every_app(served):
    async with Tab(served.url) as a, Tab(served.url) as b:
        await asyncio.gather(a.wait_for(NAME_PROMPT, 60), b.wait_for(NAME_PROMPT, 60))
        assert len(app_processes(served)) >= 3       # the zygote and two apps
        _served.stop(served)
        assert await wait_until(lambda: app_processes(served) == []), \
            app_processes(served)


def test_the_page_points_at_the_host_the_browser_asked_for_and_needs_no_internet(served):
    import urllib.request

    plain = urllib.request.urlopen(served.url + "/", timeout=30).read().decode()
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in plain
    assert f"http://127.0.0.1:{served.port}/static/js/textual.js" in plain
    asked = urllib.request.Request(served.url + "/", headers={"Host": "class.example:8000"})
    page = urllib.request.urlopen(asked, timeout=30).read().decode()
    assert 'data-session-websocket-url="ws://class.example:8000/ws"' in page
    assert "googleapis" not in page and "googleapis" not in plain
    for asset in ("/static/js/textual.js", "/static/css/xterm.css"):
        assert urllib.request.urlopen(served.url + asset, timeout=30).status == 200


async def test_without_the_zygote_each_tab_starts_a_fresh_app(tmp_path):
    """The way tabs start where fork is not available (and with CNN_TUI_SERVE_FORK=0): each
    app is ``python -m cnn_tui run --class-dir DIR``, started without a shell, so a data
    folder with spaces and quotes stays one argument."""
    server = _served.start(tmp_path / "fresh 'q\" data", tmp_path / "fresh.log",
                           env={"CNN_TUI_SERVE_FORK": "0"})
    try:
        async with Tab(server.url) as tab:
            await name_yourself(tab, "Gus")
            apps = app_processes(server)
            assert len(apps) == 1                       # no zygote: the tab's own app only
            with open(f"/proc/{apps[0]}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")[:-1]
            assert argv[1:] == [b"-P", b"-m", b"cnn_tui", b"run", b"--class-dir",
                                os.fsencode(str(server.data_dir))]
            await answer_first_puzzle(tab, "19")
        assert progress_of(server, "gus")[P1]["solved"] is True
    finally:
        _served.stop(server)


async def test_a_full_class_says_so_instead_of_starting_one_more_app(tmp_path):
    server = _served.start(tmp_path / "data", tmp_path / "full.log", "--max-tabs", "1")
    try:
        async with Tab(server.url) as first:
            await first.wait_for(NAME_PROMPT, 60)
            async with Tab(server.url) as second:
                await second.wait_for("This class is full: 1 tabs are open", 30)
                await second.wait(lambda _: second.closed, 30, "the tab closed")
            assert len(app_processes(server)) == 2       # the zygote and the first tab's app
        async with Tab(server.url) as later:             # a place is free again
            await later.wait_for(NAME_PROMPT, 60)
    finally:
        _served.stop(server)


async def test_a_flood_of_keys_in_one_message_is_cut_short(served):
    """One message of 60,000 characters would be 60,000 key events (seconds of CPU, and
    memory): only the first few thousand reach the app, which stays quick. A message over
    64 KB ends only that tab."""
    async with Tab(served.url, 100, 36) as tab:
        await tab.wait_for(NAME_PROMPT, 60)
        await tab._ws.send_str(json.dumps(["stdin", "a" * 60_000]))
        await tab.wait_for("a" * 30, 30)                # the box took its 40 characters
        await tab.press("ctrl+a", "ctrl+k")
        await tab.wait_for("your name, then enter", 30)  # answered within the wait: not stuck
        await tab.send("Ivy")
        await tab.press("enter")
        await tab.wait_for("Welcome, Ivy", 60)


async def test_apps_started_afresh_end_when_the_server_is_killed(tmp_path):
    """SIGKILL gives the server no chance to stop its apps: the kernel tells them (their
    parent-death signal), so none is left running without a server."""
    import signal

    server = _served.start(tmp_path / "data", tmp_path / "kill.log",
                           env={"CNN_TUI_SERVE_FORK": "0"})
    try:
        async with Tab(server.url) as tab:
            await tab.wait_for(NAME_PROMPT, 60)
            assert len(app_processes(server)) == 1
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(10)
            assert await wait_until(lambda: app_processes(server) == []), app_processes(server)
    finally:
        _served.stop(server)


async def test_another_site_cannot_open_a_session(served):
    """A browser names the page that opens a websocket (Origin): another site the teacher
    visits is refused; the cnn-tui page itself (browser test) and clients without a page are
    let in."""
    import aiohttp

    async with aiohttp.ClientSession() as http:
        try:
            await http.ws_connect(f"{served.url}/ws", headers={"Origin": "http://evil.example"})
        except aiohttp.WSServerHandshakeError as refused:
            assert refused.status == 403
        else:
            raise AssertionError("a websocket from another site was accepted")
        ours = await http.ws_connect(f"{served.url}/ws",
                                     headers={"Origin": f"http://127.0.0.1:{served.port}"})
        await ours.close()
    assert not (served.data_dir / "learners").exists() or \
        list((served.data_dir / "learners").iterdir()) == []
