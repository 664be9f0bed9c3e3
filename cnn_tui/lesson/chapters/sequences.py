"""Chapter "Sequences and volumes": the same sliding sum along one axis (a DNA sequence) and
along three (a short video).

Part one slides a motif kernel along a one-hot DNA sequence (four channels A, C, G, T): each
window's sum counts the bases that match the motif, so the output peaks where the motif sits.
Padding and stride work as in two dimensions. Part two slides a 3x3x3 kernel through four frames
of a moving X: the kernel spans three frames, so it answers to motion.

Positions: 0 is part one before the first window; 1..n1 are part one with that many output cells
filled; n1+1..n1+n3 are part two with (position - n1) cells of the output volume filled.
"""

from __future__ import annotations

import numpy as np

from cnn_tui import engine
from cnn_tui.lecture.sequences import (DNA, DNA_ONE_HOT, FRAMES, KERNEL_3D_TITLES,
                                       KERNELS_3D, MOTIF, MOTIF_KERNEL)
from cnn_tui.lesson.chapters.base import JUMP, PLAY, RESET, ChapterKey
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.base import whole_numbers
from cnn_tui.lesson.workbench import ModelError, cycle

SEQ_STRIDES: tuple[int, ...] = (1, 2, 3)
SEQ_KERNELS_3D: tuple[str, ...] = tuple(KERNELS_3D)
ONE_D, THREE_D = "1-D", "3-D"


# What g takes, in one line that fits beside the prompt at 80 columns.
JUMP_HELP = "type a 1-D cell (e.g. 2) or a 3-D cell t,r,c (e.g. 0,1,1)"


