"""Build the static site: pages from notebooks and docs, their figures, the assets."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import struct
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath

from ..figures.slider_frames import MIME_TYPE as SLIDER_FRAMES

REPO_URL = "https://github.com/mlp-lessons/mlp_lessons"
SITE_NAME = "mlp_lessons"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MATHJAX_FILE = "tex-svg-full.js"
PYGMENTS_STYLE = "default"
ASSETS = resources.files(__package__) / "assets"


class SiteError(Exception):
    """The site cannot be built as the notebooks stand; the message lists what to fix."""


@dataclass
class Page:
    source: str            # path in the repository, e.g. notebooks/01_forward_prop.ipynb
    href: str              # path in the site, e.g. 01_forward_prop.html
    kind: str              # "lesson", "exercise", "doc" or "index"
    title: str = ""        # plain text, for <title> and the navigation
    sections: list = field(default_factory=list)   # (id, inner HTML) of each section heading

    @property
    def prefix(self) -> str:
        """From this page back to the site's root, e.g. '../' for exercises/x.html."""
        return "../" * self.href.count("/")


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


# ---- the pages ----------------------------------------------------------------------------


def discover_pages(root: Path) -> list[Page]:
    """Lessons, exercises, the docs, the teacher notes: every notebook and docs/**.md the site shows."""
    pages = [Page(p.relative_to(root).as_posix(), p.stem + ".html", "lesson")
             for p in sorted((root / "notebooks").glob("*.ipynb"))]
    pages += [Page(p.relative_to(root).as_posix(), f"exercises/{p.stem}.html", "exercise")
              for p in sorted((root / "notebooks" / "exercises").glob("*.ipynb"))]
    pages += [Page(p.relative_to(root).as_posix(), p.stem + ".html", "doc")
              for p in sorted((root / "docs").glob("*.md"))]
    pages += [Page(p.relative_to(root).as_posix(), f"teaching/{p.stem}.html", "teacher")
              for p in sorted((root / "docs" / "teaching").glob("*.md"))]
    if not any(page.kind == "lesson" for page in pages):
        raise SiteError(f"no notebooks found in {root / 'notebooks'}: is --root the repository?")
    return pages


