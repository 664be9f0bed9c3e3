"""``cnn-tui serve``: the whole app in web browsers, one app per tab, progress kept per learner;
and ``cnn-tui serve --report``: the teacher's table of learners.

Only click is imported here at module level; the quiz package, Rich, aiohttp and textual-serve
load inside the command. Every user error is one line on stderr, exit 2.
"""

from __future__ import annotations

import errno
import os
import shlex
import socket

import click

from cnn_tui.cli.errors import BadInput
from cnn_tui.inputs import shown, shown_path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
ANY_HOST = ("0.0.0.0", "::", "")


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, metavar="HOST",
              help="Address to listen on; 0.0.0.0 lets other computers (the class) connect.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True,
              metavar="PORT", help="Port to listen on (1-65535).")
@click.option("--data-dir", default=None, metavar="DIR",
              help="Where each learner's progress is kept, in DIR/learners/ (default: "
                   "$CNN_TUI_DATA_DIR, then your user data directory).")
@click.option("--max-tabs", type=click.IntRange(1, 1000), default=60, show_default=True,
              metavar="N", help="At most N tabs at once (each is an app process, about "
                                "30 MB); one more is told the class is full.")
@click.option("--report", is_flag=True,
              help="Do not serve: print the learners, their solved puzzles and attempts.")
@click.option("--learner", default=None, metavar="NAME",
              help="With --report: one learner's puzzles, one per line.")
@click.option("--json", "as_json", is_flag=True, help="With --report: print JSON instead.")
def serve(host, port, data_dir, max_tabs, report, learner, as_json):
    """Serve the app to web browsers: lesson, quiz and training, one app per tab.

    Each tab asks the learner's name first; their quiz progress is kept under that name in
    DIR/learners/ and survives reloads and server restarts. Stop the server with Ctrl+C.

    \b
    Examples:
      cnn-tui serve                              this computer only: http://127.0.0.1:8000
      cnn-tui serve --host 0.0.0.0 --port 8080   the whole class, on this computer's address
      cnn-tui serve --report                     who has solved what
      cnn-tui serve --report --learner "Ann B"   one learner's puzzles
    """
    from cnn_tui.cli.app import check_data_dir
    from cnn_tui.quiz.learners import Classroom
    from cnn_tui.quiz.progress import data_dir as resolve

    check_data_dir(data_dir)
    if (learner is not None or as_json) and not report:
        raise BadInput("--learner and --json go with --report; add --report")
    classroom = Classroom(resolve(data_dir))
    if report:
        return print_report(classroom, learner, as_json)
    _check_writable(classroom)
    _check_port(host, port)
    return _serve(classroom, host, port, max_tabs)


def _check_writable(classroom) -> None:
    where = shown_path(str(classroom.root))
    try:
        classroom.check_writable()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise BadInput(f"cannot keep progress in {where}: {why}; give a folder you can write "
                       f"to with --data-dir") from None


def _check_port(host: str, port: int) -> None:
    """Refuse, in one line, a host this machine cannot listen on or a port already in use."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError):
        raise BadInput(f"cannot listen on --host {shown(host)}: no such address; use "
                       f"{DEFAULT_HOST} (this computer) or 0.0.0.0 (the class)") from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            if os.name == "posix":          # as aiohttp will: a port in TIME_WAIT is free
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise BadInput(_bind_problem(host, port, exc)) from None


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} is already in use on {host}; stop what uses it or choose another "
                f"port with --port")
    if exc.errno == errno.EACCES:
        return (f"not allowed to listen on port {port}; choose a port from 1024 up with --port")
    if exc.errno == errno.EADDRNOTAVAIL:
        return (f"{shown(host)} is not an address of this computer; use {DEFAULT_HOST} "
                f"or 0.0.0.0")
    return f"cannot listen on {host} port {port}: {exc.strerror or exc}"


def _address_for_class() -> str:
    """This computer's address on the local network, as far as it can tell (no traffic is
    sent: connecting a UDP socket only picks the outgoing interface)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))        # TEST-NET-1: never routed anywhere
            return s.getsockname()[0]
    except OSError:
        return socket.gethostname()


