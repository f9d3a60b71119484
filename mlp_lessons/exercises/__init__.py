"""Checks for the exercise notebooks: run a student's function and say what is wrong, in words.

A subpackage of its own, at the top of the package beside the plots: it only
calls the package's math, never the reverse.

    engine        the diagnosis: probes, the catalogue of mistakes, the verdict (diagnose, Result)
    lessons       the exercises of the lesson notebooks: one Exercise per equation, with its mistakes
    derivations   exercises whose formula is not given: the student derives it, the check compares
                  with centred differences and names the step of the derivation that went wrong
    predictions   predict, then check: a recorded answer to a short question, judged and explained

This module holds the tables (EXERCISES, MISTAKES, NOTEBOOKS), the check_*
functions the notebooks call, and summary(notebook).  Grading a class
(mlp_lessons.grading) runs these same checks.  Every name the notebooks and
tests use is importable from here, as mlp_lessons.exercises.<name>.
"""

from __future__ import annotations

import hashlib
import json
import numbers
from typing import NamedTuple

import numpy as np

from ..activations import sigmoid, sigmoid_prime, tanh, tanh_prime
from ..errors import plural, shape_str
from ..forward import forward, linear_forward
from ..losses import half_squared_error
from .engine import *  # noqa: F401,F403  (every public name, as mlp_lessons.exercises.<name>)
from .engine import Exercise, Result, _agree, _copy, _describe_difference, _run, _same, _text, diagnose  # noqa: F401
from .lessons import *  # noqa: F401,F403
from .lessons import GC_ACTIVATIONS, _gc_inputs
from .derivations import *  # noqa: F401,F403
from .derivations import (BOWL_BETA, BOWL_LR, BOWL_SHOWN, GELU_PRIME, MOMENTUM, SKIP_BACKWARD, SOFTMAX_BACKWARD,
                          WEIGHTED_BCE_DZ, momentum_against_gradient_descent)
from .predictions import *  # noqa: F401,F403
from .predictions import DW1_ZEROS, GRADIENT_LENGTH, MOMENTUM_FACTOR, SOFTMAX_COLUMN_SUM, Prediction

# ---- the table of exercises, the notebooks that use them, and the checks ----

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
    "sigmoid_cross_entropy": SIGMOID_CE,
    "update": UPDATE,
    "train": TRAIN,
    "numerical_gradient": NUMERICAL_GRADIENT,
    "relative_error": RELATIVE_ERROR,
    "grad_check": GRAD_CHECK,
    "softmax": SOFTMAX,
    "softmax_cross_entropy": SOFTMAX_CE,
    "predict_labels": PREDICT,
    # derived, not transcribed: the formula is not given
    "gelu_prime": GELU_PRIME,
    "weighted_bce_dZ": WEIGHTED_BCE_DZ,
    "softmax_backward": SOFTMAX_BACKWARD,
    "skip_backward": SKIP_BACKWARD,
    "momentum": MOMENTUM,
    # predict, then check
    "dW1_zeros": DW1_ZEROS,
    "gradient_length": GRADIENT_LENGTH,
    "momentum_factor": MOMENTUM_FACTOR,
    "softmax_column_sum": SOFTMAX_COLUMN_SUM,
}

# The catalogue of mistakes, one table per exercise: (code, hint, a wrong answer that makes it).
MISTAKES = {key: ex.mistakes for key, ex in EXERCISES.items()}


class Entry(NamedTuple):
    """One exercise of a notebook: which check, the student's function name, single-example form or not."""

    key: str
    function: str
    single: bool = False

    @property
    def signature(self) -> str:
        """The first line's text: `name(args)` of a function, or `name = ...` of a prediction."""
        if self.prediction:
            return f"{self.function} = ..."
        return f"{self.function}({EXERCISES[self.key].args})"

    @property
    def prediction(self) -> bool:
        return isinstance(EXERCISES[self.key], Prediction)


