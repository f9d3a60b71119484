"""The exercise checker against its catalogue of mistakes, answers as students write them, and random wrong ones."""

import ast
import inspect
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlp_lessons as ml
from mlp_lessons import exercises as ex
from helpers import kernel_spec_manager

EXERCISE_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "exercises"
sys.path.insert(0, str(EXERCISE_DIR))
import solutions  # noqa: E402


def stub(*args):
    raise NotImplementedError


def unfinished(key):
    """What a student has before starting: a stub function, or the `...` of a prediction."""
    return ... if isinstance(ex.EXERCISES[key], ex.Prediction) else stub


# ---- the catalogue: every entry gets exactly its own hint ----

ENTRIES = [(key, i, m) for key, mistakes in ex.MISTAKES.items() for i, m in enumerate(mistakes)]


@pytest.mark.parametrize("key, i, mistake", ENTRIES, ids=[f"{k}-{m.code}-{i}" for k, i, m in ENTRIES])
def test_every_catalogued_mistake_gets_its_exact_hint(key, i, mistake):
    exercise = ex.EXERCISES[key]
    result = ex.diagnose(exercise, mistake.answer)
    assert (result.status, result.code) == ("wrong", mistake.code), result
    assert result.message.startswith(f"{exercise.name}: not right yet. ")
    assert result.message.endswith(mistake.hint)
    others = {m.hint for m in exercise.mistakes if m.code != mistake.code}
    assert not any(hint in result.message for hint in others)


def test_the_catalogue_is_a_table_with_at_least_the_issues_mistakes():
    codes = {(key, m.code) for key, mistakes in ex.MISTAKES.items() for m in mistakes}
    issue = {("dZ", "matrix_product"), ("layer_forward", "swapped_arguments"), ("forward", "activation_index"),
             ("backward", "dW.extra_1_over_m"), ("backward", "db.extra_1_over_m"), ("backward", "phi_prime_of_A"),
             ("backward", "dA_prev.missing_transpose"), ("loss", "J_divided_by_rows"), ("loss", "J_divided_by_size"),
             ("dW", "outer_by_broadcasting"), ("dW", "np_outer"), ("db", "extra_1_over_m"), ("dW", "extra_1_over_m")}
    assert issue <= codes
    assert len(codes) >= 150
    derived = {("gelu_prime", "missing_chain_factor"), ("gelu_prime", "sign"), ("weighted_bce_dZ", "forgot_1_over_m"),
               ("weighted_bce_dZ", "1_over_m_twice"), ("weighted_bce_dZ", "dA_not_dZ"), ("weighted_bce_dZ", "sign"),
               ("skip_backward", "skip_path_missing"), ("skip_backward", "dW_extra_1_over_m"),
               ("softmax_backward", "diagonal_only"), ("softmax_backward", "sign"),
               ("momentum", "velocity_not_carried"), ("update", "in_place"), ("softmax", "summed_everything")}
    assert derived <= codes


@pytest.mark.parametrize("key", sorted(ex.EXERCISES))
def test_hints_within_an_exercise_are_distinct(key):
    hints = {}
    for m in ex.EXERCISES[key].mistakes:
        assert hints.setdefault(m.code, m.hint) == m.hint
    assert len(set(hints.values())) == len(hints)


def test_the_full_backward_names_the_mistakes_of_the_single_equation_checks():
    backward_hints = {m.code: m.hint for m in ex.BACKWARD.mistakes}
    for key, piece in [("dZ", ex.DZ), ("dW", ex.DW), ("db", ex.DB), ("dA_prev", ex.DA_PREV)]:
        for m in piece.mistakes:
            assert backward_hints[f"{key}.{m.code}"].endswith(m.hint)


FORWARD_AND_LOSSES = ["linear_forward", "layer_forward", "forward", "loss", "sigmoid_cross_entropy",
                      "softmax_cross_entropy", "softmax", "update", "train"]


@pytest.mark.parametrize("key", FORWARD_AND_LOSSES)
def test_no_forward_or_loss_hint_mentions_a_boxed_equation(key):
    exercise = ex.EXERCISES[key]
    assert all("boxed" not in m.hint for m in exercise.mistakes)
    assert "boxed" not in exercise.equation
    r = ex.diagnose(exercise, lambda *args: stub() if False else None)
    assert "boxed" not in r.message


# ---- the right answers, as the package and as students write them ----

@pytest.mark.parametrize("key", sorted(ex.EXERCISES))
def test_the_reference_answer_passes_and_a_stub_is_not_implemented(key, capsys):
    exercise = ex.EXERCISES[key]
    assert ex.diagnose(exercise, exercise.correct).status == "pass"
    result = ex.check(key, unfinished(key))
    assert result.status == "not implemented"
    assert ("Not answered yet" if isinstance(exercise, ex.Prediction) else "Not implemented yet") in result.message
    out = capsys.readouterr()
    assert out.out.startswith("…") and "Traceback" not in out.out + out.err


@pytest.mark.parametrize("notebook, entry", [(nb, e) for nb, es in ex.NOTEBOOKS.items() for e in es],
                         ids=lambda v: v if isinstance(v, str) else v.function)
def test_the_solutions_pass_every_check_of_their_notebook(notebook, entry):
    result = ex.diagnose(ex.EXERCISES[entry.key], getattr(solutions, entry.function), single=entry.single)
    assert (result.status, result.code) == ("pass", "pass"), result


def test_the_training_check_trains_the_moons_to_the_stated_accuracy(capsys):
    ex.check_train(solutions.train)
    out = capsys.readouterr().out
    assert out.startswith("✔") and "test accuracy of 100.0%" in out and "at least 95%" in out


# ---- the issue's mistakes, written as a student would ----

def layer_forward_old_order(A_prev, W, b, phi):
    return phi(W @ A_prev + b)


def layer_forward_calls_linear_swapped(W, A_prev, b, phi):
    return phi(ml.linear_forward(A_prev, W, b))


def forward_index_past_the_end(params, X, activations):
    A = X
    for l in range(1, len(activations) + 1):
        A = ml.get_activation(activations[l]).phi(params[f"W{l}"] @ A + params[f"b{l}"])
    return A


def forward_index_zero_based_minus_one(params, X, activations):
    A = X
    for l in range(len(activations)):
        A = ml.get_activation(activations[l - 1]).phi(params[f"W{l + 1}"] @ A + params[f"b{l + 1}"])
    return A


def make_backward(dW=lambda dZ, A, l: dZ @ A[l - 1].T, db=lambda dZ: np.sum(dZ, axis=1, keepdims=True),
                  phi_prime_at=lambda Z, A, l: Z[l], dA_prev=lambda W, dZ: W.T @ dZ):
    def backward(dAL, A, Z, W, phi_prime):
        grads_W, grads_b, dA = {}, {}, dAL
        for l in range(len(W), 0, -1):
            dZ = dA * phi_prime[l](phi_prime_at(Z, A, l))
            grads_W[l] = dW(dZ, A, l)
            grads_b[l] = db(dZ)
            dA = dA_prev(W[l], dZ)
        return grads_W, grads_b
    return backward


def half_squared(divide_by):
    return lambda AL, Y: (np.sum((AL - Y) ** 2) / divide_by(AL), (AL - Y) / AL.shape[1])


