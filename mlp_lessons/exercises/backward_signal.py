"""The exercises after lesson 6, the backward signal (notebooks/exercises/06_backward_signal_exercises.ipynb).

The factor by which each step back multiplies the signal, (size of W[l+1]^T) x (size of phi'(z[l])),
a prediction of the layer where ||dJ/dz[l]|| is smallest (checked against ml.backward in the notebook),
and the share of dead ReLUs: hidden units that output 0 on every training example.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, relu, sigmoid
from ..forward import forward
from ..params import init_params
from .engine import Exercise, Mistake, _normal
from .predictions import Prediction, _number

# ---- 1. the factor of each step back ----


def _net_inputs(d, rng):
    """A, Z, W, phi_prime by layer (A[0] = X) of a random net with d's sizes and hidden activations."""
    sizes, m, names = d["sizes"], d["m"], d["activations"]
    A, Z, W, phi_prime = {0: _normal(rng, (sizes[0], m))}, {}, {}, {}
    for l in range(1, len(sizes)):
        act = get_activation(names[(l - 1) % len(names)])
        W[l] = _normal(rng, (sizes[l], sizes[l - 1])) / np.sqrt(sizes[l - 1])
        Z[l] = W[l] @ A[l - 1] + 0.5 * _normal(rng, (sizes[l], 1))
        A[l], phi_prime[l] = act.phi(Z[l]), act.phi_prime
    return A, Z, W, phi_prime


def _rms(x) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


def _factors_with(W_size=lambda W, l: np.linalg.norm(W[l + 1]) / np.sqrt(W[l + 1].shape[0]),
                  phi_size=lambda Z, A, pp, l: _rms(pp[l](Z[l]))):
    """The factors l = 1..L-1 (layer 1 first) from a size of W and a size of phi'; a mistake changes one."""
    def run(A, Z, W, phi_prime):
        return np.array([W_size(W, l) * phi_size(Z, A, phi_prime, l) for l in range(1, len(W))])
    return run


def backward_factors(A, Z, W, phi_prime):
    """The predicted factor of each step back, l+1 -> l, for l = 1..L-1 (layer 1 first):
    (||W[l+1]|| / sqrt(n[l+1])) x root-mean-square of phi'(z[l])."""
    return _factors_with()(A, Z, W, phi_prime)


def _spread(size, up):
    """phi_size of a forward spread: size(X[l]) / size(X[l+1]) of the a's or z's (up=1: the other way round)."""
    return lambda X, l: size(X[l + up]) / size(X[l + 1 - up])


FORWARD_SPREADS = [_spread(size, up) for size in (np.linalg.norm, _rms, np.std) for up in (0, 1)]


BACKWARD_WHY = ("going from layer l+1 down to l, equation 4 multiplies the signal by (W[l+1])^T and equation 1 "
                "multiplies each entry by phi'(z[l]), so the factor is (||W[l+1]|| / sqrt(n[l+1])) x the "
                "root-mean-square of phi'(z[l]).")
FORWARD_SPREAD = ("That is the forward spread, how the size of the activations a[l] changes from layer to layer "
                  f"(lesson 4), not the backward signal. It does not depend on the a's: {BACKWARD_WHY}")
FORWARD_SPREAD_OF_Z = ("That is the forward spread of the pre-activations, how the size of z[l] changes from layer to "
                       "layer going UP, not the backward signal. The signal going down meets z[l] only through "
                       f"phi'(z[l]): {BACKWARD_WHY}")
INVERTED = ("Your factors are upside down: each is ||dJ/dz[l+1]|| / ||dJ/dz[l]||, the step UP. The factor asked for "
            "is the step down, ||dJ/dz[l]|| / ||dJ/dz[l+1]||: (||W[l+1]|| / sqrt(n[l+1])) x rms of phi'(z[l]), "
            "not 1 over it.")

