"""Cost of the reward-hacking hardening (issue 13): rows per second of the scorers it touched, on the R1 worked
example plus the one-paragraph honest traces of tests/language_traces.py, and the time of each on hostile
60 KB completions. Run it on two checkouts to compare (the numbers are only comparable within one machine):

    PYTHONPATH=. python benchmarks/bench_hardening.py
    PYTHONPATH=/path/to/other/checkout python benchmarks/bench_hardening.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import rewardkit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import R1_OUTPUTS
from language_traces import PURE

SPECS = ["think_format", "tag_count", "repetition", "exact_match",
         {"use": "soft_overlong", "max_length": 500, "cache_length": 100},
         {"use": "language_consistency", "target": "en"}]
HOSTILE = {"han": "先算乘法三乘四等于十二再加二得到十四" * 3500, "filler": "嗯" * 60000, "bang": "!" * 60000,
           "backticks": "".join("`" * (i % 50 + 1) + "a" for i in range(3000)), "zwsp": "a\u200b" * 30000}


def main() -> None:
    rows = [{"completion": o, "answer": "14"} for o in R1_OUTPUTS]
    rows += [{"completion": f"<think>{t}</think><answer>14</answer>", "answer": "14"} for t in PURE.values()]
    print(f"rewardkit from {Path(rewardkit.__file__).parent}")
    for spec in SPECS:
        scorer = rewardkit.build(spec)
        scorer.score_batch(rows)
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < 1.0:
            scorer.score_batch(rows)
            n += len(rows)
        slowest = 0.0
        for text in HOSTILE.values():
            t = time.perf_counter()
            scorer.score({"completion": f"<think>{text}</think><answer>14</answer>", "answer": "14"})
            slowest = max(slowest, time.perf_counter() - t)
        name = spec if isinstance(spec, str) else spec["use"]
        print(f"{name:22s} {n / (time.perf_counter() - start):9.0f} rows/s   slowest hostile 60 KB: {slowest:.3f} s")


if __name__ == "__main__":
    main()
