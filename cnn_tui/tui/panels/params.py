"""Panel of the "params" chapter: the examples, one layer per line, and the total."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.params import Chapter
from cnn_tui.tui.panels.base import ChapterPanel, update


def _wrap(pieces: list[str], width: int, indent: int = 0, first: int = 0) -> str:
    """``pieces`` joined by spaces, broken between pieces so that no line is wider than
    ``width`` (the first line already holds ``first`` characters; later lines are indented by
    ``indent``). A piece longer than a line stays whole on a line of its own."""
    lines: list[str] = []
    line, used = "", first
    for piece in pieces:
        add = (" " if line else "") + piece
        if line and used + len(add) > width - 1:
            lines.append(line)
            line, used = " " * indent + piece, indent + len(piece)
        else:
            line += add
            used += len(add)
    lines.append(line)
    return "\n".join(lines)


def _cut(line: str, width: int) -> str:
    """``line`` cut to ``width - 1`` characters, with an ellipsis when it was longer."""
    return line if len(line) <= width - 1 else line[:max(width - 2, 0)] + "…"


class ParamsPanel(ChapterPanel):
    chapter_id = Chapter.id
    shows_pixels = False

    def compose(self):
        yield Static(id="examples", classes="note")
        yield Static(id="detail", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        if self.is_attached and self.size.width:
            width = min(width, self.size.width)
        t = Text()
        t.append("Examples (right/left):\n", style="bold")
        current = chapter.example_index
        for i, title in enumerate(chapter.examples):
            line = f" {'▶' if i == current else ' '} {title}"
            if i:
                t.append("\n")
            t.append(_cut(line, width), style="reverse" if i == current else "")
        update(self.query_one("#examples", Static), t)
        update(self.query_one("#detail", Static), self.detail_text(chapter, width))

    @staticmethod
    def detail_text(chapter: Chapter, width: int) -> Text:
        """One line per layer (wrapped between its terms, never inside a number, when the
        terminal is narrow), the total, and the lecture's dense-vs-conv contrast."""
        ex = chapter.params_example
        d = Text()
        d.append(f"\n{_cut(ex.title, width)}\n", style="bold")
        layers = chapter.params_layers
        if chapter.is_dense:
            labels = [f"{layer.inputs:,} -> {layer.outputs:,}:" for layer in layers]
        else:
            labels = [f"{layer.label}:" for layer in layers]
        pad = max(len(label) for label in labels)
        for label, layer in zip(labels, layers):
            if chapter.is_dense:
                terms = [f"{layer.inputs:,} x {layer.outputs:,} = {layer.weights:,} weights"]
            else:
                sizes = f"{ex.filters} x {ex.channels} x {ex.kernel} x {ex.kernel}"
                terms = [f"{sizes} = {layer.weights:,} weights"]
            if layer.biases:
                terms += [f"+ {layer.biases:,} bias{'es' if layer.biases != 1 else ''}",
                          f"= {layer.total:,}"]
            d.append(_wrap([f"  {label:>{pad}}"] + terms, width, indent=pad + 3) + "\n")
        d.append("  total: ")
        d.append(f" {chapter.params_total:,} ", style="bold reverse")
        d.append(" parameters\n")
        dense, conv = chapter.comparison
        d.append("\nDense vs convolution: ", style="bold")
        halves = [f"a 1,024 -> 1,024 dense layer has {dense:,} weights;",
                  f"nine 7x7 kernels have {conv:,}, however large the picture."]
        d.append(_wrap(halves, width, first=len("Dense vs convolution: ")))
        return d

    def status(self, chapter):
        return "right/left: next example · g: type your own layer sizes (e.g. 20,20,20,1)"


PANEL = ParamsPanel
