"""Input features computed from the raw inputs: a[0] = (x1, x2, x1^2, ...), chosen by name.

A network on the raw plane (x1, x2) needs hidden layers to draw a circle; given
x1^2 and x2^2 as inputs, one sigmoid unit does it, since a circle is a line in
those coordinates: w1 x1^2 + w2 x2^2 + b = 0.  Beside the data sets: numpy only.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError, check_array, shape_str

# name -> (raw inputs it reads, the function of X's rows x1 = X[0], x2 = X[1])
FEATURES = {
    "x1": (1, lambda X: X[0]),
    "x2": (2, lambda X: X[1]),
    "x1^2": (1, lambda X: X[0] ** 2),
    "x2^2": (2, lambda X: X[1] ** 2),
    "x1*x2": (2, lambda X: X[0] * X[1]),
    "sin x1": (1, lambda X: np.sin(X[0])),
    "sin x2": (2, lambda X: np.sin(X[1])),
}


def features_for(n_raw: int) -> tuple[str, ...]:
    """The feature names a data set with n_raw inputs (1: x1 only; 2: x1, x2) can use."""
    return tuple(name for name, (needs, _) in FEATURES.items() if needs <= n_raw)


def check_features(names, n_raw: int = 2) -> tuple[str, ...]:
    """Return the names as a tuple in FEATURES order, or say which one is wrong and why."""
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"features must be a list of names such as ['x1', 'x2', 'x1^2'], got {names!r}.")
    allowed = features_for(n_raw)
    for name in names:
        if not isinstance(name, str) or name not in FEATURES:
            raise ValueError(f"Unknown feature {name!r}. Valid names are: {', '.join(FEATURES)}.")
        if name not in allowed:
            raise ValueError(
                f"The feature {name!r} needs an input x2, but this data set has only x1; "
                f"choose from {', '.join(allowed)}."
            )
    if not names:
        raise ValueError(f"features needs at least one input, e.g. ['x1']; choose from {', '.join(allowed)}.")
    if len(set(names)) != len(names):
        raise ValueError(f"features lists a name twice: {list(names)!r}.")
    return tuple(name for name in FEATURES if name in names)


def input_features(X: np.ndarray, names) -> np.ndarray:
    """a[0]: one row per named feature of the raw inputs X, (n_raw, m) -> (len(names), m).

    The rows come in the order of FEATURES (x1, x2, x1^2, x2^2, x1*x2, sin x1,
    sin x2), whatever the order of the names: input_features(X, ["x2", "x1"]) is
    a copy of X.
    """
    X = check_array("X", X, where="input_features, a[0] from the raw inputs (x1, x2)")  # ints -> float64
    if X.shape[0] not in (1, 2):
        raise ShapeError(
            f"input_features: X holds the raw inputs as rows, x1 (and x2), one column per example, "
            f"so it has 1 or 2 rows, but it has shape {shape_str(X.shape)}."
            + (" It looks transposed: pass X.T." if X.shape[1] in (1, 2) else "")
        )
    names = check_features(names, X.shape[0])
    return np.stack([FEATURES[name][1](X) for name in names]).astype(X.dtype, copy=False)