NOTEBOOKS = {
    "01_forward_prop_exercises": [
        Entry("linear_forward", "linear_forward"), Entry("layer_forward", "layer_forward"), Entry("forward", "forward")],
    "02_backprop_exercises": [
        Entry("dZ", "backprop_dZ", True), Entry("dW", "backprop_dW", True), Entry("db", "backprop_db", True),
        Entry("dA_prev", "backprop_dA_prev", True), Entry("backward", "backward", True)],
    "03_batching_exercises": [
        Entry("loss", "half_squared_error"), Entry("dW", "backprop_dW"), Entry("db", "backprop_db"),
        Entry("backward", "backward")],
    "03_derivations_exercises": [
        Entry("dW1_zeros", "predicted_zeros"), Entry("gelu_prime", "gelu_prime"),
        Entry("gradient_length", "predicted_factors"), Entry("skip_backward", "skip_backward")],
    "03_gradient_checking_exercises": [
        Entry("numerical_gradient", "numerical_gradient"), Entry("relative_error", "relative_error"),
        Entry("grad_check", "grad_check"), Entry("backward", "backward")],
    "05_training_exercises": [
        Entry("sigmoid_cross_entropy", "sigmoid_cross_entropy"), Entry("update", "update"), Entry("train", "train")],
    "07_derivations_exercises": [
        Entry("weighted_bce_dZ", "weighted_bce_dZ"), Entry("momentum_factor", "predicted_step"),
        Entry("momentum", "momentum_step"), Entry("softmax_column_sum", "predicted_column_sum"),
        Entry("softmax_backward", "softmax_backward")],
    "07_softmax_exercises": [
        Entry("softmax", "softmax"), Entry("softmax_cross_entropy", "softmax_cross_entropy"),
        Entry("predict_labels", "predict_labels")],
}

# Exercise notebooks are named after the lesson they follow; these are the names (and stamps) they had
# before lesson 4 was split in two, so that work saved under an old name is still graded.
OLD_NAMES = {
    "04_training_exercises": "05_training_exercises",
    "05_gradient_checking_exercises": "03_gradient_checking_exercises",
    "06_softmax_exercises": "07_softmax_exercises",
}


def current_name(notebook: str) -> str:
    """The exercise notebook's name today, for a name it may have been saved under."""
    return OLD_NAMES.get(notebook, notebook)


def notebook_version(notebook: str) -> str:
    """A short fingerprint of a notebook's exercises (names, arguments, forms); it changes when they do."""
    entries = [[e.key, e.signature, e.single] for e in NOTEBOOKS[notebook]]
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:10]


_RESULTS: dict = {}  # (key, single) -> the last Result of that check in this kernel


def _single(m, check_name: str):
    """m=1: the single-example form; None: a batch. Anything else is a wrong call, said as such."""
    if m is None:
        return False, None
    if isinstance(m, numbers.Integral) and not isinstance(m, bool) and m == 1:
        return True, None
    hint = (f"The call {check_name}(fn, m={m!r}) is not a call the check understands: m chooses the form to check, m=1 "
            f"for the single-example form, or leave m out for a batch (the check then tries several sizes "
            f"and one example itself). Your function was not run.")
    return None, Result("error", "bad_call", hint, hint)


def check(key: str, fn, m=None, show: bool = True) -> Result:
    """Run the check of EXERCISES[key] on fn, print the verdict (show=True) and remember it for summary()."""
    single, refused = _single(m, "check_" + key)
    result = refused or diagnose(EXERCISES[key], fn, single=single)
    if refused is None:
        _RESULTS[(key, single)] = result
    if show:
        report(result)
    return result


def report(result: Result) -> None:
    mark = {"pass": "✔", "not implemented": "…"}.get(result.status, "✘")
    print(f"{mark} {result.message}")


def result_json(key: str, fn, single: bool, defined: bool | None = None) -> str:
    """The check's Result as JSON, for the grader (which runs it in the student's kernel).

    defined: whether the student's name exists at all (a prediction may be None); by default, fn is not None.
    """
    if not (fn is not None if defined is None else defined):
        what = "answer" if isinstance(EXERCISES[key], Prediction) else "function"
        result = Result("missing", "missing", "", f"The {what} is not defined.")
    else:
        result = diagnose(EXERCISES[key], fn, single=single)
    return json.dumps(result._asdict())


