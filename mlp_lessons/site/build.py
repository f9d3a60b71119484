"""Build the static site: pages from notebooks and docs, their figures, the assets.

The modules: pages.py (which file becomes which page; links and anchors), writer.py (one
page's markdown, code and saved outputs, figures and pre-rendered sliders), layout.py (the
navigation, pager, table of contents and index around every body), this one (the assets and
the build).

Why a page writer of our own and not nbconvert's HTMLExporter with a template of ours
(measured for issue 20 with a working prototype: a template extending nbconvert's base
display_priority.j2, a preprocessor for the figures, alt text and slider frames, our markdown
filter for headings and links; it wrote the same pages, byte for byte but for BeautifulSoup's
re-serialising and IPython's lexer, and passed 18 of tests/test_site.py's browser tests: lessons
1, 2, 3 and 6 with their exercises and teacher notes, notation, the index, sliders, file://):

- Time. The whole build, CPU seconds, best of 5 (time.process_time around build_site): this
  writer 0.41 s; the HTMLExporter 1.98 s (4.8x). 60% of that is a BeautifulSoup pass that
  HTMLExporter.from_notebook_node runs over every page to add alt text and tabindex, with no
  switch to turn it off; without it (calling TemplateExporter directly) 0.79 s, still 1.9x.
  Wall clock (time.perf_counter, best of 5, load 2.5 on 2 cores): 0.44 s against 1.48 s.
- Size. The same: 4.61 MB against 4.62 MB. nbconvert's stock templates would not be: "lab"
  writes 7.4 MB for the 17 notebooks alone (every figure inlined as base64, 256 KB of
  JupyterLab CSS inlined in every page); "basic" 2.6 MB, but with no CSS and no slider at all.
- What it takes to keep the site's properties. Stock "lab" loads require.js, MathJax 2 and the
  widget manager from CDNs (not offline), gives a figure without alt text "No description has
  been provided for this image" instead of stopping the build, and prints In [n]: prompts.
  To match this writer the template overrides every output block (stream, error, png, html,
  markdown, latex, text, widget view, and data_other for the slider's MIME type, which also
  goes into display_data_priority); Highlight2HTML needs nowrap=True, or its
  <div class="highlight"><pre> nests a scrollable, unfocusable <pre> (axe-core:
  scrollable-region-focusable, serious); figures and slider frames still need our preprocessor
  (ExtractOutputPreprocessor names files by cell and knows no frames); headings, ids, the
  table of contents and the links still need our markdown filter; docs/*.md and the index are
  not notebooks and keep our code path; the layout, pager and assets are unchanged.
- Lines. The prototype's template (39 lines of Jinja on nbconvert's block names) and exporter
  and preprocessor (about 75 lines) replace about 85 lines here (code, outputs, notebook and
  the stream helpers): more code, in two languages, for a slower build. What nbconvert did
  better, IPython's lexer highlighting %magics, is one pygments lexer away if wanted.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .layout import MATHJAX_FILE, index_body, layout, with_toc
from .pages import Page, Site, SiteError, discover_pages
from .writer import PageWriter

PYGMENTS_STYLE = "default"
ASSETS = resources.files(__package__) / "assets"


@dataclass
class BuildReport:
    out: Path
    pages: list[str]
    figures: int
    sliders: int
    slider_frames: int
    bytes: int
    seconds: float

    def summary(self) -> str:
        return (f"Built {len(self.pages)} pages with {self.figures} figures and {self.sliders} pre-rendered "
                f"sliders ({self.slider_frames} pictures) in {self.seconds:.1f} s: "
                f"{self.bytes / 1e6:.1f} MB in {self.out}")



def mathjax_dir() -> Path:
    """MathJax 3's browser files, from the django-static-mathjax package on PyPI (no CDN)."""
    try:
        base = resources.files("mathjax") / "static" / "mathjax"
    except ModuleNotFoundError:
        raise SiteError("MathJax is not installed: pip install django-static-mathjax "
                        "(python run.py site installs it for you)") from None
    return Path(str(base))


def code_colours() -> str:
    """Pygments' colours for highlighted code, each with enough contrast on the code background."""
    from pygments.formatters import HtmlFormatter

    return "\n/* code colours (Pygments) */\n" + HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs("pre.source") + "\n"


def copy_assets(out: Path) -> None:
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in ("site.css", "site.js", "mathjax-config.js", "favicon.svg"):
        (assets / name).write_text((ASSETS / name).read_text(encoding="utf-8"), encoding="utf-8")
    with open(assets / "site.css", "a", encoding="utf-8") as css:
        css.write(code_colours())
    source = mathjax_dir()
    (assets / "mathjax").mkdir(exist_ok=True)
    shutil.copyfile(source / "es5" / MATHJAX_FILE, assets / "mathjax" / MATHJAX_FILE)
    shutil.copyfile(source / "LICENSE", assets / "mathjax" / "LICENSE")


def build_site(out: Path, root: Path | None = None) -> BuildReport:
    """Write the site to out (emptied first) from root's notebooks/ and docs/; returns its size and time."""
    start = time.perf_counter()
    root = Path(root or Path.cwd()).resolve()
    out = Path(out).resolve()
    pages = discover_pages(root)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    site = Site(root, out, pages)

    bodies = {}
    for page in pages:
        writer = PageWriter(site, page)
        text = (root / page.source).read_text(encoding="utf-8")
        body = writer.notebook(json.loads(text)) if page.source.endswith(".ipynb") else \
            f'<div class="cell markdown">{writer.markdown(text)}</div>'
        if not page.title:
            site.problems.append(f"{page.source}: no title (a first heading '# ...')")
            page.title = Path(page.source).stem
        bodies[page.source] = body
    site.check_anchors()
    if site.problems:
        raise SiteError("\n".join(f"- {problem}" for problem in site.problems))

    index = Page("index", "index.html", "index", title="Neural networks from scratch")
    everything = [index] + pages
    (out / "index.html").write_text(layout(index, index_body(pages), everything), encoding="utf-8")
    for page in pages:
        target = out / page.href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(layout(page, with_toc(page, bodies[page.source]), everything), encoding="utf-8")
    copy_assets(out)
    (out / ".nojekyll").write_text("")

    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return BuildReport(out, [p.href for p in everything], site.figures, site.sliders, site.slider_frames,
                       size, time.perf_counter() - start)
