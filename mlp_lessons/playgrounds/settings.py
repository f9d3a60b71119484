"""The playground's settings: one validated value, made from one typed list of its properties.

As in TensorFlow Playground's State, every setting is one entry of PROPERTIES: its name and
default, its check (the checks train() and Run use, plus the range its control offers), the
row of its control (which column, what kind of widget, its label), what a change of it
needs (a new optimizer, a new network, new data, or only a redraw) and whether the line of
Python always names it.  The Settings class, the control panel's rows and the reproduce
line are all made from that list, so a new setting is one entry here (plus, if the run uses
it, the line of optimizer_call that passes it on).

A Settings is immutable; settings.replace(...) returns a new one, adapting what depends on
the data (a regression task gets a linear output and the squared error; the sine, with one
input, only the features of x1).  dataset None means the points come from elsewhere (your
own, see own_data), whose task says classification or regression.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, field, make_dataclass
from typing import Callable

from ..activations import ACTIVATIONS, get_activation
from ..data.datasets import DATASETS, REGRESSION
from ..data.features import check_features, features_for
from ..errors import check_batch_size, check_count, check_layer_sizes, check_lr, check_seed, short_repr
from ..losses import get_loss
from .. import optim
from ..optim import REGULARIZATION_NAMES as REGULARIZATIONS
from ..params import INITS
from ..training import smaller_lr

OUTPUTS = ("sigmoid", "identity")
LOSS_LABELS = {"binary_cross_entropy": "cross-entropy", "half_squared_error": "squared error"}
REG_RATES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# "random": the activation's own random start (He for relu and leaky_relu, Xavier otherwise).
INIT_CHOICES = ("random", *INITS)
TASKS = ("classification", "regression")
# What the network panel draws: the weights and each neuron's output over the plane, or the
# latest step's gradients (|dJ/dW| on the lines, each neuron's mean |dJ/dz| in its box).
VIEWS = ("weights", "gradients")
MAX_HIDDEN_LAYERS = 4
MAX_WIDTH = 32
LR_RANGE = (1e-4, 10.0)


def slider_advice(lr: float) -> str:
    """A divergence message's learning-rate advice: a smaller lr, but none below the slider's."""
    return smaller_lr(lr, least=LR_RANGE[0])


ADVICE = f"lambda lr: ml.smaller_lr(lr, least={LR_RANGE[0]!r})"  # slider_advice, as code() writes it for Run
MOMENTUM_RANGE = (0.0, 0.99)
NOISE_RANGE = (0.0, 0.5)
TRAIN_PERCENT_RANGE = (10, 90)
MAX_SEED = 999_999


def _number(name, lo, hi, digits=".3g"):
    """A check: a real number from lo to hi, rounded to `digits` (as printed, so that the line re-creates it)."""

    def check(x):
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not lo <= x <= hi:
            raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {short_repr(x)}.")
        return float(format(float(x), digits))

    return check


def _choice(name, options):
    """A check: one of the options."""

    def check(x):
        if x not in options:
            raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {x!r}.")
        return x

    return check


def _hidden(hidden):
    if not isinstance(hidden, (list, tuple)) or len(hidden) > MAX_HIDDEN_LAYERS or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and 1 <= n <= MAX_WIDTH for n in hidden
    ):
        raise ValueError(
            f"hidden must list the widths of 0 to {MAX_HIDDEN_LAYERS} hidden layers, each from 1 to "
            f"{MAX_WIDTH}, e.g. hidden=[8, 8]; got {hidden!r}."
        )
    return tuple(int(n) for n in hidden)


def _seed(seed):
    seed = check_seed(seed)
    if seed > MAX_SEED:
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {short_repr(seed)}.")
    return seed


def _controls(controls):
    if controls is not None:
        if isinstance(controls, str) or not all(c in CONTROLS for c in controls):
            raise ValueError(f"controls must be a list of names from {', '.join(CONTROLS)}, got {controls!r}.")
        controls = tuple(c for c in CONTROLS if c in controls)
    return controls


SOFTMAX = (
    "Softmax needs one output unit per class, and the playground's network has one output unit: "
    "a softmax over one unit is always 1, so its cross-entropy is 0 and nothing is learned. "
    "For two classes use output sigmoid with loss binary_cross_entropy."
)


def _output(output):
    if output == "softmax":
        raise ValueError(SOFTMAX)
    return _choice("output", OUTPUTS)(output)


def _loss(loss):
    if loss == "softmax_cross_entropy":
        raise ValueError(SOFTMAX)
    _choice("loss", tuple(LOSS_LABELS))(loss)
    get_loss(loss)
    return loss


@dataclass(frozen=True)
class Property:
    """One setting: its value's check, its control's row, and what a change of it needs."""

    name: str
    default: object
    check: Callable = lambda x: x  # the value alone, normalised (checks between values: _related)
    widget: tuple = ()  # ("dropdown", options) | ("slider", kind, lo, hi, step) | ("checkbox",) | (): its own row
    label: str = ""
    column: int | None = None  # the column of controls its row goes in (None: no control of its own)
    control: str | None = None  # the control that shows it, when that is not its own name
    needs: str = "run"  # a change needs: "view" (a redraw), "optimizer", "run" (new weights) or "data"
    line: str = "changed"  # the line of Python names it "always", when "changed" from the default, or "never"
    builtin_data: bool = False  # about a built-in data set (with data=..., neither set nor printed)


PROPERTIES = (
    Property("dataset", "moons", _choice("dataset", (None, *DATASETS)), ("dropdown", [(d, d) for d in DATASETS]),
             "data set", 0, needs="data", line="always", builtin_data=True),
    Property("task", "classification", _choice("task", TASKS), needs="data", line="never", builtin_data=True),
    Property("noise", 0.1, _number("noise", *NOISE_RANGE, ".3f"), ("slider", "float", *NOISE_RANGE, 0.05),
             "noise", 0, needs="data", line="always", builtin_data=True),
    Property("features", ("x1", "x2"), lambda f: f, (), "", 1),
    Property("hidden", (8, 8), _hidden, (), "", 1, line="always"),
    Property("activation", "tanh", _choice("activation", tuple(ACTIVATIONS)),
             ("dropdown", [(a, a) for a in ACTIVATIONS]), "activation", 1, line="always"),
    Property("output", "sigmoid", _output, ("dropdown", [(o, o) for o in OUTPUTS]),
             "output a[L]", 2, line="always"),
    Property("loss", "binary_cross_entropy", _loss, ("dropdown", [(v, k) for k, v in LOSS_LABELS.items()]),
             "loss", 2, line="always"),
    Property("lr", 0.3, lambda lr: _number("lr", *LR_RANGE)(check_lr(lr)), ("slider", "log", *LR_RANGE, 0.1),
             "learning rate", 2, needs="optimizer", line="always"),
    Property("momentum", 0.0, _number("momentum", *MOMENTUM_RANGE), ("slider", "float", *MOMENTUM_RANGE, 0.01),
             "momentum", 2, needs="optimizer"),
    Property("regularization", None, _choice("regularization", REGULARIZATIONS),
             ("dropdown", [(r or "none", r) for r in REGULARIZATIONS]), "regularisation", 2, needs="optimizer"),
    Property("reg_rate", 0.01, _number("reg_rate", REG_RATES[0], REG_RATES[-1]),
             ("steps", [(f"{r:g}", r) for r in REG_RATES]), "rate lambda", 2, "regularization", needs="optimizer"),
    Property("batch_size", 16, check_batch_size, ("slider", "int", 1, None, 1), "batch size", 0, line="always"),
    Property("m", 200, lambda m: int(check_count("m", m, 1, " (a number of points)")), (), "", 0, "ratio", needs="data"),
    Property("m_test", 100, lambda m: int(check_count("m_test", m, 1, " (a number of points)")), (), "", None, "ratio",
             needs="data", builtin_data=True),
    Property("seed", 0, _seed, ("slider", "text", 0, MAX_SEED, 1), "seed", 0, needs="data", line="always"),
    Property("init", "random", _choice("init", INIT_CHOICES),
             ("dropdown", [("He / Xavier", "random"), ("He", "he"), ("Xavier", "xavier"), ("all zero", "zeros")]),
             "initial W", 1),
    Property("show_test", True, bool, ("checkbox",), "show test points", 0, needs="view"),
    Property("discretize", False, bool, ("checkbox",), "discretise output", 0, needs="view"),
    Property("view", "weights", _choice("view", VIEWS),
             ("dropdown", [("weights, neuron outputs", "weights"), ("gradients of the latest step", "gradients")]),
             "view", 0, needs="view", line="never"),
    Property("controls", None, _controls, needs="view"),
)
BY_NAME = {p.name: p for p in PROPERTIES}
# The controls a teacher can show, in order: one per property with a column, and a weight's editor.
CONTROLS = tuple(dict.fromkeys(p.control or p.name for p in PROPERTIES if p.column is not None)) + ("edit_weight",)
BUILTIN_DATA_CONTROLS = tuple(p.name for p in PROPERTIES if p.builtin_data and p.column is not None)


def n_inputs(dataset: str | None) -> int:
    """How many raw inputs the data set has: 1 for the sine, 2 for the plane."""
    return 1 if dataset == "sine" else 2


class _SettingsMethods:
    """What a Settings does; its fields are PROPERTIES (see Settings)."""

    @classmethod
    def checked(cls, **values) -> "Settings":
        """Defaults, then the values given (adapted to the data), validated."""
        return cls().replace(**values)

    def replace(self, **changes) -> "Settings":
        """A new Settings with these changes; what depends on the data follows it."""
        for name in changes:
            if name not in BY_NAME:
                raise ValueError(f"Unknown setting {name!r}. Valid settings are: {', '.join(sorted(BY_NAME))}.")
        values = asdict(self)
        dataset = changes.get("dataset", self.dataset)
        if dataset in DATASETS and "task" not in changes:
            changes = {"task": TASKS[dataset in REGRESSION], **changes}
        task = changes.get("task", self.task)
        if task in TASKS and task != self.task:  # the output and the loss follow the task
            regression = dict(output="identity", loss="half_squared_error") if task == "regression" else {}
            values.update({"output": BY_NAME["output"].default, "loss": BY_NAME["loss"].default, **regression})
        if dataset in (None, *DATASETS):
            allowed = features_for(n_inputs(dataset))
            values["features"] = tuple(f for f in self.features if f in allowed) or allowed[: n_inputs(dataset)]
        values.update(changes)
        settings = Settings(**_related({p.name: p.check(values[p.name]) for p in PROPERTIES}))
        settings.optimizer()  # the update rule's own checks (beta, rate, ...)
        return settings

    def changed(self, other: "Settings") -> set[str]:
        """What the change from other to self needs: a subset of {"view", "optimizer", "run", "data"}."""
        return {BY_NAME[name].needs for name, value in asdict(self).items() if getattr(other, name) != value}

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    @property
    def layer_sizes(self) -> list[int]:
        """[n[0], n[1], ..., n[L]]: one input per feature, the hidden widths, one output."""
        return [len(self.features), *self.hidden, 1]

    @property
    def activations(self) -> list[str]:
        """The hidden activation for layers 1..L-1, then the output activation for layer L."""
        return [self.activation] * len(self.hidden) + [self.output]

    @property
    def init_name(self) -> str:
        """The name init_params takes."""
        if self.init != "random":
            return self.init
        return get_activation(self.activation).init

    @property
    def train_percent(self) -> float:
        return 100 * self.m / (self.m + self.m_test)

    def optimizer_call(self) -> tuple[str, dict]:
        """The update rule as (class name in optim, its arguments): the run makes it, code() prints it."""
        arguments = {"lr": self.lr}
        if self.momentum:
            arguments["beta"] = self.momentum
        if self.regularization is not None:
            arguments.update(regularization=self.regularization, rate=self.reg_rate)
        return ("Momentum" if self.momentum else "GradientDescent"), arguments

    def optimizer(self):
        """The update rule of a run with these settings (GradientDescent, or Momentum when momentum > 0)."""
        name, arguments = self.optimizer_call()
        return getattr(optim, name)(**arguments)

    def warning(self) -> str:
        """A note on settings that cannot train well (empty if there is none)."""
        if self.loss == "binary_cross_entropy" and self.output != "sigmoid":
            return (
                "Note: cross-entropy needs outputs a[L] between 0 and 1, which a sigmoid output gives; "
                "an identity output leaves that range and its gradient misleads. Choose output sigmoid, "
                "or the squared error loss."
            )
        if self.init == "zeros" and self.hidden:
            return (
                "Note: with all weights 0, every unit of a hidden layer computes the same and gets the "
                "same gradient, so the units stay identical: the network acts as if each layer had one unit."
            )
        return ""

    def call(self, epochs: int, data: tuple = ()) -> str:
        """ml.playground(...) with these settings and `epochs` epochs: the reproduce line's start.

        data: the arguments that name the data when they are not a built-in data set's.
        """
        parts = list(data)
        for p in PROPERTIES:
            value = getattr(self, p.name)
            if p.line == "never" or (self.dataset is None and p.builtin_data):
                continue
            if p.line == "always" or value != p.default:
                value = list(value) if isinstance(value, tuple) else value
                parts.append(f"{p.name}={value!r}".replace("'", '"'))
        return f"ml.playground({', '.join(parts)}, epochs={epochs})"


Settings = make_dataclass(
    "Settings", [(p.name, object, field(default=p.default)) for p in PROPERTIES], bases=(_SettingsMethods,),
    frozen=True, namespace={"__doc__": "Everything that fixes a playground run and its picture: one field per "
                            "entry of PROPERTIES.  Build with Settings.checked(...).", "__module__": __name__},
)


def _related(s: dict) -> dict:
    """The checks between settings (each value alone is checked by its Property)."""
    if s["task"] == "regression" and s["loss"] == "binary_cross_entropy":
        what = (f"{s['dataset']} is a regression data set: its targets y are real numbers" if s["dataset"]
                else "Your points have real-valued targets (regression)")
        raise ValueError(f"{what}, not labels 0 or 1, so cross-entropy does not apply. "
                         f"Use loss half_squared_error (with output identity).")
    features = check_features(s["features"], n_inputs(s["dataset"]))
    check_layer_sizes([len(features), *s["hidden"], 1])
    # A batch larger than the training set is the whole set, as in train().
    return dict(s, features=features, batch_size=min(s["batch_size"] or s["m"], s["m"]))


def playground_line(settings, log, data: tuple = ()) -> str:
    """The line of Python that re-creates a playground's run: its settings, then its log
    (epochs, steps, weight edits) as calls, the first epochs as its epochs= argument."""
    log = list(log)
    epochs = log.pop(0)[1] if log and log[0][0] == "train" else 0
    line = settings.call(epochs, data)
    for action, *args in log:
        if action == "set_weight":
            line += f".set_weight({', '.join(map(repr, args))})"
        else:
            line += f".{action}({'' if action == 'step' and args[0] == 1 else args[0]})"
    return line


def lesson_code(settings, log, data_lines: list[str] | None = None) -> str:
    """The run of a playground written out with the lessons' functions, for settings and its log.

    data_lines: how X, Y are read and split when they are not a built-in data set
    (the features go in between).
    """
    s, m = settings, settings.m
    raw = ("x1",) if n_inputs(s.dataset) == 1 else ("x1", "x2")
    read, split = data_lines or (
        f'X, Y = ml.load_dataset("{s.dataset}", m={m + s.m_test}, noise={s.noise!r}, seed={s.seed})',
        f"X_train, Y_train, X_test, Y_test = X[:, :{m}], Y[:, :{m}], X[:, {m}:], Y[:, {m}:]",
    )
    lines = ["import mlp_lessons as ml", read]
    if s.features != raw:
        lines.append(f"X = ml.input_features(X, {list(s.features)!r})  # a[0]: the chosen features")
    name, arguments = s.optimizer_call()
    optimizer = f"ml.{name}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})".replace("'", '"')
    lines += [
        split,
        f'params = ml.init_params({s.layer_sizes!r}, seed={s.seed}, init="{s.init_name}")',
        f"run = ml.Run(params, X_train, Y_train, {s.activations!r}, loss=\"{s.loss}\", optimizer={optimizer},",
        f"             batch_size={s.batch_size}, seed={s.seed}, X_test=X_test, Y_test=Y_test, advice={ADVICE})",
    ]
    for action, *args in log:
        if action == "set_weight":
            l, p, q, value = args
            lines.append(f"run.set_weight({l}, {p}, {q}, {value!r})  # W[{l}]_{p}{q} set by hand")
        elif action == "train":
            lines.append(f"run.train({args[0]})")
        else:  # n mini-batches
            lines.append("run.step()" if args[0] == 1 else f"for _ in range({args[0]}):\n    run.step()")
    lines.append("params, history = run.params, run.history")
    return "\n".join(lines)
