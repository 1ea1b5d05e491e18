"""Run model-written code in a bubblewrap sandbox: command building, warm sandboxes and the executor interface.

One sample at a time per sandbox: a `bwrap` with new user, PID, network, IPC, UTS and cgroup namespaces, no
capabilities, a clean environment, a read-only tmpfs root holding only the Python interpreter and the shared
libraries it links (no `--ro-bind / /`), size-capped tmpfs for the work dir, /tmp and /dev/shm, and the seccomp
filter of `rewardkit.runtime.seccomp`. Run as root, bwrap itself is started as an unprivileged host uid with an
interpreter that uid can run (`rewardkit.runtime.interpreter`); the runner comes in through an fd, not a host
path. Inside, the trusted `runner.py` forks a process per sample and that one a process per test. Results come
back on a pipe only the runner holds. Killing the outer `bwrap` kills the sandbox's PID namespace, so nothing the
code started can outlive it. A sandbox serves up to `reuse` samples, one after another: after each, its runner
kills what is left, wipes the writable directories and reports whether it is as it started; one that is not (or
whose runner died, stopped or hung) is killed instead (docs/code.md, "Reused sandboxes").

`LocalExecutor` runs the same runner without bubblewrap (explicit opt-in only: much weaker, see docs/code.md).
Executors return an `ExecResult`; `infra` is set when the sandbox itself failed, which is never the code's fault.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rewardkit.runtime import seccomp
from rewardkit.runtime.interpreter import Interpreter, find, sandbox_user

RUNNER = Path(__file__).with_name("runner.py")
# imported by a runner while it waits for work, once per sandbox (forked tests then find them loaded): what test
# code and programs most import. A fresh sandbox per sample gains nothing from it. Not `random` for programs: its
# generator is seeded at import, and every test process forked after that would draw the same numbers
JUDGE_PRELOAD = ("typing", "math", "random", "re", "collections", "itertools", "functools", "string", "copy")
PROGRAM_PRELOAD = ("typing", "math", "re", "collections", "itertools", "functools", "string", "copy", "heapq",
                   "bisect")
EXCHANGE = Path(__file__).with_name("exchange.py")  # imported by the runner from its own directory
RESET_WAIT_S = 5.0  # the runner's clean-up between two samples (runner.RESET_S) and scheduling slack
SANDBOX_UID = 65534  # "nobody" inside the user namespace (the host uid is interpreter.sandbox_user's)
_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/sandbox", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
        "PYTHONUTF8": "1", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass(frozen=True)
class Limits:
    """Per-test limits (soft = hard) and per-sandbox disk caps."""

    timeout_s: float = 4.0  # wall clock per test; CPU time limit is the next whole second above it
    memory_mb: int = 512  # address space of each test process
    output_bytes: int = 1 << 20  # stdout + stderr + return value of one test
    value_bytes: int = 1 << 20  # serialised return value of a call test
    fsize_mb: int = 16  # largest file a test may write
    nofile: int = 64
    nproc: int = 64  # processes + threads of the sandbox uid (enforced for an unprivileged host uid)
    disk_mb: int = 64  # tmpfs size of the work dir; /tmp and /dev/shm get a quarter each
    start_timeout_s: float = 20.0  # sandbox start on a loaded machine; beyond it: infra_error
    budget_s: float | None = None  # wall clock for all tests of a sample; tests past it are skipped

    def for_runner(self) -> dict[str, Any]:
        out = asdict(self)
        out["cpu_s"] = int(self.timeout_s) + 1
        return out


@dataclass
class ExecResult:
    """What the sandbox reported: one record per test (status, stdout, value, ...) or an infrastructure error.
    `checks`: the records of the test sandbox, one per check test, when the sample had any."""

    records: list[dict[str, Any]] = field(default_factory=list)
    infra: str | None = None
    checks: list[dict[str, Any]] | None = None
    complete: bool = True  # every record came from the runner (none filled in for a runner that died)


class Executor(Protocol):
    """Runs code against test inputs (never expected outputs) and reports raw results. With `checks`, `tests` are
    `serve` tests and each check test runs in a second sandbox, calling the program's functions over a pipe
    pair; `fail_fast` stops at the first test known to fail inside the sandbox."""

    def run(self, code: str, tests: list[dict[str, Any]], limits: Limits, checks: list[dict[str, Any]] | None = None,
            fail_fast: bool = False) -> ExecResult: ...

    def close(self) -> None: ...


@functools.lru_cache(maxsize=4)
def _source(path: Path) -> bytes:
    return path.read_bytes()


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=4)
def python_files(python: Interpreter) -> tuple[str, ...]:
    """The interpreter binary and every shared library that it and its stdlib's extension modules link, as `ldd`
    reports them (bound into the sandbox read-only, at the same paths)."""
    objects = [python.executable, *(str(p) for p in sorted(Path(python.dynload).glob("*.so")))]
    found = subprocess.run(["ldd", *objects], capture_output=True, text=True, check=False).stdout
    libs = {word for line in found.splitlines() for word in line.split() if word.startswith("/") and ".so" in word
            and not word.endswith(":")}
    inside = (python.stdlib + os.sep, python.dynload + os.sep)
    return (python.executable, *sorted(p for p in libs if os.path.exists(p) and not p.startswith(inside)))


def bwrap_argv(bwrap: str, limits: Limits, seccomp_fd: int, runner_fd: int, python: Interpreter,
               exchange_fd: int | None = None) -> list[str]:
    """The bubblewrap command line for one sandbox, less the result and ctl fd numbers that the runner takes last.
    The runner (and the value exchange it imports) come in through fds (their paths may be out of the sandbox
    uid's reach)."""
    argv = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID),
            "--gid", str(SANDBOX_UID), "--hostname", "sandbox", "--cap-drop", "ALL", "--die-with-parent",
            "--new-session", "--clearenv"]
    for key, value in _ENV.items():
        argv += ["--setenv", key, value]
    for directory in dict.fromkeys((python.stdlib, python.dynload)):
        argv += ["--ro-bind", directory, directory]
    site = os.path.join(python.stdlib, "site-packages")
    if os.path.isdir(site):
        argv += ["--size", "4096", "--tmpfs", site]  # hide whatever is installed there
    for path in python_files(python):
        argv += ["--ro-bind", path, path]
    disk = limits.disk_mb << 20
    if exchange_fd is not None:
        argv += ["--ro-bind-data", str(exchange_fd), "/exchange.py"]
    argv += ["--ro-bind-data", str(runner_fd), "/runner.py", "--dev", "/dev",
             "--size", str(disk // 4), "--tmpfs", "/dev/shm", "--size", str(disk // 4), "--tmpfs", "/tmp",
             "--size", str(disk), "--tmpfs", "/sandbox", "--chdir", "/sandbox",
             "--remount-ro", "/dev", "--remount-ro", "/",
             "--seccomp", str(seccomp_fd), python.executable, "-s", "-S", "-B", "/runner.py"]
    return argv


class _Lines:
    """Newline-framed records from the runner's result pipe, with deadlines and a size cap."""

    def __init__(self, fd: int, cap: int) -> None:
        self.fd, self.cap, self.buffer = fd, cap, bytearray()

    def next(self, deadline: float) -> dict[str, Any] | None:
        """The next record; None on end of stream or deadline. Raises ValueError on a malformed record."""
        while b"\n" not in self.buffer:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([self.fd], [], [], wait)[0]:
                return None
            data = os.read(self.fd, 1 << 16)
            if not data:
                return None
            self.buffer += data
            if len(self.buffer) > self.cap:
                raise ValueError("result record over the size cap")
        line, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        return json.loads(line)


class _Process:
    """One started sandbox (or local runner) waiting for its job on stdin."""

    def __init__(self, argv: list[str], pass_fds: tuple[int, ...], env: dict[str, str], limits: Limits,
                 workdir: str | None = None, bwrap_info: bool = False, user: tuple[int, int] | None = None,
                 preload: tuple[str, ...] = (), fork_jobs: bool = False) -> None:
        """`workdir`: the cwd, removed on kill (default: / , which bwrap leaves for its own root); `preload`: modules
        the runner imports while it waits; `fork_jobs`: each job runs in a fresh fork of the runner (a sandbox that
        serves samples one after another)."""
        read_fd, write_fd = os.pipe()
        # the host sends the pipe pairs of check tests over this socket (SCM_RIGHTS), one message per test
        self.ctl, ctl_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.workdir, self.limits, self.info, self.init_pid = workdir, limits, None, None
        self.reader: threading.Thread | None = None  # a thread still reading `results`
        self.collected: ExecResult | None = None  # what that thread read
        self.jobs = 0  # samples given to this sandbox
        # as root, the sandbox starts as an unprivileged uid: Popen switches it (setgroups, setregid, setreuid)
        # between fork and exec in C, which is safe with threads, unlike a preexec_fn
        as_user = {"user": user[0], "group": user[1], "extra_groups": []} if user else {}
        # the runner writes its records to write_fd and reads pipe pairs from ctl (same numbers inside bwrap)
        argv = [*argv, str(write_fd), str(ctl_child.fileno()), ",".join(preload), "fork" if fork_jobs else "inline"]
        extra = (write_fd, ctl_child.fileno())
        info_w = None
        if bwrap_info:  # bwrap reports the host pid of the namespace's init there
            self.info, info_w = os.pipe()
            argv[1:1] = ["--info-fd", str(info_w)]
            extra += (info_w,)
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=workdir or "/",
                env=env, pass_fds=(*pass_fds, *extra), start_new_session=True, **as_user)
        except OSError:
            os.close(read_fd)
            self.ctl.close()
            raise
        finally:
            os.close(write_fd)
            ctl_child.close()
            if info_w is not None:
                os.close(info_w)
        self.results = read_fd
        # the runner keeps <= output_bytes of stdout and of the value, <= 2000 bytes of stderr; JSON escaping can
        # grow a byte to 6 ("\u0001"), so a record never exceeds this cap unless the runner itself is broken
        self.lines = _Lines(read_fd, cap=8 * (2 * limits.output_bytes + 2000) + (1 << 16))

    def send_pair(self, fds: tuple[int, int]) -> None:
        socket.send_fds(self.ctl, [b"p"], list(fds))

    def _kill_namespace(self) -> None:
        """SIGKILL the PID namespace's init (the kernel then kills every process in it, stopped ones included);
        only while it is still bwrap's child, so a recycled pid is never hit."""
        if self.info is None:
            return
        data = b""
        while select.select([self.info], [], [], 0.5)[0]:
            chunk = os.read(self.info, 4096)
            data += chunk
            if not chunk or b"}" in data:
                break
        os.close(self.info)
        self.info = None
        try:
            child = int(json.loads(data)["child-pid"])
            self.init_pid = child
            status = Path(f"/proc/{child}/status").read_text()
            if f"\nPPid:\t{self.proc.pid}\n" in status:
                os.kill(child, signal.SIGKILL)
        except (ValueError, KeyError, OSError):
            pass

    def stop(self) -> None:
        """Kill everything in the sandbox; the runner's result pipe then reaches its end."""
        self._kill_namespace()

    def kill(self) -> None:
        self._kill_namespace()
        if self.reader is not None:
            self.reader.join()
        if self.init_pid is not None:
            # bwrap reaps the namespace's init (killed, or gone with its runner) and exits by itself: give it that
            # chance, so the init is not orphaned (it would become a zombie of ours if we are PID 1 or a subreaper)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=1.0)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self.init_pid is not None:
            _reap_orphan(self.init_pid)
        for stream in (self.proc.stdin, self.proc.stderr):
            if stream is not None:
                stream.close()
        self.ctl.close()
        self._await_runner_exit(time.monotonic() + 2.0)
        os.close(self.results)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _await_runner_exit(self, deadline: float) -> None:
        """The namespace dies asynchronously after bwrap: wait until the runner's end of the pipe is closed."""
        while (wait := deadline - time.monotonic()) > 0 and select.select([self.results], [], [], wait)[0]:
            if not os.read(self.results, 1 << 16):
                return

    def stderr_tail(self) -> str:
        try:
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return ""
        return self.proc.stderr.read(4000).decode("utf-8", "replace").strip() if self.proc.stderr else ""


