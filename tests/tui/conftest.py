"""Shared fixtures for the app's tests: the tests' own copy of the lecture's numbers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "lecture.toml"


@pytest.fixture(scope="session")
def lecture() -> dict:
    with open(GOLDEN, "rb") as fh:
        return tomllib.load(fh)
