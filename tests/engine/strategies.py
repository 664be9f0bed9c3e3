"""Hypothesis building blocks shared by the engine's property tests."""

from __future__ import annotations

from hypothesis import strategies as st


def axis_settings(draw, nd: int, extra: int):
    """Per-axis kernel, stride, dilation, (before, after) padding and an input size that fits.

    The input size is drawn from the smallest that holds the dilated kernel once padded, up to
    ``extra`` more. Returns lists ``(kernel, stride, dilation, pads, size)``.
    """
    kernel, stride, dil, pads, size = [], [], [], [], []
    for _ in range(nd):
        k = draw(st.integers(1, 3))
        d = draw(st.integers(1, 2))
        s = draw(st.integers(1, 3))
        pb, pa = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        lo = max(1, d * (k - 1) + 1 - pb - pa)
        size.append(draw(st.integers(lo, lo + extra)))
        kernel.append(k), stride.append(s), dil.append(d), pads.append((pb, pa))
    return kernel, stride, dil, pads, size
