"""Checks for the exercise notebooks: run a student's function and say what is wrong, in words.

A subpackage of its own, at the top of the package beside the plots: it only
calls the package's math, never the reverse.

    engine             the diagnosis: probes, the catalogue of mistakes, the verdict (diagnose, Result)
    forward_prop       after lesson 1: z = W a + b, a = phi(z), the forward pass
    backprop           after lesson 2 (and batched, lesson 3): the four boxed equations, the backward pass
    batching           after lesson 3: the squared-error loss, and the normalisation mistakes of every loss
    gradient_checking  after lesson 3: centred differences, the relative error, grad_check
    training           after lesson 5: the cross-entropy of a sigmoid output, the update rule, the training loop
    backward_signal    after lesson 6: the factor of each step back, where the signal is smallest, dead ReLUs
    softmax_output     after lesson 8: softmax, its cross-entropy, the predicted labels
    derivations        exercises whose formula is not given: the student derives it, the check compares
                       with centred differences and names the step of the derivation that went wrong
    predictions        predict, then check: a recorded answer to a short question, judged and explained

Each of the lesson modules holds its exercises, one Exercise per equation with its catalogue of
mistakes.  This module holds the tables (EXERCISES, MISTAKES, NOTEBOOKS), the check_* functions the
notebooks call, and summary(notebook).  Grading a class (mlp_lessons.grading) runs these same checks.
Every name the notebooks and tests use is importable from here, as mlp_lessons.exercises.<name>.
"""

from __future__ import annotations

import hashlib
import json
import numbers
from typing import NamedTuple

from ..errors import plural
from .engine import *  # noqa: F401,F403  (every public name, as mlp_lessons.exercises.<name>)
from .engine import Exercise, Result, _agree, _copy, _describe_difference, _run, _same, _text, diagnose  # noqa: F401
from .forward_prop import *  # noqa: F401,F403
from .forward_prop import FORWARD, LAYER_FORWARD, LINEAR_FORWARD
from .backprop import *  # noqa: F401,F403
from .backprop import BACKWARD, DA_PREV, DB, DW, DZ
from .batching import *  # noqa: F401,F403
from .batching import LOSS
from .gradient_checking import *  # noqa: F401,F403
from .gradient_checking import GRAD_CHECK, NUMERICAL_GRADIENT, RELATIVE_ERROR
from .training import *  # noqa: F401,F403
from .training import SIGMOID_CE, TRAIN, UPDATE
from .backward_signal import *  # noqa: F401,F403
from .backward_signal import BACKWARD_FACTORS, DEAD_SHARE, SMALLEST_GRADIENT
from .softmax_output import *  # noqa: F401,F403
from .softmax_output import PREDICT, SOFTMAX, SOFTMAX_CE
from .derivations import *  # noqa: F401,F403
from .derivations import GELU_PRIME, MOMENTUM, SKIP_BACKWARD, SOFTMAX_BACKWARD, WEIGHTED_BCE_DZ
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
    "backward_factors": BACKWARD_FACTORS,
    "dead_share": DEAD_SHARE,
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
    "smallest_gradient": SMALLEST_GRADIENT,
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
    "06_backward_signal_exercises": [Entry("backward_factors", "backward_factors"),
                                     Entry("smallest_gradient", "predicted_smallest"), Entry("dead_share", "dead_share")],
    "08_derivations_exercises": [
        Entry("weighted_bce_dZ", "weighted_bce_dZ"), Entry("momentum_factor", "predicted_step"),
        Entry("momentum", "momentum_step"), Entry("softmax_column_sum", "predicted_column_sum"),
        Entry("softmax_backward", "softmax_backward")],
    "08_softmax_exercises": [
        Entry("softmax", "softmax"), Entry("softmax_cross_entropy", "softmax_cross_entropy"),
        Entry("predict_labels", "predict_labels")],
}

