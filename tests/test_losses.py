"""losses.py: each loss's J and dJ/dA[L] against finite differences, the fused output layers from the logits
(sigmoid and softmax with cross-entropy, dZ[L] = (A - Y) / m), exact in the tails, a loss of one's own, and
the messages for labels or outputs outside a loss's domain."""

import numpy as np
import pytest
from helpers import ACTS, backprop, message, one_hot_columns

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError
from mlp_lessons.gradcheck import numerical_gradient, relative_error

TOL = 1e-7
rng = np.random.default_rng(1234)


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


@pytest.mark.parametrize("z", [18.0, 30.0, 36.5, 40.0, 100.0, 700.0])
def test_sigmoid_cross_entropy_is_within_rounding_of_the_exact_values_in_the_tails(z):
    e = np.exp(-z)  # the true J = log(1 + e^-z) and dJ/dz = sigma(z) - 1 = -e^-z / (1 + e^-z)
    for Z, Y in [(z, 1.0), (-z, 0.0)]:
        J, dZ = ml.sigmoid_binary_cross_entropy(np.array([[Z]]), np.array([[Y]]))
        assert J == pytest.approx(np.log1p(e), rel=1e-14, abs=1.2e-16 * z if Y else 0)
        assert dZ[0, 0] == pytest.approx((-1 if Y else 1) * e / (1 + e), rel=1e-14, abs=1.2e-16 if Y else 0)


def test_softmax_cross_entropy_keeps_the_small_numbers_of_a_right_confident_example():
    Z = np.array([[40.0, 3.0, 0.0, 700.0], [0.0, 3.0, 0.0, 0.0], [-1.0, 1.0, 0.0, -700.0]])
    Y = ml.one_hot([0, 0, 2, 0], 3)
    J, dZ = ml.softmax_cross_entropy_from_logits(Z, Y)
    rest0 = np.exp(-40.0) + np.exp(-41.0)  # column 0: sum of e^(z_j - z_top) over the others
    assert dZ[0, 0] == pytest.approx(-rest0 / (1 + rest0) / 4, rel=1e-14, abs=0)
    assert dZ[0, 3] == pytest.approx(-np.exp(-700.0) / 4, rel=1e-14, abs=0)
    # ties: columns 1 (two top logits) and 2 (all equal) as the plain formula gives them
    A = ml.softmax(Z)
    np.testing.assert_allclose(dZ[:, 1:3], (A - Y)[:, 1:3] / 4, rtol=1e-14)
    terms = [np.log1p(rest0), -np.log(A[0, 1]), -np.log(A[2, 2]), np.exp(-700.0)]
    assert J == pytest.approx(sum(terms) / 4, rel=1e-14)


def test_a_loss_of_ones_own_may_return_j_as_a_one_entry_array():
    params = ml.init_params([2, 3, 1])
    X, Y = ml.moons(m=8, seed=0)
    _, caches = ml.forward(params, X, ["tanh", "sigmoid"])

    def squeezed(AL, Y):
        return np.squeeze(np.sum((AL - Y) ** 2, keepdims=True) / 2), AL - Y

    J, _ = ml.loss_and_grads(params, caches, Y, ["tanh", "sigmoid"], squeezed)
    assert isinstance(J, float) and J > 0
    with pytest.raises(ValueError, match="must return a finite number J first, got bool"):
        ml.loss_and_grads(params, caches, Y, ["tanh", "sigmoid"], lambda AL, Y: (True, AL - Y))


def test_j_of_a_perfect_fit_is_never_minus_zero():
    perfect = np.array([[0.0], [1.0]])
    for J in (ml.softmax_cross_entropy(perfect, perfect)[0], ml.binary_cross_entropy(perfect, perfect)[0],
              ml.softmax_cross_entropy_from_logits(np.array([[-800.0], [0.0]]), perfect)[0]):
        assert f"{J:.6f}" == "0.000000"


def test_unknown_loss(net):
    params, X, Y = net
    with pytest.raises(ValueError, match=r"Unknown loss 'mse'.*binary_cross_entropy.*half_squared_error"):
        ml.train(params, X, Y, ACTS, loss="mse")


def test_targets_must_match_the_output(net):
    params, X, _ = net
    AL = ml.predict(params, X, ACTS)
    with pytest.raises(ShapeError, match=r"shape of a\[L\], \(n\[L\], m\) = \(1, 5\).*\(5, 1\).*stacked as rows.*Y.T"):
        ml.half_squared_error(AL, np.ones((5, 1)))
    with pytest.raises(ShapeError, match=r"\(1, 5\).*\(1, 4\)"):
        ml.binary_cross_entropy(AL, np.ones((1, 4)))
    with pytest.raises(ShapeError, match=r"\(1, 5\).*\(2, 5\)"):
        ml.train(params, X, np.ones((2, 5)), ACTS)


@pytest.mark.parametrize("labels, fix", [((1, 2), "Y = Y - 1"), ((-1, 1), "Y = (Y + 1) / 2"),
                                         ((0, 3), "softmax_cross_entropy")])
def test_binary_cross_entropy_refuses_labels_outside_0_1(net, labels, fix):
    params, X, _ = net
    Y = np.array([[labels[0], labels[1], labels[1], labels[0], labels[1]]], dtype=float)
    AL, caches = ml.forward(params, X, ACTS)
    calls = [
        lambda: ml.binary_cross_entropy(AL, Y),
        lambda: ml.sigmoid_binary_cross_entropy(caches[-1].Z, Y),
        lambda: ml.loss_and_grads(params, caches, Y, ACTS, "binary_cross_entropy"),
        lambda: ml.train(params, X, Y, ACTS, loss="binary_cross_entropy", epochs=1),  # trained to J < 0 before
    ]
    for call in calls:
        with pytest.raises(ValueError) as e:
            call()
        assert "labels y in [0, 1]" in message(e) and fix in message(e)
        assert f"from {min(labels):g} to {max(labels):g}" in message(e)


def test_softmax_cross_entropy_refuses_one_output_and_non_distributions(net):
    with pytest.raises(ShapeError) as e:  # the loss was 0 whatever the network did
        ml.softmax_cross_entropy(np.ones((1, 4)), np.ones((1, 4)))
    assert "n[L] >= 2 outputs" in message(e) and "always 1" in message(e) and "sigmoid output" in message(e)
    with pytest.raises(ValueError, match=r"softmax over n\[L\] = 1 unit"):
        ml.train(ml.init_params([3, 1]), net[1], net[2], ["softmax"], loss="softmax_cross_entropy", epochs=1)
    with pytest.raises(ValueError) as e:
        ml.softmax_cross_entropy_from_logits(np.zeros((3, 2)), np.array([[1.0, 0], [1, 0], [0, 0]]))
    assert "probability distribution" in message(e) and "column 0" in message(e) and "sum to 2" in message(e)
    assert "one_hot(labels, 3)" in message(e)


def test_cross_entropy_needs_an_output_in_0_1(net):
    # The checked calls refuse the pairing; train() and the playground let it run (to show what
    # it does) and their divergence message names the pairing.
    params, X, Y = net
    with pytest.raises(ValueError) as e:
        ml.train_step(params, X, Y, ["relu", "tanh"], "binary_cross_entropy", 0.1)
    assert "'tanh'" in message(e) and "(0, 1)" in message(e) and "'sigmoid'" in message(e)
    with pytest.raises(ValueError, match=r"AL holds -0.5.*Is the output layer's activation sigmoid"):
        ml.binary_cross_entropy(np.array([[-0.5, 0.5]]), np.array([[0.0, 1.0]]))
