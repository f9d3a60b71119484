"""Backward propagation: the four boxed equations, one function each.

Layer l receives dJ/dA[l] from layer l+1 (or, for l = L, from the loss) and
returns dJ/dW[l], dJ/db[l] and dJ/dA[l-1] for layer l-1.  Examples are
columns; for m = 1 these are exactly lesson 2's single-example equations, and
for m > 1 the sums over examples happen inside the matrix product (for dW) and
the row sum (for db).  The 1/m of the averaged loss is already inside dJ/dA[L].
Every function checks its arguments (shapes, dtypes, finite values) and names
its equation when one is wrong; check=False skips that, for the inner steps of
backward and loss_and_grads, whose inputs are checked once.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, check_activation_names, get_activation
from .errors import (ShapeError, all_finite, biggest, check_array, check_shape, check_callable, check_no_overflow,
                     check_overflow, check_params, describe, finite_floats, quiet_overflow, plural, shape_str)
from .forward import LayerCache
from .losses import check_output_and_loss, evaluate_loss, fused_output, get_loss

EQ1 = "backprop_dZ, boxed equation 1, dJ/dZ[l] = dJ/dA[l] * phi'(Z[l])"
EQ2 = "backprop_dW, boxed equation 2, dJ/dW[l] = dJ/dZ[l] A[l-1]^T"
EQ3 = "backprop_db, boxed equation 3, dJ/db[l] = dJ/dZ[l] summed over the m columns"
EQ4 = "backprop_dA_prev, boxed equation 4, dJ/dA[l-1] = W[l]^T dJ/dZ[l]"


def backprop_dZ(dA: np.ndarray, Z: np.ndarray, phi_prime, check: bool = True) -> np.ndarray:
    """Boxed equation 1: dJ/dZ[l] = dJ/dA[l] * phi'[l](Z[l])   (elementwise product).

    Shapes: (n[l], m) * (n[l], m) -> (n[l], m).
    """
    if check:
        dA, Z, phi_prime = backprop_dZ_args(dA, Z, phi_prime)
    return dA * phi_prime(Z)


def backprop_dW(dZ: np.ndarray, A_prev: np.ndarray, check: bool = True) -> np.ndarray:
    """Boxed equation 2: dJ/dW[l] = dJ/dZ[l] @ A[l-1].T.

    Component-wise dJ/dW_pq = sum_i dJ/dZ_pi A[l-1]_qi: with one example an outer
    product, with m examples the sum of the m outer products.
    Shapes: (n[l], m) @ (m, n[l-1]) -> (n[l], n[l-1]), the shape of W[l].
    """
    if check:
        dZ, A_prev = backprop_dW_args(dZ, A_prev)
    return dZ @ A_prev.T


def backprop_db(dZ: np.ndarray, check: bool = True) -> np.ndarray:
    """Boxed equation 3: dJ/db[l] = dJ/dZ[l], summed over the m columns (examples).

    b[l] is added to every column, so its gradient collects every column's dJ/dz.
    Shapes: (n[l], m) -> (n[l], 1), the shape of b[l].
    """
    if check:
        dZ = backprop_db_args(dZ)
    return dZ.sum(axis=1, keepdims=True)


def backprop_dA_prev(W: np.ndarray, dZ: np.ndarray, check: bool = True) -> np.ndarray:
    """Boxed equation 4: dJ/dA[l-1] = W[l].T @ dJ/dZ[l].

    Entry q is the dot product of column q of W[l] with dJ/dz[l].
    Shapes: (n[l-1], n[l]) @ (n[l], m) -> (n[l-1], m), the shape of A[l-1].
    """
    if check:
        W, dZ = backprop_dA_prev_args(W, dZ)
    return W.T @ dZ


def backprop_dZ_args(dA, Z, phi_prime):
    """dA, Z as finite float arrays of one shape, and phi_prime wrapped to check what it returns."""
    Z = check_array("Z", Z, ndim=None, where=EQ1)  # elementwise: any shape, the same for both
    dA = check_array("dA", dA, ndim=None, where=EQ1)
    check_shape(dA.shape, Z.shape, EQ1 + ": the product is elementwise, so dA = dJ/dA[l] must have the shape of "
                "Z[l], (n[l], m) = {wanted}, but dA has shape {given}.")
    phis = {a.phi: a.name for a in ACTIVATIONS.values()}
    if isinstance(phi_prime, str):
        raise TypeError(
            f"{EQ1}: phi_prime must be the derivative function, e.g. ml.relu_prime or "
            f"ml.get_activation({phi_prime!r}).phi_prime, not the name {phi_prime!r}."
        )
    check_callable("phi_prime", phi_prime, 1, "a function Z -> phi'(Z), e.g. ml.relu_prime", EQ1)
    if phi_prime in phis:
        raise ValueError(
            f"{EQ1}: phi_prime is {phis[phi_prime]}, the activation phi itself; the equation needs "
            f"its derivative, {phis[phi_prime]}_prime."
        )

    def checked_phi_prime(Z):
        D = check_array("phi_prime(Z)", phi_prime(Z), ndim=None, where=EQ1)
        check_shape(D.shape, Z.shape, EQ1 + ": phi_prime(Z) must return phi'(z) for every entry of Z, an array of "
                    "Z's shape {wanted}, but it returned shape {given} (it would broadcast). For a constant "
                    "derivative use np.ones_like(Z) times it.", hint="")
        check_no_overflow(EQ1, "dJ/dZ", biggest(dA) * biggest(D), np.result_type(dA, D),
                          {"dA": biggest(dA), "phi'(Z)": biggest(D)})
        return D

    return dA, Z, checked_phi_prime


def backprop_dW_args(dZ, A_prev):
    dZ = check_array("dZ", dZ, where=EQ2)
    A_prev = check_array("A_prev", A_prev, where=EQ2)
    if dZ.shape[1] != A_prev.shape[1]:
        hint = ""
        if A_prev.shape[0] == dZ.shape[1]:
            hint = (f" A_prev of shape {shape_str(A_prev.shape)} looks transposed: pass A[l-1] itself, "
                    f"(n[l-1], m) with examples as columns; the function transposes it.")
        raise ShapeError(
            f"{EQ2}: dZ has m = {plural(dZ.shape[1], 'column')} but A_prev has {A_prev.shape[1]}; they must hold "
            f"the same examples, one per column (dZ is {shape_str(dZ.shape)}, A_prev is "
            f"{shape_str(A_prev.shape)}).{hint}"
        )
    check_no_overflow(EQ2, "dJ/dW", dZ.shape[1] * biggest(dZ) * biggest(A_prev), np.result_type(dZ, A_prev),
                      {"dZ": biggest(dZ), "A_prev": biggest(A_prev)})
    return dZ, A_prev


def backprop_db_args(dZ):
    dZ = check_array("dZ", dZ, where=EQ3)
    check_no_overflow(EQ3, "dJ/db", dZ.shape[1] * biggest(dZ), dZ.dtype, {"dZ": biggest(dZ)})
    return dZ


def backprop_dA_prev_args(W, dZ):
    W = check_array("W", W, where=EQ4)
    dZ = check_array("dZ", dZ, where=EQ4, dtype=W.dtype)
    if W.shape[0] != dZ.shape[0]:
        hint = ""
        if W.shape[1] == dZ.shape[0]:
            hint = " Pass W[l] itself, (n[l], n[l-1]); the function transposes it."
        elif dZ.shape[1] == W.shape[0]:
            hint = " dZ looks transposed: it is (n[l], m), one column per example."
        raise ShapeError(
            f"{EQ4}: W has shape {shape_str(W.shape)}, so n[l] = {W.shape[0]} and dZ must have "
            f"{plural(W.shape[0], 'row')} (one per neuron of layer l), but dZ has shape {shape_str(dZ.shape)}.{hint}"
        )
    check_no_overflow(EQ4, "dJ/dA[l-1]", W.shape[0] * biggest(W) * biggest(dZ), W.dtype,
                      {"W": biggest(W), "dZ": biggest(dZ)})
    return W, dZ


def layer_backward(dA: np.ndarray, cache: LayerCache, activation: str, need_dA_prev: bool = True,
                   check: bool = True):
    """One layer backwards, the four boxed equations in order: backward's loop for one layer.

    dA: dJ/dA[l], (n[l], m).  Returns (dA_prev, dW, db) with shapes
    (n[l-1], m), (n[l], n[l-1]), (n[l], 1).  Layer 1 passes need_dA_prev=False:
    dJ/dA[0] = dJ/dX is not needed to train, so it is skipped (dA_prev is None).
    """
    if check:
        dA, cache = layer_backward_args(dA, cache, activation, need_dA_prev)
    dZ = {}
    with quiet_overflow(check):
        grads = backward(None, [cache], dA, [activation], check=False, keep_dZ=dZ)  # equations 1-3
        dA_prev = backprop_dA_prev(cache.W, dZ[1], check=False) if need_dA_prev else None  # 4
    if check:
        grads_finite({**grads, **({"dA_prev": dA_prev} if need_dA_prev else {})})
    return dA_prev, grads["dW1"], grads["db1"]


def cache_args(cache, l=None, where: str = "layer_backward", params=False) -> LayerCache:
    """A cache (A_prev, W, Z) of finite float arrays whose shapes fit z = W a_prev + b (a NaN or inf W
    blamed on params, unless params=False)."""
    k, k1 = ("l", "l-1") if l is None else (l, l - 1)
    if not (isinstance(cache, tuple) and len(cache) == 3):
        raise TypeError(
            f"{where}: the cache of layer {k} must be the LayerCache (A_prev, W, Z) that "
            f"layer_forward or forward made, got {describe(cache)}."
        )
    if not finite_floats(cache):
        if params is not False:
            check_params(params)
        cache = [check_array(name, value, where=f"{where}, cache of layer {k}")
                 for name, value in zip(("A_prev", "W", "Z"), cache)]
    A_prev, W, Z = cache
    if W.shape[1] != A_prev.shape[0] or Z.shape != (W.shape[0], A_prev.shape[1]):
        raise ShapeError(
            f"{where}: the cache of layer {k} does not fit z[{k}] = W[{k}] a[{k1}] + b[{k}]: A_prev is "
            f"{shape_str(A_prev.shape)}, W {shape_str(W.shape)} and Z {shape_str(Z.shape)}, but Z must be "
            f"(n[{k}], m) = {shape_str((W.shape[0], A_prev.shape[1]))} and A_prev must have {plural(W.shape[1], 'row')}. "
            f"Pass the cache that forward made, unchanged."
        )
    return cache if type(cache) is LayerCache else LayerCache(A_prev, W, Z)


def layer_backward_args(dA, cache, activation, need_dA_prev):
    get_activation(activation)
    if not isinstance(need_dA_prev, (bool, np.bool_)):
        raise TypeError(f"layer_backward: need_dA_prev must be True or False, got {describe(need_dA_prev)}.")
    cache = cache_args(cache)
    dA = check_array("dA", dA, where="layer_backward, dJ/dA[l]", dtype=cache.W.dtype)
    check_shape(dA.shape, cache.Z.shape, "layer_backward: dA = dJ/dA[l] must have the shape of A[l] and Z[l], "
                "(n[l], m) = {wanted}, but it has shape {given}.")
    return dA, cache


def caches_args(caches, activations, params=False) -> tuple[list, list[str]]:
    """caches: the list of L LayerCaches that forward made (for these params, unless params=False).

    Returns (caches, activations) checked; the forward(...) pair and other
    look-alikes get a message that says what to pass instead.
    """
    if isinstance(caches, tuple) and len(caches) == 2 and isinstance(caches[1], list):
        raise TypeError(
            "caches must be the list of layer caches, the second thing forward returns: "
            "write AL, caches = forward(params, X, activations), then pass caches "
            "(not the whole (AL, caches) pair)."
        )
    L = check_params(params, finite=False) if params is not False else None  # the caches' W are checked
    if not isinstance(caches, (list, tuple)) or not caches or (L is not None and len(caches) != L):
        got = f"{len(caches)} of them" if isinstance(caches, (list, tuple)) else describe(caches)
        want = f"the L = {L} caches" if L is not None else "the list of caches"
        raise ValueError(f"backward needs {want} returned by forward, one per layer, got {got}.")
    activations, checked = check_activation_names(activations, len(caches)), []
    for l, cache in enumerate(caches, start=1):
        if not isinstance(cache, LayerCache):
            raise TypeError(f"caches[{l - 1}] (layer {l}) must be the LayerCache that forward made, got "
                            f"{describe(cache)}. Pass the caches list from AL, caches = forward(...).")
        cache = cache_args(cache, l, "backward", params)
        if l > 1 and cache.A_prev.shape != checked[-1].Z.shape:
            raise ShapeError(
                f"backward: caches[{l - 1}].A_prev is {shape_str(cache.A_prev.shape)}, but layer {l - 1}'s "
                f"Z is {shape_str(checked[-1].Z.shape)}: the caches come from different forward passes. "
                f"Pass the caches of one forward(params, X, activations)."
            )
        if params is not False and cache.W.shape != params[f"W{l}"].shape:
            raise ShapeError(
                f"backward: caches[{l - 1}].W is {shape_str(cache.W.shape)} but params['W{l}'] is "
                f"{shape_str(params[f'W{l}'].shape)}: the caches come from another network. Run "
                f"forward with these params first."
            )
        checked.append(cache)
    return checked, activations


def backward(params: dict, caches: list, dAL: np.ndarray, activations, check: bool = True, *, keep_dZ=None) -> dict:
    """Backprop through layers L..1, starting from dJ/dA[L] = dAL given by the loss.

    At each layer the four boxed equations: dJ/dZ from dJ/dA (1; for softmax its
    Jacobian-vector product), then dJ/dW (2), dJ/db (3) and dJ/dA[l-1] for the layer
    below (4; skipped at layer 1: dJ/dX is not needed to train).  With a sigmoid or
    softmax output whose units saturate, dJ/dA[L] (from A[L] alone) loses the
    information: loss_and_grads starts from the logits instead.  Returns grads,
    dW1..dWL and db1..dbL, of the parameters' shapes and dtype.  check=False skips
    the checks, for a training loop's inner steps.  keep_dZ: a dict that receives
    each layer's dJ/dZ[l] under the key l (the playground's gradients view shows them).
    """
    if check:
        params, caches, dAL, activations = backward_args(params, caches, dAL, activations)
    grads, dA = {}, dAL
    with quiet_overflow(check):  # an overflow is refused at the end, naming the gradient
        for l in range(len(caches), 0, -1):
            A_prev, W, Z = caches[l - 1]
            act = get_activation(activations[l - 1])
            if act.backprop_dZ is None:
                dZ = backprop_dZ(dA, Z, act.phi_prime, check=False)  # 1: dJ/dA[l] * phi'(Z[l])
            else:
                dZ = act.backprop_dZ(dA, Z, check=False)  # 1 for softmax (a Jacobian-vector product), identity (dA)
            if keep_dZ is not None:
                keep_dZ[l] = dZ
            grads[f"dW{l}"] = backprop_dW(dZ, A_prev, check=False)  # 2
            grads[f"db{l}"] = backprop_db(dZ, check=False)  # 3
            dA = backprop_dA_prev(W, dZ, check=False) if l > 1 else None  # 4
    return grads_finite(grads) if check else grads


def backward_args(params, caches, dAL, activations):
    """backward's arguments checked: caches from forward with these params, dAL of A[L]'s shape and dtype."""
    caches, activations = caches_args(caches, activations, params)
    L = len(caches)
    dAL = check_array("dAL", dAL, where=f"backward, layer {L}, dJ/dA[{L}]", dtype=params["W1"].dtype)
    check_shape(dAL.shape, caches[-1].Z.shape, f"Layer {L}: dJ/dA[{L}] must have the shape of A[{L}], (n[{L}], m) = "
                "{wanted}, but dAL is {given}. It comes from the loss, e.g. dJ/da[L] = a[L] - y.", hint="")
    return params, caches, dAL, activations


def grads_finite(grads: dict) -> dict:
    """grads, once every one is finite (its inputs were): else which one overflowed."""
    if not all_finite(grads.values()):
        for name, g in grads.items():
            check_overflow(name, g, f"backprop, {name}")
    return grads


def backward_from_dZL(caches: list, dZL: np.ndarray, activations, check: bool = True, *, keep_dZ=None) -> dict:
    """Layers L..1 given the output layer's dJ/dZ[L]: backward from there.

    dJ/dZ[L] is dJ/dA[L] for an output a[L] = z[L], so this is backward with an
    identity at layer L (whose equation 1, phi' = 1, passes dZL on as it is).
    Returns grads with keys dW1..dWL, db1..dbL (keep_dZ: see backward).
    """
    if check:
        caches, activations = caches_args(caches, activations)
        dZL = check_array("dZL", dZL, where=f"backward_from_dZL, dJ/dZ[{len(caches)}]", dtype=caches[-1].W.dtype)
        check_shape(dZL.shape, caches[-1].Z.shape, "backward_from_dZL: dZL = dJ/dZ[L] must have the shape of Z[L], "
                    "{wanted}, but it has shape {given}.", hint="")
    with quiet_overflow(check):
        grads = backward(None, caches, dZL, [*activations[:-1], "identity"], check=False, keep_dZ=keep_dZ)
    return grads_finite(grads) if check else grads


def output_dZ(
    AL: np.ndarray | None, ZL: np.ndarray, Y: np.ndarray, activation: str, loss, check: bool = True
) -> tuple[float, np.ndarray]:
    """J and dJ/dZ[L] at the output layer.  Shapes: AL, ZL, Y (n[L], m) -> (float, (n[L], m)).

    For a sigmoid output with binary cross-entropy, and a softmax output with
    cross-entropy, both are computed together from the logits Z[L]
    (losses.FUSED_OUTPUTS): dJ/dZ[L] = (A[L] - Y) / m, exact however saturated.
    Any other pair takes the general route: J, dJ/dA[L] from the loss, then
    boxed equation 1, dJ/dZ[L] = dJ/dA[L] * phi'(Z[L]).  AL may be None: it is
    then recomputed from ZL, where the general route needs it.
    check=False skips checking the arguments (the loss then checks nothing either).
    """
    if check:
        AL, ZL = output_dZ_args(AL, ZL, activation, loss)
    fused = fused_output(activation, loss)
    if fused is not None:
        return fused(ZL, Y, check=check)
    if AL is None:
        AL = get_activation(activation).phi(ZL, check=False)
    J, dAL = evaluate_loss(loss, AL, Y, check)
    act = get_activation(activation)  # then boxed equation 1, as in backward's loop
    if act.backprop_dZ is None:
        return J, backprop_dZ(dAL, ZL, act.phi_prime, check=False)
    return J, act.backprop_dZ(dAL, ZL, check=False)


def output_dZ_args(AL, ZL, activation, loss):
    act = get_activation(activation, where="output_dZ, the output activation")
    get_loss(loss)
    ZL = check_array("ZL", ZL, where="output_dZ, Z[L]")
    check_output_and_loss(act.name, loss, ZL.shape[0])
    if AL is not None:
        AL = check_array("AL", AL, where="output_dZ, A[L]", dtype=ZL.dtype)
        check_shape(AL.shape, ZL.shape, "output_dZ: A[L] = phi(Z[L]) has the shape of Z[L], {wanted}, but AL has "
                    "shape {given}.", hint="")
    return AL, ZL


def loss_and_grads(params: dict, caches: list, Y: np.ndarray, activations, loss, check: bool = True, *, keep_dZ=None):
    """The loss J and every gradient, from forward's caches and the targets Y.  Returns (J, grads).

    The output layer goes through output_dZ (from the logits where the output and
    loss pair allows it), then backward_from_dZL runs the four boxed equations
    down to layer 1.  This is what training, the playground and grad_check use.
    Y: (n[L], m), converted to the parameters' dtype.  grads has keys dW1..dWL,
    db1..dbL, each of its parameter's shape.  check=False skips validation, for a
    training loop's inner steps.  keep_dZ: a dict that receives dJ/dZ[l] under the key l.
    """
    if check:
        caches, activations = caches_args(caches, activations, params)
    J, dZL = output_dZ(None, caches[-1].Z, Y, activations[-1], loss, check=check)
    with quiet_overflow(check):
        grads = backward_from_dZL(caches, dZL, activations, check=False, keep_dZ=keep_dZ)
    return J, grads_finite(grads) if check else grads
