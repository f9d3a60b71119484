"""The exercises after lesson 3, batching (notebooks/exercises/03_batching_exercises.ipynb).

The loss J = 1/(2m) sum (A[L] - Y)^2 with its derivative, and the normalisation mistakes every loss
can have (_loss_mistakes, shared with the cross-entropies of lessons 5 and 8).  The notebook also
checks dW, db and the backward pass for a batch: those exercises are backprop.py's.
"""

from __future__ import annotations

from ..errors import shape_str
from ..losses import half_squared_error
from .engine import Exercise, Mistake


def _loss_inputs(d, rng):
    return rng.uniform(0.1, 0.9, (d["n"], d["m"])), rng.uniform(0.1, 0.9, (d["n"], d["m"]))


def _scaled(loss, J_scale=lambda A: 1.0, d_scale=lambda A: 1.0):
    """A wrong loss: the right (J, dJ) with J and dJ multiplied by factors that depend on AL."""
    def wrong(AL, Y):
        J, d = loss(AL, Y)
        return J * J_scale(AL), d * d_scale(AL)
    return wrong


def _loss_mistakes(loss, d_name):
    """The normalisation mistakes every loss can have; d_name is its second output, e.g. dJ/dA[L]."""
    m = (lambda A: A.shape[1])  # noqa: E731
    return [
        Mistake("J_forgot_1_over_m", "J is not divided by m, so it grows with the number of examples. "
                "Average over the m examples: divide the sum by m = AL.shape[1].", _scaled(loss, J_scale=m)),
        Mistake("dJ_forgot_1_over_m", f"J is right, but {d_name} is missing its 1/m: since J is divided by m, "
                "so is its derivative.", _scaled(loss, d_scale=m)),
        Mistake("both_forgot_1_over_m", f"Neither J nor {d_name} is divided by m: normalise by the number of "
                "examples so that the numbers don't change scale with the batch size.",
                _scaled(loss, J_scale=m, d_scale=m)),
        Mistake("J_divided_by_rows", "J is divided by len(AL), the number of ROWS, which is n[L], the number of "
                "outputs. The examples are the columns: divide by m = AL.shape[1].",
                _scaled(loss, J_scale=lambda A: A.shape[1] / A.shape[0])),
        Mistake("dJ_divided_by_rows", f"Your {d_name} is divided by len(AL), the number of ROWS (n[L] outputs). "
                "The examples are the columns: divide by m = AL.shape[1].",
                _scaled(loss, d_scale=lambda A: A.shape[1] / A.shape[0])),
    ]


def _half_squared(AL, Y):
    return half_squared_error(AL, Y)


LOSS = Exercise(
    "J = 1/(2m) sum (A[L] - Y)^2 and dJ/dA[L]",
    "AL, Y",
    _half_squared,
    _loss_inputs,
    [dict(n=3, m=5), dict(n=1, m=5), dict(n=2, m=7)],
    [
        *_loss_mistakes(_half_squared, "dJ/dA[L]"),
        Mistake("J_divided_by_all_entries", "You divided J by n[L] * m (np.mean over every entry). "
                "Normalise by the number of examples m only: sum over the outputs, average over the examples.",
                _scaled(_half_squared, J_scale=lambda A: 1 / A.shape[0])),
        Mistake("J_divided_by_size", "J = sum / AL.size divides by every entry, n[L] * m, and drops the 1/2: "
                "J = 1/(2m) sum (A - Y)^2, with m = AL.shape[1] the number of examples (columns).",
                _scaled(_half_squared, J_scale=lambda A: 2 / A.shape[0])),
        Mistake("J_forgot_half", "J is twice too big: the 1/2 is missing, J = 1/(2m) sum (A - Y)^2 "
                "(the 1/2 is what makes its derivative simply (A - Y)/m).", _scaled(_half_squared, J_scale=lambda A: 2.0)),
        Mistake("dAL_sign", "The gradient dJ/dA[L] has the wrong sign: it is (A[L] - Y) / m, which points towards "
                "making A[L] bigger when it is already too big.", _scaled(_half_squared, d_scale=lambda A: -1.0)),
    ],
    parts=("J", "dJ/dA[L]"),
    describe=lambda a: f"J is a number and dJ/dA[L] has the shape of A[L], {shape_str(a[0].shape)}.",
)
