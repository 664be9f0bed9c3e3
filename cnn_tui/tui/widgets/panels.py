"""One panel per chapter. Each panel composes a few widgets once and redraws them from the model.

``show(model, width)`` is the only entry point: panels read the model's engine results and
traces and never compute maths of their own.
"""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from cnn_tui import engine
from cnn_tui.engine.fmt import format_number
from cnn_tui.lesson.data import (EDGE_KERNELS, EDGE_TITLES, FEATURE_TITLES, FEATURES,
                                 VARIANT_BY_NAME, VECTOR_LENGTH)
from cnn_tui.lesson.model import FILTER_STAGES, PARAMS_EXAMPLES, STACK_STAGES, LessonModel
from cnn_tui.render import matrix_text
from cnn_tui.tui.widgets.matrix import (MatrixView, blank, heat_text, picture_text, text_width,
                                        values_text)

ARROW = Text(" → ", style="bold")


def _all_cells(shape) -> list[tuple[int, int]]:
    return [(r, c) for r in range(shape[0]) for c in range(shape[1])]


def _window_cells(trace) -> list[tuple[int, int]]:
    """Input coordinates of the window cells of a trace (they may lie in the padding)."""
    coords = trace.input_coords.reshape(-1, 2)
    return [(int(r), int(c)) for r, c in coords]


def picture_caption(model: LessonModel) -> str:
    name = model.picture
    label = "your drawing" if name == "custom" else f"picture {name}"
    return label + (" (edit)" if model.editing else "")


def picture_view_text(model: LessonModel, outline=()) -> Text:
    highlight = [model.cursor] if model.editing else []
    return picture_text(model.image, outline=outline, highlight=highlight)


def bar(value: float, width: int, colour: str) -> Text:
    v = 0.0 if not math.isfinite(value) else max(0.0, min(1.0, value))
    full = int(round(v * width))
    return Text("█" * full + "░" * (width - full), style=colour)


class ChapterPanel(Vertical):
    """Base class: a vertical stack that fills the stage area."""

    DEFAULT_CSS = """
    ChapterPanel { height: auto; width: 1fr; }
    ChapterPanel Horizontal { height: auto; width: auto; }
    ChapterPanel .note { height: auto; width: 1fr; }
    """
    chapter_id = ""

    def show(self, model: LessonModel, width: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def status(self, model: LessonModel) -> str:
        return ""


# ---------------------------------------------------------------------------------- 1 literal
def _a(label: str) -> str:
    """``"X"`` -> ``"an X"``: the letters' names (ex, oh) start with a vowel sound."""
    return f"an {label}" if label[:1] in "AEFHILMNORSX" else f"a {label}"


def literal_verdict(model: LessonModel, agree: int, disagree: int) -> str:
    """The sentence under the comparison, true for the two pictures actually shown."""
    if disagree == 0:
        return "The pictures are identical."
    head = f"{disagree} pixel{'s' if disagree != 1 else ''} (yellow) disagree. "
    mine, other = model.picture_label, model.compare_label
    if mine is None:
        return head + ("A pixel-by-pixel check counts matching pixels; it cannot tell which "
                       "letter your drawing shows.")
    if mine == other:
        return head + f"A person sees {mine} in both; a pixel-by-pixel check does not."
    return head + (f"A person sees {_a(mine)} and {_a(other)}, yet {agree} pixels agree: "
                   "counting pixels is a poor judge of shape.")


class LiteralPanel(ChapterPanel):
    chapter_id = "literal"

    def compose(self):
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="diff")
            yield MatrixView(id="other")
        yield Static(id="score", classes="note")

    def show(self, model: LessonModel, width: int) -> None:
        shape = model.image.shape
        self.query_one("#image", MatrixView).show(
            picture_caption(model), picture_view_text(model), shape)
        bad = model.mismatches
        diff = picture_text(-np.ones(shape), highlight=bad, mark="!!")  # mismatches marked !!
        self.query_one("#diff", MatrixView).show("disagree", diff, shape)
        v = VARIANT_BY_NAME[model.compare]
        self.query_one("#other", MatrixView).show(
            Text.assemble((f"{v.name}", "bold"), f": {v.description}"),
            picture_text(model.compare_image), shape)
        n = model.pixel_count
        agree = n - len(bad)
        share = model.match_share
        t = Text()
        t.append(f"{agree} of {n} pixels agree ", style="bold")
        t.append(f"({share:.0%})  ")
        t.append_text(bar(share, 30, "#b35806"))
        t.append("\n" + literal_verdict(model, agree, len(bad)))
        self.query_one("#score", Static).update(t)

    def status(self, model):
        return "right/left: another comparison picture"


