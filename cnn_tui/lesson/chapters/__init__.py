"""The registry of the lesson's chapters, in lecture order.

A chapter is one module of this package, named by the chapter's id, that defines ``Chapter``
(a subclass of :class:`cnn_tui.lesson.chapters.base.Chapter`). This module imports nothing
heavy: the ids are plain strings, so ``cnn-tui --help`` can list them without loading NumPy;
the chapter modules themselves load on first use.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cnn_tui.lesson.chapters.base import Chapter

# One line per chapter, in the order the lesson teaches them.
CHAPTER_IDS: tuple[str, ...] = (
    "literal",
    "features",
    "filtering",
    "convolution",
    "padding",
    "sequences",
    "edges",
    "relu",
    "pooling",
    "invariance",
    "stacking",
    "votes",
    "params",
    "implement",
    "train",
)


@cache
def chapter_class(chapter_id: str) -> type[Chapter]:
    """The ``Chapter`` class of the module ``chapter_id`` (KeyError for an unknown id)."""
    if chapter_id not in CHAPTER_IDS:
        raise KeyError(chapter_id)
    cls = importlib.import_module(f"{__name__}.{chapter_id}").Chapter
    if cls.id != chapter_id:
        raise RuntimeError(f"module {chapter_id!r} defines the chapter {cls.id!r}")
    return cls


def chapter_classes() -> tuple[type[Chapter], ...]:
    """Every chapter's class, in lecture order."""
    return tuple(chapter_class(cid) for cid in CHAPTER_IDS)