class Chapter(Base):
    id = "sequences"
    title = "Sequences and volumes"
    text = ("The same sliding sum works along one axis (sound, text, DNA) and along three "
            "(video, scans). Here a GATA kernel slides along DNA written as four 0/1 rows; v "
            "shows a 3-D kernel sliding through the frames of a moving X.")
    more = ("Convolution needs only one thing: the same pattern can turn up anywhere along an "
            "axis, and nearby values belong together. That is true of a picture in two "
            "directions, and just as true of a time series, a sentence, or a protein or DNA "
            "sequence in one direction, and of a video or a medical scan in three.\n\n"
            "Part one writes an 18-base DNA sequence as a one-hot table: one row per base A, C, "
            "G, T, with a 1 where that base sits. The kernel is the motif GATA written the same "
            "way, so each product is 1 only where a window base equals the motif base, and the "
            "window's sum counts the matching bases: 4 means the whole motif is there. The "
            "kernel has all four rows, so it can only slide along the sequence; the output is "
            "one row. Padding adds empty columns at both ends (no base: all 0), stride makes "
            "the window jump, and the output length is floor((L + 2P - K) / S) + 1, as for one "
            "side of a picture. A long stride can jump over the motif.\n\n"
            "Part two stacks four 5x6 frames of a small X moving one pixel right per frame into "
            "a 4x5x6 volume (time, rows, columns). The 3x3x3 kernel has a slice for each of "
            "three frames: the X one column to the left, the X, the X one column to the right. "
            "Each output cell adds 27 products, +1 where the pixels agree and -1 where they "
            "differ, so 27 is a perfect match: the kernel answers most where the X moves the "
            "way it expects. Press m for a kernel that expects the X to stand still: on this "
            "moving X it never comes close.")
    keys = (("right/left", "step the window (past the last 1-D window: the 3-D part)"),
            ("space", "play / pause"), ("v", "switch between 1-D (DNA) and 3-D (video)"),
            ("[/]", "padding of the DNA, 0 to 3"), ("s", "stride of the DNA: 1, 2, 3"),
            ("m", "3-D kernel: X moving right / X standing still"),
            ("g", "jump to an output cell: 5 (1-D) or 0,1,1 (3-D)"))
    offers = frozenset({PLAY, JUMP, RESET})
    bindings = (
        ChapterKey("v", "seq_switch_part", "1-D/3-D"),
        ChapterKey("right_square_bracket", "seq_padding_by", "Pad", (1,), key_display="]"),
        ChapterKey("left_square_bracket", "seq_padding_by", "Pad-", (-1,), show=False,
                   key_display="["),
        ChapterKey("s", "seq_next_stride", "Stride"),
        ChapterKey("m", "seq_next_kernel3", "Motion"),
    )
    steps_through = True
    settings = ("seq_padding", "seq_stride", "seq_kernel3")

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.seq_padding = 0
        self.seq_stride = 1
        self.seq_kernel3 = "moving"

    # ------------------------------------------------------------------ positions
    @property
    def length(self) -> int:
        return self.seq_cells + self.vol_cells

    @property
    def seq_part(self) -> str:
        """Which part the position is in: "1-D" (the DNA) or "3-D" (the video)."""
        return ONE_D if self.position <= self.seq_cells else THREE_D

    @property
    def title_info(self) -> str:
        if self.seq_part == ONE_D:
            return f"1-D: DNA, padding {self.seq_padding}, stride {self.seq_stride}"
        return f"3-D: video, kernel {KERNEL_3D_TITLES[self.seq_kernel3]}"

    @property
    def jump_prompt(self) -> str:
        if self.seq_part == ONE_D:
            return (f"1-D output cell from 0 to {self.seq_cells - 1}, or time,row,col for 3-D "
                    "(enter, or escape)")
        return "3-D output cell as time,row,col from 0, e.g. 1,1,2 (enter, or escape)"

    def seq_switch_part(self) -> None:
        """``v``: the start of the other part (part one before its first window, part two on
        its first cell)."""
        self.position = self.seq_cells + 1 if self.seq_part == ONE_D else 0

    def jump_to(self, cell) -> None:
        """One number: a 1-D output cell; three: a cell of the 3-D output volume."""
        cell = tuple(int(v) for v in cell)
        if len(cell) == 1:
            (i,) = cell
            if not 0 <= i < self.seq_cells:
                raise ModelError(f"{i} is outside the 1-D output: cells 0 to "
                                 f"{self.seq_cells - 1}")
            self.position = i + 1
        elif len(cell) == 3:
            shape = self.vol_shape
            if not all(0 <= v < n for v, n in zip(cell, shape)):
                t, r, c = (n - 1 for n in shape)
                raise ModelError(f"{','.join(map(str, cell))} is outside the 3-D output: "
                                 f"time 0-{t}, row 0-{r}, column 0-{c}")
            self.position = self.seq_cells + 1 + int(np.ravel_multi_index(cell, shape))
        else:
            raise ModelError(JUMP_HELP)

    def submit_prompt(self, text: str) -> None:
        try:
            numbers = whole_numbers(text)
        except ModelError:
            numbers = []
        if len(numbers) not in (1, 3):
            raise ModelError(JUMP_HELP)
        self.jump_to(tuple(numbers))

    # ------------------------------------------------------------------ 1-D settings
    def set_seq_padding(self, padding: int) -> None:
        top = self.seq_kernel_size - 1
        if not 0 <= int(padding) <= top:
            raise ModelError(f"padding must be from 0 to {top} (the kernel is "
                             f"{self.seq_kernel_size} bases long), got {padding}")
        self.seq_padding = int(padding)
        self._show_whole_1d()

    def set_seq_stride(self, stride: int) -> None:
        lo, hi = SEQ_STRIDES[0], SEQ_STRIDES[-1]
        if not lo <= int(stride) <= hi:
            raise ModelError(f"stride must be from {lo} to {hi}, got {stride}")
        self.seq_stride = int(stride)
        self._show_whole_1d()

    def seq_padding_by(self, delta: int) -> None:
        self.set_seq_padding(self.seq_padding + delta)

    def seq_next_stride(self) -> None:
        self.set_seq_stride(cycle(SEQ_STRIDES, self.seq_stride))

    def _show_whole_1d(self) -> None:
        """After a change of padding or stride: part one with its whole new output shown."""
        self.changed()
        self.position = self.seq_cells

    # ------------------------------------------------------------------ 1-D derived
    @property
    def seq_bases(self) -> str:
        return DNA

    @property
    def seq_motif(self) -> str:
        return MOTIF

    @property
    def seq_one_hot(self) -> np.ndarray:
        """The sequence as a (4, L) table of 0/1, rows A, C, G, T."""
        return DNA_ONE_HOT

    @property
    def seq_kernel(self) -> np.ndarray:
        """The motif's kernel, (4, K): 1 where the motif has that base."""
        return MOTIF_KERNEL

    @property
    def seq_kernel_size(self) -> int:
        return MOTIF_KERNEL.shape[1]

    @property
    def seq_padded_bases(self) -> str:
        """The bases with a ``·`` for each padded column."""
        pad = "·" * self.seq_padding
        return pad + DNA + pad

    @property
    def seq_padded_one_hot(self) -> np.ndarray:
        p = self.seq_padding
        return engine.pad(DNA_ONE_HOT.astype(float), ((0, 0), (p, p)), 0.0)

    @property
    def seq_output(self) -> np.ndarray:
        """The whole 1-D output: one count of matching bases per window position."""
        return self.seq_output_at(self.seq_stride)

    @property
    def seq_cells(self) -> int:
        return int(self.seq_output.shape[0])

    @property
    def seq_filled(self) -> int:
        return min(self.position, self.seq_cells)

    @property
    def seq_index(self) -> int:
        """The 1-D output cell shown: the last filled one (the first before any step)."""
        return max(self.seq_filled - 1, 0)

    @property
    def seq_shown(self) -> np.ndarray:
        """The 1-D output as far as it is filled (NaN: not yet)."""
        out = self.seq_output.astype(float)
        out[self.seq_filled:] = np.nan
        return out

    @property
    def seq_trace(self) -> engine.WindowTrace:
        i = self.seq_index
        return self.memo(("trace", self.seq_padding, self.seq_stride, i), lambda: engine.conv_trace(
            DNA_ONE_HOT, MOTIF_KERNEL, (i,), stride=self.seq_stride, padding=self.seq_padding,
            channels=True))

    @property
    def seq_window(self) -> list[int]:
        """The padded columns under the window, once the first step has placed it."""
        if not self.seq_filled:
            return []
        return [int(c) for c in self.seq_trace.coords[:, 0]]

    @property
    def seq_window_bases(self) -> str:
        padded = self.seq_padded_bases
        return "".join(padded[c] for c in self.seq_window)

    @property
    def seq_column_sums(self) -> list[float]:
        """Per window position, the products summed over the four base rows: 1 where the window's
        base is the motif's, else 0."""
        return [float(v) for v in self.seq_trace.partial_sums(1)]

    @property
    def seq_output_columns(self) -> list[int]:
        """For each output cell, the padded column where its window starts."""
        return [i * self.seq_stride for i in range(self.seq_cells)]

    def seq_output_at(self, stride: int) -> np.ndarray:
        """The 1-D output at the current padding and ``stride``."""
        return self.memo(("out", self.seq_padding, stride), lambda: engine.conv(
            DNA_ONE_HOT[None], MOTIF_KERNEL[None], stride=stride,
            padding=self.seq_padding)[0, 0])

    @property
    def seq_perfect(self) -> float:
        """The answer of a window that holds exactly the motif: the kernel laid on itself."""
        k = self.seq_kernel
        return self.memo(("perfect1",), lambda: float(engine.conv(k[None], k[None]).ravel()[0]))

    def _peaks(self, out: np.ndarray) -> list[int]:
        full = self.seq_perfect
        return [i for i, v in enumerate(out) if v == full]

    @property
    def seq_peaks(self) -> list[int]:
        """The output cells where every base of the motif matches."""
        return self._peaks(self.seq_output)

    @property
    def seq_motif_count(self) -> int:
        """How many windows match every base of the motif when the window moves one base at
        a time."""
        return len(self._peaks(self.seq_output_at(1)))

    @property
    def seq_skipped(self) -> int:
        """How many whole motifs the stride jumps over."""
        return self.seq_motif_count - len(self.seq_peaks)

    @property
    def seq_formula_terms(self) -> tuple[int, int, int, int, int]:
        """``(L, P, K, S, length)`` of output length = floor((L + 2P - K) / S) + 1."""
        n, k = len(DNA), self.seq_kernel_size
        return (n, self.seq_padding, k, self.seq_stride,
                engine.conv_output_size(n, k, self.seq_stride, self.seq_padding,
                                        self.seq_padding))

    @property
    def seq_complete(self) -> bool:
        return self.seq_filled == self.seq_cells

    # ------------------------------------------------------------------ 3-D
    def seq_next_kernel3(self) -> None:
        """``m``: the other 3-D kernel (the 3-D part keeps its cell; from part one, part two's
        first cell)."""
        self.seq_kernel3 = cycle(SEQ_KERNELS_3D, self.seq_kernel3)
        self.changed()
        if self.seq_part == ONE_D:
            self.position = self.seq_cells + 1

    @property
    def vol_frames(self) -> np.ndarray:
        """The video: (T, H, W) of ±1 pixels."""
        return FRAMES

    @property
    def vol_kernel(self) -> np.ndarray:
        return KERNELS_3D[self.seq_kernel3]

    @property
    def vol_kernel_title(self) -> str:
        return KERNEL_3D_TITLES[self.seq_kernel3]

    def vol_output_of(self, kernel: str) -> np.ndarray:
        return self.memo(("vol", kernel), lambda: engine.conv_single(FRAMES, KERNELS_3D[kernel]))

    @property
    def vol_output(self) -> np.ndarray:
        """The output volume (T-2, H-2, W-2) of the chosen kernel."""
        return self.vol_output_of(self.seq_kernel3)

    @property
    def vol_shape(self) -> tuple[int, int, int]:
        return tuple(int(n) for n in self.vol_output.shape)

    @property
    def vol_cells(self) -> int:
        return int(self.vol_output.size)

    @property
    def vol_filled(self) -> int:
        return max(0, self.position - self.seq_cells)

    @property
    def vol_cell(self) -> tuple[int, int, int]:
        """The output cell shown: the last filled one (the first before any step)."""
        flat = max(self.vol_filled - 1, 0)
        return tuple(int(v) for v in np.unravel_index(flat, self.vol_shape))

    @property
    def vol_shown(self) -> np.ndarray:
        """The output volume as far as it is filled (NaN: not yet)."""
        out = self.vol_output.astype(float).ravel()
        out[self.vol_filled:] = np.nan
        return out.reshape(self.vol_shape)

    @property
    def vol_trace(self) -> engine.WindowTrace:
        cell = self.vol_cell
        return self.memo(("vtrace", self.seq_kernel3, cell),
                         lambda: engine.conv_trace(FRAMES, self.vol_kernel, cell))

    @property
    def vol_window_frames(self) -> list[int]:
        """The frames the window spans."""
        return sorted({int(t) for t in self.vol_trace.coords[..., 0].ravel()})

    def vol_window_cells(self, frame: int) -> list[tuple[int, int]]:
        """The (row, col) cells of ``frame`` under the window (none if it spans other frames)."""
        coords = self.vol_trace.coords.reshape(-1, 3)
        return [(int(r), int(c)) for t, r, c in coords if t == frame]

    @property
    def vol_slice_sums(self) -> list[float]:
        """Per frame of the window, the sum of its nine products."""
        return [float(v) for v in self.vol_trace.partial_sums(0)]

    @property
    def vol_best(self) -> dict[str, float]:
        """The strongest answer of each 3-D kernel on this video."""
        return {k: float(self.vol_output_of(k).max()) for k in SEQ_KERNELS_3D}

    @property
    def vol_peaks(self) -> list[tuple[int, int, int]]:
        out = self.vol_output
        return [tuple(int(v) for v in idx) for idx in np.argwhere(out == out.max())]

    @property
    def vol_perfect(self) -> int:
        """The value of a perfect match (every one of the kernel's ±1 pixels agrees): the
        kernel laid on itself."""
        k = self.vol_kernel
        return self.memo(("perfect3", self.seq_kernel3),
                         lambda: int(round(float(engine.conv_single(k, k).ravel()[0]))))
