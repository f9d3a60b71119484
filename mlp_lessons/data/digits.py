"""Handwritten digits, 8x8: a real data set shipped with the package, loaded offline.

The 1,797 images of the UCI "Optical Recognition of Handwritten Digits" test
set (E. Alpaydin and C. Kaynak, UCI Machine Learning Repository, 1998,
https://doi.org/10.24432/C50P49, CC BY 4.0; see mlp_lessons/data/README.md).
Examples are columns, as everywhere in this series: X is (64, m), one pixel
per row, and Y is one-hot, (10, m).  Sits beside the rest, like datasets.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..errors import (ShapeError, check_array, check_shape, check_float_dtype, check_count, check_real, check_seed,
                      describe, plural, shape_str)
DATA_FILE = Path(__file__).parent / "optdigits.csv.gz"
N_CLASSES = 10
SIDE = 8  # images are SIDE x SIDE pixels
MAX_PIXEL = 16  # each pixel counts the on-pixels of a 4x4 block, 0..16
N_IMAGES = 1797


class Digits(NamedTuple):
    """A fixed train/test split.  X_*: (64, m) in [0, 1]; Y_*: (10, m) one-hot."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def one_hot(labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """Labels (m,) of integers 0..n_classes-1 -> Y (n_classes, m), a single 1 per column."""
    n_classes = check_count("n_classes", n_classes, 1, " (the number of classes)", "one_hot")
    labels = check_labels("labels", labels, n_classes, "one_hot")
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def check_labels(name: str, labels, n_classes: int, where: str) -> np.ndarray:
    """labels as a 1-D integer array of classes 0..n_classes-1 (whole-number floats are accepted)."""
    raw = labels
    labels = check_array(name, labels, ndim=(1, 2), where=where)
    if labels.ndim == 2:
        hint = (f" It looks like one-hot targets or network outputs: take labels_of({name})."
                if labels.shape[0] > 1 and labels.shape[1] > 1 else f" Pass {name}.ravel().")
        raise ShapeError(
            f"{where}: {name} must be a 1-D array of class labels, one per example, but it has "
            f"shape {shape_str(labels.shape)}.{hint}"
        )
    bad = (labels != np.round(labels)) | (labels < 0) | (labels >= n_classes)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{where}: {name} must hold whole numbers 0..{n_classes - 1} (n_classes = {n_classes}), "
            f"but {name}[{i}] = {labels[i]:g} ({plural(int(bad.sum()), 'such label')}). A label names a class: "
            f"negative or fractional labels are mistakes, and a label >= n_classes needs a larger n_classes."
        )
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "iu":
        return raw
    return labels.astype(np.int64)


def labels_of(Y: np.ndarray) -> np.ndarray:
    """The class of each column, (n_classes, m) -> (m,): argmax, so it works for A[L] too."""
    Y = check_array("Y", Y, where="labels_of, the class of each column (argmax)")
    return np.argmax(Y, axis=0)


def load_digits(test_fraction: float = 0.2, seed: int = 0, dtype=np.float64) -> Digits:
    """The digits as columns, split into train and test sets the same way every time.

    Pixels are divided by 16, so X lies in [0, 1].  The split shuffles the 1,797
    examples with `seed` and keeps the first round(1797 * test_fraction) for testing
    (359 with the defaults, leaving 1,438 to train on).
    """
    where = "load_digits"
    check_real("test_fraction", test_fraction, where, low=0, high=1, meaning=" (the share of examples kept for testing)")
    seed = check_seed(seed, where)
    dtype = check_float_dtype(dtype, where)
    n_test = round(N_IMAGES * test_fraction)
    if not 1 <= n_test <= N_IMAGES - 1:
        raise ValueError(
            f"{where}: test_fraction = {test_fraction!r} keeps {n_test} of the {N_IMAGES} images for "
            f"testing and {N_IMAGES - n_test} for training; each set needs at least one. Values "
            f"such as 0.2 keep a fifth for testing."
        )
    if not DATA_FILE.exists():
        raise FileNotFoundError(
            f"The digits file {DATA_FILE} is missing: this installation of mlp_lessons left out "
            f"its data. Reinstall from the repository (pip install -e .), whose pyproject.toml "
            f"ships mlp_lessons/data/*."
        )
    data = np.loadtxt(DATA_FILE, delimiter=",", dtype=np.int64)
    X = (data[:, :-1].T / MAX_PIXEL).astype(dtype)
    Y = one_hot(data[:, -1]).astype(dtype)
    order = np.random.default_rng(seed).permutation(X.shape[1])
    test, train = order[:n_test], order[n_test:]
    return Digits(X[:, train], Y[:, train], X[:, test], Y[:, test])


def confusion_matrix(true_labels, predicted_labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """C[i, j] = how many examples of class i were predicted as class j.  Right answers are on the diagonal."""
    where = "confusion_matrix"
    n_classes = check_count("n_classes", n_classes, 1, " (the number of classes)", where)
    true = check_labels("true_labels", true_labels, n_classes, where)
    predicted = check_labels("predicted_labels", predicted_labels, n_classes, where)
    check_shape(true.shape, predicted.shape, f"{where}: true_labels and predicted_labels must have one label per "
                f"example each, but they have {true.size} and {predicted.size}.", hint="")
    C = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(C, (true, predicted), 1)
    return C


def format_confusion(C: np.ndarray) -> str:
    """The confusion matrix as a text table: rows true digit, columns predicted digit."""
    where = "format_confusion"
    C = check_array("C", C, where=where)
    if C.shape[0] != C.shape[1] or np.any(C < 0) or np.any(C != np.round(C)) or float(C.max()) > 2**53:
        raise ValueError(
            f"{where}: C must be a square matrix of counts (whole numbers >= 0), as confusion_matrix "
            f"makes, got {describe(C)} with entries from {C.min():g} to {C.max():g}."
        )
    C = C.astype(np.int64)
    n = C.shape[0]
    width = max(3, len(str(C.max())) + 1)
    lines = ["true\\pred" + "".join(f"{j:>{width}}" for j in range(n))]
    for i in range(n):
        lines.append(f"{i:>9}" + "".join(f"{C[i, j]:>{width}}" for j in range(n)))
    return "\n".join(lines)
