"""The playground: sliders for the learning rate and the layer sizes, and a network that learns.

Top layer of the package.  A Playground holds one run: the settings, the data,
the parameters W[l], b[l], the History of the loss, and the epoch and step
counters.  It trains with the lessons' own `train_epoch` (forward, loss,
backward, update), so what a student watches is the code they derived.

Plain methods do the work and are what the tests drive:

    pg = Playground(dataset="moons", hidden=[8, 8], lr=0.1)
    pg.step()          # one epoch
    pg.train(100)      # a hundred more
    pg.set(lr=1.0)     # new settings start a new run at epoch 0
    pg.reset()         # fresh weights, same settings

`pg.widget` wraps those methods in ipywidgets controls.  Every change of a
control starts the run again from epoch 0 with the new settings, so what is on
screen is always reproduced exactly by the line of Python that `pg.code_line()`
prints (the settings, the seed and the number of epochs).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from .activations import ACTIVATIONS
from .datasets import load_dataset
from .forward import predict
from .losses import LOSSES, get_loss
from .params import init_params
from .plots import (
    MAX_LOSS_SHOWN,
    PROBABILITY_CMAP,
    boundary_grid,
    boundary_probabilities,
    draw_network,
    loss_limits,
    scatter_points,
    weight_styles,
)
from .training import History, accuracy, train_epoch

DATASETS = ("xor", "moons", "circles", "spirals")
OUTPUTS = ("sigmoid", "identity")
LOSS_LABELS = {"binary_cross_entropy": "cross-entropy", "half_squared_error": "squared error"}
MAX_HIDDEN_LAYERS = 4
MAX_WIDTH = 32
LR_RANGE = (1e-4, 10.0)
NOISE_RANGE = (0.0, 0.5)
MAX_SEED = 999_999
RESOLUTION = 60  # the boundary is shaded on a RESOLUTION x RESOLUTION grid
MAX_NEURONS_DRAWN = 12

DEFAULTS = dict(
    dataset="moons",
    noise=0.1,
    hidden=(8, 8),
    activation="tanh",
    output="sigmoid",
    loss="binary_cross_entropy",
    lr=0.3,
    batch_size=16,
    seed=0,
)


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


class Playground:
    """One training run of a small classifier on 2-D toy data, with its controls.

    Settings: dataset (xor, moons, circles, spirals), noise, hidden (the widths
    of 0 to 4 hidden layers, each 1 to 32), activation (of the hidden layers),
    output (the output layer's activation: sigmoid, or identity for a linear
    output), loss (binary_cross_entropy or half_squared_error), lr,
    batch_size, seed.  m training and m_test test points come from the same
    data set.  The one seed fixes the data, the initial weights and the
    shuffling, exactly as ml.train(seed=...) does.
    """

    def __init__(self, *, m: int = 200, m_test: int = 100, epochs: int = 0, **settings):
        if not _is_int(m) or m < 4 or not _is_int(m_test) or m_test < 4:
            raise ValueError(f"m and m_test must be integers >= 4, got m={m!r}, m_test={m_test!r}.")
        self.m, self.m_test = int(m), int(m_test)
        self.settings = dict(DEFAULTS)
        self.settings["hidden"] = list(DEFAULTS["hidden"])
        self._widget = None
        self._task = None
        self.running = False
        self._picture = None
        self.set(**settings)
        if epochs:
            self.train(epochs)


    @property
    def layer_sizes(self) -> list[int]:
        """[n[0], n[1], ..., n[L]] = [2, *hidden, 1]."""
        return [2, *self.settings["hidden"], 1]

    @property
    def activations(self) -> list[str]:
        """The hidden activation for layers 1..L-1, then the output activation for layer L."""
        return [self.settings["activation"]] * len(self.settings["hidden"]) + [self.settings["output"]]

    @property
    def init(self) -> str:
        return "he" if self.settings["activation"] in ("relu", "leaky_relu") else "xavier"

    @property
    def epoch(self) -> int:
        return self.history.epochs

    @property
    def steps(self) -> int:
        return self.history.steps

    @property
    def diverged(self) -> bool:
        return self.history.diverged

    @property
    def message(self) -> str:
        """Why training stopped (empty while all is well)."""
        return self.history.message

    def set(self, **settings) -> "Playground":
        """Change settings and start a new run at epoch 0, e.g. pg.set(lr=1.0, hidden=[16])."""
        new = dict(self.settings)
        for name, value in settings.items():
            if name not in DEFAULTS:
                raise ValueError(f"Unknown setting {name!r}. Valid settings are: {', '.join(DEFAULTS)}.")
            new[name] = value
        self.settings = self._checked(new)
        self.reset(keep_running=True)
        return self

    def _checked(self, s: dict) -> dict:
        if s["dataset"] not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {s['dataset']!r}.")
        if s["activation"] not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {s['activation']!r}.")
        if s["output"] not in OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, got {s['output']!r}.")
        if s["loss"] not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {s['loss']!r}.")
        hidden = list(s["hidden"]) if isinstance(s["hidden"], (list, tuple)) else [None] * 99
        if len(hidden) > MAX_HIDDEN_LAYERS or not all(_is_int(n) and 1 <= n <= MAX_WIDTH for n in hidden):
            raise ValueError(
                f"hidden must list the widths of 0 to {MAX_HIDDEN_LAYERS} hidden layers, each from 1 to "
                f"{MAX_WIDTH}, e.g. hidden=[8, 8]; got {s['hidden']!r}."
            )
        for name, (lo, hi) in (("lr", LR_RANGE), ("noise", NOISE_RANGE)):
            x = s[name]
            if isinstance(x, bool) or not isinstance(x, (int, float, np.floating)) or not lo <= x <= hi:
                raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {x!r}.")
        if not _is_int(s["batch_size"]) or not 1 <= s["batch_size"] <= self.m:
            raise ValueError(f"batch_size must be an integer from 1 to m = {self.m}, got {s['batch_size']!r}.")
        if not _is_int(s["seed"]) or not 0 <= s["seed"] <= MAX_SEED:
            raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {s['seed']!r}.")
        # Rounded so that the printed line of Python re-creates the run bit for bit.
        return dict(
            s,
            hidden=[int(n) for n in hidden],
            lr=float(f"{float(s['lr']):.3g}"),
            noise=round(float(s["noise"]), 3),
            batch_size=int(s["batch_size"]),
            seed=int(s["seed"]),
        )

    def reset(self, keep_running: bool = False) -> "Playground":
        """Fresh data, fresh weights, epoch 0: the same settings, started again."""
        if not keep_running:
            self.pause()
        s = self.settings
        X, Y = load_dataset(s["dataset"], m=self.m + self.m_test, noise=s["noise"], seed=s["seed"])
        self.X, self.Y = X[:, : self.m], Y[:, : self.m]
        self.X_test, self.Y_test = X[:, self.m :], Y[:, self.m :]
        self.params = init_params(self.layer_sizes, seed=s["seed"], init=self.init)
        self.rng = np.random.default_rng(s["seed"])  # the shuffling, as in ml.train(seed=...)
        self.history = History()
        self.test_loss: list[float] = []
        self._loss_fn = get_loss(s["loss"])
        self._changed()
        return self

    def _train_epochs(self, epochs: int) -> None:
        s = self.settings
        for _ in range(epochs):
            if self.history.diverged:
                return
            self.params = train_epoch(
                self.params, self.X, self.Y, self.activations, self._loss_fn,
                s["lr"], s["batch_size"], self.rng, self.history,
            )
            if self.history.diverged:
                self.history.message += " Press Reset, or change a setting, to start again."
                return
            self.test_loss.append(self._loss_on(self.X_test, self.Y_test))

    def _loss_on(self, X, Y) -> float:
        with np.errstate(all="ignore"):
            return float(self._loss_fn(predict(self.params, X, self.activations), Y)[0])

    def step(self) -> "Playground":
        """One epoch: one pass over the shuffled training set, one update per mini-batch."""
        return self.train(1)

    def train(self, epochs: int = 100) -> "Playground":
        """Train `epochs` more epochs (stops early, with a message, if the loss diverges)."""
        if not _is_int(epochs) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}.")
        self._train_epochs(int(epochs))
        self._changed()
        return self


    def accuracies(self) -> tuple[float, float]:
        """(training accuracy, test accuracy) of the current parameters."""
        with np.errstate(all="ignore"):
            train = accuracy(predict(self.params, self.X, self.activations), self.Y)
            test = accuracy(predict(self.params, self.X_test, self.activations), self.Y_test)
        return train, test

    def status(self) -> str:
        """One line: epoch and step counters, the losses and the accuracies."""
        if self.history.loss:
            train_acc, test_acc = self.accuracies()
            losses = (
                f"train loss {self.history.loss[-1]:.4f}, test loss {self.test_loss[-1]:.4f}, "
                f"train accuracy {train_acc:.1%}, test accuracy {test_acc:.1%}"
            )
        else:
            losses = "not trained yet"
        return f"epoch {self.epoch}, step {self.steps}: {losses}"

    def warning(self) -> str:
        """A note on a combination of settings that cannot train well (empty if there is none)."""
        if self.settings["loss"] == "binary_cross_entropy" and self.settings["output"] != "sigmoid":
            return (
                "Note: cross-entropy needs outputs a[L] between 0 and 1, which a sigmoid output gives; "
                "with an identity output a[L] is clipped and the gradient misleads. Choose output sigmoid, "
                "or the squared error loss."
            )
        return ""

    def code_line(self) -> str:
        """A line of Python that re-creates exactly this run (settings, seed and epochs)."""
        s = self.settings
        extra = ""
        if self.m != 200 or self.m_test != 100:
            extra = f"m={self.m}, m_test={self.m_test}, "
        return (
            f'ml.playground(dataset="{s["dataset"]}", noise={s["noise"]!r}, hidden={s["hidden"]!r}, '
            f'activation="{s["activation"]}", output="{s["output"]}", loss="{s["loss"]}", lr={s["lr"]!r}, '
            f'batch_size={s["batch_size"]}, seed={s["seed"]}, {extra}epochs={self.epoch})'
        )

    def code(self) -> str:
        """The same run written with the lessons' functions: load_dataset, init_params, train."""
        s = self.settings
        m = self.m
        return "\n".join(
            [
                "import mlp_lessons as ml",
                f'X, Y = ml.load_dataset("{s["dataset"]}", m={m + self.m_test}, noise={s["noise"]!r}, seed={s["seed"]})',
                f"X_train, Y_train, X_test, Y_test = X[:, :{m}], Y[:, :{m}], X[:, {m}:], Y[:, {m}:]",
                f'params = ml.init_params({self.layer_sizes!r}, seed={s["seed"]}, init="{self.init}")',
                f"params, history = ml.train(params, X_train, Y_train, {self.activations!r},",
                f'                           loss="{s["loss"]}", lr={s["lr"]!r}, epochs={self.epoch},',
                f'                           batch_size={s["batch_size"]}, seed={s["seed"]})',
            ]
        )


    def figure(self, dpi: int = 72) -> Figure:
        """The decision boundary, the network and the loss curves, drawn into one Agg figure."""
        if self._picture is None or self._picture.figure.dpi != dpi:
            self._picture = _Picture(dpi)
        return self._picture.update(self)

    def png(self, dpi: int = 72) -> bytes:
        """figure() as PNG bytes."""
        fig = self.figure(dpi)
        buffer = io.BytesIO()
        fig.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})  # fast beats small here
        return buffer.getvalue()

    def snapshot(self, dpi: int = 72):
        """A static picture of the current state (an IPython Image), for where widgets do not render."""
        from IPython.display import Image

        return Image(data=self.png(dpi), format="png")


    @property
    def widget(self):
        """The ipywidgets user interface (built on first use)."""
        if self._widget is None:
            self._build_widget()
            self._changed()
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _build_widget(self):
        import ipywidgets as w

        s = self.settings
        look = dict(style={"description_width": "95px"}, layout=w.Layout(width="290px"))
        # Sliders report on release, not on every pixel of a drag: each value starts a new run.
        slider = dict(look, continuous_update=False)
        c = self.controls = {}
        c["dataset"] = w.Dropdown(description="data set", options=list(DATASETS), value=s["dataset"], **look)
        c["noise"] = w.FloatSlider(description="noise", min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.05, **slider)
        c["hidden_layers"] = w.IntSlider(description="hidden layers", min=0, max=MAX_HIDDEN_LAYERS, **slider)
        for l in range(1, MAX_HIDDEN_LAYERS + 1):
            c[f"width{l}"] = w.IntSlider(description=f"width n[{l}]", min=1, max=MAX_WIDTH, value=8, **slider)
        c["activation"] = w.Dropdown(description="activation", options=list(ACTIVATIONS), value=s["activation"], **look)
        c["output"] = w.Dropdown(description="output a[L]", options=list(OUTPUTS), value=s["output"], **look)
        losses = [(label, name) for name, label in LOSS_LABELS.items()]
        c["loss"] = w.Dropdown(description="loss", options=losses, value=s["loss"], **look)
        c["lr"] = w.FloatLogSlider(
            description="learning rate", base=10, min=-4, max=1, step=0.1, readout_format=".3g", **slider
        )
        c["batch_size"] = w.IntSlider(description="batch size", min=1, max=self.m, **slider)
        c["seed"] = w.BoundedIntText(description="seed", min=0, max=MAX_SEED, style=look["style"])
        c["seed"].layout.width = "200px"
        for control in c.values():
            control.observe(self._on_control, names="value")

        b = self.buttons = {}
        b["train"] = w.Button(description="Train", icon="play", button_style="success", layout=w.Layout(width="100px"))
        b["step"] = w.Button(description="Step", icon="step-forward", tooltip="one epoch", layout=w.Layout(width="100px"))
        b["reset"] = w.Button(description="Reset", icon="undo", layout=w.Layout(width="100px"))
        b["train"].on_click(lambda _: self.pause() if self.running else self.start())
        b["step"].on_click(lambda _: self.step())
        b["reset"].on_click(lambda _: self.reset())

        self.counter = w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width="828px", height="auto"))
        self.status_html = w.HTML()
        self.code_html = w.HTML()
        self._sync_controls()
        columns = [
            ["dataset", "noise", "batch_size", "seed"],
            ["hidden_layers", "width1", "width2", "width3", "width4"],
            ["activation", "output", "loss", "lr"],
        ]
        controls = w.HBox(
            [w.VBox([c[name] for name in column], layout=w.Layout(width="300px")) for column in columns],
            layout=w.Layout(flex_flow="row wrap"),  # narrow screens stack the columns
        )
        top = w.HBox([b["train"], b["step"], b["reset"], self.counter])
        self._widget = w.VBox([top, controls, self.image, self.status_html, self.code_html])

    def _settings_from_controls(self) -> dict:
        c = self.controls
        n = c["hidden_layers"].value
        return dict(
            dataset=c["dataset"].value,
            noise=c["noise"].value,
            hidden=[c[f"width{l}"].value for l in range(1, n + 1)],
            activation=c["activation"].value,
            output=c["output"].value,
            loss=c["loss"].value,
            lr=c["lr"].value,
            batch_size=c["batch_size"].value,
            seed=c["seed"].value,
        )

    def _on_control(self, change) -> None:
        if getattr(self, "_syncing", False):
            return
        self.set(**self._settings_from_controls())

    def _sync_controls(self) -> None:
        """Show the current settings on the controls without triggering their observers."""
        c, s = self.controls, self.settings
        self._syncing = True
        try:
            for name in ("dataset", "noise", "activation", "output", "loss", "lr", "batch_size", "seed"):
                if c[name].value != s[name]:
                    c[name].value = s[name]
            c["hidden_layers"].value = len(s["hidden"])
            for l in range(1, MAX_HIDDEN_LAYERS + 1):
                if l <= len(s["hidden"]):
                    c[f"width{l}"].value = s["hidden"][l - 1]
                c[f"width{l}"].disabled = l > len(s["hidden"])
        finally:
            self._syncing = False

    @contextlib.contextmanager
    def hold_redraw(self):
        """Redraw once at the end of the block, not after every change inside it."""
        self._held = getattr(self, "_held", 0) + 1
        try:
            yield self
        finally:
            self._held -= 1
            self._changed()

    def _changed(self) -> None:
        """Redraw the widget (if there is one) from the current state."""
        if self._widget is None or getattr(self, "_held", 0):
            return
        self._sync_controls()
        self.image.value = self.png()
        train = self.buttons["train"]
        train.description, train.icon = ("Pause", "pause") if self.running else ("Train", "play")
        train.button_style = "warning" if self.running else "success"
        self.counter.value = (
            f"<span style='font-size:1.3em; margin-left:1em'><b>epoch {self.epoch}</b> &nbsp; step {self.steps}</span>"
        )
        status = html.escape(self.status())
        if self.warning():
            status += f"<br><span style='color:#a60'>{html.escape(self.warning())}</span>"
        if self.message:
            status += f"<br><b style='color:#c00'>{html.escape(self.message)}</b>"
        self.status_html.value = status
        self.code_html.value = (
            "re-create this run: <code style='user-select:all'>"
            f"import mlp_lessons as ml; pg = {html.escape(self.code_line(), quote=False)}</code>"
        )


    async def run(self, max_epochs: int | None = None, epochs_per_frame: int = 5, frame_seconds: float = 0.1) -> None:
        """Train until paused, diverged or max_epochs more epochs; redraw after every
        epochs_per_frame epochs (or frame_seconds, if those take longer).

        Between frames it yields to the event loop, so the kernel keeps handling
        button clicks and slider moves while it trains.
        """
        self.running = True
        start_epoch = self.epoch
        try:
            self._changed()
            while self.running and not self.diverged:
                if max_epochs is not None and self.epoch - start_epoch >= max_epochs:
                    break
                t0 = time.perf_counter()
                for _ in range(epochs_per_frame):
                    if self.diverged or time.perf_counter() - t0 > frame_seconds:
                        break
                    if max_epochs is not None and self.epoch - start_epoch >= max_epochs:
                        break
                    self._train_epochs(1)
                self._changed()
                await asyncio.sleep(0.02)
        except Exception as error:  # an exception in a task is otherwise never seen
            self.history.message = f"Training stopped by an error: {error!r}"
            raise
        finally:
            self.running = False
            self._task = None
            self._changed()

    def start(self) -> None:
        """Start continuous training in the running event loop (in Jupyter: the kernel's)."""
        if self.running or self.diverged:
            self._changed()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            # No event loop to share (a plain script): train a fixed burst instead.
            self.train(50)
            return
        self.running = True
        self._task = loop.create_task(self.run())
        self._changed()

    def pause(self) -> None:
        """Stop continuous training after the current epoch."""
        self.running = False


