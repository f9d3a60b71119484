"""Lesson 4's figures: the spread of the signal forwards and of the gradient backwards, by initial scale."""

from __future__ import annotations


import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..activations import get_activation
from ..backward import backward
from ..forward import forward
from ..losses import half_squared_error
from ..params import init_params
from .threads import one_at_a_time
from .common import (DPI, HALF_WIDTH, SliderFigure)

SPREAD_DEPTH, SPREAD_WIDTH = 10, 50
INIT_SCALES = (0.25, 0.5, 0.71, 1.0, 1.41, 2.0, 4.0)  # factors of He's standard deviation


def activation_spread(scale: float, depth: int = SPREAD_DEPTH, width: int = SPREAD_WIDTH,
                      m: int = 200, seed: int = 0) -> np.ndarray:
    """The standard deviation of a[l], l = 0..depth, in a deep ReLU network at the start of training.

    Every W[l] is He's draw, N(0, 2 / n[l-1]), times scale; the inputs are m standard
    normal columns.  Returns depth + 1 numbers, a[0] = X first.
    """
    params = init_params([width] * (depth + 1), seed=seed, init="he")
    params = {name: value * scale if name.startswith("W") else value for name, value in params.items()}
    X = np.random.default_rng(seed).standard_normal((width, m))
    AL, caches = forward(params, X, ["relu"] * depth)
    return np.array([cache.A_prev.std() for cache in caches] + [AL.std()])


def decade_ticks(ax) -> None:
    """Label every power of ten of ax's log-scale y axis, all written one way: 1e-3, 1e0, 1e5.

    As the tables print them, never mixed (f"{v:g}" writes 100000 beside 1e+07); and no
    mathtext $10^k$, which a slider's redraw must not parse (see common.plain_log_ticks).
    """
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0,), numticks=40))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{round(np.log10(v)):d}" if v > 0 else ""))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _draw_spread(ax, spread, **style):
    ax.semilogy(np.arange(len(spread)), spread, "o-", ms=4, **style)


def _spread_axes(ax):
    ax.set_xlabel("layer l")
    ax.set_ylabel("standard deviation of a[l]")
    ax.set_xticks(range(SPREAD_DEPTH + 1))
    ax.set_ylim(1e-7, 1e7)
    ax.grid(alpha=0.3)
    decade_ticks(ax)


@one_at_a_time
def plot_activation_spreads(spreads: dict) -> None:
    """spreads: {label: activation_spread(...)}, one curve each, on one log-scale axis."""
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.4), dpi=DPI)
    for (label, spread), color in zip(spreads.items(), ("tab:blue", "black", "tab:red")):
        _draw_spread(ax, spread, color=color, label=label)
    _spread_axes(ax)
    ax.set_title(f"a deep ReLU network at the start: {SPREAD_DEPTH} layers of {SPREAD_WIDTH}")
    ax.legend(loc="upper left")
    fig.tight_layout()
    plt.show()


def draw_activation_spread(ax, scale: float, he=None) -> str:
    """The spread layer by layer for W = scale x He's draw (bold), against He itself (black, thin; he, if given)."""
    _draw_spread(ax, activation_spread(1.0) if he is None else he, color="black", lw=1, label="He (scale 1)")
    spread = activation_spread(scale)
    _draw_spread(ax, spread, color="tab:red" if scale > 1 else "tab:blue" if scale < 1 else "black",
                 lw=2.5, label=f"scale {scale:g} x He")
    _spread_axes(ax)
    ax.set_title("spread of the activations, layer by layer")
    ax.legend(loc="upper left")
    return (f"scale {scale:g}: std of a[l] is {spread[1]:.3g} at layer 1 and {spread[-1]:.3g} at layer "
            f"{SPREAD_DEPTH}, about {scale:g}^{SPREAD_DEPTH - 1} = {scale ** (SPREAD_DEPTH - 1):.3g} times as much")


