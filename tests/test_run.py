"""The training Run, the update rules (optim) and the input features: the layer the playground drives."""

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.gradcheck import numerical_gradient, relative_error


def moons_run(**kw):
    X, Y = ml.moons(m=50, noise=0.2, seed=1)
    settings = dict(loss="binary_cross_entropy", batch_size=16, seed=3, **({} if "optimizer" in kw else {"lr": 0.3}))
    settings.update(kw)
    return ml.Run(ml.init_params([2, 5, 1], seed=2), X, Y, ["tanh", "sigmoid"], **settings)


def same_params(a, b):
    return set(a) == set(b) and all(a[k].tobytes() == b[k].tobytes() for k in a)


def test_train_is_a_run_trained_epoch_by_epoch():
    run = moons_run().train(6)
    X, Y = ml.moons(m=50, noise=0.2, seed=1)
    params, history = ml.train(ml.init_params([2, 5, 1], seed=2), X, Y, ["tanh", "sigmoid"],
                               loss="binary_cross_entropy", lr=0.3, epochs=6, batch_size=16, seed=3)
    assert same_params(run.params, params)
    assert run.history.loss == history.loss and (run.history.epochs, run.history.steps) == (6, 24)


def test_one_step_at_a_time_is_the_same_run():
    whole = moons_run().train(3)
    steps = moons_run()
    for _ in range(12):  # ceil(50 / 16) = 4 mini-batches per epoch
        assert steps.step()
    assert same_params(whole.params, steps.params) and whole.history.loss == steps.history.loss
    half = moons_run()
    half.step()
    half.step()
    assert (half.history.epochs, half.history.steps) == (0, 2)
    half.epoch()  # finishes the epoch under way
    assert (half.history.epochs, half.history.steps) == (1, 4)
    assert same_params(half.params, moons_run().epoch().params)


def test_test_data_gives_both_losses_measured_the_same_way():
    X, Y = ml.moons(m=80, noise=0.2, seed=5)
    run = moons_run(X_test=X, Y_test=Y).train(4)
    h = run.history
    assert len(h.end_loss) == len(h.test_loss) == len(h.loss) == 4
    assert h.end_loss[-1] == run.loss_on(run.X, run.Y)
    assert h.test_loss[-1] == run.loss_on(X, Y)
    AL = ml.predict(run.params, run.X, run.activations)
    expected = -np.mean(run.Y * np.log(AL) + (1 - run.Y) * np.log(1 - AL))
    assert abs(h.end_loss[-1] - expected) < 1e-12


def test_a_nan_test_loss_is_a_divergence_at_once():
    X_test = np.array([[1e300, 0.0], [1e300, 0.0]])
    X, Y = ml.moons(m=50, noise=0.2, seed=1)
    run = ml.Run(ml.init_params([2, 5, 1], seed=2), X, Y, ["relu", "identity"], lr=0.01, batch_size=16,
                 X_test=X_test, Y_test=np.array([[1.0, 0.0]]))
    run.train(5)
    assert run.diverged and run.history.epochs == 1
    assert run.history.message.startswith("Training stopped: the test loss became")
    assert not run.step() and run.history.steps == 4  # a diverged run does not move


def test_a_diverged_run_keeps_the_last_good_parameters():
    X, Y = ml.moons(m=50, noise=0.2, seed=1)
    run = ml.Run(ml.init_params([2, 32, 32, 1], seed=0), X, Y, ["relu", "relu", "identity"], lr=10.0, batch_size=None)
    run.train(50)
    assert run.diverged and run.history.epochs < 50
    assert all(np.all(np.isfinite(W)) and np.max(np.abs(W)) <= 1e8 for W in run.params.values())
    assert "lr = 10 is probably too large" in run.history.message


def test_identity_output_with_cross_entropy_blames_the_pairing():
    X, Y = ml.moons(m=60, noise=0.2, seed=1)
    run = ml.Run(ml.init_params([2, 5, 4, 1], seed=2), X, Y, ["relu", "relu", "identity"],
                 loss="binary_cross_entropy", lr=0.1, batch_size=16, seed=3).train(7)
    assert run.diverged
    assert "pairing of output and loss" in run.history.message and "lr = 0.01" not in run.history.message


