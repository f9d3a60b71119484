"""Every public function of mlp_lessons, fed good and bad inputs as a fuzzer would.

Each call must either return a result of the documented shape and dtype (finite
where the inputs were finite), or raise ShapeError / ValueError / TypeError from
one of the package's own `raise` statements, with a message that names the
function, its equation or the argument.  Never a bare numpy, KeyError,
IndexError or ZeroDivisionError traceback from deep inside, never a
RuntimeWarning, never a silently wrong shape.

The bad inputs change one argument of a valid call: wrong number of dimensions,
transposed, empty, int / bool / object / complex / str dtypes, NaN and inf,
huge and tiny values, None, strings, lists, tuples, dicts with missing, extra
or misnamed keys, caches and activations of the wrong length, and so on.

    pytest tests/test_public_api_inputs.py          the hypothesis test and one exhaustive sweep
    python tests/test_public_api_inputs.py [seeds]  the sweep, with counts of inputs tried and failures

Why one file across modules, not a part in each module's test file: both tests run every
function through the same machinery (a valid call per function, the spoilings of each
argument, the rule a result or an error must follow); split by module, each file would
need that machinery or import it back from here.  A bad input that one module alone
checks is tested in that module's file; a rule of errors.py shared by several modules
is tested in test_errors.py.

(Not fuzzed here: the playground and its settings, the exercise checkers,
and the training loop's own parts, Run, GradientDescent and divergence_message;
Run's argument checks are train's, which is fuzzed.)
"""

from __future__ import annotations

import contextlib
import io
import linecache
import numbers
import sys
import traceback
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlp_lessons as ml

PACKAGE_DIR = Path(ml.__file__).resolve().parent
ELEMENTWISE = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]
DATASET_MAKERS = tuple(sorted(ml.DATASETS))
NETS = [  # (output activation, loss), each a sensible pair
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "softmax_cross_entropy"),
    ("identity", "half_squared_error"),
    ("tanh", "half_squared_error"),
]


# ---------------------------------------------------------------- good inputs


def one_hot_columns(rng, n, m):
    return np.eye(n)[:, rng.integers(0, n, m)]


def network(rng):
    """A small valid network with data: (params, X, Y, activations, loss, caches)."""
    output, loss = NETS[rng.integers(len(NETS))]
    n0, h = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    nL = int(rng.integers(2, 4)) if output == "softmax" else int(rng.integers(1, 3))
    m = int(rng.integers(1, 6))
    hidden = str(rng.choice(ELEMENTWISE))
    activations = [hidden, output]
    params = ml.init_params([n0, h, nL], seed=int(rng.integers(100)))
    X = rng.standard_normal((n0, m))
    if loss == "softmax_cross_entropy":
        Y = one_hot_columns(rng, nL, m)
    elif loss == "binary_cross_entropy":
        Y = (rng.random((nL, m)) < 0.5).astype(float)
    else:
        Y = rng.standard_normal((nL, m))
    _, caches = ml.forward(params, X, activations)
    return params, X, Y, activations, loss, caches