def summary(notebook: str) -> None:
    """Which of this notebook's exercises pass and which still need work (from the checks run so far)."""
    entries = NOTEBOOKS.get(current_name(notebook)) if isinstance(notebook, str) else None
    if entries is None:
        print(f"summary({notebook!r}): no such exercise notebook; the names are {', '.join(NOTEBOOKS)}.")
        return
    lines, passed = [], 0
    for i, e in enumerate(entries, start=1):
        result = _RESULTS.get((e.key, e.single))
        if result is None:
            mark, text = "?", "not checked yet: run its check cell."
        elif result.status == "pass":
            passed += 1
            mark, text = "✔", "passes." + (" (Read its note about batches.)" if result.code != "pass" else "")
        elif result.status == "not implemented":
            mark, text = "…", "not answered yet." if e.prediction else "not implemented yet."
        else:
            mark, text = "✘", "needs work: see the message under its check."
        lines.append(f"{mark} Exercise {i}, {e.function}: {text}")
    print(f"{passed} of {plural(len(entries), 'exercise')} pass.")
    print("\n".join(lines))


def check_linear_forward(fn) -> None:
    """Check fn(W, A_prev, b) -> Z = W A_prev + b."""
    check("linear_forward", fn)


def check_layer_forward(fn) -> None:
    """Check fn(W, A_prev, b, phi) -> A = phi(W A_prev + b)."""
    check("layer_forward", fn)


def check_forward(fn) -> None:
    """Check fn(params, X, activations) -> A[L], the forward pass through all L layers."""
    check("forward", fn)


def check_dZ(fn, m: int | None = None) -> None:
    """Check fn(dA, Z, phi_prime) -> dZ = dA * phi_prime(Z).  m=1 checks the single-example form."""
    check("dZ", fn, m)


def check_dW(fn, m: int | None = None) -> None:
    """Check fn(dZ, A_prev) -> dW = dZ @ A_prev.T.  m=1 checks the single-example form."""
    check("dW", fn, m)


def check_db(fn, m: int | None = None) -> None:
    """Check fn(dZ) -> db, the sum of dZ over the examples (columns).  m=1: the single-example form."""
    check("db", fn, m)


def check_dA_prev(fn, m: int | None = None) -> None:
    """Check fn(W, dZ) -> dA_prev = W.T @ dZ.  m=1 checks the single-example form."""
    check("dA_prev", fn, m)


def check_backward(fn, m: int | None = None) -> None:
    """Check fn(dAL, A, Z, W, phi_prime) -> (dW, db): dicts by layer l = 1..L, A also has A[0] = X.

    m=1 checks the single-example form.
    """
    check("backward", fn, m)


def check_loss(fn) -> None:
    """Check fn(AL, Y) -> (J, dAL) for J = 1/(2m) sum (A[L] - Y)^2."""
    check("loss", fn)


def check_sigmoid_cross_entropy(fn) -> None:
    """Check fn(AL, Y) -> (J, dZL): binary cross-entropy averaged over m, and dJ/dZ[L] = (A[L] - Y) / m."""
    check("sigmoid_cross_entropy", fn)


def check_update(fn) -> None:
    """Check fn(params, grads, lr) -> new params, W := W - lr dW and b := b - lr db for every layer."""
    check("update", fn)


def check_train(fn) -> None:
    """Check fn(params, X, Y, step, epochs, batch_size, seed) -> params, the mini-batch loop; then train the moons."""
    check("train", fn)


def check_numerical_gradient(fn) -> None:
    """Check fn(J, x, eps) -> the centred-difference gradient of J() with respect to every entry of x."""
    check("numerical_gradient", fn)


def check_relative_error(fn) -> None:
    """Check fn(a, b) -> ||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    check("relative_error", fn)


def check_grad_check(fn) -> None:
    """Check fn(J, params, grads, eps) -> {name: relative error} for every parameter."""
    check("grad_check", fn)


def check_softmax(fn) -> None:
    """Check fn(Z) -> softmax of every column of Z."""
    check("softmax", fn)


def check_softmax_cross_entropy(fn) -> None:
    """Check fn(AL, Y) -> (J, dZL): cross-entropy averaged over m, and dJ/dZ[L] = (A[L] - Y) / m."""
    check("softmax_cross_entropy", fn)


def check_predict_labels(fn) -> None:
    """Check fn(AL) -> the predicted class of each example (column), shape (m,)."""
    check("predict_labels", fn)


def check_gelu_prime(fn) -> None:
    """Check fn(Z) -> phi'(Z) for GELU (tanh approximation), elementwise: the derivative you derived."""
    check("gelu_prime", fn)


def check_weighted_bce_dZ(fn) -> None:
    """Check fn(ZL, Y, w1, w0) -> dJ/dZ[L] of the class-weighted cross-entropy, from the logits."""
    check("weighted_bce_dZ", fn)