def _is_reaper() -> bool:
    """Are orphans reparented to this process (PID 1 of a container, or a subreaper)?"""
    if os.getpid() == 1:
        return True
    try:
        import ctypes
        flag = ctypes.c_int(0)
        return ctypes.CDLL(None).prctl(37, ctypes.byref(flag), 0, 0, 0) == 0 and flag.value != 0  # GET_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphan(pid: int) -> None:
    """Reap the namespace's init should it have been orphaned to us (bwrap killed before it reaped it)."""
    if not _is_reaper():
        return
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:  # not (or no longer) ours: bwrap reaped it, or reparenting is still under way
            if not Path(f"/proc/{pid}").exists():
                return
        time.sleep(0.01)


def _connect(program: _Process, judge: _Process) -> None:
    """One pipe pair between a serving program and its checking test: requests one way, replies the other."""
    request_r, request_w = os.pipe()
    reply_r, reply_w = os.pipe()
    try:
        # the program may have killed its own runner: its tests fail (never an infra_error it could provoke)
        with contextlib.suppress(BrokenPipeError, ConnectionError):
            program.send_pair((request_r, reply_w))
        judge.send_pair((request_w, reply_r))  # OSError (the host out of fds): an infra_error
    finally:
        for fd in (request_r, request_w, reply_r, reply_w):
            os.close(fd)


