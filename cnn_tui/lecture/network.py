"""The lecture's hand-wired network applied to the lesson's pictures."""

from __future__ import annotations

import numpy as np

from cnn_tui.engine import PipelineResult, run_pipeline

from .data import FEATURES, STRONG, VARIANTS, VECTOR_LENGTH, Variant


def lecture_pipeline(image) -> PipelineResult:
    """conv with diag, x, anti (mean) -> ReLU -> pool -> pool -> 12 values -> votes X and O."""
    return run_pipeline(np.asarray(image), FEATURES, STRONG, vector_length=VECTOR_LENGTH)


def variant_report() -> list[tuple[Variant, PipelineResult, bool]]:
    """Each picture, what the network says, and whether that is what a person sees."""
    rows = []
    for v in VARIANTS:
        res = lecture_pipeline(v.image)
        rows.append((v, res, res.prediction == v.label and not res.tie))
    return rows
