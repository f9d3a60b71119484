"""The playground on your own points: click them in, undo, clear, load and save a CSV (top layer).

    pg = ml.playground(data="points.csv")          # a file: x1, x2, label (0 or 1) or x1, x2, target
    pg = ml.playground(data=(X, Y))                # or arrays, X (2, m) and Y (1, m)
    pg = ml.playground(data=(X, Y), task="regression")   # say the task where the values leave it open
    pg.add_point(0.5, -1.0, 1)                     # what a click on the plane does
    pg.undo(); pg.clear(); pg.load("more.csv"); pg.save("mine.csv")

The points are shuffled by the seed and split into training and test points
(two thirds train, unless m says otherwise).  Every change of the points starts
a new run on them, like any other change of a setting, and Train keeps
training; so the line of Python under the picture re-creates what is on
screen once the points are saved in the file it names.  Fewer than MIN_POINTS
points, or points of one class, cannot train: the playground then keeps the
last run and shows the points collected so far on an empty plane.

Labels 0 and 1 make a classifier (sigmoid output, cross-entropy); real-valued
targets a regression (identity output, half squared error, the prediction
shaded over the plane), as for the built-in sine and hills.  Which one a file
or a pair of arrays is follows points.TASK_RULE, or task="classification" /
"regression"; the line of Python names task="regression" when it is one.

In Jupyter the picture is a Picture (playgrounds.picture), an anywidget that
reports clicks, because ipywidgets' Image reports none; anywidget ships its
few lines of JavaScript inside the widget, so it works alike in JupyterLab,
Voila and Colab.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import plural
from .settings import CONTROLS
from .state import PlaygroundData
from .widget import Playground
from ..figures.plots import scatter_points
from .points import PointsError, check_new_point, check_points, points_and_task, points_csv, split_points
from ..figures.threads import one_at_a_time

TRAIN_FRACTION = 2 / 3
DERIVED = ("dataset", "noise", "m_test")   # fixed by the points, not by settings
OWN_CONTROLS = tuple(c for c in CONTROLS if c not in ("dataset", "noise"))
# The built-in data set whose task the settings take (output, loss, two inputs); its points are never drawn.
TASK_DATASET = {"classification": "moons", "regression": "hills"}


def check_task_loss(task: str, loss: str) -> None:
    """Cross-entropy needs labels 0 and 1: a regression on your points says so (not 'hills')."""
    if task == "regression" and loss == "binary_cross_entropy":
        raise ValueError("Your points have real-valued targets (regression), not labels 0 or 1, so cross-entropy "
                         "does not apply. Use loss half_squared_error (with output identity).")


class OwnDataPlayground(Playground):
    """A Playground whose points are yours: given, clicked in, loaded, undone, cleared, saved."""

    def __init__(self, data, *, task: str | None = None, epochs: int = 0, **settings):
        X, Y, self.task = points_and_task(data, task)
        for name in DERIVED:
            if name in settings and name != "m_test":
                raise ValueError(f"{name} belongs to the built-in data sets; with data=... the points are yours.")
        check_task_loss(self.task, settings.get("loss", ""))
        self.file = str(data) if isinstance(data, (str, Path)) and str(data).lower().endswith(".csv") else None
        self.X_points, self.Y_points = X, Y          # the points as they stand (what the plane shows)
        self.X_run, self.Y_run = X, Y                # the points the run trains on (the last usable ones)
        self.history_of_points = []                  # earlier (X, Y), for undo
        self.saved = self.file is not None
        self.note = ""
        self.batch_wanted = settings.get("batch_size", 16)
        n = X.shape[1]
        m = settings.pop("m", None)
        m_test = settings.pop("m_test", None)
        if m is None:
            m = split_size(n, TRAIN_FRACTION)
        if m_test is not None and m + m_test != n:
            raise PointsError(f"m + m_test must be the number of points, {n}; got m={m}, m_test={m_test}.")
        settings.setdefault("controls", OWN_CONTROLS)
        super().__init__(epochs=epochs, data_source=self._points_data, m=m, m_test=n - m,
                         dataset=TASK_DATASET[self.task], **settings)

    # -- the data the run trains on

    def _points_data(self, settings) -> PlaygroundData:
        return PlaygroundData(*split_points(self.X_run, self.Y_run, settings.m, settings.seed))

    @property
    def ready(self) -> bool:
        """Whether the points as they stand can train (enough of them, both classes)."""
        return self.X_points is self.X_run

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    def set(self, **changes) -> "OwnDataPlayground":
        check_task_loss(self.task, changes.get("loss", self.settings.loss))
        return super().set(**changes)

    def _use(self, X, Y, task=None) -> "OwnDataPlayground":
        """The points change (and the task, with a loaded file): a new run on them if they can train, else wait."""
        self.X_points, self.Y_points, self.saved = X, Y, False
        self.task = task or self.task
        try:
            check_points(X, Y, task=self.task)
        except PointsError as why:
            other = "the negative target" if self.regression else "the other class"
            self.note = f"{why} Training waits: add points (shift-click adds {other})."
            return self.changed()
        self.note = ""
        self.X_run, self.Y_run = X, Y
        s = self.settings
        m = split_size(X.shape[1], s.m / (s.m + s.m_test))
        self.settings = s.replace(m=m, m_test=X.shape[1] - m, batch_size=self.batch_wanted,
                                  dataset=TASK_DATASET[self.task])
        return self.reset()

    # -- what the controls do

    def add_point(self, x1: float, x2: float, label: float) -> "OwnDataPlayground":
        """One more point (x1, x2) of class label (0 or 1), or with target label (any number) in a regression."""
        check_new_point(x1, x2, label, self.task, self.X_points.shape[1])
        self.history_of_points.append((self.X_points, self.Y_points, self.task))
        X = np.hstack([self.X_points, [[float(x1)], [float(x2)]]])
        Y = np.hstack([self.Y_points, [[float(label)]]])
        return self._use(X, Y)

    def undo(self) -> "OwnDataPlayground":
        """The points (and their task) as they were before the last change (add, clear or load)."""
        if not self.history_of_points:
            self.note = "Nothing to undo."
            return self.changed()
        return self._use(*self.history_of_points.pop())

    def clear(self) -> "OwnDataPlayground":
        """No points at all: click some in (undo brings them back)."""
        self.history_of_points.append((self.X_points, self.Y_points, self.task))
        return self._use(np.zeros((2, 0)), np.zeros((1, 0)))

    def load(self, source, name: str | None = None, task: str | None = None) -> "OwnDataPlayground":
        """Points from a CSV (path, text or bytes) in place of these, their task by points.TASK_RULE.

        A bad file raises PointsError and changes nothing.
        """
        X, Y, task = points_and_task(source, task)
        self.history_of_points.append((self.X_points, self.Y_points, self.task))
        self._use(X, Y, task)
        if name or isinstance(source, (str, Path)):
            self.file, self.saved = str(name or source), True
        return self.changed()

    def save(self, path="points.csv") -> Path:
        """Write the points as they stand to a CSV file; the line of Python then reads it."""
        path = Path(path)
        path.write_text(points_csv(self.X_points, self.Y_points, self.task))
        self.file, self.saved = str(path), True
        self.changed()
        return path

    # -- re-creating the run

    def code_line(self) -> str:
        """ml.playground(data="file.csv", ...) with the training since: it re-creates the run once saved."""
        line = super().code_line()
        start, rest = line.split("(", 1)
        shown_by_default = f"controls={list(OWN_CONTROLS)!r}".replace("'", '"')
        kept = [part for part in split_arguments(rest[:rest.index(")")])
                if part.split("=", 1)[0] not in DERIVED and part != shown_by_default]
        file = self.file or "points.csv"
        task = ', task="regression"' * self.regression
        return f'{start}(data="{file}"{task}, {", ".join(kept)}){rest[rest.index(")") + 1:]}'

    def code(self) -> str:
        """The run written with the lessons' functions, reading the points from their file."""
        s = self.settings
        lines = super().code().splitlines()
        task = ', task="regression"' * self.regression
        lines[1] = f'X, Y = ml.read_points("{self.file or "points.csv"}"{task})'
        split = next(i for i, line in enumerate(lines) if line.startswith("X_train, Y_train, X_test, Y_test ="))
        lines[split] = f"X_train, Y_train, X_test, Y_test = ml.split_points(X, Y, {s.m}, seed={s.seed})"
        return "\n".join(lines)

    def status(self) -> str:
        text = super().status()
        if not self.ready:
            text = f"{plural(self.X_points.shape[1], 'point')}; the last run (on {plural(self.X_run.shape[1], 'point')}): {text}"
        return text

    # -- in Jupyter

    @property
    def widget(self):
        if self.ui is None:
            super().widget  # noqa: B018  (builds the playground's own widget)
            self.controls = OwnDataControls(self)  # and puts its controls and a clickable picture in it
        return self.ui.box

    def png(self) -> bytes:
        """The playground's picture; while training waits, the points collected so far on an empty plane."""
        if not self.ready:
            vmax = (float(np.max(np.abs(self.Y_points))) or 1.0) if self.regression and self.Y_points.size else None
            return waiting_png(self.view, self, self.X_points, self.Y_points, vmax,
                               self.note or "Click on the plane to add points.")
        figure = self.view.draw(self)
        what = "prediction a[L] (orange +, blue -)" if self.regression else "a[L] = P(y = 1 | x)"
        self.view.titles[self.view.ax_out].set_text(f"your points: {what}; test points hollow")
        buffer = io.BytesIO()
        figure.canvas.print_png(buffer)
        return buffer.getvalue()

    def to_data(self, x_pixel: float, y_pixel: float):
        """The point of the plane under pixel (x, y) of the picture shown now (None off the plane)."""
        return self.view.to_data(x_pixel, y_pixel)



