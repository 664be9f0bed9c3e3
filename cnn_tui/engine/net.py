"""Trainable networks: built from a spec string, trained with ``loss_and_grads`` and an optimiser.

The spec lists layers separated by commas (case and extra spaces do not matter)::

    conv F K [stride S] [pad P]   F filters of K x K (stride 1, padding 0 by default)
    relu
    maxpool K [stride S]          floor mode, as PyTorch; the stride defaults to the window K
    avgpool K [stride S]          floor mode; every window lies inside the input
    flatten
    dense N                       N outputs

The lecture's network is ``conv 8 3, relu, conv 8 3, relu, maxpool 2, flatten, dense 32, relu,
dense 2``. The input of one example is ``(C, H, W)`` (also ``(C, L)`` or ``(C, D, H, W)``: the
kernel and the window are K wide along every spatial axis) or a flat ``(D,)`` vector.

Decisions (each refused with an :class:`EngineError` of one sentence):

* ``dense`` needs a flat input: a ``dense`` layer that would get maps is refused with a hint to
  put ``flatten`` before it (no auto-flatten), so that layer indices, and with them the parameter
  names, stay those of the same ``nn.Sequential`` in PyTorch. ``flatten`` of a flat input is
  allowed and changes nothing. ``conv`` and pooling need maps, so they must come before
  ``flatten``.
* The last layer must give a flat output: its width is the number of classes.
* A layer whose output would be empty (a kernel or window larger than its, padded, input) is
  refused, as are more than :data:`MAX_PARAMS` parameters and layers of more than ``MAX_CELLS``
  values for one example.

Parameters are ``net.params``, an ordered ``dict`` named as PyTorch's ``state_dict`` of the same
``nn.Sequential``: ``"0.weight"`` ``(F, C, K, K)`` and ``"0.bias"`` ``(F,)`` for a convolution,
``"7.weight"`` ``(out, in)`` and ``"7.bias"`` ``(out,)`` for a dense layer, by layer index.
Writing into these arrays (``net.params["0.weight"][...] = w``, or an optimiser's in-place
step) changes the network; replacing one with an array of another shape or dtype is refused
at the next call. They start as PyTorch's default initialisation of ``nn.Conv2d`` and
``nn.Linear`` (Kaiming-uniform with ``a = sqrt(5)``): weights and biases uniform in
``[-1/sqrt(fan_in), 1/sqrt(fan_in))``, ``fan_in`` being ``C*K*K`` or ``in``, drawn from
``numpy.random.default_rng(seed)`` in float64, layer by layer, weight then bias, then rounded
to the network's dtype (so the float32 and float64 networks of one seed agree to rounding).

Dtypes: float32 by default, float64 on request; parameters, activations, logits and gradients
are all in that dtype, and inputs are converted to it. Every pass is vectorised over the batch:
the layers call the engine's column-GEMM convolution core and strided NumPy slices with
geometry worked out once, when the network is built.

Model files (:meth:`Network.save`, :meth:`Network.load`, :meth:`Network.to_bytes`,
:meth:`Network.from_bytes`): one ``.npz`` archive (``np.savez``, uncompressed) holding only
arrays, read with pickling off:

* ``format_version``: 0-d int64, :data:`FORMAT_VERSION`
* ``spec``: 0-d unicode, the canonical spec (``net.spec``)
* ``input_shape``: 1-d int64, the shape of one example
* ``dtype``: 0-d unicode, ``"float32"`` or ``"float64"``
* ``param:<name>``: each parameter, e.g. ``param:0.weight``

A file that is missing, too large, not a zip archive, truncated or damaged, a foreign ``npz``,
one holding Python objects (pickles), of an unknown format version, with an invalid spec, with
missing, extra, wrongly shaped or wrongly typed arrays, or with NaN or infinite parameters is
refused with a :class:`ModelFileError` of one sentence. Every array's header is checked
before its data is read, so no file can make the loader allocate more than it holds.
"""

from __future__ import annotations

import difflib
import io
import math
import os
import re
import secrets
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np

from .conv import _backward as _conv_core_backward
from .conv import _forward as _conv_core_forward
from .conv import geometry, pad
from .loss import _log_softmax, _softmax_cross_entropy, check_labels
from .shapes import MAX_CELLS, MAX_SETTING, EngineError

