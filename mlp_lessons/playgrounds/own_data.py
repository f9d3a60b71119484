"""Your own points as the playground's data source, and the controls that change them (click, undo, ...).

    pg = ml.playground(data="points.csv")          # a file: x1, x2, label (0 or 1) or x1, x2, target
    pg = ml.playground(data=(X, Y))                # or arrays, X (2, m) and Y (1, m)
    pg = ml.playground(data=(X, Y), task="regression")   # say the task where the values leave it open
    pg.add_point(0.5, -1.0, 1)                     # what a click on the plane does
    pg.undo(); pg.clear(); pg.load("more.csv"); pg.save("mine.csv")

OwnPoints is a data source held by the playground's state, beside the built-in data
sets' DatasetSource: the settings then have no data set (dataset None) and the
points' task (classification or regression) says what the output and the loss are.
The points are shuffled by the seed and split into training and test points (two
thirds train, unless m says otherwise).  Every change of the points starts a new run
on them, like any other change of a setting, and Train keeps training; so the line
of Python under the picture re-creates what is on screen once the points are saved in
the file it names.  Fewer than MIN_POINTS points, or points of one class, cannot
train: the playground then keeps the last run and shows the points collected so far
on an empty plane.

Labels 0 and 1 make a classifier (sigmoid output, cross-entropy); real-valued
targets a regression (identity output, half squared error, the prediction shaded
over the plane), as for the built-in sine and hills.  Which one a file or a pair of
arrays is follows points.TASK_RULE, or task="classification" / "regression"; the
line of Python names task="regression" when it is one.

In Jupyter the picture is a Picture (playgrounds.picture), an anywidget that reports
clicks, because ipywidgets' Image reports none.
"""

from __future__ import annotations

import base64
import html
import json
import weakref
from pathlib import Path

import numpy as np

from ..errors import plural
from ..figures.lifetime import weakly
from ..figures.threads import one_at_a_time
from .points import PointsError, check_new_point, check_points, is_path, points_and_notes, points_csv, split_points
from .settings import BY_NAME, PROPERTIES
from .state import PlaygroundData

TRAIN_FRACTION = 2 / 3
BUILTIN_DATA = tuple(p.name for p in PROPERTIES if p.builtin_data)  # fixed by the points, not by settings