class Site:
    """What one build needs while it renders pages: where things go and what went wrong."""

    def __init__(self, root: Path, out: Path, pages: list[Page]):
        self.root = root
        self.out = out
        self.pages = pages
        self.by_source = {page.source: page for page in pages}
        self.problems: list[str] = []
        self.figures = 0
        self.sliders = 0
        self.slider_frames = 0

    # -- files

    def write_image(self, page: Page, name: str, png: bytes) -> str:
        """Save a PNG under img/<page>/ and return its path relative to the page."""
        path = PurePosixPath("img") / PurePosixPath(page.href).with_suffix("").as_posix().replace("/", "-") / name
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png)
        return page.prefix + path.as_posix()

    # -- links

    def rewrite_link(self, page: Page, url: str) -> str:
        """A link as written in a notebook or doc, made to work in the site."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("#"):
            return url
        path, _, anchor = url.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(page.source), path)).replace(os.sep, "/")
        anchor = f"#{anchor}" if anchor else ""
        if target in self.by_source:
            return page.prefix + self.by_source[target].href + anchor
        if (self.root / target).exists():
            return f"{REPO_URL}/blob/main/{target}{anchor}"
        self.problems.append(f"{page.source}: the link {url!r} points to {target}, which does not exist")
        return url


# ---- markdown -----------------------------------------------------------------------------


HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
HREF = re.compile(r'(<a\s[^>]*?href=")([^"]*)(")')
IMG = re.compile(r"<img\s[^>]*>")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, with TeX's $ signs and braces dropped (for titles and ids)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    text = re.sub(r"\\[a-zA-Z]+", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[${}^_\\]", "", text)).strip()


class PageWriter:
    """Renders one page's markdown and outputs; keeps its headings in order and its ids unique."""

    def __init__(self, site: Site, page: Page):
        self.site = site
        self.page = page
        self.last_level = 0
        self.ids: set[str] = set()
        self.figure_count = 0

    def unique_id(self, text: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
        slug, n = base, 2
        while slug in self.ids:
            slug, n = f"{base}-{n}", n + 1
        self.ids.add(slug)
        return slug

    def heading(self, match: re.Match) -> str:
        # A heading may go down any number of levels but up only one: the outline stays in order.
        level = min(int(match.group(1)), self.last_level + 1)
        self.last_level = level
        inner = ANCHOR_LINK.sub("", match.group(3)).strip()
        text = plain_text(inner)
        if level == 1 and not self.page.title:
            self.page.title = text
        slug = self.unique_id(text)
        if level == 2:
            self.page.sections.append((slug, inner))
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    def markdown(self, source: str) -> str:
        from nbconvert.filters.markdown_mistune import markdown2html_mistune

        out = markdown2html_mistune(source)
        out = HEADING.sub(self.heading, out)
        out = HREF.sub(lambda m: m.group(1) + html.escape(self.site.rewrite_link(self.page, html.unescape(m.group(2))))
                       + m.group(3), out)
        for tag in IMG.findall(out):
            if not re.search(r'alt="[^"]+"', tag):
                self.site.problems.append(f"{self.page.source}: the image {tag} has no alt text: write ![what it shows](file)")
        return out

    # -- code cells

    def code(self, source: str) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        # nbval's markers are for the tests, not for the reader.
        source = "\n".join(line for line in source.splitlines() if not line.startswith("# NBVAL_"))
        code = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))
        return f'<pre class="source" tabindex="0"><code class="language-python">{code}</code></pre>'

    def outputs(self, cell, index: int) -> str:
        alts = cell.get("metadata", {}).get("alt", [])
        alts = [alts] if isinstance(alts, str) else list(alts)
        parts, figures_in_cell = [], 0
        for output in merge_streams(cell.get("outputs", [])):
            kind = output["output_type"]
            if kind == "stream":
                parts.append(f'<pre class="output {output["name"]}" tabindex="0">{html.escape(output["text"])}</pre>')
            elif kind == "error":
                parts.append(f'<pre class="output error" tabindex="0">{html.escape(strip_ansi(chr(10).join(output["traceback"])))}</pre>')
            else:
                data = output.get("data", {})
                if SLIDER_FRAMES in data:
                    parts.append(self.slider(data[SLIDER_FRAMES]))
                elif "image/png" in data:
                    alt = alts[figures_in_cell] if figures_in_cell < len(alts) else ""
                    figures_in_cell += 1
                    parts.append(self.figure(data["image/png"], alt, cell, index))
                elif "text/html" in data:
                    parts.append(f'<div class="output html">{join(data["text/html"])}</div>')
                elif "text/markdown" in data:
                    parts.append(f'<div class="output markdown">{self.markdown(join(data["text/markdown"]))}</div>')
                elif "text/latex" in data:
                    parts.append(f'<div class="output latex">{html.escape(join(data["text/latex"]))}</div>')
                elif WIDGET_VIEW in data:
                    parts.append(
                        '<p class="output widget-note">An interactive widget is here in the notebook. '
                        "It needs Python running: open this lesson with <code>python run.py lab</code>, "
                        "Binder or Colab to use it.</p>")
                elif "text/plain" in data:
                    parts.append(f'<pre class="output" tabindex="0">{html.escape(join(data["text/plain"]))}</pre>')
        return "".join(parts)

    def figure(self, png_b64, alt: str, cell, index: int) -> str:
        self.figure_count += 1
        self.site.figures += 1
        if not alt.strip():
            lines = [line for line in join(cell["source"]).splitlines() if line.strip() and not line.startswith("#")]
            first_line = (lines or [""])[0][:60]
            self.site.problems.append(
                f"{self.page.source}, cell {index} ({first_line!r}): a figure without alt text. Add to the "
                'cell\'s metadata "alt": "what the figure shows" (a list for a cell with several figures).')
        png = base64.b64decode(join(png_b64))
        src = self.site.write_image(self.page, f"figure-{self.figure_count}.png", png)
        width, height = png_size(png)
        return (f'<figure class="output figure"><img src="{src}" alt="{html.escape(alt)}" '
                f'width="{width}" height="{height}"></figure>')

    def slider(self, payload: dict) -> str:
        """The pictures of a pre-rendered slider, under an HTML range input that picks one."""
        self.site.sliders += 1
        number = self.site.sliders
        frames = []
        for i, frame in enumerate(payload["frames"]):
            png = base64.b64decode(frame["png"])
            src = self.site.write_image(self.page, f"slider-{number}-{i}.png", png)
            alt = f'{payload["alt"]} Shown for {payload["description"]} = {frame["label"]}: {frame["text"]}'
            frames.append({"src": src, "alt": alt, "label": frame["label"], "text": frame["text"]})
        self.site.slider_frames += len(frames)
        start = payload["start"]
        first = frames[start]
        width, height = png_size(base64.b64decode(payload["frames"][start]["png"]))
        control = f"slider-{number}"
        frames_json = json.dumps(frames).replace("</", "<\\/")
        return f"""<figure class="output frames">
<div class="frames-control">
<label for="{control}">{html.escape(payload["description"])}</label>
<input type="range" id="{control}" min="0" max="{len(frames) - 1}" step="1" value="{start}" aria-valuetext="{html.escape(first["label"])}">
<output for="{control}">{html.escape(first["label"])}</output>
</div>
<img src="{first["src"]}" alt="{html.escape(first["alt"])}" width="{width}" height="{height}">
<figcaption aria-live="polite">{html.escape(first["text"])}</figcaption>
<script type="application/json">{frames_json}</script>
</figure>"""

    # -- a whole notebook

    def notebook(self, nb: dict) -> str:
        cells = []
        for index, cell in enumerate(nb["cells"]):
            source = join(cell["source"])
            if cell["cell_type"] == "markdown":
                cells.append(f'<div class="cell markdown">{self.markdown(source)}</div>')
            elif cell["cell_type"] == "code" and source.strip():
                cells.append(f'<div class="cell code">{self.code(source)}{self.outputs(cell, index)}</div>')
        return "\n".join(cells)


