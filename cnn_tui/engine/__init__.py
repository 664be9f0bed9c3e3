"""The maths of cnn-tui: pure NumPy, no UI imports.

Convolution and pooling over 1-3 spatial axes with batch and channels, small layers, the
lecture's vote layer, window traces and lecture-style number formatting. Every forward has its
backward beside it. ``net`` builds trainable networks from a spec string, ``optim`` trains them.

Large convolutions use every usable core (``CNN_TUI_THREADS=1`` or :func:`set_threads` keeps them
on the calling thread); the thread pool is made on first use and is fork-safe.
"""

from .conv import conv, conv_backward, conv_single, geometry, pad, set_threads, threads, windows
from .fmt import format_number, format_value, fraction, lecture, matrix_style, truncate
from .layers import (dense, dense_backward, flatten, flatten_backward, predict, relu,
                     relu_backward, softmax, softmax_backward, vote, vote_backward, vote_weights)
from .loss import softmax_cross_entropy
from .net import LayerSpec, LayerSummary, ModelFileError, Network, parse_spec
from .optim import SGD, Adam, Optimizer
from .params import LayerCount, conv_params, dense_layers, dense_params
from .pipeline import Pipeline, PipelineResult, run_pipeline
from .pool import (avg_pool, avg_pool_backward, max_pool, max_pool_backward, pool, pool_geometry,
                   pool_single)
from .shapes import EngineError, conv_output_size, pool_output_size
from .trace import PoolTrace, WindowTrace, conv_trace, pool_trace

__all__ = [
    "SGD", "Adam", "LayerSpec", "LayerSummary", "ModelFileError", "Network", "Optimizer",
    "parse_spec", "softmax_cross_entropy",
    "EngineError", "LayerCount", "Pipeline", "PipelineResult", "PoolTrace", "WindowTrace",
    "avg_pool", "avg_pool_backward", "conv", "conv_backward", "conv_output_size", "conv_params",
    "conv_single", "conv_trace", "dense", "dense_backward", "dense_layers", "dense_params",
    "flatten", "flatten_backward", "format_number", "format_value", "fraction", "geometry",
    "lecture", "matrix_style", "max_pool", "max_pool_backward", "pad", "pool", "pool_geometry",
    "pool_output_size", "pool_single", "pool_trace", "predict", "relu", "relu_backward",
    "run_pipeline", "set_threads", "softmax", "softmax_backward", "threads", "truncate", "vote",
    "vote_backward", "vote_weights", "windows",
]
