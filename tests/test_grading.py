"""Grading a class: a generated folder of submissions, graded by `python -m mlp_lessons.grading`.

The class: one correct notebook per exercise notebook; notebooks whose exercises make the
catalogued mistakes (every entry of every exercise's table, except the full backward pass's
entries taken over from the four single-equation checks, which the catalogue test runs);
an infinite loop, a syntax error, a deleted check cell, a kernel that dies, a notebook that
tries to leak into the others, another version, an unstamped old version, a broken notebook,
a lesson notebook and files that are not notebooks.

    python tests/test_grading.py FOLDER [--small]    writes the class to FOLDER (to time it by hand)
"""

from __future__ import annotations

import ast
import csv
import hashlib
import inspect
import io
import json
import os
import sys
import time
from pathlib import Path

import nbformat
import pytest

from mlp_lessons import exercises as ex
from mlp_lessons import grading

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_DIR = ROOT / "notebooks" / "exercises"
sys.path.insert(0, str(EXERCISE_DIR))
import solutions  # noqa: E402

TIMEOUT = 20  # the train check alone takes about 2 s (its moons run calls back 390 times); room for a loaded machine
DERIVED = {f"{key}.{m.code}" for key, piece in [("dZ", ex.DZ), ("dW", ex.DW), ("db", ex.DB), ("dA_prev", ex.DA_PREV)]
           for m in piece.mistakes}


def _solution_source(function: str, own: set) -> str:
    """The reference solution's source, with the solutions it calls that this notebook does not define.

    A prediction is a value: `name = value`, as a student writes it."""
    fn = getattr(solutions, function)
    if not callable(fn):
        return f"{function} = {fn!r}\n"
    called = {n.id for n in ast.walk(ast.parse(inspect.getsource(fn))) if isinstance(n, ast.Name)}
    helpers = [name for name in sorted(called - own - {function})
               if inspect.isfunction(getattr(solutions, name, None))]
    return "\n\n".join([inspect.getsource(getattr(solutions, h)) for h in helpers] + [inspect.getsource(fn)])


def _mistake_source(entry, index: int) -> str:
    if entry.prediction:  # the wrong value itself
        return f"from mlp_lessons.exercises import MISTAKES\n\n{entry.function} = MISTAKES[{entry.key!r}][{index}].answer\n"
    return (f"from mlp_lessons.exercises import MISTAKES\n\n\ndef {entry.function}(*args):\n"
            f"    return MISTAKES[{entry.key!r}][{index}].answer(*args)\n")


def _submission(notebook: str, sources: dict):
    """The exercise notebook with each exercise cell's source replaced by sources[function] (if given)."""
    nb = nbformat.read(EXERCISE_DIR / f"{notebook}.ipynb", as_version=4)
    for cell in nb.cells:
        if "exercise" in cell.metadata.get("tags", []):
            first = cell.source.splitlines()[0]
            function = first.split("def ", 1)[1].split("(", 1)[0] if first.startswith("def ") else first.split(" =")[0]
            if function in sources:
                cell.source = sources[function]
    return nb


def correct_sources(notebook: str) -> dict:
    own = {e.function for e in ex.NOTEBOOKS[notebook]}
    return {e.function: _solution_source(e.function, own) for e in ex.NOTEBOOKS[notebook]}


