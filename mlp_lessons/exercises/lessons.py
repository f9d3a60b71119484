"""The exercises of the lesson notebooks (lessons 1 to 3, 5 and 7): each equation's Exercise and its mistakes."""

from __future__ import annotations

import numbers
from functools import partial

import numpy as np

from ..activations import get_activation, sigmoid, sigmoid_prime, softmax, tanh, tanh_prime
from ..backward import backprop_dA_prev, backprop_db, backprop_dW, backprop_dZ, loss_and_grads
from ..data.datasets import moons
from ..errors import plural, shape_str
from ..forward import forward, linear_forward
from ..gradcheck import numerical_gradient, relative_error
from ..losses import half_squared_error, sigmoid_binary_cross_entropy, softmax_cross_entropy_from_logits
from ..params import init_params
from ..training import accuracy, sgd_update, train_step
from .engine import Exercise, Mistake, _normal, _shape


# ---- forward prop (lesson 1) ----

SWAPPED = ("You computed A_prev @ W. The arguments come in the order of the symbols of the equation, "
           "z = W a_prev + b: W first, then A_prev, then b, as in linear_forward(W, A_prev, b) and "
           "layer_forward(W, A_prev, b, phi). Multiply W @ A_prev.")


def _linear_inputs(d, rng):
    return _normal(rng, (d["n"], d["p"])), _normal(rng, (d["p"], d["m"])), _normal(rng, (d["n"], 1))


LINEAR_FORWARD = Exercise(
    "z[l] = W[l] a[l-1] + b[l]",
    "W, A_prev, b",
    linear_forward,
    _linear_inputs,
    [dict(n=3, p=4, m=5), dict(n=2, p=6, m=3), dict(n=4, p=4, m=5), dict(n=3, p=3, m=2), dict(n="m", p=4, m=5),
     dict(n="m", p=2, m=3), dict(n=4, p=4, m=4), dict(n=3, p=3, m=3)],
    [
        Mistake("forgot_b", "You forgot to add b[l]: z = W a + b.", lambda W, A, b: W @ A),
        Mistake("sign_b", "The bias b[l] is added, not subtracted: z = W a + b.", lambda W, A, b: W @ A - b),
        Mistake("transposed_W", "W[l] already has shape (n[l], n[l-1]), one row per neuron of layer l: "
                "use W @ a_prev, with no transpose.", lambda W, A, b: W.T @ A + b),
        Mistake("transposed_result", "Your z has examples as rows: (m, n[l]). This series stacks examples "
                "as columns, so z = W @ A_prev + b has shape (n[l], m).", lambda W, A, b: (W @ A + b).T),
        Mistake("b_as_row", "The bias b[l] is a column (n[l], 1) and is added to every column (example); adding "
                "b.T adds it along the rows instead.", lambda W, A, b: W @ A + b.T),
        Mistake("elementwise", "The operator `*` multiplies entry by entry; z = W a is a matrix product: use `@`.",
                lambda W, A, b: W * A + b),
        Mistake("swapped_arguments", SWAPPED, lambda W, A, b: A @ W + b),
    ],
    describe=lambda a: f"W {shape_str(a[0].shape)} @ a[l-1] {shape_str(a[1].shape)} + b "
                       f"{shape_str(a[2].shape)} -> z {shape_str((a[0].shape[0], a[1].shape[1]))}.",
)


LAYER_FORWARD = Exercise(
    "a[l] = phi(W[l] a[l-1] + b[l])",
    "W, A_prev, b, phi",
    lambda W, A_prev, b, phi: phi(linear_forward(W, A_prev, b)),
    lambda d, rng: (*_linear_inputs(d, rng), d.get("phi", tanh)),
    [dict(n=3, p=4, m=5), dict(n=2, p=6, m=3), dict(n=4, p=4, m=5), dict(n=3, p=3, m=2), dict(n=4, p=4, m=4),
     dict(n=3, p=3, m=3), dict(n=3, p=4, m=5, phi=sigmoid)],
    [
        Mistake("forgot_phi", "You returned z: apply the activation, a = phi(z).",
                lambda W, A, b, phi: W @ A + b),
        Mistake("phi_on_input", "The activation phi goes on z = W a[l-1] + b, after the linear step, not on a[l-1] before it.",
                lambda W, A, b, phi: W @ phi(A) + b),
        Mistake("b_after_phi", "Add b[l] before phi: a = phi(W a[l-1] + b), not phi(W a[l-1]) + b.",
                lambda W, A, b, phi: phi(W @ A) + b),
        Mistake("forgot_b", "You forgot b[l]: a = phi(W a[l-1] + b).", lambda W, A, b, phi: phi(W @ A)),
        Mistake("transposed_W", "W[l] is (n[l], n[l-1]) and is used as is: W @ a_prev, with no transpose.",
                lambda W, A, b, phi: phi(W.T @ A + b)),
        Mistake("swapped_arguments", SWAPPED, lambda W, A, b, phi: phi(A @ W + b)),
        Mistake("fixed_activation", "Apply the phi you are given, phi(z): it is an argument, so that the same "
                "function serves every layer's activation. Your code always applies tanh.",
                lambda W, A, b, phi: np.tanh(W @ A + b)),
    ],
    describe=lambda a: f"a[l] has shape {shape_str((a[0].shape[0], a[1].shape[1]))}, (n[l], m).",
)


class _Names(list):
    """The activations list of the forward probes: an index past the end says which list it was."""

    def __getitem__(self, i):
        if isinstance(i, numbers.Integral) and not -len(self) <= i < len(self):
            raise IndexError(f"activations[{i}] does not exist: the list has {plural(len(self), 'name')}, "
                             f"activations[0] to activations[{len(self) - 1}]")
        return super().__getitem__(i)


