"""The trusted runner that executes model-written code inside the sandbox, one forked process per test.

Run as `python -s -S -B runner.py RESULT_FD [CTL_FD] [PRELOAD]`. It reads JSON jobs from stdin, one per line and
one per sample: {"code", "tests": [{"kind": "stdio", "input"} | {"kind": "call", "fn_name", "args"} | {"kind":
"serve"} | {"kind": "check", "program", "setup", "proxies"}], "limits": {...}, "child_filter": hex BPF or null,
"isolated": bool, "fail_fast": bool, "reset": bool}. Expected outputs are never part of a candidate's job: this
process only reports what the code did. A job runs in a fresh fork of a keeper process that never reads a job;
with `reset`, the keeper then makes the sandbox clean for the next sample (`reset`) and reports it.

Assert-style tests run in two sandboxes at once. In the candidate's, a `serve` test process runs the program as
`python3 prog.py` would, then answers calls; in a second sandbox, a `check` test process runs the test code (a
HumanEval `check`, MBPP asserts) with each function of the program replaced by a proxy that asks the serving
process over a pipe pair. Both ends of that pair arrive per test as fds on CTL_FD (SCM_RIGHTS from the host).
Values cross as strict pickles: exact built-in types only on the way out (`reducer_override` refuses every other
object), no class loaded on the way in, so the test applies Python's own `==` to plain data and no method of a
program object ever runs in the test's process. A transport failure (an object that is not data, a value over
the cap, a program that died) fails the test even if the test would catch the exception.

Trust boundary: the runner (keeper and job process) is the only one that holds RESULT_FD. Every test process is
forked from the job's process, closes RESULT_FD before it runs a line of model code, and talks back only through its
own stdout, stderr and a per-test value pipe, which the runner reads with caps and forwards as data. Whatever a test
process writes (fake PASS lines, forged records) is its output, judged outside against expectations it never saw; a
test whose process dies, hangs or lies about its exit is simply not a pass. Standard library only: nothing of
rewardkit is visible inside the sandbox.
"""

import _json
import builtins
import contextlib
import gc
import io
import os
import resource
import select
import signal
import sys
import time

MEMORY_EXIT = 121  # a test process that hit MemoryError exits with this
SETUP_OK = b"+"  # first byte on the value pipe: limits and filter are in place
SCRIPT = "solution.py"  # the program's file in the work dir, as under `python3 solution.py`
# The C parts of the json module, captured before any model code runs; the pure-Python `json` package is not
# imported at all (it pulls in `re`, which costs more than the rest of the runner's start-up together).
_ENCODE_STR = _json.encode_basestring


class _ScanContext:
    strict, object_hook, object_pairs_hook, memo = True, None, None, {}
    parse_float, parse_int, parse_constant = float, int, float


_SCAN = _json.make_scanner(_ScanContext())
_FLOAT_REPR = float.__repr__
_INT_REPR = int.__repr__


class Unserialisable(Exception):
    """The return value is not plain JSON data (a subclass, a set, too deep, too big, a huge int)."""


def encode(value, cap, depth=0, size=None):
    """Strict JSON text of a return value: exact built-in types only, so no model-defined method runs."""
    size = size if size is not None else [0]
    if depth > 64:
        raise Unserialisable("nested deeper than 64")
    kind = type(value)
    if value is None or kind is bool:
        text = "null" if value is None else ("true" if value else "false")
    elif kind is int:
        text = _INT_REPR(value)  # ValueError past 4300 digits
    elif kind is float:
        text = _FLOAT_REPR(value) if value == value and value not in (float("inf"), float("-inf")) else "NaN"
    elif kind is str:
        text = _ENCODE_STR(value)
    elif kind is list or kind is tuple:
        text = "[" + ",".join(encode(item, cap, depth + 1, size) for item in value) + "]"
    elif kind is dict:
        parts = []
        for key, item in value.items():
            if type(key) not in (str, int, bool, float) and key is not None:
                raise Unserialisable(f"dict key of type {type(key).__name__}")
            name = key if type(key) is str else encode(key, cap, depth + 1, size).strip('"')
            parts.append(_ENCODE_STR(name) + ":" + encode(item, cap, depth + 1, size))
        text = "{" + ",".join(parts) + "}"
    else:
        raise Unserialisable(f"return type {kind.__name__} is not plain JSON data")
    size[0] += len(text)
    if size[0] > cap:
        raise Unserialisable("return value too large")
    return text


