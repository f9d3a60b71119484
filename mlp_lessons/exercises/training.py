"""The exercises after lesson 5, training (notebooks/exercises/05_training_exercises.ipynb).

The sigmoid output's cross-entropy with dJ/dZ[L] (lesson 4's loss), the update rule
W := W - lr dJ/dW, and the mini-batch training loop, which is also run on the moons.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..data.datasets import moons
from ..errors import plural, shape_str
from ..forward import forward
from ..losses import sigmoid_binary_cross_entropy
from ..optim import sgd_update
from ..params import init_params
from ..training import accuracy, train_step
from .batching import _loss_mistakes, _scaled
from .engine import Exercise, Mistake, _logits_and_labels, _normal, _random_params


def _logit(A):
    return np.log(A) - np.log1p(-A)


def _sigmoid_ce(AL, Y):
    """The package's sigmoid + cross-entropy from the logits; AL = sigmoid(ZL) gives ZL back exactly enough."""
    return sigmoid_binary_cross_entropy(_logit(AL), Y)


def _sigmoid_ce_inputs(d, rng):
    Z, Y = _logits_and_labels(d["n"], d["m"], rng)
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


def _params_and_grads(sizes, rng):
    """Random params for the layer sizes and a random gradient of each, named grads['d' + name]."""
    params = _random_params(sizes, rng)
    return params, {"d" + k: _normal(rng, v.shape) for k, v in params.items()}


def _update_inputs(d, rng):
    return *_params_and_grads(d["sizes"], rng), 0.3


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
