"""Each class of bad input (issue 10, section 2) gets a message that names the mistake.

One test per class; each asserts on the words a student needs: the equation or
argument, what was expected, what was given and the likely fix.
"""

import re

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError

ACTS = ["relu", "sigmoid"]


@pytest.fixture
def net():
    params = ml.init_params([3, 4, 1], seed=0)
    X = np.random.default_rng(0).standard_normal((3, 5))
    Y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    return params, X, Y


def message(excinfo) -> str:
    return str(excinfo.value)


# --- silent broadcasting: a result whose shape is not the parameter's is always an error


def test_silent_broadcasting_is_refused(net):
    params, X, Y = net
    W, b = params["W1"], params["b1"]
    with pytest.raises(ShapeError) as e:  # was (4, 4): W @ x is (4,), + b (4, 1) broadcasts
        ml.linear_forward(W, X[:, 0], b)
    assert "z[l] = W[l] a[l-1] + b[l]" in message(e) and "(3,)" in message(e) and "reshape(-1, 1)" in message(e)

    grads = {"d" + k: np.zeros_like(v) for k, v in params.items()}
    for bad_db, words in [(np.zeros(4), "keepdims=True"), (np.zeros((4, 5)), "looks unsummed")]:
        with pytest.raises(ShapeError) as e:  # b1 silently became (4, 4) or (4, 5)
            ml.sgd_update(params, {**grads, "db1": bad_db}, 0.1)
        assert "db1 must have the shape of b1, (4, 1)" in message(e) and words in message(e)

    with pytest.raises(ShapeError) as e:  # was a (3, 3) difference
        ml.relative_error(np.ones((3, 1)), np.ones(3))
    assert "relative_error" in message(e) and "(3, 1)" in message(e) and "(3,)" in message(e)

    AL = ml.predict(params, X, ACTS)
    with pytest.raises(ShapeError) as e:  # was 1.0 whatever the labels
        ml.accuracy(AL, Y.T)
    assert "accuracy" in message(e) and "(1, 5)" in message(e) and "(5, 1)" in message(e) and "Y.T" in message(e)

    with pytest.raises(ShapeError) as e:  # a phi' of one value per row would broadcast over the columns
        ml.backprop_dZ(np.ones((4, 5)), np.ones((4, 5)), lambda Z: Z[:, :1])
    assert "boxed equation 1" in message(e) and "phi_prime(Z)" in message(e) and "(4, 1)" in message(e)


# --- the per-equation functions check like the whole-network functions and name their equation

EQUATION_CALLS = {
    "linear_forward": (lambda: ml.linear_forward(np.ones((4, 3)), np.ones((2, 5)), np.zeros((4, 1))),
                       ["z[l] = W[l] a[l-1] + b[l]", "(4, 3)", "(2, 5)", "3 rows"]),
    "layer_forward": (lambda: ml.layer_forward(np.ones((4, 3)), np.ones((3, 5)), np.zeros((4, 2)), "relu", l=2),
                      ["Layer 2, z[2] = W[2] a[1] + b[2]", "(4, 2)", "(4, 1)"]),
    "backprop_dZ": (lambda: ml.backprop_dZ(np.ones((4, 5)), np.ones((5, 4)), ml.relu_prime),
                    ["boxed equation 1, dJ/dZ[l] = dJ/dA[l] * phi'(Z[l])", "(5, 4)", "(4, 5)", "transposed"]),
    "backprop_dW": (lambda: ml.backprop_dW(np.ones((3, 5)), np.ones((2, 4))),
                    ["boxed equation 2, dJ/dW[l] = dJ/dZ[l] A[l-1]^T", "dZ has m = 5 columns but A_prev has 4",
                     "same examples"]),
    "backprop_db": (lambda: ml.backprop_db(np.ones(3)),
                    ["boxed equation 3", "2-D", "(3,)", "reshape(-1, 1)"]),
    "backprop_dA_prev": (lambda: ml.backprop_dA_prev(np.ones((3, 4)).T, np.ones((3, 5))),
                         ["boxed equation 4, dJ/dA[l-1] = W[l]^T dJ/dZ[l]", "(4, 3)", "Pass W[l] itself"]),
    "layer_backward": (lambda: ml.layer_backward(np.ones((5, 4)), ml.layer_forward(np.ones((4, 3)), np.ones((3, 5)),
                                                                                  np.zeros((4, 1)), "tanh")[1], "tanh"),
                       ["layer_backward", "dJ/dA[l]", "(4, 5)", "(5, 4)"]),
    "relu": (lambda: ml.relu("0.5"), ["relu, phi(z) = max(0, z)", "numpy array", "str"]),
    "sigmoid_prime": (lambda: ml.sigmoid_prime(np.array([1 + 2j])), ["sigmoid_prime", "complex", ".real"]),
    "tanh_prime": (lambda: ml.tanh_prime(None), ["tanh_prime", "None"]),
    "softmax": (lambda: ml.softmax(np.array([[np.inf], [0.0]])), ["softmax, a_k = e^z_k / sum_j e^z_j", "inf"]),
    "softmax_backprop_dZ": (lambda: ml.softmax_backprop_dZ(np.ones((3, 2)), np.ones((3, 4))),
                            ["softmax_backprop_dZ", "boxed equation 1 for softmax", "(3, 4)", "(3, 2)"]),
}


