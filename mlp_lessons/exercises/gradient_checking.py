"""The exercises on gradient checking, after lesson 3 (notebooks/exercises/03_gradient_checking_exercises.ipynb).

Centred differences, the relative error, and grad_check, which compares every parameter's backprop
gradient with them; show_grad_check runs the student's grad_check on the student's own backward.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, sigmoid_prime, tanh, tanh_prime
from ..backward import loss_and_grads
from ..errors import shape_str
from ..forward import forward, linear_forward
from ..gradcheck import numerical_gradient, relative_error
from ..losses import half_squared_error
from .engine import _TODO, Exercise, Mistake, _attempt, _normal, _random_params


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


def _ng_loop(entries=lambda x: np.ndindex(x.shape), moved=lambda x: x, restore=True):
    """The centred-difference loop with one thing changed: which entries it visits (entries(x) gives the
    indices), which array it moves (moved(x): x itself, or a copy), or whether it puts each entry back."""
    def run(J, x, eps):
        grad = np.zeros(x.shape)
        for k in entries(x):
            y = moved(x)
            y[k] += eps
            J_plus = J()
            y[k] -= 2 * eps
            grad[k] = (J_plus - J()) / (2 * eps)
            if restore:
                y[k] += eps
        return grad
    return run


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
                _ng_loop(restore=False)),
        Mistake("rows_only", "Indexing x[i] with one index gives a whole ROW once x has several columns, so you moved many "
                "entries at once. That only works for a single column (m = 1); visit every entry, "
                "for k in np.ndindex(x.shape): x[k] ...",
                _ng_loop(entries=lambda x: range(x.shape[0]))),
        Mistake("all_at_once", "You moved every entry of x at once, which measures one directional derivative, "
                "not the gradient: perturb one entry at a time, x[k] += eps, and put it back.",
                _ng_loop(entries=lambda x: [...])),
        Mistake("perturbed_a_copy", "Your gradient is all zeros: J() reads x itself, so changing a copy (x.copy(), "
                "x.flatten()) changes nothing it sees. Change x[k] in place, then put it back.",
                _ng_loop(moved=lambda x: x.copy())),
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
    params = _random_params(sizes, rng)
    X, Y = _normal(rng, (sizes[0], m)), rng.uniform(0.1, 0.9, (sizes[-1], m))
    return params, X, Y, d.get("broken")


GC_ACTIVATIONS = ["tanh", "sigmoid"]


def _network_loss(params, X, Y):
    """J() of the small network: it reads params, so that an entry changed in place changes J."""
    return lambda: half_squared_error(forward(params, X, GC_ACTIVATIONS, check=False)[0], Y)[0]


def _observe_grad_check(fn, args):
    """fn(J, params, grads, eps) on a small network; J() reads params, grads from backprop (one maybe broken)."""
    params, X, Y, broken = args
    J = _network_loss(params, X, Y)
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
    J = _network_loss(params, X, Y)

    def run():
        with np.errstate(all="ignore"):
            dW, db = backward(dAL, A, Z, W, phi_prime)
            grads = {**{f"dW{l}": dW[l] for l in W}, **{f"db{l}": db[l] for l in W}}
            errors = grad_check(J, params, grads, 1e-5)
        return [f"  {name}: relative error {float(errors[name]):.1e}" + ("" if float(errors[name]) < 1e-7 else
                "   <- backprop and the centred differences disagree here") for name in params]

    lines, problem = _attempt(run, "grad_check on your backward")
    if problem:
        print("… grad_check or backward is not implemented yet." if problem == _TODO else problem)
        return
    print("Your grad_check on your backward, network [3, 4, 2] (tanh, sigmoid), m = 5:")
    print("\n".join(lines))