# ---- helpers for outputs ------------------------------------------------------------------


def join(text) -> str:
    return text if isinstance(text, str) else "".join(text)


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def collapse_carriage_returns(text: str) -> str:
    """What a terminal would show: on each line, only what follows its last carriage return."""
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def merge_streams(outputs: list) -> list:
    """Consecutive stream outputs of one name as one, as a terminal shows them (progress bars redrawn)."""
    merged = []
    for output in outputs:
        if output["output_type"] == "stream" and merged and merged[-1]["output_type"] == "stream" \
                and merged[-1]["name"] == output["name"]:
            merged[-1]["text"] += join(output["text"])
        elif output["output_type"] == "stream":
            merged.append({"output_type": "stream", "name": output["name"], "text": join(output["text"])})
        else:
            merged.append(output)
    for output in merged:
        if output["output_type"] == "stream":
            output["text"] = collapse_carriage_returns(strip_ansi(output["text"])).rstrip("\n")
    return [o for o in merged if o["output_type"] != "stream" or o["text"].strip()]


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    return struct.unpack(">II", png[16:24])


# ---- page layout --------------------------------------------------------------------------


def nav_label(page: Page) -> str:
    if page.kind == "exercise":  # "Exercises for lesson 2: ..." -> "Exercises 2"; other titles stay whole
        found = re.match(r"Exercises for lessons? (\d+(?: and \d+)?)", page.title)
        return f"Exercises {found.group(1)}" if found else page.title
    if page.kind == "lesson":
        return page.title.split(":")[0] if ":" in page.title else page.title
    return page.title.split(":")[0]