# ---------------------------------------------------------------------------------- 2 features
class FeaturesPanel(ChapterPanel):
    chapter_id = "features"

    def compose(self):
        with Horizontal():
            for name in FEATURES:
                yield MatrixView(id=f"f-{name}")
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="map")

    def show(self, model: LessonModel, width: int) -> None:
        for name, k in FEATURES.items():
            mark = "▶ " if name == model.feature else "  "
            cap = Text(f"{mark}{name}: {FEATURE_TITLES[name]}",
                       style="bold reverse" if name == model.feature else "")
            self.query_one(f"#f-{name}", MatrixView).show(cap, picture_text(k), k.shape)
        hits = model.perfect_matches()
        cells = model.perfect_match_pixels()
        self.query_one("#image", MatrixView).show(
            picture_caption(model), picture_view_text(model, outline=cells), model.image.shape)
        m = model.conv_map()
        grid = values_text(m, model.style, scale=1.0, highlight=hits)
        if text_width(grid) + 20 > width:
            grid = heat_text(m, scale=1.0, highlight=hits)
        self.query_one("#map", MatrixView).show(
            f"{model.feature} map: {len(hits)} perfect fits (1.00)", grid, m.shape)

    def status(self, model):
        return "f or right/left: next feature · outlined: where it fits perfectly"


# ---------------------------------------------------------------------------------- 3 filtering
class FilteringPanel(ChapterPanel):
    chapter_id = "filtering"

    def compose(self):
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="patch")
            yield MatrixView(id="kernel")
            yield MatrixView(id="products")
        yield Static(id="stages", classes="note")
        yield Static(id="working", classes="note")

    def show(self, model: LessonModel, width: int) -> None:
        cell = model.filter_cell
        stage = model.filter_stage
        tr = model.trace(cell)
        window = _window_cells(tr)
        self.query_one("#image", MatrixView).show(
            picture_caption(model), picture_view_text(model, outline=window), model.image.shape)
        self.query_one("#patch", MatrixView).show("window", picture_text(tr.patch),
                                                  tr.patch.shape)
        self.query_one("#kernel", MatrixView).show(f"× {model.feature}",
                                                   picture_text(tr.kernel), tr.kernel.shape)
        prod = self.query_one("#products", MatrixView)
        if stage >= 1:
            prod.show("= products", values_text(tr.products, "number", scale=1.0),
                      tr.products.shape, 4)
        else:
            prod.show("= products", Text("\n".join(["  ?  ?  ?"] * 3), style="dim"), (3, 3), 4)
        st = Text()
        for i, name in enumerate(FILTER_STAGES):
            if i:
                st.append(" → ")
            st.append(f" {i + 1} {name} ", style="bold reverse" if i == stage else
                      ("" if i < stage else "dim"))
        self.query_one("#stages", Static).update(st)
        w = Text()
        r, c = cell
        w.append(f"Window at row {r}, column {c} (its top-left pixel).\n")
        if stage == 0:
            w.append("Line up: the feature sits on the nine pixels outlined on the left.")
        if stage >= 1:
            agree, disagree = model.agreement(tr)
            w.append(f"Multiply: {agree} pixels agree (+1), {disagree} disagree (-1).\n")
        if stage >= 2:
            terms = " + ".join(format_number(v) if v >= 0 else f"({format_number(v)})"
                               for v in tr.products.ravel())
            w.append(f"Add: {terms} = {format_number(tr.total)}\n")
        if stage >= 3:
            w.append(f"Divide by {tr.divisor}: {format_number(tr.total)}/{tr.divisor} = ")
            w.append(model.fmt(tr.value), style="bold")
            w.append("\n")
        if stage >= 4:
            w.append(f"Result: output cell ({r}, {c}) of the feature map is ")
            w.append(f" {model.fmt(tr.value)} ", style="bold reverse")
        self.query_one("#working", Static).update(w)

    def status(self, model):
        return (f"stage {model.filter_stage + 1}/5 of window {model.filter_cell} · "
                "right: next stage · g: go to a window")


