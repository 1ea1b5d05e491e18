"""`rewardkit serve` as a process: the ready line, shutdown on SIGTERM / Ctrl-C (checked by PID: no process
it started survives), and a readable 413 for an oversized body on a raw socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rewardkit.core import Score, Scorer

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[1]


class Sleeper(Scorer):
    """Takes `seconds` per sample: a request is still in flight when the signal arrives."""

    name = "sleeper"
    description = "sleeps, then scores 1.0"
    value_range = (0.0, 1.0)

    def _score(self, sample):
        time.sleep(float(sample.get("seconds", 0)))
        return Score(1.0)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start(tmp_path: Path, recipe: object, *extra: str) -> tuple[subprocess.Popen, str]:
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(recipe))
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    # the server process registers the test's scorer, then runs the CLI as `rewardkit serve` would
    code = ("import sys, rewardkit, test_server_lifecycle as t; rewardkit.register(t.Sleeper); "
            "from rewardkit.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "-r", str(path), "--port", "0", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # the ready line: printed once the socket listens
    if "ready on http://" not in line:
        proc.kill()
        pytest.fail(f"no ready line: {line!r} {proc.stderr.read()[-2000:]}")
    url = line.split("ready on ", 1)[1].split()[0]
    assert httpx.get(f"{url}/health", timeout=5).status_code == 200  # ready means ready
    return proc, url


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_every_process_the_server_started(tmp_path, sig, code):
    recipe = [{"use": "math"}, {"use": "sleeper", "weight": 0.0}]
    proc, url = _start(tmp_path, recipe, "--workers", "2")
    # a zero written as an expression needs the symbolic check, which starts the math scorer's own worker
    # processes in each scoring worker (the in-process numeric path decides most other pairs)
    body = {"query": ["q<answer>\\sqrt{8} - 2\\sqrt{2}</answer>"] * 4, "prompts": ["q"] * 4, "labels": ["0"] * 4}
    assert httpx.post(f"{url}/get_reward", json=body, timeout=60).json()["rewards"] == [1.0] * 4
    started = _descendants(proc.pid)
    assert len(started) >= 4  # 2 scoring workers, the resource tracker, math workers
    slow = {"query": ["q<answer>1</answer>"], "prompts": ["q"], "labels": ["1"], "metas": [{"seconds": 60}]}
    threading.Thread(target=lambda: httpx.post(f"{url}/get_reward", json=slow, timeout=90), daemon=True).start()
    time.sleep(1.0)  # the slow request is in a worker now
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == code
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in started if _alive(p)] == []
    stderr = proc.stderr.read()
    assert "Traceback" not in stderr, stderr[-3000:]


def test_oversized_body_gets_a_readable_413_on_a_raw_socket(tmp_path):
    proc, url = _start(tmp_path, [{"use": "exact_match"}], "--workers", "0", "--max-body-mb", "1")
    try:
        host, port = url.removeprefix("http://").split(":")
        body = b'{"query": ["' + b"x" * (10 * 2**20) + b'"]}'
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            # as `requests` does: the whole body first, then read (a server that stops reading resets it)
            sock.sendall(b"POST /get_reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            reply = b""
            while b"}" not in reply:
                chunk = sock.recv(65536)  # a connection reset raises here
                if not chunk:
                    break
                reply += chunk
        head, _, content = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413")
        assert "exceeds the limit" in json.loads(content)["detail"]
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)

