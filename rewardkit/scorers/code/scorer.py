"""The `code` scorer: extract the completion's program, run it against the sample's tests in a sandbox, judge
outside, and turn the per-test verdicts into a reward (fraction passed, all-or-nothing, or open-r1's weighted form).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.errors import ConfigError
from rewardkit.extract import answer_tag, code_block
from rewardkit.scorers.code.tests import ParsedTests, TestCase, parse_tests
from rewardkit.scorers.code.verdict import call_matches, stdout_matches

TEST_FIELDS = ("tests", "input_output", "verification_info", "test_list", "test")
LOCAL_WARNING = ("code scorer: isolation 'local' runs model code WITHOUT bubblewrap: it can read and write your "
                 "files, see and signal your processes, and reach host UNIX sockets; only rlimits, a seccomp filter "
                 "(no network, ptrace, mounts, fork or exec in tests) and a temporary work dir remain")
_MAX_CODE_CHARS = 200_000


class CodeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    language: Literal["python"] = Field("python", description="language of the program (Python only)")
    extract: Literal["code_block", "answer", "auto"] = Field(
        "code_block", description="code_block: last fenced block of the language; answer: the <answer> content "
        "(or the code block inside it); auto: code block, else answer content")
    tests_field: str | None = Field(None, description="sample field holding the tests; default: the first of "
                                    "tests, input_output, verification_info, test_list, test")
    reward: Literal["fraction", "binary", "weighted"] = Field(
        "fraction", description="fraction of tests passed; binary: 1 only if all pass; weighted: open-r1's "
        "all-pass + 0.1 * fraction (0..1.1)")
    max_tests: int | None = Field(None, ge=1, description="run a deterministic subset of at most N tests")
    subset_seed: int = Field(0, description="seed of the test subset")
    timeout_s: float = Field(4.0, gt=0, le=120, description="wall-clock limit per test (CPU limit: next second)")
    memory_mb: int = Field(512, ge=32, le=65536, description="address-space limit per test process")
    output_kb: int = Field(1024, ge=1, description="cap on stdout + stderr + return value per test")
    float_tol: float = Field(1e-6, ge=0, description="tolerance on numeric stdout tokens and float returns")
    unwrap_single_output: bool = Field(True, description="accept x where a call test expects [x] (APPS/TACO)")
    isolation: Literal["bwrap", "local", "sandboxfusion"] = Field(
        "bwrap", description="bwrap: bubblewrap sandbox (required unless you opt out); local: no namespaces, "
        "much weaker (warns); sandboxfusion: a SandboxFusion server at sandboxfusion_url")
    sandboxfusion_url: str | None = Field(None, description="base URL of a SandboxFusion server")
    workers: int | None = Field(None, ge=1, description="sandbox slots run in parallel (default: CPU cores)")
    python: str | None = Field(None, description="interpreter inside the bwrap sandbox (default: this one if the "
                               "sandbox uid can run it, else a system python3 >= 3.10 on PATH or in /usr/bin)")
    sandbox_uid: int = Field(65534, ge=1, lt=2**32 - 1, description="unprivileged host uid (and gid) the bwrap "
                             "sandbox runs as when rewardkit runs as root; ignored otherwise")

    @model_validator(mode="after")
    def _url_needed(self) -> CodeParams:
        if self.isolation == "sandboxfusion" and not self.sandboxfusion_url:
            raise ValueError("isolation 'sandboxfusion' needs sandboxfusion_url")
        return self


class Code(Scorer):
    """Runs the completion's program against the sample's tests in a sandbox and scores the tests passed."""

    name = "code"
    description = "Runs the completion's code against the sample's tests in a bubblewrap sandbox (fraction passed)."
    Params = CodeParams
    _transient = ("_executor", "_lock", "_owner")
    examples = (
        {"sample": {"completion": "```python\nprint(sum(map(int, input().split())))\n```",
                    "tests": {"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]}}, "value": 1.0},
        {"sample": {"completion": "```python\nprint(3)\n```",
                    "tests": {"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]}}, "value": 0.5},
        {"sample": {"completion": "```python\ndef add(a, b):\n    return a + b\n```",
                    "tests": ["assert add(1, 2) == 3", "assert add(True, 1) == 2"]}, "value": 1.0},
        {"params": {"reward": "binary"}, "sample": {"completion": "no code here", "tests": ["assert f(1) == 1"]},
         "value": 0.0},
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name, **params)
        self.required_fields = (self.params.tests_field,) if self.params.tests_field else (TEST_FIELDS,)
        self.value_range = (0.0, 1.1 if self.params.reward == "weighted" else 1.0)
        if self.params.isolation == "bwrap":
            from rewardkit.runtime.sandbox import bwrap_path
            if bwrap_path() is None:
                raise ConfigError("bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) "
                                  "or opt into the much weaker isolation: local (see docs/code.md)", "isolation")
        elif self.params.isolation == "local":
            warnings.warn(LOCAL_WARNING, stacklevel=2)

    # -- sandbox plumbing -------------------------------------------------------------------------------------
    @property
    def workers(self) -> int:
        return self.params.workers or os.cpu_count() or 1

    def _get_executor(self):
        if self._lock is None:
            self._lock = threading.Lock()
        with self._lock:
            if self._executor is None or self._owner != os.getpid():
                # a forked worker inherits the object but not the parent's spawner thread: start its own
                self._executor, self._owner = self._make_executor(), os.getpid()
            return self._executor

    def _make_executor(self):
        if self.params.isolation == "sandboxfusion":
            from rewardkit.runtime.sandboxfusion import SandboxFusionExecutor
            return SandboxFusionExecutor(self.params.sandboxfusion_url)
        from rewardkit.runtime.sandbox import BwrapExecutor, LocalExecutor
        if self.params.isolation == "local":
            return LocalExecutor(self.workers)
        return BwrapExecutor(warm=self.workers, python=self.params.python, uid=self.params.sandbox_uid)

    def _limits(self):
        from rewardkit.runtime.sandbox import Limits
        cap = self.params.output_kb * 1024
        return Limits(timeout_s=self.params.timeout_s, memory_mb=self.params.memory_mb, output_bytes=cap,
                      value_bytes=cap)

    def close(self) -> None:
        """Stop the warm sandboxes (they also die with this process)."""
        if getattr(self, "_executor", None) is not None:
            self._executor.close()
            self._executor = None

    # -- scoring ----------------------------------------------------------------------------------------------
    def _score(self, sample: Sample) -> Score:
        return self._score_batch([sample])[0]

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        prepared = [self._prepare(s) for s in samples]
        jobs = [p for p in prepared if not isinstance(p, Score)]
        if jobs:
            try:
                executor = self._get_executor()
            except (OSError, ConfigError) as exc:
                return [p if isinstance(p, Score) else _infra(str(exc)) for p in prepared]
            limits = self._limits()
            with ThreadPoolExecutor(min(self.workers, len(jobs))) as threads:
                results = iter(threads.map(lambda job: executor.run(job[0], [c.for_sandbox() for c in job[1]],
                                                                    limits), jobs))
            prepared = [p if isinstance(p, Score) else self._judge(p[1], p[2], next(results)) for p in prepared]
        return prepared

    def _prepare(self, sample: Sample) -> Score | tuple[str, list[TestCase], ParsedTests]:
        """The code and tests of a sample, or the Score when there is nothing to run."""
        parsed = self._tests(sample)
        if parsed.error or not parsed.cases:
            return Score.skip(parsed.error or "no convertible tests", Status.INVALID_INPUT)
        code = self._extract(sample.completion_text)
        if code is None or not code.strip():
            return Score(0.0, reason=f"no {self.params.language} code found ({self.params.extract})",
                         details={"passed": 0, "total": len(parsed.cases)})
        if len(code) > _MAX_CODE_CHARS:
            return Score(0.0, reason=f"code longer than {_MAX_CODE_CHARS} characters")
        return code, self._subset(parsed.cases), parsed

    def _tests(self, sample: Sample) -> ParsedTests:
        fields = (self.params.tests_field,) if self.params.tests_field else TEST_FIELDS
        for key in fields:
            if sample.has(key):
                fn_name = sample.get("fn_name") or sample.get("entry_point")
                return parse_tests(sample.get(key), fn_name if isinstance(fn_name, str) else None)
        return ParsedTests(error=f"the sample has no tests (looked in: {', '.join(fields)})")

    def _extract(self, text: str) -> str | None:
        mode, language = self.params.extract, self.params.language
        if mode in ("code_block", "auto"):
            block = code_block(text, language)
            if block is not None or mode == "code_block":
                return block
        answer = answer_tag(text)
        if answer is None:
            return None
        return code_block(answer, language) or answer

    def _subset(self, cases: list[TestCase]) -> list[TestCase]:
        limit = self.params.max_tests
        if limit is None or len(cases) <= limit:
            return cases
        digest = hashlib.sha256(json.dumps([self.params.subset_seed, [c.for_sandbox() for c in cases]],
                                           sort_keys=True, default=str).encode()).digest()
        chosen = sorted(random.Random(digest).sample(range(len(cases)), limit))
        return [cases[i] for i in chosen]

    def _judge(self, cases: list[TestCase], parsed: ParsedTests, result) -> Score:
        if result.infra is not None:
            return _infra(result.infra)
        verdicts = [self._verdict(c, r) for c, r in zip(cases, result.records, strict=True)]
        passed = sum(v["status"] == "passed" for v in verdicts)
        fraction = passed / len(cases)
        value = {"fraction": fraction, "binary": float(passed == len(cases)),
                 "weighted": float(passed == len(cases)) + 0.1 * fraction}[self.params.reward]
        details = {"passed": passed, "total": len(cases), "skipped": parsed.skipped, "tests": verdicts}
        return Score(value, reason=f"{passed}/{len(cases)} tests passed", details=details)

    def _verdict(self, case: TestCase, record: dict[str, Any]) -> dict[str, Any]:
        status = record.get("status")
        if status == "ok":
            if case.kind == "call":
                good = call_matches(record.get("value"), case.expected, self.params.float_tol,
                                    self.params.unwrap_single_output)
            else:
                good = stdout_matches(str(record.get("stdout", "")), str(case.expected), self.params.float_tol)
            status = "passed" if good else "wrong_answer"
        out = {"status": status if status in _STATUSES else "runtime_error", "wall": record.get("wall")}
        if out["status"] == "runtime_error" and record.get("stderr"):
            out["error"] = str(record["stderr"])[-300:]
        return out


_STATUSES = ("passed", "wrong_answer", "runtime_error", "timeout", "memory", "output_limit")


def _infra(message: str) -> Score:
    return Score(None, Status.INFRA_ERROR, reason=message[:500])
