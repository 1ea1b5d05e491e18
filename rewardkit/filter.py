"""Rejection sampling over a scored JSONL file (DeepSeek-R1 stage 3), and preference pairs for RM / DPO training.

    rewardkit filter SCORED.jsonl -o KEPT.jsonl --best-of 1 --min-reward 1.0 [--pairs PAIRS.jsonl --min-margin 0.5]

Rows are grouped by a field (default `prompt`; chat-message prompts group by a hash of their canonical JSON).
Per group the best `K` rows whose `reward` is at least `--min-reward` are kept; ties go to the row that comes
first in the file; a row whose reward is null is never kept nor paired. Kept rows are written verbatim, in
input order. A pair is the group's best row (which must reach `--min-reward`) against its worst, emitted
only when their rewards differ by at least `--min-margin` and by more than zero. The file is streamed:
memory holds at most K + 2 rows per group, never the whole file.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.errors import ConfigError, InputError
from rewardkit.jsonl import BadLines, json_line, read_jsonl


@dataclass(order=True, slots=True)
class Ranked:
    """A row ranked by reward, ties broken towards the earlier line (hence -line: larger is better)."""

    reward: float
    neg_line: int
    raw: bytes = field(compare=False)
    completion: Any = field(compare=False, default=None)  # kept only for the ends of a pair


@dataclass(slots=True)
class Group:
    """What one group keeps: a min-heap of its best K rows, and its best and worst rows for pairs."""

    top: list[Ranked] = field(default_factory=list)
    best: Ranked | None = None
    worst: Ranked | None = None


def group_key(value: Any) -> bytes:
    """A fixed-size key for any JSON value: equal prompts (strings or chat messages) give equal keys."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class FilterStats:
    rows: int = 0
    groups: int = 0
    kept: int = 0
    pairs: int = 0
    null_reward: int = 0
    below_min: int = 0
    errors: int = 0


def _rows(path: Path, bad: BadLines, reward_field: str) -> Iterator[tuple[int, bytes, dict, float | None]]:
    """(line number, raw line, row, reward) for each readable row; bad lines are reported and skipped."""
    for line in read_jsonl(path, "skip", bad):
        reward = line.row.get(reward_field)
        if reward is not None and (isinstance(reward, bool) or not isinstance(reward, (int, float))
                                   or not math.isfinite(reward)):
            bad.note(f"line {line.number}: '{reward_field}' is not a finite number: {reward!r}")
            continue
        yield line.number, line.raw, line.row, reward


def select(path: Path, *, best_of: int, min_reward: float | None, group_by: str, want_pairs: bool,
           completion_field: str = "completion", reward_field: str = "reward",
           ) -> tuple[dict[bytes, Group], dict[bytes, Any], FilterStats]:
    """One pass over the scored file: per group its top rows and (for pairs) its best and worst rows."""
    groups: dict[bytes, Group] = {}
    prompts: dict[bytes, Any] = {}  # group key -> the group's prompt value, kept only when pairs are wanted
    stats, bad = FilterStats(), BadLines()
    for lineno, raw, row, reward in _rows(path, bad, reward_field):
        if group_by not in row:
            bad.note(f"line {lineno}: no '{group_by}' field to group by")
            continue
        stats.rows += 1
        key = group_key(row[group_by])
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group()
            if want_pairs:
                prompts[key] = row[group_by]
        if reward is None:
            stats.null_reward += 1
            continue
        ranked = Ranked(float(reward), -lineno, raw)
        if min_reward is None or reward >= min_reward:
            if len(group.top) < best_of:
                heapq.heappush(group.top, ranked)
            elif group.top[0] < ranked:
                heapq.heapreplace(group.top, ranked)
        else:
            stats.below_min += 1
        if want_pairs:
            _track_ends(group, ranked, row.get(completion_field))
    stats.groups, stats.errors = len(groups), bad.count
    return groups, prompts, stats


