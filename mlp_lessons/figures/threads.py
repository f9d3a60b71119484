"""One thing at a time, when widget messages arrive on a thread of their own.

JupyterLab 4.4 and later, with ipykernel 7, hand widget messages (a slider moved,
a button clicked) to a kernel subshell: a second thread, which runs them while
the main thread is still executing a cell.  Matplotlib, and a playground's run,
are not safe to use from two threads at once (one thread clearing an axes while
the other draws it ends in "'NoneType' object has no attribute 'dpi'"), so:

- every figure the lessons draw, every widget callback of the package and every
  change of a playground's run happens under ONE_AT_A_TIME (the decorator
  one_at_a_time, or `with ONE_AT_A_TIME:` for one epoch or one frame at a time);
- IPython's post_execute hooks, which the comm machinery fires around every
  widget message, run only on the main thread (keep_post_execute_on_main_thread,
  called when the first slider figure or playground is made, so that importing the
  package changes nothing in IPython):
  on the subshell, pyplot's draw-all and the inline backend's flush would draw,
  show and close a figure that a cell on the main thread is still building.
"""

from __future__ import annotations

import functools
import sys
import threading

ONE_AT_A_TIME = threading.RLock()


def one_at_a_time(function):
    """function, run under ONE_AT_A_TIME: never beside another drawing, widget callback or training step."""

    @functools.wraps(function)
    def serialized(*args, **kwargs):
        with ONE_AT_A_TIME:
            return function(*args, **kwargs)

    return serialized


def keep_post_execute_on_main_thread(shell=None) -> bool:
    """Make shell's (by default the running IPython's) post_execute event fire on the main thread only.

    A widget message handled on a subshell then runs its callback and nothing else;
    the figures a cell draws are shown by that cell's own post_execute, on the main
    thread, as without subshells.  Returns whether a shell was there to change.
    """
    if shell is None:
        IPython = sys.modules.get("IPython")  # never import IPython just for this
        shell = IPython.get_ipython() if IPython is not None else None
    events = getattr(shell, "events", None)
    if events is None or getattr(events.trigger, "main_thread_only", False):
        return events is not None
    trigger = events.trigger

    @functools.wraps(trigger)
    def trigger_on_main_thread(event, *args, **kwargs):
        if event == "post_execute" and threading.current_thread() is not threading.main_thread():
            return None
        return trigger(event, *args, **kwargs)

    trigger_on_main_thread.main_thread_only = True
    events.trigger = trigger_on_main_thread
    return True
