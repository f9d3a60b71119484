"""Parameters W[l], b[l] for layers l = 1..L."""

from __future__ import annotations

import numpy as np

from .errors import check_float_dtype, check_layer_sizes, check_params, check_seed

INITS = ("he", "xavier", "zeros")


def init_params(layer_sizes, seed: int = 0, init: str = "he", dtype=np.float64) -> dict:
    """Random W[l] of shape (n[l], n[l-1]) and zero b[l] of shape (n[l], 1), for l = 1..L.

    layer_sizes = [n[0], n[1], ..., n[L]]; n[0] is the number of inputs.
    init="he":     W[l] ~ N(0, 2 / n[l-1])            (suits relu)
    init="xavier": W[l] ~ N(0, 2 / (n[l-1] + n[l]))   (suits tanh, sigmoid)
    init="zeros":  W[l] = 0, to see why a network must not start there: every
                   unit of a layer computes the same, gets the same gradient and
                   stays the same as its neighbours
    The same seed gives the same numbers, bit for bit.
    """
    sizes = check_layer_sizes(layer_sizes)
    seed = check_seed(seed, "init_params")
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"Unknown init {init!r}. Valid names are: {', '.join(INITS)}.")
    dtype = check_float_dtype(dtype, "init_params")
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(sizes)):
        n, n_prev = sizes[l], sizes[l - 1]
        if init == "zeros":
            params[f"W{l}"] = np.zeros((n, n_prev), dtype=dtype)
        else:
            var = 2.0 / n_prev if init == "he" else 2.0 / (n_prev + n)
            params[f"W{l}"] = (rng.standard_normal((n, n_prev)) * np.sqrt(var)).astype(dtype)
        params[f"b{l}"] = np.zeros((n, 1), dtype=dtype)
    return params


def layer_sizes_of(params: dict) -> list[int]:
    """[n[0], n[1], ..., n[L]] read off the shapes of W[1]..W[L]."""
    L = check_params(params)
    return [params["W1"].shape[1]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]

