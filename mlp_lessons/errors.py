"""Errors that teach: every message says what was expected, what was given and why.

This module sits at the bottom of the package with the math; the functions
above it validate their arguments with these helpers (at their public entry
points; the passes' inner steps call them with check=False) and raise
ShapeError, ValueError or TypeError, so a student sees one clear sentence that
names the equation or argument instead of a numpy traceback.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import numbers

import numpy as np


class ShapeError(ValueError):
    """An array has the wrong shape for the equation it is used in."""


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite during training."""


def shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def transposed(given, wanted, hint: str = " It looks transposed.") -> str:
    """hint if an array of shape `given` looks like the transpose of the `wanted` shape, else "" (every message's rule)."""
    given, wanted = tuple(given), tuple(wanted)
    return hint if given == wanted[::-1] and given != wanted else ""


def check_shape(given, wanted, message: str, hint: str = " It looks transposed.") -> None:
    """Refuse an array of shape `given` where the shape `wanted` is needed (never broadcast): ShapeError(message),
    its {given} and {wanted} written as shapes, then hint if `given` looks like `wanted` transposed."""
    if tuple(given) != tuple(wanted):
        raise ShapeError(message.replace("{given}", shape_str(given)).replace("{wanted}", shape_str(wanted))
                         + transposed(given, wanted, hint))


def noun_for(n: int, noun: str, nouns: str = "") -> str:
    """The noun in the number that n asks for: "row" for 1, "rows" otherwise (nouns: an irregular plural)."""
    return noun if n == 1 else nouns or noun + "s"


def plural(n: int, noun: str, nouns: str = "") -> str:
    """n and its noun, for a message: "1 row", "0 rows", "2 rows"."""
    return f"{n} {noun_for(n, noun, nouns)}"


def short_repr(value) -> str:
    """repr(value), cut to 60 characters (an int of 400 digits would fill the message)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(value) -> str:
    """What was given, for a message: an array's shape and dtype, or a value's type and repr."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {shape_str(value.shape)} and dtype {value.dtype}"
    return f"{type(value).__name__} {short_repr(value)}"


def _type_hint(name: str, value) -> str:
    if value is None:
        return f" Did a function that should return {name} return None (a missing `return`)?"
    if isinstance(value, dict):
        return " A dict (params or grads?) was passed where one array is expected."
    if isinstance(value, str):
        return " A string was passed where numbers are expected."
    if callable(value):
        return f" A function was passed; call it to get {name}."
    return ""


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def check_array(
    name: str,
    value,
    ndim: int | tuple = 2,
    where: str = "",
    dtype=None,
    finite: bool = True,
    empty: bool = False,
    fix: str = "",
) -> np.ndarray:
    """Return `value` as a floating numpy array with `ndim` dimensions, or explain why not.

    Lists, tuples and numbers are converted; integer and bool arrays become
    float64 (or `dtype`), since the equations need fractions; a float array of
    another dtype than `dtype` is converted to it.  Complex, object and string
    arrays, None and other types are refused.  ndim may be a tuple of allowed
    numbers of dimensions, or None for any.  finite=True refuses NaN and inf;
    empty=False refuses arrays with no entries (m = 0 examples).
    where names the function or equation for the message; fix is the likely fix
    for non-finite values.  A float numpy array of the right dtype is returned
    as it is, never copied.
    """
    p = _prefix(where)
    if type(value) is not np.ndarray:
        if isinstance(value, np.ndarray) or isinstance(value, (list, tuple, numbers.Number, np.generic)):
            try:
                value = np.asarray(value)
            except ValueError:
                raise TypeError(
                    f"{p}{name} must be a numpy array, but it is a ragged {type(value).__name__} "
                    f"(its rows have different lengths)."
                ) from None
        else:
            raise TypeError(f"{p}{name} must be a numpy array, got {describe(value)}.{_type_hint(name, value)}")
    kind = value.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{p}{name} holds complex numbers (dtype {value.dtype}), but the network works with "
            f"real numbers: pass {name}.real if the imaginary parts are 0."
        )
    if kind not in "fiub":
        raise TypeError(
            f"{p}{name} must hold numbers, but its dtype is {value.dtype}. Convert it with "
            f"np.asarray({name}, dtype=float) if its entries are numbers."
        )
    if kind != "f":
        value = value.astype(np.float64 if dtype is None else dtype)
    elif dtype is not None and value.dtype != dtype:
        value = value.astype(dtype)
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if ndims is not None and value.ndim not in ndims:
        want = " or ".join(f"{n}-D" for n in ndims)
        hint = ""
        if value.ndim == 1 and 2 in ndims:
            hint = (
                f" A 1-D array of length {value.shape[0]} is ambiguous: use "
                f"{name}.reshape(-1, 1) for one example (a column), or "
                f"{name}.reshape(1, -1) for one feature over many examples."
            )
        elif value.ndim == 0 and 2 in ndims:
            hint = f" A single number is the 2-D array [[{name}]], of shape (1, 1)."
        raise ShapeError(f"{p}{name} must be a {want} array, but it has shape {shape_str(value.shape)}.{hint}")
    if not empty and value.size == 0:
        what = "no entries"
        if value.ndim == 2 and value.shape[1] == 0:
            what = "m = 0 columns, so no examples"
        raise ShapeError(
            f"{p}{name} has shape {shape_str(value.shape)}: it holds {what}. Pass at least one "
            f"example (one column); check the slicing that made it."
        )
    if finite:
        check_finite(name, value, where, fix)
    return value


