"""The playground's state: its Settings, its data and one training Run, with nothing drawn.

    pg = PlaygroundState(dataset="moons", hidden=[8, 8], lr=0.1)
    pg.step()              # one epoch
    pg.train(100)          # a hundred more
    pg.set(lr=1.0)         # new settings start a new run at epoch 0
    pg.set_weight(1, 0, 1, 0.5)   # W[1]_01 := 0.5, to see what one weight does
    pg.reset()             # fresh weights, same settings
    pg.code_line()         # the line of Python that re-creates all of the above

Training is the package's Run (forward, loss, the four boxed equations, the
update), so what a student watches is the code they derived.  Whatever
changes calls the functions in pg.listeners (a widget redraws); the data come
from pg.data_source(settings), so another source of points can be plugged in.
Nothing here draws: view draws this state, widget adds
the controls.
"""

from __future__ import annotations

import contextlib
import numbers
from dataclasses import dataclass

import numpy as np

from ..data.datasets import load_dataset
from ..errors import check_epochs
from ..data.features import input_features
from ..forward import forward
from ..params import init_params
from .settings import LR_RANGE, Settings, lesson_code
from ..training import Run, accuracy
from ..figures.threads import ONE_AT_A_TIME, one_at_a_time

VIEW_ONLY = ("show_test", "discretize", "controls")  # changing these keeps the run
DATA_SETTINGS = ("dataset", "noise", "m", "m_test", "seed")  # changing these draws new points
WEIGHT_RANGE = (-10.0, 10.0)


@dataclass(frozen=True)
class PlaygroundData:
    """The raw points (x1, x2) or (x1) with their targets: a training and a test set, columns."""

    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def load_playground_data(settings: Settings) -> PlaygroundData:
    """m + m_test points of the data set from the seed; the first m train, the rest test."""
    s = settings
    X, Y = load_dataset(s.dataset, m=s.m + s.m_test, noise=s.noise, seed=s.seed)
    return PlaygroundData(X[:, : s.m], Y[:, : s.m], X[:, s.m :], Y[:, s.m :])


