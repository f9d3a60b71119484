"""optim.py: sgd_update and the update rules (GradientDescent with L1 / L2, Momentum), each against a hand
computation or finite differences, and their messages."""

import numpy as np
import pytest
from helpers import ACTS, message, moons_run, same_params

import mlp_lessons as ml
from mlp_lessons.gradcheck import numerical_gradient, relative_error


def test_sgd_update_does_not_mutate_and_follows_the_rule():
    params = ml.init_params([2, 3, 1], seed=0)
    before = {k: v.copy() for k, v in params.items()}
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    new = ml.sgd_update(params, grads, lr=0.5)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
        np.testing.assert_allclose(new[k], before[k] - 0.5)
        assert new[k] is not params[k]


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), "0.1", None])
def test_learning_rate_must_be_positive(net, lr):
    params, X, Y = net
    grads = {"d" + k: np.zeros_like(v) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"learning rate alpha must be a positive number"):
        ml.sgd_update(params, grads, lr)
    if lr is not None:  # lr=None is train's default: GradientDescent(lr=0.1)
        with pytest.raises(ValueError, match=r"learning rate"):
            ml.train(params, X, Y, ACTS, lr=lr)


def test_plain_gradient_descent_is_sgd_update_bit_for_bit():
    plain = moons_run(optimizer=ml.GradientDescent(lr=0.3)).train(3)
    assert same_params(plain.params, moons_run().train(3).params)
    zero = moons_run(optimizer=ml.GradientDescent("L2", 0.0, lr=0.3)).train(3)
    assert same_params(zero.params, plain.params)


def test_gradient_descent_step_checks_its_gradients_like_sgd_update():
    params = ml.init_params([2, 3, 1])
    grads = {"d" + k: np.zeros_like(v) for k, v in params.items()}
    rule = ml.GradientDescent("L2", 0.1)
    with pytest.raises(ml.ShapeError, match="db1 must have the shape of b1, \\(3, 1\\).*looks unsummed"):
        rule.step(params, {**grads, "db1": np.ones((3, 8))})
    with pytest.raises(ValueError, match="lacks 'db1'"):
        rule.step(params, {k: v for k, v in grads.items() if k != "db1"})
    assert rule.step(params, grads, check=False)["W1"].shape == (3, 2)