def _forward_inputs(d, rng):
    sizes = d["sizes"]
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = _normal(rng, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = _normal(rng, (sizes[l], 1))
    return params, _normal(rng, (sizes[0], d["m"])), _Names(d["activations"])


def _forward_with(step, index=lambda l: l - 1):
    """A wrong forward() whose layer step is step(l, L, W, A_prev, b, phi, X), with layer l's activation
    taken from activations[index(l)]."""
    def wrong(params, X, activations):
        A, L = X, len(activations)
        for l in range(1, L + 1):
            phi = get_activation(activations[index(l)]).phi
            A = step(l, L, params[f"W{l}"], A, params[f"b{l}"], phi, X)
        return A
    return wrong


RIGHT_LAYER = _forward_with(lambda l, L, W, A, b, phi, X: phi(W @ A + b))
ACTIVATION_INDEX = ("Layer l's activation is activations[l - 1]: the layers count from 1, Python's lists "
                    "from 0, and your code read the wrong entry. Check the index, and that the loop stops at "
                    "layer L = len(activations) (not len(params), which holds two arrays, W and b, per layer).")

FORWARD = Exercise(
    "forward(params, X, activations) -> A[L]",
    "params, X, activations",
    lambda params, X, activations: forward(params, X, list(activations))[0],
    _forward_inputs,
    [dict(sizes=[4, 3, 2], m=5, activations=["tanh", "sigmoid"]),
     dict(sizes=[2, 6, 5, 3], m=7, activations=["relu", "tanh", "sigmoid"]),
     dict(sizes=[4, 4, 4], m=5, activations=["tanh", "sigmoid"]),
     dict(sizes=[3, 3, 3], m=2, activations=["tanh", "sigmoid"]),
     dict(sizes=[4, 4, 4], m=4, activations=["tanh", "sigmoid"]),
     dict(sizes=[3, 3, 3], m=3, activations=["tanh", "sigmoid"])],
    [
        Mistake("last_layer_linear", "The output layer needs its activation too: a[L] = phi[L](z[L]).",
                _forward_with(lambda l, L, W, A, b, phi, X: W @ A + b if l == L else phi(W @ A + b))),
        Mistake("not_chained", "Each layer must take the previous layer's output, a[l-1], as its input; "
                "you fed X = a[0] to every layer.", _forward_with(lambda l, L, W, A, b, phi, X: phi(W @ X + b))),
        Mistake("one_layer_short", "You stopped one layer early: loop over all L layers, l = 1..L.",
                lambda params, X, acts: RIGHT_LAYER(params, X, acts[:-1])),
        Mistake("same_activation", "Each layer has its own activation: use activations[l - 1] for layer l.",
                lambda params, X, acts: RIGHT_LAYER(params, X, [acts[0]] * len(acts))),
        Mistake("activation_index", ACTIVATION_INDEX,
                _forward_with(lambda l, L, W, A, b, phi, X: phi(W @ A + b), index=lambda l: l), exact_error=True),
        Mistake("activation_index", ACTIVATION_INDEX,
                _forward_with(lambda l, L, W, A, b, phi, X: phi(W @ A + b), index=lambda l: l - 2)),
        Mistake("forgot_b", "You forgot b[l]: z[l] = W[l] a[l-1] + b[l].",
                _forward_with(lambda l, L, W, A, b, phi, X: phi(W @ A))),
        Mistake("swapped_arguments", SWAPPED, _forward_with(lambda l, L, W, A, b, phi, X: phi(A @ W + b))),
    ],
    describe=lambda a: f"a[L] has shape {shape_str((a[0][f'W{len(a[2])}'].shape[0], a[1].shape[1]))}, (n[L], m).",
)


# ---- the four boxed equations (lesson 2), batched (lesson 3) ----

BOXED = "the boxed equation"


def _dZ_inputs(d, rng):
    return _normal(rng, (d["n"], d["m"])), _normal(rng, (d["n"], d["m"])), d.get("phi_prime", sigmoid_prime)


MATRIX_PRODUCT = ("This product is elementwise (the circled dot), one entry per neuron and example: "
                  "use `*`, not `@`. With one example the two can look alike; with a batch they are "
                  "different things.")
PHI_PRIME_AT_Z = "The derivative phi' is evaluated at the pre-activation z[l]: phi_prime(Z)"

DZ = Exercise(
    "dJ/dz[l] = dJ/da[l] * phi'(z[l])",
    "dA, Z, phi_prime",
    backprop_dZ,
    _dZ_inputs,
    [dict(n=3, m=5), dict(n=4, m=2), dict(n="m", m=5), dict(n="m", m=3), dict(n=3, m=5, phi_prime=tanh_prime)],
    [
        Mistake("forgot_phi_prime", "You forgot phi'(z): dJ/dz = dJ/da * phi'(z[l]) (the chain rule through "
                "a = phi(z)).", lambda dA, Z, pp: dA),
        Mistake("forgot_dA", "You returned only phi'(z); multiply by the gradient arriving from above, dJ/da[l].",
                lambda dA, Z, pp: pp(Z)),
        Mistake("sign", "There is a sign error: dJ/dz = + dJ/da * phi'(z).", lambda dA, Z, pp: -dA * pp(Z)),
        Mistake("divided", "Multiply by phi'(z), don't divide.", lambda dA, Z, pp: dA / pp(Z)),
        Mistake("phi_prime_of_dA", f"{PHI_PRIME_AT_Z}, not at dJ/da.", lambda dA, Z, pp: dA * pp(dA)),
        Mistake("matrix_product", MATRIX_PRODUCT, lambda dA, Z, pp: dA @ pp(Z)),
        Mistake("matrix_product", MATRIX_PRODUCT, lambda dA, Z, pp: dA @ pp(Z).T),
        Mistake("matrix_product", MATRIX_PRODUCT, lambda dA, Z, pp: dA.T @ pp(Z)),
        Mistake("fixed_phi_prime", "Call the phi_prime you are given, phi_prime(Z): it is an argument, so that "
                "the same function serves every layer's activation. Your code always uses sigmoid'.",
                lambda dA, Z, pp: dA * sigmoid_prime(Z)),
    ],
    describe=lambda a: f"elementwise, {shape_str(a[0].shape)} * {shape_str(a[1].shape)} -> {shape_str(a[0].shape)}.",
    equation=BOXED,
)


def _dW_inputs(d, rng):
    return _normal(rng, (d["n"], d["m"])), _normal(rng, (d["p"], d["m"]))


MISPLACED_T = ("The transpose is in the wrong place. dJ/dW[l] must have the shape of W[l], "
               "(n[l], n[l-1]), and the sum over the m examples happens inside the product: "
               "(n[l], m) @ (m, n[l-1]), i.e. dZ @ A_prev.T.")
DW_EXTRA_M = ("You divided by m, but the 1/m is already inside dJ/dZ: it came from the loss, "
              "J = (1/m) sum over examples. Dividing again shrinks the gradient with the batch size.")
OUTER = ("Your {what} is the outer product of one example's two columns, which is dJ/dW for m = 1 only. "
         "With m examples dJ/dW is the sum of the m outer products, which is exactly the matrix product "
         "dZ @ A_prev.T, (n[l], m) @ (m, n[l-1]).")

DW = Exercise(
    "dJ/dW[l] = dJ/dZ[l] (A[l-1])^T",
    "dZ, A_prev",
    backprop_dW,
    _dW_inputs,
    [dict(n=3, p=4, m=5), dict(n=4, p=2, m=3), dict(n=3, p="m", m=5), dict(n=2, p="m", m=3), dict(n=3, p=3, m=5),
     dict(n=2, p=2, m=4), dict(n=4, p=4, m=4), dict(n=3, p=3, m=3)],
    [
        Mistake("transposed_result", "Your dJ/dW has shape (n[l-1], n[l]), the transpose of W[l]: you "
                "computed A_prev @ dZ.T. Swap the factors: dZ @ A_prev.T.", lambda dZ, A: A @ dZ.T),
        Mistake("missing_transpose", "A transpose is missing: dZ @ A_prev only lines up by accident; "
                "use dZ @ A_prev.T, (n[l], m) @ (m, n[l-1]).", lambda dZ, A: dZ @ A),
        Mistake("misplaced_transpose", MISPLACED_T, lambda dZ, A: dZ.T @ A),
        Mistake("misplaced_transpose", MISPLACED_T, lambda dZ, A: A.T @ dZ),
        Mistake("sign", "There is a sign error: dJ/dW = + dZ @ A_prev.T (the minus belongs in the update "
                "W := W - alpha dJ/dW).", lambda dZ, A: -(dZ @ A.T)),
        Mistake("extra_1_over_m", DW_EXTRA_M, lambda dZ, A: dZ @ A.T / A.shape[1]),
        Mistake("elementwise", "The gradient dJ/dW is a matrix product that sums over the examples: use `@` with a "
                "transpose, dZ @ A_prev.T, not `*`.", lambda dZ, A: dZ * A),
        Mistake("outer_by_broadcasting", OUTER.format(what="dZ * A_prev.T (broadcasting a column against a row)"),
                lambda dZ, A: dZ * A.T),
        Mistake("np_outer", OUTER.format(what="np.outer(dZ, A_prev)") + " (np.outer flattens its inputs first.)",
                lambda dZ, A: np.outer(dZ, A)),
    ],
    describe=lambda a: f"{shape_str(a[0].shape)} @ {shape_str(a[1].shape[::-1])} -> "
                       f"{shape_str((a[0].shape[0], a[1].shape[0]))}, the shape of W[l].",
    equation=BOXED,
)


def _db_inputs(d, rng):
    return (_normal(rng, (d["n"], d["m"])),)


DB_SUM = ("With m examples, dJ/dZ has one column per example but b[l] has one entry per neuron: b is "
          "added to every example, so its gradient sums the columns, dZ.sum(axis=1, keepdims=True).")
DB_MEAN = ("You took the mean, i.e. divided by m, but the 1/m is already inside dJ/dZ (it came from the "
           "loss). Use the sum.")
WRONG_AXIS = ("You summed over the wrong axis: rows are neurons, columns are examples. Sum across the "
              "columns (the examples): axis=1.")

DB = Exercise(
    "dJ/db[l] = sum over examples of dJ/dZ[l]",
    "dZ",
    backprop_db,
    _db_inputs,
    [dict(n=3, m=5), dict(n=4, m=2)],
    [
        Mistake("no_sum", DB_SUM, lambda dZ: dZ),
        Mistake("wrong_axis", WRONG_AXIS, lambda dZ: dZ.sum(axis=0, keepdims=True)),
        Mistake("wrong_axis", WRONG_AXIS, lambda dZ: dZ.sum(axis=0)),
        Mistake("forgot_keepdims", "Right numbers, but a 1-D array: db must be a column of shape (n[l], 1) "
                "like b[l]. Use keepdims=True (or .reshape(-1, 1)).", lambda dZ: dZ.sum(axis=1)),
        Mistake("summed_everything", "You summed every entry into one number: b[l] needs one gradient per "
                "neuron, so sum each row: dZ.sum(axis=1, keepdims=True).", lambda dZ: np.sum(dZ)),
        Mistake("extra_1_over_m", DB_MEAN, lambda dZ: dZ.mean(axis=1, keepdims=True)),
        Mistake("sign", "There is a sign error: dJ/db = + the sum of dJ/dZ over the examples.",
                lambda dZ: -dZ.sum(axis=1, keepdims=True)),
    ],
    describe=lambda a: f"{shape_str(a[0].shape)} -> {shape_str((a[0].shape[0], 1))}, the shape of b[l].",
    equation=BOXED,
)


def _dA_prev_inputs(d, rng):
    return _normal(rng, (d["n"], d["p"])), _normal(rng, (d["n"], d["m"]))


DA_MISSING_T = ("A transpose is missing: W[l] maps layer l-1 to layer l; going back needs (W[l])^T, so "
                "dA_prev = W.T @ dZ, (n[l-1], n[l]) @ (n[l], m).")

DA_PREV = Exercise(
    "dJ/da[l-1] = (W[l])^T dJ/dz[l]",
    "W, dZ",
    backprop_dA_prev,
    _dA_prev_inputs,
    [dict(n=3, p=4, m=5), dict(n=2, p=6, m=3), dict(n=4, p=4, m=5), dict(n=3, p=3, m=2), dict(n="m", p=4, m=5),
     dict(n="m", p=2, m=3)],
    [
        Mistake("missing_transpose", DA_MISSING_T, lambda W, dZ: W @ dZ),
        Mistake("transposed_result", "Your dJ/da[l-1] has examples as rows, (m, n[l-1]): you computed "
                "dZ.T @ W. Use W.T @ dZ, of shape (n[l-1], m) like a[l-1].", lambda W, dZ: dZ.T @ W),
        Mistake("misplaced_transpose", "The transpose is in the wrong place: dA_prev = W.T @ dZ.",
                lambda W, dZ: dZ @ W),
        Mistake("sign", "There is a sign error: dJ/da[l-1] = + W.T @ dZ.", lambda W, dZ: -(W.T @ dZ)),
        Mistake("extra_1_over_m", "You divided by m, but the 1/m is already inside dJ/dZ (from the loss).",
                lambda W, dZ: W.T @ dZ / dZ.shape[1]),
        Mistake("summed_examples", "You summed over the examples, but dJ/da[l-1] keeps one column per "
                "example, like a[l-1]: only the parameters' gradients (dW, db) sum over the batch.",
                lambda W, dZ: (W.T @ dZ).sum(axis=1, keepdims=True)),
    ],
    describe=lambda a: f"{shape_str(a[0].shape[::-1])} @ {shape_str(a[1].shape)} -> "
                       f"{shape_str((a[0].shape[1], a[1].shape[1]))}, the shape of a[l-1].",
    equation=BOXED,
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


def _backward_with(dZ=partial(backprop_dZ, check=False), dW=partial(backprop_dW, check=False),
                   db=partial(backprop_db, check=False), dA_prev=partial(backprop_dA_prev, check=False),
                   A_in=lambda A, l: A[l - 1], phi_prime_at=lambda Z, A, l: Z[l]):
    """backward() from the four equations; a wrong one gets one wrong piece.

    The equations run unchecked, as a student's numpy lines would: a wrong piece
    broadcasts into the next one instead of stopping there."""
    def run(dAL, A, Z, W, phi_prime):
        grads_W, grads_b, dA = {}, {}, dAL
        for l in range(len(W), 0, -1):
            dZ_l = dZ(dA, phi_prime_at(Z, A, l), phi_prime[l])
            grads_W[l] = dW(dZ_l, A_in(A, l))
            grads_b[l] = db(dZ_l)
            dA = dA_prev(W[l], dZ_l)
        return grads_W, grads_b
    return run


# The full backward pass names the same mistakes as the checks of its four equations.
_PIECES = [("dZ", DZ, "dJ/dz[l]"), ("dW", DW, "dJ/dW[l]"), ("db", DB, "dJ/db[l]"), ("dA_prev", DA_PREV, "dJ/da[l-1]")]

BACKWARD = Exercise(
    "backward(dAL, A, Z, W, phi_prime) -> (dW, db)",
    "dAL, A, Z, W, phi_prime",
    _backward_with(),
    _backward_inputs,
    [dict(sizes=[3, 5, 2], m=4), dict(sizes=[2, 6, 3], m=5), dict(sizes=[4, 4, 4], m=4), dict(sizes=[3, 3, 3], m=3)],
    [
        Mistake("used_A_l", "The gradient dJ/dW[l] uses the layer's INPUT: dZ[l] @ A[l-1].T. You used A[l], the layer's "
                "output, so dW[l] came out (n[l], n[l]) instead of the shape of W[l], (n[l], n[l-1]).",
                _backward_with(A_in=lambda A, l: A[l])),
        Mistake("phi_prime_of_A", "In dJ/dz[l]: phi' is evaluated at the pre-activation z[l], "
                "phi_prime[l](Z[l]), not at the activation a[l] = phi(z[l]).",
                _backward_with(phi_prime_at=lambda Z, A, l: A[l])),
        *[Mistake(f"{key}.{m.code}", f"In {symbol}: {m.hint}", _backward_with(**{key: m.answer}), m.exact_error)
          for key, piece, symbol in _PIECES for m in piece.mistakes],
    ],
    parts=("dW", "db"),
    describe=lambda a: "every dW[l] has the shape of W[l] and every db[l] that of b[l].",
    equation="the four boxed equations",
)


# ---- the losses, normalised by m (lessons 3, 4 and 6) ----

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


def _logit(A):
    return np.log(A) - np.log1p(-A)


def _sigmoid_ce(AL, Y):
    """The package's sigmoid + cross-entropy from the logits; AL = sigmoid(ZL) gives ZL back exactly enough."""
    return sigmoid_binary_cross_entropy(_logit(AL), Y)


def _sigmoid_ce_inputs(d, rng):
    Z = rng.uniform(-3, 3, (d["n"], d["m"]))
    Y = (rng.uniform(size=(d["n"], d["m"])) < 0.5).astype(np.float64)
    Y[0, 0], Y[-1, -1] = 1.0, 0.0  # both labels appear, also with m = 1 and several outputs
    return sigmoid(Z), Y


def _bce_J(AL, Y):
    return -float(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))) / AL.shape[1]


