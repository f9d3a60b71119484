"""Grade a class: run every collected exercise notebook in a sandbox and judge its functions from outside.

    python run.py grade submissions/                   grades.csv in the current folder
    python run.py grade submissions/ --out week3.csv --timeout 30 --jobs 2 --similar 0.8

Each notebook found under the folder (subfolders too; links are not followed) is
read once, before any student code runs, and identified by the stamp the exercise
notebooks carry in their metadata.  Its code cells run, one by one, in a process
of its own (runner.py), inside a sandbox (sandbox.py: bubblewrap on Linux) that
sees none of the other submissions, none of your files and no network; the cells
that only call the checks are skipped.  Then the grader judges each exercise here,
in its own process: the diagnosis (exercises.diagnose) calls a stand-in for the
student's function (student.py) that sends the arguments to the student's process
and brings back only what the function returned.  The probes are drawn from a
seed picked afresh for every notebook, and the right answers, the catalogue of
mistakes and the verdict never leave the grader, so nothing a notebook does to
its own process (replacing the checks, hooks, printing fake results) can make a
function pass that does not compute the right answers.

Limits, each with its verdict: TIMEOUT seconds per cell and per check (then an
interrupt; a process that ignores it is killed), MEMORY_MB of memory, OUTPUT_MB of
printing, a CPU-time budget and a process count for each notebook.  A process
that ends, or is stopped, takes everything it started with it.

Writes the CSV atomically (a new file renamed over the old one: a link there is
replaced, never followed), also when the run is interrupted (Ctrl-C or a
termination signal: the notebooks not graded yet say so), and prints a table per
notebook plus a class summary: how many passed each exercise, the most common
mistakes by hint, and the pairs of notebooks whose code is nearly identical.
Sits at the top of the package, beside the exercises whose checks it runs.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import os
import re
import secrets
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import NamedTuple

from ..errors import plural
from ..exercises import EXERCISES, NOTEBOOKS, Result, current_name, diagnose, notebook_version
from ..exercises.predictions import Prediction
from .sandbox import Limits, remove_stale_folders, sandbox_problem
from .similarity import THRESHOLD, similar_pairs
from .student import Stopped, StudentProcess, TimedOut, size_text, stop_all

TIMEOUT = 30  # seconds for one cell or one check; a training loop of the exercises needs about one
MAX_FILE_MB = 20  # a larger file is not read
CHECK_CALLS = ("summary", "show_grad_check", "show_momentum")  # besides check_*: cells that only report, which the grader replaces
HANDOUTS = Path(__file__).resolve().parents[2] / "notebooks" / "exercises"  # in a clone (for the similarity report)


class Row(NamedTuple):
    student: str  # the file, relative to the submissions folder
    notebook: str  # which exercise notebook it is ("" when none)
    exercise: str  # the student's function ("" for a report about the whole file)
    passed: str  # "yes", "no", or "" when it was not graded
    status: str  # the check's status, or "timed out", "not graded", "not an exercise notebook", ...
    code: str  # the mistake's code
    hint: str  # what the check told the student
    note: str = ""  # anything else the teacher should know: a cell stopped at a limit, a deleted check cell


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
            body = _parse(cell.source)
            names |= {n.name for n in body if isinstance(n, ast.FunctionDef)}
            names |= {t.id for n in body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    return names


def read_file(path: Path) -> tuple[bytes | None, str]:
    """The file's bytes, or (None, why not): a link is not followed, only a regular file of at most
    MAX_FILE_MB is read, and a file that vanished or cannot be read is reported, not raised."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return None, "A link, not a file: links are not followed (copy the notebook itself into the folder)."
        if not stat.S_ISREG(info.st_mode):
            return None, "Not a regular file (a pipe, a device or a socket)."
        if info.st_size > MAX_FILE_MB << 20:
            return None, f"Larger than {MAX_FILE_MB} MB ({info.st_size / 2 ** 20:.0f} MB): not read."
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, "Not a regular file (a pipe, a device or a socket)."
            chunks, size = [], 0
            while size <= MAX_FILE_MB << 20:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return None, "The file was removed before it could be read."
    except OSError as e:
        return None, f"Could not be read ({type(e).__name__}: {e.strerror or e})."
    if size > MAX_FILE_MB << 20:
        return None, f"Larger than {MAX_FILE_MB} MB: not read."
    return b"".join(chunks), ""


