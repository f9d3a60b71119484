"""Checks for the exercise notebooks: run a student's function and say what is wrong, in words.

Each check_*(fn) calls fn on inputs chosen so that mistakes cannot hide: no
two sizes are equal (so a missing or misplaced transpose changes the shape or
fails), there are m > 1 examples (so a sum over the wrong axis or a stray 1/m
shows), and nothing is 0 or 1 (so a forgotten phi'(z) or b shows).  The
answer is compared with the right one and with a catalogue of typical wrong
ones; a match names the mistake.  When fn crashes on those shapes (a wrong
transpose usually does), it is run again on shapes where that mistake
happens to fit, to find out which one it was.

A stub that still raises NotImplementedError gets "not implemented yet";
nothing here ever raises, so an unfinished exercise never stops a notebook.
Sits at the top of the package: it only calls the package's own functions.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .activations import get_activation, sigmoid, sigmoid_prime, tanh, tanh_prime
from .backward import backprop_dA_prev, backprop_db, backprop_dW, backprop_dZ
from .errors import shape_str
from .forward import forward, linear_forward
from .losses import half_squared_error


class Result(NamedTuple):
    """What a check found: status "pass", "not implemented", "wrong" or "error"; code names the mistake."""

    status: str
    code: str
    message: str


class Mistake(NamedTuple):
    code: str
    hint: str
    answer: Callable  # the wrong answer, with the same signature as the student's function


class Exercise(NamedTuple):
    name: str  # what the student computes, e.g. "dJ/dW[l]"
    correct: Callable
    make_inputs: Callable  # (dims, rng) -> tuple of arguments
    probes: list  # dims dicts; the first has all sizes different
    mistakes: list
    parts: tuple = ()  # names of the outputs when fn returns a tuple
    describe: Callable | None = None  # (args) -> one line about the right shapes, for the pass message


TOL = dict(rtol=1e-6, atol=1e-9)


def _as_array(x):
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _same(a, b) -> bool:
    """Equal shapes and values; tuples and dicts part by part."""
    if isinstance(b, tuple):
        return isinstance(a, (tuple, list)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(b, dict):
        return isinstance(a, dict) and set(a) == set(b) and all(_same(a[k], b[k]) for k in b)
    if isinstance(b, float):
        try:
            return bool(np.ndim(a) == 0 and np.isclose(float(a), b, **TOL))
        except (TypeError, ValueError):
            return False
    a = _as_array(a)
    return a is not None and a.shape == b.shape and bool(np.allclose(a, b, **TOL))


def _call(fn, args):
    """fn(*args) on copies, so a function that changes its inputs cannot spoil the next comparison."""
    def copy(a):
        if isinstance(a, dict):
            return {k: copy(v) for k, v in a.items()}
        if isinstance(a, list):
            return list(a)
        return a.copy() if isinstance(a, np.ndarray) else a

    return fn(*(copy(a) for a in args))


def _which_mistake(ex: Exercise, answer, args, right):
    for mistake in ex.mistakes:
        try:
            with np.errstate(all="ignore"):
                wrong = _call(mistake.answer, args)
        except Exception:
            continue
        if not _same(wrong, right) and _same(answer, wrong):
            return mistake
    return None


def _describe_difference(ex: Exercise, answer, right) -> str:
    """A plain description of an answer that matches no known mistake."""
    if isinstance(right, tuple):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(right):
            return f"return {len(right)} things, ({', '.join(ex.parts)}), as a tuple."
        for part, a, r in zip(ex.parts, answer, right):
            if not _same(a, r):
                return f"{part}: {_describe_difference(ex._replace(parts=()), a, r)}"
        return "the answer is not right yet."
    if isinstance(right, dict):
        if not isinstance(answer, dict) or set(answer) != set(right):
            return f"return a dict with keys {sorted(right)}."
        for k in sorted(right):
            if not _same(answer[k], right[k]):
                return f"layer {k}: {_describe_difference(ex, answer[k], right[k])}"
        return "the answer is not right yet."
    if isinstance(right, float):
        if np.ndim(answer) != 0:
            return (f"it should be a single number, but it has shape {shape_str(np.shape(answer))}. "
                    f"Did you forget to sum over the entries (np.sum)?")
        return f"expected {right:.6g}, got {float(answer):.6g}."
    a = _as_array(answer)
    if a is None:
        return f"it should be a numpy array, but it is a {type(answer).__name__}."
    if a.shape != right.shape:
        hint = " It is the transpose of the right shape: check the order of the product." if (
            a.shape == right.shape[::-1]) else ""
        return f"the shape should be {shape_str(right.shape)}, but it is {shape_str(a.shape)}.{hint}"
    return ("the shape is right but the values are not. Compare your code with the boxed "
            "equation term by term.")


def _resolve(dims: dict) -> dict:
    """A size given as the name of another size copies it, e.g. p="m": shapes where a mistake fits."""
    return {k: dims[v] if isinstance(v, str) and v in dims else v for k, v in dims.items()}


def diagnose(ex: Exercise, fn, seed: int = 0) -> Result:
    """Run fn on the exercise's inputs and classify the answer; never raises."""
    try:
        return _diagnose(ex, fn, seed)
    except Exception as e:  # an answer so odd that comparing it fails: still no traceback
        return Result("error", "uncheckable", f"{ex.name}: could not check this answer "
                      f"({type(e).__name__}: {e}). Return numpy arrays of the shapes the docstring gives.")


