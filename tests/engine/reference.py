"""Plain-loop references for the engine's tests: nested Python loops, obviously correct, slow.

Nothing here imports the engine. Padding is not built as an array: a window cell outside the
input simply reads the pad value (convolution) or is skipped (pooling).
"""

from __future__ import annotations

import itertools
import math


def out_size(n: int, k: int, stride: int, before: int, after: int, dilation: int) -> int:
    span = dilation * (k - 1) + 1
    return (n + before + after - span) // stride + 1


def pool_out_size(n: int, k: int, stride: int, before: int, after: int, ceil_mode: bool,
                  dilation: int = 1) -> int:
    """PyTorch's rule: ceil mode keeps a last partial window if it starts inside input+left pad.

    Counted exactly as PyTorch writes it; a result below 1 means PyTorch refuses the setting.
    """
    total = n + before + after - (dilation * (k - 1) + 1)
    if not ceil_mode:
        return total // stride + 1
    out = -(-total // stride) + 1
    if (out - 1) * stride >= n + before:
        out -= 1
    return out


def ref_conv(x, w, stride, padding, pad_value=0.0, dilation=None, mode="sum", bias=None):
    """x: nested lists / array (N, C, *S); w: (F, C, *k); stride, dilation: tuples; padding:
    tuple of (before, after) pairs. Returns a dict {(n, f, *out_index): value} and the out shape."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    nd = x.ndim - 2
    dilation = dilation or (1,) * nd
    N, C = x.shape[:2]
    F = w.shape[0]
    S = x.shape[2:]
    K = w.shape[2:]
    out_shape = tuple(out_size(S[a], K[a], stride[a], padding[a][0], padding[a][1], dilation[a])
                      for a in range(nd))
    y = np.zeros((N, F) + out_shape)
    count = C * math.prod(K)
    for n in range(N):
        for f in range(F):
            for o in itertools.product(*(range(m) for m in out_shape)):
                total = 0.0
                for c in range(C):
                    for kk in itertools.product(*(range(k) for k in K)):
                        pos = [o[a] * stride[a] + kk[a] * dilation[a] - padding[a][0]
                               for a in range(nd)]
                        inside = all(0 <= pos[a] < S[a] for a in range(nd))
                        v = x[(n, c) + tuple(pos)] if inside else pad_value
                        total += v * w[(f, c) + kk]
                if mode == "mean":
                    total /= count
                if bias is not None:
                    total += bias[f]
                y[(n, f) + o] = total
    return y


def ref_pool(x, op, kernel, stride, padding, ceil_mode=False, dilation=None):
    """Pooling over the trailing len(kernel) axes; only real pixels take part.

    Returns None where PyTorch would have no answer: an output size below 1, or a window that
    covers no real pixel at all.
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    nd = len(kernel)
    dilation = dilation or (1,) * nd
    lead = x.shape[:-nd]
    S = x.shape[-nd:]
    out_shape = tuple(pool_out_size(S[a], kernel[a], stride[a], padding[a][0], padding[a][1],
                                    ceil_mode, dilation[a]) for a in range(nd))
    if min(out_shape) < 1:
        return None
    y = np.zeros(lead + out_shape)
    for li in itertools.product(*(range(m) for m in lead)):
        for o in itertools.product(*(range(m) for m in out_shape)):
            vals = [x[li + pos] for pos in _window_pixels(o, S, kernel, stride, padding, dilation)]
            if not vals:
                return None
            if op == "max":
                best = vals[0]
                for v in vals[1:]:
                    if v > best:
                        best = v
                y[li + o] = best
            else:
                y[li + o] = sum(vals) / len(vals)
    return y


def _window_pixels(o, S, kernel, stride, padding, dilation):
    """Input coordinates of the real pixels under output cell ``o``'s window, in C order."""
    nd = len(kernel)
    for kk in itertools.product(*(range(k) for k in kernel)):
        pos = tuple(o[a] * stride[a] + kk[a] * dilation[a] - padding[a][0] for a in range(nd))
        if all(0 <= pos[a] < S[a] for a in range(nd)):
            yield pos


def ref_pool_backward(dout, x, op, kernel, stride, padding, dilation=None):
    """Loop gradient of pooling: a max window sends its gradient to its first largest real pixel
    (C order over the window), an average window shares it equally among its real pixels."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    dout = np.asarray(dout, dtype=float)
    nd = len(kernel)
    dilation = dilation or (1,) * nd
    S = x.shape[-nd:]
    dx = np.zeros(x.shape)
    for idx in itertools.product(*(range(m) for m in dout.shape)):
        li, o = idx[:-nd], idx[-nd:]
        pix = list(_window_pixels(o, S, kernel, stride, padding, dilation))
        if op == "max":
            best = pix[0]
            for pos in pix[1:]:
                if x[li + pos] > x[li + best]:
                    best = pos
            dx[li + best] += dout[idx]
        else:
            for pos in pix:
                dx[li + pos] += dout[idx] / len(pix)
    return dx


def ref_dense(x, w, b=None):
    """``y[..., m] = sum_d x[..., d] * w[m, d] + b[m]`` by loops; x is (D,) or (..., D)."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    M, D = w.shape
    y = np.zeros(x.shape[:-1] + (M,))
    for li in itertools.product(*(range(n) for n in x.shape[:-1])):
        for m in range(M):
            total = 0.0
            for d in range(D):
                total += x[li + (d,)] * w[m, d]
            y[li + (m,)] = total + (b[m] if b is not None else 0.0)
    return y


def ref_dense_backward(dout, x, w):
    """Loop gradients ``(dx, dw, db)`` of :func:`ref_dense`."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    M, D = w.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(M)
    for li in itertools.product(*(range(n) for n in x.shape[:-1])):
        for m in range(M):
            g = dout[li + (m,)]
            db[m] += g
            for d in range(D):
                dx[li + (d,)] += g * w[m, d]
                dw[m, d] += g * x[li + (d,)]
    return dx, dw, db
