"""The package list in pyproject.toml is written by hand (to ship puzzles/ in the wheel): keep it whole."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_subpackage_is_listed():
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "cnn_tui").rglob("__init__.py")}
    listed = set(_setuptools()["packages"])
    assert found - listed == set(), "add these packages to pyproject.toml"


def test_curriculum_ships_as_cnn_tui_puzzles():
    st = _setuptools()
    assert st["package-dir"]["cnn_tui.puzzles"] == "puzzles"
    assert "*.toml" in st["package-data"]["cnn_tui.puzzles"]
    assert list((ROOT / "puzzles").glob("*.toml")), "the curriculum folder is empty"


def test_textual_is_pinned_exactly():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "textual==8.2.8" in deps
