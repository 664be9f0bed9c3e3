"""Panel of the "votes" chapter: the 12 values and their connections, the votes, the report,
and (w) the layer as a 12x2 weight matrix with each answer's weighted sum written out."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.votes import MEAN_RULE, WEIGHTED, Chapter, WeightedSum
from cnn_tui.render import matrix_text, value_colours
from cnn_tui.tui.panels.base import (STRONG_COLOUR, WEAK_COLOUR, ChapterPanel, bar,
                                     picture_view_text, update)
from cnn_tui.tui.widgets.layout import Column, Row
from cnn_tui.tui.widgets.matrix import MatrixView


def lines(text: Text, width: int) -> int:
    """How many lines ``text`` takes when wrapped at ``width`` (at least one per line break)."""
    return sum(max(1, -(-len(line) // max(1, width))) for line in text.plain.split("\n"))


def _val_style(v: float) -> str:
    fg, bg = value_colours(v, 1.0)
    return f"{fg} on {bg}"


class VotesPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            yield Static(id="table")
            with Column(id="fc"):
                yield Static(id="fc-title")
                with Row():
                    yield Static(id="fc-labels")
                    yield MatrixView(id="fc-values")
                    yield MatrixView(id="fc-weights")
            with Column(classes="side"):
                yield MatrixView(id="image", clickable=True)
                yield Static(id="bars")
                yield Static(id="fc-side-sums")
        yield Static(id="sums", classes="note")

    DEFAULT_CSS = """
    VotesPanel #table { width: auto; height: auto; margin: 0 2 0 0; }
    VotesPanel #fc { width: auto; height: auto; margin: 0 2 0 0; }
    VotesPanel #fc-labels { width: auto; height: auto; margin: 0 1 0 0; }
    VotesPanel .side { width: 1fr; height: auto; }
    VotesPanel #sums { margin: 1 0 0 0; }
    """

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        side = self.query_one(".side")
        sums = self.query_one("#sums", Static)
        table = self.query_one("#table", Static)
        fc = self.query_one("#fc")
        if chapter.showing_report:
            side.display = False
            sums.display = False
            fc.display = False
            table.display = True
            table.update(self.report_text(chapter, width))
            return
        side.display = True
        sums.display = True
        if chapter.showing_fc:
            table.display = False
            fc.display = True
            self.show_fc(chapter, width)
            return
        fc.display = False
        table.display = True
        self.query_one("#fc-side-sums", Static).display = False
        self.query_one("#bars", Static).display = True
        sums.styles.margin = (1, 0, 0, 0)
        names, _ = chapter.vote_weights
        table.update(self.table_text(chapter, names))
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
        update(self.query_one("#bars", Static), b)
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
        t.append("The hand-wired network on the lecture's 18 pictures: ", style="bold")
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

    # ------------------------------------------------------------------ the weight matrix (w)
    def show_fc(self, chapter: Chapter, width: int) -> None:
        """The layer as a 12x2 weight matrix beside the values, the weighted votes, and each
        sum written out: beside the matrix on a small screen, under it on a large one."""
        bench, zoom = chapter.bench, self.zoom
        vec = chapter.vote_vector
        table = chapter.fc_table                       # 12 rows (values) x 2 columns (answers)
        names = chapter.fc_matrix()[0]
        rule = "lecture-style" if chapter.fc_rule == WEIGHTED else "mean rule"
        title = f"{table.size} weights, {rule}"
        update(self.query_one("#fc-title", Static), Text(title, style="bold"))
        labels = self.labels_text(chapter, zoom)
        update(self.query_one("#fc-labels", Static), labels)
        values = self.query_one("#fc-values", MatrixView)
        grid = matrix_text(vec.reshape(-1, 1), formatter=chapter.value_text, scale=1.0,
                           picture=False)
        values.show(self.column_caption(["value"], grid, 1, zoom), grid, (vec.size, 1))
        weights = self.query_one("#fc-weights", MatrixView)
        scale = float(abs(table).max()) or 1.0
        grid = matrix_text(table, formatter=chapter.weight_text, scale=scale, picture=False)
        weights.show(self.column_caption(names, grid, len(names), zoom), grid, table.shape)
        # what the matrix block takes (each MatrixView keeps a margin of 1, the block 2)
        matrix_w = (max(len(line) for line in labels.plain.split("\n")) + 1
                    + values.needed[0] + 1 + weights.needed[0] + 1)
        side_w = max(20, width - max(matrix_w, len(title)) - 2 - 1)
        sums = chapter.fc_sums
        compare, stack = chapter.fc_compare, chapter.fc_stack_note
        stage_h = self.app.size.height - 6             # title, 3 lines of text, status, footer
        left_h = 1 + 1 + vec.size * zoom
        # Roomy: the picture and the bars beside the matrix, the sums and the notes under both.
        below = self.sums_block(chapter, sums, width - 2)
        below.append("\n" + compare + "\n")
        below.append(stack, style="dim")
        side_h = (1 + bench.image.shape[0] * zoom if chapter.showing_picture else 0) + 4
        roomy = max(left_h, side_h) + 1 + lines(below, width - 2) <= stage_h
        image = self.query_one("#image", MatrixView)
        image.display = roomy and chapter.showing_picture
        if image.display:
            image.show(bench.picture_caption, picture_view_text(chapter), bench.image.shape)
        bars = self.query_one("#bars", Static)
        bars.display = roomy
        side_sums = self.query_one("#fc-side-sums", Static)
        side_sums.display = not roomy
        note = self.query_one("#sums", Static)
        if roomy:
            bars.update(self.fc_bars(chapter, names, side_w, self.zoom))
            note.styles.margin = (1, 0, 0, 0)
            note.update(below)
            return
        # Compact (80x24): the sums, the winner and the other rule beside the matrix, where the
        # picture was; the note on stacking under it.
        if bench.editing and chapter.showing_picture:
            # drawing: the picture takes the sums' place, the votes follow each pixel
            image.display = True
            image.show(bench.picture_caption, picture_view_text(chapter), bench.image.shape)
            side = Text()
            for name, v in chapter.fc_votes().items():
                side.append(f"{name} {chapter.vote_text(v)}  ")
        else:
            side = self.sums_block(chapter, sums, side_w)
        side.append("\nprediction: ")
        side.append(f" {chapter.fc_verdict()} ", style="bold reverse")
        side.append("\n" + compare, style="dim")
        side_sums.update(side)
        note.styles.margin = (0 if lines(side, side_w) > left_h
                              or left_h + 1 + lines(Text(stack), width - 2) > stage_h
                              else 1, 0, 0, 0)
        note.update(Text(stack, style="dim"))

    @staticmethod
    def column_caption(names, grid: Text, cols: int, zoom: int) -> Text:
        """Column headers centred over the cells of ``grid`` (``cols`` equal cells) at ``zoom``."""
        first = grid.plain.split("\n", 1)[0]
        cell = len(first) // cols * zoom
        return Text("".join(n.center(cell) for n in names).rstrip(), style="bold")

    @staticmethod
    def labels_text(chapter: Chapter, zoom: int) -> Text:
        """``#1 diag 0,0``, one per value, each on the middle line of its zoomed row."""
        t = Text()
        t.append("  # map  cell", style="underline")
        middle = (zoom - 1) // 2
        for label in chapter.vote_labels:
            r, c = label.cell
            for k in range(zoom):
                t.append("\n")
                if k == middle:
                    t.append(f"{label.name:>3} {label.feature:<5}{r},{c} ")
        return t

    @staticmethod
    def fc_bars(chapter: Chapter, names: list[str], width: int, zoom: int = 1) -> Text:
        """The weighted votes as bars, and the winner."""
        votes = chapter.fc_votes()
        verdict = chapter.fc_verdict()
        what = "averages" if chapter.fc_rule == MEAN_RULE else "weighted sums"
        b = Text(f"votes ({what})\n", style="bold")
        texts = {n: chapter.vote_text(votes[n]) for n in names}
        bar_w = max(5, min(20 * zoom, width - 3 - max(len(s) for s in texts.values())))
        for name in names:
            b.append(f"{name} ")
            b.append_text(bar(votes[name], bar_w,
                              STRONG_COLOUR if name == verdict else WEAK_COLOUR))
            b.append(f" {texts[name]}\n")
        b.append("prediction: ")
        b.append(f" {verdict} ", style="bold reverse")
        return b

    @staticmethod
    def wrap_sum(s: WeightedSum, width: int) -> list[str]:
        """``X = 0.172×1.00 + 0.02×0.55 + ... = 0.93`` in lines of at most ``width``, broken
        between terms; the next lines start indented under the first term."""
        pieces = [f"{s.name} = {s.terms[0]}"] + [f"+ {t}" for t in s.terms[1:]]
        pieces.append(f"= {s.result}")
        indent = " " * (len(s.name) + 1)
        lines = [pieces[0]]
        for p in pieces[1:]:
            if len(lines[-1]) + 1 + len(p) <= width:
                lines[-1] += " " + p
            else:
                lines.append(indent + p)
        return lines

    def sums_block(self, chapter: Chapter, sums: list[WeightedSum], width: int) -> Text:
        """Each answer's weighted sum written out, the winner's in bold."""
        verdict = chapter.fc_verdict()
        t = Text()
        head = ("each value × its weight, added up:" if chapter.showing_picture
                else "each new value × its weight, added up:")
        t.append(head, style="bold")
        for s in sums:
            for line in self.wrap_sum(s, width):
                t.append("\n")
                t.append(line, style="bold" if s.name == verdict else "")
        return t

    def status(self, chapter):
        if chapter.showing_fc:
            other = "lecture-style weights" if chapter.fc_rule == MEAN_RULE else "the mean rule"
            return f"w: back to the ■ table · m: {other} · right/left: values"
        return "right/left: picture · new values · every picture   w: weights   i: picture"


PANEL = VotesPanel
