"""Random puzzles read well aloud: 'an 8x8 input', 'a 6x6 input'."""

from __future__ import annotations

import re

import numpy as np

from cnn_tui.quiz import randomgen
from cnn_tui.quiz.kinds import output_size


def test_indefinite_article_by_hand():
    an = {8, 11, 18, 80, 88, 800, 8000, 11000, 18000}
    a = {1, 2, 6, 7, 9, 10, 12, 16, 17, 19, 101, 110, 180, 1100, 1800, 111}
    for n in an:
        assert randomgen.indefinite_article(n) == "an", n
    for n in a:
        assert randomgen.indefinite_article(n) == "a", n


def test_random_output_size_questions_say_an_8x8():
    wanted = {8: "An", 11: "An", 6: "A", 16: "A"}
    seen = {}
    for seed in range(400):
        spec = output_size.random_output_size(np.random.default_rng(seed), 0)
        n = spec["n"]
        m = re.match(r"^(A|An) (\d+)x(\d+) input, (a|an) (\d+)x", spec["question"])
        assert m, spec["question"]
        assert int(m.group(2)) == n
        assert m.group(1) == ("An" if n in (8, 11, 18) else "A"), spec["question"]
        assert m.group(4) == "a"  # kernels are 2, 3 or 5
        if n in wanted:
            seen[n] = m.group(1)
    assert seen == wanted