# (exercise, single-example form?, student's answer, expected code); then what the message must (not) say
STUDENTS = [
    ("dZ", True, lambda dA, Z, phi_prime: dA @ phi_prime(Z), "matrix_product"),
    ("dZ", False, lambda dA, Z, phi_prime: np.dot(dA, phi_prime(Z)), "matrix_product"),
    ("layer_forward", False, layer_forward_old_order, "swapped_arguments"),
    ("layer_forward", False, layer_forward_calls_linear_swapped, "swapped_arguments"),
    ("linear_forward", False, lambda W, A_prev, b: np.dot(A_prev, W) + b, "swapped_arguments"),
    ("forward", False, forward_index_past_the_end, "activation_index"),
    ("forward", False, forward_index_zero_based_minus_one, "activation_index"),
    ("backward", False, make_backward(dW=lambda dZ, A, l: dZ @ A[l - 1].T / dZ.shape[1]), "dW.extra_1_over_m"),
    ("backward", False, make_backward(db=lambda dZ: np.mean(dZ, axis=1, keepdims=True)), "db.extra_1_over_m"),
    ("backward", False, make_backward(phi_prime_at=lambda Z, A, l: A[l]), "phi_prime_of_A"),
    ("backward", False, make_backward(dA_prev=lambda W, dZ: W @ dZ), "dA_prev.missing_transpose"),
    ("backward", True, make_backward(dA_prev=lambda W, dZ: np.dot(W, dZ)), "dA_prev.missing_transpose"),
    ("backward", False, make_backward(dW=lambda dZ, A, l: dZ @ A[l].T), "used_A_l"),
    ("loss", False, half_squared(lambda AL: 2 * len(AL)), "J_divided_by_rows"),
    ("loss", False, half_squared(lambda AL: AL.size), "J_divided_by_size"),
    ("loss", False, lambda AL, Y: (0.5 * np.mean((AL - Y) ** 2), (AL - Y) / AL.shape[1]), "J_divided_by_all_entries"),
    ("dW", False, lambda dZ, A_prev: dZ * A_prev.T, "outer_by_broadcasting"),
    ("dW", False, lambda dZ, A_prev: np.outer(dZ, A_prev), "np_outer"),
    ("dW", False, lambda dZ, A_prev: np.dot(dZ, A_prev.T) / A_prev.shape[1], "extra_1_over_m"),
    ("db", False, lambda dZ: np.mean(dZ, axis=1, keepdims=True), "extra_1_over_m"),
    ("db", False, lambda dZ: dZ, "no_sum"),
    ("sigmoid_cross_entropy", False, lambda AL, Y: (
        -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / AL.size, (AL - Y) / AL.shape[1]), "J_divided_by_size"),
    ("sigmoid_cross_entropy", False, lambda AL, Y: (
        -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)), (AL - Y) / AL.shape[1]), "J_divided_by_size"),
    ("softmax_cross_entropy", False, lambda AL, Y: (-np.sum(Y * np.log(AL)) / len(AL), (AL - Y) / AL.shape[1]),
     "J_divided_by_rows"),
    ("softmax", False, lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0), "no_max_shift"),
    ("update", False, lambda params, grads, lr: {k: v - lr * grads[k] for k, v in params.items()}, "grads_keys"),
    ("numerical_gradient", False, lambda J, x, eps: np.zeros(x.shape), "perturbed_a_copy"),
]


@pytest.mark.parametrize("key, single, answer, code", STUDENTS, ids=[f"{s[0]}-{s[3]}" for s in STUDENTS])
def test_students_mistakes_get_their_specific_hint(key, single, answer, code):
    exercise = ex.EXERCISES[key]
    result = ex.diagnose(exercise, answer, single=single)
    assert result.code == code, result
    hint = next(m.hint for m in exercise.mistakes if m.code == code)
    assert result.message.endswith(hint)
    assert "matmul" not in result.message and "mismatch" not in result.message  # no raw numpy error
    if key in FORWARD_AND_LOSSES:
        assert "boxed" not in result.message


def test_a_sigmoid_loss_right_only_for_one_output_unit_is_caught():
    """AL.size is m when n[L] = 1, so the check also tries several outputs."""
    result = ex.diagnose(ex.SIGMOID_CE, STUDENTS[21][2])
    assert "With one output unit that is m" in result.message


def test_two_mistakes_in_two_parts_get_both_hints():
    def two(AL, Y):
        return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)), (AL - Y) / len(AL)
    r = ex.diagnose(ex.SIGMOID_CE, two)
    hints = {m.code: m.hint for m in ex.SIGMOID_CE.mistakes}
    assert r.code == "J_divided_by_size+dJ_divided_by_rows"
    assert r.message.endswith(f"In J: {hints['J_divided_by_size']} In dJ/dZ[L]: {hints['dJ_divided_by_rows']}")


@pytest.mark.parametrize("key, answer, code", [
    ("dW", lambda dZ, A_prev: dZ * A_prev.T, "outer_by_broadcasting"),
    ("dW", lambda dZ, A_prev: np.outer(dZ, A_prev), "np_outer"),
    ("db", lambda dZ: dZ.mean(axis=1, keepdims=True), "extra_1_over_m"),
    ("dW", lambda dZ, A_prev: dZ @ A_prev.T / dZ.shape[1], "extra_1_over_m"),
    ("db", lambda dZ: dZ, "no_sum"),
])
def test_right_for_one_example_only_passes_the_single_form_with_a_warning_and_fails_a_batch(key, answer, code):
    exercise = ex.EXERCISES[key]
    hint = next(m.hint for m in exercise.mistakes if m.code == code)
    single = ex.diagnose(exercise, answer, single=True)
    assert single.status == "pass" and single.code == code
    assert "Correct for one example (m = 1). But it would not be right for a batch" in single.message
    assert single.message.endswith(hint)
    batch = ex.diagnose(exercise, answer)
    assert batch.status == "wrong" and batch.code == code
    assert "It is right for one example (m = 1), but not for a batch" in batch.message


def test_right_for_a_batch_but_not_for_one_example_is_said():
    def squeezed(dZ):  # fine for m > 1, a 0-d mess for m = 1
        return np.atleast_2d(np.squeeze(dZ.sum(axis=1, keepdims=True)).T).T if dZ.shape[1] > 1 else dZ.sum()
    r = ex.diagnose(ex.DB, squeezed)
    assert r.status == "wrong" and "not for a single example (m = 1)" in r.message


# ---- crashes, exits and wrong calls become messages ----

def test_sys_exit_and_any_exception_become_a_message(capsys):
    def exits(dZ, A_prev):
        sys.exit("bye")

    def keyboard_like(dZ, A_prev):
        raise GeneratorExit

    class Nasty(Exception):
        def __str__(self):
            raise RuntimeError("no message either")

    def nasty(dZ, A_prev):
        raise Nasty

    r = ex.diagnose(ex.DW, exits)
    assert r.status == "error" and "sys.exit()" in r.message
    for fn in (keyboard_like, nasty, lambda dZ, A_prev: 1 / 0, lambda dZ, A_prev: input()):
        r = ex.diagnose(ex.DW, fn)
        assert r.status == "error", r
    ex.check_dW(exits)
    assert capsys.readouterr().out.startswith("✘")


def test_keyboard_interrupt_still_stops_a_hanging_check():
    def interrupted(dZ, A_prev):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        ex.diagnose(ex.DW, interrupted)


@pytest.mark.parametrize("m", [0, -1, 5, 2.5, "1", True, None.__class__, [1]])
def test_a_bad_probe_size_is_a_wrong_call_and_the_answer_is_not_run(m, capsys):
    ran = []

    def answer(dZ, A_prev):
        ran.append(1)
        return dZ @ A_prev.T

    ex.check_dW(answer, m=m)
    out = capsys.readouterr().out
    assert "is not a call the check understands" in out and "m=1" in out and "Your function was not run" in out
    assert not ran


