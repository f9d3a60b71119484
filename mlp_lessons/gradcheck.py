"""Gradient checking with centred finite differences.

dJ/dtheta_k ~ (J(theta + eps e_k) - J(theta - eps e_k)) / (2 eps), one entry at a
time.  Slow (a few forward passes per entry) but independent of backprop, so it
is the referee for every boxed equation.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .activations import check_activation_names
from .backward import loss_and_grads, output_dZ
from .errors import (biggest, check_array, check_shape, check_callable, check_finite, check_inputs, check_params,
                     check_real, check_targets, describe, is_real, one_number)
from .forward import forward
from .losses import get_loss


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-4, order: int = 4) -> np.ndarray:
    """Centred differences of the scalar f() with respect to every entry of x.

    order=2: (f(x + eps) - f(x - eps)) / (2 eps), error ~ eps^2.
    order=4: the same formula at eps and 2 eps, combined (Richardson) to cancel
             the eps^2 term: (8 D(eps) - D(2 eps)) / 12 with D(h) = f(x+h) - f(x-h),
             divided by eps; error ~ eps^4, so a larger eps can be used and
             rounding in f matters far less (tiny gradients are checked too).
    x is perturbed in place (and restored), so f must read x, e.g.
    numerical_gradient(lambda: loss_of(params), params["W1"]).  Returns x's shape.
    x must be a float array (an integer array cannot hold x + eps).
    """
    numerical_gradient_args(f, x, eps, order)

    def J():
        return scalar_of(f(), x)

    def D(k, h):
        saved = x[k]
        try:
            x[k] = saved + h
            J_plus = J()
            x[k] = saved - h
            J_minus = J()
        finally:  # put x back, also when f raises: x is the caller's array (e.g. params["W1"])
            x[k] = saved
        return J_plus - J_minus

    grad = np.zeros_like(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # a J that overflows is reported by scalar_of
        for k in np.ndindex(x.shape):
            if order == 2:
                grad[k] = D(k, eps) / (2 * eps)
            else:
                grad[k] = (8 * D(k, eps) - D(k, 2 * eps)) / (12 * eps)
    return grad


WHERE_NUMERICAL = "numerical_gradient, dJ/dx_k ~ (f(x + eps e_k) - f(x - eps e_k)) / (2 eps)"


def numerical_gradient_args(f, x, eps, order) -> None:
    where = WHERE_NUMERICAL
    check_callable("f", f, 0, "a function of no arguments that returns J and reads x, e.g. lambda: loss_of(params)", where)
    if type(x) is not np.ndarray or x.dtype.kind != "f":
        raise TypeError(
            f"{where}: x must be the float numpy array that f reads (it is changed in place, entry by entry, and "
            f"put back; an integer array cannot hold x + eps = {eps!r}), got {describe(x)}. Make x a float array, "
            f"x = x.astype(float), and let f read that array."
        )
    if not x.flags.writeable:
        raise ValueError(f"{where}: x is read-only, but it is changed in place; pass a writeable copy that f reads.")
    check_real("eps", eps, where, low=np.finfo(np.float64).tiny, high=1,
               meaning=", the small step of the differences (e.g. 1e-4)")
    if order not in (2, 4) or isinstance(order, bool):
        raise ValueError(f"{where}: order must be 2 or 4, got {order!r}.")
    check_finite("x", x, where)
    lost = (x + x.dtype.type(eps)) == x
    if lost.any():
        raise ValueError(
            f"{where}: eps = {eps!r} is lost in rounding: x + eps == x in {x.dtype} where |x| = "
            f"{float(np.max(np.abs(x[lost]))):.3g}. Use a larger eps, or float64 for x."
        )


def scalar_of(J, x):
    """f()'s value as a finite real number, or a message saying what f returned instead."""
    where = WHERE_NUMERICAL
    if isinstance(J, tuple):
        hint = " A loss returns the pair (J, dAL): take its first item, loss(AL, Y)[0]." if len(J) == 2 else ""
        raise TypeError(f"{where}: f() must return the number J, but it returned a tuple of {len(J)}.{hint}")
    J = one_number(J)
    if not is_real(J):
        raise TypeError(f"{where}: f() must return a real number J, got {describe(J)}.")
    if not np.isfinite(J):
        raise ValueError(
            f"{where}: f() returned {J} with x perturbed by eps; J must be finite near x (is x at a "
            f"point where the loss is infinite, or is eps too large?)."
        )
    return J


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||): about 1e-9 when two float64 gradients agree, 0 if both are 0.

    a and b must have the same shape (no broadcasting).
    """
    where = "relative_error, ||a - b|| / (||a|| + ||b||)"
    a = check_array("a", a, ndim=None, where=where, dtype=np.float64)
    b = check_array("b", b, ndim=None, where=where, dtype=np.float64)
    check_shape(a.shape, b.shape, where + ": a and b must have the same shape, but a is {given} and b is {wanted}; "
                "a - b would broadcast them into a different shape. Compare like with like, e.g. "
                "b.reshape(a.shape) if they hold the same numbers.", hint="")
    scale = max(biggest(a), biggest(b))  # divided out so the norms never overflow
    if scale == 0:
        return 0.0
    a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def grad_check(params: dict, X, Y, activations, loss="half_squared_error", eps: float = 1e-4) -> dict:
    """Compare backprop's gradient of every parameter with finite differences.

    Both sides use the loss as training does (loss_and_grads: from the logits for a
    sigmoid or softmax output with cross-entropy).
    Returns {"W1": relative error, "b1": ..., ...}.  Use float64 parameters and a
    small network: the check costs four forward passes per parameter entry.
    """
    L = check_params(params)
    activations = check_activation_names(activations, L)
    loss_fn = get_loss(loss)
    work = {k: v.astype(np.float64, copy=True) for k, v in params.items()}
    X = check_inputs(X, work["W1"].shape[1], dtype=np.float64)
    Y = check_targets(Y, (work[f"W{L}"].shape[0], X.shape[1]), dtype=np.float64)

    def J() -> float:
        AL, caches = forward(work, X, activations, check=False)
        return output_dZ(AL, caches[-1].Z, Y, activations[-1], loss_fn, check=False)[0]

    _, caches = forward(work, X, activations)
    grads = loss_and_grads(work, caches, Y, activations, loss_fn)[1]
    return {name: relative_error(grads["d" + name], numerical_gradient(J, work[name], eps)) for name in work}
