"""Data sets to train a network on: generated X's and O's, and scikit-learn's handwritten digits.

Both come as a :class:`Dataset`: float32 pictures ``x`` of shape ``(N, 1, H, W)``, int64 labels
``y`` (indices into ``classes``), a training split and a held-out split, all fixed by a seed.

**X's and O's** (:func:`xo`, ``(1, 9, 9)``, classes ``("X", "O")``): pictures like the lecture's,
+1 for ink and -1 for paper, drawn at random by :func:`draw_xo`. Each shape is a distance field
(two strokes crossing at their middles for an X, an ellipse for an O) with a random position
(half of them centred on a pixel, as pixel art is), size, aspect, rotation (up to 45 degrees
for an X: a plus sign) and pen width (thin more often than heavy). It is rasterised with 4x4
samples per pixel (anti-aliased coverage from 0 to 1), Gaussian noise (0.08) is added, the
coverage is thresholded at 0.35 (so one-pixel strokes between pixel centres stay joined), and
0.3 % of pixels are flipped. Pictures with fewer than 5 ink pixels are dropped. The split is
2,000 training and 500 validation pictures by default, half X's and half O's in each. The
lesson's 18 pictures (``lecture.data.VARIANTS``) are kept apart as the *lecture test set*
(``Dataset.lesson``): no generated picture identical to one of them is kept, nor any picture
drawn both as an X and as an O, and no validation picture is identical to a training picture
(so validation measures pictures never seen).

**Digits** (:func:`digits`, ``(1, 8, 8)``, classes ``"0"`` to ``"9"``): the 1,797 8x8 pictures
that ship inside scikit-learn (``sklearn.datasets.load_digits``; no network access), values
0-16 scaled to [-1, 1] (paper -1, ink +1: the lecture's convention, and zero-centred inputs
train faster than [0, 1]). The split is stratified by hand: 20 % of each digit, chosen with the
seed, is the test set. scikit-learn is the optional extra ``digits``; without it,
:func:`digits` raises :class:`MissingExtraError` whose one line says how to install it.

NumPy only, no UI: the command line and the app's training chapter share these.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_tui.lecture.data import VARIANTS

NAMES = ("xo", "digits")
XO_CLASSES = ("X", "O")
DIGIT_CLASSES = tuple(str(d) for d in range(10))
XO_SHAPE = (1, 9, 9)
DIGITS_SHAPE = (1, 8, 8)
SIDE = 9
SUPERSAMPLE = 4          # samples per pixel along each axis
NOISE = 0.08             # standard deviation of the noise added to the coverage
THRESHOLD = 0.35         # coverage above this is ink: thin strokes stay joined
OVERHANG = 0.3           # how far (pixels) a stroke's middle may reach past the border
PEN = (0.4, 1.1)         # pen half-widths, pixels: from the lecture's thin X to a heavy one
SNAP = 0.5               # the share of shapes centred on a pixel, as pixel art is
FLIP = 0.003             # chance that a pixel is flipped after thresholding
MIN_INK = 5              # fewer ink pixels than this is no picture
MAX_PICTURES = 1_000_000
INSTALL_HINT = "pip install 'cnn-tui[digits]'"


class DatasetError(ValueError):
    """A data set that cannot be made: a bad setting or a missing package (one sentence)."""


class MissingExtraError(DatasetError):
    """The data set needs an optional package that is not installed."""


@dataclass(frozen=True)
class Lesson:
    """The lecture's 18 pictures as a test set: ``x`` ``(18, 1, 9, 9)``, ``y``, ``names``."""

    x: np.ndarray
    y: np.ndarray
    names: tuple[str, ...]
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """A training split and a held-out split of one data set.

    ``x_*`` are float32 ``(N, *input_shape)``; ``y_*`` int64 class indices into ``classes``.
    ``val_name`` says what the held-out split is called ("validation" or "test");
    ``lesson`` is the lecture test set (X's and O's only, else None).
    """

    name: str
    title: str
    classes: tuple[str, ...]
    input_shape: tuple[int, ...]
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    val_name: str = "validation"
    lesson: Lesson | None = None
    seed: int = 0

    @property
    def num_classes(self) -> int:
        return len(self.classes)


