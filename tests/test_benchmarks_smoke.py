"""The benchmark code runs, on tiny networks (a smoke test: nothing here is timed)."""

import json
import re
import statistics
import types

import nbformat
import numpy as np
import pytest

from benchmarks import bench_notebooks, bench_step, run, timing

TINY = bench_step.Net("tiny", (3, 4, 2), 5, ("tanh", "sigmoid"))
TINY_RELU = bench_step.Net("tiny-relu", (4, 3, 3, 2), 6, ("relu", "relu", "sigmoid"))


def test_batched_and_looped_steps_make_the_same_update():
    for net in (TINY, TINY_RELU):
        assert bench_step.check_same_update(net) < 1e-12


def test_batched_vs_loop_reports_a_speedup():
    r = bench_step.bench_batched_vs_loop(TINY, repeat=1, min_time=0)
    assert r["batched_s"] > 0 and r["loop_s"] > 0 and r["speedup"] > 0


def test_matmul_pairs_have_the_steps_shapes():
    params, X, _ = bench_step.make_problem(TINY_RELU)
    pairs = bench_step.step_matmuls(params, X, TINY_RELU)
    # forward and dW for each of the 3 layers, dA_prev for layers 3 and 2
    assert len(pairs) == 3 + 3 + 2
    assert [a.shape[0] for a, _ in pairs[:2]] == [3, 3]
    assert pairs[1][1].shape == (TINY_RELU.m, 4)  # dZ[1] @ A[0].T
    assert bench_step.matmul_flops(pairs) > 0
    r = bench_step.bench_matmul_share(TINY_RELU, np.float32, repeat=1, min_time=0)
    assert r["dtype"] == "float32" and r["share"] > 0


def test_profile_lists_the_busiest_functions():
    r = bench_step.profile_step(TINY, steps=3, top=4)
    assert r["us_per_step"] > 0 and len(r["top"]) == 4


def test_breakdown_parts_and_glue_add_up_to_the_step():
    r = bench_step.breakdown_step(TINY_RELU, repeat=1, min_time=0)
    assert len(r["parts"]) == 9 and r["parts"][-1]["part"].startswith("glue")
    assert abs(sum(p["seconds"] for p in r["parts"]) - r["step_s"]) < 1e-12


def test_validation_costs_at_most_about_twice_the_unchecked_step():
    """The real toy net (issue 20's goal is 2x; 3x here, since test machines are noisy)."""
    r = bench_step.bench_validation(repeat=5, min_time=0.02)
    assert r["goal"] == 2.0 and r["validated_s"] > r["unchecked_s"] > 0
    assert r["ratio"] < 3.0, r


def test_float32_stays_float32_end_to_end():
    assert bench_step.check_dtype_end_to_end(TINY_RELU) == []
    r = bench_step.bench_dtypes(TINY, repeat=1, min_time=0)
    assert r["float32_end_to_end"], r["problems"]


def test_dtype_check_catches_an_upcast(monkeypatch):
    import mlp_lessons.optim as optim

    real = optim.sgd_update
    monkeypatch.setattr(optim, "sgd_update",
                        lambda p, g, lr, check=True: {k: v.astype(np.float64) for k, v in real(p, g, lr, check).items()})
    assert any("float64" in problem for problem in bench_step.check_dtype_end_to_end(TINY, loss_names=["half_squared_error"],
                                                                                      activation_names=["relu"]))


def test_timing_helpers():
    rounds = {}
    t = timing.compare({"a": lambda: None, "b": lambda: sum(range(10))}, repeat=3, min_time=1e-3, rounds=rounds)
    assert set(t) == set(rounds) == {"a", "b"} and all(len(r) == 3 for r in rounds.values())
    assert all(t[name] == statistics.median(rounds[name]) for name in t)  # the median of the rounds
    # each round runs enough calls to last a millisecond, so a per-call time is never 0, and these calls take
    # well under a microsecond: under a millisecond even on a loaded machine
    assert all(0 < v < 1e-3 for v in t.values()), t
    assert timing.fmt_time(0.0123) == "12.3 ms" and timing.fmt_time(2.5e-5) == "25 us"
    assert "cpu" in timing.machine_info()
    assert run.table(["a", "bb"], [[1, 2]]).splitlines()[0] == "| a | bb |"


def test_main_prints_every_quick_section(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(run, "NETS", (TINY, TINY_RELU))
    monkeypatch.setattr(run, "TOY", TINY)
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    assert run.main(["--quick", "--repeat", "1", "--only", "batch,matmul,profile,validation,dtype"]) == 0
    out = capsys.readouterr().out
    for heading in ("## 1.", "## 2.", "## Profile", "## Where", "## Validation", "## 3.", "## Summary"):
        assert heading in out
    saved = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert {"machine", "batch", "matmul", "profile", "breakdown", "validation", "dtype"} <= set(saved)


def test_json_option_writes_the_numbers(monkeypatch, tmp_path):
    monkeypatch.setattr(run, "NETS", (TINY,))
    path = tmp_path / "out.json"
    assert run.main(["--quick", "--repeat", "1", "--only", "batch", "--json", str(path)]) == 0
    assert json.loads(path.read_text())["batch"][0]["net"] == "tiny"


def test_playground_section_prints_the_medians_measure_returns(monkeypatch):
    fake = types.SimpleNamespace(measure=lambda repeats: {
        "largest [7, 32, 1]: control change to redraw": 0.1,
        "defaults: redraws per second while training, from the frame and the loop's 0.02 s pause": 12.5,
    }, GOAL_SECONDS=0.2, GOAL_REDRAWS_PER_SECOND=10)
    monkeypatch.setattr(run.importlib, "import_module", lambda name, package=None: fake)
    report = run.Report()
    run.section_playground(report, 1)
    run.section_summary(report)
    text = re.sub(" +", " ", "\n".join(report.text))  # the tables pad their columns
    assert "| largest [7, 32, 1]: control change to redraw | 100 ms |" in text
    assert "pause | 12.5 /s |" in text
    assert "| playground control change to redraw < 200 ms (largest, every neuron's map) | 100 ms | met |" in text
    assert "| playground redraws while training >= 10 /s (defaults) | 12.5 /s | met |" in text


def test_notebook_timing_runs_a_copy(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), broken)
    before = path.read_text()
    ok, failed = bench_notebooks.bench_notebooks([path, broken], timeout=60)
    assert ok["status"] == "ok" and ok["seconds"] > 0
    assert failed["status"].startswith("FAILED")
    assert path.read_text() == before  # the original is never rewritten


def test_unknown_section_is_refused():
    with pytest.raises(SystemExit):
        run.main(["--only", "nonsense"])


def test_ab_step_compares_with_an_earlier_commit(capsys):
    from benchmarks import ab_step

    assert ab_step.main(["HEAD", "--rounds", "1"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| toy") or line.startswith("| MNIST")]
    assert len(rows) == 2