FORMAT_VERSION = 1
MAX_PARAMS = 10_000_000          # 40 MB of float32, 80 MB of float64: a model file stays loadable
MAX_LAYERS = 100
MAX_SPEC_CHARS = 10_000
MAX_MODEL_BYTES = 200_000_000    # model files larger than this are refused before reading
DTYPES = ("float32", "float64")
KINDS = ("conv", "relu", "maxpool", "avgpool", "flatten", "dense")

_USAGE = {
    "conv": "conv F K [stride S] [pad P]",
    "relu": "relu",
    "maxpool": "maxpool K [stride S]",
    "avgpool": "avgpool K [stride S]",
    "flatten": "flatten",
    "dense": "dense N",
}
_NUMBERS = {  # what each layer's numbers mean, in order
    "conv": ("a number of filters", "a kernel size"),
    "relu": (),
    "maxpool": ("a window size",),
    "avgpool": ("a window size",),
    "flatten": (),
    "dense": ("a number of outputs",),
}
_OPTIONS = {"conv": ("stride", "pad"), "maxpool": ("stride",), "avgpool": ("stride",)}
_DIGITS = re.compile(r"[0-9]+")
_META = ("format_version", "spec", "input_shape", "dtype")
_PREFIX = "param:"


class ModelFileError(EngineError):
    """A model file that cannot be loaded: missing, damaged, foreign or not what it claims."""


# --- the spec -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerSpec:
    """One parsed layer: ``kind`` and its numbers (``size``: filters or outputs; ``kernel``:
    the kernel or window side; ``stride``; ``pad``)."""

    kind: str
    size: int = 0
    kernel: int = 0
    stride: int = 1
    pad: int = 0

    @property
    def text(self) -> str:
        """The layer in canonical spec form, e.g. ``conv 8 3 stride 2`` or ``maxpool 2``."""
        if self.kind == "conv":
            text = f"conv {self.size} {self.kernel}"
            if self.stride != 1:
                text += f" stride {self.stride}"
            if self.pad:
                text += f" pad {self.pad}"
            return text
        if self.kind in ("maxpool", "avgpool"):
            text = f"{self.kind} {self.kernel}"
            return text if self.stride == self.kernel else f"{text} stride {self.stride}"
        if self.kind == "dense":
            return f"dense {self.size}"
        return self.kind


