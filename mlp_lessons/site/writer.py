"""One page's body: markdown with its headings and links, code, and the saved outputs."""

from __future__ import annotations

import base64
import html
import json
import re
import struct

from ..figures.slider_frames import MIME_TYPE as SLIDER_FRAMES
from .pages import Page, Site, slug

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.DOTALL)
ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)
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
        self.figure_count = 0

    def unique_id(self, text: str) -> str:
        base = slug(text)
        unique, n = base, 2
        while unique in self.page.ids:
            unique, n = f"{base}-{n}", n + 1
        self.page.ids.add(unique)
        return unique

    def heading(self, match: re.Match) -> str:
        # A heading may go down any number of levels but up only one: the outline stays in order.
        level = min(int(match.group(1)), self.last_level + 1)
        self.last_level = level
        inner = ANCHOR_LINK.sub("", match.group(3)).strip()
        text = plain_text(inner)
        if level == 1 and not self.page.title:
            self.page.title = text
        heading_id = self.unique_id(text)
        if level == 2:
            self.page.sections.append((heading_id, inner))
        return f'<h{level} id="{heading_id}">{inner}</h{level}>'

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