def _diagnose(ex: Exercise, fn, seed: int) -> Result:
    name = ex.name
    if not callable(fn):
        return Result("error", "not_callable", f"{name}: pass the function itself, e.g. check(f), not f(...).")
    first_error = None
    for i, dims in enumerate(ex.probes):
        args = ex.make_inputs(_resolve(dims), np.random.default_rng(seed))
        right = ex.correct(*args)
        try:
            with np.errstate(all="ignore"):
                answer = _call(fn, args)
        except NotImplementedError:
            return Result("not implemented", "not_implemented",
                          f"{name}: not implemented yet (the function still raises NotImplementedError).")
        except Exception as e:  # a student's bug: explain it in one line, no traceback
            if first_error is None:
                first_error = e
            continue
        if answer is None:
            return Result("wrong", "returned_none", f"{name}: your function returned None. Did you forget `return`?")
        mistake = _which_mistake(ex, answer, args, right)
        if i == 0 and mistake is None and _same(answer, right):
            line = ex.describe(args) if ex.describe else ""
            return Result("pass", "pass", f"{name}: correct! {line}".rstrip())
        if mistake is not None:
            return Result("wrong", mistake.code, f"{name}: not right yet. {mistake.hint}")
        if i == 0:
            return Result("wrong", "unknown", f"{name}: not right yet: {_describe_difference(ex, answer, right)}")
    e = first_error
    args = ex.make_inputs(_resolve(ex.probes[0]), np.random.default_rng(seed))
    shapes = ", ".join(shape_str(a.shape) for a in args if isinstance(a, np.ndarray))
    given = f" (called with arrays of shapes {shapes})" if shapes else ""
    text = str(e).lower()
    if any(word in text for word in ("mismatch", "not aligned", "broadcast", "shapes")):
        hint = ("The shapes in a product or a sum do not line up: write down the shape of each factor "
                "and look for a missing or extra transpose.")
    else:
        hint = "Read the message, fix that line, and run the check again."
    return Result("error", "error", f"{name}: your function raised {type(e).__name__}: {e}{given}. {hint}")


def report(result: Result) -> None:
    mark = {"pass": "✔", "not implemented": "…"}.get(result.status, "✘")
    print(f"{mark} {result.message}")


# ---- the inputs: distinct sizes, m > 1, no zeros or ones ----

