"""``output_size`` puzzles of pooling: the worked arithmetic never states a false equation (in
ceil mode it says when one window is dropped, PyTorch's rule), and settings that pooling itself
refuses (padding over half the window, dilated windows that miss the input) are refused.
Golden values are worked by hand in the comments."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from cnn_tui.engine import EngineError, pool_single
from cnn_tui.quiz.kinds import output_size as output_size_mod
from cnn_tui.quiz.puzzle import PuzzleError, build

HEAD = {"id": "a", "title": "T", "order": 1, "question": "Q?", "hints": ["h"],
        "kind": "output_size"}


def pool(**kw):
    return build({**HEAD, "of": "pool", **kw})


def workings(p):
    return [p.working(0, c) for c in range(p.shape[1])]


def test_the_reviewers_case_says_why_one_window_is_dropped():
    # n=1, kernel 2, padding 1: padded length 3. Stride 2: ceil((3 - 2) / 2) + 1 = 2 windows,
    # the second starting at 2, in the padding after the input (which is position 1): dropped.
    # Stride 3: ceil(1 / 3) + 1 = 2, the second starting at 3, past the padded input: dropped.
    p = pool(n=1, kernel=2, stride=[2, 3], padding=1)
    assert p.answer.tolist() == [[1, 1]]
    assert workings(p) == [
        "⌈(1 + 2×1 − 2) / 2⌉ + 1 = 2, minus 1: the last window would start in the padding = 1",
        "⌈(1 + 2×1 − 2) / 3⌉ + 1 = 2, minus 1: the last window would start past the padded "
        "input = 1",
    ]


def test_without_padding_the_dropped_window_starts_past_the_input():
    # n=2, kernel 1, stride 3: ceil(1 / 3) + 1 = 2, the second window starting at 3 >= 2.
    p = pool(n=2, kernel=1, stride=3)
    assert p.answer.tolist() == [[1]]
    assert workings(p) == [
        "⌈(2 − 1) / 3⌉ + 1 = 2, minus 1: the last window would start past the input = 1"]


def test_the_lectures_case_keeps_its_plain_working():
    # 7x7 pooled 2x2 with stride 2: ceil(5 / 2) + 1 = 4; the last window starts at 6 < 7.
    p = pool(n=7, kernel=2, stride=2)
    assert p.answer.tolist() == [[4]]
    assert workings(p) == ["⌈(7 − 2) / 2⌉ + 1 = 4"]
    # Floor mode: floor((7 - 3) / 2) + 1 = 3.
    p = pool(n=7, kernel=3, stride=2, ceil_mode=False)
    assert workings(p) == ["⌊(7 − 3) / 2⌋ + 1 = 3"]


@pytest.mark.parametrize("settings, message", [
    # kernel 2: half the window is 1; padding 5 is what max_pool refuses (the quiz said 7).
    (dict(n=5, kernel=2, stride=1, padding=5),
     "pooling padding must be at most half the window (1), got 5"),
    (dict(n=5, kernel=2, stride=1, padding=2, ceil_mode=False),
     "pooling padding must be at most half the window (1), got 2"),
    # dilation 3: the window spans 3 x (2 - 1) + 1 = 4, half of it 2.
    (dict(n=5, kernel=2, stride=1, padding=3, dilation=3),
     "pooling padding must be at most half the window (2), got 3"),
    # n=1, span 4, padding 2: windows start at -2 and 0 (stride 2), taps -2, 1 and 0, 3: the
    # first window's taps both miss the one pixel at 0.
    (dict(n=1, kernel=2, stride=2, padding=2, dilation=3),
     "with this dilation some pooling windows miss the input entirely; use less dilation or "
     "padding"),
])
def test_settings_pooling_refuses_are_refused(settings, message):
    with pytest.raises(PuzzleError) as e:
        pool(**settings)
    assert str(e.value) == message


def test_the_same_padding_is_fine_for_a_convolution():
    # floor((5 + 2 x 5 - 2) / 1) + 1 = 14
    p = build({**HEAD, "n": 5, "kernel": 2, "stride": 1, "padding": 5})
    assert p.answer.tolist() == [[14]]


def test_half_the_dilated_window_is_allowed():
    # span 4, padding 2: ceil((5 + 4 - 4) / 1) + 1 = 6; the last window starts at 5 < 5 + 2.
    p = pool(n=5, kernel=2, stride=1, padding=2, dilation=3)
    assert p.answer.tolist() == [[6]]
    assert workings(p) == ["⌈(5 + 2×2 − 4) / 1⌉ + 1 = 6"]


def test_a_huge_dilated_pooling_is_refused_before_the_engine_checks_its_windows(monkeypatch):
    # n=10,000, kernel 2, dilation 2, padding 1, stride 1: ceil((10,002 - 3) / 1) + 1 = 10,000
    # outputs of 2 taps: 20,000 taps, over the 10,000 checked.
    assert output_size_mod.MAX_TAPS == 10_000

    def never(*a, **k):
        raise AssertionError("the engine was asked to check every window")

    monkeypatch.setattr(output_size_mod, "pool_geometry", never)
    with pytest.raises(PuzzleError) as e:
        pool(n=10_000, kernel=2, stride=1, padding=1, dilation=2)
    assert str(e.value) == ("a dilated pooling this large is too much to check: its windows "
                            "have 20,000 taps in all, more than 10,000; use smaller numbers")


def test_taps_are_added_up_over_the_strides():
    # n=2,500, kernel 2, dilation 2, padding 1: stride 1 gives 2,500 outputs (5,000 taps),
    # stride 2 gives ceil(2,499 / 2) + 1 = 1,251 (2,502 taps): 7,502 in all, allowed; with
    # stride 1 twice, 10,000 in all, still allowed; three times, 15,000: refused.
    assert pool(n=2_500, kernel=2, stride=[1, 2], padding=1, dilation=2).answer.tolist() == \
        [[2_500, 1_251]]
    assert pool(n=2_500, kernel=2, stride=[1, 1], padding=1, dilation=2).answer.tolist() == \
        [[2_500, 2_500]]
    with pytest.raises(PuzzleError, match="have 15,000 taps in all"):
        pool(n=2_500, kernel=2, stride=[1, 1, 1], padding=1, dilation=2)


_WORKING = re.compile(r"^(?P<open>[⌈⌊])\((?P<n>\d+)(?: \+ 2×(?P<p>\d+))? − (?P<span>\d+)\) / "
                      r"(?P<s>\d+)[⌉⌋] \+ 1 = (?P<first>\d+)"
                      r"(?:, minus 1: the last window would start (?P<where>.+) = "
                      r"(?P<final>\d+))?$")


def test_every_working_is_a_true_equation_and_agrees_with_pooling_itself():
    """For every small setting: the quiz answers exactly when pooling a real input of that
    length works, with the same length, and its working's arithmetic is right."""
    answered = dropped = 0
    for n, k, s, p, d, ceil in itertools.product(range(1, 7), (1, 2, 3), (1, 2, 3, 4),
                                                 (0, 1, 2), (1, 2), (True, False)):
        settings = dict(n=n, kernel=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
        try:
            want = pool_single(np.zeros(n), "max", kernel=k, stride=s, padding=p,
                               ceil_mode=ceil, dilation=d).shape[0]
        except EngineError:
            want = None
        try:
            got = pool(**settings)
        except PuzzleError:
            assert want is None, settings
            continue
        assert got.answer.tolist() == [[want]], settings
        answered += 1
        m = _WORKING.match(got.working(0, 0))
        assert m, got.working(0, 0)
        pad = int(m["p"] or 0)
        assert (int(m["n"]), pad, int(m["s"])) == (n, p, s)
        assert int(m["span"]) == d * (k - 1) + 1
        top = n + 2 * pad - int(m["span"])
        rounded = math.ceil(top / s) if m["open"] == "⌈" else math.floor(top / s)
        assert rounded + 1 == int(m["first"]), got.working(0, 0)    # the equation is true
        if m["final"] is None:
            assert int(m["first"]) == want
        else:
            dropped += 1
            assert ceil and int(m["first"]) - 1 == int(m["final"]) == want
            start = (int(m["first"]) - 1) * s          # in the padded input
            assert start >= n + p                      # past the input and its leading padding
            assert m["where"] == ("in the padding" if start < n + 2 * p else
                                  "past the padded input" if p else "past the input")
    assert answered > 100 and dropped > 5              # both kinds of working were seen
