"""What a quiz sitting is opened with: one typed object instead of a loose dict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuizOptions:
    """How to open the quiz.

    ``data_dir``: where progress is kept (None: ``$CNN_TUI_DATA_DIR``, then the user data
    directory). ``puzzles_dir``: the curriculum folder (None: ``$CNN_TUI_PUZZLES``, then the
    bundled ``puzzles/``). ``random``/``seed``/``count``: fresh practice puzzles instead of the
    curriculum (progress is not saved). ``start``: the id of the puzzle to open first.
    """

    data_dir: str | None = None
    puzzles_dir: str | None = None
    random: bool = False
    seed: int | None = None
    count: int = 20
    start: str | None = None