# Exercise notebooks are named after the lesson they follow; these are the names (and stamps) they had
# before the lessons were renumbered (lesson 4 split in two, gradient checking moved after lesson 3),
# so that work saved under an old name is still graded.
OLD_NAMES = {
    "04_training_exercises": "05_training_exercises",
    "05_gradient_checking_exercises": "03_gradient_checking_exercises",
    "06_softmax_exercises": "08_softmax_exercises",
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


def _check_function(name: str, key: str, doc: str):
    """The public check function `name` of EXERCISES[key], which a notebook calls: it prints the verdict.

    The checks of exercises that a notebook asks in the single-example form also take m (m=1).
    """
    if isinstance(EXERCISES[key], Prediction):
        def check_fn(answer) -> None:
            check(key, answer)
    elif any(e.key == key and e.single for entries in NOTEBOOKS.values() for e in entries):
        def check_fn(fn, m: int | None = None) -> None:
            check(key, fn, m)
        doc += "  m=1 checks the single-example form."
    else:
        def check_fn(fn) -> None:
            check(key, fn)
    check_fn.__name__ = check_fn.__qualname__ = name
    check_fn.__doc__ = doc
    return check_fn


# The check functions the notebooks call, with their docstrings: check_<key> checks EXERCISES[key]
# (CHECKED names the exceptions).
CHECKS = {
    "check_linear_forward": "Check fn(W, A_prev, b) -> Z = W A_prev + b.",
    "check_layer_forward": "Check fn(W, A_prev, b, phi) -> A = phi(W A_prev + b).",
    "check_forward": "Check fn(params, X, activations) -> A[L], the forward pass through all L layers.",
    "check_dZ": "Check fn(dA, Z, phi_prime) -> dZ = dA * phi_prime(Z).",
    "check_dW": "Check fn(dZ, A_prev) -> dW = dZ @ A_prev.T.",
    "check_db": "Check fn(dZ) -> db, the sum of dZ over the examples (columns).",
    "check_dA_prev": "Check fn(W, dZ) -> dA_prev = W.T @ dZ.",
    "check_backward": "Check fn(dAL, A, Z, W, phi_prime) -> (dW, db): dicts by layer l = 1..L, A also has A[0] = X.",
    "check_loss": "Check fn(AL, Y) -> (J, dAL) for J = 1/(2m) sum (A[L] - Y)^2.",
    "check_sigmoid_cross_entropy": (
        "Check fn(AL, Y) -> (J, dZL): binary cross-entropy averaged over m, and dJ/dZ[L] = (A[L] - Y) / m."),
    "check_update": "Check fn(params, grads, lr) -> new params, W := W - lr dW and b := b - lr db for every layer.",
    "check_train": (
        "Check fn(params, X, Y, step, epochs, batch_size, seed) -> params, the mini-batch loop; then the moons."),
    "check_numerical_gradient": (
        "Check fn(J, x, eps) -> the centred-difference gradient of J() with respect to every entry of x."),
    "check_relative_error": "Check fn(a, b) -> ||a - b|| / (||a|| + ||b||), 0 when both are 0.",
    "check_grad_check": "Check fn(J, params, grads, eps) -> {name: relative error} for every parameter.",
    "check_softmax": "Check fn(Z) -> softmax of every column of Z.",
    "check_softmax_cross_entropy": (
        "Check fn(AL, Y) -> (J, dZL): cross-entropy averaged over m, and dJ/dZ[L] = (A[L] - Y) / m."),
    "check_predict_labels": "Check fn(AL) -> the predicted class of each example (column), shape (m,).",
    "check_backward_factors": (
        "Check fn(A, Z, W, phi_prime) -> the factor of each step back, (||W[l+1]|| / sqrt(n[l+1])) x rms phi'(z[l]), "
        "l = 1..L-1."),
    "check_dead_share": "Check fn(A) -> the share of hidden units (layers 1..L-1) that output 0 on every example.",
    "check_gelu_prime": (
        "Check fn(Z) -> phi'(Z) for GELU (tanh approximation), elementwise: the derivative you derived."),
    "check_weighted_bce_dZ": (
        "Check fn(ZL, Y, w1, w0) -> dJ/dZ[L] of the class-weighted cross-entropy, from the logits."),
    "check_softmax_backward": "Check fn(dA, A) -> dJ/dZ through softmax, without building its Jacobian.",
    "check_skip_backward": "Check fn(dA2, A1, Z2, W2, phi_prime) -> (dW2, db2, dA1) for a[2] = phi(z[2]) + a[1].",
    "check_momentum_step": (
        "Check fn(params, grads, velocity, lr, beta) -> (params, velocity): v := beta v + dJ/dW, W := W - lr v."),
    "check_predicted_zeros": (
        "Check the prediction: which entries (row, column), from 1, of dJ/dW[1] are zero on the hand network."),
    "check_predicted_factors": (
        "Check the prediction (mean loss, summed loss): how the gradient's length changes when m doubles."),
    "check_predicted_step": (
        "Check the prediction: one step of momentum (beta = 0.9) on a steady slope, in plain steps."),
    "check_predicted_column_sum": (
        "Check the prediction: what each column of dJ/dz sums to through softmax (None: it depends)."),
    "check_predicted_smallest": (
        "Check the prediction (layer, ratio): where ||dJ/dz[l]|| is smallest in signal_net, and its ratio to the "
        "output's."),
}
# The checks not named check_<key>: the key of the exercise each one checks.
CHECKED = {
    "check_momentum_step": "momentum",
    "check_predicted_zeros": "dW1_zeros",
    "check_predicted_factors": "gradient_length",
    "check_predicted_step": "momentum_factor",
    "check_predicted_column_sum": "softmax_column_sum",
    "check_predicted_smallest": "smallest_gradient",
}
globals().update({name: _check_function(name, CHECKED.get(name, name[len("check_"):]), doc)
                  for name, doc in CHECKS.items()})
