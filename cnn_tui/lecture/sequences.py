"""The numbers of the "sequences" chapter: a short DNA sequence with a motif, its one-hot table,
the motif's kernel, and a tiny video of an X moving right with two 3x3x3 kernels (no UI imports).

The lecture mentions that convolution also runs along one axis (text, protein or DNA sequences)
and along three (video, volumes); these are small examples of both, chosen so that the answers
can be checked by hand.
"""

from __future__ import annotations

import numpy as np

from cnn_tui.lecture.data import picture

# --- one dimension: DNA -------------------------------------------------------------------------
BASES = "ACGT"                       # the four channels of the one-hot table, in this order
DNA = "CAGATACGCTATTGATAC"           # 18 bases: GATA twice, and GCTA (one base off) once
MOTIF = "GATA"                       # the motif the kernel looks for


def one_hot(sequence: str) -> np.ndarray:
    """``sequence`` as a ``(4, len)`` table of 0/1: row ``BASES.index(b)`` holds 1 where base ``b``
    is. An unknown letter is a ValueError."""
    seq = sequence.upper()
    bad = sorted(set(seq) - set(BASES))
    if bad:
        raise ValueError(f"a DNA sequence holds only the bases {', '.join(BASES)}; got "
                         f"{', '.join(repr(b) for b in bad)}")
    table = np.zeros((len(BASES), len(seq)), dtype=np.int8)
    for i, base in enumerate(seq):
        table[BASES.index(base), i] = 1
    return table


def motif_kernel(motif: str) -> np.ndarray:
    """The kernel that counts matching bases: +1 where the motif has that base, 0 elsewhere.
    It is the motif's own one-hot table, so a window's sum is the number of its bases that
    agree with the motif."""
    return one_hot(motif)


DNA_ONE_HOT = one_hot(DNA)
MOTIF_KERNEL = motif_kernel(MOTIF)

# --- three dimensions: a small X moving one pixel right per frame ------------------------------
# Four frames of 5 rows x 6 columns; the 3x3 X starts at column 0 and moves one column per frame.
FRAMES = np.stack([picture("""
......
#.#...
.#....
#.#...
......
"""), picture("""
......
.#.#..
..#...
.#.#..
......
"""), picture("""
......
..#.#.
...#..
..#.#.
......
"""), picture("""
......
...#.#
....#.
...#.#
......
""")])

# The kernel for an X moving right: the X as it was one frame earlier (one column to the left),
# as it is, and as it will be one frame later (one column to the right).
KERNEL_MOVING = np.stack([picture("""
.#.
#..
.#.
"""), picture("""
#.#
.#.
#.#
"""), picture("""
.#.
..#
.#.
""")])

# The kernel for an X that stands still: the same X in all three frames.
KERNEL_STILL = np.stack([picture("""
#.#
.#.
#.#
""")] * 3)

KERNELS_3D: dict[str, np.ndarray] = {"moving": KERNEL_MOVING, "still": KERNEL_STILL}
KERNEL_3D_TITLES: dict[str, str] = {"moving": "X moving right", "still": "X standing still"}
