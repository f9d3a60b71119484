"""The playground's gradients view: the network drawn with what the Run's latest step computed.

Each line is as wide as its |dJ/dW[l]_pq|, each box shaded by its neuron's mean |dJ/dz|
over the mini-batch (a log scale), a key with the numbers under the network, and under
the loss ||dJ/dW[l]|| per layer at each epoch's last step.  PlaygroundView composes one
GradientPanels and calls it while settings.view is "gradients".
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ..figures.plots import changing_artists, draw_network

# A size from 0 (white) to the largest (dark purple); purple is neither orange nor blue,
# so a gradient is never read as a weight's sign.
GRADIENT = "#54278f"
GRADIENT_CMAP = LinearSegmentedColormap.from_list("mlp_lessons_gradient", ["#ffffff", "#9e9ac8", GRADIENT])
DECADES = 3  # the gradients' log scales: from the largest down to a thousandth of it


def decades_up(values: np.ndarray, largest: float) -> np.ndarray:
    """|values| on the gradients view's log scale: 1 at largest, 0 at largest / 10**DECADES and below (and for NaN)."""
    with np.errstate(all="ignore"):
        up = 1 + np.log10(np.abs(values) / largest) / DECADES if largest > 0 else np.zeros(np.shape(values))
    return np.clip(np.where(np.isfinite(up), up, 0.0), 0.0, 1.0)