BACKWARD_FACTORS = Exercise(
    "the factor of each step back, (||W[l+1]|| / sqrt(n[l+1])) x rms phi'(z[l])",
    "A, Z, W, phi_prime",
    backward_factors,
    _net_inputs,
    [dict(sizes=[3, 5, 4, 6, 2], m=7, activations=["relu", "tanh", "sigmoid"]),
     dict(sizes=[4, 6, 3, 5], m=6, activations=["sigmoid", "relu"]),
     dict(sizes=[4, 4, 4, 4], m=4, activations=["tanh", "relu", "sigmoid"])],
    [
        Mistake("no_phi_prime", "You left out phi': your factors are the size of (W[l+1])^T alone. Equation 1 "
                "multiplies every entry by phi'(z[l]) too, so multiply by the root-mean-square of "
                "phi_prime[l](Z[l]).", _factors_with(phi_size=lambda Z, A, pp, l: 1.0)),
        Mistake("no_W", "You left out the weights: your factors are the size of phi'(z[l]) alone. Equation 4 "
                "first multiplies the signal by (W[l+1])^T, whose size is ||W[l+1]|| / sqrt(n[l+1]).",
                _factors_with(W_size=lambda W, l: 1.0)),
        *[Mistake("forward_spread", FORWARD_SPREAD, _factors_with(W_size=lambda W, l: 1.0,
                                                                   phi_size=lambda Z, A, pp, l, s=spread: s(A, l)))
          for spread in FORWARD_SPREADS],
        *[Mistake("forward_spread_of_z", FORWARD_SPREAD_OF_Z, _factors_with(
            W_size=lambda W, l: 1.0, phi_size=lambda Z, A, pp, l, s=spread: s(Z, l))) for spread in FORWARD_SPREADS],
        Mistake("forward_factor", "That is the factor of the step UP, a[l] -> z[l+1] -> a[l+1]: W[l+1] over the "
                "sqrt(n[l]) of its columns, then phi'(z[l+1]). The step DOWN from l+1 to l multiplies by "
                "(W[l+1])^T, whose size is ||W[l+1]|| / sqrt(n[l+1]) (its rows), and then by phi'(z[l]) of the "
                "layer the signal arrives at, phi_prime[l](Z[l]).",
                _factors_with(W_size=lambda W, l: np.linalg.norm(W[l + 1]) / np.sqrt(W[l + 1].shape[1]),
                              phi_size=lambda Z, A, pp, l: _rms(pp[l + 1](Z[l + 1])))),
        Mistake("inverted", INVERTED, lambda A, Z, W, pp: 1 / backward_factors(A, Z, W, pp)),
        Mistake("forward_gain", "Divide ||W[l+1]|| by sqrt(n[l+1]), the number of its ROWS (W[l+1].shape[0]): "
                "(W[l+1])^T v adds up n[l+1] terms, one per row. Dividing by sqrt(n[l]), its columns, gives the "
                "size of W[l+1] on the way UP, a[l] -> z[l+1].",
                _factors_with(W_size=lambda W, l: np.linalg.norm(W[l + 1]) / np.sqrt(W[l + 1].shape[1]))),
        Mistake("no_sqrt_n", "The norm ||W[l+1]|| is the length of all its n[l+1] x n[l] entries, too big as the size of "
                "(W[l+1])^T: divide it by sqrt(n[l+1]), the number of its rows.",
                _factors_with(W_size=lambda W, l: np.linalg.norm(W[l + 1]))),
        Mistake("W_of_layer_l", "The step from layer l+1 down to l multiplies by (W[l+1])^T, the weights ABOVE "
                "layer l: use W[l + 1], not W[l].",
                _factors_with(W_size=lambda W, l: np.linalg.norm(W[l]) / np.sqrt(W[l].shape[0]))),
        Mistake("phi_prime_next", "Equation 1 at layer l multiplies by phi'(z[l]) of layer l itself, "
                "phi_prime[l](Z[l]), not of layer l+1.", _factors_with(phi_size=lambda Z, A, pp, l: _rms(
                    pp[l + 1](Z[l + 1])))),
        Mistake("phi_prime_of_A", "The derivative phi' is evaluated at the pre-activation z[l], phi_prime[l](Z[l]), not at the "
                "activation a[l] = phi(z[l]).", _factors_with(phi_size=lambda Z, A, pp, l: _rms(pp[l](A[l])))),
        Mistake("mean_phi_prime", "Take the root-mean-square of phi'(z[l]), np.sqrt(np.mean(phi'(Z) ** 2)), not "
                "its mean: multiplying entry by entry scales the LENGTH of the signal by the rms. For relu, with "
                "half the units on, the mean is 1/2 but the rms sqrt(1/2).",
                _factors_with(phi_size=lambda Z, A, pp, l: float(np.mean(pp[l](Z[l]))))),
        Mistake("std_phi_prime", "Take the root-mean-square of phi'(z[l]), np.sqrt(np.mean(phi'(Z) ** 2)), not its "
                "standard deviation: np.std subtracts the mean first, but multiplying entry by entry scales the "
                "length of the signal by the whole of phi', mean included. For relu, with half the units on, the "
                "std is 1/2 but the rms sqrt(1/2); for the identity, phi' = 1, the std is 0 but nothing shrinks.",
                _factors_with(phi_size=lambda Z, A, pp, l: float(np.std(pp[l](Z[l]))))),
        *[Mistake("weight_size", "That is the size of ONE weight of W[l+1] (the rms of its entries), not of the "
                  "matrix: each of the n[l] entries of (W[l+1])^T v adds up n[l+1] products W_pq v_p, so "
                  "||(W[l+1])^T v|| is about sqrt(n[l]) x (rms of the weights) x ||v||. The size of (W[l+1])^T is "
                  "that sqrt(n[l]) x rms, ||W[l+1]|| / sqrt(n[l+1]).",
                  _factors_with(W_size=lambda W, l, size=size: size(W[l + 1]))) for size in (_rms, np.std)],
        Mistake("spectral_norm", "The 2-norm, np.linalg.norm(W, 2), is the LARGEST stretch of W over all directions; the "
                "signal is stretched by the typical one, ||W[l+1]|| / sqrt(n[l+1]) with the default (Frobenius) "
                "norm.", _factors_with(W_size=lambda W, l: np.linalg.norm(W[l + 1], 2))),
        Mistake("layer_L_first", "Put layer 1 first: entry l-1 of the array is the step from layer l+1 down to "
                "layer l, for l = 1, ..., L-1 (the lesson's table read from its bottom row up).",
                lambda A, Z, W, pp: backward_factors(A, Z, W, pp)[::-1]),
    ],
    describe=lambda a: f"one factor for each of the {len(a[2]) - 1} steps back, layer 1 first.",
    equation="(||W[l+1]|| / sqrt(n[l+1])) x rms of phi'(z[l])",
    pure=True,
)