def good_args(name, rng):
    """Keyword arguments of a valid call of ml.<name>."""
    n, n_prev, m = (int(k) for k in rng.integers(1, 5, 3))
    if name in ELEMENTWISE or name.endswith("_prime"):
        return {"Z": rng.standard_normal((n, m))}
    if name == "softmax":
        return {"Z": rng.standard_normal((n + 1, m))}
    if name == "softmax_backprop_dZ":
        return {"dA": rng.standard_normal((n, m)), "Z": rng.standard_normal((n, m))}
    if name == "get_activation":
        return {"name": str(rng.choice(ELEMENTWISE + ["softmax"]))}
    if name in ("linear_forward", "layer_forward"):
        args = {"W": rng.standard_normal((n, n_prev)), "A_prev": rng.standard_normal((n_prev, m)),
                "b": rng.standard_normal((n, 1))}
        if name == "layer_forward":
            args["activation"] = str(rng.choice(ELEMENTWISE))
        args["l"] = int(rng.integers(1, 4))
        return args
    if name == "backprop_dZ":
        act = str(rng.choice(ELEMENTWISE))
        return {"dA": rng.standard_normal((n, m)), "Z": rng.standard_normal((n, m)),
                "phi_prime": ml.get_activation(act).phi_prime}
    if name == "backprop_dW":
        return {"dZ": rng.standard_normal((n, m)), "A_prev": rng.standard_normal((n_prev, m))}
    if name == "backprop_db":
        return {"dZ": rng.standard_normal((n, m))}
    if name == "backprop_dA_prev":
        return {"W": rng.standard_normal((n, n_prev)), "dZ": rng.standard_normal((n, m))}
    if name == "layer_backward":
        act = str(rng.choice(ELEMENTWISE))
        A, cache = ml.layer_forward(rng.standard_normal((n, n_prev)), rng.standard_normal((n_prev, m)),
                                    rng.standard_normal((n, 1)), act)
        return {"dA": rng.standard_normal(A.shape), "cache": cache, "activation": act,
                "need_dA_prev": bool(rng.integers(2))}
    if name in ("half_squared_error", "binary_cross_entropy", "softmax_cross_entropy",
                "sigmoid_binary_cross_entropy", "softmax_cross_entropy_from_logits"):
        k = n + 1 if "softmax" in name else n
        Z = rng.standard_normal((k, m))
        if name == "half_squared_error":
            return {"AL": Z, "Y": rng.standard_normal((k, m))}
        if name == "binary_cross_entropy":
            return {"AL": ml.sigmoid(Z), "Y": (rng.random((k, m)) < 0.5).astype(float)}
        if name == "softmax_cross_entropy":
            return {"AL": ml.softmax(Z), "Y": one_hot_columns(rng, k, m)}
        if name == "sigmoid_binary_cross_entropy":
            return {"ZL": Z, "Y": (rng.random((k, m)) < 0.5).astype(float)}
        return {"ZL": Z, "Y": one_hot_columns(rng, k, m)}
    if name == "get_loss":
        return {"name": str(rng.choice(sorted(ml.LOSSES)))}
    if name in DATASET_MAKERS + ("load_dataset",):
        args = {"m": int(rng.integers(1, 30)), "noise": float(rng.random()), "seed": int(rng.integers(100))}
        if name == "load_dataset":
            args = {"name": str(rng.choice(sorted(ml.DATASETS))), **args}
        return args
    if name == "load_digits":
        return {"test_fraction": float(rng.uniform(0.1, 0.9)), "seed": int(rng.integers(100)),
                "dtype": [np.float64, np.float32][int(rng.integers(2))]}
    if name == "one_hot":
        k = n + 1
        return {"labels": rng.integers(0, k, m), "n_classes": k}
    if name == "labels_of":
        return {"Y": one_hot_columns(rng, n + 1, m)}
    if name == "confusion_matrix":
        k = n + 1
        return {"true_labels": rng.integers(0, k, m), "predicted_labels": rng.integers(0, k, m), "n_classes": k}
    if name == "format_confusion":
        k = n + 1
        return {"C": ml.confusion_matrix(rng.integers(0, k, m), rng.integers(0, k, m), k)}
    if name == "numerical_gradient":
        x = rng.standard_normal((n, m))
        return {"f": lambda: float(np.sum(np.sin(x))), "x": x, "eps": 1e-4, "order": [2, 4][int(rng.integers(2))]}
    if name == "relative_error":
        a = rng.standard_normal((n, m))
        return {"a": a, "b": a + 1e-9 * rng.standard_normal((n, m))}
    if name == "init_params":
        return {"layer_sizes": [int(k) for k in rng.integers(1, 5, int(rng.integers(2, 4)))],
                "seed": int(rng.integers(100)), "init": str(rng.choice(["he", "xavier"])),
                "dtype": [np.float64, np.float32][int(rng.integers(2))]}
    params, X, Y, activations, loss, caches = network(rng)
    if name in ("forward", "predict"):
        return {"params": params, "X": X, "activations": activations}
    if name == "layer_sizes_of":
        return {"params": params}
    if name == "backward":
        AL = caches[-1].Z if activations[-1] == "identity" else ml.forward(params, X, activations)[0]
        return {"params": params, "caches": caches, "dAL": AL - Y, "activations": activations}
    if name == "backward_from_dZL":
        return {"caches": caches, "dZL": rng.standard_normal(caches[-1].Z.shape), "activations": activations}
    if name == "loss_and_grads":
        return {"params": params, "caches": caches, "Y": Y, "activations": activations, "loss": loss}
    if name == "output_dZ":
        ZL = caches[-1].Z
        return {"AL": ml.get_activation(activations[-1]).phi(ZL), "ZL": ZL, "Y": Y,
                "activation": activations[-1], "loss": loss}
    if name == "accuracy":
        return {"AL": ml.predict(params, X, activations), "Y": Y}
    if name == "sgd_update":
        return {"params": params, "grads": ml.loss_and_grads(params, caches, Y, activations, loss)[1],
                "lr": float(rng.uniform(0.01, 1))}
    if name == "grad_check":
        return {"params": params, "X": X, "Y": Y, "activations": activations, "loss": loss, "eps": 1e-4}
    if name == "train_step":
        return {"params": params, "X": X, "Y": Y, "activations": activations, "loss": loss, "lr": 0.1}
    if name == "train":
        return {"params": params, "X": X, "Y": Y, "activations": activations, "loss": loss, "lr": 0.1,
                "epochs": int(rng.integers(0, 3)), "batch_size": [None, 1, 2][int(rng.integers(3))],
                "seed": int(rng.integers(100)), "progress": False}
    raise KeyError(name)