def layout(page: Page, body: str, pages: list[Page]) -> str:
    p = page.prefix
    links = []
    for other in pages:
        if other.kind == "teacher" and other is not page:  # one per lesson: the index and teaching.md list them
            continue
        current = ' aria-current="page"' if other is page else ""
        links.append(f'<li><a href="{p}{other.href}"{current}>{html.escape(nav_label(other))}</a></li>')
    readable = [q for q in pages if q.kind != "index"]
    pager = []
    if page in readable:
        i = readable.index(page)
        if i > 0:
            prev = readable[i - 1]
            pager.append(f'<a rel="prev" href="{p}{prev.href}">Previous: {html.escape(prev.title)}</a>')
        if i + 1 < len(readable):
            nxt = readable[i + 1]
            pager.append(f'<a rel="next" href="{p}{nxt.href}">Next: {html.escape(nxt.title)}</a>')
    pager_html = f'<nav class="pager" aria-label="Previous and next page">{"".join(pager)}</nav>' if pager else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(page.title)} · {SITE_NAME}</title>
<link rel="icon" href="{p}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{p}assets/site.css">
<script src="{p}assets/mathjax-config.js"></script>
<script defer src="{p}assets/mathjax/{MATHJAX_FILE}"></script>
<script defer src="{p}assets/site.js"></script>
</head>
<body>
<a class="skip-link" href="#content">Skip to the content</a>
<header class="site-header">
<a class="site-name" href="{p}index.html">{SITE_NAME}</a>
<nav aria-label="All pages"><ul>{"".join(links[1:])}</ul></nav>
</header>
<main id="content">
{body}
</main>
{pager_html}
<footer class="site-footer">
<p>Made from the notebooks of <a href="{REPO_URL}">{SITE_NAME}</a> with their saved outputs.
To run the code and use the widgets, open the notebooks with <code>python run.py lab</code>.</p>
</footer>
</body>
</html>
"""


def toc(page: Page) -> str:
    if len(page.sections) < 2:
        return ""
    items = "".join(f'<li><a href="#{slug}">{inner}</a></li>' for slug, inner in page.sections)
    return f'<nav class="toc" aria-label="On this page"><ul>{items}</ul></nav>'


def with_toc(page: Page, body: str) -> str:
    """The page's sections listed right after its title."""
    return re.sub(r"(</h1>)", lambda m: m.group(1) + toc(page), body, count=1)


def index_body(pages: list[Page]) -> str:
    def entries(kind):
        items = []
        for page in pages:
            if page.kind != kind:
                continue
            sections = " · ".join(inner for _, inner in page.sections)
            sections_html = f'<p class="sections">{sections}</p>' if sections else ""
            items.append(f'<li><a href="{page.href}">{html.escape(page.title)}</a>{sections_html}</li>')
        return f'<ul class="contents">{"".join(items)}</ul>'

    return f"""<h1>Neural networks from scratch, in numpy</h1>
<p>These lessons build a fully connected neural network one equation at a time: forward propagation,
the four boxed backpropagation equations, whole batches as matrices, then training. Each page is a Jupyter
notebook as it ran, with its code, the numbers it printed and its figures; sliders switch between pictures
drawn for each of their positions. To run the code yourself, clone the repository and type
<code>python run.py lab</code>.</p>
<h2 id="lessons">Lessons</h2>
{entries("lesson")}
<h2 id="exercises">Exercises</h2>
<p>Exercises after the lessons: you write each equation, and a check says in words what is wrong.
These pages show them as a student gets them, before any answer is written in.</p>
{entries("exercise")}
<h2 id="reference">Reference</h2>
{entries("doc")}
<h2 id="teaching">For teachers</h2>
<p>One note per lesson: its goals and time, where students stumble, questions for discussion, and worked
answers to every "Try this".</p>
{entries("teacher")}
"""


# ---- assets and the build -----------------------------------------------------------------


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
