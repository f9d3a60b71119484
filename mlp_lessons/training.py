"""Gradient descent: W[l] := W[l] - alpha dJ/dW[l],  b[l] := b[l] - alpha dJ/db[l].

Training sits on top of the passes: every step is forward, loss, backward,
update, with the same functions the lessons derive.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .activations import check_activation_names
from .backward import loss_and_grads, output_dZ
from .errors import (TrainingDiverged, check_array, check_shape, check_batch_size, check_callable, check_epochs,
                     check_inputs, check_params, check_real, check_seed, check_targets, describe, is_real, one_number)
from .forward import forward
from .losses import (BINARY, CATEGORICAL, OUTPUTS_IN_0_1, check_loss_targets, check_output_and_loss, evaluate_loss,
                     get_loss, loss_name)
from .optim import update_rule

# Past this size a parameter means the run has blown up, even while the loss is finite.
MAX_PARAM = 1e8
# An epoch whose loss is this many times the loss before training, or after the latest edit
# of the parameters by hand (and above LOSS_FLOOR), has blown up too: with saturating hidden units the loss can stay
# finite, and the weights moderate, while every step overshoots.
MAX_LOSS_GROWTH, LOSS_FLOOR = 100.0, 10.0
# Inputs, targets or starting parameters past this size make every gradient step huge, whatever
# the learning rate (below it, a smaller learning rate is still the advice).
DATA_SCALE = 1e6


def train_step(params, X, Y, activations, loss, lr=None, optimizer=None, check: bool = True):
    """One step on the mini-batch (X, Y); returns (new_params, J).

    forward, then the loss and the gradients (loss_and_grads: from the logits for a
    sigmoid or softmax output with cross-entropy), then the update rule's step:
    optimizer (e.g. Momentum(lr=0.1)), or plain gradient descent with learning rate lr.
    Run and train() check their inputs once, before their loop, and step with check=False.
    """
    rule = update_rule(lr, optimizer, "train_step")
    AL, caches = forward(params, X, activations, check=check)
    J, grads = loss_and_grads(params, caches, Y, activations, loss, check=check)
    return rule.step(params, grads, check=check), J


@dataclass
class History:
    """What happened during train(): one loss per epoch and the counters a student sees."""

    loss: list = field(default_factory=list)  # mean training loss over each epoch's batches
    epochs: int = 0  # epochs completed (an epoch undone by divergence is not counted)
    steps: int = 0  # steps taken, one per mini-batch (those of an epoch undone by divergence included)
    diverged: bool = False
    message: str = ""
    start_loss: float | None = None  # J on the first batch, before any update
    # With test data (Run(X_test=..., Y_test=...)), both sets' loss at the end of each epoch:
    end_loss: list = field(default_factory=list)  # the whole training set
    test_loss: list = field(default_factory=list)  # the test set

    def __repr__(self) -> str:
        last = f"{self.loss[-1]:.6g}" if self.loss else "n/a"
        return f"History(epochs={self.epochs}, steps={self.steps}, final loss={last}, diverged={self.diverged})"


def lr_advice(lr: float, output: str, loss, X=None, Y=None, params=None, advice=None) -> str:
    """What to change when a run blows up: the output/loss pairing if that is the cause, then
    inputs X, targets Y or starting params past DATA_SCALE (if given), else advice(lr)
    (smaller_lr by default; a playground passes its own, that knows its slider).
    """
    name = loss_name(get_loss(loss))
    if name in BINARY + CATEGORICAL and output not in OUTPUTS_IN_0_1:
        fit = "a sigmoid" if name in BINARY else "a softmax"
        return (
            f"The cause is the pairing of output and loss, not the learning rate: cross-entropy "
            f"needs outputs a[L] between 0 and 1, and {'an' if output[0] in 'aeiou' else 'a'} {output} "
            f"output leaves that range, where its gradient grows without bound. Use {fit} output, "
            f"or the squared error loss."
        )
    for what, symbol, data in (("inputs", "x", X), ("targets", "y", Y)):
        big = None if data is None else float(np.max(np.abs(data)))
        if big is not None and big > DATA_SCALE:
            return (
                f"The {what} reach |{symbol}| = {big:.3g}, so every gradient step is huge whatever the "
                f"learning rate: scale them (e.g. to mean 0 and standard deviation 1) before lowering lr = {lr:g}."
            )
    big = max((float(np.max(np.abs(value))) for value in (params or {}).values()), default=0.0)
    if big > DATA_SCALE:
        return (
            f"The parameters started as large as {big:.3g}, so every gradient step is huge whatever the "
            f"learning rate: start from init_params(...) before lowering lr = {lr:g}."
        )
    return (advice or smaller_lr)(lr)


def smaller_lr(lr: float, least: float = 0.0) -> str:
    """Advice to lower the learning rate, to lr / 10 but never below `least` (a slider's minimum, say)."""
    if lr / 10 >= least:
        return f"The learning rate lr = {lr:g} is probably too large; try a smaller one (e.g. lr = {lr / 10:g})."
    if lr > least:
        return f"The learning rate lr = {lr:g} is probably too large; try a smaller one (e.g. lr = {least:g})."
    return (
        f"The learning rate is already the smallest offered (lr = {lr:g}), so look elsewhere: "
        f"smaller inputs, fewer or narrower layers, or other starting weights."
    )


def divergence_message(J, params: dict, where: str, updated: bool, X, advice: str, start_loss=None,
                       start_sizes=None, check: bool = True, since: str = "before training") -> str | None:
    """Why training must stop, or None: a NaN or infinite loss, a parameter grown past MAX_PARAM,
    or a loss grown MAX_LOSS_GROWTH times past start_loss (the loss before training, or `since`
    when, e.g. "after the latest edit of the weights").

    where: e.g. "at epoch 3, step 12"; updated: whether any update has been made,
    since before the first one the learning rate cannot be the cause; advice:
    what to change (lr_advice); start_sizes: {name: max |entry|} before training,
    so that a parameter that started past MAX_PARAM stops the run only once it
    has grown MAX_LOSS_GROWTH times past that.  params may hold NaN or inf (that is
    what it looks for), but must be a dict of float arrays.  check=False skips checking the
    arguments, for Run, which calls it once per epoch with arguments it made.
    """
    if check:
        J = divergence_message_args(J, params, where, updated, X, advice, start_loss, start_sizes, since)
    if not np.isfinite(J):
        if not updated:
            return (
                f"Training stopped: the loss is {J} {where}, before any update, so the learning "
                f"rate is not the cause. The inputs reach |x| = {np.max(np.abs(X)):.3g}: scale them "
                f"(e.g. to mean 0 and standard deviation 1), or check the starting parameters."
            )
        return f"Training stopped: the loss became {J} {where}. {advice}"
    for name, value in params.items():
        biggest = np.max(np.abs(value))
        limit = MAX_PARAM if start_sizes is None else max(MAX_PARAM, MAX_LOSS_GROWTH * start_sizes[name])
        if not biggest <= limit:  # also true for NaN
            return (
                f"Training stopped {where}: {name} has grown to {biggest:.3g} (the loss, {J:.3g}, is "
                f"still finite, but each step overshoots further). {advice}"
            )
    if start_loss is not None and J > LOSS_FLOOR and J > MAX_LOSS_GROWTH * start_loss:
        return (
            f"Training stopped {where}: the loss has grown from {start_loss:.3g} {since} "
            f"to {J:.3g}, so the steps overshoot instead of going downhill. {advice}"
        )
    return None


def divergence_message_args(J, params, where, updated, X, advice, start_loss, start_sizes, since="") -> float:
    """divergence_message's arguments, or a message; returns J as a float (NaN and inf allowed)."""
    here = "divergence_message"
    J = one_number(J)
    if not is_real(J):
        raise TypeError(f"{here}: J must be the loss, a real number (NaN and inf included), got {describe(J)}.")
    if not isinstance(params, dict):
        raise TypeError(f"{here}: params must be a dict of arrays such as {{'W1': ..., 'b1': ...}} (or {{}} to "
                        f"look at the loss alone), got {describe(params)}.")
    for name, value in params.items():
        check_array(name, value, where=f"{here}, params", finite=False)
    for name, value, kind in (("where", where, str), ("advice", advice, str), ("since", since, str),
                              ("updated", updated, (bool, np.bool_))):
        if not isinstance(value, kind):
            what = "True or False" if name == "updated" else "a string"
            raise TypeError(f"{here}: {name} must be {what}, got {describe(value)}.")
    check_array("X", X, where=here, finite=False)
    if start_loss is not None:
        check_real("start_loss", one_number(start_loss), here, low=0, meaning=" (the loss before training) or None")
    if start_sizes is not None:
        if not isinstance(start_sizes, dict) or set(params) - set(start_sizes):
            raise ValueError(
                f"{here}: start_sizes must be None or a dict with the size max |entry| of every parameter "
                f"before training ({', '.join(map(str, params))}), got {describe(start_sizes)}."
            )
        for name in params:
            check_real(f"start_sizes[{name!r}]", start_sizes[name], here, low=0)
    return float(J)


def run_args(params, X, Y, activations, loss, X_test, Y_test):
    """Run's data and network checked once: (activations, loss, X, Y, test set or None)."""
    L = check_params(params)  # finite floats of one dtype, shapes that fit
    activations = check_activation_names(activations, L, [params[f"W{l}"].shape[0] for l in range(1, L + 1)])
    loss = get_loss(loss)
    n0, nL, dtype = params["W1"].shape[1], params[f"W{L}"].shape[0], params["W1"].dtype
    # An output that leaves (0, 1) with cross-entropy is allowed here (the playground shows
    # what it does; the divergence advice names the pairing); a softmax over one unit is not.
    name = loss_name(loss)
    if activations[-1] == "softmax" or name == "softmax_cross_entropy":
        check_output_and_loss(activations[-1], loss, nL)
    X = check_inputs(X, n0, dtype=dtype)
    Y = check_targets(Y, (nL, X.shape[1]), dtype=dtype)
    check_loss_targets(name, Y, f"loss={name!r}")
    if (X_test is None) != (Y_test is None):
        raise ValueError("X_test and Y_test come together: pass both (the test set) or neither.")
    test = None
    if X_test is not None:
        X_test = check_inputs(X_test, n0, "X_test", dtype=dtype)
        test = X_test, check_targets(Y_test, (nL, X_test.shape[1]), "Y_test", dtype=dtype)
        check_loss_targets(name, test[1], f"loss={name!r}, Y_test")
    if name is None:  # a loss of the user's own: what it returns is checked once, on the first outputs
        with np.errstate(all="ignore"):
            AL = forward(params, X, activations, check=False)[0]
        if np.all(np.isfinite(AL)):
            evaluate_loss(loss, AL, Y)
    return activations, loss, X, Y, test


class Run:
    """One training run: it advances by one mini-batch, one epoch or n epochs, and keeps its state.

        run = Run(params, X, Y, ["tanh", "sigmoid"], loss="binary_cross_entropy",
                  optimizer=Momentum(lr=0.3, beta=0.9), batch_size=16)
        run.step()      # one mini-batch, one update (a step is one mini-batch)
        run.epoch()     # on to the end of this epoch (a whole epoch from its start)
        run.train(10)   # ten more epochs
        run.params, run.history (.loss, .epochs, .steps)

    It owns the parameters, the update rule (optimizer, or lr alone for GradientDescent(lr=lr)),
    the rng, the counters and the History; every input is checked once, here.  Each epoch
    shuffles the m columns (from `seed`) into batches of batch_size (None: all m, unshuffled).
    X_test, Y_test: both sets' loss after every epoch (history.test_loss, .end_loss).  advice(lr)
    ends a divergence message that blames the learning rate (smaller_lr by default).  A NaN or
    inf loss, or a step that leaves a parameter NaN or inf, stops the run at once, keeping the
    parameters from before that step (the last finite ones); a parameter past MAX_PARAM, or a loss
    grown MAX_LOSS_GROWTH times, looked at once per epoch, undoes that epoch; a diverged run does
    not move.  Parameters set by hand (run.params = ..., run.set_weight) are the new start: the
    loss grows from the loss after that edit, not from the loss before training.
    """

    def __init__(self, params, X, Y, activations, *, loss="half_squared_error", optimizer=None, lr=None,
                 batch_size=None, seed=0, X_test=None, Y_test=None, advice=None):
        self.activations, self.loss, self.X, self.Y, self.test = run_args(params, X, Y, activations, loss,
                                                                          X_test, Y_test)
        self.optimizer = update_rule(lr, optimizer, "Run")
        self.batch_size = check_batch_size(batch_size)
        self.rng = np.random.default_rng(check_seed(seed))
        if advice is not None:
            check_callable("advice", advice, 1, "a function lr -> the advice to print (a string), or None")
        self.advise, self.history = advice, History()
        self.params = params  # also the reference a loss grows from (see params.setter)
        self.grads = self.dZ = None  # the latest step's (see step)
        self._shuffled = None  # (X, Y) in this epoch's order while an epoch is under way
        self._next, self._total, self._start = 0, 0.0, (params, 0)

    @property
    def params(self) -> dict:
        """The current parameters {"W1": ..., "b1": ..., ...}."""
        return self._params

    @params.setter
    def params(self, params: dict):
        """Parameters set by hand: the run goes on from them, and whether it blows up is measured from
        them (their sizes, and the loss on the next mini-batch, before its update), not from the start.
        A NaN or infinite entry is refused: training could only blow up from it."""
        for name, value in params.items():
            bad = ~np.isfinite(np.asarray(value, dtype=np.float64))
            if bad.any():
                where = tuple(int(i) for i in np.argwhere(bad)[0])
                raise ValueError(f"{name}{list(where)} = {np.asarray(value)[where]}: parameters set by hand must be "
                                 f"finite numbers (not NaN or inf), or training can only blow up from them.")
        self._params = self._first = params
        self._start_sizes = {name: float(np.max(np.abs(value))) for name, value in params.items()}
        self._reference = None  # the loss the growth rule compares with: the next step's J
        self._since = "before training" if self.history.steps == 0 else "after the parameters were set by hand"
        if getattr(self, "_shuffled", None) is not None:  # mid-epoch: undoing the epoch goes back to here
            self._start = params, self._start[1]

    def set_weight(self, l: int, p: int, q: int, value: float) -> "Run":
        """W[l]_pq := value, by hand (in a copy: arrays given to the run stay as they were)."""
        W = self.params[f"W{l}"].copy()
        W[p, q] = value
        self.params = {**self.params, f"W{l}": W}
        return self

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    @property
    def advice(self) -> str:
        """What to change if the run blows up (lr_advice, for the starting parameters)."""
        return lr_advice(self.lr, self.activations[-1], self.loss, self.X, self.Y, self._first, self.advise)

    @property
    def diverged(self) -> bool:
        return self.history.diverged

    def step(self) -> bool:
        """One mini-batch, one update (as train_step); False, and nothing changed, once diverged.
        Keeps the step's run.grads and run.dZ (dJ/dZ[l] under the key l) for the playground's view."""
        if self.diverged:
            return False
        Xb, Yb = self.batch()
        self.dZ = {}
        with np.errstate(all="ignore"):  # a NaN or inf loss stops the run, with a message
            AL, caches = forward(self.params, Xb, self.activations, check=False)
            J, self.grads = loss_and_grads(self.params, caches, Yb, self.activations, self.loss, False, keep_dZ=self.dZ)
            new_params = self.optimizer.step(self.params, self.grads, check=False)
        return self.record(J, new_params)

    def batch(self) -> tuple:
        """The next mini-batch (Xb, Yb); the m columns are shuffled at the start of each epoch."""
        if self._shuffled is None:
            self._begin_epoch()
        (X, Y), start = self._shuffled, self._next
        return X[:, start : start + self._batch], Y[:, start : start + self._batch]

    def batches(self):
        """The mini-batches from here to the end of this epoch; record(J, new_params) after each."""
        while not self.diverged:
            yield self.batch()
            if self._shuffled is None:  # record() ended the epoch
                return

    def record(self, J: float, new_params: dict) -> bool:
        """One step's outcome: J on the batch and the new parameters.  A NaN or inf J stops the run
        (the parameters stay those from before the step).  Returns whether the run goes on."""
        h, (X, _), start = self.history, self._shuffled, self._next
        where = f"at epoch {h.epochs + 1}, step {h.steps + 1}"
        if not np.isfinite(J):
            self._stop(divergence_message(J, {}, where + self._keep_last_good(), h.steps > 0, X, self.advice,
                                          check=False))
            return False
        if not all(np.isfinite(value).all() for value in new_params.values()):  # an update that overflowed
            self._stop(divergence_message(J, new_params, where + self._keep_last_good(), True, X, self.advice,
                                          check=False))
            return False
        if h.start_loss is None:
            h.start_loss = J
        if self._reference is None:
            self._reference = J
        self._params, h.steps = new_params, h.steps + 1
        self._next, self._total = start + self._batch, self._total + J * min(self._batch, X.shape[1] - start)
        if self._next >= X.shape[1]:
            self._end_epoch()
        return True

    def _keep_last_good(self) -> str:
        """After a step that blew up: the parameters from before it, unless they had already grown past
        MAX_PARAM (a network that gives NaN), then those at the start of this epoch; says which, in brackets."""
        if self.history.steps == 0:
            return ""
        if all(np.max(np.abs(value)) <= max(MAX_PARAM, MAX_LOSS_GROWTH * self._start_sizes[name])
               for name, value in self._params.items()):
            return " (the parameters stay as they were before that step)"
        self._params = self._start[0]
        return " (the parameters go back to the start of this epoch: those before that step had already grown too large)"

    def epoch(self) -> "Run":
        """Steps to the end of the current epoch (a whole epoch if none is under way)."""
        while self.step() and self._shuffled is not None:
            pass
        return self

    def train(self, epochs: int) -> "Run":
        """`epochs` more epochs, or fewer if the run diverges."""
        for _ in range(check_epochs(epochs)):
            if self.epoch().diverged:
                break
        return self

    def loss_on(self, X, Y) -> float:
        """J of the current parameters on (X, Y), from the logits as in training."""
        with np.errstate(all="ignore"):
            AL, caches = forward(self.params, X, self.activations, check=False)
            return float(output_dZ(AL, caches[-1].Z, Y, self.activations[-1], self.loss, check=False)[0])

    def penalty(self) -> float:
        """The optimizer's regularisation term of J (0 for plain gradient descent), inf or NaN if the
        parameters have overflowed mid-epoch (an epoch's end undoes that, with a message)."""
        if not hasattr(self.optimizer, "penalty"):
            return 0.0
        with np.errstate(all="ignore"):
            return self.optimizer.penalty(self.params, check=False)

    def _begin_epoch(self):
        X, Y, m = self.X, self.Y, self.X.shape[1]
        self._batch = m if self.batch_size is None or self.batch_size >= m else self.batch_size
        if self._batch < m:  # one batch of all m columns sums over all of them, in any order
            order = self.rng.permutation(m)
            X, Y = X[:, order], Y[:, order]  # shuffled once, so each batch is a view, not a copy
        self._shuffled, self._next, self._total = (X, Y), 0, 0.0
        self._start = self._params, self.history.steps

    def _end_epoch(self):
        h, (start_params, start_steps) = self.history, self._start
        X, self._shuffled = self._shuffled[0], None
        J = self._total / X.shape[1]
        steps = f"step {h.steps}" if h.steps == start_steps + 1 else f"steps {start_steps + 1}-{h.steps}"
        with np.errstate(all="ignore"):
            message = divergence_message(
                J, self.params, f"in epoch {h.epochs + 1} ({steps})", True, X, self.advice, self._reference,
                self._start_sizes, check=False, since=self._since,
            )
        if message is not None:
            self._params = start_params
            return self._stop(message)
        h.epochs += 1
        h.loss.append(J)
        if self.test is not None:
            h.end_loss.append(self.loss_on(self.X, self.Y))
            h.test_loss.append(self.loss_on(*self.test))
            if not np.isfinite(h.test_loss[-1]):
                self._stop(f"Training stopped: the test loss became {h.test_loss[-1]} after epoch {h.epochs}. "
                           f"{self.advice}")

    def _stop(self, message: str):
        self.history.diverged, self.history.message = True, message
        self._shuffled = None


def train(params: dict, X: np.ndarray, Y: np.ndarray, activations, *, loss="half_squared_error", lr=None,
          epochs: int = 100, batch_size: int | None = None, seed: int = 0, optimizer=None,
          callback: Callable | None = None, progress: bool | None = None, on_diverge: str = "stop") -> tuple[dict, History]:
    """Mini-batch gradient descent; returns (trained params, History).

    X: (n[0], m) and Y: (n[L], m), examples as columns.  Each epoch shuffles the m
    columns (from `seed`, so runs repeat exactly) and takes one step per mini-batch
    of `batch_size` columns (None: the whole set).  The update rule is optimizer
    (e.g. Momentum(lr=0.1)), or plain gradient descent with learning rate lr (0.1).
    callback(epoch, params, history) runs after every epoch; returning True stops.
    progress: a bar (None: for runs of 500 epochs or more).  on_diverge: "stop" prints
    why and returns; "raise" raises TrainingDiverged.  float32 params train in float32.
    """
    epochs, bar = train_args(epochs, callback, progress, on_diverge)
    run = Run(params, X, Y, activations, loss=loss, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed)
    for epoch in range(1, epochs + 1):
        for Xb, Yb in run.batches():  # this epoch's mini-batches, the m columns shuffled
            with np.errstate(all="ignore"):  # a NaN or inf loss stops the run, with a message
                AL, caches = forward(run.params, Xb, run.activations, check=False)
                J, grads = loss_and_grads(run.params, caches, Yb, run.activations, run.loss, check=False)
                new_params = run.optimizer.step(run.params, grads, check=False)
            run.record(J, new_params)
        if run.diverged:
            return stopped(run, on_diverge, bar)
        bar(epoch, run.history.loss[-1])
        if callback is not None and callback(epoch, run.params, run.history):
            break
    return run.params, run.history


def train_args(epochs, callback, progress, on_diverge):
    """train's own arguments checked: (epochs, bar), bar(epoch, J) drawing the progress bar if it is shown."""
    epochs = check_epochs(epochs)
    if on_diverge not in ("stop", "raise"):
        raise ValueError(f"on_diverge must be 'stop' or 'raise', got {on_diverge!r}.")
    if callback is not None and not callable(callback):
        raise TypeError(f"train: callback must be a function (epoch, params, history) or None, got {describe(callback)}.")
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"train: progress must be True, False or None (automatic), got {describe(progress)}.")
    tick = max(1, epochs // 50)

    def bar(epoch: int, J: float) -> None:
        if bar.shown and (epoch % tick == 0 or epoch == epochs):
            done = int(30 * epoch / epochs)
            sys.stdout.write(f"\r[{'#' * done}{'.' * (30 - done)}] epoch {epoch}/{epochs}  loss {J:.4g}")
            sys.stdout.write("\n" if epoch == epochs else "")
            sys.stdout.flush()

    bar.shown = epochs >= 500 if progress is None else bool(progress)
    return epochs, bar


def stopped(run: Run, on_diverge: str, bar) -> tuple[dict, History]:
    """A diverged run's end: its message printed (or raised, on_diverge="raise"), and its last good state."""
    if bar.shown:
        sys.stdout.write("\n")
    if on_diverge == "raise":
        raise TrainingDiverged(run.history.message)
    print(run.history.message)
    return run.params, run.history


def accuracy(AL: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of columns classified right: threshold 0.5 for one output, argmax for several.

    AL and Y: (n[L], m), the same shape (never broadcast).  A column of AL with a
    NaN (a network that overflowed) picks no class, so it counts as wrong.
    """
    where = "accuracy, the share of columns where A[L] and Y pick the same class"
    AL = check_array("AL", AL, where=where, finite=False)
    Y = check_array("Y", Y, where=where)
    check_shape(AL.shape, Y.shape, where + ": AL and Y are compared column by column, so they must have the same "
                "shape (n[L], m), but AL is {given} and Y is {wanted}.",
                " It looks like one of them is transposed: pass Y.T.")
    if AL.shape[0] == 1:
        right = (AL[0] > 0.5) == (Y[0] > 0.5)
    else:
        right = np.argmax(AL, axis=0) == np.argmax(Y, axis=0)
    return float(np.mean(right & ~np.isnan(AL).any(axis=0)))
