"""A long class session: playgrounds made, shown, trained and dropped again and again must not pile up in memory."""

import gc
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import pytest

import mlp_lessons as ml
from mlp_lessons.figures import lifetime
from mlp_lessons.figures.plots import draw_network

ROOT = Path(__file__).resolve().parents[1]

# A student re-running the playground cell: each playground drawn, shown with its widgets (as the
# lesson's cell shows it), trained a few epochs and drawn again, then dropped.  Before the fix
# every one kept about 3 MB (5 MB with its widgets): 50 of them, 165 MB (270 MB with widgets).
MEMORY_SCRIPT = textwrap.dedent("""
    import ctypes, gc, sys, weakref
    import matplotlib
    matplotlib.use("Agg")
    import mlp_lessons as ml
    from ipywidgets.widgets.widget import _instances

    def rss_mb():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))

    def one():
        pg = ml.playground(dataset="spirals", hidden=[8, 8], epochs=3)
        pg._repr_mimebundle_()  # the widgets, as the lesson's cell shows them
        pg.png()
        pg.controls.buttons["epoch"].click()
        pg.train(2)
        pg.png()
        return weakref.ref(pg), weakref.ref(pg.view.figure)

    def settle():
        gc.collect(); gc.collect()  # the second: what the first closed (a playground's widgets)
        try:  # hand freed memory back to the system, so that RSS counts what is alive
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass

    for _ in range(10):  # warm up: fonts, matplotlib's text caches, the allocator's pools
        one()
    settle()
    before, widgets = rss_mb(), len(_instances)
    for _ in range(50):
        pg, figure = one()
    settle()
    print(before, rss_mb(), widgets, len(_instances), pg() is None, figure() is None)
""")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the resident memory from /proc")
def test_fifty_playgrounds_made_and_dropped_leave_memory_flat():
    result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    before, after, widgets_before, widgets_after, pg_freed, figure_freed = result.stdout.split()
    assert pg_freed == "True" and figure_freed == "True"
    assert widgets_after == widgets_before  # every widget closed with its playground
    # (measured: +2 MB on Python 3.11, +16 MB on 3.13, whose allocator keeps more; +270 MB before the fix)
    assert float(after) - float(before) < 30, f"RSS {before} MB -> {after} MB after 50 playgrounds"


def test_a_dropped_playground_frees_its_figure_and_closes_its_widgets():
    pg = ml.playground(dataset="xor", hidden=[4])
    pg.widget  # noqa: B018  (the controls, built)
    pg.train(2).png()
    figure, box, ref = weakref.ref(pg.view.figure), pg.controls.box, weakref.ref(pg)
    del pg
    gc.collect()
    assert ref() is None and figure() is None
    assert box.comm is None  # closed: ipywidgets' registry lets it go


def test_a_dropped_playground_on_own_points_frees_its_figure_and_closes_its_widgets():
    """The own-points controls (Undo, Clear, Load, Save, the clickable picture) hold it only weakly too."""
    X, Y = ml.moons(m=40, noise=0.1, seed=0)
    pg = ml.playground(data=(X, Y), hidden=[4])
    pg.widget  # noqa: B018  (the controls, with the own-points row and the picture)
    pg.train(2).png()
    figure, box, ref = weakref.ref(pg.view.figure), pg.controls.points.box, weakref.ref(pg)
    del pg
    gc.collect()
    assert ref() is None and figure() is None
    assert box.comm is None


def test_what_plots_draw_on_an_axes_goes_with_its_figure():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    draw_network(ax, [2, 3, 1], ml.init_params([2, 3, 1], seed=0))
    ref = weakref.ref(fig)
    del fig, ax
    gc.collect()
    assert ref() is None


def test_a_cell_run_again_closes_what_it_showed_before():
    first, second = ml.playground(hidden=[2]), ml.playground(hidden=[2])
    for pg in (first, second):
        pg.widget  # noqa: B018
    lifetime.close_on_rerun(first, ("cell-a", 1))
    lifetime.close_on_rerun(second, ("cell-a", 1))  # the same run shows two: both stay
    assert first.controls is not None and second.controls is not None
    third = ml.playground(hidden=[2])
    lifetime.close_on_rerun(third, ("cell-a", 2))  # the cell ran again
    assert first.controls is None and second.controls is None and lifetime._SHOWN["cell-a"] == (2, [third])
    assert first.train(1).epochs == 1 and first.png()[:4] == b"\x89PNG"  # a closed playground still works
    del lifetime._SHOWN["cell-a"]


def test_a_playground_displayed_in_a_front_end_without_cell_ids_keeps_answering():
    """Voila, nbclient and the classic Notebook send no cell id: nothing says when a cell runs again,
    so a playground shown there is kept (its widgets reach it only weakly); before, the next garbage
    collection took it and its buttons did nothing."""
    from jupyter_client.manager import KernelManager

    from helpers import kernel_spec_manager

    km = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_spec_manager())
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    try:
        def run(code):
            reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: out.append(m))
            assert reply["content"]["status"] == "ok", reply["content"]
        out = []
        run("import gc, mlp_lessons as ml\nfrom IPython.display import display\n"
            "display(ml.playground(dataset='xor', hidden=[4]))")  # shown, not assigned
        out.clear()
        run("gc.collect()\nfrom ipywidgets import Button, Widget\n"
            "button = next(w for w in list(Widget.widgets.values()) if isinstance(w, Button) and w.description == '+1 epoch')\n"
            "button.click()\n"
            "pgs = [o for o in gc.get_objects() if type(o).__name__ == 'Playground']\n"
            "print(len(pgs), pgs[0].epochs)")
        text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream"
                       and m["content"].get("name") == "stdout")
        assert text.split() == ["1", "1"], text  # one playground, alive, and its button trained one epoch
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_slider_figure_closed_by_a_rerun_says_so_when_shown_again():
    from mlp_lessons.figures.backward_signal import backward_signal_widget

    figure = backward_signal_widget()
    figure._repr_mimebundle_()
    figure.close()
    assert figure._repr_mimebundle_() == {"text/plain": "This figure was closed when the cell that showed it ran "
                                                        "again: run that cell to see it."}
