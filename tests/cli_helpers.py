"""What the command-line tests share: running the CLI in-process, and the one-line error check."""

from __future__ import annotations

from click.testing import CliRunner

from cnn_tui.cli import cli


def run(*args):
    """``cnn-tui ARGS`` in-process (Click's runner: stdout and stderr apart)."""
    return CliRunner().invoke(cli, list(args), prog_name="cnn-tui")


def one_line_error(r, *needles):
    """Exit 2, nothing on stdout, one short line on stderr, from cnn-tui, holding every needle;
    the line is returned."""
    assert r.exit_code == 2, (r.exit_code, r.stdout[:300], r.stderr[:300])
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr[:500]
    assert "Traceback" not in r.stderr and len(lines[0]) < 400, lines[0][:500]
    assert lines[0].startswith("cnn-tui"), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]
