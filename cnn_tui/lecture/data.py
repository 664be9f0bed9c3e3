"""The lecture's pictures, features and numbers, plus the trickier variants it names.

Pictures are 9x9 with +1 for ink and -1 for paper. They are drawn below as text (``#`` ink,
``.`` paper) so that a reader can see them; :func:`picture` turns a drawing into a matrix.
The illumination pictures (:data:`LIGHTING`) are the X and the O at other contrasts: ink and
paper take other values (+0.5, -0.5). The envelope (:data:`ENVELOPE`) is neither letter: it has
a stroke in each of the four directions the edge kernels look for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def picture(drawing: str) -> np.ndarray:
    """``#`` -> +1, ``.`` -> -1; one text row per picture row."""
    rows = [r.strip() for r in drawing.strip().splitlines() if r.strip()]
    return np.array([[1 if ch == "#" else -1 for ch in row] for row in rows], dtype=np.int8)


def drawing(matrix) -> str:
    """The inverse of :func:`picture` (positive -> ``#``)."""
    return "\n".join("".join("#" if v > 0 else "." for v in row) for row in np.asarray(matrix))


# --- the two canonical pictures (exactly the lecture's) ----------------------------------------
X = picture("""
.........
.#.....#.
..#...#..
...#.#...
....#....
...#.#...
..#...#..
.#.....#.
.........
""")

O = picture("""
.........
...###...
..#...#..
.#.....#.
.#.....#.
.#.....#.
..#...#..
...###...
.........
""")


@dataclass(frozen=True)
class Variant:
    """A trickier picture: what it is a picture of, how it differs, and a one-line description."""

    name: str
    label: str | None   # "X" or "O": what a person sees; None: neither letter (the envelope)
    kind: str       # "canonical", "translation", "scaling", "rotation", "weight",
    #                 "illumination" or "strokes"
    description: str
    image: np.ndarray


def _v(name, label, kind, description, art) -> Variant:
    return Variant(name, label, kind, description, picture(art))


VARIANTS: tuple[Variant, ...] = (
    Variant("x", "X", "canonical", "the lecture's X", X),
    Variant("o", "O", "canonical", "the lecture's O", O),
    # translation
    _v("x_right", "X", "translation", "X moved one pixel right", """
.........
..#.....#
...#...#.
....#.#..
.....#...
....#.#..
...#...#.
..#.....#
.........
"""),
    _v("x_upleft", "X", "translation", "X moved one pixel up and one left", """
#.....#..
.#...#...
..#.#....
...#.....
..#.#....
.#...#...
#.....#..
.........
.........
"""),
    _v("o_down", "O", "translation", "O moved one pixel down", """
.........
.........
...###...
..#...#..
.#.....#.
.#.....#.
.#.....#.
..#...#..
...###...
"""),
    _v("o_left", "O", "translation", "O moved one pixel left", """
.........
..###....
.#...#...
#.....#..
#.....#..
#.....#..
.#...#...
..###....
.........
"""),
    # scaling
    _v("x_small", "X", "scaling", "a smaller X (5x5)", """
.........
.........
..#...#..
...#.#...
....#....
...#.#...
..#...#..
.........
.........
"""),
    _v("x_big", "X", "scaling", "a larger X (9x9, corner to corner)", """
#.......#
.#.....#.
..#...#..
...#.#...
....#....
...#.#...
..#...#..
.#.....#.
#.......#
"""),
    _v("o_small", "O", "scaling", "a smaller O (5x5)", """
.........
.........
...###...
..#...#..
..#...#..
..#...#..
...###...
.........
.........
"""),
    _v("o_big", "O", "scaling", "a larger O (9x9)", """
..#####..
.#.....#.
#.......#
#.......#
#.......#
#.......#
#.......#
.#.....#.
..#####..
"""),
    # rotation
    _v("x_plus", "X", "rotation", "X turned 45 degrees (a plus sign)", """
.........
....#....
....#....
....#....
.#######.
....#....
....#....
....#....
.........
"""),
    _v("x_tilt", "X", "rotation", "X turned about 20 degrees", """
.........
..#......
..#....#.
...#.##..
....#....
..##.#...
.#....#..
......#..
.........
"""),
    _v("o_tall", "O", "rotation", "a wide oval turned 90 degrees: tall and narrow", """
...###...
..#...#..
..#...#..
..#...#..
..#...#..
..#...#..
..#...#..
..#...#..
...###...
"""),
    _v("o_tilt", "O", "rotation", "a tilted oval", """
.........
....###..
...#...#.
..#....#.
.#.....#.
.#....#..
.#...#...
..###....
.........
"""),
    # stroke weight
    _v("x_bold", "X", "weight", "X drawn with a two-pixel pen", """
.........
.##....##
..##..##.
...####..
....##...
...####..
..##..##.
.##....##
.........
"""),
    _v("x_heavy", "X", "weight", "X drawn with a three-pixel pen", """
.........
###...###
.###.###.
..#####..
...###...
..#####..
.###.###.
###...###
.........
"""),
    _v("o_bold", "O", "weight", "O drawn with a two-pixel pen", """
.........
..#####..
.##...##.
.#.....#.
.#.....#.
.#.....#.
.##...##.
..#####..
.........
"""),
    _v("o_heavy", "O", "weight", "O drawn with a thick ring", """
..#####..
.#######.
###...###
##.....##
##.....##
##.....##
###...###
.#######.
..#####..
"""),
)

