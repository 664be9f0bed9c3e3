"""r resets a chapter whole: its position and every setting, as a newly opened chapter has it."""

from __future__ import annotations

from cnn_tui.lesson.model import LessonModel


def test_reset_puts_padding_stride_and_pad_value_back():
    m = LessonModel(chapter="padding")
    fresh = (m.padding, m.pad_value, m.stride)
    assert fresh == (1, 0.0, 1)                       # the chapter opens as the lecture shows it
    m.current.stride_by(1)
    m.current.padding_by(1)
    m.current.next_pad_value()
    m.step()
    m.step()
    assert (m.padding, m.pad_value, m.stride) != fresh and m.position == 2
    m.reset()
    assert (m.padding, m.pad_value, m.stride) == fresh and m.position == 0


def test_reset_forgets_the_learners_own_layer_sizes():
    m = LessonModel(chapter="params")
    assert m.current.offers_action("reset")
    m.submit_prompt("20,20,20,1")
    assert m.custom_sizes == (20, 20, 20, 1) and m.params_index == 4
    m.reset()
    assert m.custom_sizes is None and m.params_index == 0
    assert m.examples[0].startswith("a small MLP")


def test_reset_leaves_other_chapters_and_the_picture_alone():
    m = LessonModel(chapter="pooling")
    m.set_picture("o")
    m.current.toggle_pool_op()
    m.set_chapter("padding")
    m.current.stride_by(1)
    m.reset()
    assert m.chapters["pooling"].pool_op == "avg" and m.picture == "o"
