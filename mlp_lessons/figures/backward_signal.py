"""Lesson 6's figures: the backward signal through depth, the learning slowdown, dead ReLUs.

Every number comes from the package's own forward, backward, loss_and_grads and
train: this module measures what those functions compute, it never runs a copy of them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..activations import get_activation, sigmoid
from ..backward import backward, loss_and_grads
from ..forward import LayerCache, forward
from ..losses import half_squared_error
from ..params import init_params
from ..training import train
from .common import DPI, HALF_WIDTH, WIDTH, SliderFigure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from .lifetime import close_on_rerun, close_widgets
from .slider_frames import Prerendered, render_frames
from .threads import one_at_a_time
from .initialisation import SPREAD_DEPTH, SPREAD_WIDTH

SIGNAL_DEPTH, SIGNAL_WIDTH, SIGNAL_M = 20, 50, 50
SIGNAL_ACTIVATIONS = ("sigmoid", "tanh", "relu")
SIGNAL_SCALES = (0.5, 1.0, 2.0)  # factors of He's (ReLU) or Xavier's (sigmoid, tanh) standard deviation
SCALE_COLORS = {0.5: "tab:blue", 1.0: "black", 2.0: "tab:red"}


def init_of(activation: str) -> str:
    """The initialisation the lessons pair with an activation: He's for the ReLUs, Xavier's otherwise."""
    return get_activation(activation).init


def signal_network(depth: int, activation: str, scale: float, width: int = SIGNAL_WIDTH, m: int = SIGNAL_M,
                   seed: int = 0):
    """(params, X, Y, activations): depth hidden layers of width units and one identity output unit.

    Every W[l] is init_of(activation)'s draw times scale, every b[l] zero; X is m standard
    normal columns of width inputs, Y m standard normal targets (J: the half squared error).
    """
    params = init_params([width] * (depth + 1) + [1], seed=seed, init=init_of(activation))
    params = {name: value * scale if name.startswith("W") else value for name, value in params.items()}
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((width, m)), rng.standard_normal((1, m))
    return params, X, Y, [activation] * depth + ["identity"]


class BackwardSignal(NamedTuple):
    """One backward pass, measured layer by layer (arrays over l = 1..L, layer 1 first).

    dZ[l-1] = ||dJ/dZ[l]||, dW[l-1] = ||dJ/dW[l]||, A_prev[l-1] = root-mean-square of a[l-1];
    W_gain[l-1] = ||W[l+1]||_F / sqrt(n[l+1]) and phi_size[l-1] = root-mean-square of phi'(z[l])
    for l = 1..L-1: the two sizes the signal is multiplied by on its way from layer l+1 to l.
    """

    dZ: np.ndarray
    dW: np.ndarray
    A_prev: np.ndarray
    W_gain: np.ndarray
    phi_size: np.ndarray

    @property
    def factors(self) -> np.ndarray:
        """The predicted factor of each step back, l+1 -> l: W_gain x phi_size (l = 1..L-1)."""
        return self.W_gain * self.phi_size

    @property
    def steps(self) -> np.ndarray:
        """The measured factor of each step back: ||dJ/dZ[l]|| / ||dJ/dZ[l+1]|| (l = 1..L-1)."""
        return self.dZ[:-1] / self.dZ[1:]

    @property
    def ratio(self) -> float:
        """||dJ/dZ[1]|| / ||dJ/dZ[L]||, measured."""
        return float(self.dZ[0] / self.dZ[-1])

    @property
    def predicted(self) -> float:
        """The factors multiplied out: the predicted ||dJ/dZ[1]|| / ||dJ/dZ[L]||."""
        return float(np.prod(self.factors))


def dZ_norms(params: dict, caches: list, dAL: np.ndarray, activations) -> np.ndarray:
    """||dJ/dZ[l]||, l = 1..L, from ml.backward run on one example (one column) at a time.

    For one column, boxed equation 3 says dJ/db[l] = dJ/dz[l]; backward returns db, so
    summing ||db[l]||^2 over the m columns (each with its column of dJ/dA[L], which
    already carries the loss's 1/m) gives ||dJ/dZ[l]||^2 of the whole batch, exactly.
    """
    squares = np.zeros(len(caches))
    for i in range(dAL.shape[1]):
        one = [LayerCache(c.A_prev[:, [i]], c.W, c.Z[:, [i]]) for c in caches]
        grads = backward(params, one, dAL[:, [i]], activations, check=False)
        squares += [np.sum(grads[f"db{l}"] ** 2) for l in range(1, len(caches) + 1)]
    return np.sqrt(squares)


def measure_signal(params: dict, X: np.ndarray, Y: np.ndarray, activations) -> BackwardSignal:
    """One forward and one backward pass (J: the half squared error), measured layer by layer."""
    AL, caches = forward(params, X, activations)
    J, dAL = half_squared_error(AL, Y)
    grads = backward(params, caches, dAL, activations)
    L = len(caches)
    W_gain = [np.linalg.norm(params[f"W{l + 1}"]) / np.sqrt(params[f"W{l + 1}"].shape[0]) for l in range(1, L)]
    phi_size = [np.sqrt(np.mean(get_activation(activations[l - 1]).phi_prime(caches[l - 1].Z) ** 2))
                for l in range(1, L)]
    return BackwardSignal(
        dZ=dZ_norms(params, caches, dAL, activations),
        dW=np.array([np.linalg.norm(grads[f"dW{l}"]) for l in range(1, L + 1)]),
        A_prev=np.array([np.sqrt(np.mean(c.A_prev ** 2)) for c in caches]),
        W_gain=np.array(W_gain), phi_size=np.array(phi_size))


@lru_cache(maxsize=512)
def backward_signal(depth: int, activation: str, scale: float, width: int = SIGNAL_WIDTH, m: int = SIGNAL_M,
                    seed: int = 0) -> BackwardSignal:
    """One forward and one backward pass through signal_network, measured layer by layer."""
    return measure_signal(*signal_network(depth, activation, scale, width, m, seed))


def lesson4_signal(activation: str = "sigmoid", init: str = "xavier", scale: float = 1.0) -> BackwardSignal:
    """Lesson 4's gradient_spread network (same draw, inputs and targets, every layer `activation`), measured."""
    params = init_params([SPREAD_WIDTH] * (SPREAD_DEPTH + 1), seed=0, init=init)
    params = {name: value * scale if name.startswith("W") else value for name, value in params.items()}
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((SPREAD_WIDTH, 200)), rng.standard_normal((SPREAD_WIDTH, 200))
    return measure_signal(params, X, Y, [activation] * SPREAD_DEPTH)


def ratio_over_seeds(activation: str, scale: float, seeds=range(8), depth: int = SIGNAL_DEPTH,
                     width: int = SIGNAL_WIDTH, m: int = SIGNAL_M) -> np.ndarray:
    """measured / predicted ratio ||dJ/dZ[1]|| / ||dJ/dZ[L]||, one per random draw of the network (seed)."""
    return np.array([(lambda s: s.ratio / s.predicted)(backward_signal(depth, activation, scale, width, m, seed))
                     for seed in seeds])


def hidden_layers(depth: int) -> str:
    """'1 hidden layer', '20 hidden layers'."""
    return f"{depth} hidden layer{'s' if depth != 1 else ''}"


def setting_name(activation: str, scale: float) -> str:
    """'relu, 1x He', 'sigmoid, 0.5x Xavier'."""
    return f"{activation}, {scale:g}x {'He' if init_of(activation) == 'he' else 'Xavier'}"


def print_signal_table(signal: BackwardSignal, every: int = 1) -> None:
    """Layer by layer: ||dJ/dZ[l]||, the measured step back to l, the predicted factor and its two parts."""
    L = len(signal.dZ)
    print(f"{'layer l':>7}  {'||dJ/dz[l]||':>12}  {'measured step':>13}  {'size of W[l+1]^T':>16}  "
          f"{'size of phi_prime':>17}  {'predicted step':>14}")
    for l in range(L, 0, -1):
        if l < L and (L - l) % every and l != 1:
            continue
        row = f"{l:>7}  {signal.dZ[l - 1]:>12.3g}"
        if l < L:
            row += (f"  {signal.steps[l - 1]:>13.3g}  {signal.W_gain[l - 1]:>16.3g}  {signal.phi_size[l - 1]:>17.3g}"
                    f"  {signal.factors[l - 1]:>14.3g}")
        print(row)


def print_factor_products(depth: int = SIGNAL_DEPTH, seeds=range(8), wide: int = 400, wide_seeds=range(3),
                          wide_m: int = 10, wide_activations=("relu",)) -> None:
    """For every activation and scale: the measured ||dJ/dZ[1]|| / ||dJ/dZ[L]|| beside the factors multiplied out
    (seed 0, the network of the figure), then measured / predicted over several seeds, at width 50 and (1x) wide."""
    print(f"{depth} hidden layers of {SIGNAL_WIDTH}; ratio = ||dJ/dz[1]|| / ||dJ/dz[L]||, L = {depth + 1}")
    print(f"{'':>20}  {'seed 0 (the figure)':^46}  {f'measured / predicted, {len(seeds)} seeds':^30}")
    print(f"{'setting':>20}  {'measured ratio':>14}  {'factors multiplied':>18}  {'per step':>10}  {'median':>8}  "
          f"{'lowest':>9}  {'highest':>9}")
    for activation in SIGNAL_ACTIVATIONS:
        for scale in SIGNAL_SCALES:
            s = backward_signal(depth, activation, scale)
            r = ratio_over_seeds(activation, scale, seeds, depth)
            print(f"{setting_name(activation, scale):>20}  {s.ratio:>14.2g}  {s.predicted:>18.2g}  "
                  f"{s.predicted ** (1 / depth):>10.2f}  {np.median(r):>8.2f}  {r.min():>9.2f}  {r.max():>9.2f}")
    print(f"\nthe same at width {wide} ({depth} hidden layers of {wide}, m = {wide_m}), {len(wide_seeds)} seeds:")
    for activation in wide_activations:
        r = ratio_over_seeds(activation, 1.0, wide_seeds, depth, wide, wide_m)
        print(f"{setting_name(activation, 1.0):>20}  {'':>14}  {'':>18}  {'':>10}  "
              f"{np.median(r):>8.2f}  {r.min():>9.2f}  {r.max():>9.2f}")


def decade_ticks(ax, most: int = 8) -> None:
    """Label at most about `most` powers of ten of ax's log y axis, all written one way: 1e-6, 1e0.

    Like initialisation.decade_ticks, but thinned: these curves span up to 20 decades.
    """
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0,), numticks=most))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{round(np.log10(v)):d}" if v > 0 else ""))
    ax.yaxis.set_minor_formatter(NullFormatter())


