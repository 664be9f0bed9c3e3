"""Quiz commands (placeholder until the quiz lands)."""

from __future__ import annotations

COMMANDS: list = []