# ---------------------------------------------------------------------------------- 4 convolution
class ConvolutionPanel(ChapterPanel):
    chapter_id = "convolution"

    def compose(self):
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="kernel")
            yield MatrixView(id="map", clickable=True)
        yield Static(id="working", classes="note")

    def show(self, model: LessonModel, width: int) -> None:
        filled = model.conv_filled
        cell = model.conv_cell
        tr = model.trace(cell)
        window = _window_cells(tr) if filled else []    # placed by the first step
        self.query_one("#image", MatrixView).show(
            picture_caption(model), picture_view_text(model, outline=window), model.image.shape)
        self.query_one("#kernel", MatrixView).show(model.feature, picture_text(model.kernel),
                                                   model.kernel.shape)
        full = model.conv_map()
        shown = model.partial_map(full, filled)
        hl = [cell] if filled else []
        grid = values_text(shown, model.style, scale=1.0, highlight=hl, cell_width=5)
        chars = 7
        if text_width(grid) + 20 + 8 > width:
            grid = values_text(shown, model.style, scale=1.0, highlight=hl, cell_width=5, gap=1)
            chars = 6
        self.query_one("#map", MatrixView).show(
            f"feature map {full.shape[0]}x{full.shape[1]}: {filled}/{model.cells} filled",
            grid, full.shape, chars)
        w = Text()
        r, c = cell
        if filled == 0:
            w.append("Press right to place the window and compute the first cell; "
                     "space plays the whole slide.")
        else:
            agree, disagree = model.agreement(tr)
            w.append(f"Window ({r}, {c}): {agree} of {agree + disagree} pixels agree, products "
                     f"add up to {format_number(tr.total)}, divided by {tr.divisor}: ")
            w.append(model.fmt(tr.value), style="bold reverse")
            if filled == model.cells:
                w.append("\nThe map is complete: high values mark where the feature sits.")
        self.query_one("#working", Static).update(w)

    def status(self, model):
        return f"step {model.conv_filled}/{model.cells} · right/left step · space play · g jump"


