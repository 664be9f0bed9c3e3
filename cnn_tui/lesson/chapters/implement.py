"""Chapter "Let's implement a CNN": the network of the next chapter, one picture layer by layer.

The lecture ends by chaining the parts it taught: convolution, convolution, pooling, flatten,
fully connected, fully connected. This chapter shows that chain as the app builds it
(``DEFAULTS["xo"].spec``) and steps one picture through it: the input, every layer's output,
then softmax. At the second convolution it works out one output cell across all input channels.
The weights are the ones the train chapter last published on the workbench (``bench.network``),
or a random network of the same shape until then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui import engine
from cnn_tui.engine.net import LayerSummary, Network
from cnn_tui.lesson.chapters.base import (EDIT, FEATURE, JUMP, PICK_KEYS, PICTURE, PLAY, RESET,
                                          dims, whole_numbers)
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.workbench import ModelError

IMPL_INPUT = (1, 9, 9)
# The lecture's name for each kind of layer (its last slide: conv, conv, pool, flatten, FC, FC).
LECTURE_STEP = {"conv": "convolution", "relu": "ReLU", "maxpool": "pooling",
                "avgpool": "pooling", "flatten": "flatten", "dense": "fully connected"}
# Positions besides the layers: the whole stack first, then the picture, then softmax last.
STACK, INPUT, LAYER, SOFTMAX = "stack", "input", "layer", "softmax"
SHIFT_ABOVE = 30.0     # scores this large are shifted by the largest before exp (no overflow)


def impl_spec() -> str:
    """The network this chapter steps through: X/O's default (``DEFAULTS["xo"].spec``). The
    trainer's module loads on first use (every chapter is made when the app starts)."""
    from cnn_tui.lesson.training import DEFAULTS
    return DEFAULTS["xo"].spec


def _xo_classes() -> tuple[str, ...]:
    from cnn_tui.lesson.datasets import XO_CLASSES
    return XO_CLASSES


@dataclass(frozen=True)
class LayerRow:
    """One line of the stack: ``index`` is the layer's index (its parameter prefix), None for
    the input and softmax lines; ``formula`` says how ``params`` adds up (``8x1x3x3 + 8``)."""

    index: int | None
    name: str
    kind: str
    shape: tuple[int, ...]
    params: int
    formula: str
    step: str


@dataclass(frozen=True)
class SoftmaxWorking:
    """Softmax of the scores: ``exps[i] = exp(scores[i] - shift)`` (``shift`` is 0 unless a
    score is large), ``probs[i] = exps[i] / sum(exps)``."""

    names: tuple[str, ...]
    scores: np.ndarray
    shift: float
    exps: np.ndarray
    probs: np.ndarray


@dataclass(frozen=True)
class CellWorking:
    """One cell of a convolution over several input maps: ``partials[ch]`` is the sum of the
    products of input map ``ch``'s patch and its kernel slice; ``value`` = their total + bias;
    ``activation`` is the network's own value of that cell."""

    layer: int
    fmap: int
    cell: tuple[int, int]
    trace: engine.WindowTrace
    partials: np.ndarray
    bias: float
    value: float
    activation: float

    @property
    def matches(self) -> bool:
        return bool(np.isclose(self.value, self.activation, rtol=1e-4, atol=1e-5))