FUNCTIONS = sorted(
    ELEMENTWISE + [a + "_prime" for a in ELEMENTWISE]
    + ["softmax", "softmax_backprop_dZ", "get_activation", "linear_forward", "layer_forward", "backprop_dZ",
       "backprop_dW", "backprop_db", "backprop_dA_prev", "layer_backward", "half_squared_error",
       "binary_cross_entropy", "softmax_cross_entropy", "sigmoid_binary_cross_entropy",
       "softmax_cross_entropy_from_logits", "get_loss", *DATASET_MAKERS, "load_dataset", "load_digits",
       "one_hot", "labels_of", "confusion_matrix", "format_confusion",
       "numerical_gradient", "relative_error", "init_params", "forward", "predict", "layer_sizes_of",
       "backward", "backward_from_dZL", "loss_and_grads", "output_dZ", "accuracy", "sgd_update",
       "grad_check", "train_step", "train"]
)
# Sizes whose huge values are valid but would allocate or loop for ever.
SIZE_ARGS = {"m", "epochs", "n_classes", "layer_sizes"}


# ---------------------------------------------------------------- bad inputs


def with_entry(a, value):
    a = np.array(a, dtype=float)
    a.flat[a.size // 2] = value
    return a


def array_variants(a):
    """(kind, value) pairs: the array a spoiled in one way each."""
    out = [("transposed", a.T), ("1-D", a.ravel()), ("3-D", a[None]), ("0-D", a.flat[0]), ("list", a.tolist()),
           ("int", a.astype(np.int64)), ("bool", a != 0), ("object", a.astype(object)),
           ("complex", a.astype(complex)), ("str", a.astype(str)), ("float32", a.astype(np.float32)),
           ("float16", a.astype(np.float16)), ("NaN", with_entry(a, np.nan)), ("inf", with_entry(a, np.inf)),
           ("-inf", with_entry(a, -np.inf)), ("huge", a * 1e300 + 1e300), ("tiny", a * 1e-300),
           ("negated", -a), ("plus a half", a + 0.5), ("times 3", a * 3), ("zeros", np.zeros_like(a))]
    if a.ndim >= 1:
        out += [("no rows", a[:0]), ("extra row", np.concatenate([a, a[:1]], axis=0))]
    if a.ndim == 2:
        out += [("no columns", a[:, :0]), ("extra column", np.concatenate([a, a[:, :1]], axis=1)),
                ("matrix", np.asmatrix(a))]  # numpy warns that np.matrix is deprecated (filtered below)
    read_only = a.copy()
    read_only.flags.writeable = False
    out.append(("read-only", read_only))
    return out


def dict_variants(d):
    keys = list(d)
    first, last = keys[0], keys[-1]
    some = d[first]
    return [
        ("key dropped", {k: v for k, v in d.items() if k != last}),
        ("extra key", {**d, first[:-1] + "9": some}),
        ("key renamed", {**{k: v for k, v in d.items() if k != first}, first.lower() + "x": some}),
        ("key lower-cased", {k.lower(): v for k, v in d.items()}),
        ("empty dict", {}),
        ("value transposed", {**d, first: some.T}),
        ("value 1-D", {**d, last: d[last].ravel()}),
        ("value NaN", {**d, first: with_entry(some, np.nan)}),
        ("value inf", {**d, last: with_entry(d[last], np.inf)}),
        ("value huge", {**d, first: some * 1e300 + 1e300}),
        ("value int", {**d, first: some.astype(np.int64)}),
        ("value list", {**d, first: some.tolist()}),
        ("value None", {**d, first: None}),
        ("value float32", {**d, last: d[last].astype(np.float32)}),
        ("value complex", {**d, first: some.astype(complex)}),
        ("value no columns", {**d, first: some[:, :0]}),
        ("non-string key", {**d, 1: some}),
        ("as a list", list(d.values())),
        ("in a tuple", (d, None)),
    ]


def list_variants(items):
    out = [("shorter", items[:-1]), ("longer", items + items[:1]), ("empty list", []),
           ("None item", [None] + items[1:]), ("reversed", items[::-1]), ("as a tuple", tuple(items)),
           ("int item", [3] + items[1:])]
    if all(isinstance(i, str) for i in items):
        out += [("unknown name", ["softplus"] + items[1:]), ("one string", items[0]), ("upper case", [i.upper() for i in items])]
    if items and isinstance(items[0], ml.LayerCache):
        c = items[0]
        out += [("cache transposed Z", [c._replace(Z=c.Z.T)] + items[1:]),
                ("cache as a plain tuple", [tuple(c)] + items[1:]),
                ("cache with NaN", [c._replace(A_prev=with_entry(c.A_prev, np.nan))] + items[1:]),
                ("cache of other examples", [c._replace(A_prev=c.A_prev[:, :0], Z=c.Z[:, :0])] + items[1:]),
                ("(AL, caches) pair", (items[-1].Z, items))]
    if all(isinstance(i, int) for i in items):
        out += [("zero size", [0] + items[1:]), ("float size", [2.5] + items[1:]), ("negative size", [-1] + items[1:])]
    return out


SCALAR_VARIANTS = [("negative", -1), ("zero", 0), ("one", 1), ("float", 2.5), ("bool", True), ("False", False),
                   ("nan", float("nan")), ("inf", float("inf")), ("-inf", -float("inf")), ("numpy int", np.int64(2)),
                   ("numpy float32", np.float32(0.1)), ("huge float", 1e300), ("tiny float", 1e-300),
                   ("string number", "0.1"), ("complex", 1 + 1j), ("huge int", 10**30)]
GENERIC_VARIANTS = [("None", None), ("string", "abc"), ("dict", {"a": 1}), ("object", object()),
                    ("ragged list", [[1.0, 2.0], [3.0]]), ("tuple", (1, 2)), ("function", len)]
CALLABLE_VARIANTS = [("returns None", lambda *a: None), ("returns a tuple", lambda *a: (1.0, 2.0)),
                     ("returns a string", lambda *a: "J"), ("returns NaN", lambda *a: float("nan")),
                     ("returns an array", lambda *a: np.ones((2, 2))), ("returns a column", lambda *a: np.ones((1, 1)))]


def variants(arg, value):
    """Every (kind, bad value) for argument `arg` whose good value is `value`."""
    out = list(GENERIC_VARIANTS)
    if isinstance(value, np.ndarray):
        out += array_variants(value)
    elif isinstance(value, dict):
        out += dict_variants(value)
    elif isinstance(value, list):
        out += list_variants(value)
    elif isinstance(value, ml.LayerCache):
        out += [("cache transposed Z", value._replace(Z=value.Z.T)), ("cache as a list", list(value)),
                ("cache with inf", value._replace(W=with_entry(value.W, np.inf))),
                ("cache of other examples", value._replace(A_prev=value.A_prev[:, :1]))]
    elif callable(value) and not isinstance(value, type):
        out += CALLABLE_VARIANTS
    elif isinstance(value, (bool, numbers.Number, type(None))) or isinstance(value, type):
        out += SCALAR_VARIANTS
    elif isinstance(value, str):
        out += [("unknown name", "nonsense"), ("upper case", value.upper()), ("empty string", "")]
    if arg in SIZE_ARGS:
        out = [(k, v) for k, v in out if k not in ("huge int",)]
    return [(f"{arg}: {kind}", v) for kind, v in out]


# ---------------------------------------------------------------- the rule every call must follow


def finite(value) -> bool:
    """Whether every number in value (arrays, dicts, lists, caches) is finite."""
    if isinstance(value, (str, bytes, type(None))) or callable(value):
        return True
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    try:
        a = np.asarray(value)
        return a.dtype.kind not in "fc" or bool(np.all(np.isfinite(a)))
    except Exception:
        return True


def shape(value):
    return np.shape(value)


def expect_array(result, want_shape, finite_inputs, what="result", dtype=None):
    if tuple(want_shape) == () and isinstance(result, np.floating):
        result = np.asarray(result)  # a number in, a number out
    assert isinstance(result, np.ndarray) and result.dtype.kind == "f", f"{what} is {type(result).__name__}"
    assert result.shape == tuple(want_shape), f"{what} has shape {result.shape}, expected {tuple(want_shape)}"
    if dtype is not None:
        assert result.dtype == dtype, f"{what} has dtype {result.dtype}, expected {dtype}"
    if finite_inputs:
        assert np.all(np.isfinite(result)), f"{what} is not finite although the inputs are"


def expect_grads(grads, params, finite_inputs):
    assert set(grads) == {"d" + k for k in params}, f"grads has keys {sorted(grads)}"
    for k, v in params.items():
        expect_array(grads["d" + k], np.shape(v), finite_inputs, "d" + k, v.dtype)


def expect_number(J, finite_inputs):
    assert isinstance(J, float), f"J is {type(J).__name__}"
    assert np.isfinite(J) or not finite_inputs, f"J = {J} although the inputs are finite"


def check_result(name, result, a, ok):
    """Assert that a successful call's result has the documented shape and dtype."""
    if name in ELEMENTWISE or name.endswith("_prime") or name == "softmax":
        expect_array(result, shape(a["Z"]), ok)
        if name == "softmax" and ok:
            tol = 10 * np.finfo(result.dtype).eps * max(1, result.shape[0] if result.ndim else 1)
            assert np.allclose(result.sum(axis=0), 1, rtol=0, atol=tol), "softmax columns do not sum to 1"
    elif name == "softmax_backprop_dZ" or name == "backprop_dZ":
        expect_array(result, shape(a["Z"]), ok)
    elif name == "linear_forward":
        expect_array(result, (shape(a["W"])[0], shape(a["A_prev"])[1]), ok)
    elif name == "layer_forward":
        A, cache = result
        expect_array(A, (shape(a["W"])[0], shape(a["A_prev"])[1]), ok, "A")
        assert isinstance(cache, ml.LayerCache)
    elif name == "backprop_dW":
        expect_array(result, (shape(a["dZ"])[0], shape(a["A_prev"])[0]), ok)
    elif name == "backprop_db":
        expect_array(result, (shape(a["dZ"])[0], 1), ok)
    elif name == "backprop_dA_prev":
        expect_array(result, (shape(a["W"])[1], shape(a["dZ"])[1]), ok)
    elif name == "layer_backward":
        dA_prev, dW, db = result
        A_prev, W, Z = (np.asarray(v, dtype=float) for v in a["cache"])
        expect_array(dW, W.shape, ok, "dW")
        expect_array(db, (W.shape[0], 1), ok, "db")
        if a["need_dA_prev"]:
            expect_array(dA_prev, A_prev.shape, ok, "dA_prev")
        else:
            assert dA_prev is None
    elif name in ("half_squared_error", "binary_cross_entropy", "softmax_cross_entropy",
                  "sigmoid_binary_cross_entropy", "softmax_cross_entropy_from_logits", "output_dZ"):
        J, d = result
        expect_number(J, ok)
        expect_array(d, shape(a["ZL"] if "ZL" in a else a["AL"]), ok, "dJ")
    elif name == "get_activation":
        assert isinstance(result, ml.activations.Activation)
    elif name == "get_loss":
        assert callable(result)
    elif name in DATASET_MAKERS + ("load_dataset",):
        X, Y = result
        expect_array(X, (X.shape[0], int(a["m"])), True, "X")
        expect_array(Y, (1, int(a["m"])), True, "Y")
    elif name == "load_digits":
        d = result
        assert d.X_train.shape[1] + d.X_test.shape[1] == 1797 and d.X_test.shape[1] >= 1
        assert d.X_train.dtype == np.dtype(a["dtype"]) and np.all(np.isfinite(d.X_train))
    elif name == "one_hot":
        expect_array(result, (int(a["n_classes"]), np.size(a["labels"])), True)
        assert np.all(result.sum(axis=0) == 1)
    elif name == "labels_of":
        assert result.shape == (shape(a["Y"])[1],) and result.dtype.kind == "i"
    elif name == "confusion_matrix":
        k = int(a["n_classes"])
        assert result.shape == (k, k) and result.sum() == np.size(a["true_labels"])
    elif name == "format_confusion":
        assert isinstance(result, str)
    elif name == "numerical_gradient":
        expect_array(result, np.shape(a["x"]), ok)
    elif name == "relative_error":
        assert isinstance(result, float) and (result >= 0 or not ok) and (np.isfinite(result) or not ok)
    elif name == "init_params":
        sizes = list(a["layer_sizes"])
        assert len(result) == 2 * (len(sizes) - 1)
        for l in range(1, len(sizes)):
            expect_array(result[f"W{l}"], (sizes[l], sizes[l - 1]), True, f"W{l}", np.dtype(a["dtype"]))
    elif name == "layer_sizes_of":
        assert isinstance(result, list) and all(isinstance(n, int) for n in result)
    elif name in ("forward", "predict"):
        AL = result[0] if name == "forward" else result
        p = a["params"]
        L = len(p) // 2
        expect_array(AL, (p[f"W{L}"].shape[0], shape(a["X"])[1]), ok, "AL", p["W1"].dtype)
    elif name in ("backward", "loss_and_grads", "backward_from_dZL"):
        grads = result[1] if name == "loss_and_grads" else result
        if name == "loss_and_grads":
            expect_number(result[0], ok)
        params = a.get("params") or {f"{p}{l}": np.empty(shape) for l, c in enumerate(a["caches"], 1)
                                     for p, shape in (("W", c.W.shape), ("b", (c.W.shape[0], 1)))}
        if name == "backward_from_dZL":
            params = {k: np.asarray(v, dtype=a["caches"][0].W.dtype) for k, v in params.items()}
        expect_grads(grads, params, ok)
    elif name == "accuracy":
        assert isinstance(result, float) and 0 <= result <= 1
    elif name == "sgd_update":
        p = a["params"]
        assert set(result) == set(p)
        for k, v in p.items():
            expect_array(result[k], v.shape, ok, k, v.dtype)
    elif name == "grad_check":
        assert set(result) == set(a["params"])
        assert all(isinstance(e, float) and e >= 0 and np.isfinite(e) for e in result.values())
    elif name in ("train", "train_step"):
        new, _ = result
        p = a["params"]
        assert set(new) == set(p)
        for k, v in p.items():
            expect_array(new[k], v.shape, name == "train" or ok, k, v.dtype)
    else:
        raise KeyError(name)


def raised_by_the_package(error: BaseException) -> bool:
    """Whether the error comes from a `raise` statement in mlp_lessons (not from numpy or Python)."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    path = Path(tb.tb_frame.f_code.co_filename).resolve()
    line = linecache.getline(str(path), tb.tb_lineno).strip()
    return PACKAGE_DIR in path.parents and line.startswith("raise")


def failure(name, args):
    """None if ml.<name>(**args) follows the rule; otherwise what went wrong, in a few words."""
    fn = getattr(ml, name)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("error", RuntimeWarning)
            result = fn(**args)
    except (ValueError, TypeError) as e:
        if not raised_by_the_package(e):
            return f"{type(e).__name__} from inside numpy or Python: {str(e)[:80]}"
        words = [name, *args, "Layer", "layer", "equation", "params", "W[", "b[", "z[", "a[L]", "dJ/d"]
        if not any(w in str(e) for w in words):
            return f"a message that names neither the function nor the argument: {str(e)[:80]}"
        return None
    except RuntimeWarning as e:
        return f"RuntimeWarning: {e}"
    except Exception as e:  # KeyError, IndexError, ZeroDivisionError, AttributeError, OverflowError, ...
        return f"bare {type(e).__name__}: {str(e)[:80]}"
    try:
        check_result(name, result, args, finite(args))
    except AssertionError as e:
        return f"silently wrong result: {e}"
    except Exception as e:
        return f"malformed result: {type(e).__name__}: {str(e)[:80]}"
    return None


def cases(name, seed):
    """The valid call for this seed and every one-argument spoiling of it: [(kind, args)]."""
    args = good_args(name, np.random.default_rng(seed))
    out = [("valid", args)]
    for arg, value in args.items():
        for kind, bad in variants(arg, value):
            out.append((kind, {**args, arg: bad}))
    return out


# ---------------------------------------------------------------- the tests


pytestmark = pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")


@pytest.mark.parametrize("name", FUNCTIONS)
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_one_function(name, data):
    seed = data.draw(st.integers(0, 10**6), label="seed")
    all_cases = cases(name, seed)
    kind, args = all_cases[data.draw(st.integers(0, len(all_cases) - 1), label="case")]
    note = f"ml.{name} with {kind}"
    assert failure(name, args) is None, f"{note}: {failure(name, args)}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_spoiling_of_one_call(name):
    problems = [f"{kind}: {why}" for kind, args in cases(name, 0) if (why := failure(name, args)) is not None]
    assert not problems, f"ml.{name}:\n" + "\n".join(problems)


def sweep(seeds=(0, 1, 2)):
    """Every case of every function for these seeds: (inputs tried, failures [(name, kind, why)])."""
    tried, failures = 0, []
    for name in FUNCTIONS:
        for seed in seeds:
            for kind, args in cases(name, seed):
                tried += 1
                why = failure(name, args)
                if why is not None:
                    failures.append((name, kind, why))
    return tried, failures


if __name__ == "__main__":
    seeds = tuple(int(s) for s in sys.argv[1:]) or (0, 1, 2)
    tried, failures = sweep(seeds)
    print(f"{tried} inputs tried on {len(FUNCTIONS)} functions (seeds {seeds}); {len(failures)} failed.")
    by_kind = Counter((kind.split(": ", 1)[-1], why.split(":")[0]) for _, kind, why in failures)
    print(f"{len(by_kind)} classes (spoiling, outcome):")
    for (kind, why), count in by_kind.most_common():
        print(f"  {count:4d}  {kind:28s} {why}")
    print("examples:")
    seen = set()
    for name, kind, why in failures:
        key = (name, why.split(":")[0])
        if key not in seen:
            seen.add(key)
            print(f"  ml.{name} [{kind}] -> {why}")
