"""The registry of puzzle kinds: it is exactly what the loader accepts, every kind brings a random
generator, and a kind's builder returns the named ``Built`` type."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from cnn_tui.quiz.kinds import KINDS, MODULES, NAMES
from cnn_tui.quiz.kinds.base import Built, Kind
from cnn_tui.quiz.puzzle import PuzzleError, build
from cnn_tui.quiz.randomgen import GENERATORS

README = Path(__file__).resolve().parents[2] / "puzzles" / "README.md"


def _accepted(kind: str) -> bool:
    """Whether the loader takes ``kind`` as a kind (a later complaint about its keys is fine)."""
    spec = {"id": "k", "title": "t", "order": 1, "question": "q", "hints": ["h"], "kind": kind}
    try:
        build(spec)
    except PuzzleError as exc:
        return "is unknown" not in str(exc)
    return True


def test_registry_names_are_the_kinds_the_loader_accepts():
    candidates = set(NAMES) | {"conv", "relu", "pool", "output_size", "params", "vote",
                               "dense", "mlp", "softmax", "Conv", ""}
    assert {k for k in candidates if _accepted(k)} == set(NAMES)
    assert len(NAMES) == len(KINDS)  # no two kinds share a name


def test_each_kind_module_is_named_after_its_kind_and_has_a_generator():
    for module_name, kind in zip(MODULES, KINDS):
        module = importlib.import_module(f"cnn_tui.quiz.kinds.{module_name}")
        assert isinstance(kind, Kind) and module.KIND is kind
        assert kind.name == module_name
        assert kind.generators, f"kind {kind.name!r} has no random generator"
        assert set(kind.required) <= kind.fields


def test_generators_come_from_the_kinds_in_one_order():
    orders = [g.order for k in KINDS for g in k.generators]
    assert len(set(orders)) == len(orders)  # no two generators share a place
    makers = sorted(((g.order, g.make) for k in KINDS for g in k.generators), key=lambda t: t[0])
    assert GENERATORS == tuple(m for _, m in makers)


def test_every_kind_has_a_row_in_the_readme_with_its_keys():
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) == 4 and cols[3].startswith("`cnn_tui/quiz/kinds/"):
            rows[cols[0].strip("`")] = cols

    def keys(cell):
        return {k.strip().strip("`") for k in cell.split(",") if k.strip()}

    assert set(rows) == set(NAMES)
    for kind in KINDS:
        _, required, optional, module = rows[kind.name]
        assert keys(required) == set(kind.required), kind.name
        assert keys(optional) == kind.fields - set(kind.required), kind.name
        assert module == f"`cnn_tui/quiz/kinds/{kind.name}.py`"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_build_returns_the_named_type(kind):
    import numpy as np

    spec = kind.generators[0].make(np.random.default_rng(0), 0)
    built = kind.build(spec)
    assert isinstance(built, Built)
    assert built.answer.ndim == 2
    assert built.explain(0, 0)
    if built.col_labels is not None:
        assert len(built.col_labels) == built.answer.shape[1]
