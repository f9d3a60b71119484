"""backward.py: the four boxed equations against centred finite differences; backward on whole networks
against grad_check and against two independent long-double references (saturated outputs, cancelling phi',
softmax hidden or at the output); the messages for gradients and caches of the wrong shape."""

import warnings

import numpy as np
import pytest
from helpers import (
    ACTS,
    assert_refused_naming,
    away_from_kinks,
    backprop,
    one_hot_columns,
    random_layer,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError
from mlp_lessons.gradcheck import numerical_gradient, relative_error

TOL = 1e-7
rng = np.random.default_rng(1234)
NAMES = sorted(ml.ACTIVATIONS)


@pytest.mark.parametrize("m", [1, 5])
@pytest.mark.parametrize("name", sorted(ml.ACTIVATIONS))
def test_boxed_equation_1_dZ(name, m):
    """dJ/dZ = dJ/dA * phi'(Z), with J = sum(G * phi(Z)) so that dJ/dA = G."""
    act = ml.get_activation(name)
    Z = away_from_kinks((3, m), rng)
    G = rng.standard_normal((3, m))
    numeric = numerical_gradient(lambda: float(np.sum(G * act.phi(Z))), Z)
    assert relative_error(ml.backprop_dZ(G, Z, act.phi_prime), numeric) < TOL


@pytest.mark.parametrize("m", [1, 5])
def test_boxed_equations_2_3_4(m):
    """dW = dZ A_prev^T, db = sum_i dZ[:, i], dA_prev = W^T dZ, with J = sum(G * Z), Z = W A_prev + b."""
    W, b, A_prev = random_layer(3, 4, m, rng)
    G = rng.standard_normal((3, m))  # dJ/dZ

    def J():
        return float(np.sum(G * ml.linear_forward(W, A_prev, b)))

    dW, db, dA_prev = ml.backprop_dW(G, A_prev), ml.backprop_db(G), ml.backprop_dA_prev(W, G)
    assert dW.shape == W.shape and db.shape == b.shape and dA_prev.shape == A_prev.shape
    assert relative_error(dW, numerical_gradient(J, W)) < TOL
    assert relative_error(db, numerical_gradient(J, b)) < TOL
    assert relative_error(dA_prev, numerical_gradient(J, A_prev)) < TOL


def test_dW_component_form():
    """The seed's component form: dJ/dW_pq = dJ/dz_p * a_q (one example)."""
    W, b, a_prev = random_layer(3, 4, 1, rng)
    dz = rng.standard_normal((3, 1))
    dW = ml.backprop_dW(dz, a_prev)
    for p in range(3):
        for q in range(4):
            assert dW[p, q] == pytest.approx(dz[p, 0] * a_prev[q, 0])


def test_dA_prev_is_column_dot_products():
    """The seed's form: dJ/da_q = dot(dJ/dz, W[:, q])."""
    W, b, _ = random_layer(3, 4, 1, rng)
    dz = rng.standard_normal((3, 1))
    dA_prev = ml.backprop_dA_prev(W, dz)
    for q in range(4):
        assert dA_prev[q, 0] == pytest.approx(float(np.dot(dz[:, 0], W[:, q])))


def test_layer_backward_skips_dA0_when_not_needed():
    W, b, A_prev = random_layer(3, 4, 2, rng)
    A, cache = ml.layer_forward(W, A_prev, b, "tanh")
    dA_prev, dW, db = ml.layer_backward(np.ones_like(A), cache, "tanh", need_dA_prev=False)
    assert dA_prev is None and dW.shape == W.shape and db.shape == b.shape


def test_layer_backward_uses_the_jacobian_for_softmax():
    rng = np.random.default_rng(5)
    A_prev, W, b = rng.standard_normal((3, 4)), rng.standard_normal((5, 3)), rng.standard_normal((5, 1))
    AL, cache = ml.layer_forward(W, A_prev, b, "softmax")
    Y = one_hot_columns([0, 4, 2, 2], 5)
    _, dAL = ml.softmax_cross_entropy(AL, Y)
    dA_prev, dW, db = ml.layer_backward(dAL, cache, "softmax")
    dZ = (AL - Y) / 4
    np.testing.assert_allclose(dW, dZ @ A_prev.T, atol=1e-14)
    np.testing.assert_allclose(db, dZ.sum(axis=1, keepdims=True), atol=1e-14)
    np.testing.assert_allclose(dA_prev, W.T @ dZ, atol=1e-14)


def random_network(seed):
    """A random architecture of depth 1-4 with random activations and float64 data."""
    rng = np.random.default_rng(seed)
    L = int(rng.integers(1, 5))
    sizes = [int(n) for n in rng.integers(1, 6, L + 1)]
    hidden = [NAMES[int(i)] for i in rng.integers(0, len(NAMES), L - 1)]
    m = int(rng.integers(1, 6))
    params = ml.init_params(sizes, seed=seed, init="xavier")
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}  # nonzero b
    X = rng.standard_normal((sizes[0], m))
    return params, X, sizes, hidden, m, rng


