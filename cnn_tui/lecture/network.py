"""The lecture's hand-wired network applied to the lesson's pictures."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import EngineError, PipelineResult
from cnn_tui.engine.pipeline import Pipeline

from .data import FEATURES, STRONG, VARIANTS, VECTOR_LENGTH, Variant


# Sides of the pictures the network takes: 3x3 features, then two 2x2 poolings (ceil mode)
# must leave 2x2 per feature for the 12 values that vote (7 -> 5 -> 3 -> 2; 10 -> 8 -> 4 -> 2).
PICTURE_SIDES = (7, 10)


def lecture_pipeline(image) -> PipelineResult:
    """conv with diag, x, anti (mean) -> ReLU -> pool -> pool -> 12 values -> votes X and O."""
    a = np.asarray(image)
    low, high = PICTURE_SIDES
    if a.ndim == 2 and not all(low <= n <= high for n in a.shape):
        raise EngineError(f"the lecture's network takes pictures from {low}x{low} to "
                          f"{high}x{high}; this one is {a.shape[0]}x{a.shape[1]}")
    global _PIPELINE
    if _PIPELINE is None:  # the features and the vote weights, checked and laid out once
        _PIPELINE = Pipeline(FEATURES, STRONG, vector_length=VECTOR_LENGTH)
    return _PIPELINE.run(a)


_PIPELINE: Pipeline | None = None


def variant_report(pictures: tuple[Variant, ...] = VARIANTS
                   ) -> list[tuple[Variant, PipelineResult, bool]]:
    """Each picture (the lecture's 18 by default; e.g. ``data.LIGHTING`` too), what the network
    says, and whether that is what a person sees (never, for a picture of neither letter)."""
    rows = []
    for v in pictures:
        res = lecture_pipeline(v.image)
        rows.append((v, res, res.prediction == v.label and not res.tie))
    return rows
