"""What every page shares around its body: the navigation, the pager, the table of contents; the index."""

from __future__ import annotations

import html
import re

from .pages import REPO_URL, Page

SITE_NAME = "mlp_lessons"
MATHJAX_FILE = "tex-svg-full.js"


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

