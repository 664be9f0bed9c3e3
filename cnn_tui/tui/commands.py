"""Command-palette entries: jump to any chapter, pick a picture or a feature, open the quiz.

Chapters and the features of their own come from the chapter registry."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cnn_tui.lecture.data import ALL_PICTURES
from cnn_tui.lesson.chapters import chapter_classes
from cnn_tui.lesson.workbench import Workbench


class LessonCommands(Provider):
    """Palette entries: ``Chapter 4: ...``, ``Open the quiz``, ``Picture: x_right``, ``Feature: anti``."""

    def _commands(self):
        app = self.app
        for i, ch in enumerate(chapter_classes(), 1):
            yield (f"Chapter {i}: {ch.title}", partial(app.goto_chapter, ch.id),
                   f"jump to the {ch.id} chapter")
        yield ("Open the quiz", app.open_quiz, "convolutions by hand, graded")
        yield ("Open a picture file…", app.ask_picture_file,
               "your own picture: a PNG or JPEG photo, or a text matrix of -1..1")
        for v in ALL_PICTURES:
            yield (f"Picture: {v.name}", partial(app.set_picture, v.name), v.description)
        features = Workbench.feature_titles()
        for ch in chapter_classes():
            features.update(ch.feature_choices)
        for name, title in features.items():
            yield (f"Feature: {name}", partial(app.set_feature, name), title)

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
