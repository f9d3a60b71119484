"""training.py: train and Run (epochs, mini-batch steps, callbacks, progress, determinism, test losses), what
they learn, and divergence: when training stops, and whether its message blames the learning rate, the data,
the parameters or the pairing of output and loss."""

import contextlib
import io

import numpy as np
import pytest
from helpers import ACTS, message, moons_run, one_hot_columns, same_params

import mlp_lessons as ml


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


def test_train_learns_three_classes_with_softmax():
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 3, 150)
    centres = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    X = centres[:, labels] + 0.5 * rng.standard_normal((2, 150))
    Y = one_hot_columns(labels, 3)
    params = ml.init_params([2, 8, 3], seed=0)
    params, history = ml.train(params, X, Y, ["relu", "softmax"], loss="softmax_cross_entropy",
                               lr=0.5, epochs=50, batch_size=16)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert ml.accuracy(ml.predict(params, X, ["relu", "softmax"]), Y) > 0.97


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


def test_bad_training_settings(net):
    params, X, Y = net
    with pytest.raises(ValueError, match="epochs must be a non-negative integer"):
        ml.train(params, X, Y, ACTS, epochs=2.5)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        ml.train(params, X, Y, ACTS, batch_size=0)


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


@pytest.fixture
def moons():
    return ml.load_dataset("moons", m=200, seed=0)


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


def test_divergence_message_checks_its_arguments(net):
    params, X, _ = net
    nan = {**params, "W1": params["W1"] * np.nan}

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


# ---- issue 21: parameters set by hand, NaN weights ------------------------------------------------

def _hills_run(lr):
    X, Y = ml.load_dataset("hills", m=200, noise=0.1, seed=0)
    X = ml.input_features(X, ["x1", "x2", "x1^2", "x2^2"])
    return ml.Run(ml.init_params([4, 1], seed=0, init="xavier"), X, Y, ["identity"], lr=lr, batch_size=16, seed=0)


def test_the_loss_grows_from_the_loss_after_the_latest_edit_not_from_before_training():
    run = _hills_run(0.003).train(2)
    before_edit = run.history.start_loss
    run.set_weight(1, 0, 2, 10.0)  # the loss jumps past MAX_LOSS_GROWTH times the start: the edit's doing
    assert run.loss_on(run.X, run.Y) > ml.training.MAX_LOSS_GROWTH * before_edit
    run.train(10)
    assert not run.diverged and run.history.epochs == 12 and run.history.loss[-1] < run.history.loss[2] / 100
    assert run.history.start_loss == before_edit  # still the loss before training


def test_parameters_assigned_by_hand_are_an_edit_too_and_a_real_blow_up_is_still_caught():
    run = _hills_run(0.003).train(2)
    W1 = run.params["W1"].copy()
    W1[0, 2] = 10.0
    run.params = {**run.params, "W1": W1}
    assert not run.train(5).diverged
    late = _hills_run(0.3).train(1).set_weight(1, 0, 2, 10.0).train(20)  # lr = 0.3 overshoots from there
    assert late.diverged and "probably too large" in late.history.message


def test_a_step_that_blows_up_leaves_finite_parameters_and_says_which():
    """L2 at rate 10 with lr = 10: the loss of step 10 is NaN, and the weights before it were already huge."""
    X, Y = ml.load_dataset("moons", m=200, noise=0.1, seed=0)
    run = ml.Run(ml.init_params([2, 8, 8, 1], seed=0, init="he"), X, Y, ["relu", "relu", "sigmoid"],
                 loss="binary_cross_entropy", optimizer=ml.GradientDescent(lr=10.0, regularization="L2", rate=10.0),
                 batch_size=16, seed=0).train(20)
    message = run.history.message
    assert run.diverged and "the loss became nan" in message and "(the parameters go back to the start of this epoch" in message
    assert all(np.all(np.isfinite(value)) for value in run.params.values()) and np.isfinite(run.loss_on(X, Y))
    X, Y = np.array([[1e160, -1e160]]), np.array([[0.0, 0.0]])  # J is finite, the update overflows to inf
    run = ml.Run({"W1": np.array([[1e-160]]), "b1": np.zeros((1, 1))}, X, Y, ["identity"], lr=1e200).train(2)
    assert run.diverged and "W1 has grown to inf" in run.history.message and run.params["W1"][0, 0] == 1e-160


def test_parameters_set_by_hand_must_be_finite():
    """A NaN or inf set by hand could only blow up, and the message would blame the learning rate."""
    X, Y = ml.moons(m=60, noise=0.1, seed=0)
    run = ml.Run(ml.init_params([2, 4, 1], seed=0), X, Y, ["tanh", "sigmoid"], loss="binary_cross_entropy",
                 lr=0.3, batch_size=16)
    for value in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match=r"W1\[0, 0\] = .*must be finite numbers"):
            run.set_weight(1, 0, 0, value)
    assert np.isfinite(run.params["W1"]).all()
