"""Update rules: how one step turns the gradients into new parameters.

sgd_update is the bare rule, W[l] := W[l] - lr dJ/dW[l].  A rule object owns its learning
rate and whatever it carries from step to step (as torch.optim's optimizers do):
GradientDescent (with L1 or L2 regularisation) and Momentum have .lr and
.step(params, grads, check), which train(..., optimizer=...) and Run take.  lr is
keyword-only in GradientDescent, whose first argument stays the regularisation (as lesson 7 calls it).
"""

from __future__ import annotations

import functools

import numpy as np

from .errors import (ShapeError, all_finite, biggest, check_array, check_finite, check_lr, check_no_overflow,
                     check_overflow, check_params, check_real, describe, finite_number, is_real, key_trouble, plural,
                     quiet_overflow, shape_str, short_repr, transposed)

UPDATE = "sgd_update, W := W - lr dW"


def sgd_update(params: dict, grads: dict, lr: float, check: bool = True) -> dict:
    """W[l] := W[l] - lr dJ/dW[l] and b[l] := b[l] - lr dJ/db[l], for every layer.

    Returns a new dict of new arrays, of the parameters' dtype; params and grads
    are left untouched.  Each dJ/dW[l] must have W[l]'s shape and each dJ/db[l]
    b[l]'s (never broadcast); gradients of another dtype are converted to the
    parameters'.  check=False skips validation, for a training loop's inner steps.
    """
    if check:
        params, grads, lr = sgd_update_args(params, grads, lr)
    # W + (-lr dW) is W - lr dW to the last bit, but written this way numpy stores the
    # sum in the temporary (-lr dW) instead of allocating one more array.
    with quiet_overflow(check):
        new = {name: value + (-lr) * grads["d" + name] for name, value in params.items()}
    return update_finite(new, params, grads, lr) if check else new


def sgd_update_args(params, grads, lr):
    """lr, and params and grads but for their values: the update's result is checked instead (update_finite)."""
    lr = check_lr(lr)
    check_params(params, finite=False)
    return params, check_grads(params, grads), lr


def update_finite(new: dict, params: dict, grads: dict, lr: float) -> dict:
    """new, the parameters after the update, if all finite (one pass each); else why not: a parameter
    or gradient that is not finite, or |W| + lr |dW| past the largest float, so W - lr dW overflows."""
    if all_finite(new.values()):
        return new
    check_params(params)
    for name in params:
        check_finite(f"d{name}", grads["d" + name], "sgd_update",
                     "A NaN or infinite gradient would make the parameters NaN: check the loss and "
                     "the inputs that produced it.")
    for name, value in params.items():
        W, dW = biggest(value), biggest(grads["d" + name]) if grads["d" + name].size else 0.0
        check_no_overflow(f"sgd_update, {name} := {name} - lr d{name} with lr = {lr:g}", name, W + lr * dW,
                          value.dtype, {name: W, "d" + name: dW})
        check_overflow(name, new[name], "sgd_update")
    return new


