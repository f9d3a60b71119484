"""The student's side of grading: run the notebook's cells, then call its functions when the grader asks.

    python -I -m mlp_lessons.grading.runner     (started by the grader, inside the sandbox)

It reads one JSON request per line from the grader and answers each with one
line.  Nothing it answers is trusted: the student's code runs in this same
process and could change any of it.  That is why it holds no verdict.  The
grader keeps the probes, the right answers and the catalogue of mistakes, and
only ever asks "what does your function return for these arguments?".

    {"op": "cell", "source": ...}            -> {"op": "done", "error": ...}
    {"op": "get", "name": ...}               -> {"op": "value", "defined": ..., "callable": ..., "value": ...}
    {"op": "call", "name": ..., "args": ...} -> {"op": "result", "value" or "error": ..., "state": ...}
        while the function runs, a callable argument (the grader's J or step) is called back:
                                             <- {"op": "callback", "index": ..., "args": ..., "state": ...}
    {"op": "return", "value": ..., "state": ...} or {"op": "raise", "error": ...}  (the grader's answer)

Every request carries an "id" that its answer (and its callbacks) repeat, so the grader
can tell its answers from lines the student's code writes into the channel.

"state" is the call's arguments as they are now, so a change the student's
function makes in place (or the grader's callback makes) is seen on both sides.
The student's prints go to standard error, which the grader counts and drops.
"""

from __future__ import annotations

import os
import sys

from .wire import LineReader, copy_into, decode, decode_error, dumps, encode, encode_error

LIMIT = 64 << 20  # bytes of one request


class Channel:
    def __init__(self, fd_in: int, fd_out: int):
        self.reader, self.fd_out, self.id = LineReader(fd_in, LIMIT), fd_out, None

    def send(self, message: dict) -> None:
        data = dumps(message)
        while data:
            data = data[os.write(self.fd_out, data):]

    def receive(self) -> dict:
        while not self.reader.has_line():
            if not self.reader.feed():
                os._exit(0)  # the grader has gone
        return self.reader.line()


def become(uid: int) -> None:
    """Started as root: become user uid (no groups, no capabilities left) before any student code runs."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("could not change the user id")
    # Changing the user id cleared the parent-death signal bwrap set (--die-with-parent): set it again, so
    # this process, and with it its whole process namespace, ends when bwrap (and so the grader) ends.
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise SystemExit("could not set the parent-death signal")


def main(argv: list) -> None:
    if "--uid" in argv:
        become(int(argv[argv.index("--uid") + 1]))
    home = os.environ.get("HOME") or os.getcwd()
    os.makedirs(home, exist_ok=True)
    os.chdir(home)
    if "--probe" in argv:  # the grader checks that a sandbox works here
        import numpy  # noqa: F401
        import IPython  # noqa: F401
        return
    # The requests come on fd 0 and the answers go out on fd 1; the student's code gets neither:
    # its input() sees an empty file and its prints go to fd 2.
    channel = Channel(os.dup(0), os.dup(1))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")

    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    shell = InteractiveShell.instance(config=config)
    namespace = shell.user_ns
    channel.send({"op": "ready"})
    while True:
        try:
            request = channel.receive()
            channel.id = request.get("id")
            channel.send({**answer(shell, namespace, channel, request), "id": channel.id})
        except KeyboardInterrupt:  # an interrupt that came between two requests
            channel.send({"op": "done", "error": encode_error(KeyboardInterrupt()), "id": channel.id})


def answer(shell, namespace: dict, channel: Channel, request: dict) -> dict:
    op = request.get("op")
    if op == "cell":
        result = shell.run_cell(str(request.get("source", "")), store_history=False)
        error = result.error_before_exec or result.error_in_exec
        sys.stdout.flush()
        return {"op": "done", "error": encode_error(error) if error is not None else None}
    if op == "get":
        name = str(request.get("name"))
        if name not in namespace:
            return {"op": "value", "defined": False, "callable": False, "value": None}
        value = namespace[name]
        is_callable = callable(value)
        return {"op": "value", "defined": True, "callable": is_callable,
                "value": None if is_callable else _encoded(value)}
    if op == "call":
        return _call(namespace, channel, request)
    return {"op": "done", "error": encode_error(ValueError(f"unknown request {op!r}"))}


def _encoded(value):
    try:
        return encode(value)
    except BaseException as e:  # a value whose conversion raises (a strange subclass)
        return {"opaque": type(e).__name__}


def _call(namespace: dict, channel: Channel, request: dict) -> dict:
    args = ()

    def call_back(index, cb_args, cb_kwargs):
        channel.send({"op": "callback", "id": channel.id, "index": index, "args": _encoded(tuple(cb_args)),
                      "kwargs": _encoded(dict(cb_kwargs)), "state": _encoded(args)})
        reply = channel.receive()
        if reply.get("state") is not None:
            copy_into(list(args), list(decode(reply["state"])))
        if reply.get("op") == "raise":
            raise decode_error(reply.get("error"))
        return decode(reply.get("value"), call_back, importing=True)

    try:
        fn = namespace[str(request.get("name"))]
        args = decode(request.get("args"), call_back, importing=True)
        kwargs = decode(request.get("kwargs"), call_back, importing=True)
        value = fn(*args, **kwargs)
    except BaseException as e:  # SystemExit and KeyboardInterrupt too: the grader decides what they mean
        return {"op": "result", "error": encode_error(e), "state": _encoded(args)}
    return {"op": "result", "value": _encoded(value), "state": _encoded(args)}


if __name__ == "__main__":
    main(sys.argv[1:])
