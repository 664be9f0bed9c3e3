"""Panel of the "params" chapter: the examples, one layer per line, and the total."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.params import Chapter
from cnn_tui.tui.panels.base import ChapterPanel


class ParamsPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        yield Static(id="examples", classes="note")
        yield Static(id="detail", classes="note")

    def show(self, chapter: Chapter, width: int) -> None:
        t = Text()
        t.append("Examples (right/left):\n", style="bold")
        current = chapter.example_index
        for i, title in enumerate(chapter.examples):
            t.append(f" {'▶' if i == current else ' '} {title}\n",
                     style="reverse" if i == current else "")
        self.query_one("#examples", Static).update(t)
        ex = chapter.params_example
        d = Text()
        d.append(f"\n{ex.title}\n", style="bold")
        for layer in chapter.params_layers:
            if chapter.is_dense:
                d.append(f"  {layer.label:>16}: {layer.inputs:,} x {layer.outputs:,} = "
                         f"{layer.weights:,} weights")
                if ex.bias:
                    d.append(f" + {layer.biases:,} bias{'es' if layer.biases != 1 else ''}")
            else:
                d.append(f"  {layer.label}: {ex.filters} x {ex.channels} x {ex.kernel} x "
                         f"{ex.kernel} = {layer.weights:,} weights")
            d.append(f"  = {layer.total:,}\n")
        d.append("  total: ")
        d.append(f" {chapter.params_total:,} ", style="bold reverse")
        d.append(" parameters\n")
        dense, conv = chapter.comparison
        d.append("\nDense vs convolution: ", style="bold")
        d.append(f"a 1024 -> 1024 dense layer has {dense:,} weights; nine 7x7 kernels have "
                 f"{conv:,}, however large the picture.")
        self.query_one("#detail", Static).update(d)

    def status(self, chapter):
        return "right/left: next example · g: type your own layer sizes (e.g. 20,20,20,1)"


PANEL = ParamsPanel
