"""A program sandbox serves several samples one after another (`samples_per_sandbox`): nothing one sample leaves
reaches the next. Each scenario runs an attacker sample, then a probe sample in the same sandbox (one worker, so
the order is fixed), and checks the probe finds the sandbox as a fresh one would be, and that the sandbox was
indeed reused, or dropped where the runner could not make it clean."""

from __future__ import annotations

import textwrap
import time

import pytest

from rewardkit.registry import get
from rewardkit.runtime.sandbox import bwrap_path

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed (apt-get install bubblewrap)")

# what a fresh sandbox shows: the three writable directories empty, with bwrap's modes
LOOK = textwrap.dedent("""
    import os
    print(sorted(os.listdir('/sandbox')), sorted(os.listdir('/tmp')), sorted(os.listdir('/dev/shm')))
    print(*(oct(os.stat(d).st_mode & 0o777) for d in ('/sandbox', '/tmp', '/dev/shm')))
""")
FRESH = "['solution.py'] [] []\n0o755 0o755 0o755\n"  # the runner writes the program to solution.py


def _recording(scorer) -> tuple[list[int], list[int]]:
    """The scorer's executor, recording the sandbox (its bwrap pid) each sample takes and counting those it
    starts."""
    executor = scorer._get_executor()
    spawn, take, started, used = executor._spawn, executor._take, [0], []

    def counting(*args, **kwargs):
        started[0] += 1
        return spawn(*args, **kwargs)

    def recording(limits):
        proc = take(limits)
        used.append(proc.proc.pid)
        return proc

    executor._spawn, executor._take = counting, recording
    return started, used


def _settled(scorer) -> None:
    """Wait until the sandboxes in use are back (made clean) or replaced."""
    executor = scorer._get_executor()
    deadline = time.monotonic() + 15
    while executor._pending and time.monotonic() < deadline:
        time.sleep(0.01)


def _fresh_view() -> str:
    scorer = get("code")(workers=1, samples_per_sandbox=1)
    try:
        return scorer._get_executor().run(LOOK, [{"kind": "stdio", "input": ""}], scorer._limits()).records[0][
            "stdout"]
    finally:
        scorer.close()


def _program(body: str) -> str:
    return f"```python\n{textwrap.dedent(body)}\n```"


def _after(attack: str, reuse: int = 64, timeout_s: float = 2.0) -> tuple[str, bool, list]:
    """Run `attack` (a stdio program), then LOOK, in one worker; the probe's stdout, whether it ran in the
    attacker's sandbox, and both results."""
    scorer = get("code")(workers=1, samples_per_sandbox=reuse, timeout_s=timeout_s)
    try:
        scorer.score({"completion": _program("print(1)"), "tests": {"inputs": [""], "outputs": ["1"]}})
        _, used = _recording(scorer)
        attacker = scorer.score({"completion": _program(attack), "tests": {"inputs": [""], "outputs": ["x"]}})
        _settled(scorer)
        probe = scorer._get_executor().run(LOOK, [{"kind": "stdio", "input": ""}], scorer._limits())
        return probe.records[0]["stdout"], used[0] == used[1], [attacker, probe]
    finally:
        scorer.close()


