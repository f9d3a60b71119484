"""The numbers the lessons print do not depend on this machine's BLAS.

A student's laptop, Binder and CI run other BLAS kernels with other summation
orders, so a number printed to more digits than the computation is stable for,
or a chaotic run printed step by step, passes nbval here and fails there.  This
runs every notebook under strict nbval again with OpenBLAS forced onto an older
kernel (Prescott: no AVX, so other blocking and summation order) and one thread.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def uses_openblas() -> bool:
    try:
        config = np.show_config(mode="dicts")
    except TypeError:  # numpy < 1.26 prints only
        return False
    return "openblas" in str(config.get("Build Dependencies", {}).get("blas", {})).lower()


@pytest.mark.skipif(not uses_openblas(), reason="numpy is not built with OpenBLAS here, so its kernel cannot be switched")
def test_every_notebook_prints_the_same_numbers_on_another_blas_kernel():
    env = dict(os.environ, OPENBLAS_CORETYPE="Prescott", OPENBLAS_NUM_THREADS="1")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "notebooks"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, (
        "A notebook prints different numbers with another BLAS kernel (OPENBLAS_CORETYPE=Prescott, "
        "one thread). Print fewer digits, or tag the cell nbval-ignore-output and print a robust "
        "summary instead:\n" + run.stdout[-4000:]
    )