def test_forgetting_return_not_callable_and_odd_answers():
    assert ex.diagnose(ex.DW, lambda dZ, A_prev: None).code == "returned_none"
    assert ex.diagnose(ex.DW, 42).code == "not_callable"
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: dZ @ A_prev.T @ A_prev.T)
    assert r.status == "error" and "ValueError" in r.message and "transpose" in r.message

    class Weird:
        def __array__(self, *args, **kwargs):
            raise SystemExit("no")

    for answer in [Weird(), "text", [1, [2, 3]], {"a": 1}, (1, 2, 3), np.array(["a"]), float("nan")]:
        for key in ("dW", "loss", "backward", "update", "train", "grad_check"):
            r = ex.diagnose(ex.EXERCISES[key], lambda *args, answer=answer: answer)
            assert r.status in ("wrong", "error"), (key, answer, r)


def test_an_unknown_wrong_answer_gets_the_shapes():
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: np.zeros((2, 2)))
    assert r.code == "unknown" and "(3, 4)" in r.message and "(2, 2)" in r.message
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: 2 * dZ @ A_prev.T)
    assert r.code == "unknown" and "shape is right but the values are not" in r.message and "boxed" in r.message
    r = ex.diagnose(ex.LOSS, lambda AL, Y: ((AL - Y) ** 2 / 2, (AL - Y) / AL.shape[1]))
    assert r.code == "unknown" and r.message.count("J: ") == 1 and "single number" in r.message


def test_the_student_function_cannot_change_the_checker_inputs():
    def sneaky(dZ, A_prev):
        dZ[:] = 0
        return dZ @ A_prev.T
    assert ex.diagnose(ex.DW, sneaky).status == "wrong"


def test_training_loop_mistakes_outside_the_catalogue_are_explained():
    def returns_pair(params, X, Y, step, epochs, batch_size, seed):
        return solutions.train(params, X, Y, step, epochs, batch_size, seed), 0.0
    r = ex.diagnose(ex.TRAIN, returns_pair)
    assert r.code == "unknown" and "return the trained params dict" in r.message.lower()


def test_summary_lists_every_exercise_of_the_notebook(capsys):
    ex._RESULTS.clear()
    ex.check_loss(solutions.half_squared_error)
    ex.check_dW(lambda dZ, A_prev: dZ)
    ex.check_db(stub)
    ex.summary("03_batching_exercises")
    out = capsys.readouterr().out.splitlines()[-5:]
    assert out == ["1 of 4 exercises pass.",
                   "✔ Exercise 1, half_squared_error: passes.",
                   "✘ Exercise 2, backprop_dW: needs work: see the message under its check.",
                   "… Exercise 3, backprop_db: not implemented yet.",
                   "? Exercise 4, backward: not checked yet: run its check cell."]


# ---- the attack: random wrong answers never crash the checker and never get another mistake's hint ----

def _fresh_inputs(key, seed):
    """Inputs of sizes the checker never uses, one general and one where everything is square."""
    exercise = ex.EXERCISES[key]
    general = {"linear_forward": dict(n=6, p=7, m=8), "dW": dict(n=6, p=7, m=8), "dZ": dict(n=6, m=8),
               "db": dict(n=6, m=8), "dA_prev": dict(n=6, p=7, m=8), "loss": dict(n=6, m=8)}[key]
    square = {k: 6 for k in general}
    return [exercise.make_inputs(d, np.random.default_rng(seed)) for d in (general, square, {**general, "m": 1})]


def _outcome(exercise, fn, args):
    return ex._run(exercise, fn, args)


def _wrong_variants():
    arg_ops = {
        "none": lambda a: a, "T": lambda a: a.T, "neg": lambda a: -a, "double": lambda a: 2 * a,
        "sum_cols": lambda a: a.sum(axis=1, keepdims=True), "mean_cols": lambda a: a.mean(axis=1, keepdims=True),
    }
    out_ops = {
        "none": lambda r, m: r, "T": lambda r, m: r.T, "neg": lambda r, m: -r, "div_m": lambda r, m: r / m,
        "times_m": lambda r, m: r * m, "half": lambda r, m: r / 2, "sum0": lambda r, m: r.sum(axis=0, keepdims=True),
        "sum1": lambda r, m: r.sum(axis=1), "plus1": lambda r, m: r + 1, "ravel": lambda r, m: r.ravel(),
    }
    return arg_ops, out_ops


ARG_OPS, OUT_OPS = _wrong_variants()
FORMULAS = {
    "dW": [lambda dZ, A: dZ @ A.T, lambda dZ, A: dZ @ A, lambda dZ, A: dZ * A, lambda dZ, A: A @ dZ.T],
    "dZ": [lambda dA, Z, pp: dA * pp(Z), lambda dA, Z, pp: dA @ pp(Z), lambda dA, Z, pp: dA / pp(Z),
           lambda dA, Z, pp: dA * pp(dA)],
    "db": [lambda dZ: dZ.sum(axis=1, keepdims=True), lambda dZ: dZ, lambda dZ: dZ.sum(axis=0, keepdims=True)],
    "dA_prev": [lambda W, dZ: W.T @ dZ, lambda W, dZ: W @ dZ, lambda W, dZ: dZ.T @ W],
    "linear_forward": [lambda W, A, b: W @ A + b, lambda W, A, b: A @ W + b, lambda W, A, b: W * A + b,
                       lambda W, A, b: W @ A - b],
}


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(sorted(FORMULAS)), formula=st.integers(0, 3), arg_ops=st.lists(
    st.sampled_from(sorted(ARG_OPS)), min_size=3, max_size=3), out_op=st.sampled_from(sorted(OUT_OPS)),
    seed=st.integers(0, 3))
def test_random_wrong_answers_never_crash_and_never_get_a_wrong_hint(key, formula, arg_ops, out_op, seed):
    exercise = ex.EXERCISES[key]
    base = FORMULAS[key][formula % len(FORMULAS[key])]

    def answer(*args):
        args = [ARG_OPS[op](a) if isinstance(a, np.ndarray) else a for op, a in zip(arg_ops, args)]
        m = next(a.shape[1] for a in args if isinstance(a, np.ndarray) and a.ndim == 2)
        return OUT_OPS[out_op](base(*args), m)

    for single in (False, True):
        result = ex.diagnose(exercise, answer, single=single, seed=seed)
        assert result.status in ("pass", "wrong", "error"), result
        fresh = _fresh_inputs(key, seed + 10)
        named = [m for m in exercise.mistakes if m.code == result.code]
        if result.status == "pass" and result.code == "pass":
            compare_with = [exercise.correct]
            fresh = fresh if not single else fresh[2:]
        elif named:
            compare_with = [m.answer for m in named]
            if single and result.status == "pass":
                fresh = fresh[2:]
        else:
            continue
        # On inputs the checker never saw, the answer behaves like what it was told it is.
        assert any(all(ex._agree(exercise, _outcome(exercise, answer, args), _outcome(exercise, other, args))
                       for args in fresh) for other in compare_with), (result, arg_ops, out_op)


# ---- the exercise notebooks ----
NOTEBOOKS = sorted(EXERCISE_DIR.glob("*.ipynb"))


def is_exercise(cell):
    return cell.cell_type == "code" and "exercise" in cell.metadata.get("tags", [])


def is_check(cell):
    return cell.cell_type == "code" and cell.source.startswith(("check_", "show_grad_check(", "summary("))


def defined_functions(cell):
    """The functions an exercise cell defines, and the variable of a prediction."""
    body = ast.parse(cell.source).body
    return ([node.name for node in body if isinstance(node, ast.FunctionDef)]
            + [t.id for node in body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)])


