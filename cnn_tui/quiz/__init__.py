"""The quiz: puzzle files and their kinds, grading, sittings, progress storage and random puzzles.

No Textual here: the screen in ``cnn_tui.tui.screens.quiz`` draws what this package computes,
and every answer comes from ``cnn_tui.engine``. Each kind of puzzle is one module in
:mod:`cnn_tui.quiz.kinds`, listed in that package's registry.
"""
