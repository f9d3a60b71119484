"""The playground without a browser: drive its methods and its controls' values, check the state."""

import asyncio
import itertools

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.playgrounds.settings import CONTROLS, MAX_SEED, OUTPUTS
from mlp_lessons.playgrounds import state as state_module
from mlp_lessons.playgrounds.state import PlaygroundState, slider_advice
from mlp_lessons.playgrounds.view import PlaygroundView
from mlp_lessons.playgrounds.widget import Playground


def diverging(**kw):
    """Settings that blow up within a few epochs: a linear output, squared error, lr = 10."""
    settings = dict(activation="relu", output="identity", loss="half_squared_error", lr=10.0,
                    hidden=[32, 32, 32, 32], batch_size=200)
    return ml.playground(**{**settings, **kw})


def same_run(a, b) -> bool:
    """Bit for bit: parameters, losses, counters and messages."""
    return (
        set(a.params) == set(b.params)
        and all(a.params[k].tobytes() == b.params[k].tobytes() for k in a.params)
        and (a.history.loss, a.history.end_loss, a.history.test_loss) == (b.history.loss, b.history.end_loss, b.history.test_loss)
        and (a.epochs, a.steps, a.diverged, a.message) == (b.epochs, b.steps, b.diverged, b.message)
    )


def recreated(pg):
    return eval(pg.code_line(), {"ml": ml})


def test_default_run_learns_and_counts():
    pg = ml.playground()
    assert pg.layer_sizes == [2, 8, 8, 1]
    assert pg.activations == ["tanh", "tanh", "sigmoid"]
    assert (pg.epochs, pg.steps) == (0, 0)
    pg.epoch()
    assert (pg.epochs, pg.steps) == (1, 13)  # ceil(200 / 16) mini-batches per epoch
    first = pg.history.end_loss[0]
    pg.train(30)
    assert (pg.epochs, pg.steps) == (31, 31 * 13)
    assert len(pg.history.loss) == len(pg.history.end_loss) == len(pg.history.test_loss) == 31
    assert pg.history.end_loss[-1] < first / 2
    assert pg.accuracies()[1] > 0.9
    assert pg.status().startswith("epoch 31, step 403: train loss ")


def test_printed_code_recreates_the_run_exactly():
    pg = ml.playground(dataset="circles", noise=0.05, hidden=[5], activation="relu", lr=0.5, batch_size=7, seed=3,
                       features=["x1", "x2", "x1^2"], regularization="L1", reg_rate=0.003)
    pg.train(12)
    namespace = {}
    exec(pg.code(), namespace)
    for name in pg.params:
        np.testing.assert_array_equal(namespace["params"][name], pg.params[name])
    assert namespace["history"].loss == pg.history.loss
    again = recreated(pg)
    assert same_run(again, pg) and again.code_line() == pg.code_line()


def test_weight_edits_are_part_of_the_line_of_python():
    pg = ml.playground(hidden=[3], epochs=4)
    before = pg.params["W1"].copy()
    pg.set_weight(1, 2, 0, -1.23456)
    assert pg.params["W1"][2, 0] == -1.23 and pg.epochs == 4  # rounded as printed; the run goes on
    assert np.array_equal(np.delete(pg.params["W1"].ravel(), 4), np.delete(before.ravel(), 4))
    pg.train(3)
    pg.set_weight(2, 0, 1, 0.5)
    assert pg.code_line().endswith("epochs=4).set_weight(1, 2, 0, -1.23).train(3).set_weight(2, 0, 1, 0.5)")
    assert same_run(recreated(pg), pg)
    namespace = {}
    exec(pg.code(), namespace)
    assert all(np.array_equal(namespace["params"][k], pg.params[k]) for k in pg.params)
    for bad, words in [((3, 0, 0, 1.0), "l must be a layer from 1 to L = 2"),
                       ((1, 3, 0, 1.0), "p must be in 0..2"),
                       ((1, 0, 0, 99.0), "value must be a number from -10 to 10")]:
        with pytest.raises(ValueError, match=words):
            pg.set_weight(*bad)


def test_set_starts_a_new_run_and_reset_keeps_settings():
    pg = ml.playground(epochs=5)
    pg.set(hidden=[3, 4, 5], lr=0.01234)
    assert pg.epochs == 0 and pg.layer_sizes == [2, 3, 4, 5, 1]
    assert pg.settings.lr == 0.0123  # three significant digits, as printed
    pg.train(3)
    pg.set(show_test=False, discretize=True)  # view options keep the run
    assert pg.epochs == 3
    pg.reset()
    assert pg.epochs == 0 and pg.settings.hidden == (3, 4, 5)


