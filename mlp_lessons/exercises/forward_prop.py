"""The exercises after lesson 1, forward prop (notebooks/exercises/01_forward_prop_exercises.ipynb).

One Exercise per step of the forward pass, each with its catalogue of mistakes:
z = W a_prev + b, a = phi(z), and the loop over the L layers.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..activations import get_activation, sigmoid, tanh
from ..errors import plural, shape_str
from ..forward import forward, linear_forward
from .engine import Exercise, Mistake, _normal, _normals, _random_params

SWAPPED = ("You computed A_prev @ W. The arguments come in the order of the symbols of the equation, "
           "z = W a_prev + b: W first, then A_prev, then b, as in linear_forward(W, A_prev, b) and "
           "layer_forward(W, A_prev, b, phi). Multiply W @ A_prev.")


_linear_inputs = _normals(("n", "p"), ("p", "m"), ("n", 1))


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
    params = _random_params(d["sizes"], rng)
    return params, _normal(rng, (d["sizes"][0], d["m"])), _Names(d["activations"])


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
