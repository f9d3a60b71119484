"""The playground in Jupyter: controls (ipywidgets) for a PlaygroundState, and its picture in place.

Top layer of the package.  ml.playground(...) returns a Playground: the state
(state: settings, data, one training Run), its view
(view: the picture) and, once shown, its controls.  Every change of
a control calls pg.set(...), which starts a new run, so the line of Python under
the picture always re-creates what is on screen; a teacher can show only some
controls, ml.playground(controls=["lr", "hidden"]).
"""

from __future__ import annotations

import asyncio
import html
import math
import time

from ..activations import ACTIVATIONS
from ..data.datasets import DATASETS
from ..data.features import FEATURES, features_for
from .settings import (
    CONTROLS, LOSS_LABELS, LR_RANGE, MAX_HIDDEN_LAYERS, MAX_SEED, MAX_WIDTH, NOISE_RANGE, OUTPUTS, REG_RATES,
    REGULARIZATIONS, TRAIN_PERCENT_RANGE, n_inputs,
)
from .state import WEIGHT_RANGE, PlaygroundState
from .view import PlaygroundView
from ..figures.threads import ONE_AT_A_TIME, keep_post_execute_on_main_thread, one_at_a_time

COLUMNS = (
    ("dataset", "noise", "ratio", "batch_size", "seed", "show_test", "discretize"),
    ("features", "hidden", "activation", "init"),
    ("output", "loss", "lr", "regularization", "edit_weight"),
)


