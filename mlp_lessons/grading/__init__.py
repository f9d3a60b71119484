"""Grade a class: run every collected exercise notebook in its own fresh kernel and tabulate its checks.

    python run.py grade submissions/                   grades.csv in the current folder
    python run.py grade submissions/ --out week3.csv --timeout 30 --jobs 2

Each notebook found under the folder (subfolders too) is identified by the
stamp the exercise notebooks carry in their metadata.  It is copied into a
temporary folder of its own and run there in a fresh kernel (its HOME, IPython
and matplotlib settings in that folder too), cell by cell, skipping the cells
that only call the checks; then the grader runs each exercise's check itself on
the student's function, so a deleted or edited check cell changes nothing.  A
cell or a check that runs longer than the time limit is interrupted (an
infinite loop is recorded, and the run goes on); a kernel that does not stop
is killed.  Files that are not exercise notebooks, or were saved from another
version of an exercise, are reported as such.

Writes a CSV (one row per student notebook and exercise: passed, the hint the
check gave) and prints a table per notebook plus a class summary: how many
passed each exercise, and the most common mistakes by hint.
Sits at the top of the package, beside the exercises whose checks it runs.
A student's code runs with the teacher's permissions: the temporary folders
keep honest notebooks apart, but do not sandbox a hostile one.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from ..errors import plural
from ..exercises import NOTEBOOKS, current_name, notebook_version

KERNEL_START_ATTEMPTS = 3
TIMEOUT = 30  # seconds for one cell or one check; a training loop of the exercises needs about one
CHECK_CALLS = ("summary", "show_grad_check", "show_momentum")  # besides check_*: cells that only report, which the grader replaces


class Row(NamedTuple):
    student: str  # the file, relative to the submissions folder
    notebook: str  # which exercise notebook it is ("" when none)
    exercise: str  # the student's function ("" for a report about the whole file)
    passed: str  # "yes", "no", or "" when it was not graded
    status: str  # the check's status, or "timed out", "not graded", "not an exercise notebook", ...
    code: str  # the mistake's code
    hint: str  # what the check told the student
    note: str = ""  # anything else the teacher should know, e.g. a deleted check cell


# ---- kernels ----

def kernel_spec_manager():
    """Every kernel name resolves to ipykernel on this interpreter (as nbval --nbval-current-env does)."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager

    class CurrentEnvKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    return CurrentEnvKernelSpecs()


def isolated_env(folder: Path) -> dict:
    """The kernel's environment: its home, IPython profile and matplotlib cache inside its own folder."""
    env = dict(os.environ)
    env.update(HOME=str(folder), USERPROFILE=str(folder), IPYTHONDIR=str(folder / ".ipython"),
               MPLCONFIGDIR=str(folder / ".matplotlib"), JUPYTER_CONFIG_DIR=str(folder / ".jupyter"),
               PYTHONDONTWRITEBYTECODE="1")
    return env


# ---- what a file is ----

class Submission(NamedTuple):
    path: Path
    name: str  # relative to the folder
    nb: object  # the notebook, or None
    notebook: str  # the exercise notebook it is, or ""
    problem: str  # why it is not graded, or ""


