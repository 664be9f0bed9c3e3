"""The "implement" chapter's model: the X/O network's layers, one picture stepped through them,
one cell of the second convolution summed over channels, softmax, and published weights.

Expected values come from hand calculation (parameter counts, worked in the comments) or from
plain-Python loops in this file; none comes from the chapter under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_tui.engine.net import Network
from cnn_tui.lesson.chapters.implement import Chapter
from cnn_tui.lesson.model import LessonModel
from cnn_tui.lesson.training import DEFAULTS
from cnn_tui.lesson.workbench import ModelError, Workbench

SPEC = DEFAULTS["xo"].spec


def chapter(picture: str = "x") -> Chapter:
    return Chapter(Workbench(picture=picture))


def hand_cell(image, params, fmap: int, r: int, c: int) -> tuple[float, list[float]]:
    """Cell (r, c) of map ``fmap`` of the second convolution, in plain loops: the first
    convolution and its ReLU where the 3x3 window reads them, then the sum over channels.
    Returns the cell and each input channel's sum of 9 products (without the bias)."""
    w1, b1 = params["0.weight"].tolist(), params["0.bias"].tolist()
    w2, b2 = params["2.weight"].tolist(), params["2.bias"].tolist()
    img = [[float(v) for v in row] for row in image]

    def relu1(ch: int, i: int, j: int) -> float:
        total = b1[ch]
        for u in range(3):
            for v in range(3):
                total += img[i + u][j + v] * w1[ch][0][u][v]
        return max(total, 0.0)

    partials = []
    for ch in range(len(w2[fmap])):
        s = 0.0
        for u in range(3):
            for v in range(3):
                s += relu1(ch, r + u, c + v) * w2[fmap][ch][u][v]
        partials.append(s)
    return sum(partials) + b2[fmap], partials


# ---------------------------------------------------------------------- positions and layers
def test_positions_run_from_the_stack_through_every_layer_to_softmax():
    ch = chapter()
    # 0 = the stack, 1 = the picture, 2..10 = the 9 layers, 11 = softmax
    assert ch.steps_through and ch.length == 11
    kinds = []
    for p in range(12):
        ch.position = p
        kinds.append(ch.impl_stage_kind)
    assert kinds == ["stack", "input"] + ["layer"] * 9 + ["softmax"]
    ch.position = 99
    assert ch.position == 11
    ch.position = 2
    assert ch.impl_layer.name == "conv 8 3" and ch.impl_layer.index == 0
    ch.position = 6
    assert ch.impl_layer.name == "maxpool 2 stride 1"


def test_the_layer_list_shapes_and_parameters_by_hand():
    ch = chapter()
    rows = ch.layer_rows
    assert [r.name for r in rows] == ["input", "conv 8 3", "relu", "conv 8 3", "relu",
                                     "maxpool 2 stride 1", "flatten", "dense 32", "relu",
                                     "dense 2", "softmax"]
    # 9x9 -> conv 3x3: 7x7 -> conv 3x3: 5x5 -> 2x2 windows at stride 1: 4x4; 8*4*4 = 128
    assert [r.shape for r in rows] == [(1, 9, 9), (8, 7, 7), (8, 7, 7), (8, 5, 5), (8, 5, 5),
                                      (8, 4, 4), (128,), (32,), (32,), (2,), (2,)]
    conv1 = 8 * 1 * 3 * 3 + 8          # 80
    conv2 = 8 * 8 * 3 * 3 + 8          # 584
    dense1 = 128 * 32 + 32             # 4128
    dense2 = 32 * 2 + 2                # 66
    assert (conv1, conv2, dense1, dense2) == (80, 584, 4128, 66)
    assert [r.params for r in rows] == [0, conv1, 0, conv2, 0, 0, 0, dense1, 0, dense2, 0]
    assert ch.impl_total == conv1 + conv2 + dense1 + dense2 == 4858
    assert [r.formula for r in rows if r.params] == ["8x1x3x3 + 8", "8x8x3x3 + 8",
                                                     "32x128 + 32", "2x32 + 2"]
    assert [r.step for r in rows if r.index is not None] == [
        "convolution", "ReLU", "convolution", "ReLU", "pooling", "flatten", "fully connected",
        "ReLU", "fully connected"]


