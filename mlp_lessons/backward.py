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
from .losses import fused_output, get_loss


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


def dZ_of_layer(dA: np.ndarray, Z: np.ndarray, activation: str) -> np.ndarray:
    """Boxed equation 1 for the named activation: dA * phi'(Z), or softmax's Jacobian product."""
    act = get_activation(activation)
    if act.backprop_dZ is None:
        return backprop_dZ(dA, Z, act.phi_prime)
    return act.backprop_dZ(dA, Z)  # softmax: not elementwise, a Jacobian-vector product


def layer_backward(dA: np.ndarray, cache: LayerCache, activation: str, need_dA_prev: bool = True):
    """One layer backwards: the four boxed equations in order.

    dA: dJ/dA[l], (n[l], m).  Returns (dA_prev, dW, db) with shapes
    (n[l-1], m), (n[l], n[l-1]), (n[l], 1).  Layer 1 passes need_dA_prev=False:
    dJ/dA[0] = dJ/dX is not needed to train, so it is skipped (dA_prev is None).
    """
    A_prev, W, Z = cache
    dZ = dZ_of_layer(dA, Z, activation)  # equation 1
    dW = backprop_dW(dZ, A_prev)  # equation 2
    db = backprop_db(dZ)  # equation 3
    dA_prev = backprop_dA_prev(W, dZ) if need_dA_prev else None  # equation 4
    return dA_prev, dW, db


def _check_caches(params, caches, activations):
    L = check_params(params)
    activations = check_activations(activations, L)
    if isinstance(caches, tuple) and len(caches) == 2 and isinstance(caches[1], list):
        raise TypeError(
            "caches must be the list of layer caches, the second thing forward returns: "
            "write AL, caches = forward(params, X, activations), then pass caches "
            "(not the whole (AL, caches) pair)."
        )
    if not isinstance(caches, (list, tuple)) or len(caches) != L:
        got = len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__
        raise ValueError(f"backward needs the L = {L} caches returned by forward, got {got}.")
    for l, cache in enumerate(caches, start=1):
        if not isinstance(cache, LayerCache):
            raise TypeError(
                f"caches[{l - 1}] (layer {l}) must be the LayerCache that forward made, got "
                f"{type(cache).__name__}. Pass the caches list from AL, caches = forward(...)."
            )
    return activations


def backward(params: dict, caches: list, dAL: np.ndarray, activations, check: bool = True) -> dict:
    """Backprop through layers L..1, starting from dJ/dA[L] = dAL given by the loss.

    This is the seed's general route: at the output, boxed equation 1 turns
    dJ/dA[L] into dJ/dZ[L] = dJ/dA[L] * phi'(Z[L]).  Any loss works, but with a
    sigmoid or softmax output whose units saturate, dJ/dA[L] (computed from A[L]
    alone) loses the information; loss_and_grads starts from the logits instead.
    Returns grads with keys dW1..dWL, db1..dbL, each of its parameter's shape.
    """
    if check:
        activations = _check_caches(params, caches, activations)
        L = len(caches)
        AL_shape = caches[-1].Z.shape
        if not isinstance(dAL, np.ndarray) or dAL.shape != AL_shape:
            got = shape_str(dAL.shape) if isinstance(dAL, np.ndarray) else type(dAL).__name__
            raise ShapeError(
                f"Layer {L}: dJ/dA[{L}] must have the shape of A[{L}], (n[{L}], m) = "
                f"{shape_str(AL_shape)}, but dAL is {got}. It comes from the loss, e.g. "
                f"dJ/da[L] = a[L] - y."
            )
    dZL = dZ_of_layer(dAL, caches[-1].Z, activations[-1])
    return backward_from_dZL(caches, dZL, activations)


def backward_from_dZL(caches: list, dZL: np.ndarray, activations) -> dict:
    """Layers L..1 given the output layer's dJ/dZ[L]: equations 2-4 at layer L, all four below.

    Unvalidated: the shared inner loop of backward and loss_and_grads.
    Returns grads with keys dW1..dWL, db1..dbL.
    """
    grads = {}
    L = len(caches)
    A_prev, W, _ = caches[L - 1]
    grads[f"dW{L}"], grads[f"db{L}"] = backprop_dW(dZL, A_prev), backprop_db(dZL)
    dA = backprop_dA_prev(W, dZL) if L > 1 else None
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = layer_backward(
            dA, caches[l - 1], activations[l - 1], need_dA_prev=l > 1
        )
    return grads


def output_dZ(
    AL: np.ndarray | None, ZL: np.ndarray, Y: np.ndarray, activation: str, loss, check: bool = True
) -> tuple[float, np.ndarray]:
    """J and dJ/dZ[L] at the output layer.  Shapes: AL, ZL, Y (n[L], m) -> (float, (n[L], m)).

    For a sigmoid output with binary cross-entropy, and a softmax output with
    cross-entropy, both are computed together from the logits Z[L]
    (losses.FUSED_OUTPUTS): dJ/dZ[L] = (A[L] - Y) / m, exact however saturated.
    Any other pair takes the seed's general route: J, dJ/dA[L] from the loss, then
    boxed equation 1, dJ/dZ[L] = dJ/dA[L] * phi'(Z[L]).  AL may be None: it is
    then recomputed from ZL, where the general route needs it.  check=False skips
    validating Y in the fused pairs (the training loop checks it once).
    """
    fused = fused_output(activation, loss)
    if fused is not None:
        return fused(ZL, Y, check)
    if AL is None:
        AL = get_activation(activation).phi(ZL)
    J, dAL = get_loss(loss)(AL, Y)
    return J, dZ_of_layer(dAL, ZL, activation)


def loss_and_grads(params: dict, caches: list, Y: np.ndarray, activations, loss, check: bool = True):
    """The loss J and every gradient, from forward's caches and the targets Y.  Returns (J, grads).

    The output layer goes through output_dZ (from the logits where the output and
    loss pair allows it), then backward_from_dZL runs the four boxed equations
    down to layer 1.  This is what training, the playground and grad_check use.
    Y: (n[L], m).  grads has keys dW1..dWL, db1..dbL, each of its parameter's shape.
    check=False skips validation, for a training loop's inner steps.
    """
    if check:
        activations = _check_caches(params, caches, activations)
        get_loss(loss)
    J, dZL = output_dZ(None, caches[-1].Z, Y, activations[-1], loss, check)
    return J, backward_from_dZL(caches, dZL, activations)
