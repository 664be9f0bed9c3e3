"""The Textual app (imported lazily: only when the lesson or the quiz opens)."""
