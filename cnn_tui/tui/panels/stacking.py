"""Panel of the "stacking" chapter: one feature through every stage, and the 12 values."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal

from cnn_tui.lesson.chapters.stacking import STACK_STAGES, STAGE_SHORT, Chapter
from cnn_tui.tui.panels.base import ChapterPanel
from cnn_tui.tui.widgets.matrix import MatrixView, heat_text, picture_text, values_text


class StackingPanel(ChapterPanel):
    chapter_id = Chapter.id

    def compose(self):
        with Horizontal():
            for i in range(len(STACK_STAGES)):
                yield MatrixView(id=f"s{i}")
        with Horizontal():
            yield MatrixView(id="detail")
            yield MatrixView(id="vector")

    def show(self, chapter: Chapter, width: int) -> None:
        bench = chapter.bench
        maps = chapter.stage_maps
        stage = chapter.stack_stage
        for i, m in enumerate(maps):
            grid = picture_text(m) if i == 0 else heat_text(m, scale=1.0)
            cap = Text(f"{STAGE_SHORT[i]} {m.shape[0]}x{m.shape[1]}",
                       style="bold reverse" if i == stage else "dim" if i > stage else "")
            self.query_one(f"#s{i}", MatrixView).show(cap, grid, m.shape)
        m = maps[stage]
        detail = self.query_one("#detail", MatrixView)
        if stage == 0:
            detail.show(f"stage 1: the {bench.picture} picture",
                        Text("Press right: the picture goes through\nconv → ReLU → pool → pool."),
                        (0, 0))
        else:
            gap = 2 if width >= 49 + 30 else 1
            detail.show(f"stage {stage + 1}: {STACK_STAGES[stage]} ({bench.feature})",
                        values_text(m, bench.style, scale=1.0, cell_width=5, gap=gap), m.shape)
        vec = chapter.vector_rows
        self.query_one("#vector", MatrixView).show(
            f"{vec.size} values ({', '.join(chapter.map_names)})",
            values_text(vec, bench.style, scale=1.0, cell_width=5, gap=1), vec.shape)

    def status(self, chapter):
        return (f"stage {chapter.stack_stage + 1}/{len(STACK_STAGES)}: "
                f"{STACK_STAGES[chapter.stack_stage]} · f: next feature")


PANEL = StackingPanel