LEFTOVERS = {
    "files in every writable directory": """
        for d in ('/sandbox', '/tmp', '/dev/shm'):
            open(d + '/answer.txt', 'w').write('42')
        """,
    "nested directories locked with chmod 000 and 500": """
        import os
        os.makedirs('/tmp/a/b/c')
        open('/tmp/a/b/c/f', 'w').write('x')
        os.chmod('/tmp/a/b/c', 0o000)
        os.chmod('/tmp/a/b', 0o500)
        os.chmod('/tmp', 0o500)
        os.chmod('/sandbox', 0o000)
        """,
    "symlinks, a loop, a fifo and a unix socket file": """
        import os, socket
        os.symlink('/tmp/loop', '/tmp/loop')
        os.symlink('/usr/lib', '/sandbox/lib')
        os.mkfifo('/dev/shm/fifo')
        socket.socket(socket.AF_UNIX).bind('/tmp/sock')
        """,
    "hard links and a deleted file kept open by a thread": """
        import os, threading, time
        open('/tmp/a', 'w').write('x')
        os.link('/tmp/a', '/tmp/b')
        handle = open('/sandbox/gone', 'w')
        os.unlink('/sandbox/gone')
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        """,
    "many files": """
        import os
        for i in range(200):
            os.makedirs(f'/tmp/d{i}')
            for j in range(50):
                open(f'/tmp/d{i}/{j}', 'w').close()
        """,
    "the disk filled": """
        with open('/tmp/fill', 'wb') as f:
            try:
                while True:
                    f.write(b'x' * (1 << 20))
            except OSError:
                pass
        """,
}


@pytest.mark.parametrize("attack", LEFTOVERS.values(), ids=LEFTOVERS.keys())
def test_a_sample_finds_nothing_the_previous_one_left(attack):
    seen, same, (attacker, _) = _after(attack)
    assert seen == _fresh_view() == FRESH, seen
    assert same, "the sandbox was not reused: this test would prove nothing"
    assert attacker.status == "ok"


@pytest.mark.parametrize("attack", [
    "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",  # the runner
    "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)",
], ids=["runner killed", "runner stopped"])
def test_a_sandbox_whose_runner_was_attacked_is_not_reused(attack):
    seen, same, (attacker, probe) = _after(attack, timeout_s=1.0)
    assert attacker.value == 0.0
    assert seen == FRESH and probe.infra is None
    assert not same, "a sandbox whose runner was attacked must be replaced"


def test_a_signal_to_the_namespace_init_changes_nothing():
    """The kernel ignores SIGKILL sent to a PID namespace's init from inside: the sandbox stays sound."""
    seen, same, (attacker, probe) = _after("import os, signal\nos.kill(1, signal.SIGKILL)\nprint('x')")
    assert attacker.value == 1.0 and seen == FRESH and probe.infra is None and same