def _functions(nb) -> set:
    """The names the notebook's code cells define: its functions, and the variables of its predictions."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            try:
                body = ast.parse(cell.source).body
            except SyntaxError:
                continue
            names |= {n.name for n in body if isinstance(n, ast.FunctionDef)}
            names |= {t.id for n in body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    return names


def identify(path: Path, folder: Path) -> Submission:
    import nbformat

    name = path.relative_to(folder).as_posix()
    if path.suffix != ".ipynb":
        return Submission(path, name, None, "", f"Not a notebook (a {path.suffix or 'file without extension'} file)")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:
        return Submission(path, name, None, "", f"Not a notebook: it could not be read as one ({type(e).__name__})")
    stamp = nb.metadata.get("mlp_lessons")
    if isinstance(stamp, dict) and isinstance(stamp.get("exercises"), str) and current_name(stamp["exercises"]) in NOTEBOOKS:
        notebook = current_name(stamp["exercises"])
        current = notebook_version(notebook)
        if stamp.get("version") != current:
            return Submission(path, name, nb, notebook, (
                f"Saved from another version of {notebook} (version {stamp.get('version')}; the current one is "
                f"{current}): its exercises have changed since. Ask for the answers in the current notebook."))
        return Submission(path, name, nb, notebook, "")
    defined = _functions(nb)
    for notebook, entries in NOTEBOOKS.items():
        if {e.function for e in entries} <= defined:
            return Submission(path, name, nb, notebook, (
                f"Saved from another version of {notebook} (it has no version stamp, so it predates the current "
                f"one). Ask for the answers in the current notebook."))
    return Submission(path, name, nb, "", "Not an exercise notebook of this course (no exercise stamp in it).")


def _only_reports(source: str) -> bool:
    """A cell whose every statement is a call of check_*, summary or show_grad_check."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Name)
        and (s.value.func.id.startswith("check_") or s.value.func.id in CHECK_CALLS) for s in body)


