"""Figures, printed tables and small widgets for the lessons (top layer).

Everything here calls the package's own functions (relu, forward, backward,
the losses): a figure shows what the lesson's code computes, never a private
copy.  Every figure comes with printed numbers, so a notebook test (nbval)
notices when a result changes; pictures alone are not compared.
Nothing in the package imports this module.

One size convention for every lesson: lesson_style() sets the resolution (DPI)
and the font sizes once, at the top of each notebook; a figure is WIDTH inches
wide (HALF_WIDTH for a small one beside the text).
"""

from __future__ import annotations

import inspect
import time

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter
from IPython.display import clear_output, display

from .activations import get_activation, relu, relu_prime
from .backward import backward, loss_and_grads
from .forward import forward, predict
from .losses import half_squared_error
from .params import init_params
from .plots import draw_network, plot_decision_boundary
from .slider_frames import Prerendered, render_frames
from .training import accuracy
from .threads import one_at_a_time

ELEMENTWISE_ACTIVATIONS = ("identity", "relu", "leaky_relu", "sigmoid", "tanh")
DPI = 80
WIDTH = 10.0  # inches: a full-width lesson figure
HALF_WIDTH = 5.5
LESSON_STYLE = {
    "figure.dpi": DPI,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 11,
}


def plain_log_ticks(ax) -> None:
    """Tick labels of the log-scale axes of ax as plain numbers (1e-07, 0.01, 100), not mathtext's 10^k.

    Easier to read, and it keeps matplotlib's mathtext parser out of figures redrawn
    by a slider (on matplotlib 3.10 that parse failed at random while JupyterLab's
    widgets talked to the kernel).
    """
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        if scale == "log":
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            axis.set_minor_formatter(NullFormatter())


def lesson_style() -> None:
    """The figure resolution and font sizes shared by every lesson (call it after %matplotlib inline)."""
    plt.rcParams.update(LESSON_STYLE)


def show_source(func) -> None:
    """Print the source code of a package function, to read beside its equation."""
    print(inspect.getsource(func).rstrip())


def col(v, fmt: str = "g") -> str:
    """A column vector (or any array) as a short tuple of formatted numbers, e.g. '(0, 3.5)' (never '-0')."""
    return "(" + ", ".join(format(float(x) + 0.0, fmt) for x in np.ravel(v)) + ")"


def error_text(err: float, bound: float = 1e-9) -> str:
    """A relative error as text that reads the same on every BLAS: '< 1e-9' below bound, else e.g. '0.60'.

    Below the bound the last digits depend on rounding (the BLAS, the CPU), so only
    the bound is printed; a large error, the sign of a wrong formula, is printed as it is.
    """
    if err < bound:
        return f"< {_power(bound)}"
    return f"{err:.2f}" if err >= 0.01 else f"{err:.1e}"


def check_line(name: str, err: float, bound: float = 1e-9, width: int = 0) -> str:
    """'name: relative error < 1e-9' (or the error itself when it is not small); name padded to width."""
    return f"{name + ':':<{width}} relative error {error_text(err, bound)}"