def run_notebook_with(path, replace):
    """Execute the notebook in a fresh kernel, each exercise cell's source replaced by replace(its function names)."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if is_exercise(cell):
            cell.source = replace(defined_functions(cell))
    km = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_spec_manager())
    try:
        NotebookClient(nb, km=km, timeout=120, kernel_name="python3").execute(cwd=str(path.parent))
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb


def check_outputs(nb):
    return ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells if is_check(cell)]


def test_the_exercise_notebooks_are_the_ones_the_checker_knows():
    assert [p.stem for p in NOTEBOOKS] == list(ex.NOTEBOOKS)
    assert (EXERCISE_DIR / "solutions.py").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_matches_its_entries_and_is_stamped_with_their_version(path):
    nb = nbformat.read(path, as_version=4)
    entries = ex.NOTEBOOKS[path.stem]
    assert nb.metadata["mlp_lessons"] == {"exercises": path.stem, "version": ex.notebook_version(path.stem)}
    definitions = [cell.source.splitlines()[0] for cell in nb.cells if is_exercise(cell)]
    assert len(definitions) == len(entries)
    for line, e in zip(definitions, entries):
        assert line.startswith(e.signature + "  # your prediction") if e.prediction else line == f"def {e.signature}:"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[-1] == f'summary("{path.stem}")'


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_unfilled_every_check_says_not_implemented_yet(path):
    nb = nbformat.read(path, as_version=4)
    for cell in (c for c in nb.cells if is_exercise(c)):
        assert ("raise NotImplementedError" in cell.source or " = ...  # " in cell.source) and defined_functions(cell)
    outputs = check_outputs(nb)
    entries = ex.NOTEBOOKS[path.stem]
    assert sum(text.startswith("…") and ("Not implemented yet (the function still raises" in text
                                         or "Not answered yet: replace the ..." in text) for text in outputs) == len(entries)
    shows = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells
             if c.cell_type == "code" and c.source.startswith("if predicted_")]
    assert all(text == "Write your prediction in the cell above first: this cell shows the answer.\n" for text in shows)
    assert outputs[-1].startswith(f"0 of {len(entries)} exercises pass.")
    assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_with_the_reference_solutions_every_check_passes(path):
    nb = run_notebook_with(path, lambda names: f"from solutions import {', '.join(names)}")
    outputs = check_outputs(nb)
    n = len(ex.NOTEBOOKS[path.stem])
    checks = [t for t in outputs if not t.startswith(("Your grad_check", f"{n} of"))]
    assert len(checks) == n and all(text.startswith("✔") and "Correct!" in text for text in checks), outputs
    assert outputs[-1].startswith(f"{n} of {n} exercises pass.")
    assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))


def test_a_wrong_answer_does_not_stop_the_notebook():
    def buggy(names):
        return "\n".join(f"def {name}(*args):\n    return np.zeros((2, 2))" for name in names)

    nb = run_notebook_with(EXERCISE_DIR / "02_backprop_exercises.ipynb", buggy)
    outputs = check_outputs(nb)
    assert len(outputs) == 6 and all(text.startswith("✘") for text in outputs[:5]), outputs
    assert outputs[5].startswith("0 of 5 exercises pass.")


# ---- hints read as sentences ----

def _odd_answers(key):
    """Answers of every kind a student can hand in, for any exercise: each must get a hint that is a sentence."""
    if isinstance(ex.EXERCISES[key], ex.Prediction):
        return [..., None, 42, 10, 0.5, float("nan"), "abc", [(1, 1)], [(1, 1, 1)], (1, 2, 3), {"a": 1}, object(),
                [("1", 2)], True, (float("inf"), 1)]

    def crash(*args):
        raise ValueError("operands could not be broadcast together")

    def exits(*args):
        sys.exit(1)

    return [stub, crash, exits, 42, lambda *a: None, lambda *a: np.zeros((2, 2)), lambda *a: np.full((3, 5), np.nan),
            lambda *a: "text", lambda *a: (np.zeros((2, 2)),) * 3]


@pytest.mark.parametrize("key", sorted(ex.EXERCISES))
def test_every_hint_starts_with_a_capital_letter(key):
    exercise = ex.EXERCISES[key]
    assert all(m.hint[0].isupper() for m in exercise.mistakes), [m.hint for m in exercise.mistakes]
    if not isinstance(exercise, ex.Prediction):
        assert ex.check(key, exercise.correct, m=5, show=False).hint[0].isupper()  # a call the check refuses
    for answer in [exercise.correct, *_odd_answers(key)]:
        for single in (False, True):
            result = ex.diagnose(exercise, answer, single=single)
            assert result.hint[:1].isupper(), (key, answer, result)
            assert result.message.endswith(result.hint)


# ---- the gaps: an update in place, softmax over the whole batch ----

def update_in_place(params, grads, lr):
    for k in params:
        params[k] -= lr * grads["d" + k]
    return params


def update_into_the_dict(params, grads, lr):
    for k in params:
        params[k] = params[k] - lr * grads["d" + k]
    return params


def update_copying_the_dict_only(params, grads, lr):
    new = dict(params)
    for k in new:
        new[k] -= lr * grads["d" + k]
    return new


@pytest.mark.parametrize("answer", [update_in_place, update_into_the_dict, update_copying_the_dict_only])
def test_an_update_in_place_fails_and_names_the_change(answer):
    r = ex.diagnose(ex.UPDATE, answer)
    assert (r.status, r.code) == ("wrong", "in_place"), r
    assert "changed params in place" in r.hint and "Return a NEW dict" in r.hint


def test_softmax_normalised_over_the_whole_batch_gets_its_own_hint():
    def over_the_batch(Z):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum()

    for answer in (over_the_batch, lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum()):
        r = ex.diagnose(ex.SOFTMAX, answer)
        assert r.code == "summed_everything" and r.message.endswith(ex.BATCH_SUM), r
        assert "It is right for one example (m = 1)" in r.message
        assert "The shape is right but the values are not" not in r.message


# ---- the derivations: the references are right, and students' mistakes get their hints ----

@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(n=st.integers(1, 5), m=st.integers(1, 6), seed=st.integers(0, 100))
def test_every_derivation_agrees_with_centred_differences(n, m, seed):
    from mlp_lessons.exercises import derivations as d
    rng = np.random.default_rng(seed)
    Z = 2 * rng.standard_normal((n, m))
    err = ml.relative_error(d.gelu_prime(Z), ml.numerical_gradient(lambda: float(np.sum(d.gelu(Z))), Z, 1e-6))
    assert err < 1e-7
    Y = (rng.uniform(size=(n, m)) < 0.5).astype(float)
    err = ml.relative_error(d.weighted_bce_dZ(Z, Y, 3.0, 0.5),
                            ml.numerical_gradient(lambda: d.weighted_bce(Z, Y, 3.0, 0.5), Z, 1e-6))
    assert err < 1e-7 or np.abs(d.weighted_bce_dZ(Z, Y, 3.0, 0.5)).max() < 1e-9
    dA = rng.standard_normal((n, m))
    err = ml.relative_error(d.softmax_backward(dA, ml.softmax(Z)),
                            ml.numerical_gradient(lambda: float(np.sum(dA * ml.softmax(Z))), Z, 1e-6))
    assert err < 1e-7 or n == 1  # one class: softmax is the constant 1, every gradient 0
    W2, b2, A1 = rng.standard_normal((n, n)), rng.standard_normal((n, 1)), np.tanh(rng.standard_normal((n, m)))
    dW2, db2, dA1 = d.skip_backward(dA, A1, W2 @ A1 + b2, W2, ml.tanh_prime)

    def J():
        return float(np.sum(dA * d.skip_forward(W2, A1, b2, ml.tanh)))
    for x, g in ((W2, dW2), (b2, db2), (A1, dA1)):
        assert ml.relative_error(g, ml.numerical_gradient(J, x, 1e-6)) < 1e-7


def test_the_reference_answers_of_the_derivations_equal_the_solutions_and_the_package():
    from mlp_lessons.exercises import derivations as d
    rng = np.random.default_rng(1)
    Z, dA = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    assert np.allclose(d.softmax_backward(dA, ml.softmax(Z)), ml.softmax_backprop_dZ(dA, Z))
    Y = (rng.uniform(size=(4, 6)) < 0.5).astype(float)
    w = 3.0 * Y + 0.5 * (1 - Y)  # the short form, right for labels 0 and 1
    assert np.allclose(d.weighted_bce_dZ(Z, Y, 3.0, 0.5), w * (ml.sigmoid(Z) - Y) / 6)
    assert np.allclose(d.weighted_bce_dZ(Z, Y, 1.0, 1.0), (ml.sigmoid(Z) - Y) / 6)  # lesson 4's (A - Y)/m


def _gelu_no_chain(Z):
    u = np.sqrt(2 / np.pi) * (Z + 0.044715 * Z ** 3)
    return 0.5 * (1 + np.tanh(u)) + 0.5 * Z * (1 - np.tanh(u) ** 2)


def _gelu_in_place(Z):
    Z[...] = solutions.gelu_prime(Z)
    return Z


def _momentum_velocity_in_place(params, grads, velocity, lr, beta):
    for k in params:
        velocity[k] = beta * velocity[k] + grads["d" + k]
    return {k: params[k] - lr * velocity[k] for k in params}, velocity


def _softmax_jacobian_per_column(dA, A):
    dZ = np.zeros(A.shape)
    for i in range(A.shape[1]):
        a = A[:, i]
        jacobian = np.diag(a) - np.outer(a, a)
        dZ[:, i] = jacobian.T @ dA[:, i]
    return dZ


DERIVING_STUDENTS = [
    ("gelu_prime", _gelu_no_chain, "missing_chain_factor"),
    ("gelu_prime", lambda Z: 0.5 * (1 + np.tanh(Z)) + 0.5 * Z * (1 - np.tanh(Z) ** 2), "unknown"),
    ("gelu_prime", _gelu_in_place, "unknown"),
    ("weighted_bce_dZ", lambda ZL, Y, w1, w0: (ml.sigmoid(ZL) - Y) / ZL.shape[1], "unknown_unweighted"),
    ("weighted_bce_dZ", lambda ZL, Y, w1, w0: (w1 * Y + w0 * (1 - Y)) * (ml.sigmoid(ZL) - Y) / ZL.shape[1], "pass"),
    ("weighted_bce_dZ", lambda ZL, Y, w1, w0: (w1 * Y + w0 * (1 - Y)) * (ml.sigmoid(ZL) - Y), "forgot_1_over_m"),
    ("softmax_backward", lambda dA, A: dA * A * (1 - A), "diagonal_only"),
    ("softmax_backward", lambda dA, A: A * (dA - (A * dA).sum(axis=0)), "pass"),  # (m,) broadcasts along the rows
    ("softmax_backward", _softmax_jacobian_per_column, "pass"),
    ("softmax_backward", lambda dA, A: A * (dA - np.sum(A * dA)), "summed_over_batch"),
    ("skip_backward", lambda dA2, A1, Z2, W2, pp: ((dA2 * pp(Z2)) @ A1.T, (dA2 * pp(Z2)).sum(axis=1, keepdims=True),
                                                   W2.T @ (dA2 * pp(Z2))), "skip_path_missing"),
    ("skip_backward", lambda dA2, A1, Z2, W2, pp: ((dA2 * pp(Z2)) @ A1.T, (dA2 * pp(Z2)).sum(axis=1, keepdims=True),
                                                   W2 @ (dA2 * pp(Z2)) + dA2), "missing_transpose"),
    ("momentum", lambda params, grads, velocity, lr, beta: (
        {k: params[k] - lr * grads["d" + k] for k in params}, {k: grads["d" + k] for k in params}),
     "velocity_not_carried"),
    ("momentum", _momentum_velocity_in_place, "unknown"),
]


@pytest.mark.parametrize("key, answer, code", DERIVING_STUDENTS,
                         ids=[f"{k}-{c}-{i}" for i, (k, _, c) in enumerate(DERIVING_STUDENTS)])
def test_derivation_mistakes_written_as_a_student_would(key, answer, code):
    exercise = ex.EXERCISES[key]
    r = ex.diagnose(exercise, answer)
    if code == "pass":
        assert (r.status, r.code) == ("pass", "pass"), r
        assert "centred differences" in r.hint or key == "momentum"
        return
    if code == "unknown_unweighted":  # the plain cross-entropy's gradient: the weights are missing
        assert r.code == "unweighted", r
        return
    assert r.status == "wrong" and r.hint[0].isupper(), r
    if code == "unknown":
        assert r.code == "unknown", r
        if answer in (_gelu_in_place, _momentum_velocity_in_place):
            assert "changed its argument" in r.hint and "in place" in r.hint
            assert ("`Z`" if key == "gelu_prime" else "`velocity`") in r.hint
        else:
            assert "entry [" in r.hint and "centred differences" in r.hint  # where it is furthest off
        return
    assert r.code == code and r.message.endswith(next(m.hint for m in exercise.mistakes if m.code == code)), r


@pytest.mark.parametrize("key", ["gelu_prime", "weighted_bce_dZ", "softmax_backward", "skip_backward", "momentum"])
def test_a_derivation_that_returns_none_or_nan_or_the_wrong_shape(key):
    exercise = ex.EXERCISES[key]
    assert ex.diagnose(exercise, lambda *a: None).code == "returned_none"
    nan = ex.diagnose(exercise, lambda *a: np.full(np.shape(a[0]) if isinstance(a[0], np.ndarray) else (2,), np.nan))
    assert nan.status in ("wrong", "error") and nan.hint[0].isupper()
    shape = ex.diagnose(exercise, lambda *a: np.zeros((7, 1)))
    assert shape.status == "wrong" and shape.hint[0].isupper()


def test_right_for_one_example_only_through_softmax_is_said():
    r = ex.diagnose(ex.SOFTMAX_BACKWARD, lambda dA, A: A * (dA - np.sum(A * dA)))
    assert "It is right for one example (m = 1), but not for a batch" in r.message
    single = ex.diagnose(ex.SOFTMAX_BACKWARD, lambda dA, A: A * (dA - np.sum(A * dA)), single=True)
    assert single.status == "pass" and single.code == "summed_over_batch"


# ---- predictions ----

def test_predictions_accept_what_students_write():
    assert ex.diagnose(ex.DW1_ZEROS, np.array([[1, 1], [1, 2]])).status == "pass"
    assert ex.diagnose(ex.DW1_ZEROS, {(1, 2), (1, 1)}).status == "pass"
    assert ex.diagnose(ex.DW1_ZEROS, ((1, 2), (1, 1), (1, 1))).status == "pass"
    assert ex.diagnose(ex.GRADIENT_LENGTH, [1.0, 2]).status == "pass"
    assert ex.diagnose(ex.GRADIENT_LENGTH, (1, 1.4142136)).code == "root_two"
    assert ex.diagnose(ex.MOMENTUM_FACTOR, np.float64(10.0)).status == "pass"
    assert ex.diagnose(ex.MOMENTUM_FACTOR, 1 / (1 - 0.9)).status == "pass"  # 9.999999999999998
    assert ex.diagnose(ex.SOFTMAX_COLUMN_SUM, 0.0).status == "pass"
    assert ex.diagnose(ex.SOFTMAX_COLUMN_SUM, None).code == "depends"
    r = ex.diagnose(ex.MOMENTUM_FACTOR, 12)
    assert r.code == "unknown" and r.hint.startswith("That is not it.") and "1/(1 - beta)" in r.hint
    r = ex.diagnose(ex.MOMENTUM_FACTOR, "ten")
    assert (r.status, r.code) == ("error", "form") and r.hint == "Write a number (e.g. 2 or 0.5). You wrote 'ten'."


class _Hostile:
    def __len__(self):
        raise RuntimeError("no length")

    def __iter__(self):
        raise RuntimeError("no iteration")

    def __repr__(self):
        raise RuntimeError("no repr")


ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=3)
    | st.just(...) | st.builds(_Hostile),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=2), inner,
                                                                                            max_size=2),
    max_leaves=6)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(["dW1_zeros", "gradient_length", "momentum_factor", "softmax_column_sum",
                            "smallest_gradient"]), value=ANY_VALUE)
def test_any_prediction_gets_a_verdict_in_words(key, value):
    r = ex.diagnose(ex.EXERCISES[key], value)
    assert r.status in ("pass", "wrong", "error", "not implemented")
    assert r.hint[:1].isupper() and r.message.endswith(r.hint)


# ---- the attack on the derivation checkers: random wrong answers, built from the right one and the mistakes ----

DERIVED_ARRAYS = ["gelu_prime", "weighted_bce_dZ", "softmax_backward"]
ATTACK_OPS = {
    "none": lambda r, args: r, "neg": lambda r, args: -r, "T": lambda r, args: r.T, "double": lambda r, args: 2 * r,
    "div_m": lambda r, args: r / r.shape[1], "times_m": lambda r, args: r * r.shape[1],
    "nan_one": lambda r, args: np.where(np.arange(r.size).reshape(r.shape) == 0, np.nan, r),
    "ravel": lambda r, args: r.ravel(), "sum0": lambda r, args: r.sum(axis=0, keepdims=True),
    "list": lambda r, args: r.tolist(), "float32": lambda r, args: r.astype(np.float32),
    "mutates": lambda r, args: args[0].__setitem__(..., 0.0) or r, "plus_input": lambda r, args: r + args[0],
}


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(DERIVED_ARRAYS), base=st.integers(0, 20), op=st.sampled_from(sorted(ATTACK_OPS)),
       seed=st.integers(0, 3), single=st.booleans())
def test_random_wrong_derivations_never_crash_and_never_get_a_wrong_hint(key, base, op, seed, single):
    exercise = ex.EXERCISES[key]
    answers = [exercise.correct] + [m.answer for m in exercise.mistakes]
    inner = answers[base % len(answers)]

    def answer(*args):
        return ATTACK_OPS[op](np.asarray(inner(*args)), args)

    result = ex.diagnose(exercise, answer, single=single, seed=seed)
    assert result.status in ("pass", "wrong", "error"), result
    assert result.hint[:1].isupper() and "Traceback" not in result.message
    named = [m for m in exercise.mistakes if m.code == result.code]
    if result.code == "pass":
        compare_with = [exercise.correct]
    elif named and result.status == "wrong":
        compare_with = [m.answer for m in named]
    else:
        return
    # On inputs the checker never saw, the answer behaves like what it was told it is.
    fresh = [exercise.make_inputs(d, np.random.default_rng(seed + 10)) for d in
             (dict(n=6, m=8, w1=2.0, w0=0.3), dict(n=6, m=6, w1=0.7, w0=1.9))]
    assert any(all(ex._agree(exercise, ex._run(exercise, answer, a), ex._run(exercise, other, a)) for a in fresh)
               for other in compare_with), (result, op)


# ---- the check_* functions and the show_* cells ----

def _imported_names(path):
    """The names a notebook imports from mlp_lessons.exercises."""
    nb = nbformat.read(path, as_version=4)
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and "mlp_lessons.exercises" in cell.source:
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.ImportFrom) and node.module == "mlp_lessons.exercises":
                    names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted(EXERCISE_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_name_a_notebook_imports_exists_with_a_docstring(path):
    names = _imported_names(path)
    assert names
    for name in names:
        assert callable(getattr(ex, name)) and getattr(ex, name).__doc__, name


def test_each_check_checks_its_exercise_and_takes_m_where_a_notebook_asks_for_one_example(capsys):
    assert {f"check_{key}" for key in ex.EXERCISES} - set(ex.CHECKS) == {f"check_{k}" for k in ex.CHECKED.values()}
    single = {e.key for entries in ex.NOTEBOOKS.values() for e in entries if e.single}
    for name in ex.CHECKS:
        fn, key = getattr(ex, name), ex.CHECKED.get(name, name[len("check_"):])
        assert fn.__name__ == name and key in ex.EXERCISES
        assert ("m" in inspect.signature(fn).parameters) == (key in single), name
    ex.check_dW(solutions.backprop_dW, m=1)
    assert ex._RESULTS.pop(("dW", True)).status == "pass" and capsys.readouterr().out.startswith("✔ ")


def test_show_momentum_prints_a_table_a_stub_or_the_error(capsys):
    ex.show_momentum(solutions.momentum_step)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("J(w) = 1/2 (w1^2 + 100 w2^2)") and "momentum (yours)" in out[1] and len(out) == 2 + 6
    ex.show_momentum(stub)
    out = capsys.readouterr().out.splitlines()
    assert "momentum (yours)" not in out[1] and out[-1].startswith("… momentum_step is not implemented yet")

    def broken(params, grads, velocity, lr, beta):
        raise KeyError("dW1")

    ex.show_momentum(broken)
    assert capsys.readouterr().out == "✘ running your momentum_step raised KeyError: 'dW1'\n"


def test_show_grad_check_prints_each_error_a_stub_or_the_error(capsys):
    ex.show_grad_check(solutions.grad_check, solutions.backward)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Your grad_check on your backward") and len(out) == 1 + 4
    assert all(float(line.split()[-1]) < 1e-7 for line in out[1:])
    ex.show_grad_check(stub, solutions.backward)
    assert capsys.readouterr().out == "… grad_check or backward is not implemented yet.\n"
    ex.show_grad_check(solutions.grad_check, lambda *args: 1 / 0)
    assert capsys.readouterr().out.startswith("✘ running your grad_check on your backward raised ZeroDivisionError")


# ---- after lesson 6: the factor of each step back, the smallest signal, dead ReLUs ----

def _factors_by_hand(A, Z, W, phi_prime):
    """As a student writes it: a loop and a list."""
    out = []
    for l in range(1, len(W)):
        out.append(np.linalg.norm(W[l + 1]) / np.sqrt(W[l + 1].shape[0]) * np.sqrt(np.mean(phi_prime[l](Z[l]) ** 2)))
    return out


def _factors_no_phi(A, Z, W, phi_prime):
    return [np.linalg.norm(W[l + 1]) / np.sqrt(len(W[l + 1])) for l in range(1, len(W))]


def _factors_forward_spread(A, Z, W, phi_prime):
    return np.array([np.linalg.norm(A[l]) / np.linalg.norm(A[l + 1]) for l in range(1, len(W))])


def _factors_std_spread(A, Z, W, phi_prime):
    """Lesson 4's activation_spread, np.std of a[l], as a ratio from layer to layer."""
    return np.array([np.std(A[l]) / np.std(A[l + 1]) for l in range(1, len(W))])