def student_name(name: str) -> str:
    """A file name as the CSV and the report show it: bytes that are not UTF-8 and control characters
    (a newline could forge a row of the printed table) written as escapes."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def identify(path: Path, folder: Path, data: bytes | None = None) -> Submission:
    """What the file is: an exercise notebook (which one), or why it is not graded."""
    import nbformat

    name = student_name(path.relative_to(folder).as_posix())
    if data is None:
        data, problem = read_file(path)
        if data is None:
            return Submission(path, name, None, "", problem)
    if path.suffix != ".ipynb":
        return Submission(path, name, None, "", f"Not a notebook (a {path.suffix or 'file without extension'} file)")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code" and isinstance(c.source, str)]
        if len(cells) != sum(c.cell_type == "code" for c in nb.cells):
            raise ValueError("a cell whose source is not text")
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


def _parse(source: str) -> list:
    """The cell's statements, or [] for a cell Python cannot parse (a syntax error, or code nested so deeply
    that the parser gives up with RecursionError or MemoryError: that is for the student's process to find)."""
    try:
        return ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []


def _only_reports(source: str) -> bool:
    """A cell whose every statement is a call of check_*, summary or show_grad_check."""
    body = _parse(source)
    return bool(body) and all(
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Name)
        and (s.value.func.id.startswith("check_") or s.value.func.id in CHECK_CALLS) for s in body)


def _checked_functions(nb) -> set:
    """The functions that the notebook's check cells pass to a check."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and _only_reports(cell.source):
            for s in _parse(cell.source):
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
    stopped: str  # "" or what stopped it: "interrupted at the 30 s limit", "stopped: used more than 2 GB", ...


def _error_text(error) -> str:
    return f"{type(error).__name__}: {error}" if error is not None else ""


def _cell_label(nb, index: int) -> str:
    first = next((line.strip() for line in nb.cells[index].source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (`{first[:40]}`)" if first else f"cell {index + 1}"


NOTEBOOK_FACTOR = 10  # a notebook's cells may run NOTEBOOK_FACTOR * timeout seconds in all


def _run_student_cells(process: StudentProcess, sub: Submission, cells: list, timeout: float, limits: Limits):
    """Run the student's cells in order, within NOTEBOOK_FACTOR * timeout seconds in all (so a notebook of
    many slow cells cannot hold the class up); returns ({cell index: CellRun}, notes about the notebook)."""
    by_cell, notes = {}, []
    budget = NOTEBOOK_FACTOR * timeout
    end = time.monotonic() + budget
    for k, (index, source) in enumerate(cells):
        label = _cell_label(sub.nb, index)
        left = end - time.monotonic()
        if left <= 0:
            notes.append(f"the cells from {label} on were not run: the notebook's cells took more than "
                         f"{budget:g} s in all ({NOTEBOOK_FACTOR} times the limit per cell)")
            break
        process.where = f"in {label}"
        limit = min(timeout, left)
        error, interrupted = process.run_cell(source, limit)
        if interrupted:
            stopped = f"interrupted at the {limit:g} s limit"
            notes.append(f"{label} was interrupted at the {timeout:g} s limit" if limit == timeout else
                         f"{label} was interrupted when the notebook's {budget:g} s in all ran out")
        elif isinstance(error, MemoryError):
            stopped = f"stopped: used more than {size_text(limits.memory_mb)} of memory"
            notes.append(f"{label} was stopped: it asked for more than {size_text(limits.memory_mb)} of memory")
        else:
            stopped = ""
        by_cell[index] = CellRun(_error_text(error) if not interrupted else "", stopped)
    process.where = ""
    return by_cell, notes


REFERENCE = re.compile(r"\b(EXERCISES|MISTAKES|get_objects|__globals__|_getframe|gc\.get_referr\w*|solutions|"
                       r"mlp_lessons\.grading|mlp_lessons\.exercises\.\w+)\b|\.correct\b")


def _reaches_for_the_reference(sub: Submission, handouts: dict) -> str:
    """A note when the notebook's code names the package's own implementation of one of its exercises
    (ml.linear_forward in the notebook that asks for linear_forward), the checks' tables or the grader's
    process (gc.get_objects, __globals__): it may pass with answers that are not its own.  Names the
    handout itself uses are not counted.  Read it, it cannot prove anything."""
    import mlp_lessons

    own = [e.function for e in NOTEBOOKS[sub.notebook] if hasattr(mlp_lessons, e.function)]
    names = REFERENCE.pattern + "".join(f"|\\b(ml|mlp_lessons)\\.{f}\\b" for f in own)

    def found(sources):
        return {m.group(0) for source in sources for m in re.finditer(names, source)}
    hits = found(_code_cells(sub.nb)) - found(handouts.get(sub.notebook, []))
    if not hits:
        return ""
    return (f"its code uses the package's own implementation or the grader's internals ({', '.join(sorted(hits))}): "
            f"read it before trusting its ✔")


def _missing_hint(sub: Submission, entry, by_cell: dict, timeout: float) -> str:
    cell = _defining_cell(sub.nb, entry.function)
    what = f"The {'answer' if entry.prediction else 'function'} `{entry.function}`"
    run = by_cell.get(cell)
    if cell is None:
        return f"{what} is not defined: its exercise cell was deleted or renamed."
    if run is not None and run.stopped.startswith("interrupted"):
        return f"{what} is not defined: its cell ran longer than {timeout:g} s and was interrupted."
    if run is not None and run.stopped:
        return f"{what} is not defined: its cell was {run.stopped}."
    if run is not None and run.error:
        return f"{what} is not defined: its cell raised {run.error}"
    return f"{what} is not defined after running the notebook."


def _judge(process: StudentProcess, entry, timeout: float, seed: int) -> Result:
    """The verdict on one exercise, computed here: the student's process only answers calls."""
    exercise = EXERCISES[entry.key]
    defined, is_callable, value = process.get(entry.function)
    if not defined:
        return Result("missing", "missing", "", "")
    if isinstance(exercise, Prediction):
        return diagnose(exercise, value)
    if not is_callable:
        hint = f"`{entry.function}` is not a function (it is a {type(value).__name__}): define it with def."
        return Result("error", "not_callable", hint, hint)
    function = process.function(entry.function, time.monotonic() + timeout, timeout)
    return diagnose(exercise, function, single=entry.single, seed=seed)


