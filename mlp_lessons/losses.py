"""Losses J(a[L], y), averaged over the m examples (columns), and their gradients.

Each loss returns (J, dAL) where dAL = dJ/dA[L] has the shape of A[L], (n[L], m).
Because J is divided by m, dAL carries the factor 1/m, and so do the gradients
that backprop builds from it: dJ/dW = dJ/dZ A_prev^T needs no extra 1/m, and its
size does not grow with the batch size (lesson 3's point on batching).
Each loss checks its arguments (shapes, finite values, labels in the loss's
domain; Y is converted to A[L]'s dtype) unless called with check=False.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .errors import (ShapeError, biggest, check_array, check_callable, check_finite, check_no_overflow, check_shape,
                     check_targets, describe, finite_number, is_real, one_number, plural, shape_str)


def half_squared_error(AL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """J = 1/(2m) sum_i sum_k (A[L]_ki - Y_ki)^2, lesson 2's J = 1/2 (a[L] - y)^2 averaged.

    dJ/dA[L] = (A[L] - Y) / m.  Shapes: AL, Y (n[L], m) -> (float, (n[L], m)).
    For m = 1 this is lesson 2's base case dJ/da[L] = a[L] - y.
    """
    if check:
        AL, Y = loss_args("half_squared_error", AL, Y)
    m = AL.shape[1]
    diff = AL - Y
    J = float(np.sum(diff * diff)) / (2 * m)
    return J, diff / m


def binary_cross_entropy(AL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """J = -1/m sum_i [Y log A[L] + (1 - Y) log(1 - A[L])], for a sigmoid output in (0, 1).

    dJ/dA[L] = (A[L] - Y) / (A[L] (1 - A[L])) / m.  Shapes: AL, Y (n[L], m) -> (float, (n[L], m)).
    This is the general route, from A[L] alone: backprop then multiplies
    dJ/dA[L] by sigma'(z) (boxed equation 1).  It is exact while the sigmoid is not
    saturated, but once A[L] rounds to 0 or 1 (|z| > 36 in float64) the loss and its
    gradient are lost: A[L] is clipped to [eps, 1 - eps] to keep them finite.
    Training uses sigmoid_binary_cross_entropy, from the logits z, which is exact.
    """
    if check:
        AL, Y = loss_args("binary_cross_entropy", AL, Y)
    m = AL.shape[1]
    eps = np.finfo(AL.dtype).eps
    A = np.clip(AL, eps, 1 - eps)
    J = -float(np.sum(Y * np.log(A) + (1 - Y) * np.log1p(-A))) / m + 0.0  # + 0.0: a perfect fit gives 0, not -0
    dAL = (A - Y) / (A * (1 - A)) / m
    return J, dAL


def softmax_cross_entropy(AL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """J = -1/m sum_i sum_k Y_ki log A[L]_ki, for a softmax output and one-hot Y.

    dJ/dA[L] = -Y / A[L] / m.  Shapes: AL, Y (n[L], m) -> (float, (n[L], m)).
    Backprop through softmax turns this into dJ/dZ[L] = (A[L] - Y) / m, because
    each column of Y sums to 1.  A[L] is floored at the smallest normal number of
    its dtype so that log and the division stay finite.
    """
    if check:
        AL, Y = loss_args("softmax_cross_entropy", AL, Y)
    m = AL.shape[1]
    A = np.maximum(AL, np.finfo(AL.dtype).tiny)
    J = -float(np.sum(Y * np.log(A))) / m + 0.0  # + 0.0: a perfect fit gives 0, not -0
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
    checking the arguments, for a training loop that checked them once.
    """
    if check:
        ZL, Y = loss_args("sigmoid_binary_cross_entropy", ZL, Y)
    m = ZL.shape[1]
    e = np.exp(-np.abs(ZL))  # shared by J and by A[L] = sigma(z), as in sigmoid()
    # max(z, 0) - y z first: exactly 0 for a sure, right answer, whose J is then the tiny log(1 + e^-|z|)
    J = float(((np.maximum(ZL, 0) - Y * ZL) + np.log1p(e)).sum()) / m
    positive, one_e = ZL >= 0, 1 + e
    # where z >= 0, A[L] = 1 - e/(1 + e), so A[L] - Y is written (1 - Y) - e/(1 + e) there: a sure and
    # right answer (z = 40, y = 1) keeps its tiny gradient instead of (1 - tiny) - 1 = 0
    dZL = np.where(positive, (1 - Y) - e / one_e, np.where(positive, 1, e) / one_e - Y)
    return J, dZL / m


