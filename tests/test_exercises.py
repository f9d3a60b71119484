"""The exercise checker against a catalogue of wrong answers: each gets its own hint, the right one passes."""

import ast
from pathlib import Path

import ipykernel.kernelspec
import nbformat
import numpy as np
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

import mlp_lessons as ml
from mlp_lessons import exercises as ex


def stub(*args):
    raise NotImplementedError


# (exercise key, the right answer, {mistake code: a typical wrong answer as a student would write it})
CATALOGUE = [
    ("linear_forward", lambda W, A_prev, b: W @ A_prev + b, {
        "forgot_b": lambda W, A_prev, b: W @ A_prev,
        "sign_b": lambda W, A_prev, b: W @ A_prev - b,
        "transposed_W": lambda W, A_prev, b: W.T @ A_prev + b,
        "transposed_result": lambda W, A_prev, b: A_prev.T @ W.T + b.T,
        "b_as_row": lambda W, A_prev, b: np.dot(W, A_prev) + b.reshape(1, -1),
        "elementwise": lambda W, A_prev, b: W * A_prev + b,
    }),
    ("layer_forward", lambda A_prev, W, b, phi: phi(W @ A_prev + b), {
        "forgot_phi": lambda A_prev, W, b, phi: W @ A_prev + b,
        "phi_on_input": lambda A_prev, W, b, phi: W @ phi(A_prev) + b,
        "b_after_phi": lambda A_prev, W, b, phi: phi(W @ A_prev) + b,
        "forgot_b": lambda A_prev, W, b, phi: phi(W @ A_prev),
        "transposed_W": lambda A_prev, W, b, phi: phi(W.T @ A_prev + b),
    }),
    ("dZ", lambda dA, Z, phi_prime: dA * phi_prime(Z), {
        "forgot_phi_prime": lambda dA, Z, phi_prime: dA,
        "forgot_dA": lambda dA, Z, phi_prime: phi_prime(Z),
        "sign": lambda dA, Z, phi_prime: -dA * phi_prime(Z),
        "divided": lambda dA, Z, phi_prime: dA / phi_prime(Z),
        "phi_prime_of_dA": lambda dA, Z, phi_prime: dA * phi_prime(dA),
        "matrix_product": lambda dA, Z, phi_prime: np.dot(dA, phi_prime(Z)),
    }),
    ("dW", lambda dZ, A_prev: dZ @ A_prev.T, {
        "transposed_result": lambda dZ, A_prev: A_prev @ dZ.T,
        "missing_transpose": lambda dZ, A_prev: np.dot(dZ, A_prev),
        "misplaced_transpose": lambda dZ, A_prev: dZ.T @ A_prev,
        "sign": lambda dZ, A_prev: -dZ @ A_prev.T,
        "extra_1_over_m": lambda dZ, A_prev: (dZ @ A_prev.T) / dZ.shape[1],
        "elementwise": lambda dZ, A_prev: dZ * A_prev,
    }),
    ("db", lambda dZ: np.sum(dZ, axis=1, keepdims=True), {
        "no_sum": lambda dZ: dZ,
        "wrong_axis": lambda dZ: np.sum(dZ, axis=0, keepdims=True),
        "forgot_keepdims": lambda dZ: np.sum(dZ, axis=1),
        "summed_everything": lambda dZ: dZ.sum(),
        "extra_1_over_m": lambda dZ: np.mean(dZ, axis=1, keepdims=True),
        "sign": lambda dZ: -np.sum(dZ, axis=1, keepdims=True),
    }),
    ("dA_prev", lambda W, dZ: W.T @ dZ, {
        "missing_transpose": lambda W, dZ: W @ dZ,
        "transposed_result": lambda W, dZ: dZ.T @ W,
        "misplaced_transpose": lambda W, dZ: dZ @ W,
        "sign": lambda W, dZ: -(W.T @ dZ),
        "extra_1_over_m": lambda W, dZ: W.T @ dZ / dZ.shape[1],
    }),
    ("loss", lambda AL, Y: (np.sum((AL - Y) ** 2) / (2 * AL.shape[1]), (AL - Y) / AL.shape[1]), {
        "J_forgot_1_over_m": lambda AL, Y: (np.sum((AL - Y) ** 2) / 2, (AL - Y) / AL.shape[1]),
        "dAL_forgot_1_over_m": lambda AL, Y: (np.sum((AL - Y) ** 2) / (2 * AL.shape[1]), AL - Y),
        "both_forgot_1_over_m": lambda AL, Y: (0.5 * np.sum((AL - Y) ** 2), AL - Y),
        "J_divided_by_all_entries": lambda AL, Y: (0.5 * np.mean((AL - Y) ** 2), (AL - Y) / AL.shape[1]),
        "J_forgot_half": lambda AL, Y: (np.sum((AL - Y) ** 2) / AL.shape[1], (AL - Y) / AL.shape[1]),
        "dAL_sign": lambda AL, Y: (np.sum((AL - Y) ** 2) / (2 * AL.shape[1]), (Y - AL) / AL.shape[1]),
    }),
]