def check_grads(params: dict, grads) -> dict:
    """Check grads has exactly one dX for every parameter X, of X's shape (never broadcast).

    Returns the gradients as arrays of the parameters' dtype (their values are update_finite's to check).
    """
    if not isinstance(grads, dict):
        raise TypeError(
            f"sgd_update: grads must be a dict with keys 'dW1', 'db1', ..., as backward returns, "
            f"got {describe(grads)}."
        )
    wanted = {"d" + name for name in params}
    if grads.keys() != wanted:
        raise ValueError(
            f"sgd_update: grads needs one gradient per parameter, named 'd' + the parameter's "
            f"name ({', '.join(sorted(wanted))}), but {key_trouble(wanted, grads)}. Use the dict that "
            f"backward or loss_and_grads returns for these params."
        )
    checked = {}
    for name, value in params.items():
        g = grads["d" + name]
        if not (type(g) is np.ndarray and g.dtype == value.dtype):
            g = check_array(f"d{name}", g, ndim=None, where=f"sgd_update, {name} := {name} - lr d{name}",
                            dtype=value.dtype, finite=False, empty=True)
        if g.shape != value.shape:
            hint = ""
            if name.startswith("b"):
                eq = "dZ summed over the m columns: dZ.sum(axis=1, keepdims=True)"
                if g.ndim == 2 and g.shape[0] == value.shape[0]:
                    hint = f" It has {plural(g.shape[1], 'column')}: it looks unsummed."
                elif g.ndim == 1 and g.shape[0] == value.shape[0]:
                    hint = " It is 1-D: keep the column with keepdims=True (or .reshape(-1, 1))."
            else:
                eq = "dZ @ A_prev.T"
                hint = transposed(g.shape, value.shape)
            raise ShapeError(
                f"d{name} must have the shape of {name}, {shape_str(value.shape)}, but it has "
                f"shape {shape_str(g.shape)}; the update {name} := {name} - lr d{name} would "
                f"broadcast it into the wrong shape.{hint} d{name} is {eq}."
            )
        checked["d" + name] = g
    return checked


# R(W), summed over the weights W[1]..W[L] (biases are not regularised), and dR/dW[l].
REGULARIZATIONS = {
    "L1": (lambda W: float(np.sum(np.abs(W))), np.sign),  # R = sum |W_pq|,       dR/dW = sign(W)
    "L2": (lambda W: 0.5 * float(np.sum(W * W)), lambda W: W),  # R = 1/2 sum W_pq^2, dR/dW = W
}
REGULARIZATION_NAMES = (None, *REGULARIZATIONS)  # the choices, None for none (a playground's list)


class GradientDescent:
    """Gradient descent on J + lambda R(W), with lambda = rate and learning rate lr:

        W[l] := W[l] - lr (dJ/dW[l] + lambda dR/dW[l]),   b[l] := b[l] - lr dJ/db[l]

    regularization None: plain gradient descent, exactly sgd_update.
    "L2": R = 1/2 sum_l sum_pq W[l]_pq^2, dR/dW[l] = W[l]: every step shrinks each
          weight by the factor (1 - lr lambda) (weight decay).
    "L1": R = sum_l sum_pq |W[l]_pq|, dR/dW[l] = sign(W[l]): every step moves each
          weight lr lambda towards 0, so weights the data do not need end near 0.
    J here is the mean over the batch, so lambda is not divided by m.
    """

    def __init__(self, regularization: str | None = None, rate: float = 0.0, *, lr: float = 0.1):
        if regularization not in REGULARIZATION_NAMES:
            hint = (f" The learning rate is a keyword: GradientDescent(lr={regularization!r})."
                    if isinstance(regularization, (int, float)) else "")
            raise ValueError(f"regularization must be None, 'L1' or 'L2', got {regularization!r}.{hint}")
        self.regularization, self.lr = regularization, check_lr(lr)
        if not is_real(rate) or not finite_number(rate) or rate < 0:
            raise ValueError(f"The regularisation rate lambda must be a number >= 0 (e.g. 0.001), got rate = "
                             f"{short_repr(rate)}.")
        self.rate = float(rate)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr!r}, regularization={self.regularization!r}, rate={self.rate!r})"

    def penalty(self, params: dict, check: bool = True) -> float:
        """lambda R(W), the regularisation term of J.  params are checked as sgd_update checks them;
        check=False skips that (a run's params mid-epoch may have overflowed: the penalty is then inf or NaN)."""
        if check:
            check_params(params)
        if self.regularization is None or self.rate == 0:
            return 0.0
        R = REGULARIZATIONS[self.regularization][0]
        return self.rate * sum(R(W) for name, W in params.items() if name.startswith("W"))

    def penalty_grads(self, params: dict, check: bool = True) -> dict:
        """lambda dR/dW[l] for every W[l], under the names dW1..dWL.  check=False: params not checked."""
        if check:
            check_params(params)
        dR = REGULARIZATIONS[self.regularization or "L2"][1]
        return {"d" + name: self.rate * dR(W) for name, W in params.items() if name.startswith("W")}

    def gradients(self, params: dict, grads: dict) -> dict:
        """dJ/dW[l] + lambda dR/dW[l] for every W[l] (grads itself without regularisation)."""
        if self.regularization is None or self.rate == 0:
            return grads
        extra = self.penalty_grads(params, check=False)
        return {name: g + extra[name] if name in extra else g for name, g in grads.items()}

    def step(self, params: dict, grads: dict, *, check: bool = True) -> dict:
        """The new parameters after one step, W := W - lr (dW + lambda dR/dW); checked as sgd_update checks."""
        if check:
            params, grads, _ = sgd_update_args(params, grads, self.lr)
        with quiet_overflow(check):
            new = sgd_update(params, self.direction(self.gradients(params, grads)), self.lr, check=False)
        return update_finite(new, params, grads, self.lr) if check else new

    def direction(self, grads: dict) -> dict:
        """What W := W - lr (...) follows: the gradients themselves (Momentum: its velocity)."""
        return grads


