"""The playground's state: its Settings, its data source and one training Run, with nothing drawn.

    pg = PlaygroundState(dataset="moons", hidden=[8, 8], lr=0.1)
    pg.step()              # one mini-batch, one update
    pg.epoch()             # on to the end of this epoch
    pg.train(100)          # a hundred more epochs
    pg.set(lr=1.0)         # new settings start a new run at epoch 0
    pg.set_weight(1, 0, 1, 0.5)   # W[1]_01 := 0.5, to see what one weight does
    pg.reset()             # fresh weights, same settings
    pg.code_line()         # the line of Python that re-creates all of the above

Training is the package's Run (forward, loss, the four boxed equations, the update rule),
so what a student watches is the code they derived.  The points come from a data source
held here: a built-in data set (DatasetSource) or your own points (own_data.OwnPoints).
A change of settings rebuilds only what it needs: a new learning rate keeps the data and
the network's inputs (neither loaded nor computed nor checked again).  Whatever changes
calls the functions in pg.listeners (a widget redraws).  Nothing here draws.
"""

from __future__ import annotations

import contextlib
import numbers
from dataclasses import dataclass

import numpy as np

from ..data.datasets import load_dataset
from ..data.features import input_features
from ..errors import check_count, check_epochs
from ..figures.threads import ONE_AT_A_TIME, one_at_a_time
from ..forward import forward
from ..params import init_params
from ..training import Run, accuracy
from .settings import Settings, lesson_code, playground_line, slider_advice  # noqa: F401  (slider_advice: the run's)

WEIGHT_RANGE = (-10.0, 10.0)


@dataclass(frozen=True)
class PlaygroundData:
    """The raw points (x1, x2) or (x1) with their targets: a training and a test set, columns."""

    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


class DatasetSource:
    """A built-in data set: m + m_test points from the seed; the first m train, the rest test."""

    ready = True  # its points can always train
    arguments = ()  # the settings name the data set in the line of Python
    code_lines = None  # lesson_code's own load_dataset lines

    def key(self, s: Settings) -> tuple:
        """What the points depend on: the same key, the same points."""
        return s.dataset, s.noise, s.m, s.m_test, s.seed

    def split(self, s: Settings) -> PlaygroundData:
        X, Y = load_dataset(s.dataset, m=s.m + s.m_test, noise=s.noise, seed=s.seed)
        return PlaygroundData(X[:, : s.m], Y[:, : s.m], X[:, s.m :], Y[:, s.m :])

    def check(self, s: Settings) -> Settings:
        if s.dataset is None:
            raise ValueError("dataset None needs points of your own: ml.playground(data=...).")
        return s

    def describe(self, status: str) -> str:
        return status


def with_weight(params: dict, l, p, q, value) -> tuple[dict, float]:
    """(params with W[l]_pq := value, the value), the value rounded to 3 significant digits, as printed,
    after checking that W[l]_pq exists and value is in WEIGHT_RANGE.  params itself is left as it was."""
    L = len(params) // 2
    if not (isinstance(l, numbers.Integral) and 1 <= l <= L):
        raise ValueError(f"l must be a layer from 1 to L = {L}, got {l!r}.")
    shape = params[f"W{l}"].shape
    if not all(isinstance(i, numbers.Integral) and 0 <= i < n for i, n in zip((p, q), shape)):
        raise ValueError(f"W[{l}] has shape {shape}: p must be in 0..{shape[0] - 1} and q in 0..{shape[1] - 1}, "
                         f"got p={p!r}, q={q!r}.")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not WEIGHT_RANGE[0] <= value <= WEIGHT_RANGE[1]:
        raise ValueError(f"value must be a number from {WEIGHT_RANGE[0]:g} to {WEIGHT_RANGE[1]:g}, got {value!r}.")
    W = params[f"W{l}"].copy()
    W[p, q] = value = float(f"{value:.3g}")
    return {**params, f"W{l}": W}, value


