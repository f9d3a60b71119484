"""A fresh-eyes fuzzing review of issue 10: the defects it found, each pinned by a test.

1. Softmax with cross-entropy lost the small numbers of a right and confident column:
   a_top - 1 cancelled in its gradient (relative error up to 1 at z = 36), and
   J = logsumexp(z) - z_top rounded log(1 + e^-40) away.  (The sigmoid pair still
   cancels sigma(z) - 1 and max(z, 0) - z, to within 1.1e-16 and ulp(z): making them
   exact changes the last bits of every training step, and lesson 5's lr = 10 run
   tells a story that depends on those bits; the tests here bound that error.)
2. Backprop against an independent implementation (per example, scalar loops, long
   double, the stable forms), on random nets whose hidden layers saturate too.
3. Slips: numerical_gradient left x perturbed when f raised; GradientDescent.step
   broadcast an unsummed db; divergence with a tanh or relu output under
   cross-entropy blamed the learning rate; input_features computed sin of an
   integer X in integers; a loss returning np.squeeze(J) was refused; J printed as -0.
"""

import io
import contextlib
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import mlp_lessons as ml

LD = np.longdouble


# 1. The fused output layers, exact in the tails ------------------------------------


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


def test_train_uses_the_fused_path_at_z_40_and_700():
    """One step of ml.train at a known lr: J and the update are the exact ones."""
    lr = 0.5
    for z in (-700.0, -40.0, 40.0, 700.0):
        for y in (0.0, 1.0):
            params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
            new, history = ml.train(params, np.array([[z]]), np.array([[y]]), ["sigmoid"],
                                    loss="binary_cross_entropy", lr=lr, epochs=1, progress=False)
            J_true = max(z, 0) - y * z + np.log1p(np.exp(-abs(z)))
            q = np.exp(-abs(z)) / (1 + np.exp(-abs(z)))
            dZ_true = (1 - y) - q if z >= 0 else q - y
            tol = 1.2e-16 if z >= 0 else 0  # sigma(z) - 1 for z >= 0: within 1.1e-16
            assert history.loss[0] == pytest.approx(J_true, rel=1e-14, abs=1.2e-16 * abs(z) * y)
            assert new["b1"][0, 0] == pytest.approx(-lr * dZ_true, rel=1e-14, abs=lr * tol)
            assert new["W1"][0, 0] == pytest.approx(1.0 - lr * dZ_true * z, rel=1e-15, abs=lr * tol * abs(z))


# 2. Backprop against an independent implementation --------------------------------


def _phi(name, z):
    if name == "identity":
        return z
    if name == "relu":
        return z if z > 0 else LD(0)
    if name == "leaky_relu":
        return z if z > 0 else LD("0.01") * z
    if name == "sigmoid":
        e = np.exp(-abs(z))
        return 1 / (1 + e) if z >= 0 else e / (1 + e)
    return np.tanh(z)


def _phi_prime(name, z):
    if name == "identity":
        return LD(1)
    if name == "relu":
        return LD(1) if z > 0 else LD(0)
    if name == "leaky_relu":
        return LD(1) if z > 0 else LD("0.01")
    if name == "sigmoid":
        e = np.exp(-abs(z))
        return e / (1 + e) / (1 + e)
    with np.errstate(over="ignore"):
        c = np.cosh(z)
    return 1 / c / c


