"""The lessons as a static HTML site that needs nothing installed to read.

Every lesson and exercise notebook becomes a page with its saved outputs (code,
printed numbers, figures), the equations typeset by a copy of MathJax that ships
with the site, and docs/notation.md beside them.  Slider figures saved with
their pictures (see mlp_lessons.figures.slider_frames) become HTML sliders that switch
between them, so the page still responds without a kernel.  Nothing is loaded
from the network: the site opens from the file system or any static host.

    python run.py site                         builds build/site/
    python -m mlp_lessons.site --out DIR       the same, anywhere

Every figure needs alt text, kept in its cell's metadata as "alt" (a string, or
a list with one string per figure of the cell); the build stops with a list of
the figures that have none.  A link to a heading is written as JupyterLab makes
it (04_losses_and_init.ipynb#Why-not-start-from-zero?), so that it works in the
notebook too; the build stops if the page has no such heading.  This subpackage sits beside the lessons' package
and imports nothing from it but the slider frames' MIME type.
"""

from .build import BuildReport, SiteError, build_site

__all__ = ["BuildReport", "SiteError", "build_site"]