def fresh_run(s: Settings, inputs: tuple, d: PlaygroundData) -> Run:
    """The Run that settings s describe, at epoch 0 with weights from the seed, on the network's
    inputs (a[0] of the training set, a[0] of the test set) and d's targets."""
    X, X_test = inputs
    return Run(
        init_params(s.layer_sizes, seed=s.seed, init=s.init_name), X, d.Y, s.activations, loss=s.loss,
        optimizer=s.optimizer(), batch_size=s.batch_size, seed=s.seed, X_test=X_test, Y_test=d.Y_test,
        advice=slider_advice,
    )


def count_in_log(log: list, action: str):
    """One more epoch ("train") or mini-batch ("step") in a run's log: a run of the same action is one entry."""
    if log and log[-1][0] == action:
        log[-1] = (action, log[-1][1] + 1)
    else:
        log.append((action, 1))


def step_gradients(run: Run):
    """The latest step's gradients, as the Run's one backward pass computed them, or None before a step.

    Returns (dz, dW): dz[l - 1] is each neuron's mean |dJ/dz| over that mini-batch's
    columns, mean(|dJ/dZ[l]|, axis=1) of shape (n[l],), and dW[l - 1] is |dJ/dW[l]|,
    for l = 1..L.
    """
    if run.grads is None:
        return None
    L = len(run.dZ)
    with np.errstate(all="ignore"):
        return ([np.mean(np.abs(run.dZ[l]), axis=1) for l in range(1, L + 1)],
                [np.abs(run.grads[f"dW{l}"]) for l in range(1, L + 1)])


def step_gradient_norms(run: Run) -> np.ndarray:
    """||dJ/dW[l]|| (the Frobenius norm) of the latest step, for l = 1..L."""
    with np.errstate(all="ignore"):
        return np.array([np.linalg.norm(run.grads[f"dW{l}"]) for l in range(1, len(run.dZ) + 1)])


