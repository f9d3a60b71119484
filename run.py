"""Set up and run mlp_lessons with nothing but Python >= 3.10 and pip.

    python run.py lab      set up (first time only), then open JupyterLab on notebooks/
    python run.py test     set up (first time only), then run every test and notebook
    python run.py regen    re-execute every notebook in a fresh kernel, saving outputs
    python run.py bench    time the training step, the notebooks and the playground
    python run.py site     build the lessons as a static HTML site in build/site/ (--out DIR)
    python run.py grade submissions/   run every student's exercise notebook, write grades.csv
    python run.py playground   the playground alone, for a lecture screen (Voila), e.g.
                           python run.py playground dataset=spirals hidden=8,8
    python run.py setup    only set up
    python run.py torch    set up, then add PyTorch (CPU build) for lesson 9

Setting up makes a virtual environment in .venv/ and installs this package
with its test tools into it; it is redone only when pyproject.toml changes.
PyTorch, which only lesson 9 needs, is added by `test`, `regen` and `bench`
(they run lesson 9) and by `torch`, never by `lab`.
Extra arguments after `test` go to pytest, e.g. `python run.py test -k backprop`.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "mlp_lessons-installed.txt"
NO_TORCH = VENV / "torch-unavailable.txt"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


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


def has_torch(python: str) -> bool:
    check = "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"
    return subprocess.run([python, "-c", check]).returncode == 0


def add_torch(python: str, again: bool = False) -> str:
    """Install the `torch` extra (PyTorch's CPU build) for lesson 9; return "" or why it can't be.

    On Linux the extra asks for the "+cpu" build, which PyPI does not carry (its Linux
    torch is the CUDA build, several GB): pip takes it from a wheel it finds locally
    (find-links) or else from PyTorch's CPU index.  Where no CPU build exists for this
    Python, the reason is kept until pyproject.toml changes or `again` is set, so
    later runs skip lesson 9 at once, saying why.
    """
    if has_torch(python):
        return ""
    if not again and NO_TORCH.exists():
        stamp, _, reason = NO_TORCH.read_text().partition("\n")
        if stamp == wanted_stamp():
            return reason
    print("Adding PyTorch's CPU build for lesson 9 (first time only: about 200 MB to download, "
          "900 MB on disk) ...", flush=True)
    for where in ([], ["--extra-index-url", TORCH_CPU_INDEX]):
        step = ["install", *where, "-e", f"{ROOT}[torch]"]  # not --quiet: it hides "no matching distribution"
        pip = subprocess.run([str(python), "-m", "pip", *step], capture_output=True, text=True)
        if pip.returncode == 0:
            NO_TORCH.unlink(missing_ok=True)
            return ""
        if "no matching distribution" not in (pip.stdout + pip.stderr).lower():
            sys.exit(f"{pip.stdout}{pip.stderr}\nInstalling PyTorch failed at `pip {' '.join(step)}` "
                     "(see pip's message above). Check the internet connection, then run this command again.")
    reason = (f"pip found no CPU build of PyTorch (the torch extra of pyproject.toml) for Python "
              f"{platform.python_version()} on {platform.system()} {platform.machine()}, in its indexes "
              f"or at {TORCH_CPU_INDEX}")
    NO_TORCH.write_text(f"{wanted_stamp()}\n{reason}")
    return reason


def run(args: list[str], env: dict | None = None) -> int:
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command not in ("lab", "test", "regen", "bench", "site", "playground", "grade", "setup", "torch"):
        print(__doc__)
        return 2
    python = str(setup())
    if command == "setup":
        return 0
    if command == "torch":
        reason = add_torch(python, again=True)
        print(reason or "PyTorch is installed: restart lesson 9's kernel (Kernel > Restart) and run it again.")
        return 1 if reason else 0
    env = None
    if command in ("test", "regen", "bench"):
        reason = add_torch(python)
        if reason:
            print(f"Lesson 9 cannot run here{', so its tests are skipped' if command == 'test' else ''}: "
                  f"{reason}.", flush=True)
            env = {**os.environ, "MLP_LESSONS_NO_TORCH": reason}
    if command == "lab":
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return run([python, "-m", "jupyter", "lab", "--notebook-dir", str(ROOT / "notebooks"), *as_root, *rest])
    if command == "regen":
        return run([python, str(ROOT / "tools" / "regenerate_notebooks.py"), *rest], env)
    if command == "bench":
        return run([python, "-m", "benchmarks", *rest], env)
    if command == "playground":
        return run([python, "-m", "mlp_lessons.lecture", *rest])
    if command == "site":
        return run([python, "-m", "mlp_lessons.site", "--root", str(ROOT), *rest])
    if command == "grade":  # in the caller's folder, where the submissions' path is relative to
        return subprocess.run([python, "-m", "mlp_lessons.grading", *rest]).returncode
    return run([python, "-m", "pytest", *rest], env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
