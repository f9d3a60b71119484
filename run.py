"""Set up and run mlp_lessons with nothing but Python >= 3.10 and pip.

    python run.py lab      set up (first time only), then open JupyterLab on notebooks/
    python run.py test     set up (first time only), then run every test and notebook
    python run.py regen    re-execute every notebook in a fresh kernel, saving outputs
    python run.py bench    time the training step, the notebooks and the playground
    python run.py site     build the lessons as a static HTML site in build/site/ (--out DIR)
    python run.py setup    only set up

Setting up makes a virtual environment in .venv/ and installs this package
with its test tools into it; it is redone only when pyproject.toml changes.
Extra arguments after `test` go to pytest, e.g. `python run.py test -k backprop`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "mlp_lessons-installed.txt"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> Path:
    python = venv_python()
    if STAMP.exists() and python.exists() and STAMP.read_text().strip() == wanted_stamp():
        return python
    if sys.version_info < (3, 10):
        sys.exit(f"mlp_lessons needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(
                f"Could not create the virtual environment in {VENV}: {error}\n"
                "On Debian or Ubuntu, install the venv module first (sudo apt install python3-venv), "
                "then run this command again."
            )
    print("Installing mlp_lessons and its tools into it (first time only) ...", flush=True)
    for step in (["install", "--upgrade", "pip"], ["install", "-e", f"{ROOT}[test]"]):
        if subprocess.run([str(python), "-m", "pip", *step]).returncode != 0:
            sys.exit(
                f"Installing failed at `pip {' '.join(step)}` (see pip's message above). Check the "
                "internet connection, then run this command again; it starts over where it stopped."
            )
    STAMP.write_text(wanted_stamp())
    return python


def run(args: list[str], env: dict | None = None) -> int:
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command not in ("lab", "test", "regen", "bench", "site", "setup"):
        print(__doc__)
        return 2
    python = str(setup())
    if command == "setup":
        return 0
    if command == "lab":
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return run([python, "-m", "jupyter", "lab", "--notebook-dir", str(ROOT / "notebooks"), *as_root, *rest])
    if command == "regen":
        return run([python, str(ROOT / "tools" / "regenerate_notebooks.py"), *rest])
    if command == "bench":
        return run([python, "-m", "benchmarks", *rest])
    if command == "site":
        return run([python, "-m", "mlp_lessons.site", "--root", str(ROOT), *rest])
    return run([python, "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
