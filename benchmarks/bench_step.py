"""One training step of gradient descent, timed three ways.

1. batched: train_step on all m columns at once, against a Python loop over
   the same m examples one column at a time (the same package functions with
   m = 1, gradients accumulated and averaged, then one update).
2. matmul share: the step's matrix products alone (same shapes, same
   transposes) divided by the whole step.
3. dtype: float32 against float64, and a check that float32 stays float32
   in parameters, activations, dJ/dA[L], gradients and the update.

For the toy network, where the step is short and its overhead matters, a
cProfile profile, a breakdown that times each equation on its own, and the cost
of validation: one step through the public, checked calls against check=False.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
from dataclasses import dataclass

import numpy as np

import mlp_lessons as ml
from mlp_lessons.training import train_step

from . import timing
from .timing import compare, ratio_range


@dataclass(frozen=True)
class Net:
    label: str
    layer_sizes: tuple
    m: int
    activations: tuple
    loss: str = "binary_cross_entropy"
    lr: float = 0.1


TOY = Net("toy", (2, 16, 16, 1), 256, ("tanh", "tanh", "sigmoid"))
MNIST = Net("MNIST-shaped", (784, 256, 128, 10), 128, ("relu", "relu", "sigmoid"))
NETS = (TOY, MNIST)


def make_problem(net: Net, dtype=np.float64, seed: int = 0):
    """params, X (n[0], m) and 0/1 targets Y (n[L], m), all of `dtype`."""
    params = ml.init_params(list(net.layer_sizes), seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed)
    X = rng.random((net.layer_sizes[0], net.m)).astype(dtype)
    Y = (rng.random((net.layer_sizes[-1], net.m)) < 0.5).astype(dtype)
    return params, X, Y


def batched_step(params, X, Y, net: Net):
    """Forward, loss, backward and update on all m columns: the package's train_step."""
    return train_step(params, X, Y, list(net.activations), ml.get_loss(net.loss), net.lr, check=False)


def training(step, params, X, Y, net: Net):
    """A no-argument callable that takes one `step` per call, each from the last one's
    parameters, as train() does (timing the same start again and again would time a
    memory pattern that training never has: every call's new parameters thrown away)."""
    state = {"params": params}

    def one_step():
        state["params"], _ = step(state["params"], X, Y, net)

    return one_step


def looped_step(params, X, Y, net: Net):
    """The same step, one example (column) at a time, as code without batching would do it.

    With m = 1 the loss's dJ/dA[L] has no 1/m, so the m gradients are summed and
    divided by m: the same average gradient as the batched step, then one update.
    """
    activations = list(net.activations)
    loss = ml.get_loss(net.loss)
    m = X.shape[1]
    total = None
    for i in range(m):
        AL, caches = ml.forward(params, X[:, i : i + 1], activations, check=False)
        _, grads = ml.loss_and_grads(params, caches, Y[:, i : i + 1], activations, loss, check=False)
        if total is None:
            total = grads
        else:
            for name in total:
                total[name] += grads[name]
    return ml.sgd_update(params, {name: g / m for name, g in total.items()}, net.lr, check=False), None


def check_same_update(net: Net) -> float:
    """Largest difference between the batched and the looped update (float64): ~1e-16."""
    params, X, Y = make_problem(net)
    a, _ = batched_step(params, X, Y, net)
    b, _ = looped_step(params, X, Y, net)
    return max(float(np.max(np.abs(a[k] - b[k]))) for k in a)


def bench_batched_vs_loop(net: Net, repeat: int = 7, min_time: float = 0.05) -> dict:
    params, X, Y = make_problem(net)
    rounds = {}
    t = compare(
        {
            "batched": training(batched_step, params, X, Y, net),
            "loop": training(looped_step, params, X, Y, net),
        },
        repeat=repeat,
        min_time=min_time,
        rounds=rounds,
    )
    return {
        "net": net.label,
        "layer_sizes": list(net.layer_sizes),
        "m": net.m,
        "batched_s": t["batched"],
        "loop_s": t["loop"],
        "speedup": t["loop"] / t["batched"],
        "speedup_range": ratio_range(rounds["loop"], rounds["batched"]),
        "max_abs_diff": check_same_update(net),
    }