class PlaygroundState:
    """One training run on 2-D (or 1-D) toy data, its settings, and what re-creates it."""

    def __init__(self, *, epochs: int = 0, data_source=load_playground_data, **settings):
        self.data_source = data_source
        self.listeners = []
        self._held = 0
        self.settings = Settings.checked(**settings)
        self.reset()
        if epochs:
            self.train(epochs)

    @property
    def params(self) -> dict:
        return self.run.params

    @property
    def history(self):
        return self.run.history

    epoch = property(lambda self: self.run.history.epochs, doc="Epochs completed.")
    steps = property(lambda self: self.run.history.steps, doc="Updates made, one per mini-batch.")
    diverged = property(lambda self: self.run.history.diverged)
    message = property(lambda self: self.run.history.message, doc="Why training stopped (empty while all is well).")
    layer_sizes = property(lambda self: self.settings.layer_sizes)
    activations = property(lambda self: self.settings.activations)

    @one_at_a_time
    def set(self, **changes) -> "PlaygroundState":
        """Change settings, e.g. pg.set(lr=1.0, hidden=[16]): a new run at epoch 0 (view options keep it)."""
        old, self.settings = self.settings, self.settings.replace(**changes)
        if all(getattr(old, f) == getattr(self.settings, f) for f in Settings.__dataclass_fields__ if f not in VIEW_ONLY):
            return self.changed()
        return self.reset()

    @one_at_a_time
    def reset(self, new_data: bool = False) -> "PlaygroundState":
        """Fresh weights, epoch 0: the same settings, started again.

        The data are loaded again when a setting they depend on has changed (or
        new_data is True, for a data source whose points change by themselves).
        """
        s = self.settings
        key = tuple(getattr(s, name) for name in DATA_SETTINGS)
        if new_data or key != getattr(self, "data_key", None):
            self.data, self.data_key = self.data_source(s), key
        self.run = Run(
            init_params(s.layer_sizes, seed=s.seed, init=s.init_name),
            self.inputs(self.data.X), self.data.Y, s.activations, loss=s.loss, lr=s.lr,
            batch_size=s.batch_size, seed=s.seed, optimizer=s.optimizer(),
            X_test=self.inputs(self.data.X_test), Y_test=self.data.Y_test, min_lr=LR_RANGE[0],
        )
        self.log = []  # ("train", epochs) and ("set_weight", l, p, q, value), in order
        return self.changed()

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """a[0]: the chosen features of the raw points X."""
        return input_features(X, self.settings.features)

    def train(self, epochs: int = 100) -> "PlaygroundState":
        """`epochs` more epochs (fewer, with a message, if the run diverges)."""
        done = 0
        for _ in range(check_epochs(epochs)):
            with ONE_AT_A_TIME:  # an epoch at a time: a widget's Pause or a slider gets in between
                if self.run.diverged:
                    break
                self.run.epoch()
                done += 1  # a diverging epoch counts: the line of Python must attempt it too
                if self.log and self.log[-1][0] == "train":
                    self.log[-1] = ("train", self.log[-1][1] + 1)
                else:
                    self.log.append(("train", 1))
        return self.changed()

    def step(self) -> "PlaygroundState":
        """One epoch: one pass over the shuffled training set, one update per mini-batch."""
        return self.train(1)

    @one_at_a_time
    def set_weight(self, l: int, p: int, q: int, value: float) -> "PlaygroundState":
        """W[l]_pq := value (rounded to 3 significant digits, as printed): what does one weight do?"""
        L = len(self.settings.hidden) + 1
        if not (isinstance(l, numbers.Integral) and 1 <= l <= L):
            raise ValueError(f"l must be a layer from 1 to L = {L}, got {l!r}.")
        W = self.params[f"W{l}"].copy()
        if not all(isinstance(i, numbers.Integral) and 0 <= i < n for i, n in zip((p, q), W.shape)):
            raise ValueError(f"W[{l}] has shape {W.shape}: p must be in 0..{W.shape[0] - 1} and q in 0..{W.shape[1] - 1}, got p={p!r}, q={q!r}.")
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not WEIGHT_RANGE[0] <= value <= WEIGHT_RANGE[1]:
            raise ValueError(f"value must be a number from {WEIGHT_RANGE[0]:g} to {WEIGHT_RANGE[1]:g}, got {value!r}.")
        W[p, q] = value = float(f"{value:.3g}")
        self.run.params = {**self.params, f"W{l}": W}
        self.log.append(("set_weight", int(l), int(p), int(q), value))
        return self.changed()

    def accuracies(self) -> tuple[float, float]:
        """(training accuracy, test accuracy) of the current parameters."""
        with np.errstate(all="ignore"):
            AL, AL_test = (self.predict(X) for X in (self.data.X, self.data.X_test))
        return accuracy(AL, self.data.Y), accuracy(AL_test, self.data.Y_test)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """a[L] at the raw points X."""
        with np.errstate(all="ignore"):
            return forward(self.params, self.inputs(X), self.activations, check=False)[0]

    def status(self) -> str:
        """One line: the counters, both sets' loss with the current weights, the accuracies."""
        r = self.run
        text = f"epoch {self.epoch}, step {self.steps}: train loss {r.loss_on(r.X, r.Y):.4f}, test loss {r.loss_on(*r.test):.4f}"
        if self.settings.regularization is not None:
            text += f", penalty {r.penalty():.4f}"
        if not self.settings.regression:
            train, test = self.accuracies()
            text += f", train accuracy {train:.1%}, test accuracy {test:.1%}"
        return text

    def warning(self) -> str:
        return self.settings.warning()

    def code_line(self) -> str:
        """A line of Python that re-creates exactly this run: settings, epochs, weight edits."""
        log = list(self.log)
        epochs = log.pop(0)[1] if log and log[0][0] == "train" else 0
        line = self.settings.call(epochs)
        for action, *args in log:
            line += f".train({args[0]})" if action == "train" else f".set_weight({', '.join(map(repr, args))})"
        return line

    def code(self) -> str:
        """The same run written with the lessons' functions (load_dataset, init_params, train or Run)."""
        return lesson_code(self.settings, self.log)

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
