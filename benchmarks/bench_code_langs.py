"""C++, Go and Rust stdio throughput: rewardkit's sandboxed compile-and-run against a bare host runner, in one run.

    PYTHONPATH=. python benchmarks/bench_code_langs.py [--language cpp|go|rust] [--samples 16] [--tests 50]
                                                       [--workers 2]

Same samples (correct solutions of three small problems, so every test runs to completion and passes) and the
same verdict function for both runners:
- rewardkit: `code` scorer with `language: <language>`, one bubblewrap sandbox per sample (toolchain bound
  read-only), the compile (`g++ -std=c++17 -O2`, `go build`, `rustc --edition 2021 -O`) inside it under the
  compile limits, then one exec per test under the test limits and the seccomp filter;
- bare: the same compile command in a temporary directory on the host (Go: with a fresh GOCACHE per sample, as
  in the sandbox, whose standard library comes prebuilt from GOROOT), then `subprocess.run(binary)` per test,
  NO sandbox, no limits (what a naive harness does).
Each uses `--workers` threads. Prints tests/s with the compile included, and without it (the elapsed time less
the compile steps' wall time divided by the workers: an estimate, compiles and tests overlap), and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from rewardkit.registry import get
from rewardkit.runtime.toolchains import TOOL_PATH
from rewardkit.scorers.code.verdict import stdout_matches

PROBLEMS = [  # (input generator, reference): sum of the numbers; sort them; is the word a palindrome
    (lambda r: " ".join(str(r.randint(-10**9, 10**9)) for _ in range(r.randint(1, 50))),
     lambda s: str(sum(map(int, s.split())))),
    (lambda r: (lambda v: f"{len(v)}\n{' '.join(map(str, v))}")([r.randint(0, 10**6) for _ in range(r.randint(1, 99))]),
     lambda s: " ".join(map(str, sorted(map(int, s.split("\n")[1].split()))))),
    (lambda r: r.choice(["abba", "abc", "racecar", "xy", "a"]), lambda s: "YES" if s == s[::-1] else "NO"),
]
SOLUTIONS = {  # language -> one solution per problem
    "cpp": [
        "#include <bits/stdc++.h>\nint main(){long long s=0,x;while(std::cin>>x)s+=x;std::cout<<s<<'\\n';}",
        "#include <bits/stdc++.h>\nusing namespace std;\nint main(){int n;cin>>n;vector<long long> v(n);"
        "for(auto&x:v)cin>>x;sort(v.begin(),v.end());for(int i=0;i<n;i++)cout<<v[i]<<(i+1<n?' ':'\\n');}",
        "#include <cstdio>\n#include <cstring>\nint main(){static char s[1000];scanf(\"%999s\",s);int n=strlen(s);"
        "bool ok=true;for(int i=0;i<n/2;i++)ok&=s[i]==s[n-1-i];puts(ok?\"YES\":\"NO\");}",
    ],
    "go": [
        'package main\nimport ("bufio"; "fmt"; "os")\nfunc main() { r := bufio.NewReader(os.Stdin); var s, x int64\n'
        "for { if _, err := fmt.Fscan(r, &x); err != nil { break }; s += x }; fmt.Println(s) }",
        'package main\nimport ("bufio"; "os"; "sort"; "strconv"; "strings")\nfunc main() {\n'
        "sc := bufio.NewScanner(os.Stdin); sc.Split(bufio.ScanWords); sc.Scan(); n, _ := strconv.Atoi(sc.Text())\n"
        "v := make([]int64, n); for i := range v { sc.Scan(); v[i], _ = strconv.ParseInt(sc.Text(), 10, 64) }\n"
        "sort.Slice(v, func(i, j int) bool { return v[i] < v[j] }); out := make([]string, n)\n"
        "for i, x := range v { out[i] = strconv.FormatInt(x, 10) }\n"
        'os.Stdout.WriteString(strings.Join(out, " ") + "\\n") }',
        'package main\nimport "fmt"\nfunc main() { var s string; fmt.Scan(&s); ok := true\n'
        "for i := 0; i < len(s)/2; i++ { if s[i] != s[len(s)-1-i] { ok = false } }\n"
        'if ok { fmt.Println("YES") } else { fmt.Println("NO") } }',
    ],
    "rust": [
        "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap();\n"
        'let t: i64 = s.split_whitespace().map(|x| x.parse::<i64>().unwrap()).sum(); println!("{}", t); }',
        "use std::io::{Read, Write};\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s)"
        ".unwrap();\nlet mut it = s.split_whitespace(); let n: usize = it.next().unwrap().parse().unwrap();\n"
        "let mut v: Vec<i64> = (0..n).map(|_| it.next().unwrap().parse().unwrap()).collect(); v.sort();\n"
        "let out: Vec<String> = v.iter().map(|x| x.to_string()).collect();\n"
        'let mut w = std::io::BufWriter::new(std::io::stdout()); writeln!(w, "{}", out.join(" ")).unwrap(); }',
        "fn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap(); let t = s.trim();\n"
        'let r: String = t.chars().rev().collect(); println!("{}", if t == r { "YES" } else { "NO" }); }',
    ],
}
SOURCE = {"cpp": "prog.cpp", "go": "prog.go", "rust": "prog.rs"}


def bare_compile(language: str, folder: str) -> tuple[list[str], dict[str, str] | None]:
    """The host command that builds `prog` from SOURCE[language] in `folder`, and its environment: the compilers
    the sandbox binds (TOOL_PATH: Debian's rustc, not a rustup one earlier on PATH)."""
    source, binary = os.path.join(folder, SOURCE[language]), os.path.join(folder, "prog")
    tool = shutil.which({"cpp": "g++", "go": "go", "rust": "rustc"}[language], path=TOOL_PATH) or "missing"
    if language == "cpp":
        return [tool, "-std=c++17", "-O2", "-pipe", "-o", binary, source], None
    if language == "rust":
        return [tool, "--edition", "2021", "-O", "-o", binary, source], None
    env = {"PATH": os.environ.get("PATH", ""), "HOME": folder, "GOCACHE": os.path.join(folder, "cache"),
           "GO111MODULE": "off", "CGO_ENABLED": "0", "GOMAXPROCS": "2"}
    return [tool, "build", "-o", binary, source], env


def make_samples(language: str, count: int, tests: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    samples = []
    for i in range(count):
        (gen, ref), code = PROBLEMS[i % len(PROBLEMS)], SOLUTIONS[language][i % len(PROBLEMS)]
        inputs = [gen(rng) for _ in range(tests)]
        samples.append({"completion": f"```{language}\n{code}\n```", "code": code, "language": language,
                        "tests": {"inputs": [x + "\n" for x in inputs], "outputs": [ref(x) + "\n" for x in inputs]}})
    return samples


def run_rewardkit(samples: list[dict], workers: int) -> int:
    scorer = get("code")(language=samples[0]["language"], workers=workers)
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
    with tempfile.TemporaryDirectory(prefix="bench-langs-") as folder:
        with open(os.path.join(folder, SOURCE[sample["language"]]), "w", encoding="utf-8") as handle:
            handle.write(sample["code"])
        argv, env = bare_compile(sample["language"], folder)
        started = time.monotonic()
        subprocess.run(argv, check=True, capture_output=True, env=env, cwd=folder)
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
    parser.add_argument("--language", choices=sorted(SOLUTIONS), default="cpp")
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--tests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    samples = make_samples(args.language, args.samples, args.tests)
    load = os.getloadavg()[0]
    print(f"{args.samples} {args.language} samples x {args.tests} stdio tests, {args.workers} workers, load {load:.1f}")
    ours = run_rewardkit(samples, args.workers)
    bare = run_bare(samples, args.workers)
    print(f"ratio rewardkit / bare: {ours / bare:.2f}x (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
