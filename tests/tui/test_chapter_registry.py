"""The chapter registries: every chapter is one lesson module and one panel module, in order."""

from __future__ import annotations

import sys

import pytest

from cnn_tui.lesson.chapters import CHAPTER_IDS, chapter_class, chapter_classes
from cnn_tui.lesson.chapters.base import SHARED_ACTIONS, Chapter
from cnn_tui.lesson.model import LessonModel
from cnn_tui.tui.panels import panel_class
from cnn_tui.tui.screens import SCREENS


def test_every_chapter_has_a_module_named_by_its_id():
    classes = chapter_classes()
    assert [c.id for c in classes] == list(CHAPTER_IDS)
    assert len(set(CHAPTER_IDS)) == len(CHAPTER_IDS)
    for cls in classes:
        assert issubclass(cls, Chapter) and cls.__module__.endswith(f".{cls.id}")
        assert cls.title and cls.text and cls.more, cls.id
        assert cls.offers <= SHARED_ACTIONS, cls.id


def test_every_chapter_has_one_panel():
    for cid in CHAPTER_IDS:
        assert panel_class(cid).chapter_id == cid


def test_unknown_ids_are_refused():
    with pytest.raises(KeyError):
        chapter_class("nope")
    with pytest.raises(KeyError):
        panel_class("nope")


def test_screens_are_the_chapters_then_the_quiz():
    assert SCREENS == CHAPTER_IDS + ("quiz",)


def test_chapter_keys_call_methods_the_chapter_has():
    m = LessonModel()
    for cid, ch in m.chapters.items():
        for key in type(ch).bindings:
            assert callable(getattr(ch, key.method)), (cid, key.method)


def test_model_keywords_reach_the_chapter_that_owns_them():
    m = LessonModel(chapter="padding", stride=2, pool_op="avg", vote_source="future")
    assert m.chapters["padding"].stride == 2 and m.stride == 2
    assert m.chapters["pooling"].pool_op == "avg"
    assert m.chapters["votes"].vote_source == "future"
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        LessonModel(nope=1)


def test_a_name_several_chapters_define_means_the_open_chapters():
    m = LessonModel(chapter="filtering")
    m.step()
    assert m.window == m.chapters["filtering"].window
    m.set_chapter("literal")          # the literal chapter has no window of its own
    with pytest.raises(AttributeError):
        m.window


def test_the_registry_loads_without_numpy():
    """``--screen`` choices come from the registry: reading the ids must not load NumPy."""
    import subprocess

    code = ("import sys; from cnn_tui.tui.screens import SCREENS; "
            "assert 'numpy' not in sys.modules and 'textual' not in sys.modules; print(SCREENS)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "literal" in out.stdout


def test_setting_a_name_of_another_chapter_is_refused_not_stored():
    m = LessonModel(chapter="literal")
    with pytest.raises(AttributeError, match="belongs to the chapters"):
        m.highlight = [(0, 0)]
    m.set_chapter("convolution")
    assert m.highlight == []               # the chapter's own value, nothing stale


def test_a_model_is_not_copied_by_accident():
    import copy

    m = LessonModel()
    with pytest.raises(TypeError, match="cannot be copied"):
        copy.copy(m)
    with pytest.raises(TypeError, match="cannot be copied"):
        copy.deepcopy(m)


def test_the_palettes_features_are_the_workbenchs_and_the_chapters_own():
    from cnn_tui.lecture.data import EDGE_TITLES, FEATURE_TITLES

    own = {n: t for cls in chapter_classes() for n, t in cls.feature_choices.items()}
    assert own == EDGE_TITLES
    m = LessonModel()
    for name in list(FEATURE_TITLES) + list(EDGE_TITLES):
        m.set_feature(name)
    assert m.feature == "anti" and m.chapters["edges"].edge == "deg135"