ONE_OUTPUT_SIZE = ("You divided by AL.size, the number of entries n[L] * m. With one output unit that is m, "
                   "but with several it is not: divide by the number of examples, m = AL.shape[1].")

SIGMOID_CE = Exercise(
    "J = -1/m sum [Y log A + (1-Y) log(1-A)] and dJ/dZ[L] for a sigmoid output",
    "AL, Y",
    _sigmoid_ce,
    _sigmoid_ce_inputs,
    [dict(n=1, m=5), dict(n=3, m=5)],
    [
        *_loss_mistakes(_sigmoid_ce, "dJ/dZ[L]"),
        Mistake("J_divided_by_size", ONE_OUTPUT_SIZE, _scaled(_sigmoid_ce, J_scale=lambda A: 1 / A.shape[0])),
        Mistake("J_sign", "J came out negative: log of a number below 1 is negative, so the loss needs the "
                "minus sign in front, J = -1/m sum [y log a + (1 - y) log(1 - a)].",
                _scaled(_sigmoid_ce, J_scale=lambda A: -1.0)),
        Mistake("J_one_term", "J has two terms: y log a for the examples labelled 1 AND (1 - y) log(1 - a) for "
                "those labelled 0. With only the first, examples of class 0 cost nothing.",
                lambda AL, Y: (-float(np.sum(Y * np.log(AL))) / AL.shape[1], (AL - Y) / AL.shape[1])),
        Mistake("dZ_sign", "The gradient dJ/dZ[L] has the wrong sign: it is (A[L] - Y) / m, positive when the output is too "
                "big.", _scaled(_sigmoid_ce, d_scale=lambda A: -1.0)),
        Mistake("dZ_is_dA", "You returned dJ/dA[L] = (A - Y) / (A (1 - A)) / m. The exercise asks for dJ/dZ[L]: "
                "multiplied by sigma'(z) = a (1 - a), the denominator cancels, leaving (A - Y) / m.",
                lambda AL, Y: (_bce_J(AL, Y), (AL - Y) / (AL * (1 - AL)) / AL.shape[1])),
        Mistake("dZ_times_sigma_prime", "You multiplied (A - Y) / m by sigma'(z) = a (1 - a), but that factor is "
                "already used up: dJ/dA[L] * sigma'(z) simplifies to (A - Y) / m, nothing more.",
                lambda AL, Y: (_bce_J(AL, Y), (AL - Y) * AL * (1 - AL) / AL.shape[1])),
    ],
    parts=("J", "dJ/dZ[L]"),
    describe=lambda a: f"J is a number and dJ/dZ[L] = (A[L] - Y) / m has the shape of A[L], {shape_str(a[0].shape)}.",
)


