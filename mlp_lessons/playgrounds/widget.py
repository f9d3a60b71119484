"""The playground in Jupyter: a state, its view and, once shown, its controls (ipywidgets), composed.

    pg = ml.playground(dataset="spirals", hidden=[8, 8])   # a Playground
    pg.state      # PlaygroundState: settings, data source, one training Run (drive it from code)
    pg.view       # PlaygroundView: draws the state
    pg.controls   # PlaygroundControls: buttons, a row per setting, the picture (built when first shown)

Every change of a control calls pg.set(...), which starts a new run, so the line of Python
under the picture always re-creates what is on screen.  The control rows come from the
settings' PROPERTIES (one entry per setting); a teacher can show only some controls,
ml.playground(controls=["lr", "hidden"]).  With data=... the same Playground trains on your
own points (own_data.OwnPoints as the state's data source) and adds the controls that
change them.
"""

from __future__ import annotations

import asyncio
import functools
import html
import math
import time

from ..data.features import FEATURES, features_for
from ..figures.lifetime import close_on_rerun, close_widgets, close_with, weakly
from ..figures.threads import ONE_AT_A_TIME, keep_post_execute_on_main_thread, one_at_a_time
from .settings import BUILTIN_DATA_CONTROLS, CONTROLS, MAX_HIDDEN_LAYERS, MAX_WIDTH, PROPERTIES, TRAIN_PERCENT_RANGE, n_inputs
from .state import WEIGHT_RANGE, DatasetSource, PlaygroundState
from .view import PlaygroundView

LOOK = dict(style={"description_width": "95px"})
COLUMN_OF = {**{p.control or p.name: p.column for p in reversed(PROPERTIES) if p.column is not None}, "edit_weight": 2}


