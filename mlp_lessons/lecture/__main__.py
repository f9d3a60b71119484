"""python -m mlp_lessons.lecture [--port N] [--no-browser] [name=value ...]

Serves the playground alone, laid out for a lecture screen, with Voila on this
computer (http://127.0.0.1:PORT/) and opens it in the browser.  Settings as
name=value, e.g. dataset=spirals hidden=8,8 lr=0.1; the page's address can add
more (...?dataset=circles).  Ctrl+C stops the server.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from . import SETTINGS_ENV, settings_from_query, voila_command, voila_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python run.py playground", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--no-browser", action="store_true", help="only serve the page")
    parser.add_argument("settings", nargs="*", metavar="name=value")
    args = parser.parse_args(argv)
    bad = [s for s in args.settings if "=" not in s]
    if bad:
        parser.error(f"settings are name=value, e.g. dataset=spirals hidden=8,8 (not {' '.join(bad)})")
    query = "&".join(args.settings)
    settings_from_query(query)
    env = voila_env()
    env[SETTINGS_ENV] = query
    print(f"The playground for a lecture screen: http://127.0.0.1:{args.port}/  (Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(voila_command(sys.executable, args.port, not args.no_browser), env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