class _ProcessExecutor(ABC):
    """Shared by the bubblewrap and local executors: warm processes, job hand-over, record collection."""

    isolated = True

    def __init__(self, warm: int = 1, reuse: int = 1) -> None:
        """`warm`: sandboxes kept started ahead; `reuse`: samples one program sandbox serves, one after another,
        made clean between them by its runner (1: a fresh sandbox per sample)."""
        # last in, first out: a sandbox back from its sample is taken next, the spares wait below it
        self._warm: queue.LifoQueue[_Process] = queue.LifoQueue()
        self._judges: queue.Queue[_Process] = queue.Queue()  # idle test sandboxes of check tests
        self._target = max(0, warm)
        # bwrap --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread* that started it exits, so every
        # sandbox is started from this one long-lived thread, never from a short-lived worker thread
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rewardkit-sandbox-spawner")
        # used sandboxes are killed off the scoring path (their results are in; killing waits for bwrap's exit)
        self._reaper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rewardkit-sandbox-reaper")
        # a sandbox that serves another sample waits there for its runner's report that it is clean
        self._recycler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rewardkit-sandbox-recycler")
        self._reuse = max(1, reuse)
        self._pending = 0  # warm sandboxes being started, or used ones being made clean
        self._closed = False
        self._pending_lock = threading.Lock()

    @abstractmethod
    def _spawn(self, limits: Limits, judge: bool = False) -> _Process:
        """Start one runner process under `limits` (a bwrap sandbox, or a plain local process) for programs, or
        with `judge` for the test code of assert tests."""

    def _runner_mode(self, judge: bool) -> dict[str, Any]:
        """A test sandbox runs trusted test code only: its runner takes job after job itself. A program sandbox
        that serves several samples runs each in a fresh fork of its runner, which never holds a sample."""
        if judge:
            return {"preload": JUDGE_PRELOAD}
        return {"preload": PROGRAM_PRELOAD, "fork_jobs": True} if self._reuse > 1 else {}

    def _start(self, limits: Limits, judge: bool = False) -> _Process:
        return self._spawner.submit(self._spawn, limits, judge).result()

    def _refill(self, limits: Limits) -> None:
        """Start a warm sandbox in the background (a sample never waits for the next one's start)."""
        with self._pending_lock:
            if self._warm.qsize() + self._pending >= self._target:
                return
            self._pending += 1
        self._spawner.submit(self._spawn_warm, limits)

    def _spawn_warm(self, limits: Limits) -> None:
        try:
            proc = self._spawn(limits)
            if self._closed:
                proc.kill()
            else:
                self._warm.put(proc)
        except OSError:
            pass  # the next sample starts its own sandbox and reports the failure
        finally:
            with self._pending_lock:
                self._pending -= 1

    def _take(self, limits: Limits) -> _Process:
        try:
            proc = self._warm.get_nowait()
            if proc.limits != limits or proc.proc.poll() is not None:
                proc.kill()
                proc = self._start(limits)
        except queue.Empty:
            proc = self._start(limits)
        return proc

    def run(self, code: str, tests: list[dict[str, Any]], limits: Limits, checks: list[dict[str, Any]] | None = None,
            fail_fast: bool = False) -> ExecResult:
        try:
            proc = self._take(limits)
        except OSError as exc:
            return ExecResult(infra=f"could not start the sandbox: {exc}")
        proc.jobs += 1
        again = proc.jobs < self._reuse  # this sandbox serves another sample after this one
        if again:
            with self._pending_lock:
                self._pending += 1  # it comes back to the warm queue: no other sandbox is started for it
        try:
            self._send_job(proc, {"code": code, "tests": tests}, limits, fail_fast, last=not again)
            self._refill(limits)  # boots while this sample runs
            if not checks:
                proc.collected = self._collect(proc, len(tests), limits)
                return proc.collected
            return self._run_checks(proc, checks, limits, fail_fast)
        except OSError as exc:
            return ExecResult(infra=f"could not start the test sandbox: {exc}")
        finally:
            if again:
                self._recycler.submit(self._recycle, proc)
            else:
                self._reaper.submit(proc.kill)

    def _recycle(self, proc: _Process) -> None:
        """Back to the warm queue once every record of its sample is in and its runner reports it clean (no
        process left, the writable directories empty); else killed, and a fresh one started in its place."""
        clean = False
        try:
            if proc.reader is not None:
                proc.reader.join(proc.limits.timeout_s + 5.0)
            done = proc.collected
            if done is not None and done.infra is None and done.complete and not self._closed and (
                    proc.reader is None or not proc.reader.is_alive()):
                report = proc.lines.next(time.monotonic() + RESET_WAIT_S)
                clean = report is not None and report.get("reset") == ""
        except (ValueError, OSError):
            clean = False
        finally:
            with self._pending_lock:
                self._pending -= 1
        if clean:
            proc.reader, proc.collected = None, None
            self._warm.put(proc)
        else:
            self._reaper.submit(proc.kill)  # joins a reader still running before the pipe is closed
            if not self._closed:
                self._refill(proc.limits)

    def _run_checks(self, program: _Process, checks: list[dict[str, Any]], limits: Limits,
                    fail_fast: bool) -> ExecResult:
        """Check tests in a test sandbox, which serves sample after sample: only trusted test code runs there,
        and only plain data comes in. It is dropped at the first sign of trouble (a record missing)."""
        judge = self._take_judge(limits)
        healthy = False
        try:
            self._send_job(judge, {"code": "", "tests": checks}, limits, fail_fast, last=False)
            for _ in checks:
                _connect(program, judge)
            result = self._collect_pair(program, judge, len(checks), limits)
            healthy = result.infra is None and result.complete
            return result
        finally:
            if healthy:
                self._judges.put(judge)
            else:
                self._reaper.submit(judge.kill)

    def _take_judge(self, limits: Limits) -> _Process:
        try:
            judge = self._judges.get_nowait()
        except queue.Empty:
            return self._start(limits, judge=True)
        if judge.limits.disk_mb != limits.disk_mb or judge.proc.poll() is not None:
            judge.kill()
            return self._start(limits, judge=True)
        return judge

    def _send_job(self, proc: _Process, job: dict[str, Any], limits: Limits, fail_fast: bool,
                  last: bool = True) -> None:
        """`last`: no job follows (stdin is closed); else the runner of a program's sandbox makes it clean after
        this one (the test sandbox's runner serves trusted test code only and keeps its state)."""
        job.update({"limits": limits.for_runner(), "isolated": self.isolated, "fail_fast": fail_fast,
                    "reset": not last and bool(job.get("code")),
                    "own_workdir": True, "child_filter": seccomp.child_filter().hex(),
                    "runner_filter": self._runner_filter()})
        try:
            proc.proc.stdin.write(json.dumps(job).encode() + b"\n")
            proc.proc.stdin.flush()
            if last:
                proc.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # reported by the collector as a start failure

    def _collect_pair(self, program: _Process, judge: _Process, count: int, limits: Limits) -> ExecResult:
        """Records of both sandboxes, read at once (a full pipe must not stall either). The test sandbox's
        records decide; once they are in, the program's sandbox is stopped, whatever it still runs."""
        found: dict[str, ExecResult] = {}
        started, got = threading.Event(), [0]

        def read_program() -> None:
            found["program"] = program.collected = self._collect(program, count, limits, "stopped", started, got)

        reader = threading.Thread(target=read_program, name="rewardkit-sandbox-reader", daemon=True)
        reader.start()
        program.reader = reader  # joined before the sandbox is killed and its pipe closed
        checks = self._collect(judge, count, limits)
        if checks.infra is None and all(r.get("status") == "ok" and r.get("value") == "P" for r in checks.records):
            # every test passed, calling the program: its own records add nothing; it is stopped off this path
            return ExecResult([{} for _ in checks.records], checks=checks.records, complete=checks.complete)
        started.wait(limits.start_timeout_s + 1)  # a start failure is an infra_error, never stopped into one
        # the program's records follow within moments: each of its tests ends when its check closes the pipes
        reader.join(1.0)
        if reader.is_alive():
            program.stop()
            reader.join()
        result = found["program"]
        if checks.infra is not None or result.infra is not None:
            return ExecResult(infra=checks.infra or result.infra)
        return ExecResult(result.records, checks=checks.records, complete=checks.complete)

    def _runner_filter(self) -> str | None:
        return None

    def _collect(self, proc: _Process, count: int, limits: Limits, missing: str = "runtime_error",
                 started: threading.Event | None = None, got: list[int] | None = None) -> ExecResult:
        """`missing`: the status of tests whose records never came (the runner died: the code's doing);
        `started` is set once the runner is known to have started, or not to; `got[0]` counts the records."""
        lines = proc.lines
        try:
            ready = lines.next(time.monotonic() + limits.start_timeout_s)
        except ValueError as exc:
            return ExecResult(infra=f"sandbox protocol error: {exc}")
        finally:
            if started is not None:
                started.set()
        if not ready or not ready.get("ready"):
            return ExecResult(infra=f"the sandbox did not start: {proc.stderr_tail() or 'no ready signal'}")
        records: list[dict[str, Any]] = []
        while len(records) < count:
            try:
                # the runner enforces timeout_s itself; the slack only covers a loaded machine's scheduling delays
                record = lines.next(time.monotonic() + limits.timeout_s + 5.0)
            except ValueError as exc:
                return ExecResult(infra=f"sandbox protocol error: {exc}")
            if record is None:  # runner killed by the code, or hung (e.g. stopped): the code's doing
                records += [{"status": missing, "stderr": "the sandbox runner was killed or stopped"}
                            ] * (count - len(records))
                return ExecResult(records, complete=False)
            if record.get("status") == "infra":
                return ExecResult(infra="a test process could not set its limits or seccomp filter")
            records.append(record)
            if got is not None:
                got[0] = len(records)
        return ExecResult(records)

    def close(self, wait: bool = True) -> None:
        """Kill every sandbox: warm, idle, being started or being killed (with `wait`, none is left when this
        returns; never waited for from the executor's own threads, where it would wait for itself)."""
        self._closed = True
        own = threading.current_thread().name.startswith("rewardkit-sandbox-")
        if wait and not own:
            with contextlib.suppress(RuntimeError):  # at interpreter exit no new work is taken: kill what is here
                self._spawner.submit(lambda: None).result()
                self._recycler.submit(lambda: None).result()
                self._reaper.submit(lambda: None).result()
        for pool in (self._warm, self._judges):
            while True:
                try:
                    pool.get_nowait().kill()
                except queue.Empty:
                    break

    def __del__(self) -> None:
        self.close(wait=False)