@pytest.mark.parametrize("lr, min_lr, expected", [
    (10.0, 1e-4, "e.g. lr = 1)"),
    (5e-4, 1e-4, "e.g. lr = 0.0001)"),
    (1e-4, 1e-4, "already the smallest offered"),
])
def test_suggested_learning_rate_never_below_the_smallest_offered(lr, min_lr, expected):
    """Run knows no slider: its caller passes advice(lr), e.g. smaller_lr with the slider's minimum."""
    advice = lambda lr: ml.smaller_lr(lr, least=min_lr)  # noqa: E731
    assert expected in ml.training.lr_advice(lr, "sigmoid", "binary_cross_entropy", advice=advice)
    X, Y = ml.moons(m=20)
    run = ml.Run(ml.init_params([2, 3, 1]), X, Y, ["tanh", "sigmoid"], lr=lr, advice=advice)
    assert expected in run.advice
    assert "e.g. lr = 1e-05)" in ml.Run(ml.init_params([2, 3, 1]), X, Y, ["tanh", "sigmoid"], lr=1e-4).advice


def test_bad_run_inputs_say_what_to_fix():
    X, Y = ml.moons(m=20)
    params = ml.init_params([2, 3, 1])
    for bad, words in [
        (dict(batch_size=0), "batch_size must be a positive integer"),
        (dict(batch_size=True), "batch_size must be a positive integer"),
        (dict(seed=-1), "seed must be a non-negative integer"),
        (dict(lr=0), "learning rate alpha must be a positive number"),
    ]:
        with pytest.raises(ValueError, match=words):
            ml.Run(params, X, Y, ["tanh", "sigmoid"], **bad)
    with pytest.raises(ValueError, match="epochs must be a non-negative integer"):
        ml.Run(params, X, Y, ["tanh", "sigmoid"]).train(-1)


# ---- update rules -----------------------------------------------------------------------------


def test_plain_gradient_descent_is_sgd_update_bit_for_bit():
    plain = moons_run(optimizer=ml.GradientDescent(lr=0.3)).train(3)
    assert same_params(plain.params, moons_run().train(3).params)
    zero = moons_run(optimizer=ml.GradientDescent("L2", 0.0, lr=0.3)).train(3)
    assert same_params(zero.params, plain.params)


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


# ---- input features ---------------------------------------------------------------------------


def test_feature_toggles_against_hand_built_inputs():
    X = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -0.5]])
    x1, x2 = X
    every = ml.input_features(X, list(ml.FEATURES))
    hand = np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_array_equal(every, hand)
    np.testing.assert_array_equal(ml.input_features(X, ["x2", "x1"]), X)  # always in FEATURES order
    np.testing.assert_array_equal(ml.input_features(X, ["x1^2", "x2^2"]), np.stack([x1 ** 2, x2 ** 2]))
    one = np.array([[0.0, np.pi / 2]])
    np.testing.assert_allclose(ml.input_features(one, ["x1", "sin x1", "x1^2"]), [[0, np.pi / 2], [0, np.pi ** 2 / 4], [0, 1]])


@pytest.mark.parametrize("names, n_raw, words", [
    (["x3"], 2, "Unknown feature 'x3'"),
    (["x2"], 1, "needs an input x2, but this data set has only x1"),
    ([], 2, "at least one input"),
    (["x1", "x1"], 2, "lists a name twice"),
    ("x1", 2, "must be a list of names"),
])
def test_bad_features_say_what_to_fix(names, n_raw, words):
    with pytest.raises((ValueError, TypeError), match=words):
        ml.data.features.check_features(names, n_raw)


def test_circles_are_linear_in_the_squared_features():
    """A network with no hidden layer separates the circles given x1^2 and x2^2, not given x1 and x2."""
    X, Y = ml.circles(m=200, noise=0.05, seed=0)
    for names, least in ((["x1", "x2"], 0.0), (["x1^2", "x2^2"], 0.97)):
        A0 = ml.input_features(X, names)
        params, _ = ml.train(ml.init_params([2, 1], seed=0), A0, Y, ["sigmoid"], loss="binary_cross_entropy",
                             lr=1.0, epochs=200, batch_size=20)
        acc = ml.accuracy(ml.predict(params, A0, ["sigmoid"]), Y)
        assert acc >= least and (least or acc < 0.7)


# ---- momentum: an update rule that carries a velocity from step to step ----------------------------


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
