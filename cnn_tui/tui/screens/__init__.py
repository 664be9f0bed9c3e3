"""The app's screens. ``SCREENS`` (every chapter id, then ``quiz``) is what ``--screen`` takes;
this module imports neither Textual nor NumPy."""

from cnn_tui.lesson.chapters import CHAPTER_IDS

QUIZ = "quiz"
SCREENS: tuple[str, ...] = CHAPTER_IDS + (QUIZ,)