def check_finite(name: str, value: np.ndarray, where: str = "", fix: str = "") -> None:
    """Refuse NaN and inf, saying how many there are and where the first one is."""
    ok = np.isfinite(value)
    if not ok.all():
        bad = int(ok.size - np.count_nonzero(ok))
        first = tuple(int(i) for i in np.argwhere(~ok)[0]) if value.ndim else ()
        fix = fix or (
            "NaN or inf here comes from the data or from an earlier step that overflowed: find "
            "where it first appears." if where else
            "Clean the data (for example drop or fill missing values) before passing it to the network."
        )
        raise ValueError(
            f"{_prefix(where)}{name} contains NaN or infinite values ({bad} of them; the first, at "
            f"index {first}, is {value[first]}). {fix}"
        )


def biggest(value: np.ndarray) -> float:
    """max |entry| of a non-empty finite array, as a Python float."""
    return float(np.max(np.abs(value)))


def check_no_overflow(where: str, result: str, bound: float, dtype, sizes: dict) -> None:
    """Refuse a computation whose result could overflow: |result| <= bound, from the inputs' sizes.

    sizes: {"W[2]": max |W[2]|, ...}, named in the message.
    """
    if not bound <= np.finfo(dtype).max:
        given = ", ".join(f"|{k}| up to {v:.3g}" for k, v in sizes.items())
        raise ValueError(
            f"{_prefix(where)}the entries are too large: {given}, so {result} could reach "
            f"{bound:.3g}, past the largest {np.dtype(dtype)} ({np.finfo(dtype).max:.3g}), and "
            f"overflow to inf. Scale the inputs (e.g. to mean 0 and standard deviation 1) or "
            f"start from smaller parameters."
        )


QUIET = contextlib.nullcontext()


def quiet_overflow(check: bool):
    """np.errstate that silences overflow while checking (a checked function refuses it after, by name);
    nothing without check (a training loop silences it once, around the loop)."""
    return np.errstate(over="ignore", invalid="ignore") if check else QUIET


def check_overflow(name: str, value: np.ndarray, where: str) -> None:
    """Refuse a computed result that overflowed to inf or NaN, although its inputs were finite."""
    if not np.isfinite(value).all():
        raise ValueError(
            f"{_prefix(where)}{name} overflowed to inf or NaN, although the inputs and parameters "
            f"are finite: some are too large. Scale the inputs (e.g. to mean 0 and standard "
            f"deviation 1) or start from smaller parameters."
        )


def all_finite(arrays) -> bool:
    """Whether every entry of every array is finite: one pass over each, no message built."""
    return all(np.isfinite(value).all() for value in arrays)


def finite_floats(arrays) -> bool:
    """Whether check_array (with its defaults) would return each array as it is: a non-empty, finite,
    2-D float numpy array.  The quick test before the checks that build messages."""
    return all(type(a) is np.ndarray and a.ndim == 2 and a.dtype.kind == "f" and a.size for a in arrays) and all_finite(
        arrays)