def _softmax_ce(AL, Y):
    """The package's softmax + cross-entropy from the logits: log AL are logits whose softmax is AL."""
    return softmax_cross_entropy_from_logits(np.log(AL), Y)


def _softmax_ce_inputs(d, rng):
    A = softmax(2 * rng.standard_normal((d["n"], d["m"])))
    Y = np.eye(d["n"])[:, rng.integers(0, d["n"], d["m"])]
    return A, Y


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


# ---- softmax and predictions (lesson 6) ----

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
    return (softmax(2 * rng.standard_normal((d["n"], d["m"]))),)


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


# ---- the update rule and the training loop (lesson 4) ----

def _update_inputs(d, rng):
    params = {}
    for l in range(1, len(d["sizes"])):
        params[f"W{l}"] = _normal(rng, (d["sizes"][l], d["sizes"][l - 1]))
        params[f"b{l}"] = _normal(rng, (d["sizes"][l], 1))
    return params, {"d" + k: _normal(rng, v.shape) for k, v in params.items()}, 0.3


def _update_with(rule, names=lambda params: params):
    return lambda params, grads, lr: {k: rule(k, v, grads, lr) for k, v in names(params).items()} | {
        k: v for k, v in params.items() if k not in names(params)}


def _update_in_place(params, grads, lr):
    for k in params:
        params[k] -= lr * grads["d" + k]
    return params


