"""Forward propagation: z[l] = W[l] a[l-1] + b[l],  a[l] = phi[l](z[l]),  a[0] = x.

Examples are stacked as columns, so A[l] has shape (n[l], m); a single example
is the m = 1 case.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import get_activation
from .errors import ShapeError, check_activations, check_inputs, check_params, shape_str


class LayerCache(NamedTuple):
    """What layer l's backward step needs from its forward step."""

    A_prev: np.ndarray  # a[l-1], (n[l-1], m)
    W: np.ndarray  # W[l],   (n[l], n[l-1])
    Z: np.ndarray  # z[l],   (n[l], m)


def linear_forward(W: np.ndarray, A_prev: np.ndarray, b: np.ndarray, l: int | None = None) -> np.ndarray:
    """z[l] = W[l] a[l-1] + b[l].

    Shapes: (n[l], n[l-1]) @ (n[l-1], m) + (n[l], 1) -> (n[l], m); b is broadcast
    over the m columns, so every example gets the same shift.
    """
    try:
        return W @ A_prev + b
    except ValueError:
        where = f"Layer {l}, " if l is not None else ""
        k = "l" if l is None else l
        raise ShapeError(
            f"{where}z[{k}] = W[{k}] a[{k}-1] + b[{k}]: W has shape {shape_str(W.shape)}, so a[{k}-1] "
            f"must have {W.shape[1]} rows and one column per example, but it has shape "
            f"{shape_str(A_prev.shape)}. Are the examples stacked as rows instead of columns?"
        ) from None


def layer_forward(W: np.ndarray, A_prev: np.ndarray, b: np.ndarray, activation: str, l: int | None = None):
    """One layer: a[l] = phi[l](W[l] a[l-1] + b[l]).  Returns (A, cache).

    The arguments come in the order of the symbols in the equation, as in
    linear_forward.  Shapes: W (n[l], n[l-1]), A_prev (n[l-1], m), b (n[l], 1)
    -> A (n[l], m); cache = (A_prev, W, Z) for backward.
    """
    Z = linear_forward(W, A_prev, b, l)
    A = get_activation(activation).phi(Z)
    return A, LayerCache(A_prev, W, Z)


def forward(params: dict, X: np.ndarray, activations, check: bool = True) -> tuple[np.ndarray, list[LayerCache]]:
    """Forward prop through layers 1..L, starting from a[0] = X.

    params: W1..WL, b1..bL from init_params; X: (n[0], m); activations: L names,
    output layer last.  Returns A[L], (n[L], m), and the list of L layer caches.
    check=False skips validating the inputs: for a training loop's inner steps,
    whose inputs were checked once before the loop.
    """
    A = X
    if check:
        L = check_params(params)
        activations = check_activations(activations, L)
        A = check_inputs(X, params["W1"].shape[1])
    caches = []
    for l, name in enumerate(activations, start=1):
        A, cache = layer_forward(params[f"W{l}"], A, params[f"b{l}"], name, l)
        caches.append(cache)
    return A, caches


def predict(params: dict, X: np.ndarray, activations) -> np.ndarray:
    """A[L] for inputs X, (n[0], m) -> (n[L], m)."""
    return forward(params, X, activations)[0]