class OwnPoints:
    """Your points: as they stand (X, Y: what the plane shows), the last usable ones the run trains on, undo."""

    def __init__(self, data, task: str | None = None):
        X, Y, self.task, self.reading = points_and_notes(data, task)  # reading: how the file was read, if unusual
        self.file = str(data) if is_path(data) else None
        self.X, self.Y = X, Y  # the points as they stand
        self.X_run, self.Y_run = X, Y  # the points the run trains on (the last usable ones)
        self.earlier = []  # earlier (X, Y, task), for undo
        self.saved, self.note, self.batch_wanted = self.file is not None, "", None
        self.version = 0  # counts the changes of X_run, Y_run

    @property
    def ready(self) -> bool:
        """Whether the points as they stand can train (enough of them, both classes)."""
        return self.X is self.X_run

    def settings(self, given: dict) -> dict:
        """The settings a playground on these points starts from: given ones, the split, the task."""
        for name in BUILTIN_DATA:
            if name in given and name != "m_test":
                raise ValueError(f"{name} belongs to the built-in data sets; with data=... the points are yours.")
        n, m, m_test = self.X.shape[1], given.pop("m", None), given.pop("m_test", None)
        m = split_size(n, TRAIN_FRACTION) if m is None else m
        if m_test is not None and m + m_test != n:
            raise PointsError(f"m + m_test must be the number of points, {n}; got m={m}, m_test={m_test}.")
        self.batch_wanted = given.get("batch_size", 16)
        return dict(given, dataset=None, task=self.task, m=m, m_test=n - m)

    def check(self, s):
        """s, split and tasked for the points the run trains on (a built-in data set's settings refused)."""
        if s.dataset is not None or s.noise != BY_NAME["noise"].default:
            raise ValueError("dataset and noise belong to the built-in data sets; with data=... the points are yours.")
        n = self.X_run.shape[1]
        if (s.m + s.m_test, s.task) == (n, self.task):
            return s
        m = split_size(n, s.m / (s.m + s.m_test))
        return s.replace(m=m, m_test=n - m, batch_size=self.batch_wanted, task=self.task)

    def key(self, s) -> tuple:
        return self.version, s.m, s.seed

    def split(self, s) -> PlaygroundData:
        return PlaygroundData(*split_points(self.X_run, self.Y_run, s.m, s.seed))

    @property
    def arguments(self) -> tuple:
        """How the line of Python names the points: their file, and the task if it is a regression."""
        name = json.dumps(self.file or "points.csv", ensure_ascii=False)  # a Python string, whatever the name holds
        return (f'data={name}',) + ('task="regression"',) * (self.task == "regression")

    def code_lines(self, s) -> list[str]:
        """The lines of code() that read the points and split them."""
        task = ', task="regression"' * (self.task == "regression")
        return [f'X, Y = ml.read_points("{self.file or "points.csv"}"{task})',
                f"X_train, Y_train, X_test, Y_test = ml.split_points(X, Y, {s.m}, seed={s.seed})"]

    def describe(self, status: str) -> str:
        if self.ready:
            return status
        return f"{plural(self.X.shape[1], 'point')}; the last run (on {plural(self.X_run.shape[1], 'point')}): {status}"

    # -- changing them (the playground then calls state.new_points())

    def use(self, X, Y, task=None) -> None:
        """The points change (and the task, with a loaded file); the run trains on them if they can train."""
        self.X, self.Y, self.saved, self.task = X, Y, False, task or self.task
        try:
            check_points(X, Y, task=self.task)
        except PointsError as why:
            other = "the negative target" if self.task == "regression" else "the other class"
            self.note = f"{why} Training waits: add points (shift-click adds {other})."
            return
        self.note, self.X_run, self.Y_run, self.version = "", X, Y, self.version + 1

    def add_point(self, x1: float, x2: float, label: float) -> None:
        """One more point (x1, x2) of class label (0 or 1), or with target label (any number) in a regression."""
        check_new_point(x1, x2, label, self.task, self.X.shape[1])
        self.earlier.append((self.X, self.Y, self.task))
        self.use(np.hstack([self.X, [[float(x1)], [float(x2)]]]), np.hstack([self.Y, [[float(label)]]]))

    def undo(self) -> None:
        """The points (and their task) as they were before the last change (add, clear or load)."""
        if not self.earlier:
            self.note = "Nothing to undo."
            return
        self.use(*self.earlier.pop())

    def clear(self) -> None:
        """No points at all: click some in (undo brings them back)."""
        self.earlier.append((self.X, self.Y, self.task))
        self.use(np.zeros((2, 0)), np.zeros((1, 0)))

    def load(self, source, name: str | None = None, task: str | None = None) -> None:
        """Points from a CSV (path, text or bytes) in place of these; a bad file raises PointsError and changes nothing."""
        X, Y, task, reading = points_and_notes(source, task)
        self.earlier.append((self.X, self.Y, self.task))
        self.use(X, Y, task)
        self.reading = reading
        if name or is_path(source):  # an upload has a name, but no file beside the notebook until Save CSV
            self.file, self.saved = str(name or source), is_path(source)

    def save(self, path="points.csv") -> Path:
        """Write the points as they stand to a CSV file; the line of Python then reads it."""
        path = Path(path)
        path.write_text(points_csv(self.X, self.Y, self.task))
        self.file, self.saved = str(path), True
        return path


def split_size(n: int, fraction: float) -> int:
    """How many of n points train: the fraction of them, but at least one to train and one to test."""
    return min(max(round(n * fraction), 1), max(n - 1, 1))