def _update_into_params(params, grads, lr):
    for k in params:
        params[k] = params[k] - lr * grads["d" + k]
    return params


IN_PLACE_UPDATE = ("Your update changed params in place: params[k] -= ... writes into the arrays the caller still "
                   "holds, and params[k] = ... into the caller's dict. Return a NEW dict and leave params as it was: code that "
                   "keeps the parameters of an earlier step, as lesson 5's snapshots of each epoch do, would see "
                   "them change too. Build the new dict: {k: params[k] - lr * grads['d' + k] for k in params}.")

UPDATE = Exercise(
    "W[l] := W[l] - lr dJ/dW[l], b[l] := b[l] - lr dJ/db[l]",
    "params, grads, lr",
    lambda params, grads, lr: sgd_update(params, grads, lr),
    _update_inputs,
    [dict(sizes=[3, 4, 2]), dict(sizes=[2, 5, 3, 1])],
    [
        Mistake("sign", "You added the gradient: that climbs uphill, towards a larger loss. Gradient descent "
                "steps against it, W := W - lr dJ/dW.", _update_with(lambda k, v, g, lr: v + lr * g["d" + k])),
        Mistake("forgot_lr", "The step must be scaled by the learning rate: W := W - lr dJ/dW.",
                _update_with(lambda k, v, g, lr: v - g["d" + k])),
        Mistake("only_W", "The biases need updating too: b[l] := b[l] - lr dJ/db[l].",
                _update_with(lambda k, v, g, lr: v - lr * g["d" + k],
                             names=lambda p: {k: v for k, v in p.items() if k.startswith("W")})),
        Mistake("grads_keys", "The dict grads names each gradient with a d in front: the gradient of params['W1'] is "
                "grads['dW1']. Use grads['d' + name].", _update_with(lambda k, v, g, lr: v - lr * g[k]),
                exact_error=True),
        *[Mistake("in_place", IN_PLACE_UPDATE, answer) for answer in (_update_in_place, _update_into_params)],
    ],
    describe=lambda a: "every parameter moved against its gradient, with the same shape as before; params untouched.",
    pure=True,
)