def is_real(value) -> bool:
    """Whether value is a real number, numpy's included (never a bool: True is not a number here)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def finite_number(value) -> bool:
    """Whether a real number is finite (also for ints too large for a float)."""
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:
        return False


# The largest count (of examples, neurons, classes, epochs, ...) accepted: past it an array of
# that many entries could never be allocated, and numpy fails with an OverflowError or
# "Maximum allowed dimension exceeded" instead of saying which number is wrong.
MAX_COUNT = 2**31 - 1


def is_count(value, least: int = 0, most: int | None = MAX_COUNT) -> bool:
    """Whether value is an integer in [least, most] (numpy integers too; never a bool or a float)."""
    return (not isinstance(value, (bool, np.bool_)) and isinstance(value, (numbers.Integral, np.integer))
            and least <= value and (most is None or value <= most))


def count_kind(value, least: int = 0, most: int | None = MAX_COUNT) -> str:
    """"a positive integer" and the like, for a message; the upper bound is named when value is past it."""
    kind = "non-negative" if least == 0 else "positive" if least == 1 else f">= {least}"
    return f"a {kind} integer" + (f" up to {most}" if most is not None and is_count(value, least, None) else "")


def one_number(value):
    """A one-entry real array (np.squeeze(cost), np.sum(..., keepdims=True)) as its number; anything else as it is."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "fiu":
        return value.reshape(())[()]
    return value


def check_count(name: str, value, least: int = 0, why: str = "", where: str = "",
                most: int | None = MAX_COUNT) -> int:
    """An integer in [least, most] (numpy integers too; bools and floats are refused: True is not a count).

    most=None: no upper bound (a seed may be any size).
    """
    if not is_count(value, least, most):
        too_big = "; no network, data set or run is anywhere near that large" if (
            most == MAX_COUNT and is_count(value, least, None)) else ""
        raise ValueError(f"{_prefix(where)}{name} must be {count_kind(value, least, most)}{why}, got "
                         f"{describe(value)}{too_big}.")
    return int(value)


def check_seed(seed, where: str = "") -> int:
    """A seed is a non-negative integer of any size: the same seed gives the same numbers, bit for bit."""
    return check_count(
        "seed", seed, 0,
        " such as 0 (it fixes every random draw, so each run repeats exactly)", where, most=None,
    )


def check_real(name: str, value, where: str = "", low: float = -np.inf, high: float = np.inf,
               meaning: str = "") -> float:
    """A finite real number in [low, high] (numpy floats too; bools are refused)."""
    if not is_real(value):
        raise TypeError(f"{_prefix(where)}{name} must be a real number{meaning}, got {describe(value)}.")
    try:
        number = float(value)
    except OverflowError:  # an int past the largest float
        number = float("inf")
    if not (np.isfinite(number) and low <= number <= high):
        bounds = f" between {low:g} and {high:g}" if np.isfinite(low) and np.isfinite(high) else (
            f" >= {low:g}" if np.isfinite(low) else f" <= {high:g}" if np.isfinite(high) else "")
        raise ValueError(f"{_prefix(where)}{name} must be a finite number{bounds}{meaning}, got {short_repr(value)}.")
    return number


def check_float_dtype(dtype, where: str) -> np.dtype:
    """dtype as a numpy floating dtype (float64, float32, ...), or a message."""
    try:
        given = np.dtype(dtype)
    except TypeError:
        given = None
    if given is None or given.kind != "f":
        got = describe(dtype) if given is None else (
            f"{given} (the network's numbers are fractions: an integer type would round them away)")
        raise TypeError(f"{where}: dtype must be a floating type such as np.float64 or np.float32, got {got}.")
    return given


def check_inputs(X, n0: int, name: str = "X", dtype=None) -> np.ndarray:
    """Check that X holds examples as columns for a network with n[0] = n0 inputs; return it as `dtype`."""
    X = check_array(name, X, dtype=dtype, finite=False)
    if X.shape[0] != n0:
        hint = ""
        if X.shape[1] == n0:
            hint = (
                f" It looks like the examples are stacked as rows; this series stacks "
                f"them as columns, so pass {name}.T, of shape {shape_str((n0, X.shape[0]))}."
            )
        raise ShapeError(
            f"Layer 1, z[1] = W[1] a[0] + b[1]: W[1] has {plural(n0, 'column')}, so a[0] = {name} "
            f"needs n[0] = {plural(n0, 'row')} (one per input feature) and one column per example, "
            f"but {name} has shape {shape_str(X.shape)}.{hint}"
        )
    check_finite(name, X)
    return X


