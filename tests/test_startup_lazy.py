"""Start-up: what opening the app loads and does, and that what it leaves for later still works.

- BLAS loads with one thread unless the user chose (cnn_tui.tui.startup.one_blas_thread);
- the lesson's footer is built once when the screen opens and rebuilt when its keys change;
- ``cnn-tui run`` loads only its own command module; ``--help`` and a mistyped command still see
  every command.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets._footer import FooterKey

from cnn_tui.cli import cli
from cnn_tui.cli.group import COMMAND_MODULES
from cnn_tui.tui.startup import BLAS_THREAD_VARIABLES
from cnn_tui.tui.widgets.footer import Footer

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)


# --- BLAS threads --------------------------------------------------------------------------------
RUN_AND_REPORT = (
    "import os, sys\nfrom cnn_tui.cli import cli\n"
    "try:\n    cli.main(['run', '--headless', '--keys', 'q'], standalone_mode=False)\n"
    "except SystemExit: pass\n"
    "threads = None\n"
    "try:\n"
    "    from threadpoolctl import threadpool_info\n"
    "    threads = [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']\n"
    "except ImportError: pass\n"
    "print('ENV', [os.environ.get(v) for v in {names!r}], 'BLAS', threads,\n"
    "      'CLI', sorted(m for m in sys.modules if m.startswith('cnn_tui.cli.')))\n"
)


def _run_and_report(**env_changes):
    p = _python(RUN_AND_REPORT.format(names=BLAS_THREAD_VARIABLES), env_changes)
    assert p.returncode == 0, p.stderr[-2000:]
    line = p.stdout.strip().splitlines()[-1]
    env_part, rest = line.split(" BLAS ")
    blas_part, cli_part = rest.split(" CLI ")
    return eval(env_part[len("ENV "):]), eval(blas_part), eval(cli_part)


def test_the_app_loads_blas_with_one_thread():
    env, blas, _ = _run_and_report()
    assert env == ["1"] * len(BLAS_THREAD_VARIABLES)
    if blas is not None:              # threadpoolctl installed: BLAS itself says so
        assert blas and all(n == 1 for n in blas), blas


def test_a_users_choice_of_blas_threads_is_kept():
    env, blas, _ = _run_and_report(OPENBLAS_NUM_THREADS="2")
    assert env == ["2"] + [None] * (len(BLAS_THREAD_VARIABLES) - 1)


def test_one_blas_thread_changes_nothing_once_numpy_is_loaded():
    code = ("import os, numpy\nfrom cnn_tui.tui.startup import one_blas_thread, "
            "BLAS_THREAD_VARIABLES\none_blas_thread()\n"
            "print([os.environ.get(v) for v in BLAS_THREAD_VARIABLES])")
    p = _python(code, {})
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str([None] * len(BLAS_THREAD_VARIABLES))


# --- the footer ----------------------------------------------------------------------------------
def _footer_keys(app) -> list[tuple[str, str]]:
    footer = app.lesson.query_one(Footer)
    return [(k.key, k.description) for k in footer.query(FooterKey)]


def _shown_bindings(app) -> list[tuple[str, str]]:
    return [(b.key, b.description) for (_n, b, _e, _t) in app.lesson.active_bindings.values()
            if b.show]


@pytest.mark.app
async def test_the_footer_is_built_once_and_again_when_its_keys_change(monkeypatch):
    from cnn_tui.tui.app import CnnTuiApp

    builds = []
    compose = Footer.compose

    def counting(self):
        if self._bindings_ready:
            builds.append(self)
        return compose(self)

    monkeypatch.setattr(Footer, "compose", counting)
    app = CnnTuiApp(start="literal", play_interval=0.01)
    async with app.run_test(size=(100, 36)) as pilot:
        for _ in range(4):
            await pilot.pause()
        assert len(builds) == 1, "the footer was built more than once for the same keys"
        first = _footer_keys(app)
        assert first and first == _shown_bindings(app)
        await pilot.press("n")                    # the next chapter offers other keys
        for _ in range(4):
            await pilot.pause()
        second = _footer_keys(app)
        assert second == _shown_bindings(app)
        assert second != first and len(builds) == 2
        await pilot.press("p")                    # back: the first chapter's keys again
        for _ in range(4):
            await pilot.pause()
        assert _footer_keys(app) == first


# --- the command line ----------------------------------------------------------------------------
def test_run_loads_only_its_own_command_module():
    _, _, cli_modules = _run_and_report()
    assert "cnn_tui.cli.app" in cli_modules
    for lazy in ("calculators", "quiz", "serve", "train"):
        assert f"cnn_tui.cli.{lazy}" not in cli_modules, cli_modules


def test_every_command_is_in_its_module_and_listed():
    for module_name in set(COMMAND_MODULES.values()):
        module = importlib.import_module(f"cnn_tui.cli.{module_name}")
        names = {c.name for c in module.COMMANDS}
        assert names == {n for n, m in COMMAND_MODULES.items() if m == module_name}, module_name
    out = CliRunner().invoke(cli, ["--help"]).output
    for name in COMMAND_MODULES:
        assert f"\n  {name} " in out, name


def test_a_mistyped_command_is_still_matched_against_every_command():
    code = ("from cnn_tui.cli import main\nimport sys\nsys.argv = ['cnn-tui', 'serv']\nmain()")
    p = _python(code, {})
    assert p.returncode == 2
    assert "No such command 'serv'. Did you mean 'serve'?" in p.stderr, p.stderr


QUIZ_AND_REPORT = (
    "import os\nfrom cnn_tui.cli import cli\n"
    "try:\n    cli.main(['quiz'], standalone_mode=False)\n"
    "except BaseException: pass\n"          # no terminal here: the quiz refuses after the setting
    "print('ENV', [os.environ.get(v) for v in {names!r}])\n"
)
ZYGOTE_AND_REPORT = (
    "import os\nfrom cnn_tui.classroom import zygote\nzygote.preload()\n"
    "print('ENV', [os.environ.get(v) for v in {names!r}])\n"
)


@pytest.mark.parametrize("code", [QUIZ_AND_REPORT, ZYGOTE_AND_REPORT], ids=["quiz", "classroom"])
def test_the_quiz_and_the_classroom_load_blas_with_one_thread(code):
    p = _python(code.format(names=BLAS_THREAD_VARIABLES), {})
    assert p.returncode == 0, p.stderr[-2000:]
    line = p.stdout.strip().splitlines()[-1]
    assert eval(line[len("ENV "):]) == ["1"] * len(BLAS_THREAD_VARIABLES)


def test_the_first_screen_does_not_load_the_trainer():
    """The data sets, the trainer and the live runs (~17 ms of imports) load only when the
    train or implement chapter needs them, not when the app starts; the train chapter's list
    of data sets is the data sets module's own."""
    code = ("import sys; from cnn_tui.lesson.model import LessonModel; m = LessonModel(); "
            "import cnn_tui.tui.app; "
            "print(sorted(n for n in sys.modules if n.startswith('cnn_tui.lesson.') and "
            "n.rsplit('.', 1)[1] in ('training', 'live', 'datasets')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    from cnn_tui.lesson import datasets
    from cnn_tui.lesson.chapters.implement import impl_spec
    from cnn_tui.lesson.chapters.train import DATA_SETS
    from cnn_tui.lesson.training import DEFAULTS
    assert DATA_SETS == datasets.NAMES
    assert impl_spec() == DEFAULTS["xo"].spec
