"""Lesson 6's measurements (figures/backward_signal.py) assert values, against the package's own backward."""

from __future__ import annotations

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons import figures as fg
from mlp_lessons.figures.slider_frames import MIME_TYPE


def test_dZ_norms_are_the_norms_of_backwards_own_gradients():
    """||dJ/dZ[l]|| from one-example passes equals ||dJ/db[l]|| for m = 1 and sums to the batch's db."""
    params, X, Y, activations = fg.signal_network(4, "tanh", 1.0, width=6, m=5)
    AL, caches = ml.forward(params, X, activations)
    J, dAL = ml.half_squared_error(AL, Y)
    norms = fg.dZ_norms(params, caches, dAL, activations)
    # by hand: dZ[l] from the boxed equations 1 and 4 (the lesson's identity, used here as the reference)
    dA, expected = dAL, []
    for l in range(len(caches), 0, -1):
        A_prev, W, Z = caches[l - 1]
        phi_prime = ml.get_activation(activations[l - 1]).phi_prime
        dZ = ml.backprop_dZ(dA, Z, phi_prime)
        expected.append(np.linalg.norm(dZ))
        dA = ml.backprop_dA_prev(W, dZ)
    np.testing.assert_allclose(norms, expected[::-1], rtol=1e-12)
    # one example: the norm is ||db[l]|| of ml.backward itself
    one = [ml.LayerCache(c.A_prev[:, [0]], c.W, c.Z[:, [0]]) for c in caches]
    grads = ml.backward(params, one, dAL[:, [0]], activations)
    single = fg.dZ_norms(params, one, dAL[:, [0]], activations)
    np.testing.assert_allclose(single, [np.linalg.norm(grads[f"db{l}"]) for l in range(1, 6)], rtol=1e-12)


def test_dW_norms_are_backwards():
    s = fg.backward_signal(6, "relu", 1.0)
    params, X, Y, activations = fg.signal_network(6, "relu", 1.0)
    AL, caches = ml.forward(params, X, activations)
    grads = ml.backward(params, caches, ml.half_squared_error(AL, Y)[1], activations)
    np.testing.assert_allclose(s.dW, [np.linalg.norm(grads[f"dW{l}"]) for l in range(1, 8)], rtol=1e-12)
    assert s.dZ.shape == s.dW.shape == (7,) and s.factors.shape == (6,)


@pytest.mark.parametrize("activation", fg.SIGNAL_ACTIVATIONS)
@pytest.mark.parametrize("scale", fg.SIGNAL_SCALES)
def test_factor_product_matches_the_measured_ratio_within_a_factor_of_2(activation, scale):
    """The lesson's claim: over 20 steps back, the predicted factors multiplied out are within 2x of the ratio."""
    s = fg.backward_signal(fg.SIGNAL_DEPTH, activation, scale)
    assert 0.5 < s.ratio / s.predicted < 2.0
    # and the step-by-step telescoping is exact
    assert np.prod(s.steps) == pytest.approx(s.ratio, rel=1e-9)


def test_factor_sizes_match_the_theory():
    """He's W^T gains sqrt(2), ReLU's phi' keeps sqrt(1/2); Xavier's gains 1 and sigma' is at most 1/4."""
    relu = fg.backward_signal(fg.SIGNAL_DEPTH, "relu", 1.0)
    assert np.median(relu.W_gain[:-1]) == pytest.approx(np.sqrt(2), rel=0.05)
    assert np.median(relu.phi_size) == pytest.approx(np.sqrt(0.5), rel=0.1)
    sig = fg.backward_signal(fg.SIGNAL_DEPTH, "sigmoid", 1.0)
    assert np.all(sig.phi_size <= 0.25)
    assert np.median(sig.W_gain[:-1]) == pytest.approx(1.0, rel=0.05)
    assert np.all(sig.steps < 0.35)
    half = fg.backward_signal(fg.SIGNAL_DEPTH, "relu", 0.5)
    np.testing.assert_allclose(half.W_gain, relu.W_gain / 2, rtol=1e-12)