def _power(x: float) -> str:
    """1e-07 -> '1e-7'."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


class SliderFigure:
    """A slider above one Output widget; every change of the slider redraws in place.

    draw(ax, value) draws on a fresh axes and returns the text to print under the
    figure (the numbers the picture shows).  The last figure and text are kept as
    .fig and .text, so tests can move the slider and look at what was redrawn.
    alt says what the figure shows, for readers who cannot see it: displayed, the
    figure also carries one picture per slider position with that alt text, which
    the static site shows under a slider of its own (see slider_frames).
    """

    def __init__(self, slider, draw, alt: str, figsize=(5.5, 3.2)):
        self.slider = slider
        self.draw = draw
        self.alt = alt
        self.figsize = figsize
        self.out = widgets.Output()
        self.fig = None
        self.text = ""
        self.redraws = 0
        slider.observe(lambda change: self.redraw(), names="value")
        self.widget = widgets.VBox([slider, self.out])
        self.redraw()

    @one_at_a_time
    def redraw(self) -> None:
        """Draw the figure for the slider's value into the Output widget, replacing the last one.

        The figure is not registered with pyplot: a plt.show() or plt.close("all")
        elsewhere (another cell, while this runs on the widget thread) never touches it.
        """
        with self.out:
            clear_output(wait=True)
            self.fig = Figure(figsize=self.figsize, dpi=DPI)
            self.text = self.draw(self.fig.add_subplot(), self.slider.value)
            self.fig.tight_layout()
            display(self.fig)
            print(self.text)
        self.redraws += 1

    @one_at_a_time
    def _repr_mimebundle_(self, include=None, exclude=None):
        frames = render_frames(self.slider, self.draw, self.alt, self.figsize, DPI)
        return Prerendered(self.widget, frames)._repr_mimebundle_(include, exclude)


# ---- Lesson 1: shapes, the network, ReLU(x1 + x2 - 1), activations ---------------------


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
    x1 = np.linspace(-1.0, 2.0, 301)
    for x2_other in others:
        ax.plot(x1, relu_unit(x1, x2_other), color="0.7", lw=1)
        ax.text(2.02, float(relu_unit(2.0, x2_other)), f"x2={x2_other:g}", fontsize=7, va="center", color="0.4")
    ax.plot(x1, relu_unit(x1, x2), color="tab:orange", lw=2.5, label=f"x2 = {x2:.2f}")
    kink = 1.0 - x2
    ax.axvspan(kink, 2.0, color="tab:orange", alpha=0.08)
    ax.axvline(kink, color="tab:orange", ls="--", lw=1)
    ax.set_xlim(-1.0, 2.45)
    ax.set_ylim(-0.1, 3.1)
    ax.set_xlabel("x1")
    ax.set_ylabel("a = ReLU(x1 + x2 - 1)")
    ax.set_title("x1 matters only where x1 + x2 > 1 (shaded)")
    ax.legend(loc="upper left", fontsize=8)
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
    alt = ("Line plot of a = ReLU(x1 + x2 - 1) against x1 from -1 to 2: flat at zero up to the kink "
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


# ---- Lesson 2: gradient checks and the update --------------------------------------------


def _num(v) -> str:
    """A number as few digits as it needs, never '-0': 3.5, -5.25, 0."""
    return f"{float(v) + 0.0:.4g}"


def _factor(v) -> str:
    """A number as a factor of a product, a negative one in brackets: '(-1.5)'."""
    text = _num(v)
    return f"({text})" if text.startswith("-") else text


def _product(u, v) -> str:
    """'u × v = uv', e.g. '(-1.5) × 3.5 = -5.25'."""
    return f"{_factor(u)} \u00d7 {_factor(v)} = {_num(u * v)}"


def _sum(terms, sep: str = " ") -> str:
    """'-1.5' for one term, '-1.5 + 0.5 = -1' for more: the messages that arrive at a neuron, added."""
    total = _num(sum(terms))
    if len(terms) == 1:
        return total
    return " + ".join(_factor(t) if i else _num(t) for i, t in enumerate(terms)) + f"{sep}= {total}"


def backward_messages(W, dZ) -> np.ndarray:
    """What travels back along each edge of layer l, for one example: M_pq = W[l]_pq dJ/dz[l]_p.

    The edge from neuron q of layer l-1 to neuron p of layer l carries this
    message backwards.  Boxed equation 4 is their sum over the paths out of q:
    dJ/da[l-1]_q = sum_p M_pq, so M.sum(axis=0) is (W[l].T @ dJ/dz[l]).T.
    Shapes: W (n[l], n[l-1]), dZ (n[l], 1) -> (n[l], n[l-1]), the shape of W.
    """
    W, dZ = np.asarray(W, dtype=float), np.asarray(dZ, dtype=float)
    if W.ndim != 2 or dZ.shape != (W.shape[0], 1):
        rows = W.shape[0] if W.ndim == 2 else "n[l]"
        raise ValueError(f"backward_messages(W, dZ): dZ must be one example's dJ/dz[l], a column of shape "
                         f"({rows}, 1) for W of shape {W.shape}; got {dZ.shape}. "
                         "W is (n[l], n[l-1]) and dJ/dz[l] has one entry per row of W.")
    return W * dZ


MESSAGE_INK, WEIGHT_INK = "tab:red", "tab:blue"  # the backward figure's two quantities


def draw_hand_network(ax, params, activations, x, y, caches, back=None, panel: str = "messages") -> None:
    """A small network with its numbers on it: the forward pass, or (with back) one panel of the backward pass.

    Forward (back=None): x on the inputs, W[l]_pq on the edge from neuron q to
    neuron p, z, a and b on each neuron, y and J = 1/2 (a[L] - y)^2 on the right.
    Backward: back[l] = {"dA", "dZ", "dW", "db"} as the boxed equations gave them for layer l.
      panel="messages" (red): what travels right to left.  Each edge of layer
        l >= 2 carries W_pq dJ/dz_p (backward_messages); the messages into a
        neuron add up to its dJ/da (equation 4), which becomes dJ/dz = dJ/da phi'(z)
        (equation 1).  Nothing is sent to the inputs (equation 4 is skipped at layer 1).
      panel="weights" (blue): what each parameter keeps.  dJ/dW_pq = dJ/dz_p a_q on
        each edge (equation 2) and dJ/db = dJ/dz under each neuron (equation 3); plain
        lines, since nothing travels along them.
    One example (x is (n[0], 1)); the numbers are the lesson's, with few digits.
    """
    if back is not None and panel not in ("messages", "weights"):
        raise ValueError(f"draw_hand_network: panel must be 'messages' or 'weights', got {panel!r}")
    L = len(activations)
    sizes = [x.shape[0]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]
    a = [x] + [get_activation(activations[l - 1]).phi(caches[l - 1].Z) for l in range(1, L + 1)]
    top = max(sizes)
    step = 2.2 if back is None else 2.6  # distance between layers: the backward labels are longer

    def pos(l, i):
        return l * step, (top - 1) / 2 - (sizes[l] - 1) / 2 + i

    forward, messages = back is None, back is not None and panel == "messages"
    ink = "black" if forward else MESSAGE_INK if messages else WEIGHT_INK
    fill = "white" if forward else "#fdecea" if messages else "#e8f1fa"
    faint = "0.6"

    def node(xy, text, edge, fill="white", color="black", style="round"):
        return ax.text(*xy, text, ha="center", va="center", fontsize=10, color=color, zorder=3,
                       bbox=dict(boxstyle=f"{style},pad=0.4", fc=fill, ec=edge, lw=1))

    def arrow(source, target, color, head=True, lw=1.3):
        """An arrow (or a plain line) from box to box, clipped to their outlines."""
        source.draw(ax.figure.canvas.get_renderer())  # lays out the boxes, so the arrow can be clipped
        target.draw(ax.figure.canvas.get_renderer())
        ax.annotate("", xy=target.get_position(), xytext=source.get_position(), zorder=1,
                    arrowprops=dict(arrowstyle="-|>" if head else "-", mutation_scale=12, color=color, lw=lw,
                                    shrinkA=1, shrinkB=1,
                                    patchA=source.get_bbox_patch(), patchB=target.get_bbox_patch()))

    def label(xy, text, color):
        ax.text(*xy, text, ha="center", va="center", fontsize=9, color=color, zorder=2,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))

    in_ink = faint if messages else "black"
    boxes = {(0, q): node(pos(0, q), f"x{q + 1} = {_num(x[q, 0])}", in_ink, color=in_ink) for q in range(sizes[0])}
    ax.text(0, -0.7, "layer 0: input", ha="center", va="bottom", fontsize=10)
    if messages:
        ax.text(0, pos(0, sizes[0] - 1)[1] + 0.3, "nothing is sent\nback to x", ha="center", va="top",
                fontsize=9, color=faint)
    for l in range(1, L + 1):
        Z, slope, b = caches[l - 1].Z, get_activation(activations[l - 1]).phi_prime(caches[l - 1].Z), params[f"b{l}"]
        arriving = backward_messages(params[f"W{l + 1}"], back[l + 1]["dZ"]) if messages and l < L else None
        for p in range(sizes[l]):
            xp, yp = pos(l, p)
            if forward:
                text, under = f"z = {_num(Z[p, 0])}\na = {_num(a[l][p, 0])}", f"b = {_num(b[p, 0])}"
            elif messages:
                dA = _num(back[l]["dA"][p, 0]) if arriving is None else _sum(arriving[:, p], sep="\n")
                text, under = f"dJ/da = {dA}\n\u03c6'(z) = {_num(slope[p, 0])}\ndJ/dz = {_num(back[l]['dZ'][p, 0])}", ""
            else:
                text, under = (f"a = {_num(a[l][p, 0])}\ndJ/dz = {_num(back[l]['dZ'][p, 0])}"
                               f"\ndJ/db = {_num(back[l]['db'][p, 0])}"), ""
            boxes[l, p] = node((xp, yp), text, ink, fill=fill)
            if under:
                ax.text(xp, yp + 0.34, under, ha="center", va="top", fontsize=9, color=ink)
        ax.text(pos(l, 0)[0], -0.7, f"layer {l}: {activations[l - 1]}", ha="center", va="bottom", fontsize=10)

    for l in range(1, L + 1):
        sent = backward_messages(params[f"W{l}"], back[l]["dZ"]) if messages and l > 1 else None
        for p in range(sizes[l]):
            for q in range(sizes[l - 1]):
                (x0, y0), (x1, y1) = pos(l - 1, q), pos(l, p)
                # edges that cross get their labels off the middle (nearer the input end, or behind a
                # layer's wide backward boxes nearer the output end), the others in the middle
                t = (0.65 if l > 1 and not forward else 0.3) if y0 != y1 and min(sizes[l], sizes[l - 1]) > 1 else 0.5
                mid = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                if forward:
                    arrow(boxes[l - 1, q], boxes[l, p], "0.3")
                    label(mid, f"W = {_num(params[f'W{l}'][p, q])}", "black")
                elif not messages:
                    arrow(boxes[l - 1, q], boxes[l, p], ink, head=False, lw=1.0)
                    label(mid, f"dJ/dW = {_product(back[l]['dZ'][p, 0], a[l - 1][q, 0])}", ink)
                elif sent is None:  # layer 1: the connection is there, but no message is sent
                    arrow(boxes[l, p], boxes[l - 1, q], faint, head=False, lw=0.6)
                else:
                    arrow(boxes[l, p], boxes[l - 1, q], ink)
                    label(mid, _product(params[f"W{l}"][p, q], back[l]["dZ"][p, 0]), ink)

    J = half_squared_error(a[L], y)[0]
    yL, xJ = (top - 1) / 2, (L + 0.95) * step if forward else L * step + 2.0
    one = sizes[L] == 1
    vec = (lambda v: _num(v[0, 0])) if one else col
    squares = "(a - y)\u00b2 / 2" if one else "\u03a3 (a - y)\u00b2 / 2"
    if forward:
        loss = node((xJ, yL), f"y = {vec(y)}\nJ = {squares} = {_num(J)}", ink, "#f3f3f3", style="square")
        for p in range(sizes[L]):
            arrow(boxes[L, p], loss, "0.3")
    elif messages:
        loss = node((xJ, yL), f"J = {_num(J)}\ndJ/da[{L}] = a - y = {vec(back[L]['dA'])}", ink, "#f3f3f3",
                    style="square")
        for p in range(sizes[L]):
            arrow(loss, boxes[L, p], ink)
    ax.set_xlim(-0.7, xJ + 1.25)
    ax.set_ylim(top - 0.3, -0.85)
    ax.axis("off")


BACKWARD_PANEL_TITLES = {
    "messages": "red, sent back: each arrow carries W_pq \u00d7 dJ/dz_p (equation 4); "
                "the arrows into a neuron add up to its dJ/da",
    "weights": "blue, kept by each parameter: dJ/dW_pq = dJ/dz_p \u00d7 a_q on each line (equation 2), "
               "dJ/db = dJ/dz (equation 3)",
}


@one_at_a_time
def plot_hand_network(params, activations, x, y, caches, back=None) -> None:
    """draw_hand_network in a figure of its own: the forward pass, or the backward pass in two panels.

    The backward panels: what travels back (red, the messages of equation 4) above
    what each weight and bias keeps (blue, equations 2 and 3).
    """
    if back is None:
        fig, ax = plt.subplots(figsize=(WIDTH, 3.1))
        draw_hand_network(ax, params, activations, x, y, caches)
        ax.set_title("forward pass: left to right", loc="left")
    else:
        fig, axes = plt.subplots(2, 1, figsize=(WIDTH, 6.4))
        for ax, panel in zip(axes, ("messages", "weights")):
            draw_hand_network(ax, params, activations, x, y, caches, back, panel)
            ax.set_title(BACKWARD_PANEL_TITLES[panel], loc="left",
                         color=MESSAGE_INK if panel == "messages" else WEIGHT_INK)
    fig.tight_layout()
    plt.show()


def print_hand_backward(params, back) -> None:
    """The backward figure's numbers as text: each message sent back and their sum, then each dJ/dW and dJ/db."""
    L = len(back)
    print("red, sent back: W_pq \u00d7 dJ/dz_p along the edge from neuron p of layer l to neuron q of layer l-1")
    for l in range(L, 1, -1):
        sent = backward_messages(params[f"W{l}"], back[l]["dZ"])
        for q in range(sent.shape[1]):
            edges = ", ".join(f"{_product(params[f'W{l}'][p, q], back[l]['dZ'][p, 0])} from neuron {p + 1}"
                              for p in range(sent.shape[0]))
            print(f"  layer {l - 1}, neuron {q + 1} receives {edges}; dJ/da = {_sum(sent[:, q])}")
    print("  layer 0 (the inputs x) receives nothing")
    print("blue, kept: dJ/dW_pq = dJ/dz_p \u00d7 a_q on each edge, dJ/db_p = dJ/dz_p")
    for l in range(L, 0, -1):
        dW = back[l]["dW"]
        for p in range(dW.shape[0]):
            print(f"  layer {l}, neuron {p + 1}: dJ/dW = {col(dW[p])}, dJ/db = {_num(back[l]['db'][p, 0])}")


