"""activations.py: phi and phi' of every activation against finite differences and in the tails, softmax and
its Jacobian-vector product, and the messages for an unknown name or a bad Z."""

import numpy as np
import pytest
from helpers import assert_refused_naming, away_from_kinks

import mlp_lessons as ml
from mlp_lessons.gradcheck import numerical_gradient, relative_error

TOL = 1e-7
rng = np.random.default_rng(1234)


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


def test_softmax_columns_sum_to_one_and_match_the_formula():
    Z = np.random.default_rng(0).standard_normal((4, 6))
    A = ml.softmax(Z)
    np.testing.assert_allclose(A.sum(axis=0), np.ones(6))
    np.testing.assert_allclose(A, np.exp(Z) / np.exp(Z).sum(axis=0))


def test_softmax_is_stable_for_huge_logits():
    Z = np.array([[1000.0, -1000.0], [999.0, -1001.0], [0.0, 5000.0]])
    with np.errstate(over="raise", invalid="raise"):
        A = ml.softmax(Z)
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A[:, 0], ml.softmax(np.array([[1.0], [0.0], [-1000.0]]))[:, 0])
    assert A[2, 1] == 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_keeps_shape_and_dtype(dtype):
    Z = np.random.default_rng(1).standard_normal((3, 5)).astype(dtype)
    assert ml.softmax(Z).shape == (3, 5) and ml.softmax(Z).dtype == dtype
    assert ml.softmax_backprop_dZ(Z, Z).dtype == dtype


def test_softmax_backprop_dZ_is_the_jacobian_vector_product():
    rng = np.random.default_rng(2)
    Z, dA = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    dZ = ml.softmax_backprop_dZ(dA, Z)
    for i in range(3):
        a = ml.softmax(Z[:, [i]])
        jacobian = np.diagflat(a) - a @ a.T  # da_k/dz_j
        np.testing.assert_allclose(dZ[:, [i]], jacobian.T @ dA[:, [i]])
    # and against finite differences of J(Z) = sum(dA * softmax(Z))
    numeric = numerical_gradient(lambda: float(np.sum(dA * ml.softmax(Z))), Z)
    assert relative_error(dZ, numeric) < TOL


def test_softmax_phi_prime_explains_why_it_does_not_exist():
    with pytest.raises(ValueError, match="Jacobian"):
        ml.get_activation("softmax").phi_prime(np.zeros((2, 1)))


def test_softmax_is_not_listed_among_the_elementwise_activations():
    assert "softmax" not in ml.ACTIVATIONS and "softmax" in ml.OUTPUT_ACTIVATIONS


def test_unknown_activation(net):
    params, X, _ = net
    with pytest.raises(ValueError) as e:
        ml.forward(params, X, ["relu", "softplus"])
    msg = str(e.value)
    assert "'softplus'" in msg
    for name in ml.ACTIVATIONS:
        assert name in msg


EQUATION_CALLS = {
    "relu": (lambda: ml.relu("0.5"), ["relu, phi(z) = max(0, z)", "numpy array", "str"]),
    "sigmoid_prime": (lambda: ml.sigmoid_prime(np.array([1 + 2j])), ["sigmoid_prime", "complex", ".real"]),
    "tanh_prime": (lambda: ml.tanh_prime(None), ["tanh_prime", "None"]),
    "softmax": (lambda: ml.softmax(np.array([[np.inf], [0.0]])), ["softmax, a_k = e^z_k / sum_j e^z_j", "inf"]),
    "softmax_backprop_dZ": (lambda: ml.softmax_backprop_dZ(np.ones((3, 2)), np.ones((3, 4))),
                            ["softmax_backprop_dZ", "boxed equation 1 for softmax", "(3, 4)", "(3, 2)"]),
}


@pytest.mark.parametrize("name", sorted(EQUATION_CALLS))
def test_per_equation_functions_name_their_equation(name):
    assert_refused_naming(*EQUATION_CALLS[name])