def test_slowdown_runs_accept_integer_starts():
    """fg.slowdown_runs(w=5, b=5), as the teacher note's question 3 asks, trains float parameters."""
    runs = fg.slowdown_runs(w=5, b=5, steps=3)
    a = ml.sigmoid(np.array([[10.0]]))[0, 0]
    assert runs["half_squared_error"]["dZ"][0] == pytest.approx(a * a * (1 - a), rel=1e-12)
    assert runs["half_squared_error"]["a"][2] < runs["half_squared_error"]["a"][0]


def test_lesson4_signal_is_lesson_4s_network():
    s = fg.lesson4_signal("sigmoid", "xavier", 1.0)
    np.testing.assert_allclose(s.dW, fg.gradient_spread(1.0, activation="sigmoid", init="xavier"), rtol=1e-12)


def test_ratio_over_seeds_is_near_1_for_a_wide_net():
    """At width 50 the factors overestimate by a typical 0.6-0.8 (finite width); across seeds the ratio spreads."""
    narrow = fg.ratio_over_seeds("relu", 1.0, seeds=range(4))
    assert narrow.shape == (4,) and 0.4 < np.median(narrow) < 1.0
    wide = fg.ratio_over_seeds("relu", 1.0, seeds=range(2), width=400, m=10)
    assert np.all(np.abs(np.log(wide)) < np.log(1.3))


def test_layer_ticks_start_at_the_output():
    assert fg.layer_ticks(20)[-1] == 21 and fg.layer_ticks(20)[0] == 1
    assert fg.layer_ticks(1) == [1, 2]


def test_slowdown_gradients():
    runs = fg.slowdown_runs(steps=5)
    a = ml.sigmoid(np.array([[4.0]]))[0, 0]
    assert runs["half_squared_error"]["dZ"][0] == pytest.approx(a * a * (1 - a), rel=1e-12)
    assert runs["binary_cross_entropy"]["dZ"][0] == pytest.approx(a, rel=1e-12)
    assert runs["half_squared_error"]["J"][0] == pytest.approx(0.5 * a * a, rel=1e-12)
    assert len(runs["binary_cross_entropy"]["a"]) == 5


def test_dead_share_of_a_hand_made_net():
    """Three hidden ReLUs: one alive, one dead on every example, one dead on some only (not counted)."""
    params = {"W1": np.array([[1.0], [-1.0], [1.0]]), "b1": np.array([[0.0], [-5.0], [-1.5]]),
              "W2": np.ones((1, 3)), "b2": np.zeros((1, 1))}
    X = np.array([[1.0, 2.0, 3.0]])
    assert fg.silent_share(params, X, ["relu", "sigmoid"]) == pytest.approx(1 / 3)
    before = fg.silent_units(params, X, ["relu", "sigmoid"])
    assert before.tolist() == [False, True, False]
    after = {k: v.copy() for k, v in params.items()}
    after["W1"][1, 0], after["b1"][1, 0] = 1.0, -1.5  # the silent unit comes back on x = 2 and 3
    assert fg.revived_share(before, fg.silent_units(after, X, ["relu", "sigmoid"])) == (1, 1)


def test_dead_units_run_records_every_epoch():
    X, Y = ml.circles(m=40, noise=0.1, seed=0)
    run = fg.dead_units_run(X, Y, "leaky_relu", 0.1, seed=0, sizes=(2, 8, 1), epochs=3)
    assert run["silent"].shape == (4,)
    revived, silent_then = run["revived"]
    assert 0 <= revived <= silent_then <= 8


def test_widget_redraws_for_each_control():
    fig = fg.backward_signal_widget(depth=3, activation="relu", scale=1.0)
    assert "relu, 1x He, 3 hidden layers" in fig.text
    fig.slider.value = 1
    assert "1 hidden layer:" in fig.text and "the 1 factor multiplied" in fig.text
    fig.activation.value = "sigmoid"
    fig.scale.value = 2.0
    fig.slider.value = 2
    assert fig.text.startswith("sigmoid, 2x Xavier, 2 hidden layers")
    bundle = fig._repr_mimebundle_()
    frames = bundle[MIME_TYPE]
    assert len(frames["frames"]) == 9  # the static site: every activation and scale at the deepest net
    assert frames["description"] == "setting" and frames["frames"][0]["text"].startswith("sigmoid, 0.5x Xavier, 20")
