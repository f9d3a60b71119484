"""Medians of repeated runs, interleaved comparisons, and what machine this is."""

from __future__ import annotations

import ctypes
import glob
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# The clock every timing reads: wall time by default; `python -m benchmarks --clock cpu`
# switches to this process's CPU time, which a busy shared machine disturbs less
# (use it with --threads 1, since idle BLAS threads spinning count as CPU time).
CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def use_clock(name: str) -> None:
    global clock
    clock = CLOCK[name]


def _calls_per_round(fn, min_time: float) -> int:
    """How many calls make one round last at least min_time seconds (at least 1)."""
    number = 1
    while True:
        start = clock()
        for _ in range(number):
            fn()
        elapsed = clock() - start
        if elapsed >= min_time or min_time <= 0:
            return number
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9) * 1.2))


def compare(fns: dict, repeat: int = 7, min_time: float = 0.05, rounds: dict | None = None) -> dict:
    """Time several callables in interleaved rounds; return {name: median seconds per call}.

    Each fn is warmed up (the calibration calls), then the rounds alternate
    between them, so a burst of load from another process hits all of them
    alike.  Ratios taken from these medians are measured in the same run.
    Pass a dict as `rounds` to receive every round's seconds per call.
    """
    numbers = {name: _calls_per_round(fn, min_time) for name, fn in fns.items()}
    samples = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            n = numbers[name]
            start = clock()
            for _ in range(n):
                fn()
            samples[name].append((clock() - start) / n)
    if rounds is not None:
        rounds.update(samples)
    return {name: statistics.median(s) for name, s in samples.items()}


def ratio_range(numerators: list, denominators: list) -> tuple[float, float]:
    """Lowest and highest round-by-round ratio: how much the rounds disagreed."""
    ratios = [a / b for a, b in zip(numerators, denominators)]
    return min(ratios), max(ratios)


def fmt_time(seconds: float) -> str:
    """1.23 s, 45.6 ms, 78.9 us: three significant figures in a readable unit."""
    if seconds != seconds:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{seconds / 1e-9:.0f} ns"


def blas_info() -> dict:
    """The BLAS numpy uses at run time: library, version, CPU kernel, threads."""
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                return {
                    "library": f"{info.get('internal_api')} {info.get('version')}",
                    "kernel": info.get("architecture") or "?",
                    "threads": info.get("num_threads"),
                }
    except ImportError:
        pass
    # Without threadpoolctl, ask numpy's bundled OpenBLAS directly.
    lib = _bundled_openblas()
    try:
        corename = lib.scipy_openblas_get_corename64_
        corename.restype = ctypes.c_char_p
        threads = lib.scipy_openblas_get_num_threads64_()
        return {"library": "openblas", "kernel": corename().decode(), "threads": threads}
    except AttributeError:
        pass
    return {"library": "unknown", "kernel": "?", "threads": "?"}


def _bundled_openblas():
    """numpy's own OpenBLAS, opened with ctypes (for machines without threadpoolctl)."""
    for path in glob.glob(str(Path(np.__file__).parent.parent / "numpy.libs" / "libscipy_openblas*.so*")):
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def set_blas_threads(n: int) -> None:
    """Let BLAS use n threads from now on (threadpoolctl if installed, else numpy's OpenBLAS directly)."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=n, user_api="blas")
        return
    except ImportError:
        pass
    lib = _bundled_openblas()
    if lib is None or not hasattr(lib, "scipy_openblas_set_num_threads64_"):
        raise RuntimeError("cannot set BLAS threads here: install threadpoolctl, or set OPENBLAS_NUM_THREADS")
    lib.scipy_openblas_set_num_threads64_(ctypes.c_int(n))


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict:
    blas = blas_info()
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": f"{blas['library']}, kernel {blas['kernel']}, {blas['threads']} threads",
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?",
    }