class GradientPanels:
    """The gradients view's two extra panels (the per-layer gradient norms under the loss, and the
    key to the network's shading and line widths under the network) and its drawing of the network."""

    def __init__(self, figure):
        self.ax_norm = figure.add_axes((0, 0, 1, 1), visible=False)
        self.ax_key = figure.add_axes((0.01, 0.0, 0.42, 0.12), visible=False)
        self.key_numbers, self.key_lines = [], []

    def arrange(self, gradients: bool, ax_loss, loss_box):
        """Show the panels (the loss then shares its column with the gradient norms) or hide them."""
        box = loss_box
        self.ax_norm.set_visible(gradients)
        self.ax_key.set_visible(gradients)
        if gradients:
            ax_loss.set_position((box.x0, box.y0 + 0.62 * box.height, box.width, 0.38 * box.height))
            self.ax_norm.set_position((box.x0, box.y0, box.width, 0.4 * box.height))
        else:
            ax_loss.set_position(box)
        ax_loss.set_xlabel("" if gradients else "epoch")  # the norms' epoch axis, under it, says it

    def moving(self) -> list:
        """What changes from frame to frame while shown: the norm curves, the key's numbers and line widths."""
        return [*self.ax_norm.lines, *self.key_numbers, *self.key_lines] if self.ax_norm.get_visible() else []

    def draw_network(self, ax, title, sizes, pg, tiles, look, thinnest, max_neurons):
        """The latest step's gradients on the network: a line's width is |dJ/dW[l]_pq| (relative to the largest,
        as a weight's), a box's shade its neuron's mean |dJ/dz| over the mini-batch on a log scale of DECADES
        decades below the largest (gradients shrink by factors, layer after layer; the inputs, which have no z,
        stay white); the key under it gives the numbers."""
        gradients = pg.gradients()
        if gradients is None:  # no step yet: no gradient (and the thinnest lines)
            L = len(sizes) - 1
            dz, dW = [np.zeros(n) for n in sizes[1:]], [np.zeros_like(pg.params[f"W{l}"]) for l in range(1, L + 1)]
        else:
            dz, dW = gradients
        dz_max, dW_max = (max(float(np.max(v[np.isfinite(v)], initial=0.0)) for v in values) for values in (dz, dW))
        shades = [np.zeros(tiles[0].shape)] + [np.broadcast_to(decades_up(v, dz_max).reshape(-1, *[1] * (t.ndim - 1)),
                                                               t.shape) for v, t in zip(dz, tiles[1:])]
        draw_network(ax, sizes, {f"W{l}": W for l, W in enumerate(dW, 1)},
                     max_neurons, maps=shades, map_scale=1.0, map_cmap=GRADIENT_CMAP, **look)
        changing_artists(ax)[0][0].set_color(GRADIENT)  # the lines: one colour, sizes only
        title.set_text(  # the same for every batch size: a new one keeps the background
            "the latest step's gradients (one mini-batch): line width |dJ/dW[l]_pq|, box shade\n"
            "its neuron's mean |dJ/dz| over the batch, log scale (inputs have no z); key below" + thinnest)
        self.draw_key(dz_max, dW_max, gradients is not None)

    def draw_key(self, dz_max: float, dW_max: float, any_step: bool):
        """Under the network: the shades from DECADES decades below the largest mean |dJ/dz| up to it, and three
        line widths with their |dJ/dW| (the largest, a half and a tenth of it)."""
        ax = self.ax_key
        if not ax.images:
            ax.set(xlim=(0, 1), ylim=(0, 1))
            ax.axis("off")
            ax.imshow(np.linspace(0, 1, 64)[None, :], cmap=GRADIENT_CMAP, extent=(0.53, 0.70, 0.58, 0.92), aspect="auto")
            ax.plot([0.53, 0.70, 0.70, 0.53, 0.53], [0.58, 0.58, 0.92, 0.92, 0.58], color="0.35", lw=0.6)
            text = dict(fontsize=8, va="center", transform=ax.transAxes)
            ax.text(0.0, 0.75, "box shade, log scale: mean |dJ/dz|", **text)
            ax.text(0.0, 0.25, "line width: |dJ/dW|", **text)
            self.key_numbers = [ax.text(0.52, 0.75, "", ha="right", **text), ax.text(0.71, 0.75, "", **text)]
            self.key_lines = []
            for x in (0.53, 0.69, 0.85):
                self.key_lines.append(ax.plot([x, x + 0.04], [0.25, 0.25], color=GRADIENT, solid_capstyle="butt")[0])
                self.key_numbers.append(ax.text(x + 0.05, 0.25, "", **text))
        low = dz_max / 10**DECADES
        self.key_numbers[0].set_text(f"<= {low:.2g}" if any_step else "")
        self.key_numbers[1].set_text(f"{dz_max:.2g}" if any_step else "(no step yet: press +1 step)")
        for line, text, share in zip(self.key_lines, self.key_numbers[2:], (1.0, 0.5, 0.1)):
            line.set_visible(any_step)
            line.set_linewidth(0.3 + 3.0 * share)  # as draw_network sizes a line (weight_styles)
            text.set_text(f"{share * dW_max:.2g}" if any_step else "")

    def draw_norms(self, norms: list, L: int, epoch_limits):
        """||dJ/dW[l]|| at each epoch's last step, one line per layer l, on a log scale, on the loss's epoch_limits."""
        ax = self.ax_norm
        if len(ax.lines) != L:
            ax.clear()
            colors = colormaps["viridis"](np.linspace(0.0, 0.85, L))  # from the first layer to the last
            for l in range(1, L + 1):
                ax.plot([], [], color=colors[l - 1], lw=1.3, label=f"W[{l}]")
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(LogLocator(base=10))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
            ax.yaxis.set_minor_locator(NullLocator())
            ax.tick_params(labelsize=8)
            ax.set_xlabel("epoch (the norm at its last step)", fontsize=8, labelpad=1)
            ax.set_ylabel("||dJ/dW[l]||", fontsize=8, labelpad=1)
            ax.legend(fontsize=7, frameon=False, ncol=L, loc="lower left", handlelength=1.2, handletextpad=0.4,
                      columnspacing=0.8, bbox_to_anchor=(0.0, 1.0), borderaxespad=0.1)
            ax.grid(alpha=0.3)
        N = np.array(norms, dtype=np.float64).reshape(len(norms), L)
        N = np.where(np.isfinite(N) & (N > 0), N, np.nan)
        epochs = np.arange(1, len(norms) + 1)
        for line, column in zip(ax.lines, N.T):
            line.set_data(epochs, column)
        ax.set_xlim(epoch_limits)  # the loss's epoch axis, above it (one norm per epoch, as one loss)
        if np.isfinite(N).any():
            lo, hi = np.nanmin(N), np.nanmax(N)
            ax.set_ylim(10.0 ** np.floor(np.log10(lo)), 10.0 ** np.ceil(np.log10(hi) + 1e-9))
        else:
            ax.set_ylim(1e-3, 1.0)