def _text_stream(fd, mode):
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding="utf-8", errors="replace" if mode == "r" else "backslashreplace")


def _limit(limits):
    cpu = int(limits["cpu_s"])
    memory = int(limits["memory_mb"]) * 2**20
    for name, value in ((resource.RLIMIT_CPU, cpu), (resource.RLIMIT_AS, memory), (resource.RLIMIT_DATA, memory),
                        (resource.RLIMIT_STACK, min(memory, 256 * 2**20)), (resource.RLIMIT_CORE, 0),
                        (resource.RLIMIT_FSIZE, int(limits["fsize_mb"]) * 2**20),
                        (resource.RLIMIT_NOFILE, int(limits["nofile"])), (resource.RLIMIT_NPROC, int(limits["nproc"])),
                        (resource.RLIMIT_MEMLOCK, 0), (resource.RLIMIT_MSGQUEUE, 0)):
        resource.setrlimit(name, (value, value))  # soft = hard: the code cannot raise them back


def prepare_filter(hex_bpf):
    """A function that stacks the child seccomp filter (prctl PR_SET_SECCOMP with a sock_fprog); ctypes is
    loaded once here in the runner, so each forked test only pays two prctl calls."""
    import ctypes
    program = bytes.fromhex(hex_bpf)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = SockFprog(len(program) // 8, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)

    def install():
        if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot install the test seccomp filter")

    install.keep = (buffer, fprog)
    return install


def _resolve(namespace, fn_name):
    """The function to call: a top-level name, or a method of LeetCode's `class Solution`."""
    if fn_name in namespace and callable(namespace[fn_name]):
        return namespace[fn_name]
    solution = namespace.get("Solution")
    if isinstance(solution, type) and hasattr(solution, fn_name):
        return getattr(solution(), fn_name)
    raise NameError(f"the code defines no function {fn_name!r}")


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


exchange = None  # the value exchange of assert tests (exchange.py beside this file), loaded by main when needed


def _run_program(code):
    """Execute the program as `python3 solution.py` would: module `__main__` with `__file__`, in sys.modules
    (so its classes pickle), its directory first on sys.path. Returns its namespace."""
    module = type(sys)("__main__")
    module.__file__ = os.path.abspath(SCRIPT)
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    sys.path[0] = os.path.dirname(module.__file__)
    exec(compile(code, module.__file__, "exec"), module.__dict__)
    return module.__dict__


def _join_threads():
    """Wait for the program's non-daemon threads, as the interpreter does at exit (bounded by the deadline)."""
    threading = sys.modules.get("threading")
    if threading is None:
        return
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()


def _body(job, test, pair, val_w):
    """What a test process does once its limits are in place; returns the exit status."""
    kind, cap = test["kind"], int(job["limits"]["value_bytes"])
    if kind == "check":
        return exchange.check(test, pair, val_w, cap)
    try:
        namespace = _run_program(job["code"])
    finally:
        if kind == "stdio":
            _join_threads()
    if kind == "serve":
        exchange.serve(namespace, _resolve, pair, cap)
    elif kind == "call":
        result = _resolve(namespace, test["fn_name"])(*test["args"])
        _write_all(val_w, encode(result, cap).encode())
    return 0


def _child(job, test, fds, pair):
    """Body of a forked test process; never returns."""
    stdin_fd, out_w, err_w, val_w, closing = fds
    for fd in closing:
        os.close(fd)
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    os.dup2(stdin_fd, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    for fd in (stdin_fd, out_w, err_w):
        os.close(fd)
    _limit(job["limits"])
    if job.get("install_filter"):
        job["install_filter"]()
    os.write(val_w, SETUP_OK)  # written before model code runs, so a test cannot fake a broken sandbox
    sys.stdin, sys.stdout, sys.stderr = _text_stream(0, "r"), _text_stream(1, "w"), _text_stream(2, "w")
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.argv = [SCRIPT]
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # big-integer answers print as in Python <= 3.10; the time limit bounds it
    try:
        status = _body(job, test, pair, val_w)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except MemoryError:
        status = MEMORY_EXIT
    except BaseException:  # noqa: BLE001 - any model error is a runtime error of this test
        sys.__excepthook__(*sys.exc_info())  # the C traceback printer: no `traceback` import per test
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a broken stream must not turn a failure into a hang
            status = status or 1
    os._exit(status & 0xFF)


def _input_fd(test):
    if test["kind"] != "stdio":
        return os.open(os.devnull, os.O_RDONLY)
    fd = os.memfd_create("stdin", 0)
    data = test["input"].encode("utf-8", "surrogateescape")
    while data:
        data = data[os.write(fd, data):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _collect(pid, pipes, limits, timeout):
    """Read the test's stdout, stderr and value until it exits, the deadline passes or output overflows."""
    pidfd = os.pidfd_open(pid)
    chunks = {fd: bytearray() for fd in pipes}
    poller = select.poll()
    for fd in (*pipes, pidfd):
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + timeout
    cap, verdict, open_fds, exited = int(limits["output_bytes"]), None, set(pipes), False
    while open_fds and verdict is None:
        wait_ms = (deadline - time.monotonic()) * 1000
        if wait_ms <= 0:
            verdict = "timeout"
            break
        for fd, _ in poller.poll(wait_ms if not exited else 0):
            if fd == pidfd:
                exited = True
                poller.unregister(pidfd)
                continue
            data = os.read(fd, 65536)
            if not data:
                open_fds.discard(fd)
                poller.unregister(fd)
            chunks[fd] += data
            if sum(len(c) for c in chunks.values()) > cap:
                verdict = "output_limit"
        if exited and not poller.poll(0):
            break  # exited and nothing left to read (threads die with the process)
    os.close(pidfd)
    return verdict, [bytes(chunks[fd]) for fd in pipes]


def _reap(pid):
    """Kill the test process (it cannot have started another: no fork, no exec) and collect its status. What a
    sample could leave is swept by the keeper after the sample (`reset`), or dies with its sandbox."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    return status, usage


def _receive_pair(ctl):
    """The two pipe ends of a serve or check test, sent by the host with SCM_RIGHTS."""
    import _socket
    _, ancillary, _, _ = ctl.recvmsg(1, _socket.CMSG_SPACE(8))
    fds = [int.from_bytes(data[i:i + 4], sys.byteorder) for level, kind, data in ancillary
           if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS for i in range(0, len(data) - 3, 4)]
    if len(fds) != 2:
        for fd in fds:
            os.close(fd)
        raise OSError("the host sent no pipe pair for this test")
    return fds


def run_test(job, test, channels, timeout):
    """Fork one test process, collect what it did, and return its record. `channels`: (result fd, ctl socket)."""
    result_fd, ctl = channels
    pair = _receive_pair(ctl) if test["kind"] in ("serve", "check") else []
    stdin_fd = _input_fd(test)
    (out_r, out_w), (err_r, err_w), (val_r, val_w) = os.pipe(), os.pipe(), os.pipe()
    started = time.monotonic()
    closing = (result_fd, out_r, err_r, val_r) + ((ctl.fileno(),) if ctl is not None else ())
    pid = os.fork()
    if pid == 0:
        try:
            _child(job, test, (stdin_fd, out_w, err_w, val_w, closing), pair)
        finally:
            os._exit(1)
    for fd in (stdin_fd, out_w, err_w, val_w, *pair):
        os.close(fd)
    pipes = (out_r, err_r, val_r)
    verdict, (stdout, stderr, value) = _collect(pid, pipes, job["limits"], timeout)
    status, usage = _reap(pid)
    for fd in pipes:
        os.close(fd)
    code = os.waitstatus_to_exitcode(status)
    if not value.startswith(SETUP_OK):
        verdict = "infra"  # the test process could not set its limits: the sandbox is broken, not the code
    value = value[len(SETUP_OK):]
    if verdict is None:
        if code == MEMORY_EXIT:
            verdict = "memory"
        elif code in (-signal.SIGXCPU, -signal.SIGKILL) and usage.ru_utime + usage.ru_stime >= job["limits"]["cpu_s"]:
            verdict = "timeout"
        elif code != 0 or (test["kind"] in ("call", "check") and not value):
            verdict = "runtime_error"
        else:
            verdict = "ok"
    cap = int(job["limits"]["output_bytes"])  # records stay bounded: at most 6 JSON bytes per byte kept
    return {"status": verdict, "exit": code, "wall": round(time.monotonic() - started, 4),
            "stdout": stdout[:cap].decode("utf-8", "replace"), "stderr": stderr[-2000:].decode("utf-8", "replace"),
            "value": value[:cap].decode("utf-8", "replace") if test["kind"] in ("call", "check") and value else None}


def _send(fd, record):
    data = (encode(record, 1 << 62) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


def _undumpable(required):
    """PR_SET_DUMPABLE 0: a test process of the same uid (without CAP_SYS_PTRACE) can neither ptrace the runner
    nor open /proc/<runner>/mem or /proc/<runner>/fd/N, the result channel itself under SandboxFusion, where a
    garbled record would turn the sample into an infra_error. Best effort outside our sandbox (no ctypes there)."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
    except (ImportError, OSError):
        if required:
            raise


def _failed(test, record):
    """Known to have failed inside the sandbox (wrong stdout or return values are only known outside)."""
    return record["status"] != "ok" or (test["kind"] == "check" and record["value"] != exchange.PASSED.decode())


def read_job():
    """The next job on stdin (one JSON line), or None at the end of the stream. Read by the process that runs it
    (the host writes a job only after the previous one ended, so nothing after its newline is ever read)."""
    buffer = b""
    while not buffer.endswith(b"\n"):
        data = os.read(0, 1 << 20)
        if not data:
            break
        buffer += data
    return _SCAN(buffer.decode("utf-8"), 0)[0] if buffer.strip() else None


WRITABLE = ("/sandbox", "/tmp", "/dev/shm")  # the bubblewrap sandbox's only writable places (its tmpfs mounts)
RESET_S = 2.0  # a wipe that takes longer (a sample that made a million files) ends the sandbox instead


def _wipe(root, deadline):
    """Remove everything under `root`, whatever modes the sample gave it; False when that cannot be done before
    `deadline`. Symbolic links are removed, never followed."""
    directories, stack = [], [root]
    while stack:
        path = stack.pop()
        os.chmod(path, 0o700)  # a sample's chmod 000 or 500 must not keep its files (same uid: always allowed)
        directories.append(path)
        with os.scandir(path) as entries:
            for entry in entries:
                if time.monotonic() > deadline:
                    return False
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    os.unlink(entry.path)
    for path in reversed(directories[1:]):
        os.rmdir(path)
    return not os.listdir(root)


_FS_IOC_GETFLAGS, _FS_IOC_SETFLAGS = 0x80086601, 0x40086602  # chattr flags (noatime, nodump …): tmpfs keeps some


def _flags(root, value=None):
    """A directory's inode flags (set them with `value`); None where the file system has none."""
    import fcntl
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if value is not None:
            fcntl.ioctl(fd, _FS_IOC_SETFLAGS, value)
        return fcntl.ioctl(fd, _FS_IOC_GETFLAGS, bytes(8))
    except OSError:
        return None
    finally:
        os.close(fd)


def _xattrs(root):
    """The extended attributes' names (none where the file system keeps none: older kernels' tmpfs)."""
    try:
        return sorted(os.listxattr(root))
    except OSError:
        return []


def snapshot():
    """What a sample could change and the next one could read, other than files and processes: each writable
    directory's mode, times, extended attributes (ACLs included) and inode flags, and the keeper's scheduling,
    which its forks inherit (the test filter refuses changing it; this is the check that it held)."""
    roots = {}
    for root in WRITABLE:
        if os.path.isdir(root):
            info = os.stat(root)
            roots[root] = (info.st_mode & 0o7777, info.st_atime_ns, info.st_mtime_ns, _xattrs(root), _flags(root))
    scheduling = (os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0), sorted(os.sched_getaffinity(0)))
    return roots, scheduling


def reset(start):
    """Make the sandbox as the next sample must find it: no process but the runner (each test process was killed
    and reaped, and none can fork), nothing under the writable directories, and everything `snapshot` reads as
    it was at start-up (`start`). Returns an empty string, or what could not be made clean."""
    deadline = time.monotonic() + RESET_S
    while True:
        try:
            os.kill(-1, signal.SIGKILL)  # every process but the runner and the namespace's init
        except ProcessLookupError:
            break
        except PermissionError:
            return "a process of another uid is in the sandbox"
        if time.monotonic() > deadline:
            return "a process outlived its sample"
        time.sleep(0.001)
    try:
        for root, (mode, atime, mtime, names, flags) in start[0].items():
            if not _wipe(root, deadline):
                return f"{root} could not be emptied within {RESET_S:g} s"
            for name in _xattrs(root):
                if name not in names:
                    os.removexattr(root, name)
            if flags is not None:
                _flags(root, flags)
            os.chmod(root, mode)
            os.utime(root, ns=(atime, mtime))
    except OSError as exc:
        return f"wiping failed: {exc}"
    return "" if snapshot() == start else "the sandbox differs from its start-up state after the wipe"


def run_job(job, channels):
    """Report `ready`, then one record per test: tests past the sample's time budget, or after the first known
    failure when the job is `fail_fast`, are `skipped` without running."""
    if job.get("code") and job.get("own_workdir"):  # a work dir of the sample's own (not SandboxFusion's cwd)
        with contextlib.suppress(OSError), open(SCRIPT, "w", encoding="utf-8", errors="surrogateescape") as script:
            script.write(job["code"])  # for tracebacks and programs that read their own __file__
    _send(channels[0], {"ready": True})
    limits, started, stop = job["limits"], time.monotonic(), False
    budget = float(limits.get("budget_s") or 0) or float("inf")
    for index, test in enumerate(job["tests"]):
        left = budget - (time.monotonic() - started)
        if stop or left <= 0:
            if test["kind"] in ("serve", "check"):  # consume its pipe pair: the next job's must come next
                for fd in _receive_pair(channels[1]):
                    os.close(fd)
            record = {"status": "skipped", "stdout": "", "stderr": "", "value": None}
        else:
            record = run_test(job, test, channels, min(float(limits["timeout_s"]), left))
            stop = bool(job.get("fail_fast")) and _failed(test, record)
        record["i"] = index
        _send(channels[0], record)


JOB_DONE, JOB_DONE_RESET, NO_MORE_JOBS = 0, 10, 11  # how a job's process tells the keeper it ended
# signals a test process could send its runners (same uid, by pid) are blocked there: they stay pending in the
# runner they were sent to, never acting, and a fork starts with none pending, so the only ones that act are
# SIGKILL and SIGSTOP, at once (a sample cannot leave one for the next). Test processes unblock them (one call).
# SIGCHLD stays deliverable for wait4
_QUIET = set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD}


_FILTERED = []  # filters this process has stacked (a runner that runs jobs itself stacks them once)


def _run_one(channels):
    """Read one job and run it; how it ended (a job's process exits with it, telling its keeper)."""
    job = read_job()
    if job is None:
        return NO_MORE_JOBS
    if job.get("runner_filter") and not _FILTERED:
        prepare_filter(job["runner_filter"])()  # local mode: the runner takes the sandbox filter itself
        _FILTERED.append(True)
    job["install_filter"] = prepare_filter(job["child_filter"]) if job.get("child_filter") else None
    _undumpable(bool(job.get("isolated")))
    run_job(job, channels)
    return JOB_DONE_RESET if job.get("reset") and job.get("isolated") else JOB_DONE


def main(result_fd, ctl_fd=None, preload="", jobs="inline"):
    """Run each job on stdin. `preload`: standard-library modules (comma-separated) imported once here, so that
    test processes find them loaded (`from typing import List` costs ~20 ms otherwise).
    `jobs`: `inline` (a test sandbox, which runs only trusted test code, or a sandbox for one sample): this process
    runs each job. `fork` (a program sandbox serving sample after sample): this process is a keeper that never
    reads a job or a result. For each job it forks a process that reads and runs it, waits for it, then (when the
    job asks) makes the sandbox clean for the next sample and reports that. So each job's process, and every test
    process it forks, starts from memory that holds nothing of an earlier sample: not its code, not its outputs. A
    job's process that dies abnormally (killed by a test) ends the keeper too, so the host sees the end of the
    result stream at once."""
    global exchange
    for name in ("ctypes", *filter(None, preload.split(","))):
        with contextlib.suppress(ImportError):
            __import__(name)
    ctl = None
    if ctl_fd is not None:  # assert tests are possible: load the value exchange before any test forks
        import _socket

        import exchange
        ctl = _socket.socket(fileno=ctl_fd)
    signal.pthread_sigmask(signal.SIG_BLOCK, _QUIET)
    _undumpable(False)
    if jobs != "fork":
        while _run_one((result_fd, ctl)) != NO_MORE_JOBS:
            pass
        return
    start = snapshot()
    gc.freeze()  # the collector in a job's or test's process leaves the keeper's objects (and their pages) alone
    while True:
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(_run_one((result_fd, ctl)))
            finally:
                os._exit(1)
        ended = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if ended == JOB_DONE_RESET:
            _send(result_fd, {"reset": reset(start)})
        elif ended != JOB_DONE:
            return  # no more jobs, or the job's process was killed: the sandbox ends


if __name__ == "__main__" and not globals().get("_EMBEDDED"):
    main(int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:5])