class ControlPanel:
    """A row of controls per setting shown; each change calls change(**settings) or weight(l, p, q, value)."""

    def __init__(self, settings, change, weight):
        import ipywidgets as w

        self.w, self.change, self.weight, self.settings = w, change, weight, settings
        self.c, self.rows, self.syncing = {}, {}, False
        shown = settings.controls or [c for c in CONTROLS if settings.dataset or c not in BUILTIN_DATA_CONTROLS]
        for p in PROPERTIES:
            if p.widget and (p.control or p.name) in shown:
                self._add(p.control or p.name, p.name, self._widget(p), lambda v, name=p.name: self.change(**{name: v}))
        for name in ("features", "hidden", "ratio", "edit_weight"):
            if name in shown:
                getattr(self, f"_make_{name}")()
        columns = [[self.rows[n] for n in CONTROLS if n in self.rows and COLUMN_OF[n] == k] for k in range(3)]
        self.box = w.HBox([w.VBox(col, layout=w.Layout(width="300px")) for col in columns if col],
                          layout=w.Layout(flex_flow="row wrap"))  # narrow screens stack the columns

    def _widget(self, p):
        """The widget a Property's row shows: ("dropdown", options), ("steps", options), ("slider", kind, lo, hi, step), ("checkbox",)."""
        w, kind, *spec = self.w, *p.widget
        if kind == "checkbox":
            return w.Checkbox(description=p.label, indent=False)
        look = dict(description=p.label, layout=w.Layout(width="290px"), **LOOK)
        if kind in ("dropdown", "steps"):
            return (w.Dropdown if kind == "dropdown" else w.SelectionSlider)(options=spec[0], **look)
        kind, lo, hi, step = spec
        look["continuous_update"] = False  # on release: each value starts a new run
        if kind == "log":
            return w.FloatLogSlider(base=10, min=round(math.log10(lo)), max=round(math.log10(hi)), step=step,
                                    readout_format=".3g", **look)
        if kind == "text":
            return w.BoundedIntText(min=lo, max=hi, **look)
        slider = w.IntSlider if kind == "int" else w.FloatSlider
        return slider(min=lo, max=self.settings.m if hi is None else hi, step=step, **look)

    def _add(self, control: str, name: str, widget, on_value):
        widget.observe(one_at_a_time(lambda change: None if self.syncing else on_value(change["new"])), names="value")
        self.c[name] = widget
        if control not in self.rows:  # (not setdefault: a widget made and dropped stays in ipywidgets' registry)
            self.rows[control] = self.w.HBox(layout=self.w.Layout(flex_flow="row wrap")) if control == "features" else self.w.VBox()
        self.rows[control].children += (widget,)

    def _slider(self, control, name, label, on_value, kind=None, **kw):
        look = dict(description=label, layout=self.w.Layout(width="290px"), continuous_update=False, **LOOK)
        self._add(control, name, (kind or self.w.IntSlider)(**look, **kw), on_value)

    def _make_features(self):
        for name in FEATURES:
            button = self.w.ToggleButton(description=name, layout=self.w.Layout(width="68px"))
            self._add("features", f"feature {name}", button, lambda v: self.change(features=self._features()))

    def _features(self):
        return [name for name in FEATURES if self.c[f"feature {name}"].value]

    def _make_hidden(self):
        def hidden(_):
            n = self.c["hidden_layers"].value
            self.change(hidden=[self.c[f"width{l}"].value for l in range(1, n + 1)])

        self._slider("hidden", "hidden_layers", "hidden layers", hidden, min=0, max=MAX_HIDDEN_LAYERS)
        for l in range(1, MAX_HIDDEN_LAYERS + 1):
            self._slider("hidden", f"width{l}", f"width n[{l}]", hidden, min=1, max=MAX_WIDTH)

    def _make_ratio(self):
        def split(percent):
            total = self.settings.m + self.settings.m_test
            m = min(max(round(total * percent / 100), 1), total - 1)
            self.change(m=m, m_test=total - m)

        self._slider("ratio", "ratio", "train data %", split, min=TRAIN_PERCENT_RANGE[0], max=TRAIN_PERCENT_RANGE[1], step=5)

    def _make_edit_weight(self):
        look = dict(layout=self.w.Layout(width="290px"), **LOOK)
        show = lambda _: self.sync(self.settings, self.params)  # noqa: E731  (pick a weight: show its value)
        self._add("edit_weight", "edit_l", self.w.Dropdown(description="weight W[l]", options=[1], **look), show)
        self._add("edit_weight", "edit_p", self.w.BoundedIntText(description="row p", min=0, max=0, **look), show)
        self._add("edit_weight", "edit_q", self.w.BoundedIntText(description="column q", min=0, max=0, **look), show)
        self._slider("edit_weight", "edit_value", "W[l]_pq :=", lambda v: self.weight(*self._pq(), v), self.w.FloatSlider,
                     min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1], step=0.01, readout_format=".3g")

    def _pq(self):
        return self.c["edit_l"].value, self.c["edit_p"].value, self.c["edit_q"].value

    def sync(self, settings, params):
        """Show the settings (and the chosen weight's value) on the controls without firing them."""
        self.settings, self.params, s, c = settings, params, settings, self.c
        values = {p.name: getattr(s, p.name) for p in PROPERTIES if p.widget}
        values.update(ratio=round(s.train_percent), hidden_layers=len(s.hidden),
                      **{f"width{l}": n for l, n in enumerate(s.hidden, 1)},
                      **{f"feature {name}": name in s.features for name in FEATURES})
        self.syncing = True
        try:
            if "batch_size" in c:
                c["batch_size"].max = s.m
            for name, value in values.items():
                if name in c and c[name].value != value:
                    c[name].value = value
            allowed = features_for(n_inputs(s.dataset))
            for name in FEATURES:
                if f"feature {name}" in c:
                    c[f"feature {name}"].disabled = name not in allowed
            for l in range(1, MAX_HIDDEN_LAYERS + 1):
                if f"width{l}" in c:
                    c[f"width{l}"].disabled = l > len(s.hidden)
            if "edit_l" in c:
                if len(c["edit_l"].options) != len(s.hidden) + 1:
                    c["edit_l"].options = list(range(1, len(s.hidden) + 2))
                W = params[f"W{c['edit_l'].value}"]
                c["edit_p"].max, c["edit_q"].max = W.shape[0] - 1, W.shape[1] - 1
                c["edit_value"].value = float(W[c["edit_p"].value, c["edit_q"].value])
        finally:
            self.syncing = False