def softmax_cross_entropy_from_logits(ZL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """Softmax output and cross-entropy in one step, from the logits z = Z[L].

    log a_k = z_k - log sum_j e^z_j, so J = -1/m sum_i sum_k Y_ki (Z_ki - logsumexp(Z_:i)),
    with the column max subtracted inside logsumexp; and
    dJ/dZ[L] = (softmax(Z[L]) - Y) / m, because each column of Y sums to 1.
    Shapes: ZL, Y (n[L], m) -> (float, (n[L], m)).  Exact for any z, also for a
    sure and right column (a_top close to 1), whose J and gradient are written
    with rest = sum of e^(z_j - z_top) over the other classes instead of 1 - a_top.
    check=False skips checking the arguments.
    """
    if check:
        ZL, Y = loss_args("softmax_cross_entropy_from_logits", ZL, Y)
    m = ZL.shape[1]
    shifted = ZL - ZL.max(axis=0, keepdims=True)  # <= 0, and 0 at each column's top logit(s)
    E = np.exp(shifted)
    S = E.sum(axis=0)
    below = shifted < 0
    rest = np.sum(E * below, axis=0)  # e^(z_j - max) summed over the logits below the top
    rest += np.rint(S - rest) - 1  # and over the other top logits, where several tie (each adds 1)
    log_A = shifted - np.log1p(rest)  # log1p: keeps -log a_top = log(1 + rest) when rest is tiny
    J = -float(np.sum(Y * log_A)) / m + 0.0  # + 0.0: a perfect fit gives 0, not -0
    # softmax(z) - y, without the cancellation in a_top - 1 when a_top is close to 1:
    # 1 - a_top = rest / S, so a_top - y_top = (1 - y_top) - rest / S.
    dZ = np.where(below, E / S - Y, (1 - Y) - rest / S)
    return J, dZ / m


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
    if any(name is f for f in FUSED_OUTPUTS.values()):
        raise ValueError(
            f"{name.__name__} takes the logits Z[L], not A[L]: pass the loss by its name, "
            f"loss='binary_cross_entropy' with a sigmoid output or loss='softmax_cross_entropy' with a "
            f"softmax output, and training computes both together from Z[L] by itself."
        )
    if callable(name):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        hint = ""
        if isinstance(name, str) and name in {f.__name__ for f in FUSED_OUTPUTS.values()}:
            hint = (f" {name} is the fused output layer that training picks by itself: pass the "
                    f"loss's own name, e.g. 'binary_cross_entropy', with a sigmoid output.")
        raise ValueError(f"Unknown loss {name!r}. Valid names are: {', '.join(sorted(LOSSES))}.{hint}") from None


def loss_name(loss) -> str | None:
    """The registry name of a loss given by name or as one of this module's functions; None for others."""
    if isinstance(loss, str):
        return loss if loss in LOSSES else None
    return next((k for k, f in [*LOSSES.items(), *((f.__name__, f) for f in FUSED_OUTPUTS.values())] if f is loss), None)


# What each loss's formula needs, checked by loss_args and train.
WHERE = {
    "half_squared_error": "half_squared_error, J = 1/(2m) sum (a[L] - y)^2",
    "binary_cross_entropy": "binary_cross_entropy, J = -1/m sum [y log a[L] + (1 - y) log(1 - a[L])]",
    "softmax_cross_entropy": "softmax_cross_entropy, J = -1/m sum_k y_k log a[L]_k",
    "sigmoid_binary_cross_entropy": "sigmoid_binary_cross_entropy, J = 1/m sum [log(1 + e^z) - y z]",
    "softmax_cross_entropy_from_logits": "softmax_cross_entropy_from_logits, J = -1/m sum_k y_k log softmax(z)_k",
}
BINARY = ("binary_cross_entropy", "sigmoid_binary_cross_entropy")
CATEGORICAL = ("softmax_cross_entropy", "softmax_cross_entropy_from_logits")
FROM_LOGITS = ("sigmoid_binary_cross_entropy", "softmax_cross_entropy_from_logits")


def loss_args(name: str, A, Y):
    """A (A[L], or Z[L] for the fused losses) and Y as float arrays of A's dtype that the loss `name` accepts."""
    where = WHERE[name]
    a = "ZL" if name in FROM_LOGITS else "AL"
    probabilities = a == "AL" and name != "half_squared_error"
    A = check_array(a, A, where=where, finite=False)
    in_0_1 = probabilities and A.min() >= 0 and A.max() <= 1  # and so finite
    if not in_0_1:
        check_finite(a, A, where)
    Y = check_targets(Y, A.shape, dtype=A.dtype, where=where)
    if name in CATEGORICAL and A.shape[0] < 2:
        raise ShapeError(
            f"{where}: softmax cross-entropy needs n[L] >= 2 outputs, one per class, but {a} has "
            f"shape {shape_str(A.shape)}. Softmax over a single output is always 1, so the loss "
            f"is 0 and nothing is learned. For two classes use one sigmoid output with "
            f"binary_cross_entropy; for k classes, k softmax outputs and Y = one_hot(labels, k)."
        )
    if probabilities and not in_0_1:
        bad = A.min() if A.min() < 0 else A.max()
        raise ValueError(
            f"{where}: a[L] must be probabilities in [0, 1] (the loss takes log a), but AL holds "
            f"{bad:.6g}. Is the output layer's activation "
            f"{'sigmoid' if name in BINARY else 'softmax'}? For outputs of any size use half_squared_error."
        )
    check_loss_targets(name, Y, where)
    if name == "half_squared_error":
        diff = biggest(A) + biggest(Y)
        check_no_overflow(where, "(a[L] - y)^2 summed", diff * diff * A.size, A.dtype,
                          {"AL": biggest(A), "Y": biggest(Y)})
    elif a == "ZL":
        check_no_overflow(where, "the sum over z", 2 * biggest(A) * (1 + biggest(Y)) * A.size, A.dtype,
                          {"ZL": biggest(A), "Y": biggest(Y)})
    return A, Y


def check_loss_targets(name, Y: np.ndarray, where: str = "") -> None:
    """Refuse targets outside the domain of the loss `name` (a registry name; None checks nothing).

    Binary cross-entropy: labels in [0, 1].  Softmax cross-entropy: each column a
    probability distribution over the classes (one-hot for a class label).
    """
    where = where or WHERE.get(name, name)
    if name in BINARY and not (Y.min() >= 0 and Y.max() <= 1):
        values = np.unique(Y)
        hint = " Binary cross-entropy is for two classes, labelled 0 and 1."
        if set(values) <= {-1.0, 1.0}:
            hint = " Labels -1 and +1: map them to 0 and 1 with Y = (Y + 1) / 2."
        elif set(values) <= {1.0, 2.0}:
            hint = " Labels 1 and 2: map them to 0 and 1 with Y = Y - 1."
        elif np.all(values == np.round(values)) and values.min() >= 0:
            hint = (" For more than two classes use a softmax output with softmax_cross_entropy and "
                    "one-hot targets, Y = one_hot(labels, n_classes).")
        raise ValueError(
            f"{where}: binary cross-entropy needs labels y in [0, 1] (1 for the class, 0 for "
            f"the other), but Y holds values from {Y.min():.6g} to {Y.max():.6g}; the loss would "
            f"then go negative and training would chase it down forever.{hint}"
        )
    if name in CATEGORICAL:
        sums = Y.sum(axis=0)
        tol = np.sqrt(np.finfo(Y.dtype).eps) * Y.shape[0]
        bad = np.flatnonzero((np.abs(sums - 1) > tol) | (Y.min(axis=0) < 0))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"{where}: each column of Y must be a probability distribution over the "
                f"n[L] = {plural(Y.shape[0], 'class', 'classes')} (entries >= 0 that sum to 1), as "
                f"one_hot(labels, {Y.shape[0]}) makes, but column {i} holds entries from "
                f"{Y[:, i].min():.6g} to {Y[:, i].max():.6g} that sum to {sums[i]:.6g} "
                f"({plural(bad.size, 'such column')})."
            )