def test_every_stage_shows_the_pictures_values_at_that_layer():
    ch = chapter()
    ch.position = 1
    assert np.array_equal(ch.impl_values[0], ch.bench.image)
    for p, shape in zip(range(2, 11), [(8, 7, 7), (8, 7, 7), (8, 5, 5), (8, 5, 5), (8, 4, 4),
                                       (128,), (32,), (32,), (2,)]):
        ch.position = p
        assert ch.impl_values.shape == shape
        assert ch.impl_layer_input.shape == ch.layer_rows[p - 2].shape
    ch.position = 3                    # ReLU: nothing negative, positives kept
    relu, conv = ch.impl_values, ch.impl_layer_input
    assert np.all(relu >= 0) and np.array_equal(relu, np.maximum(conv, 0))
    ch.position = 7                    # flatten: the 8 pooled maps laid end to end
    assert np.array_equal(ch.impl_values, ch.impl_layer_input.reshape(-1))
    ch.position = 11
    assert ch.impl_values.shape == (2,)


def test_another_picture_changes_the_outputs():
    ch = chapter()
    ch.position = 10
    x_scores = ch.impl_values.copy()
    ch.bench.next_picture()
    assert ch.bench.picture == "o"
    assert not np.allclose(ch.impl_values, x_scores)


# ---------------------------------------------------------------------- one cell, all channels
@pytest.mark.parametrize("fmap, cell", [(0, (2, 2)), (3, (1, 4)), (7, (0, 0)), (5, (4, 3))])
def test_the_second_convolutions_cell_matches_plain_loops(fmap, cell):
    ch = chapter()
    ch.submit_prompt(f"{fmap},{cell[0]},{cell[1]}")
    assert ch.impl_cell_stage and ch.position == 4          # layer 2's stage
    work = ch.impl_cell_working
    expected, partials = hand_cell(ch.bench.image, ch.impl_network.params, fmap, *cell)
    assert (work.fmap, work.cell, work.layer) == (fmap, cell, 2)
    assert work.value == pytest.approx(expected, abs=1e-5)
    assert work.partials == pytest.approx(partials, abs=1e-5)
    assert len(work.partials) == 8 and work.trace.patch.shape == (8, 3, 3)
    # the network's own output at that cell is the same number
    assert ch.impl_outputs[2][fmap, cell[0], cell[1]] == pytest.approx(expected, abs=1e-5)
    assert work.activation == pytest.approx(expected, abs=1e-5) and work.matches


def test_g_with_a_row_and_column_keeps_the_map_and_f_cycles_the_maps():
    ch = chapter()
    ch.next_feature()
    ch.next_feature()
    assert ch.impl_map == 2
    ch.submit_prompt("3 1")
    assert (ch.impl_map, ch.impl_cell, ch.position) == (2, (3, 1), 4)
    assert ch.title_info == "map 2, cell 3,1"
    for _ in range(6):
        ch.next_feature()
    assert ch.impl_map == 0                                  # 8 maps: 2 + 6 wraps to 0
    ch.next_feature(-1)
    assert ch.impl_map == 7
    expected, _ = hand_cell(ch.bench.image, ch.impl_network.params, 7, 3, 1)
    assert ch.impl_cell_working.value == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("typed, message", [
    ("9,9", "9,9 is outside the 5x5 output: rows count from 0 to 4, columns from 0 to 4"),
    ("5,0", "5,0 is outside the 5x5 output"),
    ("8,1,1", "map 8 does not exist: the maps are 0 to 7"),
    ("1", "could not read '1': type row,col (e.g. 2,3) or map,row,col (e.g. 5,2,3)"),
    ("1,2,3,4", "could not read '1,2,3,4'"),
    ("two,three", "could not read"),
])
def test_bad_g_input_is_one_clear_line_and_changes_nothing(typed, message):
    ch = chapter()
    ch.position = 7
    with pytest.raises(ModelError) as exc:
        ch.submit_prompt(typed)
    text = str(exc.value)
    assert text.startswith(message) and "\n" not in text and len(text) < 80
    assert (ch.position, ch.impl_map, ch.impl_cell) == (7, 0, (2, 2))


