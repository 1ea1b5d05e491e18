"""Preference pairs: the JSONL file that `rm train` and `rm eval` read.

One JSON object per line: `prompt` (text or chat messages; the last user turn is used), `chosen` and
`rejected` (text or chat messages; the last assistant turn is used). `rejected` may be a list: best-of-N
rows (chosen against every rejected answer). Optional: `margin` (a float; Bradley–Terry then asks
r_chosen - r_rejected to exceed it) and `subset` (a label for per-subset accuracy).
Reading is strict: a malformed row is an InputError naming the file and line, never a silently dropped pair.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.core import Sample
from rewardkit.errors import InputError
from rewardkit.jsonl import read_jsonl


@dataclass(frozen=True, slots=True)
class Pair:
    """One preference row. `rejected` has one entry for a plain pair, several for best-of-N."""

    prompt: str
    chosen: str
    rejected: tuple[str, ...]
    margin: float = 0.0
    subset: str | None = None
    best_of_n: bool = False  # `rejected` was given as a list


def _response(value: Any, key: str) -> str:
    if not isinstance(value, (str, list)):
        raise ValueError(f"'{key}' must be text or chat messages, got {type(value).__name__}")
    return Sample(completion=value).completion_text


def parse_pair(row: Any) -> Pair:
    """One row -> Pair; ValueError says what is wrong."""
    if not isinstance(row, dict):
        raise ValueError(f"a row must be a JSON object, got {type(row).__name__}")
    missing = [k for k in ("chosen", "rejected") if k not in row]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    raw_rejected = row["rejected"]
    if raw_rejected == []:
        raise ValueError("'rejected' is an empty list")
    # a list of texts (or of message lists) is best-of-N; a list of message dicts is one chat response
    best_of_n = isinstance(raw_rejected, list) and all(isinstance(r, (str, list)) for r in raw_rejected)
    rejected = [_response(r, "rejected") for r in raw_rejected] if best_of_n else [_response(raw_rejected,
                                                                                            "rejected")]
    margin = row.get("margin", 0.0)
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not math.isfinite(margin):
        raise ValueError(f"'margin' must be a finite number, got {margin!r}")
    subset = row.get("subset")
    prompt = row.get("prompt")
    return Pair(prompt=Sample(prompt=prompt).prompt_text if prompt is not None else "",
                chosen=_response(row["chosen"], "chosen"), rejected=tuple(rejected), margin=float(margin),
                subset=None if subset is None else str(subset), best_of_n=best_of_n)


def read_pairs(path: str | Path) -> list[Pair]:
    """Every pair of a JSONL file (blank lines skipped); InputError with file:line on a bad row."""
    source = Path(path)
    pairs = []
    for line in read_jsonl(source, "fail", what="pairs file"):
        try:
            pairs.append(parse_pair(line.row))
        except ValueError as exc:
            raise InputError(f"{source}:{line.number}: {exc}") from None
    if not pairs:
        raise InputError(f"{source} holds no pairs")
    return pairs


def split(pairs: Sequence[Pair], val_fraction: float, seed: int = 0) -> tuple[list[Pair], list[Pair]]:
    """A seeded random train / validation split; the validation part is empty when `val_fraction` is 0."""
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    n_val = round(len(pairs) * val_fraction) if len(pairs) > 1 else 0
    val = [pairs[i] for i in order[:n_val]]
    train = [pairs[i] for i in order[n_val:]]
    return train, val


def flat_pairs(pairs: Sequence[Pair]) -> list[tuple[str, str, str, float]]:
    """(prompt, chosen, rejected, margin) for every chosen/rejected combination (best-of-N rows expand)."""
    return [(p.prompt, p.chosen, r, p.margin) for p in pairs for r in p.rejected]