# ---- 2. predict: where is ||dJ/dz[l]|| smallest, and by how much? ----

NET_SIZES = [20, 40, 30, 50, 30, 40, 30, 1]
NET_SCALES = (1.0, 2.0, 2.0, 0.7, 0.6, 0.3, 1.0)  # W[1], ..., W[7]: factors of He's draw


def signal_net(seed: int = 0):
    """(params, X, Y, activations): the network of the prediction, 6 relu layers and an identity output.

    Layer sizes NET_SIZES; W[l] is He's draw times NET_SCALES[l-1], every b[l] zero; X is 50 standard
    normal columns of 20 inputs, Y 50 standard normal targets (J: the half squared error).
    """
    params = init_params(NET_SIZES, seed=seed, init="he")
    params = {k: v * NET_SCALES[int(k[1:]) - 1] if k[0] == "W" else v for k, v in params.items()}
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((NET_SIZES[0], 50)), rng.standard_normal((1, 50))
    return params, X, Y, ["relu"] * (len(NET_SIZES) - 2) + ["identity"]


def layer_dicts(params, X, activations):
    """(A, Z, W, phi_prime), dicts by layer l (A[0] = X), from one forward pass of ml.forward."""
    AL, caches = forward(params, X, activations)
    L = len(caches)
    A = {l: caches[l].A_prev for l in range(L)} | {L: AL}
    Z = {l: caches[l - 1].Z for l in range(1, L + 1)}
    W = {l: caches[l - 1].W for l in range(1, L + 1)}
    return A, Z, W, {l: get_activation(activations[l - 1]).phi_prime for l in range(1, L + 1)}


def _predicted_ratios(factors) -> np.ndarray:
    """||dJ/dz[l]|| / ||dJ/dz[L]|| for l = 1..L-1 predicted from the factors (layer 1 first)."""
    return np.cumprod(np.asarray(factors)[::-1])[::-1]


# The numbers of signal_net(0) (tests/test_exercises.py computes them again): its predicted ratios, layer 1
# first, 0.52 0.26 0.136 0.20 0.31 1.02; those from W's sizes alone (smallest 0.52 at layer 3); those from
# phi' alone (0.123 at layer 1); the smallest single step, 0.306 from layer 6 to 5; and ml.backward's 0.120.
RIGHT_LAYER, RIGHT_RATIO = 3, 0.136
KNOWN_RATIOS = (RIGHT_RATIO, 0.306, 0.52, 1 / RIGHT_RATIO)
SMALLEST_WHY = ("The factors of signal_net's steps back, from layer 7 down: 1.02, 0.306, 0.645, 0.672 (each about "
                "the scale of the W above it, as for relu with He's draw), then 1.94 and 1.98 below layer 3, where "
                "W[3] and W[2] are twice He's. Multiplied out from the top, ||dJ/dz[l]|| / ||dJ/dz[L]|| is 1.02, "
                "0.31, 0.20, 0.136 at layer 3, then 0.26 and 0.52 at layers 2 and 1: smallest at layer 3, about "
                "0.136 times the output's (ml.backward measures 0.12).")
