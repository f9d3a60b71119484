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

DATA_FILE = Path(__file__).parent / "data" / "optdigits.csv.gz"
N_CLASSES = 10
SIDE = 8  # images are SIDE x SIDE pixels
MAX_PIXEL = 16  # each pixel counts the on-pixels of a 4x4 block, 0..16


class Digits(NamedTuple):
    """A fixed train/test split.  X_*: (64, m) in [0, 1]; Y_*: (10, m) one-hot."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def one_hot(labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """Labels (m,) of integers 0..n_classes-1 -> Y (n_classes, m), a single 1 per column."""
    labels = np.asarray(labels, dtype=int)
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def labels_of(Y: np.ndarray) -> np.ndarray:
    """The class of each column, (n_classes, m) -> (m,): argmax, so it works for A[L] too."""
    return np.argmax(Y, axis=0)


def load_digits(test_fraction: float = 0.2, seed: int = 0, dtype=np.float64) -> Digits:
    """The digits as columns, split into train and test sets the same way every time.

    Pixels are divided by 16, so X lies in [0, 1].  The split shuffles the 1,797
    examples with `seed` and keeps the first round(1797 * test_fraction) for testing
    (359 with the defaults, leaving 1,438 to train on).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction!r}.")
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
    n_test = round(X.shape[1] * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return Digits(X[:, train], Y[:, train], X[:, test], Y[:, test])


def confusion_matrix(true_labels, predicted_labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """C[i, j] = how many examples of class i were predicted as class j.  Right answers are on the diagonal."""
    C = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(C, (np.asarray(true_labels), np.asarray(predicted_labels)), 1)
    return C


def format_confusion(C: np.ndarray) -> str:
    """The confusion matrix as a text table: rows true digit, columns predicted digit."""
    n = C.shape[0]
    width = max(3, len(str(C.max())) + 1)
    lines = ["true\\pred" + "".join(f"{j:>{width}}" for j in range(n))]
    for i in range(n):
        lines.append(f"{i:>9}" + "".join(f"{C[i, j]:>{width}}" for j in range(n)))
    return "\n".join(lines)