def _train_inputs(d, rng):
    m = d["m"]
    X = np.vstack([np.arange(m, dtype=np.float64), rng.standard_normal(m)])  # row 0 numbers the examples
    Y = (1000.0 + np.arange(m)).reshape(1, m)  # each label names its example too
    return {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}, X, Y, d["epochs"], d["B"], 7


def _observe_train(fn, args):
    """Run fn with a recording step; return the facts of the run (what the training loop did)."""
    params, X, Y, epochs, B, seed = args
    m, calls = X.shape[1], []

    def step(p, Xb, Yb):
        version = float(np.asarray(p["b1"]).ravel()[0]) if isinstance(p, dict) and "b1" in p else -1.0
        calls.append((version, np.array(Xb, dtype=np.float64), np.array(Yb, dtype=np.float64)))
        return {"W1": np.asarray(p["W1"]), "b1": np.asarray(p["b1"]) + 1.0}, 0.5

    out = fn(params, X, Y, step, epochs, B, seed)
    columns = all(Xb.ndim == 2 and Xb.shape[0] == 2 and Yb.shape == (1, Xb.shape[1]) for _, Xb, Yb in calls)
    batches = [Xb[0].astype(int).tolist() for _, Xb, _ in calls] if columns else []
    pairs = columns and all(np.array_equal(Yb[0] - 1000, Xb[0]) for _, Xb, Yb in calls)
    epochs_seen, current = [], []
    for batch in batches:
        current += batch
        if len(current) >= m:
            epochs_seen.append(current)
            current = []
    covers = bool(batches) and not current and all(sorted(e) == list(range(m)) for e in epochs_seen)
    shuffled = covers and m > 1 and all(e != list(range(m)) for e in epochs_seen)
    fresh = covers and m > 1 and len(epochs_seen) > 1 and all(a != b for a, b in zip(epochs_seen, epochs_seen[1:]))
    version = out.get("b1") if isinstance(out, dict) else None
    return dict(
        steps=len(calls),
        columns=columns,
        sizes=tuple(len(b) for b in batches),
        covers=covers,
        pairs=bool(pairs),
        shuffled=bool(shuffled or m == 1),
        fresh_order=bool(fresh or m == 1 or epochs < 2),
        chained=[v for v, _, _ in calls] == [float(k) for k in range(len(calls))],
        returns=("params" if isinstance(out, dict) and set(out) == {"W1", "b1"} else
                 "None" if out is None else type(out).__name__),
        returns_last=version is not None and float(np.asarray(version).ravel()[0]) == float(len(calls)),
    )


TRAIN_FACTS = [  # (fact, what to say when it is wrong), in the order a student should fix them
    ("returns", "return the trained params dict (the one the last step returned), nothing else."),
    ("columns", "each batch must be a slice of COLUMNS, X[:, batch] and Y[:, batch]: examples are columns."),
    ("chained", "pass each step the params returned by the step before: params, J = step(params, Xb, Yb)."),
    ("steps", "one epoch takes ceil(m / batch_size) steps, one per batch, and there are `epochs` epochs."),
    ("covers", "in every epoch each example must be in exactly one batch (the last batch may be smaller)."),
    ("pairs", "X and Y must be shuffled with the SAME permutation, so that each example keeps its label."),
    ("shuffled", "shuffle the examples at the start of every epoch: order = rng.permutation(m)."),
    ("fresh_order", "draw a new permutation in every epoch, not one for the whole run."),
    ("returns_last", "return the params from the last step."),
]


def _explain_train(answer, right) -> str | None:
    if not isinstance(answer, dict):
        return None
    for fact, text in TRAIN_FACTS:
        if answer.get(fact) != right.get(fact):
            extra = ""
            if fact == "returns" and answer["returns"] == "None":
                extra = " Your function returned None: did you forget `return params`?"
            if fact == "steps":
                extra = (f" Your loop took {plural(answer['steps'], 'step')}; {right['steps']} "
                         f"{'was' if right['steps'] == 1 else 'were'} expected.")
            return text[0].upper() + text[1:] + extra
    return None


MOONS_ACCURACY = 0.95


def _train_on_moons(fn):
    """The loop with the package's train_step on the moons: it must reach MOONS_ACCURACY on the test set."""
    X, Y = moons(m=300, noise=0.1, seed=0)
    activations = ["tanh", "tanh", "sigmoid"]
    params = init_params([2, 8, 8, 1], seed=0, init="xavier")

    def step(p, Xb, Yb):
        return train_step(p, Xb, Yb, activations, "binary_cross_entropy", 0.5)

    with np.errstate(all="ignore"):
        trained = fn(params, X[:, :200], Y[:, :200], step, 30, 16, 0)
        acc = accuracy(forward(trained, X[:, 200:], activations)[0], Y[:, 200:])
    if acc < MOONS_ACCURACY:
        return False, (f"The loop runs its steps right, but on the moons (30 epochs, batches of 16) it reached "
                       f"a test accuracy of only {acc:.1%}; {MOONS_ACCURACY:.0%} is needed.")
    return True, (f"On the moons, 30 epochs of batches of 16 reach a test accuracy of {acc:.1%} "
                  f"(at least {MOONS_ACCURACY:.0%} needed).")


def _loop(shuffle="each", last_batch=True, chain=True, columns=True, one_batch=False, epochs_short=0,
          same_order=True):
    """The training loop the exercise asks for, as train_epoch runs it (a fresh permutation every epoch, then
    one step per slice of it); a mistake changes one of its settings."""
    def wrong(params, X, Y, step, epochs, batch_size, seed):
        rng = np.random.default_rng(seed)
        m = X.shape[1]
        size = m if one_batch else batch_size
        once = rng.permutation(m)
        out = params
        for _ in range(epochs - epochs_short):
            order = {"each": rng.permutation(m), "once": once, "none": np.arange(m)}[shuffle]
            order_Y = order if same_order else rng.permutation(m)
            stops = range(0, m, size) if last_batch else range(0, m - size + 1, size)
            for start in stops:
                cols, cols_Y = order[start:start + size], order_Y[start:start + size]
                Xb, Yb = (X[:, cols], Y[:, cols_Y]) if columns else (X[start:start + size], Y[start:start + size])
                new, _ = step(out if chain else params, Xb, Yb)
                out = new if chain else params
        return out
    return wrong


