"""The layer rules of pyproject.toml's [tool.importlinter], checked by import-linter itself.

``cli -> tui -> quiz | lesson -> lecture -> engine``; the engine, the lecture, the lesson and the
quiz never import Textual; the engine and the lecture never import Rich. The second test proves
the contracts bite: a copy of the package with one forbidden import added fails them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_import_contracts_are_kept():
    out = _lint(ROOT, ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("engine/fmt.py", "import textual", "never import Textual"),
    ("engine/fmt.py", "import rich", "never import Rich"),
    ("lesson/workbench.py", "import cnn_tui.tui.app", "Layers"),
    ("quiz/grade.py", "import cnn_tui.lesson.model", "Layers"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "cnn_tui", tmp_path / "cnn_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "cnn_tui" / module
    target.write_text(target.read_text() + f"\n{line}  # added by the test\n")
    out = _lint(tmp_path, tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    broken = [ln for ln in out.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), out.stdout