def _track_ends(group: Group, ranked: Ranked, completion: Any) -> None:
    if group.best is None or group.best < ranked:
        group.best = Ranked(ranked.reward, ranked.neg_line, b"", completion)
    # the worst: lowest reward, ties to the earlier line as well
    if group.worst is None or (ranked.reward, -ranked.neg_line) < (group.worst.reward, -group.worst.neg_line):
        group.worst = Ranked(ranked.reward, ranked.neg_line, b"", completion)


def make_pair(group: Group, prompt: Any, min_reward: float | None, min_margin: float) -> dict[str, Any] | None:
    """Best vs worst of a group, or None when they are the same row or too close."""
    best, worst = group.best, group.worst
    if best is None or worst is None or best.neg_line == worst.neg_line:
        return None
    margin = best.reward - worst.reward
    if margin <= 0 or margin < min_margin or (min_reward is not None and best.reward < min_reward):
        return None
    return {"prompt": prompt, "chosen": best.completion, "rejected": worst.completion, "chosen_reward": best.reward,
            "rejected_reward": worst.reward}


def filter_file(input_path: str | Path, output_path: str | Path, *, best_of: int = 1,
                min_reward: float | None = None, group_by: str = "prompt", pairs_path: str | Path | None = None,
                min_margin: float = 0.0, completion_field: str = "completion") -> dict[str, Any]:
    """Keep the best `best_of` rows per group at or above `min_reward`; optionally write preference pairs.
    Returns counts (rows, groups, kept, pairs, null_reward, below_min, errors)."""
    src = Path(input_path)
    if best_of < 1:
        raise ConfigError("must be at least 1", "--best-of")
    targets = [Path(output_path).resolve()] + ([Path(pairs_path).resolve()] if pairs_path is not None else [])
    if src.resolve() in targets or len(set(targets)) < len(targets):
        raise InputError("the output, pairs and input files must be three different files")
    for name, value in (("--min-reward", min_reward), ("--min-margin", min_margin)):
        if value is not None and not math.isfinite(value):
            raise ConfigError("must be a finite number", name)
    groups, prompts, stats = select(src, best_of=best_of, min_reward=min_reward, group_by=group_by,
                                    want_pairs=pairs_path is not None, completion_field=completion_field)
    kept = sorted((r for g in groups.values() for r in g.top), key=lambda r: -r.neg_line)
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "wb") as out:
        for ranked in kept:
            out.write(ranked.raw + b"\n")
    stats.kept = len(kept)
    if pairs_path is not None:
        with open(pairs_path, "wb") as f:
            for key, group in groups.items():
                pair = make_pair(group, prompts[key], min_reward, min_margin)
                if pair is not None:
                    f.write(json_line(pair))
                    stats.pairs += 1
    return dict(stats.__dict__)


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("filter", help="rejection sampling: keep the best completions per prompt; "
                              "emit preference pairs", description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="scored JSONL (output of `rewardkit score`)")
    p.add_argument("-o", "--output", required=True, help="kept rows, JSONL")
    p.add_argument("--best-of", type=int, default=1, metavar="K", help="rows kept per group (default 1)")
    p.add_argument("--min-reward", type=float, default=None, metavar="X", help="keep only rows with reward >= X")
    p.add_argument("--group-by", default="prompt", metavar="FIELD", help="field that defines a group")
    p.add_argument("--pairs", metavar="FILE", help="also write best-vs-worst pairs as prompt/chosen/rejected")
    p.add_argument("--min-margin", type=float, default=0.0, metavar="M",
                   help="a pair needs best - worst >= M (and > 0)")
    p.add_argument("--completion-field", default="completion", help="field holding the completion")
    p.set_defaults(func=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    stats = filter_file(args.input, args.output, best_of=args.best_of, min_reward=args.min_reward,
                        group_by=args.group_by, pairs_path=args.pairs, min_margin=args.min_margin,
                        completion_field=args.completion_field)
    pairs = f", {stats['pairs']:,} pairs" if args.pairs else ""
    print(f"{stats['rows']:,} rows in {stats['groups']:,} groups: kept {stats['kept']:,}{pairs} "
          f"({stats['null_reward']:,} null rewards, {stats['below_min']:,} below --min-reward, "
          f"{stats['errors']:,} bad lines)", file=sys.stderr)
    return 0
