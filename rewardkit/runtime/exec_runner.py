"""The trusted runner for compiled languages (C, C++, Java, JavaScript, Go, Rust) inside the sandbox: compile once, then
start the program once per stdio test.

Run as `python -s -S -B exec_runner.py RESULT_FD` beside `runner.py`, whose limits, output collection and
seccomp loader it uses. One JSON job on stdin: {"code", "source", "compile": argv | null, "run": argv, "env", "run_env",
"tests": [{"kind": "stdio", "input"}], "limits", "compile_limits", "compile_filter", "run_filter", "isolated",
"fail_fast", "oom_markers", "compile_oom_markers"}. Expected outputs are never part of it.

Records on RESULT_FD: `ready`, then one for the compile step (`"compile": true`) when there is one, then one per
test (`skipped` for all of them when the compile failed). Each process is forked from here, closes RESULT_FD,
sets its rlimits, stacks its seccomp filter, writes the setup marker on its value pipe (close-on-exec, so the
program never holds it) and only then execs the compiler or the program.
"""

import contextlib
import os
import resource
import signal
import sys
import time

import runner

EXEC_FAILED = b"!"  # after the setup marker: the exec itself failed (a sandbox fault, never the program's)


def _child(argv, env, limits, install, fds):
    """The forked process: limits, filter, marker, exec. Never returns."""
    stdin_fd, out_w, err_w, val_w = fds
    try:
        os.dup2(stdin_fd, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        # nothing else crosses the exec (the result channel, the host's ctl socket): only 0-2 and the value
        # pipe, which is close-on-exec
        os.closerange(3, val_w)
        os.closerange(val_w + 1, 1 << 16)
        # Python ignores SIGPIPE and SIGXFSZ, and ignored signals survive exec: restore what a shell gives a
        # program (past the file-size limit it dies of SIGXFSZ rather than writing on forever)
        for number in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(number, signal.SIG_DFL)
        runner._limit(limits)
        # tighter than runner._limit's for some languages (toolchains.Language): the data limit of a runtime that
        # reserves much address space (Go), the stack limit of a compiler whose threads take it as their size
        for key, name in (("data_mb", resource.RLIMIT_DATA), ("stack_mb", resource.RLIMIT_STACK)):
            if limits.get(key):
                value = int(limits[key]) * 2**20
                resource.setrlimit(name, (value, value))
        if install is not None:
            install()
        os.write(val_w, runner.SETUP_OK)
        os.execve(argv[0], argv, env)
    except OSError as exc:
        os.write(val_w, EXEC_FAILED + str(exc).encode()[:500])
    finally:
        os._exit(127)


def execute(job, argv, stdin_text, limits, install, timeout, env):
    """Start `argv` on `stdin_text` under `limits` and `env`; the record of what it did."""
    stdin_fd = runner._input_fd({"kind": "stdio", "input": stdin_text})
    (out_r, out_w), (err_r, err_w), (val_r, val_w) = os.pipe(), os.pipe(), os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(argv, env, limits, install, (stdin_fd, out_w, err_w, val_w))
    for fd in (stdin_fd, out_w, err_w, val_w):
        os.close(fd)
    pipes = (out_r, err_r, val_r)
    verdict, (stdout, stderr, marker) = runner._collect(pid, pipes, limits, timeout)
    status, usage = runner._reap(pid)
    if job.get("isolated"):  # a compiler's driver forks its passes: nothing it started outlives the step
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(-1, signal.SIGKILL)
    for fd in pipes:
        os.close(fd)
    code = os.waitstatus_to_exitcode(status)
    text = stderr.decode("utf-8", "replace")
    if marker != runner.SETUP_OK:
        verdict = "infra"
        text = marker[len(runner.SETUP_OK) + len(EXEC_FAILED):].decode("utf-8", "replace") or text
    elif verdict is None:
        verdict = _verdict(code, usage, text, limits, job.get("oom_markers") or ())
    cap = int(limits["output_bytes"])
    return {"status": verdict, "exit": code, "wall": round(time.monotonic() - started, 4),
            "stdout": stdout[:cap].decode("utf-8", "replace"), "stderr": text[:4000] if job.get("keep_head")
            else text[-2000:], "value": None}


def _verdict(code, usage, stderr, limits, oom_markers):
    if code in (-signal.SIGXCPU, -signal.SIGKILL) and usage.ru_utime + usage.ru_stime >= limits["cpu_s"]:
        return "timeout"
    if code != 0:
        return "memory" if any(marker in stderr for marker in oom_markers) else "runtime_error"
    return "ok"


def _filter(hex_bpf):
    return runner.prepare_filter(hex_bpf) if hex_bpf else None


def run_job(job, result_fd):
    """Compile (when the language has a step), then every test; a failed compile skips them all."""
    with open(job["source"], "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(job["code"])
    runner._send(result_fd, {"ready": True})
    compile_install, run_install = _filter(job.get("compile_filter")), _filter(job.get("run_filter"))
    runner._undumpable(bool(job.get("isolated")))
    skip = {"status": "skipped", "stdout": "", "stderr": "", "value": None}
    compiled = True
    if job.get("compile"):
        limits = job["compile_limits"]
        build = {**job, "keep_head": True, "oom_markers": job.get("compile_oom_markers") or ()}
        record = execute(build, job["compile"], "", limits, compile_install, float(limits["timeout_s"]), job["env"])
        record["compile"] = True
        runner._send(result_fd, record)
        compiled = record["status"] == "ok"
    limits, started, stop = job["limits"], time.monotonic(), not compiled
    budget = float(limits.get("budget_s") or 0) or float("inf")
    for index, test in enumerate(job["tests"]):
        left = budget - (time.monotonic() - started)
        if stop or left <= 0:
            record = dict(skip)
        else:
            record = execute(job, job["run"], test["input"], limits, run_install,
                             min(float(limits["timeout_s"]), left), job.get("run_env") or job["env"])
            stop = bool(job.get("fail_fast")) and record["status"] != "ok"
        record["i"] = index
        runner._send(result_fd, record)


def main(result_fd):
    job = runner.read_job()
    if job is not None:
        run_job(job, result_fd)


if __name__ == "__main__":
    main(int(sys.argv[1]))
