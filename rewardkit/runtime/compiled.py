"""Run programs in compiled languages (C, C++, Java, JavaScript, Go, Rust) in the bubblewrap sandbox: one sandbox per
sample, the same namespaces, uid, seccomp base filter and size-capped tmpfs as Python's (sandbox.bwrap_argv),
plus the language's toolchain bound read-only (runtime/toolchains.py) and `exec_runner.py` as the runner.

Inside, the runner compiles once under the language's compile limits (a compiler may fork its passes; the
sandbox filter still forbids ptrace, mounts, namespaces and non-UNIX sockets), then starts the program once per
stdio test under the test limits with threads allowed and new processes refused. Results are raw stdout and
exit status; the verdict is decided on the host, as for Python stdio tests.

A compile that fails (an error, or its own time or memory limit) is the program's fault: the record says so
and the scorer gives 0 with the compiler's message. A toolchain that is missing, or that cannot compile a
known-good program inside the sandbox, is an infrastructure error (ToolchainMissing, an OSError).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rewardkit.runtime import seccomp
from rewardkit.runtime.sandbox import RUNNER, BwrapExecutor, ExecResult, Limits, _Lines, _Process, _source, bwrap_argv
from rewardkit.runtime.toolchains import Toolchain, ToolchainMissing, find

EXEC_RUNNER = Path(__file__).with_name("exec_runner.py")
COMPILE_OUTPUT_BYTES = 64 << 10  # compiler messages kept (the head: the first error matters most)
# what gcc (cc1plus), javac and node print when the compile step's address-space limit stops them
COMPILE_OOM = ("virtual memory exhausted", "out of memory allocating", "OutOfMemoryError", "heap out of memory")
_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/sandbox", "LANG": "C.UTF-8"}
# known-good programs: each language's toolchain must compile and run one inside the sandbox before it is used
PROBES = {
    "c": '#include <stdio.h>\nint main(void){int a,b;if(scanf("%d %d",&a,&b)!=2)return 1;printf("%d\\n",a+b);}',
    "cpp": "#include <bits/stdc++.h>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<'\\n';}",
    "java": "import java.util.*;\npublic class Main{public static void main(String[] x){Scanner s=new Scanner("
            "System.in);System.out.println(s.nextInt()+s.nextInt());}}",
    "javascript": "const [a,b]=require('fs').readFileSync(0,'utf8').trim().split(/\\s+/).map(Number);"
                  "console.log(a+b);",
    "go": 'package main\nimport "fmt"\nfunc main(){var a,b int64\nfmt.Scan(&a,&b)\nfmt.Println(a+b)}\n',
    "rust": "use std::io::Read;\nfn main(){let mut s=String::new();std::io::stdin().read_to_string(&mut s).unwrap();"
            "let v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();println!(\"{}\",v[0]+v[1]);}",
}


@dataclass
class CompiledResult(ExecResult):
    """An ExecResult with the compile step's record (None for a language without one)."""

    compile: dict[str, Any] | None = field(default=None)


