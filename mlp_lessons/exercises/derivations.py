"""Exercises whose formula is not given: the student derives it from the forward formula, then codes it.

Each notebook cell gives a definition (GELU, a class-weighted cross-entropy, the
softmax, a skip connection, momentum) and says what to derive.  The check runs
the student's function on probes of several shapes (m > 1 and m = 1, and square
shapes on which a wrong transpose runs), compares it with the right derivative,
and names the step of the derivation that went wrong: a missing chain factor,
a wrong sign, the 1/m twice or not at all, the two paths of a skip connection
not added, only the diagonal of the softmax Jacobian, a velocity not carried.
The right derivative is the package's own formula; every pass message also
compares it with centred differences of the forward formula on the probe, and
an answer no mistake explains is shown where it is furthest from them.

The derivations, step by step, are in notebooks/exercises/solutions.py.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, sigmoid_prime, softmax, tanh, tanh_prime
from ..errors import shape_str
from ..gradcheck import numerical_gradient, relative_error
from .engine import _TODO, Exercise, Mistake, _attempt, _logits_and_labels, _normal
from .softmax_output import _probabilities
from .training import _params_and_grads

# ---- comparing with centred differences ----


def _fd_error(J, x, right) -> float:
    """Relative error between right and the centred differences of J() with respect to x (J reads x)."""
    with np.errstate(all="ignore"):
        return float(relative_error(right, numerical_gradient(J, x, 1e-6, order=2)))


def _furthest(symbol: str):
    """explain(answer, right) for an answer of the right shape that no mistake explains: where it is furthest off."""
    def explain(answer, right):
        if not isinstance(right, np.ndarray):
            return None
        try:
            a = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        if a.shape != right.shape or not np.isfinite(a).all():
            return None
        i = np.unravel_index(np.argmax(np.abs(a - right)), a.shape)
        where = ", ".join(str(int(k)) for k in i)
        return (f"The shape is right but the values are not: entry [{where}] of your {symbol} is {a[i]:.6g}, "
                f"where the centred differences of the forward formula give {right[i]:.6g}. Go through your "
                f"derivation one factor at a time: each step of the chain rule is one factor.")
    return explain


def _derived(*fields, symbol: str = "", equation: str = "your derivation", **more) -> Exercise:
    """An Exercise whose formula the student derives.  It must leave its arguments as they were (pure), and
    an answer no mistake explains is shown where it is furthest off (symbol: what the answer is called)."""
    return Exercise(*fields, explain=_furthest(symbol) if symbol else None, equation=equation, pure=True, **more)


# ---- 1. phi' of GELU (tanh approximation) ----

GELU_C = float(np.sqrt(2 / np.pi))
GELU_K = 0.044715


def gelu(Z):
    """GELU, tanh approximation: phi(z) = 1/2 z (1 + tanh(u)), u = sqrt(2/pi) (z + 0.044715 z^3). Elementwise."""
    return 0.5 * Z * (1 + np.tanh(GELU_C * (Z + GELU_K * Z ** 3)))


def gelu_prime(Z):
    """phi'(z) = 1/2 (1 + t) + 1/2 z (1 - t^2) du/dz, t = tanh(u), du/dz = sqrt(2/pi) (1 + 3 * 0.044715 z^2)."""
    t = np.tanh(GELU_C * (Z + GELU_K * Z ** 3))
    return 0.5 * (1 + t) + 0.5 * Z * (1 - t ** 2) * GELU_C * (1 + 3 * GELU_K * Z ** 2)


def _gelu_parts(Z):
    """t = tanh(u), the inner derivative du/dz, and u, for building the wrong answers."""
    u = GELU_C * (Z + GELU_K * Z ** 3)
    return np.tanh(u), GELU_C * (1 + 3 * GELU_K * Z ** 2), u


