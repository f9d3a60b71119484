"""The whole network: backward against finite differences, batching, params, training."""

import numpy as np
import pytest

import mlp_lessons as ml

NAMES = sorted(ml.ACTIVATIONS)


def random_network(seed):
    """A random architecture of depth 1-4 with random activations and float64 data."""
    rng = np.random.default_rng(seed)
    L = int(rng.integers(1, 5))
    sizes = [int(n) for n in rng.integers(1, 6, L + 1)]
    hidden = [NAMES[int(i)] for i in rng.integers(0, len(NAMES), L - 1)]
    m = int(rng.integers(1, 6))
    params = ml.init_params(sizes, seed=seed, init="xavier")
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}  # nonzero b
    X = rng.standard_normal((sizes[0], m))
    return params, X, sizes, hidden, m, rng


def away_from_kinks(params, X, activations, rng, margin=1e-2):
    """Redraw X until no relu or leaky_relu input lies within `margin` of its kink at 0.

    Finite differences step up to 2 eps = 2e-4 either side; a step across a kink measures
    the average of two slopes, which is the check's fault, not backprop's.
    """
    for _ in range(1000):
        _, caches = ml.forward(params, X, activations)
        near = [np.min(np.abs(c.Z)) < margin for c, a in zip(caches, activations) if "relu" in a]
        if not any(near):
            return X
        X = rng.standard_normal(X.shape)
    raise AssertionError("could not draw inputs away from the kinks")


@pytest.mark.parametrize("seed", range(60))
def test_backward_matches_finite_differences_on_random_networks(seed):
    params, X, sizes, hidden, m, rng = random_network(seed)
    if seed % 2:
        activations, loss = hidden + ["sigmoid"], "binary_cross_entropy"
        Y = (rng.uniform(size=(sizes[-1], m)) > 0.5).astype(float)
    else:
        activations, loss = hidden + [NAMES[seed % len(NAMES)]], "half_squared_error"
        Y = rng.standard_normal((sizes[-1], m))
    X = away_from_kinks(params, X, activations, rng)
    errors = ml.grad_check(params, X, Y, activations, loss=loss)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-7, (sizes, activations, errors)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_every_activation_at_every_depth(name, L):
    rng = np.random.default_rng(L)
    sizes = [3] + [4] * (L - 1) + [2]
    params = ml.init_params(sizes, seed=L)
    X, Y = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    X = away_from_kinks(params, X, [name] * L, rng)
    errors = ml.grad_check(params, X, Y, [name] * L)
    assert max(errors.values()) < 1e-7, errors


def test_forward_shapes_and_caches():
    params = ml.init_params([3, 5, 4, 2])
    X = np.random.default_rng(0).standard_normal((3, 7))
    AL, caches = ml.forward(params, X, ["relu", "tanh", "sigmoid"])
    assert AL.shape == (2, 7) and len(caches) == 3
    assert [c.Z.shape for c in caches] == [(5, 7), (4, 7), (2, 7)]
    assert caches[0].A_prev is X


def test_grads_have_the_parameters_shapes():
    params = ml.init_params([3, 5, 4, 2])
    X = np.random.default_rng(0).standard_normal((3, 7))
    acts = ["relu", "tanh", "identity"]
    AL, caches = ml.forward(params, X, acts)
    grads = ml.backward(params, caches, AL, acts)
    assert sorted(grads) == sorted("d" + k for k in params)
    for k, v in params.items():
        assert grads["d" + k].shape == v.shape


def gradients(params, X, Y, activations):
    AL, caches = ml.forward(params, X, activations)
    return ml.backward(params, caches, ml.half_squared_error(AL, Y)[1], activations)


def test_batched_gradient_is_the_mean_of_per_example_gradients():
    rng = np.random.default_rng(7)
    params = ml.init_params([3, 6, 2], seed=7)
    acts = ["tanh", "identity"]
    m = 9
    X, Y = rng.standard_normal((3, m)), rng.standard_normal((2, m))
    batched = gradients(params, X, Y, acts)
    singles = [gradients(params, X[:, [i]], Y[:, [i]], acts) for i in range(m)]
    for k in batched:
        np.testing.assert_allclose(batched[k], np.mean([g[k] for g in singles], axis=0), rtol=1e-12, atol=1e-14)