def _factors_std_spread_up(A, Z, W, phi_prime):
    spread = [np.std(A[l]) for l in range(len(A))]
    return [spread[l + 1] / spread[l] for l in range(1, len(W))]


def _factors_z_spread(A, Z, W, phi_prime):
    return np.array([np.linalg.norm(Z[l]) / np.linalg.norm(Z[l + 1]) for l in range(1, len(W))])


def _factors_z_spread_up(A, Z, W, phi_prime):
    return [np.sqrt(np.sum(Z[l + 1] ** 2)) / np.sqrt(np.sum(Z[l] ** 2)) for l in range(1, len(W))]


def _factors_std_of_phi_prime(A, Z, W, phi_prime):
    return np.array([np.linalg.norm(W[l + 1]) / np.sqrt(W[l + 1].shape[0]) * phi_prime[l](Z[l]).std()
                     for l in range(1, len(W))])


def _factors_rms_of_weights(A, Z, W, phi_prime):
    return [np.sqrt(np.mean(W[l + 1] ** 2)) * np.sqrt(np.mean(phi_prime[l](Z[l]) ** 2)) for l in range(1, len(W))]


def _factors_std_of_weights(A, Z, W, phi_prime):
    return np.array([W[l + 1].std() * np.sqrt(np.mean(np.square(phi_prime[l](Z[l])))) for l in range(1, len(W))])