def scalar_chain(w: float, x: float, b: float, y: float, activation: str = "sigmoid") -> dict:
    """One neuron, one input, one example, every number a float: the chain rule before the vectors.

    Forward: z = w x + b, a = phi(z), J = 1/2 (a - y)^2.
    Local derivatives, one per edge: dz/dw = x, dz/dx = w, dz/db = 1, da/dz = phi'(z), dJ/da = a - y.
    Chain rule, their products: dJ/dz = dJ/da da/dz (boxed equation 1 with n = 1),
    dJ/dw = dJ/dz x (equation 2), dJ/db = dJ/dz (equation 3), dJ/dx = dJ/dz w (equation 4).
    """
    act = get_activation(activation)
    z = w * x + b
    a = float(act.phi(np.array([[z]]))[0, 0])
    local = {"dz/dw": x, "dz/dx": w, "dz/db": 1.0, "da/dz": float(act.phi_prime(np.array([[z]]))[0, 0]),
             "dJ/da": a - y}
    dJ_dz = local["dJ/da"] * local["da/dz"]
    return {"w": w, "x": x, "b": b, "y": y, "activation": activation, "z": z, "a": a, "J": 0.5 * (a - y) ** 2,
            **local, "dJ/dz": dJ_dz, "dJ/dw": dJ_dz * x, "dJ/db": dJ_dz, "dJ/dx": dJ_dz * w}


