"""errors.py: each validation rule is written once there; these tests check each rule's message at the
public functions where a student meets it: seeds, counts, empty data, NaN and inf, one dtype, integer arrays,
overflow, silent broadcasting, wrong types, singular nouns.  A bad input that one module alone checks is tested
in that module's file (test_forward.py, test_losses.py, ...); every public function fed every spoiled argument
is test_public_api_inputs.py."""

import re

import numpy as np
import pytest
from helpers import ACTS, message

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError


def test_errors_are_value_or_type_errors():
    assert issubclass(ShapeError, ValueError)


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
