"""Fresh practice puzzles of every kind, made from a seeded random generator.

Each generator returns a puzzle *spec* (the same table a TOML file holds) so a random puzzle goes
through :func:`cnn_tui.quiz.puzzle.build` like any other, and the engine computes its answers.
The same seed always gives the same puzzles.
"""

from __future__ import annotations

import numpy as np

from .puzzle import Puzzle, build


def _m(rng, rows, cols, lo, hi) -> list:
    return rng.integers(lo, hi + 1, size=(rows, cols)).tolist()


def _conv_sum(rng, n):
    size = int(rng.integers(3, 5))
    return {"kind": "conv", "title": "Convolve by hand",
            "question": "Slide the kernel over the input; each output cell is the sum of the "
                        "products under the window.",
            "input": _m(rng, size, size, -2, 4), "kernel": _m(rng, 2, 2, -1, 2),
            "hints": ["Start at the top-left: multiply each overlapping pair, then add.",
                      "The output has (input side - 1) cells per side for a 2x2 kernel."]}


def _conv_mean(rng, n):
    pic = rng.choice([-1, 1], size=(4, 4)).astype(int).tolist()
    feat = rng.choice([-1, 1], size=(3, 3)).astype(int).tolist()
    return {"kind": "conv", "title": "Filter a picture", "mode": "mean",
            "question": "Filter the picture with the feature as the lecture does: multiply, add, "
                        "then divide by the 9 pixels of the feature.",
            "input": pic, "kernel": feat,
            "hints": ["Each product is +1 where the pixels agree and -1 where they differ.",
                      "(agreements - disagreements) / 9: a fraction such as 5/9 is fine."]}


def _conv_stride_pad(rng, n):
    return {"kind": "conv", "title": "Stride and padding",
            "question": "Pad the input with one ring of zeros, then move the kernel two cells "
                        "at a time.",
            "input": _m(rng, 4, 4, -1, 3), "kernel": _m(rng, 2, 2, -1, 2),
            "padding": 1, "stride": 2,
            "hints": ["The padded input is 6x6; windows start at rows and columns 0, 2, 4.",
                      "Padded cells are 0: they add nothing to the sum."]}


def _conv1d(rng, n):
    length = int(rng.integers(5, 8))
    return {"kind": "conv", "title": "A 1D convolution",
            "question": "Slide the 3-tap kernel along the sequence and add the products.",
            "input": rng.integers(-2, 5, size=length).tolist(),
            "kernel": rng.integers(-1, 3, size=3).tolist(),
            "hints": ["A sequence of n values and a 3-tap kernel give n - 2 outputs."]}


def _relu(rng, n):
    return {"kind": "relu", "title": "ReLU",
            "question": "Apply ReLU: keep positive values, replace negative ones with 0.",
            "input": _m(rng, 3, 3, -5, 5),
            "hints": ["max(0, v) for every cell."]}


def _max_pool(rng, n):
    return {"kind": "pool", "title": "Max pooling with a ragged border", "op": "max",
            "question": "Max pool with a 2x2 window and stride 2, keeping the partial windows at "
                        "the right and bottom border.",
            "input": _m(rng, 5, 5, -4, 9),
            "hints": ["A 5x5 input gives 3x3: the last row and column of windows are partial.",
                      "A partial window takes the largest of the pixels it does cover."]}


def _avg_pool(rng, n):
    return {"kind": "pool", "title": "Average pooling", "op": "avg",
            "question": "Average pool with a 2x2 window and stride 2 (partial border windows "
                        "divide by the pixels they cover).",
            "input": _m(rng, 3, 4, 0, 8),
            "hints": ["A full window divides by 4; a window of the last row covers only 2 pixels."]}


def indefinite_article(n: int) -> str:
    """'a' or 'an' before the number ``n`` read aloud: an 8, an 11, an 18, an 80, an 11000."""
    digits = str(abs(int(n)))
    if digits.startswith("8"):
        return "an"  # eight, eighty, eight hundred, eight thousand...
    if len(digits) % 3 == 2 and digits[:2] in ("11", "18"):
        return "an"  # eleven, eighteen, eleven thousand, eighteen million...
    return "a"


def _output_size(rng, n):
    size = int(rng.integers(6, 17))
    k = int(rng.choice([2, 3, 5]))
    p = int(rng.integers(0, 3))
    return {"kind": "output_size", "title": "Output sizes",
            "question": f"{indefinite_article(size).capitalize()} {size}x{size} input, "
                        f"{indefinite_article(k)} {k}x{k} kernel and padding {p}: how many "
                        f"outputs per side for each stride?",
            "n": size, "kernel": k, "padding": p, "stride": [1, 2, 3],
            "hints": ["floor((n + 2 x padding - kernel) / stride) + 1."]}


def _params(rng, n):
    a, b, c = (int(v) for v in rng.integers(2, 30, size=3))
    f, k = int(rng.integers(2, 17)), int(rng.choice([3, 5]))
    return {"kind": "params", "title": "Count the parameters",
            "question": f"How many parameters: an MLP {a} -> {b} -> {c} -> 1 with biases, and a "
                        f"convolution layer of {f} filters of {k}x{k} on 3 channels with biases?",
            "items": [{"layer": "mlp", "sizes": [a, b, c, 1], "label": "MLP"},
                      {"layer": "conv", "in_channels": 3, "filters": f, "kernel": k,
                       "label": "conv"}],
            "hints": ["A dense layer has (inputs + 1) x outputs parameters.",
                      "A filter has channels x k x k weights and one bias."]}


def _vote(rng, n):
    vec = [round(float(v), 2) for v in rng.integers(0, 101, size=12) / 100]
    return {"kind": "vote", "title": "Votes",
            "question": "Each category's vote is the mean of the values at its strong "
                        "positions (X: 0, 3, 4, 9, 10; O: 1, 2, 8, 11). What are the two votes?",
            "vector": vec,
            "hints": ["Positions count from 0 at the left."]}


GENERATORS = (_conv_sum, _conv_mean, _relu, _max_pool, _avg_pool, _output_size, _params, _vote,
              _conv1d, _conv_stride_pad)


def random_puzzles(seed: int | None = None, count: int | None = None) -> list[Puzzle]:
    """``count`` puzzles (default: one of every kind), reproducible with ``seed``."""
    rng = np.random.default_rng(seed)
    count = len(GENERATORS) if count is None else count
    out = []
    for i in range(count):
        gen = GENERATORS[i % len(GENERATORS)]
        spec = gen(rng, i)
        spec.update({"id": f"random-{i + 1:02d}", "order": i + 1})
        spec["title"] = f"{spec['title']} (random)"
        out.append(build(spec))
    return out
