"""The lesson model, without Textual: every number checked against lecture.toml or a plain loop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_tui.lesson.model import (FILTER_STAGES, PARAMS_EXAMPLES, PICTURES, LessonModel,
                                  ModelError)
from cnn_tui.lesson.chapters import CHAPTER_IDS


def over9(rows) -> np.ndarray:
    return np.array(rows, dtype=float) / 9.0


def loop_conv_mean(img, k, stride=1, pad=0, pad_value=0.0):
    """Plain-loop reference: pad, slide, multiply, add, divide by the kernel size."""
    img = np.asarray(img, dtype=float)
    n = img.shape[0] + 2 * pad
    p = [[pad_value] * n for _ in range(n)]
    for r in range(img.shape[0]):
        for c in range(img.shape[1]):
            p[r + pad][c + pad] = img[r][c]
    kh = len(k)
    out_n = (n - kh) // stride + 1
    out = []
    for i in range(out_n):
        row = []
        for j in range(out_n):
            s = 0.0
            for a in range(kh):
                for b in range(kh):
                    s += p[i * stride + a][j * stride + b] * k[a][b]
            row.append(s / (kh * kh))
        out.append(row)
    return np.array(out)


def test_chapters_in_lecture_order():
    assert CHAPTER_IDS == ("literal", "features", "filtering", "convolution", "padding",
                           "sequences", "edges", "relu", "pooling", "invariance", "stacking",
                           "votes", "params", "implement", "train")


def test_unknown_chapter_is_one_clear_error():
    with pytest.raises(ModelError, match="unknown chapter 'nope'"):
        LessonModel(chapter="nope")


@pytest.mark.parametrize("feature", ["diag", "x", "anti"])
def test_conv_maps_match_the_lecture(lecture, feature):
    m = LessonModel(chapter="convolution", feature=feature)
    assert np.allclose(m.conv_map(), over9(lecture["conv_x_sum9"][feature]))
    m.set_picture("o")
    assert np.allclose(m.conv_map(), over9(lecture["conv_o_sum9"][feature]))


def test_convolution_steps_fill_the_map_cell_by_cell(lecture):
    m = LessonModel(chapter="convolution")
    assert m.conv_filled == 0 and m.length == 49
    assert m.step()
    assert m.conv_filled == 1 and m.conv_cell == (0, 0)
    assert m.fmt(m.conv_map()[m.conv_cell]) == "0.77"
    for _ in range(48):
        assert m.step()
    assert m.at_end and not m.step()          # nowhere further to go
    shown = m.partial_map(m.conv_map(), m.conv_filled)
    rows = [" ".join(m.fmt(v) for v in row) for row in shown]
    assert rows == lecture["display"]["conv_x_diag"]
    assert m.back() and m.conv_filled == 48
    m.reset()
    assert m.conv_filled == 0 and not m.back()


def test_partial_map_hides_cells_not_yet_computed():
    m = LessonModel(chapter="convolution")
    m.step(); m.step()
    shown = m.partial_map(m.conv_map(), m.conv_filled)
    assert np.isfinite(shown.ravel()[:2]).all() and np.isnan(shown.ravel()[2:]).all()


def test_filtering_stages_and_lecture_windows(lecture):
    m = LessonModel(chapter="filtering")
    # it opens on the lecture's first window (lecture.toml's first [[windows]])
    assert m.filter_stage == 0 and m.filter_cell == tuple(lecture["windows"][0]["at"])
    for w in lecture["windows"]:
        m.jump_to(tuple(w["at"]))
        assert m.filter_stage == len(FILTER_STAGES) - 1      # a jump lands on the result
        tr = m.trace(m.filter_cell)
        assert tr.products.tolist() == w["products"]
        assert tr.total == w["sum"]
        assert m.fmt(tr.value) == w["value"]
    m.reset()                                                 # back to the first window
    assert m.filter_cell == tuple(lecture["windows"][0]["at"]) and m.filter_stage == 0
    for _ in range(len(FILTER_STAGES)):
        m.step()
    assert m.filter_cell == (1, 2) and m.filter_stage == 0   # the next window begins


def test_literal_share_matches_a_pixel_count():
    m = LessonModel(chapter="literal")
    for name in PICTURES:
        m.compare = name
        m._changed()
        a, b = m.image, m.compare_image
        agree = sum(1 for r in range(9) for c in range(9) if a[r][c] == b[r][c])
        assert math.isclose(m.match_share, agree / 81)
        assert len(m.mismatches) == 81 - agree
    m.compare = "x"
    m._changed()
    assert m.match_share == 1.0 and m.mismatches == []


def test_literal_right_left_cycle_the_comparison_picture():
    m = LessonModel(chapter="literal")
    first = m.compare
    m.step()
    assert m.compare != first
    m.back()
    assert m.compare == first


def test_features_perfect_matches_are_the_ones_of_the_map(lecture):
    m = LessonModel(chapter="features")
    sums = np.array(lecture["conv_x_sum9"]["diag"])
    expected = [(int(r), int(c)) for r, c in zip(*np.nonzero(sums == 9))]
    assert m.perfect_matches() == expected
    # right goes through the fits one at a time, then on to the next feature
    for i, fit in enumerate(expected):
        assert m.current_fit == fit and m.fit_number == i + 1
        m.step()
    assert m.feature == "x"


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_padding_sizes_follow_the_lecture(lecture, stride):
    ps = lecture["padding_stride"]
    m = LessonModel(chapter="padding")
    m.set_padding(ps["padding"])
    m.set_stride(stride)
    side = ps["outputs"][str(stride)]
    assert m.output_side() == side
    assert m.pad_out_shape == (side, side)
    ref = loop_conv_mean(m.image, m.kernel, stride, ps["padding"])
    assert np.allclose(m.pad_map, ref)


@pytest.mark.parametrize("pad_value", [0.0, -1.0, 1.0])
def test_pad_value_changes_the_border_answers(pad_value):
    m = LessonModel(chapter="padding")
    while m.pad_value != pad_value:
        m.next_pad_value()
    assert np.allclose(m.pad_map, loop_conv_mean(m.image, m.kernel, 1, 1, pad_value))
    assert m.padded_image[0, 0] == pad_value


def test_stride_and_padding_limits_are_clear_errors():
    m = LessonModel(chapter="padding")
    with pytest.raises(ModelError, match="stride must be from 1 to 4"):
        m.set_stride(5)
    with pytest.raises(ModelError, match="padding must be from 0 to 2"):
        m.set_padding(-1)


def test_edges_use_plain_sums(lecture):
    m = LessonModel(chapter="edges")
    for name, k in lecture["edge_kernels"].items():
        assert np.allclose(m.edge_map(name), loop_conv_mean(m.image, k) * 9)


def test_relu_zeroes_negatives_only(lecture):
    m = LessonModel(chapter="relu")
    ref = np.maximum(over9(lecture["conv_x_sum9"]["diag"]), 0)
    assert np.allclose(m.relu_map, ref)
    m.to_end()
    assert m.relu_filled == 49


@pytest.mark.parametrize("picture", ["x", "o"])
@pytest.mark.parametrize("feature", ["diag", "x", "anti"])
def test_pooling_reproduces_the_lecture(lecture, picture, feature):
    m = LessonModel(chapter="pooling", picture=picture, feature=feature)
    assert m.pool_cells == 16
    assert np.allclose(m.pooled, over9(lecture[f"pool_{picture}_sum9"][feature]))
    m.to_end()
    assert m.pool_cell == (3, 3)
    assert m.pool_trace.count == 1                      # the corner window is partial


def test_pooling_average_divides_by_real_cells():
    m = LessonModel(chapter="pooling")
    m.toggle_pool_op()
    assert m.pool_op == "avg"
    m.step()
    r = m.relu_map
    assert math.isclose(m.pooled[0, 0], (r[0, 0] + r[0, 1] + r[1, 0] + r[1, 1]) / 4)
    m.jump_to((0, 3))
    assert math.isclose(m.pooled[0, 3], (r[0, 6] + r[1, 6]) / 2)


@pytest.mark.parametrize("picture,label", [("x", "X"), ("o", "O")])
def test_votes_and_stacking(lecture, picture, label):
    m = LessonModel(chapter="votes", picture=picture)
    assert np.allclose(m.pipeline.vector, over9(lecture["vote_vectors_sum9"][picture]))
    assert m.prediction == label
    assert math.isclose(m.votes[label], 1.0)


def test_future_values_vote(lecture):
    m = LessonModel(chapter="votes")
    m.step()
    assert m.vote_source == "future"
    v = lecture["votes"]
    assert math.isclose(m.votes["X"], v["new_vote_x"])
    assert math.isclose(m.votes["O"], v["new_vote_o"])
    assert m.prediction == "X"


def test_params_examples(lecture):
    p = lecture["params"]
    m = LessonModel(chapter="params")
    totals = []
    for _ in PARAMS_EXAMPLES:
        totals.append(m.params_total)
        m.step()
    assert totals == [p["mlp_20_20_20_1"], p["mlp_65536_20_20_1"],
                      p["dense_1024_to_1024_no_bias"], p["conv_9_filters_7x7_no_bias"]]
    m.set_custom_sizes([3, 2])
    assert m.params_total == 3 * 2 + 2
    with pytest.raises(ModelError, match="20,20,20,1"):
        m.set_custom_sizes([5])


def test_drawing_a_pixel_updates_everything_downstream():
    m = LessonModel(chapter="convolution")
    before = m.conv_map().copy()
    votes = dict(m.votes)
    m.toggle_edit()
    assert m.editing and m.cursor == (4, 4)
    m.step()                                  # in edit mode right moves the cursor
    assert m.cursor == (4, 5)
    m.toggle_pixel()
    assert m.picture == "custom" and m.image[4, 5] == 1
    after = m.conv_map()
    assert not np.allclose(before, after)
    ref = loop_conv_mean(m.image, m.kernel)
    assert np.allclose(after, ref)
    assert m.votes != votes
    m.toggle_pixel((4, 5))
    assert np.allclose(m.conv_map(), before)
    with pytest.raises(ModelError, match="outside"):
        m.toggle_pixel((9, 0))


def test_jump_to_checks_the_cell():
    m = LessonModel(chapter="convolution")
    m.jump_to((3, 4))
    assert m.conv_cell == (3, 4) and m.conv_filled == 3 * 7 + 5
    with pytest.raises(ModelError, match="outside the 7x7 output"):
        m.jump_to((7, 0))
    m.set_chapter("literal")
    with pytest.raises(ModelError, match="no window"):
        m.jump_to((0, 0))


def test_chapter_navigation_stops_at_both_ends():
    m = LessonModel()
    assert not m.prev_chapter()
    seen = [m.chapter]
    while m.next_chapter():
        seen.append(m.chapter)
    assert tuple(seen) == CHAPTER_IDS
    assert not m.next_chapter()


def test_fraction_style():
    m = LessonModel(chapter="convolution")
    m.toggle_style()
    assert m.fmt(m.conv_map()[3, 3]) == "5/9"
    m.toggle_style()
    assert m.fmt(m.conv_map()[3, 3]) == "0.55"


def test_every_picture_runs_the_whole_network():
    m = LessonModel(chapter="votes")
    for name in PICTURES:
        m.set_picture(name)
        assert m.prediction in ("X", "O")
    with pytest.raises(ModelError, match="unknown picture"):
        m.set_picture("zzz")


def test_agreement_and_perfect_fit_pixels(lecture):
    m = LessonModel(chapter="filtering")
    for w in lecture["windows"]:
        tr = m.trace(tuple(w["at"]))
        plus = sum(v == 1 for row in w["products"] for v in row)
        assert m.agreement(tr) == (plus, 9 - plus)
    m.set_feature("x")
    hits = m.perfect_matches()                      # the crossing: one perfect fit at (3, 3)
    assert hits == [(3, 3)]
    assert m.perfect_match_pixels() == [(r, c) for r in range(3, 6) for c in range(3, 6)]