TRAIN = Exercise(
    "the mini-batch training loop",
    "params, X, Y, step, epochs, batch_size, seed",
    _loop(),
    _train_inputs,
    [dict(m=10, B=4, epochs=3), dict(m=9, B=3, epochs=2)],
    [
        Mistake("no_shuffle", "The batches come in the same order every epoch (0, 1, 2, ...): shuffle the "
                "columns at the start of each epoch, order = rng.permutation(m), so that each step sees a "
                "different random batch.", _loop(shuffle="none")),
        Mistake("shuffled_once", "Every epoch repeats the same batches, in the same order. Make the generator "
                "once, before the epoch loop, rng = np.random.default_rng(seed), and draw a new order = "
                "rng.permutation(m) inside the epoch loop (a generator made again from the seed in every "
                "epoch gives the same order every time).", _loop(shuffle="once")),
        Mistake("dropped_last_batch", "The last, smaller batch is missing: when m is not a multiple of the batch "
                "size, range(0, m, batch_size) still covers every example; the last slice is simply shorter.",
                _loop(last_batch=False)),
        Mistake("not_chained", "Every step starts from the parameters you were given: keep what step returns, "
                "params, J = step(params, Xb, Yb), so that the next step starts from there, and return the "
                "last params.", _loop(chain=False)),
        Mistake("examples_as_rows", "X[start:end] slices ROWS, which are features here: each example is a "
                "column, so a batch is X[:, batch] (and Y[:, batch]).", _loop(columns=False)),
        Mistake("one_batch_per_epoch", "Each epoch takes one step on all m examples: cut the shuffled columns "
                "into batches of batch_size and take one step per batch.", _loop(one_batch=True)),
        Mistake("epochs_short", "One epoch is missing: range(epochs) runs `epochs` times (range(1, epochs) one "
                "fewer).", _loop(epochs_short=1)),
        Mistake("separate_shuffles", "X and Y were shuffled with different permutations, so the labels no longer "
                "belong to their examples: draw ONE order and index both with it.", _loop(same_order=False)),
    ],
    observe=_observe_train,
    explain=_explain_train,
    finish=_train_on_moons,
    batch_note=False,
)


# ---- gradient checking ----

def _ng_inputs(d, rng):
    x = _normal(rng, (d["n"], d["m"]))
    return x, rng.standard_normal((4, x.size)) / 2


def _observe_numerical_gradient(fn, args):
    """fn(J, x, eps) where J() reads x, a smooth function whose entries are coupled (so a leftover shift shows)."""
    x, M = args

    def J():
        return float(np.sum(np.tanh(M @ x.ravel())) + 0.5 * np.sum(x) ** 2)

    return fn(J, x, 1e-3)


def _ng_each(estimate):
    """A numerical gradient that puts estimate(J, x, k, eps) in every entry k, restoring x after each."""
    def run(J, x, eps):
        grad = np.zeros(x.shape)
        for k in np.ndindex(x.shape):
            saved = x[k]
            grad[k] = estimate(J, x, k, eps)
            x[k] = saved
        return grad
    return run


def _shifted(J, x, k, h):
    x[k] += h
    return J()


def _ng_not_restored(J, x, eps):
    grad = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        x[k] += eps
        J_plus = J()
        x[k] -= 2 * eps
        grad[k] = (J_plus - J()) / (2 * eps)
    return grad


def _ng_rows(J, x, eps):
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        x[i] += eps
        J_plus = J()
        x[i] -= 2 * eps
        grad[i] = (J_plus - J()) / (2 * eps)
        x[i] += eps
    return grad


def _ng_all_at_once(J, x, eps):
    x += eps
    J_plus = J()
    x -= 2 * eps
    J_minus = J()
    x += eps
    return np.full(x.shape, (J_plus - J_minus) / (2 * eps))


def _ng_copy(J, x, eps):
    grad = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        y = x.copy()
        y[k] += eps
        J_plus = J()
        y[k] -= 2 * eps
        grad[k] = (J_plus - J()) / (2 * eps)
    return grad


NUMERICAL_GRADIENT = Exercise(
    "centred differences: dJ/dx_k ~ (J(x + eps e_k) - J(x - eps e_k)) / (2 eps)",
    "J, x, eps",
    lambda J, x, eps: numerical_gradient(J, x, eps, order=2),
    _ng_inputs,
    [dict(n=3, m=4)],
    [
        Mistake("forward_difference", "That is the one-sided difference (J(x + eps) - J(x)) / eps, whose error "
                "is of order eps. Use the centred one, (J(x + eps) - J(x - eps)) / (2 eps): its error is of "
                "order eps^2, thousands of times smaller here.",
                _ng_each(lambda J, x, k, eps: (_shifted(J, x, k, eps) - _shifted(J, x, k, -eps)) / eps)),
        Mistake("denominator_eps", "Your gradient is twice too big: x + eps and x - eps are 2 eps apart, so "
                "divide the difference by 2 eps.",
                _ng_each(lambda J, x, k, eps: (_shifted(J, x, k, eps) - _shifted(J, x, k, -2 * eps)) / eps)),
        Mistake("not_restored", "Put each entry back after its two evaluations (x[k] = saved): you left x[k] at "
                "x[k] - eps, so every later entry was measured at a shifted point, and x comes back changed.",
                _ng_not_restored),
        Mistake("rows_only", "Indexing x[i] with one index gives a whole ROW once x has several columns, so you moved many "
                "entries at once. That only works for a single column (m = 1); visit every entry, "
                "for k in np.ndindex(x.shape): x[k] ...", _ng_rows),
        Mistake("all_at_once", "You moved every entry of x at once, which measures one directional derivative, "
                "not the gradient: perturb one entry at a time, x[k] += eps, and put it back.", _ng_all_at_once),
        Mistake("perturbed_a_copy", "Your gradient is all zeros: J() reads x itself, so changing a copy (x.copy(), "
                "x.flatten()) changes nothing it sees. Change x[k] in place, then put it back.", _ng_copy),
    ],
    describe=lambda a: f"one centred difference per entry, {shape_str(a[0].shape)} -> {shape_str(a[0].shape)}.",
    observe=_observe_numerical_gradient,
)