# ---------------------------------------------------------------------------------- 5 padding
class PaddingPanel(ChapterPanel):
    chapter_id = "padding"

    def compose(self):
        with Horizontal():
            yield MatrixView(id="padded")
            yield MatrixView(id="map")
        yield Static(id="formula", classes="note")

    def show(self, model: LessonModel, width: int) -> None:
        p = model.padding
        padded = model.padded_image
        tr = model.pad_trace
        window = [(r + p, c + p) for r, c in _window_cells(tr)]
        dim = [(r, c) for r, c in _all_cells(padded.shape)
               if not (p <= r < p + model.image.shape[0] and p <= c < p + model.image.shape[1])]
        pic = picture_text(np.where(padded > 0, 1, -1), outline=window, dim=dim)
        pv = format_number(model.pad_value)         # "0", "-1", "1" whatever the number style
        self.query_one("#padded", MatrixView).show(
            f"padding {p} (value {pv})", pic, padded.shape)
        m = model.pad_map
        cell = model.pad_cell
        used = text_width(pic) + 2
        grid = values_text(m, model.style, scale=1.0, highlight=[cell], cell_width=5)
        note = ""
        if used + text_width(grid) > width:
            grid = values_text(m, model.style, scale=1.0, highlight=[cell], cell_width=5, gap=1)
        if used + text_width(grid) > width:
            grid = heat_text(m, scale=1.0, highlight=[cell])
            note = " (colours only: widen the terminal to see the numbers)"
        self.query_one("#map", MatrixView).show(
            f"output {m.shape[0]}x{m.shape[1]}, stride {model.stride}{note}", grid, m.shape)
        n, k = model.image.shape[0], model.kernel.shape[0]
        t = Text()
        t.append("Output side = floor((n + 2p - k) / s) + 1 = ")
        t.append(f"floor(({n} + 2*{p} - {k}) / {model.stride}) + 1 = {model.output_side()}",
                 style="bold")
        sizes = ", ".join(str(model.output_side(s)) for s in (1, 2, 3, 4))
        t.append(f"\nWith padding {p}, strides 1, 2, 3, 4 give {sizes}.  ")
        t.append(f"Window {cell}: {model.fmt(tr.value)}")
        self.query_one("#formula", Static).update(t)

    def status(self, model):
        return (f"stride {model.stride} (+/-) · padding {model.padding} ([/]) · "
                f"pad value (v) · window {model.pad_cell}")


# ---------------------------------------------------------------------------------- 6 edges
class EdgesPanel(ChapterPanel):
    chapter_id = "edges"

    def compose(self):
        with Horizontal():
            yield MatrixView(id="image", clickable=True)
            yield MatrixView(id="kernel")
            yield MatrixView(id="map")
        with Horizontal():
            for name in ("horizontal", "vertical", "deg45", "deg135"):
                yield MatrixView(id=f"t-{name}")

    def show(self, model: LessonModel, width: int) -> None:
        self.query_one("#image", MatrixView).show(picture_caption(model),
                                                  picture_view_text(model), model.image.shape)
        k = EDGE_KERNELS[model.edge]
        self.query_one("#kernel", MatrixView).show(model.edge, values_text(k, "number", scale=2),
                                                   k.shape, 4)
        m = model.edge_map()
        scale = float(np.abs(k).sum()) / 2  # half the largest possible answer: full colour
        self.query_one("#map", MatrixView).show(
            f"sum map: {EDGE_TITLES[model.edge]}", values_text(m, "number", scale=scale), m.shape)
        for name in EDGE_KERNELS:
            mm = model.edge_map(name)
            cap = Text(f"{'▶' if name == model.edge else ' '}{name}",
                       style="bold reverse" if name == model.edge else "")
            self.query_one(f"#t-{name}", MatrixView).show(cap, heat_text(mm, scale=scale),
                                                          mm.shape)

    def status(self, model):
        return "f or right/left: next edge kernel · orange: strong answer, purple: opposite"


