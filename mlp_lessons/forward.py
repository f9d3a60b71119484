"""Forward propagation: z[l] = W[l] a[l-1] + b[l],  a[l] = phi[l](z[l]),  a[0] = x.

Examples are stacked as columns, so A[l] has shape (n[l], m); a single example
is the m = 1 case.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import check_activation_names, get_activation
from .errors import (PARAMS_FIX, ShapeError, all_finite, biggest, check_array, check_inputs, check_count,
                     check_no_overflow, check_overflow, check_params, plural, quiet_overflow, shape_str)


class LayerCache(NamedTuple):
    """What layer l's backward step needs from its forward step."""

    A_prev: np.ndarray  # a[l-1], (n[l-1], m)
    W: np.ndarray  # W[l],   (n[l], n[l-1])
    Z: np.ndarray  # z[l],   (n[l], m)


def linear_forward(W: np.ndarray, A_prev: np.ndarray, b: np.ndarray, l: int | None = None,
                   check: bool = True) -> np.ndarray:
    """z[l] = W[l] a[l-1] + b[l].

    Shapes: (n[l], n[l-1]) @ (n[l-1], m) + (n[l], 1) -> (n[l], m); b is broadcast
    over the m columns, so every example gets the same shift.  check=False skips
    checking the arguments (forward's inner steps, whose inputs are checked once).
    """
    if check:
        W, A_prev, b = linear_forward_args(W, A_prev, b, l)
    return W @ A_prev + b


def linear_forward_args(W, A_prev, b, l=None):
    """W, A_prev, b as finite float arrays of W's dtype whose shapes fit z = W a_prev + b, or why not."""
    if l is not None:
        check_count("l", l, 1, " (the layer's number, 1..L) or None", "linear_forward")
    k, k1 = ("l", "l-1") if l is None else (l, l - 1)
    where = (f"Layer {l}" if l is not None else "linear_forward") + f", z[{k}] = W[{k}] a[{k1}] + b[{k}]"
    W = check_array("W", W, where=where, fix=PARAMS_FIX)
    A_prev = check_array("A_prev", A_prev, where=where, dtype=W.dtype)
    b = check_array("b", b, ndim=(1, 2), where=where, dtype=W.dtype, fix=PARAMS_FIX)
    n, n_prev = W.shape
    if (A_prev.shape[0], b.shape[0]) == (n, n_prev) and n != n_prev and A_prev.shape[0] != n_prev:
        raise ShapeError(
            f"{where}: W has shape {shape_str(W.shape)}, but a[{k1}] has {plural(A_prev.shape[0], 'row')} and b has "
            f"{b.shape[0]}, so W must be (n[{k}], n[{k1}]) = {shape_str((n_prev, n))}: W looks transposed. "
            f"W[{k}] has one row per neuron of layer {k} and one column per input; pass W.T."
        )
    if A_prev.shape[0] != n_prev:
        hint = " Are the examples stacked as rows instead of columns? Pass A_prev.T." if A_prev.shape[1] == n_prev else ""
        raise ShapeError(
            f"{where}: W has shape {shape_str(W.shape)}, so a[{k1}] must have {plural(n_prev, 'row')} (one per "
            f"column of W) and one column per example, but A_prev has shape {shape_str(A_prev.shape)}.{hint}"
        )
    if b.shape != (n, 1):
        hint = ""
        if b.shape in ((n,), (1, n)):
            hint = (f" A {'1-D b' if b.ndim == 1 else 'row b'} would broadcast along the wrong axis: "
                    f"use b.reshape(-1, 1).")
        elif b.ndim == 2 and b.shape[0] == n:
            hint = " b is one shift per neuron, the same for every example: one column."
        raise ShapeError(
            f"{where}: b must be a column of shape (n[{k}], 1) = {shape_str((n, 1))}, one entry per row "
            f"of W (shape {shape_str(W.shape)}), but b has shape {shape_str(b.shape)}.{hint}"
        )
    check_no_overflow(where, f"z[{k}]", n_prev * biggest(W) * biggest(A_prev) + biggest(b), W.dtype,
                      {"W": biggest(W), "A_prev": biggest(A_prev), "b": biggest(b)})
    return W, A_prev, b


def layer_forward(W: np.ndarray, A_prev: np.ndarray, b: np.ndarray, activation: str, l: int | None = None,
                  check: bool = True):
    """One layer: a[l] = phi[l](W[l] a[l-1] + b[l]).  Returns (A, cache).

    The arguments come in the order of the symbols in the equation, as in
    linear_forward.  Shapes: W (n[l], n[l-1]), A_prev (n[l-1], m), b (n[l], 1)
    -> A (n[l], m); cache = (A_prev, W, Z) for backward.
    """
    act = get_activation(activation)
    if check:
        W, A_prev, b = linear_forward_args(W, A_prev, b, l)
    Z = linear_forward(W, A_prev, b, l, check=False)
    return act.phi(Z, check=False), LayerCache(A_prev, W, Z)


def forward(params: dict, X: np.ndarray, activations, check: bool = True) -> tuple[np.ndarray, list[LayerCache]]:
    """Forward prop through layers 1..L, starting from a[0] = X.

    params: W1..WL, b1..bL from init_params; X: (n[0], m), converted to the
    parameters' dtype; activations: L names, output layer last.  Returns A[L],
    (n[L], m), and the list of L layer caches.  check=False skips validating the
    inputs (and checking that no z[l] overflowed): for a training loop's inner
    steps, whose inputs were checked once before the loop.
    """
    if check:
        L = check_params(params)
        activations = check_activation_names(activations, L, [params[f"W{l}"].shape[0] for l in range(1, L + 1)])
        X = check_inputs(X, params["W1"].shape[1], dtype=params["W1"].dtype)
    A, caches = X, []
    with quiet_overflow(check):  # an overflow is refused next, with its layer
        for l, name in enumerate(activations, start=1):
            A, cache = layer_forward(params[f"W{l}"], A, params[f"b{l}"], name, l, check=False)
            caches.append(cache)
    if check and not all_finite(cache.Z for cache in caches):
        for l, cache in enumerate(caches, start=1):
            check_overflow(f"z[{l}]", cache.Z, f"Layer {l}, z[{l}] = W[{l}] a[{l - 1}] + b[{l}]")
    return A, caches


def predict(params: dict, X: np.ndarray, activations, check: bool = True) -> np.ndarray:
    """A[L] for inputs X, (n[0], m) -> (n[L], m).

    check=False: no checks, so parameters that overflow give inf or NaN outputs
    instead of an error (for drawing the state of a run, whatever it is).
    """
    return forward(params, X, activations, check=check)[0]
