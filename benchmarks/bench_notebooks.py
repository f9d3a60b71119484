"""Wall-clock time of each notebook in a fresh kernel, and of the whole test suite.

Notebooks run from a temporary copy of notebooks/, through the same kernel set-up
as tools/regenerate_notebooks.py, so the committed notebooks are never rewritten.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def _regenerate_tool():
    path = ROOT / "tools" / "regenerate_notebooks.py"
    spec = importlib.util.spec_from_file_location("_regenerate_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook_paths(folder: Path = ROOT / "notebooks") -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def run_notebook(path: Path, tool, timeout: int) -> None:
    """Execute one notebook top to bottom in a fresh kernel, as tools/regenerate_notebooks.py does.

    The kernel is shut down afterwards (and its start-up chatter on stderr
    dropped), so the next notebook and the test suite run on a quiet machine.
    """
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=tool.CurrentEnvKernelSpecs())
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(cwd=str(path.parent), stderr=subprocess.DEVNULL)
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)


def bench_notebooks(paths: list[Path] | None = None, timeout: int = 600) -> list[dict]:
    """Execute each notebook once, in its own fresh kernel, on a temporary copy."""
    tool = _regenerate_tool()
    source = ROOT / "notebooks"
    paths = notebook_paths() if paths is None else [Path(p).resolve() for p in paths]
    results = []
    with tempfile.TemporaryDirectory(prefix="mlp_lessons_bench_") as tmp:
        copy = Path(tmp) / "notebooks"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for path in paths:
            rel = path.relative_to(source) if path.is_relative_to(source) else Path(path.name)
            target = copy / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
            start = time.perf_counter()
            try:
                run_notebook(target, tool, timeout)
                status = "ok"
            except Exception as error:  # a failing notebook is reported, not fatal
                status = f"FAILED: {type(error).__name__}"
            results.append({"notebook": f"notebooks/{rel.as_posix()}", "seconds": time.perf_counter() - start,
                            "status": status})
    return results


def bench_test_suite(args: list[str] | None = None) -> dict:
    """`python run.py test`, timed once; returns the seconds and pytest's closing line."""
    command = [sys.executable, str(ROOT / "run.py"), "test", *(args or [])]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary = next((line.strip("= ") for line in reversed(lines) if " in " in line and (
        "passed" in line or "failed" in line or "error" in line)), lines[-1] if lines else "")
    return {"command": "python run.py test " + " ".join(args or []), "seconds": seconds,
            "returncode": done.returncode, "summary": summary}