def waiting_png(view, pg, X, Y, vmax, note: str) -> bytes:
    """While training waits for more points: the points X, Y on an empty plane of view's size and
    extent (the last usable run's, drawn first if it never was), and the note beside them, as PNG."""
    if getattr(view, "extent", None) is None:
        view.draw(pg)
    fig = Figure(figsize=view.figure.get_size_inches(), dpi=view.figure.dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(view.ax_out.get_position())
    x1_lo, x1_hi, x2_lo, x2_hi = view.extent
    ax.set(xlim=(x1_lo, x1_hi), ylim=(x2_lo, x2_hi), xticks=[], yticks=[])
    if X.shape[1]:
        scatter_points(ax, X, Y, vmax=vmax)
    beside = fig.add_axes(view.ax_net.get_position())
    beside.axis("off")
    beside.text(0.5, 0.5, note, ha="center", va="center", fontsize=12, wrap=True, transform=beside.transAxes)
    buffer = io.BytesIO()
    fig.canvas.print_png(buffer)
    return buffer.getvalue()


def split_size(n: int, fraction: float) -> int:
    """How many of n points train: the fraction of them, but at least one to train and one to test."""
    return min(max(round(n * fraction), 1), max(n - 1, 1))


def split_arguments(text: str) -> list[str]:
    """'a=1, b=[1, 2], c="x"' -> ['a=1', 'b=[1, 2]', 'c="x"'] (commas inside brackets or quotes stay)."""
    parts, depth, quote, current = [], 0, None, ""
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


class OwnDataControls:
    """Which class (or, in a regression, which target) a click adds, Undo, Clear, Load a CSV, Save as CSV, and what happened."""

    def __init__(self, pg: OwnDataPlayground):
        import ipywidgets as w

        from .picture import swap_in_picture

        self.pg = pg
        self.classes = w.ToggleButtons(options=[("class 0 (blue)", 0), ("class 1 (orange)", 1)], value=1,
                                       description="a click adds", style={"description_width": "95px"})
        self.target = w.FloatText(value=1.0, description="a click adds y =", style={"description_width": "95px"},
                                  layout=w.Layout(width="220px"), tooltip="the target of a clicked point")
        self.undo = w.Button(description="Undo", tooltip="take back the last change of the points")
        self.clear = w.Button(description="Clear", tooltip="remove every point")
        self.upload = w.FileUpload(accept=".csv,text/csv,text/plain", multiple=False, description="Load CSV")
        self.name = w.Text(value=pg.file or "points.csv", description="file", style={"description_width": "40px"},
                           layout=w.Layout(width="220px"))
        self.save = w.Button(description="Save CSV", tooltip="write the points to this file, beside the notebook")
        self.message = w.HTML()
        self.undo.on_click(lambda _: self._do(pg.undo))
        self.clear.on_click(lambda _: self._do(pg.clear))
        self.save.on_click(lambda _: self._save())
        self.upload.observe(self._uploaded, names="value")
        pg.listeners.append(self.redraw)
        self.box = w.VBox([w.HBox([self.classes, self.target, self.undo, self.clear], layout=w.Layout(flex_flow="row wrap")),
                           w.HBox([self.upload, self.name, self.save], layout=w.Layout(flex_flow="row wrap")),
                           self.message])
        # in the playground's widget: these controls under its buttons, and a picture that takes clicks
        pg.picture = swap_in_picture(pg.ui, self.alt)
        pg.picture.clickable = True
        pg.picture.on_click(self._clicked)
        first, *rest = pg.ui.box.children  # the buttons and counters, then the rest
        pg.ui.box.children = (first, self.box, *rest)
        self.redraw(pg)

    def alt(self) -> str:
        """The picture's alt text: the points, and what else it shows."""
        pg = self.pg
        Y, m = pg.Y_points, pg.Y_points.shape[1]
        if pg.regression:
            span = f", targets from {Y.min():.3g} (blue) to {Y.max():.3g} (orange)" if m else ""
            what = f"Your {plural(m, 'point')} on the plane{span}"
        else:
            n0, n1 = int(np.sum(Y == 0)), int(np.sum(Y == 1))
            what = f"Your {plural(m, 'point')} on the plane, {n0} of class 0 (blue) and {n1} of class 1 (orange)"
        if not pg.ready:
            return f"{what}, on an empty plane: training waits for more points."
        return f"{what}, with the network's output over the plane, the network and the loss curves. {pg.status()}"

    @one_at_a_time
    def _clicked(self, x_pixel: float, y_pixel: float, shift: bool) -> None:
        point = self.pg.to_data(x_pixel, y_pixel)
        if point is None:
            return
        label = self.label()
        try:
            self.pg.add_point(*point, (-label if self.pg.regression else 1 - label) if shift else label)
        except PointsError as error:
            self.pg.note = str(error)
            self.pg.changed()

    def label(self) -> float:
        if self.pg.regression:
            return float(self.target.value)
        return self.classes.value

    @one_at_a_time
    def _do(self, action) -> None:
        self.pg.note = ""
        action()

    @one_at_a_time
    def _save(self) -> None:
        try:
            path = self.pg.save(self.name.value.strip() or "points.csv")
        except OSError as error:
            self.pg.note = f"Could not save: {error}"
            return self.pg.changed()
        text = points_csv(self.pg.X_points, self.pg.Y_points, self.pg.task)
        link = (f'<a download="{html.escape(path.name)}" href="data:text/csv;base64,'
                f'{base64.b64encode(text.encode()).decode()}">download {html.escape(path.name)}</a>')
        self.pg.note = ""
        self.message.value = f"Saved {plural(self.pg.X_points.shape[1], 'point')} to {html.escape(str(path))} ({link})."

    @one_at_a_time
    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        try:
            self.pg.load(bytes(upload["content"]), name=upload["name"])
            self.name.value = upload["name"]
            self.message.value = (f"Loaded {plural(self.pg.X_points.shape[1], 'point')} from {html.escape(upload['name'])} "
                                  f"({self.pg.task}).")
        except PointsError as error:
            self.message.value = (f"<span style='color:#b00020'>{html.escape(upload['name'])} was not loaded "
                                  f"(nothing changed): {html.escape(str(error))}</span>")
        self.upload.value = ()

    @one_at_a_time
    def redraw(self, pg) -> None:
        self.classes.layout.display = "none" if pg.regression else None
        self.target.layout.display = None if pg.regression else "none"
        if pg.note:
            self.message.value = f"<span style='color:#8a4b00'>{html.escape(pg.note)}</span>"
        elif not pg.saved:
            self.message.value = (f"{plural(pg.X_points.shape[1], 'point')}, not saved yet: Save CSV writes them to the "
                                  "file that the line of Python below reads.")
