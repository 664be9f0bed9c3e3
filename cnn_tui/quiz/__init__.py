"""The quiz: puzzle files, their checks, grading, progress storage and random puzzles.

No Textual here: the screen in ``cnn_tui.tui.screens.quiz`` draws what this package computes,
and every answer comes from ``cnn_tui.engine``.
"""
