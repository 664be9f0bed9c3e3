"""Plain-loop references for the quiz tests (no engine import): obviously correct, slow."""

from __future__ import annotations


def conv2d(x, k, stride=1, padding=0, dilation=1, pad_value=0.0, mean=False):
    h, w = len(x), len(x[0])
    kh, kw = len(k), len(k[0])

    def at(i, j):
        i, j = i - padding, j - padding
        return x[i][j] if 0 <= i < h and 0 <= j < w else pad_value

    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = []
    for r in range(oh):
        row = []
        for c in range(ow):
            s = 0.0
            for a in range(kh):
                for b in range(kw):
                    s += at(r * stride + a * dilation, c * stride + b * dilation) * k[a][b]
            row.append(s / (kh * kw) if mean else s)
        out.append(row)
    return out


def conv1d(x, k):
    return [sum(x[i + j] * k[j] for j in range(len(k))) for i in range(len(x) - len(k) + 1)]


def pool2d(x, op, window=2, stride=2):
    """Ceil-mode pooling: partial windows at the far border keep their real pixels."""
    h, w = len(x), len(x[0])
    out = []
    r = 0
    while r < h:
        row = []
        c = 0
        while c < w:
            vals = [x[i][j] for i in range(r, min(r + window, h))
                    for j in range(c, min(c + window, w))]
            row.append(max(vals) if op == "max" else sum(vals) / len(vals))
            c += stride
        out.append(row)
        r += stride
    return out


def mean_at(vec, positions):
    return sum(vec[p] for p in positions) / len(positions)
