"""The exercises after lesson 2, backprop: the four boxed equations and the backward pass built from them.

02_backprop_exercises checks them in the single-example form (m = 1); 03_batching_exercises checks
dW, db and the backward pass again for a batch of m examples (lesson 3).  The backward pass names
the same mistakes as the checks of its four equations.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..activations import sigmoid, sigmoid_prime, tanh, tanh_prime
from ..backward import backprop_dA_prev, backprop_db, backprop_dW, backprop_dZ
from ..errors import shape_str
from .engine import Exercise, Mistake, _normal, _normals


def _boxed(*fields, **more) -> Exercise:
    """The Exercise of one of the four boxed equations, which a wrong answer is told to compare with."""
    return Exercise(*fields, equation="the boxed equation", **more)


def _dZ_inputs(d, rng):
    return (*_normals(("n", "m"), ("n", "m"))(d, rng), d.get("phi_prime", sigmoid_prime))


MATRIX_PRODUCT = ("This product is elementwise (the circled dot), one entry per neuron and example: "
                  "use `*`, not `@`. With one example the two can look alike; with a batch they are "
                  "different things.")
PHI_PRIME_AT_Z = "The derivative phi' is evaluated at the pre-activation z[l]: phi_prime(Z)"

DZ = _boxed(
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
)


MISPLACED_T = ("The transpose is in the wrong place. dJ/dW[l] must have the shape of W[l], "
               "(n[l], n[l-1]), and the sum over the m examples happens inside the product: "
               "(n[l], m) @ (m, n[l-1]), i.e. dZ @ A_prev.T.")
DW_EXTRA_M = ("You divided by m, but the 1/m is already inside dJ/dZ: it came from the loss, "
              "J = (1/m) sum over examples. Dividing again shrinks the gradient with the batch size.")
OUTER = ("Your {what} is the outer product of one example's two columns, which is dJ/dW for m = 1 only. "
         "With m examples dJ/dW is the sum of the m outer products, which is exactly the matrix product "
         "dZ @ A_prev.T, (n[l], m) @ (m, n[l-1]).")

DW = _boxed(
    "dJ/dW[l] = dJ/dZ[l] (A[l-1])^T",
    "dZ, A_prev",
    backprop_dW,
    _normals(("n", "m"), ("p", "m")),
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
)


DB_SUM = ("With m examples, dJ/dZ has one column per example but b[l] has one entry per neuron: b is "
          "added to every example, so its gradient sums the columns, dZ.sum(axis=1, keepdims=True).")
DB_MEAN = ("You took the mean, i.e. divided by m, but the 1/m is already inside dJ/dZ (it came from the "
           "loss). Use the sum.")
WRONG_AXIS = ("You summed over the wrong axis: rows are neurons, columns are examples. Sum across the "
              "columns (the examples): axis=1.")

DB = _boxed(
    "dJ/db[l] = sum over examples of dJ/dZ[l]",
    "dZ",
    backprop_db,
    _normals(("n", "m")),
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
)


DA_MISSING_T = ("A transpose is missing: W[l] maps layer l-1 to layer l; going back needs (W[l])^T, so "
                "dA_prev = W.T @ dZ, (n[l-1], n[l]) @ (n[l], m).")

DA_PREV = _boxed(
    "dJ/da[l-1] = (W[l])^T dJ/dz[l]",
    "W, dZ",
    backprop_dA_prev,
    _normals(("n", "p"), ("n", "m")),
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