def _gelu_with(first=lambda Z, t: 0.5 * (1 + t), tanh_prime_of=lambda t, Z: 1 - t ** 2,
               inner=lambda Z, du: du, second_sign=1.0, half=0.5):
    """gelu_prime with one step of the derivation changed."""
    def wrong(Z):
        t, du, _ = _gelu_parts(Z)
        return first(Z, t) * (half / 0.5) + second_sign * half * Z * tanh_prime_of(t, Z) * inner(Z, du)
    return wrong


GELU_INNER = "the chain rule through u = sqrt(2/pi) (z + 0.044715 z^3) multiplies by du/dz = sqrt(2/pi) (1 + 3 * 0.044715 z^2)"


def _gelu_inputs(d, rng):
    return (1.5 * _normal(rng, (d["n"], d["m"])),)


def _gelu_describe(args):
    Z = args[0].copy()
    err = _fd_error(lambda: float(np.sum(gelu(Z))), Z, gelu_prime(args[0]))
    return (f"elementwise, {shape_str(args[0].shape)} -> {shape_str(args[0].shape)}; it agrees with the centred "
            f"differences of phi(z) to a relative error of {err:.0e}.")


GELU_PRIME = _derived(
    "phi'(z) for GELU, derived",
    "Z",
    gelu_prime,
    _gelu_inputs,
    [dict(n=3, m=5), dict(n=4, m=2), dict(n=2, m=7)],
    [
        Mistake("missing_chain_factor", f"A chain factor is missing: you differentiated tanh(u) as 1 - tanh(u)^2 "
                f"and stopped there, but u depends on z: {GELU_INNER}.", _gelu_with(inner=lambda Z, du: 1.0)),
        Mistake("inner_derivative_cubic", "The inner derivative is incomplete: du/dz = sqrt(2/pi) (1 + 3 * 0.044715 "
                "z^2). You kept sqrt(2/pi) but dropped the derivative of the cubic term.",
                _gelu_with(inner=lambda Z, du: GELU_C)),
        Mistake("power_rule", "The derivative of z^3 is 3 z^2: du/dz = sqrt(2/pi) (1 + 3 * 0.044715 z^2).",
                _gelu_with(inner=lambda Z, du: GELU_C * (1 + GELU_K * Z ** 2))),
        Mistake("power_rule", "The derivative of z^3 is 3 z^2: du/dz = sqrt(2/pi) (1 + 3 * 0.044715 z^2).",
                _gelu_with(inner=lambda Z, du: GELU_C * (1 + 3 * GELU_K * Z ** 3))),
        Mistake("product_rule_half", "GELU is a product, 1/2 z times (1 + tanh u), so the product rule gives two "
                "terms. You kept the one where tanh is differentiated; add the one where z is: 1/2 (1 + tanh u).",
                _gelu_with(first=lambda Z, t: 0.0)),
        Mistake("tanh_held_constant", "You differentiated only the factor z, as if tanh(u) were a constant: the "
                "product rule adds the term where (1 + tanh u) is differentiated, 1/2 z (1 - tanh(u)^2) du/dz.",
                _gelu_with(second_sign=0.0)),
        Mistake("tanh_prime", "The derivative of tanh is 1 - tanh^2 (not 1 - tanh): d tanh(u)/du = 1 - tanh(u)^2.",
                _gelu_with(tanh_prime_of=lambda t, Z: 1 - t)),
        Mistake("tanh_prime_at_z", "The derivative of tanh is evaluated at its own argument u, not at z: "
                "1 - tanh(u)^2, with u = sqrt(2/pi) (z + 0.044715 z^3).",
                _gelu_with(tanh_prime_of=lambda t, Z: 1 - np.tanh(Z) ** 2)),
        Mistake("sign", "A sign is wrong: d tanh(u)/du = + (1 - tanh(u)^2), so the second term of the product rule, "
                "1/2 z (1 - tanh(u)^2) du/dz, is added.", _gelu_with(second_sign=-1.0)),
        Mistake("dropped_half", "Both terms keep the factor 1/2 of phi(z) = 1/2 z (1 + tanh u): your phi' is twice "
                "too big.", _gelu_with(half=1.0)),
        Mistake("returned_phi", "You returned phi(z) itself; the exercise asks for its derivative phi'(z).",
                lambda Z: gelu(Z)),
    ],
    describe=_gelu_describe,
    symbol="phi'(z)",
)


