"""The site's pages: which notebooks and docs become which page, and links between them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

REPO_URL = "https://github.com/mlp-lessons/mlp_lessons"


class SiteError(Exception):
    """The site cannot be built as the notebooks stand; the message lists what to fix."""


@dataclass
class Page:
    source: str            # path in the repository, e.g. notebooks/01_forward_prop.ipynb
    href: str              # path in the site, e.g. 01_forward_prop.html
    kind: str              # "lesson", "exercise", "doc" or "index"
    title: str = ""        # plain text, for <title> and the navigation
    sections: list = field(default_factory=list)   # (id, inner HTML) of each section heading
    ids: set = field(default_factory=set)          # every heading's id, for links from other pages

    @property
    def prefix(self) -> str:
        """From this page back to the site's root, e.g. '../' for exercises/x.html."""
        return "../" * self.href.count("/")


def slug(text: str) -> str:
    """A heading's id: 'Why not start from zero?' and Jupyter's anchor 'Why-not-start-from-zero?' give the same."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


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
        self.anchors: list[tuple[Page, str, Page, str]] = []   # (from, link as written, to, id)
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
        """A link as written in a notebook or doc, made to work in the site.

        An anchor written as JupyterLab makes it (04_losses_and_init.ipynb#Why-not-start-from-zero?)
        becomes the heading's id on the page; check_anchors then says if no heading has it.
        """
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
            return url
        path, _, anchor = url.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(page.source), path)).replace(os.sep, "/")
        if not path or target in self.by_source:
            other = self.by_source[target] if path else page
            if not anchor:
                return page.prefix + other.href
            self.anchors.append((page, url, other, slug(anchor)))
            return (page.prefix + other.href if path else "") + "#" + slug(anchor)
        if (self.root / target).exists():
            return f"{REPO_URL}/blob/main/{target}" + (f"#{anchor}" if anchor else "")
        self.problems.append(f"{page.source}: the link {url!r} points to {target}, which does not exist")
        return url

    def check_anchors(self) -> None:
        """After every page is written: each link to a heading finds it."""
        for page, url, other, anchor in self.anchors:
            if anchor not in other.ids:
                self.problems.append(f"{page.source}: the link {url!r} points to a heading {other.source} "
                                     f"does not have (its headings' ids: {', '.join(sorted(other.ids))})")