OUTPUTS_IN_0_1 = ("sigmoid", "softmax")


def check_output_and_loss(activation: str, loss, n_L: int) -> None:
    """Refuse an output activation whose values the loss cannot take (e.g. tanh with cross-entropy).

    The log in cross-entropy needs a[L] in (0, 1): a sigmoid or softmax output.
    A softmax over n[L] = 1 output is always 1, whatever the loss.
    """
    name = loss_name(loss)
    if activation == "softmax" and n_L < 2:
        raise ValueError(
            f"The output layer is a softmax over n[L] = {plural(n_L, 'unit')}: its output is always 1, so "
            f"no loss can teach the network anything. For two classes use one sigmoid output "
            f"(with binary_cross_entropy); for k classes, k softmax outputs."
        )
    if name in BINARY + CATEGORICAL and activation not in OUTPUTS_IN_0_1:
        fit = "sigmoid" if name in BINARY else "softmax"
        raise ValueError(
            f"The loss {name} takes log a[L], so a[L] must lie in (0, 1), as a {fit} output does, "
            f"but the output activation is {activation!r}, whose values can leave (0, 1) (the log of "
            f"a negative number is NaN). Make the last activation {fit!r}, or use "
            f"loss='half_squared_error' for an output of any size."
        )


def evaluate_loss(loss, AL: np.ndarray, Y: np.ndarray, check: bool = True) -> tuple[float, np.ndarray]:
    """J, dJ/dA[L] = loss(AL, Y).  This module's losses skip their checks with check=False.

    Another callable (a loss of one's own) is checked at every call, since it may go
    wrong at any step of training, not only the first: it must return a finite number
    J and a finite dAL of AL's shape (converted to AL's dtype).  A NaN or inf is let
    through only where A[L] itself is not finite (the run diverged: training says so).
    check=False skips only the check of the function's signature.
    """
    fn = get_loss(loss)
    if any(fn is f for f in LOSSES.values()):
        return fn(AL, Y, check=check)
    if check:
        check_callable("loss", fn, 2, "a loss's name or a function (AL, Y) -> (J, dJ/dA[L])")
    return check_loss_result(fn, fn(AL, Y), AL)


