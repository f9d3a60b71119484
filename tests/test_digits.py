"""The shipped digits: offline, columns, scaled, one-hot, the same split every time."""

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.data import digits


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


def test_one_hot_and_labels_round_trip():
    labels = np.array([3, 0, 9, 3])
    Y = ml.one_hot(labels)
    assert Y.shape == (10, 4)
    np.testing.assert_array_equal(ml.labels_of(Y), labels)


def test_confusion_matrix_counts_and_text():
    C = ml.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    text = ml.format_confusion(C)
    assert text.splitlines()[0].startswith("true\\pred")
    assert text.splitlines()[3].split() == ["2", "1", "0", "2"]


def test_show_digits_draws_a_grid():
    import matplotlib

    matplotlib.use("Agg")
    from mlp_lessons.figures.plots import plot_confusion, show_digits

    d = ml.load_digits()
    fig = show_digits(d.X_test[:, :7], titles=[str(i) for i in range(7)], ncols=4)
    assert len(fig.axes) == 8 and fig.axes[0].get_title() == "0"
    C = ml.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], n_classes=3)
    fig2 = plot_confusion(C)
    assert sorted(t.get_text() for t in fig2.axes[0].texts) == ["1", "1", "1", "1"]
    import matplotlib.pyplot as plt

    plt.close(fig)
    plt.close(fig2)


def test_a_small_mlp_learns_the_digits_quickly():
    d = ml.load_digits()
    activations = ["relu", "softmax"]
    params = ml.init_params([64, 32, 10], seed=0)
    params, _ = ml.train(params, d.X_train, d.Y_train, activations, loss="softmax_cross_entropy",
                         lr=0.2, epochs=30, batch_size=32, seed=0)
    assert ml.accuracy(ml.predict(params, d.X_test, activations), d.Y_test) >= 0.95


def test_a_missing_data_file_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(digits, "DATA_FILE", tmp_path / "nope.csv.gz")
    with pytest.raises(FileNotFoundError, match="left out its data"):
        ml.load_digits()