def init_scale_widget(scale: float = 1.0) -> SliderFigure:
    """A slider over INIT_SCALES that redraws the spread of the activations layer by layer."""
    slider = widgets.SelectionSlider(options=[(f"{s:g}", s) for s in INIT_SCALES], value=scale,
                                     description="scale", continuous_update=False)
    he = activation_spread(1.0)  # the reference curve, computed once for every redraw
    alt = ("Line plot, on a log scale, of the standard deviation of the activations a[l] against the layer l = 0 "
           "to 10 of a deep ReLU network whose weights are He's draw times the chosen scale, over the thin black line "
           "of He's initialisation, which stays near 1: a scale below 1 makes the spread shrink layer after "
           "layer, a scale above 1 makes it grow.")
    return SliderFigure(slider, lambda ax, value: draw_activation_spread(ax, value, he), alt)


def gradient_spread(scale: float, activation: str = "relu", init: str = "he", depth: int = SPREAD_DEPTH,
                    width: int = SPREAD_WIDTH, m: int = 200, seed: int = 0) -> np.ndarray:
    """||dJ/dW[l]||, l = 1..depth, from one backward pass through the network of activation_spread.

    The same network and inputs (with the defaults): every W[l] is init's draw times
    scale, every layer uses `activation`, X is m standard normal columns.  J is the half
    squared error against m standard normal target columns Y; backward runs the boxed
    equations, dJ/dW[l] = dJ/dZ[l] A[l-1]^T, (n[l], m) @ (m, n[l-1]).
    Returns depth numbers (Frobenius norms), layer 1 first.
    """
    params = init_params([width] * (depth + 1), seed=seed, init=init)
    params = {name: value * scale if name.startswith("W") else value for name, value in params.items()}
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((width, m)), rng.standard_normal((width, m))
    activations = [activation] * depth
    AL, caches = forward(params, X, activations)
    J, dAL = half_squared_error(AL, Y)
    grads = backward(params, caches, dAL, activations)
    return np.array([np.linalg.norm(grads[f"dW{l}"]) for l in range(1, depth + 1)])


@one_at_a_time
def plot_gradient_spreads(spreads: dict) -> None:
    """spreads: {label: gradient_spread(...)}, ||dJ/dW[l]|| against l, one curve each, on one log-scale axis."""
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.4), dpi=DPI)
    for (label, spread), color in zip(spreads.items(), ("tab:blue", "black", "tab:red", "tab:green", "tab:purple")):
        ax.semilogy(np.arange(1, len(spread) + 1), spread, "o-", ms=4, color=color, label=label)
    depth = max(len(spread) for spread in spreads.values())
    ax.set_xlabel("layer l")
    ax.set_ylabel("||dJ/dW[l]||")
    ax.set_xticks(range(1, depth + 1))
    ax.grid(alpha=0.3)
    decade_ticks(ax)
    ax.set_title(f"the gradients at the start: {depth} layers of {SPREAD_WIDTH}")
    values = np.concatenate(list(spreads.values()))
    ax.set_ylim(values.min() / 10, values.max() * 1e4)  # room for the legend above the curves
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    plt.show()




def saturated_share(scale: float, activation: str = "sigmoid", init: str = "xavier", below: float = 0.01,
                    depth: int = SPREAD_DEPTH, width: int = SPREAD_WIDTH, m: int = 200, seed: int = 0) -> float:
    """The share of phi'(z[l]) < below, over every unit, layer and example of gradient_spread's network.

    How saturated the forward signal is at this scale: a unit whose slope is that small
    passes almost nothing back (boxed equation 1).
    """
    params = init_params([width] * (depth + 1), seed=seed, init=init)
    params = {name: value * scale if name.startswith("W") else value for name, value in params.items()}
    X = np.random.default_rng(seed).standard_normal((width, m))
    _, caches = forward(params, X, [activation] * depth)
    phi_prime = get_activation(activation).phi_prime
    return float(np.mean([np.mean(phi_prime(cache.Z) < below) for cache in caches]))