def scalar_chain_lines(chain: dict) -> list[str]:
    """The chain rule of scalar_chain, one product of local derivatives per line (3 significant digits)."""
    def g(v):
        return f"{v + 0.0:.3g}"

    up = f"{g(chain['dJ/da'])} \u00d7 {g(chain['da/dz'])}"
    lines = [f"dJ/dz = dJ/da \u00d7 da/dz         = {up} = {g(chain['dJ/dz'])}"]
    for name, value in (("w", chain["x"]), ("b", 1.0), ("x", chain["w"])):
        lines.append(f"dJ/d{name} = dJ/da \u00d7 da/dz \u00d7 dz/d{name} = {up} \u00d7 {g(value)} = {g(chain['dJ/d' + name])}")
    return lines


LOCAL_INK = "tab:purple"  # the scalar chain's local derivatives, beside MESSAGE_INK for the gradients of J


def draw_scalar_chain(ax, chain: dict) -> None:
    """scalar_chain as a chain of boxes: values in the boxes, local derivatives on the edges, dJ/d(box) under each."""
    def g(v):
        return f"{v + 0.0:.3g}"

    def node(xy, text, grad, fill="white"):
        ax.text(xy[0], xy[1] + 0.32, grad, ha="center", va="top", fontsize=9, color=MESSAGE_INK)
        return ax.text(*xy, text, ha="center", va="center", fontsize=10, zorder=3,
                       bbox=dict(boxstyle="round,pad=0.4", fc=fill, ec="black", lw=1))

    def edge(source, target, text, t=0.5, dy=-0.22):
        source.draw(ax.figure.canvas.get_renderer())  # lays out the boxes, so the arrow can be clipped
        target.draw(ax.figure.canvas.get_renderer())
        ax.annotate("", xy=target.get_position(), xytext=source.get_position(), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", mutation_scale=12, color="0.3", lw=1.2, shrinkA=1, shrinkB=1,
                                    patchA=source.get_bbox_patch(), patchB=target.get_bbox_patch()))
        (x0, y0), (x1, y1) = source.get_position(), target.get_position()
        ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0) + dy, text, ha="center", va="center", fontsize=9,
                color=LOCAL_INK, zorder=2, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))

    w = node((0, 0), f"w = {g(chain['w'])}", f"dJ/dw = {g(chain['dJ/dw'])}")
    x = node((0, 1.2), f"x = {g(chain['x'])}", f"dJ/dx = {g(chain['dJ/dx'])}")
    b = node((0, 2.4), f"b = {g(chain['b'])}", f"dJ/db = {g(chain['dJ/db'])}")
    z = node((2.8, 1.2), f"z = wx + b\n= {g(chain['z'])}", f"dJ/dz = {g(chain['dJ/dz'])}")
    a = node((5.2, 1.2), f"a = {chain['activation']}(z)\n= {g(chain['a'])}", f"dJ/da = {g(chain['dJ/da'])}")
    J = node((7.7, 1.2), f"J = (a - y)\u00b2 / 2\ny = {g(chain['y'])}, J = {g(chain['J'])}", "dJ/dJ = 1", fill="#f3f3f3")
    edge(w, z, f"dz/dw = x = {g(chain['dz/dw'])}", dy=-0.2)
    edge(x, z, f"dz/dx = w = {g(chain['dz/dx'])}")
    edge(b, z, "dz/db = 1", dy=0.2)
    edge(z, a, f"da/dz = {chain['activation']}'(z)\n= {g(chain['da/dz'])}", dy=-0.35)
    edge(a, J, f"dJ/da = a - y\n= {g(chain['dJ/da'])}", dy=-0.35)
    ax.text(1.9, 2.25, "the chain rule multiplies the local derivatives from J back to each box:\n"
            + "\n".join(scalar_chain_lines(chain)), ha="left", va="top", fontsize=9, color=MESSAGE_INK,
            family="monospace")
    ax.set_xlim(-0.7, 8.9)
    ax.set_ylim(3.5, -0.5)
    ax.axis("off")


