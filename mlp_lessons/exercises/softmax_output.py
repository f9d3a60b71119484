"""The exercises after lesson 8, digits and softmax (notebooks/exercises/08_softmax_exercises.ipynb).

The softmax, its cross-entropy with dJ/dZ[L], and the predicted class of each example.
"""

from __future__ import annotations

import numpy as np

from ..activations import softmax
from ..errors import shape_str
from ..losses import softmax_cross_entropy_from_logits
from .batching import _loss_mistakes, _scaled
from .engine import Exercise, Mistake, _shape
from .training import _bce_J


def _softmax_inputs(d, rng):
    Z = 2 * rng.standard_normal((d["n"], d["m"]))
    if d.get("big"):
        Z[:, 0] = 800 + 10 * rng.standard_normal(d["n"])  # exp(800) overflows: each column must be shifted
        Z[0, -1] += 1000  # one score far above its column's others: z - min z still overflows, z - max z cannot
    return (Z,)


def _exp_normalised(E, axis, keepdims=True):
    return E / E.sum(axis=axis, keepdims=keepdims)


COLUMN_SUM = "each example is a column, so each column must sum to 1: divide by E.sum(axis=0, keepdims=True)."
BATCH_SUM = ("You normalised over the whole batch: E / E.sum() divides every entry by the sum of all n[L] x m "
             "entries, so the m columns together sum to 1, and each example's probabilities shrink with the batch "
             "size. With one example (one column) that is the same thing; with a batch, " + COLUMN_SUM)

SOFTMAX = Exercise(
    "a[L] = softmax(z[L]), column by column",
    "Z",
    softmax,
    _softmax_inputs,
    [dict(n=3, m=5), dict(n=3, m=5, big=True), dict(n=4, m=4), dict(n=5, m=5)],
    [
        Mistake("wrong_axis", f"You normalised the rows: {COLUMN_SUM}",
                lambda Z: _exp_normalised(np.exp(Z - Z.max(axis=0, keepdims=True)), 1)),
        Mistake("wrong_axis", f"You normalised the rows: {COLUMN_SUM}", lambda Z: _exp_normalised(np.exp(Z), 1)),
        Mistake("wrong_axis", f"You normalised the rows: {COLUMN_SUM}",
                lambda Z: _exp_normalised(np.exp(Z), 1, keepdims=False)),
        *[Mistake("summed_everything", BATCH_SUM, lambda Z, shift=shift: _exp_normalised(np.exp(Z - shift(Z)), None))
          for shift in (lambda Z: 0.0, lambda Z: Z.max(axis=0, keepdims=True), lambda Z: Z.max())],
        Mistake("no_max_shift", "Right for ordinary z, but exp(z) overflows to inf for z above about 709 and "
                "inf / inf is NaN. Subtract each column's max first: softmax(z - max z) = softmax(z).",
                lambda Z: _exp_normalised(np.exp(Z), 0)),
        Mistake("global_max", "Subtract each column's own max (Z.max(axis=0, keepdims=True)), not the max of the "
                "whole batch: a column far below the batch's max underflows to 0 / 0.",
                lambda Z: _exp_normalised(np.exp(Z - Z.max()), 0)),
        Mistake("wrong_axis", f"You normalised the rows: {COLUMN_SUM}",
                lambda Z: _exp_normalised(np.exp(Z - Z.max(axis=1, keepdims=True)), 1)),
        Mistake("min_shift", "Subtract each column's max, not its min: after z - min z every exponent is 0 or "
                "more, and exp overflows to inf above about 709. After z - max z every exponent is 0 or less, "
                "so the largest term is exactly 1.", lambda Z: _exp_normalised(np.exp(Z - Z.min(axis=0, keepdims=True)), 0)),
        Mistake("not_normalised", "You returned exp(z): divide by each column's sum so that each example's "
                "outputs add up to 1.", lambda Z: np.exp(Z - Z.max(axis=0, keepdims=True))),
    ],
    describe=lambda a: f"{shape_str(a[0].shape)} -> {shape_str(a[0].shape)}, every column sums to 1.",
)


