"""Update rules: how one step turns the gradients into new parameters.

Plain gradient descent is sgd_update, W[l] := W[l] - lr dJ/dW[l].  Another rule
is an object whose step(params, grads, lr, check=False) returns the new
parameters, the same call as sgd_update, so the training loop takes either
(as torch.optim's optimizers plug into a PyTorch loop).  GradientDescent adds a
regularisation term to J; momentum would be one more such class.
"""

from __future__ import annotations

import numbers

import numpy as np

from .errors import check_grads, check_lr, check_overflow, check_params, finite_number, short_repr


def sgd_update(params: dict, grads: dict, lr: float, check: bool = True) -> dict:
    """W[l] := W[l] - lr dJ/dW[l] and b[l] := b[l] - lr dJ/db[l], for every layer.

    Returns a new dict of new arrays, of the parameters' dtype; params and grads
    are left untouched.  Each dJ/dW[l] must have W[l]'s shape and each dJ/db[l]
    b[l]'s (never broadcast); gradients of another dtype are converted to the
    parameters'.  check=False skips validation, for a training loop's inner steps.
    """
    if check:
        lr = check_lr(lr)
        check_params(params)
        grads = check_grads(params, grads)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported next
            new = sgd_update(params, grads, lr, check=False)
        for name, value in new.items():
            check_overflow(name, value, f"sgd_update, {name} := {name} - lr d{name} with lr = {lr:g}")
        return new
    # W + (-lr dW) is W - lr dW to the last bit, but written this way numpy stores the
    # sum in the temporary (-lr dW) instead of allocating one more array, which on a
    # large W[l] saves a pass over memory and its page faults.
    return {name: value + (-lr) * grads["d" + name] for name, value in params.items()}


# R(W), summed over the weights W[1]..W[L] (biases are not regularised), and dR/dW[l].
REGULARIZATIONS = {
    "L1": (lambda W: float(np.sum(np.abs(W))), np.sign),  # R = sum |W_pq|,       dR/dW = sign(W)
    "L2": (lambda W: 0.5 * float(np.sum(W * W)), lambda W: W),  # R = 1/2 sum W_pq^2, dR/dW = W
}


class GradientDescent:
    """Gradient descent on J + lambda R(W), with lambda = rate:

        W[l] := W[l] - lr (dJ/dW[l] + lambda dR/dW[l]),   b[l] := b[l] - lr dJ/db[l]

    regularization None: plain gradient descent, exactly sgd_update.
    "L2": R = 1/2 sum_l sum_pq W[l]_pq^2, dR/dW[l] = W[l]: every step shrinks each
          weight by the factor (1 - lr lambda) (weight decay).
    "L1": R = sum_l sum_pq |W[l]_pq|, dR/dW[l] = sign(W[l]): every step moves each
          weight lr lambda towards 0, so weights the data do not need end near 0.
    J here is the mean over the batch, so lambda is not divided by m.
    """

    def __init__(self, regularization: str | None = None, rate: float = 0.0):
        if regularization not in (None, *REGULARIZATIONS):
            raise ValueError(
                f"regularization must be None, 'L1' or 'L2', got {regularization!r}."
            )
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not finite_number(rate) or rate < 0:
            raise ValueError(
                f"The regularisation rate lambda must be a number >= 0 (e.g. 0.001), got rate = {short_repr(rate)}."
            )
        self.regularization = regularization
        self.rate = float(rate)

    def __repr__(self) -> str:
        return f"GradientDescent(regularization={self.regularization!r}, rate={self.rate!r})"

    @property
    def plain(self) -> bool:
        return self.regularization is None or self.rate == 0

    def penalty(self, params: dict, check: bool = True) -> float:
        """lambda R(W), the regularisation term of J.  params are checked as sgd_update checks them;
        check=False skips that (a run's params mid-epoch may have overflowed: the penalty is then inf or NaN)."""
        if check:
            check_params(params)
        if self.plain:
            return 0.0
        R = REGULARIZATIONS[self.regularization][0]
        return self.rate * sum(R(W) for name, W in params.items() if name.startswith("W"))

    def penalty_grads(self, params: dict, check: bool = True) -> dict:
        """lambda dR/dW[l] for every W[l], under the names dW1..dWL.  check=False: params not checked."""
        if check:
            check_params(params)
        dR = REGULARIZATIONS[self.regularization or "L2"][1]
        return {"d" + name: self.rate * dR(W) for name, W in params.items() if name.startswith("W")}

    def step(self, params: dict, grads: dict, lr: float, check: bool = True) -> dict:
        """The new parameters after one step (the same call as sgd_update, checked the same way)."""
        if check:
            check_lr(lr)
            check_params(params)
            grads = check_grads(params, grads)
        if not self.plain:
            extra = self.penalty_grads(params, check=False)
            grads = {name: g + extra[name] if name in extra else g for name, g in grads.items()}
        return sgd_update(params, grads, lr, check=check)
