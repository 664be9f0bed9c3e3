"""The headless runner (cnn-tui run --headless): keys, scripts, expect, bad input, SVG output."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnn_tui.tui.headless import HeadlessError, parse_script, parse_size, run_headless

pytestmark = pytest.mark.app   # every test here runs the app headless


def run(capsys, screen="convolution", size=(100, 36), keys=None, script=None, svg=None):
    code = run_headless(screen, size, keys, script, svg, app_kwargs={"play_interval": 0.01})
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_move_the_window(capsys):
    code, out, err = run(capsys, keys="right right")
    assert code == 0 and err == ""
    assert "2/49 filled" in out and "Window (0, 1)" in out
    assert "0.77" in out and "-0.11" in out


def test_each_screen_opens_on_x_with_diag(capsys):
    code, out, _ = run(capsys, screen="filtering")
    assert code == 0 and "picture x" in out and "feature diag" in out


def test_script_with_expect_snapshot_and_svg(tmp_path, capsys):
    svg = tmp_path / "mid.svg"
    script = tmp_path / "demo.txt"
    script.write_text(
        "# a comment line\n"
        "press right        # one step\n"
        "expect 0.77\n"
        "snapshot\n"
        f"svg {svg}\n"
        "press n\n"
        "expect Padding and stride\n")
    code, out, err = run(capsys, script=str(script))
    assert code == 0, out + err
    assert out.count("Convolution: slide the window") == 1     # the snapshot
    assert "Padding and stride" in out                         # the final screen
    assert svg.read_text().startswith("<svg")


def test_type_goes_into_the_prompt(tmp_path, capsys):
    script = tmp_path / "jump.txt"
    script.write_text("press g\ntype 6,6\npress enter\nexpect Window (6, 6)\n")
    code, out, _ = run(capsys, script=str(script))
    assert code == 0 and "49/49 filled" in out


def test_failing_expect_exits_1_and_shows_the_screen(tmp_path, capsys):
    script = tmp_path / "fail.txt"
    script.write_text("press right\nexpect 0.99999\npress right\n")
    code, out, err = run(capsys, script=str(script))
    assert code == 1
    assert "expect failed (line 2): '0.99999' is not on the screen" in err
    assert "1/49 filled" in err                                # what was there instead
    assert "expect failed" not in out


def test_a_size_below_the_apps_minimum_exits_2(capsys):
    code = run_headless("convolution", (60, 20), "right", None, None)
    out, err = capsys.readouterr()
    assert code == 2
    assert "needs a terminal of at least 80x24" in " ".join(out.split())
    assert err.count("\n") == 1 and "use --size 80x24 or larger" in err
    assert run_headless("convolution", (80, 24), None, None, None) == 0


@pytest.mark.parametrize("line,message", [
    ("jump right", "unknown action 'jump'"),
    ("press", "'press' needs key names"),
    ("expect", "'expect' needs some text"),
    ("svg", "'svg' needs a file name"),
    ("snapshot now", "'snapshot' takes no argument"),
    ("press ri ght!!", "is not a key name"),
])
def test_bad_script_lines_exit_2(tmp_path, capsys, line, message):
    script = tmp_path / "bad.txt"
    script.write_text(f"press right\n{line}\n")
    code, out, err = run(capsys, script=str(script))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "bad.txt line 2" in err


def test_bad_screen_size_and_script_file(capsys):
    code, _, err = run(capsys, screen="nope")
    assert code == 2 and "unknown screen 'nope'" in err
    code, _, err = run(capsys, size=(3, 2))
    assert code == 2 and "out of range" in err
    code, _, err = run(capsys, script="/no/such/script.txt")
    assert code == 2 and "cannot read script" in err
    code, _, err = run(capsys, svg="/no/such/dir/a.svg")
    assert code == 2 and "does not exist" in err


def test_svg_option_writes_a_file(tmp_path, capsys):
    svg = tmp_path / "end.svg"
    code, out, _ = run(capsys, screen="pooling", keys="right", svg=str(svg))
    assert code == 0 and svg.exists() and "<svg" in svg.read_text()[:200]
    assert [p.name for p in tmp_path.iterdir()] == ["end.svg"]   # no temp file left behind


def test_quit_key_prints_the_last_screen(tmp_path, capsys):
    svg = tmp_path / "last.svg"
    code, out, _ = run(capsys, keys="right q", svg=str(svg))
    assert code == 0 and "1/49 filled" in out
    assert "1/49" in svg.read_text()


def test_small_size_shows_the_needed_size(capsys):
    code, out, _ = run(capsys, size=(60, 20))
    assert code == 2 and "needs a terminal of at least 80x24" in out


def test_parsers():
    assert parse_size("80x24") == (80, 24)
    with pytest.raises(HeadlessError, match="100x36"):
        parse_size("big")
    steps = parse_script("press right  # go\n\n# only a comment\ntype 5/9\n")
    assert [(s.action, s.arg, s.line) for s in steps] == [("press", "right", 1),
                                                          ("type", "5/9", 4)]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "cnn_tui", *args], capture_output=True,
                          text=True, timeout=60)


def test_cli_run_headless_and_errors():
    p = cli("run", "--headless", "--screen", "convolution", "--keys", "right right",
            "--size", "80x24")
    assert p.returncode == 0 and "Window (0, 1)" in p.stdout
    p = cli("run", "--headless", "--screen", "nope")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "unknown screen" in p.stderr
    p = cli("run", "--headless", "--size", "huge")
    assert p.returncode == 2 and "--size must look like 100x36" in p.stderr
    p = cli("run", "--keys", "right")
    assert p.returncode == 2 and "need --headless" in p.stderr


def test_help_does_not_import_textual_or_numpy():
    code = ("import sys; from cnn_tui.cli import cli\n"
            "try:\n    cli.main(['run', '--help'], standalone_mode=False)\n"
            "except SystemExit: pass\n"
            "print('textual' in sys.modules, 'numpy' in sys.modules)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip().endswith("False False"), p.stdout + p.stderr


def test_expect_after_quit_fails(tmp_path, capsys):
    script = tmp_path / "quit.txt"
    script.write_text("press q\nexpect anything\n")
    code, out, err = run(capsys, script=str(script))
    assert code == 1 and "app quit before script line 2" in err


# What the first screen does not need stays unloaded, and the collector paused while the app
# loads (cnn_tui.tui.startup) runs again once the first screen is drawn, or the run ends early.
STARTUP_PROBE = (
    "import gc, sys\nfrom cnn_tui.cli import cli\n"
    "try:\n    cli.main({args!r}, standalone_mode=False)\n"
    "except SystemExit: pass\n"
    "heavy = ('numpy.ma', 'sklearn', 'textual_plot', 'textual_hires_canvas', 'aiohttp',\n"
    "         'textual_serve', 'cnn_tui.tui.screens.quiz', 'cnn_tui.classroom')\n"
    "print('LOADED', [m for m in heavy if m in sys.modules], 'GC', gc.isenabled(),\n"
    "      gc.get_freeze_count() > 0)\n")


def startup_probe(*args):
    p = subprocess.run([sys.executable, "-c", STARTUP_PROBE.format(args=list(args))],
                       capture_output=True, text=True, timeout=60)
    return p.stdout.strip().splitlines()[-1], p


def test_first_screen_loads_only_what_it_draws_and_gc_runs_again():
    last, p = startup_probe("run", "--headless", "--keys", "q")
    assert last == "LOADED [] GC True True", p.stdout[-500:] + p.stderr


def test_gc_runs_again_when_the_run_ends_before_the_app_starts():
    last, p = startup_probe("run", "--headless", "--keys", "rigth")
    assert last.endswith("GC True True"), p.stdout[-500:] + p.stderr
