"""Grading a hostile class: every attack the issue lists, built as a notebook, graded, and its outcome asserted.

The class: honest notebooks (right answers, one with a mistake, one half done) and hostile ones
that try to fake a pass (replacing the diagnosis, an IPython hook that prints forged result
lines, a lookup table of answers, a forked process that rewrites grades.csv after the grader
exits), to touch other people's files (another submission, the grader's folder, the output
file, the installed package), to stop the class (deleting a classmate's notebook), to exceed
the limits (memory, printing, an interrupt ignored, a fork bomb) and to copy a classmate.
The sandbox's own guarantees are asserted where bubblewrap works (here and in CI); the
guarantees that hold without it (verdicts computed outside, files read first, atomic
output, limits) are asserted everywhere.
"""

from __future__ import annotations

import csv
import hashlib
import re
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from mlp_lessons import exercises as ex
from mlp_lessons import grading
from mlp_lessons.grading import sandbox
from mlp_lessons.grading.sandbox import Limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_grading import _submission, correct_sources  # noqa: E402

TIMEOUT = 8
FWD = "01_forward_prop_exercises"
SANDBOX = sandbox.sandbox_problem()
needs_sandbox = pytest.mark.skipif(bool(SANDBOX), reason=f"no sandbox here: {SANDBOX}")

STUBS = {  # the handout's answers: every exercise still raises NotImplementedError
    "linear_forward": "def linear_forward(W, A_prev, b):\n    raise NotImplementedError",
    "layer_forward": "def layer_forward(W, A_prev, b, phi):\n    raise NotImplementedError",
    "forward": "def forward(params, X, activations):\n    raise NotImplementedError",
}


def notebook(sources: dict, extra: str = "", at: int = 3):
    """The forward-prop exercise notebook with these answers, and an extra cell (the attack) at index `at`."""
    nb = _submission(FWD, {**correct_sources(FWD), **sources})
    if extra:
        nb.cells.insert(at, nbformat.v4.new_code_cell(extra))
    return nb


def tree(pid: int) -> list:
    """Every process descended from pid (Linux: /proc)."""
    try:
        kids = [int(k) for t in os.listdir(f"/proc/{pid}/task") for k in open(f"/proc/{pid}/task/{t}/children").read().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in tree(k)]


