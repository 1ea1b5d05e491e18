"""C++ stdio throughput: rewardkit's sandboxed compile-and-run against a bare host runner, in one run.

    PYTHONPATH=. python benchmarks/bench_code_langs.py [--samples 16] [--tests 50] [--workers 2]

Same samples (correct C++17 solutions, so every test runs to completion and passes) and the same verdict
function for both runners:
- rewardkit: `code` scorer with `language: cpp`, one bubblewrap sandbox per sample (toolchain bound read-only),
  `g++ -std=c++17 -O2` inside it under the compile limits, then one exec per test under the test limits and the
  seccomp filter;
- bare: the same `g++` command in a temporary directory on the host, then `subprocess.run(binary)` per test,
  NO sandbox, no limits (what a naive harness does).
Each uses `--workers` threads. Prints tests/s with the compile included, and without it (the elapsed time less
the compile steps' wall time divided by the workers: an estimate, compiles and tests overlap), and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from rewardkit.registry import get
from rewardkit.scorers.code.verdict import stdout_matches

PROGRAMS = [  # (solution, input generator, reference)
    ("#include <bits/stdc++.h>\nint main(){long long s=0,x;while(std::cin>>x)s+=x;std::cout<<s<<'\\n';}",
     lambda r: " ".join(str(r.randint(-10**9, 10**9)) for _ in range(r.randint(1, 50))),
     lambda s: str(sum(map(int, s.split())))),
    ("#include <bits/stdc++.h>\nusing namespace std;\nint main(){int n;cin>>n;vector<long long> v(n);"
     "for(auto&x:v)cin>>x;sort(v.begin(),v.end());for(int i=0;i<n;i++)cout<<v[i]<<(i+1<n?' ':'\\n');}",
     lambda r: (lambda v: f"{len(v)}\n{' '.join(map(str, v))}")([r.randint(0, 10**6) for _ in range(r.randint(1, 99))]),
     lambda s: " ".join(map(str, sorted(map(int, s.split("\n")[1].split()))))),
    ("#include <cstdio>\n#include <cstring>\nint main(){static char s[1000];scanf(\"%999s\",s);int n=strlen(s);"
     "bool ok=true;for(int i=0;i<n/2;i++)ok&=s[i]==s[n-1-i];puts(ok?\"YES\":\"NO\");}",
     lambda r: r.choice(["abba", "abc", "racecar", "xy", "a"]), lambda s: "YES" if s == s[::-1] else "NO"),
]


def make_samples(count: int, tests: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    samples = []
    for i in range(count):
        code, gen, ref = PROGRAMS[i % len(PROGRAMS)]
        inputs = [gen(rng) for _ in range(tests)]
        samples.append({"completion": f"```cpp\n{code}\n```", "code": code,
                        "tests": {"inputs": [x + "\n" for x in inputs], "outputs": [ref(x) + "\n" for x in inputs]}})
    return samples


def run_rewardkit(samples: list[dict], workers: int) -> int:
    scorer = get("code")(language="cpp", workers=workers)
    scorer.score(samples[0])  # toolchain probe and warm sandboxes
    started = time.monotonic()
    scores = scorer.score_batch(samples)
    elapsed = time.monotonic() - started
    scorer.close()
    passed = sum(s.details["passed"] for s in scores)
    total = sum(s.details["total"] for s in scores)
    compiling = sum(s.details["compile"]["wall"] for s in scores) / workers
    print(f"rewardkit (bwrap, compile + tests)   {total} tests  {elapsed:7.2f} s  {total / elapsed:8.1f} tests/s"
          f"  ({passed} passed; compiling ~{compiling:.1f} s of it)")
    print(f"rewardkit tests only (less compiling)             {elapsed - compiling:7.2f} s  "
          f"{total / (elapsed - compiling):8.1f} tests/s")
    return total / elapsed


def _bare_sample(sample: dict) -> tuple[int, float]:
    """Compile on the host and run each test; (tests passed, seconds spent compiling)."""
    with tempfile.TemporaryDirectory(prefix="bench-cpp-") as folder:
        source = os.path.join(folder, "prog.cpp")
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(sample["code"])
        started = time.monotonic()
        subprocess.run(["g++", "-std=c++17", "-O2", "-pipe", "-o", os.path.join(folder, "prog"), source],
                       check=True, capture_output=True)
        compiling = time.monotonic() - started
        passed = 0
        for stdin, expected in zip(sample["tests"]["inputs"], sample["tests"]["outputs"], strict=True):
            done = subprocess.run([os.path.join(folder, "prog")], input=stdin, capture_output=True, text=True,
                                  timeout=10, check=False)
            passed += done.returncode == 0 and stdout_matches(done.stdout, expected, 1e-6)
        return passed, compiling


def run_bare(samples: list[dict], workers: int) -> float:
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(_bare_sample, samples))
    elapsed = time.monotonic() - started
    total = sum(len(s["tests"]["inputs"]) for s in samples)
    compiling = sum(c for _, c in results) / workers
    print(f"bare host (no sandbox)               {total} tests  {elapsed:7.2f} s  {total / elapsed:8.1f} tests/s"
          f"  ({sum(p for p, _ in results)} passed; compiling ~{compiling:.1f} s of it)")
    print(f"bare tests only (less compiling)                  {elapsed - compiling:7.2f} s  "
          f"{total / (elapsed - compiling):8.1f} tests/s")
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--tests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    samples = make_samples(args.samples, args.tests)
    load = os.getloadavg()[0]
    print(f"{args.samples} C++ samples x {args.tests} stdio tests, {args.workers} workers, load {load:.1f}")
    ours = run_rewardkit(samples, args.workers)
    bare = run_bare(samples, args.workers)
    print(f"ratio rewardkit / bare: {ours / bare:.2f}x (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