class OwnDataControls:
    """Which class (or, in a regression, which target) a click adds, Undo, Clear, Load a CSV, Save as CSV, and what happened."""

    def __init__(self, pg):
        import ipywidgets as w

        self._pg, self.points = weakref.ref(pg), pg.state.source
        self.classes = w.ToggleButtons(options=[("class 0 (blue)", 0), ("class 1 (orange)", 1)], value=1,
                                       description="a click adds", style={"description_width": "95px"})
        self.target = w.FloatText(value=1.0, description="a click adds y =", style={"description_width": "95px"},
                                  layout=w.Layout(width="220px"), tooltip="the target of a clicked point")
        self.undo = w.Button(description="Undo", tooltip="take back the last change of the points")
        self.clear = w.Button(description="Clear", tooltip="remove every point")
        self.upload = w.FileUpload(accept=".csv,text/csv,text/plain", multiple=False, description="Load CSV")
        self.name = w.Text(value=self.points.file or "points.csv", description="file",
                           style={"description_width": "40px"}, layout=w.Layout(width="220px"))
        self.save = w.Button(description="Save CSV", tooltip="write the points to this file, beside the notebook")
        self.message = w.HTML()
        if self.points.file and self.points.reading:
            self.message.value = html.escape(f"Read {plural(self.points.X.shape[1], 'point')} from {self.points.file} "
                                             f"({'; '.join(self.points.reading)}).")
        # The widgets reach these controls, and so the playground, only weakly: ipywidgets keeps every
        # widget until it is closed, and one that held the playground would keep it and its figure.
        self.undo.on_click(weakly(self._undo))
        self.clear.on_click(weakly(self._clear))
        self.save.on_click(weakly(self._save_clicked))
        self.upload.observe(weakly(self._uploaded), names="value")
        self.box = w.VBox([w.HBox([self.classes, self.target, self.undo, self.clear], layout=w.Layout(flex_flow="row wrap")),
                           w.HBox([self.upload, self.name, self.save], layout=w.Layout(flex_flow="row wrap")),
                           self.message])

    @property
    def pg(self):
        """The playground these controls belong to (they hold it weakly: see __init__)."""
        pg = self._pg()
        if pg is None:
            raise RuntimeError("this playground is gone: run its cell again")
        return pg

    def _undo(self, _):
        self._do(self.pg.undo)

    def _clear(self, _):
        self._do(self.pg.clear)

    def _save_clicked(self, _):
        self._save()

    def take_clicks(self, picture) -> None:
        """A click on the picture adds a point where it lands."""
        picture.clickable = True
        picture.on_click(weakly(self._clicked))

    def alt(self) -> str:
        """The picture's alt text: the points, and what else it shows."""
        points = self.points
        Y, m = points.Y, points.Y.shape[1]
        if points.task == "regression":
            span = f", targets from {Y.min():.3g} (blue) to {Y.max():.3g} (orange)" if m else ""
            what = f"Your {plural(m, 'point')} on the plane{span}"
        else:
            n0, n1 = int(np.sum(Y == 0)), int(np.sum(Y == 1))
            what = f"Your {plural(m, 'point')} on the plane, {n0} of class 0 (blue) and {n1} of class 1 (orange)"
        if not points.ready:
            return f"{what}, on an empty plane: training waits for more points."
        return f"{what}, with the network's output over the plane, the network and the loss curves. {self.pg.status()}"

    @one_at_a_time
    def _clicked(self, x_pixel: float, y_pixel: float, shift: bool) -> None:
        point = self.pg.view.to_data(x_pixel, y_pixel)
        if point is None:
            return
        label = float(self.target.value) if self.points.task == "regression" else self.classes.value
        try:
            self.pg.add_point(*point, (-label if self.points.task == "regression" else 1 - label) if shift else label)
        except PointsError as error:
            self.points.note = str(error)
            self.pg.state.changed()

    @one_at_a_time
    def _do(self, action) -> None:
        self.points.note = ""
        action()

    @one_at_a_time
    def _save(self) -> None:
        try:
            path = self.pg.save(self.name.value.strip() or "points.csv")
        except OSError as error:
            self.points.note = f"Could not save: {error}"
            return self.pg.state.changed()
        text = points_csv(self.points.X, self.points.Y, self.points.task)
        link = (f'<a download="{html.escape(path.name)}" href="data:text/csv;base64,'
                f'{base64.b64encode(text.encode()).decode()}">download {html.escape(path.name)}</a>')
        self.points.note = ""
        self.message.value = f"Saved {plural(self.points.X.shape[1], 'point')} to {html.escape(str(path))} ({link})."

    @one_at_a_time
    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        name = str(upload.get("name") or "The file")
        try:
            self.pg.load(bytes(upload["content"]), name=name)
        except Exception as error:  # noqa: BLE001  (a callback's exception reaches no one: every problem is said here)
            why = error if isinstance(error, PointsError) else f"it could not be read ({type(error).__name__}: {error})."
            self.message.value = (f"<span style='color:#b00020'>{html.escape(name)} was not loaded "
                                  f"(nothing changed): {html.escape(str(why))}</span>")
        else:
            self.name.value = name
            how = "".join(f"; {note}" for note in self.points.reading)
            self.message.value = html.escape(f"Loaded {plural(self.points.X.shape[1], 'point')} from {name} "
                                             f"({self.points.task}{how}); not saved beside the notebook yet: Save "
                                             f"CSV writes them to the file that the line of Python below reads.")
        self.upload.value = ()

    @one_at_a_time
    def redraw(self, state) -> None:
        regression = self.points.task == "regression"
        self.classes.layout.display = "none" if regression else None
        self.target.layout.display = None if regression else "none"
        if self.points.note:
            self.message.value = f"<span style='color:#8a4b00'>{html.escape(self.points.note)}</span>"
        elif not self.points.saved:
            self.message.value = (f"{plural(self.points.X.shape[1], 'point')}, not saved yet: Save CSV writes them "
                                  "to the file that the line of Python below reads.")
