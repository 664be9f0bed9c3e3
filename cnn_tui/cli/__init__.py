"""The ``cnn-tui`` command line.

Only click (and the NumPy-free screen registry) is imported at start-up: NumPy, Rich and Textual
load inside the commands that need them, so ``cnn-tui --help`` answers at once. Every error a
user can cause prints one line on stderr and exits with status 2 — never a traceback.

Layout: :mod:`.errors` holds the shared error handling; :mod:`.calculators`, :mod:`.app` and
:mod:`.quiz` define the commands; :mod:`.group` builds the ``cli`` group from them (the group
imports the command modules, never the reverse); :mod:`.output` prints the calculators' results.
"""

from cnn_tui.cli.group import cli, main

__all__ = ["cli", "main"]
