"""The palette's "Open a picture file…": a file name (and the side to resize a photo to).

A PNG or JPEG photo is turned grey and resized (:func:`cnn_tui.pictures.load_picture`); a text
file is read as a matrix of values from -1 to 1. A file that cannot be used is said under the
boxes in one line and the learner types again; escape closes without changing anything.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from cnn_tui.pictures import DEFAULT_SIDE, MAX_SIDE, MIN_SIDE, PictureError
from cnn_tui.tui.screens.learner import as_sentence


class OpenPictureScreen(ModalScreen):
    """Dismissed with the loaded :class:`~cnn_tui.pictures.Picture`, or None (escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    OpenPictureScreen { align: center middle; }
    OpenPictureScreen > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $accent; background: $panel; padding: 0 1;
    }
    OpenPictureScreen Horizontal { height: auto; }
    OpenPictureScreen #picture-path { width: 1fr; }
    OpenPictureScreen #picture-side { width: 14; }
    OpenPictureScreen #picture-intro { margin-bottom: 1; }
    OpenPictureScreen #picture-problem { color: $error; height: auto; }
    """

    def compose(self) -> ComposeResult:
        intro = Text()
        intro.append("Open a picture of your own\n", style="bold")
        intro.append(f"A PNG or JPEG photo (made grey: dark is ink +1, light is paper -1, "
                     f"resized so its longer side is the side you give, {MIN_SIDE}–{MAX_SIDE}) "
                     "or a text file of values from -1 to 1, one row per line. Enter opens it, "
                     "escape cancels.")
        with Vertical():
            yield Static(intro, id="picture-intro")
            with Horizontal():
                yield Input(placeholder="file, e.g. ~/cat.png", id="picture-path")
                yield Input(placeholder=f"side {DEFAULT_SIDE}", id="picture-side",
                            restrict=r"[0-9]*", max_length=3)
            yield Static("", id="picture-problem")

    def on_mount(self) -> None:
        self.query_one("#picture-path", Input).focus()

    _cancelled = False
    _opened = None          # a picture loaded while another screen covered this one

    def action_cancel(self) -> None:
        self._cancelled = True          # a load still running is dropped when it ends
        self.workers.cancel_group(self, "open-picture")
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from cnn_tui.pictures import check_side

        problem = self.query_one("#picture-problem", Static)
        path = self.query_one("#picture-path", Input).value.strip()
        side_text = self.query_one("#picture-side", Input).value.strip()
        if not path:
            problem.update("Type the name of a picture file first.")
            self.query_one("#picture-path", Input).focus()
            return
        try:
            side = check_side(side_text) if side_text else None
        except PictureError as exc:
            problem.update(Text(as_sentence(str(exc))))
            return
        # A large photo takes a moment to decode and shrink: off the screen's thread, so the
        # app keeps drawing (and escape still cancels) meanwhile.
        problem.update(Text(f"Opening {path}…", style="italic"))
        self._busy(True)
        self.run_worker(partial(_load, path, side), name="open picture", group="open-picture",
                        exclusive=True, thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "open-picture" or self._cancelled or not self.is_attached:
            return
        if event.state == WorkerState.SUCCESS:
            # dismiss closes the top screen: wait while the palette or help covers this one
            if self.is_active:
                self.dismiss(worker.result)
            else:
                self._opened = worker.result
        elif event.state == WorkerState.ERROR:
            self._busy(False)
            error = worker.error
            message = str(error) if isinstance(error, PictureError) else (
                f"could not open the picture ({type(error).__name__}: {error})")
            self.query_one("#picture-problem", Static).update(Text(as_sentence(message)))

    def on_screen_resume(self) -> None:
        if self._opened is not None and not self._cancelled:
            self.dismiss(self._opened)

    def _busy(self, busy: bool) -> None:
        """While a file loads, the boxes wait (enter again would load it twice)."""
        for box in self.query(Input):
            box.disabled = busy
        if not busy:
            self.query_one("#picture-path", Input).focus()


def _load(path: str, side: int | None):
    from cnn_tui.pictures import load_picture

    return load_picture(path, side)
