"""One student's process, seen from the grader: start it, run cells, call its functions, stop it.

StudentProcess starts the runner (runner.py) in the sandbox (sandbox.py) and
talks to it one request at a time.  Every wait has a deadline: at the time
limit the runner is interrupted (SIGINT, as Jupyter's interrupt button), and a
process that does not answer within GRACE seconds after that is killed, with
everything it started.  Three threads watch it from outside: one drains what
it prints (counted, never kept, so the grader's memory stays bounded), one
polls /proc for the memory, CPU time and number of all its processes, and one
waits for it to end.  Whatever stops it is named in `stopped`, e.g. "stopped:
used more than 2 GB".

`function(name)` is a stand-in for the student's function that the diagnosis
(exercises.diagnose) calls like the real one: the arguments travel to the
student's process, the function runs there, and only the value comes back, so
the verdict is computed here, where no student code runs.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import threading
import time

from .sandbox import OUTPUT_MB, Limits, launch, set_limits
from .wire import LineReader, WireError, copy_into, decode, decode_error, dumps, encode, encode_error

GRACE = 5  # seconds a process has to stop after it is interrupted
START_TIMEOUT = 60  # seconds for the process to start and import IPython
MESSAGE_LIMIT = 16 << 20  # bytes of one answer from the student's process
CHECK_LIMIT = 32 << 20  # bytes the student's process may send during one check (answers and callbacks)
POLL = 0.1  # seconds between two looks at its memory and CPU time

_LIVE: set = set()  # every running StudentProcess, so an interrupted grader can stop them all
_LIVE_LOCK = threading.Lock()


class Stopped(KeyboardInterrupt):
    """The student's process is gone (killed at a limit, or it ended itself); the reason is the message.

    A KeyboardInterrupt, so the diagnosis, which turns every other error of a student's function
    into a hint, lets it through."""


class TimedOut(KeyboardInterrupt):
    """A call of the student's function was interrupted at the time limit (the process lives on)."""


def size_text(mb: int) -> str:
    return f"{mb // 1024} GB" if mb % 1024 == 0 else f"{mb} MB"


