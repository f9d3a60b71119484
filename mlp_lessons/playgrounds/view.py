"""The playground's picture: it reads a PlaygroundState and draws, nothing else.

Three panels in one Agg figure, each drawn by the plots module's one function
for it (the lessons use the same ones): the network with every neuron's output
as a small heatmap over the input plane (draw_network), the output neuron's map
large with the data (draw_output_map, scatter_points), and the loss of both sets
at the end of each epoch (plot_loss_curves).  The gradients view (settings.view)
draws the same network with what the Run's latest step computed instead: each
line as wide as its |dJ/dW[l]_pq|, each box shaded by its neuron's mean |dJ/dz|
over the mini-batch (a log scale), a key with the numbers under it, and under
the loss ||dJ/dW[l]|| per layer at each epoch's last step.  Redrawing updates
the artists in place, which keeps a frame fast.  to_data() maps a pixel of the picture to the
input plane, for whoever adds mouse events.  While a source of your own points
cannot train yet (too few, one class), png() shows the points collected so far on
an empty plane, with the source's note beside them.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
from matplotlib.transforms import Bbox

from ..figures.plots import boundary_grid, changing_artists, draw_network, draw_output_map, layer_outputs, network_layout, plot_loss_curves, scatter_points

RESOLUTION = 64  # the output map is RESOLUTION x RESOLUTION points of the plane (or RESOLUTION * 4 of a line)
TILE = 16  # each neuron's map is TILE x TILE of them (every RESOLUTION // TILE-th)
MAX_NEURONS_DRAWN = 32
GAP = 2.0  # between the layers of the network picture, in neuron spacings
MANY_WEIGHTS = 1000  # with more, the thinnest lines are left out: they only thicken the tangle
# The gradients view: a size from 0 (white) to the largest (dark purple); purple is neither
# orange nor blue, so a gradient is never read as a weight's sign.
GRADIENT = "#54278f"
GRADIENT_CMAP = LinearSegmentedColormap.from_list("mlp_lessons_gradient", ["#ffffff", "#9e9ac8", GRADIENT])
DECADES = 3  # the gradients' log scales: from the largest down to a thousandth of it


def decades_up(values: np.ndarray, largest: float) -> np.ndarray:
    """|values| on the gradients view's log scale: 1 at largest, 0 at largest / 10**DECADES and below (and for NaN)."""
    with np.errstate(all="ignore"):
        up = 1 + np.log10(np.abs(values) / largest) / DECADES if largest > 0 else np.zeros(np.shape(values))
    return np.clip(np.where(np.isfinite(up), up, 0.0), 0.0, 1.0)


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


