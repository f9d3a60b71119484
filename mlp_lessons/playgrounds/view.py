"""The playground's picture: it reads a PlaygroundState and draws, nothing else.

Three panels in one Agg figure, each drawn by the plots module's one function
for it (the lessons use the same ones): the network with every neuron's output
as a small heatmap over the input plane (draw_network), the output neuron's map
large with the data (draw_output_map, scatter_points), and the loss of both sets
at the end of each epoch (plot_loss_curves).  The gradients view (settings.view,
drawn by gradients_view.GradientPanels) draws the same network with what the
Run's latest step computed instead: each line as wide as its |dJ/dW[l]_pq|, each
box shaded by its neuron's mean |dJ/dz| over the mini-batch (a log scale), a key
with the numbers under it, and under the loss ||dJ/dW[l]|| per layer at each
epoch's last step.  Redrawing updates the artists in place and draws only what
moves over saved backgrounds (backgrounds.SavedBackgrounds), which keeps a frame
fast.  to_data() maps a pixel of the picture to the input plane, for whoever
adds mouse events.  While a source of your own points cannot train yet (too few,
one class), png() shows the points collected so far on an empty plane, with the
source's note beside them.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..figures.plots import boundary_grid, changing_artists, draw_network, draw_output_map, layer_outputs, network_layout, plot_loss_curves, scatter_points
from .backgrounds import SavedBackgrounds
from .gradients_view import GradientPanels

RESOLUTION = 64  # the output map is RESOLUTION x RESOLUTION points of the plane (or RESOLUTION * 4 of a line)
TILE = 16  # each neuron's map is TILE x TILE of them (every RESOLUTION // TILE-th)
MAX_NEURONS_DRAWN = 32
GAP = 2.0  # between the layers of the network picture, in neuron spacings
MANY_WEIGHTS = 1000  # with more, the thinnest lines are left out: they only thicken the tangle


def png_bytes(rgb: np.ndarray) -> bytes:
    """An (height, width, 3) uint8 image as PNG: no row filter, zlib level 1.

    Written out here because it is three times faster than Pillow's PNG writer (which
    tries every row filter) and, on these flat-coloured pictures, no larger.
    """
    height, width, _ = rgb.shape
    rows = np.empty((height, 1 + 3 * width), np.uint8)
    rows[:, 0] = 0  # filter type 0: none
    rows[:, 1:] = rgb.reshape(height, -1)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b"")


def best_rows(layer_sizes, width: float, height: float) -> int:
    """How many neurons to stack per column so that the tiles come out largest in a width x height box."""

    def unit(rows):
        layout = network_layout(layer_sizes, MAX_NEURONS_DRAWN, rows, GAP)
        xs = np.concatenate([x for x, _ in layout])
        return min(width / (xs.max() + 1), height / (min(max(layer_sizes), rows) + 2.5))

    return max((4, 6, 8, 12, 16, 32), key=unit)


class PlaygroundView:
    """The network, the output map and the loss curves of a playground, redrawn in place."""

    def __init__(self, dpi: int = 72):
        self.figure = Figure(figsize=(13.0, 4.2), dpi=dpi)
        FigureCanvasAgg(self.figure)
        # The third column is empty: room for the loss panel's tick labels and axis label,
        # and a gap between the two panels' titles.
        grid = self.figure.add_gridspec(1, 4, width_ratios=[1.9, 1.05, 0.2, 0.95], wspace=0.05)
        self.ax_net, self.ax_out, self.ax_loss = (self.figure.add_subplot(grid[0, i]) for i in (0, 1, 3))
        self.figure.subplots_adjust(left=0.005, right=0.99, bottom=0.13, top=0.9)
        self.loss_box = self.ax_loss.get_position()
        self.gradient_panels = GradientPanels(self.figure)  # the gradients view's, hidden in the weights view
        self.ax_norm = self.gradient_panels.ax_norm
        self.shown_view = "weights"
        self.data = self.sizes = None
        self.points = []
        self.backgrounds = SavedBackgrounds()
        self.titles = {
            ax: ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=10)
            for ax in (self.ax_net, self.ax_out, self.ax_loss)
        }  # titles as plain text: an axes title is re-positioned (slowly) on every draw

    def draw(self, pg) -> Figure:
        """Draw the state of pg (a PlaygroundState) and return the figure."""
        s = pg.settings
        if self.data is not pg.data:
            self._new_data(pg)
        self.test_points.set_visible(s.show_test)
        maps = layer_outputs(pg.params, s.activations, self.grid, s.features)
        self._draw_network(pg, maps)
        P = maps[-1][0]
        P = P.reshape(RESOLUTION, RESOLUTION) if P.size == RESOLUTION**2 else P
        draw_output_map(self.ax_out, P, self.extent, vmax=self.vmax, discrete=s.discretize)
        h = pg.history
        plot_loss_curves(self.ax_loss, h.end_loss, h.test_loss, title=None)
        self.titles[self.ax_loss].set_text("J of both sets at each epoch's end")
        if s.view != self.shown_view:
            self.gradient_panels.arrange(s.view == "gradients", self.ax_loss, self.loss_box)
            self.shown_view = s.view
        if s.view == "gradients":
            self.gradient_panels.draw_norms(pg.grad_norms, len(self.sizes) - 1, self.ax_loss.get_xlim())
        return self.figure

    def png(self, pg) -> bytes:
        """draw(pg) as PNG bytes (or, while pg's points cannot train, the waiting plane).

        The parts that stay (titles, labels, frames) are rendered once into a
        background; each frame restores it and draws only what moves: the weights,
        the neuron maps, the output map with its points, and the loss curves (in the
        gradients view also the gradient norms and the key's numbers and widths).
        """
        if not pg.source.ready:
            return waiting_png(self, pg)
        self.draw(pg)
        kept, replaced = [], []
        for ax in (self.ax_net, self.ax_out, self.ax_loss):
            k, r = changing_artists(ax)
            kept, replaced = kept + k, replaced + r
        kept += [*self.points, *self.ax_out.spines.values()]
        kept += self.gradient_panels.moving()  # in the gradients view: the norm curves, the key's numbers and widths
        panels = [ax for ax in (self.ax_loss, self.ax_norm) if ax.get_visible()]  # the loss first: the norms overlap its margin
        moving = sorted(kept + replaced, key=lambda artist: artist.get_zorder())
        key = [*kept, *(t.get_text() for t in self.titles.values())]  # a new run on new data keeps the background
        return png_bytes(self.backgrounds.render(self.figure, moving, panels, key))

    def to_data(self, x_pixel: float, y_pixel: float):
        """The point of the input plane under pixel (x, y) of the PNG (origin top left), or None off the map."""
        height = self.figure.bbox.height
        x1, x2 = self.ax_out.transData.inverted().transform((x_pixel, height - y_pixel))
        if not self.ax_out.get_window_extent().contains(x_pixel, height - y_pixel):
            return None
        return float(x1), float(x2)

    def _new_data(self, pg):
        """The points and the grid of the plane, drawn again only when the data change."""
        d, s, ax = pg.data, pg.settings, self.ax_out
        self.data = d
        for artist in self.points:
            artist.remove()
        both = np.hstack([d.X, d.X_test])
        one_input = d.X.shape[0] == 1
        self.grid, self.extent = boundary_grid(both, RESOLUTION * (4 if one_input else 1))
        Y_both = np.hstack([d.Y, d.Y_test])
        self.vmax = (float(np.max(np.abs(Y_both))) or 1.0) if s.regression else None
        self.test_points = scatter_points(ax, d.X_test, d.Y_test, test=True, vmax=self.vmax)
        self.points = [scatter_points(ax, d.X, d.Y, vmax=self.vmax), self.test_points]
        ax.set_xlim(self.extent[0], self.extent[1])
        if one_input:
            pad = 0.15 * np.ptp(Y_both)
            ax.set_ylim(Y_both.min() - pad, Y_both.max() + pad)
            ax.set_aspect("auto")
        else:
            ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(s.features[0] if one_input else "x1", labelpad=2)
        ax.set_ylabel("y" if one_input else "x2", labelpad=2)
        what = "prediction a[L] (orange +, blue -)" if s.regression else "a[L] = P(y = 1 | x)"
        self.titles[ax].set_text(f"{s.dataset or 'your points'}: {what}; test points hollow")

    def _draw_network(self, pg, maps):
        """The network panel: weights and each neuron's output map, or (the gradients view) the latest step's gradients."""
        s = pg.settings
        step = RESOLUTION // TILE
        if maps[0].shape[1] == RESOLUTION**2:
            tiles = [A.reshape(-1, RESOLUTION, RESOLUTION)[:, step // 2 :: step, step // 2 :: step] for A in maps]
        else:
            tiles = [A[:, step * 2 :: step * 4] for A in maps]
        tiles[-1] = tiles[-1] - (0 if s.regression else 0.5)  # the output's map: white at a[L] = 0.5
        if self.sizes != s.layer_sizes:
            self.sizes = s.layer_sizes
            # The panel's box as laid out, not as the last picture's aspect shrank it.
            box = self.ax_net.get_position(original=True).transformed(self.figure.transFigure)
            self.rows = best_rows(self.sizes, box.width, box.height)
        L = len(self.sizes) - 1
        labels = [f"n[{l}] = {n}" for l, n in enumerate(self.sizes)]
        labels[0], labels[L] = f"input\n{labels[0]}", f"output\n{labels[L]}"
        wide = sum(n * n_next for n, n_next in zip(self.sizes, self.sizes[1:])) > MANY_WEIGHTS
        look = dict(rows=self.rows, gap=GAP, labels=labels, input_names=s.features, hide_below=0.1 if wide else 0.0)
        thinnest = "\n(lines under a tenth of the largest are not drawn)" if wide else ""
        if s.view == "gradients":
            return self.gradient_panels.draw_network(self.ax_net, self.titles[self.ax_net], self.sizes, pg, tiles, look,
                                                     thinnest, MAX_NEURONS_DRAWN)
        draw_network(self.ax_net, self.sizes, pg.params, MAX_NEURONS_DRAWN, maps=tiles, **look)
        self.titles[self.ax_net].set_text("each neuron's output over the plane; weights orange +, blue -"
                                          + thinnest.replace("lines", "weights"))


def waiting_png(view, pg) -> bytes:
    """While pg's points cannot train: its source's points as they stand on an empty plane of the
    last usable run's extent, and the source's note beside them, as PNG."""
    if getattr(view, "extent", None) is None:
        view.draw(pg)
    X, Y, note = pg.source.X, pg.source.Y, pg.source.note or "Click on the plane to add points."
    vmax = (float(np.max(np.abs(Y))) or 1.0) if pg.settings.regression and Y.size else None
    fig = Figure(figsize=view.figure.get_size_inches(), dpi=view.figure.dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(view.ax_out.get_position())
    x1_lo, x1_hi, x2_lo, x2_hi = view.extent
    ax.set(xlim=(x1_lo, x1_hi), ylim=(x2_lo, x2_hi), xticks=[], yticks=[])
    if X.shape[1]:
        scatter_points(ax, X, Y, vmax=vmax)
    beside = fig.add_axes(view.ax_net.get_position())
    beside.axis("off")
    beside.text(0.5, 0.5, note, ha="center", va="center", fontsize=12, wrap=True, transform=beside.transAxes)
    buffer = io.BytesIO()
    fig.canvas.print_png(buffer)
    return buffer.getvalue()