@pytest.mark.parametrize("name", sorted(EQUATION_CALLS))
def test_per_equation_functions_name_their_equation(name):
    call, words = EQUATION_CALLS[name]
    with pytest.raises((ShapeError, ValueError, TypeError)) as e:
        call()
    for w in words:
        assert w in message(e), (w, message(e))


def test_per_equation_functions_spot_the_usual_slips():
    dA, Z = np.ones((4, 5)), np.ones((4, 5))
    with pytest.raises(ValueError, match=r"phi_prime is relu, the activation phi itself.*relu_prime"):
        ml.backprop_dZ(dA, Z, ml.relu)
    with pytest.raises(TypeError, match=r"get_activation\('tanh'\).phi_prime, not the name 'tanh'"):
        ml.backprop_dZ(dA, Z, "tanh")
    with pytest.raises(ShapeError, match=r"the product is elementwise.*\(4,\)"):  # a 1-D dA against a column Z
        ml.backprop_dZ(np.ones(4), np.ones((4, 1)), ml.relu_prime)
    with pytest.raises(ShapeError, match=r"A_prev of shape \(5, 2\) looks transposed.*pass A\[l-1\] itself"):
        ml.backprop_dW(np.ones((3, 5)), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"Unknown activation <function relu.*Pass its name, 'relu'"):
        ml.layer_forward(np.ones((4, 3)), np.ones((3, 5)), np.zeros((4, 1)), ml.relu)


# --- labels outside the loss's domain


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


@pytest.mark.parametrize("labels, words", [([0, 10], "labels[1] = 10"), ([-1, 2], "labels[0] = -1"),
                                           ([0.5, 1], "labels[0] = 0.5")])
def test_class_labels_out_of_range_negative_or_fractional(labels, words):
    with pytest.raises(ValueError) as e:  # -1 wrapped to class 9, 10 was an IndexError, 0.5 became 0
        ml.one_hot(labels, 10)
    assert "one_hot" in message(e) and "whole numbers 0..9" in message(e) and words in message(e)
    with pytest.raises(ValueError) as e:
        ml.confusion_matrix([1, 2], labels, n_classes=10)
    assert "confusion_matrix" in message(e) and "predicted_labels" in message(e) and "0..9" in message(e)
    with pytest.raises(ShapeError, match=r"1-D array of class labels.*labels_of"):
        ml.confusion_matrix(ml.one_hot([1, 2, 3]), [1, 2, 3])
    np.testing.assert_array_equal(ml.one_hot(np.array([0.0, 2.0]), 3), [[1, 0], [0, 0], [0, 1]])


# --- integer arrays where floats are needed: converted or refused, never computed wrongly