# ---------------------------------------------------------------------------------- 7 relu
class ReluPanel(ChapterPanel):
    chapter_id = "relu"

    def compose(self):
        with Horizontal():
            with Vertical(classes="maps"):
                yield MatrixView(id="conv")
                yield MatrixView(id="relu")
            with Vertical(classes="side"):
                yield Static("one picture → a stack of maps", classes="head")
                with Horizontal():
                    for name in FEATURES:
                        yield MatrixView(id=f"t-{name}")
                yield Static(id="cell")

    DEFAULT_CSS = """
    ReluPanel .maps { width: auto; height: auto; }
    ReluPanel .side { width: auto; height: auto; }
    ReluPanel .head { width: auto; text-style: bold; }
    """

    def show(self, model: LessonModel, width: int) -> None:
        filled = model.relu_filled
        cell = model.cell_of(max(filled - 1, 0))
        hl = [cell] if filled else []
        gap = 2 if width >= 49 + 26 + 2 else 1
        c = model.conv_map()
        self.query_one("#conv", MatrixView).show(
            f"{model.feature} map (one of {len(FEATURES)})",
            values_text(c, model.style, scale=1.0, outline=hl, cell_width=5, gap=gap), c.shape)
        shown = model.partial_map(model.relu_map, filled)
        self.query_one("#relu", MatrixView).show(
            f"after ReLU: {filled}/{model.cells}",
            values_text(shown, model.style, scale=1.0, highlight=hl, cell_width=5, gap=gap),
            c.shape)
        for name in FEATURES:
            m = model.conv_map(name)
            cap = Text(f"{'▶' if name == model.feature else ' '}{name}",
                       style="bold reverse" if name == model.feature else "")
            grid = matrix_text(m, picture=False, formatter=blank, cell_width=1, gap=0, scale=1.0)
            self.query_one(f"#t-{name}", MatrixView).show(cap, grid, m.shape, 1)
        t = Text()
        t.append("\nf picks the map to rectify.\n")
        if filled:
            v = c[cell]
            t.append(f"\ncell {cell}: ")
            t.append(f"{model.fmt(v)} → {model.fmt(model.relu_map[cell])}", style="bold")
            t.append("\n(negative: set to 0)" if v < 0 else "\n(not negative: kept)")
        self.query_one("#cell", Static).update(t)

    def status(self, model):
        return f"cell {model.relu_filled}/{model.cells} · right/left step · space play · f next map"


# ---------------------------------------------------------------------------------- 8 pooling
class PoolingPanel(ChapterPanel):
    chapter_id = "pooling"

    def compose(self):
        with Horizontal():
            yield MatrixView(id="relu")
            yield MatrixView(id="pool")
        yield Static(id="working", classes="note")

    def show(self, model: LessonModel, width: int) -> None:
        filled = model.pool_filled
        tr = model.pool_trace
        rm = model.relu_map
        inside = [(r, c) for (r, c) in _window_cells(tr) if 0 <= r < rm.shape[0]
                  and 0 <= c < rm.shape[1]]
        win = [tr.winner] if (filled and tr.winner is not None) else []
        outline = inside if filled else []
        gap = 2 if width >= 49 + 28 + 3 else 1
        self.query_one("#relu", MatrixView).show(
            f"{model.feature} map after ReLU",
            values_text(rm, model.style, scale=1.0, outline=outline, highlight=win,
                        cell_width=5, gap=gap), rm.shape)
        pm = model.partial_map(model.pooled, filled)
        hl = [model.pool_cell] if filled else []
        self.query_one("#pool", MatrixView).show(
            f"{model.pool_op} pool {pm.shape[0]}x{pm.shape[1]}",
            values_text(pm, model.style, scale=1.0, highlight=hl, cell_width=5, gap=gap),
            pm.shape)
        t = Text()
        if not filled:
            t.append("Press right to place the 2x2 window on the top-left corner.")
        else:
            t.append(f"Window {tr.out_index}: ")
            t.append(tr.working(model.fmt), style="bold")
            if tr.count < 4:
                t.append(f"\nPartial window: only {tr.count} of its 4 cells lie on the map; "
                         "the missing ones are simply ignored.")
            elif model.pool_op == "max":
                t.append("\nThe winner is marked in yellow.")
        self.query_one("#working", Static).update(t)

    def status(self, model):
        return (f"window {model.pool_filled}/{model.pool_cells} · o: max/average · "
                "space play · f next map")


