"""Backward propagation: the four boxed equations, one function each.

Layer l receives dJ/dA[l] from layer l+1 (or, for l = L, from the loss) and
returns dJ/dW[l], dJ/db[l] and dJ/dA[l-1] for layer l-1.  Examples are
columns; for m = 1 these are exactly the seed's single-example equations, and
for m > 1 the sums over examples happen inside the matrix product (for dW) and
the row sum (for db).  The 1/m of the averaged loss is already inside dJ/dA[L].
"""

from __future__ import annotations

import numpy as np

from .activations import get_activation
from .errors import ShapeError, check_activations, check_params, shape_str
from .forward import LayerCache


def backprop_dZ(dA: np.ndarray, Z: np.ndarray, phi_prime) -> np.ndarray:
    """Boxed equation 1: dJ/dZ[l] = dJ/dA[l] * phi'[l](Z[l])   (elementwise product).

    Shapes: (n[l], m) * (n[l], m) -> (n[l], m).
    """
    return dA * phi_prime(Z)


def backprop_dW(dZ: np.ndarray, A_prev: np.ndarray) -> np.ndarray:
    """Boxed equation 2: dJ/dW[l] = dJ/dZ[l] @ A[l-1].T.

    Component-wise dJ/dW_pq = sum_i dJ/dZ_pi A[l-1]_qi: with one example an outer
    product, with m examples the sum of the m outer products.
    Shapes: (n[l], m) @ (m, n[l-1]) -> (n[l], n[l-1]), the shape of W[l].
    """
    return dZ @ A_prev.T


def backprop_db(dZ: np.ndarray) -> np.ndarray:
    """Boxed equation 3: dJ/db[l] = dJ/dZ[l], summed over the m columns (examples).

    b[l] is added to every column, so its gradient collects every column's dJ/dz.
    Shapes: (n[l], m) -> (n[l], 1), the shape of b[l].
    """
    return dZ.sum(axis=1, keepdims=True)


def backprop_dA_prev(W: np.ndarray, dZ: np.ndarray) -> np.ndarray:
    """Boxed equation 4: dJ/dA[l-1] = W[l].T @ dJ/dZ[l].

    Entry q is the dot product of column q of W[l] with dJ/dz[l].
    Shapes: (n[l-1], n[l]) @ (n[l], m) -> (n[l-1], m), the shape of A[l-1].
    """
    return W.T @ dZ


def layer_backward(dA: np.ndarray, cache: LayerCache, activation: str, need_dA_prev: bool = True):
    """One layer backwards: the four boxed equations in order.

    dA: dJ/dA[l], (n[l], m).  Returns (dA_prev, dW, db) with shapes
    (n[l-1], m), (n[l], n[l-1]), (n[l], 1).  Layer 1 passes need_dA_prev=False:
    dJ/dA[0] = dJ/dX is not needed to train, so it is skipped (dA_prev is None).
    """
    A_prev, W, Z = cache
    act = get_activation(activation)
    if act.backprop_dZ is None:
        dZ = backprop_dZ(dA, Z, act.phi_prime)
    else:
        dZ = act.backprop_dZ(dA, Z)  # softmax: not elementwise, a Jacobian-vector product
    dW = backprop_dW(dZ, A_prev)
    db = backprop_db(dZ)
    dA_prev = backprop_dA_prev(W, dZ) if need_dA_prev else None
    return dA_prev, dW, db


def backward(params: dict, caches: list, dAL: np.ndarray, activations) -> dict:
    """Backprop through layers L..1, starting from dJ/dA[L] = dAL given by the loss.

    Returns grads with keys dW1..dWL, db1..dbL, each of its parameter's shape.
    """
    L = check_params(params)
    activations = check_activations(activations, L)
    if len(caches) != L:
        raise ValueError(f"backward needs the L = {L} caches returned by forward, got {len(caches)}.")
    AL_shape = caches[-1].Z.shape
    if not isinstance(dAL, np.ndarray) or dAL.shape != AL_shape:
        got = shape_str(dAL.shape) if isinstance(dAL, np.ndarray) else type(dAL).__name__
        raise ShapeError(
            f"Layer {L}: dJ/dA[{L}] must have the shape of A[{L}], (n[{L}], m) = "
            f"{shape_str(AL_shape)}, but dAL is {got}. It comes from the loss, e.g. "
            f"dJ/da[L] = a[L] - y."
        )
    return _backward(caches, dAL, activations)


def _backward(caches, dAL, activations):
    """backward() without validation, for the training loop's inner steps."""
    grads = {}
    dA = dAL
    for l in range(len(caches), 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = layer_backward(
            dA, caches[l - 1], activations[l - 1], need_dA_prev=l > 1
        )
    return grads