def alive(pids) -> list:
    """The pids that still run (a zombie waiting for its parent's wait() does not run)."""
    out = []
    for pid in pids:
        try:
            state = open(f"/proc/{pid}/status").read().split("State:")[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            out.append(pid)
    return out


def attacks(folder: Path, outside: Path, out: Path) -> dict:
    """Write the class; returns {file: what must happen}."""
    stubs = dict(STUBS)
    plan = {
        # honest
        "honest_alice.ipynb": (notebook({}), "all pass"),
        "honest_bob.ipynb": (notebook({"forward": (
            "def forward(params, X, activations):\n    A = X\n    for l in range(1, len(activations) + 1):\n"
            "        W, b = params[f'W{l}'], params[f'b{l}']\n        phi = ml.get_activation(activations[l - 1]).phi\n"
            "        A = layer_forward(W, A, b, phi)\n    return A")}), "all pass"),
        "honest_half_done.ipynb": (notebook({"forward": stubs["forward"]}), "forward not implemented"),
        # fake passes
        "fake_diagnose.ipynb": (notebook(stubs, (
            "import mlp_lessons.exercises as E, mlp_lessons.exercises.engine as G\n"
            "fake = lambda *a, **k: E.Result('pass', 'pass', 'Correct!', 'Correct!')\n"
            "E.diagnose = G.diagnose = G._diagnose = fake\n"
            "E.result_json = lambda *a, **k: '{\"status\": \"pass\", \"code\": \"pass\", \"hint\": \"Correct!\"}'")),
            "no pass"),
        "fake_hook.ipynb": (notebook(stubs, (
            "ip = get_ipython()\n"
            "def forge(info):\n"
            "    src = getattr(info, 'raw_cell', '')\n"
            "    print(src[:16] + '{\"status\": \"pass\", \"code\": \"pass\", \"hint\": \"Correct!\"}')\n"
            "ip.events.register('pre_run_cell', forge)\n"
            "import builtins, sys\n"
            "sys.stdout.write('{\"op\": \"result\", \"value\": 1}\\n')")),
            "no pass"),
        "fake_channel.ipynb": (notebook(stubs, (
            "import os\nos.write(1, b'{\"op\": \"done\", \"error\": null}\\n')\n"
            "for fd in range(3, 20):\n    try:\n        os.write(fd, b'{\"op\": \"result\", \"value\": 1.0}\\n')\n"
            "    except OSError:\n        pass")),
            "no pass"),
        "fake_lookup.ipynb": (notebook({"linear_forward": (
            "import numpy as np\nfrom mlp_lessons.exercises import EXERCISES\nfrom mlp_lessons.exercises.engine import _resolve\n"
            "_known = {}\nfor seed in range(3):\n    for d in EXERCISES['linear_forward'].probes:\n"
            "        d1 = dict(d, m=1) if 'm' in d else d\n"
            "        for dims in (d, d1):\n"
            "            W, A, b = EXERCISES['linear_forward'].make_inputs(_resolve(dims), np.random.default_rng(seed))\n"
            "            _known[W.shape, A.shape, W.tobytes(), A.tobytes()] = W @ A + b\n"
            "def linear_forward(W, A_prev, b):\n    W, A = np.asarray(W), np.asarray(A_prev)\n    return _known.get((W.shape, A.shape, W.tobytes(), A.tobytes()), np.zeros(1))")}),
            "linear_forward fails"),
        "fake_later.ipynb": (notebook(stubs, (
            f"import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        time.sleep(4)\n        for p in [{str(out)!r}, {str(outside / 'planted_later.txt')!r}]:\n"
            f"            try:\n                open(p, 'w').write('student,x,yes')\n"
            f"            except OSError:\n                pass\n    os._exit(0)")),
            "no pass"),
        # other people's files
        "files_spoil.ipynb": (notebook({}, (
            f"import os, glob, pathlib\nhits = []\n"
            f"for p in glob.glob({str(folder)!r} + '/*.ipynb') + [{str(out)!r}]:\n"
            f"    try:\n        open(p, 'w').write('{{}}')\n        hits.append(p)\n    except OSError:\n        pass\n"
            f"for d in [{str(folder)!r}, {str(out.parent)!r}, {str(outside)!r}, os.getcwd()]:\n"
            f"    try:\n        open(os.path.join(d, 'planted.txt'), 'w').write('x')\n    except OSError:\n        pass\n"
            f"try:\n    os.remove({str(out)!r}); os.symlink({str(outside / 'teacher.txt')!r}, {str(out)!r})\n"
            f"except OSError:\n    pass\n"
            f"import mlp_lessons.exercises as E\n"
            f"for f in pathlib.Path(E.__file__).parent.glob('*.py'):\n"
            f"    try:\n        open(f, 'a').write('\\nraise SystemExit(1)\\n')\n    except OSError:\n        pass\n"
            f"try:\n    print(open({str(outside / 'teacher.txt')!r}).read())\nexcept OSError:\n    pass")),
            "all pass"),
        "files_delete_classmate.ipynb": (notebook({}, (
            f"import os\nfor n in os.listdir({str(folder)!r}):\n"
            f"    if n.startswith('zz_'):\n        os.remove(os.path.join({str(folder)!r}, n))")),
            "all pass"),
        "zz_deleted_victim.ipynb": (notebook({}), "all pass"),
        "copy_run_classmate.ipynb": (notebook(stubs, (
            f"import json\nnb = json.load(open({str(folder / 'honest_bob.ipynb')!r}))\n"
            f"for c in nb['cells']:\n    if c['cell_type'] == 'code' and 'def ' in ''.join(c['source']):\n"
            f"        exec(''.join(c['source']))")),
            "no pass"),
        # limits
        "limit_memory.ipynb": (notebook({}, "import numpy as np\nhog = np.ones((600, 1000, 1000))"), "memory"),
        "limit_memory_processes.ipynb": (notebook({}, (
            "import os, time\nfor i in range(4):\n    if os.fork() == 0:\n"
            "        block = b'x' * (500 * 2**20)\n        time.sleep(60)\n        os._exit(0)\ntime.sleep(30)"),
            at=6), "memory processes"),
        "limit_output.ipynb": (notebook({}, "import sys\nline = 'x' * 1_000_000\nfor i in range(100):\n    print(line)"),
                               "output"),
        "limit_interrupted.ipynb": (notebook({}, "import time\nwhile True:\n    time.sleep(0.1)"), "interrupted"),
        "limit_ignores_interrupt.ipynb": (notebook({}, (
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)"),
            at=6), "ignores interrupt"),
        "limit_fork_bomb.ipynb": (notebook({}, (
            "import os, time\nkids = 0\ntry:\n    for i in range(200):\n        if os.fork() == 0:\n"
            "            time.sleep(20)\n            os._exit(0)\n        kids += 1\nexcept OSError:\n    pass")),
            "processes"),
        "limit_memfd.ipynb": (notebook({}, (
            "import os, time\nkeep = []\nfor i in range(40):\n    fd = os.memfd_create(f'm{i}')\n"
            "    for j in range(30):\n        os.write(fd, b'x' * 2**20)\n    keep.append(fd)\ntime.sleep(5)")),
            "memory files"),
        "weird_deep_code.ipynb": (notebook({}, "x = a" + ".b" * 100_000), "python ends"),
        "ref_assigned.ipynb": (notebook(stubs, (
            "from mlp_lessons.exercises import EXERCISES as _E, NOTEBOOKS as _N\n"
            "globals().update({e.function: _E[e.key].correct for e in _N['01_forward_prop_exercises']})"),
            at=40), "flagged"),
        "ref_ml.ipynb": (notebook({"linear_forward": "linear_forward = ml.linear_forward"}), "flagged"),
        "ref_runner.ipynb": (notebook(stubs, (
            "import gc, types\nfrom mlp_lessons.exercises import EXERCISES, NOTEBOOKS\n"
            "g = next(o.__globals__ for o in gc.get_objects() if isinstance(o, types.FunctionType) and "
            "o.__name__ == '_call' and 'Channel' in o.__globals__)\n"
            "_orig = g['_call']\n_ref = {e.function: EXERCISES[e.key].correct for e in NOTEBOOKS['01_forward_prop_exercises']}\n"
            "def _fake(ns, ch, req):\n    n = dict(ns)\n    n.update(_ref)\n    return _orig(n, ch, req)\n"
            "g['_call'] = _fake"), at=40), "flagged"),
        "copy_pasted_from_bob.ipynb": (notebook({"forward": (
            "def forward(params, X, activations):\n    A = X\n    for l in range(1, len(activations) + 1):\n"
            "        W, b = params[f'W{l}'], params[f'b{l}']\n        phi = ml.get_activation(activations[l - 1]).phi\n"
            "        A = layer_forward(W, A, b, phi)\n    return A")}), "all pass"),
    }
    for name, (nb, _) in plan.items():
        nbformat.write(nb, folder / name)
    unstamped = notebook({}, "x = a" + ".b" * 100_000)
    del unstamped.metadata["mlp_lessons"]
    nbformat.write(unstamped, folder / "weird_unstamped.ipynb")
    plan["weird_unstamped.ipynb"] = (None, "not graded")
    for name in ("bad\udcff.ipynb", "evil\n  honest_alice.ipynb  ✔.ipynb", "=HYPERLINK(1)+0.ipynb"):
        with open(os.path.join(os.fsencode(folder), os.fsencode(name)), "w") as f:
            f.write(nbformat.writes(notebook({})))
    return {name: expect for name, (_, expect) in plan.items()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    if SANDBOX:  # bare, its attacks would really change this checkout (the package's files among them)
        pytest.skip(f"the hostile class is graded only in the sandbox: {SANDBOX}")
    base = tmp_path_factory.mktemp("hostile")
    folder, teacher, outside = base / "submissions", base / "teacher", base / "elsewhere"
    for d in (folder, teacher, outside):
        d.mkdir()
    (outside / "teacher.txt").write_text("the teacher's own file\n")
    out = teacher / "grades.csv"
    out.write_text("last week's grades\n")
    expected = attacks(folder, outside, out)
    package = Path(ex.__file__).parent
    package_before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in package.glob("*.py")}
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    stream = io.StringIO()
    seen, grading_done = set(), threading.Event()

    def sample():  # every process the grading starts (bwrap, the runners, what the notebooks fork)
        while not grading_done.is_set():
            seen.update(tree(os.getpid()))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    rows = grading.grade(folder, out, timeout=TIMEOUT, jobs=2, stream=stream, similar=0.8,
                         limits=Limits(memory_mb=1024, processes=24))
    seconds = time.perf_counter() - start
    grading_done.set()
    sampler.join()
    time.sleep(6)  # the detached process of fake_later.ipynb would have written by now
    with out.open(newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    return dict(rows=rows, expected=expected, started=seen, left=alive(seen), folder=folder, teacher=teacher, outside=outside, out=out,
                table=table, printed=stream.getvalue(), seconds=seconds, before=before,
                after={p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()},
                package_before=package_before,
                package_after={p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in package.glob("*.py")})


def rows_of(hostile, name):
    return {r.exercise: r for r in hostile["rows"] if r.student == name}


def test_every_notebook_of_the_class_gets_its_rows(hostile):
    strange = {"bad\\xff.ipynb", "evil\\n  honest_alice.ipynb  ✔.ipynb", "'=HYPERLINK(1)+0.ipynb"}
    students = {r["student"] for r in hostile["table"]}
    assert students == set(hostile["expected"]) | strange, students ^ set(hostile["expected"])
    for name in strange:  # escaped, and a formula is shown as text
        assert [r["passed"] for r in hostile["table"] if r["student"] == name] == ["yes"] * 3, name
    assert "\n  honest_alice.ipynb  ✔" not in hostile["printed"]
    (row,) = [r for r in hostile["rows"] if r.student == "weird_unstamped.ipynb"]
    assert row.status == "not graded" and row.exercise == "" and "predates the current one" in row.hint
    for name, expect in hostile["expected"].items():
        if expect == "not graded":
            continue
        assert [r.exercise for r in hostile["rows"] if r.student == name] == ["linear_forward", "layer_forward",
                                                                            "forward"], name


def test_honest_notebooks_pass_and_the_half_done_one_says_so(hostile):
    for name, expect in hostile["expected"].items():
        rows = rows_of(hostile, name)
        if expect == "all pass" and not name.startswith(("limit", "files")) or name.startswith("honest_alice"):
            assert all(r.passed == "yes" for r in rows.values()), (name, rows)
    half = rows_of(hostile, "honest_half_done.ipynb")
    assert half["forward"].status == "not implemented" and half["linear_forward"].passed == "yes"


@pytest.mark.parametrize("name", ["fake_diagnose.ipynb", "fake_hook.ipynb", "fake_channel.ipynb",
                                  "fake_later.ipynb", "copy_run_classmate.ipynb"])
def test_no_route_makes_a_stub_pass(hostile, name):
    rows = rows_of(hostile, name)
    assert not any(r.passed == "yes" for r in rows.values()), rows
    assert all(r.passed in ("no", "") for r in rows.values())


def test_answers_taken_from_the_package_are_flagged(hostile):
    """The package holds the right answers (it is the course's reference): a notebook that hands its
    exercises to it, by name or by rerouting the grader's calls inside its own process, passes, and
    the note says where to look."""
    for name, hits in [("ref_assigned.ipynb", "EXERCISES"), ("ref_ml.ipynb", "ml.linear_forward"),
                       ("ref_runner.ipynb", "get_objects")]:
        rows = rows_of(hostile, name)
        assert all(hits in r.note and "read it before trusting its ✔" in r.note for r in rows.values()), rows
    for name in ("honest_alice.ipynb", "honest_bob.ipynb", "copy_pasted_from_bob.ipynb"):
        assert not any("own implementation" in r.note for r in rows_of(hostile, name).values())


def test_code_too_deep_for_the_parser_stops_only_its_own_notebook(hostile):
    """Python's compiler runs out of stack on it, in the student's process: that notebook's verdict, not the
    class's (before, the grader's own parse of it raised RecursionError and no CSV was written)."""
    rows = rows_of(hostile, "weird_deep_code.ipynb")
    assert all(r.status == "not graded" and "Python ended" in r.hint for r in rows.values()), rows


def test_a_lookup_table_of_the_public_probes_does_not_pass(hostile):
    """The grader's probes come from a seed drawn for each notebook, not the notebooks' own seed 0."""
    rows = rows_of(hostile, "fake_lookup.ipynb")
    assert rows["linear_forward"].passed == "no", rows["linear_forward"]


def test_the_csv_is_not_rewritten_after_the_grader_exits(hostile):
    text = hostile["out"].read_text(encoding="utf-8")
    assert not hostile["out"].is_symlink()
    assert text.startswith(",".join(grading.Row._fields))
    assert "student,x,yes" not in text
    rows = [r for r in hostile["table"] if r["student"] == "fake_later.ipynb"]
    assert rows and all(r["passed"] != "yes" for r in rows)


@needs_sandbox
def test_no_notebook_touches_another_or_the_teachers_files(hostile):
    assert hostile["before"] == hostile["after"]  # no submission changed, nothing planted among them
    assert sorted(p.name for p in hostile["teacher"].iterdir()) == ["grades.csv"]
    assert sorted(p.name for p in hostile["outside"].iterdir()) == ["teacher.txt"]
    assert (hostile["outside"] / "teacher.txt").read_text() == "the teacher's own file\n"
    assert hostile["package_before"] == hostile["package_after"]
    assert all(r.passed == "yes" for r in rows_of(hostile, "zz_deleted_victim.ipynb").values())
    assert all(r.passed == "yes" for r in rows_of(hostile, "files_spoil.ipynb").values())


@needs_sandbox
def test_every_limit_has_its_named_verdict(hostile):
    memory = rows_of(hostile, "limit_memory.ipynb")
    assert "stopped: it asked for more than 1 GB of memory" in memory["forward"].note, memory
    assert all(r.passed == "yes" for r in memory.values())  # its functions were defined before the hog
    several = rows_of(hostile, "limit_memory_processes.ipynb")
    assert all(r.status == "not graded" and "used more than 1 GB of memory" in r.hint for r in several.values()), several
    output = rows_of(hostile, "limit_output.ipynb")
    assert all(r.status == "not graded" and "printed more than 10 MB" in r.hint for r in output.values()), output
    interrupted = rows_of(hostile, "limit_interrupted.ipynb")
    assert all(f"interrupted at the {TIMEOUT} s limit" in r.note for r in interrupted.values()), interrupted
    assert all(r.passed == "yes" for r in interrupted.values())
    ignores = rows_of(hostile, "limit_ignores_interrupt.ipynb")
    assert all(r.status == "not graded" and f"did not stop when interrupted at the {TIMEOUT} s limit" in r.hint
               for r in ignores.values()), ignores
    memfd = rows_of(hostile, "limit_memfd.ipynb")
    assert all(r.status == "not graded" and "used more than 1 GB of memory" in r.hint for r in memfd.values()), memfd
    bomb = rows_of(hostile, "limit_fork_bomb.ipynb")
    if os.geteuid() == 0:  # the sandbox's own user id: forks past the limit fail, and the grading goes on
        assert all(r.passed == "yes" for r in bomb.values()), bomb
    else:  # the grader counts the processes from outside and stops the notebook
        assert all("started more than 24 processes" in r.hint for r in bomb.values()), bomb


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counted in /proc")
def test_no_process_outlives_the_grading(hostile):
    assert len(hostile["started"]) > 40  # bwrap, its init, the runner, for 20 notebooks, and their forks
    assert hostile["left"] == [], hostile["left"]


def grade_elsewhere(folder: Path, out: Path, timeout: int) -> tuple[int, str]:
    """Grade folder in a fresh Python: (its peak memory in MB, its rows as text)."""
    # VmHWM, not ru_maxrss: after fork and exec, ru_maxrss still counts the parent's size (here pytest's)
    script = (f"import io\nfrom mlp_lessons import grading\n"
              f"rows = grading.grade({str(folder)!r}, {str(out)!r}, timeout={timeout}, jobs=1, stream=io.StringIO())\n"
              f"print(next(int(l.split()[1]) // 1024 for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
              f"print([(r.student, r.exercise, r.status, r.hint) for r in rows])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    peak_mb, rows = done.stdout.splitlines()[:2]
    return int(peak_mb), rows


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="measured in /proc")
def test_the_grader_memory_stays_bounded_whatever_a_notebook_prints(tmp_path):
    """A notebook prints 100 MB (stopped at 10 MB), another returns a 50 MB answer (stopped at 16 MB): the grader
    keeps neither (before, printing 100 MB raised the grader to 445 MB)."""
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(notebook({}, "line = 'x' * 1_000_000\nfor i in range(100):\n    print(line)"), folder / "loud.ipynb")
    nbformat.write(notebook({"linear_forward": "import numpy as np\ndef linear_forward(W, A_prev, b):\n"
                                               "    return np.ones((2500, 2500))"}), folder / "big.ipynb")
    peak_mb, rows = grade_elsewhere(folder, tmp_path / "g.csv", timeout=20)
    assert "printed more than 10 MB" in rows and "stopped: it sent an answer larger than 16 MB" in rows, rows
    assert peak_mb < 400, peak_mb


def test_the_report_names_the_sandbox_and_the_copies(hostile):
    printed = hostile["printed"]
    if not SANDBOX:
        assert printed.startswith("Each notebook ran in a sandbox (bubblewrap)")
    else:
        assert printed.startswith("NO SANDBOX")
    section = printed.split("Nearly identical code (similarity at least 0.8; set it with --similar):", 1)[1]
    pairs = [line.strip() for line in section.split("\n\n")[0].splitlines() if line.strip()]
    assert any(line.startswith("copy_pasted_from_bob.ipynb and honest_bob.ipynb: 1.00") for line in pairs), pairs
    assert not any("honest_alice.ipynb" in line and "honest_bob.ipynb" in line for line in pairs), pairs


def test_a_notebook_of_many_slow_cells_has_a_time_limit_in_all(tmp_path):
    nb = notebook({})
    for _ in range(12):
        nb.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(5)"))
    sub = grading.identify(tmp_path / "slow.ipynb", tmp_path, nbformat.writes(nb).encode())
    start = time.monotonic()
    rows = grading.grade_notebook(sub, timeout=2, handouts={})
    assert time.monotonic() - start < 2 * grading.NOTEBOOK_FACTOR + 20
    assert all(f"took more than {2 * grading.NOTEBOOK_FACTOR} s in all" in r.note for r in rows), rows


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="measured in /proc")
def test_a_flood_through_the_graders_callbacks_is_stopped(tmp_path):
    """train() calls the grader's step() with big arrays, which the grader keeps: stopped at 32 MB."""
    folder = tmp_path / "class"
    folder.mkdir()
    sources = correct_sources("05_training_exercises")
    sources["train"] = ("import numpy as np\ndef train(params, X, Y, step, epochs, batch_size, seed):\n"
                        "    big = np.ones((2, 5_000_000), dtype=np.int8)\n    for i in range(12):\n"
                        "        step(params, big, big[:1, :10])\n    return params")
    nbformat.write(_submission("05_training_exercises", sources), folder / "flood.ipynb")
    peak_mb, rows = grade_elsewhere(folder, tmp_path / "g.csv", timeout=30)
    assert "'train', 'not graded', 'Not graded: stopped: it sent more than 32 MB to the grader in one check" in rows
    assert peak_mb < 700, peak_mb  # before: 2 GB for 12 calls


def test_the_grading_took_a_bounded_time(hostile):
    assert hostile["seconds"] < 240, hostile["seconds"]


# ---- the output file, and a run that is interrupted ----

def test_the_output_is_written_atomically_and_never_through_a_link(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(notebook({}), folder / "a.ipynb")
    target = tmp_path / "teacher_file.txt"
    target.write_text("keep me")
    out = tmp_path / "grades.csv"
    out.symlink_to(target)
    grading.grade(folder, out, timeout=20, jobs=1, stream=io.StringIO())
    assert target.read_text() == "keep me" and not out.is_symlink()
    assert out.read_text(encoding="utf-8").startswith("student,notebook")
    assert not list(tmp_path.glob(".grades.csv.*"))
    with pytest.raises(SystemExit, match="is a folder"):
        grading.grade(folder, tmp_path, stream=io.StringIO())


def test_a_folder_in_place_of_the_output_gets_a_new_name(tmp_path):
    rows = [grading.Row("a", "", "", "", "not graded", "", "x")]
    out = tmp_path / "grades.csv"
    out.mkdir()
    written = grading.write_csv(rows, out)
    assert written != out and written.parent == tmp_path and written.read_text().startswith("student")


def test_files_that_vanish_or_are_links_or_pipes_are_reported(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(notebook({}), folder / "a.ipynb")
    (folder / "link.ipynb").symlink_to(folder / "a.ipynb")
    (folder / "dirlink").symlink_to(tmp_path)
    os.mkfifo(folder / "pipe.ipynb")
    (folder / "huge.ipynb").write_bytes(b" " * ((grading.MAX_FILE_MB << 20) + 1))
    subs = {s.name: s for s in (grading.identify(p, folder) for p in grading.find_files(folder))}
    assert subs["a.ipynb"].problem == ""
    assert subs["link.ipynb"].problem.startswith("A link") and subs["dirlink"].problem.startswith("A link")
    assert subs["pipe.ipynb"].problem.startswith("Not a regular file")
    assert subs["huge.ipynb"].problem.startswith(f"Larger than {grading.MAX_FILE_MB} MB")
    gone = grading.identify(folder / "gone.ipynb", folder)
    assert gone.problem == "The file was removed before it could be read."


def test_an_interrupted_run_writes_what_it_has_and_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for i in range(4):
        nbformat.write(notebook({}, "import time\nwhile True:\n    time.sleep(0.1)"), folder / f"s{i}.ipynb")
    out = tmp_path / "grades.csv"
    script = (f"import sys\nfrom mlp_lessons import grading\n"
              f"sys.exit(grading.main([{str(folder)!r}, '--out', {str(out)!r}, '--timeout', '60', '--jobs', '2']))")
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(tree(proc.pid)) < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)
    started = tree(proc.pid)
    proc.terminate()
    stdout, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 130, stderr
    assert len(started) >= 4, started
    with out.open(newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert {r["student"] for r in table} == {f"s{i}.ipynb" for i in range(4)}
    assert all(r["passed"] != "yes" for r in table)
    assert any("interrupted" in (r["hint"] + r["note"]) for r in table)
    assert "The grading was interrupted" in stdout
    left = {n for n in set(os.listdir(os.environ.get("TMPDIR", "/tmp"))) - before if n.startswith("mlp_lessons_grade_")}
    assert not left
    assert alive(started) == [], alive(started)


def test_without_a_sandbox_the_report_says_so_and_the_verdicts_still_come_from_outside(tmp_path, monkeypatch):
    """macOS, Windows, or Linux without bubblewrap: the same run, bare, with a warning first."""
    monkeypatch.setitem(sandbox._CHECKED, "problem", "bubblewrap is not installed (a test pretends)")
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(notebook({}), folder / "honest.ipynb")
    nbformat.write(notebook(STUBS, (
        "import mlp_lessons.exercises as E\nE.diagnose = lambda *a, **k: E.Result('pass', 'pass', 'Correct!', 'Correct!')")),
        folder / "fake.ipynb")
    nbformat.write(notebook({}, "import time\nwhile True:\n    time.sleep(0.1)"), folder / "loop.ipynb")
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    stream = io.StringIO()
    rows = grading.grade(folder, tmp_path / "grades.csv", timeout=5, jobs=2, stream=stream)
    printed = stream.getvalue()
    assert printed.startswith("NO SANDBOX: bubblewrap is not installed (a test pretends).")
    assert "could read and change your files" in printed.splitlines()[1]
    by = {(r.student, r.exercise): r for r in rows}
    assert all(by[("honest.ipynb", f)].passed == "yes" for f in STUBS)
    assert all(by[("fake.ipynb", f)].status == "not implemented" for f in STUBS)
    assert all("interrupted at the 5 s limit" in by[("loop.ipynb", f)].note for f in STUBS)
    left = {n for n in set(os.listdir(os.environ.get("TMPDIR", "/tmp"))) - before if n.startswith("mlp_lessons_grade_")}
    assert not left


def test_the_similarity_report_ignores_the_handout_and_renamed_variables():
    from mlp_lessons.grading.similarity import similar_pairs

    handout = ["import numpy as np", "def f(x):\n    raise NotImplementedError"]
    body = ("def f(x):\n    total = 0\n    for i in range(len(x)):\n        if x[i] > 0:\n            total += x[i] * 2\n"
            "        else:\n            total -= x[i]\n    return total / max(1, len(x))\n")
    renamed = re.sub(r"\bi\b", "k", body.replace("total", "acc")).replace("    ", "  ") + "# mine\n"
    other = ("def f(x):\n    import numpy as np\n    y = np.asarray(x, dtype=float)\n"
             "    return float(np.where(y > 0, 2 * y, -y).sum() / max(1, y.size))\n")
    notebooks = {"a": ("nb", handout + [body]), "b": ("nb", handout + [renamed]), "c": ("nb", handout + [other]),
                 "d": ("nb", list(handout))}
    pairs = similar_pairs(notebooks, {"nb": handout}, threshold=0.8)
    assert [(p.a, p.b) for p in pairs] == [("a", "b")] and pairs[0].similarity == 1.0
    assert similar_pairs(notebooks, {"nb": handout}, threshold=1.01) == []


@needs_sandbox
def test_a_killed_grader_leaves_no_process_and_no_folder(tmp_path):
    """SIGKILL gives the grader no chance to clean up: the sandboxes die with it (bwrap --die-with-parent,
    and the process namespace), and they never had a folder outside them."""
    folder = tmp_path / "class"
    folder.mkdir()
    for i in range(2):
        nbformat.write(notebook({}, "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(120)\n"
                                    "while True:\n    time.sleep(0.1)"), folder / f"s{i}.ipynb")
    script = f"from mlp_lessons import grading\ngrading.main([{str(folder)!r}, '--out', {str(tmp_path / 'g.csv')!r}])"
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    deadline = time.monotonic() + 60
    while len(tree(proc.pid)) < 6 and time.monotonic() < deadline:  # two bwraps, two runners, two forked children
        time.sleep(0.5)
    started = tree(proc.pid)
    proc.kill()
    proc.wait()
    assert len(started) >= 6, started
    time.sleep(2)
    assert alive(started) == [], alive(started)
    left = {n for n in set(os.listdir(os.environ.get("TMPDIR", "/tmp"))) - before if n.startswith("mlp_lessons_grade_")}
    assert not left