def _same(a, b) -> bool:
    """The same artists (by identity) and the same texts, in the same order."""
    return b is not None and len(a) == len(b) and all(x is y or (isinstance(x, str) and x == y) for x, y in zip(a, b))


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
        # The gradients view's two extra panels: the per-layer gradient norms under the loss,
        # and the key to the network's shading and line widths under the network.
        self.loss_box = self.ax_loss.get_position()
        self.ax_norm = self.figure.add_axes((0, 0, 1, 1), visible=False)
        self.ax_key = self.figure.add_axes((0.01, 0.0, 0.42, 0.12), visible=False)
        self.shown_view = "weights"
        self.data = self.sizes = None
        self.points = []
        self.background = self.background_key = None
        self.panel_backgrounds = {}  # a curve panel's axes: (its limits, the background drawn with them)
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
            self._arrange(s.view)
        if s.view == "gradients":
            self._draw_norms(pg.grad_norms)
        return self.figure

    def _arrange(self, view: str):
        """The panels of a view: in the gradients view the loss shares its column with the gradient norms."""
        box, gradients = self.loss_box, view == "gradients"
        self.ax_norm.set_visible(gradients)
        self.ax_key.set_visible(gradients)
        if gradients:
            self.ax_loss.set_position((box.x0, box.y0 + 0.62 * box.height, box.width, 0.38 * box.height))
            self.ax_norm.set_position((box.x0, box.y0, box.width, 0.4 * box.height))
        else:
            self.ax_loss.set_position(box)
        self.ax_loss.set_xlabel("" if gradients else "epoch")  # the norms' epoch axis, under it, says it
        self.shown_view = view

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
        # The gradients view's norm curves and the key's numbers and line widths move too.
        panels = [ax for ax in (self.ax_loss, self.ax_norm) if ax.get_visible()]
        if self.ax_norm.get_visible():
            kept += [*self.ax_norm.lines, *self.key_numbers, *self.key_lines]
        moving = sorted(kept + replaced, key=lambda artist: artist.get_zorder())
        canvas = self.figure.canvas
        # A background of the network and output panels' titles and labels, and one for each
        # curve panel (the loss, the gradient norms) with its ticks, which stays until its limits,
        # place or texts change (a new run on new data keeps it).  The artists themselves, not
        # their id()s: a new artist may get a freed one's id.
        key = [*kept, *(t.get_text() for t in self.titles.values())]
        for artist in [*moving, *panels]:
            artist.set_animated(True)
        try:
            if not _same(key, self.background_key):
                canvas.draw()  # everything but the moving parts and the curve panels
                self.background, self.background_key = canvas.copy_from_bbox(self.figure.bbox), key
            canvas.restore_region(self.background)
            for ax in panels:  # the loss first: the norms' panel overlaps the margin under it
                limits = (ax.get_xlim(), ax.get_ylim(), ax.get_yscale(), tuple(ax.get_position().bounds),
                          ax.get_xlabel(), ax.get_ylabel(), *(text.get_text() for text in ax.texts))
                saved = self.panel_backgrounds.get(ax)
                if saved is None or saved[0] != limits:
                    ax.set_animated(False)
                    self.figure.draw_artist(ax)  # its curves are still animated: left out
                    x0, y0, x1, y1 = ax.get_window_extent().extents
                    pt = self.figure.dpi / 72  # room for its tick labels, axis label and title, in points
                    box = Bbox.from_extents(x0 - 64 * pt, y0 - 38 * pt, x1 + 6 * pt, y1 + 22 * pt)
                    self.panel_backgrounds[ax] = limits, canvas.copy_from_bbox(box)
                else:
                    canvas.restore_region(saved[1])
            for artist in moving:
                self.figure.draw_artist(artist)
        finally:
            for artist in [*moving, *panels]:
                artist.set_animated(False)  # figure() and savefig() draw everything again
        return png_bytes(np.asarray(canvas.buffer_rgba())[..., :3])

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
            return self._draw_gradients(pg, tiles, look, thinnest)
        draw_network(self.ax_net, self.sizes, pg.params, MAX_NEURONS_DRAWN, maps=tiles, **look)
        self.titles[self.ax_net].set_text("each neuron's output over the plane; weights orange +, blue -"
                                          + thinnest.replace("lines", "weights"))

    def _draw_gradients(self, pg, tiles, look, thinnest):
        """The latest step's gradients on the network: a line's width is |dJ/dW[l]_pq| (relative to the largest,
        as a weight's), a box's shade its neuron's mean |dJ/dz| over the mini-batch on a log scale of DECADES
        decades below the largest (gradients shrink by factors, layer after layer; the inputs, which have no z,
        stay white); the key under it gives the numbers."""
        gradients = pg.gradients()
        if gradients is None:  # no step yet: no gradient (and the thinnest lines)
            L = len(self.sizes) - 1
            dz, dW = [np.zeros(n) for n in self.sizes[1:]], [np.zeros_like(pg.params[f"W{l}"]) for l in range(1, L + 1)]
        else:
            dz, dW = gradients
        dz_max, dW_max = (max(float(np.max(v[np.isfinite(v)], initial=0.0)) for v in values) for values in (dz, dW))
        shades = [np.zeros(tiles[0].shape)] + [np.broadcast_to(decades_up(v, dz_max).reshape(-1, *[1] * (t.ndim - 1)),
                                                               t.shape) for v, t in zip(dz, tiles[1:])]
        draw_network(self.ax_net, self.sizes, {f"W{l}": W for l, W in enumerate(dW, 1)},
                     MAX_NEURONS_DRAWN, maps=shades, map_scale=1.0, map_cmap=GRADIENT_CMAP, **look)
        changing_artists(self.ax_net)[0][0].set_color(GRADIENT)  # the lines: one colour, sizes only
        self.titles[self.ax_net].set_text(  # the same for every batch size: a new one keeps the background
            "the latest step's gradients (one mini-batch): line width |dJ/dW[l]_pq|, box shade\n"
            "its neuron's mean |dJ/dz| over the batch, log scale (inputs have no z); key below" + thinnest)
        self._draw_key(dz_max, dW_max, gradients is not None)

    def _draw_key(self, dz_max: float, dW_max: float, any_step: bool):
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

    def _draw_norms(self, norms: list):
        """||dJ/dW[l]|| at each epoch's last step, one line per layer l, on a log scale."""
        ax, L = self.ax_norm, len(self.sizes) - 1
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
        ax.set_xlim(self.ax_loss.get_xlim())  # the loss's epoch axis, above it (one norm per epoch, as one loss)
        if np.isfinite(N).any():
            lo, hi = np.nanmin(N), np.nanmax(N)
            ax.set_ylim(10.0 ** np.floor(np.log10(lo)), 10.0 ** np.ceil(np.log10(hi) + 1e-9))
        else:
            ax.set_ylim(1e-3, 1.0)


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