def forward_right(params, X, activations):
    A = X
    for l in range(1, len(activations) + 1):
        A = ml.get_activation(activations[l - 1]).phi(params[f"W{l}"] @ A + params[f"b{l}"])
    return A


def forward_not_chained(params, X, activations):
    for l in range(1, len(activations) + 1):
        A = ml.get_activation(activations[l - 1]).phi(params[f"W{l}"] @ X + params[f"b{l}"])
    return A


def forward_last_linear(params, X, activations):
    A, L = X, len(activations)
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = Z if l == L else ml.get_activation(activations[l - 1]).phi(Z)
    return A


def forward_short(params, X, activations):
    A = X
    for l in range(1, len(activations)):
        A = ml.get_activation(activations[l - 1]).phi(params[f"W{l}"] @ A + params[f"b{l}"])
    return A


CATALOGUE.append(("forward", forward_right, {
    "not_chained": forward_not_chained,
    "last_layer_linear": forward_last_linear,
    "one_layer_short": forward_short,
    "same_activation": lambda params, X, acts: forward_right(params, X, [acts[0]] * len(acts)),
    "forgot_b": lambda params, X, acts: forward_right({k: 0 * v if k[0] == "b" else v
                                                       for k, v in params.items()}, X, acts),
}))


def make_backward(dW_of, with_phi_prime=True):
    def backward(dAL, A, Z, W, phi_prime):
        L = len(W)
        dW, db = {}, {}
        dA = dAL
        for l in range(L, 0, -1):
            dZ = dA * phi_prime[l](Z[l]) if with_phi_prime else dA
            dW[l] = dW_of(dZ, A, l)
            db[l] = np.sum(dZ, axis=1, keepdims=True)
            dA = W[l].T @ dZ
        return dW, db
    return backward


CATALOGUE.append(("backward", make_backward(lambda dZ, A, l: dZ @ A[l - 1].T), {
    "used_A_l": make_backward(lambda dZ, A, l: dZ @ A[l].T),
    "forgot_phi_prime": make_backward(lambda dZ, A, l: dZ @ A[l - 1].T, with_phi_prime=False),
    "sign": make_backward(lambda dZ, A, l: -dZ @ A[l - 1].T),
}))

CASES = [(key, code, wrong) for key, _, wrongs in CATALOGUE for code, wrong in wrongs.items()]


@pytest.mark.parametrize("key, right", [(key, right) for key, right, _ in CATALOGUE])
def test_the_right_answer_passes(key, right):
    result = ex.diagnose(ex.EXERCISES[key], right)
    assert result.status == "pass", result
    assert "correct" in result.message


@pytest.mark.parametrize("key, code, wrong", CASES, ids=[f"{k}-{c}" for k, c, _ in CASES])
def test_each_mistake_gets_its_own_hint(key, code, wrong):
    result = ex.diagnose(ex.EXERCISES[key], wrong)
    assert (result.status, result.code) == ("wrong", code), result
    hint = next(m.hint for m in ex.EXERCISES[key].mistakes if m.code == code)
    assert hint in result.message


@pytest.mark.parametrize("key", sorted(ex.EXERCISES))
def test_hints_within_an_exercise_are_distinct(key):
    hints = {}
    for m in ex.EXERCISES[key].mistakes:
        assert hints.setdefault(m.code, m.hint) == m.hint
    assert len(set(hints.values())) == len(hints)


@pytest.mark.parametrize("key", sorted(ex.EXERCISES))
def test_a_stub_is_not_implemented_yet_without_a_traceback(key, capsys):
    result = ex.diagnose(ex.EXERCISES[key], stub)
    assert result.status == "not implemented" and "not implemented yet" in result.message
    getattr(ex, "check_" + key if key != "loss" else "check_loss")(stub)
    out = capsys.readouterr()
    assert "not implemented yet" in out.out and "Traceback" not in out.out + out.err


def test_named_mistakes_in_words():
    """The hints that the issue asks for, in the words a student would understand."""
    words = {
        ("dW", "missing_transpose"): "transpose",
        ("dW", "transposed_result"): "transpose",
        ("dW", "misplaced_transpose"): "wrong place",
        ("dZ", "forgot_phi_prime"): "forgot phi'(z)",
        ("db", "wrong_axis"): "wrong axis",
        ("loss", "J_forgot_1_over_m"): "not divided by m",
        ("backward", "used_A_l"): "You used A[l]",
        ("dA_prev", "sign"): "sign error",
    }
    for (key, code), phrase in words.items():
        hint = next(m.hint for m in ex.EXERCISES[key].mistakes if m.code == code)
        assert phrase in hint, (key, code)