def inputs_away_from_kinks(params, X, activations, rng, margin=1e-2):
    """Redraw X until no relu or leaky_relu input lies within `margin` of its kink at 0.

    Finite differences step up to 2 eps = 2e-4 either side; a step across a kink measures
    the average of two slopes, which is the check's fault, not backprop's.
    """
    for _ in range(1000):
        _, caches = ml.forward(params, X, activations)
        near = [np.min(np.abs(c.Z)) < margin for c, a in zip(caches, activations) if "relu" in a]
        if not any(near):
            return X
        X = rng.standard_normal(X.shape)
    raise AssertionError("could not draw inputs away from the kinks")


@pytest.mark.parametrize("seed", range(60))
def test_backward_matches_finite_differences_on_random_networks(seed):
    params, X, sizes, hidden, m, rng = random_network(seed)
    if seed % 2:
        activations, loss = hidden + ["sigmoid"], "binary_cross_entropy"
        Y = (rng.uniform(size=(sizes[-1], m)) > 0.5).astype(float)
    else:
        activations, loss = hidden + [NAMES[seed % len(NAMES)]], "half_squared_error"
        Y = rng.standard_normal((sizes[-1], m))
    X = inputs_away_from_kinks(params, X, activations, rng)
    errors = ml.grad_check(params, X, Y, activations, loss=loss)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-7, (sizes, activations, errors)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_every_activation_at_every_depth(name, L):
    rng = np.random.default_rng(L)
    sizes = [3] + [4] * (L - 1) + [2]
    params = ml.init_params(sizes, seed=L)
    X, Y = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    X = inputs_away_from_kinks(params, X, [name] * L, rng)
    errors = ml.grad_check(params, X, Y, [name] * L)
    assert max(errors.values()) < 1e-7, errors


# relu gets a small eps: one of its pre-activations lies 0.0016 from the kink at 0.
@pytest.mark.parametrize("hidden, eps", [("tanh", 1e-3), ("sigmoid", 1e-3), ("relu", 1e-6)])
def test_network_with_softmax_output_passes_grad_check(hidden, eps):
    rng = np.random.default_rng(6)
    params = ml.init_params([4, 6, 5, 3], seed=7)
    X = rng.standard_normal((4, 8))
    Y = one_hot_columns(rng.integers(0, 3, 8), 3)
    errors = ml.grad_check(params, X, Y, [hidden, hidden, "softmax"], loss="softmax_cross_entropy", eps=eps)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("activations, sizes, loss", [
    (["softmax", "sigmoid"], [3, 4, 1], "binary_cross_entropy"),
    (["tanh", "softmax", "identity"], [3, 5, 4, 2], "half_squared_error"),
    (["softmax", "softmax"], [3, 4, 3], "softmax_cross_entropy"),
])
def test_a_hidden_softmax_is_backpropagated_exactly(activations, sizes, loss):
    # Accepted, not refused: backprop multiplies by softmax's Jacobian (softmax_backprop_dZ), never by
    # an elementwise phi'(z), in a hidden layer as at the output; finite differences agree.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 7))
    Y = {"binary_cross_entropy": (rng.uniform(size=(1, 7)) < 0.5) * 1.0, "half_squared_error": rng.standard_normal((2, 7)),
         "softmax_cross_entropy": ml.one_hot(rng.integers(0, 3, 7), 3)}[loss]
    params = ml.init_params(sizes, seed=2)
    errors = ml.grad_check(params, X, Y, activations, loss=loss, eps=1e-5)
    assert max(errors.values()) < 1e-8, errors
    if loss == "half_squared_error":  # the seed's general route, backward from dJ/dA[L], agrees too
        AL, caches = ml.forward(params, X, activations)
        grads = ml.backward(params, caches, ml.half_squared_error(AL, Y)[1], activations)
        for name in params:
            J = lambda: ml.half_squared_error(ml.forward(params, X, activations)[0], Y)[0]
            assert ml.relative_error(grads["d" + name], ml.numerical_gradient(J, params[name], eps=1e-5)) < 1e-8
    with pytest.raises(ValueError, match=r"layer 1\): a softmax over n\[1\] = 1 unit is always 1.*output layer"):
        ml.train(ml.init_params([3, 1, 1]), X, Y[:1], ["softmax", "identity"], epochs=1)


