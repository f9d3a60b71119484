"""A/B: the training step of the package now against the package at an earlier commit.

    python -m benchmarks.ab_step a98c90a          # before the fused sigmoid + cross-entropy

Both versions are imported side by side (the older one from `git archive` into a
temporary folder, renamed), and each round times both, in alternating order, in
CPU time of this thread (time.thread_time), so other work on the machine inflates
neither.  Prints the median per-step time of each and the median of the per-round
ratios now/then, for the benchmark nets (sigmoid output, binary cross-entropy).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from .bench_step import NETS, make_problem

ROOT = Path(__file__).resolve().parent.parent


def import_at(rev: str, folder: Path):
    """mlp_lessons as it was at git revision `rev`, imported as mlp_lessons_at_rev."""
    archive = subprocess.run(["git", "archive", rev, "mlp_lessons"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data") if sys.version_info >= (3, 12) else tar.extractall(folder)
    (folder / "mlp_lessons").rename(folder / "mlp_lessons_at_rev")
    sys.path.insert(0, str(folder))
    return importlib.import_module("mlp_lessons_at_rev")


def time_steps(package, net, params, X, Y, steps: int) -> float:
    loss = package.get_loss(net.loss)
    step = package.training.train_step
    # as train() and Run call it: arguments checked once before the loop, not at every step
    unchecked = {"check": False} if "check" in inspect.signature(step).parameters else {}
    p = params
    start = time.thread_time()
    for _ in range(steps):
        p, _ = step(p, X, Y, list(net.activations), loss, net.lr, **unchecked)
    return (time.thread_time() - start) / steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", help="the earlier commit, e.g. a98c90a")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args(argv)
    import mlp_lessons as now

    with tempfile.TemporaryDirectory() as folder:
        then = import_at(args.rev, Path(folder))
        print(f"| net | step at {args.rev} | step now | median ratio now/then | range of round ratios |")
        print("| --- | --- | --- | --- | --- |")
        for net in NETS:
            params, X, Y = make_problem(net)
            steps = max(5, int(0.1 / max(time_steps(now, net, params, X, Y, 3), 1e-6)))
            t_then, t_now, ratios = [], [], []
            for r in range(args.rounds):
                pair = [(then, t_then), (now, t_now)][:: 1 if r % 2 else -1]
                for package, times in pair:
                    times.append(time_steps(package, net, params, X, Y, steps))
                ratios.append(t_now[-1] / t_then[-1])
            print(f"| {net.label} | {np.median(t_then) * 1e6:.0f} us | {np.median(t_now) * 1e6:.0f} us | "
                  f"{np.median(ratios):.3f} | {min(ratios):.2f}-{max(ratios):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
