"""The registry of chapter panels: the panel of chapter ``ID`` is the module ``panels/ID.py``.

Each panel module defines ``PANEL``, a :class:`~cnn_tui.tui.panels.base.ChapterPanel` whose
``chapter_id`` is its module's name. The chapter ids, in order, come from the lesson's own
registry (:data:`cnn_tui.lesson.chapters.CHAPTER_IDS`); a panel module loads when its chapter
first opens.
"""

from __future__ import annotations

import importlib
from functools import cache

from cnn_tui.lesson.chapters import CHAPTER_IDS
from cnn_tui.tui.panels.base import ChapterPanel

__all__ = ["ChapterPanel", "panel_class"]


@cache
def panel_class(chapter_id: str) -> type[ChapterPanel]:
    """The panel that draws chapter ``chapter_id`` (KeyError for an unknown id)."""
    if chapter_id not in CHAPTER_IDS:
        raise KeyError(chapter_id)
    cls = importlib.import_module(f"{__name__}.{chapter_id}").PANEL
    if cls.chapter_id != chapter_id:
        raise RuntimeError(f"panel module {chapter_id!r} draws the chapter {cls.chapter_id!r}")
    return cls
