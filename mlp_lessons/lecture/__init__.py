"""The playground alone, for a lecture screen: ``python run.py playground``.

Voila shows ``playground.ipynb`` (beside this file) as a page with no code
cells, with the ``mlp-lecture`` Voila template in ``jupyter/`` (no CDN, large
text, enough contrast): the playground's picture large on the left with its
status and its line of Python under it, the buttons, counters and controls
beside it on the right.  Settings can be given in the page's address, e.g.
``...?dataset=spirals&hidden=8,8&lr=0.1``, and from the command line:
``python run.py playground dataset=spirals hidden=8,8`` (see __main__).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from urllib.parse import parse_qsl

PAGE = Path(__file__).with_name("playground.ipynb")
JUPYTER_PATH = Path(__file__).with_name("jupyter")   # holds voila/templates/mlp-lecture
TEMPLATE = "mlp-lecture"
SETTINGS_ENV = "MLP_LESSONS_PLAYGROUND"   # name=value&... from the command line, for every page
PICTURE_DPI = 100   # the notebook's 72 dpi, shown 1.5 times larger on a projector, would blur
ALT = ("The playground's picture: left, the network, each neuron drawn as a small map of its output over the "
       "input plane and each weight as a line, orange positive and blue negative; middle, the network's output "
       "over the plane with the training points filled and the test points hollow; right, the training and test "
       "loss after each epoch.")


def settings_from_query(query: str) -> dict:
    """Playground settings from a page address's query, e.g. 'dataset=spirals&hidden=8,8&lr=0.1'.

    Numbers become numbers and 'a,b' becomes a list; anything else stays text,
    and the playground itself checks every value and says what is wrong.
    """
    settings = {}
    for name, text in parse_qsl(query):
        if name.startswith("voila"):
            continue
        try:
            value = ast.literal_eval(f"[{text}]" if "," in text else text)
        except (ValueError, SyntaxError):
            value = text
        settings[name] = [value] if name == "hidden" and isinstance(value, int) else value
    return settings


def projector_layout(pg, title: str = "Neural network playground"):
    """pg's widget rearranged for a projector, its picture shown with alt text (a Picture).

    The one picture goes left, as wide as the screen allows, followed by what
    the playground shows under it (status, line of Python); what it shows above
    the picture (buttons, counters, controls) goes beside it on the right.
    """
    import ipywidgets as w

    from ..playgrounds.picture import swap_in_picture

    box = pg.widget
    picture = swap_in_picture(pg.controls, lambda: f"{ALT} Now: {pg.status()}")
    children = list(box.children)
    i = children.index(picture)
    main = w.VBox([picture, *children[i + 1:]], layout=w.Layout(flex="3 1 0%", min_width="0"))
    main.add_class("lecture-main")
    side = w.VBox(children[:i], layout=w.Layout(flex="1 1 0%", min_width="380px", padding="0 0 0 16px"))
    side.add_class("lecture-side")
    page = w.VBox([w.HTML(f"<h1>{title}</h1>"),
                   w.HBox([main, side], layout=w.Layout(width="100%", align_items="flex-start"))])
    page.add_class("mlp-lecture")
    page.picture = picture
    return page


def lecture_page(**settings):
    """A playground laid out for a projector; settings also come from the page address (Voila)."""
    from .. import playground

    settings = {**settings_from_query(os.environ.get(SETTINGS_ENV, "")),
                **settings_from_query(os.environ.get("QUERY_STRING", "")), **settings}
    from ..playgrounds.view import PlaygroundView

    pg = playground(**settings)
    pg.view = PlaygroundView(dpi=PICTURE_DPI)
    page = projector_layout(pg)
    page.playground = pg
    return page


def voila_command(python: str, port: int | None = None, open_browser: bool = True) -> list[str]:
    """The command that serves the lecture page (run it with JUPYTER_PATH including JUPYTER_PATH above)."""
    command = [python, "-m", "voila", str(PAGE), f"--template={TEMPLATE}", "--theme=light",
               "--Voila.ip=127.0.0.1", "--show_tracebacks=True"]
    if port is not None:
        command.append(f"--port={port}")
    if not open_browser:
        command.append("--no-browser")
    return command


def voila_env(environ=None) -> dict:
    """environ with this package's Voila template on JUPYTER_PATH."""
    env = dict(os.environ if environ is None else environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_PATH), env.get("JUPYTER_PATH", "")]))
    return env
