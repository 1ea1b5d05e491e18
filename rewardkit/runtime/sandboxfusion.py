"""A remote executor for SandboxFusion (bytedance/SandboxFusion), behind the same interface as the bwrap one.

One `POST {url}/run_code` per sample. The request carries the trusted runner (with a call to its `main` appended)
as `code` and the job (code under test + test inputs, never expected outputs) as `stdin`; the runner's records
come back in `run_result.stdout`, one JSON line each, and are judged locally like the bwrap executor's. The model's
own prints never reach that stdout: each test's stdout is a pipe the runner reads. Any failure of the service
(connection refused, HTTP error, `SandboxError`, no ready record) is an infrastructure error, never a 0.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from rewardkit.runtime.sandbox import RUNNER, ExecResult, Limits

_PROTOCOL_SLACK_S = 5.0


def runner_program() -> str:
    """The runner source as one self-contained program that reports on its own stdout (fd 1)."""
    return "_EMBEDDED = True\n" + RUNNER.read_text() + "\nmain(1)\n"


class SandboxFusionExecutor:
    """Runs each sample through a SandboxFusion server's `/run_code` API."""

    def __init__(self, url: str, request_timeout_s: float | None = None) -> None:
        self.url = url.rstrip("/") + "/run_code"
        self.request_timeout_s = request_timeout_s

    def build_request(self, code: str, tests: list[dict[str, Any]], limits: Limits, fail_fast: bool = False
                      ) -> dict[str, Any]:
        job = {"code": code, "tests": tests, "limits": limits.for_runner(), "isolated": False,
               "child_filter": None, "runner_filter": None, "fail_fast": fail_fast}
        return {"code": runner_program(), "language": "python", "stdin": json.dumps(job), "compile_timeout": 10,
                "run_timeout": limits.timeout_s * max(1, len(tests)) + _PROTOCOL_SLACK_S}

    def run(self, code: str, tests: list[dict[str, Any]], limits: Limits, checks: list[dict[str, Any]] | None = None,
            fail_fast: bool = False) -> ExecResult:
        """`checks` (assert tests) need a second sandbox, which one SandboxFusion request cannot give."""
        if checks:
            return ExecResult(infra="assert tests cannot run on SandboxFusion (no second sandbox for the test code)")
        request = self.build_request(code, tests, limits, fail_fast)
        body = json.dumps(request).encode()
        http = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        timeout = self.request_timeout_s or request["run_timeout"] + 30
        try:
            with urllib.request.urlopen(http, timeout=timeout) as reply:
                response = json.loads(reply.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return ExecResult(infra=f"SandboxFusion request to {self.url} failed: {exc}")
        return parse_response(response, len(tests))

    def close(self) -> None:
        """Nothing held between requests."""


def parse_response(response: Any, count: int) -> ExecResult:
    """Turn a `/run_code` response into per-test records (or an infrastructure error)."""
    if not isinstance(response, dict) or response.get("status") == "SandboxError":
        message = response.get("message") if isinstance(response, dict) else response
        return ExecResult(infra=f"SandboxFusion sandbox error: {str(message)[:300]}")
    run = response.get("run_result") or {}
    lines = str(run.get("stdout") or "").splitlines()
    try:
        records = [json.loads(line) for line in lines]
    except ValueError:
        return ExecResult(infra="SandboxFusion returned output that is not the runner's records")
    if not records or not isinstance(records[0], dict) or not records[0].get("ready"):
        return ExecResult(infra=f"the runner did not start on SandboxFusion: {str(run.get('stderr'))[:300]}")
    results = [r for r in records[1:] if isinstance(r, dict)][:count]
    if any(r.get("status") == "infra" for r in results):
        return ExecResult(infra="a test process could not set its limits on SandboxFusion")
    missing = "timeout" if run.get("status") == "TimeLimitExceeded" else "runtime_error"
    results += [{"status": missing, "stderr": "the runner stopped early"}] * (count - len(results))
    return ExecResult(results)