def _show(text: str, limit: int = 40) -> str:
    """User text fit for a message: printable and at most ``limit`` characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _number(token: str, where: str, what: str, minimum: int) -> int:
    if not _DIGITS.fullmatch(token):
        raise EngineError(f"{where}: {what} must be a whole number of at least {minimum}, got "
                          f"'{_show(token, 20)}'")
    if len(token) > 7 or int(token) > MAX_SETTING:
        raise EngineError(f"{where}: {what} must be at most {MAX_SETTING:,}, got "
                          f"{_show(token, 20)}")
    value = int(token)
    if value < minimum:
        raise EngineError(f"{where}: {what} must be at least {minimum}, got {value}")
    return value


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _parse_layer(index: int, words: list[str], text: str) -> LayerSpec:
    kind = words[0].lower()
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f", did you mean '{close[0]}'" if close else ""
        raise EngineError(f"unknown layer '{_show(words[0], 20)}' (layer {index}){hint}; the "
                          f"layers are conv, relu, maxpool, avgpool, flatten and dense")
    where = f"'{_show(text)}' (layer {index})"
    usage = _USAGE[kind]
    needs = _NUMBERS[kind]
    args = [w.lower() for w in words[1:]]
    if len(args) < len(needs) or any(a in _OPTIONS.get(kind, ()) for a in args[:len(needs)]):
        raise EngineError(f"{where} needs {_and(needs)}: {usage}")
    numbers = [_number(a, where, what, 1) for a, what in zip(args, needs)]
    rest = args[len(needs):]
    if rest and kind not in _OPTIONS:
        what = "no numbers" if not needs else f"only {_and(needs)}"
        raise EngineError(f"{where} takes {what}: {usage}")
    options: dict[str, int] = {}
    for j in range(0, len(rest), 2):
        name = rest[j]
        if name not in _OPTIONS[kind]:
            takes = " and ".join(f"'{o} {o[0].upper()}'" for o in _OPTIONS[kind])
            if _DIGITS.fullmatch(name):
                raise EngineError(f"{where} has one number too many: {usage}")
            raise EngineError(f"{where} has an unknown option '{_show(name, 20)}'; {kind} takes "
                              f"{takes}")
        if name in options:
            raise EngineError(f"{where} gives {name} twice")
        if j + 1 >= len(rest):
            raise EngineError(f"{where}: {name} needs a number after it: {usage}")
        options[name] = _number(rest[j + 1], where, name, 0 if name == "pad" else 1)
    if kind == "conv":
        return LayerSpec("conv", numbers[0], numbers[1], options.get("stride", 1),
                         options.get("pad", 0))
    if kind in ("maxpool", "avgpool"):
        return LayerSpec(kind, 0, numbers[0], options.get("stride", numbers[0]), 0)
    if kind == "dense":
        return LayerSpec("dense", numbers[0])
    return LayerSpec(kind)


def parse_spec(spec: str) -> tuple[LayerSpec, ...]:
    """The layers of a spec string (grammar in the module's docstring), or an EngineError.

    Only the grammar is checked here; whether the layers fit an input is checked by
    :meth:`Network.from_spec`.
    """
    if not isinstance(spec, str):
        raise EngineError(f"the network spec must be text, got {type(spec).__name__}")
    if len(spec) > MAX_SPEC_CHARS:
        raise EngineError(f"the network spec is {len(spec):,} characters long, more than the "
                          f"{MAX_SPEC_CHARS:,} allowed")
    if not spec.strip():
        raise EngineError("the network spec is empty; write layers separated by commas, e.g. "
                          "'conv 8 3, relu, flatten, dense 2'")
    parts = spec.split(",")
    if len(parts) > MAX_LAYERS:
        raise EngineError(f"the network spec has {len(parts)} layers, more than the "
                          f"{MAX_LAYERS} allowed")
    layers = []
    for index, part in enumerate(parts):
        words = part.split()
        if not words:
            raise EngineError(f"layer {index} of the network spec is empty; remove the extra "
                              f"comma")
        layers.append(_parse_layer(index, words, " ".join(words)))
    return tuple(layers)


# --- the layers at run time -------------------------------------------------------------------
def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


class _Layer:
    """A layer with its shapes resolved: ``forward`` returns ``(y, cache)``; ``backward``
    returns ``(dx or None, parameter gradients)``. No checks run in either: the network checks
    its input and parameters once per call."""

    params: tuple[tuple[str, tuple[int, ...]], ...] = ()
    fan_in = 0

    def __init__(self, index: int, spec: LayerSpec, in_shape: tuple[int, ...]):
        self.index = index
        self.spec = spec
        self.in_shape = in_shape
        self.where = f"'{spec.text}' (layer {index})"
        self.out_shape = in_shape
        self.cells = math.prod(in_shape)

    def _needs_maps(self) -> None:
        if len(self.in_shape) < 2:
            raise EngineError(f"{self.where} needs maps (channels, height, width) but gets a "
                              f"flat vector of {self.in_shape[0]} values; put it before "
                              f"'flatten'")


class _Conv(_Layer):
    def __init__(self, index, spec, in_shape):
        super().__init__(index, spec, in_shape)
        self._needs_maps()
        c, spatial = in_shape[0], in_shape[1:]
        f, k, nd, p = spec.size, spec.kernel, len(spatial), spec.pad
        padded = tuple(n + 2 * p for n in spatial)
        if min(padded) < k:
            padding = f" padded to {_dims(padded)}" if p else ""
            raise EngineError(f"{self.where} would give an empty output: its {_dims((k,) * nd)} "
                              f"kernel is larger than its {_dims(spatial)} input{padding}; use a "
                              f"smaller kernel or more padding")
        self.g = geometry(spatial, (k,) * nd, spec.stride, p)
        self.f = f
        self.out_shape = (f,) + self.g.out_shape
        self.w_shape = (f, c) + (k,) * nd
        self.fan_in = c * k ** nd
        self.params = ((f"{index}.weight", self.w_shape), (f"{index}.bias", (f,)))
        self.cells = max(self.cells, c * math.prod(padded), math.prod(self.out_shape))
        self.sum_axes = (0,) + tuple(range(2, 2 + nd))
        self.bias_shape = (1, f) + (1,) * nd
        self.crop = (slice(None), slice(None)) + tuple(slice(p, p + n) for n in spatial)

    def forward(self, x, w, b):
        xp = pad(x, self.g.padding) if self.spec.pad else x
        y = _conv_core_forward(xp, w.reshape(self.f, -1), self.g)
        y += b.reshape(self.bias_shape)
        return y, xp

    def backward(self, dy, xp, need_dx, w, b):
        dxp, dw2 = _conv_core_backward(dy, xp, w.reshape(self.f, -1), self.g)
        db = dy.sum(axis=self.sum_axes)
        dx = None
        if need_dx:
            dx = dxp[self.crop] if self.spec.pad else dxp
        return dx, (dw2.reshape(self.w_shape), db)


class _Pool(_Layer):
    """Max or average pooling in floor mode without padding: every window lies inside the
    input, so the average always divides by ``K**nd``."""

    def __init__(self, index, spec, in_shape):
        super().__init__(index, spec, in_shape)
        self._needs_maps()
        spatial = in_shape[1:]
        k, s, nd = spec.kernel, spec.stride, len(spatial)
        if min(spatial) < k:
            raise EngineError(f"{self.where} would give an empty output: its {_dims((k,) * nd)} "
                              f"window is larger than its {_dims(spatial)} input; use a smaller "
                              f"window")
        out = tuple((n - k) // s + 1 for n in spatial)
        self.out_shape = (in_shape[0],) + out
        self.size = k ** nd
        # One strided slice per window offset: tap j of every window at once.
        self.taps = [(Ellipsis,) + tuple(slice(o, o + s * (m - 1) + 1, s)
                                         for o, m in zip(offs, out))
                     for offs in product(range(k), repeat=nd)]
        self.is_max = spec.kind == "maxpool"

    def forward(self, x):
        taps = self.taps
        y = x[taps[0]].copy()
        combine = np.maximum if self.is_max else np.add
        for sl in taps[1:]:
            combine(y, x[sl], out=y)
        if self.is_max:
            return y, (x, y)
        y /= self.size
        return y, x

    def backward(self, dy, cache, need_dx):
        if not need_dx:
            return None, ()
        if not self.is_max:
            dx = np.zeros(cache.shape, dtype=dy.dtype)
            share = dy / self.size
            for sl in self.taps:
                dx[sl] += share
            return dx, ()
        # Each window's gradient goes to its first maximum in C order (as max_pool_backward).
        x, y = cache
        dx = np.zeros(x.shape, dtype=dy.dtype)
        free = np.ones(y.shape, dtype=bool)        # windows whose maximum is not found yet
        zero = dy.dtype.type(0)
        for sl in self.taps:
            hit = x[sl] == y
            hit &= free
            dx[sl] += np.where(hit, dy, zero)
            free &= ~hit
        return dx, ()


class _Relu(_Layer):
    def forward(self, x):
        y = np.maximum(x, 0)
        return y, y

    def backward(self, dy, y, need_dx):
        return (np.where(y > 0, dy, dy.dtype.type(0)) if need_dx else None), ()


class _Flatten(_Layer):
    def __init__(self, index, spec, in_shape):
        super().__init__(index, spec, in_shape)
        self.out_shape = (math.prod(in_shape),)

    def forward(self, x):
        return x.reshape(x.shape[0], -1), None

    def backward(self, dy, cache, need_dx):
        return (dy.reshape((dy.shape[0],) + self.in_shape) if need_dx else None), ()


class _Dense(_Layer):
    def __init__(self, index, spec, in_shape):
        super().__init__(index, spec, in_shape)
        if len(in_shape) != 1:
            raise EngineError(f"{self.where} needs a flat input but gets maps of shape "
                              f"{in_shape}; put 'flatten' before it")
        self.out_shape = (spec.size,)
        self.fan_in = in_shape[0]
        self.params = ((f"{index}.weight", (spec.size, in_shape[0])),
                       (f"{index}.bias", (spec.size,)))
        self.cells = max(self.cells, spec.size)

    def forward(self, x, w, b):
        y = x @ w.T
        y += b
        return y, x

    def backward(self, dy, x, need_dx, w, b):
        dx = dy @ w if need_dx else None
        return dx, (dy.T @ x, dy.sum(axis=0))


_LAYERS = {"conv": _Conv, "relu": _Relu, "maxpool": _Pool, "avgpool": _Pool,
           "flatten": _Flatten, "dense": _Dense}


# --- argument checks --------------------------------------------------------------------------
def _input_shape(shape) -> tuple[int, ...]:
    usage = "input_shape must be (channels, height, width), (channels, length), " \
            "(channels, depth, height, width) or (features,)"
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise EngineError(f"{usage}, got {shape!r}")
    dims = tuple(shape)
    if not 1 <= len(dims) <= 4:
        raise EngineError(f"{usage}, got {len(dims)} numbers")
    for n in dims:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise EngineError(f"input_shape must hold whole numbers, got {n!r}")
        if not 1 <= n <= MAX_SETTING:
            raise EngineError(f"every size in input_shape must be from 1 to {MAX_SETTING:,}, "
                              f"got {n}")
    dims = tuple(int(n) for n in dims)
    if math.prod(dims) > MAX_CELLS:
        raise EngineError(f"one example of shape {dims} would hold {math.prod(dims):,} values, "
                          f"more than the {MAX_CELLS:,} this engine works with")
    return dims


def _dtype(dtype) -> np.dtype:
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind != "f" or dt.name not in DTYPES:
        raise EngineError(f"dtype must be float32 or float64, got {dtype!r}")
    return np.dtype(dt.name)


def _seed(seed):
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise EngineError(f"seed must be a whole number of at least 0 (or None), got {seed!r}")
    return int(seed)


@dataclass(frozen=True)
class LayerSummary:
    """One row of :meth:`Network.summary`: the layer's index (its parameter prefix), its spec
    text, its kind, the shape of its output for one example and its number of parameters."""

    index: int
    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int


# --- the network ------------------------------------------------------------------------------
class Network:
    """A feed-forward network built from a spec string; see the module's docstring.

    Build one with :meth:`from_spec` (or :meth:`load` / :meth:`from_bytes`).
    """

    def __init__(self, spec: str, input_shape, seed: int | None = 0, dtype=np.float32):
        """Same as :meth:`from_spec`."""
        self._setup(spec, input_shape, dtype)
        self._init_params(_seed(seed))

    @classmethod
    def from_spec(cls, spec: str, input_shape, seed: int | None = 0,
                  dtype=np.float32) -> Network:
        """Build the network ``spec`` for examples of ``input_shape`` (e.g. ``(1, 9, 9)``),
        with PyTorch's default initialisation drawn from ``numpy.random.default_rng(seed)``
        and everything in ``dtype`` (float32 or float64)."""
        return cls(spec, input_shape, seed, dtype)

    # build ------------------------------------------------------------------------------------
    def _setup(self, spec, input_shape, dtype) -> None:
        layers = parse_spec(spec)
        shape = _input_shape(input_shape)
        self._dtype = _dtype(dtype)
        self._input_shape = shape
        run: list[_Layer] = []
        for index, layer in enumerate(layers):
            r = _LAYERS[layer.kind](index, layer, shape)
            if r.cells > MAX_CELLS:
                raise EngineError(f"{r.where} would hold {r.cells:,} values for one example, "
                                  f"more than the {MAX_CELLS:,} this engine works with")
            run.append(r)
            shape = r.out_shape
        if len(shape) != 1:
            raise EngineError(f"the network must end with one score per class, but its last "
                              f"layer gives maps of shape {shape}; end it with 'flatten, "
                              f"dense N'")
        total = sum(math.prod(s) for r in run for _, s in r.params)
        if total > MAX_PARAMS:
            raise EngineError(f"the network would have {total:,} parameters, more than the "
                              f"{MAX_PARAMS:,} allowed; use fewer filters or outputs")
        self._layers = layers
        self._run = run
        self._spec = ", ".join(layer.text for layer in layers)
        self._shapes = {key: s for r in run for key, s in r.params}
        trainable = [i for i, r in enumerate(run) if r.params]
        self._first = trainable[0] if trainable else len(run)
        self._max_batch = max(1, MAX_CELLS // max(r.cells for r in run))
        self._params: dict[str, np.ndarray] = {}

    def _init_params(self, seed) -> None:
        rng = np.random.default_rng(seed)
        for r in self._run:
            bound = 1.0 / math.sqrt(r.fan_in) if r.params else 0.0
            for key, shape in r.params:
                self._params[key] = rng.uniform(-bound, bound, size=shape).astype(self._dtype)

    # properties -------------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters by PyTorch ``state_dict`` name; write into the arrays to change them."""
        return self._params

    @property
    def spec(self) -> str:
        """The canonical spec (defaults left out, single spaces): ``conv 8 3, relu, ...``."""
        return self._spec

    @property
    def layers(self) -> tuple[LayerSpec, ...]:
        return self._layers

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The shape of one example, without the batch axis."""
        return self._input_shape

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self._run[-1].out_shape

    @property
    def num_classes(self) -> int:
        return self._run[-1].out_shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    @property
    def num_params(self) -> int:
        return sum(math.prod(s) for s in self._shapes.values())

    @property
    def max_batch(self) -> int:
        """The largest batch one call accepts (every layer stays within ``MAX_CELLS``)."""
        return self._max_batch

    def __repr__(self) -> str:
        return (f"Network.from_spec({self._spec!r}, input_shape={self._input_shape}, "
                f"dtype={self._dtype.name})")

    def summary(self) -> list[LayerSummary]:
        """Per layer: index, spec text, kind, output shape of one example and parameter count
        (as Keras' ``model.summary()``; the total is :attr:`num_params`)."""
        return [LayerSummary(r.index, r.spec.text, r.spec.kind, r.out_shape,
                             sum(math.prod(s) for _, s in r.params)) for r in self._run]

    def copy(self) -> Network:
        """An independent network with the same spec and a copy of the parameters."""
        net = Network.__new__(Network)
        net._setup(self._spec, self._input_shape, self._dtype)
        for key, a in self._checked_params().items():
            net._params[key] = a.copy()
        return net

    # checks per call --------------------------------------------------------------------------
    def _input(self, x) -> np.ndarray:
        a = np.asarray(x)
        if a.dtype.kind not in "fiub":
            raise EngineError("the input must be numbers")
        if a.shape[1:] != self._input_shape or a.ndim != len(self._input_shape) + 1:
            want = ", ".join(["N"] + [str(n) for n in self._input_shape])
            raise EngineError(f"the input must be a batch of shape ({want}), got {a.shape}")
        n = a.shape[0]
        if n < 1:
            raise EngineError("the batch is empty; give at least one example")
        if n > self._max_batch:
            raise EngineError(f"a batch of {n:,} examples is too large for this network; use "
                              f"batches of at most {self._max_batch:,}")
        with np.errstate(over="ignore", invalid="ignore"):
            a = a.astype(self._dtype, copy=False)
        if not np.isfinite(a).all():
            raise EngineError("the input contains NaN or infinity (or numbers too large for "
                              f"{self._dtype.name})")
        return np.ascontiguousarray(a)

    def _checked_params(self) -> dict[str, np.ndarray]:
        params = self._params
        for key, shape in self._shapes.items():
            a = params.get(key)
            if not isinstance(a, np.ndarray) or a.shape != shape or a.dtype != self._dtype:
                raise EngineError(f"net.params[{key!r}] must be a {self._dtype.name} array of "
                                  f"shape {shape}; write into it (params[name][...] = values) "
                                  f"instead of replacing it")
        return params

    def _layer_params(self) -> list[tuple[np.ndarray, ...]]:
        params = self._checked_params()
        return [tuple(params[key] for key, _ in r.params) for r in self._run]

    # passes -----------------------------------------------------------------------------------
    def forward(self, x) -> np.ndarray:
        """Logits ``(N, classes)`` for a batch ``x`` of shape ``(N, *input_shape)``."""
        return self.activations(x)[-1]

    def activations(self, x) -> list[np.ndarray]:
        """Every layer's output for the batch ``x``, in order (the last one is the logits):
        the stacks of maps a lesson shows, ``(N, *summary()[i].output_shape)`` each."""
        x = self._input(x)
        outs = []
        for r, p in zip(self._run, self._layer_params()):
            x = r.forward(x, *p)[0]
            outs.append(x)
        return outs

    def predict_proba(self, x) -> np.ndarray:
        """Class probabilities ``(N, classes)``: the softmax of the logits (rows sum to 1)."""
        return np.exp(_log_softmax(self.forward(x)))

    def predict(self, x) -> np.ndarray:
        """The most likely class of each example (the first one on a tie)."""
        return np.argmax(self.forward(x), axis=1)

    def accuracy(self, x, labels) -> float:
        """The fraction of examples whose predicted class is their label."""
        logits = self.forward(x)
        y = check_labels(labels, logits.shape[0], logits.shape[1])
        return float(np.mean(np.argmax(logits, axis=1) == y))

    def loss(self, x, labels) -> float:
        """Mean softmax cross-entropy of the batch (see :mod:`cnn_tui.engine.loss`)."""
        logits = self.forward(x)
        y = check_labels(labels, logits.shape[0], logits.shape[1])
        return _softmax_cross_entropy(logits, y)[0]

    def loss_and_grads(self, x, labels) -> tuple[float, dict[str, np.ndarray]]:
        """The mean softmax cross-entropy of the batch and its gradient for every parameter,
        in a dict with the keys (and order) of :attr:`params`, in the network's dtype."""
        x = self._input(x)
        y = check_labels(labels, x.shape[0], self.num_classes)
        ps = self._layer_params()
        caches = []
        for r, p in zip(self._run, ps):
            x, cache = r.forward(x, *p)
            caches.append(cache)
        loss, d = _softmax_cross_entropy(x, y)
        found: dict[str, np.ndarray] = {}
        for i in range(len(self._run) - 1, self._first - 1, -1):
            r = self._run[i]
            d, grads = r.backward(d, caches[i], i > self._first, *ps[i])
            for (key, _), g in zip(r.params, grads):
                found[key] = g
        return loss, {key: found[key] for key in self._shapes}

    # files ------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The model file's bytes (see the module's docstring for the format)."""
        params = self._checked_params()
        arrays = {
            "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
            "spec": np.array(self._spec, dtype=str),
            "input_shape": np.array(self._input_shape, dtype=np.int64),
            "dtype": np.array(self._dtype.name, dtype=str),
        }
        for key in self._shapes:
            a = params[key]
            if not np.isfinite(a).all():
                raise EngineError(f"parameter {key!r} holds NaN or infinity (training diverged); "
                                  f"such a network cannot be saved")
            arrays[_PREFIX + key] = a
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        return buf.getvalue()

    def save(self, path) -> None:
        """Write the model file to ``path`` (exactly that name) atomically: a reader sees the
        old file or the new one, never half of one. Raises ``OSError`` when it cannot write."""
        _write_atomic(path, self.to_bytes())

    @classmethod
    def from_bytes(cls, data) -> Network:
        """The network stored in a model file's bytes, or a :class:`ModelFileError`."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ModelFileError(f"a model file is bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) > MAX_MODEL_BYTES:
            raise ModelFileError(f"the model file is {len(data):,} bytes, more than the "
                                 f"{MAX_MODEL_BYTES:,} a model file may have")
        try:
            return _read_model(cls, data)
        except ModelFileError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError,
                RuntimeError, NotImplementedError, OverflowError, TypeError, SyntaxError,
                MemoryError, UnicodeError):
            raise ModelFileError("the model file is truncated or damaged") from None

    @classmethod
    def load(cls, path) -> Network:
        """The network saved at ``path``, or a :class:`ModelFileError` of one sentence (also for
        a missing file, a folder or a file of more than :data:`MAX_MODEL_BYTES` bytes)."""
        name = os.fspath(path)
        shown = repr(_show(os.fsdecode(name), 80))
        try:
            st = os.stat(name)
            if os.path.isdir(name):
                raise ModelFileError(f"{shown} is a folder, not a model file")
            if not os.path.isfile(name):
                raise ModelFileError(f"{shown} is not a regular file, so it is not a model file")
            if st.st_size > MAX_MODEL_BYTES:
                raise ModelFileError(f"{shown} is {st.st_size:,} bytes, more than the "
                                     f"{MAX_MODEL_BYTES:,} a model file may have")
            with open(name, "rb") as fh:
                data = fh.read(MAX_MODEL_BYTES + 1)
        except ModelFileError:
            raise
        except FileNotFoundError:
            raise ModelFileError(f"there is no model file at {shown}") from None
        except OSError as e:
            raise ModelFileError(f"cannot read {shown}: {e.strerror or e}") from None
        except ValueError:                      # e.g. a NUL character in the name
            raise ModelFileError(f"{shown} is not a valid file name") from None
        try:
            return cls.from_bytes(data)
        except ModelFileError as e:
            raise ModelFileError(f"cannot load {shown}: {e}") from None


# --- model files ------------------------------------------------------------------------------
def _write_atomic(path, payload: bytes) -> None:
    """Write ``payload`` to a new temporary file beside ``path``, sync it, then ``os.replace``
    (the same steps as ``cnn_tui.files.write_atomic``, which the engine may not import)."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".cnn-tui-{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise FileExistsError(f"could not create a temporary file in {directory}")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _header(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """``(shape, fortran_order, dtype)`` from the ``.npy`` header of one archive member."""
    with zf.open(info) as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(fh)
        if version == (2, 0):
            return np.lib.format.read_array_header_2_0(fh)
    raise ModelFileError(f"the array {info.filename!r} has an unsupported .npy version")


def _read_model(cls, data: bytes) -> Network:
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\x93NUMPY"):
            raise ModelFileError("the file is a single NumPy array (.npy), not a model file")
        raise ModelFileError("the file is not a model file (not an npz archive)")
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        zf = npz.zip
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise ModelFileError("the archive lists an array twice, which model files never do")
        if len(infos) > len(_META) + 2 * MAX_LAYERS or \
                sum(i.file_size for i in infos) > MAX_MODEL_BYTES:
            raise ModelFileError("the archive is larger than any model file can be")
        if any(not n.endswith(".npy") for n in names):
            raise ModelFileError("the file is an archive of other things, not a model file")
        headers = {i.filename[:-4]: _header(zf, i) for i in infos}
        if "format_version" not in headers:
            raise ModelFileError("the file is an npz archive but not a model file (it has no "
                                 "'format_version' array)")
        for key, header in headers.items():
            if header[2].hasobject:
                raise ModelFileError(f"the array {key!r} holds Python objects (pickled data), "
                                     f"which a model file never does")
        missing = [k for k in _META if k not in headers]
        if missing:
            raise ModelFileError(f"the file is not a complete model file: it has no "
                                 f"{missing[0]!r} array")

        def meta(key, kinds, ndim, max_items=64):
            shape, _, dt = headers[key]
            if dt.kind not in kinds or len(shape) != ndim or math.prod(shape) > max_items or \
                    dt.itemsize > 4 * MAX_SPEC_CHARS:
                raise ModelFileError(f"the file's {key!r} entry is not what a model file holds")
            return npz[key]

        version = meta("format_version", "iu", 0)
        if int(version) != FORMAT_VERSION:
            raise ModelFileError(f"the file has format version {int(version)}, but this version "
                                 f"of cnn-tui reads version {FORMAT_VERSION} only")
        spec = str(meta("spec", "U", 0))
        shape = tuple(int(n) for n in meta("input_shape", "iu", 1))
        dtype_name = str(meta("dtype", "U", 0))
        if dtype_name not in DTYPES:
            raise ModelFileError(f"the file's dtype is {_show(dtype_name, 20)!r}, not float32 or "
                                 f"float64")
        net = cls.__new__(cls)
        try:
            net._setup(spec, shape, dtype_name)
        except ModelFileError:
            raise
        except EngineError as e:
            raise ModelFileError(f"the file's network is invalid: {e}") from None
        expected = {_PREFIX + key: s for key, s in net._shapes.items()}
        extra = [k for k in headers if k not in expected and k not in _META]
        if extra:
            raise ModelFileError(f"the file holds an array {_show(extra[0])!r} that the spec "
                                 f"'{_show(net.spec)}' has no place for")
        for key, want in expected.items():
            name = key[len(_PREFIX):]
            if key not in headers:
                raise ModelFileError(f"the file has no values for parameter {name!r}")
            got, _, dt = headers[key]
            if tuple(got) != want:
                raise ModelFileError(f"parameter {name!r} has shape {tuple(got)}, but the "
                                     f"file's spec and input shape need {want}")
            if dt.kind != "f" or dt.itemsize != net.dtype.itemsize:
                raise ModelFileError(f"parameter {name!r} is {dt.name}, but the file says the "
                                     f"network is {dtype_name}")
            a = np.ascontiguousarray(npz[key], dtype=net.dtype)
            if not np.isfinite(a).all():
                raise ModelFileError(f"parameter {name!r} holds NaN or infinity")
            net._params[name] = a
    return net
