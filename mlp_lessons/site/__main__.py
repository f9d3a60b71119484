"""python -m mlp_lessons.site [--out DIR] [--root REPO]: build the static site and say how big it is."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import SiteError, build_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlp_lessons.site", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="the repository, with notebooks/ and docs/ (default: here)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the site (default: ROOT/build/site)")
    args = parser.parse_args(argv)
    out = args.out or args.root / "build" / "site"
    try:
        report = build_site(out, root=args.root)
    except SiteError as error:
        print(f"The site was not built:\n{error}", file=sys.stderr)
        return 1
    print(report.summary())
    print(f"Open {(out / 'index.html').resolve().as_uri()} in a browser, or put {out} on any static host.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