def make_class(folder: Path, small: bool = False) -> dict:
    """Write the class into folder; returns {file name: what the grader must find}.

    small=True: about 30 notebooks (two of each exercise's mistakes and the special cases);
    otherwise every catalogued mistake is made by some notebook.
    """
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}

    def write(name, nb, expect):
        nbformat.write(nb, folder / name)
        expected[name] = expect

    for notebook, entries in ex.NOTEBOOKS.items():
        write(f"correct_{notebook}.ipynb", _submission(notebook, correct_sources(notebook)), "correct")
        tables = {e.function: [i for i, m in enumerate(ex.MISTAKES[e.key]) if m.code not in DERIVED] for e in entries}
        count = 2 if small else max(len(t) for t in tables.values())
        for k in range(count):
            chosen = {e.function: tables[e.function][k % len(tables[e.function])] for e in entries}
            if small:
                chosen = {f: tables[f][(k + j) % len(tables[f])] for j, f in enumerate(tables)}
            sources = {e.function: _mistake_source(e, chosen[e.function]) for e in entries}
            write(f"mistakes{k:02d}_{notebook}.ipynb", _submission(notebook, sources), ("mistakes", chosen))
    # the issue's mistakes, written as a student would
    issue = correct_sources("03_batching_exercises")
    issue["half_squared_error"] = ("def half_squared_error(AL, Y):\n    J = np.sum((AL - Y) ** 2) / (2 * len(AL))\n"
                                   "    return J, (AL - Y) / AL.shape[1]")
    issue["backprop_db"] = "def backprop_db(dZ):\n    return np.mean(dZ, axis=1, keepdims=True)"
    write("issue_03_batching_exercises.ipynb", _submission("03_batching_exercises", issue),
          ("codes", {"half_squared_error": "J_divided_by_rows", "backprop_db": "extra_1_over_m",
                     "backprop_dW": "pass", "backward": "db.extra_1_over_m"}))  # backward calls backprop_db

    sources = correct_sources("05_training_exercises")
    sources["train"] = "def train(params, X, Y, step, epochs, batch_size, seed):\n    while True:\n        pass"
    write("infinite_loop_05_training_exercises.ipynb", _submission("05_training_exercises", sources), "infinite loop")

    sources = correct_sources("01_forward_prop_exercises")
    sources["linear_forward"] = "def linear_forward(W, A_prev, b):\n    return W @ A_prev +"
    write("syntax_error_01_forward_prop_exercises.ipynb", _submission("01_forward_prop_exercises", sources),
          "syntax error")

    nb = _submission("03_batching_exercises", correct_sources("03_batching_exercises"))
    nb.cells = [c for c in nb.cells if not c.source.startswith("check_dW(")]
    write("deleted_check_03_batching_exercises.ipynb", nb, "deleted check")

    # softmax done, the other two left as handed out: they still raise NotImplementedError
    sources = {"softmax": correct_sources("08_softmax_exercises")["softmax"]}
    write("half_done_08_softmax_exercises.ipynb", _submission("08_softmax_exercises", sources), "half done")

    sources = correct_sources("08_softmax_exercises")
    sources["softmax"] = "import os\nos._exit(3)\n\n" + sources["softmax"]
    write("kernel_dies_08_softmax_exercises.ipynb", _submission("08_softmax_exercises", sources), "kernel dies")

    nb = _submission("02_backprop_exercises", correct_sources("02_backprop_exercises"))
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import os, IPython\n"
        "startup = os.path.join(IPython.paths.get_ipython_dir(), 'profile_default', 'startup')\n"
        "os.makedirs(startup, exist_ok=True)\n"
        "with open(os.path.join(startup, '00-spoil.py'), 'w') as f:\n"
        "    f.write('import numpy\\nnumpy.sum = None\\n')\n"
        "open('leak.txt', 'w').write('x')\n"
        "open(os.path.expanduser('~/leak_home.txt'), 'w').write('x')"))
    write("aaa_leaks_02_backprop_exercises.ipynb", nb, "correct")

    nb = _submission("01_forward_prop_exercises", correct_sources("01_forward_prop_exercises"))
    nb.metadata["mlp_lessons"]["version"] = "0123456789"
    write("other_version_01_forward_prop_exercises.ipynb", nb, "another version")
    nb = _submission("01_forward_prop_exercises", correct_sources("01_forward_prop_exercises"))
    del nb.metadata["mlp_lessons"]
    write("unstamped_01_forward_prop_exercises.ipynb", nb, "another version")

    lesson = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('a lesson')")])
    write("a_lesson.ipynb", lesson, "not an exercise notebook")
    (folder / "broken.ipynb").write_text("{ this is not json")
    expected["broken.ipynb"] = "not a notebook"
    (folder / "notes.txt").write_text("the student's notes")
    expected["notes.txt"] = "not a notebook"
    return expected


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    expected = make_class(folder)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = tmp_path_factory.mktemp("teacher") / "grades.csv"
    home_leak = Path.home() / "leak_home.txt"
    assert not home_leak.exists()
    stream = io.StringIO()
    start = time.perf_counter()
    rows = grading.grade(folder, out, timeout=TIMEOUT, stream=stream)
    seconds = time.perf_counter() - start
    print(f"\ngraded {len(expected)} files in {seconds:.1f} s")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    return dict(folder=folder, expected=expected, rows=rows, out=out, printed=stream.getvalue(), before=before,
                after=after, home_leak=home_leak.exists())