# ---- 2. dJ/dz[L] of a class-weighted cross-entropy, from the logits ----

def weighted_bce(ZL, Y, w1, w0):
    """J = -1/m sum [w1 Y log sigma(z) + w0 (1 - Y) log(1 - sigma(z))], from the logits ZL; Y is 0 or 1."""
    m = ZL.shape[1]
    log_a = -np.logaddexp(0, -ZL)  # log sigma(z), exact for large |z|
    log_1_minus_a = -np.logaddexp(0, ZL)  # log(1 - sigma(z)) = log sigma(-z)
    return -float(np.sum(w1 * Y * log_a + w0 * (1 - Y) * log_1_minus_a)) / m


def weighted_bce_dZ(ZL, Y, w1, w0):
    """dJ/dz[L] = 1/m [w1 Y (sigma(z) - 1) + w0 (1 - Y) sigma(z)]; for Y in {0, 1}, 1/m w (A - Y), w = w1 Y + w0 (1 - Y)."""
    A = sigmoid(ZL)
    return (w1 * Y * (A - 1) + w0 * (1 - Y) * A) / ZL.shape[1]


def _wbce_with(pos=lambda A: A - 1, neg=lambda A: A, w=lambda w1, w0: (w1, w0), scale=lambda Z: 1 / Z.shape[1],
               chain=lambda A: 1.0):
    def wrong(ZL, Y, w1, w0):
        A = sigmoid(ZL)
        a, b = w(w1, w0)
        return (a * Y * pos(A) + b * (1 - Y) * neg(A)) * chain(A) * scale(ZL)
    return wrong


def _wbce_inputs(d, rng):
    return *_logits_and_labels(d["n"], d["m"], rng), d["w1"], d["w0"]


def _wbce_describe(args):
    ZL, Y, w1, w0 = args
    Z = ZL.copy()
    err = _fd_error(lambda: weighted_bce(Z, Y, w1, w0), Z, weighted_bce_dZ(ZL, Y, w1, w0))
    return (f"dJ/dz[L] has the shape of z[L], {shape_str(ZL.shape)}; it agrees with the centred differences of J "
            f"to a relative error of {err:.0e}.")


WBCE_SIGMA_PRIME = "sigma'(z) = sigma(z) (1 - sigma(z))"

