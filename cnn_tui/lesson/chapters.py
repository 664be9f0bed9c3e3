"""The lesson's chapters: ids, titles and what each one explains (our own words).

``text`` is the short explanation shown on the chapter's screen (at most three lines at 80
columns); ``more`` is the longer note on the help screen; ``keys`` lists the chapter's own keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    text: str
    more: str
    keys: tuple[tuple[str, str], ...] = ()


_PICK = (("i", "next picture"), ("e", "draw: edit pixels"))

CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "literal", "Computers are literal",
        "A person sees the same X even when it moves, turns, shrinks or gets bolder. A program "
        "that compares the two pictures cell by cell only counts agreeing pixels, and a small "
        "shift is enough to make many of them disagree.",
        "Left: your picture. Right: a trickier version of it. The middle grid marks every pixel "
        "where the two disagree. The score is the share of pixels that agree; a one-pixel shift "
        "already costs a lot. This is why we will compare small pieces instead of whole pictures.",
        (("right/left", "next/previous comparison picture"),) + _PICK),
    Chapter(
        "features", "Features match pieces",
        "Instead of the whole picture we look for small pieces of it. Three 3x3 features are "
        "enough for an X: a stroke going down-right, a tiny cross, and a stroke going up-right. "
        "Outlined: every spot where the chosen feature fits perfectly.",
        "Each feature is a 3x3 patch of +1 (ink) and -1 (paper). Where the picture under a 3x3 "
        "window is identical to the feature, the match score is 1.00. An X contains each of its "
        "features in a few places, and roughly in the same places even if it is shifted.",
        (("f / right/left", "next feature"),) + _PICK),
    Chapter(
        "filtering", "Filtering: one window",
        "To score one window: put the feature on top of the picture, multiply the pixels that "
        "sit on each other, add the nine products up, and divide by nine. A perfect fit gives "
        "1.00; each disagreeing pixel costs 2/9.",
        "Press right to go through the five stages: line up, multiply, add, divide, result. "
        "After the result the window moves on to the next position. A product is +1 when the "
        "two pixels agree and -1 when they differ, so the score is (agree - disagree) / 9.",
        (("right/left", "next/previous stage"), ("g", "go to a window (row,col)"),
         ("f", "next feature")) + _PICK),
    Chapter(
        "convolution", "Convolution: slide the window",
        "Repeat the filtering for every position of the window, one step at a time. Each "
        "position fills one cell of the output: the feature map. High values show where the "
        "feature is found in the picture.",
        "A 9x9 picture and a 3x3 feature give 7x7 window positions, so a 7x7 map. The outlined "
        "cells on the left are under the window; the yellow cell on the right is the value they "
        "produce. Press space to play the whole slide, g to jump to any output cell.",
        (("right/left", "step the window"), ("space", "play / pause"),
         ("g", "jump to an output cell"), ("f", "next feature")) + _PICK),
    Chapter(
        "padding", "Padding and stride",
        "Padding adds a border of extra cells so the window can sit on the edges too; stride "
        "is how far the window jumps. Output side = floor((n + 2p - k) / s) + 1.",
        "With padding 1 a 9x9 picture keeps its size under a 3x3 window (stride 1). A larger "
        "stride skips positions and shrinks the map: 9, 5, 3, 3 cells for strides 1 to 4. The "
        "grey border is padding; v changes what it holds.",
        (("+/-", "stride"), ("[/]", "padding"), ("v", "pad value"),
         ("right/left", "step the window"), ("f", "next feature")) + _PICK),
    Chapter(
        "edges", "Kernels that find edges",
        "The same sliding arithmetic with other 3x3 kernels picks out lines: one kernel "
        "lights up on horizontal strokes, one on vertical, two on the diagonals. Here the "
        "sums are not divided.",
        "Each edge kernel has a row, a column or a diagonal of 2s surrounded by -1s. It answers "
        "strongly where the picture has a line in that direction and weakly elsewhere. Early "
        "layers of real networks learn kernels very like these.",
        (("f / right/left", "next kernel"),) + _PICK),
    Chapter(
        "relu", "Many filters, then ReLU",
        "Every feature makes its own map, so one picture becomes a stack of maps. ReLU then "
        "replaces each negative value by zero and keeps the positive ones; step through it "
        "cell by cell.",
        "Top: the feature map of the chosen feature. Bottom: the same map after ReLU, filled in "
        "as you step. Negative numbers become 0.00, everything else passes unchanged. ReLU is "
        "what lets a stack of layers do more than one big linear sum.",
        (("right/left", "step the cells"), ("space", "play / pause"),
         ("f", "next map of the stack")) + _PICK),
    Chapter(
        "pooling", "Pooling shrinks the maps",
        "A 2x2 window jumps two cells at a time and keeps only the largest value it covers "
        "(or the average). Windows that hang over the edge still count, so 7x7 becomes 4x4.",
        "Pooling keeps the strongest evidence of each neighbourhood and forgets exactly where it "
        "was, which makes the network tolerate small shifts. The last row and column of windows "
        "only cover part of the map. o switches between max and average pooling.",
        (("right/left", "step the window"), ("space", "play / pause"),
         ("o", "max / average"), ("f", "next map")) + _PICK),
    Chapter(
        "stacking", "Stacking layers",
        "The output of one layer is the input of the next: convolution, ReLU and pooling can be "
        "repeated. Pooling twice brings each 7x7 map down to 2x2, so three maps give 12 values.",
        "Step through the stages for the chosen feature: picture, feature map, ReLU, pooled, "
        "pooled again. At the bottom are the 12 values of all three maps, the summary that the "
        "next layer uses to vote.",
        (("right/left", "next/previous stage"), ("space", "play / pause"),
         ("f", "next feature")) + _PICK),
    Chapter(
        "votes", "Fully connected votes",
        "Each of the 12 values is connected to every answer. An answer listens mostly to the "
        "values that are high for its own pictures; its vote is the average of those. The "
        "highest vote wins.",
        "Filled squares are the strong connections: X listens to positions 1, 4, 5, 10 and 11, O "
        "to 2, 3, 9 and 12. Press right to swap the picture's values for the lecture's example "
        "of new values, which still lean towards X.",
        (("right/left", "picture values / example values"),) + _PICK),
    Chapter(
        "params", "Dense vs convolution parameters",
        "A dense layer connects every input to every output, so its weight count is the product "
        "of the two sizes. A convolution reuses one small kernel everywhere, so its count does "
        "not grow with the picture.",
        "Step through the lecture's examples, or press g and type your own layer sizes "
        "(e.g. 20,20,20,1). Each dense layer has inputs x outputs weights plus one bias per "
        "output. A 1024 -> 1024 dense layer needs over a million weights; nine 7x7 kernels "
        "need 441.",
        (("right/left", "next example"), ("g", "type layer sizes")),
    ),
)

CHAPTER_IDS: tuple[str, ...] = tuple(c.id for c in CHAPTERS)
CHAPTER_BY_ID: dict[str, Chapter] = {c.id: c for c in CHAPTERS}

GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("n / p", "next / previous chapter"),
    ("right / left", "step forward / back"),
    ("space", "play / pause"),
    ("r", "reset this chapter"),
    ("i", "next picture (X, O and the variants)"),
    ("e", "edit mode: arrows move, space or click toggles a pixel"),
    ("f", "next feature (or edge kernel)"),
    ("d", "decimals (0.55) / exact fractions (5/9)"),
    ("z", "open the quiz"),
    ("ctrl+p", "command palette: jump to any chapter"),
    ("?", "this help"),
    ("q", "quit"),
)