class ControlPanel:
    """The controls of the settings chosen to be shown; each change calls change(**settings) or weight(l, p, q, value)."""

    def __init__(self, settings, change, weight):
        import ipywidgets as w

        self.w, self.change, self.weight, self.settings = w, change, weight, settings
        self.c, self.rows, self.syncing = {}, {}, False
        for name in settings.controls or CONTROLS:
            getattr(self, f"_make_{name}")()
        columns = [[self.rows[n] for n in column if n in self.rows] for column in COLUMNS]
        self.box = w.HBox([w.VBox(col, layout=w.Layout(width="300px")) for col in columns if col],
                          layout=w.Layout(flex_flow="row wrap"))  # narrow screens stack the columns

    def _add(self, control: str, name: str, widget, on_value):
        widget.observe(one_at_a_time(lambda change: None if self.syncing else on_value(change["new"])), names="value")
        self.c[name] = widget
        self.rows.setdefault(control, self.w.VBox())
        self.rows[control].children += (widget,)

    def _choice(self, name, label, options, key=None, slider=False, **kw):
        look = dict(description=label, style={"description_width": "95px"}, layout=self.w.Layout(width="290px"))
        kind = self.w.SelectionSlider if slider else self.w.Dropdown
        self._add(key or name, name, kind(options=options, **look, **kw), lambda v: self.change(**{name: v}))

    def _slider(self, kind, name, label, on_value=None, key=None, **kw):
        look = dict(description=label, style={"description_width": "95px"}, layout=self.w.Layout(width="290px"))
        widget = kind(continuous_update=False, **look, **kw)  # on release: each value starts a new run
        self._add(key or name, name, widget, on_value or (lambda v: self.change(**{name: v})))

    def _make_dataset(self):
        self._choice("dataset", "data set", list(DATASETS))

    def _make_noise(self):
        self._slider(self.w.FloatSlider, "noise", "noise", min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.05)

    def _make_ratio(self):
        def split(percent):
            total = self.settings.m + self.settings.m_test
            m = min(max(round(total * percent / 100), 1), total - 1)
            self.change(m=m, m_test=total - m)

        lo, hi = TRAIN_PERCENT_RANGE
        self._slider(self.w.IntSlider, "ratio", "train data %", split, min=lo, max=hi, step=5)

    def _make_batch_size(self):
        self._slider(self.w.IntSlider, "batch_size", "batch size", min=1, max=self.settings.m)

    def _make_seed(self):
        self._slider(self.w.BoundedIntText, "seed", "seed", min=0, max=MAX_SEED)

    def _make_show_test(self):
        self._add("show_test", "show_test", self.w.Checkbox(description="show test points", indent=False),
                  lambda v: self.change(show_test=v))

    def _make_discretize(self):
        self._add("discretize", "discretize", self.w.Checkbox(description="discretise output", indent=False),
                  lambda v: self.change(discretize=v))

    def _make_features(self):
        for name in FEATURES:
            button = self.w.ToggleButton(description=name, layout=self.w.Layout(width="68px"))
            self._add("features", f"feature {name}", button, lambda v: self.change(features=self._features()))
        self.rows["features"] = self.w.HBox(self.rows["features"].children, layout=self.w.Layout(flex_flow="row wrap"))

    def _features(self):
        return [name for name in FEATURES if self.c[f"feature {name}"].value]

    def _make_hidden(self):
        def hidden(_):
            n = self.c["hidden_layers"].value
            self.change(hidden=[self.c[f"width{l}"].value for l in range(1, n + 1)])

        self._slider(self.w.IntSlider, "hidden_layers", "hidden layers", hidden, "hidden", min=0, max=MAX_HIDDEN_LAYERS)
        for l in range(1, MAX_HIDDEN_LAYERS + 1):
            self._slider(self.w.IntSlider, f"width{l}", f"width n[{l}]", hidden, "hidden", min=1, max=MAX_WIDTH)

    def _make_activation(self):
        self._choice("activation", "activation", list(ACTIVATIONS))

    def _make_init(self):
        self._choice("init", "initial W", [("He / Xavier", "random"), ("all zero", "zeros")])

    def _make_output(self):
        self._choice("output", "output a[L]", list(OUTPUTS))

    def _make_loss(self):
        self._choice("loss", "loss", [(label, name) for name, label in LOSS_LABELS.items()])

    def _make_lr(self):
        lo, hi = (round(math.log10(x)) for x in LR_RANGE)
        self._slider(self.w.FloatLogSlider, "lr", "learning rate", base=10, min=lo, max=hi, step=0.1, readout_format=".3g")

    def _make_regularization(self):
        self._choice("regularization", "regularisation", [("none", None), *((r, r) for r in REGULARIZATIONS[1:])])
        self._choice("reg_rate", "rate lambda", [(f"{r:g}", r) for r in REG_RATES], key="regularization", slider=True)

    def _make_edit_weight(self):
        look = dict(style={"description_width": "95px"}, layout=self.w.Layout(width="290px"))
        show = lambda _: self.sync(self.settings, self.params)  # noqa: E731  (pick a weight: show its value)
        self._add("edit_weight", "edit_l", self.w.Dropdown(description="weight W[l]", options=[1], **look), show)
        self._add("edit_weight", "edit_p", self.w.BoundedIntText(description="row p", min=0, max=0, **look), show)
        self._add("edit_weight", "edit_q", self.w.BoundedIntText(description="column q", min=0, max=0, **look), show)
        self._slider(self.w.FloatSlider, "edit_value", "W[l]_pq :=", lambda v: self.weight(*self._pq(), v),
                     key="edit_weight", min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1], step=0.01, readout_format=".3g")

    def _pq(self):
        return self.c["edit_l"].value, self.c["edit_p"].value, self.c["edit_q"].value

    def sync(self, settings, params):
        """Show the settings (and the chosen weight's value) on the controls without firing them."""
        self.settings, self.params, s, c = settings, params, settings, self.c
        values = dict(
            dataset=s.dataset, noise=s.noise, ratio=round(s.train_percent), batch_size=s.batch_size, seed=s.seed,
            show_test=s.show_test, discretize=s.discretize, activation=s.activation, init=s.init, output=s.output,
            loss=s.loss, lr=s.lr, regularization=s.regularization, reg_rate=s.reg_rate, hidden_layers=len(s.hidden),
            **{f"width{l}": n for l, n in enumerate(s.hidden, 1)},
            **{f"feature {name}": name in s.features for name in FEATURES},
        )
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
                l = c["edit_l"].value
                W = params[f"W{l}"]
                c["edit_p"].max, c["edit_q"].max = W.shape[0] - 1, W.shape[1] - 1
                c["edit_value"].value = float(W[c["edit_p"].value, c["edit_q"].value])
        finally:
            self.syncing = False


