"""What every lesson's figures share: the style, numbers printed as text, the slider figure."""

from __future__ import annotations

import inspect

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter
from IPython.display import clear_output, display

from ..activations import ACTIVATIONS
from .lifetime import close_on_rerun, close_widgets
from .slider_frames import Prerendered, render_frames
from .threads import keep_post_execute_on_main_thread, one_at_a_time

ELEMENTWISE_ACTIVATIONS = tuple(ACTIVATIONS)  # every elementwise activation, in the package's order
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
        keep_post_execute_on_main_thread()
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

    def close(self) -> None:
        """Close the widgets and let the figure go (a notebook cell run again does this to the one it showed)."""
        close_widgets(self.widget)
        self.fig = None

    @one_at_a_time
    def _repr_mimebundle_(self, include=None, exclude=None):
        close_on_rerun(self)
        frames = render_frames(self.slider, self.draw, self.alt, self.figsize, DPI)
        return Prerendered(self.widget, frames)._repr_mimebundle_(include, exclude)


