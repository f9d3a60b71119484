"""Exact gradients at the extremes: backprop against an independent long-double reference.

The reference below is written separately from the package (its own activations,
losses from the logits, forward pass), evaluated in numpy's long double (64-bit
mantissa on x86), and differentiated by centred differences, so a saturated
output, a confidently wrong example or a cancelling phi' cannot hide.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mlp_lessons as ml

LD = np.longdouble
HIDDEN = sorted(ml.ACTIVATIONS)
# (output activation, loss): the fused pairs and the seed's general route.
OUTPUTS = [
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "softmax_cross_entropy"),
    ("identity", "half_squared_error"),
    ("sigmoid", "half_squared_error"),
    ("tanh", "half_squared_error"),
    ("relu", "half_squared_error"),
    ("leaky_relu", "half_squared_error"),
]

REF_PHI = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, LD("0.01") * z),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}


def ref_loss(ZL, Y, output, loss):
    """J in long double, from the logits; its own formulas, not the package's."""
    m = ZL.shape[1]
    if loss == "binary_cross_entropy":  # -y log s(z) - (1-y) log(1 - s(z)) = log(1 + e^z) - y z
        softplus = np.where(ZL > 0, ZL + np.log1p(np.exp(-ZL)), np.log1p(np.exp(ZL)))
        return np.sum(softplus - Y * ZL) / m
    if loss == "softmax_cross_entropy":
        c = ZL.max(axis=0, keepdims=True)
        log_a = ZL - c - np.log(np.sum(np.exp(ZL - c), axis=0, keepdims=True))
        return -np.sum(Y * log_a) / m
    return np.sum((REF_PHI[output](ZL) - Y) ** 2) / (2 * m)


class CrossedKink(Exception):
    """A finite-difference step moved a relu input across 0: that estimate measures two slopes."""


def ref_J(params, X, Y, activations, loss, signs=None):
    """J in long double; with signs (the base point's relu input signs), raise CrossedKink if any differ."""
    A = X
    L = len(activations)
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        if signs is not None and "relu" in activations[l - 1] and not np.array_equal(Z > 0, signs[l - 1]):
            raise CrossedKink
        if l == L:
            return ref_loss(Z, Y, activations[-1], loss)
        A = REF_PHI[activations[l - 1]](Z)


def ref_gradient(params, X, Y, activations, loss, h=LD("1e-4")):
    """Fourth-order centred differences of ref_J in long double, entry by entry.

    Returns (grads, resolution): resolution is how far the estimates at h and h/2
    differ, entry by entry, an honest bound on the reference's own error where a
    saturated unit moves J by less than long double can resolve.
    """
    g_h, g_half = _differences(params, X, Y, activations, loss, h), _differences(params, X, Y, activations, loss, h / 2)
    return g_h, {name: np.abs(g_h[name] - g_half[name]) for name in g_h}


def _differences(params, X, Y, activations, loss, h):
    work = {k: v.astype(LD) for k, v in params.items()}
    Xl, Yl = X.astype(LD), Y.astype(LD)
    signs = [Z > 0 for Z in pre_activations(params, X, activations)]
    grads = {}
    for name, value in work.items():
        g = np.zeros(value.shape, dtype=LD)
        for k in np.ndindex(value.shape):
            saved = value[k]
            D = []
            for step in (h, 2 * h):
                value[k] = saved + step
                plus = ref_J(work, Xl, Yl, activations, loss, signs)
                value[k] = saved - step
                D.append(plus - ref_J(work, Xl, Yl, activations, loss, signs))
            value[k] = saved
            g[k] = (8 * D[0] - D[1]) / (12 * h)
        grads["d" + name] = g
    return grads


def pre_activations(params, X, activations):
    _, caches = ml.forward(params, X, activations)
    return [c.Z for c in caches]


@st.composite
def networks(draw):
    L = draw(st.integers(1, 4))
    output, loss = draw(st.sampled_from(OUTPUTS))
    n_out = draw(st.integers(2, 6)) if output == "softmax" else draw(st.integers(1, 6))
    sizes = [draw(st.integers(1, 6)) for _ in range(L)] + [n_out]
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in range(L - 1)]
    m = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    z_max = draw(st.sampled_from([0.5, 3.0, 10.0, 20.0, 37.0, 50.0]))
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"] = rng.uniform(-5, 5, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = rng.uniform(-5, 5, (sizes[l], 1))
    X = rng.uniform(-2, 2, (sizes[0], m))
    activations = hidden + [output]
    # Scale the output layer so its largest |z| is z_max: saturated outputs on purpose.
    ZL = pre_activations(params, X, activations)[-1]
    scale = z_max / max(np.max(np.abs(ZL)), 1e-12)
    params[f"W{L}"] *= scale
    params[f"b{L}"] *= scale
    if loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n_out, m)).astype(float)
    elif loss == "softmax_cross_entropy":
        Y = np.eye(n_out)[:, rng.integers(0, n_out, m)]
    else:
        Y = rng.uniform(-1, 1, (n_out, m))
    return params, X, Y, activations, loss


