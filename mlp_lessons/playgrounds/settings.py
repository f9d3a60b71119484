"""The playground's settings: one validated value that also writes the line of Python re-creating a run.

Every setting is checked here with the same checks train() and Run use
(check_lr, check_batch_size, check_seed, get_loss, GradientDescent, ...), plus
the ranges the playground's controls offer.  A Settings is immutable;
settings.replace(...) returns a new one, adapting what depends on the data set
(a regression set gets a linear output and the squared error; the sine, with
one input, only the features of x1).
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, fields

from ..activations import ACTIVATIONS
from ..data.datasets import DATASETS, REGRESSION
from ..errors import check_batch_size, check_count, check_layer_sizes, check_lr, check_seed, short_repr
from ..data.features import check_features, features_for
from ..losses import get_loss
from ..optim import GradientDescent

OUTPUTS = ("sigmoid", "identity")
LOSS_LABELS = {"binary_cross_entropy": "cross-entropy", "half_squared_error": "squared error"}
REGULARIZATIONS = (None, "L1", "L2")
REG_RATES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
INITS = ("random", "zeros")
MAX_HIDDEN_LAYERS = 4
MAX_WIDTH = 32
LR_RANGE = (1e-4, 10.0)
NOISE_RANGE = (0.0, 0.5)
TRAIN_PERCENT_RANGE = (10, 90)
MAX_SEED = 999_999
CONTROLS = (
    "dataset", "noise", "ratio", "batch_size", "seed", "features", "hidden", "activation", "output",
    "loss", "lr", "regularization", "init", "show_test", "discretize", "edit_weight",
)


def n_inputs(dataset: str) -> int:
    """How many raw inputs the data set has: 1 for the sine, 2 for the plane."""
    return 1 if dataset == "sine" else 2


@dataclass(frozen=True)
class Settings:
    """Everything that fixes a playground run and its picture.  Build with Settings.checked(...)."""

    dataset: str = "moons"
    noise: float = 0.1
    features: tuple = ("x1", "x2")
    hidden: tuple = (8, 8)
    activation: str = "tanh"
    output: str = "sigmoid"
    loss: str = "binary_cross_entropy"
    lr: float = 0.3
    regularization: str | None = None
    reg_rate: float = 0.01  # lambda, used when regularization is "L1" or "L2"
    batch_size: int = 16
    m: int = 200  # training points
    m_test: int = 100  # test points, drawn with them from the same data set
    seed: int = 0  # one seed: the data, the initial weights and the shuffling
    init: str = "random"  # He for relu and leaky_relu, Xavier otherwise; or all weights 0
    show_test: bool = True
    discretize: bool = False
    controls: tuple | None = None  # the controls shown (None: all)

    @classmethod
    def checked(cls, **values) -> "Settings":
        """Defaults, then the values given (adapted to the data set), validated."""
        return cls().replace(**values)

    def replace(self, **changes) -> "Settings":
        """A new Settings with these changes; what depends on the data set follows it."""
        names = {f.name for f in fields(self)}
        for name in changes:
            if name not in names:
                raise ValueError(f"Unknown setting {name!r}. Valid settings are: {', '.join(sorted(names))}.")
        values = asdict(self)
        new = changes.get("dataset", self.dataset)
        if new in DATASETS:
            if (new in REGRESSION) != (self.dataset in REGRESSION):
                task = dict(output="identity", loss="half_squared_error") if new in REGRESSION else {}
                values.update({k: getattr(Settings, k) for k in ("output", "loss")}, **task)
            allowed = features_for(n_inputs(new))
            values["features"] = tuple(f for f in self.features if f in allowed) or allowed[: n_inputs(new)]
        values.update(changes)
        return Settings(**_checked(values))

    @property
    def regression(self) -> bool:
        return self.dataset in REGRESSION

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
        if self.init == "zeros":
            return "zeros"
        return "he" if self.activation in ("relu", "leaky_relu") else "xavier"

    @property
    def train_percent(self) -> float:
        return 100 * self.m / (self.m + self.m_test)

    def optimizer(self) -> GradientDescent | None:
        """The update rule: plain gradient descent (None), or with the regularisation term."""
        return None if self.regularization is None else GradientDescent(self.regularization, self.reg_rate)

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

    def call(self, epochs: int) -> str:
        """ml.playground(...) with these settings and `epochs` epochs: the reproduce line's start."""
        main = ("dataset", "noise", "hidden", "activation", "output", "loss", "lr", "batch_size", "seed")
        default = Settings()
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in main or value != getattr(default, f.name):
                value = list(value) if isinstance(value, tuple) else value
                parts.append(f"{f.name}={value!r}".replace("'", '"'))
        return f"ml.playground({', '.join(parts)}, epochs={epochs})"


def _number(name, x, lo, hi):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not lo <= x <= hi:
        raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, got {short_repr(x)}.")
    return float(x)


def _choice(name, x, options):
    if x not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {x!r}.")
    return x


