"""Activation functions phi and their derivatives phi'.

Each phi acts elementwise: a = phi(z), and phi'(z) is what the first boxed
backprop equation multiplies by, dJ/dz = dJ/da * phi'(z). Shapes are kept:
(n[l], m) in, (n[l], m) out (any shape works, e.g. a 1-D grid to plot), with
the input's dtype; integer, bool and list inputs are converted to float64
first, other types are refused.  NaN gives NaN and +-inf the limits.  The one
exception is softmax, which mixes each column: its dJ/dz is not dJ/da * phi'(z)
but a Jacobian-vector product, softmax_backprop_dZ, which backprop uses wherever
softmax is (at the output, its usual place, or in a hidden layer of more than one unit).  check=False skips the
conversion, for the passes' inner steps, whose Z is already a float array.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .errors import check_array, check_shape, describe, plural


def as_z(Z, where: str) -> np.ndarray:
    """Z as a float array (a float array is returned as it is), or a message naming the function."""
    if type(Z) is np.ndarray and Z.dtype.kind == "f":
        return Z
    return check_array("Z", Z, ndim=None, where=where, finite=False, empty=True)


def identity(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi(z) = z."""
    return as_z(Z, "identity, phi(z) = z") if check else Z


def identity_prime(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi'(z) = 1."""
    if check:
        Z = as_z(Z, "identity_prime, phi'(z) = 1")
    return np.ones_like(Z)


def identity_backprop_dZ(dA: np.ndarray, Z: np.ndarray, check: bool = False) -> np.ndarray:
    """Boxed equation 1 for the identity: phi'(z) = 1, so dJ/dZ is dJ/dA itself (nothing to multiply)."""
    return dA


def relu(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi(z) = max(0, z)."""
    if check:
        Z = as_z(Z, "relu, phi(z) = max(0, z)")
    return np.maximum(Z, 0)


def relu_prime(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi'(z) = 1 if z > 0 else 0 (we take 0 at the kink z = 0)."""
    if check:
        Z = as_z(Z, "relu_prime, phi'(z) = 1 if z > 0 else 0")
    return (Z > 0).astype(Z.dtype)


LEAKY_SLOPE = 0.01


def leaky_relu(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi(z) = z if z > 0 else 0.01 z."""
    if check:
        Z = as_z(Z, "leaky_relu, phi(z) = z if z > 0 else 0.01 z")
    return np.where(Z > 0, Z, LEAKY_SLOPE * Z)


def leaky_relu_prime(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi'(z) = 1 if z > 0 else 0.01."""
    if check:
        Z = as_z(Z, "leaky_relu_prime, phi'(z) = 1 if z > 0 else 0.01")
    return np.where(Z > 0, 1, LEAKY_SLOPE).astype(Z.dtype)


def sigmoid(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi(z) = 1 / (1 + exp(-z)), computed without overflow for large |z|.

    exp is only ever taken of -|z| <= 0, so it lies in (0, 1]:
    for z >= 0, 1 / (1 + e^-z); for z < 0 the same value written as e^z / (1 + e^z).
    """
    if check:
        Z = as_z(Z, "sigmoid, phi(z) = 1 / (1 + e^-z)")
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1, e) / (1 + e)


def sigmoid_prime(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi'(z) = sigma(z) (1 - sigma(z)) = e^-|z| / (1 + e^-|z|)^2.

    The second form is the same number (sigma'(z) is even in z) without the
    cancellation in 1 - sigma(z) when sigma(z) rounds to 1 (z > 30 or so), so it
    keeps full relative accuracy on both sides.
    """
    if check:
        Z = as_z(Z, "sigmoid_prime, phi'(z) = sigma(z) (1 - sigma(z))")
    e = np.exp(-np.abs(Z))
    return e / ((1 + e) * (1 + e))


def tanh(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi(z) = tanh(z)."""
    if check:
        Z = as_z(Z, "tanh, phi(z) = tanh(z)")
    return np.tanh(Z)


def tanh_prime(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """phi'(z) = 1 - tanh(z)^2 = 1 / cosh(z)^2.

    The second form is the same number without the cancellation in 1 - tanh(z)^2
    when tanh(z) rounds to +-1 (|z| > 19 or so), so it stays accurate, and nonzero,
    far into the saturated tails.  Past |z| = 710, cosh(z) overflows to inf and
    1 / inf / inf is the right answer, 0 (the true value is below the smallest float).
    """
    if check:
        Z = as_z(Z, "tanh_prime, phi'(z) = 1 - tanh(z)^2")
    with np.errstate(over="ignore"):
        c = np.cosh(Z)
    return 1 / c / c


def softmax(Z: np.ndarray, check: bool = True) -> np.ndarray:
    """a_k = exp(z_k) / sum_j exp(z_j), per column: each example's outputs sum to 1.

    Not elementwise: every a_k depends on the whole column z.  The column max is
    subtracted first (softmax(z - c) = softmax(z)), so exp never overflows.
    Shapes: (n[L], m) -> (n[L], m), or one column as a 1-D (n[L],) -> (n[L],).
    Z must be finite (an infinite z_k leaves inf - inf in its column).
    """
    if check:
        Z = check_array("Z", Z, ndim=(1, 2), where="softmax, a_k = e^z_k / sum_j e^z_j")
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_prime(Z: np.ndarray) -> np.ndarray:
    raise ValueError(
        "softmax has no elementwise phi'(z): each a_k depends on the whole column z, so its "
        "derivative is a Jacobian da/dz = diag(a) - a a^T. Backprop uses "
        "softmax_backprop_dZ(dA, Z) = A * (dA - sum_k dA_k A_k) instead of dA * phi'(Z)."
    )


def softmax_backprop_dZ(dA: np.ndarray, Z: np.ndarray, check: bool = True) -> np.ndarray:
    """Boxed equation 1 for softmax, a Jacobian-vector product per column:

    dJ/dz = (diag(a) - a a^T) dJ/da = a * (dJ/da - sum_k dJ/da_k a_k).
    Shapes: (n[L], m), (n[L], m) -> (n[L], m).
    """
    if check:
        dA, Z = softmax_backprop_dZ_args(dA, Z)
    A = softmax(Z, check=False)
    return A * (dA - np.sum(dA * A, axis=0, keepdims=True))


def softmax_backprop_dZ_args(dA, Z):
    where = "softmax_backprop_dZ, boxed equation 1 for softmax, dJ/dz = a * (dJ/da - sum_k dJ/da_k a_k)"
    Z = check_array("Z", Z, where=where)
    dA = check_array("dA", dA, where=where)
    check_shape(dA.shape, Z.shape, where + ": dA = dJ/dA[L] must have the shape of Z[L], {wanted} (one entry per "
                "output unit and example), but it has shape {given}.")
    return dA, Z


class Activation(NamedTuple):
    """One activation, looked up by name: everything the package and its lessons need of it.

    phi, phi_prime: the function and its derivative.  backprop_dZ: None for the
    elementwise activations, whose dJ/dz is dJ/da * phi'(z); softmax sets it to its
    Jacobian-vector product, identity to dJ/da itself.  init: the initial scale that keeps the signal's size
    from layer to layer, "he" (Var W = 2 / n[l-1], for relu's half-zero output) or
    "xavier" (Var W = 2 / (n[l-1] + n[l]), for the activations like z near 0).
    A new activation is one more entry here; lessons and playground read this record.
    """

    name: str
    phi: Callable[[np.ndarray], np.ndarray]
    phi_prime: Callable[[np.ndarray], np.ndarray]
    init: str = "xavier"
    backprop_dZ: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None


# The elementwise ones, in the order lessons list and plot them.
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("identity", identity, identity_prime, backprop_dZ=identity_backprop_dZ),
        Activation("relu", relu, relu_prime, "he"),
        Activation("leaky_relu", leaky_relu, leaky_relu_prime, "he"),
        Activation("sigmoid", sigmoid, sigmoid_prime),
        Activation("tanh", tanh, tanh_prime),
    ]
}

# Kept apart from ACTIVATIONS (the elementwise ones, which lessons and widgets
# list and plot): softmax belongs on the output layer; a hidden one is allowed, and
# backprop is exact through it (softmax_backprop_dZ), but over one unit it is always 1.
OUTPUT_ACTIVATIONS: dict[str, Activation] = {
    "softmax": Activation("softmax", softmax, softmax_prime, backprop_dZ=softmax_backprop_dZ),
}


def get_activation(name: str, where: str = "") -> Activation:
    """Look up an activation by name, e.g. get_activation("relu").phi_prime."""
    try:
        return ACTIVATIONS[name] if name in ACTIVATIONS else OUTPUT_ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = sorted(ACTIVATIONS) + sorted(OUTPUT_ACTIVATIONS)
        hint = ""
        if callable(name) and getattr(name, "__name__", None) in valid:
            hint = f" Pass its name, {name.__name__!r}, not the function."
        raise ValueError(
            f"{where + ': ' if where else ''}Unknown activation {name!r}. Valid names are: "
            f"{', '.join(valid)}.{hint}"
        ) from None


def check_activation_names(activations, L: int, sizes=None) -> list[str]:
    """activations as a list of L known names, one per layer 1..L, output layer last.

    sizes: [n[1], ..., n[L]] if known, to refuse a hidden softmax over one unit (always 1).
    """
    example = ["relu"] * (L - 1) + ["sigmoid"]
    if isinstance(activations, str):
        raise TypeError(
            f"activations must be a list of {plural(L, 'name')}, one per layer (output layer last), "
            f"e.g. {example}; got the single string {activations!r}."
        )
    if activations is None or isinstance(activations, (dict, bytes)) or not hasattr(activations, "__iter__"):
        raise TypeError(
            f"activations must be a list of {plural(L, 'name')}, one per layer 1..L (output layer last), "
            f"e.g. {example}; got {describe(activations)}."
        )
    activations = list(activations)
    if len(activations) != L:
        raise ValueError(
            f"The network has L = {plural(L, 'layer')}, so activations needs {plural(L, 'name')} (one per layer "
            f"1..L, output layer last), but it has {len(activations)}: {activations!r}."
        )
    for l, name in enumerate(activations, start=1):
        if not (isinstance(name, str) and (name in ACTIVATIONS or name in OUTPUT_ACTIVATIONS)):
            get_activation(name, where=f"activations[{l - 1}] (layer {l})")
        if name == "softmax" and l < L and sizes is not None and sizes[l - 1] == 1:
            raise ValueError(
                f"activations[{l - 1}] (layer {l}): a softmax over n[{l}] = 1 unit is always 1, whatever its "
                f"input, so the layers below it can learn nothing. Softmax belongs to the output layer (with "
                f"softmax_cross_entropy); use relu, tanh or sigmoid in hidden layers."
            )
    return activations
