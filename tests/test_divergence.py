"""Training stops when it blows up, and names the learning rate only when it is the cause."""

import numpy as np
import pytest

import mlp_lessons as ml


@pytest.fixture
def moons():
    return ml.load_dataset("moons", m=200, seed=0)


def test_finite_but_exploding_loss_stops_with_the_learning_rate_named(moons):
    X, Y = moons  # tanh hidden units saturate, so the loss stays finite while every step overshoots
    params, history = ml.train(ml.init_params([2, 8, 1]), X, Y, ["tanh", "sigmoid"],
                               loss="binary_cross_entropy", lr=1e6, epochs=50, batch_size=16)
    assert history.diverged
    assert "the loss has grown from 0.751 before training" in history.message
    assert "lr = 1e+06 is probably too large" in history.message
    assert all(np.all(np.isfinite(v)) for v in params.values())


def test_parameters_past_any_sensible_size_stop_training(moons):
    X, Y = moons
    _, history = ml.train(ml.init_params([2, 1]), X * 1e3, Y, ["identity"], lr=10.0, epochs=50, progress=False)
    assert history.diverged and "has grown to" in history.message and "lr = 10 is probably too large" in history.message


def test_a_loss_that_is_already_infinite_blames_the_data_not_the_learning_rate(moons):
    X, Y = moons
    _, history = ml.train(ml.init_params([2, 1]), X * 1e200, Y, ["identity"], epochs=3)
    assert history.diverged and history.steps == 0
    assert "before any update, so the learning rate is not the cause" in history.message
    assert "|x| = 2.2e+200" in history.message


def test_nan_parameters_are_refused_before_training(moons):
    X, Y = moons
    params = ml.init_params([2, 3, 1])
    params["W2"][0, 1] = np.nan
    with pytest.raises(ValueError, match="W2 contains NaN or infinite values"):
        ml.train(params, X, Y, ["tanh", "sigmoid"], loss="binary_cross_entropy")


def test_a_good_learning_rate_never_trips_the_checks(moons):
    X, Y = moons
    for lr in (0.01, 0.3, 3.0):
        _, history = ml.train(ml.init_params([2, 8, 1]), X, Y, ["tanh", "sigmoid"],
                              loss="binary_cross_entropy", lr=lr, epochs=50, batch_size=16)
        assert not history.diverged, (lr, history.message)
