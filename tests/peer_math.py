"""Peer verifiers' test cases as data (tests/data/peer_math/), for the agreement test and benchmarks/bench_math.py.

Rows: {"id", "suite", "gold", "pred", "label", "params"}. Ids listed in WRONG_LABELS.md carry a mathematically
wrong peer label and are left out of every agreement count.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "peer_math"


def wrong_label_ids() -> set[str]:
    text = (DATA / "WRONG_LABELS.md").read_text()
    return set(re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE))


def load(suite: str, include_wrong: bool = False) -> list[dict]:
    """`math_verify` or `latex2sympy2` rows, without the wrongly labelled ones unless asked."""
    wrong = set() if include_wrong else wrong_label_ids()
    rows = [json.loads(line) for line in (DATA / f"{suite}.jsonl").read_text().splitlines() if line.strip()]
    return [row for row in rows if row["id"] not in wrong]


def boxed(rows: list[dict]) -> list[dict]:
    """math-verify's boxed cases: the prediction holds a `\\boxed{}` (rewardkit never scores unanchored prose)."""
    return [row for row in rows if "\\boxed" in row["pred"]]
