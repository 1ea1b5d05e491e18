"""Benchmark: rewardkit's `math` scorer vs HuggingFace math-verify on the same labelled completion/gold pairs.

    PYTHONPATH=. python benchmarks/bench_math.py [--pairs 2400] [--seed 1234]

Both run in one process, one pair at a time from the caller's point of view: math-verify with its default
`parse`/`verify` configuration; rewardkit with `score_batch` over chunks of 64 and ONE symbolic worker process
(workers=1), so neither uses more than one core for verification. Both are warmed up on other pairs first.
math-verify gets a raw gold wrapped in `$...$` (its documented gold form); rewardkit gets the gold as generated.
Prints pairs/s for both, the ratio, and the agreement table against the labels (benchmarks/math_pairs.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from math_pairs import make_pairs

from rewardkit.core import Status
from rewardkit.scorers.math import MathScorer
from rewardkit.scorers.math.parse import parse


def run_rewardkit(rows: list[dict], bare: bool = False) -> tuple[list[bool | None], float]:
    scorer = MathScorer(workers=1)
    scorer.score_batch([{"completion": "\\boxed{\\sqrt{2}}", "answer": "\\frac{2}{\\sqrt2}"}])  # start the worker
    parse.cache_clear()
    start = time.perf_counter()
    verdicts: list[bool | None] = []
    for i in range(0, len(rows), 64):
        chunk = rows[i:i + 64]
        scores = [scorer.compare(r["gold"], r["pred"]) for r in chunk] if bare else scorer.score_batch(
            [{"completion": r["completion"], "answer": r["gold"]} for r in chunk])
        for score in scores:
            verdicts.append(None if score.status is Status.TIMEOUT else score.value == 1.0)
    took = time.perf_counter() - start
    scorer.close()
    return verdicts, took


def _mv_gold(gold: str) -> str:
    return gold if "$" in gold or "\\boxed" in gold else f"${gold}$"


def run_math_verify(rows: list[dict], bare: bool = False) -> tuple[list[bool | None], float]:
    from math_verify import parse as mv_parse
    from math_verify import verify as mv_verify

    mv_verify(mv_parse("$\\frac{1}{2}$"), mv_parse("\\boxed{0.5}"))  # warm up sympy and the grammars
    start = time.perf_counter()
    verdicts: list[bool | None] = []
    for row in rows:
        try:
            pred = mv_parse(f"${row['pred']}$" if bare else row["completion"])
            verdicts.append(bool(mv_verify(mv_parse(_mv_gold(row["gold"])), pred)))
        except Exception:  # noqa: BLE001 - count a crash of the peer as a timeout/failure, not a verdict
            verdicts.append(None)
    return verdicts, time.perf_counter() - start


def table(name: str, rows: list[dict], verdicts: list[bool | None]) -> Counter:
    """right / wrong accepts / wrong rejects / timeouts (a verdict of None) against the labels."""
    counts: Counter = Counter()
    for row, verdict in zip(rows, verdicts, strict=True):
        if verdict is None:
            counts["timeouts"] += 1
        elif verdict == row["label"]:
            counts["right"] += 1
        elif verdict:
            counts["wrong accepts"] += 1
        else:
            counts["wrong rejects"] += 1
    return counts


def _errors_by(rows: list[dict], verdicts: list[bool | None], key: str) -> Counter:
    return Counter(f"{row[key]}:{'accept' if v else 'reject'}" for row, v in zip(rows, verdicts, strict=True)
                   if v is not None and v != row["label"])


def report(title: str, rows: list[dict], rk: list, rk_time: float, mv: list, mv_time: float) -> None:
    print(f"\n{title}: {len(rows)} pairs")
    print(f"{'':<14}{'pairs/s':>10}{'right':>8}{'wrong accepts':>15}{'wrong rejects':>15}{'timeouts':>10}")
    for name, verdicts, took in (("rewardkit", rk, rk_time), ("math-verify", mv, mv_time)):
        c = table(name, rows, verdicts)
        print(f"{name:<14}{len(rows) / took:>10.1f}{c['right']:>8}{c['wrong accepts']:>15}"
              f"{c['wrong rejects']:>15}{c['timeouts']:>10}")
    print(f"throughput ratio rewardkit / math-verify: {mv_time / rk_time:.1f}x "
          f"({rk_time:.2f} s vs {mv_time:.2f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--errors", action="store_true", help="list the categories of each tool's errors")
    ap.add_argument("--bare", action="store_true", help="also compare both on the bare final answers")
    args = ap.parse_args()
    rows = make_pairs(args.pairs, args.seed)
    positives = sum(r["label"] for r in rows)
    print(f"{len(rows)} pairs ({positives} equivalent, {len(rows) - positives} not), "
          f"{len({r['category'] for r in rows})} categories, seed {args.seed}")
    rk, rk_time = run_rewardkit(rows)
    mv, mv_time = run_math_verify(rows)
    report("full completions (extraction + verification)", rows, rk, rk_time, mv, mv_time)
    if args.bare:
        bare_rows = [r for r in rows if r["pred"] is not None]
        rk_bare, rk_bare_time = run_rewardkit(bare_rows, bare=True)
        mv_bare, mv_bare_time = run_math_verify(bare_rows, bare=True)
        report("bare final answers (verification only; math-verify gets $answer$)", bare_rows, rk_bare,
               rk_bare_time, mv_bare, mv_bare_time)
    if args.errors:
        for name, verdicts in (("rewardkit", rk), ("math-verify", mv)):
            print(f"\n{name} errors by category: {dict(_errors_by(rows, verdicts, 'category').most_common())}")
            print(f"{name} errors by style: {dict(_errors_by(rows, verdicts, 'style').most_common())}")


if __name__ == "__main__":
    main()
