"""Run the mlp_lessons benchmarks and print their tables.

    python -m benchmarks                      everything (about 5 minutes: the test suite is last)
    python -m benchmarks --only batch,matmul  some sections: batch, matmul, profile, dtype,
                                              playground, notebooks, tests
    python -m benchmarks --quick              fewer, shorter rounds; no notebooks, no test suite
    python -m benchmarks --threads 1          let BLAS use one thread (steadier on a busy machine)
    python -m benchmarks --clock cpu          CPU time instead of wall time (busy machines)
    python -m benchmarks --variants           sections 1-2 with OPENBLAS_CORETYPE unset and/or
                                              glibc's MALLOC_TOP_PAD_ set, each in a fresh process

Every time is the median of repeated rounds after a warm-up; every ratio
compares two things timed in alternating rounds of the same run.  The tables
are pipe tables (they paste into Markdown) and are also saved, with the raw
numbers, to benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # `python benchmarks/run.py` works as well as `python -m benchmarks`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from .bench_notebooks import bench_notebooks, bench_test_suite  # noqa: E402
from .bench_step import (  # noqa: E402
    NETS,
    TOY,
    bench_batched_vs_loop,
    bench_dtypes,
    bench_matmul_share,
    VALIDATION_GOAL,
    bench_validation,
    breakdown_step,
    profile_step,
)
from .timing import fmt_time, machine_info, set_blas_threads, use_clock  # noqa: E402

SECTIONS = ("batch", "matmul", "profile", "validation", "dtype", "playground", "notebooks", "tests")
RESULTS = Path(__file__).resolve().parent / "results"


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def verdict(value: float, goal: float) -> str:
    return "met" if value >= goal else "not met"


def faults(value) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def net_name(layer_sizes) -> str:
    return "[" + ", ".join(str(n) for n in layer_sizes) + "]"


class Report:
    """Prints each section as it finishes and keeps the text and numbers for results/."""

    def __init__(self):
        self.text: list[str] = []
        self.data: dict = {}

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.text.append(text)

    def save(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        (RESULTS / f"{stamp}.txt").write_text("\n".join(self.text) + "\n")
        (RESULTS / f"{stamp}.json").write_text(json.dumps(self.data, indent=2, default=str) + "\n")
        return RESULTS / f"{stamp}.txt"


def section_batch(report: Report, repeat: int, min_time: float) -> None:
    rows = []
    results = []
    for net in NETS:
        r = bench_batched_vs_loop(net, repeat, min_time)
        results.append(r)
        rows.append([net_name(r["layer_sizes"]), r["m"], fmt_time(r["batched_s"]), fmt_time(r["loop_s"]),
                     f"{r['speedup']:.0f}x", "{:.0f}-{:.0f}x".format(*r["speedup_range"]),
                     f">= 30x: {verdict(r['speedup'], 30)}", f"{r['max_abs_diff']:.0e}"])
    report.data["batch"] = results
    report.say("## 1. Batched step vs one example at a time (float64)")
    report.say("forward + loss + backward + update on m columns (train_step), against a Python loop over")
    report.say("the m columns with the same functions at m = 1, gradients averaged, one update.")
    report.say()
    report.say(table(["network", "m", "batched step", "loop over m", "speed-up", "rounds' range", "goal",
                      "max |diff|"], rows))
    report.say()


def section_matmul(report: Report, repeat: int, min_time: float) -> None:
    import numpy as np

    rows = []
    results = []
    for net in NETS:
        for dtype in (np.float64, np.float32):
            r = bench_matmul_share(net, dtype, repeat, min_time)
            results.append(r)
            goal = f">= 0.6: {verdict(r['share'], 0.6)}" if (net.label != TOY.label and dtype is np.float64) else ""
            rows.append([net_name(net.layer_sizes), r["dtype"], fmt_time(r["step_s"]), fmt_time(r["matmul_s"]),
                         f"{r['share']:.2f}", "{:.2f}-{:.2f}".format(*r["share_range"]), f"{r['matmul_gflops']:.1f}",
                         faults(r["page_faults_per_step"]), goal])
    report.data["matmul"] = results
    report.say("## 2. Matrix products' share of a step")
    report.say("the step's 8 products alone (same shapes and transposes) / the whole step.")
    report.say()
    report.say(table(["network", "dtype", "step", "products only", "share", "rounds' range", "GFLOP/s in products",
                      "page faults / step", "goal"], rows))
    report.say()


def section_profile(report: Report, steps: int) -> None:
    r = profile_step(TOY, steps=steps)
    report.data["profile"] = r
    report.say(f"## Profile of the toy step ({net_name(TOY.layer_sizes)}, m = {TOY.m}, cProfile, {steps} steps)")
    report.say(f"{r['calls_per_step']:.0f} profiled calls per step.  Own time includes the numpy calls a function makes")
    report.say(f"(cProfile does not see ufuncs).  The profiler's measured {r['profiler_us_per_call']:.2f} us per call is")
    report.say(f"subtracted, but its figures ({r['us_per_step']:.0f} us per step) stay approximate; the next table times")
    report.say("each part with no profiler at all.")
    report.say()
    rows = [[t["function"], f"{t['share']:.0%}", f"{t['us_per_step']:.1f}", f"{t['calls_per_step']:g}"]
            for t in r["top"]]
    report.say(table(["function (own time)", "share", "us / step", "calls / step"], rows))
    report.say()


def section_breakdown(report: Report, repeat: int, min_time: float) -> None:
    r = breakdown_step(TOY, repeat, min_time)
    report.data["breakdown"] = r
    report.say(f"## Where the toy step's {fmt_time(r['step_s'])} go (each part timed on its own, float64)")
    report.say()
    rows = [[p["part"], fmt_time(p["seconds"]), f"{p['share']:.0%}"] for p in r["parts"]]
    report.say(table(["part (all layers)", "time", "share of the step"], rows))
    report.say()


def section_validation(report: Report, repeat: int, min_time: float) -> None:
    r = bench_validation(TOY, repeat, min_time)
    report.data["validation"] = r
    report.say(f"## Validation: the toy step through the checked public calls ({net_name(TOY.layer_sizes)}, m = {TOY.m})")
    report.say("forward, the loss, backward and sgd_update as a student calls them, against check=False.")
    report.say()
    report.say(table(["validated", "check=False", "validated / unchecked", "round range", "goal"],
                     [[fmt_time(r["validated_s"]), fmt_time(r["unchecked_s"]), f"{r['ratio']:.2f}x",
                       f"{r['range'][0]:.2f}-{r['range'][1]:.2f}", f"<= {r['goal']:g}x: {verdict(-r['ratio'], -r['goal'])}"]]))
    report.say()


def section_dtype(report: Report, repeat: int, min_time: float) -> None:
    rows = []
    results = []
    for net in NETS:
        r = bench_dtypes(net, repeat, min_time)
        results.append(r)
        rows.append([net_name(net.layer_sizes), fmt_time(r["float64_s"]), fmt_time(r["float32_s"]),
                     f"{r['speedup']:.2f}x", "yes" if r["float32_end_to_end"] else "NO"])
    report.data["dtype"] = results
    report.say("## 3. float32 vs float64 (batched step)")
    report.say("float32 end to end = parameters, every A and Z, dJ/dA[L], every gradient and the update stay")
    report.say("float32, checked for every activation and loss through forward, backward, sgd_update, train.")
    report.say()
    report.say(table(["network", "float64", "float32", "float64 / float32", "float32 end to end"], rows))
    for r in results:
        for problem in r["problems"][:10]:
            report.say(f"  upcast: {problem}")
    report.say()


def section_playground(report: Report, repeats: int) -> None:
    report.say("## 5. Playground: control change to finished redraw (benchmarks/bench_playground.py)")
    try:
        module = importlib.import_module(".bench_playground", __package__)
    except ModuleNotFoundError:
        report.say("pending: benchmarks/bench_playground.py (from the playground issue) does not exist yet.")
        report.say()
        return
    result = module.measure(repeats=repeats)
    report.data["playground"] = result
    goal = getattr(module, "GOAL_SECONDS", None)
    rows = [[name, (f"{v:.1f} /s" if "per second" in name else fmt_time(v)) if isinstance(v, (int, float)) else v]
            for name, v in result.items()]
    report.say(f"median of {repeats} changes; goals: under {fmt_time(goal)} for the largest network, "
               f"{getattr(module, 'GOAL_REDRAWS_PER_SECOND', 10)} redraws a second while training" if goal else "")
    report.say()
    report.say(table(["action", "median"], rows))
    report.say()


def section_notebooks(report: Report) -> None:
    results = bench_notebooks()
    report.data["notebooks"] = results
    report.say("## 4a. Each notebook in a fresh kernel (a temporary copy; nothing committed is rewritten)")
    report.say()
    if not results:
        report.say("no notebooks found under notebooks/.")
    else:
        rows = [[r["notebook"], f"{r['seconds']:.1f} s", r["status"]] for r in results]
        rows.append(["total", f"{sum(r['seconds'] for r in results):.1f} s", ""])
        report.say(table(["notebook", "run time", "status"], rows))
    report.say()


def section_tests(report: Report) -> None:
    r = bench_test_suite()
    report.data["tests"] = r
    report.say("## 4b. The whole test suite, once")
    report.say()
    report.say(table(["command", "run time", "result"],
                     [[r["command"].strip(), f"{r['seconds']:.0f} s", r["summary"]]]))
    report.say()


# The same sections under other settings of this machine, each in a fresh process
# (OpenBLAS and glibc read these variables once, at start-up).
VARIANTS = [
    ("as set up", {}, []),
    ("OPENBLAS_CORETYPE unset: OpenBLAS picks the CPU's own kernel", {}, ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]),
    ("MALLOC_TOP_PAD_=64 MiB: glibc keeps freed memory, no page faults", {"MALLOC_TOP_PAD_": str(64 << 20)}, []),
    ("both", {"MALLOC_TOP_PAD_": str(64 << 20)}, ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]),
]


def section_variants(report: Report, passthrough: list[str]) -> None:
    import os
    import subprocess
    import tempfile

    rows = []
    results = []
    for label, extra, unset in VARIANTS:
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env.update(extra)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "variant.json"
            command = [sys.executable, "-m", "benchmarks", "--only", "batch,matmul", "--json", str(path), *passthrough]
            done = subprocess.run(command, cwd=Path(__file__).resolve().parent.parent, env=env,
                                  capture_output=True, text=True)
            if done.returncode != 0 or not path.exists():
                rows.append([label, "failed", "", "", "", "", "", ""])
                continue
            data = json.loads(path.read_text())
        results.append({"variant": label, **data})
        toy, big = data["batch"][0], data["batch"][-1]
        share = next(r for r in data["matmul"] if r["net"] == big["net"] and r["dtype"] == "float64")
        rows.append([label, data["machine"]["blas"].split("kernel ")[-1].split(",")[0],
                     f"{toy['speedup']:.0f}x", f"{big['speedup']:.0f}x", fmt_time(big["batched_s"]),
                     f"{share['share']:.2f}", f"{share['matmul_gflops']:.0f}", faults(share["page_faults_per_step"])])
    report.data["variants"] = results
    report.say("## Variants: sections 1 and 2 again under other settings of this machine (fresh processes)")
    report.say()
    report.say(table(["setting", "BLAS kernel", "toy speed-up", "MNIST speed-up", "MNIST step", "MNIST share",
                      "GFLOP/s", "page faults / step"], rows))
    report.say()


def section_summary(report: Report) -> None:
    """One table of the goals (issue 6) against what this run measured."""
    d = report.data
    rows = []
    for r in d.get("batch", []):
        rows.append([f"batched step >= 30x a loop over examples, {net_name(r['layer_sizes'])}",
                     f"{r['speedup']:.0f}x", verdict(r["speedup"], 30)])
    for r in d.get("matmul", []):
        if r["net"] != TOY.label and r["dtype"] == "float64":
            rows.append([f"products >= 0.6 of the {r['net']} step (float64)", f"{r['share']:.3f}",
                         verdict(r["share"], 0.6)])
    if d.get("validation"):
        v = d["validation"]
        rows.append([f"validated toy step <= {VALIDATION_GOAL:g}x the unchecked one", f"{v['ratio']:.2f}x",
                     verdict(-v["ratio"], -VALIDATION_GOAL)])
    for r in d.get("dtype", []):
        rows.append([f"float32 end to end, {r['net']}", "yes" if r["float32_end_to_end"] else "NO",
                     "met" if r["float32_end_to_end"] else "not met"])
    playground = d.get("playground") or {}
    largest = next(((k, v) for k, v in playground.items() if k.startswith("largest") and "control change" in k), None)
    if largest:
        rows.append(["playground control change to redraw < 200 ms (largest, every neuron's map)",
                     fmt_time(largest[1]), "met" if largest[1] < 0.2 else "not met"])
    rate = next((v for k, v in playground.items() if "per second" in k and "from the frame" in k), None)
    if rate is not None:
        rows.append(["playground redraws while training >= 10 /s (defaults)", f"{rate:.1f} /s",
                     "met" if rate >= 10 else "not met"])
    if d.get("notebooks"):
        rows.append(["every notebook, fresh kernels, in all", f"{sum(r['seconds'] for r in d['notebooks']):.1f} s",
                     "all ran" if all(r["status"] == "ok" for r in d["notebooks"]) else "some FAILED"])
    if d.get("tests"):
        rows.append(["python run.py test", f"{d['tests']['seconds']:.0f} s", d["tests"]["summary"]])
    if rows:
        report.say("## Summary")
        report.say()
        report.say(table(["goal", "measured", ""], rows))
        report.say()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="mlp_lessons benchmarks")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections, from: {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="short rounds; skips notebooks and tests")
    parser.add_argument("--repeat", type=int, default=None, help="rounds per timing (default 9; quick 3)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (via threadpoolctl, or numpy's OpenBLAS directly)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default), or this process's CPU time: steadier on a busy machine")
    parser.add_argument("--variants", action="store_true",
                        help="only sections 1-2, under each setting in VARIANTS (OPENBLAS_CORETYPE, MALLOC_TOP_PAD_)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw numbers to this file")
    args = parser.parse_args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")
    if args.quick:
        sections = [s for s in sections if s not in ("notebooks", "tests")]
    repeat = args.repeat or (3 if args.quick else 9)
    min_time = 0.01 if args.quick else 0.1

    if args.threads is not None:
        try:
            set_blas_threads(args.threads)
        except RuntimeError as error:
            parser.error(str(error))
    use_clock(args.clock)
    report = Report()
    info = machine_info()
    report.data["machine"] = info
    report.data["when"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    report.say(f"# mlp_lessons benchmarks, {report.data['when']}")
    for key, value in info.items():
        report.say(f"- {key}: {value}")
    report.say(f"- rounds: median of {repeat}, each at least {min_time * 1000:.0f} ms of {args.clock} time, "
               f"after a warm-up")
    report.say()

    if args.variants:
        passthrough = ["--clock", args.clock, "--repeat", str(repeat)] + (["--quick"] if args.quick else [])
        passthrough += ["--threads", str(args.threads)] if args.threads is not None else []
        section_variants(report, passthrough)
        sections = []
    if "batch" in sections:
        section_batch(report, repeat, min_time)
    if "matmul" in sections:
        section_matmul(report, repeat, min_time)
    if "profile" in sections:
        section_profile(report, 300 if args.quick else 3000)
        section_breakdown(report, repeat, min_time)
    if "validation" in sections:
        section_validation(report, repeat, min_time)
    if "dtype" in sections:
        section_dtype(report, repeat, min_time)
    if "playground" in sections:
        section_playground(report, 3 if args.quick else 15)
    if "notebooks" in sections:
        section_notebooks(report)
    if "tests" in sections:
        section_tests(report)
    section_summary(report)
    if args.json is not None:
        args.json.write_text(json.dumps(report.data, indent=2, default=str) + "\n")
        return 0
    saved = report.save()
    print(f"(saved to {saved.relative_to(saved.parents[2])} and .json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
