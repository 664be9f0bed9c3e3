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


def pool_out_size(n: int, k: int, stride: int, before: int, after: int, ceil_mode: bool) -> int:
    """PyTorch's rule: ceil mode keeps a last partial window if it starts inside input+left pad."""
    total = n + before + after - k
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


def ref_pool(x, op, kernel, stride, padding, ceil_mode=False):
    """Pooling over the trailing len(kernel) axes; only real pixels take part."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    nd = len(kernel)
    lead = x.shape[:-nd]
    S = x.shape[-nd:]
    out_shape = tuple(pool_out_size(S[a], kernel[a], stride[a], padding[a][0], padding[a][1],
                                    ceil_mode) for a in range(nd))
    y = np.zeros(lead + out_shape)
    for li in itertools.product(*(range(m) for m in lead)):
        for o in itertools.product(*(range(m) for m in out_shape)):
            vals = []
            for kk in itertools.product(*(range(k) for k in kernel)):
                pos = [o[a] * stride[a] + kk[a] - padding[a][0] for a in range(nd)]
                if all(0 <= pos[a] < S[a] for a in range(nd)):
                    vals.append(x[li + tuple(pos)])
            if op == "max":
                best = vals[0]
                for v in vals[1:]:
                    if v > best:
                        best = v
                y[li + o] = best
            else:
                y[li + o] = sum(vals) / len(vals)
    return y
