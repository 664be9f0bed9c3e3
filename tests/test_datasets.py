"""The data sets of ``cnn-tui train``: generated X's and O's and scikit-learn's digits."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from cnn_tui.lecture.data import VARIANTS
from cnn_tui.lesson import datasets
from cnn_tui.lesson.datasets import DatasetError, MissingExtraError


@pytest.fixture(scope="module")
def xo0():
    return datasets.xo(0)


def _rows(x: np.ndarray) -> set[bytes]:
    return {row.tobytes() for row in np.ascontiguousarray(x.reshape(x.shape[0], -1))}


# --- X's and O's --------------------------------------------------------------------------------
def test_xo_pictures_are_9x9_of_plus_and_minus_one(xo0):
    assert xo0.name == "xo" and xo0.classes == ("X", "O") and xo0.input_shape == (1, 9, 9)
    assert xo0.val_name == "validation" and xo0.num_classes == 2
    for x, y, n in ((xo0.x_train, xo0.y_train, 2000), (xo0.x_val, xo0.y_val, 500)):
        assert x.shape == (n, 1, 9, 9) and x.dtype == np.float32
        assert set(np.unique(x)) == {-1.0, 1.0}
        assert y.shape == (n,) and y.dtype == np.int64
        assert set(np.unique(y)) == {0, 1}
        assert np.bincount(y).tolist() == [n // 2, n // 2]          # balanced
        ink = (x > 0).sum(axis=(1, 2, 3))
        assert ink.min() >= datasets.MIN_INK and ink.max() < 81


def test_both_classes_are_shuffled_through_each_split(xo0):
    # Not all X's first: the first 100 training labels hold both classes.
    assert set(xo0.y_train[:100].tolist()) == {0, 1}
    assert set(xo0.y_val[:100].tolist()) == {0, 1}


def test_no_generated_picture_is_one_of_the_lessons_18(xo0):
    lesson = _rows(np.stack([v.image for v in VARIANTS]).astype(np.float32))
    assert len(lesson) == 18
    assert not lesson & _rows(xo0.x_train)
    assert not lesson & _rows(xo0.x_val)


def test_validation_never_repeats_a_training_picture_nor_a_picture_of_both_classes(xo0):
    assert not _rows(xo0.x_train) & _rows(xo0.x_val)
    x = np.concatenate([xo0.x_train, xo0.x_val])
    y = np.concatenate([xo0.y_train, xo0.y_val])
    assert not _rows(x[y == 0]) & _rows(x[y == 1])


def test_lesson_pictures_are_kept_apart_as_the_lecture_test_set(xo0):
    lesson = xo0.lesson
    assert lesson.x.shape == (18, 1, 9, 9) and lesson.x.dtype == np.float32
    assert lesson.names == tuple(v.name for v in VARIANTS)
    assert [xo0.classes[i] for i in lesson.y] == [v.label for v in VARIANTS]
    for v, pic in zip(VARIANTS, lesson.x):
        assert np.array_equal(pic[0], v.image)


def test_xo_is_deterministic_for_a_seed_and_differs_between_seeds(xo0):
    again = datasets.xo(0)
    for name in ("x_train", "y_train", "x_val", "y_val"):
        assert np.array_equal(getattr(xo0, name), getattr(again, name))
    other = datasets.xo(1)
    assert not np.array_equal(xo0.x_train, other.x_train)
    assert len(_rows(xo0.x_train) & _rows(other.x_train)) < 200     # mostly different pictures


def test_pictures_identical_to_a_lesson_picture_are_removed(monkeypatch):
    """Make the drawer return lesson pictures among its own: none may survive."""
    real = datasets.draw_xo
    by_label = {0: [v.image for v in VARIANTS if v.label == "X"],
                1: [v.image for v in VARIANTS if v.label == "O"]}
    planted = []

    def drawer(labels, rng):
        pics = real(labels, rng)
        for i in range(0, len(labels), 7):
            pics[i] = by_label[int(labels[i])][i % len(by_label[int(labels[i])])]
            planted.append(i)
        return pics

    monkeypatch.setattr(datasets, "draw_xo", drawer)
    ds = datasets.xo(3, n_train=300, n_val=100)
    assert planted
    assert ds.x_train.shape[0] == 300 and ds.x_val.shape[0] == 100
    lesson = _rows(np.stack([v.image for v in VARIANTS]).astype(np.float32))
    assert not lesson & (_rows(ds.x_train) | _rows(ds.x_val))


def test_odd_sizes_give_one_x_more():
    ds = datasets.xo(5, n_train=11, n_val=3)
    assert np.bincount(ds.y_train).tolist() == [6, 5]
    assert np.bincount(ds.y_val).tolist() == [2, 1]


def test_draw_xo_draws_the_labels_it_is_given():
    rng = np.random.default_rng(0)
    pics = datasets.draw_xo(np.array([0, 1, 1, 0]), rng)
    assert pics.shape == (4, 9, 9) and pics.dtype == np.int8
    assert set(np.unique(pics)) <= {-1, 1}


@pytest.mark.parametrize("kwargs", [{"seed": -1}, {"seed": 2 ** 32}, {"seed": 1.5},
                                    {"seed": True}, {"n_train": 1}, {"n_val": 0},
                                    {"n_train": 10 ** 7}, {"n_val": "9"}])
def test_xo_refuses_bad_settings(kwargs):
    with pytest.raises(DatasetError) as err:
        datasets.xo(**kwargs)
    assert "\n" not in str(err.value)


def test_load_by_name():
    assert datasets.load("xo", 2).seed == 2
    with pytest.raises(DatasetError, match="unknown data set"):
        datasets.load("mnist")


def test_class_names_follow_the_number_of_outputs():
    assert datasets.classes_for(2) == ("X", "O")
    assert datasets.classes_for(10) == tuple("0123456789")
    assert datasets.classes_for(3) == ("0", "1", "2")


# --- digits -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits0():
    return datasets.digits(0)


def test_digits_shape_range_and_split(digits0):
    ds = digits0
    assert ds.name == "digits" and ds.classes == tuple("0123456789")
    assert ds.input_shape == (1, 8, 8) and ds.val_name == "test" and ds.lesson is None
    # 20 % of each digit rounded: 359 in all (not 360).
    assert ds.x_train.shape == (1438, 1, 8, 8) and ds.x_val.shape == (359, 1, 8, 8)
    for x in (ds.x_train, ds.x_val):
        assert x.dtype == np.float32
        assert x.min() == -1.0 and x.max() == 1.0
    # Scaled from 0..16 in steps of 1/8.
    assert np.array_equal(ds.x_train * 8, np.round(ds.x_train * 8))
    # Stratified: 20 % of each digit, rounded.
    counts = np.bincount(np.concatenate([ds.y_train, ds.y_val]), minlength=10)
    assert counts.sum() == 1797
    assert np.bincount(ds.y_val, minlength=10).tolist() == \
        [round(0.2 * c) for c in counts]


def test_digits_split_uses_every_picture_once(digits0):
    from sklearn.datasets import load_digits

    bunch = load_digits()
    original = sorted(_rows((bunch.data / 8 - 1).astype(np.float32)))
    ours = np.concatenate([digits0.x_train, digits0.x_val]).reshape(1797, 64)
    assert sorted(_rows(ours)) == original
    labels = np.concatenate([digits0.y_train, digits0.y_val])
    assert np.array_equal(np.bincount(labels), np.bincount(bunch.target))


def test_digits_read_directly_equal_load_digits():
    from sklearn.datasets import load_digits

    pixels, labels = datasets._digits_arrays()
    bunch = load_digits()
    assert np.array_equal(pixels, bunch.data) and np.array_equal(labels, bunch.target)


def test_digits_fall_back_to_load_digits_without_the_bundled_file(monkeypatch, digits0):
    monkeypatch.setattr(datasets, "_bundled_csv", lambda spec: None)
    again = datasets.digits(0)
    assert np.array_equal(again.x_train, digits0.x_train)
    assert np.array_equal(again.y_val, digits0.y_val)


def test_digits_are_deterministic_for_a_seed_and_differ_between_seeds(digits0):
    again = datasets.digits(0)
    assert np.array_equal(again.x_train, digits0.x_train)
    assert np.array_equal(again.y_train, digits0.y_train)
    other = datasets.digits(1)
    assert not np.array_equal(other.y_val, digits0.y_val)


@pytest.mark.parametrize("fraction", [0, 0.01, 0.99, 1.5, "0.2", True])
def test_digits_refuse_a_bad_test_fraction(fraction):
    with pytest.raises(DatasetError, match="test fraction"):
        datasets.digits(0, fraction)


def test_digits_without_scikit_learn_say_how_to_install_it(monkeypatch):
    # A None entry in sys.modules makes 'import sklearn' fail, as if it were not installed.
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(MissingExtraError) as err:
        datasets.digits(0)
    msg = str(err.value)
    assert "\n" not in msg
    assert "scikit-learn" in msg and "pip install 'cnn-tui[digits]'" in msg
    with pytest.raises(MissingExtraError):
        datasets.load("digits")


def test_digits_without_the_file_or_scikit_learn_module_say_so(monkeypatch):
    # Installed (a spec is found) but the import fails and no bundled file: the same error.
    monkeypatch.setattr(datasets, "_bundled_csv", lambda spec: None)
    real = datasets.importlib.import_module

    def fail(name, *args):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(datasets.importlib, "import_module", fail)
    with pytest.raises(MissingExtraError, match="cnn-tui\\[digits\\]"):
        datasets.digits(0)
