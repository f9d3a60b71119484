"""Losses J(a[L], y), averaged over the m examples (columns), and their gradients.

Each loss returns (J, dAL) where dAL = dJ/dA[L] has the shape of A[L], (n[L], m).
Because J is divided by m, dAL carries the factor 1/m, and so do the gradients
that backprop builds from it: dJ/dW = dJ/dZ A_prev^T needs no extra 1/m, and its
size does not grow with the batch size (the seed's last point on batching).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .errors import check_targets


def half_squared_error(AL: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """J = 1/(2m) sum_i sum_k (A[L]_ki - Y_ki)^2, the seed's J = 1/2 (a[L] - y)^2 averaged.

    dJ/dA[L] = (A[L] - Y) / m.  Shapes: AL, Y (n[L], m) -> (float, (n[L], m)).
    For m = 1 this is the seed's base case dJ/da[L] = a[L] - y.
    """
    Y = check_targets(Y, AL.shape)
    m = AL.shape[1]
    diff = AL - Y
    J = float(np.sum(diff * diff)) / (2 * m)
    return J, diff / m


def binary_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """J = -1/m sum_i [Y log A[L] + (1 - Y) log(1 - A[L])], for a sigmoid output in (0, 1).

    dJ/dA[L] = (A[L] - Y) / (A[L] (1 - A[L])) / m.  Shapes: AL, Y (n[L], m) -> (float, (n[L], m)).
    A[L] is clipped to [eps, 1 - eps] (eps of its dtype) so that log and the
    division stay finite when a saturated sigmoid returns exactly 0 or 1.
    """
    Y = check_targets(Y, AL.shape)
    m = AL.shape[1]
    eps = np.finfo(AL.dtype).eps
    A = np.clip(AL, eps, 1 - eps)
    J = -float(np.sum(Y * np.log(A) + (1 - Y) * np.log1p(-A))) / m
    dAL = (A - Y) / (A * (1 - A)) / m
    return J, dAL


def softmax_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """J = -1/m sum_i sum_k Y_ki log A[L]_ki, for a softmax output and one-hot Y.

    dJ/dA[L] = -Y / A[L] / m.  Shapes: AL, Y (n[L], m) -> (float, (n[L], m)).
    Backprop through softmax turns this into dJ/dZ[L] = (A[L] - Y) / m, because
    each column of Y sums to 1.  A[L] is floored at the smallest normal number of
    its dtype so that log and the division stay finite.
    """
    Y = check_targets(Y, AL.shape)
    m = AL.shape[1]
    A = np.maximum(AL, np.finfo(AL.dtype).tiny)
    J = -float(np.sum(Y * np.log(A))) / m
    return J, -Y / A / m


LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]] = {
    "half_squared_error": half_squared_error,
    "binary_cross_entropy": binary_cross_entropy,
    "softmax_cross_entropy": softmax_cross_entropy,
}


def get_loss(name):
    """Look up a loss by name; a callable (AL, Y) -> (J, dAL) is passed through."""
    if callable(name):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown loss {name!r}. Valid names are: {', '.join(sorted(LOSSES))}.") from None
