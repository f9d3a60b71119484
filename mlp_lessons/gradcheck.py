"""Gradient checking with centred finite differences.

dJ/dtheta_k ~ (J(theta + eps e_k) - J(theta - eps e_k)) / (2 eps), one entry at a
time.  Slow (a few forward passes per entry) but independent of backprop, so it
is the referee for every boxed equation.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .backward import loss_and_grads, output_dZ
from .errors import check_activations, check_params
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
    """
    if order not in (2, 4):
        raise ValueError(f"order must be 2 or 4, got {order!r}.")

    def D(k, h):
        saved = x[k]
        x[k] = saved + h
        J_plus = f()
        x[k] = saved - h
        J_minus = f()
        x[k] = saved
        return J_plus - J_minus

    grad = np.zeros_like(x, dtype=np.float64)
    for k in np.ndindex(x.shape):
        if order == 2:
            grad[k] = D(k, eps) / (2 * eps)
        else:
            grad[k] = (8 * D(k, eps) - D(k, 2 * eps)) / (12 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||): about 1e-9 when two float64 gradients agree, 0 if both are 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denom)


def grad_check(params: dict, X, Y, activations, loss="half_squared_error", eps: float = 1e-4) -> dict:
    """Compare backprop's gradient of every parameter with finite differences.

    Both sides use the loss as training does (loss_and_grads: from the logits for a
    sigmoid or softmax output with cross-entropy).
    Returns {"W1": relative error, "b1": ..., ...}.  Use float64 parameters and a
    small network: the check costs four forward passes per parameter entry.
    """
    L = check_params(params)
    activations = check_activations(activations, L)
    loss_fn = get_loss(loss)
    work = {k: v.astype(np.float64, copy=True) for k, v in params.items()}
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)

    def J() -> float:
        AL, caches = forward(work, X, activations)
        return output_dZ(AL, caches[-1].Z, Y, activations[-1], loss_fn)[0]

    _, caches = forward(work, X, activations)
    grads = loss_and_grads(work, caches, Y, activations, loss_fn)[1]
    return {name: relative_error(grads["d" + name], numerical_gradient(J, work[name], eps)) for name in work}
