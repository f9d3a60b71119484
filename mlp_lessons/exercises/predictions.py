"""Predict, then check: a short question answered in a variable before the code shows the answer.

The student replaces the `...` of a cell such as `predicted_zeros = ...` with a
prediction and runs its check, which says whether it was right and explains
why; the cells below it then show the answer computed.  Each question has a
catalogue of typical wrong answers (Mistake, whose `answer` is the wrong value
as a student would write it), each with its own explanation, and the grader
records the prediction as a row of grades.csv, as it does an exercise.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, NamedTuple

from .engine import Mistake, Result


class Prediction(NamedTuple):
    name: str  # the question, short
    correct: object  # the right answer, as a student writes it
    read: Callable  # (value) -> a normal form that compares with ==, or raises ValueError(what to write)
    mistakes: list  # Mistake(code, hint, the wrong value)
    explanation: str  # why the right answer is right (the pass message)
    form: str  # what to write, for the check's docstring

    def judge(self, value, defined: bool = True) -> Result:
        """The check of a prediction: never raises."""
        name = self.name
        if not defined:
            return Result("missing", "missing", "", "The answer is not defined.")
        if value is Ellipsis:
            hint = ("Not answered yet: replace the ... with your prediction before you run the cells below it, "
                    "which show the answer.")
            return Result("not implemented", "not_implemented", f"{name}: {hint}", hint)
        try:
            got = self.read(value)
        except ValueError as e:
            hint = f"{e} You wrote {_short(value)}."
            return Result("error", "form", f"{name}: {hint}", hint)
        except Exception:  # an object that cannot even be compared: still a sentence, never a traceback
            hint = f"Write {self.form}. You wrote {_short(value)}."
            return Result("error", "form", f"{name}: {hint}", hint)
        if got == self.read(self.correct):
            hint = f"Correct! {self.explanation}"
            return Result("pass", "pass", f"{name}: {hint}", hint)
        for m in self.mistakes:
            if got == self.read(m.answer):
                return Result("wrong", m.code, f"{name}: not right yet. {m.hint}", m.hint)
        hint = f"That is not it. {self.explanation}"
        return Result("wrong", "unknown", f"{name}: not right yet. {hint}", hint)


def _short(value) -> str:
    try:
        text = repr(value)
    except Exception:
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError("Write a number (e.g. 2 or 0.5).")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError("Write a finite number.")
    return x


def _rounded(x: float) -> float:
    """Two predictions that agree to 6 significant digits are the same prediction (1/3 as 0.333333)."""
    return float(f"{x:.6g}")


# ---- lesson 1's hand network: which entries of dJ/dW[1] are zero? (after lessons 2 and 3) ----

PAIRS = ("Write a list of (row, column) pairs counting from 1, as the text does, e.g. [(1, 2), (2, 2)]; "
         "write [] if you think no entry is zero.")


def _pairs(value) -> frozenset:
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ValueError(PAIRS)
    out = set()
    for pair in value:
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise ValueError(PAIRS)
        p, q = pair
        if any(isinstance(k, bool) or not isinstance(k, numbers.Integral) for k in (p, q)):
            raise ValueError(PAIRS)
        out.add((int(p), int(q)))
    return frozenset(out)


HAND_Z1 = ("On lesson 1's hand network z[1] = W[1] x + b[1] = (1 - 2 + 0, 0.5 + 4 - 1) = (-1, 3.5), so the relu of "
           "the first hidden neuron is off")
HAND_WHY = (f"{HAND_Z1}: relu'(-1) = 0. Equation 1 then makes dJ/dz[1]_1 = dJ/da[1]_1 x 0 = 0, and row 1 of "
            "dJ/dW[1] = dJ/dz[1] x^T (equation 2) is that 0 times x = (1, 2): both its entries, (1, 1) and (1, 2), "
            "are zero. Row 2 is dJ/dz[1]_2 x^T = 3 x (1, 2) = (3, 6).")

DW1_ZEROS = Prediction(
    "which entries of dJ/dW[1] are zero on the hand network",
    [(1, 1), (1, 2)],
    _pairs,
    [
        Mistake("none", f"Some are zero. {HAND_WHY}", []),
        Mistake("a_column", "A whole column of dJ/dW[1] is zero only when an input x_q is 0, since "
                f"dJ/dW_pq = dJ/dz_p x_q, and x = (1, 2) has no zero. {HAND_WHY}", [(1, 1), (2, 1)]),
        Mistake("dW2_zero", "That is the zero of dJ/dW[2]: a[1]_1 = relu(-1) = 0 makes entry (1, 1) of "
                f"dJ/dW[2] = dJ/dz[2] a[1]^T zero. In dJ/dW[1] the neuron that is off zeroes a whole ROW. {HAND_WHY}",
                [(1, 1)]),
        Mistake("counted_from_0", "Right entries, but counted from 0 as Python does: the text counts rows and "
                "columns from 1 (W_pq with p = 1..n[l]), so write [(1, 1), (1, 2)]. " + HAND_WHY, [(0, 0), (0, 1)]),
        Mistake("other_row", "Row 2 belongs to the second hidden neuron, whose z[1]_2 = 3.5 > 0: its relu passes "
                f"the gradient on. {HAND_WHY}", [(2, 1), (2, 2)]),
        Mistake("all", f"Not all of them: only the neuron that is off stops the gradient. {HAND_WHY}",
                [(1, 1), (1, 2), (2, 1), (2, 2)]),
    ],
    HAND_WHY,
    "a list of (row, column) pairs, counting from 1",
)


# ---- the gradient's length when m doubles, with the mean loss and with the sum (after lesson 3) ----

FACTORS = "Write two numbers, (with the mean loss, with the summed loss), e.g. (1, 1)."


def _two_numbers(value) -> tuple:
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(FACTORS)
    return tuple(_rounded(_number(x)) for x in value)


LENGTH_WHY = ("With every example in the batch twice, the summed loss counts each example's gradient twice, so its "
              "gradient doubles (factor 2). The mean divides that sum by 2m instead of m, which cancels the doubling: "
              "factor 1. That is why the lessons divide J by m: a learning rate means the same for any batch size.")

GRADIENT_LENGTH = Prediction(
    "how the gradient's length changes when m doubles",
    (1, 2),
    _two_numbers,
    [
        Mistake("mean_halves", "The mean does not shrink the gradient when m doubles: its 1/(2m) meets a sum with "
                f"twice as many terms. {LENGTH_WHY}", (0.5, 1)),
        Mistake("unchanged", f"The summed loss does change. {LENGTH_WHY}", (1, 1)),
        Mistake("both_double", f"The mean loss does not double. {LENGTH_WHY}", (2, 2)),
        Mistake("swapped", f"The other way round: (with the mean, with the sum) = (1, 2). {LENGTH_WHY}", (2, 1)),
        Mistake("root_two", "The gradient is not the examples' gradients laid side by side (which would make a "
                "vector sqrt(2) times as long): it is their sum, or their mean, a vector of the parameters' size. "
                + LENGTH_WHY, (1, 2 ** 0.5)),
    ],
    LENGTH_WHY,
    "a pair of numbers, (with the mean loss, with the summed loss)",
)


# ---- momentum: how long does the step become on a steady slope? (lesson 5's update; asked after lesson 8) ----

MOMENTUM_WHY = ("With the same gradient g at every step, v := 0.9 v + g grows as g, 1.9 g, 2.71 g, ..., towards the "
                "v for which v = 0.9 v + g, that is v = g / (1 - 0.9) = 10 g. So the step lr v settles at 10 times "
                "the plain step lr g: on a long, steady slope momentum goes 1/(1 - beta) times as fast.")

MOMENTUM_FACTOR = Prediction(
    "momentum's step on a steady slope, in plain steps",
    10,
    lambda v: _rounded(_number(v)),
    [
        Mistake("beta", f"The factor beta = 0.9 is what the old velocity keeps of itself each step, not the step's size. "
                f"{MOMENTUM_WHY}", 0.9),
        Mistake("second_step", f"That is the second step, 1.9 g; the velocity keeps growing after it. {MOMENTUM_WHY}", 1.9),
        Mistake("no_change", f"The step does grow: the velocity keeps 0.9 of itself and adds g every step. "
                f"{MOMENTUM_WHY}", 1),
        Mistake("beta_over_one_minus_beta", "That is how much the old velocity adds, 0.9 / (1 - 0.9) = 9 plain "
                f"steps; the gradient adds one more. {MOMENTUM_WHY}", 9),
        Mistake("squared", f"One factor 1/(1 - beta), not two. {MOMENTUM_WHY}", 100),
        Mistake("one_minus_beta", f"Momentum makes the step longer, not shorter. {MOMENTUM_WHY}", 0.1),
    ],
    MOMENTUM_WHY,
    "a number: how many plain steps lr g one step of momentum becomes",
)


# ---- softmax: what does each column of dJ/dz sum to? (after lesson 8) ----

COLUMN_WHY = ("Adding the same number c to every z_i of a column leaves its softmax unchanged, so J cannot change "
              "either: the derivative of J along (1, 1, ..., 1), which is the column's sum of dJ/dz_i, is 0, whatever "
              "dJ/da is. In the formula: sum_i a_i (dJ/da_i - s) = s - s x 1 = 0, with s = sum_j a_j dJ/da_j.")


def _number_or_none(value):
    if value is None:
        return None
    try:
        return _rounded(_number(value))
    except ValueError:
        raise ValueError("Write a number, or None if you think it depends on dJ/da.") from None


SOFTMAX_COLUMN_SUM = Prediction(
    "what each column of dJ/dz sums to through softmax",
    0,
    _number_or_none,
    [
        Mistake("one", f"The softmax's OUTPUTS sum to 1 in each column; its gradient is another thing. {COLUMN_WHY}",
                1),
        Mistake("depends", f"It does not depend on dJ/da. {COLUMN_WHY}", None),
    ],
    COLUMN_WHY,
    "a number, or None if you think it depends on dJ/da",
)