@pytest.mark.parametrize(
    "bad, words",
    [
        (dict(hidden=[8] * 5), "0 to 4 hidden layers"),
        (dict(hidden=[0]), "each from 1 to 32"),
        (dict(lr=0), "learning rate alpha must be a positive number"),
        (dict(lr=100), "lr must be a number from"),
        (dict(dataset="digits"), "dataset must be one of"),
        (dict(batch_size=0), "batch_size must be a positive integer"),
        (dict(batch_size=True), "batch_size must be a positive integer"),
        (dict(seed=-1), "seed must be a non-negative integer"),
        (dict(seed=MAX_SEED + 1), "seed must be an integer from 0 to"),
        (dict(learning_rate=0.1), "Unknown setting 'learning_rate'"),
        (dict(features=["x1", "x3"]), "Unknown feature 'x3'"),
        (dict(features=[]), "at least one input"),
        (dict(dataset="sine", features=["x2"]), "needs an input x2"),
        (dict(regularization="L3"), "regularization must be one of"),
        (dict(regularization="L2", reg_rate=-0.1), "reg_rate must be a number from 0 to 10"),
        (dict(momentum=-0.1), "momentum must be a number from 0 to 0.99"),
        (dict(m=0), "m must be a positive integer"),
        (dict(init="ones"), "init must be one of"),
        (dict(controls=["lr", "speed"]), "controls must be a list of names"),
        (dict(dataset="hills", loss="binary_cross_entropy"), "hills is a regression data set"),
        (dict(loss="softmax_cross_entropy"), "a softmax over one unit is always 1"),
        (dict(output="softmax"), "a softmax over one unit is always 1"),
    ],
)
def test_bad_settings_say_what_to_fix(bad, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        ml.playground(**bad)


def test_softmax_with_one_output_is_refused_through_the_widget_too():
    pg = ml.playground()
    pg.widget
    with pytest.raises(Exception):  # not among the loss control's options at all
        pg.controls.panel.c["loss"].value = "softmax_cross_entropy"
    pg.controls.change(loss="softmax_cross_entropy")  # and if a value got there, it is refused in words
    assert "a softmax over one unit is always 1" in pg.controls.status.value and pg.settings.loss == "binary_cross_entropy"


def test_defaults_work_for_any_data_size():
    pg = ml.playground(m=10, epochs=3)  # the default batch of 16 is more than 10 points: the whole set
    assert pg.settings.batch_size == 10 and (pg.epochs, pg.steps) == (3, 3)
    pg = ml.playground(m=3, m_test=1, epochs=2)
    assert pg.epochs == 2
    assert same_run(recreated(pg), pg)


def test_divergence_stops_with_a_message_and_the_line_recreates_it():
    pg = diverging()
    pg.train(50)
    assert pg.diverged and pg.epochs < 50
    assert "Training stopped" in pg.message and "lr = 10 is probably too large" in pg.message
    assert all(np.all(np.isfinite(W)) for W in pg.params.values())
    assert same_run(recreated(pg), pg)  # the attempted epoch is in the line, so it diverges the same way
    epoch = pg.epochs
    pg.epoch()
    pg.step()
    pg.widget  # draws the state from before the bad step
    pg.controls.start()
    assert pg.epochs == epoch and not pg.controls.running
    assert "Training stopped" in pg.controls.status.value and "Press Reset" in pg.controls.status.value
    pg.reset()
    assert not pg.diverged and pg.message == ""


def test_cross_entropy_with_a_linear_output_names_the_pairing():
    pg = ml.playground(output="identity", loss="binary_cross_entropy", activation="relu", lr=1.0)
    assert "sigmoid" in pg.warning() and ml.playground().warning() == ""
    pg.train(30)
    assert pg.diverged and "pairing of output and loss, not the learning rate" in pg.message


def test_suggested_learning_rate_stays_on_the_slider():
    pg = ml.playground(lr=1e-4, activation="relu", output="identity", loss="half_squared_error",
                       hidden=[32, 32, 32, 32], init="random", m=50)
    assert "already the smallest offered" in pg.run.advice and "1e-05" not in pg.run.advice
    assert slider_advice(0.0003).endswith("(e.g. lr = 0.0001).")


def test_zero_start_keeps_every_hidden_unit_identical():
    pg = ml.playground(init="zeros", hidden=[4], activation="tanh", lr=0.5, epochs=20)
    assert "every unit of a hidden layer computes the same" in pg.warning()
    W1 = pg.params["W1"]
    assert np.all(W1 == W1[0]) and np.all(pg.params["W2"] == pg.params["W2"][0, 0])


def test_one_weight_set_by_hand_frees_only_its_own_unit_from_a_zero_start():
    """Lesson 7, 'All weights zero': the other units stay exact copies of each other."""
    pg = ml.playground(init="zeros", hidden=[4], activation="sigmoid", lr=0.5).set_weight(1, 0, 0, 0.5).train(100)
    W1 = pg.params["W1"]
    assert np.all(W1[1:] == W1[1]) and np.abs(W1[0] - W1[1]).min() > 0.1
    assert same_run(recreated(pg), pg)


def test_the_lessons_runs_are_recreated_bit_for_bit():
    """Lesson 7, section 3 and the diverging run: code(), executed, and the line of Python
    give the playground's parameters, history and message exactly (the lesson prints them)."""
    pg = ml.playground(dataset="circles", noise=0.2, hidden=[6, 6], activation="relu", lr=0.1, batch_size=8, seed=3)
    pg.train(60)
    namespace = {}
    exec(pg.code(), namespace)
    for name in pg.params:
        assert namespace["params"][name].tobytes() == pg.params[name].tobytes()
    assert namespace["history"].loss == pg.history.loss
    assert same_run(recreated(pg), pg)

    blown = diverging(epochs=50)
    assert blown.diverged and blown.code_line().endswith(f"epochs={blown.epochs + 1})")
    again = recreated(blown)
    assert same_run(again, blown) and again.message == blown.message


def test_regression_runs_show_the_prediction_and_no_accuracy():
    for dataset, n0 in (("sine", 1), ("hills", 2)):
        pg = ml.playground(dataset=dataset, activation="relu", lr=0.03, epochs=40)
        assert (pg.settings.output, pg.settings.loss) == ("identity", "half_squared_error")
        assert pg.layer_sizes[0] == n0 and "accuracy" not in pg.status()
        assert pg.history.end_loss[-1] < pg.history.end_loss[0]
        P = pg.view.draw(pg) and pg.predict(pg.data.X)
        assert P.shape == pg.data.Y.shape


def test_features_change_the_inputs_of_the_network():
    pg = ml.playground(dataset="circles", features=["x1^2", "x2^2"], hidden=[], lr=1.0, epochs=60)
    np.testing.assert_array_equal(pg.run.X, np.stack([pg.data.X[0] ** 2, pg.data.X[1] ** 2]))
    assert pg.accuracies()[1] > 0.95  # a linear model solves the circles on x1^2 and x2^2
    flat = ml.playground(dataset="circles", hidden=[], lr=1.0, epochs=60)
    assert flat.accuracies()[1] < 0.75


def test_regularisation_changes_the_run_and_its_status():
    free = ml.playground(noise=0.3, hidden=[16, 16], epochs=30)
    l2 = ml.playground(noise=0.3, hidden=[16, 16], regularization="L2", reg_rate=0.03, epochs=30)
    size = lambda pg: sum(float(np.sum(pg.params[f"W{l}"] ** 2)) for l in (1, 2, 3))  # noqa: E731
    assert size(l2) < size(free)
    assert "penalty" in l2.status() and "penalty" not in free.status()


def test_a_step_is_one_mini_batch_and_an_epoch_one_pass():
    """One vocabulary with Run: pg.step() one mini-batch, pg.epoch() to the end of the epoch, pg.train(n) n epochs."""
    pg = ml.playground()
    pg.step()
    assert (pg.epochs, pg.steps) == (0, 1)
    pg.step(3)
    assert (pg.epochs, pg.steps) == (0, 4)
    pg.epoch()  # the rest of this epoch
    assert (pg.epochs, pg.steps) == (1, 13)
    pg.train(2).step()
    assert (pg.epochs, pg.steps) == (3, 40)
    assert pg.code_line().endswith("epochs=0).step(4).train(3).step()")
    assert pg.status().startswith("epoch 3, step 40:")
    assert same_run(recreated(pg), pg)
    namespace = {}
    exec(pg.code(), namespace)
    assert all(namespace["params"][k].tobytes() == pg.params[k].tobytes() for k in pg.params)
    assert namespace["history"].loss == pg.history.loss


def test_a_new_learning_rate_keeps_the_data_and_the_inputs(monkeypatch):
    """A change that needs only a new update rule loads no points and computes no features again."""
    pg = ml.playground(features=["x1", "x2", "x1^2"], epochs=2)
    calls = []
    split, features = pg.source.split, state_module.input_features
    monkeypatch.setattr(pg.source, "split", lambda s: calls.append("split") or split(s))
    monkeypatch.setattr(state_module, "input_features", lambda X, names: calls.append("features") or features(X, names))
    data, inputs = pg.data, pg.state.inputs
    for change in (dict(lr=1.0), dict(momentum=0.5), dict(regularization="L2"), dict(reg_rate=0.1)):
        pg.set(**change)
        assert pg.epochs == 0 and pg.data is data and pg.state.inputs is inputs and pg.run.X is inputs[0]
    assert calls == []
    fresh = ml.playground(features=["x1", "x2", "x1^2"], lr=1.0, momentum=0.5, regularization="L2", reg_rate=0.1)
    assert same_run(pg.train(3), fresh.train(3))
    calls.clear()
    pg.set(features=["x1", "x2"])
    assert calls == ["features", "features"]  # the inputs change, the points stay
    pg.set(seed=1)
    assert calls[2:] == ["split", "features", "features"]


def test_momentum_is_a_control_that_changes_the_run_and_the_line_recreates_it():
    plain = ml.playground(hidden=[6], lr=0.1, epochs=10)
    heavy = ml.playground(hidden=[6], lr=0.1, momentum=0.9, epochs=10)
    assert heavy.history.end_loss[-1] != plain.history.end_loss[-1]
    assert type(heavy.run.optimizer).__name__ == "Momentum" and heavy.run.optimizer.beta == 0.9
    assert "momentum" not in plain.code_line() and "momentum=0.9" in heavy.code_line()
    heavy.step()
    assert same_run(recreated(heavy), heavy)
    namespace = {}
    exec(heavy.code(), namespace)
    assert "ml.Momentum(lr=0.1, beta=0.9)" in heavy.code()
    assert all(namespace["params"][k].tobytes() == heavy.params[k].tobytes() for k in heavy.params)
    with pytest.raises(ValueError, match="momentum must be a number from 0 to 0.99"):
        ml.playground(momentum=1.0)
    pg = ml.playground(controls=["lr", "momentum"])
    pg.widget
    assert set(pg.controls.panel.c) == {"lr", "momentum"}
    pg.controls.panel.c["momentum"].value = 0.5
    assert pg.settings.momentum == 0.5 and pg.run.optimizer.beta == 0.5 and "momentum=0.5" in pg.controls.code.value


def test_the_playground_is_composed_of_state_view_and_controls():
    pg = ml.playground(epochs=1)
    assert isinstance(pg.state, PlaygroundState) and isinstance(pg.view, PlaygroundView) and pg.controls is None
    assert not isinstance(pg, PlaygroundState)
    pg.widget
    assert pg.controls.panel is not None and pg.controls.points is None
    assert pg.controls.buttons["epoch"].description == "+1 epoch"
    assert pg.controls.buttons["step"].description == "+1 step"
    pg.controls.buttons["step"].click()
    assert (pg.epochs, pg.steps) == (1, 14) and "step 14" in pg.controls.counter.value
    with pytest.raises(TypeError, match="works on your own points"):
        pg.add_point(0, 0, 1)


# ---- the controls ------------------------------------------------------------------------------


def test_a_control_moved_on_the_widget_thread_waits_for_the_frame_in_progress():
    """In JupyterLab 4.4+ with ipykernel 7 a control's message runs on a thread of its own; it must
    not change the run while a training frame or a drawing holds ONE_AT_A_TIME."""
    import threading

    from mlp_lessons.figures.threads import ONE_AT_A_TIME

    pg = ml.playground()
    pg.widget
    with ONE_AT_A_TIME:
        mover = threading.Thread(target=lambda: setattr(pg.controls.panel.c["seed"], "value", 7))
        mover.start()
        mover.join(0.5)
        assert mover.is_alive() and pg.settings.seed == 0
    mover.join(10)
    assert not mover.is_alive() and pg.settings.seed == 7


def test_controls_set_the_settings_and_the_architecture():
    pg = ml.playground()
    pg.widget
    c = pg.controls.panel.c
    c["hidden_layers"].value = 3
    c["width3"].value = 17
    assert pg.layer_sizes == [2, 8, 8, 17, 1]
    assert [c[f"width{l}"].disabled for l in range(1, 5)] == [False, False, False, True]
    c["hidden_layers"].value = 0
    assert pg.layer_sizes == [2, 1] and set(pg.params) == {"W1", "b1"}
    c["lr"].value = 10 ** -2.5
    assert pg.settings.lr == 0.00316
    for name, value in [("activation", "relu"), ("loss", "half_squared_error"), ("dataset", "xor"), ("noise", 0.3),
                        ("batch_size", 50), ("seed", 7), ("output", "identity")]:
        c[name].value = value
        assert getattr(pg.settings, name) == value
    assert 'dataset="xor"' in pg.controls.code.value and "epochs=0" in pg.controls.code.value
    pg.set(hidden=[4, 6])  # and back: the controls follow set()
    assert (c["hidden_layers"].value, c["width1"].value, c["width2"].value) == (2, 4, 6)


def test_new_controls_headless():
    pg = ml.playground(epochs=2)
    pg.widget
    c = pg.controls.panel.c
    c["feature x1^2"].value = True
    assert pg.settings.features == ("x1", "x2", "x1^2") and pg.layer_sizes[0] == 3 and pg.epochs == 0
    c["feature x1"].value = False
    assert pg.settings.features == ("x2", "x1^2")
    c["regularization"].value = "L1"
    c["reg_rate"].value = 0.03
    assert (pg.settings.regularization, pg.settings.reg_rate) == ("L1", 0.03) and pg.run.optimizer.rate == 0.03
    c["ratio"].value = 20
    assert (pg.settings.m, pg.settings.m_test) == (60, 240) and c["batch_size"].max == 60
    c["init"].value = "zeros"
    assert not np.any(pg.params["W1"])
    pg.train(2)
    c["show_test"].value = False
    assert pg.epochs == 2 and not pg.view.test_points.get_visible()
    c["discretize"].value = True
    assert pg.epochs == 2 and set(np.unique(pg.view.draw(pg).axes[1].images[0].get_array())) <= {0.1, 0.9}
    c["dataset"].value = "sine"
    assert pg.settings.features == ("x1^2",) and pg.settings.output == "identity"
    assert c["feature x2"].disabled and not c["feature sin x1"].disabled
    c["dataset"].value = "gaussians"
    assert (pg.settings.output, pg.settings.loss) == ("sigmoid", "binary_cross_entropy")
    c["edit_l"].value = 2
    c["edit_p"].value = 0
    c["edit_q"].value = 5
    c["edit_value"].value = -2.0
    assert pg.params["W2"][0, 5] == -2.0 and ".set_weight(2, 0, 5, -2.0)" in pg.controls.code.value
    c["edit_q"].value = 4  # picking another weight shows its value
    assert c["edit_value"].value == float(pg.params["W2"][0, 4])


def test_a_refused_combination_is_shown_and_the_controls_go_back():
    pg = ml.playground(dataset="hills")
    pg.widget
    c = pg.controls.panel.c
    c["loss"].value = "binary_cross_entropy"
    assert "regression data set" in pg.controls.status.value
    assert pg.settings.loss == "half_squared_error" and c["loss"].value == "half_squared_error"
    c["feature x1"].value = False
    c["feature x2"].value = False  # the last feature cannot go
    assert pg.settings.features == ("x2",) and c["feature x2"].value and "at least one input" in pg.controls.status.value


def test_teacher_chooses_the_controls_and_the_line_keeps_them():
    pg = ml.playground(controls=["lr", "hidden"])
    pg.widget
    assert set(pg.controls.panel.c) == {"lr", "hidden_layers", "width1", "width2", "width3", "width4"}
    assert 'controls=["hidden", "lr"]' in pg.code_line()
    assert recreated(pg).settings.controls == ("hidden", "lr")
    everything = ml.playground()
    everything.widget
    assert {"dataset", "feature sin x2", "regularization", "reg_rate", "ratio", "init", "show_test",
            "discretize", "edit_value"} <= set(everything.controls.panel.c)
    for name in CONTROLS:  # each control alone
        one = ml.playground(controls=[name])
        one.widget
        assert set(one.controls.panel.rows) == {name}


def test_buttons_step_and_reset_redraw_the_picture():
    pg = ml.playground()
    pg.widget
    before = pg.controls.image.value
    pg.controls.buttons["epoch"].click()
    assert (pg.epochs, pg.steps) == (1, 13)
    assert pg.controls.image.value != before
    assert "epoch 1" in pg.controls.counter.value and "step 13" in pg.controls.counter.value
    for _ in range(5):
        pg.controls.buttons["epoch"].click()
    assert pg.epochs == 6
    pg.controls.buttons["reset"].click()
    assert (pg.epochs, pg.steps) == (0, 0)
    assert pg.controls.image.value == before  # same seed, same fresh start, same picture


def test_feature_and_regularisation_change_the_picture():
    pg = ml.playground(epochs=10)
    pg.widget
    pictures = [pg.controls.image.value]
    pg.controls.panel.c["feature x1*x2"].value = True
    pg.train(10)
    pictures.append(pg.controls.image.value)
    pg.controls.panel.c["regularization"].value = "L2"
    pg.controls.panel.c["reg_rate"].value = 0.3
    pg.train(10)
    pictures.append(pg.controls.image.value)
    assert len(set(pictures)) == 3


def test_every_neuron_has_its_map_in_the_picture():
    pg = ml.playground(hidden=[32, 32, 32, 32], features=list(ml.FEATURES), epochs=1)
    fig = pg.figure()
    from mlp_lessons.figures.plots import _drawn

    canvas = _drawn(pg.view.ax_net, "network")["canvas"]
    assert len(canvas["rows"]) == 7 + 4 * 32 + 1
    assert pg.view.to_data(*_pixel_of(fig, pg.view.ax_out, (0.0, 0.0))) == pytest.approx((0.0, 0.0), abs=0.05)
    assert pg.view.to_data(2, 2) is None


def _pixel_of(fig, ax, point):
    x, y = ax.transData.transform(point)
    return x, fig.bbox.height - y


def test_the_view_only_reads_the_state():
    state = PlaygroundState(dataset="spirals", epochs=3)
    before = {k: v.copy() for k, v in state.params.items()}
    view = PlaygroundView()
    assert view.png(state)[:4] == b"\x89PNG"
    assert all(np.array_equal(before[k], state.params[k]) for k in before) and state.epochs == 3


# ---- training continuously ---------------------------------------------------------------------


def test_train_button_runs_in_the_event_loop_until_pause():
    pg = ml.playground()
    pg.widget
    train = pg.controls.buttons["train"]

    async def session():
        train.click()
        assert pg.controls.running and train.description == "Pause"
        for _ in range(300):
            await asyncio.sleep(0.01)
            if pg.epochs >= 10:
                break
        pg.controls.panel.c["lr"].value = 0.1  # a slider moved while training: a new run, still training
        assert pg.controls.running and pg.settings.lr == 0.1
        await asyncio.sleep(0.05)
        train.click()
        if pg.controls.task is not None:
            await pg.controls.task

    asyncio.run(session())
    assert not pg.controls.running and train.description == "Train"
    assert pg.epochs > 0 and pg.settings.lr == 0.1
    assert same_run(recreated(pg), pg)


def test_run_stops_by_itself_on_divergence():
    pg = diverging()
    pg.widget
    asyncio.run(pg.controls.run(max_epochs=100))
    assert pg.diverged and not pg.controls.running
    assert "Training stopped" in pg.controls.status.value


def test_run_max_epochs():
    pg = ml.playground()
    pg.widget
    asyncio.run(pg.controls.run(max_epochs=12))
    assert pg.epochs == 12 and not pg.controls.running


def test_train_button_without_an_event_loop_trains_a_burst():
    pg = ml.playground()
    pg.widget
    pg.controls.buttons["train"].click()
    assert pg.epochs == 50 and not pg.controls.running


def test_an_error_while_training_continuously_is_shown_not_lost(monkeypatch):
    pg = ml.playground()
    pg.widget

    def broken(epochs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pg, "train", broken)
    asyncio.run(pg.controls.run())  # not raised on: it would land as "Task exception was never retrieved" in any cell
    assert not pg.controls.running
    assert "Training stopped by an error: RuntimeError(&#x27;boom&#x27;)" in pg.controls.status.value


# ---- the grid of extremes ----------------------------------------------------------------------


def test_every_control_at_its_extremes_never_raises_and_every_line_recreates_its_run():
    """The min and max of every numeric control, with every choice of the others; each run re-created from its line."""
    pg = ml.playground()
    pg.widget
    c = pg.controls.panel.c
    numeric = {
        "noise": (c["noise"].min, c["noise"].max),
        "hidden_layers": (0, 4),
        "width": (1, 32),
        "lr": (10 ** c["lr"].min, 10 ** c["lr"].max),
        "batch_size": ("min", "max"),
        "seed": (0, MAX_SEED),
    }
    fewest, most = ["x1"], {1: ["x1", "x1^2", "sin x1"], 2: list(ml.FEATURES)}  # (most by number of inputs)
    regularizations = [(None, 0.0), ("L1", 10.0), ("L2", 10.0), ("L1", 0.0001), ("L2", 0.0001)]
    choices = list(itertools.product(ml.ACTIVATIONS, OUTPUTS, ("binary_cross_entropy", "half_squared_error")))
    datasets = list(ml.DATASETS)
    diverged = 0
    for k, values in enumerate(itertools.product(*numeric.values())):
        point = dict(zip(numeric, values))
        activation, output, loss = choices[k % len(choices)]
        dataset = datasets[k % len(datasets)]
        if dataset in ("sine", "hills"):
            output, loss = ("identity", "half_squared_error") if k % 2 else ("sigmoid", "half_squared_error")
        with pg.hold():  # each change still starts a new run; one drawing at the end
            c["dataset"].value = dataset
            pg.set(activation=activation, output=output, loss=loss,
                   features=fewest if k // 2 % 2 else most[1 if dataset == "sine" else 2],
                   regularization=regularizations[k % 5][0], reg_rate=regularizations[k % 5][1],
                   init=("random", "zeros")[k // 4 % 2], show_test=bool(k % 3), discretize=bool(k // 3 % 2),
                   view=("weights", "gradients")[k // 5 % 2])
            c["ratio"].value = (10, 90)[k // 8 % 2]
            for name in ("noise", "hidden_layers", "lr", "seed"):
                c[name].value = point[name]
            c["batch_size"].value = 1 if point["batch_size"] == "min" else c["batch_size"].max
            for l in range(1, 5):
                c[f"width{l}"].value = point["width"]
            assert pg.layer_sizes == [len(pg.settings.features)] + [point["width"]] * point["hidden_layers"] + [1]
            assert pg.controls.error == "", pg.controls.error
            pg.controls.buttons["epoch"].click()
            pg.controls.buttons["epoch"].click()
        assert pg.epochs == 2 or pg.diverged
        diverged += pg.diverged
        assert bytes(pg.controls.image.value[:4]) == b"\x89PNG"
        again = PlaygroundState(**_call_arguments(pg.code_line()))
        assert same_run(again, pg), pg.code_line()
    assert diverged > 0  # the grid does reach divergence, and those runs are re-created too


def _call_arguments(line: str) -> dict:
    """The keyword arguments of ml.playground(...) in a line without chained calls."""
    assert line.startswith("ml.playground(") and line.endswith(")") and ")." not in line
    return eval("dict(" + line[len("ml.playground("):], {})


def test_playground_class_is_exported_lazily():
    assert ml.Playground is Playground
    assert isinstance(ml.playground(), Playground)


def test_train_runs_in_a_real_kernel_between_cells():
    """In ipykernel the Train task shares the kernel's event loop: it trains while the kernel is idle."""
    import time

    import ipykernel.kernelspec
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = ipykernel.kernelspec.get_kernel_dict()
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES, **spec)

    km = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)

        def run(code):
            reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: outputs.append(msg))
            assert reply["content"]["status"] == "ok", reply["content"]

        outputs = []
        run("import mlp_lessons as ml\npg = ml.playground()\npg.widget\npg.controls.buttons['train'].click()")
        time.sleep(2.0)  # the kernel is idle: only the training task runs now
        outputs.clear()
        run("print(pg.controls.running, pg.epochs > 5, pg.controls.buttons['train'].description)")
        assert "True True Pause" in "".join(m["content"].get("text", "") for m in outputs)
        run("pg.controls.buttons['train'].click()")
        time.sleep(1.0)
        outputs.clear()
        run("e = pg.epochs\nimport time; time.sleep(0.5)\nprint(pg.controls.running, pg.epochs == e, pg.controls.buttons['train'].description)")
        assert "False True Train" in "".join(m["content"].get("text", "") for m in outputs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def assert_redraws_match_fresh(pg, changes) -> None:
    """After each change and 1, then 30 more epochs, pg's picture (redrawn onto its saved background)
    is nearly to the pixel the one a fresh view draws of the same state."""
    import io

    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)

    for change in changes:
        pg.set(**change)
        for epochs in (1, 30):
            pg.train(epochs)
            live, fresh = pixels(pg.png()), pixels(PlaygroundView().png(pg))
            differ = np.mean(np.any(live != fresh, axis=2))
            assert differ < 0.002, (change, epochs, differ)


def test_the_redrawn_picture_matches_one_drawn_from_scratch():
    """Each frame redraws only what moves onto a saved background; after any sequence of changes
    the picture must be (nearly to the pixel) the one a fresh view draws of the same state."""
    assert_redraws_match_fresh(ml.playground(lr=0.1), (
        dict(), dict(hidden=[3]), dict(dataset="hills"), dict(features=["x1", "sin x2"]), dict(dataset="sine"),
        dict(dataset="circles", hidden=[32, 32, 32, 32]), dict(discretize=True)))


def _backward_of(params, Xb, Yb, activations):
    """The lessons' way, spelled out: forward, dJ/dA[L] from the loss, ml.backward; and dJ/dZ[l] by
    boxed equations 1 and 4, layer by layer (a reference of the test's own for what backward keeps)."""
    AL, caches = ml.forward(params, Xb, activations)
    _, dAL = ml.binary_cross_entropy(AL, Yb)
    grads = ml.backward(params, caches, dAL, activations)
    dZ = {len(caches): (AL - Yb) / Yb.shape[1]}  # sigmoid output with cross-entropy
    for l in range(len(caches) - 1, 0, -1):
        dA = params[f"W{l + 1}"].T @ dZ[l + 1]
        dZ[l] = dA * ml.get_activation(activations[l - 1]).phi_prime(caches[l - 1].Z)
    return grads, dZ


def test_the_gradients_view_shows_backward_of_the_latest_mini_batch():
    pg = ml.playground(dataset="circles", hidden=[5, 4], activation="relu", epochs=2, view="gradients")
    assert pg.settings.batch_size < pg.settings.m  # several mini-batches an epoch
    for _ in range(3):
        params, (Xb, Yb) = pg.params, pg.run.batch()  # before the step: its parameters and its batch
        pg.step()
        grads, dZ = _backward_of(params, Xb, Yb, pg.activations)
        dz_shown, dW_shown = pg.state.gradients()
        for l in (1, 2, 3):
            np.testing.assert_allclose(dW_shown[l - 1], np.abs(grads[f"dW{l}"]), rtol=1e-9, atol=1e-15)
            np.testing.assert_allclose(dz_shown[l - 1], np.mean(np.abs(dZ[l]), axis=1), rtol=1e-9, atol=1e-15)
        pg.png()
        view = pg.view
        # The key gives the largest box's value and the widest line's |dJ/dW|; the widest line is drawn 3.3 wide.
        assert view.gradient_panels.key_numbers[1].get_text() == f"{max(v.max() for v in dz_shown):.2g}"
        assert view.gradient_panels.key_numbers[2].get_text() == f"{max(W.max() for W in dW_shown):.2g}"
        lines = view.ax_net.collections[0]
        assert np.max(lines.get_linewidth()) == pytest.approx(3.3)
    assert "gradients" in view.titles[view.ax_net].get_text() and "|dJ/dz|" in view.titles[view.ax_net].get_text()


def test_before_any_step_the_gradients_view_says_so():
    pg = ml.playground(view="gradients")
    assert pg.state.gradients() is None and pg.state.grad_norms == []
    assert pg.png()[:4] == b"\x89PNG"
    assert "no step yet" in pg.view.gradient_panels.key_numbers[1].get_text()


def test_the_view_toggle_changes_the_picture_not_the_run():
    pg = ml.playground(dataset="xor", hidden=[6, 6], epochs=3)
    pg.step()
    line, params, weights_png = pg.code_line(), pg.params, pg.png()
    pg.set(view="gradients")
    assert pg.code_line() == line and pg.params is params and (pg.epochs, pg.steps) == (3, 3 * 13 + 1)
    gradients_png = pg.png()
    assert gradients_png != weights_png
    pg.set(view="weights")
    assert pg.png() == weights_png  # back to the same picture, to the pixel
    # The line never names the view, and re-creates the run bit for bit from either view.
    for view in ("weights", "gradients"):
        again = ml.playground(dataset="xor", hidden=[6, 6], epochs=3, view=view).step()
        assert again.code_line() == line and "view" not in line
        assert same_run(recreated(again), pg) and same_run(again, pg)


def test_the_view_is_a_control_a_teacher_can_show():
    pg = ml.playground(controls=["lr", "view"], epochs=1)
    pg.widget
    c = pg.controls.panel.c
    assert set(c) == {"lr", "view"} and "view" in CONTROLS
    before, params = pg.controls.image.value, pg.params
    c["view"].value = "gradients"
    assert pg.settings.view == "gradients" and pg.params is params and pg.epochs == 1
    assert pg.controls.image.value != before
    assert 'controls=["lr", "view"]' in pg.code_line() and "view=" not in pg.code_line()


def test_the_gradient_norms_have_one_entry_per_epoch():
    pg = ml.playground(hidden=[8, 8, 8], view="gradients")
    pg.train(4)
    assert len(pg.state.grad_norms) == 4
    pg.step()  # mid-epoch: no new entry
    assert len(pg.state.grad_norms) == 4
    pg.epoch()
    norms = pg.state.grad_norms
    assert len(norms) == pg.epochs == 5 and all(n.shape == (4,) for n in norms)
    # the last entry is the norm of each dJ/dW[l] of that epoch's last step (the latest one)
    np.testing.assert_array_equal(norms[-1], [np.linalg.norm(pg.run.grads[f"dW{l}"]) for l in range(1, 5)])
    pg.png()
    assert [line.get_label() for line in pg.view.ax_norm.lines] == ["W[1]", "W[2]", "W[3]", "W[4]"]
    assert all(len(line.get_xdata()) == 5 for line in pg.view.ax_norm.lines)
    assert pg.view.ax_norm.get_yscale() == "log"
    # whole-batch steps: every step ends an epoch
    whole = ml.playground(batch_size=200)
    whole.step(3)
    assert whole.epochs == 3 and len(whole.state.grad_norms) == 3
    whole.reset()
    assert whole.state.grad_norms == []


def test_the_gradients_view_redrawn_matches_one_drawn_from_scratch():
    assert_redraws_match_fresh(ml.playground(lr=0.1, view="gradients"), (
        dict(), dict(hidden=[3]), dict(view="weights"), dict(view="gradients"), dict(dataset="sine"),
        dict(dataset="circles", hidden=[32, 32, 32, 32]), dict(view="weights")))


# ---- issue 21: a weight edit, NaN weights, one source of advice ----------------------------------

HILLS_EDIT = dict(dataset="hills", features=["x1", "x2", "x1^2", "x2^2"], hidden=[], epochs=2)


def test_a_weight_set_by_hand_is_the_new_start_of_the_loss_growth_rule():
    """W[1]_02 := 10 raises the loss 100-fold (0.24 -> 860): that is the edit, not the learning rate."""
    pg = ml.playground(**HILLS_EDIT, lr=0.003).set_weight(1, 0, 2, 10.0)
    assert pg.run.loss_on(pg.run.X, pg.run.Y) > 100 * pg.history.end_loss[-1]
    pg.train(10)
    assert not pg.diverged and pg.message == "" and pg.epochs == 12
    assert 400 < pg.history.loss[2] < 500 and pg.history.end_loss[-1] < 1.0  # 446 after the edit, 0.87 ten epochs on
    small = ml.playground(**HILLS_EDIT, lr=1e-4).set_weight(1, 0, 2, 10.0).train(10)
    assert not small.diverged and "smallest offered" not in small.message


def test_a_real_divergence_after_a_weight_edit_is_still_blamed_on_the_learning_rate():
    pg = ml.playground(**HILLS_EDIT, lr=0.003).set_weight(1, 0, 2, 10.0).set(lr=10.0)
    pg.set_weight(1, 0, 2, 10.0).train(10)
    assert pg.diverged and "lr = 10 is probably too large" in pg.message


def test_a_diverged_run_keeps_finite_parameters_and_says_so():
    """L2 at rate 10 with lr = 10: a step's loss is NaN, and the weights before it had already blown up."""
    pg = ml.playground(hidden=[8, 8], activation="relu", regularization="L2", reg_rate=10.0, lr=10.0, epochs=20)
    assert pg.diverged and "the loss became nan" in pg.message and "the parameters go back to" in pg.message
    assert all(np.all(np.isfinite(value)) and np.max(np.abs(value)) < 1e8 for value in pg.params.values())
    status = pg.status()
    assert "nan" not in status and "accuracy 0.0%" not in status, status


def test_the_printed_code_gives_the_playgrounds_divergence_advice():
    pg = ml.playground(**HILLS_EDIT, lr=1e-4).set_weight(1, 0, 2, 10.0).train(3)
    namespace = {}
    exec(pg.code(), namespace)
    run = namespace["run"]
    assert "run.set_weight(1, 0, 2, 10.0)" in pg.code()
    assert run.advice == pg.run.advice and "already the smallest offered" in run.advice
    assert namespace["history"].loss == pg.history.loss
    blown = diverging().train(50)
    namespace = {}
    exec(blown.code(), namespace)
    assert blown.diverged and namespace["history"].message == blown.message
