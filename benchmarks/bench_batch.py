"""Batch scoring throughput and memory: `rewardkit score` with 1 and N workers against a naive in-memory script.

    PYTHONPATH=. python benchmarks/bench_batch.py                 # 1,000,000 rows (about 400 MB, in a temp dir)
    PYTHONPATH=. python benchmarks/bench_batch.py --rows 200000   # quicker
    PYTHONPATH=. python benchmarks/bench_batch.py --profile       # µs per row of each hot-path stage

Generates R1-style rows (template prompt, completions of assorted format quality, gold answer), then scores
them with examples/recipes/format_only.yaml. Each run is a fresh subprocess that reports its own peak RSS and
that of its worker processes, so memory is measured, not estimated, and its CPU time (rows per CPU-second
is the figure that stays meaningful on a shared, overloaded machine):
- rewardkit -j 1 at --small rows and at --rows rows: peak RSS should not grow with the file (streaming);
- rewardkit -j 1 and -j N at --rows rows: rows/s and the ratio;
- the peer, a naive script (read every line, score_batch, write), whose memory grows with the file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "examples" / "recipes" / "format_only.yaml"
TEMPLATE = ("A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
            "The assistant first thinks about the reasoning process in the mind and then provides the user with "
            "the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> "
            "</answer> tags, respectively. User: {q}. Assistant:")


def generate(path: Path, rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(rows):
            a, b, c = rng.randint(1, 99), rng.randint(1, 99), rng.randint(1, 9)
            gold = a + b * c
            guess = gold if rng.random() < 0.6 else gold + rng.randint(-5, 5)
            think = f"{b} * {c} = {b * c}, then {a} + {b * c} = {guess}. Let me double-check the order of operations."
            completion = rng.choice([
                f"<think>{think}</think> <answer>{guess}</answer>",
                f"<think>{think}</think>\n<answer>The answer is {guess}.</answer>",
                f"<answer>{guess}</answer>",
                f"<think>{think}</think> <answer> {guess}<answer>",
                f"{think} So the final answer is \\boxed{{{guess}}}.",
            ])
            row = {"id": i, "prompt": TEMPLATE.format(q=f"What is {a} + {b} * {c}?"), "completion": completion,
                   "answer": str(gold), "source": "bench"}
            f.write(json.dumps(row) + "\n")


def child(args: argparse.Namespace) -> None:
    """Run one measurement in this process and print it as JSON (peak RSS in MiB, Linux ru_maxrss is KiB)."""
    start = time.perf_counter()
    if args.mode == "rewardkit":
        from rewardkit.batch import score_file

        summary = score_file(args.input, RECIPE, args.output, workers=args.workers, progress=False)
        rows = summary["rows"]
    else:
        rows = naive(Path(args.input), Path(args.output))
    seconds = time.perf_counter() - start
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
                      "rss_mib": me.ru_maxrss / 1024, "workers_rss_mib": kids.ru_maxrss / 1024,
                      "cpu_s": me.ru_utime + me.ru_stime, "workers_cpu_s": kids.ru_utime + kids.ru_stime}))


def naive(src: Path, dst: Path) -> int:
    """What a one-off script does: load everything, score it all, write it all."""
    from rewardkit import build

    scorer = build(RECIPE)
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    scores = scorer.score_batch(rows)
    with open(dst, "w", encoding="utf-8") as f:
        for row, score in zip(rows, scores, strict=True):
            row.update(reward=score.value, rewards=score.components, reward_status=score.status.value)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def profile_stages(rows: int) -> None:
    """Per-row CPU time of each stage of the worker hot path, timed separately on the same rows (µs/row;
    CPU time rather than wall time, so other load on the machine does not inflate it)."""
    from rewardkit import build
    from rewardkit.batch.chunk import ChunkScorer, _output_line
    from rewardkit.core import Sample
    from rewardkit.jsonl import _decode

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.jsonl"
        generate(path, rows)
        lines = path.read_bytes().splitlines()
    scorer = build(RECIPE)
    chunk_scorer = ChunkScorer(scorer)
    stages = {}
    t = time.process_time()
    dicts = [_decode(line.decode()) for line in lines]
    stages["json parse"] = time.process_time() - t
    t = time.process_time()
    samples = [Sample.from_dict(d) for d in dicts]
    stages["Sample.from_dict"] = time.process_time() - t
    t = time.process_time()
    scores = scorer.score_batch(samples)
    stages["score_batch (recipe)"] = time.process_time() - t
    t = time.process_time()
    for line, d, s in zip(lines, dicts, scores, strict=True):
        _output_line(line, d, s.value, s.components, s.status.value)
    stages["output encoding"] = time.process_time() - t
    t = time.process_time()
    for start in range(0, len(lines), 512):
        chunk_scorer(start + 1, lines[start:start + 512])
    stages["whole worker path (all of it + checks + stats)"] = time.process_time() - t
    print(f"hot path on {rows:,} rows ({RECIPE.name}), CPU microseconds per row:")
    for name, seconds in stages.items():
        print(f"  {name:<48} {1e6 * seconds / rows:7.2f}")


def measure(mode: str, src: Path, out: Path, workers: int = 1) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--input", str(src), "--output", str(out),
           "--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    out.unlink()
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000, help="rows of the small file (memory comparison)")
    parser.add_argument("--workers", type=int, default=2, help="N of the multi-worker run")
    parser.add_argument("--profile", action="store_true", help="only time the stages of the per-row hot path")
    parser.add_argument("--child", choices=("rewardkit", "naive"), dest="mode", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        return child(args)
    if args.profile:
        return profile_stages(min(args.rows, 200_000))
    with tempfile.TemporaryDirectory() as tmp:
        small, big, out = Path(tmp) / "small.jsonl", Path(tmp) / "big.jsonl", Path(tmp) / "out.jsonl"
        generate(small, args.small)
        generate(big, args.rows)
        print(f"input: {args.rows:,} rows, {big.stat().st_size / 2**20:.0f} MiB; small: {args.small:,} rows; "
              f"recipe {RECIPE.name}; {os.cpu_count()} CPUs")
        runs = [
            (f"rewardkit -j 1, {args.small:,} rows", measure("rewardkit", small, out)),
            (f"rewardkit -j 1, {args.rows:,} rows", measure("rewardkit", big, out)),
            (f"rewardkit -j {args.workers}, {args.rows:,} rows", measure("rewardkit", big, out, args.workers)),
            (f"naive script, {args.small:,} rows", measure("naive", small, out)),
            (f"naive script, {args.rows:,} rows", measure("naive", big, out)),
        ]
    print(f"{'run':<34} {'rows/s':>8} {'wall s':>7} {'main CPU s':>10} {'workers CPU s':>13} "
          f"{'rows/CPU-s':>10} {'main peak RSS MiB':>17} {'worker peak RSS MiB':>19}")
    for name, r in runs:
        has_workers = r["workers_rss_mib"] > 0
        per_cpu = r["rows"] / (r["cpu_s"] + r["workers_cpu_s"])
        print(f"{name:<34} {r['rows_per_s']:>8,.0f} {r['seconds']:>7.1f} {r['cpu_s']:>10.1f} "
              f"{format(r['workers_cpu_s'], '.1f') if has_workers else '-':>13} {per_cpu:>10,.0f} "
              f"{r['rss_mib']:>17.0f} {round(r['workers_rss_mib']) if has_workers else '-':>19}")
    j1, jn, naive_big = runs[1][1], runs[2][1], runs[4][1]
    print(f"-j {args.workers} / -j 1 throughput: {jn['rows_per_s'] / j1['rows_per_s']:.2f}x; with -j {args.workers} "
          f"the main process used {jn['cpu_s'] / (jn['cpu_s'] + jn['workers_cpu_s']):.0%} of the CPU time")
    print(f"rewardkit -j 1 / naive throughput at {args.rows:,} rows: {j1['rows_per_s'] / naive_big['rows_per_s']:.2f}x")
    print(f"peak RSS growth {args.small:,} -> {args.rows:,} rows: rewardkit {runs[0][1]['rss_mib']:.0f} -> "
          f"{j1['rss_mib']:.0f} MiB, naive {runs[3][1]['rss_mib']:.0f} -> {naive_big['rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
