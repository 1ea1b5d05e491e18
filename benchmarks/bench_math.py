"""Benchmark: rewardkit's `math` scorer vs HuggingFace math-verify, agreement per suite and throughput, one run.

    PYTHONPATH=. python benchmarks/bench_math.py [--pairs 600] [--mix 1000] [--seed 1234]

Agreement against each suite's labels, both tools on the same rows:
- math-verify's own test cases (tests/data/peer_math/math_verify.jsonl; the boxed ones separately: rewardkit
  never scores unanchored prose), latex2sympy2_extended's (each LaTeX string against the value its test expects),
  the red-team corpora (tests/data/math_redteam.jsonl and the held-out math_heldout.jsonl, when present) and
  the generated pairs of math_pairs.py.
  Labels listed in tests/data/peer_math/WRONG_LABELS.md are left out.
Throughput (measured first, before either tool has seen the strings) on a realistic mix: full R1/MATH-style
completions (math_pairs.py) in which at least 10% of the pairs
need more than exact rationals (radicals, pi, logs, trig, identities, equations: the "symbolic path"). Single
process, one pair at a time for both tools (rewardkit: one symbolic worker process for what still needs sympy),
both warmed up; prints pairs/s, the ratio and p50/p99 per pair.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from math_pairs import make_pairs
from peer_math import boxed, load

from rewardkit.core import Status
from rewardkit.scorers.math import MathScorer
from rewardkit.scorers.math.parse import parse

REDTEAM = Path(__file__).resolve().parent.parent / "tests" / "data" / "math_redteam.jsonl"
HELDOUT = REDTEAM.with_name("math_heldout.jsonl")  # written after the scorer's fixes, never shown to its authors
# verdict rules of the numeric/symbolic path (verify.py, numeric.py, symbolic.py): exact rationals do not decide
SYMBOLIC_RULES = ("numeric", "identity", "expressions differ", "equivalent equations", "simplify", "symbolic",
                  "not a finite", "equation")

Row = dict  # {"gold", "completion" | "pred", "label"}


def _mv_gold(gold: str) -> str:
    return gold if "$" in gold or "\\boxed" in gold else f"${gold}$"


def rewardkit_judge(scorer: MathScorer, bare: bool) -> Callable[[Row], bool | None]:
    def judge(row: Row) -> bool | None:
        score = scorer.compare(row["gold"], row["pred"]) if bare else scorer.score(
            {"completion": row["completion"], "answer": row["gold"]})
        return None if score.status is Status.TIMEOUT else score.value == 1.0
    return judge


def math_verify_judge(bare: bool) -> Callable[[Row], bool | None]:
    from math_verify import parse as mv_parse
    from math_verify import verify as mv_verify

    def judge(row: Row) -> bool | None:
        try:
            pred = mv_parse(f"${row['pred']}$" if bare else row["completion"])
            return bool(mv_verify(mv_parse(_mv_gold(row["gold"])), pred))
        except Exception:  # noqa: BLE001 - a crash of the peer is no verdict
            return None
    return judge


def timed(judge: Callable[[Row], bool | None], rows: list[Row]) -> tuple[list[bool | None], list[float]]:
    verdicts, took = [], []
    for row in rows:
        start = time.perf_counter()
        verdicts.append(judge(row))
        took.append(time.perf_counter() - start)
    return verdicts, took


def suites(pairs: int, seed: int) -> list[tuple[str, list[Row], bool]]:
    """(name, rows as {gold, completion|pred, label}, bare) for every suite on disk."""
    mv = [{"gold": r["gold"], "completion": r["pred"], "label": r["label"]} for r in load("math_verify")]
    mv_boxed = [{"gold": r["gold"], "completion": r["pred"], "label": r["label"]} for r in boxed(load("math_verify"))]
    l2s = [{"gold": r["gold"], "pred": r["pred"], "label": r["label"]} for r in load("latex2sympy2")]
    out = [("math-verify tests, boxed", mv_boxed, False), ("math-verify tests, all", mv, False),
           ("latex2sympy2 tests (bare)", l2s, True)]
    for label, path in (("red-team corpus", REDTEAM), ("held-out red-team corpus", HELDOUT)):
        if path.exists():
            rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            out.append((label, [{"gold": r["answer"], "completion": r["completion"], "label": r["label"]}
                                for r in rows], False))
    out.append((f"generated pairs ({pairs})", make_pairs(pairs, seed), False))
    return out


def agreement(verdicts: list[bool | None], rows: list[Row]) -> str:
    right = sum(v == r["label"] for v, r in zip(verdicts, rows, strict=True))
    wa = sum(v is True and not r["label"] for v, r in zip(verdicts, rows, strict=True))
    wr = sum(v is False and r["label"] for v, r in zip(verdicts, rows, strict=True))
    none = sum(v is None for v in verdicts)
    return f"{100 * right / len(rows):6.1f}% ({right}/{len(rows)}; {wa} wrong accepts, {wr} wrong rejects, {none} none)"


def realistic_mix(n: int, seed: int, scorer: MathScorer) -> tuple[list[Row], int]:
    """Generated completions, resampled so that at least 10% need the symbolic path; returns (rows, how many)."""
    pool = make_pairs(n * 2, seed + 1)
    symbolic = [r for r in pool if scorer.score({"completion": r["completion"], "answer": r["gold"]}).reason
                .startswith(SYMBOLIC_RULES)]
    rest = [r for r in pool if r not in symbolic]
    take = max(len(symbolic) * n // len(pool), n // 10)
    rows = symbolic[:take] + rest[:n - take]
    random.Random(seed).shuffle(rows)
    return rows, min(take, len(symbolic))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=600, help="generated labelled pairs for the agreement table")
    ap.add_argument("--mix", type=int, default=1000, help="pairs in the throughput mix")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    scorer = MathScorer(workers=1)
    scorer.compare("\\frac{2}{\\sqrt2}", "\\sqrt{2}")
    scorer.score({"completion": "\\boxed{x^2 - 1}", "answer": "(x - 1)(x + 1)"})
    mv_warm = math_verify_judge(bare=True)
    mv_warm({"gold": "\\frac{1}{2}", "pred": "0.5"})
    # throughput first, while neither tool has seen these strings (both keep caches)
    rows, symbolic = realistic_mix(args.mix, args.seed, scorer)
    parse.cache_clear()
    scorer.close()
    scorer = MathScorer(workers=1)
    scorer.compare("\\frac{2}{\\sqrt2}", "\\sqrt{2}")
    parse.cache_clear()
    rk, rk_took = timed(rewardkit_judge(scorer, bare=False), rows)
    pool_used = scorer._pool is not None
    mv, mv_took = timed(math_verify_judge(bare=False), rows)
    print(f"throughput: {len(rows)} realistic completions, {symbolic} ({100 * symbolic / len(rows):.0f}%) on the "
          f"symbolic path; single process, one pair at a time")
    for name, took, verdicts in (("rewardkit", rk_took, rk), ("math-verify", mv_took, mv)):
        ms = sorted(t * 1000 for t in took)
        p99 = ms[int(0.99 * (len(ms) - 1))]
        print(f"{name:<12}{len(rows) / sum(took):>9.1f} pairs/s   p50 {statistics.median(ms):6.2f} ms   p99 "
              f"{p99:7.2f} ms   max {ms[-1]:8.2f} ms   agreement {agreement(verdicts, rows)}")
    print(f"throughput ratio rewardkit / math-verify: {sum(mv_took) / sum(rk_took):.1f}x "
          f"(symbolic worker started during the run: {pool_used})")
    per_class(rows, rk_took, mv_took)
    scorer.close()

    scorer = MathScorer(workers=1)
    print("\nagreement with each suite's labels (wrong labels listed in WRONG_LABELS.md left out)")
    print(f"{'suite':<30}{'rewardkit':<62}math-verify 0.9.0")
    for name, rows, bare in suites(args.pairs, args.seed):
        rk, _ = timed(rewardkit_judge(scorer, bare), rows)
        mv, _ = timed(math_verify_judge(bare), rows)
        print(f"{name:<30}{agreement(rk, rows):<62}{agreement(mv, rows)}")
    scorer.close()


def per_class(rows: list[Row], rk_took: list[float], mv_took: list[float]) -> None:
    """Mean time per pair for each answer class of the mix, both tools (every class should be faster)."""
    classes: dict[str, list[tuple[float, float]]] = {}
    for row, a, b in zip(rows, rk_took, mv_took, strict=True):
        classes.setdefault(row["category"], []).append((a, b))
    print(f"\n{'answer class':<14}{'pairs':>6}{'rewardkit ms':>14}{'math-verify ms':>16}{'ratio':>8}")
    for name, times in sorted(classes.items()):
        rk_ms = 1000 * statistics.fmean(a for a, _ in times)
        mv_ms = 1000 * statistics.fmean(b for _, b in times)
        print(f"{name:<14}{len(times):>6}{rk_ms:>14.2f}{mv_ms:>16.2f}{mv_ms / rk_ms:>7.0f}x")


if __name__ == "__main__":
    main()
