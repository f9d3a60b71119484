"""Losses J(a[L], y), averaged over the m examples (columns), and their gradients.

Each loss returns (J, dAL) where dAL = dJ/dA[L] has the shape of A[L], (n[L], m).
Because J is divided by m, dAL carries the factor 1/m, and so do the gradients
that backprop builds from it: dJ/dW = dJ/dZ A_prev^T needs no extra 1/m, and its
size does not grow with the batch size (the seed's last point on batching).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .activations import softmax
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
    This is the seed's general route, from A[L] alone: backprop then multiplies
    dJ/dA[L] by sigma'(z) (boxed equation 1).  It is exact while the sigmoid is not
    saturated, but once A[L] rounds to 0 or 1 (|z| > 36 in float64) the loss and its
    gradient are lost: A[L] is clipped to [eps, 1 - eps] to keep them finite.
    Training uses sigmoid_binary_cross_entropy, from the logits z, which is exact.
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


def sigmoid_binary_cross_entropy(ZL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """Sigmoid output and binary cross-entropy in one step, from the logits z = Z[L].

    With a = sigma(z): -[y log a + (1 - y) log(1 - a)] = log(1 + e^z) - y z, so
    J = 1/m sum_i sum_k [log(1 + e^Z_ki) - Y_ki Z_ki], written as
    max(z, 0) + log(1 + e^-|z|) - y z, which never overflows; and
    dJ/dZ[L] = (sigma(Z[L]) - Y) / m  (dJ/dA[L] times sigma'(z), with the
    a (1 - a) cancelled by hand instead of in floating point).
    Shapes: ZL, Y (n[L], m) -> (float, (n[L], m)).  Y holds labels in [0, 1].
    Exact for every z, also where the sigmoid saturates and a network that is
    confidently wrong must still get a large gradient.  check=False skips
    validating Y, for a training loop that checked it once.
    """
    if check:
        Y = check_targets(Y, ZL.shape)
    m = ZL.shape[1]
    e = np.exp(-np.abs(ZL))  # shared by J and by A[L] = sigma(z), as in sigmoid()
    J = float(np.sum(np.maximum(ZL, 0) + np.log1p(e) - Y * ZL)) / m
    AL = np.where(ZL >= 0, 1, e) / (1 + e)
    return J, (AL - Y) / m


def softmax_cross_entropy_from_logits(ZL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """Softmax output and cross-entropy in one step, from the logits z = Z[L].

    log a_k = z_k - log sum_j e^z_j, so J = -1/m sum_i sum_k Y_ki (Z_ki - logsumexp(Z_:i)),
    with the column max subtracted inside logsumexp; and
    dJ/dZ[L] = (softmax(Z[L]) - Y) / m, because each column of Y sums to 1.
    Shapes: ZL, Y (n[L], m) -> (float, (n[L], m)).  Exact for any z.
    check=False skips validating Y.
    """
    if check:
        Y = check_targets(Y, ZL.shape)
    m = ZL.shape[1]
    shifted = ZL - ZL.max(axis=0, keepdims=True)
    log_A = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    J = -float(np.sum(Y * log_A)) / m
    return J, (softmax(ZL) - Y) / m


LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]] = {
    "half_squared_error": half_squared_error,
    "binary_cross_entropy": binary_cross_entropy,
    "softmax_cross_entropy": softmax_cross_entropy,
}


# Output activation and loss pairs computed together from the logits: their
# dJ/dZ[L] is (A[L] - Y) / m, exactly, however saturated the output.
FUSED_OUTPUTS = {
    ("sigmoid", "binary_cross_entropy"): sigmoid_binary_cross_entropy,
    ("softmax", "softmax_cross_entropy"): softmax_cross_entropy_from_logits,
}


_LOSS_NAMES = {f: name for name, f in LOSSES.items()}


def fused_output(activation: str, loss) -> Callable | None:
    """The fused (ZL, Y) -> (J, dZL) for this output activation and loss (a name or a LOSSES function), or None."""
    name = loss if isinstance(loss, str) else _LOSS_NAMES.get(loss)
    return FUSED_OUTPUTS.get((activation, name))


def get_loss(name):
    """Look up a loss by name; a callable (AL, Y) -> (J, dAL) is passed through."""
    if callable(name):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown loss {name!r}. Valid names are: {', '.join(sorted(LOSSES))}.") from None
