"""Lesson 5's figures: the learning rate's regimes, depth and width."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np

from ..forward import predict
from ..losses import half_squared_error
from ..training import accuracy
from .plots import plot_decision_boundary
from .threads import one_at_a_time
from .common import (DPI, WIDTH, plain_log_ticks)

@one_at_a_time
def plot_learning_rates(runs: dict, X, Y, activations, shown_up_to: float = 1e3) -> None:
    """Left: the loss at each step for every learning rate, on one shared log-log axis.

    runs: {lr: (params, history)} from full-batch training (one step per epoch) with the
    half squared error.  A run that diverged stopped in the step after its last recorded
    loss and undid that step's update, so its params are the ones that step measured:
    their J, marked with an x, is the loss that stopped it.  A loss above shown_up_to leaves the plot.
    Right: the data and the function each run that did not diverge computes.
    """
    fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(WIDTH, 3.6), dpi=DPI,
                                          gridspec_kw=dict(width_ratios=[1.4, 1]))
    colors = ("tab:blue", "black", "tab:red")
    order = np.argsort(X[0])
    ax_fit.scatter(X[0], Y[0], s=6, color="0.7", label="data")
    highest = 0.0
    for (lr, (params, history)), color in zip(runs.items(), colors):
        loss = np.asarray(history.loss)
        if history.diverged:
            with np.errstate(all="ignore"):
                stop = half_squared_error(predict(params, X, activations), Y)[0]
            loss = np.append(loss, stop if np.isfinite(stop) else np.inf)
        steps = np.arange(1, len(loss) + 1)
        label = f"lr = {lr:g}" + (f": diverged,\nstopped in step {len(loss)}" if history.diverged else "")
        ax_loss.loglog(steps, np.minimum(loss, 10 * shown_up_to), "-", color=color, lw=1.5, label=label)
        if history.diverged:
            ax_loss.plot(steps[-1], min(loss[-1], shown_up_to), "x", color=color, ms=9, mew=2, clip_on=False)
        else:
            ax_fit.plot(X[0, order], predict(params, X, activations)[0, order], color=color, lw=2, label=f"lr = {lr:g}")
        highest = max(highest, float(np.max(np.minimum(loss, shown_up_to))))
    top = min(shown_up_to, 3 * highest)
    ax_loss.set_ylim(top=top)
    ax_loss.set_xlabel("step (log scale)")
    ax_loss.set_ylabel("J (log scale)")
    ax_loss.set_title("the loss at each step")
    ax_loss.grid(alpha=0.3)
    ax_loss.legend(loc="upper right")
    plain_log_ticks(ax_loss)
    ax_fit.set_ylim(-2, 2)
    ax_fit.set_xlabel("x")
    ax_fit.set_ylabel("y and a[L]")
    diverged = [f"{lr:g}" for lr, (_, history) in runs.items() if history.diverged]
    ax_fit.set_title("what the network computes after training"
                     + (f"\n(lr = {', '.join(diverged)} diverged: not drawn)" if diverged else ""))
    ax_fit.legend(loc="lower left")
    fig.tight_layout()
    plt.show()


@one_at_a_time
def plot_architectures(runs: dict, X, Y, X_test, Y_test, ncols: int = 3) -> None:
    """One decision-boundary panel per architecture, titled with its parameter count and test accuracy.

    runs: {name: (params, history, activations)}.
    """
    nrows = -(-len(runs) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, 3.4 * nrows), dpi=DPI, squeeze=False)
    for ax, (name, (params, history, activations)) in zip(axes.flat, runs.items()):
        P = sum(value.size for value in params.values())
        acc = accuracy(predict(params, X_test, activations), Y_test)
        plot_decision_boundary(ax, params, activations, X, Y, X_test, Y_test,
                               title=f"{name}: {P:,} parameters\ntest accuracy {acc:.0%}", resolution=100)
    for ax in list(axes.flat)[len(runs):]:
        ax.remove()
    fig.tight_layout()
    plt.show()
