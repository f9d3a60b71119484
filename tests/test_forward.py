"""forward.py: z = W a + b layer by layer, examples as columns, and the messages for inputs, weights, biases
and activation lists of the wrong shape (rows for columns, transposed or swapped weights, flat biases)."""

import numpy as np
import pytest
from helpers import ACTS, assert_refused_naming, message, random_layer

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError

rng = np.random.default_rng(1234)


def test_linear_forward_is_z_equals_W_a_plus_b():
    W, b, a = random_layer(2, 3, 1, rng)
    z = ml.linear_forward(W, a, b)
    for i in range(2):
        assert z[i, 0] == pytest.approx(sum(W[i, j] * a[j, 0] for j in range(3)) + b[i, 0])


def test_forward_shapes_and_caches():
    params = ml.init_params([3, 5, 4, 2])
    X = np.random.default_rng(0).standard_normal((3, 7))
    AL, caches = ml.forward(params, X, ["relu", "tanh", "sigmoid"])
    assert AL.shape == (2, 7) and len(caches) == 3
    assert [c.Z.shape for c in caches] == [(5, 7), (4, 7), (2, 7)]
    assert caches[0].A_prev is X


def test_batched_forward_is_the_column_by_column_forward():
    rng = np.random.default_rng(8)
    params = ml.init_params([3, 6, 2], seed=8)
    X = rng.standard_normal((3, 10))
    AL = ml.predict(params, X, ["relu", "sigmoid"])
    for i in range(10):
        np.testing.assert_allclose(AL[:, [i]], ml.predict(params, X[:, [i]], ["relu", "sigmoid"]), rtol=1e-12)


def test_examples_stacked_as_rows(net):
    params, X, _ = net
    with pytest.raises(ShapeError) as e:
        ml.forward(params, X.T, ACTS)
    msg = str(e.value)
    assert "Layer 1" in msg and "z[1] = W[1] a[0] + b[1]" in msg
    assert "(5, 3)" in msg and "n[0] = 3" in msg
    assert "stacked as rows" in msg and "X.T" in msg and "(3, 5)" in msg


def test_wrong_number_of_input_features(net):
    params, _, _ = net
    with pytest.raises(ShapeError, match=r"needs n\[0\] = 3 rows.*has shape \(2, 5\)"):
        ml.forward(params, np.ones((2, 5)), ACTS)


def test_one_dimensional_input(net):
    params, _, _ = net
    with pytest.raises(ShapeError, match=r"2-D array.*reshape\(-1, 1\) for one example"):
        ml.forward(params, np.ones(3), ACTS)


def test_linear_forward_mismatch_names_layer_and_equation():
    with pytest.raises(ShapeError) as e:
        ml.linear_forward(np.ones((4, 3)), np.ones((5, 3)), np.zeros((4, 1)), l=2)
    msg = str(e.value)
    assert "Layer 2" in msg and "z[2] = W[2] a[1] + b[2]" in msg
    assert "(4, 3)" in msg and "(5, 3)" in msg and "3 rows" in msg and "rows instead of columns" in msg


def test_inconsistent_weight_shapes():
    params = ml.init_params([3, 4, 2], seed=0)
    params["W2"] = np.ones((2, 5))
    with pytest.raises(ShapeError, match=r"Layer 2.*W\[2\] must have 4 columns.*\(2, 5\)"):
        ml.forward(params, np.ones((3, 2)), ACTS)


def test_bias_as_flat_vector():
    params = ml.init_params([3, 4, 2], seed=0)
    params["b1"] = np.zeros(4)
    with pytest.raises(ShapeError, match=r"b\[1\] must be a column of shape \(n\[1\], 1\) = \(4, 1\).*reshape\(-1, 1\)"):
        ml.forward(params, np.ones((3, 2)), ACTS)


