"""Where a student's code runs: a bubblewrap sandbox on Linux, or a bare process with limits elsewhere.

The sandbox (bubblewrap, Debian's `bubblewrap` package) gives the student's
process:
- a read-only view of only what Python needs (/usr, /etc, the Python
  installation, this package) and nothing else: not the submissions, not the
  output file, not your home folder; the submissions folder and the output's
  folder are covered by an empty folder even when they lie inside one of those;
- its own writable folder, /tmp, in memory (TMPFS_MB), gone when it ends;
- no network, its own process namespace (everything it starts ends with it,
  detached or not), a new terminal session, no capabilities, and, when the
  grader runs as root, a user id of its own, so the process-count limit holds;
- limits: address space (MEMORY_MB: a larger allocation raises MemoryError),
  CPU time, file size, open files, processes.
The grader also watches from outside (student.py): all of the sandbox's
processes together may not hold more than MEMORY_MB, use more CPU time than
their budget, or print more than OUTPUT_MB.

Without bubblewrap (macOS, Windows, or a Linux where it is missing or cannot
make namespaces) the same process runs bare, in a temporary folder, with what
limits the platform has: the report and the README say that the student's code
then runs with your permissions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

MEMORY_MB = 2048
OUTPUT_MB = 10
TMPFS_MB = 64
FILE_MB = 32
PROCESSES = 32
FIRST_UID = 61000  # the user ids a root grader gives its sandboxes: FIRST_UID + slot


class Limits(NamedTuple):
    memory_mb: int = MEMORY_MB
    output_mb: int = OUTPUT_MB
    cpu_s: int = 300  # CPU seconds for the whole notebook (all its processes)
    processes: int = PROCESSES


_CHECKED: dict = {}


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def sandbox_problem() -> str:
    """"" when the sandbox works here; else why not, in a sentence (checked once per process)."""
    if "problem" in _CHECKED:
        return _CHECKED["problem"]
    problem = ""
    if not sys.platform.startswith("linux"):
        problem = f"the sandbox (bubblewrap) runs only on Linux, and this is {sys.platform}"
    elif bwrap_path() is None:
        problem = "bubblewrap is not installed (on Debian or Ubuntu: sudo apt install bubblewrap)"
    else:
        try:
            argv = command([], runner_program(slot=0) + ["--probe"])
            done = subprocess.run(argv, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            if done.returncode != 0:
                problem = ("bubblewrap is installed but could not make a sandbox here ("
                           + done.stderr.decode(errors="replace").strip()[:200] + ")")
        except (OSError, subprocess.SubprocessError) as e:
            problem = f"bubblewrap is installed but could not be started ({e})"
    _CHECKED["problem"] = problem
    return problem


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


def _read_only_paths() -> list:
    """(path in the sandbox, real path) pairs: what the student's Python needs to see, the Python
    installation and this package (the system's folders are added by command)."""
    import mlp_lessons

    paths = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix]
    paths += [p for p in sys.path if p and p.startswith((sys.prefix, sys.base_prefix)) and os.path.isdir(p)]
    paths.append(str(Path(mlp_lessons.__file__).parent))
    pairs = []
    for p in paths:
        if os.path.exists(p):
            for seen in {os.path.realpath(p), os.path.abspath(p)}:
                pair = (seen, os.path.realpath(p))
                if pair not in pairs:
                    pairs.append(pair)
    inside = lambda a, b: a != b and a.startswith(b.rstrip("/") + "/")  # noqa: E731
    return [(p, r) for p, r in pairs if not any(inside(p, q) and inside(r, s) for q, s in pairs)]


