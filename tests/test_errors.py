"""Bad input gets one clear sentence that says what to fix, never a numpy traceback."""

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError

ACTS = ["relu", "sigmoid"]


@pytest.fixture
def net():
    params = ml.init_params([3, 4, 1], seed=0)
    X = np.random.default_rng(0).standard_normal((3, 5))
    Y = np.ones((1, 5))
    return params, X, Y


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


def test_unknown_activation(net):
    params, X, _ = net
    with pytest.raises(ValueError) as e:
        ml.forward(params, X, ["relu", "softplus"])
    msg = str(e.value)
    assert "'softplus'" in msg
    for name in ml.ACTIVATIONS:
        assert name in msg


def test_unknown_init():
    with pytest.raises(ValueError, match=r"Unknown init 'glorot'.*he, xavier"):
        ml.init_params([2, 3], init="glorot")


def test_unknown_loss_and_dataset(net):
    params, X, Y = net
    with pytest.raises(ValueError, match=r"Unknown loss 'mse'.*binary_cross_entropy.*half_squared_error"):
        ml.train(params, X, Y, ACTS, loss="mse")
    with pytest.raises(ValueError, match=r"Unknown data set 'mnist'.*moons"):
        ml.load_dataset("mnist")


@pytest.mark.parametrize("sizes, bad", [([2, 0, 1], "layer_sizes\\[1\\] = 0"), ([2, 3.5, 1], "layer_sizes\\[1\\] = 3.5"),
                                        ([2, -1], "layer_sizes\\[1\\] = -1"), ([2, True], "layer_sizes\\[1\\] = True")])
def test_layer_sizes_must_be_positive_integers(sizes, bad):
    with pytest.raises(ValueError, match=bad + r".*positive integer"):
        ml.init_params(sizes)


def test_layer_sizes_need_two_entries():
    with pytest.raises(ValueError, match="at least two entries"):
        ml.init_params([3])
    with pytest.raises(TypeError, match="list of positive integers"):
        ml.init_params(3)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_and_targets(net, bad):
    params, X, Y = net
    X = X.copy()
    X[1, 2] = bad
    with pytest.raises(ValueError, match=r"X contains NaN or infinite values \(1 of them"):
        ml.forward(params, X, ACTS)
    Y = Y.copy()
    Y[0, 0] = bad
    with pytest.raises(ValueError, match=r"Y contains NaN or infinite values \(1 of them"):
        ml.half_squared_error(np.ones((1, 5)), Y)
    with pytest.raises(ValueError, match=r"Y contains NaN or infinite values \(1 of them"):
        ml.train(params, net[1], Y, ACTS)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), "0.1", None])
def test_learning_rate_must_be_positive(net, lr):
    params, X, Y = net
    grads = {"d" + k: np.zeros_like(v) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"learning rate alpha must be a positive number"):
        ml.sgd_update(params, grads, lr)
    if lr is not None:  # lr=None is train's default: GradientDescent(lr=0.1)
        with pytest.raises(ValueError, match=r"learning rate"):
            ml.train(params, X, Y, ACTS, lr=lr)


def test_targets_must_match_the_output(net):
    params, X, _ = net
    AL = ml.predict(params, X, ACTS)
    with pytest.raises(ShapeError, match=r"shape of a\[L\], \(n\[L\], m\) = \(1, 5\).*\(5, 1\).*stacked as rows.*Y.T"):
        ml.half_squared_error(AL, np.ones((5, 1)))
    with pytest.raises(ShapeError, match=r"\(1, 5\).*\(1, 4\)"):
        ml.binary_cross_entropy(AL, np.ones((1, 4)))
    with pytest.raises(ShapeError, match=r"\(1, 5\).*\(2, 5\)"):
        ml.train(params, X, np.ones((2, 5)), ACTS)


def test_backward_checks_dAL(net):
    params, X, _ = net
    AL, caches = ml.forward(params, X, ACTS)
    with pytest.raises(ShapeError, match=r"Layer 2: dJ/dA\[2\] must have the shape of A\[2\].*\(1, 5\).*\(5, 1\)"):
        ml.backward(params, caches, AL.T, ACTS)
    with pytest.raises(ValueError, match="L = 2 caches"):
        ml.backward(params, caches[:1], AL, ACTS)


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


def test_bad_training_settings(net):
    params, X, Y = net
    with pytest.raises(ValueError, match="epochs must be a non-negative integer"):
        ml.train(params, X, Y, ACTS, epochs=2.5)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        ml.train(params, X, Y, ACTS, batch_size=0)


def test_errors_are_value_or_type_errors():
    assert issubclass(ShapeError, ValueError)