def test_batched_forward_is_the_column_by_column_forward():
    rng = np.random.default_rng(8)
    params = ml.init_params([3, 6, 2], seed=8)
    X = rng.standard_normal((3, 10))
    AL = ml.predict(params, X, ["relu", "sigmoid"])
    for i in range(10):
        np.testing.assert_allclose(AL[:, [i]], ml.predict(params, X[:, [i]], ["relu", "sigmoid"]), rtol=1e-12)


def test_gradient_scale_does_not_grow_with_m():
    params = ml.init_params([2, 8, 1], seed=3)
    acts = ["tanh", "identity"]
    norms = []
    for m in (1, 10, 100, 1000, 10000):
        X, Y = ml.sine(m=m, noise=0.1, seed=3)
        X = np.vstack([X, X**2])
        norms.append(np.linalg.norm(gradients(params, X, Y, acts)["dW1"]))
    # Averaging over m keeps the size put: every norm within a factor 3 of the m = 10000 one.
    assert all(n / norms[-1] < 3 for n in norms[1:]), norms
    assert max(norms[2:]) / min(norms[2:]) < 1.5, norms


def test_init_params_shapes_and_reproducibility():
    p = ml.init_params([4, 3, 2], seed=5)
    assert sorted(p) == ["W1", "W2", "b1", "b2"]
    assert p["W1"].shape == (3, 4) and p["b1"].shape == (3, 1)
    assert p["W2"].shape == (2, 3) and p["b2"].shape == (2, 1)
    q = ml.init_params([4, 3, 2], seed=5)
    for k in p:
        assert p[k].tobytes() == q[k].tobytes()
    assert not np.array_equal(p["W1"], ml.init_params([4, 3, 2], seed=6)["W1"])
    assert ml.layer_sizes_of(p) == [4, 3, 2]


def test_init_scales():
    he = ml.init_params([400, 300], seed=0, init="he")["W1"]
    xavier = ml.init_params([400, 300], seed=0, init="xavier")["W1"]
    assert he.var() == pytest.approx(2 / 400, rel=0.05)
    assert xavier.var() == pytest.approx(2 / 700, rel=0.05)


def test_sgd_update_does_not_mutate_and_follows_the_rule():
    params = ml.init_params([2, 3, 1], seed=0)
    before = {k: v.copy() for k, v in params.items()}
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    new = ml.sgd_update(params, grads, lr=0.5)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
        np.testing.assert_allclose(new[k], before[k] - 0.5)
        assert new[k] is not params[k]


@pytest.mark.parametrize("dataset, sizes, acts, lr, epochs", [
    ("xor", [2, 4, 1], ["tanh", "sigmoid"], 1.0, 1500),
    ("moons", [2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], 0.5, 600),
])
def test_train_reaches_full_training_accuracy(dataset, sizes, acts, lr, epochs):
    X, Y = ml.load_dataset(dataset, m=200, noise=0.1, seed=0)
    params, history = ml.train(ml.init_params(sizes, seed=0), X, Y, acts, loss="binary_cross_entropy",
                               lr=lr, epochs=epochs, batch_size=32, seed=0, progress=False)
    assert not history.diverged
    assert history.loss[-1] < history.loss[0] / 10
    assert ml.accuracy(ml.predict(params, X, acts), Y) == 1.0


def test_xor_truth_table_with_squared_error():
    X, Y = ml.xor(m=4, noise=0.0)
    np.testing.assert_array_equal(X, [[0, 0, 1, 1], [0, 1, 0, 1]])
    np.testing.assert_array_equal(Y, [[0, 1, 1, 0]])
    params, history = ml.train(ml.init_params([2, 3, 1], seed=0), X, Y, ["tanh", "sigmoid"],
                               lr=2.0, epochs=3000, progress=False)
    assert ml.accuracy(ml.predict(params, X, ["tanh", "sigmoid"]), Y) == 1.0
    assert history.epochs == 3000 and history.steps == 3000 and len(history.loss) == 3000


def test_train_is_deterministic():
    X, Y = ml.moons(m=100, seed=1)
    runs = [ml.train(ml.init_params([2, 8, 1], seed=2), X, Y, ["relu", "sigmoid"], loss="binary_cross_entropy",
                     lr=0.3, epochs=50, batch_size=16, seed=9, progress=False) for _ in range(2)]
    assert runs[0][1].loss == runs[1][1].loss
    for k in runs[0][0]:
        assert runs[0][0][k].tobytes() == runs[1][0][k].tobytes()
    other = ml.train(ml.init_params([2, 8, 1], seed=2), X, Y, ["relu", "sigmoid"], loss="binary_cross_entropy",
                     lr=0.3, epochs=50, batch_size=16, seed=10, progress=False)
    assert other[1].loss != runs[0][1].loss  # the seed drives the shuffling