@one_at_a_time
def plot_scalar_chain(chain: dict) -> None:
    """draw_scalar_chain in a figure of its own."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.8))
    draw_scalar_chain(ax, chain)
    ax.set_title("one neuron: values in the boxes (black), local derivatives on the edges (purple), "
                 "dJ/d(box) under each box (red)", loc="left")
    fig.tight_layout()
    plt.show()


def best_time(f, repeats: int = 3, number: int = 1) -> float:
    """Seconds per call of f(): the fastest of `repeats` runs of `number` calls each (the least disturbed by other work).

    A fast f is timed over many calls (number), so that it is averaged over a loop as
    long as a slow one's, the same way.
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            f()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def print_grad_check_table(errors: dict, params: dict, bound: float = 1e-9) -> None:
    """One line per parameter: its shape and the relative error of backprop against finite differences."""
    print(f"{'parameter':>9}  {'shape':>8}  relative error")
    for name, err in errors.items():
        shape = "(" + ", ".join(str(s) for s in params[name].shape) + ")"
        print(f"{name:>9}  {shape:>8}  {error_text(err, bound)}")


@one_at_a_time
def plot_losses(losses, title="J after each update", xlabel="update") -> None:
    """The loss after each step of gradient descent."""
    fig, ax = plt.subplots(figsize=(HALF_WIDTH, 3.0), dpi=DPI)
    ax.plot(range(len(losses)), losses, "o-", ms=4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("J")
    ax.set_title(title)
    fig.tight_layout()
    plt.show()


# ---- Lesson 3: why J is divided by m -------------------------------------------------------


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


def batch_size_widget(rows, m: int = 100) -> SliderFigure:
    """A slider over the batch sizes of rows (as print_gradient_norm_table) that marks both gradient sizes at m."""
    slider = widgets.SelectionSlider(options=[r["m"] for r in rows], value=m, description="batch m",
                                     continuous_update=False)
    alt = ("Log-log plot of the gradient's size against the batch size m: with J averaged (1/m) it "
           "stays about the same for every m; with J summed it grows in proportion to m, just below the "
           "line for gradients that all point the same way and far above the line for random directions, "
           "which grows like the square root of m; the chosen m is marked.")
    return SliderFigure(slider, lambda ax, value: draw_gradient_norms(ax, rows, value), alt, figsize=(HALF_WIDTH, 3.6))


# ---- Lesson 4: initialisation ------------------------------------------------------------

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


def _draw_spread(ax, spread, **style):
    ax.semilogy(np.arange(len(spread)), spread, "o-", ms=4, **style)


def _spread_axes(ax):
    ax.set_xlabel("layer l")
    ax.set_ylabel("standard deviation of a[l]")
    ax.set_xticks(range(SPREAD_DEPTH + 1))
    ax.set_ylim(1e-7, 1e7)
    ax.grid(alpha=0.3)
    plain_log_ticks(ax)


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
    """The spread layer by layer for W = scale x He's draw (bold), against He itself (grey; he, if given)."""
    _draw_spread(ax, activation_spread(1.0) if he is None else he, color="0.6", label="He (scale 1)")
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
           "to 10 of a deep ReLU network whose weights are He's draw times the chosen scale, over the grey line "
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
    plain_log_ticks(ax)
    ax.set_title(f"the gradients at the start: {depth} layers of {SPREAD_WIDTH}")
    values = np.concatenate(list(spreads.values()))
    ax.set_ylim(values.min() / 10, values.max() * 1e4)  # room for the legend above the curves
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    plt.show()


# ---- Lesson 5: the learning rate, depth and width -------------------------------------------


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