# ---------------------------------------------------------------------------------- 9 stacking
class StackingPanel(ChapterPanel):
    chapter_id = "stacking"

    def compose(self):
        with Horizontal():
            for i in range(len(STACK_STAGES)):
                yield MatrixView(id=f"s{i}")
        with Horizontal():
            yield MatrixView(id="detail")
            yield MatrixView(id="vector")

    def show(self, model: LessonModel, width: int) -> None:
        res = model.pipeline
        f = model.feature
        maps = [res.image, res.conv[f], res.relu[f], res.pool[f], res.pool2[f]]
        stage = model.stack_stage
        for i, (name, m) in enumerate(zip(STACK_STAGES, maps)):
            grid = picture_text(m) if i == 0 else heat_text(m, scale=1.0)
            short = ("picture", "conv", "ReLU", "pool", "pool")[i]
            cap = Text(f"{short} {m.shape[0]}x{m.shape[1]}",
                       style="bold reverse" if i == stage else "dim" if i > stage else "")
            self.query_one(f"#s{i}", MatrixView).show(cap, grid, m.shape)
        m = maps[stage]
        detail = self.query_one("#detail", MatrixView)
        if stage == 0:
            detail.show(f"stage 1: the {model.picture} picture",
                        Text("Press right: the picture goes through\nconv → ReLU → pool → pool."),
                        (0, 0))
        else:
            gap = 2 if width >= 49 + 30 else 1
            detail.show(f"stage {stage + 1}: {STACK_STAGES[stage]} ({f})",
                        values_text(m, model.style, scale=1.0, cell_width=5, gap=gap), m.shape)
        vec = res.vector.reshape(len(res.conv), -1)
        names = ", ".join(res.conv)
        self.query_one("#vector", MatrixView).show(
            f"{VECTOR_LENGTH} values ({names})",
            values_text(vec, model.style, scale=1.0, cell_width=5, gap=1), vec.shape)

    def status(self, model):
        return (f"stage {model.stack_stage + 1}/{len(STACK_STAGES)}: "
                f"{STACK_STAGES[model.stack_stage]} · f: next feature")


