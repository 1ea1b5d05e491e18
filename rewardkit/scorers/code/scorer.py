"""The `code` scorer: extract the completion's program, run it against the sample's tests in a sandbox, judge
outside, and turn the per-test verdicts into a reward (fraction passed, all-or-nothing, or open-r1's weighted form).

Stdin/stdout and APPS call tests are judged on the host (verdict.py); assert tests (HumanEval `check`, MBPP
asserts) run as written in a second sandbox that calls the program through proxies (runtime/runner.py).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.errors import ConfigError
from rewardkit.extract import answer_tag
from rewardkit.scorers.code.languages import LANGUAGES, language_block, normalize, sample_language
from rewardkit.scorers.code.tests import ParsedTests, TestCase, parse_tests
from rewardkit.scorers.code.verdict import call_matches, stdout_matches

TEST_FIELDS = ("tests", "input_output", "verification_info", "test_list", "test")
LOCAL_WARNING = ("code scorer: isolation 'local' runs model code WITHOUT bubblewrap: it can read and write your "
                 "files, see and signal your processes, and reach host UNIX sockets; only rlimits, a seccomp filter "
                 "(no network, ptrace, mounts, fork or exec in tests) and a temporary work dir remain")
_MAX_CODE_CHARS = 200_000


class CodeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    language: str = Field("python", description="language of the program: python, c, cpp, java, javascript, "
                          "go, rust (aliases such as c++, js, nodejs, golang, rs accepted), or auto: the tests' "
                          "declared language, else the last fenced block's tag, else python")
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
    sample_timeout_s: float | None = Field(60.0, gt=0, description="wall clock for all tests of a sample; tests "
                                           "not started within it count as failed (null: no budget)")
    fail_fast: bool | None = Field(None, description="stop a sample at its first test known to fail (timeout, "
                                   "error, failed assert); default: on for reward binary")
    memory_mb: int = Field(512, ge=32, le=65536, description="address-space limit per test process")
    output_kb: int = Field(1024, ge=1, description="cap on stdout + stderr + return value per test")
    float_tol: float = Field(1e-6, ge=0, description="tolerance on numeric stdout tokens and float returns")
    unwrap_single_output: bool = Field(True, description="accept x where a call test expects [x] (APPS/TACO)")
    isolation: Literal["bwrap", "local", "sandboxfusion"] = Field(
        "bwrap", description="bwrap: bubblewrap sandbox (required unless you opt out); local: no namespaces, "
        "much weaker (warns); sandboxfusion: a SandboxFusion server at sandboxfusion_url")
    sandboxfusion_url: str | None = Field(None, description="base URL of a SandboxFusion server")
    workers: int | None = Field(None, ge=1, description="sandbox slots run in parallel (default: CPU cores)")
    samples_per_sandbox: int = Field(64, ge=1, le=4096, description="samples one Python sandbox serves one after "
                                     "another, made clean between them (no process left, work dir, /tmp and "
                                     "/dev/shm emptied); 1: a fresh sandbox per sample")
    python: str | None = Field(None, description="interpreter inside the bwrap sandbox (default: this one if the "
                               "sandbox uid can run it, else a system python3 >= 3.10 on PATH or in /usr/bin)")
    sandbox_uid: int = Field(65534, ge=1, lt=2**32 - 1, description="unprivileged host uid (and gid) the bwrap "
                             "sandbox runs as when rewardkit runs as root; ignored otherwise")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        found = "auto" if value == "auto" else normalize(value)
        if found is None:
            raise ValueError(f"unknown language {value!r}: use one of {', '.join(LANGUAGES)} or auto")
        return found

    @model_validator(mode="after")
    def _url_needed(self) -> CodeParams:
        if self.isolation == "sandboxfusion" and not self.sandboxfusion_url:
            raise ValueError("isolation 'sandboxfusion' needs sandboxfusion_url")
        if self.language not in ("python", "auto") and self.isolation != "bwrap":
            raise ValueError(f"language {self.language!r} runs only with isolation bwrap")
        return self


class Code(Scorer):
    """Runs the completion's program against the sample's tests in a sandbox and scores the tests passed."""

    name = "code"
    description = "Runs the completion's code against the sample's tests in a bubblewrap sandbox (fraction passed)."
    Params = CodeParams
    _transient = ("_executor", "_lock", "_owner", "_compiled")
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
            return LocalExecutor(2 * self.workers)
        return BwrapExecutor(warm=2 * self.workers, python=self.params.python, uid=self.params.sandbox_uid,
                             reuse=self.params.samples_per_sandbox)

    def _limits(self):
        from rewardkit.runtime.sandbox import Limits
        cap = self.params.output_kb * 1024
        return Limits(timeout_s=self.params.timeout_s, memory_mb=self.params.memory_mb, output_bytes=cap,
                      value_bytes=cap, budget_s=self.params.sample_timeout_s)

    def _compiled_executor(self, language: str):
        """The executor of a compiled language, made on first use (its toolchain is probed in the sandbox then);
        a failure (its message only: a kept exception would hold the frames of its traceback) is kept for a
        minute, then tried again."""
        if self._lock is None:
            self._lock = threading.Lock()
        with self._lock:
            if self._compiled is None or self._compiled[0] != os.getpid():
                self._compiled = (os.getpid(), {})
            made = self._compiled[1].get(language)
            if made is None or (isinstance(made[0], str) and time.monotonic() - made[1] > 60):
                from rewardkit.runtime.compiled import CompiledExecutor
                try:
                    made = (CompiledExecutor.for_language(language, warm=self.workers, python=self.params.python,
                                                          uid=self.params.sandbox_uid), 0.0)
                except OSError as exc:
                    made = (str(exc), time.monotonic())
                self._compiled[1][language] = made
            return made[0]

    def _run_compiled(self, code: str, cases: list[TestCase], language: str):
        from rewardkit.runtime.sandbox import ExecResult
        executor = self._compiled_executor(language)
        if isinstance(executor, str):
            return ExecResult(infra=executor)
        return executor.run(code, [c.for_sandbox() for c in cases], self._limits(), fail_fast=self._fail_fast)

    @property
    def _fail_fast(self) -> bool:
        return self.params.reward == "binary" if self.params.fail_fast is None else self.params.fail_fast

    def close(self) -> None:
        """Stop the warm sandboxes (they also die with this process)."""
        if getattr(self, "_executor", None) is not None:
            self._executor.close()
            self._executor = None
        for made, _ in (getattr(self, "_compiled", None) or (0, {}))[1].values():
            if not isinstance(made, str):
                made.close()
        self._compiled = None

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
            with ThreadPoolExecutor(min(self.workers, len(jobs))) as threads:
                results = iter(threads.map(lambda job: self._run(executor, *job), jobs))
            prepared = [p if isinstance(p, Score) else self._judge(p[1], next(results)) for p in prepared]
        return prepared

    def _run(self, executor, code: str, cases: list[TestCase], language: str = "python"):
        if language != "python":
            return self._run_compiled(code, cases, language)
        checks = [c.for_judge() for c in cases if c.kind == "check"] or None
        return executor.run(code, [c.for_sandbox() for c in cases], self._limits(), checks=checks,
                            fail_fast=self._fail_fast)

    def _prepare(self, sample: Sample) -> Score | tuple[str, list[TestCase], str]:
        """The code and tests of a sample, or the Score when there is nothing to run."""
        parsed = self._tests(sample)
        if parsed.error or not parsed.cases:
            return Score.skip(parsed.error or "no usable tests", Status.INVALID_INPUT)
        if self.params.isolation == "sandboxfusion" and parsed.cases[0].kind == "check":
            return Score.skip("assert tests need a second sandbox for the test code: use isolation bwrap "
                              "(SandboxFusion runs stdio and call tests)", Status.INVALID_INPUT)
        language = sample_language(self.params.language, parsed.language, sample.completion_text)
        if language != "python":
            refused = _refuse_language(language, parsed.cases, self.params.isolation)
            if refused is not None:
                return refused
        code = self._extract(sample.completion_text, language)
        if code is None or not code.strip():
            return Score(0.0, reason=f"no {language} code found ({self.params.extract})",
                         details={"passed": 0, "total": len(parsed.cases)})
        if len(code) > _MAX_CODE_CHARS:
            return Score(0.0, reason=f"code longer than {_MAX_CODE_CHARS} characters")
        return code, self._subset(parsed.cases), language

    def _tests(self, sample: Sample) -> ParsedTests:
        fields = (self.params.tests_field,) if self.params.tests_field else TEST_FIELDS
        for key in fields:
            if sample.has(key):
                fn_name = sample.get("fn_name") or sample.get("entry_point")
                fn_name = fn_name if isinstance(fn_name, str) else None
                return parse_tests(sample.get(key), fn_name, self.params.language, setup=_setup(sample, fn_name))
        return ParsedTests(error=f"the sample has no tests (looked in: {', '.join(fields)})")

    def _extract(self, text: str, language: str) -> str | None:
        mode = self.params.extract
        if mode in ("code_block", "auto"):
            block = language_block(text, language)
            if block is not None or mode == "code_block":
                return block
        answer = answer_tag(text)
        if answer is None:
            return None
        return language_block(answer, language) or answer

    def _subset(self, cases: list[TestCase]) -> list[TestCase]:
        limit = self.params.max_tests
        if limit is None or len(cases) <= limit:
            return cases
        digest = hashlib.sha256(json.dumps([self.params.subset_seed, [c.for_sandbox() for c in cases]],
                                           sort_keys=True, default=str).encode()).digest()
        chosen = sorted(random.Random(digest).sample(range(len(cases)), limit))
        return [cases[i] for i in chosen]

    def _judge(self, cases: list[TestCase], result) -> Score:
        if result.infra is not None:
            return _infra(result.infra)
        built = getattr(result, "compile", None)  # compiled languages: the compile step's record
        if built is not None and built.get("status") != "ok":
            return compile_failure(built, len(cases))
        if result.checks is not None:
            invalid = next((r["value"][1:] for r in result.checks if str(r.get("value") or "").startswith("I")), None)
            if invalid is not None:
                return Score.skip(f"a test cannot run as written: {invalid}", Status.INVALID_INPUT)
            verdicts = [_check_verdict(c, r) for c, r in zip(result.checks, result.records, strict=True)]
        else:
            verdicts = [self._verdict(c, r) for c, r in zip(cases, result.records, strict=True)]
        passed = sum(v["status"] == "passed" for v in verdicts)
        fraction = passed / len(cases)
        value = {"fraction": fraction, "binary": float(passed == len(cases)),
                 "weighted": float(passed == len(cases)) + 0.1 * fraction}[self.params.reward]
        details = {"passed": passed, "total": len(cases), "tests": verdicts}
        if built is not None:
            details["compile"] = {"status": "ok", "wall": built.get("wall")}
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
        return _with_error(status, record, record)


def _refuse_language(language: str, cases: list[TestCase], isolation: str) -> Score | None:
    """Why a sample in a language other than Python cannot be run (None when it can)."""
    if isolation != "bwrap":
        return Score.skip(f"{language} programs run only with isolation bwrap", Status.INVALID_INPUT)
    if any(case.kind != "stdio" for case in cases):
        return Score.skip(f"only stdin/stdout tests run in {language} (these are call or assert tests)",
                          Status.INVALID_INPUT)
    return None


def compile_failure(record: dict[str, Any], total: int) -> Score:
    """A program that does not compile (an error, or the compile step's own limits): 0, with the message."""
    status = {"runtime_error": "compile_error"}.get(str(record.get("status")), record.get("status"))
    message = " ".join(str(record.get("stderr") or "").split())[:600]
    what = {"timeout": "compile timed out", "output_limit": "compiler output over its cap",
            "memory": "compile ran out of memory"}.get(str(status), "compile error")
    return Score(0.0, reason=f"{what}: {message}" if message else what,
                 details={"passed": 0, "total": total, "compile": {"status": status, "error": message}})


def _check_verdict(check: dict[str, Any], program: dict[str, Any]) -> dict[str, Any]:
    """A check test passes when its test process said so; otherwise the program's own failure (timeout, memory,
    a crash before serving) names the status, else the test's (a failed assert is a wrong answer)."""
    if check.get("status") == "ok" and check.get("value") == "P":
        return {"status": "passed", "wall": check.get("wall")}
    own = program.get("status")
    if own in ("timeout", "memory", "output_limit", "runtime_error"):
        return _with_error(own, check, program)
    status = {"timeout": "timeout", "skipped": "skipped"}.get(str(check.get("status")), "wrong_answer")
    return _with_error(status, check, check)


def _with_error(status: Any, timing: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    out = {"status": status if status in _STATUSES else "runtime_error", "wall": timing.get("wall")}
    if out["status"] in ("runtime_error", "wrong_answer") and record.get("stderr"):
        out["error"] = str(record["stderr"])[-300:]
    return out


def _setup(sample: Sample, entry_point: str | None) -> str:
    """Trusted code that assert tests run after: MBPP's `test_setup_code` / `test_imports`, and a HumanEval
    prompt (one that parses and defines the entry point: its helpers, such as `poly`, come from it, never from
    the program)."""
    parts = []
    prompt = sample.get("prompt")
    if entry_point and isinstance(prompt, str) and f"def {entry_point}(" in prompt:
        try:
            ast.parse(prompt)
            parts.append(prompt)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    for key in ("test_setup_code", "test_imports"):
        value = sample.get(key)
        value = "\n".join(v for v in value if isinstance(v, str)) if isinstance(value, list) else value
        if isinstance(value, str) and value.strip():
            parts.append(value)
    return "\n".join(parts)


_STATUSES = ("passed", "wrong_answer", "runtime_error", "timeout", "memory", "output_limit", "skipped")


def _infra(message: str) -> Score:
    return Score(None, Status.INFRA_ERROR, reason=message[:500])