def layer_ticks(depth: int) -> list:
    """Layer numbers for the x axis: the output layer L = depth + 1 (where the signal starts), every few below, and 1."""
    return sorted(set(range(depth + 1, 0, -max(1, (depth + 1) // 6))) | {1})


def _signal_axes(ax, depth: int, ylabel: str) -> None:
    ax.set_xlabel("layer l")
    ax.set_ylabel(ylabel)
    ax.set_xticks(layer_ticks(depth))
    ax.grid(alpha=0.3)
    decade_ticks(ax)


def few_decade_ticks(ax) -> None:
    """A log axis spanning less than two decades gets ticks at 1, 2 and 5 times each power of ten, labelled."""
    low, high = ax.get_ylim()
    if high / low < 100:
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2g}"))


@one_at_a_time
def plot_backward_signals(depth: int = SIGNAL_DEPTH) -> None:
    """Top: ||dJ/dZ[l]|| against l; bottom: ||dJ/dW[l]||; one column per activation, one colour per scale."""
    fig, axes = plt.subplots(2, len(SIGNAL_ACTIVATIONS), figsize=(WIDTH, 5.6), dpi=DPI, sharex=True)
    layers = np.arange(1, depth + 2)
    for j, activation in enumerate(SIGNAL_ACTIVATIONS):
        top, bottom = axes[0, j], axes[1, j]
        for scale in SIGNAL_SCALES:
            s = backward_signal(depth, activation, scale)
            style = dict(color=SCALE_COLORS[scale], ms=3, label=f"{scale:g}x {'He' if init_of(activation) == 'he' else 'Xavier'}")
            top.semilogy(layers, s.dZ, "o-", **style)
            bottom.semilogy(layers, s.dW, "o-", **style)
        top.set_title(f"{activation} hidden layers")
        _signal_axes(top, depth, "||dJ/dz[l]||")
        _signal_axes(bottom, depth, "||dJ/dW[l]||")
        top.legend(loc="best", fontsize=7)
    fig.suptitle(f"one backward pass at the start: {depth} hidden layers of {SIGNAL_WIDTH} and an identity "
                 f"output (layer {depth + 1}); each panel has its own y range")
    fig.tight_layout()
    plt.show()


def draw_backward_signal(ax, depth: int, activation: str, scale: float) -> str:
    """||dJ/dZ[l]|| and ||dJ/dW[l]|| against l for one setting; returns the ratio, measured and predicted."""
    s = backward_signal(depth, activation, scale)
    layers = np.arange(1, depth + 2)
    color = SCALE_COLORS.get(scale, "black")
    ax.semilogy(layers, s.dZ, "o-", color=color, ms=4, lw=2, label="||dJ/dz[l]||")
    predicted = s.dZ[-1] * np.append(np.cumprod(s.factors[::-1])[::-1], 1.0)
    ax.semilogy(layers, predicted, ":", color="0.4", lw=1.5, label="predicted: factors multiplied")
    ax.semilogy(layers, s.dW, "s--", color=color, ms=3, lw=1, label="||dJ/dW[l]||")
    _signal_axes(ax, depth, "gradient norm")
    few_decade_ticks(ax)
    ax.set_xlim(0.5, depth + 1.5)
    ax.set_title(f"{setting_name(activation, scale)}: {hidden_layers(depth)}")
    ax.legend(loc="best", fontsize=8)
    return (f"{setting_name(activation, scale)}, {hidden_layers(depth)}: ||dJ/dz[1]|| / ||dJ/dz[L]|| = {s.ratio:.2g} "
            f"measured, {s.predicted:.2g} from the {depth} factor{'s' if depth != 1 else ''} multiplied out")


class BackwardSignalFigure(SliderFigure):
    """A depth slider, an activation and a scale; each change redraws draw_backward_signal in place.

    For the static site it carries one picture per activation and scale, at SIGNAL_DEPTH
    (9 pictures instead of 9 x 20): the deepest net shows every layer.
    """

    ALT = ("Line plot, on a log scale, of the norms of dJ/dz[l] (solid) and dJ/dW[l] (dashed) against the layer l "
           "of a deep network at the start of training, for the chosen hidden activation and initial scale, with a "
           "dotted grey line for the factors multiplied out from the output, close to the solid one: with "
           "sigmoid the signal shrinks by orders of magnitude on its way back to layer 1; with ReLU at He's scale it "
           "stays level; half or twice the scale makes it shrink or grow at every layer.")

    def __init__(self, depth: int = SIGNAL_DEPTH, activation: str = "sigmoid", scale: float = 1.0):
        self.activation = widgets.ToggleButtons(options=list(SIGNAL_ACTIVATIONS), value=activation,
                                                description="phi")
        self.scale = widgets.SelectionSlider(options=[(f"{s:g}x", s) for s in SIGNAL_SCALES], value=scale,
                                             description="scale", continuous_update=False)
        depth_slider = widgets.IntSlider(value=depth, min=1, max=SIGNAL_DEPTH, description="depth",
                                         continuous_update=False)
        super().__init__(depth_slider,
                         lambda ax, d: draw_backward_signal(ax, d, self.activation.value, self.scale.value),
                         self.ALT, figsize=(HALF_WIDTH, 3.4))
        for control in (self.activation, self.scale):
            control.observe(lambda change: self.redraw(), names="value")
        self.widget = widgets.VBox([self.activation, self.scale, depth_slider, self.out])

    @one_at_a_time
    def _repr_mimebundle_(self, include=None, exclude=None):
        close_on_rerun(self)
        settings = [(setting_name(a, s), (a, s)) for a in SIGNAL_ACTIVATIONS for s in SIGNAL_SCALES]
        setting = widgets.SelectionSlider(options=settings, value=(self.activation.value, self.scale.value),
                                          description="setting")
        try:
            frames = render_frames(setting, lambda ax, v: draw_backward_signal(ax, SIGNAL_DEPTH, *v),
                                   self.ALT, self.figsize, DPI)
        finally:
            close_widgets(setting)  # it only names the frames: never shown, so never kept
        return Prerendered(self.widget, frames)._repr_mimebundle_(include, exclude)


def backward_signal_widget(depth: int = SIGNAL_DEPTH, activation: str = "sigmoid",
                           scale: float = 1.0) -> BackwardSignalFigure:
    """Depth, activation and initial scale as controls over the per-layer gradient norms."""
    return BackwardSignalFigure(depth, activation, scale)


def slowdown_runs(w: float = 2.0, b: float = 2.0, lr: float = 0.15, steps: int = 300) -> dict:
    """One sigmoid neuron, input x = 1, target y = 0, started at (w, b): trained by ml.train on each loss.

    Returns {loss: {"J": J before each step, "a": a before each step, "dZ": dJ/dz before
    each step}} for the half squared error and the binary cross-entropy, same start, same
    lr.  One example, so by boxed equation 3 dJ/dz = dJ/db, read off loss_and_grads.
    """
    X, Y, activations = np.array([[1.0]]), np.array([[0.0]]), ["sigmoid"]
    runs = {}
    for loss in ("half_squared_error", "binary_cross_entropy"):
        start = {"W1": np.array([[float(w)]]), "b1": np.array([[float(b)]])}
        kept = [start]

        def keep(epoch, params, history):
            kept.append(params)

        _, history = train(start, X, Y, activations, loss=loss, lr=lr, epochs=steps, batch_size=None,
                           callback=keep, progress=False)
        a, dZ = [], []
        for params in kept[:-1]:
            AL, caches = forward(params, X, activations)
            a.append(float(AL[0, 0]))
            dZ.append(float(loss_and_grads(params, caches, Y, activations, loss)[1]["db1"][0, 0]))
        runs[loss] = {"J": np.array(history.loss), "a": np.array(a), "dZ": np.array(dZ)}
    return runs


@one_at_a_time
def plot_slowdown(runs: dict) -> None:
    """Left: |dJ/dz| before every step (log scale); right: the neuron's output a, against the step."""
    fig, (ax_dz, ax_a) = plt.subplots(1, 2, figsize=(WIDTH, 3.2), dpi=DPI)
    names = {"half_squared_error": "half squared error", "binary_cross_entropy": "cross-entropy"}
    for (loss, run), color in zip(runs.items(), ("tab:red", "tab:blue")):
        steps = np.arange(len(run["dZ"]))
        ax_dz.semilogy(steps, np.abs(run["dZ"]), color=color, lw=2, label=names[loss])
        ax_a.plot(steps, run["a"], color=color, lw=2, label=names[loss])
    ax_dz.set_xlabel("step")
    ax_dz.set_ylabel("|dJ/dz|, the signal into w and b")
    ax_dz.set_title("the gradient signal")
    ax_dz.grid(alpha=0.3)
    decade_ticks(ax_dz)
    ax_dz.legend(loc="upper right")
    ax_a.axhline(0.0, color="0.5", lw=1, ls=":")
    ax_a.set_xlabel("step")
    ax_a.set_ylabel("output a = sigma(w x + b)")
    ax_a.set_ylim(-0.05, 1.05)
    ax_a.set_title("the output, target y = 0")
    ax_a.grid(alpha=0.3)
    ax_a.legend(loc="center", bbox_to_anchor=(0.45, 0.5))
    fig.tight_layout()
    plt.show()


def silent_units(params: dict, X: np.ndarray, activations) -> np.ndarray:
    """One boolean per hidden unit (all hidden layers, layer 1 first): is its z <= 0 on every column of X?

    For a ReLU that is a dead unit: it outputs 0 on every example, so phi'(z) = 0 and by
    boxed equation 1 its dJ/dz, and with it its weights' gradient, is 0 on every example.
    A leaky ReLU with z <= 0 everywhere still has phi'(z) = 0.01: silent, not dead.
    """
    _, caches = forward(params, X, activations)
    return np.concatenate([np.all(c.Z <= 0, axis=1) for c in caches[:-1]])


def silent_share(params: dict, X: np.ndarray, activations) -> float:
    """The share of hidden units whose z is <= 0 on every column of X (all hidden layers pooled)."""
    return float(np.mean(silent_units(params, X, activations)))


def revived_share(silent_before: np.ndarray, silent_after: np.ndarray) -> tuple[int, int]:
    """(units silent before and not silent after, units silent before): how many came back."""
    return int(np.sum(silent_before & ~silent_after)), int(np.sum(silent_before))


def dead_units_run(X, Y, activation: str, lr: float, seed: int, sizes=(2, 32, 32, 32, 1), epochs: int = 40,
                   batch_size: int = 20, middle: int | None = None) -> dict:
    """Train with ml.train and record silent_share before training and after every epoch.

    Returns {"silent": shares (epochs + 1,), "revived": revived_share from epoch `middle`
    (default epochs // 2) to the last, "loss": the last epoch's loss}.
    """
    middle = epochs // 2 if middle is None else middle
    activations = [activation] * (len(sizes) - 2) + ["sigmoid"]
    params = init_params(list(sizes), seed=seed, init="he")
    masks = [silent_units(params, X, activations)]

    def record(epoch, params, history):
        masks.append(silent_units(params, X, activations))

    _, history = train(params, X, Y, activations, loss="binary_cross_entropy", lr=lr, epochs=epochs,
                       batch_size=batch_size, seed=seed, callback=record, progress=False)
    return {"silent": np.array([mask.mean() for mask in masks]), "revived": revived_share(masks[middle], masks[-1]),
            "loss": history.loss[-1]}


@one_at_a_time
def plot_dead_units(runs: dict) -> None:
    """runs: {label: [dead_units_run(...) per seed]}: one panel per label, one thin line per seed."""
    fig, axes = plt.subplots(1, len(runs), figsize=(WIDTH, 3.0), dpi=DPI, sharey=True)
    for ax, (label, seeds) in zip(axes, runs.items()):
        for run in seeds:
            ax.plot(np.arange(len(run["silent"])), 100 * run["silent"], color="tab:red", lw=1.2, alpha=0.8)
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.set_ylim(0, 100)
    axes[0].set_ylabel("% of hidden units with z <= 0\non every training example")
    fig.suptitle("one line per start", fontsize=9)
    fig.tight_layout()
    plt.show()
