"""``conv``: a convolution (cross-correlation, as the lecture slides it), 1D or 2D, with stride,
padding, dilation, a padding value, the lecture's mean mode, and several input channels."""

from __future__ import annotations

import math

import numpy as np

from cnn_tui.engine import conv, conv_single, conv_trace, geometry

from ..readers import (PuzzleError, _as2d, _check_answer_cells, _engine, _int_or_pair,
                       _named_input, _named_kernel, _number, _show)
from ..slips import Slip, fit, grid, safe, sign_slip, swapped_slip
from .base import Built, Generator, Kind, Shown, random_matrix

NAME = "conv"
FIELDS = frozenset({"input", "kernel", "mode", "stride", "padding", "pad_value", "dilation",
                    "channels"})
REQUIRED = ("input", "kernel")


def build(spec: dict) -> Built:
    x, xname = _named_input(spec["input"], "'input'")
    k, kname = _named_kernel(spec["kernel"], "'kernel'")
    mode = spec.get("mode", "sum")
    if mode not in ("sum", "mean"):
        raise PuzzleError(f"'mode' must be \"sum\" or \"mean\", got {_show(mode)}")
    channels = spec.get("channels", False)
    if not isinstance(channels, bool):
        raise PuzzleError(f"'channels' must be true or false, got {_show(channels)}")
    stride = _int_or_pair(spec, "stride", 1, 1)
    padding = _int_or_pair(spec, "padding", 0, 0)
    dilation = _int_or_pair(spec, "dilation", 1, 1)
    pad_value = _number(spec.get("pad_value", 0), "'pad_value'")
    kw = dict(stride=stride, padding=padding, pad_value=pad_value, dilation=dilation, mode=mode)
    if channels:
        if x.ndim != 3 or k.ndim != 3:
            raise PuzzleError("with channels = true, 'input' and 'kernel' must each be a list of "
                              "2-D channels (3-D)")
        if x.shape[0] != k.shape[0]:
            raise PuzzleError(f"the input has {x.shape[0]} channels but the kernel has "
                              f"{k.shape[0]}")
        spatial = (x.shape[1:], k.shape[1:])
    else:
        if x.ndim == 3 or k.ndim == 3:
            raise PuzzleError("a 3-D 'input' or 'kernel' needs channels = true")
        if x.ndim != k.ndim:
            raise PuzzleError(f"the input has {x.ndim} axes but the kernel has {k.ndim}; they "
                              f"must match")
        spatial = (x.shape, k.shape)
    # The answer's size first, from the shapes alone: a big answer is refused before it is made.
    g = _engine(geometry, *spatial, stride, padding, dilation)
    _check_answer_cells(math.prod(g.out_shape))
    if channels:
        out = _engine(conv, x[None], k[None], None, **kw)[0, 0]
    else:
        out = _engine(conv_single, x, k, **kw)
    one_d = out.ndim == 1

    def explain(r: int, c: int) -> str:
        idx = (c,) if one_d else (r, c)
        t = conv_trace(x, k, idx, channels=channels, **kw)
        where = f"output {'cell ' + str(c) if one_d else f'row {r}, column {c}'}: "
        return where + t.working()

    def window(r: int, c: int):
        t = conv_trace(x, k, (c,) if one_d else (r, c), channels=channels, **kw)
        inside = t.in_input[0] if channels else t.in_input
        coords = t.input_coords[0] if channels else t.input_coords
        cells = [tuple(int(v) for v in rc) for rc in coords[inside]]
        cells = [(0, rc[0]) if len(rc) == 1 else rc for rc in cells]
        return {i: cells for i in range(x.shape[0] if channels else 1)}

    def run(xx=x, kk=k, **change):
        """The engine's output with some settings changed: a slipped answer."""
        args = {**kw, **change}
        if channels:
            return _as2d(conv(xx[None], kk[None], None, **args)[0, 0])
        return _as2d(conv_single(xx, kk, **args))

    answer = _as2d(out)

    def slips() -> list[Slip]:
        return conv_slips(answer, run, x, k, channels, kw)

    shown = []
    if channels:
        for i in range(x.shape[0]):
            shown.append(Shown(f"input channel {i + 1}", x[i]))
        for i in range(k.shape[0]):
            shown.append(Shown(f"kernel channel {i + 1}", k[i]))
    else:
        shown = [Shown(f"input {xname}".strip(), _as2d(x)),
                 Shown(f"kernel {kname}".strip(), _as2d(k))]
    return Built(shown, answer, explain, None, window, slips)