def rows_of(graded, name):
    return {r.exercise: r for r in graded["rows"] if r.student == name}


def test_the_class_has_every_case_and_every_catalogued_mistake(graded):
    expected = graded["expected"]
    assert len(expected) >= 30
    made = {(nb, f, i) for name, e in expected.items() if isinstance(e, tuple) and e[0] == "mistakes"
            for nb in [name.split("_", 1)[1][:-6]] for f, i in e[1].items()}
    for notebook, entries in ex.NOTEBOOKS.items():
        for e in entries:
            for i, m in enumerate(ex.MISTAKES[e.key]):
                if m.code not in DERIVED:
                    assert (notebook, e.function, i) in made, (notebook, e.function, m.code)


def test_the_csv_has_one_row_per_notebook_and_exercise(graded):
    with graded["out"].open(newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == list(grading.Row._fields)
    assert len(table) == len(graded["rows"])
    for name, expect in graded["expected"].items():
        mine = [r for r in table if r["student"] == name]
        if expect in ("not a notebook", "not an exercise notebook", "another version"):
            continue
        notebook = next(nb for nb in ex.NOTEBOOKS if name.endswith(nb + ".ipynb"))
        assert [r["exercise"] for r in mine] == [e.function for e in ex.NOTEBOOKS[notebook]], name


def test_correct_notebooks_pass_everything(graded):
    for name, expect in graded["expected"].items():
        if expect == "correct":
            rows = rows_of(graded, name)
            assert rows and all(r.passed == "yes" and r.code == "pass" for r in rows.values()), rows


def test_each_mistake_gets_exactly_the_hint_the_check_gives_in_a_notebook(graded):
    for name, expect in graded["expected"].items():
        if not (isinstance(expect, tuple) and expect[0] == "mistakes"):
            continue
        notebook = name.split("_", 1)[1][:-len(".ipynb")]
        rows = rows_of(graded, name)
        for e in ex.NOTEBOOKS[notebook]:
            mistake = ex.MISTAKES[e.key][expect[1][e.function]]
            want = ex.diagnose(ex.EXERCISES[e.key], mistake.answer, single=e.single)
            row = rows[e.function]
            assert (row.status, row.code, row.hint) == (want.status, want.code, want.hint), (name, row)
            assert row.code == mistake.code and mistake.hint in row.hint, (name, row)
            assert row.passed == ("yes" if want.status == "pass" else "no")


def test_the_issues_mistakes_written_by_a_student(graded):
    expect = graded["expected"]["issue_03_batching_exercises.ipynb"]
    rows = rows_of(graded, "issue_03_batching_exercises.ipynb")
    assert {f: r.code for f, r in rows.items()} == expect[1]


def test_an_infinite_loop_is_interrupted_and_recorded(graded):
    rows = rows_of(graded, "infinite_loop_05_training_exercises.ipynb")
    assert rows["train"].status == "timed out" and rows["train"].passed == "no"
    assert rows["train"].hint.startswith(f"The check did not finish within {TIMEOUT} s")
    assert rows["sigmoid_cross_entropy"].passed == rows["update"].passed == "yes"


def test_a_syntax_error_is_recorded_and_the_rest_graded(graded):
    rows = rows_of(graded, "syntax_error_01_forward_prop_exercises.ipynb")
    assert rows["linear_forward"].passed == "no"
    assert rows["linear_forward"].hint.startswith("The function `linear_forward` is not defined: its cell raised "
                                                  "SyntaxError")
    for later in ("layer_forward", "forward"):  # they call the student's linear_forward
        assert rows[later].passed == "no" and "NameError: name 'linear_forward' is not defined" in rows[later].hint


def test_a_deleted_check_cell_is_noted_and_graded_all_the_same(graded):
    rows = rows_of(graded, "deleted_check_03_batching_exercises.ipynb")
    assert all(r.passed == "yes" for r in rows.values())
    assert rows["backprop_dW"].note.startswith("its check cell was deleted")
    assert not rows["backprop_db"].note


def test_a_kernel_that_dies_is_recorded(graded):
    rows = rows_of(graded, "kernel_dies_08_softmax_exercises.ipynb")
    assert all(r.passed == "" and r.status == "not graded" and "Python ended" in r.hint for r in rows.values()), rows
    assert all(r.hint.endswith("in cell 5 (`import os`).") for r in rows.values()), rows


def test_an_exercise_not_implemented_has_its_own_mark_and_count(graded):
    rows = rows_of(graded, "half_done_08_softmax_exercises.ipynb")
    assert rows["softmax"].passed == "yes"
    for f in ("softmax_cross_entropy", "predict_labels"):
        assert (rows[f].passed, rows[f].status, rows[f].code) == ("no", "not implemented", "not_implemented"), rows[f]
    printed = graded["printed"]
    assert printed.splitlines()[0].startswith("Each notebook ran in a sandbox (bubblewrap)")
    assert printed.splitlines()[2] == "✔ passed  ✘ wrong or error  … not implemented  ⏱ timed out  - not graded"
    row = next(line for line in printed.splitlines() if line.startswith("  half_done_08_softmax_exercises"))
    assert row.split()[1:] == ["✔", "…", "…"]
    assert "…" not in "".join(line for line in printed.splitlines() if line.startswith("  mistakes"))
    summary = printed.split("Class summary", 1)[1]
    counts = summary.split("08_softmax_exercises:", 1)[1].splitlines()
    assert counts[1] == "    not implemented: softmax_cross_entropy 1, predict_labels 1", counts
    assert "not implemented yet" not in summary  # a stub is not among the mistakes


def test_files_that_are_not_exercise_notebooks_are_reported(graded):
    for name, expect in graded["expected"].items():
        if expect in ("not a notebook", "not an exercise notebook", "another version"):
            (row,) = [r for r in graded["rows"] if r.student == name]
            assert row.exercise == "" and row.status == "not graded" and row.passed == ""
            assert expect.split()[-1] in row.hint, row
    (row,) = [r for r in graded["rows"] if r.student == "other_version_01_forward_prop_exercises.ipynb"]
    assert "Saved from another version of 01_forward_prop_exercises" in row.hint
    assert "Not graded:" in graded["printed"] and "notes.txt: Not a notebook" in graded["printed"]


def test_no_notebook_changes_another_or_the_teachers_files(graded):
    assert graded["before"] == graded["after"]  # no new file, no file changed in the submissions folder
    assert not graded["home_leak"]
    correct = [name for name, e in graded["expected"].items() if e == "correct" and not name.startswith("aaa")]
    assert all(all(r.passed == "yes" for r in rows_of(graded, name).values()) for name in correct)


def test_the_printout_has_a_table_per_notebook_and_a_class_summary(graded):
    printed = graded["printed"]
    for notebook, entries in ex.NOTEBOOKS.items():
        assert notebook in printed
        lines = printed.splitlines()
        title = next(i for i, line in enumerate(lines) if line.startswith(f"{notebook} ("))
        assert lines[title + 1].split() == ["student", *(e.function for e in entries)]
    summary = printed.split("Class summary", 1)[1]
    n = sum(1 for e in graded["expected"] if e.endswith("05_training_exercises.ipynb"))
    assert f"sigmoid_cross_entropy " in summary and "passed" in summary
    assert "Most common mistakes (by hint):" in summary
    top = summary.split("Most common mistakes (by hint):", 1)[1].strip().splitlines()[0]
    assert " x  " in top and n > 0
    assert "⏱" in printed and "✔" in printed and "✘" in printed


def test_the_command_line(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(_submission("08_softmax_exercises", correct_sources("08_softmax_exercises")), folder / "s.ipynb")
    (folder / "readme.md").write_text("hello")
    out = tmp_path / "grades.csv"
    assert grading.main([str(folder), "--out", str(out), "--timeout", "20", "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "08_softmax_exercises: softmax 1/1, softmax_cross_entropy 1/1, predict_labels 1/1 passed" in printed
    assert "readme.md: Not a notebook" in printed and out.exists()
    with pytest.raises(SystemExit, match="is not a folder"):
        grading.main([str(tmp_path / "nowhere")])



def test_notebooks_saved_under_their_old_names_are_still_graded(tmp_path):
    """Lesson 4 was split in two, so the exercise notebooks after it were renumbered; a student's
    notebook saved before that carries the old name in its stamp and its file name."""
    folder = tmp_path / "class"
    folder.mkdir()
    for old, new in ex.OLD_NAMES.items():
        nb = _submission(new, correct_sources(new))
        nb.metadata["mlp_lessons"]["exercises"] = old
        nbformat.write(nb, folder / f"{old}.ipynb")
    subs = [grading.identify(path, folder) for path in sorted(folder.iterdir())]
    assert {s.notebook for s in subs} == set(ex.OLD_NAMES.values())
    assert all(s.problem == "" for s in subs), [s.problem for s in subs]

def test_every_hint_in_the_csv_starts_with_a_capital_letter(graded):
    hints = [r.hint for r in graded["rows"] if r.hint]
    assert hints and all(h[0].isupper() for h in hints), [h for h in hints if not h[0].isupper()][:5]


def test_the_class_summary_lists_the_derivations_and_predictions_mistakes(graded):
    summary = graded["printed"].split("Most common mistakes (by hint):", 1)[1]
    assert "03_derivations_exercises: predicted_zeros 1/" in graded["printed"]
    assert "08_derivations_exercises: weighted_bce_dZ 1/" in graded["printed"]
    rows = [r for r in graded["rows"] if r.notebook.endswith("derivations_exercises") and r.passed == "no"]
    assert {r.exercise for r in rows} == {e.function for nb in ("03_derivations_exercises", "08_derivations_exercises")
                                          for e in ex.NOTEBOOKS[nb]}
    assert any(r.exercise == "predicted_column_sum" and r.code == "depends" for r in rows)  # None is an answer
    assert summary.strip()


def test_the_backward_signal_exercises_are_graded_with_each_hint(graded):
    notebook = "06_backward_signal_exercises"
    correct = rows_of(graded, f"correct_{notebook}.ipynb")
    assert {f: r.passed for f, r in correct.items()} == {e.function: "yes" for e in ex.NOTEBOOKS[notebook]}
    rows = [r for r in graded["rows"] if r.notebook == notebook and r.student.startswith("mistakes")]
    for e in ex.NOTEBOOKS[notebook]:
        for m in ex.MISTAKES[e.key]:
            assert any(r.exercise == e.function and r.code == m.code and r.hint.endswith(m.hint) for r in rows), m.code
    assert f"{notebook}: backward_factors 1/" in graded["printed"]


def test_predictions_left_blank_deleted_or_malformed_are_graded(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    sources = correct_sources("03_derivations_exercises")
    sources["predicted_factors"] = "predicted_factors = 'twice'  # your prediction"
    nb = _submission("03_derivations_exercises", sources)
    nb.cells = [c for c in nb.cells if not c.source.startswith("predicted_zeros =")]  # its cell deleted
    nbformat.write(nb, folder / "s.ipynb")
    nb = _submission("08_derivations_exercises", {})  # as handed out
    nbformat.write(nb, folder / "blank.ipynb")
    rows = grading.grade(folder, tmp_path / "grades.csv", timeout=20, jobs=2, stream=io.StringIO())
    mine = {r.exercise: r for r in rows if r.student == "s.ipynb"}
    assert mine["predicted_zeros"].hint == "The answer `predicted_zeros` is not defined: its exercise cell was deleted or renamed."
    assert (mine["predicted_factors"].status, mine["predicted_factors"].code) == ("error", "form")
    assert mine["predicted_factors"].hint.startswith("Write two numbers")
    assert mine["gelu_prime"].passed == mine["skip_backward"].passed == "yes"
    blank = {r.exercise: r for r in rows if r.student == "blank.ipynb"}
    assert all(r.status == "not implemented" for r in blank.values()), blank
    assert blank["predicted_step"].hint.startswith("Not answered yet")


if __name__ == "__main__":
    target = Path(sys.argv[1])
    made = make_class(target, small="--small" in sys.argv)
    print(json.dumps({"files": len(made)}))
    os.sys.exit(0)
