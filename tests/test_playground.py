"""The playground without a browser: drive its methods and its controls' values, check the state."""

import asyncio
import itertools

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.playground_widget import ACTIVATIONS, DATASETS, DEFAULTS, MAX_SEED, OUTPUTS, Playground


def diverging():
    """Settings that blow up within a few epochs: a linear output, squared error, lr = 10."""
    return ml.playground(activation="relu", output="identity", loss="half_squared_error", lr=10.0, hidden=[32, 32, 32, 32], batch_size=200)


def test_default_run_learns_and_counts():
    pg = ml.playground()
    assert pg.layer_sizes == [2, 8, 8, 1]
    assert pg.activations == ["tanh", "tanh", "sigmoid"]
    assert (pg.epoch, pg.steps) == (0, 0)
    pg.step()
    assert (pg.epoch, pg.steps) == (1, 13)  # ceil(200 / 16) mini-batches per epoch
    first = pg.history.loss[0]
    pg.train(30)
    assert (pg.epoch, pg.steps) == (31, 31 * 13)
    assert len(pg.history.loss) == len(pg.test_loss) == 31
    assert pg.history.loss[-1] < first / 2
    assert pg.accuracies()[1] > 0.9
    assert pg.status().startswith("epoch 31, step 403: train loss ")


def test_printed_code_recreates_the_run_exactly():
    pg = ml.playground(dataset="circles", noise=0.05, hidden=[5], activation="relu", lr=0.5, batch_size=7, seed=3)
    pg.train(12)
    again = eval(pg.code_line(), {"ml": ml})
    namespace = {}
    exec(pg.code(), namespace)
    for name in pg.params:
        np.testing.assert_array_equal(again.params[name], pg.params[name])
        np.testing.assert_array_equal(namespace["params"][name], pg.params[name])
    assert namespace["history"].loss == pg.history.loss
    assert again.code_line() == pg.code_line()


def test_set_starts_a_new_run_and_reset_keeps_settings():
    pg = ml.playground(epochs=5)
    pg.set(hidden=[3, 4, 5], lr=0.01234)
    assert pg.epoch == 0 and pg.layer_sizes == [2, 3, 4, 5, 1]
    assert pg.settings["lr"] == 0.0123  # three significant digits, as printed
    pg.train(3)
    W1 = pg.params["W1"].copy()
    pg.reset()
    assert pg.epoch == 0 and pg.settings["hidden"] == [3, 4, 5]
    assert not np.array_equal(W1, pg.params["W1"])