class PlaygroundControls:
    """Buttons, the rows of controls, the picture, the status and the line of Python, for one Playground.

    The widgets reach these controls (and so the playground) only weakly (lifetime.weakly):
    ipywidgets keeps every widget until it is closed, and a widget that held its playground
    would keep it, with its figure, for as long as the kernel runs.  The playground holds
    them instead, and they are closed when it goes (or with pg.close()).
    """

    def __init__(self, pg: "Playground"):
        import ipywidgets as w

        self.pg, self.running, self.task, self.error, self.closed = pg, False, None, "", False
        self.panel = ControlPanel(pg.settings, weakly(self.change), weakly(self.set_weight))
        size = dict(layout=w.Layout(width="100px"))
        self.buttons = {
            "train": w.Button(description="Train", icon="play", button_style="success", **size),
            "epoch": w.Button(description="+1 epoch", icon="step-forward", tooltip="one more epoch", **size),
            "step": w.Button(description="+1 step", tooltip="one mini-batch, one update", **size),
            "reset": w.Button(description="Reset", icon="undo", **size),
        }
        for button in self.buttons.values():
            button.on_click(weakly(self.press))
        self.counter, self.status, self.code = w.HTML(), w.HTML(), w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width="940px", height="auto"))
        self.box = w.VBox([w.HBox([*self.buttons.values(), self.counter]), self.panel.box, self.image, self.status, self.code])
        self.points = None
        if not isinstance(pg.state.source, DatasetSource):  # your own points: their controls, a picture that takes clicks
            from .own_data import OwnDataControls
            from .picture import swap_in_picture

            self.points = OwnDataControls(pg)
            self.points.take_clicks(swap_in_picture(self, self.points.alt))
            self.box.children = (self.box.children[0], self.points.box, *self.box.children[1:])
        pg.state.listeners.append(self.redraw)
        close_with(self, self.box)
        self.redraw(pg.state)

    @one_at_a_time  # (widget callbacks may run on a thread of their own, beside a cell: see threads)
    def press(self, button):
        """A button was clicked: Train (or Pause), +1 epoch, +1 step or Reset."""
        name = next(name for name, b in self.buttons.items() if b is button)
        if name == "train":
            return self.pause() if self.running else self.start()
        getattr(self.pg, name)()

    @one_at_a_time
    def close(self) -> None:
        """Stop training and close every widget (they leave the page and the kernel)."""
        self.pause()
        self.closed = True
        if self.redraw in self.pg.state.listeners:
            self.pg.state.listeners.remove(self.redraw)
        close_widgets(self.box)

    @one_at_a_time
    def change(self, **changes):
        """A control moved: a new run with the new settings, or a message if they do not go together."""
        try:
            self.error = ""
            self.pg.set(**changes)
        except ValueError as error:
            self.error = str(error)
            self.redraw(self.pg.state)

    @one_at_a_time
    def set_weight(self, l, p, q, value):
        self.pg.set_weight(l, p, q, value)

    @one_at_a_time
    def redraw(self, state):
        """Show the state: controls, picture, counters, status, the line of Python."""
        if self.closed:
            return
        self.panel.sync(state.settings, state.params)
        if self.points:
            self.points.redraw(state)
        self.image.value = self.pg.png()
        train = self.buttons["train"]
        train.description, train.icon = ("Pause", "pause") if self.running else ("Train", "play")
        train.button_style = "warning" if self.running else "success"
        self.counter.value = f"<span style='font-size:1.3em; margin-left:1em'><b>epoch {state.epochs}</b> &nbsp; step {state.steps}</span>"
        notes = [(state.status(), ""), (state.warning(), "color:#a60"), (self.error, "color:#c00"),
                 (state.message, "color:#c00; font-weight:bold")]
        if state.message:
            notes.append(("Press Reset, or change a setting, to start again.", "color:#c00"))
        self.status.value = "<br>".join(f"<span style='{style}'>{html.escape(text)}</span>" for text, style in notes if text)
        self.code.value = (
            "re-create this run: <code style='user-select:all'>"
            f"import mlp_lessons as ml; pg = {html.escape(state.code_line(), quote=False)}</code>"
        )

    async def run(self, max_epochs: int | None = None, epochs_per_frame: int = 5, frame_seconds: float = 0.1) -> None:
        """Train until paused, diverged or max_epochs more epochs, redrawing after every epochs_per_frame
        epochs (or frame_seconds, if those take longer); between frames the kernel handles clicks and sliders."""
        pg, self.running, done = self.pg, True, 0
        try:
            self.redraw(pg.state)
            while self.running and not pg.diverged and (max_epochs is None or done < max_epochs):
                start = time.perf_counter()
                # a frame at a time: a control moved meanwhile (on the widget thread) waits for it
                with ONE_AT_A_TIME, pg.hold():  # one redraw per frame, not one per epoch
                    for _ in range(epochs_per_frame if max_epochs is None else min(epochs_per_frame, max_epochs - done)):
                        pg.train(1)
                        done += 1
                        if pg.diverged or time.perf_counter() - start > frame_seconds:
                            break
                await asyncio.sleep(0.02)
        except Exception as error:  # shown in the status line (raised, it would land in whatever cell runs)
            self.error = f"Training stopped by an error: {error!r}"
        finally:
            self.running, self.task = False, None
            self.redraw(pg.state)

    def start(self) -> None:
        """Train continuously in the running event loop (in Jupyter: the kernel's)."""
        if self.running or self.pg.diverged:
            return self.redraw(self.pg.state)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop to share (a plain script): a fixed burst instead
            return self.pg.train(50)
        self.running = True
        self.task = loop.create_task(self.run())
        self.redraw(self.pg.state)

    def pause(self) -> None:
        """Stop continuous training after the current epoch."""
        self.running = False