def check_softmax_backward(fn) -> None:
    """Check fn(dA, A) -> dJ/dZ through softmax, without building its Jacobian."""
    check("softmax_backward", fn)


def check_skip_backward(fn) -> None:
    """Check fn(dA2, A1, Z2, W2, phi_prime) -> (dW2, db2, dA1) for a[2] = phi(z[2]) + a[1]."""
    check("skip_backward", fn)


def check_momentum_step(fn) -> None:
    """Check fn(params, grads, velocity, lr, beta) -> (params, velocity): v := beta v + dJ/dW, W := W - lr v."""
    check("momentum", fn)


def check_predicted_zeros(answer) -> None:
    """Check the prediction: which entries (row, column), counting from 1, of dJ/dW[1] are zero on the hand network."""
    check("dW1_zeros", answer)


def check_predicted_factors(answer) -> None:
    """Check the prediction (with the mean loss, with the summed loss): the gradient's length factor when m doubles."""
    check("gradient_length", answer)


def check_predicted_step(answer) -> None:
    """Check the prediction: one step of momentum (beta = 0.9) on a steady slope, in plain steps."""
    check("momentum_factor", answer)


def check_predicted_column_sum(answer) -> None:
    """Check the prediction: what each column of dJ/dz sums to through softmax (None: it depends)."""
    check("softmax_column_sum", answer)


def show_momentum(momentum_step) -> None:
    """Your momentum_step against plain gradient descent on a long, narrow valley: J after some of the steps."""
    plain, _ = momentum_against_gradient_descent(lambda p, g, v, lr, beta: (p, v))
    header = (f"J(w) = 1/2 (w1^2 + 100 w2^2) from w = (1, 1), lr = {BOWL_LR:g}; momentum with beta = {BOWL_BETA:g}:")
    try:
        plain, mine = momentum_against_gradient_descent(momentum_step)
        rows = [f"{'step':>6}  {'gradient descent':>16}  {'momentum (yours)':>16}"]
        rows += [f"{k:>6}  {plain[k - 1]:>16.2e}  {mine[k - 1]:>16.2e}" for k in BOWL_SHOWN]
    except NotImplementedError:
        print(header)
        print(f"{'step':>6}  {'gradient descent':>16}")
        print("\n".join(f"{k:>6}  {plain[k - 1]:>16.2e}" for k in BOWL_SHOWN))
        print("… momentum_step is not implemented yet: its column appears here once it is.")
        return
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        print(f"✘ running your momentum_step raised {type(e).__name__}: {_text(e)}")
        return
    print(header)
    print("\n".join(rows))


def show_grad_check(grad_check, backward, seed: int = 0) -> None:
    """Run your grad_check on your backward (lesson 3's form) on a small network and print each relative error."""
    rng = np.random.default_rng(seed)
    params, X, Y, _ = _gc_inputs(dict(sizes=[3, 4, 2], m=5), rng)
    W = {l: params[f"W{l}"] for l in (1, 2)}
    phi_prime = {1: tanh_prime, 2: sigmoid_prime}
    A, Z = {0: X}, {}
    for l, phi in ((1, tanh), (2, sigmoid)):
        Z[l] = linear_forward(W[l], A[l - 1], params[f"b{l}"])
        A[l] = phi(Z[l])
    dAL = half_squared_error(A[2], Y)[1]

    def J():
        return half_squared_error(forward(params, X, GC_ACTIVATIONS, check=False)[0], Y)[0]

    try:
        with np.errstate(all="ignore"):
            dW, db = backward(dAL, A, Z, W, phi_prime)
            grads = {**{f"dW{l}": dW[l] for l in W}, **{f"db{l}": db[l] for l in W}}
            errors = grad_check(J, params, grads, 1e-5)
        lines = [f"  {name}: relative error {float(errors[name]):.1e}" + ("" if float(errors[name]) < 1e-7 else
                 "   <- backprop and the centred differences disagree here") for name in params]
    except NotImplementedError:
        print("… grad_check or backward is not implemented yet.")
        return
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        print(f"✘ running your grad_check on your backward raised {type(e).__name__}: {_text(e)}")
        return
    print("Your grad_check on your backward, network [3, 4, 2] (tanh, sigmoid), m = 5:")
    print("\n".join(lines))