def _check_seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed < 2 ** 32:
        raise DatasetError(f"the seed must be a whole number from 0 to {2 ** 32 - 1}, got "
                           f"{seed!r}")
    return int(seed)


def _check_count(n, what: str, minimum: int) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) \
            or not minimum <= n <= MAX_PICTURES:
        raise DatasetError(f"the number of {what} pictures must be a whole number from "
                           f"{minimum} to {MAX_PICTURES:,}, got {n!r}")
    return int(n)


# --- drawing X's and O's ------------------------------------------------------------------------
def _sample_points(side: int = SIDE, ss: int = SUPERSAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """Column and row of every sample point, float32 ``(side*side*ss*ss,)`` each, ordered pixel
    by pixel (row-major), the ``ss*ss`` samples of one pixel together. Pixel (r, c) covers
    ``[c - 0.5, c + 0.5] x [r - 0.5, r + 0.5]``."""
    offsets = (np.arange(ss) + 0.5) / ss - 0.5
    r, c, i, j = np.meshgrid(np.arange(side), np.arange(side), offsets, offsets, indexing="ij")
    return (c + j).ravel().astype(np.float32), (r + i).ravel().astype(np.float32)


def _col(v: np.ndarray) -> np.ndarray:
    """A per-shape value as a float32 column ``(N, 1)``, to broadcast against the points."""
    return v.astype(np.float32)[:, None]


def _near_segment(px, py, cx, cy, ux, uy, half, pen):
    """Which points ``(px, py)`` ``(M,)`` lie within ``pen`` of the segment centred at
    ``(cx, cy)`` with unit direction ``(ux, uy)`` and half-length ``half`` (each ``(N, 1)``):
    bool ``(N, M)``. Squared distances, float32: no square roots."""
    dx = px - cx
    dy = py - cy
    t = dx * ux
    t += dy * uy
    np.clip(t, -half, half, out=t)
    dx -= t * ux
    dy -= t * uy
    dx *= dx
    dy *= dy
    dx += dy
    return dx <= pen * pen


def _near_ellipse(px, py, cx, cy, a, b, cos, sin, pen):
    """Which points lie within ``pen`` of the ellipse of radii ``a``, ``b`` turned by the angle
    of cosine ``cos`` and sine ``sin`` (each ``(N, 1)``): bool ``(N, M)``.

    The distance is Sampson's first-order one, ``|f - 1| / |grad f|`` with
    ``f = |(qx / a, qy / b)|``: exact for a circle, close for the ovals drawn here; compared
    squared, as ``(f - 1)^2 f^2 <= pen^2 (qx^2 / a^4 + qy^2 / b^4)``.
    """
    dx = px - cx
    dy = py - cy
    qx = cos * dx + sin * dy
    qy = cos * dy - sin * dx
    qx2 = qx * qx
    qy2 = qy * qy
    ia2, ib2 = 1 / (a * a), 1 / (b * b)
    f2 = qx2 * ia2 + qy2 * ib2
    grad2 = qx2 * (ia2 * ia2) + qy2 * (ib2 * ib2)
    f = np.sqrt(f2)
    f -= 1
    f *= f
    f *= f2
    return f <= (pen * pen) * grad2


def _place(rng, n, extent_x, extent_y, side=SIDE):
    """Centres ``(N, 1)`` that keep a shape of half-extents ``extent_*`` (centre to the
    middle of its strokes) in the picture, up to :data:`OVERHANG` pixels beyond its edge; a
    shape too big to move sits in the middle."""
    mid = (side - 1) / 2
    snap = rng.random(n) < SNAP
    out = []
    for ext in (extent_x, extent_y):
        slack = np.maximum(mid + OVERHANG - ext, 0.0)
        centre = mid + rng.uniform(-1, 1, n) * slack
        out.append(_col(np.where(snap, np.round(centre), centre)))
    return out


def _pen(rng, n, cap):
    """Pen half-widths: thin (about the lecture's one-pixel strokes) more often than heavy,
    at most ``cap`` (so that small shapes keep their holes and arms)."""
    return np.minimum(PEN[0] + (PEN[1] - PEN[0]) * rng.random(n) ** 2, cap)


def _draw_x(rng, n, px, py):
    """Sample points inside ``n`` random X's (bool ``(n, M)``): two strokes crossing at their
    middles, of random length, spread, turn (45 degrees makes a plus sign) and pen."""
    half = rng.uniform(2.7, 5.8, n)                       # half a stroke's length
    spread = np.deg2rad(rng.uniform(35, 55, n))           # each stroke's angle off the axis
    turn = np.deg2rad(rng.uniform(-45, 45, n))
    pen = _col(_pen(rng, n, 0.2 * half))
    a1, a2 = turn + spread, turn - spread
    ext_x = half * np.maximum(np.abs(np.cos(a1)), np.abs(np.cos(a2)))
    ext_y = half * np.maximum(np.abs(np.sin(a1)), np.abs(np.sin(a2)))
    cx, cy = _place(rng, n, ext_x, ext_y)
    h = _col(half)
    inside = _near_segment(px, py, cx, cy, _col(np.cos(a1)), _col(np.sin(a1)), h, pen)
    inside |= _near_segment(px, py, cx, cy, _col(np.cos(a2)), _col(np.sin(a2)), h, pen)
    return inside


def _draw_o(rng, n, px, py):
    """Sample points inside ``n`` random O's (bool ``(n, M)``): circles and ovals of random
    radii, turn and pen."""
    a = rng.uniform(1.8, 4.3, n)
    b = np.clip(a * np.exp(rng.uniform(-0.75, 0.75, n)), 1.8, 4.3)
    theta = rng.uniform(0, math.pi, n)
    pen = _col(_pen(rng, n, 0.25 * np.minimum(a, b)))
    # Half-extents of the turned ellipse's bounding box.
    ext_x = np.hypot(a * np.cos(theta), b * np.sin(theta))
    ext_y = np.hypot(a * np.sin(theta), b * np.cos(theta))
    cx, cy = _place(rng, n, ext_x, ext_y)
    return _near_ellipse(px, py, cx, cy, _col(a), _col(b), _col(np.cos(theta)),
                         _col(np.sin(theta)), pen)


def draw_xo(labels, rng: np.random.Generator) -> np.ndarray:
    """Random pictures of the given labels (0 = X, 1 = O): ``(N, 9, 9)`` int8 of +1/-1.

    Anti-aliased coverage (the fraction of a pixel's 4x4 samples inside the stroke) plus
    Gaussian noise, thresholded at :data:`THRESHOLD`; then each pixel flips with the chance
    :data:`FLIP`. Pictures
    with fewer than :data:`MIN_INK` ink pixels are left as drawn (the caller filters).
    """
    labels = np.asarray(labels)
    n = labels.shape[0]
    px, py = _sample_points()
    inside = np.zeros((n, px.shape[0]), dtype=bool)
    for label, draw in ((0, _draw_x), (1, _draw_o)):
        idx = np.flatnonzero(labels == label)
        if idx.size:
            inside[idx] = draw(rng, idx.size, px, py)
    ss2 = SUPERSAMPLE * SUPERSAMPLE
    coverage = inside.reshape(n, SIDE, SIDE, ss2).mean(axis=3)
    ink = coverage + rng.normal(0.0, NOISE, coverage.shape) > THRESHOLD
    ink ^= rng.random(ink.shape) < FLIP
    return np.where(ink, 1, -1).astype(np.int8)


def _keys(pictures: np.ndarray) -> list[bytes]:
    """One bytes key per picture (to find identical pictures)."""
    flat = np.ascontiguousarray(pictures.reshape(pictures.shape[0], -1) > 0)
    return [row.tobytes() for row in np.packbits(flat, axis=1)]


def lesson_set() -> Lesson:
    """The lecture's 18 pictures (``lecture.data.VARIANTS``) as float32 ``(18, 1, 9, 9)``."""
    x = np.stack([v.image for v in VARIANTS]).astype(np.float32)[:, None]
    y = np.array([XO_CLASSES.index(v.label) for v in VARIANTS], dtype=np.int64)
    return Lesson(x, y, tuple(v.name for v in VARIANTS), tuple(v.kind for v in VARIANTS))


def xo(seed: int = 0, n_train: int = 2000, n_val: int = 500) -> Dataset:
    """Generated X's and O's: ``n_train`` training and ``n_val`` validation pictures (each
    half X's, half O's; an odd count gets one X more), fixed by ``seed``.

    Kept out: pictures with fewer than :data:`MIN_INK` ink pixels, pictures identical to one of
    the lesson's 18 (the lecture test set), pictures drawn both as an X and as an O, and
    validation pictures identical to a training picture.
    """
    seed = _check_seed(seed)
    n_train = _check_count(n_train, "training", 2)
    n_val = _check_count(n_val, "validation", 2)
    rng = np.random.default_rng(seed)
    lesson = lesson_set()
    banned = set(_keys(lesson.x[:, 0]))
    want = {0: ((n_train + 1) // 2, (n_val + 1) // 2), 1: (n_train // 2, n_val // 2)}
    # Draw both classes in rounds until each has enough distinct-enough pictures; drawing
    # 25 % more than needed nearly always takes one round.
    pics: dict[int, list[np.ndarray]] = {0: [], 1: []}
    keys: dict[int, list[bytes]] = {0: [], 1: []}
    seen: dict[int, set[bytes]] = {0: set(), 1: set()}
    for attempt in range(101):
        need = {c: sum(want[c]) - len(keys[c]) for c in (0, 1)}
        if max(need.values()) <= 0:
            break
        if attempt == 100:  # pragma: no cover - would need a pathological drawing distribution
            raise DatasetError("could not draw enough distinct X's and O's")
        for c in (0, 1):
            if need[c] <= 0:
                continue
            batch = draw_xo(np.full(int(need[c] * 1.25) + 8, c), rng)
            ink = (batch > 0).sum(axis=(1, 2))
            for pic, key, count in zip(batch, _keys(batch), ink):
                if count >= MIN_INK and key not in banned:
                    pics[c].append(pic)
                    keys[c].append(key)
                    seen[c].add(key)
        conflict = seen[0] & seen[1]
        if conflict:                              # the same picture drawn as X and as O: ambiguous
            banned |= conflict
            for c in (0, 1):
                kept = [i for i, k in enumerate(keys[c]) if k not in conflict]
                pics[c] = [pics[c][i] for i in kept]
                keys[c] = [keys[c][i] for i in kept]
        # Validation pictures come after the training ones and must not repeat any of them.
        for c in (0, 1):
            n_tr = want[c][0]
            if len(keys[c]) <= n_tr:
                continue
            train_keys = set(keys[c][:n_tr]) | set(keys[1 - c][:want[1 - c][0]])
            kept = list(range(n_tr)) + [i for i in range(n_tr, len(keys[c]))
                                        if keys[c][i] not in train_keys]
            pics[c] = [pics[c][i] for i in kept]
            keys[c] = [keys[c][i] for i in kept]

    def split(part: int):
        xs, ys = [], []
        for c in (0, 1):
            lo = 0 if part == 0 else want[c][0]
            chosen = pics[c][lo:lo + want[c][part]]
            xs.extend(chosen)
            ys.extend([c] * len(chosen))
        order = rng.permutation(len(xs))
        x = np.stack(xs)[order].astype(np.float32)[:, None]
        return x, np.array(ys, dtype=np.int64)[order]

    x_train, y_train = split(0)
    x_val, y_val = split(1)
    return Dataset("xo", "X's and O's", XO_CLASSES, XO_SHAPE, x_train, y_train, x_val, y_val,
                   "validation", lesson, seed)


# --- handwritten digits -------------------------------------------------------------------------
def _missing() -> MissingExtraError:
    return MissingExtraError(f"the digits data set needs scikit-learn, which is not installed; "
                             f"install it with: {INSTALL_HINT}")


def _sklearn_spec():
    """scikit-learn's import spec, or None when it is not installed (nothing is imported)."""
    try:
        return importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):
        return None


def _bundled_csv(spec) -> Path | None:
    """``sklearn/datasets/data/digits.csv.gz``, the file ``load_digits()`` reads, if present."""
    for folder in spec.submodule_search_locations or ():
        path = Path(folder, "datasets", "data", "digits.csv.gz")
        if path.is_file():
            return path
    return None


def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits: pixels ``(1797, 64)`` of 0-16 and labels ``(1797,)``.

    The bundled ``digits.csv.gz`` is read directly when it is there, as ``load_digits()``
    reads it (importing scikit-learn takes about two seconds); otherwise ``load_digits()`` is
    called. Either way scikit-learn must be installed: :class:`MissingExtraError` if not.
    """
    spec = _sklearn_spec()
    if spec is None:
        raise _missing()
    path = _bundled_csv(spec)
    if path is not None:
        try:
            with gzip.open(path, "rt") as fh:
                table = np.loadtxt(fh, delimiter=",", dtype=np.float64)
        except (OSError, ValueError, EOFError):
            table = None                        # let scikit-learn read it its own way
        if table is not None and table.shape == (1797, 65):
            return table[:, :64], table[:, 64].astype(np.int64)
    try:
        load_digits = importlib.import_module("sklearn.datasets").load_digits
    except ImportError:
        raise _missing() from None
    bunch = load_digits()
    return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64)


def stratified_split(labels: np.ndarray, fraction: float, rng: np.random.Generator):
    """Indices ``(train, held_out)``: ``round(fraction * count)`` of each class held out, chosen
    by ``rng``; both sorted then shuffled by ``rng``."""
    labels = np.asarray(labels)
    held = []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        k = round(fraction * idx.size)
        held.append(rng.permutation(idx)[:k])
    held_out = np.sort(np.concatenate(held)) if held else np.zeros(0, dtype=np.int64)
    mask = np.ones(labels.shape[0], dtype=bool)
    mask[held_out] = False
    train = np.flatnonzero(mask)
    return rng.permutation(train), rng.permutation(held_out)


def digits(seed: int = 0, test_fraction: float = 0.2) -> Dataset:
    """scikit-learn's handwritten digits, scaled to [-1, 1], ``(1, 8, 8)``, 10 classes; a
    stratified ``test_fraction`` of each digit, chosen by ``seed``, is the test split.

    Raises :class:`MissingExtraError` when scikit-learn is not installed.
    """
    seed = _check_seed(seed)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)) \
            or not 0.05 <= test_fraction <= 0.95:
        raise DatasetError(f"the test fraction must be from 0.05 to 0.95, got {test_fraction!r}")
    pixels, labels = _digits_arrays()
    x = (pixels / 8.0 - 1.0).astype(np.float32).reshape(-1, *DIGITS_SHAPE)
    train, test = stratified_split(labels, float(test_fraction), np.random.default_rng(seed))
    return Dataset("digits", "handwritten digits", DIGIT_CLASSES, DIGITS_SHAPE,
                   x[train], labels[train], x[test], labels[test], "test", None, seed)


def load(name: str, seed: int = 0) -> Dataset:
    """The data set ``name`` (``"xo"`` or ``"digits"``) with its default sizes."""
    if name == "xo":
        return xo(seed)
    if name == "digits":
        return digits(seed)
    raise DatasetError(f"unknown data set {name!r}; choose one of {', '.join(NAMES)}")


def classes_for(num_outputs: int) -> tuple[str, ...]:
    """Class names for a model with ``num_outputs`` outputs: 2 -> X, O; 10 -> the digits
    0-9; otherwise "0", "1", ... (model files store no class names)."""
    if num_outputs == len(XO_CLASSES):
        return XO_CLASSES
    return tuple(str(i) for i in range(num_outputs))
