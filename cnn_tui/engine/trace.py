"""Traces: the arithmetic of one window, so the stepper and the quiz can explain themselves.

A trace is cut from the very same padded window view that :func:`cnn_tui.engine.conv.conv` and
the pooling functions use, so what it shows is what the engine computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .conv import _check_mode, _finite, _numeric, geometry, pad, windows
from .fmt import format_number
from .pool import _geometry as _pool_geometry
from .shapes import EngineError, check_cells, float_dtype


def _check_index(out_index, out_shape) -> tuple[int, ...]:
    idx = tuple(int(i) for i in np.atleast_1d(out_index))
    if len(idx) != len(out_shape) or any(not 0 <= i < m for i, m in zip(idx, out_shape)):
        raise EngineError(f"output cell {idx} is outside the output of shape {tuple(out_shape)}")
    return idx


def _coords(origin, kernel, dilation) -> np.ndarray:
    """Padded coordinates of every window cell, shape ``(*kernel, nd)``."""
    grids = np.meshgrid(*(o + np.arange(k) * d for o, k, d in zip(origin, kernel, dilation)),
                        indexing="ij")
    return np.stack(grids, axis=-1)


def _inside(coords: np.ndarray, pads, in_shape) -> np.ndarray:
    lo = np.array([b for b, _ in pads])
    real = coords - lo
    return np.all((real >= 0) & (real < np.array(in_shape)), axis=-1)


def _operand(v: float, fmt: Callable[[float], str]) -> str:
    s = fmt(v)
    return f"({s})" if s.startswith("-") else s


@dataclass(frozen=True)
class WindowTrace:
    """One window of a convolution."""

    out_index: tuple[int, ...]
    origin: tuple[int, ...]          # first cell of the window, padded coordinates
    coords: np.ndarray               # (*kernel, nd) padded coordinates of each cell
    in_input: np.ndarray             # (*kernel) True where the cell is a real input pixel
    pad_before: tuple[int, ...]
    patch: np.ndarray                # ([C,] *kernel) input values under the window
    kernel: np.ndarray               # ([C,] *kernel)
    products: np.ndarray             # patch * kernel
    total: float
    divisor: int                     # 1 for mode "sum", the number of kernel elements for "mean"
    value: float                     # total / divisor: the output cell

    @property
    def input_coords(self) -> np.ndarray:
        """Coordinates of each cell in the unpadded input (may be negative or past the end)."""
        return self.coords - np.array(self.pad_before)

    def partial_sums(self, axis: int) -> np.ndarray:
        """The products added up over every axis but ``axis``: one sum per channel, per frame
        or per column of the window (together they add up to ``total``)."""
        p = np.asarray(self.products)
        return p.sum(axis=tuple(a for a in range(p.ndim) if a != axis % p.ndim))

    def terms(self, fmt: Callable[[float], str] = format_number) -> list[str]:
        """``["0×0", "1×1", ...]`` in row-major order."""
        return [f"{_operand(a, fmt)}×{_operand(b, fmt)}"
                for a, b in zip(self.patch.ravel(), self.kernel.ravel())]

    def working(self, fmt: Callable[[float], str] = format_number,
                value_fmt: Callable[[float], str] | None = None) -> str:
        """The whole sum as text: ``0×0 + 1×1 + 3×2 + 4×3 = 19`` (``(...) / 9 = 0.55`` in mean mode)."""
        value_fmt = value_fmt or fmt
        sum_text = " + ".join(self.terms(fmt))
        if self.divisor == 1:
            return f"{sum_text} = {value_fmt(self.value)}"
        return f"({sum_text}) / {self.divisor} = {fmt(self.total)}/{self.divisor} = {value_fmt(self.value)}"


def conv_trace(x, kernel, out_index, stride=1, padding=0, pad_value: float = 0.0, dilation=1,
               mode: str = "sum", channels: bool = False) -> WindowTrace:
    """Trace output cell ``out_index`` of ``conv_single(x, kernel, ...)``.

    With ``channels=True`` the first axis of both ``x`` and ``kernel`` is a channel axis that the
    window sums over, as a multi-channel convolution does. Dtype and size rules as in
    :func:`~cnn_tui.engine.conv.conv`.
    """
    _check_mode(mode)
    x = _numeric(x, "input")
    k = _numeric(kernel, "kernel")
    if x.ndim != k.ndim:
        raise EngineError(f"the input has {x.ndim} axes but the kernel has {k.ndim}")
    lead = 1 if channels else 0
    if channels and x.shape[0] != k.shape[0]:
        raise EngineError(f"the input has {x.shape[0]} channels but the kernel expects {k.shape[0]}")
    g = geometry(x.shape[lead:], k.shape[lead:], stride, padding, dilation)
    check_cells(x.shape[:lead] + g.padded_shape)
    x, k = _finite(x, "input"), _finite(k, "kernel")
    dtype = float_dtype(x.dtype, k.dtype)
    x, k = x.astype(dtype, copy=False), k.astype(dtype, copy=False)
    idx = _check_index(out_index, g.out_shape)
    view = windows(pad(x, g.padding, pad_value), g)  # ([C,] *out, *k)
    patch = np.array(view[(slice(None),) * lead + idx])
    products = patch * k
    total = float(products.sum())
    divisor = k.size if mode == "mean" else 1
    origin = g.window_origin(idx)
    coords = _coords(origin, g.kernel, g.dilation)
    return WindowTrace(idx, origin, coords, _inside(coords, g.padding, g.in_shape),
                       tuple(b for b, _ in g.padding), patch, k, products, total, divisor,
                       total / divisor)


@dataclass(frozen=True)
class PoolTrace:
    """One window of a pooling, clipped to the padded input.

    The window's arrays cover the cells that lie on the input or its padding; the cells of a
    ceil-mode overhang past the padding are left out (they are never real, and a window may be
    far larger than the input), so they have the shape ``window`` only when nothing overhangs.
    """

    op: str
    out_index: tuple[int, ...]
    origin: tuple[int, ...]          # padded coordinates
    coords: np.ndarray               # (*clipped window, nd) padded coordinates
    in_input: np.ndarray             # (*clipped window) True for real pixels (not padding)
    pad_before: tuple[int, ...]
    values: np.ndarray               # (*clipped window) input values, NaN where not real
    value: float
    count: int                       # real pixels in the window
    winner: tuple[int, ...] | None   # input coordinates of the first maximum (max pooling)

    @property
    def input_coords(self) -> np.ndarray:
        return self.coords - np.array(self.pad_before)

    def working(self, fmt: Callable[[float], str] = format_number) -> str:
        real = [fmt(v) for v in self.values[self.in_input]]
        if self.op == "max":
            return f"max({', '.join(real)}) = {fmt(self.value)}"
        return f"({' + '.join(real)}) / {self.count} = {fmt(self.value)}"


def pool_trace(a, out_index, op: str = "max", kernel=2, stride=None, padding=0,
               ceil_mode: bool = False, dilation=1) -> PoolTrace:
    """Trace output cell ``out_index`` of ``pool_single(a, op, ...)`` for one spatial map.

    Ceil-mode partial windows and size rules as in :func:`~cnn_tui.engine.pool.max_pool`; the
    window is clipped to the padded input (see :class:`PoolTrace`), and only its cells are read.
    """
    if op not in ("max", "avg"):
        raise EngineError(f"pooling must be 'max' or 'avg', got {op!r}")
    a = _numeric(a, "input")
    g, pads = _pool_geometry(a.shape, kernel, stride, padding, ceil_mode, dilation)
    padded = tuple(n + b + af for n, (b, af) in zip(g.in_shape, pads))
    check_cells(padded)
    a = _finite(a, "input")
    idx = _check_index(out_index, g.out_shape)
    origin = g.window_origin(idx)
    # Every window starts on the input or its leading padding, so each axis keeps >= 1 cell.
    reach = tuple(min(k, -(-(size - o) // d))
                  for o, k, d, size in zip(origin, g.kernel, g.dilation, padded))
    coords = _coords(origin, reach, g.dilation)
    inside = _inside(coords, pads, g.in_shape)
    values = np.full(reach, np.nan, dtype=a.dtype)
    cells, pixels = [], []
    for o, r, d, n, (b, _) in zip(origin, reach, g.dilation, g.in_shape, pads):
        first = max(0, -((o - b) // d))           # the first tap on a pixel >= 0
        last = min(r - 1, (n - 1 + b - o) // d)   # the last tap on a pixel <= n - 1
        cells.append(slice(first, max(first, last + 1)))
        pixels.append(slice(o - b + first * d, o - b + last * d + 1, d) if last >= first
                      else slice(0, 0))
    values[tuple(cells)] = a[tuple(pixels)]
    real = values[inside]
    winner = None
    if op == "max":
        value = float(real.max())
        flat = int(np.flatnonzero(inside.ravel() & (values.ravel() == value))[0])
        winner = tuple(int(c) for c in coords.reshape(-1, g.nd)[flat] - np.array(
            [b for b, _ in pads]))
    else:
        value = float(real.sum() / real.size)
    return PoolTrace(op, idx, origin, coords, inside, tuple(b for b, _ in pads), values,
                     value, int(real.size), winner)
