"""Widget messages on a thread of their own (JupyterLab 4.4+ with ipykernel 7 runs them on a
kernel subshell, beside the cell being executed): the package's drawings, widget callbacks and
playground runs take turns, and IPython's post_execute hooks stay on the main thread."""

import threading

import numpy as np
from IPython.core.events import EventManager, available_events

import mlp_lessons as ml
from mlp_lessons.figures.threads import ONE_AT_A_TIME, keep_post_execute_on_main_thread


class Shell:
    def __init__(self):
        self.events = EventManager(self, available_events)


def in_thread(f):
    worker = threading.Thread(target=f)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()


def test_post_execute_hooks_run_on_the_main_thread_only():
    """On the subshell, pyplot's draw-all and the inline backend's flush (post_execute hooks,
    fired around every widget message) showed and closed a figure a cell was still building:
    lesson 4 lost 18 of 38 figures while a slider moved."""
    shell, calls = Shell(), []
    shell.events.register("post_execute", lambda: calls.append(threading.current_thread().name))
    shell.events.register("pre_execute", lambda: calls.append("pre"))
    assert keep_post_execute_on_main_thread(shell) and keep_post_execute_on_main_thread(shell)  # twice: one wrapper
    in_thread(lambda: (shell.events.trigger("pre_execute"), shell.events.trigger("post_execute")))
    assert calls == ["pre"]
    shell.events.trigger("post_execute")
    assert calls == ["pre", threading.main_thread().name]
    assert keep_post_execute_on_main_thread(object()) is False  # no IPython shell: nothing to do


def test_a_cell_training_the_playground_takes_turns_with_its_widget():
    """A cell calling pg.train / pg.set while the widget's Train runs on the subshell used to step
    the same run from both threads ('NoneType' object is not subscriptable, a loss history that
    grew while it was drawn).  Now each epoch and each change holds ONE_AT_A_TIME."""
    pg = ml.playground(epochs=0)
    with ONE_AT_A_TIME:
        worker = threading.Thread(target=lambda: pg.train(3))
        worker.start()
        worker.join(0.3)
        assert worker.is_alive() and pg.epochs == 0  # waits for the turn
    worker.join(30)
    assert pg.epochs == 3

    errors = []

    def train():
        try:
            for _ in range(20):
                pg.train(2)
        except Exception as error:  # pragma: no cover - the failure this test is about
            errors.append(error)

    trainer = threading.Thread(target=train)
    trainer.start()
    for k in range(20):
        pg.set(lr=[0.1, 0.3][k % 2])
        pg.png()
    trainer.join(60)
    assert not errors and not trainer.is_alive()
    again = eval(pg.code_line(), {"ml": ml})  # the log stayed consistent: the line re-creates the run
    assert again.epochs == pg.epochs and all(np.array_equal(again.params[k], pg.params[k]) for k in pg.params)


def test_importing_the_package_changes_nothing_in_ipython_and_a_playground_installs_the_hook():
    """In a fresh IPython shell, `import mlp_lessons` leaves shell.events.trigger alone; the first
    playground made wraps it (post_execute on the main thread only)."""
    import subprocess
    import sys

    code = "\n".join([
        "from IPython.core.interactiveshell import InteractiveShell",
        "shell = InteractiveShell.instance()",
        "before = shell.events.trigger",
        "import mlp_lessons as ml",
        "print('after import:', shell.events.trigger == before, hasattr(shell.events.trigger, 'main_thread_only'))",
        "pg = ml.playground()",
        "print('after playground:', shell.events.trigger == before, getattr(shell.events.trigger, 'main_thread_only', False))",
    ])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "after import: True False" in out.stdout
    assert "after playground: False True" in out.stdout