@pytest.mark.parametrize("kind", ["L1", "L2"])
def test_regularisation_gradient_matches_finite_differences(kind):
    """d/dW of J + lambda R(W), numerically, against dJ/dW from backprop plus lambda dR/dW."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 7)), (rng.random((1, 7)) > 0.5).astype(float)
    params = ml.init_params([3, 4, 1], seed=1)
    activations = ["tanh", "sigmoid"]
    opt = ml.GradientDescent(kind, rate=0.3)

    def J_total():
        AL, caches = ml.forward(params, X, activations)
        return ml.loss_and_grads(params, caches, Y, activations, "binary_cross_entropy")[0] + opt.penalty(params)

    AL, caches = ml.forward(params, X, activations)
    _, grads = ml.loss_and_grads(params, caches, Y, activations, "binary_cross_entropy")
    extra = opt.penalty_grads(params)
    for name in params:
        analytic = grads["d" + name] + extra.get("d" + name, 0.0)
        assert relative_error(analytic, numerical_gradient(J_total, params[name], eps=1e-5)) < 1e-7, name
    assert set(extra) == {"dW1", "dW2"}  # biases are not regularised


def test_regularisation_terms_written_out():
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[5.0]])}
    assert ml.GradientDescent("L2", 0.1).penalty(params) == pytest.approx(0.1 * 0.5 * (1 + 4))
    assert ml.GradientDescent("L1", 0.1).penalty(params) == pytest.approx(0.1 * 3)
    grads = {"dW1": np.zeros((1, 2)), "db1": np.zeros((1, 1))}
    stepped = ml.GradientDescent("L2", 0.1, lr=0.5).step(params, grads)
    np.testing.assert_allclose(stepped["W1"], params["W1"] * (1 - 0.5 * 0.1))  # weight decay
    np.testing.assert_array_equal(stepped["b1"], params["b1"])
    stepped = ml.GradientDescent("L1", 0.1, lr=0.5).step(params, grads)
    np.testing.assert_allclose(stepped["W1"], [[1.0 - 0.05, -2.0 + 0.05]])


def test_regularisation_shrinks_the_weights():
    free = moons_run().train(30)
    l2 = moons_run(optimizer=ml.GradientDescent("L2", 0.1, lr=0.3)).train(30)
    l1 = moons_run(optimizer=ml.GradientDescent("L1", 0.03, lr=0.3)).train(30)
    size = lambda run: sum(np.sum(W * W) for k, W in run.params.items() if k.startswith("W"))  # noqa: E731
    assert size(l2) < size(free) / 2 and size(l1) < size(free) / 2
    assert l2.penalty() == pytest.approx(0.1 * 0.5 * size(l2))


@pytest.mark.parametrize("bad, words", [
    (dict(regularization="L3"), "regularization must be None, 'L1' or 'L2'"),
    (dict(regularization="L2", rate=-1), "rate lambda must be a number >= 0"),
    (dict(regularization="L2", rate=float("nan")), "rate lambda must be a number >= 0"),
])
def test_bad_regularisation_says_what_to_fix(bad, words):
    with pytest.raises(ValueError, match=words):
        ml.GradientDescent(**bad)


def test_regularisation_penalty_checks_its_arguments(net):
    params, _, _ = net
    rule = ml.GradientDescent("L2", 0.1)
    nan = {**params, "W1": params["W1"] * np.nan}
    for bad, error, words in [(None, TypeError, "params must be a dict with keys 'W1', 'b1'"),  # was AttributeError
                              (nan, ValueError, "W1 contains NaN or infinite values (12 of them"),  # was nan
                              ({"b1": params["b1"]}, ValueError, "params has no 'W1'")]:  # was 0.0
        for call in (lambda: rule.penalty(bad), lambda: rule.penalty_grads(bad)):
            with pytest.raises(error) as e:
                call()
            assert words in message(e), message(e)
    assert rule.penalty(params) == pytest.approx(0.05 * sum(float(np.sum(params[k] ** 2)) for k in ("W1", "W2")))


def test_momentum_by_hand():
    """Three steps on W (1 x 2) and b (1 x 1), lr = 0.5, beta = 0.9, the same gradients each time:
    dW = [1, -2], db = [4].  v starts at 0.
    step 1: v = 0.9 * 0 + dW          = [1, -2],       W = [10, 20] - 0.5 [1, -2]       = [9.5, 21]
            v_b = 4,                                    b = 0 - 0.5 * 4                  = -2
    step 2: v = 0.9 [1, -2] + [1, -2] = [1.9, -3.8],   W = [9.5, 21] - 0.5 [1.9, -3.8]  = [8.55, 22.9]
            v_b = 0.9 * 4 + 4 = 7.6,                    b = -2 - 3.8                     = -5.8
    step 3: v = 0.9 [1.9, -3.8] + [1, -2] = [2.71, -5.42], W = [8.55, 22.9] - [1.355, -2.71] = [7.195, 25.61]
            v_b = 0.9 * 7.6 + 4 = 10.84,                b = -5.8 - 5.42                  = -11.22
    """
    params = {"W1": np.array([[10.0, 20.0]]), "b1": np.array([[0.0]])}
    grads = {"dW1": np.array([[1.0, -2.0]]), "db1": np.array([[4.0]])}
    rule = ml.Momentum(lr=0.5, beta=0.9)
    expected = [([9.5, 21.0], -2.0), ([8.55, 22.9], -5.8), ([7.195, 25.61], -11.22)]
    for W, b in expected:
        params = rule.step(params, grads)
        np.testing.assert_allclose(params["W1"], [W], rtol=1e-14)
        np.testing.assert_allclose(params["b1"], [[b]], rtol=1e-14)
    np.testing.assert_allclose(rule.velocity["dW1"], [[2.71, -5.42]], rtol=1e-14)
    assert ml.Momentum(lr=0.5).lr == 0.5 and "beta=0.9" in repr(rule)


def test_momentum_trains_and_beta_0_is_gradient_descent_bit_for_bit():
    X, Y = ml.moons(m=60, noise=0.2, seed=1)
    start = ml.init_params([2, 6, 1], seed=2)

    def fit(optimizer):
        return ml.train(start, X, Y, ["tanh", "sigmoid"], loss="binary_cross_entropy", epochs=15, batch_size=16,
                        seed=3, optimizer=optimizer, progress=False)

    params, history = fit(ml.Momentum(lr=0.1, beta=0.9))
    assert history.loss[-1] < 0.6 * history.loss[0]
    plain, _ = fit(ml.GradientDescent(lr=0.1))
    assert history.loss[-1] < fit(ml.GradientDescent(lr=0.1))[1].loss[-1]  # momentum goes further in 15 epochs
    assert same_params(fit(ml.Momentum(lr=0.1, beta=0.0))[0], plain)
    assert same_params(fit(ml.Momentum(lr=0.1, beta=0.0, regularization="L2", rate=0.01))[0],
                       fit(ml.GradientDescent("L2", 0.01, lr=0.1))[0])
    run = ml.Run(start, X, Y, ["tanh", "sigmoid"], loss="binary_cross_entropy", optimizer=ml.Momentum(lr=0.1),
                 batch_size=16, seed=3)
    assert same_params(run.train(15).params, params) and run.lr == 0.1


def test_an_update_rule_owns_its_learning_rate():
    X, Y = ml.moons(m=20)
    params = ml.init_params([2, 3, 1])
    with pytest.raises(ValueError, match="give the learning rate once: the update rule owns it"):
        ml.train(params, X, Y, ["tanh", "sigmoid"], lr=0.5, optimizer=ml.Momentum(lr=0.1))
    with pytest.raises(TypeError, match="optimizer must be an update rule with a learning rate .lr"):
        ml.Run(params, X, Y, ["tanh", "sigmoid"], optimizer="momentum")
    with pytest.raises(ValueError, match=r"The learning rate is a keyword: GradientDescent\(lr=0.1\)"):
        ml.GradientDescent(0.1)
    with pytest.raises(ValueError, match="beta must be a finite number between 0 and 1"):
        ml.Momentum(beta=1.5)