def page_address(host: str, port: int) -> str:
    if host in ANY_HOST:
        host = _address_for_class()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def banner(classroom, host: str, port: int) -> str:
    url = page_address(host, port)
    lines = [f"[bold]cnn-tui classroom[/bold]: open [bold cyan]{url}[/bold cyan] in a web browser "
             f"(each tab is its own app and asks the learner's name first)."]
    if host in ("127.0.0.1", "localhost", "::1"):
        lines.append("Only this computer can reach it; add --host 0.0.0.0 to let the class "
                     "connect.")
    data = shlex.quote(str(classroom.directory))
    lines += [f"Progress is kept per learner in {classroom.root}",
              f"See the class: cnn-tui serve --report --data-dir {data}",
              "Press Ctrl+C to stop the server."]
    return "\n".join(lines)


def _serve(classroom, host: str, port: int, max_tabs: int) -> int:
    from cnn_tui.classroom.server import ClassroomServer, app_argv

    server = ClassroomServer(app_argv(str(classroom.directory)), host=host, port=port,
                             data_dir=str(classroom.directory),
                             banner=banner(classroom, host, port), max_tabs=max_tabs)
    try:
        server.serve()
    except OSError as exc:               # lost the port between the check and the start
        raise BadInput(_bind_problem(host, port, exc)) from None
    return 0


# --- the teacher's report ---------------------------------------------------------------------
def _curriculum():
    from cnn_tui.quiz.progress import puzzles_dir
    from cnn_tui.quiz.puzzle import load_dir

    return load_dir(puzzles_dir()).puzzles


def print_report(classroom, learner: str | None, as_json: bool) -> int:
    import json

    from cnn_tui.quiz.learners import BadName

    puzzles = _curriculum()
    ids = [p.id for p in puzzles]
    try:
        rows = classroom.report(ids)
    except OSError as exc:
        raise BadInput(f"cannot read {shown_path(str(classroom.root))}: "
                       f"{exc.strerror or type(exc).__name__}") from None
    if learner is not None:
        try:
            folder = classroom.folder(learner).name
        except BadName as exc:
            raise BadInput(f"--learner {shown(learner)}: {exc}") from None
        row = next((r for r in rows if r.folder == folder), None)
        if row is None:
            known = ", ".join(shown(r.name) for r in rows[:10]) or "none yet"
            raise BadInput(f"no learner called {shown(learner)} in {classroom.root} "
                           f"(learners: {known})")
        return _print_learner(row, puzzles, as_json)
    if as_json:
        click.echo(json.dumps({"folder": str(classroom.root), "puzzles": len(ids),
                               "learners": [r.to_json(len(ids)) for r in rows]}, indent=2,
                              ensure_ascii=False))
        return 0
    if not rows:
        click.echo(f"No learners yet in {classroom.root}. They appear here once they have "
                   f"typed their name in a served app.")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} learner{'s' if len(rows) != 1 else ''} · "
                        f"{len(ids)} puzzles · {classroom.root}", title_justify="left")
    for header, justify in (("learner", "left"), ("solved", "right"), ("attempts", "right"),
                            ("hints", "right"), ("on puzzle", "left"),
                            ("last active", "left")):
        table.add_column(header, justify=justify, overflow="fold")
    for r in rows:
        on = f"#{ids.index(r.current) + 1}" if r.current in ids else "-"
        table.add_row(r.name, f"{r.solved}/{len(ids)}", str(r.attempts), str(r.hints),
                      r.problem or on, _when(r.last_active))
    Console(highlight=False).print(table)
    return 0


def _when(stamp: float | None) -> str:
    """A time for the report: the hour today, the day and hour before."""
    import time

    if stamp is None:
        return "-"
    local = time.localtime(stamp)
    same_day = time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d")
    return time.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M", local)


def _print_learner(row, puzzles, as_json: bool) -> int:
    import json

    records = row.records or {}
    entries = [{"id": p.id, "title": p.title,
                "solved": records[p.id].solved if p.id in records else False,
                "attempts": records[p.id].attempts if p.id in records else 0,
                "hints": records[p.id].hints if p.id in records else 0} for p in puzzles]
    if as_json:
        out = row.to_json(len(puzzles)) | {"puzzle_records": entries}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{row.name}: {row.solved}/{len(puzzles)} solved, {row.attempts} "
                        f"attempts, {row.hints} hints"
                        + (f" ({row.problem})" if row.problem else ""), title_justify="left")
    for header, justify in (("#", "right"), ("puzzle", "left"), ("solved", "center"),
                            ("attempts", "right"), ("hints", "right")):
        table.add_column(header, justify=justify)
    for i, e in enumerate(entries, 1):
        table.add_row(str(i), f"{e['id']}  {e['title']}", "✓" if e["solved"] else "",
                      str(e["attempts"]), str(e["hints"]))
    Console(highlight=False).print(table)
    return 0


COMMANDS: list[click.Command] = [serve]
