"""Slider figures that still respond without a kernel (top layer, beside the widgets).

A slider in a notebook redraws only while a kernel runs.  So that a lesson read
as a static page (``python run.py site``) still responds, a slider figure also
saves, in the same output as the live widget, one picture per slider position
with a sentence saying what it shows.  The site builder turns those pictures
into an HTML slider that switches between them; JupyterLab, Voila and Colab
ignore the extra data and show the live widget.

A lesson makes such a figure with ``figures.SliderFigure(slider, draw, alt=...)``,
which does this by itself.  Any other widget with one slider can be wrapped:

    frames = render_frames(slider, draw, alt="Line plot of ...")
    display(Prerendered(widget, frames))

where ``draw(ax, value) -> text`` draws the figure for one slider value on an
empty axes and returns a sentence with the numbers it shows.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.figure import Figure

from .threads import one_at_a_time

MIME_TYPE = "application/vnd.mlp-lessons.slider-frames+json"
MAX_FRAMES = 101
PNG_COLOURS = 64


def slider_positions(slider) -> list[tuple[str, object]]:
    """Every position of an ipywidgets slider, in order, as (label, value) pairs.

    A SelectionSlider takes its options; a numeric slider (IntSlider, FloatSlider)
    takes min, min + step, ..., max, labelled in its readout format.  The site
    keeps one picture for each, so a slider with more than MAX_FRAMES positions
    is refused.
    """
    if hasattr(slider, "_options_values"):
        positions = list(zip(slider._options_labels, slider._options_values))
    else:
        count = int(round((slider.max - slider.min) / slider.step)) + 1
        values = [slider.min + i * slider.step for i in range(count)]
        if isinstance(slider.value, float):
            decimals = max(0, -int(np.floor(np.log10(slider.step)))) + 2
            values = [round(float(v), decimals) for v in values]
        fmt = getattr(slider, "readout_format", "") or "g"
        positions = [(format(v, fmt), v) for v in values]
    if len(positions) > MAX_FRAMES:
        raise ValueError(
            f"slider {slider.description!r} has {len(positions)} positions; a pre-rendered slider "
            f"keeps at most {MAX_FRAMES} pictures. Use a larger step or fewer options."
        )
    return positions


def start_index(slider, positions) -> int:
    """The position the slider starts at (the nearest one for a numeric slider)."""
    if hasattr(slider, "_options_values"):
        return slider.index
    return min(range(len(positions)), key=lambda i: abs(positions[i][1] - slider.value))


def figure_png(fig) -> bytes:
    """A matplotlib figure as a small PNG: at most PNG_COLOURS colours, plenty for line plots."""
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=PNG_COLOURS)
    out = io.BytesIO()
    image.save(out, format="png")
    return out.getvalue()


@one_at_a_time
def render_frames(slider, draw, alt: str, figsize=(5.5, 3.2), dpi: int = 80) -> dict:
    """One picture per slider position: the payload the site builder reads.

    draw(ax, value) -> text draws the figure for one slider value on an empty
    axes and returns the numbers it shows.  alt says what the figure shows in
    general; the site adds each picture's text to it.  One figure is reused and
    laid out once, so 30 positions take about a second.
    """
    if not alt.strip():
        raise ValueError("a pre-rendered slider needs alt text that says what its figure shows")
    positions = slider_positions(slider)
    frames = []
    fig = Figure(figsize=figsize, dpi=dpi)  # not pyplot's: no plt.show() elsewhere draws it half done
    ax = fig.add_subplot()
    for i, (label, value) in enumerate(positions):
        ax.clear()
        text = draw(ax, value)
        if i == 0:
            fig.tight_layout()
        png = base64.b64encode(figure_png(fig)).decode("ascii")
        frames.append({"label": label, "png": png, "text": text})
    return {"description": slider.description, "alt": alt, "start": start_index(slider, positions),
            "frames": frames}


class Prerendered:
    """Shows a widget live, and carries its pre-rendered frames for the static site."""

    def __init__(self, widget, frames: dict):
        self.widget = widget
        self.frames = frames

    def _repr_mimebundle_(self, include=None, exclude=None):
        show = getattr(self.widget, "_repr_mimebundle_", None)  # None once ipywidgets has closed it
        bundle = show() if callable(show) and self.widget.comm is not None else None
        if bundle is None:  # its widgets were closed (the cell that showed it ran again)
            return {"text/plain": "This figure was closed when the cell that showed it ran again: run that cell "
                                  "to see it."}
        bundle[MIME_TYPE] = self.frames
        return bundle