def check_loss_result(fn, result, AL: np.ndarray) -> tuple[float, np.ndarray]:
    """What a loss of one's own returned, as (float J, dAL), or a message naming the function.

    Costs a few comparisons and one pass over dAL when all is well (it runs at every step).
    """
    name = f"The loss {getattr(fn, '__name__', 'loss')}(AL, Y)"
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"{name} must return a pair (J, dAL), got {describe(result)}.")
    J, dAL = one_number(result[0]), result[1]
    if not is_real(J):
        hint = ""
        if isinstance(J, np.ndarray) and J.shape == AL.shape:
            hint = " It looks like the loss of each entry: average it, e.g. J = float(np.sum(...)) / m."
        raise ValueError(
            f"{name} must return a finite number J first, got {describe(J)} (J is one number, the loss "
            f"averaged over the m examples).{hint}"
        )
    where = f"{name} -> (J, dJ/dA[L])"
    if not (type(dAL) is np.ndarray and dAL.dtype == AL.dtype):
        dAL = check_array("dAL", dAL, ndim=None, where=where, dtype=AL.dtype, finite=False)
    check_shape(dAL.shape, AL.shape, name + " returned dAL = dJ/dA[L] of shape {given}, but it must have the shape "
                "of A[L], (n[L], m) = {wanted}: one entry per output unit and example.")
    if not (finite_number(J) and np.isfinite(dAL).all()) and np.isfinite(AL).all():  # else the run diverged
        if not finite_number(J):
            raise ValueError(
                f"{name} must return a finite number J first, but it returned J = {J} for a finite A[L] "
                f"(entries from {AL.min():.3g} to {AL.max():.3g}). Check it for log(0), 0/0 or a division by "
                f"a number that can be 0, e.g. clip A[L] away from 0 and 1 before taking its log."
            )
        check_finite("dAL", dAL, where, "Check the loss's gradient for log(0), 0/0 or a division by a number "
                                         "that can be 0.")
    return float(J), dAL