class StudentProcess:
    def __init__(self, hidden: list, slot: int = 0, limits: Limits = Limits()):
        self.limits, self.stopped, self.where = limits, "", ""
        self.printed = 0
        self._id, self._strays = 0, 0
        self.received = 0  # bytes of answers read so far
        self.peak_mb = 0.0
        self._lock = threading.Lock()
        how = launch(hidden, slot)
        self.sandboxed, self._folder = how.sandboxed, how.folder
        info_r, info_w = os.pipe() if how.sandboxed else (None, None)
        argv = how.argv[:]
        if how.sandboxed:
            argv[1:1] = ["--info-fd", str(info_w)]
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, cwd=how.cwd, env=how.env,
                                         pass_fds=(info_w,) if how.sandboxed else (),
                                         preexec_fn=set_limits(limits, slot))
        finally:
            if info_w is not None:
                os.close(info_w)
        with _LIVE_LOCK:
            _LIVE.add(self)
        self._out = LineReader(self.proc.stdout.fileno(), MESSAGE_LIMIT)
        self.pid = self.proc.pid
        if how.sandboxed:
            self.pid = self._child_pid(info_r)
        self.init = self.pid  # the root of its processes: bwrap's init in the sandbox, else the runner
        threading.Thread(target=self._drain, daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()
        self.where = "while starting"
        message, _ = self._exchange(None, time.monotonic() + START_TIMEOUT, interrupt=False)
        if message.get("op") != "ready":
            self.kill("did not start (its first answer was not 'ready')")
            raise Stopped(self.stopped)
        if how.sandboxed:  # the runner is the child of bwrap's init (pid 1 of the namespace)
            children = self._children(self.pid)
            self.init, self.pid = self.pid, (children[0] if len(children) == 1 else self.pid)
        self.where = ""

    # ---- the process ----

    def _child_pid(self, info_r: int) -> int:
        """The runner's own pid, which bwrap writes as JSON to the info fd (bwrap's pid if it does not)."""
        data, deadline = b"", time.monotonic() + START_TIMEOUT
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([info_r], [], [], 0.5)
                if not ready:
                    continue
                chunk = os.read(info_r, 4096)
                if not chunk:
                    break
                data += chunk
                try:
                    return int(json.loads(data)["child-pid"])
                except (ValueError, KeyError, TypeError):
                    continue
        finally:
            os.close(info_r)
        return self.proc.pid

    def _drain(self) -> None:
        """Count what the student's code prints (fd 1 and 2); stop it past the output limit."""
        fd = self.proc.stderr.fileno()
        limit = self.limits.output_mb << 20
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            self.printed += len(chunk)
            if self.printed > limit:
                self.kill(f"stopped: printed more than {size_text(self.limits.output_mb)}")
                return

    @staticmethod
    def _children(pid: int) -> list:
        try:
            found = []
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    found += [int(c) for c in f.read().split()]
            return found
        except OSError:
            return []

    def _processes(self) -> list:
        """The pids of the sandbox's init, the runner and everything it started (Linux: /proc)."""
        found, todo = [], [self.init]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += self._children(pid)
        return found

    def _watch(self) -> None:
        """Every POLL seconds: all its processes together within the memory, CPU and process limits."""
        if not os.path.isdir("/proc/self/task"):
            return
        page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        while self.proc.poll() is None and not self.stopped:
            pids = self._processes()
            rss = cpu = 0
            rss += self._memory_files(pids)
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/statm") as f:
                        rss += int(f.read().split()[1]) * page
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    cpu += sum(int(x) for x in fields[11:15]) / ticks
                except (OSError, ValueError, IndexError):
                    continue
            self.peak_mb = max(self.peak_mb, rss / 2 ** 20)
            if rss > self.limits.memory_mb << 20:
                self.kill(f"stopped: used more than {size_text(self.limits.memory_mb)} of memory")
            elif cpu > self.limits.cpu_s:
                self.kill(f"stopped: used more than {self.limits.cpu_s} s of CPU time")
            elif len(pids) > self.limits.processes + 2:  # bwrap's init and the runner are not the notebook's
                self.kill(f"stopped: started more than {self.limits.processes} processes")
            time.sleep(POLL)

    @staticmethod
    def _memory_files(pids: list) -> int:
        """Bytes held in memory files (memfd_create) that its processes keep open: memory that neither the
        processes' resident size nor their address-space limit counts."""
        seen, total = set(), 0
        for pid in pids:
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                path = f"/proc/{pid}/fd/{fd}"
                try:
                    if os.readlink(path).startswith("/memfd:"):
                        info = os.stat(path)
                        if info.st_ino not in seen:
                            seen.add(info.st_ino)
                            total += info.st_size
                except OSError:
                    continue
        return total

    def kill(self, reason: str) -> None:
        """Stop the process and everything it started; the first reason given is kept."""
        with self._lock:
            if not self.stopped:
                self.stopped = f"{reason} {self.where}".strip()
        pids = self._processes() if os.path.isdir("/proc/self/task") else [self.pid]
        pids = [self.init, *(p for p in pids if p != self.init)]  # init first: its end ends the namespace
        if os.name == "posix":
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in [self.proc.pid, *pids]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill("finished")
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        if self._folder:
            import shutil
            shutil.rmtree(self._folder, ignore_errors=True)
        with _LIVE_LOCK:
            _LIVE.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- talking to it ----

    def _gone(self) -> Stopped:
        if not self.stopped:
            self.proc.poll()
            code = self.proc.returncode
            if code is not None and code < 0 and -code == getattr(signal, "SIGXCPU", -1):
                self.kill(f"stopped: used more than {self.limits.cpu_s} s of CPU time")
            else:
                self.kill("Python ended (os._exit, exit from a thread, a crash or a signal)")
        return Stopped(self.stopped)

    def _send(self, message: dict, deadline: float) -> None:
        data = dumps(message)
        fd = self.proc.stdin.fileno()
        os.set_blocking(fd, False)
        while data:
            if self.stopped:
                raise self._gone()
            _, ready, _ = select.select([], [fd], [], max(0.0, min(POLL, deadline - time.monotonic())))
            if ready:
                try:
                    data = data[os.write(fd, data):]
                except BlockingIOError:
                    continue
                except OSError:
                    raise self._gone() from None
            elif time.monotonic() > deadline:
                self.kill("stopped: it no longer reads the grader's requests")
                raise self._gone()

    def _receive(self, deadline: float):
        """The next message, or None at the deadline."""
        fd = self._out.fd
        while not self._out.has_line():
            if self.stopped:
                raise self._gone()
            wait = deadline - time.monotonic()
            if wait <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(wait, POLL))
            if ready:
                try:
                    if not self._out.feed():
                        raise self._gone()
                except WireError:
                    self.kill(f"stopped: it sent an answer larger than {MESSAGE_LIMIT >> 20} MB (a function "
                              f"returned a huge value, or the code wrote into the grader's channel)")
                    raise self._gone() from None
        try:
            before = len(self._out.buffer)
            message = self._out.line()
            self.received += before - len(self._out.buffer)
            return message
        except WireError as e:
            self.kill(f"stopped: it wrote into the grader's channel ({e})")
            raise self._gone() from None

    def _exchange(self, message, deadline: float, on_callback=None, interrupt: bool = True, limit: float = 0):
        """Send message (if any) and wait for the answer; returns (answer, whether it was interrupted).

        At the deadline the process is interrupted; GRACE seconds later it is killed (Stopped)."""
        if message is not None:
            self._id += 1
            self._send({**message, "id": self._id}, deadline + GRACE)
        interrupted = False
        while True:
            answer = self._receive(deadline)
            if answer is not None and message is not None and answer.get("id") != self._id:
                self._strays += 1  # a line the student's code wrote into the channel, or a stale answer
                if self._strays > 10_000:
                    self.kill("stopped: it wrote too much into the grader's channel")
                    raise self._gone()
                continue
            if answer is None:
                if interrupted or not interrupt:
                    what = (f"did not stop when interrupted at the {limit:g} s limit (it ignores or blocks "
                            f"the interrupt)" if interrupted else "did not answer in time")
                    self.kill(f"stopped: {what}")
                    raise self._gone()
                self._interrupt()
                interrupted, deadline = True, time.monotonic() + GRACE
                continue
            if answer.get("op") == "callback" and on_callback is not None:
                self._send(on_callback(answer), time.monotonic() + GRACE + 60)
                continue
            return answer, interrupted

    def _interrupt(self) -> None:
        try:
            os.kill(self.pid, signal.SIGINT)
        except OSError:
            pass

    # ---- what the grader asks ----

    def run_cell(self, source: str, timeout: float):
        """Run one cell; returns (the error it raised as an exception or None, whether it was interrupted)."""
        answer, interrupted = self._exchange({"op": "cell", "source": source}, time.monotonic() + timeout,
                                             limit=timeout)
        error = answer.get("error")
        try:
            return (decode_error(error) if error is not None else None), interrupted
        except WireError:
            return RuntimeError("an error that could not be read"), interrupted

    def get(self, name: str, timeout: float = 30):
        """(defined, callable, value) of a name in the student's namespace."""
        answer, _ = self._exchange({"op": "get", "name": name}, time.monotonic() + timeout, limit=timeout)
        try:
            value = decode(answer.get("value")) if answer.get("value") is not None else None
        except WireError as e:
            self.kill(f"stopped: it wrote into the grader's channel ({e})")
            raise self._gone() from None
        return bool(answer.get("defined")), bool(answer.get("callable")), value

    def function(self, name: str, deadline: float, limit: float):
        """A stand-in for the student's function `name`: calling it runs the function in the student's
        process, with the same arguments, until deadline; TimedOut when interrupted there."""
        return _RemoteFunction(self, name, deadline, limit)


