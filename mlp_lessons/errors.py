"""Errors that teach: every message says what was expected, what was given and why.

This module sits at the bottom of the package with the math; the passes above
it validate once at their public entry points and raise these errors, so a
student sees one clear sentence instead of a numpy traceback.
"""

from __future__ import annotations

import numbers

import numpy as np


class ShapeError(ValueError):
    """An array has the wrong shape for the equation it is used in."""


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite during training."""


def shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def check_array(name: str, value, ndim: int = 2) -> np.ndarray:
    """Return `value` as a floating numpy array with `ndim` dimensions, or explain why not."""
    if not isinstance(value, np.ndarray):
        if isinstance(value, (list, tuple)) or isinstance(value, numbers.Number):
            value = np.asarray(value, dtype=np.float64)
        else:
            raise TypeError(f"{name} must be a numpy array, got {type(value).__name__}.")
    if value.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold numbers, but its dtype is {value.dtype}.")
    if value.dtype.kind != "f":
        value = value.astype(np.float64)
    if value.ndim != ndim:
        hint = ""
        if value.ndim == 1 and ndim == 2:
            hint = (
                f" A 1-D array of length {value.shape[0]} is ambiguous: use "
                f"{name}.reshape(-1, 1) for one example (a column), or "
                f"{name}.reshape(1, -1) for one feature over many examples."
            )
        raise ShapeError(
            f"{name} must be a {ndim}-D array, but it has shape {shape_str(value.shape)}.{hint}"
        )
    return value


def check_finite(name: str, value: np.ndarray) -> None:
    if not np.all(np.isfinite(value)):
        bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s). Clean the data "
            f"(for example drop or fill missing values) before passing it to the network."
        )


def check_inputs(X, n0: int, name: str = "X") -> np.ndarray:
    """Check that X holds examples as columns for a network with n[0] = n0 inputs."""
    X = check_array(name, X)
    if X.shape[0] != n0:
        hint = ""
        if X.shape[1] == n0:
            hint = (
                f" It looks like the examples are stacked as rows; this series stacks "
                f"them as columns, so pass {name}.T, of shape {shape_str((n0, X.shape[0]))}."
            )
        raise ShapeError(
            f"Layer 1, z[1] = W[1] a[0] + b[1]: W[1] has {n0} columns, so a[0] = {name} "
            f"needs n[0] = {n0} rows (one per input feature) and one column per example, "
            f"but {name} has shape {shape_str(X.shape)}.{hint}"
        )
    check_finite(name, X)
    return X


def check_targets(Y, shape: tuple, name: str = "Y") -> np.ndarray:
    """Check that the targets Y have the shape (n[L], m) of the network's output A[L]."""
    Y = check_array(name, Y)
    if Y.shape != tuple(shape):
        hint = ""
        if Y.shape == tuple(shape)[::-1]:
            hint = f" It looks like {name} is stacked as rows; pass {name}.T."
        raise ShapeError(
            f"The loss compares a[L] with {name} column by column, so {name} must have the "
            f"shape of a[L], (n[L], m) = {shape_str(shape)}, but it has shape "
            f"{shape_str(Y.shape)}.{hint}"
        )
    check_finite(name, Y)
    return Y


def check_layer_sizes(layer_sizes) -> list[int]:
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(
            f"layer_sizes must be a list of positive integers [n[0], n[1], ..., n[L]], "
            f"got {layer_sizes!r}."
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least two entries, the input size n[0] and the output "
            f"size n[L], got {sizes!r}."
        )
    for l, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(
                f"layer_sizes[{l}] = {n!r}, but every layer size n[{l}] must be a positive "
                f"integer (the number of neurons in layer {l}). Got {sizes!r}."
            )
    return [int(n) for n in sizes]