@pytest.mark.parametrize("call", [
    "sysv_ipc_like('shmget')", "sysv_ipc_like('semget')", "sysv_ipc_like('msgget')", "mq_open()",
])
def test_ipc_objects_that_outlive_a_process_are_refused(call):
    """SysV segments, semaphores, message queues and POSIX queues stay in the IPC namespace after their maker
    exits: a test process may not create them (the standard library uses none of them)."""
    program = textwrap.dedent(f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def sysv_ipc_like(name):
            args = {{'shmget': (0, 4096, 0o1600), 'semget': (0, 1, 0o1600), 'msgget': (0, 0o1600)}}[name]
            return getattr(libc, name)(*args), ctypes.get_errno()
        def mq_open():
            return libc.mq_open(b'/q', os.O_CREAT | os.O_RDWR, 0o600, None), ctypes.get_errno()
        print({call})
    """)
    scorer = get("code")(workers=1)
    try:
        record = scorer._get_executor().run(program, [{"kind": "stdio", "input": ""}], scorer._limits()).records[0]
    finally:
        scorer.close()
    assert record["stdout"] == "(-1, 1)\n", record  # EPERM


def test_a_sandbox_serves_at_most_samples_per_sandbox_samples():
    scorer = get("code")(workers=1, samples_per_sandbox=3)
    good = {"completion": _program("print(1)"), "tests": {"inputs": [""], "outputs": ["1"]}}
    _, used = _recording(scorer)
    try:
        assert [s.value for s in scorer.score_batch([good] * 10)] == [1.0] * 10
    finally:
        scorer.close()
    uses = [used.count(pid) for pid in dict.fromkeys(used)]
    assert len(used) == 10 and max(uses) == 3, used


def test_one_sandbox_per_sample_when_asked():
    seen, same, _ = _after(LEFTOVERS["files in every writable directory"], reuse=1)
    assert seen == FRESH and not same


def test_the_score_does_not_depend_on_what_ran_before():
    """The same batch in two orders gives the same scores, also for assert tests (the test sandbox is shared)."""
    rows = [
        {"completion": _program("def f(x):\n    return x + 1"), "tests": ["assert f(1) == 2", "assert f(2) == 3"]},
        {"completion": _program("def f(x):\n    open('/tmp/seen', 'a').write('x')\n    return len(open('/tmp/seen')"
                                ".read())"), "tests": ["assert f(0) == 1"]},
        {"completion": _program("import os\nprint(len(os.listdir('/tmp')))"),
         "tests": {"inputs": [""], "outputs": ["0"]}},
        {"completion": _program("def f(x):\n    while True: pass"), "tests": ["assert f(1) == 2"]},
    ]
    scorer = get("code")(workers=1, timeout_s=1.0)
    try:
        forward = [s.value for s in scorer.score_batch(rows)]
        backward = [s.value for s in scorer.score_batch(rows[::-1])][::-1]
        again = [s.value for s in scorer.score_batch(rows + rows)]
    finally:
        scorer.close()
    assert forward == backward == again[:4] == again[4:] == [1.0, 1.0, 1.0, 0.0]


MEMORY_SCAN = textwrap.dedent("""
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    needle = ("zebra" + "-" + "quokka").encode() * 2  # made at run time: this program's text does not hold it
    own = id(needle) + 32  # where the bytes object keeps its data
    reader, writer = os.pipe()
    chunk = 4096  # a pipe's capacity can be a single page (the uid's pipe quota)
    buffer = bytearray(chunk)
    start = ctypes.addressof((ctypes.c_char * chunk).from_buffer(buffer))
    on_heap = bytearray(100_000)  # malloc's heap (small objects live in the interpreter's own arenas)
    bases = {id(object()) & ~(chunk - 1), ctypes.addressof((ctypes.c_char * 100_000).from_buffer(on_heap)) & ~(
        chunk - 1)}
    hits = 0
    for address in sorted({a for b in bases for a in range(b - (256 << 20), b + (256 << 20), chunk)}):
        # write(2) copies from any mapped address and fails with EFAULT on an unmapped one: a safe reader
        if libc.write(writer, ctypes.c_void_p(address), chunk) != chunk:
            continue
        os.readv(reader, [buffer])
        found = buffer.find(needle)
        while found != -1:
            where = address + found
            hits += where != own and not start <= where < start + chunk
            found = buffer.find(needle, found + 1)
    print(hits)
""")


def test_a_sample_cannot_read_an_earlier_sample_from_memory():
    """Each sample's runner is forked from a keeper that never held a job or a result: a later program that scans
    its own address space (inherited from its runner) finds neither an earlier sample's code nor its output."""
    scorer = get("code")(workers=1, timeout_s=10.0)
    earlier = {"completion": _program("SECRET = 'zebra-quokkazebra-quokka'\nprint(SECRET * 2000)"),
               "tests": {"inputs": [""], "outputs": ["zebra-quokkazebra-quokka" * 2000]}}
    try:
        _, used = _recording(scorer)
        assert scorer.score(earlier).value == 1.0
        _settled(scorer)
        scanned = scorer.score({"completion": _program(MEMORY_SCAN), "tests": {"inputs": [""], "outputs": ["0"]}})
        control = scorer.score({"completion": _program("SECRET = 'zebra-quokka' * 2" + MEMORY_SCAN.replace(
            "print(hits)", "print(hits > 0)")), "tests": {"inputs": [""], "outputs": ["True"]}})
    finally:
        scorer.close()
    assert used[0] == used[1], "not the same sandbox: this test would prove nothing"
    assert scanned.value == 1.0, scanned.details
    assert control.value == 1.0, control.details  # the scan finds the program's own copy: it can see
