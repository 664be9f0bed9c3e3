"""Screens of the app: the lesson, help, and (from the quiz engineer) the quiz."""