def step_matmuls(params, X, net: Net):
    """The operand pairs of every matrix product in one step, with the step's own layouts.

    forward   z[l] = W[l] @ a[l-1]                 l = 1..L
    backward  dW[l] = dZ[l] @ a[l-1].T             l = 1..L
              dA[l-1] = W[l].T @ dZ[l]             l = L..2 (dJ/dX is not needed)
    """
    activations = list(net.activations)
    AL, caches = ml.forward(params, X, activations, check=False)
    rng = np.random.default_rng(1)
    pairs = []
    for l, (A_prev, W, Z) in enumerate(caches, start=1):
        dZ = rng.standard_normal(Z.shape).astype(Z.dtype)
        pairs.append((W, A_prev))
        pairs.append((dZ, A_prev.T))
        if l > 1:
            pairs.append((W.T, dZ))
    return pairs


def page_faults_per_call(fn, calls: int = 20):
    """Minor page faults per call (memory the allocator had given back to the OS); None off Unix."""
    try:
        import resource
    except ImportError:
        return None
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def matmul_flops(pairs) -> int:
    return sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in pairs)


def bench_matmul_share(net: Net, dtype=np.float64, repeat: int = 7, min_time: float = 0.05) -> dict:
    params, X, Y = make_problem(net, dtype)
    pairs = step_matmuls(params, X, net)

    def matmuls_only():
        for a, b in pairs:
            a @ b

    rounds = {}
    t = compare(
        {"step": training(batched_step, params, X, Y, net), "matmuls": matmuls_only},
        repeat=repeat,
        min_time=min_time,
        rounds=rounds,
    )
    flops = matmul_flops(pairs)
    return {
        "page_faults_per_step": page_faults_per_call(training(batched_step, params, X, Y, net)),
        "net": net.label,
        "dtype": np.dtype(dtype).name,
        "step_s": t["step"],
        "matmul_s": t["matmuls"],
        "share": t["matmuls"] / t["step"],
        "share_range": ratio_range(rounds["matmuls"], rounds["step"]),
        "matmul_gflops": flops / t["matmuls"] / 1e9,
        "n_matmuls": len(pairs),
    }


def _profiler_costs(calls: int = 20000, repeat: int = 5) -> tuple[float, float]:
    """What cProfile adds per recorded call: (to the callee's own time, to the caller's own time).

    Measured on an empty function called `calls` times; medians of `repeat` tries.
    """

    def nothing():
        pass

    def outer():
        for _ in range(calls):
            nothing()

    to_callee, to_caller = [], []
    for _ in range(repeat):
        start = timing.clock()
        outer()
        plain = timing.clock() - start
        profiler = cProfile.Profile(timing.clock)
        profiler.runcall(outer)
        own = {func: tt for (_, _, func), (_, _, tt, _, _) in pstats.Stats(profiler).stats.items()}
        to_callee.append(own["nothing"] / calls)
        to_caller.append((own["outer"] + own["nothing"] - plain) / calls - to_callee[-1])
    return max(0.0, statistics.median(to_callee)), max(0.0, statistics.median(to_caller))


def profile_step(net: Net = TOY, steps: int = 2000, top: int = 8) -> dict:
    """cProfile of `steps` batched steps: time per step and the functions with most own time.

    A function's own time includes the numpy calls it makes (cProfile does not
    record ufuncs separately).  cProfile adds a fixed cost to every call it
    records, part to the callee and part to the caller; both are measured and
    subtracted, or the many tiny functions (one per boxed equation) and the
    functions that call them would look far busier than they are.
    """
    params, X, Y = make_problem(net)
    activations = list(net.activations)
    loss = ml.get_loss(net.loss)
    to_callee, to_caller = _profiler_costs()
    profiler = cProfile.Profile(timing.clock)
    profiler.enable()
    for _ in range(steps):
        params, _ = train_step(params, X, Y, activations, loss, net.lr, check=False)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    calls_made = {}
    for _, (_, _, _, _, callers) in stats.items():
        for caller, (_, nc, _, _) in callers.items():
            calls_made[caller] = calls_made.get(caller, 0) + nc
    rows = []
    for key, (cc, nc, tt, ct, callers) in stats.items():
        filename, _, func = key
        where = filename.replace("\\", "/").rsplit("/", 1)[-1]
        name = f"{where}:{func}" if where != "~" else func
        own = tt - nc * to_callee - calls_made.get(key, 0) * to_caller
        rows.append({"function": name, "own_s": max(0.0, own), "calls": nc})
    total = sum(r["own_s"] for r in rows)
    rows.sort(key=lambda r: r["own_s"], reverse=True)
    return {
        "net": net.label,
        "steps": steps,
        "us_per_step": total / steps * 1e6,
        "profiler_us_per_call": (to_callee + to_caller) * 1e6,
        "calls_per_step": sum(r["calls"] for r in rows) / steps,
        "top": [
            {
                "function": r["function"],
                "share": r["own_s"] / total,
                "us_per_step": r["own_s"] / steps * 1e6,
                "calls_per_step": r["calls"] / steps,
            }
            for r in rows[:top]
        ],
    }