def test_steps_count_mini_batches():
    X, Y = ml.moons(m=100)
    _, history = ml.train(ml.init_params([2, 4, 1]), X, Y, ["tanh", "sigmoid"], epochs=3, batch_size=32, progress=False)
    assert history.epochs == 3 and history.steps == 3 * 4  # 32 + 32 + 32 + 4


def test_float32_stays_float32():
    X, Y = ml.moons(m=64)
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    params = ml.init_params([2, 8, 8, 1], dtype=np.float32)
    acts = ["relu", "tanh", "sigmoid"]
    AL, caches = ml.forward(params, X32, acts)
    assert AL.dtype == np.float32 and all(c.Z.dtype == np.float32 for c in caches)
    for loss in (ml.half_squared_error, ml.binary_cross_entropy):
        J, dAL = loss(AL, Y32)
        assert dAL.dtype == np.float32
        grads = ml.backward(params, caches, dAL, acts)
        assert all(g.dtype == np.float32 for g in grads.values())
        assert all(v.dtype == np.float32 for v in ml.sgd_update(params, grads, 0.1).values())
    trained, _ = ml.train(params, X, Y, acts, loss="binary_cross_entropy", epochs=5, batch_size=16, progress=False)
    assert all(v.dtype == np.float32 for v in trained.values())


def test_divergence_stops_with_a_message_naming_the_learning_rate(capsys, recwarn):
    X, Y = ml.sine(m=50)
    params, history = ml.train(ml.init_params([1, 16, 1]), X, Y, ["relu", "identity"], lr=50.0, epochs=100,
                               progress=False)
    out = capsys.readouterr().out
    assert history.diverged and history.epochs < 100
    assert "learning rate" in out and "lr = 50" in out and "too" in out
    assert all(np.all(np.isfinite(v)) for v in params.values())
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    with pytest.raises(ml.TrainingDiverged, match="learning rate"):
        ml.train(ml.init_params([1, 16, 1]), X, Y, ["relu", "identity"], lr=50.0, epochs=100,
                 progress=False, on_diverge="raise")


def test_callback_sees_every_epoch_and_can_stop():
    X, Y = ml.xor(m=8)
    seen = []

    def callback(epoch, params, history):
        seen.append((epoch, history.epochs, len(history.loss)))
        return epoch == 5

    _, history = ml.train(ml.init_params([2, 3, 1]), X, Y, ["tanh", "sigmoid"], epochs=20, callback=callback,
                          progress=False)
    assert seen == [(e, e, e) for e in range(1, 6)] and history.epochs == 5


def test_progress_bar_shows_and_stays_quiet(capsys):
    X, Y = ml.xor(m=8)
    ml.train(ml.init_params([2, 3, 1]), X, Y, ["tanh", "sigmoid"], epochs=600)
    out = capsys.readouterr().out
    assert "epoch 600/600" in out and "loss" in out
    ml.train(ml.init_params([2, 3, 1]), X, Y, ["tanh", "sigmoid"], epochs=600, progress=False)
    assert capsys.readouterr().out == ""
    ml.train(ml.init_params([2, 3, 1]), X, Y, ["tanh", "sigmoid"], epochs=20)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", list(ml.DATASETS))
def test_datasets_are_columns_and_deterministic(name):
    X, Y = ml.load_dataset(name, m=50, noise=0.2, seed=4)
    assert X.shape == ((1 if name == "sine" else 2), 50) and Y.shape == (1, 50)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    X2, Y2 = ml.load_dataset(name, m=50, noise=0.2, seed=4)
    assert X.tobytes() == X2.tobytes() and Y.tobytes() == Y2.tobytes()
    assert not np.array_equal(X, ml.load_dataset(name, m=50, noise=0.2, seed=5)[0])
    regression = name in ml.data.datasets.REGRESSION
    if not regression:
        assert set(np.unique(Y)) == {0.0, 1.0}
    quiet = ml.load_dataset(name, m=50, noise=0.0, seed=4)
    noisy = ml.load_dataset(name, m=50, noise=0.5, seed=4)
    changed = 1 if regression else 0  # the regression sets' noise is on y, the others' on x
    assert not np.allclose(quiet[changed], noisy[changed])
