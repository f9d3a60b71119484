"""Saved backgrounds for redrawing a figure fast: render the parts that stay once, then each
frame restore them and draw only what moves (blitting, in matplotlib's words)."""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import Bbox


def _same(a, b) -> bool:
    """The same artists (by identity) and the same texts, in the same order."""
    return b is not None and len(a) == len(b) and all(x is y or (isinstance(x, str) and x == y) for x, y in zip(a, b))


class SavedBackgrounds:
    """A background of the whole figure, and one for each curve panel (an axes whose ticks follow its data).

    The figure's background stays until the key given with the frame changes: the moving
    artists themselves, not their id()s (a new artist may get a freed one's id), and texts.
    A curve panel's stays until its limits, place or texts change.
    """

    def __init__(self):
        self.background = self.background_key = None
        self.panel_backgrounds = {}  # a curve panel's axes: (its limits, the background drawn with them)

    def render(self, figure, moving: list, panels: list, key: list) -> np.ndarray:
        """The figure with moving (in zorder) drawn over the saved backgrounds, as an (height, width, 3) uint8 image."""
        canvas = figure.canvas
        for artist in [*moving, *panels]:
            artist.set_animated(True)
        try:
            if not _same(key, self.background_key):
                canvas.draw()  # everything but the moving parts and the curve panels
                self.background, self.background_key = canvas.copy_from_bbox(figure.bbox), key
            canvas.restore_region(self.background)
            for ax in panels:  # in order: a later panel may overlap the margin of an earlier one
                limits = (ax.get_xlim(), ax.get_ylim(), ax.get_yscale(), tuple(ax.get_position().bounds),
                          ax.get_xlabel(), ax.get_ylabel(), *(text.get_text() for text in ax.texts))
                saved = self.panel_backgrounds.get(ax)
                if saved is None or saved[0] != limits:
                    ax.set_animated(False)
                    figure.draw_artist(ax)  # its curves are still animated: left out
                    x0, y0, x1, y1 = ax.get_window_extent().extents
                    pt = figure.dpi / 72  # room for its tick labels, axis label and title, in points
                    box = Bbox.from_extents(x0 - 64 * pt, y0 - 38 * pt, x1 + 6 * pt, y1 + 22 * pt)
                    self.panel_backgrounds[ax] = limits, canvas.copy_from_bbox(box)
                else:
                    canvas.restore_region(saved[1])
            for artist in moving:
                figure.draw_artist(artist)
        finally:
            for artist in [*moving, *panels]:
                artist.set_animated(False)  # figure() and savefig() draw everything again
        return np.asarray(canvas.buffer_rgba())[..., :3]