def command(hidden: list, program: list) -> list:
    """The bwrap argv that runs program in the sandbox, hiding the folders in hidden.

    As root: no user namespace (it would map only root), and the sandbox keeps just the two
    capabilities the runner needs to become its own user before any student code runs.
    Otherwise: a user namespace, no capabilities."""
    # Not --as-pid-1: bwrap's own init stays pid 1 of the namespace, and it (unlike a pid 1 that runs Python)
    # does die when bwrap does, which ends every process in the namespace (measured: with --as-pid-1 a
    # notebook busy in a loop outlived a grader killed with SIGKILL).
    argv = [bwrap_path(), "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        argv += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                 "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        argv += ["--unshare-all", "--cap-drop", "ALL"]
    # /tmp first: the binds below may lie inside it (a clone in /tmp), and a later tmpfs would cover them
    argv += ["--dev", "/dev", "--proc", "/proc", "--perms", "01777", "--size", str(TMPFS_MB << 20), "--tmpfs", "/tmp"]
    bound = []
    for path in SYSTEM:
        if os.path.islink(path):  # a usr-merged system: /bin -> usr/bin
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
            bound.append(path)
    made = set()
    for path, real in _read_only_paths():
        if any(path == b or path.startswith(b + "/") for b in bound):
            continue
        for parent in reversed(Path(path).parents[:-1]):  # bwrap would make them 0700, closed to the student
            if str(parent) not in made:
                argv += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
        argv += ["--ro-bind", real, path]
        bound.append(path)
    for path in hidden:  # the submissions and the output's folder, wherever they are
        for seen in sorted({os.path.realpath(path), os.path.abspath(path)}):
            if any(seen == b or seen.startswith(b.rstrip("/") + "/") for b in bound):
                argv += ["--tmpfs", seen, "--remount-ro", seen]
    argv += ["--clearenv"]
    for key, value in student_env(HOME).items():
        argv += ["--setenv", key, value]
    return argv + ["--", *program]


HOME = "/tmp/student"


def student_env(home: str) -> dict:
    env = dict(HOME=home, USERPROFILE=home, PATH="/usr/local/bin:/usr/bin:/bin", LANG="C.UTF-8",
               IPYTHONDIR=f"{home}/.ipython", MPLCONFIGDIR=f"{home}/.matplotlib", MPLBACKEND="Agg",
               JUPYTER_CONFIG_DIR=f"{home}/.jupyter", PYTHONDONTWRITEBYTECODE="1", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TMPDIR=home)
    if os.name == "nt" and "SYSTEMROOT" in os.environ:
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return env


def set_limits(limits: Limits, slot: int):
    """preexec_fn for the student's process: the rlimits, and a session of its own."""
    def apply():
        def limit(name, value):
            what = getattr(resource, name, None) if resource is not None else None
            if what is not None:
                try:
                    resource.setrlimit(what, (value, value))
                except (ValueError, OSError):
                    pass  # a platform that does not enforce this one (macOS ignores RLIMIT_AS)
        limit("RLIMIT_AS", limits.memory_mb << 20)
        limit("RLIMIT_CPU", limits.cpu_s + 10)
        limit("RLIMIT_FSIZE", FILE_MB << 20)
        limit("RLIMIT_CORE", 0)
        limit("RLIMIT_NOFILE", 256)
        if os.geteuid() == 0:  # counted for the sandbox's own user id, which the runner switches to
            limit("RLIMIT_NPROC", limits.processes)
        os.setsid()
        die_with_parent()
    return apply if os.name == "posix" else None


if sys.platform.startswith("linux"):  # loaded here: a preexec_fn must not import (other threads hold the lock)
    import ctypes
    import signal

    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
    _PR_SET_PDEATHSIG, _SIGKILL = 1, int(signal.SIGKILL)
else:
    _PRCTL = None

try:
    import resource
except ImportError:  # Windows
    resource = None


def die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the grader's thread that started it ends, even by SIGKILL (bwrap's
    --die-with-parent covers only the processes inside the sandbox, not bwrap itself)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)


class Launch(NamedTuple):
    argv: list
    cwd: str | None
    env: dict | None
    folder: str | None  # a temporary folder to remove afterwards (no sandbox only)
    sandboxed: bool


STALE_MARK = "mlp_lessons_grade_"


def runner_program(slot: int, sandboxed: bool = True) -> list:
    """The runner's command line; in a root grader's sandbox it is told which user id to become
    (FIRST_UID + slot).  Bare, it stays who started it (another user could not read the Python here)."""
    program = [sys.executable, "-I", "-m", "mlp_lessons.grading.runner"]
    if sandboxed and os.name == "posix" and os.geteuid() == 0:
        program += ["--uid", str(FIRST_UID + slot)]
    return program


def launch(hidden: list, slot: int) -> Launch:
    """How to start the runner: in the sandbox when it works here, else bare in a temporary folder."""
    if not sandbox_problem():
        return Launch(command(hidden, runner_program(slot)), None, None, None, True)
    program = runner_program(slot, sandboxed=False)
    folder = tempfile.mkdtemp(prefix=f"{STALE_MARK}{os.getpid()}_")
    env = student_env(folder)
    if os.name == "nt":
        env["PATH"] = os.environ.get("PATH", "")
    return Launch(program, folder, env, folder, False)


def remove_stale_folders() -> int:
    """Remove the temporary folders of earlier bare runs whose grader is gone (killed before it could);
    returns how many."""
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{STALE_MARK}*"):
        try:
            pid = int(path.name[len(STALE_MARK):].split("_", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
