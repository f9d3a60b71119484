"""Widgets that do not keep what they show alive, so that a re-run cell frees its figures.

Two things in a kernel outlive a cell's variables: ipywidgets keeps every widget, with
its callbacks, until the widget is closed, and IPython keeps every cell's result in Out.
A playground or a slider figure shown by a cell that a student runs again and again
would so keep every earlier one, each with its figure (a few MB), until the kernel
runs out of memory.  Hence:

- weakly(obj.method): a widget's callback reaching obj through a weak reference, so that
  the widget keeps nothing alive (obj closes its widgets when it goes: close_with);
- close_widgets(widget): close a widget and all it holds (children, layout, style);
- close_on_rerun(obj): when the notebook cell that showed obj runs again, obj.close()
  (its widgets closed, its figure freed; a playground still works and can be shown again,
  a slider figure shown again says to run its cell).
  This needs the cell ids JupyterLab and Notebook 7 send; where none come (Voila, nbclient,
  the classic Notebook), what was shown is kept for the kernel's life, as ipywidgets would.
"""

from __future__ import annotations

import sys
import weakref

# cell id -> (the execution count of its latest run, what that run showed): kept (so a
# playground shown but not assigned still answers its controls) until the cell runs again.
_SHOWN: dict = {}
# what was shown where the front end sends no cell ids: kept for as long as the kernel runs (its widgets
# reach it only weakly, so without this it would go at the next garbage collection and its controls die)
_KEPT: list = []


def weakly(method):
    """A callback that calls method (a bound method) while its object lives, and else does nothing."""
    ref = weakref.WeakMethod(method)

    def callback(*args, **kwargs):
        bound = ref()
        return None if bound is None else bound(*args, **kwargs)

    return callback


def close_widgets(widget) -> None:
    """Close widget, its children, layout and style (ipywidgets' registry then lets them go)."""
    from ipywidgets import Widget

    seen, todo = set(), [widget]
    while todo:
        w = todo.pop()
        if not isinstance(w, Widget) or id(w) in seen:
            continue
        seen.add(id(w))
        for name in w.keys:
            value = getattr(w, name, None)
            todo.extend(value if isinstance(value, (list, tuple)) else [value])
        w.close()


def close_with(owner, widget) -> None:
    """Close widget (and all it holds) when owner is garbage collected."""
    weakref.finalize(owner, close_widgets, widget)


def running_cell():
    """(the id of the notebook cell being run, its execution count), or None outside a notebook
    front end that sends cell ids (JupyterLab, Notebook 7)."""
    IPython = sys.modules.get("IPython")  # never import IPython just for this
    shell = IPython.get_ipython() if IPython is not None else None
    try:
        cell = shell.kernel.get_parent()["metadata"].get("cellId")
    except Exception:  # no kernel, or no parent message: nothing to go by
        return None
    return None if cell is None else (cell, shell.execution_count)


def _in_kernel() -> bool:
    """Whether a Jupyter kernel runs this code (a front end may then click what is shown)."""
    IPython = sys.modules.get("IPython")
    shell = IPython.get_ipython() if IPython is not None else None
    return getattr(shell, "kernel", None) is not None


def close_on_rerun(obj, cell=None) -> None:
    """Note that the running cell (or cell, a running_cell() value) shows obj; what an earlier run of
    that cell showed is closed (obj.close()): a cell run again replaces its output."""
    cell = cell or running_cell()
    if cell is None:  # a front end that sends no cell ids (nbclient, Voila, classic Notebook): nothing tells a
        if _in_kernel() and not any(o is obj for o in _KEPT):  # re-run from a new cell, so keep what is shown
            _KEPT.append(obj)
        return
    key, run = cell
    count, shown = _SHOWN.get(key, (None, []))
    if count != run:
        for old in shown:
            if old is not obj:
                old.close()
        shown = []
    if not any(o is obj for o in shown):
        shown.append(obj)
    _SHOWN[key] = run, shown