def test_integer_arrays_are_converted_or_refused():
    Z = np.array([[-2, 3]])
    np.testing.assert_array_equal(ml.leaky_relu_prime(Z), [[0.01, 1.0]])  # was [[0, 1]]
    assert ml.leaky_relu_prime(Z).dtype == np.float64
    np.testing.assert_allclose(ml.sigmoid(np.array([True, False])), [1 / (1 + np.exp(-1)), 0.5])
    np.testing.assert_allclose(ml.linear_forward(np.array([[1, 2]]), np.array([[3], [4]]), np.array([[1]])), [[12.0]])

    x = np.array([1, 2, 3])
    with pytest.raises(TypeError) as e:  # returned 5833 instead of 2 for x[0]
        ml.numerical_gradient(lambda: float(np.sum(x**2)), x)
    assert "numerical_gradient" in message(e) and "int64" in message(e) and "x.astype(float)" in message(e)
    x = x.astype(float)
    np.testing.assert_allclose(ml.numerical_gradient(lambda: float(np.sum(x**2)), x), [2, 4, 6], rtol=1e-9)
    with pytest.raises(TypeError, match=r"dtype int64.*floating point.*astype\(float\)"):
        ml.forward({"W1": np.ones((1, 2), dtype=int), "b1": np.zeros((1, 1), dtype=int)}, np.ones((2, 3)), ["relu"])
    with pytest.raises(TypeError, match=r"f\(\) must return the number J.*tuple of 2.*loss\(AL, Y\)\[0\]"):
        ml.numerical_gradient(lambda: ml.half_squared_error(x.reshape(1, -1), np.zeros((1, 3))), x)


# --- wrong types and empty data


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None, True])
def test_seed_must_be_a_non_negative_integer(net, seed):
    params, X, Y = net
    for call in (lambda: ml.init_params([2, 3], seed=seed), lambda: ml.moons(seed=seed),
                 lambda: ml.load_dataset("xor", seed=seed), lambda: ml.train(params, X, Y, ACTS, seed=seed),
                 lambda: ml.load_digits(seed=seed)):
        with pytest.raises((ValueError, TypeError)) as e:
            call()
        assert "seed must be a non-negative integer" in message(e) and repr(seed) in message(e)


def test_empty_data_is_refused(net):
    params, X, Y = net
    with pytest.raises(ShapeError, match=r"X has shape \(3, 0\): it holds m = 0 columns, so no examples"):
        ml.forward(params, np.ones((3, 0)), ACTS)
    with pytest.raises(ShapeError, match=r"half_squared_error.*AL has shape \(1, 0\).*m = 0"):
        ml.half_squared_error(np.ones((1, 0)), np.ones((1, 0)))  # was nan with a division warning
    with pytest.raises(ShapeError, match=r"m = 0 columns"):
        ml.train(params, X[:, :0], Y[:, :0], ACTS)
    with pytest.raises(ShapeError, match=r"accuracy.*m = 0"):
        ml.accuracy(np.ones((1, 0)), np.ones((1, 0)))


def test_wrong_types_get_a_message(net):
    params, X, Y = net
    with pytest.raises(TypeError, match=r"activations must be a list of 2 names.*got NoneType None"):
        ml.forward(params, X, None)
    AL, caches = ml.forward(params, X, ACTS)
    with pytest.raises(TypeError, match=r"not the whole \(AL, caches\) pair"):
        ml.backward(params, (AL, caches), AL - Y, ACTS)
    with pytest.raises(ValueError, match=r"backward needs the L = 2 caches.*got 1 of them"):
        ml.loss_and_grads(params, caches[:1], Y, ACTS, "binary_cross_entropy")
    with pytest.raises(ShapeError, match=r"caches\[0\].W is \(4, 3\) but params\['W1'\] is \(5, 3\)"):
        ml.backward(ml.init_params([3, 5, 1]), caches, AL - Y, ACTS)
    with pytest.raises(TypeError, match=r"train's \(params, history\) pair"):
        ml.forward(ml.train(params, X, Y, ACTS, epochs=1), X, ACTS)

    grads = ml.backward(params, caches, AL - Y, ACTS)
    for bad, words in [({k: v for k, v in grads.items() if k != "dW2"}, "it lacks 'dW2'"),
                       ({**grads, "dW3": grads["dW2"]}, "unexpected key 'dW3'"),
                       ({**{k: v for k, v in grads.items() if k != "dW2"}, "dw2": grads["dW2"]},
                        "it lacks 'dW2' and it has the unexpected key 'dw2'")]:
        with pytest.raises(ValueError) as e:  # was a bare KeyError: 'dW2'
            ml.sgd_update(params, bad, 0.1)
        assert words in message(e) and "dW1, dW2, db1, db2" in message(e)

    with pytest.raises(ValueError, match=r"batch_size must be a positive integer.*bool True"):
        ml.train(params, X, Y, ACTS, batch_size=True)  # was accepted as 1
    X_moons, _ = ml.moons(m=4, noise=np.float32(0.1))  # was refused
    assert X_moons.shape == (2, 4)
    with pytest.raises(ValueError, match=r"noise must be a finite number between 0 and 1e\+06.*got inf"):
        ml.moons(noise=float("inf"))  # was accepted
    with pytest.raises(TypeError, match=r"load_digits: dtype must be a floating type.*int64"):
        ml.load_digits(dtype=int)  # every pixel was 0
    with pytest.raises(ValueError, match=r"test_fraction = 0.0001 keeps 0 of the 1797 images for testing"):
        ml.load_digits(test_fraction=0.0001)