class _RemoteFunction:
    def __init__(self, process: StudentProcess, name: str, deadline: float, limit: float):
        self.process, self.__name__, self.deadline, self.limit = process, name, deadline, limit

    def __call__(self, *args, **kwargs):
        process, callables = self.process, []
        message = {"op": "call", "name": self.__name__, "args": encode(args, callables),
                   "kwargs": encode(kwargs, callables)}

        def sync(state) -> None:
            try:
                copy_into(list(args), list(decode(state)) if state is not None else list(args))
            except (WireError, TypeError) as e:
                process.kill(f"stopped: it wrote into the grader's channel ({e})")
                raise process._gone() from None

        def on_callback(request):
            sync(request.get("state"))
            try:
                fn = callables[int(request.get("index"))]
                value = fn(*decode(request.get("args")), **decode(request.get("kwargs")))
            except KeyboardInterrupt:
                raise
            except (WireError, IndexError, TypeError, ValueError) as e:
                if isinstance(e, WireError):
                    process.kill(f"stopped: it wrote into the grader's channel ({e})")
                    raise process._gone() from None
                return {"op": "raise", "error": encode_error(e), "state": encode(args)}
            except Exception as e:  # what the grader's J or step raised, e.g. on arguments of the wrong shape
                return {"op": "raise", "error": encode_error(e), "state": encode(args)}
            return {"op": "return", "value": encode(value), "state": encode(args)}

        start = process.received

        def guarded(request):
            if process.received - start > CHECK_LIMIT:
                process.kill(f"stopped: it sent more than {CHECK_LIMIT >> 20} MB to the grader in one check")
                raise process._gone()
            return on_callback(request)

        answer, interrupted = process._exchange(message, self.deadline, guarded, limit=self.limit)
        if interrupted:
            raise TimedOut(f"interrupted at the {self.limit:g} s limit")
        sync(answer.get("state"))
        try:
            if "error" in answer:
                raise decode_error(answer["error"])
            return decode(answer.get("value"))
        except WireError as e:
            process.kill(f"stopped: it wrote into the grader's channel ({e})")
            raise process._gone() from None


def stop_all(reason: str) -> None:
    """Kill every student process still running (the grader was interrupted)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for process in live:
        process.kill(reason)


__all__ = ["GRACE", "OUTPUT_MB", "Stopped", "StudentProcess", "TimedOut", "stop_all", "size_text"]