class PlaygroundState:
    """One training run on 2-D (or 1-D) toy data, its settings, and what re-creates it."""

    def __init__(self, *, epochs: int = 0, source=None, **settings):
        self.source = source or DatasetSource()
        self.listeners, self._held = [], 0
        self.data_key = self.inputs_key = None
        self.settings = self.source.check(Settings.checked(**settings))
        self.reset()
        if epochs:
            self.train(epochs)

    params = property(lambda self: self.run.params)
    history = property(lambda self: self.run.history)
    epochs = property(lambda self: self.run.history.epochs, doc="Epochs completed.")
    steps = property(lambda self: self.run.history.steps, doc="Updates made, one per mini-batch.")
    diverged = property(lambda self: self.run.history.diverged)
    message = property(lambda self: self.run.history.message, doc="Why training stopped (empty while all is well).")
    layer_sizes = property(lambda self: self.settings.layer_sizes)
    activations = property(lambda self: self.settings.activations)

    @one_at_a_time
    def set(self, **changes) -> "PlaygroundState":
        """Change settings, e.g. pg.set(lr=1.0, hidden=[16]): a new run at epoch 0 (view options keep it)."""
        old, self.settings = self.settings, self.source.check(self.settings.replace(**changes))
        return self.changed() if self.settings.changed(old) <= {"view"} else self.reset()

    @one_at_a_time
    def reset(self, new_data: bool = False) -> "PlaygroundState":
        """Fresh weights, epoch 0: the same settings, started again.

        The points are loaded (and their features computed) again only when what they
        depend on has changed, or new_data is True (a source whose points have changed).
        """
        s = self.settings
        if new_data or self.source.key(s) != self.data_key:
            self.data, self.data_key = self.source.split(s), self.source.key(s)
        if (self.data_key, s.features) != self.inputs_key:
            self.inputs = self.input_features(self.data.X), self.input_features(self.data.X_test)
            self.inputs_key = self.data_key, s.features
        self.run = fresh_run(s, self.inputs, self.data)
        self.log = []  # ("train", epochs), ("step", batches) and ("set_weight", l, p, q, value), in order
        self.grad_norms = []  # per epoch: ||dJ/dW[l]|| for l = 1..L at the epoch's last step
        return self.changed()

    @one_at_a_time
    def new_points(self) -> "PlaygroundState":
        """The source's points changed: a new run on them if they can train, else the last run stays."""
        if not self.source.ready:
            return self.changed()
        self.settings = self.source.check(self.settings)
        return self.reset(new_data=True)

    def input_features(self, X: np.ndarray) -> np.ndarray:
        """a[0]: the chosen features of the raw points X."""
        return input_features(X, self.settings.features)

    def _advance(self, action: str, count: int, advance: str) -> "PlaygroundState":
        """count times self.run.<advance>() (an epoch or a mini-batch), each logged, until the run diverges.
        The run is looked up each time: a change made in between (a slider, pg.set) may have replaced it."""
        for _ in range(count):
            with ONE_AT_A_TIME:  # one at a time: a widget's Pause or a slider gets in between
                if self.run.diverged:
                    break
                getattr(self.run, advance)()  # one that diverges counts: the line of Python must attempt it too
                if self.epochs > len(self.grad_norms):
                    self.grad_norms.append(self.gradient_norms())
                count_in_log(self.log, action)
        return self.changed()

    def train(self, epochs: int = 100) -> "PlaygroundState":
        """`epochs` more epochs (fewer, with a message, if the run diverges)."""
        return self._advance("train", check_epochs(epochs), "epoch")

    def epoch(self) -> "PlaygroundState":
        """On to the end of this epoch (a whole epoch from its start): pg.train(1)."""
        return self.train(1)

    def step(self, batches: int = 1) -> "PlaygroundState":
        """One mini-batch and its update (or `batches` of them)."""
        return self._advance("step", check_count("batches", batches, 1), "step")

    @one_at_a_time
    def set_weight(self, l: int, p: int, q: int, value: float) -> "PlaygroundState":
        """W[l]_pq := value (rounded to 3 significant digits, as printed): what does one weight do?"""
        self.run.params, value = with_weight(self.params, l, p, q, value)  # an edit: the loss grows from here
        self.log.append(("set_weight", int(l), int(p), int(q), value))
        return self.changed()

    def gradients(self):
        """The latest step's (mean |dJ/dz| per neuron, |dJ/dW[l]|), or None before a step: step_gradients."""
        return step_gradients(self.run)

    def gradient_norms(self) -> np.ndarray:
        """||dJ/dW[l]|| of the latest step, for l = 1..L: step_gradient_norms."""
        return step_gradient_norms(self.run)

    def accuracies(self) -> tuple[float, float]:
        """(training accuracy, test accuracy) of the current parameters."""
        with np.errstate(all="ignore"):
            AL, AL_test = (self.predict(X) for X in (self.data.X, self.data.X_test))
        return accuracy(AL, self.data.Y), accuracy(AL_test, self.data.Y_test)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """a[L] at the raw points X."""
        with np.errstate(all="ignore"):
            return forward(self.params, self.input_features(X), self.activations, check=False)[0]

    def status(self) -> str:
        """One line: the counters, both sets' loss with the current weights, the accuracies."""
        r = self.run
        text = f"epoch {self.epochs}, step {self.steps}: train loss {r.loss_on(r.X, r.Y):.4f}, test loss {r.loss_on(*r.test):.4f}"
        if self.settings.regularization is not None:
            text += f", penalty {r.penalty():.4f}"
        if not self.settings.regression:
            train, test = self.accuracies()
            text += f", train accuracy {train:.1%}, test accuracy {test:.1%}"
        return self.source.describe(text)

    def warning(self) -> str:
        return self.settings.warning()

    def code_line(self) -> str:
        """A line of Python that re-creates exactly this run: settings, epochs, steps, weight edits."""
        return playground_line(self.settings, self.log, self.source.arguments)

    def code(self) -> str:
        """The same run written with the lessons' functions (load_dataset, init_params, Run)."""
        return lesson_code(self.settings, self.log, self.source.code_lines and self.source.code_lines(self.settings))

    @one_at_a_time
    def changed(self) -> "PlaygroundState":
        """Tell the listeners (the widget) that the state changed, unless held."""
        if not self._held:
            for listener in list(self.listeners):
                listener(self)
        return self

    @contextlib.contextmanager
    def hold(self):
        """Tell the listeners once, at the end of the block, not after every change inside it."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
            self.changed()
