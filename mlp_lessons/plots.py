"""Plots shared by the lessons and the playground (top layer: matplotlib only here).

Colours follow one rule everywhere: orange is class 1 and a positive weight,
blue is class 0 and a negative weight.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap

from .digits import SIDE
from .forward import predict

BLUE = "#1f77b4"
ORANGE = "#ff7f0e"
# P(y = 1 | x) from 0 (blue) through 0.5 (white) to 1 (orange), pale so points stay visible.
PROBABILITY_CMAP = LinearSegmentedColormap.from_list("mlp_lessons_p", ["#7fb2dd", "#ffffff", "#ffbf86"])


def draw_network(ax, layer_sizes, params: dict | None = None, max_neurons: int = 12, title: str | None = None):
    """Draw a fully connected network: one column of circles per layer l = 0..L.

    Without params every connection is a thin grey line.  With params, the line
    from neuron q of layer l-1 to neuron p of layer l shows W[l]_pq: its width
    grows with |W_pq| (relative to the largest weight) and its colour gives the
    sign (orange positive, blue negative).  Layers wider than max_neurons are
    drawn with their first max_neurons neurons and a "+k" label.
    """
    sizes = list(layer_sizes)
    L = len(sizes) - 1
    shown = [min(n, max_neurons) for n in sizes]
    top = max(shown)

    def y_of(l, i):
        return (top - 1) / 2 - (shown[l] - 1) / 2 + i

    segments = [
        [(l - 1, y_of(l - 1, q)), (l, y_of(l, p))]
        for l in range(1, L + 1)
        for p in range(shown[l])
        for q in range(shown[l - 1])
    ]
    colors, widths = weight_styles(sizes, params, max_neurons)
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths, alpha=0.85, zorder=1))
    xs = [l for l in range(L + 1) for _ in range(shown[l])]
    ys = [y_of(l, i) for l in range(L + 1) for i in range(shown[l])]
    size = 220 if top <= 12 else 220 * (12 / top) ** 2
    ax.scatter(xs, ys, s=size, color="white", edgecolors="black", zorder=2)
    for l in range(L + 1):
        label = "input\n" if l == 0 else ("output\n" if l == L else "")
        ax.text(l, -0.95, f"{label}n[{l}]\n{sizes[l]}", ha="center", va="bottom", fontsize=8, linespacing=1.0)
        if sizes[l] > shown[l]:
            ax.text(l, y_of(l, shown[l] - 1) + 0.7, f"+{sizes[l] - shown[l]}", ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.5, L + 0.5)
    ax.set_ylim(-1.5 - 0.25 * top, top + 0.6)
    ax.invert_yaxis()
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def weight_styles(layer_sizes, params: dict | None = None, max_neurons: int = 12):
    """Colour and line width of every connection draw_network draws, in its order (l, p, q).

    Kept apart so that an animation can restyle the lines without redrawing them.
    """
    sizes = list(layer_sizes)
    L = len(sizes) - 1
    shown = [min(n, max_neurons) for n in sizes]
    count = sum(shown[l] * shown[l - 1] for l in range(1, L + 1))
    if params is None:
        return ["0.75"] * count, [0.8] * count
    W_shown = [params[f"W{l}"][: shown[l], : shown[l - 1]].ravel() for l in range(1, L + 1)]
    w = np.concatenate(W_shown).astype(np.float64)
    w = np.where(np.isfinite(w), w, 0.0)
    w_max = 0.0
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        w_max = max(w_max, float(np.max(np.abs(W[np.isfinite(W)]), initial=0.0)))
    w_max = w_max or 1.0
    colors = np.where(w > 0, ORANGE, BLUE).tolist()
    widths = (0.3 + 3.0 * np.minimum(np.abs(w) / w_max, 1.0)).tolist()
    return colors, widths


def boundary_grid(X: np.ndarray, resolution: int = 80, pad: float = 0.3):
    """A resolution x resolution grid of points covering the 2-D inputs X (n[0] = 2, m).

    Returns (G, extent): G is (2, resolution**2), examples as columns, ready for
    predict(); extent = (x1_min, x1_max, x2_min, x2_max) for imshow.
    """
    lo = X.min(axis=1) - pad
    hi = X.max(axis=1) + pad
    x1 = np.linspace(lo[0], hi[0], resolution)
    x2 = np.linspace(lo[1], hi[1], resolution)
    g1, g2 = np.meshgrid(x1, x2)
    return np.vstack([g1.ravel(), g2.ravel()]), (lo[0], hi[0], lo[1], hi[1])


def boundary_probabilities(params: dict, activations, G: np.ndarray, resolution: int) -> np.ndarray:
    """The network's output a[L] = P(y = 1 | x) at every grid point, as a (resolution, resolution) image."""
    with np.errstate(all="ignore"):
        AL = predict(params, G, activations)
    return AL[0].reshape(resolution, resolution)


