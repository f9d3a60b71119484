"""Softmax and cross-entropy: stable values, the Jacobian-vector product, and dZ[L] = (A - Y) / m."""

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.gradcheck import numerical_gradient, relative_error

TOL = 1e-7


def one_hot_columns(labels, n):
    Y = np.zeros((n, len(labels)))
    Y[labels, np.arange(len(labels))] = 1
    return Y


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


@pytest.mark.parametrize("m", [1, 7])
def test_cross_entropy_value_and_gradient(m):
    rng = np.random.default_rng(3)
    AL = rng.uniform(0.2, 0.9, (5, m))
    Y = one_hot_columns(rng.integers(0, 5, m), 5)
    J, dAL = ml.softmax_cross_entropy(AL, Y)
    assert J == pytest.approx(-np.mean(np.log(AL[Y == 1])))
    numeric = numerical_gradient(lambda: ml.softmax_cross_entropy(AL, Y)[0], AL)
    assert relative_error(dAL, numeric) < TOL


def test_cross_entropy_is_finite_when_the_right_class_gets_zero():
    AL = np.array([[1.0, 0.0], [0.0, 1.0]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    with np.errstate(divide="raise", invalid="raise"):
        J, dAL = ml.softmax_cross_entropy(AL, Y)
    assert np.isfinite(J) and np.all(np.isfinite(dAL))


@pytest.mark.parametrize("m", [1, 9])
def test_combined_gradient_is_A_minus_Y_over_m(m):
    """The lesson's claim: softmax's Jacobian times -Y/(A m) collapses to (A - Y) / m."""
    rng = np.random.default_rng(4)
    ZL = 3 * rng.standard_normal((10, m))
    Y = one_hot_columns(rng.integers(0, 10, m), 10)
    AL = ml.softmax(ZL)
    _, dAL = ml.softmax_cross_entropy(AL, Y)
    dZL = ml.softmax_backprop_dZ(dAL, ZL)
    np.testing.assert_allclose(dZL, (AL - Y) / m, rtol=1e-10, atol=1e-15)


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


# relu gets a small eps: one of its pre-activations lies 0.0016 from the kink at 0.
@pytest.mark.parametrize("hidden, eps", [("tanh", 1e-3), ("sigmoid", 1e-3), ("relu", 1e-6)])
def test_network_with_softmax_output_passes_grad_check(hidden, eps):
    rng = np.random.default_rng(6)
    params = ml.init_params([4, 6, 5, 3], seed=7)
    X = rng.standard_normal((4, 8))
    Y = one_hot_columns(rng.integers(0, 3, 8), 3)
    errors = ml.grad_check(params, X, Y, [hidden, hidden, "softmax"], loss="softmax_cross_entropy", eps=eps)
    assert max(errors.values()) < TOL, errors


def test_train_learns_three_classes_with_softmax():
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 3, 150)
    centres = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    X = centres[:, labels] + 0.5 * rng.standard_normal((2, 150))
    Y = one_hot_columns(labels, 3)
    params = ml.init_params([2, 8, 3], seed=0)
    params, history = ml.train(params, X, Y, ["relu", "softmax"], loss="softmax_cross_entropy",
                               lr=0.5, epochs=50, batch_size=16)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert ml.accuracy(ml.predict(params, X, ["relu", "softmax"]), Y) > 0.97
