"""Every boxed equation, activation and loss against centred finite differences."""

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.gradcheck import numerical_gradient, relative_error

TOL = 1e-7
rng = np.random.default_rng(1234)


def away_from_kinks(shape, rng):
    """Pre-activations with |z| >= 0.1, so relu's kink at 0 is out of reach of eps."""
    Z = rng.standard_normal(shape)
    return np.where(np.abs(Z) < 0.1, np.sign(Z + 1e-12) * 0.1 + Z, Z)


@pytest.mark.parametrize("name", sorted(ml.ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    act = ml.get_activation(name)
    Z = away_from_kinks((3, 4), rng)
    # phi acts elementwise, so d(sum phi(Z))/dZ is phi'(Z) entry by entry.
    numeric = numerical_gradient(lambda: float(np.sum(act.phi(Z))), Z)
    assert relative_error(act.phi_prime(Z), numeric) < TOL


@pytest.mark.parametrize("name", sorted(ml.ACTIVATIONS))
def test_activation_keeps_shape_and_dtype(name):
    act = ml.get_activation(name)
    for dtype in (np.float32, np.float64):
        Z = rng.standard_normal((4, 5)).astype(dtype)
        assert act.phi(Z).shape == (4, 5) and act.phi(Z).dtype == dtype
        assert act.phi_prime(Z).shape == (4, 5) and act.phi_prime(Z).dtype == dtype


def test_sigmoid_does_not_overflow():
    Z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = ml.sigmoid(Z)
        ml.sigmoid_prime(Z)
    assert np.all(np.isfinite(s))
    assert s[0, 0] == 0.0 and s[0, 2] == 0.5 and s[0, 4] == 1.0
    np.testing.assert_allclose(ml.sigmoid(np.array([[-2.0, 3.0]])), 1 / (1 + np.exp(-np.array([[-2.0, 3.0]]))))


def test_activation_values():
    Z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    np.testing.assert_array_equal(ml.relu(Z), [[0, 0, 0, 0.5, 2]])
    np.testing.assert_array_equal(ml.relu_prime(Z), [[0, 0, 0, 1, 1]])
    np.testing.assert_allclose(ml.leaky_relu(Z), [[-0.02, -0.005, 0, 0.5, 2]])
    np.testing.assert_allclose(ml.tanh(Z), np.tanh(Z))
    np.testing.assert_array_equal(ml.identity(Z), Z)


@pytest.mark.parametrize("loss", [ml.half_squared_error, ml.binary_cross_entropy])
@pytest.mark.parametrize("m", [1, 7])
def test_loss_gradient_matches_finite_differences(loss, m):
    AL = rng.uniform(0.05, 0.95, (2, m))
    Y = (rng.uniform(size=(2, m)) > 0.5).astype(float)
    J, dAL = loss(AL, Y)
    assert isinstance(J, float) and dAL.shape == AL.shape
    assert relative_error(dAL, numerical_gradient(lambda: loss(AL, Y)[0], AL)) < TOL


def test_half_squared_error_is_the_seeds_loss():
    # One example: J = 1/2 (a - y)^2 and dJ/da = a - y, the seed's base case.
    J, dAL = ml.half_squared_error(np.array([[0.8]]), np.array([[0.5]]))
    assert J == pytest.approx(0.5 * 0.3**2)
    assert dAL[0, 0] == pytest.approx(0.3)
    # m examples: the mean of the per-example losses.
    AL, Y = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    assert ml.half_squared_error(AL, Y)[0] == pytest.approx(np.mean([0.5 * np.sum((AL[:, i] - Y[:, i]) ** 2) for i in range(5)]))


def test_binary_cross_entropy_is_stable_at_0_and_1():
    AL = np.array([[0.0, 1.0, 1e-300, 1 - 1e-17]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        J, dAL = ml.binary_cross_entropy(AL, Y)
    assert np.isfinite(J) and np.all(np.isfinite(dAL))
    J_right, _ = ml.binary_cross_entropy(np.array([[1e-12, 1 - 1e-12]]), np.array([[0.0, 1.0]]))
    assert J_right < 1e-10


def _layer(n, n_prev, m, rng):
    W = rng.standard_normal((n, n_prev))
    b = rng.standard_normal((n, 1))
    A_prev = rng.standard_normal((n_prev, m))
    return W, b, A_prev


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
    W, b, A_prev = _layer(3, 4, m, rng)
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
    W, b, a_prev = _layer(3, 4, 1, rng)
    dz = rng.standard_normal((3, 1))
    dW = ml.backprop_dW(dz, a_prev)
    for p in range(3):
        for q in range(4):
            assert dW[p, q] == pytest.approx(dz[p, 0] * a_prev[q, 0])


def test_dA_prev_is_column_dot_products():
    """The seed's form: dJ/da_q = dot(dJ/dz, W[:, q])."""
    W, b, _ = _layer(3, 4, 1, rng)
    dz = rng.standard_normal((3, 1))
    dA_prev = ml.backprop_dA_prev(W, dz)
    for q in range(4):
        assert dA_prev[q, 0] == pytest.approx(float(np.dot(dz[:, 0], W[:, q])))


def test_linear_forward_is_z_equals_W_a_plus_b():
    W, b, a = _layer(2, 3, 1, rng)
    z = ml.linear_forward(W, a, b)
    for i in range(2):
        assert z[i, 0] == pytest.approx(sum(W[i, j] * a[j, 0] for j in range(3)) + b[i, 0])


def test_layer_backward_skips_dA0_when_not_needed():
    W, b, A_prev = _layer(3, 4, 2, rng)
    A, cache = ml.layer_forward(W, A_prev, b, "tanh")
    dA_prev, dW, db = ml.layer_backward(np.ones_like(A), cache, "tanh", need_dA_prev=False)
    assert dA_prev is None and dW.shape == W.shape and db.shape == b.shape
