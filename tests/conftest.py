"""Shared test helpers: the R1 worked example of DESIGN.md, and running the CLI as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

R1_PROMPT = (
    "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The "
    "assistant first thinks about the reasoning process in the mind and then provides the user with the answer. "
    "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, "
    "respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. "
    "User: What is 2 + 3 * 4?. Assistant:"
)
# o1..o4 of the worked example: wrong order of operations, right, right without think, gibberish + unclosed tag.
R1_OUTPUTS = [
    "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>",
    "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
    "<answer>14</answer>",
    "<think>…some gibberish reasoning…</think> <answer> 7<answer>",
]
R1_GOLD = "14"


@pytest.fixture
def r1_rows() -> list[dict]:
    return [{"prompt": R1_PROMPT, "completion": out, "answer": R1_GOLD} for out in R1_OUTPUTS]


@pytest.fixture(scope="module")
def torch_one_thread():
    """Tiny models run as fast on one torch thread, and far faster when the cores are shared (no OpenMP
    threads spinning against each other). Restores the setting afterwards."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run_cli(*args: str, input: str | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `python -m rewardkit ARGS` against this source tree, as a user would from a shell."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "rewardkit", *args], input=input, capture_output=True, text=True,
                          timeout=timeout, env=env, **kwargs)


def peer(name: str, module: str):
    """Import `module` from a trainer installed without its pins in a folder of its own (`.ci/run` puts verl in
    .venv/peers/verl and OpenRLHF in .venv/peers/openrlhf; REWARDKIT_PEER_<NAME> overrides the folder). The
    folder is appended to sys.path, so the main environment's packages win; the test skips when it is absent."""
    folders = os.environ.get(f"REWARDKIT_PEER_{name.upper()}") or str(ROOT / ".venv" / "peers" / name)
    for folder in folders.split(os.pathsep):  # several folders may be given, as in PYTHONPATH
        if os.path.isdir(folder) and folder not in sys.path:
            sys.path.append(folder)
    return pytest.importorskip(module, reason=f"{name} is not installed (see .ci/run or REWARDKIT_PEER_{name.upper()})")


@pytest.fixture
def host(tmp_path):
    """A marker file, a sentinel process and a listening TCP and UNIX socket on the host."""
    marker = tmp_path / "marker.txt"
    marker.write_text("untouched")
    sentinel = subprocess.Popen(["sleep", "60"])
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(tmp_path / "host.sock"))
    unix.listen(8)
    # the code sandbox's hostile suites (Python and compiled languages) check the host is as it was
    yield {"marker": marker, "dir": tmp_path, "port": tcp.getsockname()[1], "sock": tmp_path / "host.sock"}
    tcp.close()
    unix.close()
    assert sentinel.poll() is None, "a host process was killed from inside the sandbox"
    sentinel.kill()
    sentinel.wait()
    assert marker.read_text() == "untouched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["host.sock", "marker.txt"]


@contextmanager
def served(recipe: str | Path) -> Iterator[str]:
    """A real `rewardkit serve` of `recipe` on a free loopback port (one worker): its URL once /health answers;
    stopped by PID on exit."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("uvicorn")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "rewardkit", "serve", "-r", str(recipe), "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "1"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/status").read_text().split("\nPPid:\t", 1)[1].split("\n", 1)[0])
    except (OSError, IndexError, ValueError):
        return 0


def sandbox_pids() -> set[int]:
    """Host processes that belong to a code sandbox (bwrap, the in-sandbox runners and their forks, a compiled
    program) of this test run, or of none (orphans): sandboxes that another process on the machine runs right
    now are not ours."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                cmdline = Path("/proc", entry, "cmdline").read_bytes()
            except OSError:
                continue
            if b"runner.py" in cmdline or cmdline.startswith(b"/sandbox/prog"):
                found.add(int(entry))
    owners = {}
    for pid in found:
        owner = _parent(pid)
        while owner in found:
            owner = _parent(owner)
        owners[pid] = owner
    return {pid for pid, owner in owners.items() if owner in (os.getpid(), 1, 0)}
