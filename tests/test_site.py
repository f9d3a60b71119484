"""The static site (python run.py site): built from the committed notebooks, read in Chromium.

The first tests read the built files: every lesson, exercise and doc has a page,
every link and image inside the site resolves, nothing is loaded from elsewhere,
and a figure without alt text stops the build with a message that says where.
The browser tests serve the site on 127.0.0.1 and open every page in headless
Chromium: no console error, no request outside the site, no broken image, every
equation typeset by the MathJax shipped with the site, no serious or critical
accessibility violation (axe-core), and the pre-rendered sliders respond to the
keyboard.  The site also opens from the file system.  Screenshots of two pages
are saved to artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import ipywidgets as widgets
import pytest
from test_browser import SCREENSHOT_DIR, chromium_browser  # noqa: F401  (a fixture, shared)

from mlp_lessons import figures as fg
from mlp_lessons.figures.slider_frames import MIME_TYPE, render_frames, slider_positions
from mlp_lessons.site import SiteError, build_site
from mlp_lessons.site.pages import discover_pages

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["index.html"] + [page.href for page in discover_pages(ROOT)]
# Every page whose notebook saved a pre-rendered slider; the issue names lessons 1 and 3 (and 4's, when there).
PAGES_WITH_SLIDERS = [page.href for page in discover_pages(ROOT) if MIME_TYPE in (ROOT / page.source).read_text()]
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    report = build_site(out, root=ROOT)
    print(report.summary())
    return out


# ---- the built files ----------------------------------------------------------------------


class Refs(HTMLParser):
    """Every URL a page refers to (href, src), and every id it defines."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []   # (tag, attribute, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))
            if name == "id":
                self.ids.add(value)


def parse(path: Path) -> Refs:
    refs = Refs()
    refs.feed(path.read_text(encoding="utf-8"))
    return refs


