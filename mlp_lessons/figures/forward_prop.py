"""Lesson 1's figures and tables: shapes, the network, ReLU(x1 + x2 - 1), the activations."""

from __future__ import annotations


import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..activations import get_activation, relu, relu_prime
from .plots import draw_network
from .threads import one_at_a_time
from .common import (ELEMENTWISE_ACTIVATIONS, DPI, WIDTH, SliderFigure)

def print_shape_table(layer_sizes, m: int = 1) -> None:
    """The shape of every quantity of forward prop, layer by layer, for m examples."""
    sizes = list(layer_sizes)
    print(f"{'layer l':>7}  {'n[l]':>4}  {'W[l]':>8}  {'b[l]':>7}  {'z[l], a[l]':>10}")
    print(f"{0:>7}  {sizes[0]:>4}  {'-':>8}  {'-':>7}  {f'({sizes[0]}, {m})':>10}   a[0] = x")
    for l in range(1, len(sizes)):
        W = f"({sizes[l]}, {sizes[l - 1]})"
        b = f"({sizes[l]}, 1)"
        za = f"({sizes[l]}, {m})"
        print(f"{l:>7}  {sizes[l]:>4}  {W:>8}  {b:>7}  {za:>10}")


@one_at_a_time
def plot_network(layer_sizes, params=None, title=None) -> None:
    """draw_network in a small figure of its own."""
    L = len(layer_sizes) - 1
    fig, ax = plt.subplots(figsize=(1.3 * L + 2, 2.8), dpi=DPI)
    draw_network(ax, layer_sizes, params, title=title)
    fig.tight_layout()
    plt.show()


def relu_unit(x1, x2):
    """The seed's one-neuron example a = ReLU(x1 + x2 - 1), i.e. W = [1, 1], b = -1."""
    return relu(np.asarray(x1, dtype=np.float64) + x2 - 1.0)


def relu_unit_slope(x1, x2):
    """da/dx1 = ReLU'(x1 + x2 - 1): 1 where x1 + x2 > 1, else 0."""
    return relu_prime(np.asarray(x1, dtype=np.float64) + x2 - 1.0)


def print_relu_unit_table(x1_values=(0.0, 0.5, 1.0, 1.5), x2_values=(0.0, 0.5, 1.0)) -> None:
    """a = ReLU(x1 + x2 - 1) on a grid, and the slope da/dx1 in each cell."""
    x1_values = np.asarray(x1_values, dtype=np.float64)
    head = "".join(f"  x1={x1:<4.1f}" for x1 in x1_values)
    print(f"a = ReLU(x1 + x2 - 1)  (slope da/dx1 in brackets)\n{'':>7}{head}")
    for x2 in x2_values:
        a = relu_unit(x1_values, x2)
        s = relu_unit_slope(x1_values, x2)
        cells = "".join(f"  {ai:.1f} [{si:.0f}] " for ai, si in zip(a, s))
        print(f"x2={x2:<4.1f}{cells}")


def draw_relu_unit(ax, x2: float, others=(0.0, 0.5, 1.0)) -> str:
    """a = ReLU(x1 + x2 - 1) against x1 for one x2 (bold) and a few others (faint).

    Returns a sentence with the numbers the figure shows.
    """
    x_max = 2.45
    x1 = np.linspace(-1.0, x_max, 346)
    for x2_other in others:
        ax.plot(x1, relu_unit(x1, x2_other), color="0.7", lw=1)
        ax.text(2.25, float(relu_unit(2.25, x2_other)), f"x2={x2_other:g}", fontsize=7, ha="center", va="center",
                color="0.4", bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"))  # on its own line
    ax.plot(x1, relu_unit(x1, x2), color="tab:orange", lw=2.5)
    kink = 1.0 - x2
    ax.axvspan(kink, x_max, color="tab:orange", alpha=0.08)
    ax.axvline(kink, color="tab:orange", ls="--", lw=1)
    ax.set_xlim(-1.0, x_max)
    ax.set_ylim(-0.1, 3.1)
    ax.set_xlabel("x1")
    ax.set_ylabel("a = ReLU(x1 + x2 - 1)")
    ax.set_title(f"x2 = {x2:.2f} (orange): x1 matters only where x1 + x2 > 1 (shaded)")
    change = float(relu_unit(1.5, x2) - relu_unit(0.0, x2))
    return (
        f"x2 = {x2:.2f}: x1 has no effect for x1 < {kink:.2f} (slope 0) and slope 1 above it; "
        f"raising x1 from 0.0 to 1.5 changes a by {change:.2f}"
    )


@one_at_a_time
def plot_relu_unit(x2: float = 0.3) -> None:
    """draw_relu_unit in a figure of its own, with its numbers printed above it."""
    fig, ax = plt.subplots(figsize=(5.5, 3.2), dpi=DPI)
    print(draw_relu_unit(ax, x2))
    fig.tight_layout()
    plt.show()


def relu_unit_widget(x2: float = 0.3) -> SliderFigure:
    """A slider for x2 that redraws how a = ReLU(x1 + x2 - 1) responds to x1."""
    slider = widgets.FloatSlider(value=x2, min=-1.0, max=2.0, step=0.1, description="x2",
                                 continuous_update=False, readout_format=".1f")
    alt = ("Line plot of a = ReLU(x1 + x2 - 1) against x1 from -1 to 2.45: flat at zero up to the kink "
           "at x1 = 1 - x2, then rising with slope 1; faint lines show x2 = 0, 0.5 and 1.")
    return SliderFigure(slider, draw_relu_unit, alt)


@one_at_a_time
def plot_activations(names=ELEMENTWISE_ACTIVATIONS, z_max: float = 3.0) -> None:
    """Small multiples, one column per activation: phi(z) on top, phi'(z) below, from the package's functions.

    Each curve has a panel of its own, so none hides another (ReLU and leaky ReLU,
    or the derivatives that are 1 on the same stretch, would overlap on shared axes).
    """
    z = np.linspace(-z_max, z_max, 601)
    fig, axes = plt.subplots(2, len(names), figsize=(WIDTH, 4.2), dpi=DPI, sharex=True, sharey="row")
    for (ax_phi, ax_prime), name in zip(axes.T, names):
        act = get_activation(name)
        ax_phi.plot(z, act.phi(z), color="tab:blue", lw=2)
        ax_prime.plot(z, act.phi_prime(z), color="tab:orange", lw=2)
        ax_phi.set_title(name)
        ax_prime.set_xlabel("z")
        for ax in (ax_phi, ax_prime):
            ax.axhline(0, color="0.8", lw=0.8, zorder=0)
            ax.axvline(0, color="0.8", lw=0.8, zorder=0)
            ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("phi(z)")
    axes[1, 0].set_ylabel("phi'(z)")
    axes[0, 0].set_ylim(-z_max - 0.2, z_max + 0.2)
    axes[1, 0].set_ylim(-0.1, 1.15)
    fig.tight_layout()
    plt.show()


def print_activation_table(names=ELEMENTWISE_ACTIVATIONS, points=(-2.0, -0.5, 0.0, 0.5, 2.0)) -> None:
    """phi(z) and phi'(z) at a few points, four decimals, one line per activation."""
    z = np.asarray(points, dtype=np.float64)
    head = "".join(f"{p:>8.1f}" for p in z)
    print(f"{'z =':>22}{head}")
    for name in names:
        act = get_activation(name)
        print(f"{name + '(z)':>22}" + "".join(f"{v:>8.4f}" for v in act.phi(z)))
        print(f"{name + chr(39) + '(z)':>22}" + "".join(f"{v:>8.4f}" for v in act.phi_prime(z)))