class Chapter(Base):
    """position 0 = the stack, 1 = the picture, 2.. = each layer's output, last = softmax."""

    id = "implement"
    title = "Let's implement a CNN"
    text = ("The lecture's last slide chains it all: convolution, convolution, pooling, flatten, "
            "fully connected, fully connected. Here is that network as the next chapter trains "
            "it; step right to send one picture through it, layer by layer.")
    more = ("Position 0 lists the layers with their output shapes and parameter counts. Each "
            "step right shows one more layer's output for the picture: 8 maps after each "
            "convolution, ReLU and pooling, then flat lists of values, then the two scores for "
            "X and O, and last softmax, which turns the scores into probabilities that add up "
            "to 1. At the second convolution, one output cell is worked out: every one of the 8 "
            "input maps adds the products of its 3x3 patch and its own slice of the kernel, and "
            "the bias is added at the end. f picks the map, g the cell (or click one). Until "
            "the train chapter (n) has trained the network its weights are random, so the "
            "answer sits near 50/50.")
    keys = (("right/left", "next/previous layer"), ("space", "play / pause"),
            ("f", "next map"), ("g", "a cell of conv 2: row,col or map,row,col"),
            ("click", "on a map: pick it (at conv 2, and the cell)")) + PICK_KEYS
    offers = frozenset({PLAY, JUMP, FEATURE, RESET, EDIT, PICTURE})
    picture_sides = (9, 9)
    steps_through = True
    settings = ("impl_map", "impl_cell")
    jump_prompt = "2nd convolution cell: row,col or map,row,col, e.g. 2,3 (escape cancels)"

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.impl_map = 0
        self.impl_cell = (2, 2)
        self._random_net: Network | None = None

    # ------------------------------------------------------------------ the network
    @property
    def impl_published(self) -> bool:
        """True when the train chapter has published a network this chapter can show."""
        net = self.bench.network
        return (net is not None and tuple(net.input_shape) == IMPL_INPUT
                and net.num_classes == len(_xo_classes()))

    @property
    def impl_network(self) -> Network:
        """The published network, or this chapter's own random one (seed 0) until there is one."""
        if self.impl_published:
            return self.bench.network
        if self._random_net is None:
            self._random_net = Network.from_spec(impl_spec(), IMPL_INPUT, seed=0)
        return self._random_net

    @property
    def impl_weights_note(self) -> str:
        """Where the weights come from, in a few words."""
        if self.impl_published:
            return self.bench.network_note or "trained in the next chapter"
        return "random (untrained): the answer sits near 50/50; n: train it"

    def _memo(self, key, fn):
        """The chapter's memo, also forgotten when a new network is published."""
        return self.memo((self.bench.network_version, self.impl_published, key), fn)

    @property
    def impl_layers(self) -> list[LayerSummary]:
        return self._memo("summary", self.impl_network.summary)

    @property
    def impl_total(self) -> int:
        """The number of parameters of the whole network."""
        return self.impl_network.num_params

    @property
    def layer_rows(self) -> list[LayerRow]:
        """The stack, one line per layer, with the input first and softmax last."""
        params = self.impl_network.params
        rows = [LayerRow(None, "input", INPUT, IMPL_INPUT, 0, "", "the picture")]
        for s in self.impl_layers:
            formula = ""
            if s.params:
                w, b = params[f"{s.index}.weight"].shape, params[f"{s.index}.bias"].shape
                formula = f"{dims(w)} + {dims(b)}"
            rows.append(LayerRow(s.index, s.name, s.kind, s.output_shape, s.params, formula,
                                 LECTURE_STEP.get(s.kind, s.kind)))
        rows.append(LayerRow(None, "softmax", SOFTMAX, self.impl_layers[-1].output_shape, 0, "",
                             "probabilities"))
        return rows

    # ------------------------------------------------------------------ the picture through it
    @property
    def impl_input(self) -> np.ndarray:
        """The picture as one example: ``(1, 9, 9)`` of +1 (ink) and -1 (paper)."""
        return np.asarray(self.bench.image, dtype=self.impl_network.dtype)[None]

    @property
    def impl_outputs(self) -> list[np.ndarray]:
        """Every layer's output for the picture (no batch axis), in order."""
        return self._memo("outputs", lambda: [a[0] for a in self.impl_network.activations(
            self.impl_input[None])])

    @property
    def impl_softmax(self) -> SoftmaxWorking:
        def work() -> SoftmaxWorking:
            scores = np.asarray(self.impl_outputs[-1], dtype=np.float64)
            top = float(scores.max())
            shift = top if top > SHIFT_ABOVE else 0.0
            exps = np.exp(scores - shift)
            probs = np.asarray(self.impl_network.predict_proba(self.impl_input[None])[0],
                               dtype=np.float64)
            return SoftmaxWorking(_xo_classes(), scores, shift, exps, probs)
        return self._memo("softmax", work)

    @property
    def impl_answer(self) -> str:
        """The class with the highest probability (the first one on a tie)."""
        sm = self.impl_softmax
        return sm.names[int(np.argmax(sm.probs))]

    # ------------------------------------------------------------------ positions
    @property
    def length(self) -> int:
        return len(self.impl_layers) + 2

    @property
    def impl_stage_kind(self) -> str:
        p = self.position
        return {0: STACK, 1: INPUT, self.length: SOFTMAX}.get(p, LAYER)

    @property
    def impl_layer(self) -> LayerSummary | None:
        """The layer whose output is shown, None at the stack, the picture and softmax."""
        return self.impl_layers[self.position - 2] if self.impl_stage_kind == LAYER else None

    @property
    def impl_layer_spec(self) -> engine.LayerSpec | None:
        """The shown layer's settings (kernel, stride, ...), None when no layer is shown."""
        layer = self.impl_layer
        return None if layer is None else self.impl_network.layers[layer.index]

    @property
    def impl_stage_title(self) -> str:
        layer = self.impl_layer
        if layer is not None:
            return f"layer {layer.index}: {layer.name} -> {dims(layer.output_shape)}"
        return {STACK: "the whole network", INPUT: "the input picture",
                SOFTMAX: "softmax: scores -> probabilities"}[self.impl_stage_kind]

    @property
    def impl_values(self) -> np.ndarray | None:
        """What the stage shows for the picture: the input, a layer's output or the
        probabilities (None at the stack)."""
        kind = self.impl_stage_kind
        if kind == INPUT:
            return self.impl_input
        if kind == SOFTMAX:
            return self.impl_softmax.probs
        layer = self.impl_layer
        return None if layer is None else self.impl_outputs[layer.index]

    @property
    def impl_layer_input(self) -> np.ndarray | None:
        """What the shown layer reads: the previous layer's output or the picture."""
        layer = self.impl_layer
        if layer is None:
            return None
        return self.impl_input if layer.index == 0 else self.impl_outputs[layer.index - 1]

    @property
    def impl_weights(self) -> np.ndarray | None:
        """The shown layer's weights (None for a layer without parameters)."""
        layer = self.impl_layer
        if layer is None or not layer.params:
            return None
        return self.impl_network.params[f"{layer.index}.weight"]

    @property
    def impl_bias(self) -> np.ndarray | None:
        """The shown layer's biases, one per output (None for a layer without parameters)."""
        layer = self.impl_layer
        if layer is None or not layer.params:
            return None
        return self.impl_network.params[f"{layer.index}.bias"]

    # ------------------------------------------------------------------ one cell, all channels
    @property
    def impl_cell_layer(self) -> int | None:
        """The layer whose cell is worked out: the first convolution after the first layer
        (the one that sums over several maps), or None when there is none."""
        for s in self.impl_layers:
            if s.kind == "conv" and s.index > 0:
                return s.index
        return None

    @property
    def impl_cell_stage(self) -> bool:
        """True when the shown layer is the one whose cell is worked out."""
        layer = self.impl_layer
        return layer is not None and layer.index == self.impl_cell_layer

    def _cell_layer(self) -> LayerSummary:
        index = self.impl_cell_layer
        if index is None:
            raise ModelError("this network has no convolution over several maps to work out")
        return self.impl_layers[index]

    @property
    def impl_maps(self) -> int:
        """How many maps f cycles through: the cell layer's."""
        index = self.impl_cell_layer
        return self.impl_layers[index].output_shape[0] if index is not None else 1

    @property
    def impl_cell_working(self) -> CellWorking | None:
        """The chosen cell of the chosen map of the second convolution, summed over channels."""
        index = self.impl_cell_layer
        if index is None:
            return None
        f, cell = self.impl_map % self.impl_maps, tuple(self.impl_cell)

        def work() -> CellWorking:
            params = self.impl_network.params
            x = self.impl_outputs[index - 1]
            tr = engine.conv_trace(x, params[f"{index}.weight"][f], cell, channels=True)
            partials = tr.products.reshape(tr.products.shape[0], -1).sum(axis=1)
            bias = float(params[f"{index}.bias"][f])
            act = float(self.impl_outputs[index][(f, *cell)])
            return CellWorking(index, f, cell, tr, partials, bias, tr.total + bias, act)
        return self._memo(("cell", f, cell), work)

    def next_feature(self, step: int = 1) -> None:
        """``f``: the next map (of every stack; its cell is worked out at the 2nd convolution)."""
        self.impl_map = (self.impl_map + step) % self.impl_maps
        self.changed()

    def choose_cell(self, fmap: int | None, cell: tuple[int, int] | None) -> None:
        """Pick map ``fmap`` and/or output ``cell`` of the second convolution (None: keep);
        nothing changes when either is outside the layer's output."""
        shape = self._cell_layer().output_shape
        if fmap is not None and not 0 <= int(fmap) < shape[0]:
            raise ModelError(f"map {fmap} does not exist: the maps are 0 to {shape[0] - 1}")
        if cell is not None:
            self.impl_cell = self.check_cell(cell, shape[1:3])
        if fmap is not None:
            self.impl_map = int(fmap)
        self.changed()

    def jump_to(self, cell: tuple[int, int], fmap: int | None = None) -> None:
        """Work out ``cell`` (of map ``fmap``, or the chosen map): go to the second
        convolution's stage."""
        self.choose_cell(fmap, cell)
        self.position = self._cell_layer().index + 2

    def submit_prompt(self, text: str) -> None:
        """``row,col`` (the chosen map) or ``map,row,col``."""
        numbers = whole_numbers(text)
        if len(numbers) not in (2, 3):
            raise ModelError(f"could not read {text!r}: type row,col (e.g. 2,3) or "
                             f"map,row,col (e.g. 5,2,3)")
        fmap = numbers[0] if len(numbers) == 3 else None
        self.jump_to((numbers[-2], numbers[-1]), fmap)

    @property
    def title_info(self) -> str:
        r, c = self.impl_cell
        return f"map {self.impl_map % self.impl_maps}, cell {r},{c}"