# --- NaN or inf in params or dJ/dA[L]; one dtype rule


def test_non_finite_params_and_gradients_are_refused(net):
    params, X, Y = net
    bad = {**params, "W2": params["W2"].copy()}
    bad["W2"][0, 1] = np.nan
    for call in (lambda: ml.forward(bad, X, ACTS), lambda: ml.train(bad, X, Y, ACTS),
                 lambda: ml.sgd_update(bad, {"d" + k: np.zeros_like(v) for k, v in bad.items()}, 0.1)):
        with pytest.raises(ValueError) as e:
            call()
        assert "W2 contains NaN or infinite values (1 of them" in message(e) and "(0, 1)" in message(e)
        assert "init_params" in message(e)
    AL, caches = ml.forward(params, X, ACTS)
    dAL = AL - Y
    dAL[0, 3] = np.inf
    with pytest.raises(ValueError, match=r"backward, layer 2, dJ/dA\[2\]: dAL contains NaN or infinite values \(1 of them.*\(0, 3\)"):
        ml.backward(params, caches, dAL, ACTS)
    grads = ml.backward(params, caches, AL - Y, ACTS)
    grads["db1"] = grads["db1"] * np.nan
    with pytest.raises(ValueError, match=r"sgd_update: db1 contains NaN or infinite values \(4 of them"):
        ml.sgd_update(params, grads, 0.1)


def test_one_dtype_rule_params_dtype_wins(net):
    _, X, Y = net
    p32 = ml.init_params([3, 4, 1], seed=0, dtype=np.float32)
    AL, caches = ml.forward(p32, X, ACTS)  # X is float64
    assert AL.dtype == np.float32 and all(c.Z.dtype == np.float32 for c in caches)
    J, grads = ml.loss_and_grads(p32, caches, Y, ACTS, "binary_cross_entropy")
    assert all(g.dtype == np.float32 for g in grads.values())
    grads64 = {k: v.astype(np.float64) for k, v in grads.items()}
    assert all(v.dtype == np.float32 for v in ml.sgd_update(p32, grads64, 0.1).values())  # was float64
    trained, _ = ml.train(p32, X, Y, ACTS, epochs=2)
    assert all(v.dtype == np.float32 for v in trained.values())
    mixed = {**p32, "b2": p32["b2"].astype(np.float64)}
    with pytest.raises(TypeError, match=r"Layer 2: b\[2\] has dtype float64 but W\[1\] has float32.*one dtype"):
        ml.forward(mixed, X, ACTS)


# --- messages that named the wrong culprit


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


# --- huge finite values: refused before they overflow, never a silent inf (found by the fuzzer)


def test_values_that_would_overflow_are_refused(net):
    params, X, Y = net
    with pytest.raises(ValueError) as e:
        ml.linear_forward(np.full((2, 2), 1e200), np.full((2, 1), 1e200), np.zeros((2, 1)))
    assert "too large" in message(e) and "1e+200" in message(e) and "overflow to inf" in message(e)
    with pytest.raises(ValueError, match=r"z\[2\] overflowed to inf or NaN"):
        ml.forward({**params, "W2": params["W2"] * 1e300}, X * 1e10, ["identity", "identity"])
    with pytest.raises(ValueError, match=r"half_squared_error.*too large"):
        ml.half_squared_error(np.full((1, 2), 1e200), np.zeros((1, 2)))
    assert ml.relative_error(np.full(3, 1e300), np.full(3, 1e300)) == 0.0  # was nan (the norms overflowed)