def _factors_of_the_step_up(A, Z, W, phi_prime):
    out = []
    for l in range(1, len(W)):
        n_l = W[l + 1].shape[1]
        out.append(np.linalg.norm(W[l + 1]) / np.sqrt(n_l) * np.sqrt(np.mean(phi_prime[l + 1](Z[l + 1]) ** 2)))
    return np.array(out)


def _factors_up(A, Z, W, phi_prime):
    return [1 / f for f in _factors_by_hand(A, Z, W, phi_prime)]


def _factors_in_place(A, Z, W, phi_prime):
    for l in Z:
        Z[l] *= 1.0 + (l == 1)
    return solutions.backward_factors(A, Z, W, phi_prime)


def _dead_any(A):
    hidden = [A[l] for l in range(1, len(A) - 1)]
    return sum(int((a == 0).any(axis=1).sum()) for a in hidden) / sum(a.shape[0] for a in hidden)


def _dead_rows_of_transpose(A):
    hidden = [A[l].T for l in range(1, len(A) - 1)]
    return float(np.mean(np.concatenate([(a == 0).all(axis=1) for a in hidden])))


def _dead_on_most_examples(A):
    """Zero on more than 90% of the examples."""
    hidden = [A[l] for l in range(1, len(A) - 1)]
    return float(np.mean(np.concatenate([np.mean(a == 0, axis=1) > 0.9 for a in hidden])))