WEIGHTED_BCE_DZ = _derived(
    "dJ/dz[L] for the class-weighted cross-entropy, derived",
    "ZL, Y, w1, w0",
    weighted_bce_dZ,
    _wbce_inputs,
    [dict(n=1, m=6, w1=3.0, w0=0.5), dict(n=3, m=5, w1=0.4, w0=2.5), dict(n=2, m=4, w1=1.5, w0=0.25)],
    [
        Mistake("unweighted", "That is the gradient of the unweighted cross-entropy, (A - Y)/m. Each term of J "
                "carries its weight, and the weight stays in its derivative: w1 for the examples labelled 1, w0 for "
                "those labelled 0.", _wbce_with(w=lambda w1, w0: (1.0, 1.0))),
        Mistake("weights_swapped", "The weights are swapped: w1 weighs the examples labelled 1 (the Y log a term), "
                "w0 those labelled 0 (the (1 - Y) log(1 - a) term).", _wbce_with(w=lambda w1, w0: (w0, w1))),
        Mistake("one_weight", "Both terms carry a weight: w1 on the examples labelled 1 and w0 on those labelled 0; "
                "you left one of them out.", _wbce_with(w=lambda w1, w0: (w1, 1.0))),
        Mistake("one_weight", "Both terms carry a weight: w1 on the examples labelled 1 and w0 on those labelled 0; "
                "you left one of them out.", _wbce_with(w=lambda w1, w0: (1.0, w0))),
        Mistake("forgot_1_over_m", "The 1/m is missing: J averages over the m examples, so every term of its "
                "derivative keeps the 1/m.", _wbce_with(scale=lambda Z: 1.0)),
        Mistake("1_over_m_twice", "You divided by m twice: J has one 1/m, and so does its derivative.",
                _wbce_with(scale=lambda Z: 1 / Z.shape[1] ** 2)),
        Mistake("divided_by_size", "You divided by ZL.size, n[L] x m: only the examples (the columns) are averaged "
                "over. Divide by m = ZL.shape[1].", _wbce_with(scale=lambda Z: 1 / Z.size)),
        Mistake("sign", "The sign is wrong: J has a minus in front, and d log sigma(z)/dz = 1 - sigma(z), so an "
                "example labelled 1 gets w1 (sigma(z) - 1)/m, negative: raising its z lowers the loss.",
                _wbce_with(pos=lambda A: 1 - A, neg=lambda A: -A)),
        Mistake("sign_one_term", "One term has the wrong sign: d log sigma(z)/dz = 1 - sigma(z), and with the minus "
                "in front of J the examples labelled 1 get w1 (sigma(z) - 1)/m. Check each term's sign on its own.",
                _wbce_with(pos=lambda A: 1 - A)),
        Mistake("dA_not_dZ", f"That is dJ/da[L], with a = sigma(z): a chain factor is missing. The exercise asks for "
                f"dJ/dz[L] = dJ/da[L] {WBCE_SIGMA_PRIME}, and the denominators a and 1 - a cancel.",
                _wbce_with(pos=lambda A: -1 / A, neg=lambda A: 1 / (1 - A))),
        Mistake("sigma_prime_twice", f"You multiplied by {WBCE_SIGMA_PRIME} once too often: differentiating "
                "log sigma(z) already used it up, d log sigma(z)/dz = 1 - sigma(z).",
                _wbce_with(chain=lambda A: A * (1 - A))),
    ],
    describe=_wbce_describe,
    symbol="dJ/dz[L]",
)


# ---- 3. The softmax Jacobian-vector product ----

def softmax_backward(dA, A):
    """dJ/dz = a * (dJ/da - sum_j a_j dJ/da_j), column by column; A = softmax(Z). (n, m), (n, m) -> (n, m)."""
    return A * (dA - np.sum(A * dA, axis=0, keepdims=True))


def _softmax_jvp_inputs(d, rng):
    A = _probabilities(d["n"], d["m"], rng)
    return _normal(rng, A.shape), A


def _softmax_jvp_describe(args):
    dA, A = args
    Z = np.log(A)  # logits whose softmax is A
    err = _fd_error(lambda: float(np.sum(dA * softmax(Z))), Z, softmax_backward(dA, A))
    return (f"{shape_str(A.shape)} -> {shape_str(A.shape)}, and each column sums to 0; it agrees with the "
            f"centred differences of J = sum(dJ/da * softmax(z)) to a relative error of {err:.0e}.")


SUM_ONE_COLUMN = "sum_j a_j dJ/da_j runs over the classes of ONE example: np.sum(A * dA, axis=0, keepdims=True)"

