"""The sandbox's host identity and interpreter: run as root, every sandboxed process is an unprivileged host uid
(so RLIMIT_NPROC binds), and the interpreter inside is one that uid can run, or the sample is an infra_error."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rewardkit.registry import get
from rewardkit.runtime.interpreter import InterpreterError, find
from rewardkit.runtime.sandbox import BwrapExecutor, Limits, bwrap_path

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed (apt-get install bubblewrap)")
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the uid switch happens only when rewardkit runs as root")
STDIO = [{"kind": "stdio", "input": ""}]


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def sandbox_descendants() -> dict[int, dict[str, str]]:
    """/proc status of this process's descendants that belong to a code sandbox (bwrap, runner, test forks)."""
    parents = {int(p): int(_status(int(p)).get("PPid", 0)) for p in os.listdir("/proc") if p.isdigit()}
    ours, grew = {os.getpid()}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in ours and pid not in ours:
                ours.add(pid)
                grew = True
    found = {}
    for pid in ours - {os.getpid()}:
        try:
            if b"/runner.py" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found[pid] = _status(pid)
        except OSError:
            continue
    return found


@ROOT_ONLY
@pytest.mark.parametrize("uid", [None, 54321])
def test_sandbox_processes_run_as_an_unprivileged_host_uid(uid):
    """Seen from the host while a test program runs: bwrap, the namespace's init, the runner and the test process
    are all the sandbox uid (real, effective, saved, fs), with its gid, no supplementary groups, no capabilities."""
    expected = 65534 if uid is None else uid
    executor = BwrapExecutor(warm=0, uid=uid)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(executor.run, "import time\ntime.sleep(1)\nprint('done')", STDIO, Limits(timeout_s=8))
        seen: dict[int, dict[str, str]] = {}
        while len(seen) < 4 and not future.done():  # outer bwrap, init, runner, test process
            seen = sandbox_descendants()
            time.sleep(0.05)
        result = future.result()
    executor.close()
    assert result.infra is None and result.records[0]["stdout"] == "done\n", result
    assert len(seen) >= 4, seen
    for pid, status in seen.items():
        assert status["Uid"].split() == [str(expected)] * 4, (pid, status)
        assert status["Gid"].split() == [str(expected)] * 4, (pid, status)
        assert status["Groups"].strip() == "", (pid, status)
        assert int(status["CapEff"], 16) == 0 and int(status["CapPrm"], 16) == 0, (pid, status)


def test_rlimit_nproc_binds_in_the_sandbox():
    """A thread bomb stops at the process limit (threads count): as root this holds only because the sandbox
    runs as an unprivileged host uid, since the kernel exempts host root from RLIMIT_NPROC."""
    code = ("import threading, time\nthreading.stack_size(65536)\nn = 0\ntry:\n    for _ in range(200):\n"
            "        threading.Thread(target=time.sleep, args=(3,), daemon=True).start()\n        n += 1\n"
            "except RuntimeError as exc:\n    print(exc)\nprint(n)")
    executor = BwrapExecutor(warm=0)
    result = executor.run(code, STDIO, Limits(timeout_s=6, nproc=16))
    executor.close()
    assert result.infra is None, result
    lines = result.records[0]["stdout"].splitlines()
    assert lines[0] == "can't start new thread" and int(lines[1]) < 16, lines


def test_unusable_python_is_an_infra_error_that_names_the_option(tmp_path):
    scorer = get("code")(workers=1, python=str(tmp_path / "no-such-python"))
    score = scorer.score({"completion": "```python\nprint(3)\n```", "tests": {"inputs": [""], "outputs": ["3\n"]}})
    scorer.close()
    assert score.value is None and score.status.value == "infra_error", score
    assert "no-such-python" in score.reason and "`python`" in score.reason, score.reason


def _script(path: Path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_a_wrapper_resolves_to_the_real_interpreter(tmp_path):
    """A wrapper (a pyenv shim, say) is probed, and the binary it starts is what gets bound into the sandbox."""
    wrapper = _script(tmp_path / "python-wrapper", f'exec {sys.executable} "$@"')
    found = find(wrapper, None)
    assert found.executable == os.path.realpath(sys.executable) and found.version == sys.version_info[:2]


def test_a_python_older_than_the_runner_needs_is_refused(tmp_path):
    fake = _script(tmp_path / "python3.8", """echo '{"version": [3, 8], "executable": "", "stdlib": "/x", \
"dynload": "/x"}'""")
    with pytest.raises(InterpreterError, match=r"older than the runner's minimum 3\.10"):
        find(fake, None)


@ROOT_ONLY
def test_a_python_the_sandbox_uid_cannot_reach_is_refused(tmp_path):
    """pytest's tmp dirs are 0700 root: root can run a Python there, uid 65534 cannot."""
    tmp_path.chmod(0o700)
    wrapper = _script(tmp_path / "python-in-0700", f'exec {sys.executable} "$@"')
    assert find(wrapper, None).executable == os.path.realpath(sys.executable)
    with pytest.raises(InterpreterError, match="Permission denied") as error:
        find(wrapper, (65534, 65534))
    assert "python-in-0700" in str(error.value) and "sandbox_uid" in str(error.value)