def _dead_on_half_the_examples(A):
    dead = total = 0
    for l in range(1, len(A) - 1):
        m = A[l].shape[1]
        dead += int(np.sum(np.sum(A[l] == 0, axis=1) >= m / 2))
        total += A[l].shape[0]
    return dead / total


def _dead_if_rarely_on(A):
    hidden = [A[l] for l in range(1, len(A) - 1)]
    return np.mean(np.concatenate([(a > 0).mean(axis=1) < 0.05 for a in hidden]))


def _dead_with_input_and_output(A):
    return float(np.mean(np.concatenate([np.all(A[l] == 0, axis=1) for l in A])))


def _dead_in_place(A):
    for l in A:
        A[l][A[l] == 0] = -1.0
    return float(np.mean(np.concatenate([(A[l] < 0).all(axis=1) for l in range(1, len(A) - 1)])))


@pytest.mark.parametrize("key, answer, code", [
    ("backward_factors", _factors_by_hand, "pass"),
    ("backward_factors", _factors_no_phi, "no_phi_prime"),
    ("backward_factors", _factors_forward_spread, "forward_spread"),
    ("backward_factors", _factors_std_spread, "forward_spread"),
    ("backward_factors", _factors_std_spread_up, "forward_spread"),
    ("backward_factors", _factors_z_spread, "forward_spread_of_z"),
    ("backward_factors", _factors_z_spread_up, "forward_spread_of_z"),
    ("backward_factors", _factors_std_of_phi_prime, "std_phi_prime"),
    ("backward_factors", _factors_rms_of_weights, "weight_size"),
    ("backward_factors", _factors_std_of_weights, "weight_size"),
    ("backward_factors", _factors_of_the_step_up, "forward_factor"),
    ("backward_factors", _factors_up, "inverted"),
    ("backward_factors", _factors_in_place, "unknown"),
    ("dead_share", _dead_any, "any"),
    ("dead_share", _dead_on_most_examples, "most_examples"),
    ("dead_share", _dead_on_half_the_examples, "most_examples"),
    ("dead_share", _dead_if_rarely_on, "most_examples"),
    ("dead_share", _dead_with_input_and_output, "with_input_and_output"),
    ("dead_share", _dead_rows_of_transpose, "examples_axis"),
    ("dead_share", _dead_in_place, "unknown"),
    ("dead_share", lambda A: np.mean([np.all(A[l] == 0, axis=1).mean() for l in range(1, len(A) - 1)]),
     "mean_of_layer_shares"),
], ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", "lambda"))
def test_backward_signal_mistakes_written_as_a_student_would(key, answer, code):
    result = ex.diagnose(ex.EXERCISES[key], answer)
    assert result.code == code, result
    if code not in ("pass", "unknown"):
        assert result.hint.endswith(next(m.hint for m in ex.MISTAKES[key] if m.code == code))
    if code == "unknown":  # changed its argument: said as such, with which one
        assert result.hint.startswith("Your function changed its argument `")


def test_units_off_on_some_examples_are_right_for_one_example_and_wrong_for_a_batch():
    r = ex.diagnose(ex.DEAD_SHARE, _dead_any)
    assert r.message.endswith("It is right for one example (m = 1), but not for a batch of m = 40: "
                              + ex.MISTAKES["dead_share"][0].hint)


def _dead_by_loops(A):
    dead = units = 0
    for l in range(1, len(A) - 1):
        for row in A[l]:
            units += 1
            dead += all(x <= 0 for x in row)
    return dead / units


@pytest.mark.parametrize("answer", [
    _dead_by_loops,
    lambda A: sum(np.sum(np.max(A[l], axis=1) == 0) for l in range(1, len(A) - 1)) / sum(
        A[l].shape[0] for l in range(1, len(A) - 1)),
    lambda A: np.float32(np.mean(np.concatenate([np.all(np.isclose(A[l], 0), axis=1) for l in range(1, len(A) - 1)]))),
    lambda A: np.mean([bool(np.all(u <= 0)) for l in range(1, len(A) - 1) for u in A[l]]),
    lambda A: float(np.mean(np.concatenate([~np.any(A[l] > 0, axis=1) for l in list(A)[1:-1]]))),
    lambda A: np.float32(sum(int((A[l] == 0).sum(axis=1).tolist().count(A[l].shape[1])) for l in range(1, len(A) - 1))
                         / sum(len(A[l]) for l in range(1, len(A) - 1))),
], ids=["loops", "max_sum_over_size", "isclose_float32", "list_le_0", "not_any_on", "counts"])
def test_dead_share_written_in_other_right_ways_passes(answer):
    assert ex.diagnose(ex.DEAD_SHARE, answer).status == "pass"
    assert ex.diagnose(ex.DEAD_SHARE, answer, single=True).status == "pass"


@pytest.mark.parametrize("answer", [
    lambda A, Z, W, pp: np.array([np.sqrt(np.sum(W[l + 1] ** 2) / len(W[l + 1])) * np.sqrt(
        np.sum(pp[l](Z[l]) ** 2) / pp[l](Z[l]).size) for l in range(1, len(W))], dtype=np.float32),
    lambda A, Z, W, pp: [float(np.linalg.norm(W[l + 1]) / len(W[l + 1]) ** 0.5 * np.linalg.norm(pp[l](Z[l]))
                               / np.sqrt(Z[l].size)) for l in range(1, len(W))],
], ids=["sum_over_size_float32", "norms_list"])
def test_backward_factors_written_in_other_right_ways_passes(answer):
    assert ex.diagnose(ex.BACKWARD_FACTORS, answer).status == "pass"


def test_units_on_for_one_example_only_are_alive_whatever_share_of_most_examples_is_taken():
    A, = ex.DEAD_SHARE.make_inputs(ex.DEAD_SHARE.probes[0], np.random.default_rng(0))
    off = np.concatenate([np.mean(A[l] == 0, axis=1) for l in range(1, len(A) - 1)])
    assert A[1].shape[1] >= 20 and np.sum(off == 1 - 1 / A[1].shape[1]) >= 3
    most = next(m for m in ex.MISTAKES["dead_share"] if m.code == "most_examples").hint
    for share in (0.5, 0.6, 0.75, 0.8, 0.9, 0.95):
        for above in (np.greater, np.greater_equal):
            r = ex.diagnose(ex.DEAD_SHARE, lambda A, above=above, share=share: float(np.mean(np.concatenate(
                [above(np.mean(A[l] == 0, axis=1), share) for l in range(1, len(A) - 1)]))))
            assert (r.code, r.message.endswith(
                f"It is right for one example (m = 1), but not for a batch of m = 40: {most}")) == ("most_examples", True)


def test_the_numbers_of_the_smallest_signal_are_those_of_signal_net():
    from mlp_lessons.exercises import backward_signal as bs

    params, X, Y, activations = ex.signal_net()
    A, Z, W, phi_prime = ex.layer_dicts(params, X, activations)
    factors = solutions.backward_factors(A, Z, W, phi_prime)
    predicted = np.cumprod(factors[::-1])[::-1]
    assert int(np.argmin(predicted)) + 1 == bs.RIGHT_LAYER == solutions.predicted_smallest[0]
    assert f"{predicted.min():.3g}" == f"{bs.RIGHT_RATIO:.3g}" == str(solutions.predicted_smallest[1])
    top_down = ", ".join(f"{f:.3g}" for f in factors[::-1][:4])
    assert f"from layer 7 down: {top_down}" in bs.SMALLEST_WHY
    W_only = np.cumprod([np.linalg.norm(W[l + 1]) / np.sqrt(len(W[l + 1])) for l in range(6, 0, -1)])[::-1]
    assert int(np.argmin(W_only)) + 1 == 3 and abs(W_only[2] / 0.52 - 1) < 0.02
    assert abs(predicted[0] / 0.52 - 1) < 0.02 and abs(factors.min() / 0.306 - 1) < 0.01
    # the package's backward pass, one example at a time (dJ/db = dJ/dz for one example)
    AL, caches = ml.forward(params, X, activations)
    dAL = ml.half_squared_error(AL, Y)[1]
    squares = sum(np.array([np.sum(g ** 2) for name, g in sorted(ml.backward(
        params, ml.forward(params, X[:, [i]], activations)[1], dAL[:, [i]], activations).items(),
        key=lambda kv: int(kv[0][2:])) if name.startswith("db")]) for i in range(X.shape[1]))
    measured = np.sqrt(squares) / np.sqrt(squares[-1])
    assert int(np.argmin(measured)) + 1 == 3 and f"{measured[2]:.2f}" == "0.12"
    assert ex.diagnose(ex.SMALLEST_GRADIENT, (3, round(float(measured[2]), 3))).status == "pass"
    assert ex.diagnose(ex.SMALLEST_GRADIENT, (3, float(predicted.min()))).status == "pass"


def test_the_smallest_signal_prediction_reads_what_students_write():
    for value in [(3, 0.136), [3, 0.13], (3, 0.12), (3, 1 / 8), (np.int64(3), np.float64(0.14)), (3.0, 0.136),
                  np.array([3, 0.136])]:
        assert ex.diagnose(ex.SMALLEST_GRADIENT, value).status == "pass", value
    for value, code in [((3, 0.5), "no_phi_prime"), ((1, 0.5), "layer_1"), ((3, 7.4), "inverted"),
                        ((2, 0.14), "counted_from_0"), ((5, 0.3), "smallest_step"), ((1, 0.125), "phi_only"),
                        ((3, 0.2), "unknown"), ((4, 0.136), "unknown")]:
        assert ex.diagnose(ex.SMALLEST_GRADIENT, value).code == code, value
    for value in [3, (3,), (0, 0.1), (8, 0.1), (3.5, 0.1), (3, -0.1), (3, 0), ("3", 0.1), (3, None), (True, 0.1),
                  (3, float("nan")), "(3, 0.1)"]:
        r = ex.diagnose(ex.SMALLEST_GRADIENT, value)
        assert (r.status, r.code) == ("error", "form") and r.hint.startswith(("Write a pair", "A ratio")), value


BROKEN = {  # what a student's function may return or do, from the right answer r and its arguments
    "nan": lambda r, args: np.full(np.shape(r), np.nan), "none": lambda r, args: None,
    "scalar_of_array": lambda r, args: float(np.sum(r)), "array_of_scalar": lambda r, args: np.atleast_1d(r) * [1, 1],
    "column": lambda r, args: np.reshape(r, (-1, 1)), "list": lambda r, args: np.asarray(r).tolist(),
    "inf": lambda r, args: np.asarray(r) * np.inf, "string": lambda r, args: str(r),
    "mutates": lambda r, args: args[0].__setitem__(max(args[0]), args[0][max(args[0])] * 0) or r,
    "pops": lambda r, args: args[0].pop(0) is None or r, "double": lambda r, args: 2 * np.asarray(r),
    "float32": lambda r, args: np.asarray(r, dtype=np.float32), "raises": lambda r, args: 1 / 0,
}


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(["backward_factors", "dead_share"]), base=st.integers(0, 16),
       op=st.sampled_from(sorted(BROKEN)), seed=st.integers(0, 3))