SOFTMAX_BACKWARD = _derived(
    "dJ/dz = softmax's Jacobian times dJ/da, derived",
    "dA, A",
    softmax_backward,
    _softmax_jvp_inputs,
    [dict(n=3, m=5), dict(n=4, m=2), dict(n=4, m=4), dict(n=3, m=3), dict(n=5, m=7)],
    [
        Mistake("diagonal_only", "You used only the Jacobian's diagonal, da_i/dz_i = a_i (1 - a_i), as if softmax "
                "were elementwise like the sigmoid. But every a_j of a column depends on every z_i of it: "
                "da_j/dz_i = a_j (delta_ij - a_i), so dJ/dz_i = sum_j dJ/da_j a_j (delta_ij - a_i) "
                "= a_i (dJ/da_i - sum_j a_j dJ/da_j).", lambda dA, A: dA * A * (1 - A)),
        Mistake("summed_over_batch", f"You summed over the whole batch: {SUM_ONE_COLUMN}. Each example has a "
                "softmax of its own.", lambda dA, A: A * (dA - np.sum(A * dA))),
        Mistake("wrong_axis", f"You summed along the rows (axis=1), across the examples: {SUM_ONE_COLUMN}.",
                lambda dA, A: A * (dA - np.sum(A * dA, axis=1, keepdims=True))),
        Mistake("mixed_examples", "A matrix product such as A.T @ dA mixes the examples: its entry (i, k) pairs "
                "example i's a with example k's dJ/da. Each example needs its own sum_j a_j dJ/da_j, an elementwise "
                "product summed down its column: np.sum(A * dA, axis=0, keepdims=True).",
                lambda dA, A: A * dA - A @ (A.T @ dA)),
        Mistake("unweighted_sum", "The sum in dJ/dz_i = a_i (dJ/da_i - sum_j a_j dJ/da_j) is weighted by a_j: it "
                "comes from da_j/dz_i = -a_j a_i for j != i. Use np.sum(A * dA, axis=0, keepdims=True).",
                lambda dA, A: A * (dA - np.sum(dA, axis=0, keepdims=True))),
        Mistake("missing_a_factor", "A factor is missing: every entry of the Jacobian's column i has a_i in it, "
                "da_j/dz_i = a_j (delta_ij - a_i), so dJ/dz_i = a_i (dJ/da_i - sum_j a_j dJ/da_j).",
                lambda dA, A: dA - np.sum(A * dA, axis=0, keepdims=True)),
        Mistake("sign", "The sign is wrong: dJ/dz_i = a_i (dJ/da_i - sum_j a_j dJ/da_j). Check it on one entry: "
                "raising dJ/da_i alone must raise dJ/dz_i.", lambda dA, A: A * (np.sum(A * dA, axis=0, keepdims=True) - dA)),
        Mistake("extra_1_over_m", "You divided by m, but the 1/m is already inside dJ/da (it came from the loss): "
                "a Jacobian-vector product passes it on unchanged.",
                lambda dA, A: A * (dA - np.sum(A * dA, axis=0, keepdims=True)) / A.shape[1]),
    ],
    describe=_softmax_jvp_describe,
    symbol="dJ/dz",
)


# ---- 4. A skip connection: a[2] = phi(z[2]) + a[1] ----

def skip_forward(W2, A1, b2, phi):
    """a[2] = phi(W[2] a[1] + b[2]) + a[1]: layer 2 plus a skip connection from a[1] (n[2] = n[1])."""
    return phi(W2 @ A1 + b2) + A1


def skip_backward(dA2, A1, Z2, W2, phi_prime):
    """(dJ/dW[2], dJ/db[2], dJ/da[1]) for a[2] = phi(z[2]) + a[1]: the two paths to a[1] add."""
    dZ2 = dA2 * phi_prime(Z2)
    return dZ2 @ A1.T, np.sum(dZ2, axis=1, keepdims=True), W2.T @ dZ2 + dA2


def _skip_with(dZ=lambda dA2, Z2, pp: dA2 * pp(Z2), dW=lambda dZ2, dA2, A1: dZ2 @ A1.T,
               db=lambda dZ2: np.sum(dZ2, axis=1, keepdims=True),
               dA1=lambda W2, dZ2, dA2, Z2, pp: W2.T @ dZ2 + dA2):
    def wrong(dA2, A1, Z2, W2, phi_prime):
        dZ2 = dZ(dA2, Z2, phi_prime)
        return dW(dZ2, dA2, A1), db(dZ2), dA1(W2, dZ2, dA2, Z2, phi_prime)
    return wrong


PHIS = {tanh_prime: tanh, sigmoid_prime: sigmoid}


def _skip_inputs(d, rng):
    n, m = d["n"], d["m"]
    A1 = np.tanh(_normal(rng, (n, m)))
    W2, b2 = _normal(rng, (n, n)), _normal(rng, (n, 1))
    return _normal(rng, (n, m)), A1, W2 @ A1 + b2, W2, d.get("phi_prime", tanh_prime)


