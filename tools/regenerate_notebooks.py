"""Re-execute lesson notebooks in a fresh kernel and save their outputs in place.

    python tools/regenerate_notebooks.py                      every notebooks/**/*.ipynb
    python tools/regenerate_notebooks.py notebooks/02_backprop.ipynb ...

Each notebook runs top to bottom in its own fresh kernel, with its own folder as
the working directory, using the Python of the environment that runs this
script (the same kernel `pytest --nbval-current-env` uses), so the stored
outputs are exactly what the nbval tests will compare against.
`python run.py regen` calls this script.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import ipykernel.kernelspec
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300


class CurrentEnvKernelSpecs(KernelSpecManager):
    """Every kernel name resolves to ipykernel running on this interpreter."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(
            resource_dir=ipykernel.kernelspec.RESOURCES,
            **ipykernel.kernelspec.get_kernel_dict(),
        )


def default_notebooks() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "notebooks").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


def regenerate(path: Path, timeout: int = TIMEOUT_SECONDS) -> float:
    """Execute the notebook at `path` in place; return the run time in seconds."""
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecs())
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute(cwd=str(path.parent))
    finally:
        # nbclient leaves a kernel manager it did not create running; stop it here.
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/**/*.ipynb)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT_SECONDS,
                        help=f"seconds allowed per cell (default {TIMEOUT_SECONDS})")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or default_notebooks()
    if not paths:
        print("No notebooks found under notebooks/.")
        return 1
    failed = []
    for path in paths:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        try:
            seconds = regenerate(path, args.timeout)
        except CellExecutionError as error:
            print(f"FAILED  {shown}\n{error}", flush=True)
            failed.append(shown)
            continue
        print(f"{seconds:6.1f} s  {shown}", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed: " + ", ".join(map(str, failed)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