def num_layers(params: dict) -> int:
    """L, the number of layers with weights, read off the keys W1..WL."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys 'W1', 'b1', ..., got {type(params).__name__}.")
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    if L == 0:
        raise ValueError(
            f"params has no 'W1'; expected keys 'W1'..'WL' and 'b1'..'bL' as made by "
            f"init_params, got keys {sorted(params)}."
        )
    return L


def check_params(params: dict) -> int:
    """Check W[l] is (n[l], n[l-1]) and b[l] is (n[l], 1) with consistent sizes; return L."""
    L = num_layers(params)
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        if f"b{l}" not in params:
            raise ValueError(f"params has 'W{l}' but no 'b{l}'.")
        b = params[f"b{l}"]
        if not isinstance(W, np.ndarray) or W.ndim != 2:
            raise ShapeError(f"W[{l}] must be a 2-D array of shape (n[{l}], n[{l - 1}]).")
        if l > 1:
            n_prev = params[f"W{l - 1}"].shape[0]
            if W.shape[1] != n_prev:
                raise ShapeError(
                    f"Layer {l}, z[{l}] = W[{l}] a[{l - 1}] + b[{l}]: a[{l - 1}] has "
                    f"n[{l - 1}] = {n_prev} rows (W[{l - 1}] has {n_prev} rows), so W[{l}] "
                    f"must have {n_prev} columns, but W[{l}] has shape {shape_str(W.shape)}."
                )
        if not isinstance(b, np.ndarray) or b.shape != (W.shape[0], 1):
            got = shape_str(b.shape) if isinstance(b, np.ndarray) else type(b).__name__
            hint = ""
            if isinstance(b, np.ndarray) and b.shape == (W.shape[0],):
                hint = " Use b.reshape(-1, 1) so it broadcasts over the m columns."
            raise ShapeError(
                f"Layer {l}, z[{l}] = W[{l}] a[{l - 1}] + b[{l}]: b[{l}] must be a column "
                f"of shape (n[{l}], 1) = {shape_str((W.shape[0], 1))}, but it is {got}.{hint}"
            )
    return L


def check_activations(activations, L: int) -> list[str]:
    if isinstance(activations, str):
        raise TypeError(
            f"activations must be a list of {L} names, one per layer (output layer last), "
            f"e.g. {['relu'] * (L - 1) + ['sigmoid']}; got the single string {activations!r}."
        )
    activations = list(activations)
    if len(activations) != L:
        raise ValueError(
            f"The network has L = {L} layers, so activations needs {L} names (one per layer "
            f"1..L, output layer last), but it has {len(activations)}: {activations!r}."
        )
    return activations


def check_lr(lr) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(
            f"The learning rate alpha must be a positive number (W := W - alpha dJ/dW), "
            f"got lr = {lr!r}. Typical values lie between 0.001 and 1."
        )
    return float(lr)


def check_count(name: str, value, least: int = 0, why: str = "") -> int:
    """An integer >= least (bool refused: True is not a count), or a message saying so."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        kind = "non-negative" if least == 0 else f">= {least}" if least > 1 else "positive"
        raise ValueError(f"{name} must be a {kind} integer{why}, got {value!r}.")
    return int(value)


def check_epochs(epochs) -> int:
    return check_count("epochs", epochs)


def check_batch_size(batch_size) -> int | None:
    """A positive integer (columns per mini-batch), or None for the whole set."""
    return None if batch_size is None else check_count("batch_size", batch_size, 1, " or None (the whole set)")


def check_seed(seed) -> int:
    return check_count("seed", seed, 0, " (it fixes every random draw)")


def check_grads(params: dict, grads) -> None:
    """Check grads has exactly one dX for every parameter X, of X's shape (never broadcast)."""
    if not isinstance(grads, dict):
        raise TypeError(
            f"grads must be a dict with keys 'dW1', 'db1', ..., as backward returns, "
            f"got {type(grads).__name__}."
        )
    wanted = {"d" + name for name in params}
    missing, extra = sorted(wanted - set(grads)), sorted(set(grads) - wanted)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(repr(k) for k in missing)}")
        if extra:
            parts.append(f"unexpected {', '.join(repr(k) for k in extra)}")
        raise KeyError(
            f"grads needs one gradient per parameter, named 'd' + the parameter's name "
            f"({', '.join(sorted(wanted))}), but it has {' and '.join(parts)}. Use the dict "
            f"that backward returns for these params."
        )
    for name, value in params.items():
        g = grads["d" + name]
        if not isinstance(g, np.ndarray) or g.dtype.kind not in "fiu":
            raise TypeError(f"d{name} must be a numeric numpy array of shape {shape_str(value.shape)}, got {type(g).__name__}.")
        if g.shape != value.shape:
            eq = "summed over the m columns: dZ.sum(axis=1, keepdims=True)" if name.startswith("b") else "dZ @ A_prev.T"
            raise ShapeError(
                f"d{name} must have the shape of {name}, {shape_str(value.shape)}, but it has "
                f"shape {shape_str(g.shape)}; the update {name} := {name} - lr d{name} would "
                f"broadcast it into the wrong shape. d{name} is {eq}."
            )
