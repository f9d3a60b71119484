"""Lesson 9 and tests/test_autograd.py need PyTorch, which `python run.py test` installs.

A test needs it if it is marked needs_torch, or runs a notebook that imports torch
(under nbval, or in the browser tests).  Where PyTorch is missing, those tests are
skipped with a reason: run.py's (MLP_LESSONS_NO_TORCH), when no CPU build of it
exists for this Python, or else a hint how to add it.  In CI (CI=true) only the
first reason counts: a PyTorch that could have been installed and was not fails
those tests instead.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
NOTEBOOK_DIR = Path(os.environ.get("MLP_LESSONS_NOTEBOOK_DIR", ROOT / "notebooks"))
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
HINT = "PyTorch is not installed here; `python run.py torch` adds its CPU build (only lesson 9 needs it)"
MISSING_IN_CI = (
    "CI=true and PyTorch is not installed, but lesson 9 must run in CI: run the tests with "
    "`python run.py test`, which installs it (or says why it cannot)."
)


@functools.cache
def imports_torch(notebook: Path) -> bool:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return re.search(r"^\s*(import torch|from torch\b)", code, re.M) is not None


def needs_torch(item) -> bool:
    if item.get_closest_marker("needs_torch"):
        return True
    path = Path(item.path)
    if path.suffix != ".ipynb":  # a browser test names its notebook in a parameter
        notebook = getattr(item, "callspec", None) and item.callspec.params.get("notebook")
        path = NOTEBOOK_DIR / notebook if isinstance(notebook, str) else None
    return path is not None and path.suffix == ".ipynb" and path.is_file() and imports_torch(path)


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_torch: uses PyTorch (lesson 9's extra)")


def pytest_collection_modifyitems(config, items):
    if importlib.util.find_spec("torch") is not None:
        return
    reason = os.environ.get("MLP_LESSONS_NO_TORCH", "")
    for item in filter(needs_torch, items):
        if reason or not IN_CI:
            item.add_marker(pytest.mark.skip(reason=f"lesson 9: {reason or HINT}"))
        else:
            item.user_properties.append(("missing_torch", True))


@pytest.fixture(autouse=True)
def _fail_without_torch_in_ci(request):
    if ("missing_torch", True) in request.node.user_properties:
        pytest.fail(MISSING_IN_CI, pytrace=False)