class Momentum(GradientDescent):
    """Gradient descent with momentum, on J + lambda R(W) as GradientDescent:

        v[l] := beta v[l] + dJ/dW[l],   W[l] := W[l] - lr v[l]     (and the same for b[l])

    v starts at 0 and is carried from step to step (self.velocity): where the
    gradients keep one direction, steps grow up to 1 / (1 - beta) times a plain
    one; where they flip sign, they cancel.  beta = 0 is GradientDescent.
    """

    def __init__(self, *, lr: float = 0.1, beta: float = 0.9, regularization: str | None = None, rate: float = 0.0):
        super().__init__(regularization, rate, lr=lr)
        self.beta = check_real("beta", beta, "Momentum", low=0, high=1, meaning=" (the share of v kept, e.g. 0.9)")
        self.velocity: dict = {}

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", beta={self.beta!r})"

    def direction(self, grads: dict) -> dict:
        """v := beta v + dJ/dW, kept as self.velocity (started again at 0 for other shapes)."""
        v = self.velocity
        if v.keys() != grads.keys() or any(v[k].shape != g.shape for k, g in grads.items()):
            v = {k: np.zeros_like(g) for k, g in grads.items()}
        self.velocity = {k: self.beta * v[k] + g for k, g in grads.items()}
        return self.velocity

    def step(self, params: dict, grads: dict, *, check: bool = True) -> dict:
        """The new parameters after one step; self.velocity stays as it was if the step is refused."""
        velocity = self.velocity
        try:
            return super().step(params, grads, check=check)
        except ValueError:
            self.velocity = velocity
            raise


@functools.lru_cache(maxsize=32, typed=True)
def plain_rule(lr: float) -> GradientDescent:
    """GradientDescent(lr=lr), made (and lr checked) once per lr: it holds no state, so steps may share it."""
    return GradientDescent(lr=lr)


def update_rule(lr, optimizer, where: str = "train"):
    """The update rule of a run: optimizer (any object with .lr and .step), or GradientDescent(lr=lr)."""
    if optimizer is None:
        try:
            return plain_rule(0.1 if lr is None else lr)
        except TypeError:  # unhashable: no number
            check_lr(lr)
    if lr is not None:
        raise ValueError(
            f"{where}: give the learning rate once: the update rule owns it, so pass "
            f"optimizer={type(optimizer).__name__}(lr={lr!r}, ...) alone, or lr={lr!r} alone for plain gradient "
            f"descent (got both lr={lr!r} and optimizer={optimizer!r})."
        )
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise TypeError(
            f"{where}: optimizer must be an update rule with a learning rate .lr and a step(params, grads, "
            f"check) method, such as GradientDescent(lr=0.1) or Momentum(lr=0.1, beta=0.9), or None for "
            f"plain gradient descent; got {describe(optimizer)}."
        )
    return optimizer