def breakdown_step(net: Net = TOY, repeat: int = 7, min_time: float = 0.05) -> dict:
    """Each equation of one step timed on its own, with the step's own arrays.

    The parts are the package's functions, called the way train_step calls
    them; what the step takes beyond their sum is glue (Python calls, the
    caches, the dicts of params and grads).  Unlike a profiler, this adds
    nothing to what it measures.
    """
    params, X, Y = make_problem(net)
    activations = list(net.activations)
    loss = ml.get_loss(net.loss)
    AL, caches = ml.forward(params, X, activations, check=False)
    J, dAL = loss(AL, Y, check=False)
    grads = ml.backward(params, caches, dAL, activations, check=False)
    L = len(caches)
    phis = [ml.get_activation(a) for a in activations]
    dAs = {L: dAL}  # dJ/dA[l] that layer l receives, from the step itself
    dZs = {}
    for l in range(L, 0, -1):
        A_prev, W, Z = caches[l - 1]
        dZs[l] = ml.backprop_dZ(dAs[l], Z, phis[l - 1].phi_prime, check=False)
        dAs[l - 1] = ml.backprop_dA_prev(W, dZs[l], check=False)
    layers = range(1, L + 1)

    def part(fn):
        return lambda: [fn(l, *caches[l - 1]) for l in layers]

    parts = {
        "z[l] = W[l] a[l-1] + b[l]": part(lambda l, A_prev, W, Z: ml.linear_forward(W, A_prev, params[f"b{l}"], l,
                                                                                     check=False)),
        "a[l] = phi(z[l])": part(lambda l, A_prev, W, Z: phis[l - 1].phi(Z, check=False)),
        "J and dJ/dA[L] (loss)": lambda: loss(AL, Y, check=False),
        "dZ = dA * phi'(Z)  (boxed 1)": part(lambda l, A_prev, W, Z: ml.backprop_dZ(dAs[l], Z, phis[l - 1].phi_prime,
                                                                                     check=False)),
        "dW = dZ A[l-1].T  (boxed 2)": part(lambda l, A_prev, W, Z: ml.backprop_dW(dZs[l], A_prev, check=False)),
        "db = row sums of dZ  (boxed 3)": part(lambda l, A_prev, W, Z: ml.backprop_db(dZs[l], check=False)),
        "dA[l-1] = W.T dZ  (boxed 4, l > 1)": lambda: [ml.backprop_dA_prev(caches[l - 1].W, dZs[l], check=False)
                                                     for l in layers if l > 1],
        "update W - lr dW, b - lr db": lambda: ml.sgd_update(params, grads, net.lr, check=False),
    }
    t = compare({"step": training(batched_step, params, X, Y, net), **parts}, repeat=repeat, min_time=min_time)
    step = t.pop("step")
    glue = step - sum(t.values())
    return {
        "net": net.label,
        "step_s": step,
        "parts": [{"part": name, "seconds": sec, "share": sec / step} for name, sec in t.items()]
        + [{"part": "glue: the rest of the step", "seconds": glue, "share": glue / step}],
    }


