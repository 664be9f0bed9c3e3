"""Panel of the "stacking" chapter: one feature through every stage, and the 12 values."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cnn_tui.lesson.chapters.stacking import STACK_STAGES, STAGE_SHORT, Chapter
from cnn_tui.render import value_colours
from cnn_tui.render import is_big
from cnn_tui.tui.panels.base import ChapterPanel, show_big, show_thumb, stage_room, update
from cnn_tui.tui.widgets.layout import Row
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, picture_text, values_text


MAX_CELLS = 4      # rows of the vector's table (the lecture's 2x2 maps have 4 cells)


class StackingPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Row():
            for i in range(len(STACK_STAGES)):
                yield MatrixView(id=f"s{i}")
        with Row():
            yield MatrixView(id="detail")
            yield Static(id="vector")

    DEFAULT_CSS = """
    StackingPanel #vector { width: auto; height: auto; }
    """

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        maps = chapter.stage_maps
        stage = chapter.stack_stage
        big = is_big(maps[0].shape)
        for i, m in enumerate(maps):
            cap = Text(f"{STAGE_SHORT[i]} {m.shape[0]}x{m.shape[1]}",
                       style="bold reverse" if i == stage else "dim" if i > stage else "")
            if big:
                show_thumb(self.query_one(f"#s{i}", MatrixView), cap, m, picture=i == 0,
                           limit=min(16, (width - 10) // 5))
                continue
            grid = (picture_text(m, numbers=bench.numbers) if i == 0
                    else heat_text(m, scale=1.0))
            self.query_one(f"#s{i}", MatrixView).show(cap, grid, m.shape)
        m = maps[stage]
        detail = self.query_one("#detail", MatrixView)
        if stage == 0:
            detail.show(f"stage 1: the {bench.picture} picture",
                        Text("Press right: the picture goes through\nconv → ReLU → pool → pool."),
                        (0, 0))
        else:
            table = 35          # the labelled values beside it, and the count lines
            gap = 2 if width >= (7 * m.shape[1] + 1) * self.zoom + table else 1
            caption = f"stage {stage + 1}: {STACK_STAGES[stage]} ({bench.feature})"
            if stage == len(STACK_STAGES) - 1:      # these are values of the vector: which
                mine = [lab.position for lab, _ in chapter.vector_table
                        if lab.feature == bench.feature]
                if mine:
                    caption += f" = #{mine[0]}-#{mine[-1]}"
            if is_big(m.shape) or (7 * m.shape[1] + 1) + table > width:
                cols, lines = stage_room(self, below=10)
                show_big(detail, caption, m, picture=False, room=(cols - table - 8, lines),
                         focus=[])
            else:
                detail.show(caption,
                            values_text(m, bench.style, scale=1.0, cell_width=5, gap=gap),
                            m.shape)
        update(self.query_one("#vector", Static), self.vector_text(chapter))

    @staticmethod
    def vector_text(chapter: Chapter) -> Text:
        """The values the next layer reads, each with its position (#1..#12), its feature map
        (a column) and its cell in that map after pooling twice (a row); then how many values
        (and weights to the votes) there are without pooling, pooled once and pooled twice."""
        bench = chapter.bench
        table = chapter.vector_table
        maps = chapter.map_names
        cells = list(dict.fromkeys(label.cell for label, _ in table))
        by = {(label.feature, label.cell): (label, v) for label, v in table}
        width = max(len(bench.fmt(v)) for _, v in table)
        t = Text()
        t.append(f"{len(table)} values, #1-#{len(table)}\n", style="bold")
        t.append("cell", style="bold")
        for name in maps:       # the map the stages above show stands out
            t.append(f"{name:^{5 + width}}", style="bold reverse" if name == bench.feature
                     else "bold")
        t.append("\n")
        more = len(cells) - MAX_CELLS
        if more > 0:        # a large picture's vector: its first cells, and how many more
            cells = cells[:MAX_CELLS]
        for i, cell in enumerate(cells):
            t.append(f"{cell[0]},{cell[1]} ")
            for name in maps:
                label, v = by[(name, cell)]
                fg, bg = value_colours(v, 1.0)
                t.append(f" {label.name:>3} ", style="dim")
                t.append(f"{bench.fmt(v):>{width}}", style=f"{fg} on {bg}")
            if i < len(cells) - 1:
                t.append("\n")
        if more > 0:
            t.append(f"\n… and {more} more cells", style="dim")
        # Fewer connections: what the maps pass on, pooled 0, 1 and 2 times.
        rows = chapter.connections
        t.append("\nvalues:")
        for i, row in enumerate(rows):
            t.append(" → pool " if i else " ")
            t.append(str(row.values), style="bold")
        t.append(f"\nto {rows[0].outputs} votes:")
        for i, row in enumerate(rows):
            t.append(" → " if i else " ")
            t.append(str(row.to_outputs), style="bold")
        t.append(" weights")
        return t

    def status(self, chapter):
        return (f"stage {chapter.stack_stage + 1}/{len(STACK_STAGES)}: "
                f"{STACK_STAGES[chapter.stack_stage]} · f: next feature")


PANEL = StackingPanel
