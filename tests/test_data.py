"""mlp_lessons.data: the toy data sets, the input features, and the shipped digits (offline, columns, scaled,
one-hot, the same split every time) with one_hot, labels_of and the confusion matrix."""

import numpy as np
import pytest
from helpers import message

import mlp_lessons as ml
from mlp_lessons.data import digits
from mlp_lessons.errors import ShapeError


@pytest.mark.parametrize("name", list(ml.DATASETS))
def test_datasets_are_columns_and_deterministic(name):
    X, Y = ml.load_dataset(name, m=50, noise=0.2, seed=4)
    assert X.shape == ((1 if name == "sine" else 2), 50) and Y.shape == (1, 50)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    X2, Y2 = ml.load_dataset(name, m=50, noise=0.2, seed=4)
    assert X.tobytes() == X2.tobytes() and Y.tobytes() == Y2.tobytes()
    assert not np.array_equal(X, ml.load_dataset(name, m=50, noise=0.2, seed=5)[0])
    regression = name in ml.data.datasets.REGRESSION
    if not regression:
        assert set(np.unique(Y)) == {0.0, 1.0}
    quiet = ml.load_dataset(name, m=50, noise=0.0, seed=4)
    noisy = ml.load_dataset(name, m=50, noise=0.5, seed=4)
    changed = 1 if regression else 0  # the regression sets' noise is on y, the others' on x
    assert not np.allclose(quiet[changed], noisy[changed])


def test_unknown_dataset():
    with pytest.raises(ValueError, match=r"Unknown data set 'mnist'.*moons"):
        ml.load_dataset("mnist")


def test_feature_toggles_against_hand_built_inputs():
    X = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -0.5]])
    x1, x2 = X
    every = ml.input_features(X, list(ml.FEATURES))
    hand = np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_array_equal(every, hand)
    np.testing.assert_array_equal(ml.input_features(X, ["x2", "x1"]), X)  # always in FEATURES order
    np.testing.assert_array_equal(ml.input_features(X, ["x1^2", "x2^2"]), np.stack([x1 ** 2, x2 ** 2]))
    one = np.array([[0.0, np.pi / 2]])
    np.testing.assert_allclose(ml.input_features(one, ["x1", "sin x1", "x1^2"]), [[0, np.pi / 2], [0, np.pi ** 2 / 4], [0, 1]])


def test_input_features_converts_integers_and_refuses_other_shapes():
    X = np.array([[1, 2], [3, 4]])
    np.testing.assert_allclose(ml.input_features(X, ["x1", "sin x1"]), [[1, 2], np.sin([1, 2])])
    assert ml.input_features([[1.0, 2.0]], ["x1"]).shape == (1, 2)
    with pytest.raises(ml.ShapeError, match="1 or 2 rows, but it has shape \\(3, 4\\)"):
        ml.input_features(np.ones((3, 4)), ["x1"])
    with pytest.raises(ml.ShapeError, match="must be a 2-D array"):
        ml.input_features(np.ones(2), ["x1"])
    with pytest.raises(ValueError, match="Unknown feature \\[\\]"):
        ml.input_features(X, [[]])


@pytest.mark.parametrize("names, n_raw, words", [
    (["x3"], 2, "Unknown feature 'x3'"),
    (["x2"], 1, "needs an input x2, but this data set has only x1"),
    ([], 2, "at least one input"),
    (["x1", "x1"], 2, "lists a name twice"),
    ("x1", 2, "must be a list of names"),
])
def test_bad_features_say_what_to_fix(names, n_raw, words):
    with pytest.raises((ValueError, TypeError), match=words):
        ml.data.features.check_features(names, n_raw)


def test_circles_are_linear_in_the_squared_features():
    """A network with no hidden layer separates the circles given x1^2 and x2^2, not given x1 and x2."""
    X, Y = ml.circles(m=200, noise=0.05, seed=0)
    for names, least in ((["x1", "x2"], 0.0), (["x1^2", "x2^2"], 0.97)):
        A0 = ml.input_features(X, names)
        params, _ = ml.train(ml.init_params([2, 1], seed=0), A0, Y, ["sigmoid"], loss="binary_cross_entropy",
                             lr=1.0, epochs=200, batch_size=20)
        acc = ml.accuracy(ml.predict(params, A0, ["sigmoid"]), Y)
        assert acc >= least and (least or acc < 0.7)