def _labels_inputs(d, rng):
    return (_probabilities(d["n"], d["m"], rng),)


PREDICT = Exercise(
    "predicted class = argmax over the outputs of each example",
    "AL",
    lambda AL: np.argmax(AL, axis=0),
    _labels_inputs,
    [dict(n=3, m=5), dict(n=4, m=4), dict(n=5, m=5)],
    [
        Mistake("wrong_axis", "You took the argmax along each row. The classes of one example are the "
                "entries of its column: np.argmax(AL, axis=0).", lambda AL: np.argmax(AL, axis=1)),
        Mistake("no_axis", "Called without an axis, np.argmax looks at the whole batch as one long list and returns "
                "one number. Take it per column, over the classes: np.argmax(AL, axis=0).", lambda AL: np.argmax(AL)),
        Mistake("max_not_argmax", "You returned the largest probability; the class is WHERE it is: np.argmax, "
                "not np.max.", lambda AL: np.max(AL, axis=0)),
    ],
    describe=lambda a: f"{shape_str(a[0].shape)} -> {_shape(a[0].shape[1:])}, one class per example.",
)


def _softmax_ce(AL, Y):
    """The package's softmax + cross-entropy from the logits: log AL are logits whose softmax is AL."""
    return softmax_cross_entropy_from_logits(np.log(AL), Y)


def _probabilities(n: int, m: int, rng):
    """The softmax of random scores: m columns of n[L] probabilities, each column summing to 1."""
    return softmax(2 * rng.standard_normal((n, m)))


def _softmax_ce_inputs(d, rng):
    A = _probabilities(d["n"], d["m"], rng)
    return A, np.eye(d["n"])[:, rng.integers(0, d["n"], d["m"])]


SOFTMAX_CE = Exercise(
    "J = -1/m sum Y log A and dJ/dZ[L] for a softmax output",
    "AL, Y",
    _softmax_ce,
    _softmax_ce_inputs,
    [dict(n=3, m=5), dict(n=4, m=6)],
    [
        *_loss_mistakes(_softmax_ce, "dJ/dZ[L]"),
        Mistake("J_divided_by_size", "You divided by AL.size, the number of entries n[L] * m: there are n[L] "
                "classes per example, and only the examples are averaged over. Divide by m = AL.shape[1].",
                _scaled(_softmax_ce, J_scale=lambda A: 1 / A.shape[0])),
        Mistake("J_sign", "J came out negative: log a is negative for a < 1, so the loss needs the minus sign, "
                "J = -1/m sum Y log A.", _scaled(_softmax_ce, J_scale=lambda A: -1.0)),
        Mistake("J_binary_form", "You used the binary cross-entropy, with a (1 - y) log(1 - a) term. With softmax "
                "the classes are one output each and Y is one-hot: J = -1/m sum Y log A, one term per example.",
                lambda AL, Y: (_bce_J(AL, Y), _softmax_ce(AL, Y)[1])),
        Mistake("dZ_sign", "The gradient dJ/dZ[L] has the wrong sign: it is (A[L] - Y) / m.",
                _scaled(_softmax_ce, d_scale=lambda A: -1.0)),
        Mistake("dZ_is_dA", "You returned dJ/dA[L] = -Y / A / m. The exercise asks for dJ/dZ[L]: through "
                "softmax (a Jacobian, not an elementwise phi'), it becomes (A - Y) / m.",
                lambda AL, Y: (_softmax_ce(AL, Y)[0], -Y / AL / AL.shape[1])),
    ],
    parts=("J", "dJ/dZ[L]"),
    describe=lambda a: f"J is a number and dJ/dZ[L] = (A[L] - Y) / m has the shape of A[L], {shape_str(a[0].shape)}.",
)