def test_forgetting_return_and_crashing_are_explained():
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: None)
    assert r.code == "returned_none" and "return" in r.message
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: dZ @ A_prev.T @ A_prev.T)
    assert r.status == "error" and "ValueError" in r.message and "transpose" in r.message
    r = ex.diagnose(ex.DW, 42)
    assert r.code == "not_callable"


def test_an_unknown_wrong_answer_gets_the_shapes():
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: np.zeros((2, 2)))
    assert r.code == "unknown" and "(3, 4)" in r.message and "(2, 2)" in r.message
    r = ex.diagnose(ex.DW, lambda dZ, A_prev: 2 * dZ @ A_prev.T)
    assert r.code == "unknown" and "shape is right but the values are not" in r.message
    r = ex.diagnose(ex.LOSS, lambda AL, Y: ((AL - Y) ** 2 / 2, (AL - Y) / AL.shape[1]))
    assert r.code == "unknown" and r.message.count("J: ") == 1 and "single number" in r.message


def test_single_example_forms_pass_with_m_1(capsys):
    ex.check_db(lambda dZ: dZ, m=1)
    ex.check_dW(lambda dZ, A_prev: dZ @ A_prev.T, m=1)
    ex.check_dZ(lambda dA, Z, phi_prime: dA * phi_prime(Z), m=1)
    ex.check_dA_prev(lambda W, dZ: W.T @ dZ, m=1)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and all(line.startswith("✔") for line in out), out
    ex.check_db(lambda dZ: dZ)  # the single-example answer fails once there are m = 5 examples
    assert "sum" in capsys.readouterr().out


def test_the_package_functions_pass_every_check():
    """The reference: the package's own boxed equations are right answers."""
    for key, fn in [("dZ", ml.backprop_dZ), ("dW", ml.backprop_dW), ("db", ml.backprop_db),
                    ("dA_prev", ml.backprop_dA_prev), ("linear_forward", ml.linear_forward),
                    ("loss", ml.half_squared_error)]:
        assert ex.diagnose(ex.EXERCISES[key], fn).status == "pass", key


def test_the_student_function_cannot_change_the_checker_inputs():
    def sneaky(dZ, A_prev):
        dZ[:] = 0
        return dZ @ A_prev.T
    assert ex.diagnose(ex.DW, sneaky).status == "wrong"


# ---- the exercise notebooks ----
EXERCISE_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "exercises"
NOTEBOOKS = sorted(EXERCISE_DIR.glob("*.ipynb"))


class CurrentEnvKernelSpecs(KernelSpecManager):
    """Run the notebooks on this interpreter (as nbval --nbval-current-env does), whatever kernels are installed."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict())


def is_exercise(cell):
    return cell.cell_type == "code" and "exercise" in cell.metadata.get("tags", [])


def is_check(cell):
    return cell.cell_type == "code" and cell.source.startswith("check_")


def defined_functions(cell):
    return [node.name for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)]


def run_with(path, replace):
    """Execute the notebook with each exercise cell's source replaced by replace(names); returns the check outputs."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if is_exercise(cell):
            cell.source = replace(defined_functions(cell))
    km = KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecs())
    NotebookClient(nb, km=km, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(cwd=str(path.parent))
    return ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells if is_check(cell)]


def test_there_are_three_exercise_notebooks_and_solutions():
    assert [p.name for p in NOTEBOOKS] == [
        "01_forward_prop_exercises.ipynb", "02_backprop_exercises.ipynb", "03_batching_exercises.ipynb"]
    assert (EXERCISE_DIR / "solutions.py").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_unfilled_every_check_says_not_implemented_yet(path):
    nb = nbformat.read(path, as_version=4)
    exercises = [c for c in nb.cells if is_exercise(c)]
    checks = [c for c in nb.cells if is_check(c)]
    assert exercises and len(checks) == len(exercises)
    for cell in exercises:
        assert "raise NotImplementedError" in cell.source and defined_functions(cell)
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "not implemented yet" in text, (path.name, cell.source)
    assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_with_the_reference_solutions_every_check_passes(path):
    outputs = run_with(path, lambda names: f"from solutions import {', '.join(names)}")
    assert outputs and all(text.startswith("✔") and "correct!" in text for text in outputs), outputs


def test_a_wrong_answer_does_not_stop_the_notebook():
    def buggy(names):
        return "\n".join(f"def {name}(*args):\n    return np.zeros((2, 2))" for name in names)

    outputs = run_with(EXERCISE_DIR / "02_backprop_exercises.ipynb", buggy)
    assert len(outputs) == 5 and all(text.startswith("✘") for text in outputs), outputs


def test_odd_answers_never_raise():
    class Weird:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no")

    for answer in [Weird(), "text", [1, [2, 3]], {"a": 1}, (1, 2, 3)]:
        for key in ("dW", "loss", "backward"):
            r = ex.diagnose(ex.EXERCISES[key], lambda *args, answer=answer: answer)
            assert r.status in ("wrong", "error"), (key, answer, r)