def test_random_broken_backward_signal_answers_never_crash_and_never_get_a_wrong_hint(key, base, op, seed):
    exercise = ex.EXERCISES[key]
    answers = [exercise.correct] + [m.answer for m in exercise.mistakes]
    inner = answers[base % len(answers)]

    def answer(*args):
        return BROKEN[op](inner(*args), args)

    result = ex.diagnose(exercise, answer, seed=seed)
    assert result.status in ("pass", "wrong", "error"), result
    assert result.hint[:1].isupper() and result.message.endswith(result.hint) and "Traceback" not in result.message
    named = [m.answer for m in exercise.mistakes if m.code == result.code]
    if result.code == "pass":
        assert op in ("list", "float32", "array_of_scalar", "column") or inner is exercise.correct, (op, result)
        named = [exercise.correct]
    if not named or result.status != "wrong":
        return
    fresh = [exercise.make_inputs(d, np.random.default_rng(seed + 10)) for d in
             (dict(sizes=[5, 8, 6, 7, 3], m=9, activations=["relu", "sigmoid", "tanh"]),
              dict(sizes=[4, 9, 5, 2], m=1, activations=["tanh", "relu"]))]
    assert any(all(ex._agree(exercise, ex._run(exercise, answer, a), ex._run(exercise, other, a)) for a in fresh)
               for other in named), (result, op)


def test_the_factor_check_on_one_example_and_on_odd_arguments():
    assert ex.diagnose(ex.BACKWARD_FACTORS, solutions.backward_factors, single=True).status == "pass"
    assert ex.diagnose(ex.DEAD_SHARE, solutions.dead_share, single=True).status == "pass"
    for answer in [None, 42, "backward_factors", solutions.backward_factors(*ex.BACKWARD_FACTORS.make_inputs(
            ex.BACKWARD_FACTORS.probes[0], np.random.default_rng(0)))]:
        r = ex.diagnose(ex.BACKWARD_FACTORS, answer)
        assert r.code == "not_callable" and r.hint.startswith("Pass the function itself")
    r = ex.diagnose(ex.DEAD_SHARE, lambda A: None)
    assert r.code == "returned_none"