def test_a_map_and_a_bad_cell_together_keep_the_old_map():
    ch = chapter()
    with pytest.raises(ModelError):
        ch.submit_prompt("4,9,9")
    assert ch.impl_map == 0


# ---------------------------------------------------------------------- softmax and weights
def test_softmax_turns_the_two_scores_into_probabilities():
    ch = chapter()
    sm = ch.impl_softmax
    a, b = (float(s) for s in sm.scores)
    ch.position = 10
    assert [a, b] == pytest.approx(ch.impl_values.tolist(), abs=1e-6)   # dense 2's outputs
    assert sm.names == ("X", "O") and sm.shift == 0
    assert sm.exps.tolist() == pytest.approx([math.exp(a), math.exp(b)], rel=1e-6)
    p_x = math.exp(a) / (math.exp(a) + math.exp(b))
    assert sm.probs.tolist() == pytest.approx([p_x, 1 - p_x], abs=1e-6)
    assert float(sm.probs.sum()) == pytest.approx(1.0, abs=1e-6)
    assert ch.impl_answer == ("X" if a >= b else "O")


def test_the_random_network_answers_near_fifty_fifty():
    ch = chapter()
    assert not ch.impl_published and "random" in ch.impl_weights_note
    # Checked for seed 0: on all 18 lesson pictures P(X) lies between 0.45 and 0.48.
    for name in ("x", "o", "x_small", "o_big"):
        ch.bench.set_picture(name)
        p_x, p_o = ch.impl_softmax.probs
        assert 0.3 < p_x < 0.7 and 0.3 < p_o < 0.7
    same = Network.from_spec(SPEC, (1, 9, 9), seed=0)
    for key, value in same.params.items():
        assert np.array_equal(ch.impl_network.params[key], value)


def test_a_published_network_is_used_at_once():
    ch = chapter()
    before = ch.impl_softmax.probs.copy()                   # memoised for the old network
    net = Network.from_spec(SPEC, (1, 9, 9), seed=3)
    net.params["8.weight"][...] = 0
    net.params["8.bias"][...] = [5, 0]
    ch.bench.publish_network(net, "trained 6 epochs, validation accuracy 99.6 %")
    assert ch.impl_published and ch.impl_network is net
    assert ch.impl_weights_note == "trained 6 epochs, validation accuracy 99.6 %"
    # every score is the bias: X 5, O 0, so P(X) = e^5 / (e^5 + e^0)
    p_x = math.exp(5) / (math.exp(5) + 1)
    assert ch.impl_softmax.probs.tolist() == pytest.approx([p_x, 1 - p_x], abs=1e-6)
    assert not np.allclose(before, ch.impl_softmax.probs)
    assert ch.impl_answer == "X"
    # the cell working follows the new weights too
    ch.jump_to((1, 1))
    expected, _ = hand_cell(ch.bench.image, net.params, 0, 1, 1)
    assert ch.impl_cell_working.value == pytest.approx(expected, abs=1e-5)


def test_large_scores_are_shifted_before_exp():
    ch = chapter()
    net = Network.from_spec(SPEC, (1, 9, 9), seed=0, dtype=np.float64)
    net.params["8.weight"][...] = 0
    net.params["8.bias"][...] = [800, 798]                  # exp(800) overflows a float
    ch.bench.publish_network(net, "test")
    sm = ch.impl_softmax
    assert sm.shift == 800
    assert sm.exps.tolist() == pytest.approx([1.0, math.exp(-2)])
    p_x = 1 / (1 + math.exp(-2))                            # e^800 / (e^800 + e^798)
    assert sm.probs.tolist() == pytest.approx([p_x, 1 - p_x])


def test_a_network_for_other_pictures_is_not_used():
    ch = chapter()
    ch.bench.publish_network(Network.from_spec("conv 4 3, relu, flatten, dense 10",
                                               (1, 8, 8), seed=0), "digits")
    assert not ch.impl_published and ch.impl_network.input_shape == (1, 9, 9)


def test_the_lesson_model_reaches_the_chapter_by_name():
    m = LessonModel(chapter="implement")
    m.submit_prompt("1,2,3")
    assert m.position == 4 and m.impl_cell_working.cell == (2, 3)
    m.next_feature()
    assert m.impl_map == 2
    m.reset()
    assert m.position == 0 and m.impl_stage_kind == "stack"