class _Picture:
    """One Agg figure with three panels, updated in place: redrawing only what changed keeps a frame fast."""

    def __init__(self, dpi: int):
        self.figure = Figure(figsize=(11.5, 3.4), dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.ax_data, self.ax_net, self.ax_loss = self.figure.subplots(
            1, 3, gridspec_kw=dict(width_ratios=[1, 1.15, 1.25], wspace=0.25)
        )
        self.figure.subplots_adjust(left=0.01, right=0.98, bottom=0.15, top=0.9)
        self.data_key = self.net_key = None
        self.contour = None
        ax = self.ax_loss
        (self.train_line,) = ax.plot([], [], color="black", lw=1.5, label="train")
        (self.test_line,) = ax.plot([], [], color="tab:red", lw=1.2, ls="--", label="test")
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("epoch")
        ax.legend(fontsize=8, frameon=False, loc="upper right")
        ax.grid(alpha=0.3)
        # Titles as plain text: an axes title is re-positioned (slowly) on every draw.
        self.loss_title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", fontsize=10)
        self.data_title = self.ax_data.text(0.5, 1.03, "", transform=self.ax_data.transAxes, ha="center", fontsize=10)
        self.ax_net.text(0.5, 1.03, "weights: orange +, blue -", transform=self.ax_net.transAxes, ha="center", fontsize=10)

    def update(self, pg: Playground) -> Figure:
        self._update_data(pg)
        self._update_network(pg)
        self._update_loss(pg)
        return self.figure

    def _update_data(self, pg):
        ax = self.ax_data
        if self.data_key is not pg.X:
            self.data_key = pg.X
            for artist in list(ax.collections) + list(ax.images):
                artist.remove()
            self.contour = None
            self.G, extent = boundary_grid(np.hstack([pg.X, pg.X_test]), RESOLUTION)
            self.x1 = np.linspace(extent[0], extent[1], RESOLUTION)
            self.x2 = np.linspace(extent[2], extent[3], RESOLUTION)
            self.image = ax.imshow(
                np.full((RESOLUTION, RESOLUTION), 0.5), origin="lower", extent=extent,
                cmap=PROBABILITY_CMAP, vmin=0, vmax=1, aspect="auto", zorder=0,
            )
            scatter_points(ax, pg.X, pg.Y)
            scatter_points(ax, pg.X_test, pg.Y_test, test=True)
            ax.set_xlim(extent[0], extent[1])
            ax.set_ylim(extent[2], extent[3])
            ax.set_xticks([])
            ax.set_yticks([])
            self.data_title.set_text(f"{pg.settings['dataset']}: train filled, test hollow")
        P = boundary_probabilities(pg.params, pg.activations, self.G, RESOLUTION)
        self.image.set_data(P)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if np.all(np.isfinite(P)) and P.min() < 0.5 < P.max():
            self.contour = ax.contour(self.x1, self.x2, P, levels=[0.5], colors="black", linewidths=1.0, zorder=1)

    def _update_network(self, pg):
        sizes = pg.layer_sizes
        if self.net_key != sizes:
            self.net_key = sizes
            for artist in list(self.ax_net.collections) + list(self.ax_net.texts)[1:]:
                artist.remove()
            draw_network(self.ax_net, sizes, pg.params, max_neurons=MAX_NEURONS_DRAWN)
            self.lines = self.ax_net.collections[0]
        else:
            colors, widths = weight_styles(sizes, pg.params, MAX_NEURONS_DRAWN)
            self.lines.set_color(colors)
            self.lines.set_linewidth(widths)

    def _update_loss(self, pg):
        ax = self.ax_loss
        epochs = np.arange(1, len(pg.history.loss) + 1)
        self.train_line.set_data(epochs, np.minimum(pg.history.loss, 10 * MAX_LOSS_SHOWN))
        self.test_line.set_data(epochs[: len(pg.test_loss)], np.minimum(pg.test_loss, 10 * MAX_LOSS_SHOWN))
        ax.set_ylim(*loss_limits(pg.history.loss + pg.test_loss))
        ax.set_xlim(0, max(10, len(epochs)) * 1.02)
        self.loss_title.set_text(f"J per epoch: epoch {pg.epoch}, step {pg.steps}")


def playground(*, epochs: int = 0, m: int = 200, m_test: int = 100, **settings) -> Playground:
    """A Playground; in Jupyter, leave it as a cell's last line to show its controls.

    Settings (all optional): dataset, noise, hidden, activation, output, loss,
    lr, batch_size, seed; epochs trains that many epochs first.  Defaults:
    ml.playground(dataset="moons", noise=0.1, hidden=[8, 8], activation="tanh",
    output="sigmoid", loss="binary_cross_entropy", lr=0.3, batch_size=16, seed=0).
    """
    return Playground(epochs=epochs, m=m, m_test=m_test, **settings)