def backprop(params, X, Y, activations, loss):
    _, caches = ml.forward(params, X, activations)
    return ml.loss_and_grads(params, caches, Y, activations, loss)


def assert_close(grads, ref, resolution, J):
    """Relative error < 1e-7 of the largest entry, or absolute error < 1e-12, per array,
    beyond the reference's own resolution: the spread of its estimates at h and h/2, and
    the rounding of J itself in long double, which no step h can see below
    (about eps * |J| / h: 1e-13 |J| at h = 1e-4)."""
    rounding = 64 * np.finfo(LD).eps * max(abs(J), 1.0) / LD("1e-4")
    for name, g in grads.items():
        excess = np.max(np.abs(g.astype(LD) - ref[name]) - 2 * resolution[name] - rounding)
        scale = np.max(np.abs(ref[name]))
        assert excess < 1e-12 or excess < 1e-7 * scale, (name, float(excess), float(scale))


@settings(max_examples=2000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(networks())
def test_backprop_matches_long_double_differences_including_saturation(net):
    params, X, Y, activations, loss = net
    J, grads = backprop(params, X, Y, activations, loss)
    try:
        ref, resolution = ref_gradient(params, X, Y, activations, loss)
    except CrossedKink:
        assume(False)
    assert_close(grads, ref, resolution, J)
    J_ref = ref_J({k: v.astype(LD) for k, v in params.items()}, X.astype(LD), Y.astype(LD), activations, loss)
    assert abs(J - J_ref) <= 1e-12 * max(1.0, abs(J_ref))


# One weight W = 1, b = 0 and one example x = z, so z[1] = z: the table.
SATURATION = [
    # z,   y,  J true, dJ/dW true = (sigma(z) - y) z
    (-40.0, 1.0, 40.0, 40.0),
    (37.0, 0.0, 37.0, 37.0),
    (30.0, 0.0, 30.0, 30.0),
    (-700.0, 1.0, 700.0, 700.0),
    (700.0, 0.0, 700.0, 700.0),
    (40.0, 1.0, 4.248354255291589e-18, -1.6993417021166356e-16),  # sure and right: tiny, not 0
    (-40.0, 0.0, 4.248354255291589e-18, -1.6993417021166356e-16),
]


@pytest.mark.parametrize("z, y, J_true, dW_true", SATURATION)
def test_sigmoid_cross_entropy_is_exact_when_confidently_wrong(z, y, J_true, dW_true):
    params = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    X, Y = np.array([[z]]), np.array([[y]])
    J, grads = backprop(params, X, Y, ["sigmoid"], "binary_cross_entropy")
    assert J == pytest.approx(J_true, rel=1e-12, abs=0)  # abs=0: approx's default abs=1e-12 would pass 0
    assert grads["dW1"][0, 0] == pytest.approx(dW_true, rel=1e-12, abs=0)
    assert ml.grad_check(params, X, Y, ["sigmoid"], "binary_cross_entropy")["W1"] < 1e-9


def test_fused_and_general_routes_agree_where_nothing_saturates():
    rng = np.random.default_rng(0)
    ZL, Y = rng.uniform(-3, 3, (1, 5)), rng.integers(0, 2, (1, 5)).astype(float)
    J_fused, dZ_fused = ml.sigmoid_binary_cross_entropy(ZL, Y)
    J, dAL = ml.binary_cross_entropy(ml.sigmoid(ZL), Y)
    np.testing.assert_allclose(ml.backprop_dZ(dAL, ZL, ml.sigmoid_prime), dZ_fused, rtol=1e-12)
    assert J == pytest.approx(J_fused, rel=1e-12)
    ZL, Y = rng.uniform(-3, 3, (4, 5)), np.eye(4)[:, rng.integers(0, 4, 5)]
    J_fused, dZ_fused = ml.softmax_cross_entropy_from_logits(ZL, Y)
    J, dAL = ml.softmax_cross_entropy(ml.softmax(ZL), Y)
    np.testing.assert_allclose(ml.softmax_backprop_dZ(dAL, ZL), dZ_fused, rtol=1e-10, atol=1e-15)
    assert J == pytest.approx(J_fused, rel=1e-12)


def mp_reference(f):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    return mpmath, f(mpmath)


@pytest.mark.parametrize("name", ["sigmoid_prime", "tanh_prime", "sigmoid"])
def test_phi_and_phi_prime_keep_full_relative_accuracy_in_the_tails(name):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    exact = {
        "sigmoid_prime": lambda z: mpmath.exp(-z) / (1 + mpmath.exp(-z)) ** 2,
        "tanh_prime": lambda z: 1 / mpmath.cosh(z) ** 2,
        "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    }[name]
    top = 350 if name == "tanh_prime" else 700  # tanh'(z) = 4 e^-2|z|/... leaves the normal range past 354
    Z = np.concatenate([np.linspace(-top, top, 2801), [-30, 30, -19, 19, -15, 15, 0]])
    got = getattr(ml, name)(Z)
    worst = max(float(abs(mpmath.mpf(float(g)) - exact(mpmath.mpf(float(z)))) / exact(mpmath.mpf(float(z))))
                for z, g in zip(Z, got))
    assert worst < 1e-12