class BwrapExecutor(_ProcessExecutor):
    """Samples in bubblewrap sandboxes, up to `reuse` in turn per sandbox; warm ones are started ahead of time."""

    isolated = True

    def __init__(self, warm: int = 1, bwrap: str | None = None, python: str | None = None,
                 uid: int | None = None, reuse: int = 1) -> None:
        """`python`: the interpreter inside (default: see `interpreter.find`); `uid`: the host uid that the sandbox
        runs as when this process is root (default 65534); `reuse`: samples per program sandbox. Raises OSError
        when the interpreter or the uid cannot be had."""
        super().__init__(warm, reuse)
        self.bwrap = bwrap or bwrap_path()
        if self.bwrap is None:
            raise FileNotFoundError("bubblewrap (bwrap) is not installed")
        self.user = sandbox_user(uid)
        self.python = find(python, self.user)

    def _spawn(self, limits: Limits, judge: bool = False) -> _Process:
        fds = (seccomp.memfd_with(seccomp.sandbox_filter()), seccomp.memfd_with(_source(RUNNER), "rk-runner"),
               seccomp.memfd_with(_source(EXCHANGE), "rk-exchange"))
        try:
            return _Process(bwrap_argv(self.bwrap, limits, fds[0], fds[1], self.python, fds[2]), fds,
                            {"PATH": os.environ.get("PATH", "")}, limits, bwrap_info=True, user=self.user,
                            **self._runner_mode(judge))
        finally:
            for fd in fds:
                os.close(fd)


class LocalExecutor(_ProcessExecutor):
    """The runner as a plain child process in a temporary directory: rlimits and seccomp only, no namespaces."""

    isolated = False

    def _spawn(self, limits: Limits, judge: bool = False) -> _Process:
        workdir = tempfile.mkdtemp(prefix="rewardkit-code-")
        argv = [sys.executable, "-s", "-S", "-B", str(RUNNER)]
        return _Process(argv, (), {**_ENV, "HOME": workdir}, limits, workdir=workdir, **self._runner_mode(judge))

    def _runner_filter(self) -> str | None:
        return seccomp.sandbox_filter().hex()