def _skip_describe(args):
    dA2, A1, Z2, W2, phi_prime = args
    phi = PHIS[phi_prime]
    b2 = (Z2 - W2 @ A1)[:, :1].copy()
    W, A = W2.copy(), A1.copy()

    def J():
        return float(np.sum(dA2 * skip_forward(W, A, b2, phi)))  # its gradient with respect to a[2] is dA2

    right = skip_backward(dA2, A1, Z2, W2, phi_prime)
    err = max(_fd_error(J, W, right[0]), _fd_error(J, b2, right[1]), _fd_error(J, A, right[2]))
    return (f"dW2, db2 and dA1 have the shapes of W[2], b[2] and a[1]; all three agree with the centred differences "
            f"of J to a relative error of {err:.0e}.")


TWO_PATHS = "dJ/da[1] = (W[2])^T dJ/dz[2] + dJ/da[2]"

SKIP_BACKWARD = _derived(
    "backprop through a skip connection, a[2] = phi(z[2]) + a[1], derived",
    "dA2, A1, Z2, W2, phi_prime",
    skip_backward,
    _skip_inputs,
    [dict(n=3, m=5), dict(n=4, m=2), dict(n=4, m=4), dict(n=2, m=3), dict(n=3, m=4, phi_prime=sigmoid_prime)],
    [
        Mistake("skip_path_missing", "The activation a[1] reaches a[2] along two paths, through W[2] and phi, and straight along the "
                "skip; the gradients of the two paths add. You have only the path through W[2]: "
                f"{TWO_PATHS}.", _skip_with(dA1=lambda W2, dZ2, dA2, Z2, pp: W2.T @ dZ2)),
        Mistake("only_skip_path", "You kept only the skip path: a[1] also reaches a[2] through W[2] and phi, and "
                f"the gradients of the two paths add, {TWO_PATHS}.", _skip_with(dA1=lambda W2, dZ2, dA2, Z2, pp: dA2)),
        Mistake("skip_through_phi", "The skip path does not pass through phi: along it a[2] = ... + a[1], whose "
                "derivative is 1, so it carries dJ/da[2] itself, not dJ/dz[2]: "
                f"{TWO_PATHS}.", _skip_with(dA1=lambda W2, dZ2, dA2, Z2, pp: W2.T @ dZ2 + dZ2)),
        Mistake("skip_before_weights", "You added the skip's gradient before going back through W[2]: "
                "(W[2])^T (dJ/dz[2] + dJ/da[2]). The skip path does not pass through W[2]: add it after, "
                f"{TWO_PATHS}.", _skip_with(dA1=lambda W2, dZ2, dA2, Z2, pp: W2.T @ (dZ2 + dA2))),
        Mistake("paths_multiplied", "The gradients of two paths add, they do not multiply: the chain rule multiplies "
                f"the factors ALONG one path, and sums over the paths. {TWO_PATHS}.",
                _skip_with(dA1=lambda W2, dZ2, dA2, Z2, pp: (W2.T @ dZ2) * dA2)),
        Mistake("missing_transpose", "A transpose is missing: going back through W[2] needs (W[2])^T; with n[2] = "
                f"n[1] the product W2 @ dZ2 runs, but it is not the gradient. {TWO_PATHS}.",
                _skip_with(dA1=lambda W2, dZ2, dA2, Z2, pp: W2 @ dZ2 + dA2)),
        Mistake("forgot_phi_prime", "A chain factor is missing: the path through W[2] passes through phi, so "
                "dJ/dz[2] = dJ/da[2] * phi'(z[2]) first; the skip path is the one without phi'.",
                _skip_with(dZ=lambda dA2, Z2, pp: dA2)),
        Mistake("skip_in_dW", "The skip connection has no weight, so it adds nothing to dJ/dW[2] or dJ/db[2]: "
                "those come from the path through z[2] only, dJ/dz[2] a[1]^T and the sum of dJ/dz[2].",
                _skip_with(dW=lambda dZ2, dA2, A1: (dZ2 + dA2) @ A1.T)),
        Mistake("dW_extra_1_over_m", "You divided dJ/dW[2] by m, but the 1/m is already inside dJ/da[2] (it came "
                "from the loss): dividing again counts it twice.",
                _skip_with(dW=lambda dZ2, dA2, A1: dZ2 @ A1.T / A1.shape[1])),
        Mistake("db_mean", "You took the mean of dJ/dz[2] over the examples, i.e. divided by m, but the 1/m is "
                "already inside dJ/da[2]. Use the sum.", _skip_with(db=lambda dZ2: np.mean(dZ2, axis=1, keepdims=True))),
    ],
    parts=("dW2", "db2", "dA1"),
    describe=_skip_describe,
)