class PlaygroundWidget:
    """Buttons, the controls, the picture, the status and the line of Python, for one Playground."""

    def __init__(self, pg: "Playground"):
        import ipywidgets as w

        self.pg, self.running, self.task, self.error = pg, False, None, ""
        self.panel = ControlPanel(pg.settings, self.change, self.set_weight)
        size = dict(layout=w.Layout(width="100px"))
        self.buttons = {
            "train": w.Button(description="Train", icon="play", button_style="success", **size),
            "step": w.Button(description="Step", icon="step-forward", tooltip="one epoch", **size),
            "reset": w.Button(description="Reset", icon="undo", **size),
        }
        # (widget callbacks may run on a thread of their own, beside a cell: see threads)
        self.buttons["train"].on_click(one_at_a_time(lambda _: self.pause() if self.running else self.start()))
        self.buttons["step"].on_click(one_at_a_time(lambda _: pg.step()))
        self.buttons["reset"].on_click(one_at_a_time(lambda _: pg.reset()))
        self.counter, self.status, self.code = w.HTML(), w.HTML(), w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width="940px", height="auto"))
        top = w.HBox([*self.buttons.values(), self.counter])
        self.box = w.VBox([top, self.panel.box, self.image, self.status, self.code])
        pg.listeners.append(self.redraw)
        self.redraw(pg)

    @one_at_a_time
    def change(self, **changes):
        """A control moved: a new run with the new settings, or a message if they do not go together."""
        try:
            self.error = ""
            self.pg.set(**changes)
        except ValueError as error:
            self.error = str(error)
            self.redraw(self.pg)

    @one_at_a_time
    def set_weight(self, l, p, q, value):
        self.pg.set_weight(l, p, q, value)

    @one_at_a_time
    def redraw(self, pg):
        """Show the state of pg: controls, picture, counters, status, the line of Python."""
        self.panel.sync(pg.settings, pg.params)
        self.image.value = pg.png()
        train = self.buttons["train"]
        train.description, train.icon = ("Pause", "pause") if self.running else ("Train", "play")
        train.button_style = "warning" if self.running else "success"
        self.counter.value = f"<span style='font-size:1.3em; margin-left:1em'><b>epoch {pg.epoch}</b> &nbsp; step {pg.steps}</span>"
        notes = [(pg.status(), "")]
        notes += [(pg.warning(), "color:#a60"), (self.error, "color:#c00"), (pg.message, "color:#c00; font-weight:bold")]
        if pg.message:
            notes.append(("Press Reset, or change a setting, to start again.", "color:#c00"))
        self.status.value = "<br>".join(f"<span style='{style}'>{html.escape(text)}</span>" for text, style in notes if text)
        self.code.value = (
            "re-create this run: <code style='user-select:all'>"
            f"import mlp_lessons as ml; pg = {html.escape(pg.code_line(), quote=False)}</code>"
        )

    async def run(self, max_epochs: int | None = None, epochs_per_frame: int = 5, frame_seconds: float = 0.1) -> None:
        """Train until paused, diverged or max_epochs more epochs, redrawing after every epochs_per_frame
        epochs (or frame_seconds, if those take longer); between frames the kernel handles clicks and sliders."""
        pg, self.running, done = self.pg, True, 0
        try:
            self.redraw(pg)
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
            self.redraw(pg)

    def start(self) -> None:
        """Train continuously in the running event loop (in Jupyter: the kernel's)."""
        if self.running or self.pg.diverged:
            return self.redraw(self.pg)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop to share (a plain script): a fixed burst instead
            return self.pg.train(50)
        self.running = True
        self.task = loop.create_task(self.run())
        self.redraw(self.pg)

    def pause(self) -> None:
        """Stop continuous training after the current epoch."""
        self.running = False


class Playground(PlaygroundState):
    """A PlaygroundState with its picture (pg.view) and, once shown in Jupyter, its controls (pg.ui)."""

    def __init__(self, **settings):
        keep_post_execute_on_main_thread()
        self.view, self.ui = PlaygroundView(), None
        super().__init__(**settings)

    @property
    def widget(self):
        """The ipywidgets user interface (built on first use)."""
        if self.ui is None:
            self.ui = PlaygroundWidget(self)
        return self.ui.box

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def figure(self):
        """The network, the output map and the loss curves, drawn into one Agg figure."""
        return self.view.draw(self)

    def png(self) -> bytes:
        return self.view.png(self)

    def snapshot(self):
        """A still picture of the current state (an IPython Image), for where widgets do not render."""
        from IPython.display import Image

        return Image(data=self.png(), format="png")


def playground(**settings) -> Playground:
    """A Playground; in Jupyter, leave it as a cell's last line to show its controls.

    Settings (all optional; see playgrounds.settings.Settings): dataset (xor, moons,
    circles, spirals, gaussians; sine and hills for regression), noise, features,
    hidden, activation, output, loss, lr, regularization (None, "L1", "L2") and
    reg_rate, batch_size, m and m_test (points to train and to test on), seed,
    init ("random" or "zeros"), show_test, discretize, controls (the names of the
    controls to show); epochs trains that many epochs first.
    """
    return Playground(**settings)