# --- illumination: the same letters, fainter --------------------------------------------------
# Not in VARIANTS: those 18 are the lecture test set that training reports on.
LIGHTING: tuple[Variant, ...] = (
    Variant("x_faint", "X", "illumination",
            "the X at half contrast (ink +0.5, paper -0.5): every map value and both votes "
            "halve; still an X", np.where(X > 0, 0.5, -0.5)),
    Variant("o_faint_ink", "O", "illumination",
            "the O in faint ink (+0.5) on full paper (-1): not a scaled copy; votes O 0.83, "
            "X 0.47; still an O", np.where(O > 0, 0.5, -1.0)),
)


# --- a picture for the edge kernels: a stroke in each of their four directions ----------------
@dataclass(frozen=True)
class Stroke:
    """A named straight stroke of a picture: its ink pixels and its direction (the name of the
    edge kernel that looks for it)."""

    name: str
    direction: str
    cells: tuple[tuple[int, int], ...]


ENVELOPE = _v("envelope", None, "strokes",
              "an envelope: horizontal top and bottom, vertical sides, a flap of two diagonals", """
.........
.#######.
.##...##.
.#.#.#.#.
.#..#..#.
.#.....#.
.#.....#.
.#######.
.........
""")
# Its strokes, pixel by pixel (row, column from 0); corners belong to two strokes.
ENVELOPE_STROKES: tuple[Stroke, ...] = (
    Stroke("the top edge", "horizontal", tuple((1, c) for c in range(1, 8))),
    Stroke("the bottom edge", "horizontal", tuple((7, c) for c in range(1, 8))),
    Stroke("the left side", "vertical", tuple((r, 1) for r in range(1, 8))),
    Stroke("the right side", "vertical", tuple((r, 7) for r in range(1, 8))),
    Stroke("the flap's left slope", "deg135", ((1, 1), (2, 2), (3, 3), (4, 4))),
    Stroke("the flap's right slope", "deg45", ((4, 4), (3, 5), (2, 6), (1, 7))),
)
STROKES: dict[str, tuple[Stroke, ...]] = {ENVELOPE.name: ENVELOPE_STROKES}

# Every picture the lesson offers: the lecture test set, the illumination pair, the envelope.
ALL_PICTURES: tuple[Variant, ...] = VARIANTS + LIGHTING + (ENVELOPE,)
IMAGES: dict[str, np.ndarray] = {v.name: v.image for v in ALL_PICTURES}
VARIANT_BY_NAME: dict[str, Variant] = {v.name: v for v in ALL_PICTURES}

# --- features --------------------------------------------------------------------------------
FEATURES: dict[str, np.ndarray] = {
    "diag": np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=np.int8),   # "\" stroke
    "x": np.array([[1, -1, 1], [-1, 1, -1], [1, -1, 1]], dtype=np.int8),        # the crossing
    "anti": np.array([[-1, -1, 1], [-1, 1, -1], [1, -1, -1]], dtype=np.int8),   # "/" stroke
}
FEATURE_TITLES = {"diag": "diagonal \\", "x": "small x", "anti": "diagonal /"}

EDGE_KERNELS: dict[str, np.ndarray] = {
    "horizontal": np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]], dtype=np.int8),
    "vertical": np.array([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]], dtype=np.int8),
    "deg45": np.array([[-1, -1, 2], [-1, 2, -1], [2, -1, -1]], dtype=np.int8),
    "deg135": np.array([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]], dtype=np.int8),
}
EDGE_TITLES = {"horizontal": "horizontal lines", "vertical": "vertical lines",
               "deg45": "45 degree lines", "deg135": "135 degree lines"}

# --- the hand-convolution practice (plain sum) ---------------------------------------------------
PRACTICE_INPUT = np.arange(9).reshape(3, 3)
PRACTICE_KERNEL = np.arange(4).reshape(2, 2)

# --- the vote layer: each category listens to the positions where its own vector is 1.00 ------
STRONG = {"X": (0, 3, 4, 9, 10), "O": (1, 2, 8, 11)}
VECTOR_LENGTH = 12
FUTURE_VALUES = (0.9, 0.65, 0.45, 0.87, 0.96, 0.73, 0.23, 0.63, 0.44, 0.89, 0.94, 0.53)

# --- named matrices for the command line --------------------------------------------------------
KERNELS: dict[str, np.ndarray] = {**FEATURES, **EDGE_KERNELS, "practice": PRACTICE_KERNEL}
INPUTS: dict[str, np.ndarray] = {**IMAGES, "practice": PRACTICE_INPUT}