def _checked_functions(nb) -> set:
    """The functions that the notebook's check cells pass to a check."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and _only_reports(cell.source):
            for s in ast.parse(cell.source).body:
                if s.value.func.id.startswith("check_"):
                    names |= {a.id for a in s.value.args if isinstance(a, ast.Name)}
    return names


def _defining_cell(nb, function: str):
    """The cell that defines function: its `def` (or `name =`, for a prediction), or else an exercise cell that names it."""
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    found = next((i for i, c in code if f"def {function}(" in c.source
                  or any(line.startswith(f"{function} =") for line in c.source.splitlines())), None)
    if found is None:
        found = next((i for i, c in code if "exercise" in c.metadata.get("tags", []) and function in c.source), None)
    return found


# ---- running one notebook ----

class CellRun(NamedTuple):
    error: str  # "" or "Name: value"
    timed_out: bool
    stdout: str


async def _run_cells(sources: list, folder: Path, timeout: int) -> tuple[list, str]:
    """Run each source in one fresh kernel in folder; returns (one CellRun per source, a problem or "")."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    runs, problem = [], ""
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=kernel_spec_manager())
        client = NotebookClient(nb, km=km, timeout=timeout, interrupt_on_timeout=True, allow_errors=True,
                                kernel_name="python3", record_timing=False)
        await km.start_kernel(cwd=str(folder), env=isolated_env(folder), stderr=subprocess.DEVNULL,
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        try:
            await client.async_start_new_kernel_client()  # (it shuts the kernel down if this fails)
            break
        except RuntimeError:
            # "Kernel died before replying to kernel_info": seen while other test runs started
            # kernels on the same 2 cores. No student code has run yet: start another kernel.
            if attempt == KERNEL_START_ATTEMPTS:
                raise
    try:
        for index, cell in enumerate(nb.cells):
            start = time.monotonic()
            try:
                await asyncio.wait_for(client.async_execute_cell(cell, index), timeout + 15)
            except asyncio.TimeoutError:
                problem = f"the kernel did not stop after {timeout} s, even when interrupted, and was killed"
                break
            except DeadKernelError:
                problem = "the kernel died (the code ended Python, e.g. with os._exit, or ran out of memory)"
                break
            errors = [o for o in cell.outputs if o.output_type == "error"]
            error = f"{errors[0].ename}: {errors[0].evalue}" if errors else ""
            timed_out = time.monotonic() - start >= timeout and (not errors or errors[0].ename == "KeyboardInterrupt")
            stdout = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
            runs.append(CellRun(error, timed_out, stdout))
    finally:
        try:
            if client.kc is not None:
                client.kc.stop_channels()
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
        except Exception:  # a kernel that is already gone
            pass
    return runs, problem


def _grading_source(nonce: str, key: str, function: str, single: bool) -> str:
    return (f'print({nonce!r} + __import__("mlp_lessons.exercises", fromlist=["result_json"])'
            f'.result_json({key!r}, globals().get({function!r}), {single!r}, {function!r} in globals()))')


async def grade_notebook(sub: Submission, timeout: int = TIMEOUT) -> list:
    """The rows of one submission: one per exercise, or one that says why it was not graded."""
    if sub.problem:
        return [Row(sub.name, sub.notebook, "", "", "not graded", "", sub.problem)]
    entries = NOTEBOOKS[sub.notebook]
    student_cells = [(i, c.source) for i, c in enumerate(sub.nb.cells)
                     if c.cell_type == "code" and c.source.strip() and not _only_reports(c.source)]
    nonce = secrets.token_hex(8)
    sources = [s for _, s in student_cells] + [_grading_source(nonce, e.key, e.function, e.single) for e in entries]
    with tempfile.TemporaryDirectory(prefix="mlp_lessons_grade_") as tmp:
        folder = Path(tmp)
        shutil.copy(sub.path, folder / "submission.ipynb")
        runs, problem = await _run_cells(sources, folder, timeout)
    by_cell = {index: run for (index, _), run in zip(student_cells, runs)}
    checks = runs[len(student_cells):]
    checked = _checked_functions(sub.nb)
    rows = []
    for j, e in enumerate(entries):
        note = "" if e.function in checked else "its check cell was deleted or changed; graded all the same"
        if j >= len(checks):
            rows.append(Row(sub.name, sub.notebook, e.function, "", "not graded", "",
                            f"Not graded: {problem or 'the notebook stopped before this check'}.", note))
            continue
        run = checks[j]
        if run.timed_out:
            rows.append(Row(sub.name, sub.notebook, e.function, "no", "timed out", "timeout",
                            f"The check did not finish within {timeout} s: is there an infinite loop?", note))
            continue
        line = next((l for l in run.stdout.splitlines() if l.startswith(nonce)), None)
        if line is None:
            rows.append(Row(sub.name, sub.notebook, e.function, "no", "error", "grader",
                            f"The check could not run: {run.error or 'no result'}.", note))
            continue
        result = json.loads(line[len(nonce):])
        hint = result["hint"]
        if result["status"] == "missing":
            cell = _defining_cell(sub.nb, e.function)
            what = f"The {'answer' if e.prediction else 'function'} `{e.function}`"
            if cell is None:
                hint = f"{what} is not defined: its exercise cell was deleted or renamed."
            elif by_cell.get(cell) is not None and by_cell[cell].timed_out:
                hint = f"{what} is not defined: its cell ran longer than {timeout} s and was interrupted."
            elif by_cell.get(cell) is not None and by_cell[cell].error:
                hint = f"{what} is not defined: its cell raised {by_cell[cell].error}"
            else:
                hint = f"{what} is not defined after running the notebook."
        passed = "yes" if result["status"] == "pass" else "no"
        rows.append(Row(sub.name, sub.notebook, e.function, passed, result["status"], result["code"], hint, note))
    return rows


# ---- the whole class ----

def find_files(folder: Path) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


async def _grade_all(subs: list, timeout: int, jobs: int) -> list:
    gate = asyncio.Semaphore(jobs)

    async def one(sub):
        async with gate:
            return await grade_notebook(sub, timeout)

    return [row for rows in await asyncio.gather(*(one(s) for s in subs)) for row in rows]


def grade(folder, out="grades.csv", timeout: int = TIMEOUT, jobs: int | None = None, stream=None) -> list:
    """Grade every file under folder; write the CSV to out, print the tables to stream; returns the rows."""
    stream = stream or sys.stdout
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder: pass the folder that holds the students' notebooks.")
    jobs = jobs or min(8, 2 * (os.cpu_count() or 1))  # a kernel spends much of its start waiting, not computing
    start = time.perf_counter()
    subs = [identify(p, folder) for p in find_files(folder)]
    rows = asyncio.run(_grade_all(subs, timeout, jobs))
    out = Path(out)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(Row._fields)
        writer.writerows(rows)
    print_report(rows, stream)
    print(f"\n{plural(len(subs), 'file')} graded in {time.perf_counter() - start:.1f} s; the rows are in {out}.", file=stream)
    return rows


MARKS = {"passed": "✔", "wrong or error": "✘", "not implemented": "…", "timed out": "⏱", "not graded": "-"}


def _outcome(row: Row) -> str:
    """The key of MARKS for a graded row: a stub that still raises NotImplementedError is not a wrong answer."""
    if row.passed == "yes":
        return "passed"
    if row.status in ("not implemented", "timed out"):
        return row.status
    return "wrong or error" if row.passed == "no" else "not graded"


def _section(title: str, lines: list, stream) -> None:
    """A titled list, printed only when it has lines."""
    if lines:
        print(f"\n{title}:", file=stream)
        for line in lines:
            print(f"  {line}", file=stream)


def print_report(rows: list, stream) -> None:
    graded = [r for r in rows if r.exercise]
    if graded:
        print("  ".join(f"{mark} {name}" for name, mark in MARKS.items()), file=stream)
    for notebook in NOTEBOOKS:
        mine = [r for r in graded if r.notebook == notebook]
        if not mine:
            continue
        functions = [e.function for e in NOTEBOOKS[notebook]]
        students = sorted({r.student for r in mine})
        width = max(len("student"), *(len(s) for s in students))
        print(f"\n{notebook} ({plural(len(students), 'notebook')})", file=stream)
        print("  " + "student".ljust(width) + "  " + "  ".join(functions), file=stream)
        for s in students:
            cells = {r.exercise: r for r in mine if r.student == s}
            line = "  ".join((MARKS[_outcome(cells[f])] if f in cells else MARKS["not graded"]).ljust(len(f))
                             for f in functions)
            print("  " + s.ljust(width) + "  " + line, file=stream)
    _section("Not graded", [f"{r.student}: {r.hint}" for r in rows if not r.exercise], stream)
    _section("Notes", [f"{r.student}, {r.exercise}: {r.note}" for r in graded if r.note], stream)
    print("\nClass summary", file=stream)
    for notebook in NOTEBOOKS:
        mine = [r for r in graded if r.notebook == notebook]
        if mine:
            counts = ", ".join(
                f"{f} {sum(r.passed == 'yes' for r in mine if r.exercise == f)}/"
                f"{sum(r.exercise == f for r in mine)}" for f in (e.function for e in NOTEBOOKS[notebook]))
            print(f"  {notebook}: {counts} passed", file=stream)
            stubs = Counter(r.exercise for r in mine if _outcome(r) == "not implemented")
            if stubs:
                print("    not implemented: " + ", ".join(f"{f} {stubs[f]}" for f in stubs), file=stream)
    wrong = [r for r in graded if r.passed == "no" and r.status != "not implemented"]
    mistakes = Counter(r.hint for r in wrong)
    if mistakes:
        print("\nMost common mistakes (by hint):", file=stream)
        for hint, n in mistakes.most_common(10):
            where = sorted({f"{r.exercise} ({r.notebook[:2]})" for r in wrong if r.hint == hint})
            print(f"  {n:3d} x  {', '.join(where)}: {hint}", file=stream)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python run.py grade", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder with the students' exercise notebooks")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default grades.csv)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT,
                        help=f"seconds allowed for each cell and each check (default {TIMEOUT})")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: twice the number "
                        "of cores, at most 8)")
    args = parser.parse_args(argv)
    grade(args.folder, args.out, args.timeout, args.jobs)
    return 0