def grade_notebook(sub: Submission, timeout: float = TIMEOUT, hidden: list = (), slot: int = 0,
                   limits: Limits = Limits(), cancelled: threading.Event | None = None, handouts: dict = None) -> list:
    """The rows of one submission: one per exercise, or one that says why it was not graded."""
    if sub.problem:
        return [Row(sub.name, sub.notebook, "", "", "not graded", "", sub.problem)]
    entries = NOTEBOOKS[sub.notebook]
    cells = [(i, c.source) for i, c in enumerate(sub.nb.cells)
             if c.cell_type == "code" and c.source.strip() and not _only_reports(c.source)]
    checked = _checked_functions(sub.nb)
    rows, by_cell, notes = {}, {}, []
    seed = secrets.randbits(32)  # probes no notebook can know in advance
    process = None
    try:
        if cancelled is not None and cancelled.is_set():
            raise Stopped("the grading was interrupted before this notebook")
        process = StudentProcess(list(hidden), slot, limits)
        by_cell, notes = _run_student_cells(process, sub, cells, timeout, limits)
        for entry in entries:
            process.where = f"in the check of {entry.function}"
            try:
                result = _judge(process, entry, timeout, seed)
            except TimedOut:
                rows[entry.function] = ("no", "timed out", "timeout",
                                        f"The check did not finish within {timeout:g} s: is there an infinite loop?")
                continue
            hint = result.hint
            if result.status == "missing":
                hint = _missing_hint(sub, entry, by_cell, timeout)
            rows[entry.function] = ("yes" if result.status == "pass" else "no", result.status, result.code, hint)
    except Stopped as e:
        stopped = str(e) or (process.stopped if process is not None else "") or "stopped"
        notes.append(stopped)
        for entry in entries:
            rows.setdefault(entry.function, ("", "not graded", "", f"Not graded: {stopped}."))
    finally:
        if process is not None:
            process.close()
    flag = _reaches_for_the_reference(sub, handouts if handouts is not None else _handouts())
    note = "; ".join(notes + ([flag] if flag else []))
    out = []
    for entry in entries:
        passed, status, code, hint = rows[entry.function]
        own = "" if entry.function in checked else "its check cell was deleted or changed; graded all the same"
        out.append(Row(sub.name, sub.notebook, entry.function, passed, status, code, hint,
                       "; ".join(n for n in (own, note) if n)))
    return out