def check_targets(Y, shape: tuple, name: str = "Y", dtype=None, where: str = "") -> np.ndarray:
    """Check that the targets Y have the shape (n[L], m) of the network's output A[L]."""
    Y = check_array(name, Y, dtype=dtype, finite=False, where=where)
    if Y.shape != tuple(shape):
        hint = transposed(Y.shape, shape, f" It looks like {name} is stacked as rows; pass {name}.T.")
        raise ShapeError(
            f"{_prefix(where)}The loss compares a[L] with {name} column by column, so {name} must "
            f"have the shape of a[L], (n[L], m) = {shape_str(shape)}, but it has shape "
            f"{shape_str(Y.shape)}.{hint}"
        )
    check_finite(name, Y, where)
    return Y


def check_layer_sizes(layer_sizes) -> list[int]:
    if isinstance(layer_sizes, (str, bytes, dict)):
        layer_sizes = None  # iterable, but never a list of sizes
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(
            f"layer_sizes must be a list of positive integers [n[0], n[1], ..., n[L]], "
            f"got {describe(layer_sizes)}."
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least two entries, the input size n[0] and the output "
            f"size n[L], got {sizes!r}."
        )
    for l, n in enumerate(sizes):
        if not is_count(n, 1):
            raise ValueError(
                f"layer_sizes[{l}] = {short_repr(n)}, but every layer size n[{l}] must be "
                f"{count_kind(n, 1)} (the number of neurons in layer {l}). Got {short_repr(sizes)}."
            )
    return [int(n) for n in sizes]


def num_layers(params: dict) -> int:
    """L, the number of layers with weights, read off the keys W1..WL."""
    if not isinstance(params, dict):
        hint = ""
        if isinstance(params, tuple) and len(params) == 2 and isinstance(params[0], dict):
            hint = " It looks like train's (params, history) pair: write params, history = ml.train(...)."
        raise TypeError(
            f"params must be a dict with keys 'W1', 'b1', ..., as init_params makes, got "
            f"{type(params).__name__}.{hint}"
        )
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    if L == 0:
        raise ValueError(
            f"params has no 'W1'; expected keys 'W1'..'WL' and 'b1'..'bL' as made by "
            f"init_params, got keys {sorted(map(str, params))}."
        )
    return L


@functools.lru_cache(maxsize=32)
def param_names(L: int) -> tuple:
    """(("W1", "b1"), ..., ("WL", "bL")), made once per L."""
    return tuple((f"W{l}", f"b{l}") for l in range(1, L + 1))


@functools.lru_cache(maxsize=32)
def param_keys(L: int) -> frozenset:
    """{"W1", "b1", ..., "WL", "bL"}, made once per L."""
    return frozenset(key for pair in param_names(L) for key in pair)


def key_trouble(wanted, given: dict) -> str:
    """What is wrong with the keys of `given`, e.g. "it lacks 'W2' and it has the unexpected key 'W3'"."""
    missing, extra = sorted(wanted - set(given)), sorted(set(map(str, given)) - wanted)
    parts = [f"it lacks {', '.join(map(repr, missing))}" if missing else "",
             f"it has the unexpected {noun_for(len(extra), 'key')} {', '.join(map(repr, extra))}" if extra else ""]
    return " and ".join(part for part in parts if part)


def shapes_fit(shapes) -> bool:
    """Whether [(W[1].shape, b[1].shape), ..., (W[L].shape, b[L].shape)] fit z[l] = W[l] a[l-1] + b[l]:
    b[l] is (n[l], 1) for W[l] of shape (n[l], n[l-1]), and W[l] has as many columns as W[l-1] rows."""
    n_prev = None
    for W_shape, b_shape in shapes:
        if len(W_shape) != 2 or b_shape != (W_shape[0], 1) or (n_prev is not None and W_shape[1] != n_prev):
            return False
        n_prev = W_shape[0]
    return True


def swapped_layers(shapes) -> tuple | None:
    """(l, k, both, fixed) if exchanging W[l] and W[k] (both: and b[l] and b[k] too) makes the shapes fit.

    shapes as for shapes_fit, which they fail; fixed: the shapes after the exchange;
    l < k count from 1.  None if no exchange of two layers fixes them.
    """
    for l, k in itertools.combinations(range(len(shapes)), 2):
        for both in (False, True):
            fixed = list(shapes)
            fixed[l], fixed[k] = (shapes[k], shapes[l]) if both else (
                (shapes[k][0], shapes[l][1]), (shapes[l][0], shapes[k][1]))
            if shapes_fit(fixed):
                return l + 1, k + 1, both, fixed
    return None


