"""Panel of the "votes" chapter: the 12 values and their connections, the votes, the report."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from cnn_tui.lesson.chapters.votes import Chapter
from cnn_tui.render import value_colours
from cnn_tui.tui.panels.base import (STRONG_COLOUR, WEAK_COLOUR, ChapterPanel, bar,
                                     picture_view_text)
from cnn_tui.tui.widgets.matrix import MatrixView


def _val_style(v: float) -> str:
    fg, bg = value_colours(v, 1.0)
    return f"{fg} on {bg}"


class VotesPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Horizontal():
            yield Static(id="table")
            with Vertical(classes="side"):
                yield MatrixView(id="image", clickable=True)
                yield Static(id="bars")
        yield Static(id="sums", classes="note")

    DEFAULT_CSS = """
    VotesPanel #table { width: auto; height: auto; margin: 0 2 0 0; }
    VotesPanel .side { width: 1fr; height: auto; }
    VotesPanel #sums { margin: 1 0 0 0; }
    """

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        side = self.query_one(".side")
        sums = self.query_one("#sums", Static)
        if chapter.showing_report:
            side.display = False
            sums.display = False
            self.query_one("#table", Static).update(self.report_text(chapter, width))
            return
        side.display = True
        sums.display = True
        names, _ = chapter.vote_weights
        self.query_one("#table", Static).update(self.table_text(chapter, names))
        image = self.query_one("#image", MatrixView)
        if chapter.showing_picture:
            image.show(bench.picture_caption, picture_view_text(chapter), bench.image.shape)
            image.display = True
        else:
            image.display = False
        votes = chapter.votes
        verdict = chapter.verdict                       # "tie" when the votes are equal
        b = Text("votes (average of the ■ values)\n", style="bold")
        for name in names:
            b.append(f"{name} ")
            b.append_text(bar(votes[name], 20 * self.zoom,
                              STRONG_COLOUR if name == verdict else WEAK_COLOUR))
            b.append(f" {chapter.vote_text(votes[name])}\n")
        b.append("prediction: ")
        b.append(f" {verdict} ", style="bold reverse")
        note = chapter.slide_note
        if note:
            b.append(f"\n\n{note}", style="dim")
        self.query_one("#bars", Static).update(b)
        sums.update(self.sums_text(chapter, width))

    @staticmethod
    def table_text(chapter: Chapter, names: list[str]) -> Text:
        """The 12 values, numbered #1 to #12, where each comes from, and the strong connections."""
        t = Text()
        src = "the picture" if chapter.showing_picture else "the lecture's new example"
        t.append(f"the 12 values of {src}\n", style="bold")
        t.append("  #  map  cell   value " + "".join(f"{n:>3}" for n in names) + "\n",
                 style="underline")
        rows = list(zip(chapter.vote_labels, chapter.vote_rows))
        for i, (label, (_, _, v, strong)) in enumerate(rows):
            r, c = label.cell
            t.append(f"{label.name:>3}  {label.feature:<5}{r},{c}  ")
            t.append(f" {chapter.value_text(v):>5} ", style=_val_style(v))
            for is_strong in strong:
                t.append("  ■" if is_strong else "  ·",
                         style=f"bold {STRONG_COLOUR}" if is_strong else "dim")
            if i < len(rows) - 1:
                t.append("\n")
        return t

    @staticmethod
    def sums_text(chapter: Chapter, width: int) -> Text:
        """Each vote written out with the values the engine averaged."""
        sums = chapter.vote_sums
        t = Text()
        listens = ", ".join(f"{s.name}: " + " ".join(f"#{p}" for p in s.positions)
                            for s in sums)
        head = f"Each vote is the average of its ■ values ({listens}):"
        if len(head) > width - 2:
            head = f"Votes = averages of the ■ values ({listens}):"
        if len(head) > width - 2:
            head = "Each vote is the average of its ■ values:"
        t.append(head + "\n", style="bold")
        for i, s in enumerate(sums):
            t.append(s.text)
            if i < len(sums) - 1:
                t.append("\n")
        return t

    @staticmethod
    def report_text(chapter: Chapter, width: int) -> Text:
        """The network's verdict on every picture, in two columns when the terminal is wide."""
        bench = chapter.bench
        rows = chapter.report_rows
        t = Text()
        t.append("The hand-wired network on every picture of the lesson: ", style="bold")
        t.append(f"{chapter.report_right} of {len(rows)} right\n", style="bold")
        t.append("(what a person sees → what the network says, from the votes X and O)\n\n",
                 style="dim")
        cells = []
        for v, says, votes, ok in rows:
            cell = Text()
            cell.append(f"{v.name:<9}", style="bold reverse" if v.name == bench.picture else "")
            cell.append(f" {v.label} → {says:<3} ")
            cell.append(f"{bench.fmt(votes['X']):>5} {bench.fmt(votes['O']):>5} ",
                        style="dim")
            cell.append("✓ right" if ok else "✗ wrong",
                        style="bold green" if ok else "bold red")
            cells.append(cell)
        cols = 2 if width >= 70 else 1
        per = -(-len(cells) // cols)
        for r in range(per):
            for c in range(cols):
                i = c * per + r
                if i < len(cells):
                    if c:
                        t.append("   ")
                    t.append_text(cells[i])
            t.append("\n")
        t.append("\nThe three features only look for thin diagonal strokes: a plus sign has none,"
                 "\nand thick strokes grow new edges. Press i to see any picture's values.",
                 style="dim")
        return t

    def status(self, chapter):
        return "right/left: picture · new values · every picture   i: next picture"


PANEL = VotesPanel