def test_activations_list_of_wrong_length(net):
    params, X, _ = net
    with pytest.raises(ValueError, match=r"L = 2 layers.*needs 2 names.*has 3"):
        ml.forward(params, X, ["relu", "relu", "sigmoid"])
    with pytest.raises(TypeError, match=r"list of 2 names"):
        ml.forward(params, X, "relu")


def test_params_dict_problems():
    with pytest.raises(ValueError, match="no 'W1'"):
        ml.forward({}, np.ones((2, 1)), [])
    with pytest.raises(TypeError, match="params must be a dict"):
        ml.forward([np.ones((1, 2))], np.ones((2, 1)), ["relu"])


def test_non_numeric_input(net):
    params, _, _ = net
    with pytest.raises(TypeError, match="X must hold numbers"):
        ml.forward(params, np.array([["a"] * 5] * 3), ACTS)
    with pytest.raises(TypeError, match="X must be a numpy array"):
        ml.forward(params, "x", ACTS)


def test_messages_blame_the_right_array(net):
    params, X, _ = net
    transposed = {**params, "W1": params["W1"].T}
    with pytest.raises(ShapeError) as e:  # was "b[1] must be a column of shape (3, 1)"
        ml.forward(transposed, X, ACTS)
    assert "W[1] has shape (3, 4)" in message(e) and "looks transposed" in message(e) and "W.T" in message(e)
    with pytest.raises(ShapeError) as e:  # was "Are the examples stacked as rows instead of columns?"
        ml.linear_forward(params["W1"], X, np.zeros((5, 1)))
    assert "b must be a column of shape (n[l], 1) = (4, 1)" in message(e) and "(5, 1)" in message(e)
    assert "rows instead of columns" not in message(e)
    wide = {**params, "W1": np.ones((5, 3))}  # W1 has a row too many; b1 and W2 agree on n[1] = 4
    with pytest.raises(ShapeError, match=r"W\[1\] has 5 rows, but b\[1\] and W\[2\]'s columns say n\[1\] = 4"):
        ml.forward(wide, X, ACTS)


def test_swapped_weights_are_named_as_swapped(net):
    _, X, Y = net
    p = ml.init_params([3, 4, 2], seed=0)
    swapped = {**p, "W1": p["W2"], "W2": p["W1"]}  # W1 (2, 4), W2 (4, 3)
    for call in (lambda: ml.forward(swapped, X, ACTS), lambda: ml.train(swapped, X, np.vstack([Y, Y]), ACTS, epochs=1)):
        with pytest.raises(ShapeError) as e:  # was "W[1] ... looks transposed ... pass W.T", blaming W1 alone
            call()
        assert "W[1] and W[2] look swapped: W1 is (2, 4) and W2 is (4, 3)" in message(e)
        assert "n = [3, 4, 2]: W[1] must be (4, 3) and W[2] must be (2, 4)" in message(e)
        assert "params['W1'], params['W2'] = params['W2'], params['W1']" in message(e)
    layers = {"W1": p["W2"], "b1": p["b2"], "W2": p["W1"], "b2": p["b1"]}
    with pytest.raises(ShapeError, match=r"layers 1 and 2 \(W and b\) look swapped"):
        ml.forward(layers, X, ACTS)


EQUATION_CALLS = {
    "linear_forward": (lambda: ml.linear_forward(np.ones((4, 3)), np.ones((2, 5)), np.zeros((4, 1))),
                       ["z[l] = W[l] a[l-1] + b[l]", "(4, 3)", "(2, 5)", "3 rows"]),
    "layer_forward": (lambda: ml.layer_forward(np.ones((4, 3)), np.ones((3, 5)), np.zeros((4, 2)), "relu", l=2),
                      ["Layer 2, z[2] = W[2] a[1] + b[2]", "(4, 2)", "(4, 1)"]),
}


@pytest.mark.parametrize("name", sorted(EQUATION_CALLS))
def test_per_equation_functions_name_their_equation(name):
    assert_refused_naming(*EQUATION_CALLS[name])
