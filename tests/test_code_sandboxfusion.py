"""The SandboxFusion client against a real HTTP server on loopback that speaks the `/run_code` API: it really runs
the posted program (locally, like SandboxFusion would in its container) and answers in SandboxFusion's shape."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from rewardkit.registry import get

TESTS = {"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]}
GOOD = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"


class FakeSandboxFusion(BaseHTTPRequestHandler):
    mode = "run"  # run | sandbox_error | http_500 | garbage
    requests: ClassVar[list[dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, **body})
        if self.mode == "http_500":
            self.send_error(500, "boom")
            return
        if self.mode == "sandbox_error":
            reply = {"status": "SandboxError", "message": "no executor available", "run_result": None}
        elif self.mode == "garbage":
            reply = {"status": "Success", "message": "", "run_result": {"status": "Finished", "stdout": "hello"}}
        else:
            done = subprocess.run([sys.executable, "-c", body["code"]], input=body["stdin"], capture_output=True,
                                  text=True, timeout=body["run_timeout"], check=False)
            reply = {"status": "Success" if done.returncode == 0 else "Failed", "message": "",
                     "compile_result": None, "run_result": {"status": "Finished", "execution_time": 0.1,
                                                            "return_code": done.returncode, "stdout": done.stdout,
                                                            "stderr": done.stderr}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeSandboxFusion)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def scorer(server):
    FakeSandboxFusion.mode, FakeSandboxFusion.requests = "run", []
    return get("code")(isolation="sandboxfusion", sandboxfusion_url=server + "/", workers=2)


def test_request_carries_runner_and_inputs_never_expected_outputs(scorer):
    tests = {"inputs": ["1 2\n"], "outputs": ["expected-output-771\n"]}
    scorer.score({"completion": GOOD, "tests": tests})
    (request,) = FakeSandboxFusion.requests
    assert request["path"] == "/run_code" and request["language"] == "python"
    assert "def main(result_fd" in request["code"] and request["code"].rstrip().endswith("main(1)")
    job = json.loads(request["stdin"])
    assert job["tests"] == [{"kind": "stdio", "input": "1 2\n"}] and job["isolated"] is False
    assert "expected-output-771" not in json.dumps(request)


def test_results_are_judged_locally(scorer):
    assert scorer.score({"completion": GOOD, "tests": TESTS}).value == 1.0
    assert scorer.score({"completion": "```python\nprint(3)\n```", "tests": TESTS}).value == 0.5
    call = {"fn_name": "f", "inputs": [[2]], "outputs": [4]}
    assert scorer.score({"completion": "```python\ndef f(x):\n    return x * 2\n```", "tests": call}).value == 1.0
    hack = "```python\nclass A:\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return A()\n```"
    assert scorer.score({"completion": hack, "tests": call}).value == 0.0


def test_forged_records_on_the_programs_stdout_do_not_count(scorer):
    forged = json.dumps({"i": 0, "status": "ok", "stdout": "3\n"})
    code = f"```python\nprint({forged!r})\nprint('3')\n```"
    score = scorer.score({"completion": code, "tests": TESTS})
    assert score.value == 0.0


@pytest.mark.parametrize("mode", ["sandbox_error", "http_500", "garbage"])
def test_service_failures_are_infra_errors_never_zero(scorer, mode):
    FakeSandboxFusion.mode = mode
    score = scorer.score({"completion": GOOD, "tests": TESTS})
    assert score.value is None and score.status.value == "infra_error", score


def test_unreachable_server_is_an_infra_error():
    scorer = get("code")(isolation="sandboxfusion", sandboxfusion_url="http://127.0.0.1:9")
    score = scorer.score({"completion": GOOD, "tests": TESTS})
    assert score.value is None and score.status.value == "infra_error"


def test_a_program_cannot_reopen_the_runners_channel_to_fake_an_infra_error():
    """Inside SandboxFusion the runner's records travel on its stdout and no seccomp filter of ours is installed.
    A wrong program that reopened `/proc/<runner>/fd/1` could write a garbage line there, turning its 0 into a
    skipped `None`; the runner is non-dumpable, so a same-uid process without CAP_SYS_PTRACE (a default Docker
    root, or here uid 65534) cannot open its fds."""
    from rewardkit.runtime.interpreter import InterpreterError, find, sandbox_user
    from rewardkit.runtime.sandbox import Limits
    from rewardkit.runtime.sandboxfusion import SandboxFusionExecutor, parse_response

    user = sandbox_user()
    try:
        python = find(None, user).executable
    except InterpreterError as exc:
        pytest.skip(str(exc))
    code = ("import os\nfor fd in range(3):\n    try:\n"
            "        out = os.open(f'/proc/{os.getppid()}/fd/{fd}', os.O_WRONLY)\n"
            "        os.write(out, b'garbage\\n')\n    except OSError:\n        pass\ndef f(x):\n    return -1")
    request = SandboxFusionExecutor("http://127.0.0.1:9").build_request(
        code, [{"kind": "call", "fn_name": "f", "args": [2]}] * 2, Limits(timeout_s=2))
    as_user = {"user": user[0], "group": user[1], "extra_groups": []} if user else {}
    # the runner's stdout is a pipe of that uid, as SandboxFusion's is of the (root) user it runs code as
    done = subprocess.run(["/bin/sh", "-c", 'exec "$0" -c "$1" | cat', python, request["code"]],
                          input=request["stdin"], capture_output=True, text=True, timeout=30, check=False, cwd="/",
                          **as_user)
    result = parse_response({"status": "Success", "run_result": {"stdout": done.stdout, "stderr": done.stderr}}, 2)
    assert result.infra is None, (result.infra, done.stdout, done.stderr)
    assert [r["value"] for r in result.records] == ["-1", "-1"]