class CompiledExecutor(BwrapExecutor):
    """Samples of one language, each in a fresh sandbox with its toolchain; warm sandboxes as for Python."""

    @classmethod
    def for_language(cls, language: str, **options: Any) -> CompiledExecutor:
        """The executor of `language` (a key of toolchains.LANGUAGES); `options` as for the constructor. Raises
        ToolchainMissing (an OSError) when the toolchain is absent or fails its probe in the sandbox."""
        return cls(find(language), **options)  # found first: no half-built executor to clean up

    def __init__(self, toolchain: Toolchain, warm: int = 1, bwrap: str | None = None, python: str | None = None,
                 uid: int | None = None, probe: bool = True) -> None:
        super().__init__(warm, bwrap, python, uid)
        self.toolchain: Toolchain = toolchain
        if probe:
            try:
                self._probe()
            except ToolchainMissing:
                self.close()
                raise

    def _probe(self) -> None:
        name = self.toolchain.language.name
        result = self.run(PROBES[name], [{"kind": "stdio", "input": "2 3\n"}], Limits(timeout_s=10))
        record = (result.compile or {}) if result.compile and result.compile.get("status") != "ok" else \
            (result.records[0] if result.records else {})
        if result.infra or record.get("status") != "ok" or record.get("stdout", "").strip() != "5":
            detail = result.infra or f"{record.get('status')}: {str(record.get('stderr', ''))[-400:]}"
            raise ToolchainMissing(f"the {name} toolchain cannot compile and run a test program in the sandbox "
                                   f"({detail.strip()}); reinstall {self.toolchain.language.package}")

    def _spawn(self, limits: Limits, judge: bool = False) -> _Process:
        """A sandbox for one compiled program (compiled languages have no assert tests, so never a judge)."""
        fds = (seccomp.memfd_with(seccomp.sandbox_filter()), seccomp.memfd_with(_source(RUNNER), "rk-runner"),
               seccomp.memfd_with(_source(EXEC_RUNNER), "rk-exec-runner"))
        try:
            return _Process(self._argv(limits, fds), fds, {"PATH": os.environ.get("PATH", "")}, limits,
                            bwrap_info=True, user=self.user)
        finally:
            for fd in fds:
                os.close(fd)

    def _argv(self, limits: Limits, fds: tuple[int, int, int]) -> list[str]:
        """Python's sandbox command line, with the toolchain bound and the exec runner started instead."""
        argv = bwrap_argv(self.bwrap, limits, fds[0], fds[1], self.python)
        binds = []
        for path in self.toolchain.binds:
            binds += ["--ro-bind", path, path]
        for target, path in self.toolchain.symlinks:
            binds += ["--symlink", target, path]
        at = argv.index("--remount-ro")  # before the root is made read-only
        argv[at:at] = [*binds, "--ro-bind-data", str(fds[2]), "/exec_runner.py"]
        if argv[-1] != "/runner.py":  # the layout this relies on changed in sandbox.py
            raise RuntimeError("sandbox.bwrap_argv must end with the runner's path")
        argv[-1] = "/exec_runner.py"
        return argv

    def run(self, code: str, tests: list[dict[str, Any]], limits: Limits, checks: list[dict[str, Any]] | None = None,
            fail_fast: bool = False) -> CompiledResult:
        """Compile `code` and run it on each stdio test's input. `checks` are not supported (stdio tests only)."""
        try:
            proc = self._take(limits)
        except OSError as exc:
            return CompiledResult(infra=f"could not start the sandbox: {exc}")
        try:
            job = self._job(code, tests, limits, fail_fast)
            try:
                proc.proc.stdin.write(json.dumps(job).encode() + b"\n")
                proc.proc.stdin.close()
            except OSError:
                pass  # reported below as a start failure
            self._refill(limits)  # boots while this sample runs
            return self._records(proc, len(tests), limits, job)
        except OSError as exc:
            return CompiledResult(infra=f"the sandbox failed: {exc}")
        finally:
            self._reaper.submit(proc.kill)

    def _job(self, code: str, tests: list[dict[str, Any]], limits: Limits, fail_fast: bool) -> dict[str, Any]:
        language, tool = self.toolchain.language, self.toolchain
        source = tool.source_name(code)
        run = {**limits.for_runner(), "memory_mb": limits.memory_mb + language.extra_address_mb,
               "nproc": language.nproc, "data_mb": limits.memory_mb if language.data_limit else None}
        build = replace(limits, timeout_s=language.compile_timeout_s, memory_mb=language.compile_memory_mb,
                        output_bytes=COMPILE_OUTPUT_BYTES, nproc=language.compile_nproc).for_runner()
        build["stack_mb"] = language.compile_stack_mb
        return {"code": code, "source": source, "compile": tool.compile_argv(source),
                "run": tool.run_argv(source, code, limits.memory_mb), "env": {**_ENV, **dict(tool.env)},
                "run_env": {**_ENV, **dict(tool.env), **tool.run_env(limits.memory_mb)},
                "tests": [{"kind": "stdio", "input": t.get("input", "")} for t in tests], "limits": run,
                "compile_limits": build, "compile_filter": seccomp.exec_filter(True).hex(),
                "run_filter": seccomp.exec_filter(False).hex(), "isolated": True, "fail_fast": fail_fast,
                "oom_markers": list(language.oom_markers), "compile_oom_markers": list(COMPILE_OOM)}

    def _records(self, proc: _Process, count: int, limits: Limits, job: dict[str, Any]) -> CompiledResult:
        lines = _Lines(proc.results, cap=8 * (2 * limits.output_bytes + 4000) + (1 << 16))
        try:
            ready = lines.next(time.monotonic() + limits.start_timeout_s)
            if not ready or not ready.get("ready"):
                return CompiledResult(infra=f"the sandbox did not start: {proc.stderr_tail() or 'no ready signal'}")
            compiled = None
            if job["compile"]:
                compiled = lines.next(time.monotonic() + job["compile_limits"]["timeout_s"] + 10.0)
                if compiled is None:
                    return CompiledResult(compile={"status": "runtime_error",
                                                   "stderr": "the sandbox runner was killed while compiling"})
                if compiled.get("status") == "infra":
                    return CompiledResult(infra=f"the compiler could not start: {compiled.get('stderr', '')[:300]}")
            records: list[dict[str, Any]] = []
            while len(records) < count:
                record = lines.next(time.monotonic() + limits.timeout_s + 5.0)
                if record is None:
                    records += [{"status": "runtime_error", "stderr": "the sandbox runner was killed or stopped"}
                                ] * (count - len(records))
                    return CompiledResult(records, complete=False, compile=compiled)
                if record.get("status") == "infra":
                    return CompiledResult(infra=f"a test process could not start: {record.get('stderr', '')[:300]}")
                records.append(record)
            return CompiledResult(records, compile=compiled)
        except ValueError as exc:
            return CompiledResult(infra=f"sandbox protocol error: {exc}")