def _normal(rng, shape):
    """Standard normal entries kept away from 0 (so relu kinks and forgotten terms show)."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.2, np.sign(x + 1e-12) * 0.2 + x, x)


# ---- forward prop (lesson 1) ----

def _linear_inputs(d, rng):
    return _normal(rng, (d["n"], d["p"])), _normal(rng, (d["p"], d["m"])), _normal(rng, (d["n"], 1))


LINEAR_FORWARD = Exercise(
    "z[l] = W[l] a[l-1] + b[l]",
    linear_forward,
    _linear_inputs,
    [dict(n=3, p=4, m=5), dict(n=4, p=4, m=5), dict(n="m", p=4, m=5), dict(n=4, p=4, m=4)],
    [
        Mistake("forgot_b", "You forgot to add b[l]: z = W a + b.", lambda W, A, b: W @ A),
        Mistake("sign_b", "b[l] is added, not subtracted: z = W a + b.", lambda W, A, b: W @ A - b),
        Mistake("transposed_W", "W[l] already has shape (n[l], n[l-1]), one row per neuron of layer l: "
                "use W @ a_prev, with no transpose.", lambda W, A, b: W.T @ A + b),
        Mistake("transposed_result", "Your z has examples as rows: (m, n[l]). This series stacks examples "
                "as columns, so z = W @ A_prev + b has shape (n[l], m).", lambda W, A, b: (W @ A + b).T),
        Mistake("b_as_row", "b[l] is a column (n[l], 1) and is added to every column (example); adding "
                "b.T adds it along the rows instead.", lambda W, A, b: W @ A + b.T),
        Mistake("elementwise", "`*` multiplies entry by entry; z = W a is a matrix product: use `@`.",
                lambda W, A, b: W * A + b),
    ],
    describe=lambda a: f"W {shape_str(a[0].shape)} @ a[l-1] {shape_str(a[1].shape)} + b "
                       f"{shape_str(a[2].shape)} -> z {shape_str((a[0].shape[0], a[1].shape[1]))}.",
)


def _layer(A_prev, W, b, phi):
    return phi(linear_forward(W, A_prev, b))


LAYER_FORWARD = Exercise(
    "a[l] = phi(W[l] a[l-1] + b[l])",
    _layer,
    lambda d, rng: (_normal(rng, (d["p"], d["m"])), _normal(rng, (d["n"], d["p"])), _normal(rng, (d["n"], 1)), tanh),
    [dict(n=3, p=4, m=5), dict(n=4, p=4, m=5)],
    [
        Mistake("forgot_phi", "You returned z: apply the activation, a = phi(z).",
                lambda A, W, b, phi: W @ A + b),
        Mistake("phi_on_input", "phi goes on z = W a[l-1] + b, after the linear step, not on a[l-1] before it.",
                lambda A, W, b, phi: W @ phi(A) + b),
        Mistake("b_after_phi", "Add b[l] before phi: a = phi(W a[l-1] + b), not phi(W a[l-1]) + b.",
                lambda A, W, b, phi: phi(W @ A) + b),
        Mistake("forgot_b", "You forgot b[l]: a = phi(W a[l-1] + b).", lambda A, W, b, phi: phi(W @ A)),
        Mistake("transposed_W", "W[l] is (n[l], n[l-1]) and is used as is: W @ a_prev, with no transpose.",
                lambda A, W, b, phi: phi(W.T @ A + b)),
    ],
    describe=lambda a: f"a[l] has shape {shape_str((a[1].shape[0], a[0].shape[1]))}, (n[l], m).",
)


def _forward_inputs(d, rng):
    sizes = d["sizes"]
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = _normal(rng, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = _normal(rng, (sizes[l], 1))
    return params, _normal(rng, (sizes[0], d["m"])), list(d["activations"])


def _forward(params, X, activations):
    return forward(params, X, activations)[0]


def _without_last_layer(params, L):
    return {k: v for k, v in params.items() if k not in (f"W{L}", f"b{L}")}


def _forward_with(step):
    """A wrong forward() whose layer step is step(l, L, A_prev, W, b, phi, X)."""
    def wrong(params, X, activations):
        A, L = X, len(activations)
        for l, name in enumerate(activations, start=1):
            A = step(l, L, A, params[f"W{l}"], params[f"b{l}"], get_activation(name).phi, X)
        return A
    return wrong


FORWARD = Exercise(
    "forward(params, X, activations) -> A[L]",
    _forward,
    _forward_inputs,
    [dict(sizes=[4, 3, 2], m=5, activations=["tanh", "sigmoid"]),
     dict(sizes=[4, 4, 4], m=5, activations=["tanh", "sigmoid"])],
    [
        Mistake("last_layer_linear", "The output layer needs its activation too: a[L] = phi[L](z[L]).",
                _forward_with(lambda l, L, A, W, b, phi, X: W @ A + b if l == L else phi(W @ A + b))),
        Mistake("not_chained", "Each layer must take the previous layer's output, a[l-1], as its input; "
                "you fed X = a[0] to every layer.", _forward_with(lambda l, L, A, W, b, phi, X: phi(W @ X + b))),
        Mistake("one_layer_short", "You stopped one layer early: loop over all L layers, l = 1..L.",
                lambda params, X, acts: _forward(_without_last_layer(params, len(acts)), X, acts[:-1])),
        Mistake("same_activation", "Each layer has its own activation: use activations[l-1] for layer l.",
                lambda params, X, acts: _forward(params, X, [acts[0]] * len(acts))),
        Mistake("forgot_b", "You forgot b[l]: z[l] = W[l] a[l-1] + b[l].",
                _forward_with(lambda l, L, A, W, b, phi, X: phi(W @ A))),
    ],
    describe=lambda a: f"a[L] has shape {shape_str((a[0][f'W{len(a[2])}'].shape[0], a[1].shape[1]))}, (n[L], m).",
)


# ---- the four boxed equations (lesson 2), batched (lesson 3) ----

def _dZ_inputs(d, rng):
    return _normal(rng, (d["n"], d["m"])), _normal(rng, (d["n"], d["m"])), sigmoid_prime


DZ = Exercise(
    "dJ/dz[l] = dJ/da[l] * phi'(z[l])",
    backprop_dZ,
    _dZ_inputs,
    [dict(n=3, m=5), dict(n="m", m=5)],
    [
        Mistake("forgot_phi_prime", "You forgot phi'(z): dJ/dz = dJ/da * phi'(z[l]) (the chain rule through "
                "a = phi(z)).", lambda dA, Z, pp: dA),
        Mistake("forgot_dA", "You returned only phi'(z); multiply by the gradient arriving from above, dJ/da[l].",
                lambda dA, Z, pp: pp(Z)),
        Mistake("sign", "There is a sign error: dJ/dz = + dJ/da * phi'(z).", lambda dA, Z, pp: -dA * pp(Z)),
        Mistake("divided", "Multiply by phi'(z), don't divide.", lambda dA, Z, pp: dA / pp(Z)),
        Mistake("phi_prime_of_dA", "phi' is evaluated at the pre-activation z[l], not at dJ/da: phi_prime(Z).",
                lambda dA, Z, pp: dA * pp(dA)),
        Mistake("matrix_product", "This product is elementwise (the circled dot), one entry per neuron and "
                "example: use `*`, not `@`.", lambda dA, Z, pp: dA @ pp(Z)),
        Mistake("matrix_product", "This product is elementwise (the circled dot), one entry per neuron and "
                "example: use `*`, not `@`.", lambda dA, Z, pp: dA @ pp(Z).T),
    ],
    describe=lambda a: f"elementwise, {shape_str(a[0].shape)} * {shape_str(a[1].shape)} -> {shape_str(a[0].shape)}.",
)


def _dW_inputs(d, rng):
    return _normal(rng, (d["n"], d["m"])), _normal(rng, (d["p"], d["m"]))


MISPLACED_T = ("The transpose is in the wrong place. dJ/dW[l] must have the shape of W[l], "
               "(n[l], n[l-1]), and the sum over the m examples happens inside the product: "
               "(n[l], m) @ (m, n[l-1]), i.e. dZ @ A_prev.T.")

DW = Exercise(
    "dJ/dW[l] = dJ/dZ[l] (A[l-1])^T",
    backprop_dW,
    _dW_inputs,
    [dict(n=3, p=4, m=5), dict(n=3, p="m", m=5), dict(n=3, p=3, m=5)],
    [
        Mistake("transposed_result", "Your dJ/dW has shape (n[l-1], n[l]), the transpose of W[l]: you "
                "computed A_prev @ dZ.T. Swap the factors: dZ @ A_prev.T.", lambda dZ, A: A @ dZ.T),
        Mistake("missing_transpose", "A transpose is missing: dZ @ A_prev only lines up by accident; "
                "use dZ @ A_prev.T, (n[l], m) @ (m, n[l-1]).", lambda dZ, A: dZ @ A),
        Mistake("misplaced_transpose", MISPLACED_T, lambda dZ, A: dZ.T @ A),
        Mistake("misplaced_transpose", MISPLACED_T, lambda dZ, A: A.T @ dZ),
        Mistake("sign", "There is a sign error: dJ/dW = + dZ @ A_prev.T (the minus belongs in the update "
                "W := W - alpha dJ/dW).", lambda dZ, A: -(dZ @ A.T)),
        Mistake("extra_1_over_m", "You divided by m, but the 1/m is already inside dJ/dZ: it came from the "
                "loss, J = (1/m) sum over examples. Dividing again shrinks the gradient with the batch size.",
                lambda dZ, A: dZ @ A.T / A.shape[1]),
        Mistake("elementwise", "dJ/dW is a matrix product that sums over the examples: use `@` with a "
                "transpose, dZ @ A_prev.T, not `*`.", lambda dZ, A: dZ * A),
    ],
    describe=lambda a: f"{shape_str(a[0].shape)} @ {shape_str(a[1].shape[::-1])} -> "
                       f"{shape_str((a[0].shape[0], a[1].shape[0]))}, the shape of W[l].",
)


def _db_inputs(d, rng):
    return (_normal(rng, (d["n"], d["m"])),)


DB = Exercise(
    "dJ/db[l] = sum over examples of dJ/dZ[l]",
    backprop_db,
    _db_inputs,
    [dict(n=3, m=5)],
    [
        Mistake("no_sum", "With m examples, dJ/dZ has one column per example but b[l] has one entry per "
                "neuron: b is added to every example, so its gradient sums the columns, "
                "dZ.sum(axis=1, keepdims=True).", lambda dZ: dZ),
        Mistake("wrong_axis", "You summed over the wrong axis: rows are neurons, columns are examples. "
                "Sum across the columns (the examples): axis=1.", lambda dZ: dZ.sum(axis=0, keepdims=True)),
        Mistake("wrong_axis", "You summed over the wrong axis: rows are neurons, columns are examples. "
                "Sum across the columns (the examples): axis=1.", lambda dZ: dZ.sum(axis=0)),
        Mistake("forgot_keepdims", "Right numbers, but a 1-D array: db must be a column of shape (n[l], 1) "
                "like b[l]. Use keepdims=True (or .reshape(-1, 1)).", lambda dZ: dZ.sum(axis=1)),
        Mistake("summed_everything", "You summed every entry into one number: b[l] needs one gradient per "
                "neuron, so sum each row: dZ.sum(axis=1, keepdims=True).", lambda dZ: np.sum(dZ)),
        Mistake("extra_1_over_m", "You took the mean, i.e. divided by m, but the 1/m is already inside "
                "dJ/dZ (it came from the loss). Use the sum.", lambda dZ: dZ.mean(axis=1, keepdims=True)),
        Mistake("sign", "There is a sign error: dJ/db = + the sum of dJ/dZ over the examples.",
                lambda dZ: -dZ.sum(axis=1, keepdims=True)),
    ],
    describe=lambda a: f"{shape_str(a[0].shape)} -> {shape_str((a[0].shape[0], 1))}, the shape of b[l].",
)


def _dA_prev_inputs(d, rng):
    return _normal(rng, (d["n"], d["p"])), _normal(rng, (d["n"], d["m"]))


DA_PREV = Exercise(
    "dJ/da[l-1] = (W[l])^T dJ/dz[l]",
    backprop_dA_prev,
    _dA_prev_inputs,
    [dict(n=3, p=4, m=5), dict(n=4, p=4, m=5), dict(n="m", p=4, m=5)],
    [
        Mistake("missing_transpose", "A transpose is missing: W[l] maps layer l-1 to layer l; going back "
                "needs (W[l])^T, so dA_prev = W.T @ dZ, (n[l-1], n[l]) @ (n[l], m).", lambda W, dZ: W @ dZ),
        Mistake("transposed_result", "Your dJ/da[l-1] has examples as rows, (m, n[l-1]): you computed "
                "dZ.T @ W. Use W.T @ dZ, of shape (n[l-1], m) like a[l-1].", lambda W, dZ: dZ.T @ W),
        Mistake("misplaced_transpose", "The transpose is in the wrong place: dA_prev = W.T @ dZ.",
                lambda W, dZ: dZ @ W),
        Mistake("sign", "There is a sign error: dJ/da[l-1] = + W.T @ dZ.", lambda W, dZ: -(W.T @ dZ)),
        Mistake("extra_1_over_m", "You divided by m, but the 1/m is already inside dJ/dZ (from the loss).",
                lambda W, dZ: W.T @ dZ / dZ.shape[1]),
    ],
    describe=lambda a: f"{shape_str(a[0].shape[::-1])} @ {shape_str(a[1].shape)} -> "
                       f"{shape_str((a[0].shape[1], a[1].shape[1]))}, the shape of a[l-1].",
)


def _backward_inputs(d, rng):
    sizes, m = d["sizes"], d["m"]
    phis = {1: (tanh, tanh_prime), 2: (sigmoid, sigmoid_prime)}
    A, Z, W = {0: _normal(rng, (sizes[0], m))}, {}, {}
    for l in range(1, len(sizes)):
        W[l] = _normal(rng, (sizes[l], sizes[l - 1]))
        Z[l] = W[l] @ A[l - 1] + _normal(rng, (sizes[l], 1))
        A[l] = phis[l][0](Z[l])
    L = len(sizes) - 1
    return _normal(rng, (sizes[L], m)), A, Z, W, {l: phis[l][1] for l in range(1, L + 1)}


def _backward_with(dW_from, use_phi_prime=True):
    def run(dAL, A, Z, W, phi_prime):
        L = len(W)
        dW, db, dA = {}, {}, dAL
        for l in range(L, 0, -1):
            dZ = backprop_dZ(dA, Z[l], phi_prime[l]) if use_phi_prime else dA
            dW[l] = dW_from(dZ, A, l)
            db[l] = backprop_db(dZ)
            dA = backprop_dA_prev(W[l], dZ)
        return dW, db
    return run


BACKWARD = Exercise(
    "backward(dAL, A, Z, W, phi_prime) -> (dW, db)",
    _backward_with(lambda dZ, A, l: backprop_dW(dZ, A[l - 1])),
    _backward_inputs,
    [dict(sizes=[3, 5, 2], m=4)],
    [
        Mistake("used_A_l", "dJ/dW[l] uses the layer's INPUT: dZ[l] @ A[l-1].T. You used A[l], the layer's "
                "output, so dW[l] came out (n[l], n[l]) instead of the shape of W[l], (n[l], n[l-1]).",
                _backward_with(lambda dZ, A, l: dZ @ A[l].T)),
        Mistake("forgot_phi_prime", "You forgot phi'(z) in the first boxed equation: "
                "dZ[l] = dA[l] * phi_prime[l](Z[l]), in every layer.",
                _backward_with(lambda dZ, A, l: dZ @ A[l - 1].T, use_phi_prime=False)),
        Mistake("sign", "There is a sign error in dW: dJ/dW[l] = + dZ[l] @ A[l-1].T.",
                _backward_with(lambda dZ, A, l: -(dZ @ A[l - 1].T))),
    ],
    parts=("dW", "db"),
    describe=lambda a: "every dW[l] has the shape of W[l] and every db[l] that of b[l].",
)


# ---- the loss, normalised by m (lesson 3) ----

def _loss_inputs(d, rng):
    return rng.uniform(0.1, 0.9, (d["n"], d["m"])), rng.uniform(0.1, 0.9, (d["n"], d["m"]))


def _loss(AL, Y):
    return half_squared_error(AL, Y)


def _loss_with(J_scale=1.0, dAL_scale=1.0, dAL_sign=1.0):
    def wrong(AL, Y):
        J, dAL = _loss(AL, Y)
        return J * J_scale(AL) if callable(J_scale) else J * J_scale, dAL_sign * dAL * (
            dAL_scale(AL) if callable(dAL_scale) else dAL_scale)
    return wrong


LOSS = Exercise(
    "J = 1/(2m) sum (A[L] - Y)^2 and dJ/dA[L]",
    _loss,
    _loss_inputs,
    [dict(n=2, m=5)],
    [
        Mistake("J_forgot_1_over_m", "J is not divided by m, so it grows with the number of examples. "
                "Average over the m examples: J = 1/(2m) sum (A - Y)^2.", _loss_with(J_scale=lambda A: A.shape[1])),
        Mistake("dAL_forgot_1_over_m", "J is right, but dJ/dA[L] is missing its 1/m: since J is divided by "
                "m, so is its derivative, dJ/dA[L] = (A[L] - Y) / m.", _loss_with(dAL_scale=lambda A: A.shape[1])),
        Mistake("both_forgot_1_over_m", "Neither J nor dJ/dA[L] is divided by m: normalise by the number of "
                "examples so that numbers don't change scale with the batch size.",
                _loss_with(J_scale=lambda A: A.shape[1], dAL_scale=lambda A: A.shape[1])),
        Mistake("J_divided_by_all_entries", "You divided J by n[L] * m (np.mean over every entry). "
                "Normalise by the number of examples m only: sum over the outputs, average over the examples.",
                _loss_with(J_scale=lambda A: 1 / A.shape[0])),
        Mistake("J_forgot_half", "J is twice too big: the 1/2 is missing, J = 1/(2m) sum (A - Y)^2 "
                "(the 1/2 is what makes its derivative simply (A - Y)/m).", _loss_with(J_scale=2.0)),
        Mistake("dAL_sign", "dJ/dA[L] has the wrong sign: it is (A[L] - Y) / m, which points towards "
                "making A[L] bigger when it is already too big.", _loss_with(dAL_sign=-1.0)),
    ],
    parts=("J", "dJ/dA[L]"),
    describe=lambda a: f"J is a number and dJ/dA[L] has the shape of A[L], {shape_str(a[0].shape)}.",
)


EXERCISES = {
    "linear_forward": LINEAR_FORWARD,
    "layer_forward": LAYER_FORWARD,
    "forward": FORWARD,
    "dZ": DZ,
    "dW": DW,
    "db": DB,
    "dA_prev": DA_PREV,
    "backward": BACKWARD,
    "loss": LOSS,
}


def _check(key, fn, m=None):
    ex = EXERCISES[key]
    if m is not None:
        ex = ex._replace(probes=[{**d, "m": m} for d in ex.probes])
    result = diagnose(ex, fn)
    report(result)
    return None


def check_linear_forward(fn) -> None:
    """Check fn(W, A_prev, b) -> Z = W A_prev + b."""
    _check("linear_forward", fn)


def check_layer_forward(fn) -> None:
    """Check fn(A_prev, W, b, phi) -> A = phi(W A_prev + b)."""
    _check("layer_forward", fn)


def check_forward(fn) -> None:
    """Check fn(params, X, activations) -> A[L], the forward pass through all L layers."""
    _check("forward", fn)


def check_dZ(fn, m: int | None = None) -> None:
    """Check fn(dA, Z, phi_prime) -> dZ = dA * phi_prime(Z).  m=1 checks the single-example form."""
    _check("dZ", fn, m)


def check_dW(fn, m: int | None = None) -> None:
    """Check fn(dZ, A_prev) -> dW = dZ @ A_prev.T.  m=1 checks the single-example form."""
    _check("dW", fn, m)


def check_db(fn, m: int | None = None) -> None:
    """Check fn(dZ) -> db, the sum of dZ over the examples (columns).  m=1: the single-example form."""
    _check("db", fn, m)


def check_dA_prev(fn, m: int | None = None) -> None:
    """Check fn(W, dZ) -> dA_prev = W.T @ dZ.  m=1 checks the single-example form."""
    _check("dA_prev", fn, m)


def check_backward(fn, m: int | None = None) -> None:
    """Check fn(dAL, A, Z, W, phi_prime) -> (dW, db): dicts by layer l = 1..L, A also has A[0] = X.

    m=1 checks the single-example form.
    """
    _check("backward", fn, m)


def check_loss(fn) -> None:
    """Check fn(AL, Y) -> (J, dAL) for J = 1/(2m) sum (A[L] - Y)^2."""
    _check("loss", fn)
