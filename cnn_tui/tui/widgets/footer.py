"""Textual's footer, rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` rebuilds all its keys (a recompose: some 20 ms of
widgets, styles and layout) at every change of the screen's bindings, even when the keys shown
stay the same. When a screen opens, its bindings change twice (the screen mounts its content,
then it becomes the top of the stack): the footer was built twice with the same keys. This one
remembers what its last build showed and skips a rebuild that would show the same.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """A footer that rebuilds itself only when the keys it shows change."""

    _built_for = None    # what the last build showed (see _keys_shown); None: nothing yet

    def _keys_shown(self):
        """What a build shows: each shown binding with its state, and the palette's key."""
        if not self._bindings_ready:
            return None
        active = self.screen.active_bindings
        shown = tuple((binding, enabled, tooltip)
                      for (_node, binding, enabled, tooltip) in active.values() if binding.show)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            entry = active.get(self.app.COMMAND_PALETTE_BINDING)
            palette = entry[1:] if entry is not None else None
        return shown, palette

    def compose(self):
        self._built_for = self._keys_shown()
        yield from super().compose()

    async def recompose(self) -> None:
        if (self.is_attached and self._built_for is not None
                and self._keys_shown() == self._built_for):
            return
        await super().recompose()
