"""The registry of puzzle kinds: every kind the loader accepts, one line each, in order.

Each line names a module of this package that defines ``KIND`` (a :class:`.base.Kind`); the
module is named after its kind. Adding a kind is one new module and one new line here (see
``puzzles/README.md``). The order is the order kinds are listed in messages.
"""

from __future__ import annotations

from importlib import import_module

from .base import Built, Generator, Kind, Shown

MODULES: tuple[str, ...] = (
    "conv",
    "relu",
    "pool",
    "output_size",
    "params",
    "vote",
    "shape_chain",
    "softmax",
)

KINDS: tuple[Kind, ...] = tuple(import_module(f"{__name__}.{m}").KIND for m in MODULES)
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
NAMES: tuple[str, ...] = tuple(BY_NAME)

__all__ = ["BY_NAME", "KINDS", "MODULES", "NAMES", "Built", "Generator", "Kind", "Shown"]