# ---- the whole class ----

def find_files(folder: Path) -> list:
    """Every entry under folder that is not hidden, links included (they are reported, not followed)."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d)))
        links = [d for d in os.listdir(root) if os.path.islink(os.path.join(root, d)) and not d.startswith(".")]
        found += [Path(root) / f for f in files if not f.startswith(".")]
        found += [Path(root) / d for d in links if (Path(root) / d) not in found]
    return sorted(set(found))


def _identify_safely(path: Path, folder: Path) -> Submission:
    try:
        return identify(path, folder)
    except Exception as e:  # whatever a file holds, it is reported, and the class is graded
        return Submission(path, student_name(str(path.relative_to(folder))), None, "",
                          f"Not graded: reading it failed ({type(e).__name__}).")


def _check_out(out: Path) -> None:
    if out.is_dir() and not out.is_symlink():
        raise SystemExit(f"{out} is a folder: give --out the name of the CSV file to write.")
    if not out.parent.is_dir():
        raise SystemExit(f"The folder {out.parent} does not exist: create it, or give --out another path.")


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula (=, +, -, @) gets a ' first,
    and anything that is not UTF-8 is escaped."""
    value = str(value).encode("utf-8", "backslashreplace").decode("utf-8")
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(rows: list, out: Path) -> Path:
    """Write the rows atomically: a new file in the same folder, renamed over out (a link at out is replaced,
    never followed).  If out cannot be replaced (it became a folder), the file gets a new name; returns it."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(Row._fields)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8", errors="backslashreplace") as f:
            f.write(text.getvalue())
        try:
            os.replace(tmp, out)
            return out
        except OSError:
            other = out.with_name(f"{out.stem}-{time.strftime('%Y%m%d-%H%M%S')}{out.suffix}")
            os.replace(tmp, other)
            return other
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _code_cells(nb) -> list:
    return [c.source for c in nb.cells if c.cell_type == "code" and not _only_reports(c.source)]


def _handouts() -> dict:
    import nbformat

    found = {}
    for notebook in NOTEBOOKS:
        path = HANDOUTS / f"{notebook}.ipynb"
        if path.is_file():
            found[notebook] = _code_cells(nbformat.read(path, as_version=4))
    return found


def grade(folder, out="grades.csv", timeout: float = TIMEOUT, jobs: int | None = None, stream=None,
          similar: float = THRESHOLD, limits: Limits = Limits()) -> list:
    """Grade every file under folder; write the CSV to out, print the tables to stream; returns the rows.

    Interrupted (Ctrl-C, SIGTERM), it stops every student process, still writes the rows it has
    (the notebooks not graded say so) and then raises KeyboardInterrupt."""
    stream = stream or sys.stdout
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder: pass the folder that holds the students' notebooks.")
    _check_out(out)
    jobs = jobs or min(4, 2 * (os.cpu_count() or 1))
    start = time.perf_counter()
    remove_stale_folders()
    subs = [_identify_safely(p, folder) for p in find_files(folder)]  # every file is read before any code runs
    hidden = [str(folder.resolve()), str(out.parent.resolve())]
    problem = sandbox_problem()
    handouts = _handouts()
    results, cancelled, interrupted = {}, threading.Event(), False
    slots = list(range(jobs))
    slot_lock = threading.Lock()

    def one(i, sub):
        with slot_lock:
            slot = slots.pop()
        try:
            return grade_notebook(sub, timeout, hidden, slot, limits, cancelled, handouts)
        except Exception as e:  # the grader's own failure on one notebook must not stop the class
            return [Row(sub.name, sub.notebook, "", "", "not graded", "",
                        f"Not graded: the grader failed on this notebook ({type(e).__name__}: {e}).")]
        finally:
            with slot_lock:
                slots.append(slot)

    previous = _on_terminate()
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = {pool.submit(one, i, sub): i for i, sub in enumerate(subs)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5)
            for f in done:
                results[futures[f]] = f.result()
    except KeyboardInterrupt:
        interrupted = True
        cancelled.set()
        stop_all("stopped: the grading was interrupted")
        for f in futures:
            f.cancel()
        for f, i in futures.items():
            if not f.cancelled():
                try:
                    results[i] = f.result(timeout=60)
                except Exception:
                    pass
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=True)
        _restore_terminate(previous)
    rows = []
    for i, sub in enumerate(subs):
        rows += results.get(i) or [Row(sub.name, sub.notebook, "", "", "not graded", "",
                                       "Not graded: the grading was interrupted before this notebook.")]
    written = write_csv(rows, out)
    try:
        pairs = similar_pairs({s.name: (s.notebook, _code_cells(s.nb)) for s in subs if s.nb is not None
                               and s.notebook}, handouts, similar)
    except Exception as e:  # the CSV is written; the report says what it could not do
        pairs = []
        print(f"The similarity report failed ({type(e).__name__}); the grades are not affected.", file=stream)
    print_report(rows, stream, pairs=pairs, similar=similar, sandbox=problem, limits=limits, timeout=timeout)
    print(f"\n{plural(len(subs), 'file')} graded in {time.perf_counter() - start:.1f} s; the rows are in {written}"
          + (f" ({out} could not be replaced)." if written != out else "."), file=stream)
    if interrupted:
        print("The grading was interrupted: the notebooks not graded yet are listed as such.", file=stream)
        raise KeyboardInterrupt
    return rows


def _on_terminate():
    """SIGTERM (e.g. `kill`, or a CI job cancelled) ends the run like Ctrl-C: results written, processes stopped."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        return None

    def stop(signum, frame):
        raise KeyboardInterrupt
    return signal.signal(signal.SIGTERM, stop)