def test_grads_have_the_parameters_shapes():
    params = ml.init_params([3, 5, 4, 2])
    X = np.random.default_rng(0).standard_normal((3, 7))
    acts = ["relu", "tanh", "identity"]
    AL, caches = ml.forward(params, X, acts)
    grads = ml.backward(params, caches, AL, acts)
    assert sorted(grads) == sorted("d" + k for k in params)
    for k, v in params.items():
        assert grads["d" + k].shape == v.shape


def gradients(params, X, Y, activations):
    AL, caches = ml.forward(params, X, activations)
    return ml.backward(params, caches, ml.half_squared_error(AL, Y)[1], activations)


def test_batched_gradient_is_the_mean_of_per_example_gradients():
    rng = np.random.default_rng(7)
    params = ml.init_params([3, 6, 2], seed=7)
    acts = ["tanh", "identity"]
    m = 9
    X, Y = rng.standard_normal((3, m)), rng.standard_normal((2, m))
    batched = gradients(params, X, Y, acts)
    singles = [gradients(params, X[:, [i]], Y[:, [i]], acts) for i in range(m)]
    for k in batched:
        np.testing.assert_allclose(batched[k], np.mean([g[k] for g in singles], axis=0), rtol=1e-12, atol=1e-14)


def test_gradient_scale_does_not_grow_with_m():
    params = ml.init_params([2, 8, 1], seed=3)
    acts = ["tanh", "identity"]
    norms = []
    for m in (1, 10, 100, 1000, 10000):
        X, Y = ml.sine(m=m, noise=0.1, seed=3)
        X = np.vstack([X, X**2])
        norms.append(np.linalg.norm(gradients(params, X, Y, acts)["dW1"]))
    # Averaging over m keeps the size put: every norm within a factor 3 of the m = 10000 one.
    assert all(n / norms[-1] < 3 for n in norms[1:]), norms
    assert max(norms[2:]) / min(norms[2:]) < 1.5, norms


def test_backward_checks_dAL(net):
    params, X, _ = net
    AL, caches = ml.forward(params, X, ACTS)
    with pytest.raises(ShapeError, match=r"Layer 2: dJ/dA\[2\] must have the shape of A\[2\].*\(1, 5\).*\(5, 1\)"):
        ml.backward(params, caches, AL.T, ACTS)
    with pytest.raises(ValueError, match="L = 2 caches"):
        ml.backward(params, caches[:1], AL, ACTS)


