"""Plots shared by the lessons and the playground (top layer: matplotlib only here).

Colours follow one rule everywhere: orange is class 1 and a positive weight,
blue is class 0 and a negative weight.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap, to_rgba
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ..data.digits import SIDE
from ..data.features import input_features
from ..forward import forward
from .threads import one_at_a_time  # drawings run one at a time (see threads)

BLUE = "#1f77b4"
ORANGE = "#ff7f0e"
# P(y = 1 | x) from 0 (blue) through 0.5 (white) to 1 (orange), pale so points stay visible.
PROBABILITY_CMAP = LinearSegmentedColormap.from_list("mlp_lessons_p", ["#7fb2dd", "#ffffff", "#ffbf86"])
# A neuron's output from negative (blue) through 0 (white) to positive (orange), full strength.
SIGN_CMAP = LinearSegmentedColormap.from_list("mlp_lessons_sign", [BLUE, "#ffffff", ORANGE])
# How many mistakes a cell of a confusion matrix holds: none (white) to the most (dark red).
MISTAKES_CMAP = LinearSegmentedColormap.from_list("mlp_lessons_mistakes", ["#ffffff", "#fb6a4a", "#99000d"])
MAX_LOSS_SHOWN = 1e100
GRID_BLOCK = 256

# What each function below drew on an axes, so that drawing again on the same axes
# updates those artists in place (fast enough to animate) instead of adding more.
# The record lives on the axes itself: its artists point back at the axes, so a record
# kept anywhere else (even in a WeakKeyDictionary keyed by the axes) keeps the axes, and
# its figure, alive forever.  On the axes it goes when the figure goes.
DRAWN = "_mlp_lessons_drawn"


def _drawn(ax, what: str) -> dict:
    if not hasattr(ax, DRAWN):
        setattr(ax, DRAWN, {})
    return getattr(ax, DRAWN).setdefault(what, {})


def _forget(ax, what: str) -> dict:
    """Remove the artists drawn for `what` on ax; return a fresh, empty record for it."""
    for artist in _drawn(ax, what).get("artists", []):
        artist.remove()
    getattr(ax, DRAWN)[what] = {"artists": []}
    return getattr(ax, DRAWN)[what]


def changing_artists(ax) -> tuple[list, list]:
    """What draw_network, draw_output_map and plot_loss_curves redraw in place on ax, for blitting.

    Returns (kept, replaced): artists updated in place from frame to frame, and
    artists drawn anew each time (the a[L] = 0.5 contour, the 1-D prediction curve).
    """
    network, output, loss = _drawn(ax, "network"), _drawn(ax, "output"), _drawn(ax, "loss")
    kept = [network.get("lines"), network.get("image"), output.get("image"), loss.get("train"), loss.get("test")]
    kept = [artist for artist in kept if artist]
    return kept, list(output.get("lines", []))


def network_layout(layer_sizes, max_neurons: int = 12, rows: int | None = None, gap: float = 1.0):
    """Where draw_network puts each neuron: a list, for l = 0..L, of (x, y) arrays.

    Layers wider than max_neurons show their first max_neurons.  A layer with
    more than `rows` neurons wraps into side-by-side columns (filled top to
    bottom); the layers' blocks are `gap` apart.  y grows downwards.
    """
    shown = [min(n, max_neurons) for n in layer_sizes]
    rows = rows or max(shown)
    depth = [min(n, rows) for n in shown]
    top = max(depth)
    layout, x0 = [], 0.0
    for n, r in zip(shown, depth):
        i = np.arange(n)
        layout.append((x0 + i // r, (top - 1) / 2 - (r - 1) / 2 + i % r))
        x0 += (n - 1) // r + gap
    return layout


def draw_network(
    ax, layer_sizes, params: dict | None = None, max_neurons: int = 12, title: str | None = None,
    *, maps=None, rows: int | None = None, gap: float = 1.0, labels=None, input_names=None, hide_below: float = 0.0,
    map_scale: float | None = None, map_cmap=None,
):
    """Draw a fully connected network: one column of circles per layer l = 0..L.

    Without params every connection is a thin grey line.  With params, the line
    from neuron q of layer l-1 to neuron p of layer l shows W[l]_pq: its width
    grows with |W_pq| (relative to the largest weight) and its colour gives the
    sign (orange positive, blue negative).  Layers wider than max_neurons are
    drawn with their first max_neurons neurons and a "+k" label.
    maps: for l = 0..L, an array (n[l], r, r) (or (n[l], r) for one input) of
    each neuron's output over a grid of the input plane; each neuron is then
    drawn as that small heatmap (orange positive, blue negative, white 0, scaled
    per neuron) instead of a circle.  rows and gap: see network_layout; labels:
    one text per layer above it (default "n[l]" and the size); input_names: a
    name left of each input neuron; hide_below: connections whose |W| is under
    this fraction of the largest are left out (a wide network's thinnest lines).
    map_scale and map_cmap: all maps on one scale, 0 to map_scale, in map_cmap
    (the playground's gradients view: sizes compared across neurons).
    Drawing again on the same axes with the same shapes only restyles the lines
    and repaints the maps, which is fast enough to animate.
    """
    sizes = list(layer_sizes)
    key = (tuple(sizes), max_neurons, rows, gap, None if maps is None else tuple(np.shape(m)[1:] for m in maps),
           None if labels is None else tuple(labels), None if input_names is None else tuple(input_names))
    drawn = _drawn(ax, "network")
    if drawn.get("key") == key:
        _style_lines(drawn["lines"], drawn["segments"], *weight_styles(sizes, params, max_neurons), hide_below)
        if maps is not None:
            drawn["image"].set_data(_map_tiles(drawn["layout"], maps, drawn["canvas"], map_scale, map_cmap))
        return ax
    drawn = _forget(ax, "network")
    layout = network_layout(sizes, max_neurons, rows, gap)
    L = len(sizes) - 1
    segments = np.array([
        [(layout[l - 1][0][q], layout[l - 1][1][q]), (layout[l][0][p], layout[l][1][p])]
        for l in range(1, L + 1)
        for p in range(len(layout[l][0]))
        for q in range(len(layout[l - 1][0]))
    ]).reshape(-1, 2, 2)
    lines = ax.add_collection(LineCollection([], alpha=0.85, zorder=1))
    _style_lines(lines, segments, *weight_styles(sizes, params, max_neurons), hide_below)
    xs, ys = np.concatenate([x for x, _ in layout]), np.concatenate([y for _, y in layout])
    top = ys.max() + 1
    artists = [lines]
    if maps is None:
        size = 220 if top <= 12 else 220 * (12 / top) ** 2
        artists.append(ax.scatter(xs, ys, s=size, color="white", edgecolors="black", zorder=2))
    else:
        drawn["canvas"] = canvas = _tile_canvas(layout, maps)
        image = _map_tiles(layout, maps, canvas, map_scale, map_cmap)
        artists.append(ax.imshow(image, extent=canvas["extent"], interpolation="nearest", zorder=2))
        drawn["image"] = artists[-1]
    for l, (x, y) in enumerate(layout):
        middle = (x.min() + x.max()) / 2
        if labels is not None:
            text = labels[l]
        else:
            text = ("input\n" if l == 0 else ("output\n" if l == L else "")) + f"n[{l}]\n{sizes[l]}"
        artists.append(ax.text(middle, -0.95, text, ha="center", va="bottom", fontsize=8, linespacing=1.0))
        if sizes[l] > len(x):
            artists.append(ax.text(middle, y.max() + 0.7, f"+{sizes[l] - len(x)}", ha="center", va="top", fontsize=8))
    for name, x, y in zip(input_names or [], *layout[0]):
        artists.append(ax.text(x - 0.55, y, name, ha="right", va="center", fontsize=8))
    ax.set_xlim(xs.min() - (2.0 if input_names else 0.5), xs.max() + 0.5)
    ax.set_ylim(-1.5 - 0.25 * top, top + 0.6)
    ax.invert_yaxis()
    ax.axis("off")
    if title:
        ax.set_title(title)
    drawn.update(key=key, lines=lines, layout=layout, artists=artists, segments=segments)
    return ax


def _style_lines(lines, segments, colors, widths, hide_below: float) -> None:
    """The connections drawn, coloured and sized; those thinner than hide_below's share left out."""
    shown = np.asarray(widths) >= 0.3 + 3.0 * hide_below if hide_below else np.ones(len(segments), bool)
    if not np.array_equal(shown, getattr(lines, "shown", None)):  # new paths only when the set changes
        lines.set_segments(segments[shown])
        lines.shown = shown
    lines.set_color(np.asarray(colors, dtype=object)[shown].tolist() if isinstance(colors, list) else colors[shown])
    lines.set_linewidth(np.asarray(widths)[shown])


TILE = 0.8  # a neuron's heatmap is TILE x TILE in the units of network_layout (neurons 1 apart)


def _tile_canvas(layout, maps) -> dict:
    """One transparent RGBA image under all the tiles: where each tile goes, in pixels."""
    r = np.shape(maps[0])[-1]
    per_unit = r / TILE
    xs, ys = np.concatenate([x for x, _ in layout]), np.concatenate([y for _, y in layout])
    left, top = xs.min() - TILE / 2, ys.min() - TILE / 2
    cols = np.round((xs - TILE / 2 - left) * per_unit).astype(int)
    rows = np.round((ys - TILE / 2 - top) * per_unit).astype(int)
    width, height = cols.max() + r, rows.max() + r
    extent = (left, left + width / per_unit, top + height / per_unit, top)
    return dict(r=r, cols=cols, rows=rows, rgba=np.zeros((height, width, 4), np.uint8), extent=extent)


def _map_tiles(layout, maps, canvas, scale: float | None = None, cmap=None) -> np.ndarray:
    """Paint every shown neuron's map, scaled to its own largest |value| (or all from 0 to scale, in cmap), into the canvas."""
    r = canvas["r"]
    values = np.concatenate([np.asarray(m, dtype=np.float64)[: len(x)] for m, (x, _) in zip(maps, layout)])
    if values.ndim == 2:  # one input: each map is a strip over x1, the same down every row
        values = np.repeat(values[:, None, :], r, axis=1)
    else:  # rows of the grid run up the x2 axis, rows of the image down
        values = values[:, ::-1, :]
    values = np.where(np.isfinite(values), values, 0.0)
    if scale is None:
        scale = np.abs(values).max(axis=(1, 2), keepdims=True)
        rgba = SIGN_CMAP(0.5 + 0.5 * values / np.where(scale > 0, scale, 1.0), bytes=True)
    else:
        rgba = cmap(values / (scale or 1.0), bytes=True)
    rgba[:, [0, -1], :] = rgba[:, :, [0, -1]] = (90, 90, 90, 255)  # a thin frame
    image = canvas["rgba"]
    for k, (i, j) in enumerate(zip(canvas["rows"], canvas["cols"])):
        image[i : i + r, j : j + r] = rgba[k]
    return image


def weight_styles(layer_sizes, params: dict | None = None, max_neurons: int = 12):
    """Colour (RGBA rows) and line width of every connection draw_network draws, in its order (l, p, q).

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
    colors = np.where((w > 0)[:, None], to_rgba(ORANGE), to_rgba(BLUE))  # RGBA rows: fast to set
    widths = 0.3 + 3.0 * np.minimum(np.abs(w) / w_max, 1.0)
    return colors, widths


def boundary_grid(X: np.ndarray, resolution: int = 80, pad: float = 0.3):
    """A grid of points covering the inputs X, (n[0], m) with n[0] = 2 (or 1).

    Returns (G, extent): G is (2, resolution**2) (or (1, resolution) for one
    input), examples as columns, ready for predict(); extent = (x1_min, x1_max,
    x2_min, x2_max) for imshow (or (x1_min, x1_max)).
    """
    lo = X.min(axis=1) - pad
    hi = X.max(axis=1) + pad
    x1 = np.linspace(lo[0], hi[0], resolution)
    if X.shape[0] == 1:
        return x1.reshape(1, -1), (lo[0], hi[0])
    x2 = np.linspace(lo[1], hi[1], resolution)
    g1, g2 = np.meshgrid(x1, x2)
    return np.vstack([g1.ravel(), g2.ravel()]), (lo[0], hi[0], lo[1], hi[1])


def layer_outputs(params: dict, activations, G: np.ndarray, features=None) -> list[np.ndarray]:
    """a[0], a[1], ..., a[L] at the grid points G: what every neuron outputs there.

    a[0] holds the input features of G (G itself when features is None); a[l] is
    (n[l], number of grid points).  Overflow in a diverged network gives inf or
    NaN entries, not warnings or errors (the picture shows any state of a run).
    """
    A0 = G if features is None else input_features(G, features)
    blocks = []
    with np.errstate(all="ignore"):
        # Blocks of GRID_BLOCK points: products this small stay on one BLAS thread, which on a
        # busy machine is several times faster than waking the others for a 32 x 4096 product.
        for start in range(0, A0.shape[1], GRID_BLOCK):
            AL, caches = forward(params, A0[:, start : start + GRID_BLOCK], activations, check=False)
            blocks.append([cache.A_prev for cache in caches] + [AL])
    return [np.hstack(parts) for parts in zip(*blocks)]


def scatter_points(ax, X: np.ndarray, Y: np.ndarray, test: bool = False, vmax: float | None = None):
    """Labelled points: training points filled, test points hollow (white inside).

    Two inputs: the plane (x1, x2), coloured by class (orange 1, blue 0), or by
    the target y when vmax is given (regression: blue -vmax .. orange +vmax).
    One input: the points (x1, y).
    """
    if X.shape[0] == 1:
        if test:
            return ax.scatter(X[0], Y[0], s=16, facecolors="white", edgecolors="0.3", linewidths=1.0, zorder=3)
        return ax.scatter(X[0], Y[0], s=12, color="0.2", linewidths=0, zorder=3)
    if vmax is None:
        colors = np.where(Y[0] > 0.5, ORANGE, BLUE)
    else:
        colors = SIGN_CMAP(0.5 + 0.5 * np.clip(Y[0] / vmax, -1, 1))
    if test:
        return ax.scatter(X[0], X[1], s=18, facecolors="white", edgecolors=colors, linewidths=1.2, zorder=3)
    edge = dict(edgecolors="0.3", linewidths=0.4) if vmax is not None else dict(linewidths=0)
    return ax.scatter(X[0], X[1], s=14, c=colors, zorder=3, **edge)


def draw_output_map(ax, P: np.ndarray, extent, *, vmax: float | None = None, discrete: bool = False):
    """Shade the input plane by the network's output, the one drawing of it everywhere.

    P: a[L] on a (resolution, resolution) grid covering extent (boundary_grid).
    Classification (vmax None): a[L] read as P(y = 1 | x), blue near 0, orange
    near 1, white at 0.5, and the decision boundary a[L] = 0.5 as a black line;
    discrete shows only which side of 0.5 each point is on.  Regression (vmax
    given): the prediction from blue (-vmax) to orange (+vmax); discrete rounds
    it to ten bands.  One input (P of shape (resolution,)): the prediction as a
    curve over x1.  Drawing again on the same axes repaints in place.
    """
    drawn = _drawn(ax, "output")
    for artist in drawn.pop("lines", []):
        artist.remove()
    P = np.asarray(P, dtype=np.float64)
    if P.ndim == 1:
        if "image" in drawn:
            drawn.pop("image").remove()
            drawn.pop("key")
        x1 = np.linspace(extent[0], extent[1], P.size)
        drawn["lines"] = ax.plot(x1, np.where(np.isfinite(P), P, np.nan), color=ORANGE, lw=2, zorder=2)
        return P
    if vmax is None:
        shade = (P > 0.5).astype(np.float64) * 0.8 + 0.1 if discrete else P
        limits = (0, 1)
    else:
        shade = np.round(P / vmax * 5) / 5 * vmax if discrete else P
        limits = (-vmax, vmax)
    shade = np.where(np.isfinite(shade), shade, 0.5 * (limits[0] + limits[1]))
    key = (P.shape, tuple(extent), limits)
    if drawn.get("key") == key:
        drawn["image"].set_data(shade)
    else:
        if "image" in drawn:
            drawn["image"].remove()
        drawn["image"] = ax.imshow(
            shade, origin="lower", extent=extent, cmap=PROBABILITY_CMAP, vmin=limits[0], vmax=limits[1],
            aspect="auto", interpolation="nearest" if discrete else "antialiased", zorder=0,
        )
        drawn["key"] = key
    if vmax is None and np.all(np.isfinite(P)) and P.min() < 0.5 < P.max():
        x1 = np.linspace(extent[0], extent[1], P.shape[1])
        x2 = np.linspace(extent[2], extent[3], P.shape[0])
        contour = ax.contour(x1, x2, P, levels=[0.5], colors="black", linewidths=1.0, zorder=1)
        drawn["lines"] = [contour]
    return P


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
    *,
    features=None,
    regression: bool = False,
    discrete: bool = False,
):
    """Shade the plane by the network's output a[L] (blue near 0, orange near 1) and plot the points.

    The decision boundary is where the shading turns white, a[L] = 0.5 (drawn as
    a black contour).  X, Y: the training set, (2, m) and (1, m); X_test, Y_test
    (optional) are drawn hollow.  features: the input features the network
    reads (see input_features), if not the raw (x1, x2).  regression: shade the
    prediction itself, from blue (negative) to orange (positive); with one
    input, draw it as a curve.  The axes are labelled x1 and x2 (x1 and y for
    one input).  Returns a[L] on the grid that was shaded, (resolution,
    resolution) (or (resolution,) for one input).
    """
    both = X if X_test is None else np.hstack([X, X_test])
    G, extent = boundary_grid(both, resolution)
    AL = layer_outputs(params, activations, G, features)[-1]
    P = AL[0].reshape(-1) if X.shape[0] == 1 else AL[0].reshape(resolution, resolution)
    Y_both = Y if Y_test is None else np.hstack([Y, Y_test])
    vmax = (float(np.max(np.abs(Y_both))) or 1.0) if regression else None
    draw_output_map(ax, P, extent, vmax=vmax, discrete=discrete)
    scatter_points(ax, X, Y, vmax=vmax)
    if X_test is not None:
        scatter_points(ax, X_test, Y_test, test=True, vmax=vmax)
    ax.set_xlim(extent[0], extent[1])
    if X.shape[0] == 2:
        ax.set_ylim(extent[2], extent[3])
        ax.set_yticks([])
    ax.set_xticks([])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2" if X.shape[0] == 2 else "y")
    if title:
        ax.set_title(title, fontsize=10)
    return P


def loss_limits(values) -> tuple[float, float]:
    """y limits for a log-scale loss plot: the powers of ten around the values, at most 1e100.

    Whole decades, so that the axis stays put while a curve moves within them (an
    animation redraws its ticks only now and then).  A diverging run reaches losses
    near 1e300, where matplotlib's log-scale ticks overflow; such a curve leaves the
    top of the plot instead.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 1e-2, 1.0
    lo = 10.0 ** np.floor(np.log10(min(values.min(), MAX_LOSS_SHOWN / 10) / 1.2))
    return lo, min(10.0 ** np.ceil(np.log10(values.max() * 1.2)), MAX_LOSS_SHOWN)


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least x."""
    power = 10.0 ** np.floor(np.log10(x))
    return min(v for v in (power, 2 * power, 2.5 * power, 5 * power, 10 * power) if v >= x)


def plot_loss_curves(ax, train_loss, test_loss=None, title: str | None = "loss per epoch", log: bool = True):
    """Training loss (solid) and, if given, test loss (dashed) against the epoch, 1, 2, ...

    With both, a legend tells them apart; with the training loss alone, the y label says so.
    Drawing again on the same axes moves the two curves and the limits in place.
    """

    def shown(loss):  # beyond MAX_LOSS_SHOWN a curve only has to leave the plot
        return np.minimum(np.asarray(loss, dtype=np.float64), 10 * MAX_LOSS_SHOWN)

    drawn = _drawn(ax, "loss")
    values = np.asarray(list(train_loss) + list(test_loss or []), dtype=np.float64)
    if "train" in drawn and (test_loss is None) == ("test" not in drawn):
        drawn["train"].set_data(np.arange(1, len(train_loss) + 1), shown(train_loss))
        if test_loss is not None:
            drawn["test"].set_data(np.arange(1, len(test_loss) + 1), shown(test_loss))
        _loss_scale(ax, values, log, len(train_loss))
        return ax
    (drawn["train"],) = ax.plot(np.arange(1, len(train_loss) + 1), shown(train_loss), color="black", lw=1.5, label="train")
    if test_loss is not None:
        (drawn["test"],) = ax.plot(
            np.arange(1, len(test_loss) + 1), shown(test_loss), color="tab:red", lw=1.2, ls="--", label="test"
        )
    _loss_scale(ax, values, log, len(train_loss))
    ax.set_xlabel("epoch")
    if test_loss is None:  # one curve: its axis label says which, no legend of one entry
        ax.set_ylabel("J on the training set")
    else:
        ax.set_ylabel("J")
        ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def same_loss_scale(axes) -> None:
    """One y scale for several panels drawn by plot_loss_curves, covering all their curves.

    Side by side, curves on scales of their own look alike however far apart they are;
    on one scale a reader can compare them.  Each panel keeps its own epochs.
    """
    curves = [[line for line in (_drawn(ax, "loss").get("train"), _drawn(ax, "loss").get("test")) if line]
              for ax in axes]
    values = np.concatenate([np.asarray(line.get_ydata(), dtype=np.float64) for lines in curves for line in lines])
    for ax, lines in zip(axes, curves):
        _loss_scale(ax, values, ax.get_yscale() == "log", len(lines[0].get_xdata()) if lines else 0)


def _loss_scale(ax, values, log: bool, epochs: int) -> None:
    """x limits for the epochs, y limits (and a log scale when every value is positive) for the losses."""
    ax.set_xlim(0, _nice_ceiling(max(10, epochs)) * 1.02)
    if log and values.size and np.all(values > 0):
        lo, hi = loss_limits(values)
        if ax.get_yscale() != "log":
            ax.set_yscale("log")
        if ax.get_ylim() != (lo, hi):
            ax.set_ylim(lo, hi)
            # Ticks at the powers of ten (and 2 and 5 times them over two decades or less),
            # written as plain numbers: easy to read, and faster to draw than mathtext's 10^k.
            subs = (1.0, 2.0, 5.0) if hi / lo <= 100 else (1.0,)
            ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
            ax.yaxis.set_minor_locator(NullLocator())
        return
    if ax.get_yscale() == "log":
        ax.set_yscale("linear")
    if values.size:
        ax.relim()
        ax.autoscale_view(scalex=False)
    else:
        ax.set_ylim(0, 1)


@one_at_a_time
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


@one_at_a_time
def plot_confusion(C: np.ndarray, size: float = 4.0):
    """Draw the confusion matrix C (rows true, columns predicted) with its counts; returns the figure.

    The mistakes, off the diagonal, have a colour scale of their own, from white at 0
    to dark red at the largest off-diagonal count, so that a single mistake shows up
    even beside a diagonal of 40; the diagonal (the right answers) is grey, with its
    counts written in grey.  The colour bar counts mistakes, one band of colour per count.
    """
    import matplotlib.pyplot as plt  # only here: the playground draws without pyplot

    C = np.asarray(C)
    n = C.shape[0]
    diagonal = np.eye(n, dtype=bool)
    most = int(C[~diagonal].max()) if n > 1 else 0
    top = max(most, 1)
    # Counts are whole numbers: one band of colour per count, 0 .. top, white to dark red.
    cmap = ListedColormap(MISTAKES_CMAP(np.linspace(0, 1, top + 1))).with_extremes(bad="0.88")  # bad: the diagonal
    norm = BoundaryNorm(np.arange(top + 2) - 0.5, top + 1)
    fig, ax = plt.subplots(figsize=(1.2 * size, 0.9 * size))
    image = ax.imshow(np.ma.masked_array(C, mask=diagonal), cmap=cmap, norm=norm)
    for i, j in zip(*np.nonzero(C)):
        color = "0.3" if i == j else "white" if C[i, j] > most / 2 else "black"
        ax.text(j, i, C[i, j], ha="center", va="center", fontsize=8, color=color)
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted digit", ylabel="true digit")
    ax.set_title("mistakes in colour, right answers in grey", fontsize=9)
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, ticks=range(0, top + 1, -(-(top + 1) // 8)))
    bar.set_label("mistakes in the cell")
    fig.tight_layout()
    return fig