def scatter_points(ax, X: np.ndarray, Y: np.ndarray, test: bool = False):
    """Labelled 2-D points: training points filled, test points hollow (white inside)."""
    colors = np.where(Y[0] > 0.5, ORANGE, BLUE)
    if test:
        return ax.scatter(X[0], X[1], s=18, facecolors="white", edgecolors=colors, linewidths=1.2, zorder=3)
    return ax.scatter(X[0], X[1], s=14, c=colors, linewidths=0, zorder=3)


def plot_decision_boundary(
    ax,
    params: dict,
    activations,
    X: np.ndarray,
    Y: np.ndarray,
    X_test: np.ndarray | None = None,
    Y_test: np.ndarray | None = None,
    title: str | None = None,
    resolution: int = 80,
):
    """Shade the plane by the network's output a[L] (blue near 0, orange near 1) and plot the points.

    The decision boundary is where the shading turns white, a[L] = 0.5 (drawn as
    a black contour).  X, Y: the training set, (2, m) and (1, m); X_test, Y_test
    (optional) are drawn hollow.  Returns the (resolution, resolution) array of
    a[L] on the grid that was shaded.
    """
    both = X if X_test is None else np.hstack([X, X_test])
    G, extent = boundary_grid(both, resolution)
    P = boundary_probabilities(params, activations, G, resolution)
    x1 = np.linspace(extent[0], extent[1], resolution)
    x2 = np.linspace(extent[2], extent[3], resolution)
    # Ten flat bands of a[L] rather than a smooth image: the same picture, a third of the PNG bytes.
    ax.contourf(
        x1, x2, np.nan_to_num(P, nan=0.5), levels=np.linspace(0, 1, 11), cmap=PROBABILITY_CMAP,
        vmin=0, vmax=1, extend="both", zorder=0,
    )
    if np.all(np.isfinite(P)) and P.min() < 0.5 < P.max():
        ax.contour(x1, x2, P, levels=[0.5], colors="black", linewidths=1.0, zorder=1)
    scatter_points(ax, X, Y)
    if X_test is not None:
        scatter_points(ax, X_test, Y_test, test=True)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return P


MAX_LOSS_SHOWN = 1e100


def loss_limits(values) -> tuple[float, float]:
    """y limits for a log-scale loss plot: a margin around the values, at most up to 1e100.

    A diverging run reaches losses near 1e300, where matplotlib's log-scale ticks
    overflow; such a curve leaves the top of the plot instead.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 1e-2, 1.0
    lo = min(values.min(), MAX_LOSS_SHOWN / 10) / 1.5
    return lo, min(values.max() * 1.5, MAX_LOSS_SHOWN)


def plot_loss_curves(ax, train_loss, test_loss=None, title: str | None = "loss per epoch", log: bool = True):
    """Training loss (solid) and, if given, test loss (dashed) against the epoch, 1, 2, ..."""

    def shown(loss):  # beyond MAX_LOSS_SHOWN a curve only has to leave the plot
        return np.minimum(np.asarray(loss, dtype=np.float64), 10 * MAX_LOSS_SHOWN)

    ax.plot(np.arange(1, len(train_loss) + 1), shown(train_loss), color="black", lw=1.5, label="train")
    if test_loss is not None:
        ax.plot(np.arange(1, len(test_loss) + 1), shown(test_loss), color="tab:red", lw=1.2, ls="--", label="test")
    values = np.asarray(list(train_loss) + list(test_loss or []), dtype=np.float64)
    if log and values.size and np.all(values > 0):
        ax.set_ylim(*loss_limits(values))
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("J")
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def show_digits(X: np.ndarray, titles=None, ncols: int = 10, size: float = 0.9):
    """Draw the columns of X (64, k) as 8x8 images in a grid; returns the figure.

    titles: one string per image (e.g. "pred 3 / true 8"), or None.
    """
    import matplotlib.pyplot as plt  # only here: the playground draws without pyplot

    k = X.shape[1]
    ncols = max(1, min(ncols, k))
    nrows = max(1, -(-k // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.25) * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < k:
            ax.imshow(X[:, i].reshape(SIDE, SIDE), cmap="gray_r", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=7)
    fig.tight_layout()
    return fig


def plot_confusion(C: np.ndarray, size: float = 4.0):
    """Draw the confusion matrix C (rows true, columns predicted) with its counts; returns the figure."""
    import matplotlib.pyplot as plt  # only here: the playground draws without pyplot

    n = C.shape[0]
    fig, ax = plt.subplots(figsize=(size, 0.9 * size))
    ax.imshow(C, cmap="Blues")
    for i, j in zip(*np.nonzero(C)):
        ax.text(j, i, C[i, j], ha="center", va="center", fontsize=7,
                color="white" if C[i, j] > C.max() / 2 else "black")
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted digit", ylabel="true digit")
    fig.tight_layout()
    return fig