# --- huge Python ints as counts: a message, never numpy's OverflowError (found by the fuzzer)


def test_huge_counts_are_refused_by_name(net):
    params, X, Y = net
    huge = 10**400
    calls = [(lambda: ml.one_hot([0, 1], huge), "one_hot: n_classes must be a positive integer up to 2147483647"),
             (lambda: ml.confusion_matrix([0], [0], huge), "confusion_matrix: n_classes must be a positive integer up to"),
             (lambda: ml.moons(m=huge), "moons: m must be a positive integer up to 2147483647 (the number of examples)"),
             (lambda: ml.init_params([3, huge, 1]), "layer_sizes[1] = 1000"),
             (lambda: ml.train(params, X, Y, ACTS, epochs=huge), "epochs must be a non-negative integer up to"),
             (lambda: ml.train(params, X, Y, ACTS, batch_size=huge), "batch_size must be a positive integer up to"),
             (lambda: ml.GradientDescent("L2", huge), "rate lambda must be a number >= 0")]
    for call, words in calls:
        with pytest.raises(ValueError) as e:  # were OverflowError, "Maximum allowed dimension exceeded" or a hang
            call()
        assert words in message(e), message(e)
        assert len(message(e)) < 400  # the 401 digits are cut short
    assert ml.init_params([2, 1], seed=huge)["W1"].shape == (1, 2)  # a seed may be any size


# --- counts agree with their nouns: "1 row", never "1 rows" (errors.plural, everywhere)


def test_a_count_of_one_takes_the_singular():
    one = {"W1": np.ones((2, 1)), "b1": np.zeros((2, 1))}
    calls = [(lambda: ml.linear_forward(np.ones((4, 1)), np.ones((2, 5)), np.zeros((4, 1))), "must have 1 row (one per"),
             (lambda: ml.forward(one, np.ones((3, 5)), ["relu"]), "W[1] has 1 column, so a[0] = X needs n[0] = 1 row"),
             (lambda: ml.forward(one, np.ones((1, 5)), ["relu", "relu"]), "L = 1 layer, so activations needs 1 name"),
             (lambda: ml.backprop_dA_prev(np.ones((1, 3)), np.ones((2, 4))), "dZ must have 1 row (one per neuron"),
             (lambda: ml.one_hot([0, 5], 3), "(1 such label)"),
             (lambda: ml.sgd_update(one, {"dW1": one["W1"], "db1": one["b1"], "dW9": one["W1"]}, 0.1),
              "it has the unexpected key 'dW9'")]
    for call, words in calls:
        with pytest.raises((ValueError, TypeError)) as e:
            call()
        assert words in message(e), message(e)
        assert not re.search(r"\b1 (rows|columns|layers|names|labels|keys|examples|units|classes)\b", message(e))


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


def test_regularisation_penalty_and_divergence_message_check_their_arguments(net):
    params, X, _ = net
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

    def divergence(**changes):
        args = dict(J=1.0, params=params, where="at epoch 1", updated=True, X=X, advice="lower lr")
        return ml.divergence_message(**{**args, **changes})

    for changes, error, words in [(dict(J=None), TypeError, "J must be the loss, a real number"),  # was isfinite's TypeError
                                  (dict(J=np.ones((2, 2))), TypeError, "an array of shape (2, 2)"),
                                  (dict(params=None), TypeError, "params must be a dict of arrays"),  # was AttributeError
                                  (dict(params={"W1": "big"}), TypeError, "W1 must be a numpy array"),
                                  (dict(J=np.nan, updated=False, X=None), TypeError, "X must be a numpy array, got NoneType"),
                                  (dict(updated="yes"), TypeError, "updated must be True or False"),
                                  (dict(start_sizes={}), ValueError, "start_sizes must be None or a dict with the size"),  # was KeyError
                                  (dict(start_loss=float("nan")), ValueError, "start_loss must be a finite number >= 0")]:
        with pytest.raises(error) as e:
            divergence(**changes)
        assert "divergence_message" in message(e) and words in message(e), message(e)
    assert divergence() is None
    assert "W1 has grown to nan" in divergence(params=nan)  # NaN parameters are what it looks for, not an error