def _restore_terminate(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


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


def _sandbox_lines(problem: str, limits: Limits, timeout: float) -> list:
    bounds = (f"at most {timeout:g} s per cell and per check, {size_text(limits.memory_mb)} of memory, "
              f"{size_text(limits.output_mb)} of printing, {limits.cpu_s} s of CPU time and "
              f"{limits.processes} processes per notebook")
    if not problem:
        return [f"Each notebook ran in a sandbox (bubblewrap): no network, no view of the other notebooks or of "
                f"your files, and {bounds}."]
    return [f"NO SANDBOX: {problem}.",
            "The students' code ran with your permissions: it could read and change your files. The verdicts "
            "were still computed outside their processes, every file was read before any code ran, and the "
            f"limits were {bounds} (where this system enforces them)."]


def print_report(rows: list, stream, pairs: list = (), similar: float = THRESHOLD, sandbox: str | None = None,
                 limits: Limits = Limits(), timeout: float = TIMEOUT) -> None:
    graded = [r for r in rows if r.exercise]
    if sandbox is not None:
        for line in _sandbox_lines(sandbox, limits, timeout):
            print(line, file=stream)
        print(file=stream)
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
    notes = {}
    for r in graded:
        for note in filter(None, r.note.split("; ")):
            text = f"{r.exercise}: {note}" if note.startswith("its check cell") else note
            text = "".join(c if c.isprintable() else " " for c in text)
            notes.setdefault(r.student, []).append(text) if text not in notes.get(r.student, []) else None
    _section("Notes", [f"{student}: {'; '.join(texts)}" for student, texts in notes.items()], stream)
    _section(f"Nearly identical code (similarity at least {similar:g}; set it with --similar)",
             [f"{p.a} and {p.b}: {p.similarity:.2f} ({p.notebook}, {p.shared} runs of code in common)"
              for p in pairs], stream)
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
                        "of cores, at most 4)")
    parser.add_argument("--similar", type=float, default=THRESHOLD,
                        help=f"list pairs of notebooks whose code is at least this similar, 0 to 1 (default {THRESHOLD})")
    parser.add_argument("--memory", type=int, default=Limits().memory_mb, help="MB of memory per notebook "
                        f"(default {Limits().memory_mb})")
    args = parser.parse_args(argv)
    try:
        grade(args.folder, args.out, args.timeout, args.jobs, similar=args.similar,
              limits=Limits(memory_mb=args.memory))
    except KeyboardInterrupt:
        return 130
    return 0
