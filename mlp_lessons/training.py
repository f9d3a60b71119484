"""Gradient descent: W[l] := W[l] - alpha dJ/dW[l],  b[l] := b[l] - alpha dJ/db[l].

Training sits on top of the passes: every step is forward, loss, backward,
update, with the same functions the lessons derive.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .backward import loss_and_grads
from .errors import (
    TrainingDiverged,
    check_activations,
    check_grads,
    check_inputs,
    check_lr,
    check_params,
    check_targets,
)
from .forward import forward
from .losses import get_loss

# Past this size a parameter means the run has blown up, even while the loss is finite.
MAX_PARAM = 1e8
# An epoch whose loss is this many times the loss before training (and above
# LOSS_FLOOR) has blown up too: with saturating hidden units the loss can stay
# finite, and the weights moderate, while every step overshoots.
MAX_LOSS_GROWTH, LOSS_FLOOR = 100.0, 10.0


def sgd_update(params: dict, grads: dict, lr: float, check: bool = True) -> dict:
    """W[l] := W[l] - lr dJ/dW[l] and b[l] := b[l] - lr dJ/db[l], for every layer.

    Returns a new dict of new arrays; params and grads are left untouched.  Each
    dJ/dW[l] must have W[l]'s shape and each dJ/db[l] b[l]'s (never broadcast).
    check=False skips validation, for a training loop's inner steps.
    """
    if check:
        lr = check_lr(lr)
        check_params(params)
        check_grads(params, grads)
    # W + (-lr dW) is W - lr dW to the last bit, but written this way numpy stores the
    # sum in the temporary (-lr dW) instead of allocating one more array, which on a
    # large W[l] saves a pass over memory and its page faults.
    return {name: value + (-lr) * grads["d" + name] for name, value in params.items()}


def train_step(params, X, Y, activations, loss, lr):
    """One step of gradient descent on the batch (X, Y); returns (new_params, J).

    forward, then the loss and the gradients (loss_and_grads: from the logits for a
    sigmoid or softmax output with cross-entropy), then the update.  Inputs are not
    validated here: train() does that once, before its loop.
    """
    AL, caches = forward(params, X, activations, check=False)
    J, grads = loss_and_grads(params, caches, Y, activations, loss, check=False)
    return sgd_update(params, grads, lr, check=False), J


@dataclass
class History:
    """What happened during train(): one loss per epoch and the counters a student sees."""

    loss: list = field(default_factory=list)  # mean training loss over each epoch's batches
    epochs: int = 0  # epochs completed
    steps: int = 0  # gradient-descent updates made (one per mini-batch)
    diverged: bool = False
    message: str = ""
    start_loss: float | None = None  # J on the first batch, before any update

    def __repr__(self) -> str:
        last = f"{self.loss[-1]:.6g}" if self.loss else "n/a"
        return f"History(epochs={self.epochs}, steps={self.steps}, final loss={last}, diverged={self.diverged})"


def divergence_message(J, params: dict, lr: float, where: str, updated: bool, X, start_loss=None) -> str | None:
    """Why training must stop, or None: a NaN or infinite loss, a parameter past MAX_PARAM,
    or a loss grown MAX_LOSS_GROWTH times past start_loss (the loss before training).

    where: e.g. "at epoch 3, step 12"; updated: whether any update has been made,
    since before the first one the learning rate cannot be the cause.
    """
    advice = f"The learning rate lr = {lr:g} is probably too large; try a smaller one (e.g. lr = {lr / 10:g})."
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
        if not biggest <= MAX_PARAM:  # also true for NaN
            return (
                f"Training stopped {where}: {name} has grown to {biggest:.3g} (the loss, {J:.3g}, is "
                f"still finite, but each step overshoots further). {advice}"
            )
    if start_loss is not None and J > LOSS_FLOOR and J > MAX_LOSS_GROWTH * start_loss:
        return (
            f"Training stopped {where}: the loss has grown from {start_loss:.3g} before training "
            f"to {J:.3g}, so the steps overshoot instead of going downhill. {advice}"
        )
    return None


def train_epoch(params, X, Y, activations, loss, lr, batch_size, rng, history: History):
    """One pass over the shuffled data in mini-batches; updates history in place.

    The m columns are shuffled by rng, then cut into batches of batch_size (the
    last may be shorter), one step per batch.  Returns the new params.  If the
    loss becomes NaN or infinite, stops at once and sets history.diverged and
    history.message (the params from before that step are returned); the
    parameters' size is checked once per epoch (a pass over them every step
    would cost more than a small net's step), and if one is NaN, infinite or
    past MAX_PARAM the epoch is undone (the params from its start are returned).
    """
    m = X.shape[1]
    if batch_size is None or batch_size >= m:
        batch_size = m  # one batch of all m columns: its gradient sums over all of them, in any order
    else:
        order = rng.permutation(m)
        X, Y = X[:, order], Y[:, order]  # shuffled once, so each batch below is a view, not a copy
    total = 0.0
    start_params, start_steps = params, history.steps
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for start in range(0, m, batch_size):
            Xb, Yb = X[:, start : start + batch_size], Y[:, start : start + batch_size]
            new_params, J = train_step(params, Xb, Yb, activations, loss, lr)
            if not np.isfinite(J):
                where = f"at epoch {history.epochs + 1}, step {history.steps + 1}"
                history.diverged = True
                history.message = divergence_message(J, {}, lr, where, history.steps > 0, X)
                return params
            if history.start_loss is None:
                history.start_loss = J
            params = new_params
            history.steps += 1
            total += J * Xb.shape[1]
        steps = f"step {history.steps}" if history.steps == start_steps + 1 else f"steps {start_steps + 1}-{history.steps}"
        where = f"in epoch {history.epochs + 1} ({steps})"
        message = divergence_message(total / m, params, lr, where, True, X, history.start_loss)
    if message is not None:
        history.diverged, history.message = True, message
        return start_params
    history.epochs += 1
    history.loss.append(total / m)
    return params


def _progress(epoch: int, epochs: int, J: float, stream) -> None:
    width = 30
    done = int(width * epoch / epochs)
    stream.write(f"\r[{'#' * done}{'.' * (width - done)}] epoch {epoch}/{epochs}  loss {J:.4g}")
    if epoch == epochs:
        stream.write("\n")
    stream.flush()


def train(
    params: dict,
    X: np.ndarray,
    Y: np.ndarray,
    activations,
    *,
    loss="half_squared_error",
    lr: float = 0.1,
    epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    callback: Callable | None = None,
    progress: bool | None = None,
    on_diverge: str = "stop",
) -> tuple[dict, History]:
    """Mini-batch gradient descent; returns (trained params, History).

    X: (n[0], m) and Y: (n[L], m), examples as columns.  Each epoch shuffles the
    m columns (from `seed`, so runs repeat exactly) and takes one step per batch
    of `batch_size` columns (None: the whole set, plain gradient descent).
    callback(epoch, params, history) runs after every epoch; returning True stops.
    progress: a progress bar (None: only for runs of 500 epochs or more; False: quiet).
    on_diverge: "stop" prints a clear message and returns; "raise" raises TrainingDiverged.
    The parameters keep their dtype: float32 params train in float32.
    """
    L = check_params(params)
    activations = check_activations(activations, L)
    lr = check_lr(lr)
    loss_fn = get_loss(loss)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}.")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer or None (the whole set), got {batch_size!r}.")
    if on_diverge not in ("stop", "raise"):
        raise ValueError(f"on_diverge must be 'stop' or 'raise', got {on_diverge!r}.")
    for name, value in params.items():
        if not np.all(np.isfinite(value)):
            raise ValueError(
                f"{name} contains NaN or infinite values, so no step can be taken. Start from "
                f"init_params(...), or from the params of a run that did not diverge."
            )
    dtype = params["W1"].dtype
    X = check_inputs(X, params["W1"].shape[1]).astype(dtype, copy=False)
    Y = check_targets(Y, (params[f"W{L}"].shape[0], X.shape[1])).astype(dtype, copy=False)

    rng = np.random.default_rng(seed)
    history = History()
    show = epochs >= 500 if progress is None else bool(progress)
    tick = max(1, epochs // 50)
    for epoch in range(1, epochs + 1):
        params = train_epoch(params, X, Y, activations, loss_fn, lr, batch_size, rng, history)
        if history.diverged:
            if show:
                sys.stdout.write("\n")
            if on_diverge == "raise":
                raise TrainingDiverged(history.message)
            print(history.message)
            break
        if show and (epoch % tick == 0 or epoch == epochs):
            _progress(epoch, epochs, history.loss[-1], sys.stdout)
        if callback is not None and callback(epoch, params, history):
            break
    return params, history


def accuracy(AL: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of columns classified right: threshold 0.5 for one output, argmax for several."""
    if AL.shape[0] == 1:
        return float(np.mean((AL > 0.5) == (Y > 0.5)))
    return float(np.mean(np.argmax(AL, axis=0) == np.argmax(Y, axis=0)))