def check_dtype_end_to_end(net: Net, dtype=np.float32, activation_names=None, loss_names=None) -> list[str]:
    """Every array a step makes, for every activation and loss: list what is not `dtype`.

    Uses the public, validated functions (forward, loss, backward, sgd_update,
    train_step, train) so an upcast anywhere a student can reach shows up.
    """
    dtype = np.dtype(dtype)
    problems = []
    activation_names = activation_names or sorted(ml.ACTIVATIONS)
    loss_names = loss_names or ["half_squared_error", "binary_cross_entropy"]
    L = len(net.layer_sizes) - 1
    runs = [(list(net.activations), name) for name in loss_names]
    runs += [([a] * (L - 1) + ["sigmoid"], name) for a in activation_names for name in loss_names]
    if "softmax_cross_entropy" in ml.LOSSES:
        runs.append((["relu"] * (L - 1) + ["softmax"], "softmax_cross_entropy"))
    for activations, loss_name in runs:
        where = f"{'/'.join(activations)} + {loss_name}"
        params, X, Y = make_problem(net, dtype)
        if loss_name == "softmax_cross_entropy":  # its targets are one-hot columns
            Y = ml.one_hot(np.arange(net.m) % Y.shape[0], Y.shape[0]).astype(dtype)

        def expect(name, value):
            if not isinstance(value, np.ndarray) or value.dtype != dtype:
                got = value.dtype if isinstance(value, np.ndarray) else type(value).__name__
                problems.append(f"{where}: {name} is {got}")

        for k, v in params.items():
            expect(k, v)
        AL, caches = ml.forward(params, X, activations)
        for l, (A_prev, W, Z) in enumerate(caches, start=1):
            expect(f"A[{l - 1}]", A_prev)
            expect(f"Z[{l}]", Z)
        expect(f"A[{L}]", AL)
        J, dAL = ml.get_loss(loss_name)(AL, Y)
        expect("dJ/dA[L]", dAL)
        grads = ml.backward(params, caches, dAL, activations)
        for k, v in grads.items():
            expect(k, v)
        for k, v in ml.sgd_update(params, grads, net.lr).items():
            expect(f"updated {k}", v)
        for k, v in train_step(params, X, Y, activations, ml.get_loss(loss_name), net.lr)[0].items():
            expect(f"train_step {k}", v)
        trained, _ = ml.train(params, X, Y, activations, loss=loss_name, lr=0.01, epochs=1,
                              batch_size=max(1, net.m // 2), progress=False)
        for k, v in trained.items():
            expect(f"train {k}", v)
    return problems


def bench_dtypes(net: Net, repeat: int = 7, min_time: float = 0.05, check: bool = True) -> dict:
    p64, X64, Y64 = make_problem(net, np.float64)
    p32, X32, Y32 = make_problem(net, np.float32)
    t = compare(
        {
            "float64": training(batched_step, p64, X64, Y64, net),
            "float32": training(batched_step, p32, X32, Y32, net),
        },
        repeat=repeat,
        min_time=min_time,
    )
    problems = check_dtype_end_to_end(net) if check else []
    return {
        "net": net.label,
        "float64_s": t["float64"],
        "float32_s": t["float32"],
        "speedup": t["float64"] / t["float32"],
        "float32_end_to_end": not problems,
        "problems": problems,
    }


VALIDATION_GOAL = 2.0  # issue 20: a step through the validated public calls at most 2x the unchecked one


def bench_validation(net: Net = TOY, repeat: int = 7, min_time: float = 0.05) -> dict:
    """What checking every argument costs a student who writes the loop with the public calls.

    One step (forward, the loss, backward, sgd_update) with every argument checked, as a
    student calls them, against the same calls with check=False, in interleaved rounds.
    """
    params, X, Y = make_problem(net)
    activations, loss = list(net.activations), ml.get_loss(net.loss)

    def step(check):
        AL, caches = ml.forward(params, X, activations, check=check)
        _, dAL = loss(AL, Y, check=check)
        grads = ml.backward(params, caches, dAL, activations, check=check)
        return ml.sgd_update(params, grads, net.lr, check=check)

    rounds: dict = {}
    t = compare({"validated": lambda: step(True), "unchecked": lambda: step(False)}, repeat, min_time, rounds)
    return {"net": net.label, "validated_s": t["validated"], "unchecked_s": t["unchecked"],
            "ratio": t["validated"] / t["unchecked"], "range": ratio_range(rounds["validated"], rounds["unchecked"]),
            "goal": VALIDATION_GOAL}