def test_layer_backward_refuses_a_result_that_overflows():
    params = ml.init_params([2, 3, 1])
    X, _ = ml.moons(m=6)
    _, caches = ml.forward(params, X, ["tanh", "sigmoid"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflowed to inf or NaN"):
            ml.layer_backward(np.full((3, 6), 1e308), caches[0], "identity")


def test_per_equation_functions_spot_the_usual_slips():
    dA, Z = np.ones((4, 5)), np.ones((4, 5))
    with pytest.raises(ValueError, match=r"phi_prime is relu, the activation phi itself.*relu_prime"):
        ml.backprop_dZ(dA, Z, ml.relu)
    with pytest.raises(TypeError, match=r"get_activation\('tanh'\).phi_prime, not the name 'tanh'"):
        ml.backprop_dZ(dA, Z, "tanh")
    with pytest.raises(ShapeError, match=r"the product is elementwise.*\(4,\)"):  # a 1-D dA against a column Z
        ml.backprop_dZ(np.ones(4), np.ones((4, 1)), ml.relu_prime)
    with pytest.raises(ShapeError, match=r"A_prev of shape \(5, 2\) looks transposed.*pass A\[l-1\] itself"):
        ml.backprop_dW(np.ones((3, 5)), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"Unknown activation <function relu.*Pass its name, 'relu'"):
        ml.layer_forward(np.ones((4, 3)), np.ones((3, 5)), np.zeros((4, 1)), ml.relu)


EQUATION_CALLS = {
    "backprop_dZ": (lambda: ml.backprop_dZ(np.ones((4, 5)), np.ones((5, 4)), ml.relu_prime),
                    ["boxed equation 1, dJ/dZ[l] = dJ/dA[l] * phi'(Z[l])", "(5, 4)", "(4, 5)", "transposed"]),
    "backprop_dW": (lambda: ml.backprop_dW(np.ones((3, 5)), np.ones((2, 4))),
                    ["boxed equation 2, dJ/dW[l] = dJ/dZ[l] A[l-1]^T", "dZ has m = 5 columns but A_prev has 4",
                     "same examples"]),
    "backprop_db": (lambda: ml.backprop_db(np.ones(3)),
                    ["boxed equation 3", "2-D", "(3,)", "reshape(-1, 1)"]),
    "backprop_dA_prev": (lambda: ml.backprop_dA_prev(np.ones((3, 4)).T, np.ones((3, 5))),
                         ["boxed equation 4, dJ/dA[l-1] = W[l]^T dJ/dZ[l]", "(4, 3)", "Pass W[l] itself"]),
    "layer_backward": (lambda: ml.layer_backward(np.ones((5, 4)), ml.layer_forward(np.ones((4, 3)), np.ones((3, 5)),
                                                                                  np.zeros((4, 1)), "tanh")[1], "tanh"),
                       ["layer_backward", "dJ/dA[l]", "(4, 5)", "(5, 4)"]),
}


@pytest.mark.parametrize("name", sorted(EQUATION_CALLS))
def test_per_equation_functions_name_their_equation(name):
    assert_refused_naming(*EQUATION_CALLS[name])


# Reference 1: J in long double from the logits, differentiated by centred differences.
# Written separately from the package (its own activations, losses from the logits, forward pass), evaluated
# in numpy's long double (64-bit mantissa on x86), so a saturated output, a confidently wrong example or a
# cancelling phi' cannot hide.
LD = np.longdouble
HIDDEN = sorted(ml.ACTIVATIONS)
# (output activation, loss): the fused pairs and the general route.
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


# Reference 2: an independent implementation, one example at a time, every sum a Python loop, in long double.


def _phi(name, z):
    if name == "identity":
        return z
    if name == "relu":
        return z if z > 0 else LD(0)
    if name == "leaky_relu":
        return z if z > 0 else LD("0.01") * z
    if name == "sigmoid":
        e = np.exp(-abs(z))
        return 1 / (1 + e) if z >= 0 else e / (1 + e)
    return np.tanh(z)


def _phi_prime(name, z):
    if name == "identity":
        return LD(1)
    if name == "relu":
        return LD(1) if z > 0 else LD(0)
    if name == "leaky_relu":
        return LD(1) if z > 0 else LD("0.01")
    if name == "sigmoid":
        e = np.exp(-abs(z))
        return e / (1 + e) / (1 + e)
    with np.errstate(over="ignore"):
        c = np.cosh(z)
    return 1 / c / c


def reference_grads(params, X, Y, activations, loss):
    """J and the gradients, one example at a time, every sum a Python loop, in long double.

    Also, carried down through |W| and |phi'| like a gradient: the size of the terms each
    gradient sums (rounding in float64 may leave eps times that), and a bound on the
    error from sigma(z) - y for z >= 0 (within 1.1e-16 of the exact value).
    """
    L, m = len(activations), X.shape[1]
    W = [None] + [params[f"W{l}"].astype(LD) for l in range(1, L + 1)]
    b = [None] + [params[f"b{l}"].astype(LD) for l in range(1, L + 1)]
    grads = {f"d{p}{l}": np.zeros(params[f"{p}{l}"].shape, dtype=LD) for l in range(1, L + 1) for p in "Wb"}
    bounds = {k: np.zeros_like(v) for k, v in grads.items()}
    sizes = {k: np.zeros_like(v) for k, v in grads.items()}
    J = LD(0)
    for i in range(m):
        a, zs = [X[:, i].astype(LD)], [None]
        for l in range(1, L + 1):
            z = np.array([sum(W[l][p, q] * a[l - 1][q] for q in range(W[l].shape[1])) + b[l][p, 0]
                          for p in range(W[l].shape[0])], dtype=LD)
            zs.append(z)
            if activations[l - 1] == "softmax":
                e = np.array([np.exp(v - max(z)) for v in z], dtype=LD)
                a.append(e / sum(e))
            else:
                a.append(np.array([_phi(activations[l - 1], v) for v in z], dtype=LD))
        y, z = Y[:, i].astype(LD), zs[L]
        if loss == "half_squared_error":
            J += sum((a[L] - y) ** 2) / 2
            dz = (a[L] - y) * np.array([_phi_prime(activations[-1], v) for v in z], dtype=LD)
        elif loss == "binary_cross_entropy":
            J += sum(max(v, 0) - y[k] * v + np.log1p(np.exp(-abs(v))) for k, v in enumerate(z))
            q = [np.exp(-abs(v)) / (1 + np.exp(-abs(v))) for v in z]
            dz = np.array([(1 - y[k]) - q[k] if v >= 0 else q[k] - y[k] for k, v in enumerate(z)], dtype=LD)
            eb = np.array([LD(1.2e-16) if v >= 0 else LD(0) for v in z], dtype=LD)
        else:
            top = int(np.argmax(z))
            e = [np.exp(v - z[top]) for v in z]
            rest = sum(e[j] for j in range(len(z)) if j != top)
            J += -sum(y[k] * (z[k] - z[top] - np.log1p(rest)) for k in range(len(z)))
            dz = np.array([e[k] / (1 + rest) - y[k] for k in range(len(z))], dtype=LD)
            dz[top] = (1 - y[top]) - rest / (1 + rest)
        if loss != "binary_cross_entropy":
            eb = np.zeros(len(z), dtype=LD)
        size = np.abs(dz)
        for l in range(L, 0, -1):
            grads[f"dW{l}"] += np.outer(dz, a[l - 1])
            grads[f"db{l}"] += dz.reshape(-1, 1)
            bounds[f"dW{l}"] += np.outer(eb, np.abs(a[l - 1]))
            bounds[f"db{l}"] += eb.reshape(-1, 1)
            sizes[f"dW{l}"] += np.outer(size, np.abs(a[l - 1]))
            sizes[f"db{l}"] += size.reshape(-1, 1)
            if l > 1:
                da, eb, size = W[l].T @ dz, np.abs(W[l]).T @ eb, np.abs(W[l]).T @ size
                d = np.array([_phi_prime(activations[l - 2], v) for v in zs[l - 1]], dtype=LD)
                dz, eb, size = da * d, eb * np.abs(d), size * np.abs(d)
    return (float(J / m), *({k: (v / m).astype(np.float64) for k, v in g.items()} for g in (grads, bounds, sizes)))


SATURATING_HIDDEN = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]
SATURATING_OUTPUTS = [("identity", "half_squared_error"), ("sigmoid", "binary_cross_entropy"),
                      ("softmax", "softmax_cross_entropy"), ("sigmoid", "half_squared_error"),
                      ("tanh", "half_squared_error"), ("leaky_relu", "half_squared_error")]


@st.composite
def saturating_nets(draw):
    L = draw(st.integers(1, 4))
    output, loss = draw(st.sampled_from(SATURATING_OUTPUTS))
    sizes = [draw(st.integers(1, 6)) for _ in range(L + 1)]
    if output == "softmax":
        sizes[-1] = max(2, sizes[-1])
    m = draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w, x = draw(st.sampled_from([0.1, 1.0, 5.0, 20.0, 100.0])), draw(st.sampled_from([1e-3, 1.0, 10.0, 300.0]))
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"] = rng.uniform(-w, w, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = rng.uniform(-w, w, (sizes[l], 1))
    X = rng.uniform(-x, x, (sizes[0], m))
    if loss == "softmax_cross_entropy":
        Y = ml.one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (sizes[-1], m)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (sizes[-1], m))
    return params, X, Y, [draw(st.sampled_from(SATURATING_HIDDEN)) for _ in range(L - 1)] + [output], loss


@settings(max_examples=1000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(saturating_nets())
def test_backprop_matches_an_independent_long_double_implementation(net):
    """Every gradient entry to 1e-9 relative, or 1e-13 of its array's largest entry or of the
    terms it sums, or twice the bound from sigma(z) - 1; J to 1e-12."""
    params, X, Y, activations, loss = net
    try:
        _, caches = ml.forward(params, X, activations)
        J, grads = ml.loss_and_grads(params, caches, Y, activations, loss)
    except ValueError as e:  # refused as overflowing: a message, never a wrong number
        assert "too large" in str(e) or "overflowed" in str(e)
        return
    J_ref, ref, bound, size = reference_grads(params, X, Y, activations, loss)
    assert abs(J - J_ref) <= 1e-12 * max(1.0, abs(J_ref))
    for name, g in grads.items():
        scale = np.max(np.abs(ref[name]))
        np.testing.assert_array_less(np.abs(g - ref[name]),
                                     1e-9 * np.abs(ref[name]) + 1e-13 * (scale + size[name]) + 2 * bound[name] + 1e-300,
                                     err_msg=f"{name} of {activations}, {loss}")
