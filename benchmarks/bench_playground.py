"""How quickly the playground answers a control: from a new value to the finished redraw.

    python -m benchmarks.bench_playground            # prints medians in ms
    python -m benchmarks.bench_playground --repeats 31

A change of any control starts a new run with the new settings (new data,
weights from the seed, epoch 0) and redraws the picture: decision boundary,
network diagram, loss curves, rendered to PNG bytes in the Image widget.  We
time exactly that, by setting the control's .value the way a slider move
does, for the default settings and for the largest network (4 hidden layers
of 32).  Sending the PNG to the browser is not included (no kernel here).
Goal: under 200 ms median for the defaults.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

from mlp_lessons.playground_widget import MAX_HIDDEN_LAYERS, MAX_WIDTH, Playground

GOAL_SECONDS = 0.200


def _control_changes(pg: Playground):
    """An endless cycle of (control, value) moves that each change a setting."""
    c = pg.controls
    lr = c["lr"].value
    moves = [
        ("lr", lr * 2), ("lr", lr),
        ("width1", c["width1"].value - 1), ("width1", c["width1"].value),
        ("noise", 0.2), ("noise", c["noise"].value),
        ("seed", 1), ("seed", c["seed"].value),
        ("activation", "relu"), ("activation", c["activation"].value),
        ("batch_size", 32), ("batch_size", c["batch_size"].value),
    ]
    return itertools.cycle(moves)


def _median_change(pg: Playground, repeats: int) -> float:
    moves = _control_changes(pg)
    samples = []
    for _ in range(repeats):
        name, value = next(moves)
        start = time.perf_counter()
        pg.controls[name].value = value  # the observer resets and redraws before this returns
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _median_step(pg: Playground, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        pg.buttons["step"].click()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(repeats: int = 15) -> dict:
    """Median seconds per action: {"defaults: control change to redraw": s, ...}."""
    results = {}
    for label, settings in [
        ("defaults", {}),
        ("largest", dict(hidden=[MAX_WIDTH] * MAX_HIDDEN_LAYERS)),
    ]:
        pg = Playground(**settings)
        pg.widget  # build the controls and draw once (the first draw lays out the figure)
        pg.train(20)
        sizes = pg.layer_sizes
        results[f"{label} {sizes}: control change to redraw"] = _median_change(pg, repeats)
        results[f"{label} {sizes}: Step (one epoch) to redraw"] = _median_step(pg, repeats)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    results = measure(args.repeats)
    for name, seconds in results.items():
        print(f"{name:62s} {seconds * 1e3:7.1f} ms")
    default = next(v for k, v in results.items() if k.startswith("defaults") and "control" in k)
    verdict = "meets" if default < GOAL_SECONDS else "misses"
    print(f"median for the defaults {default * 1e3:.1f} ms {verdict} the goal of {GOAL_SECONDS * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
