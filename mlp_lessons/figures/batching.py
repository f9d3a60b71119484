"""Lesson 3's figures and tables: why J is divided by m."""

from __future__ import annotations


import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..backward import loss_and_grads
from ..forward import forward
from ..losses import half_squared_error
from .common import (DPI, HALF_WIDTH, plain_log_ticks, SliderFigure)
from .threads import one_at_a_time

def gradient_norm(grads: dict) -> float:
    """||(dW1, db1, ..., dWL, dbL)||: the length of the whole gradient as one vector."""
    return float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))


def example_gradients(params: dict, X: np.ndarray, Y: np.ndarray, activations, loss=half_squared_error) -> np.ndarray:
    """G, (m, P): row i is g_i = dJ(i)/dparameters, the gradient of example i's own loss.

    Each example goes through forward and backward alone (a batch of one, where the
    loss's 1/m is 1); its dW1, db1, ..., dWL, dbL are laid end to end in one row of
    P numbers.  The gradient of the summed loss J_sum = sum_i J(i) is the sum of the
    rows, that of the averaged loss J = J_sum / m their mean.
    X: (n[0], m), Y: (n[L], m).
    """
    rows = []
    for i in range(X.shape[1]):
        _, caches = forward(params, X[:, [i]], activations)
        _, grads = loss_and_grads(params, caches, Y[:, [i]], activations, loss)
        rows.append(np.concatenate([g.ravel() for g in grads.values()]))
    return np.array(rows)


def gradient_alignment(G: np.ndarray) -> dict:
    """How long the sum of the m gradients g_i (the rows of G, (m, P)) is, against two references.

    length_of_sum:  ||g_1 + ... + g_m||, the gradient of the summed loss.
    aligned:        ||g_1|| + ... + ||g_m||, its length if every g_i pointed the same way
                    (the most it can be: the triangle inequality).
    random:         sqrt(||g_1||^2 + ... + ||g_m||^2) = sqrt(m) x the root-mean-square ||g_i||,
                    its expected length if the directions were independent and random
                    (then the cross terms g_i . g_j of ||sum||^2 average to 0).
    Aligned gradients make the sum grow like m, so their mean keeps its length; random
    ones make it grow like sqrt(m), so their mean would shrink like 1/sqrt(m).
    """
    G = np.asarray(G, dtype=np.float64)
    lengths = np.sqrt(np.sum(G * G, axis=1))
    return {
        "length_of_sum": float(np.sqrt(np.sum(G.sum(axis=0) ** 2))),
        "aligned": float(lengths.sum()),
        "random": float(np.sqrt(np.sum(lengths**2))),
    }


def print_gradient_norm_table(rows) -> None:
    """rows: {"m", "mean", "sum", "aligned", "random"}: the gradient sizes of the averaged and the summed
    loss on m examples, and the summed one's two references (gradient_alignment)."""
    print(f"{'':>6}  {'||grad||':>9}  {'||grad||':>9}  {'the sum if the m gradients':>27}  {'share of':>8}")
    print(f"{'m':>6}  {'mean J':>9}  {'summed J':>9}  {'all aligned':>13}  {'random':>12}  {'aligned':>8}")
    for r in rows:
        print(f"{r['m']:>6}  {r['mean']:>9.4f}  {r['sum']:>9.2f}  {r['aligned']:>13.2f}  {r['random']:>12.2f}"
              f"  {r['sum'] / r['aligned']:>8.0%}")


def draw_gradient_norms(ax, rows, m_marked=None) -> str:
    """Both gradient sizes, and the summed one's two references (rows as print_gradient_norm_table), against m.

    Log-log axes: growth like m and like sqrt(m) are straight lines of slope 1 and 1/2.
    Returns the numbers at m_marked, which is marked with a dashed line.
    """
    ms = [r["m"] for r in rows]
    ax.loglog(ms, [r["aligned"] for r in rows], ":", color="0.3", lw=1.5, label="sum if all aligned (like m)")
    ax.loglog(ms, [r["sum"] for r in rows], "o-", color="tab:red", ms=4, label="J summed (no 1/m)")
    ax.loglog(ms, [r["random"] for r in rows], "-.", color="0.5", lw=1.5, label="sum if random (like sqrt(m))")
    ax.loglog(ms, [r["mean"] for r in rows], "o-", color="tab:blue", ms=4, label="J averaged (with 1/m)")
    ax.set_xlabel("batch size m")
    ax.set_ylabel("||dJ/dparameters||")
    ax.set_title("gradient size against batch size")
    text = ""
    if m_marked is not None:
        r = next(r for r in rows if r["m"] == m_marked)
        ax.axvline(m_marked, color="0.5", ls="--", lw=1)
        ax.loglog([m_marked] * 2, [r["mean"], r["sum"]], "ks", ms=7)
        text = (f"m = {m_marked}: ||grad|| of the mean loss = {r['mean']:.4f}, of the summed loss = {r['sum']:.2f} "
                f"(all aligned {r['aligned']:.2f}, random {r['random']:.2f})")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    plain_log_ticks(ax)
    return text


@one_at_a_time
def plot_gradient_norms(rows) -> None:
    """draw_gradient_norms in a figure of its own, with no batch size marked (the slider's picture, static)."""
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.6), dpi=DPI)
    draw_gradient_norms(ax, rows)
    fig.tight_layout()
    plt.show()


def batch_size_widget(rows, m: int = 100) -> SliderFigure:
    """A slider over the batch sizes of rows (as print_gradient_norm_table) that marks both gradient sizes at m."""
    slider = widgets.SelectionSlider(options=[r["m"] for r in rows], value=m, description="batch m",
                                     continuous_update=False)
    alt = ("Log-log plot of the gradient's size against the batch size m: with J averaged (1/m) it "
           "stays about the same for every m; with J summed it grows in proportion to m, just below the "
           "line for gradients that all point the same way and far above the line for random directions, "
           "which grows like the square root of m; the chosen m is marked.")
    return SliderFigure(slider, lambda ax, value: draw_gradient_norms(ax, rows, value), alt, figsize=(HALF_WIDTH, 3.6))