PARAMS_FIX = (
    "Start again from init_params(...), or from the params of a run that did not diverge."
)


def check_params(params: dict, finite: bool = True) -> int:
    """Check W[l] is (n[l], n[l-1]) and b[l] is (n[l], 1) with consistent sizes; return L.

    The parameters must be finite float arrays of one dtype (the dtype that the
    network computes in; see the package docstring) and the keys exactly
    W1..WL, b1..bL.  When shapes disagree, the message blames the array that
    the others contradict (a transposed W[l], not the b[l] beside it).
    finite=False leaves the values to the caller (sgd_update checks its result instead).
    """
    L = num_layers(params)
    if params.keys() != param_keys(L):
        raise ValueError(
            f"params must have exactly the keys W1..W{L} and b1..b{L} (one W[l] and one b[l] "
            f"per layer, as init_params makes), but {key_trouble(param_keys(L), params)}."
        )
    dtype = getattr(params["W1"], "dtype", None)
    for l, (W_key, b_key) in enumerate(param_names(L), start=1):
        for key in (W_key, b_key):
            value = params[key]
            if not isinstance(value, np.ndarray) or value.ndim != 2:
                if key == b_key and isinstance(value, np.ndarray) and value.ndim == 1:
                    raise ShapeError(b_column(l, value.shape, params[W_key].shape[0], " Use b.reshape(-1, 1) so it "
                                              "broadcasts over the m columns (a 1-D b would broadcast along the rows "
                                              "instead)."))
                want = f"(n[{l}], n[{l - 1}])" if key == W_key else f"(n[{l}], 1)"
                raise ShapeError(f"Layer {l}: {key[0]}[{l}] = params[{key!r}] must be a 2-D array of shape {want}, "
                                 f"got {describe(value)}.")
            if value.dtype != dtype or dtype.kind != "f":
                if value.dtype.kind != "f":
                    raise TypeError(
                        f"Layer {l}: {key[0]}[{l}] = params[{key!r}] has dtype {value.dtype}, but parameters "
                        f"must be floating point (gradient descent moves them by fractions): use "
                        f"params = {{k: v.astype(float) for k, v in params.items()}}."
                    )
                raise TypeError(
                    f"Layer {l}: {key[0]}[{l}] has dtype {value.dtype} but W[1] has {dtype}; all "
                    f"parameters must share one dtype, the one the network computes in. Make "
                    f"them with init_params(..., dtype=...) or convert every one with .astype."
                )
    shapes = [(params[W_key].shape, params[b_key].shape) for W_key, b_key in param_names(L)]
    if not shapes_fit(shapes):
        raise ShapeError(shapes_trouble(params, shapes))
    for key, value in params.items() if finite else ():
        check_finite(key, value, "params", PARAMS_FIX)
    return L


def b_column(l: int, b_shape, n: int, hint: str) -> str:
    """The message for a b[l] of shape b_shape that is not the column (n[l], 1) = (n, 1)."""
    return (f"Layer {l}, z[{l}] = W[{l}] a[{l - 1}] + b[{l}]: b[{l}] must be a column of shape (n[{l}], 1) = "
            f"{shape_str((n, 1))}, but it has shape {shape_str(b_shape)}.{hint}")


