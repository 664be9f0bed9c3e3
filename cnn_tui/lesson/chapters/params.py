"""Chapter "Dense vs convolution parameters": how many weights each kind of layer needs."""

from __future__ import annotations

from dataclasses import dataclass

from cnn_tui import engine
from cnn_tui.lesson.chapters.base import JUMP, RESET
from cnn_tui.lesson.chapters.base import Chapter as Base
from cnn_tui.lesson.chapters.base import whole_numbers
from cnn_tui.lesson.workbench import ModelError

DENSE, CONV = "dense", "conv"


@dataclass(frozen=True)
class ParamsExample:
    title: str
    kind: str                 # DENSE or CONV
    sizes: tuple[int, ...] = ()
    bias: bool = True
    filters: int = 0
    kernel: int = 0
    channels: int = 1


PARAMS_EXAMPLES: tuple[ParamsExample, ...] = (
    ParamsExample("a small MLP: 20 inputs, two hidden layers of 20, one output", DENSE,
                  (20, 20, 20, 1)),
    ParamsExample("the same MLP on a 256x256 picture (65,536 inputs)", DENSE,
                  (65536, 20, 20, 1)),
    ParamsExample("one dense layer 1024 -> 1024, no bias", DENSE, (1024, 1024), bias=False),
    ParamsExample("a convolution layer: nine 7x7 kernels on one channel, no bias", CONV,
                  bias=False, filters=9, kernel=7, channels=1),
)


class Chapter(Base):
    id = "params"
    title = "Dense vs convolution parameters"
    text = ("A dense layer connects every input to every output, so its weight count is the "
            "product of the two sizes. A convolution reuses one small kernel everywhere, so its "
            "count does not grow with the picture.")
    more = ("Step through the lecture's examples, or press g and type your own layer sizes "
            "(e.g. 20,20,20,1). Each dense layer has inputs x outputs weights plus one bias per "
            "output. A 1024 -> 1024 dense layer needs over a million weights; nine 7x7 kernels "
            "need 441.")
    keys = (("right/left", "next example"), ("g", "type layer sizes"),
            ("r", "back to the first example; forget your sizes"))
    offers = frozenset({JUMP, RESET})
    settings = ("params_index", "custom_sizes")
    jump_prompt = "layer sizes, e.g. 20,20,20,1 (enter to apply, escape to cancel)"

    def __init__(self, bench) -> None:
        super().__init__(bench)
        self.params_index = 0
        self.custom_sizes: tuple[int, ...] | None = None

    def cycle(self, step: int) -> bool:
        n = len(PARAMS_EXAMPLES) + (1 if self.custom_sizes else 0)
        self.params_index = (self.params_index + step) % n
        self.changed()
        return True

    def submit_prompt(self, text: str) -> None:
        self.set_custom_sizes(whole_numbers(text))

    def set_custom_sizes(self, sizes) -> None:
        # Messages stay short: the status line is one row of an 80-column terminal.
        try:
            sizes = tuple(int(s) for s in sizes)
        except (TypeError, ValueError):
            raise ModelError("layer sizes are whole numbers, e.g. 20,20,20,1") from None
        if len(sizes) < 2:
            raise ModelError("type at least two layer sizes (input, output), e.g. 20,20,20,1")
        if any(s < 1 for s in sizes):
            raise ModelError("every layer size must be at least 1, e.g. 20,20,20,1")
        try:
            engine.dense_params(sizes)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"{exc}; e.g. 20,20,20,1") from None
        self.custom_sizes = sizes
        self.params_index = len(PARAMS_EXAMPLES)
        self.changed()

    @property
    def examples(self) -> list[str]:
        """The titles to choose from: the lecture's examples, then the learner's own network."""
        titles = [e.title for e in PARAMS_EXAMPLES]
        if self.custom_sizes:
            titles.append("your network: " + ", ".join(map(str, self.custom_sizes)))
        return titles

    @property
    def example_index(self) -> int:
        return min(self.params_index, len(self.examples) - 1)

    @property
    def params_example(self) -> ParamsExample:
        if self.params_index >= len(PARAMS_EXAMPLES) and self.custom_sizes:
            return ParamsExample("your network", DENSE, self.custom_sizes)
        return PARAMS_EXAMPLES[self.params_index % len(PARAMS_EXAMPLES)]

    @property
    def is_dense(self) -> bool:
        return self.params_example.kind == DENSE

    @property
    def params_layers(self) -> list[engine.LayerCount]:
        ex = self.params_example
        if ex.kind == DENSE:
            return engine.dense_layers(ex.sizes, ex.bias)
        n = engine.conv_params(ex.filters, ex.kernel, ex.channels, ex.bias)
        return [engine.LayerCount(
            f"{ex.filters} kernels {ex.kernel}x{ex.kernel} x {ex.channels} channel", n, 0)]

    @property
    def params_total(self) -> int:
        return sum(layer.total for layer in self.params_layers)

    @property
    def comparison(self) -> tuple[int, int]:
        """The lecture's contrast: a 1024 -> 1024 dense layer's weights, nine 7x7 kernels'."""
        return (engine.dense_params([1024, 1024], bias=False),
                engine.conv_params(9, 7, 1, bias=False))