def test_every_notebook_and_doc_has_a_page(site):
    notebooks = sorted(p.relative_to(ROOT / "notebooks").with_suffix(".html").as_posix()
                       for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    for href in notebooks + ["notation.html", "index.html"]:
        assert (site / href).is_file(), f"no page {href} in the site"
    index = (site / "index.html").read_text()
    for href in notebooks + ["notation.html"]:
        assert f'href="{href}"' in index, f"the index does not link to {href}"
    notes = sorted(f"teaching/{p.stem}.html" for p in (ROOT / "docs" / "teaching").glob("*.md"))
    assert notes, "no teacher notes in docs/teaching/"
    for href in notes:
        assert (site / href).is_file() and f'href="{href}"' in index, f"the teacher note {href} is not on the site"
    lesson_nav = (site / "01_forward_prop.html").read_text().split('<nav', 1)[1].split('</nav>', 1)[0]
    assert "teaching/" not in lesson_nav, "the teacher notes crowd the navigation of every page"


@pytest.mark.parametrize("href", PAGES)
def test_links_and_images_resolve_inside_the_site(site, href):
    page = site / href
    refs = parse(page)
    for tag, attribute, url in refs.refs:
        parsed = urlparse(url)
        if parsed.scheme or url.startswith("//"):
            # Links may point to the repository; nothing a page loads may come from elsewhere.
            assert tag == "a" and parsed.scheme == "https", f"{href}: <{tag} {attribute}={url!r}> leaves the site"
            continue
        target = (page.parent / unquote(parsed.path)).resolve() if parsed.path else page
        assert target.is_file(), f"{href}: <{tag} {attribute}={url!r}> points to a missing file"
        assert site in target.parents, f"{href}: {url!r} points outside the site"
        if parsed.fragment and target.suffix == ".html":
            assert parsed.fragment in parse(target).ids, f"{href}: {url!r}: no id {parsed.fragment!r} there"


def test_links_between_notebooks_become_links_between_pages(tmp_path):
    root = copy_repo_sources(tmp_path)
    lesson = root / "notebooks" / "02_backprop.ipynb"
    nb = json.loads(lesson.read_text())
    # The anchor as JupyterLab makes it, so that the link also works in the notebook.
    nb["cells"][0]["source"] += ["\n", ("Back to [lesson 1](01_forward_prop.ipynb#2.-Forward-prop-for-one-example,-by-hand), "
                                 "the [notation](../docs/notation.md) and [the update](#7.-The-update).")]
    lesson.write_text(json.dumps(nb))
    build_site(tmp_path / "out", root=root)
    html = (tmp_path / "out" / "02_backprop.html").read_text()
    assert 'href="01_forward_prop.html#2-forward-prop-for-one-example-by-hand"' in html
    assert 'id="2-forward-prop-for-one-example-by-hand"' in (tmp_path / "out" / "01_forward_prop.html").read_text()
    assert 'href="notation.html"' in html
    assert 'href="#7-the-update"' in html and 'id="7-the-update"' in html


def test_a_link_to_a_missing_heading_stops_the_build(tmp_path):
    root = copy_repo_sources(tmp_path)
    (root / "docs" / "notation.md").write_text("# Notation\n\nSee [lesson 1](../notebooks/01_forward_prop.ipynb#No-such-heading).\n")
    with pytest.raises(SiteError, match=r"notation.md: the link .*#No-such-heading.* a heading .*01_forward_prop.ipynb does not have"):
        build_site(tmp_path / "out", root=root)


def test_a_figure_without_alt_text_stops_the_build_and_says_where(tmp_path):
    root = copy_repo_sources(tmp_path)
    lesson = root / "notebooks" / "02_backprop.ipynb"
    nb = json.loads(lesson.read_text())
    figure_cells = [c for c in nb["cells"] if any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    del figure_cells[0]["metadata"]["alt"]
    lesson.write_text(json.dumps(nb))
    with pytest.raises(SiteError, match=r"02_backprop.ipynb, cell \d+ .*a figure without alt text.*\"alt\""):
        build_site(tmp_path / "out", root=root)


def test_a_broken_link_stops_the_build(tmp_path):
    root = copy_repo_sources(tmp_path)
    (root / "docs" / "notation.md").write_text("# Notation\n\nSee [lesson 9](../notebooks/09_nothing.ipynb).\n")
    with pytest.raises(SiteError, match="09_nothing.ipynb, which does not exist"):
        build_site(tmp_path / "out", root=root)


def test_headings_never_skip_a_level(site):
    for href in PAGES:
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", (site / href).read_text())]
        assert levels and levels[0] == 1, f"{href} does not start with one <h1>"
        assert levels.count(1) == 1, f"{href} has {levels.count(1)} <h1>"
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not jumps, f"{href}: headings skip a level: {jumps}"


def copy_repo_sources(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.py"))
    shutil.copytree(ROOT / "docs", root / "docs")
    return root


# ---- the pre-rendered slider frames -------------------------------------------------------


def test_slider_positions_cover_the_whole_range():
    float_slider = widgets.FloatSlider(value=0.3, min=-1.0, max=2.0, step=0.1, readout_format=".1f")
    positions = slider_positions(float_slider)
    assert [label for label, _ in positions][:3] == ["-1.0", "-0.9", "-0.8"]
    assert len(positions) == 31 and positions[13] == ("0.3", 0.3)
    selection = widgets.SelectionSlider(options=[1, 10, 100], value=10)
    assert slider_positions(selection) == [("1", 1), ("10", 10), ("100", 100)]
    with pytest.raises(ValueError, match="at most 101 pictures"):
        slider_positions(widgets.IntSlider(min=0, max=1000, step=1))


def test_render_frames_draws_every_position_and_needs_alt_text():
    slider = widgets.SelectionSlider(options=[1, 2, 3], value=2, description="k")
    frames = render_frames(slider, lambda ax, k: (ax.plot([0, k]), f"k = {k}")[1], alt="A line of slope k.")
    assert frames["start"] == 1 and frames["description"] == "k"
    assert [f["text"] for f in frames["frames"]] == ["k = 1", "k = 2", "k = 3"]
    assert len({f["png"] for f in frames["frames"]}) == 3, "each position needs its own picture"
    with pytest.raises(ValueError, match="alt text"):
        render_frames(slider, lambda ax, k: "", alt=" ")


def test_the_lessons_sliders_are_pre_rendered():
    assert {"01_forward_prop.html", "03_batching.html"} <= set(PAGES_WITH_SLIDERS)


def test_a_lesson_slider_carries_its_frames_beside_the_live_widget():
    bundle = fg.relu_unit_widget(x2=0.3)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    frames = bundle[MIME_TYPE]
    assert len(frames["frames"]) == 31 and frames["frames"][frames["start"]]["label"] == "0.3"
    assert "ReLU" in frames["alt"]


# ---- in the browser -----------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(site):
    """The site on a static HTTP server at 127.0.0.1, as any static host would serve it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def context(chromium_browser):  # noqa: F811
    context = chromium_browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


class Watched:
    """A page with everything it logs and loads recorded."""

    def __init__(self, context):
        self.page = context.new_page()
        self.page.set_default_timeout(30_000)
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url}: HTTP {r.status}"))

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.evaluate("MathJax.startup.promise.then(() => true)")
        return self.page


@pytest.fixture
def watched(context):
    w = Watched(context)
    yield w
    w.page.close()


RAW_TEX = r"""() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('pre, code, script, mjx-container').forEach(e => e.remove());
  return (main.textContent.match(/\\[a-zA-Z]+|\$/g) || []);
}"""

BROKEN_IMAGES = "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"


@pytest.mark.parametrize("href", PAGES)
def test_page_loads_cleanly_typeset_and_accessible(site, site_url, watched, href):
    from axe_playwright_python.sync_playwright import Axe

    page = watched.open(site_url + href)
    assert not watched.console_errors, f"{href}: console errors {watched.console_errors}"
    outside = [url for url in watched.requests if not url.startswith(site_url)]
    assert not outside, f"{href} loads from outside the site: {outside}"
    assert not watched.failed, f"{href}: failed requests {watched.failed}"
    assert not page.evaluate(BROKEN_IMAGES), f"{href}: broken images"
    raw = page.evaluate(RAW_TEX)
    assert not raw, f"{href}: TeX left untypeset: {raw[:10]}"
    assert page.locator("mjx-merror, [data-mjx-error]").count() == 0, f"{href}: MathJax reports a TeX error"
    prose = re.sub(r"<pre.*?</pre>|<code>.*?</code>|<script.*?</script>", "", (site / href).read_text(), flags=re.DOTALL)
    if re.search(r"\$[^$]+\$", prose):
        assert page.locator("mjx-container").count() > 0, f"{href}: no equation was typeset"
    for image in page.locator("main img").all():
        assert (image.get_attribute("alt") or "").strip(), f"{href}: an image without alt text"
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, f"{href}: accessibility violations:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious)


def test_the_boxed_equations_are_typeset(site_url, watched):
    page = watched.open(site_url + "02_backprop.html")
    assert "\\boxed" in (Path(__file__).parents[1] / "notebooks" / "02_backprop.ipynb").read_text()
    assert page.locator("mjx-container").count() > 20
    assert "\\boxed" not in page.locator("main").inner_text()


@pytest.mark.parametrize("href", PAGES_WITH_SLIDERS)
def test_a_pre_rendered_slider_changes_the_figure_from_the_keyboard(site_url, watched, href):
    page = watched.open(site_url + href)
    sliders = page.locator("figure.frames")
    assert sliders.count() >= 1, f"{href} has no pre-rendered slider"
    figure = sliders.first
    image, control = figure.locator("img"), figure.locator("input[type=range]")
    before = (image.get_attribute("src"), image.get_attribute("alt"), figure.locator("output").inner_text())
    control.focus()
    page.keyboard.press("ArrowRight" if control.get_attribute("value") != control.get_attribute("max") else "ArrowLeft")
    after = (image.get_attribute("src"), image.get_attribute("alt"), figure.locator("output").inner_text())
    assert all(b != a for b, a in zip(before, after)), f"{href}: moving the slider changed {before} -> {after}"
    assert control.get_attribute("aria-valuetext") == after[2]
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    page.keyboard.press("End")
    last = figure.locator("script").inner_text()
    assert image.get_attribute("src") == json.loads(last)[-1]["src"]
    assert not watched.console_errors


def test_the_site_opens_from_the_file_system(site, watched):
    for href in ("index.html", "01_forward_prop.html", "exercises/02_backprop_exercises.html"):
        page = watched.open((site / href).as_uri())
        assert page.locator("mjx-container").count() > 0, f"{href}: no equation typeset from file://"
        assert not page.evaluate(BROKEN_IMAGES), f"{href}: broken images from file://"
    outside = [url for url in watched.requests if not url.startswith(site.as_uri())]
    assert not outside and not watched.console_errors, (outside, watched.console_errors)


def test_screenshots_of_two_site_pages(site_url, watched):
    """The boxed equations typeset and a slider in view, saved for a reader to look at."""
    page = watched.open(site_url + "02_backprop.html")
    boxed = page.locator("h2", has_text="boxed equations").first
    screenshot(page, boxed, "site-02_backprop.png")
    assert page.locator("main mjx-container").count() > 20
    page = watched.open(site_url + "01_forward_prop.html")
    screenshot(page, page.locator("figure.frames").first, "site-01_forward_prop-slider.png")


def screenshot(page, shown, name: str) -> None:
    """Scroll to shown, save the viewport as name, and check that the picture shows it and is not blank."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shown.scroll_into_view_if_needed()
    path = SCREENSHOT_DIR / name
    page.screenshot(path=str(path))
    box = shown.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"], f"{name}: what it should show is outside the picture"
    assert picture_colours(path) > 50, f"{name} is almost blank"


def picture_colours(path: Path) -> int:
    import numpy as np
    from matplotlib.image import imread

    pixels = (imread(path)[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    return len(np.unique(pixels, axis=0))


def test_the_pages_workflow_publishes_what_run_py_site_builds():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    assert workflow.get("on", workflow.get(True))["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"]["steps"], workflow["jobs"]["deploy"]["steps"]
    (command,) = [step["run"] for step in build if "run" in step]
    (upload,) = [step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert command == f"python run.py site --out {upload['with']['path']}"
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy)


# Machado, Oliveira and Fernandes (2009), severity 1, in linear RGB.
COLOUR_BLINDNESS = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def lab_of_linear(rgb):
    import numpy as np

    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    f = np.cbrt(np.maximum(xyz / [0.9505, 1.0, 1.089], 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_two_class_colours_stay_apart_for_colour_blind_readers():
    """Orange and blue (the classes, the weights' signs, in every lesson and the playground), simulated."""
    import numpy as np
    from matplotlib.colors import to_rgb

    from mlp_lessons.figures.plots import BLUE, ORANGE

    def linear(colour):
        c = np.array(to_rgb(colour))
        return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)

    for kind, matrix in COLOUR_BLINDNESS.items():
        delta_e = np.linalg.norm(lab_of_linear(np.array(matrix) @ linear(ORANGE))
                                 - lab_of_linear(np.array(matrix) @ linear(BLUE)))
        assert delta_e > 40, f"orange and blue look alike with {kind} (colour difference {delta_e:.0f})"


def test_the_navigation_names_each_page_briefly():
    from mlp_lessons.site.layout import nav_label
    from mlp_lessons.site.pages import Page

    def label(kind, title):
        return nav_label(Page("x.ipynb", "x.html", kind, title=title))

    assert label("lesson", "Lesson 2: Backpropagation") == "Lesson 2"
    assert label("exercise", "Exercises for lesson 3: batching") == "Exercises 3"
    assert label("exercise", "Exercises: gradient checking") == "Exercises: gradient checking"
    assert label("exercise", "Exercises for lessons 4 and 5: training") == "Exercises 4 and 5"
    assert label("doc", "Notation crosswalk: reading other material") == "Notation crosswalk"
