"""Chapter "Kernels that find edges": the same sliding sum with line-finding kernels.

The chapter keeps a picture of its own, the envelope (a stroke in each of the four directions the
kernels look for), so that each kernel can be seen finding its own lines; ``i`` and ``e`` change
that picture here only, ``r`` brings the envelope back.
"""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import EDIT, FEATURE, PICTURE, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lecture.data import EDGE_KERNELS, EDGE_TITLES, ENVELOPE, STROKES, Stroke
from cnn_tui.lesson.workbench import cycle

EDGE_NAMES: tuple[str, ...] = tuple(EDGE_KERNELS)
EDGE_PICTURE = ENVELOPE.name          # the picture the chapter opens on
# How each kernel's direction is drawn in a caption or a sentence.
EDGE_SYMBOLS = {"horizontal": "—", "vertical": "|", "deg45": "/", "deg135": "\\"}


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class Chapter(Base):
    id = "edges"
    title = "Kernels that find edges"
    text = ("Other 3x3 kernels find lines. On the envelope each answers most on the strokes of "
            "its own direction: horizontal on the top and bottom, vertical on the sides, 45° (/) "
            "and 135° (\\) on the flap. The sums are not divided.")
    more = ("Each edge kernel has a row, a column or a diagonal of 2s among -1s. On a stroke of "
            "its direction (ink along the 2s, paper beside) every product is positive and the "
            "sum reaches 12, the most a window of +1/-1 pixels can give; on other strokes it "
            "stays at half that or less. Outlined on the picture: the centres of the windows "
            "where the chosen kernel answers most (yellow on its map). "
            "This chapter keeps a picture of its own, the envelope: i and e change it here only "
            "(the other chapters keep theirs); r brings it back with the horizontal kernel. "
            "Try the X: it has no horizontal or vertical stroke, and those two kernels answer "
            "most beside its crossing. Early layers of real networks learn kernels much like "
            "these.")
    keys = (("f / right/left", "next kernel"),
            ("i", "next picture (this chapter's own)"),
            ("e", "draw: edit pixels (this chapter's picture)"),
            ("r", "back to the envelope and the horizontal kernel"))
    offers = frozenset({FEATURE, EDIT, PICTURE, RESET})
    settings = ("edge",)
    feature_choices = dict(EDGE_TITLES)

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.edge = EDGE_NAMES[0]
        bench.keep_own_picture(self.id, EDGE_PICTURE)

    def reset(self) -> None:
        """``r``: the horizontal kernel on the envelope again."""
        super().reset()
        self.bench.reset_own_picture(self.id)

    def cycle(self, step: int) -> bool:
        self.next_feature(step)
        return True

    def next_feature(self, step: int = 1) -> None:
        self.edge = cycle(EDGE_NAMES, self.edge, step)
        self.changed()

    def choose_feature(self, name: str) -> bool:
        if name not in EDGE_KERNELS:
            return False
        self.edge = name
        self.changed()
        return True

    @property
    def title_info(self) -> str:
        return f"edge {self.edge}"

    @property
    def edge_names(self) -> tuple[str, ...]:
        return EDGE_NAMES

    @property
    def edge_kernel(self) -> np.ndarray:
        return EDGE_KERNELS[self.edge]

    @property
    def edge_title(self) -> str:
        return EDGE_TITLES[self.edge]

    @property
    def edge_picture(self) -> tuple[str, np.ndarray]:
        """``(name, pixels)`` of this chapter's own picture, whichever chapter is open."""
        own = self.bench.own_picture(self.id)
        return own if own is not None else (self.bench.picture, self.bench.image)

    def edge_map(self, name: str | None = None) -> np.ndarray:
        """The picture convolved (summed, not divided) with an edge kernel."""
        name = name or self.edge
        return self.memo(("map", name), lambda: engine.conv_single(
            self.edge_picture[1], EDGE_KERNELS[name]))

    @property
    def edge_scale(self) -> float:
        """Where the colours reach full strength: half the largest possible answer."""
        return float(np.abs(self.edge_kernel).sum()) / 2

    # ------------------------------------------------------------------ where the kernels peak
    @property
    def edge_strokes(self) -> tuple[Stroke, ...]:
        """The named strokes of the picture shown (the envelope's; none for a drawing)."""
        return STROKES.get(self.edge_picture[0], ())

    def edge_peak(self, name: str | None = None) -> tuple[float, list[tuple[int, int]]]:
        """``(value, cells)``: the kernel's strongest answer and the map cells that give it."""
        m = self.edge_map(name)
        top = float(np.max(m))
        return top, [(int(r), int(c)) for r, c in zip(*np.nonzero(np.isclose(m, top)))]

    def edge_peak_pixels(self, name: str | None = None) -> list[tuple[int, int]]:
        """The picture pixels under the centres of the strongest windows (map cell + 1, 1)."""
        kh, kw = EDGE_KERNELS[name or self.edge].shape
        return [(r + kh // 2, c + kw // 2) for r, c in self.edge_peak(name)[1]]

    def edge_peak_strokes(self, name: str | None = None) -> list[str]:
        """The named strokes the strongest windows are centred on, in the picture's order."""
        pixels = set(self.edge_peak_pixels(name))
        return [s.name for s in self.edge_strokes if pixels & set(s.cells)]

    def edge_elsewhere(self, name: str | None = None) -> float | None:
        """The strongest answer of windows not centred on a stroke of the kernel's own
        direction (None for a picture without named strokes)."""
        name = name or self.edge
        strokes = self.edge_strokes
        if not strokes:
            return None
        own = {p for s in strokes if s.direction == name for p in s.cells}
        kh, kw = EDGE_KERNELS[name].shape
        m = self.edge_map(name)
        rest = [m[r, c] for r in range(m.shape[0]) for c in range(m.shape[1])
                if (r + kh // 2, c + kw // 2) not in own]
        return float(max(rest)) if rest else None

    def edge_peak_sentence(self, name: str | None = None) -> str:
        """Where the kernel answers most on the picture shown, in words."""
        name = name or self.edge
        top, _ = self.edge_peak(name)
        pixels = self.edge_peak_pixels(name)
        fmt = engine.format_value
        where = " ".join(f"({r},{c})" for r, c in pixels[:4])
        if len(pixels) > 4:
            where += f" and {len(pixels) - 4} more"
        head = (f"{name} {EDGE_SYMBOLS[name]}: strongest answer {fmt(top, 'number')} with the "
                f"window centred on pixel{'s' if len(pixels) > 1 else ''} {where}")
        strokes = self.edge_peak_strokes(name)
        if not strokes:
            return head + "."
        out = head + f": on {listing(strokes)}."
        rest = self.edge_elsewhere(name)
        if rest is not None:
            out += f" At most {fmt(rest, 'number')} anywhere else."
        return out