def _checked(s: dict) -> dict:
    """Validate and normalise every setting (the same checks as Run and train, then the ranges)."""
    _choice("dataset", s["dataset"], tuple(DATASETS))
    _choice("activation", s["activation"], tuple(ACTIVATIONS))
    if s["output"] == "softmax" or s["loss"] == "softmax_cross_entropy":
        raise ValueError(
            "Softmax needs one output unit per class, and the playground's network has one output unit: "
            "a softmax over one unit is always 1, so its cross-entropy is 0 and nothing is learned. "
            "For two classes use output sigmoid with loss binary_cross_entropy."
        )
    _choice("output", s["output"], OUTPUTS)
    _choice("loss", s["loss"], tuple(LOSS_LABELS))
    get_loss(s["loss"])
    if s["dataset"] in REGRESSION and s["loss"] == "binary_cross_entropy":
        raise ValueError(
            f"{s['dataset']} is a regression data set: its targets y are real numbers, not labels 0 or 1, "
            f"so cross-entropy does not apply. Use loss half_squared_error (with output identity)."
        )
    hidden = s["hidden"]
    if not isinstance(hidden, (list, tuple)) or len(hidden) > MAX_HIDDEN_LAYERS or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and 1 <= n <= MAX_WIDTH for n in hidden
    ):
        raise ValueError(
            f"hidden must list the widths of 0 to {MAX_HIDDEN_LAYERS} hidden layers, each from 1 to "
            f"{MAX_WIDTH}, e.g. hidden=[8, 8]; got {hidden!r}."
        )
    features = check_features(s["features"], n_inputs(s["dataset"]))
    check_layer_sizes([len(features), *hidden, 1])
    lr = _number("lr", check_lr(s["lr"]), *LR_RANGE)
    _choice("regularization", s["regularization"], REGULARIZATIONS)
    GradientDescent(s["regularization"], s["reg_rate"])
    reg_rate = _number("reg_rate", s["reg_rate"], REG_RATES[0], REG_RATES[-1])
    for name in ("m", "m_test"):
        check_count(name, s[name], 1, " (a number of points)")
    seed = check_seed(s["seed"])
    if seed > MAX_SEED:
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {short_repr(seed)}.")
    batch_size = check_batch_size(s["batch_size"])
    _choice("init", s["init"], INITS)
    controls = s["controls"]
    if controls is not None:
        if isinstance(controls, str) or not all(c in CONTROLS for c in controls):
            raise ValueError(f"controls must be a list of names from {', '.join(CONTROLS)}, got {controls!r}.")
        controls = tuple(c for c in CONTROLS if c in controls)
    return dict(
        s,
        noise=round(_number("noise", s["noise"], *NOISE_RANGE), 3),
        features=features,
        hidden=tuple(int(n) for n in hidden),
        # Rounded so that the printed line of Python re-creates the run bit for bit.
        lr=float(f"{lr:.3g}"),
        reg_rate=float(f"{reg_rate:.3g}"),
        m=int(s["m"]),
        m_test=int(s["m_test"]),
        seed=seed,
        # A batch larger than the training set is the whole set, as in train().
        batch_size=min(batch_size or s["m"], int(s["m"])),
        show_test=bool(s["show_test"]),
        discretize=bool(s["discretize"]),
        controls=controls,
    )


def lesson_code(settings: Settings, log) -> str:
    """The run of a playground written out with the lessons' functions, for settings and its log."""
    s, m = settings, settings.m
    raw = ("x1",) if n_inputs(s.dataset) == 1 else ("x1", "x2")
    lines = [
        "import mlp_lessons as ml",
        f'X, Y = ml.load_dataset("{s.dataset}", m={m + s.m_test}, noise={s.noise!r}, seed={s.seed})',
    ]
    if s.features != raw:
        lines.append(f"X = ml.input_features(X, {list(s.features)!r})  # a[0]: the chosen features")
    optimizer = "" if s.regularization is None else f', optimizer=ml.GradientDescent("{s.regularization}", {s.reg_rate!r})'
    lines += [
        f"X_train, Y_train, X_test, Y_test = X[:, :{m}], Y[:, :{m}], X[:, {m}:], Y[:, {m}:]",
        f'params = ml.init_params({s.layer_sizes!r}, seed={s.seed}, init="{s.init_name}")',
        f"run = ml.Run(params, X_train, Y_train, {s.activations!r}, loss=\"{s.loss}\", lr={s.lr!r},",
        f"             batch_size={s.batch_size}, seed={s.seed}{optimizer}, X_test=X_test, Y_test=Y_test)",
    ]
    for action, *args in log:
        if action == "train":
            lines.append(f"run.train({args[0]})")
        else:
            l, p, q, value = args
            lines.append(f'run.params["W{l}"][{p}, {q}] = {value!r}  # W[{l}]_{p}{q} set by hand')
    lines.append("params, history = run.params, run.history")
    return "\n".join(lines)