def shapes_trouble(params: dict, shapes: list) -> str:
    """Why the shapes of W[1], b[1], ..., W[L], b[L] do not fit (shapes_fit), blaming the array the others contradict."""
    swap = swapped_layers(shapes)
    if swap is not None:  # first: layer by layer, a swap would be blamed on one W as transposed
        l, k, both, fixed = swap
        names = [f"W{l}", f"b{l}"] if both else [f"W{l}"]
        others = [name[0] + str(k) for name in names]
        given = [f"{key} is {shape_str(params[key].shape)}" for key in names + others]
        both_transposed = all(fixed[i - 1][0] == shapes[i - 1][0][::-1] for i in (l, k))
        n = [fixed[0][0][1]] + [W_shape[0] for W_shape, _ in fixed]
        exchange = ", ".join(f"params[{key!r}]" for key in names + others)
        back = ", ".join(f"params[{key!r}]" for key in others + names)
        return (
            f"params: {f'layers {l} and {k} (W and b)' if both else f'W[{l}] and W[{k}]'} look swapped: "
            f"{', '.join(given[:-1])} and {given[-1]}. Each W[l] is (n[l], n[l-1]) and b[l] is (n[l], 1), and "
            f"no sizes n fit these shapes, but exchanged they fit n = {n}: W[{l}] must be "
            f"{shape_str(fixed[l - 1][0])} and W[{k}] must be {shape_str(fixed[k - 1][0])}. Exchange them: "
            f"{exchange} = {back}" + (" (or, if both are transposed, pass their .T)." if both_transposed else ".")
        )
    for l, (W, b) in enumerate(shapes, start=1):  # W, b: the shapes of W[l] and b[l]
        eq = f"Layer {l}, z[{l}] = W[{l}] a[{l - 1}] + b[{l}]"
        n_prev = shapes[l - 2][0][0] if l > 1 else None
        if b[1] != 1:
            return b_column(l, b, W[0], " It is a row: pass its transpose, b.T." if b == (1, W[0]) else (
                f" It has {plural(b[1], 'column')}; b[{l}] is one shift per neuron, the same for every "
                f"example (was it updated with an unsummed db?)." if b[0] == W[0] else ""))
        if W[0] == b[0] and (n_prev is None or W[1] == n_prev):
            continue
        if W[1] == b[0] and (n_prev is None or W[0] == n_prev) and W[0] != W[1]:  # W[l] transposed fits both
            return (
                f"{eq}: W[{l}] has shape {shape_str(W)}, but b[{l}] has {plural(b[0], 'row')}"
                + (f" and a[{l - 1}] has n[{l - 1}] = {plural(n_prev, 'row')}" if n_prev is not None else "")
                + f", so W[{l}] must be (n[{l}], n[{l - 1}]) = {shape_str((b[0], W[0]))}: it looks "
                f"transposed. W[{l}] has one row per neuron of layer {l}; pass W.T."
            )
        if n_prev is not None and W[1] != n_prev:
            return (f"{eq}: a[{l - 1}] has n[{l - 1}] = {plural(n_prev, 'row')} (W[{l - 1}] has "
                    f"{plural(n_prev, 'row')}), so W[{l}] must have {plural(n_prev, 'column')}, but W[{l}] has "
                    f"shape {shape_str(W)}.")
        if l < len(shapes) and shapes[l][0][1] == b[0]:
            return (f"{eq}: W[{l}] has {plural(W[0], 'row')}, but b[{l}] and W[{l + 1}]'s columns say "
                    f"n[{l}] = {b[0]}: W[{l}] must be (n[{l}], n[{l - 1}]) = {shape_str((b[0], W[1]))}, and "
                    f"it has shape {shape_str(W)}.")
        return b_column(l, b, W[0], f" It needs one entry per row of W[{l}], whose shape is {shape_str(W)}.")


def check_callable(name: str, fn, n_args: int, what: str, where: str = "") -> None:
    """fn must be a function that can be called with n_args arguments; what describes it for the message."""
    if not callable(fn) or isinstance(fn, type):
        raise TypeError(f"{_prefix(where)}{name} must be {what}, got {describe(fn)}.")
    try:
        inspect.signature(fn).bind(*[None] * n_args)
    except TypeError as e:
        raise TypeError(f"{_prefix(where)}{name} must be {what}, but {describe(fn)} cannot be called "
                        f"with {plural(n_args, 'argument')}: {e}.") from None
    except ValueError:  # no signature to read (some built-ins): calling it will tell
        pass


def check_lr(lr) -> float:
    if not is_real(lr) or not finite_number(lr) or lr <= 0:
        raise ValueError(
            f"The learning rate alpha must be a positive number (W := W - alpha dJ/dW), "
            f"got lr = {short_repr(lr)}. Typical values lie between 0.001 and 1."
        )
    return float(lr)


def check_epochs(epochs, where: str = "") -> int:
    return check_count("epochs", epochs, 0, where=where)


def check_batch_size(batch_size, where: str = "") -> int | None:
    """A positive integer (columns per mini-batch), or None for the whole set."""
    if batch_size is None:
        return None
    return check_count("batch_size", batch_size, 1, " or None (the whole set in one batch)", where)