def reference_grads(params, X, Y, activations, loss):
    """J and the gradients, one example at a time, every sum a Python loop, in long double.

    Also, carried down through |W| and |phi'| like a gradient: the size of the terms each
    gradient sums (rounding in float64 may leave eps times that), and a bound on the
    error from sigma(z) - y for z >= 0 (within 1.1e-16 of the exact value).
    """
    L, m = len(activations), X.shape[1]
    W = [None] + [params[f"W{l}"].astype(LD) for l in range(1, L + 1)]
    b = [None] + [params[f"b{l}"].astype(LD) for l in range(1, L + 1)]
    grads = {f"d{p}{l}": np.zeros(params[f"{p}{l}"].shape, dtype=LD) for l in range(1, L + 1) for p in "Wb"}
    bounds = {k: np.zeros_like(v) for k, v in grads.items()}
    sizes = {k: np.zeros_like(v) for k, v in grads.items()}
    J = LD(0)
    for i in range(m):
        a, zs = [X[:, i].astype(LD)], [None]
        for l in range(1, L + 1):
            z = np.array([sum(W[l][p, q] * a[l - 1][q] for q in range(W[l].shape[1])) + b[l][p, 0]
                          for p in range(W[l].shape[0])], dtype=LD)
            zs.append(z)
            if activations[l - 1] == "softmax":
                e = np.array([np.exp(v - max(z)) for v in z], dtype=LD)
                a.append(e / sum(e))
            else:
                a.append(np.array([_phi(activations[l - 1], v) for v in z], dtype=LD))
        y, z = Y[:, i].astype(LD), zs[L]
        if loss == "half_squared_error":
            J += sum((a[L] - y) ** 2) / 2
            dz = (a[L] - y) * np.array([_phi_prime(activations[-1], v) for v in z], dtype=LD)
        elif loss == "binary_cross_entropy":
            J += sum(max(v, 0) - y[k] * v + np.log1p(np.exp(-abs(v))) for k, v in enumerate(z))
            q = [np.exp(-abs(v)) / (1 + np.exp(-abs(v))) for v in z]
            dz = np.array([(1 - y[k]) - q[k] if v >= 0 else q[k] - y[k] for k, v in enumerate(z)], dtype=LD)
            eb = np.array([LD(1.2e-16) if v >= 0 else LD(0) for v in z], dtype=LD)
        else:
            top = int(np.argmax(z))
            e = [np.exp(v - z[top]) for v in z]
            rest = sum(e[j] for j in range(len(z)) if j != top)
            J += -sum(y[k] * (z[k] - z[top] - np.log1p(rest)) for k in range(len(z)))
            dz = np.array([e[k] / (1 + rest) - y[k] for k in range(len(z))], dtype=LD)
            dz[top] = (1 - y[top]) - rest / (1 + rest)
        if loss != "binary_cross_entropy":
            eb = np.zeros(len(z), dtype=LD)
        size = np.abs(dz)
        for l in range(L, 0, -1):
            grads[f"dW{l}"] += np.outer(dz, a[l - 1])
            grads[f"db{l}"] += dz.reshape(-1, 1)
            bounds[f"dW{l}"] += np.outer(eb, np.abs(a[l - 1]))
            bounds[f"db{l}"] += eb.reshape(-1, 1)
            sizes[f"dW{l}"] += np.outer(size, np.abs(a[l - 1]))
            sizes[f"db{l}"] += size.reshape(-1, 1)
            if l > 1:
                da, eb, size = W[l].T @ dz, np.abs(W[l]).T @ eb, np.abs(W[l]).T @ size
                d = np.array([_phi_prime(activations[l - 2], v) for v in zs[l - 1]], dtype=LD)
                dz, eb, size = da * d, eb * np.abs(d), size * np.abs(d)
    return (float(J / m), *({k: (v / m).astype(np.float64) for k, v in g.items()} for g in (grads, bounds, sizes)))


HIDDEN = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]
OUTPUTS = [("identity", "half_squared_error"), ("sigmoid", "binary_cross_entropy"),
           ("softmax", "softmax_cross_entropy"), ("sigmoid", "half_squared_error"),
           ("tanh", "half_squared_error"), ("leaky_relu", "half_squared_error")]


@st.composite
def saturating_nets(draw):
    L = draw(st.integers(1, 4))
    output, loss = draw(st.sampled_from(OUTPUTS))
    sizes = [draw(st.integers(1, 6)) for _ in range(L + 1)]
    if output == "softmax":
        sizes[-1] = max(2, sizes[-1])
    m = draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w, x = draw(st.sampled_from([0.1, 1.0, 5.0, 20.0, 100.0])), draw(st.sampled_from([1e-3, 1.0, 10.0, 300.0]))
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"] = rng.uniform(-w, w, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = rng.uniform(-w, w, (sizes[l], 1))
    X = rng.uniform(-x, x, (sizes[0], m))
    if loss == "softmax_cross_entropy":
        Y = ml.one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (sizes[-1], m)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (sizes[-1], m))
    return params, X, Y, [draw(st.sampled_from(HIDDEN)) for _ in range(L - 1)] + [output], loss