# ---- 5. Momentum ----

def momentum_step(params, grads, velocity, lr, beta):
    """v := beta v + dJ/dp, p := p - lr v, for every parameter p; returns new dicts (params, velocity)."""
    new_velocity = {k: beta * velocity[k] + grads["d" + k] for k in params}
    return {k: params[k] - lr * new_velocity[k] for k in params}, new_velocity


def _momentum_with(v_rule=lambda v, g, lr, beta: beta * v + g, p_rule=lambda p, v_new, v_old, lr: p - lr * v_new,
                   returned=lambda v_new, v_old: v_new, keys=lambda params: params):
    def wrong(params, grads, velocity, lr, beta):
        new_p, new_v = dict(params), dict(velocity)
        for k in keys(params):
            v = v_rule(velocity[k], grads["d" + k], lr, beta)
            new_p[k] = p_rule(params[k], v, velocity[k], lr)
            new_v[k] = returned(v, velocity[k])
        return new_p, new_v
    return wrong


def _momentum_inputs(d, rng):
    params, grads = _params_and_grads(d["sizes"], rng)
    velocity = {k: _normal(rng, v.shape) for k, v in params.items()}
    return params, grads, velocity, d["lr"], d["beta"]


MOMENTUM_RULE = "v := beta v + dJ/dW, then W := W - lr v"

MOMENTUM = _derived(
    "momentum: the velocity and the parameters",
    "params, grads, velocity, lr, beta",
    momentum_step,
    _momentum_inputs,
    [dict(sizes=[3, 4, 2], lr=0.1, beta=0.9), dict(sizes=[2, 5, 3, 1], lr=0.3, beta=0.5)],
    [
        Mistake("velocity_not_carried", "Your velocity does not carry the past: the new v is this step's gradient "
                f"alone, so every step is plain gradient descent. Momentum adds the old velocity, {MOMENTUM_RULE}, "
                "and the next step gets the v you return.", _momentum_with(v_rule=lambda v, g, lr, beta: g)),
        Mistake("old_velocity_returned", "You moved the parameters with the new velocity but returned the old one: "
                "the next step would start from a velocity that never took in this step's gradient. Return the new v.",
                _momentum_with(returned=lambda v_new, v_old: v_old)),
        Mistake("stepped_with_old_velocity", f"Update the velocity first, then move the parameters by the NEW "
                f"velocity: {MOMENTUM_RULE}. You moved them by the old v, one step behind.",
                _momentum_with(p_rule=lambda p, v_new, v_old, lr: p - lr * v_old)),
        Mistake("gradient_sign", "The gradient enters the velocity with a plus sign, v := beta v + dJ/dW, and the "
                "minus is in the step, W := W - lr v; with both minus signs the steps climb uphill.",
                _momentum_with(v_rule=lambda v, g, lr, beta: beta * v - g)),
        Mistake("lr_in_velocity", "Your parameters are right, but your velocity is lr times this notebook's: here "
                f"{MOMENTUM_RULE}, with no lr inside v (PyTorch's convention). Both conventions move the parameters "
                "alike while lr stays fixed; return the velocity of this one.",
                _momentum_with(v_rule=lambda v, g, lr, beta: beta * v + lr * g,
                               p_rule=lambda p, v_new, v_old, lr: p - v_new,
                               returned=lambda v_new, v_old: v_new)),
        Mistake("average_not_sum", "That is the exponentially weighted average, v := beta v + (1 - beta) dJ/dW, whose "
                "steps are (1 - beta) times smaller. This notebook's momentum, like PyTorch's, adds the whole "
                f"gradient: {MOMENTUM_RULE}.", _momentum_with(v_rule=lambda v, g, lr, beta: beta * v + (1 - beta) * g)),
        Mistake("beta_on_gradient", f"The factor beta multiplies the old velocity, not the gradient: {MOMENTUM_RULE}.",
                _momentum_with(v_rule=lambda v, g, lr, beta: v + beta * g)),
        Mistake("forgot_lr", f"The step is scaled by the learning rate: {MOMENTUM_RULE}.",
                _momentum_with(p_rule=lambda p, v_new, v_old, lr: p - v_new)),
        Mistake("only_W", "The biases need their velocity and their step too: every parameter, W[l] and b[l], "
                "has a v of its own.", _momentum_with(keys=lambda p: [k for k in p if k.startswith("W")])),
    ],
    parts=("params", "velocity"),
    describe=lambda a: f"every parameter has its own velocity; v := beta v + dJ/dW, then W := W - lr v (beta = {a[4]:g}).",
    equation=MOMENTUM_RULE,
)