def _state_method(name: str, returns_self: bool):
    """pg.<name>(...): the state's method; those that change the run return the playground, for chaining."""
    method = getattr(PlaygroundState, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        result = getattr(self.state, name)(*args, **kwargs)
        return self if returns_self else result

    return call


def _own_points(pg, name: str):
    if isinstance(pg.state.source, DatasetSource):
        raise TypeError(f"pg.{name}() works on your own points: make the playground with ml.playground(data=...).")
    return pg.state.source


def _points_method(name: str):
    """pg.<name>(...) on your own points: the source changes them, then the state starts a run on them."""
    from .own_data import OwnPoints

    @functools.wraps(getattr(OwnPoints, name))
    def call(self, *args, **kwargs):
        with self.state.hold():
            getattr(_own_points(self, name), name)(*args, **kwargs)
            self.state.new_points()
        return self

    return call


class Playground:
    """A PlaygroundState (pg.state) with its picture (pg.view) and, once shown in Jupyter, its controls (pg.controls)."""

    def __init__(self, data=None, *, task: str | None = None, epochs: int = 0, **settings):
        keep_post_execute_on_main_thread()
        if data is None:
            if task is not None:
                raise ValueError("task goes with data=...: a built-in data set's task follows its name.")
            source = DatasetSource()
        else:
            from .own_data import OwnPoints

            source = OwnPoints(data, task)
            settings = source.settings(settings)
        self.state, self._view, self.controls = PlaygroundState(epochs=epochs, source=source, **settings), None, None

    @property
    def view(self) -> PlaygroundView:
        """The PlaygroundView that draws the state (made when first needed, again after close())."""
        if self._view is None:
            self._view = PlaygroundView()
        return self._view

    @view.setter
    def view(self, view: PlaygroundView):
        self._view = view

    def close(self) -> None:
        """Close the controls and free the picture (the run stays; pg.widget and pg.png() make them again).

        A notebook cell that shows a playground and is run again does this to the one it showed before."""
        if self.controls is not None:
            self.controls.close()
        self.controls = self._view = None

    train, epoch, step, set, set_weight, reset = (
        _state_method(name, True) for name in ("train", "epoch", "step", "set", "set_weight", "reset"))
    status, warning, accuracies, predict, code, code_line, hold, gradients, gradient_norms = (
        _state_method(name, False) for name in ("status", "warning", "accuracies", "predict", "code", "code_line", "hold",
                                                "gradients", "gradient_norms"))
    settings, params, history, epochs, steps, diverged, message, data, run, layer_sizes, activations, source, grad_norms = (
        property(lambda self, name=name: getattr(self.state, name)) for name in ("settings", "params", "history", "epochs", "steps", "diverged", "message", "data", "run",
                     "layer_sizes", "activations", "source", "grad_norms"))

    add_point, undo, clear, load = (_points_method(name) for name in ("add_point", "undo", "clear", "load"))

    def save(self, path="points.csv"):
        """Write your points as they stand to a CSV file (returns its path); the line of Python then reads it."""
        path = _own_points(self, "save").save(path)
        self.state.changed()
        return path

    @property
    def widget(self):
        """The ipywidgets user interface (built on first use)."""
        if self.controls is None:
            self.controls = PlaygroundControls(self)
        return self.controls.box

    def _repr_mimebundle_(self, **kwargs):
        close_on_rerun(self)
        return self.widget._repr_mimebundle_(**kwargs)

    @one_at_a_time  # (a widget's Train may be adding an epoch on its own thread: draw between epochs)
    def figure(self):
        """The network, the output map and the loss curves, drawn into one Agg figure."""
        return self.view.draw(self.state)

    @one_at_a_time
    def png(self) -> bytes:
        return self.view.png(self.state)

    def snapshot(self):
        """A still picture of the current state (an IPython Image), for where widgets do not render."""
        from IPython.display import Image

        return Image(data=self.png(), format="png")


def playground(data=None, **settings) -> Playground:
    """A Playground; in Jupyter, leave it as a cell's last line to show its controls.

    Settings (all optional; see playgrounds.settings.PROPERTIES): dataset (xor, moons,
    circles, spirals, gaussians; sine and hills for regression), noise, features,
    hidden, activation, output, loss, lr, momentum (beta, 0 for plain gradient
    descent), regularization (None, "L1", "L2") and reg_rate, batch_size, m and m_test
    (points to train and to test on), seed, init ("random", "he", "xavier" or "zeros"),
    show_test, discretize, view ("weights", or "gradients": the latest step's |dJ/dW| and each
    neuron's mean |dJ/dz|, with the per-layer gradient norms; never in the line of Python),
    controls (the names of the controls to show); epochs trains
    that many epochs first.  data: your own points instead (a CSV file's name or a pair
    of arrays X (2, m), Y (1, m)), with task="classification" or "regression" where the
    values leave it open; see own_data.
    """
    return Playground(data, **settings)