@pytest.mark.parametrize(
    "bad, words",
    [
        (dict(hidden=[8] * 5), "0 to 4 hidden layers"),
        (dict(hidden=[0]), "each from 1 to 32"),
        (dict(lr=0), "lr must be a number from"),
        (dict(lr=100), "lr must be a number from"),
        (dict(dataset="sine"), "dataset must be one of"),
        (dict(batch_size=0), "batch_size must be an integer from 1 to m = 200"),
        (dict(seed=-1), "seed must be an integer"),
        (dict(learning_rate=0.1), "Unknown setting 'learning_rate'"),
    ],
)
def test_bad_settings_say_what_to_fix(bad, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        ml.playground(**bad)


def test_divergence_stops_with_a_message_and_no_exception():
    pg = diverging()
    pg.train(50)
    assert pg.diverged and pg.epoch < 50
    assert "Training stopped" in pg.message and "lr = 10 is probably too large" in pg.message
    assert "Press Reset" in pg.message
    epoch = pg.epoch
    pg.step()
    pg.start()
    assert pg.epoch == epoch and not pg.running
    assert all(np.all(np.isfinite(W)) for W in pg.params.values())
    pg.widget  # draws the state from before the bad step
    assert "Training stopped" in pg.status_html.value
    pg.reset()
    assert not pg.diverged and pg.message == ""


def test_cross_entropy_with_a_linear_output_warns_in_words():
    pg = ml.playground(output="identity", loss="binary_cross_entropy")
    assert "sigmoid" in pg.warning()
    assert ml.playground().warning() == ""


def test_controls_set_the_settings_and_the_architecture():
    pg = ml.playground()
    pg.widget
    c = pg.controls
    c["hidden_layers"].value = 3
    c["width3"].value = 17
    assert pg.layer_sizes == [2, 8, 8, 17, 1]
    assert [c[f"width{l}"].disabled for l in range(1, 5)] == [False, False, False, True]
    c["hidden_layers"].value = 0
    assert pg.layer_sizes == [2, 1] and set(pg.params) == {"W1", "b1"}
    c["lr"].value = 10 ** -2.5
    assert pg.settings["lr"] == 0.00316
    c["activation"].value = "relu"
    c["loss"].value = "half_squared_error"
    c["dataset"].value = "xor"
    c["noise"].value = 0.3
    c["batch_size"].value = 50
    c["seed"].value = 7
    c["output"].value = "identity"
    assert pg.settings == dict(
        dataset="xor", noise=0.3, hidden=[], activation="relu", output="identity",
        loss="half_squared_error", lr=0.00316, batch_size=50, seed=7,
    )
    assert 'dataset="xor"' in pg.code_html.value and "epochs=0" in pg.code_html.value
    pg.set(hidden=[4, 6])  # and back: the controls follow set()
    assert (c["hidden_layers"].value, c["width1"].value, c["width2"].value) == (2, 4, 6)


def test_buttons_step_and_reset_redraw_the_picture():
    pg = ml.playground()
    pg.widget
    before = pg.image.value
    pg.buttons["step"].click()
    assert (pg.epoch, pg.steps) == (1, 13)
    assert pg.image.value != before
    assert "epoch 1" in pg.counter.value and "step 13" in pg.counter.value
    for _ in range(5):
        pg.buttons["step"].click()
    assert pg.epoch == 6
    pg.buttons["reset"].click()
    assert (pg.epoch, pg.steps) == (0, 0)
    assert pg.image.value == before  # same seed, same fresh start, same picture


def test_control_change_redraws_the_boundary():
    pg = ml.playground(epochs=20)
    pg.widget
    before = pg.image.value
    P_before = pg._picture.image.get_array().copy()
    pg.controls["dataset"].value = "circles"
    pg.train(20)
    assert pg.image.value != before
    assert not np.array_equal(pg._picture.image.get_array(), P_before)


def test_train_button_runs_in_the_event_loop_until_pause():
    pg = ml.playground()
    pg.widget
    train = pg.buttons["train"]

    async def session():
        train.click()
        assert pg.running and train.description == "Pause"
        for _ in range(200):
            await asyncio.sleep(0.01)
            if pg.epoch >= 10:
                break
        pg.controls["lr"].value = 0.1  # a slider moved while training: a new run, still training
        assert pg.running and pg.settings["lr"] == 0.1
        await asyncio.sleep(0.05)
        train.click()
        task = pg._task
        if task is not None:
            await task

    asyncio.run(session())
    assert not pg.running and train.description == "Train"
    assert pg.epoch > 0 and pg.settings["lr"] == 0.1


def test_run_stops_by_itself_on_divergence():
    pg = diverging()
    pg.widget
    asyncio.run(pg.run(max_epochs=100))
    assert pg.diverged and not pg.running
    assert "Training stopped" in pg.status_html.value


def test_run_max_epochs():
    pg = ml.playground()
    asyncio.run(pg.run(max_epochs=12))
    assert pg.epoch == 12 and not pg.running


def test_train_button_without_an_event_loop_trains_a_burst():
    pg = ml.playground()
    pg.widget
    pg.buttons["train"].click()
    assert pg.epoch == 50 and not pg.running


def test_every_control_at_its_extremes_never_raises():
    """A grid of the min and max of every numeric control, with every choice of the others."""
    pg = ml.playground()
    pg.widget
    c = pg.controls
    numeric = {
        "noise": (c["noise"].min, c["noise"].max),
        "hidden_layers": (0, 4),
        "width": (1, 32),
        "lr": (10 ** c["lr"].min, 10 ** c["lr"].max),
        "batch_size": (1, pg.m),
        "seed": (0, MAX_SEED),
    }
    grid = list(itertools.product(*numeric.values()))
    choices = list(itertools.product(ACTIVATIONS, OUTPUTS, ("binary_cross_entropy", "half_squared_error")))
    for k, values in enumerate(grid):
        point = dict(zip(numeric, values))
        activation, output, loss = choices[k % len(choices)]
        with pg.hold_redraw():  # each change still starts a new run; one drawing at the end
            c["dataset"].value = DATASETS[k % len(DATASETS)]
            c["activation"].value = activation
            c["output"].value = output
            c["loss"].value = loss
            for name in ("noise", "hidden_layers", "lr", "batch_size", "seed"):
                c[name].value = point[name]
            for l in range(1, 5):
                c[f"width{l}"].value = point["width"]
            assert pg.layer_sizes == [2] + [point["width"]] * point["hidden_layers"] + [1]
            pg.buttons["step"].click()
            pg.buttons["step"].click()
        assert pg.epoch == 2 or pg.diverged
        assert bytes(pg.image.value[:4]) == b"\x89PNG"
    # and every hidden activation, output and loss with the default numbers
    for activation, output, loss in choices:
        pg.set(**DEFAULTS)
        pg.set(activation=activation, output=output, loss=loss, lr=10.0)
        pg.train(3)
        assert pg.epoch == 3 or pg.diverged


def test_playground_class_is_exported_lazily():
    assert ml.Playground is Playground
    assert isinstance(ml.playground(), Playground)


def test_an_error_while_training_continuously_is_shown_not_lost(monkeypatch):
    pg = ml.playground()
    pg.widget

    def broken(epochs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pg, "_train_epochs", broken)
    with pytest.raises(RuntimeError):
        asyncio.run(pg.run())
    assert not pg.running
    assert "Training stopped by an error: RuntimeError(&#x27;boom&#x27;)" in pg.status_html.value


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
        run("import mlp_lessons as ml\npg = ml.playground()\npg.widget\npg.buttons['train'].click()")
        time.sleep(2.0)  # the kernel is idle: only the training task runs now
        outputs.clear()
        run("print(pg.running, pg.epoch > 5, pg.buttons['train'].description)")
        assert "True True Pause" in "".join(m["content"].get("text", "") for m in outputs)
        run("pg.buttons['train'].click()")
        time.sleep(1.0)
        outputs.clear()
        run("e = pg.epoch\nimport time; time.sleep(0.5)\nprint(pg.running, pg.epoch == e, pg.buttons['train'].description)")
        assert "False True Train" in "".join(m["content"].get("text", "") for m in outputs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