def conv_slips(answer, run, x, k, channels: bool, kw: dict) -> list[Slip]:
    """The typical slips of a convolution, each computed by the engine with the slip built in."""
    found: list[Slip] = []
    taps = int(k.size)                       # what the mean divides by: every kernel pixel
    if kw["mode"] == "mean":
        total = safe(lambda: [Slip("sum-not-mean", f"It looks like you added the products but "
                                   f"did not divide by the {taps} pixels of the feature.",
                                   grid(answer, run(mode="sum")))])
        found += total
        pictures = (set(np.unique(x)) <= {-1.0, 1.0} and set(np.unique(k)) <= {-1.0, 1.0}
                    and _no_padding(kw["padding"]))
        if total and pictures:
            # With +1/-1 pixels the sum is (agree - differ); counting agreements only gives
            # agree / 9 = (sum + 9) / 18.
            found.append(Slip("agree-only", "It looks like you counted only the pixels that "
                              "agree: each pixel that differs takes one away.",
                              (total[0].values + taps) / (2 * taps)))
    else:
        found += safe(lambda: [Slip("mean-not-sum", "This one asks for the plain sum of the "
                                    "products: no dividing by the number of pixels.",
                                    grid(answer, run(mode="mean")))])
    spatial = tuple(range(1, k.ndim)) if channels else tuple(range(k.ndim))
    found += safe(lambda: [Slip("flipped", "It looks like you turned the kernel around: lay it "
                                "on the window as it is, top-left on top-left.",
                                grid(answer, run(kk=np.flip(k, axis=spatial))))])
    if _any_above_one(kw["stride"]):
        found += safe(lambda: [Slip("no-stride", "It looks like you moved the window one cell "
                                    "at a time; here it jumps by the stride.",
                                    fit(answer, run(stride=1)))])
    if _any_above_one(kw["dilation"]):
        found += safe(lambda: [Slip("no-dilation", "It looks like you read neighbouring cells: "
                                    "with dilation the kernel's taps are spread apart.",
                                    fit(answer, run(dilation=1)))])
    if kw["pad_value"] != 0 and not _no_padding(kw["padding"]):
        found += safe(lambda: [Slip("pad-zero", "It looks like you padded with 0; this puzzle "
                                    "pads with another value.",
                                    grid(answer, run(pad_value=0)))])
    if channels:
        for i in range(x.shape[0]):
            found += safe(lambda i=i: [Slip(
                f"one-channel-{i + 1}", f"That is channel {i + 1} alone: a filter adds up the "
                f"products of every channel.",
                grid(answer, _as2d(conv_single(x[i], k[i], **kw))))])
    found += swapped_slip(answer)
    found += sign_slip(answer)
    return found


def _any_above_one(v) -> bool:
    return any(int(s) > 1 for s in (v if isinstance(v, (tuple, list)) else (v,)))


def _no_padding(p) -> bool:
    return all(int(v) == 0 for v in (p if isinstance(p, (tuple, list)) else (p,)))


# --- random puzzles ----------------------------------------------------------------------------
def random_sum(rng, n):
    size = int(rng.integers(3, 5))
    return {"kind": NAME, "title": "Convolve by hand",
            "question": "Slide the kernel over the input; each output cell is the sum of the "
                        "products under the window.",
            "input": random_matrix(rng, size, size, -2, 4),
            "kernel": random_matrix(rng, 2, 2, -1, 2),
            "hints": ["Start at the top-left: multiply each overlapping pair, then add.",
                      "The output has (input side - 1) cells per side for a 2x2 kernel."]}


def random_mean(rng, n):
    pic = rng.choice([-1, 1], size=(4, 4)).astype(int).tolist()
    feat = rng.choice([-1, 1], size=(3, 3)).astype(int).tolist()
    return {"kind": NAME, "title": "Filter a picture", "mode": "mean",
            "question": "Filter the picture with the feature as the lecture does: multiply, add, "
                        "then divide by the 9 pixels of the feature.",
            "input": pic, "kernel": feat,
            "hints": ["Each product is +1 where the pixels agree and -1 where they differ.",
                      "(agreements - disagreements) / 9: a fraction is fine."]}


def random_1d(rng, n):
    length = int(rng.integers(5, 8))
    return {"kind": NAME, "title": "A 1D convolution",
            "question": "Slide the 3-tap kernel along the sequence and add the products.",
            "input": rng.integers(-2, 5, size=length).tolist(),
            "kernel": rng.integers(-1, 3, size=3).tolist(),
            "hints": ["A sequence of n values and a 3-tap kernel give n - 2 outputs."]}


def random_stride_padding(rng, n):
    return {"kind": NAME, "title": "Stride and padding",
            "question": "Pad the input with one ring of zeros, then move the kernel two cells "
                        "at a time.",
            "input": random_matrix(rng, 4, 4, -1, 3), "kernel": random_matrix(rng, 2, 2, -1, 2),
            "padding": 1, "stride": 2,
            "hints": ["The padded input is 6x6; windows start at rows and columns 0, 2, 4.",
                      "Padded cells are 0: they add nothing to the sum."]}


KIND = Kind(NAME, FIELDS, REQUIRED, build,
            (Generator(1, random_sum), Generator(2, random_mean), Generator(9, random_1d),
             Generator(10, random_stride_padding)))