PAIR = ("Write a pair (layer, ratio): the layer l from 1 to 7 where ||dJ/dz[l]|| is smallest, and "
        "||dJ/dz[l]|| / ||dJ/dz[L]|| there, e.g. (2, 0.5).")


def _layer_and_ratio(value):
    """(layer, the known ratio within 15%, or the ratio to 2 digits): a ratio near a known one is that one."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(PAIR)
    try:
        layer, ratio = (_number(x) for x in value)
    except ValueError:
        raise ValueError(PAIR) from None
    if not (layer.is_integer() and 1 <= layer <= 7):
        raise ValueError(PAIR)
    if ratio <= 0:
        raise ValueError("A ratio of two lengths is above 0: " + PAIR)
    near = [k for k in KNOWN_RATIOS if abs(ratio / k - 1) <= 0.15]
    return int(layer), near[0] if near else float(f"{ratio:.2g}")


SMALLEST_GRADIENT = Prediction(
    "where ||dJ/dz[l]|| is smallest in signal_net, and by how much",
    (RIGHT_LAYER, RIGHT_RATIO),
    _layer_and_ratio,
    [
        Mistake("no_phi_prime", "Every step also multiplies by the size of phi'(z[l]), about 0.71 for relu (on "
                f"half the units): your ratio is about 4 times too big, 0.71^4 = 1/4 over four steps. {SMALLEST_WHY}",
                (3, 0.52)),
        Mistake("layer_1", "The signal does not shrink all the way down here: below layer 3 the weights are twice "
                f"He's, and the steps 3 -> 2 and 2 -> 1 multiply it by about 2 each. {SMALLEST_WHY}", (1, 0.52)),
        Mistake("phi_only", "A ratio near 0.13 at layer 1 is what the sizes of phi' alone give (0.71^6 = 0.125): "
                f"each step also multiplies by the size of (W[l+1])^T, about 2.8 below layer 3. {SMALLEST_WHY}",
                (1, RIGHT_RATIO)),
        Mistake("inverted", f"Upside down: ||dJ/dz[L]|| / ||dJ/dz[3]|| is about 7.4; the question asks for "
                f"||dJ/dz[l]|| / ||dJ/dz[L]||, below 1 where the signal is smallest. {SMALLEST_WHY}",
                (RIGHT_LAYER, 1 / RIGHT_RATIO)),
        Mistake("counted_from_0", "Right ratio, but the layer counted from 0 as Python indexes the array of "
                f"factors: entry 2 is layer 3 (the text counts layers from 1). {SMALLEST_WHY}", (2, RIGHT_RATIO)),
        Mistake("smallest_step", "The 0.306 you found is the smallest single step, from layer 6 down to 5. The signal at a layer "
                f"is the product of ALL the steps from the output down to it. {SMALLEST_WHY}", (5, 0.306)),
    ],
    SMALLEST_WHY,
    "a pair (layer, ratio)",
)


# ---- 3. the share of dead ReLUs ----

def _dead_inputs(d, rng):
    """A[0] = X, relu hidden layers and a sigmoid output. In layer l: l + 1 dead units, d.get("nearly", 0) units
    on for example 0 only, and the others off on at most 45% of the examples.

    So counting a unit dead when it is 0 on "most" examples, a share above any threshold from 1/2 to just below
    (m-1)/m, goes wrong on the nearly dead units alone: one mistake in the table stands for every threshold.
    """
    sizes, m, nearly = d["sizes"], d["m"], d.get("nearly", 0)
    A = {0: _normal(rng, (sizes[0], m))}
    for l in range(1, len(sizes) - 1):
        Z = np.abs(_normal(rng, (sizes[l], m)))
        for row in Z[l + 1 + nearly:]:  # off on k examples, k + 1 <= 45% of m (layer 1's last one added below)
            off = rng.permutation(m)[: rng.integers(0, max(int(0.45 * m) - 1, 0) + 1)]
            row[off[off > 0]] *= -1
        Z[: l + 1] *= -1  # layer l has l + 1 dead units
        Z[l + 1: l + 1 + nearly, 1:] *= -1  # and nearly dead ones, on for example 0 only
        if l == 1:
            Z[:, -1] = -np.abs(Z[:, -1])  # one example on which every unit of layer 1 is off
        A[l] = relu(Z)
    A[len(sizes) - 1] = sigmoid(_normal(rng, (sizes[-1], m)))
    return (A,)


def _hidden(A):
    return [A[l] for l in range(1, len(A) - 1)]


def dead_share(A):
    """The share of hidden units (layers 1..L-1 pooled) that output 0 on every example (column)."""
    return float(np.mean(np.concatenate([np.all(a == 0, axis=1) for a in _hidden(A)])))


def _dead_with(dead=lambda a: np.all(a == 0, axis=1), layers=_hidden, pool=np.concatenate):
    """dead_share with one thing changed: which units count as dead, which layers, or how they are pooled."""
    def run(A):
        return float(np.mean(pool([dead(a) for a in layers(A)])))
    return run


EXAMPLES_ARE_COLUMNS = ("Examples are columns: a unit is a ROW of A[l], so test np.all(A[l] == 0, axis=1), one "
                        "answer per unit. With axis=0 you asked, for each example, whether every unit is off.")

DEAD_SHARE = Exercise(
    "the share of dead ReLUs, hidden units that output 0 on every example",
    "A",
    dead_share,
    _dead_inputs,
    [dict(sizes=[3, 9, 8, 7, 2], m=40, nearly=2), dict(sizes=[3, 6, 8, 5, 2], m=5), dict(sizes=[2, 7, 4, 1], m=4)],
    [
        Mistake("any", "A unit is dead only when it outputs 0 on EVERY example: np.all(A[l] == 0, axis=1). "
                "np.any also counts units that are off on some examples but pass a gradient on the others, and "
                "those still learn.", _dead_with(dead=lambda a: np.any(a == 0, axis=1))),
        Mistake("most_examples", "A unit is dead only when it outputs 0 on EVERY example, not on most of them: "
                "on the one example where it is on, phi'(z) = 1 passes it a gradient, and its weights still learn. "
                "Test np.all(A[l] == 0, axis=1), not the share of examples on which it is 0.",
                _dead_with(dead=lambda a: np.mean(a == 0, axis=1) > 0.5)),
        *[Mistake("examples_axis", EXAMPLES_ARE_COLUMNS, _dead_with(dead=dead))
          for dead in (lambda a: np.all(a == 0, axis=0), lambda a: np.any(a == 0, axis=0))],
        Mistake("zero_entries", "You counted the zero ENTRIES of A[l], unit and example together; count the "
                "units (rows) that are 0 on every example, np.all(A[l] == 0, axis=1), and average those.",
                _dead_with(dead=lambda a: (a == 0).ravel())),
        Mistake("with_input", "A[0] is the input X, not a layer of units: the hidden layers are l = 1, ..., L-1.",
                _dead_with(layers=lambda A: [A[l] for l in range(len(A) - 1)])),
        Mistake("with_output", "Only the hidden layers, l = 1, ..., L-1: A[L] is the sigmoid output, not a ReLU.",
                _dead_with(layers=lambda A: [A[l] for l in range(1, len(A))])),
        Mistake("with_input_and_output", "A[0] is the input X and A[L] the sigmoid output: neither is a layer of "
                "ReLUs. The hidden layers are l = 1, ..., L-1, range(1, len(A) - 1).",
                _dead_with(layers=lambda A: [A[l] for l in range(len(A))])),
        Mistake("mean_of_layer_shares", "Pool the units of all hidden layers before taking the share: the mean of "
                "each layer's share weighs a small layer's units more than a large layer's.",
                _dead_with(pool=lambda units: [np.mean(u) for u in units])),
        Mistake("count", "Return the SHARE, a number between 0 and 1: the number of dead units divided by the "
                "number of hidden units.", lambda A: float(sum(np.all(a == 0, axis=1).sum() for a in _hidden(A)))),
        Mistake("percent", "Return the share as a fraction between 0 and 1, not a percentage.",
                lambda A: 100 * dead_share(A)),
        Mistake("alive", "That is the share of units still alive: return the share of the dead ones, 1 minus it.",
                lambda A: 1 - dead_share(A)),
        Mistake("negative", "A ReLU outputs max(0, z), never a negative number: a dead unit's output is exactly "
                "0, so test A[l] == 0 (or <= 0), not A[l] < 0.", _dead_with(dead=lambda a: np.all(a < 0, axis=1))),
    ],
    describe=lambda a: f"one number between 0 and 1, over the {sum(x.shape[0] for x in _hidden(a[0]))} hidden units.",
    equation="the definition above the exercise",
    pure=True,
)