def _bowl(rule, steps: int):
    """Run rule(params, grads) -> params on J(w) = 1/2 (w_1^2 + 100 w_2^2) from w = (1, 1), a long, narrow valley.

    Returns J after each step."""
    curvature = np.array([[1.0], [100.0]])
    params = {"W1": np.array([[1.0], [1.0]]), "b1": np.zeros((1, 1))}
    losses = []
    for _ in range(steps):
        grads = {"dW1": curvature * params["W1"], "db1": np.zeros((1, 1))}
        params = rule(params, grads)
        losses.append(0.5 * float(np.sum(curvature * params["W1"] ** 2)))
    return losses


BOWL_LR, BOWL_BETA, BOWL_SHOWN = 0.018, 0.8, (1, 5, 10, 20, 40, 80)


def momentum_against_gradient_descent(momentum, lr: float = BOWL_LR, beta: float = BOWL_BETA):
    """J after each of max(BOWL_SHOWN) steps of plain gradient descent and of momentum (yours), on the narrow valley."""
    steps = max(BOWL_SHOWN)
    plain = _bowl(lambda p, g: {k: p[k] - lr * g["d" + k] for k in p}, steps)
    state = {}

    def with_momentum(p, g):
        velocity = state.get("v") or {k: np.zeros_like(v) for k, v in p.items()}
        p, state["v"] = momentum(p, g, velocity, lr, beta)
        return p

    return plain, _bowl(with_momentum, steps)


def show_momentum(momentum_step) -> None:
    """Your momentum_step against plain gradient descent on a long, narrow valley: J after some of the steps."""
    plain, _ = momentum_against_gradient_descent(lambda p, g, v, lr, beta: (p, v))

    def table():
        mine = momentum_against_gradient_descent(momentum_step)[1]
        return [f"{'step':>6}  {'gradient descent':>16}  {'momentum (yours)':>16}"] + [
            f"{k:>6}  {plain[k - 1]:>16.2e}  {mine[k - 1]:>16.2e}" for k in BOWL_SHOWN]

    lines, problem = _attempt(table, "momentum_step")
    if problem == _TODO:
        lines = [f"{'step':>6}  {'gradient descent':>16}", *(f"{k:>6}  {plain[k - 1]:>16.2e}" for k in BOWL_SHOWN),
                 "… momentum_step is not implemented yet: its column appears here once it is."]
    elif problem:
        print(problem)
        return
    print(f"J(w) = 1/2 (w1^2 + 100 w2^2) from w = (1, 1), lr = {BOWL_LR:g}; momentum with beta = {BOWL_BETA:g}:")
    print("\n".join(lines))
