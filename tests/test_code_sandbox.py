"""Hostile programs against the bubblewrap sandbox: each is contained, the host is unchanged, nothing is left
running, and the pool keeps serving. Runs as root here and in CI, where the sandbox runs as host uid 65534 (see
test_code_interpreter.py); fork and kill(-1) are stopped by the per-test seccomp filter and the PID namespace too."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from conftest import sandbox_pids

from rewardkit.registry import get
from rewardkit.runtime.sandbox import BwrapExecutor, Limits, bwrap_path

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed (apt-get install bubblewrap)")

REPO = Path(__file__).resolve().parents[1]
GOOD = "```python\nprint(sum(map(int, input().split())))\n```"
GOOD_TESTS = {"inputs": ["1 2\n"], "outputs": ["3\n"]}


@pytest.fixture(scope="module")
def scorer():
    code = get("code")(timeout_s=1.0, memory_mb=256, workers=1)
    yield code
    code.close()


def run(scorer, code: str, tests=None, stdin: str = ""):
    """Score `code` on a stdio test whose expected output is 'contained' (unless `tests` is given)."""
    tests = tests or {"inputs": [stdin], "outputs": ["contained\n"]}
    started = time.monotonic()
    score = scorer.score({"completion": f"```python\n{textwrap.dedent(code)}\n```", "tests": tests})
    return score, time.monotonic() - started


def assert_no_leftovers(baseline: frozenset[int] = frozenset()) -> None:
    """The kernel tears a PID namespace down asynchronously: allow it a moment, then nothing may remain
    (besides `baseline`, sandboxes that were running before and are not under test)."""
    deadline = time.monotonic() + 3
    while sandbox_pids() - baseline and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sandbox_pids() - baseline == set(), "processes outlived the sandbox"


def assert_serving(scorer) -> None:
    scorer.close()  # drop the warm sandbox so the leftover check sees only what the hostile run left
    assert_no_leftovers()
    assert scorer.score({"completion": GOOD, "tests": GOOD_TESTS}).value == 1.0


CRASHERS = {  # program -> statuses it may end with; all must score 0 and finish within the limits
    "infinite_loop": ("while True:\n    pass", {"timeout"}),
    "sleep": ("import time\ntime.sleep(60)", {"timeout"}),
    "signal_ignoring_loop": ("import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGXCPU, signal.SIGHUP):"
                             "\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass", {"timeout"}),
    "fork_bomb": ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
                  {"timeout"}),
    "fork_bomb_uncaught": ("import os\nwhile True:\n    os.fork()", {"runtime_error"}),
    "thread_bomb": ("import threading, time\nthreading.stack_size(65536)\nwhile True:\n"
                    "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()",
                    {"runtime_error", "memory", "timeout"}),
    "memory_bomb": ("x = bytearray(8 * 10**9)", {"memory"}),
    "memory_bomb_growing": ("x = []\nwhile True:\n    x.append(' ' * 10**7)", {"memory"}),
    "endless_stdout": ("while True:\n    print('x' * 1000)", {"output_limit"}),
    "endless_stderr": ("import sys\nwhile True:\n    sys.stderr.write('y' * 1000)", {"output_limit"}),
    "disk_fill_one_file": ("f = open('big', 'wb')\nwhile True:\n    f.write(b'0' * 2**20)", {"runtime_error"}),
    "disk_fill_many_files": ("i = 0\nwhile True:\n    open(f'f{i}', 'w').write('x' * 8192)\n    i += 1",
                             {"runtime_error", "timeout"}),
    "disk_fill_dev_shm": ("f = open('/dev/shm/big', 'wb')\nwhile True:\n    f.write(b'0' * 2**20)", {"runtime_error"}),
    "disk_fill_tmp": ("f = open('/tmp/big', 'wb')\nwhile True:\n    f.write(b'0' * 2**20)", {"runtime_error"}),
    "kill_parent": ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(5)",
                    {"runtime_error", "timeout"}),
    "stop_parent": ("import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\nprint('contained')",
                    {"runtime_error", "timeout"}),
    "ctypes_segfault": ("import ctypes\nctypes.string_at(0)", {"runtime_error"}),
    "deep_recursion": ("import sys\nsys.setrecursionlimit(10**7)\ndef f(n):\n    return f(n + 1) + 1\nf(0)",
                       {"runtime_error", "memory", "timeout"}),
    "blocking_stdin": ("input()\ninput()\nimport sys\nsys.stdin.read()", {"runtime_error"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_crashing_programs_are_contained(scorer, host, name):
    code, statuses = CRASHERS[name]
    score, elapsed = run(scorer, code, stdin="1 2\n")
    assert score.value == 0.0 and score.status.value == "ok", score
    assert score.details["tests"][0]["status"] in statuses, score.details
    assert elapsed < 12, f"{name} took {elapsed:.1f}s"
    assert_serving(scorer)


# Programs that print 'contained' exactly when every attempt was stopped: a pass proves containment.
PROBES = {
    "writes_outside_workdir": """
        ok, bad = True, None
        for path in [MARKER, HOSTDIR + '/new.txt', '/etc/rk', '/rk', '/usr/rk', '/runner.py', '/dev/rk']:
            try:
                open(path, 'w').write('pwned')
                ok, bad = False, path
            except OSError:
                pass
        print('contained' if ok else f'escaped {bad}')""",
    "reads_of_host_files": """
        import os
        ok, bad = True, None
        for path in ['/etc/passwd', '/etc/shadow', REPO + '/pyproject.toml', '/proc/1/environ', '/proc/self/environ',
                     '/etc/hostname', '/work', '/home', '/var/run/docker.sock', MARKER]:
            try:
                os.listdir(path) if os.path.isdir(path) else open(path).read()
                ok, bad = False, path
            except OSError:
                pass
        # only the path down to a bound interpreter may exist
        if os.path.isdir('/root') and set(os.listdir('/root')) - {'.pyenv'}:
            ok, bad = False, '/root'
        print('contained' if ok else f'escaped {bad}')""",
    "network": """
        import socket
        ok = True
        for family, address in [(socket.AF_INET, ('127.0.0.1', PORT)), (socket.AF_INET, ('1.1.1.1', 53)),
                                (socket.AF_INET6, ('::1', PORT)), (socket.AF_UNIX, SOCK),
                                (socket.AF_UNIX, '\\0rk-host')]:
            try:
                s = socket.socket(family, socket.SOCK_STREAM)
                s.settimeout(0.5)
                s.connect(address)
                ok = False
            except OSError:
                pass
        print('contained' if ok else f'escaped {bad}')""",
    "environment": """
        import os
        leaked = 'RK_HOST_SECRET' in os.environ or 'hunter2' in repr(os.environ)
        print('escaped' if leaked else 'contained')""",
    "kill_everything": """
        import os, signal
        ok = True
        for pid in (-1, 0, 1):
            try:
                os.kill(pid, signal.SIGKILL)
                ok = ok and pid > 0
            except OSError:
                pass
        print('contained' if ok else f'escaped {bad}')""",
    "double_forked_daemon": """
        import os
        try:
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    import time
                    time.sleep(60)
                os._exit(0)
            print('escaped')
        except OSError:
            print('contained')""",
    "raise_rlimits": """
        import resource
        ok = True
        for limit in (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE):
            try:
                resource.setrlimit(limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
                ok = False
            except (ValueError, OSError):
                pass
        print('contained' if ok else f'escaped {bad}')""",
    "raw_syscalls": """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        calls = [(101, 0, 0, 0, 0), (272, 0x10000000, 0, 0, 0), (272, 0x20000, 0, 0, 0),
                 (165, b'none', b'/sandbox', b'tmpfs', 0), (105, 0, 0, 0, 0), (106, 0, 0, 0, 0),
                 (161, b'/sandbox', 0, 0, 0), (308, 3, 0, 0, 0), (321, 0, 0, 0, 0)]
        results = [libc.syscall(*call) for call in calls]
        print('contained' if all(r == -1 for r in results) and os.getuid() != 0 else f'escaped {results}')""",
    "capabilities": """
        status = open('/dev/null').read()
        import os
        print('contained' if os.getuid() == 65534 and os.geteuid() == 65534 else 'escaped')""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_escape_attempts_are_stopped(scorer, host, monkeypatch, name):
    monkeypatch.setenv("RK_HOST_SECRET", "hunter2")
    prelude = (f"MARKER = {str(host['marker'])!r}\nHOSTDIR = {str(host['dir'])!r}\nREPO = {str(REPO)!r}\n"
               f"PORT = {host['port']}\nSOCK = {str(host['sock'])!r}\n")
    score, _ = run(scorer, prelude + textwrap.dedent(PROBES[name]))
    assert score.value == 1.0, score.details
    assert_serving(scorer)


@pytest.mark.slow
def test_binary_garbage_output_is_a_wrong_answer_not_an_infra_error(scorer, host):
    code = "import os, sys\nsys.stdout.buffer.write(os.urandom(1 << 20) + bytes(range(32)) * 30000)"
    score, _ = run(scorer, code)
    assert score.value == 0.0 and score.status.value == "ok"
    assert score.details["tests"][0]["status"] in {"wrong_answer", "output_limit"}
    assert_serving(scorer)


def test_runner_channel_is_closed_in_tests():
    """A test process cannot reach the runner's result pipe: every fd it holds besides 0-2 is its value pipe."""
    executor = BwrapExecutor(warm=0)
    code = "import os\nprint(sorted(fd for fd in range(64) if not os.path.exists('/x') and _ok(fd)))\n"
    code = "import os\ndef _ok(fd):\n    try:\n        os.fstat(fd)\n        return True\n    except OSError:\n" \
           "        return False\n" + code
    result = executor.run(code, [{"kind": "stdio", "input": ""}], Limits(timeout_s=2))
    executor.close()
    assert result.infra is None
    assert result.records[0]["stdout"].strip() == "[0, 1, 2, 4]" or len(eval(result.records[0]["stdout"])) == 4


def test_parallel_samples_do_not_share_files(scorer):
    """One sandbox per sample: a file written by one sample is not there for the next."""
    write = {"completion": "```python\nopen('/tmp/shared', 'w').write('x')\nprint('contained')\n```",
             "tests": {"inputs": [""], "outputs": ["contained\n"]}}
    read = {"completion": "```python\nimport os\nprint('contained' if not os.path.exists('/tmp/shared') "
                          "else 'leak')\n```", "tests": {"inputs": [""], "outputs": ["contained\n"]}}
    assert [s.value for s in scorer.score_batch([write, read, write, read])] == [1.0] * 4


def test_sandbox_start_failure_is_infra_error_never_zero(monkeypatch):
    """A broken sandbox (here: bwrap refusing an option) gives value None with status infra_error."""
    from rewardkit.runtime import sandbox
    scorer = get("code")(workers=1)
    original = sandbox.bwrap_argv
    monkeypatch.setattr(sandbox, "bwrap_argv", lambda *a, **k: [original(*a, **k)[0], "--no-such-option"])
    score = scorer.score({"completion": GOOD, "tests": GOOD_TESTS})
    scorer.close()
    assert score.value is None and score.status.value == "infra_error", score
    assert "--no-such-option" in score.reason or "did not start" in score.reason


def test_timeouts_run_concurrently_in_the_pool():
    """Two slots: two sleeping samples take about one timeout (2 s), not two (>= 4 s)."""
    scorer = get("code")(timeout_s=2.0, workers=2)
    sleeper = {"completion": "```python\nimport time\ntime.sleep(30)\n```", "tests": GOOD_TESTS}
    scorer.score({"completion": GOOD, "tests": GOOD_TESTS})  # warm up
    started = time.monotonic()
    scores = scorer.score_batch([sleeper, sleeper])
    elapsed = time.monotonic() - started
    scorer.close()
    assert [s.details["tests"][0]["status"] for s in scores] == ["timeout", "timeout"]
    assert elapsed < 3.6, elapsed


def test_host_kill_of_sandbox_leaves_nothing():
    """A test that stops its runner (SIGSTOP) is caught by the host deadline, which kills the sandbox's PID
    namespace: stopped processes included, nothing remains, and the later tests of the sample count as failed."""
    baseline = frozenset(sandbox_pids())
    executor = BwrapExecutor(warm=0)
    code = "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\nprint('x')"
    result = executor.run(code, [{"kind": "stdio", "input": ""}] * 3, Limits(timeout_s=0.5))
    executor.close()
    assert result.infra is None
    assert [r["status"] for r in result.records] == ["runtime_error"] * 3
    assert_no_leftovers(baseline)
