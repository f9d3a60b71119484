"""Lessons 2 and 3 test the four boxed equations: break one in the package and a cell must fail.

For each equation, a copy of the package is made with that function's result
off by 0.1 % (a slip far smaller than any real mistake), put first on the
kernel's path, and lessons 2 and 3 are run under nbval against their saved
outputs.  Each lesson must then fail: a printed number, or a relative error
that was "< 1e-9", no longer matches.
"""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mlp_lessons as ml

ROOT = Path(__file__).resolve().parents[1]
EQUATIONS = ("backprop_dZ", "backprop_dW", "backprop_db", "backprop_dA_prev")
LESSONS = ("notebooks/02_backprop.ipynb", "notebooks/03_batching.ipynb")
SLIP = 1.001


def break_equation(package: Path, name: str) -> Path:
    """Rewrite `return expr` at the end of function `name` in the copied package as `return 1.001 * (expr)`."""
    module = Path(inspect.getsourcefile(getattr(ml, name)))
    path = package / module.relative_to(Path(ml.__file__).parent)
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    value = [n for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None][-1].value
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    start = line_starts[value.lineno - 1] + value.col_offset
    end = line_starts[value.end_lineno - 1] + value.end_col_offset
    path.write_text(source[:start] + f"{SLIP} * ({source[start:end]})" + source[end:], encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def kernel_env():
    """An environment for subprocesses; PYTHONPATH is set per test to the broken copy."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


@pytest.mark.parametrize("name", EQUATIONS)
def test_a_broken_equation_fails_lessons_2_and_3(name, tmp_path, kernel_env):
    shutil.copytree(Path(ml.__file__).parent, tmp_path / "mlp_lessons", ignore=shutil.ignore_patterns("__pycache__"))
    broken = break_equation(tmp_path / "mlp_lessons", name)
    env = dict(kernel_env, PYTHONPATH=str(tmp_path))

    probe = subprocess.run(
        [sys.executable, "-c", f"import mlp_lessons as ml, inspect; print(ml.__file__); print(inspect.getsource(ml.{name}))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.startswith(str(tmp_path)), f"the kernel would not import the broken copy:\n{probe.stdout}"
    assert f"{SLIP} * (" in probe.stdout, f"{broken} was not changed:\n{probe.stdout}"

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *LESSONS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    report = run.stdout[-4000:] + run.stderr[-2000:]
    assert run.returncode == 1 and "Cell outputs differ" in run.stdout, f"nbval did not run as expected:\n{report}"
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    for lesson in LESSONS:
        assert any(lesson in line for line in failed), (
            f"{lesson} still passes with {name} off by 0.1 %; failed cells:\n" + "\n".join(failed)
        )