@settings(max_examples=1000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(saturating_nets())
def test_backprop_matches_an_independent_long_double_implementation(net):
    """Every gradient entry to 1e-9 relative, or 1e-13 of its array's largest entry or of the
    terms it sums, or twice the bound from sigma(z) - 1; J to 1e-12."""
    params, X, Y, activations, loss = net
    try:
        _, caches = ml.forward(params, X, activations)
        J, grads = ml.loss_and_grads(params, caches, Y, activations, loss)
    except ValueError as e:  # refused as overflowing: a message, never a wrong number
        assert "too large" in str(e) or "overflowed" in str(e)
        return
    J_ref, ref, bound, size = reference_grads(params, X, Y, activations, loss)
    assert abs(J - J_ref) <= 1e-12 * max(1.0, abs(J_ref))
    for name, g in grads.items():
        scale = np.max(np.abs(ref[name]))
        np.testing.assert_array_less(np.abs(g - ref[name]),
                                     1e-9 * np.abs(ref[name]) + 1e-13 * (scale + size[name]) + 2 * bound[name] + 1e-300,
                                     err_msg=f"{name} of {activations}, {loss}")


# 3. Slips -------------------------------------------------------------------------


def test_numerical_gradient_puts_x_back_when_f_raises():
    x = np.array([1.0, 2.0])
    for f in (lambda: float("nan"), lambda: None, lambda: (1.0, 2.0), lambda: 1 / 0):
        with pytest.raises((ValueError, TypeError, ZeroDivisionError)):
            ml.numerical_gradient(f, x)
        assert x.tolist() == [1.0, 2.0]
    np.testing.assert_allclose(ml.numerical_gradient(lambda: float(np.sum(x * x)), x), [2.0, 4.0], rtol=1e-10)


def test_gradient_descent_step_checks_its_gradients_like_sgd_update():
    params = ml.init_params([2, 3, 1])
    grads = {"d" + k: np.zeros_like(v) for k, v in params.items()}
    rule = ml.GradientDescent("L2", 0.1)
    with pytest.raises(ml.ShapeError, match="db1 must have the shape of b1, \\(3, 1\\).*looks unsummed"):
        rule.step(params, {**grads, "db1": np.ones((3, 8))})
    with pytest.raises(ValueError, match="lacks 'db1'"):
        rule.step(params, {k: v for k, v in grads.items() if k != "db1"})
    assert rule.step(params, grads, check=False)["W1"].shape == (3, 2)


@pytest.mark.parametrize("output", ["tanh", "relu", "identity"])
def test_divergence_from_an_output_outside_0_1_names_the_pairing_not_the_lr(output):
    params = ml.init_params([2, 3, 1], seed=0)
    X, Y = ml.moons(m=8, seed=0)
    advice = ml.training.lr_advice(0.1, output, "binary_cross_entropy")
    assert "pairing of output and loss, not the learning rate" in advice and f" {output} output" in advice
    assert "lr = 0.01" not in advice
    with contextlib.redirect_stdout(io.StringIO()) as out:
        ml.train(params, X, Y, ["tanh", output], loss="binary_cross_entropy", lr=0.1, epochs=3, progress=False)
    assert out.getvalue() == "" or "pairing of output and loss" in out.getvalue()
    assert "pairing" not in ml.training.lr_advice(0.1, "sigmoid", "binary_cross_entropy")


def test_input_features_converts_integers_and_refuses_other_shapes():
    X = np.array([[1, 2], [3, 4]])
    np.testing.assert_allclose(ml.input_features(X, ["x1", "sin x1"]), [[1, 2], np.sin([1, 2])])
    assert ml.input_features([[1.0, 2.0]], ["x1"]).shape == (1, 2)
    with pytest.raises(ml.ShapeError, match="1 or 2 rows, but it has shape \\(3, 4\\)"):
        ml.input_features(np.ones((3, 4)), ["x1"])
    with pytest.raises(ml.ShapeError, match="must be a 2-D array"):
        ml.input_features(np.ones(2), ["x1"])


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


def _train_message(params, X, Y, lr, activations=("identity", "identity")):
    with contextlib.redirect_stdout(io.StringIO()):
        _, history = ml.train(params, X, Y, list(activations), loss="half_squared_error", lr=lr, epochs=5,
                              progress=False)
    return history


def test_divergence_from_huge_data_or_parameters_names_them_not_the_lr():
    params = ml.init_params([2, 3, 1], seed=0)
    X, Y = ml.moons(m=8, seed=0)
    for h, culprit in [(_train_message(params, X * 1e150, Y, 0.1), "The inputs reach |x| = 2e+150"),
                       (_train_message(params, X, Y * 1e150, 0.1), "The targets reach |y| = 1e+150"),
                       (_train_message({k: v * 1e7 for k, v in params.items()}, X, Y, 0.1),
                        "The parameters started as large as 1.06e+07")]:
        assert h.diverged and culprit in h.message and "scale them" in h.message or "init_params" in h.message
        assert "probably too large" not in h.message
    # the learning rate is still named when it is the cause
    h = _train_message(params, X, Y, 10.0)
    assert h.diverged and "lr = 10 is probably too large" in h.message


def test_parameters_that_start_past_the_limit_stop_the_run_only_if_they_grow():
    params = ml.init_params([2, 3, 1], seed=0)
    big = {k: v * 1e9 + 1e9 for k, v in params.items()}  # past MAX_PARAM = 1e8 from the start
    X, Y = ml.moons(m=8, seed=0)
    h = _train_message(big, X, Y, 1e-30)
    assert not h.diverged and h.epochs == 5


def test_layer_backward_refuses_a_result_that_overflows():
    params = ml.init_params([2, 3, 1])
    X, _ = ml.moons(m=6)
    _, caches = ml.forward(params, X, ["tanh", "sigmoid"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflowed to inf or NaN"):
            ml.layer_backward(np.full((3, 6), 1e308), caches[0], "identity")
    with pytest.raises(ValueError, match="Unknown feature \\[\\]"):
        ml.input_features(X, [[]])


def test_a_loss_of_ones_own_is_checked_at_every_step_not_only_the_first():
    params = ml.init_params([2, 3, 1], seed=0)
    X, Y = ml.moons(m=8, seed=0)
    calls = []

    def turns_bad(bad):
        def my_loss(AL, Y):
            calls.append(1)
            m = AL.shape[1]
            good = float(np.sum((AL - Y) ** 2)) / (2 * m), (AL - Y) / m
            return bad(AL, Y, *good) if len(calls) > 3 else good
        return my_loss

    cases = [(lambda AL, Y, J, dAL: (float("nan"), dAL), ValueError,  # was a divergence blamed on lr = 0.1
              "The loss my_loss(AL, Y) must return a finite number J first, but it returned J = nan for a finite A[L]"),
             (lambda AL, Y, J, dAL: (J, dAL[:, :1]), ml.ShapeError,  # was silently broadcast
              "my_loss(AL, Y) returned dAL = dJ/dA[L] of shape (1, 1), but it must have the shape of A[L], (n[L], m) = (1, 8)"),
             (lambda AL, Y, J, dAL: ((AL - Y) ** 2, dAL), ValueError,  # was "truth value of an array ... ambiguous"
              "got an array of shape (1, 8) and dtype float64 (J is one number"),
             (lambda AL, Y, J, dAL: (J, dAL * np.nan), ValueError, "dAL contains NaN or infinite values (8 of them")]
    for bad, error, words in cases:
        calls.clear()
        with pytest.raises(error) as e:
            ml.train(params, X, Y, ["tanh", "sigmoid"], loss=turns_bad(bad), epochs=10, progress=False)
        assert words in str(e.value), str(e.value)
        assert len(calls) > 3  # the first call (checked by Run) was fine
    # a loss that is inf because A[L] overflowed is the run diverging, and is reported as such
    with contextlib.redirect_stdout(io.StringIO()):
        _, h = ml.train(params, X * 1e3, Y, ["identity", "identity"], lr=1e3, epochs=50, progress=False,
                        loss=lambda AL, Y: (float(np.sum((AL - Y) ** 2)) / 2, AL - Y))
    assert h.diverged and "Training stopped" in h.message


@pytest.mark.parametrize("activations, sizes, loss", [
    (["softmax", "sigmoid"], [3, 4, 1], "binary_cross_entropy"),
    (["tanh", "softmax", "identity"], [3, 5, 4, 2], "half_squared_error"),
    (["softmax", "softmax"], [3, 4, 3], "softmax_cross_entropy"),
])
def test_a_hidden_softmax_is_backpropagated_exactly(activations, sizes, loss):
    # Accepted, not refused: backprop multiplies by softmax's Jacobian (softmax_backprop_dZ), never by
    # an elementwise phi'(z), in a hidden layer as at the output; finite differences agree.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 7))
    Y = {"binary_cross_entropy": (rng.uniform(size=(1, 7)) < 0.5) * 1.0, "half_squared_error": rng.standard_normal((2, 7)),
         "softmax_cross_entropy": ml.one_hot(rng.integers(0, 3, 7), 3)}[loss]
    params = ml.init_params(sizes, seed=2)
    errors = ml.grad_check(params, X, Y, activations, loss=loss, eps=1e-5)
    assert max(errors.values()) < 1e-8, errors
    if loss == "half_squared_error":  # the seed's general route, backward from dJ/dA[L], agrees too
        AL, caches = ml.forward(params, X, activations)
        grads = ml.backward(params, caches, ml.half_squared_error(AL, Y)[1], activations)
        for name in params:
            J = lambda: ml.half_squared_error(ml.forward(params, X, activations)[0], Y)[0]
            assert ml.relative_error(grads["d" + name], ml.numerical_gradient(J, params[name], eps=1e-5)) < 1e-8
    with pytest.raises(ValueError, match=r"layer 1\): a softmax over n\[1\] = 1 unit is always 1.*output layer"):
        ml.train(ml.init_params([3, 1, 1]), X, Y[:1], ["softmax", "identity"], epochs=1)
