"""``cnn-tui quiz``, ``cnn-tui puzzles check`` and ``cnn-tui puzzles list``.

Only click and the screen registry are imported here at module level; the quiz package, NumPy
and Textual load inside the commands.
"""

from __future__ import annotations

import click

from cnn_tui.cli.errors import BadInput, WholeNumber
from cnn_tui.inputs import shown, shown_path
from cnn_tui.tui.screens import QUIZ


@click.command()
@click.option("--puzzles", "puzzles_dir", metavar="DIR",
              help="Folder of puzzle files (default: $CNN_TUI_PUZZLES, then the bundled puzzles/).")
@click.option("--data-dir", metavar="DIR",
              help="Where progress is kept (default: $CNN_TUI_DATA_DIR, then your user data "
                   "directory).")
@click.option("--start", metavar="ID", help="Open this puzzle first (see 'cnn-tui puzzles list').")
@click.option("--random", "random_", is_flag=True,
              help="Practise on fresh random puzzles of every kind (progress is not saved).")
@click.option("--seed", type=WholeNumber(minimum=0, max_digits=18), metavar="N",
              help="With --random: the same N (0 or more, at most 18 digits) gives the same "
                   "puzzles.")
@click.option("--reset", is_flag=True, help="Forget all saved progress (asks first).")
@click.option("--yes", "-y", is_flag=True, help="With --reset: do not ask for confirmation.")
def quiz(puzzles_dir, data_dir, start, random_, seed, reset, yes):
    """Solve the lecture's convolutions, poolings and votes by hand, graded cell by cell.

    \b
    Keys: type numbers (19, 0.55, 5/9), arrows/tab move, enter checks,
          h hint, w worked answer, n/p next/previous, l list, ? help,
          < > smaller/larger grids, esc back to the lesson (when opened from it), q quit.
    """
    from cnn_tui.tui.startup import one_blas_thread

    one_blas_thread()               # before NumPy loads (see cnn_tui.tui.startup)
    from cnn_tui.cli import app as app_commands

    if seed is not None and not random_:
        raise BadInput("--seed only makes sense with --random; add --random or drop --seed")
    app_commands.check_data_dir(data_dir)
    if reset:
        from cnn_tui.quiz.progress import FileProgressStore, data_dir as resolve

        store = FileProgressStore(resolve(data_dir))
        path = store.path
        if not path.exists():
            click.echo(f"No saved progress at {path}; nothing to reset.")
            return 0
        if not yes and not click.confirm(f"Forget all quiz progress saved in {path}?",
                                         default=False):
            click.echo("Progress kept.")
            return 1
        try:
            store.reset()
        except OSError as exc:
            raise BadInput(f"cannot remove {path}: {exc.strerror or exc}") from None
        click.echo(f"Progress reset ({path} removed).")
        return 0
    from cnn_tui.quiz.options import QuizOptions

    options = QuizOptions(data_dir=data_dir, puzzles_dir=puzzles_dir, random=random_, seed=seed,
                          start=start)
    if not random_:
        from cnn_tui.quiz.progress import puzzles_dir as locate
        from cnn_tui.quiz.puzzle import load_dir

        folder = _existing_folder(locate(puzzles_dir))
        cur = load_dir(folder)
        if not cur.puzzles:
            raise BadInput(f"no usable puzzles in {folder}; "
                           f"run 'cnn-tui puzzles check {folder}'")
        if start and cur.index_of(start) is None:
            raise BadInput(f"there is no puzzle with id {shown(start)}; run 'cnn-tui puzzles "
                           f"list' to see the ids")
    app_commands.require_terminal()          # before Textual is loaded or the app is built
    from cnn_tui.tui import app as tui_app

    app = tui_app.CnnTuiApp(start=QUIZ, quiz_options=options)
    app.run()
    # A crash inside the app (Textual prints it) must not look like success to a script.
    return app.return_code or 0


def _existing_folder(folder):
    """``folder`` if it is a folder; a path that does not exist or is a file is bad input."""
    name = str(folder) if len(str(folder)) <= 160 else shown_path(folder)
    try:
        exists, is_dir = folder.exists(), folder.is_dir()
    except OSError as exc:                # a name too long for the system, a loop of links...
        raise BadInput(f"cannot use the folder {name}: "
                       f"{exc.strerror or type(exc).__name__}") from None
    if not exists:
        raise BadInput(f"there is no folder {name}")
    if not is_dir:
        raise BadInput(f"{name} is not a folder of puzzle files")
    return folder


@click.group()
def puzzles():
    """Check and list the quiz's puzzle files."""


@puzzles.command("check")
@click.argument("directory", required=False, metavar="[DIR]")
def puzzles_check(directory):
    """Validate every puzzle file: schema, shapes, ids, hints and stated answers.

    Prints one line per problem as 'file: what is wrong' and exits 1 if there is any (a
    folder that does not exist is a usage error: exit 2).
    """
    from cnn_tui.quiz.progress import puzzles_dir as locate
    from cnn_tui.quiz.puzzle import load_dir

    folder = _existing_folder(locate(directory))
    cur = load_dir(folder)
    for name, what in cur.problems:
        click.echo(f"{name}: {what}")
    if cur.problems:
        n = len(cur.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} in {folder}", err=True)
        return 1
    cells = sum(int(p.asked.sum()) for p in cur.puzzles)
    click.echo(f"OK: {len(cur.puzzles)} puzzles in {folder}, {cells} answer cells, every answer "
               f"computed by the engine")
    return 0


@puzzles.command("list")
@click.argument("directory", required=False, metavar="[DIR]")
def puzzles_list(directory):
    """List the puzzles in order: id and title."""
    from cnn_tui.quiz.progress import puzzles_dir as locate
    from cnn_tui.quiz.puzzle import load_dir

    cur = load_dir(_existing_folder(locate(directory)))
    for i, p in enumerate(cur.puzzles, 1):
        click.echo(f"{i:>3}  {p.id:<24} {p.title}")
    for name, what in cur.problems:
        click.echo(f"{name}: {what}", err=True)
    return 1 if cur.problems else 0


COMMANDS: list[click.Command] = [quiz, puzzles]