def test_data_file_is_shipped_small_with_its_licence():
    assert digits.DATA_FILE.exists()
    assert digits.DATA_FILE.stat().st_size < 1_000_000
    readme = (digits.DATA_FILE.parent / "README.md").read_text()
    for credit in ("Alpaydin", "Kaynak", "10.24432/C50P49", "CC BY 4.0"):
        assert credit in readme


def test_load_digits_shapes_scale_and_one_hot():
    d = ml.load_digits()
    assert d.X_train.shape == (64, 1438) and d.X_test.shape == (64, 359)
    assert d.Y_train.shape == (10, 1438) and d.Y_test.shape == (10, 359)
    for X in (d.X_train, d.X_test):
        assert X.dtype == np.float64 and X.min() == 0.0 and X.max() == 1.0
    for Y in (d.Y_train, d.Y_test):
        assert set(np.unique(Y)) == {0.0, 1.0}
        np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
    # every digit is present in both halves
    assert set(ml.labels_of(d.Y_test)) == set(range(10))
    assert np.bincount(ml.labels_of(np.hstack([d.Y_train, d.Y_test]))).tolist() == [
        178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_split_is_fixed_by_the_seed_and_disjoint():
    a, b = ml.load_digits(), ml.load_digits()
    for x, y in zip(a, b):
        assert x.tobytes() == y.tobytes()
    c = ml.load_digits(seed=1)
    assert not np.array_equal(a.X_test, c.X_test)
    train = {col.tobytes() for col in np.vstack([a.X_train, a.Y_train]).T}
    test = {col.tobytes() for col in np.vstack([a.X_test, a.Y_test]).T}
    # a few images in the UCI set are exact duplicates; nearly all test columns are new
    assert len(test - train) >= 355


def test_first_image_is_a_zero():
    data = np.loadtxt(digits.DATA_FILE, delimiter=",", dtype=int)
    assert data.shape == (1797, 65) and data[0, -1] == 0
    assert data[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_float32_and_bad_fraction():
    assert ml.load_digits(dtype=np.float32).X_train.dtype == np.float32
    with pytest.raises(ValueError, match="test_fraction"):
        ml.load_digits(test_fraction=1.5)


def test_a_missing_data_file_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(digits, "DATA_FILE", tmp_path / "nope.csv.gz")
    with pytest.raises(FileNotFoundError, match="left out its data"):
        ml.load_digits()


def test_a_small_mlp_learns_the_digits_quickly():
    d = ml.load_digits()
    activations = ["relu", "softmax"]
    params = ml.init_params([64, 32, 10], seed=0)
    params, _ = ml.train(params, d.X_train, d.Y_train, activations, loss="softmax_cross_entropy",
                         lr=0.2, epochs=30, batch_size=32, seed=0)
    assert ml.accuracy(ml.predict(params, d.X_test, activations), d.Y_test) >= 0.95


def test_one_hot_and_labels_round_trip():
    labels = np.array([3, 0, 9, 3])
    Y = ml.one_hot(labels)
    assert Y.shape == (10, 4)
    np.testing.assert_array_equal(ml.labels_of(Y), labels)


@pytest.mark.parametrize("labels, words", [([0, 10], "labels[1] = 10"), ([-1, 2], "labels[0] = -1"),
                                           ([0.5, 1], "labels[0] = 0.5")])
def test_class_labels_out_of_range_negative_or_fractional(labels, words):
    with pytest.raises(ValueError) as e:  # -1 wrapped to class 9, 10 was an IndexError, 0.5 became 0
        ml.one_hot(labels, 10)
    assert "one_hot" in message(e) and "whole numbers 0..9" in message(e) and words in message(e)
    with pytest.raises(ValueError) as e:
        ml.confusion_matrix([1, 2], labels, n_classes=10)
    assert "confusion_matrix" in message(e) and "predicted_labels" in message(e) and "0..9" in message(e)
    with pytest.raises(ShapeError, match=r"1-D array of class labels.*labels_of"):
        ml.confusion_matrix(ml.one_hot([1, 2, 3]), [1, 2, 3])
    np.testing.assert_array_equal(ml.one_hot(np.array([0.0, 2.0]), 3), [[1, 0], [0, 0], [0, 1]])


def test_confusion_matrix_counts_and_text():
    C = ml.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    text = ml.format_confusion(C)
    assert text.splitlines()[0].startswith("true\\pred")
    assert text.splitlines()[3].split() == ["2", "1", "0", "2"]