def _re_inputs(d, rng):
    if d.get("zero"):
        return np.zeros((d["n"], d["m"])), np.zeros((d["n"], d["m"]))
    a = _normal(rng, (d["n"], d["m"]))
    return a, a + 0.3 * _normal(rng, a.shape)


RELATIVE_ERROR = Exercise(
    "relative error ||a - b|| / (||a|| + ||b||)",
    "a, b",
    lambda a, b: relative_error(a, b),
    _re_inputs,
    [dict(n=3, m=4), dict(n=3, m=4, zero=True)],
    [
        Mistake("absolute", "That is the absolute error ||a - b||, which depends on how big the gradients are. "
                "Divide by ||a|| + ||b|| to get a number that means the same for any gradient.",
                lambda a, b: float(np.linalg.norm(a - b))),
        Mistake("one_sided", "Divide by ||a|| + ||b||, not by the norm of one of them: the error must not depend "
                "on which gradient you pass first, and stays at most 1.",
                lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(a))),
        Mistake("one_sided", "Divide by ||a|| + ||b||, not by the norm of one of them: the error must not depend "
                "on which gradient you pass first, and stays at most 1.",
                lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(b))),
        Mistake("not_euclidean", "Use the Euclidean norm, np.linalg.norm (the square root of the sum of squares), "
                "not the sum of absolute values.",
                lambda a, b: float(np.abs(a - b).sum() / (np.abs(a).sum() + np.abs(b).sum()))),
        Mistake("elementwise", "Return ONE number for the whole arrays, from their norms, not one per entry.",
                lambda a, b: np.abs(a - b) / (np.abs(a) + np.abs(b))),
        Mistake("zero_over_zero", "When a and b are both all zeros they agree perfectly, but 0 / 0 gives NaN: "
                "return 0.0 in that case.", lambda a, b: float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))),
    ],
    describe=lambda a: "a single number between 0 (equal) and 1.",
)


def _gc_inputs(d, rng):
    sizes, m = d["sizes"], d["m"]
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = _normal(rng, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = _normal(rng, (sizes[l], 1))
    X, Y = _normal(rng, (sizes[0], m)), rng.uniform(0.1, 0.9, (sizes[-1], m))
    return params, X, Y, d.get("broken")


GC_ACTIVATIONS = ["tanh", "sigmoid"]


def _observe_grad_check(fn, args):
    """fn(J, params, grads, eps) on a small network; J() reads params, grads from backprop (one maybe broken)."""
    params, X, Y, broken = args

    def J():
        return half_squared_error(forward(params, X, GC_ACTIVATIONS, check=False)[0], Y)[0]

    _, grads = loss_and_grads(params, forward(params, X, GC_ACTIVATIONS)[1], Y, GC_ACTIVATIONS, "half_squared_error")
    if broken:
        grads[broken] = -2 * grads[broken]
    return fn(J, params, grads, 1e-5)


def _gc_with(compare):
    def run(J, params, grads, eps):
        return {name: compare(name, params, grads, J, eps) for name in params}
    return run


def _gc_right(name, params, grads, J, eps):
    return relative_error(grads["d" + name], numerical_gradient(J, params[name], eps, order=2))


GRAD_CHECK = Exercise(
    "grad_check: each parameter's backprop gradient against centred differences",
    "J, params, grads, eps",
    _gc_with(_gc_right),
    _gc_inputs,
    [dict(sizes=[3, 4, 2], m=5), dict(sizes=[3, 4, 2], m=5, broken="db2"), dict(sizes=[2, 3, 3], m=5, broken="dW1")],
    [
        Mistake("perturbed_a_copy", "Every relative error is 1: the numerical gradients came out zero. J() reads "
                "params itself, so pass the array to be perturbed, params[name], not a copy of it.",
                _gc_with(lambda name, params, grads, J, eps: relative_error(
                    grads["d" + name], numerical_gradient(J, params[name].copy(), eps, order=2)))),
        Mistake("grads_keys", "The dict grads names each gradient with a d in front: the gradient of params['W1'] is "
                "grads['dW1']. Use grads['d' + name].",
                _gc_with(lambda name, params, grads, J, eps: relative_error(
                    grads[name], numerical_gradient(J, params[name], eps, order=2))), exact_error=True),
        Mistake("weights_only", "Check every parameter, the biases b[l] too: a wrong dJ/db is as bad as a "
                "wrong dJ/dW.", lambda J, params, grads, eps: _gc_with(_gc_right)(
                    J, {k: v for k, v in params.items() if k[0] == "W"}, grads, eps)),
        Mistake("compared_with_params", "You compared the numerical gradient with the parameter itself; compare "
                "it with backprop's gradient of that parameter, grads['d' + name].",
                _gc_with(lambda name, params, grads, J, eps: relative_error(
                    params[name], numerical_gradient(J, params[name], eps, order=2)))),
    ],
    describe=lambda a: "one relative error per parameter; below about 1e-7 means backprop agrees.",
    observe=_observe_grad_check,
    tol=dict(rtol=1e-4, atol=1e-7),
)