# ---------------------------------------------------------------------------------- 10 votes
class VotesPanel(ChapterPanel):
    chapter_id = "votes"

    def compose(self):
        with Horizontal():
            yield Static(id="table")
            with Vertical(classes="side"):
                yield MatrixView(id="image", clickable=True)
                yield Static(id="bars")

    DEFAULT_CSS = """
    VotesPanel #table { width: auto; height: auto; margin: 0 2 0 0; }
    VotesPanel .side { width: 1fr; height: auto; }
    """

    def show(self, model: LessonModel, width: int) -> None:
        side = self.query_one(".side")
        if model.vote_source == "report":
            side.display = False
            self.query_one("#table", Static).update(self.report_text(model, width))
            return
        side.display = True
        vec = model.vote_vector
        names, w = model.vote_weights
        feats = list(FEATURES)
        per = len(vec) // len(feats)
        t = Text()
        src = "the picture" if model.vote_source == "picture" else "the lecture's new example"
        t.append(f"values from {src}\n", style="bold")
        t.append("  #  map     value  " + "  ".join(f"{n:>3}" for n in names) + "\n",
                 style="underline")
        for i, v in enumerate(vec):
            t.append(f"{i + 1:>3}  {feats[i // per]:<5}  ")
            t.append(f" {model.fmt(v):>5} ", style=_val_style(v))
            for j in range(len(names)):
                wt = w[j, i]
                t.append("  " + ("  ■" if wt > 0 else "  ·"),
                         style="bold #b35806" if wt > 0 else "dim")
            t.append("\n")
        self.query_one("#table", Static).update(t)
        if model.vote_source == "picture":
            self.query_one("#image", MatrixView).show(picture_caption(model),
                                                      picture_view_text(model),
                                                      model.image.shape)
            self.query_one("#image", MatrixView).display = True
        else:
            self.query_one("#image", MatrixView).display = False
        votes = model.votes
        verdict = model.verdict                         # "tie" when the votes are equal
        b = Text("votes (average of the ■ values)\n", style="bold")
        for name in names:
            b.append(f"{name} ")
            b.append_text(bar(votes[name], 20, "#b35806" if name == verdict else "#542788"))
            b.append(f" {model.fmt(votes[name])}")
            if model.style == "lecture":
                b.append(f" ({votes[name]:.4g})", style="dim")
            b.append("\n")
        b.append("prediction: ")
        b.append(f" {verdict} ", style="bold reverse")
        self.query_one("#bars", Static).update(b)

    @staticmethod
    def report_text(model: LessonModel, width: int) -> Text:
        """The network's verdict on every picture, in two columns when the terminal is wide."""
        rows = model.variant_report
        right = sum(ok for _, _, ok in rows)
        t = Text()
        t.append("The hand-wired network on every picture of the lesson: ", style="bold")
        t.append(f"{right} of {len(rows)} right\n", style="bold")
        t.append("(what a person sees → what the network says, from the votes X and O)\n\n",
                 style="dim")
        cells = []
        for v, res, ok in rows:
            says = "tie" if res.tie else res.prediction
            cell = Text()
            cell.append(f"{v.name:<9}", style="bold reverse" if v.name == model.picture else "")
            cell.append(f" {v.label} → {says:<3} ")
            cell.append(f"{model.fmt(res.votes['X']):>5} {model.fmt(res.votes['O']):>5} ",
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

    def status(self, model):
        return "right/left: picture · new values · every picture   i: next picture"


def _val_style(v: float) -> str:
    from cnn_tui.render import value_colours

    fg, bg = value_colours(v, 1.0)
    return f"{fg} on {bg}"


# ---------------------------------------------------------------------------------- 11 params
class ParamsPanel(ChapterPanel):
    chapter_id = "params"

    def compose(self):
        yield Static(id="examples", classes="note")
        yield Static(id="detail", classes="note")

    def show(self, model: LessonModel, width: int) -> None:
        t = Text()
        t.append("Examples (right/left):\n", style="bold")
        examples = [e.title for e in PARAMS_EXAMPLES]
        if model.custom_sizes:
            examples.append("your network: " + ", ".join(map(str, model.custom_sizes)))
        current = min(model.params_index, len(examples) - 1)
        for i, title in enumerate(examples):
            t.append(f" {'▶' if i == current else ' '} {title}\n",
                     style="reverse" if i == current else "")
        self.query_one("#examples", Static).update(t)
        ex = model.params_example
        d = Text()
        d.append(f"\n{ex.title}\n", style="bold")
        for layer in model.params_layers:
            if ex.kind == "dense":
                a, b = layer.label.split(" -> ")
                d.append(f"  {layer.label:>16}: {int(a):,} x {int(b):,} = "
                         f"{layer.weights:,} weights")
                if ex.bias:
                    d.append(f" + {layer.biases:,} bias{'es' if layer.biases != 1 else ''}")
            else:
                d.append(f"  {layer.label}: {ex.filters} x {ex.channels} x {ex.kernel} x "
                         f"{ex.kernel} = {layer.weights:,} weights")
            d.append(f"  = {layer.total:,}\n")
        d.append("  total: ")
        d.append(f" {model.params_total:,} ", style="bold reverse")
        d.append(" parameters\n")
        dense = engine.dense_params([1024, 1024], bias=False)
        conv = engine.conv_params(9, 7, 1, bias=False)
        d.append("\nDense vs convolution: ", style="bold")
        d.append(f"a 1024 -> 1024 dense layer has {dense:,} weights; nine 7x7 kernels have "
                 f"{conv:,}, however large the picture.")
        self.query_one("#detail", Static).update(d)

    def status(self, model):
        return "right/left: next example · g: type your own layer sizes (e.g. 20,20,20,1)"


PANELS: dict[str, type[ChapterPanel]] = {
    cls.chapter_id: cls for cls in (
        LiteralPanel, FeaturesPanel, FilteringPanel, ConvolutionPanel, PaddingPanel, EdgesPanel,
        ReluPanel, PoolingPanel, StackingPanel, VotesPanel, ParamsPanel)
}
