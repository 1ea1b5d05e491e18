"""Run statistics for batch scoring: per-component mean / std / min / max / share of None, status counts and
the summed `collect_stats()` counters of every leaf scorer.

Workers summarise each chunk (`ChunkStats.from_values`); the writer merges chunk summaries in input order with
Chan's parallel formula, so no per-row value is kept and the state is a few numbers per component. The state
round-trips through JSON (`to_state` / `from_state`) so a resumed run reports on the whole output.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

REWARD = "reward"  # the key under which the total reward is summarised
BAD_LINE = "bad_line"  # the pseudo-status under which reasons for errors-file lines are counted
MAX_REASONS = 64  # distinct reasons kept per status (the rest are counted under OTHER): the state stays small
OTHER = "(other reasons)"
TOP_REASONS = 3  # reasons per status in the summary


@dataclass(slots=True)
class Moments:
    """Count of values, count of None, mean, sum of squared deviations (M2), min and max of one column."""

    n: int = 0
    none: int = 0
    mean: float = 0.0
    m2: float = 0.0
    min: float = math.inf
    max: float = -math.inf

    @classmethod
    def of(cls, values: list[float], none: int) -> Moments:
        if not values:
            return cls(none=none)
        mean = math.fsum(values) / len(values)
        m2 = math.fsum((v - mean) ** 2 for v in values)
        return cls(len(values), none, mean, m2, min(values), max(values))

    def merge(self, other: Moments) -> None:
        """Chan et al.'s pairwise update: exact up to rounding whatever the chunking."""
        n = self.n + other.n
        self.none += other.none
        if other.n == 0:
            return
        if self.n == 0:
            self.n, self.mean, self.m2, self.min, self.max = other.n, other.mean, other.m2, other.min, other.max
            return
        delta = other.mean - self.mean
        self.mean += delta * other.n / n
        self.m2 += other.m2 + delta * delta * self.n * other.n / n
        self.n = n
        self.min, self.max = min(self.min, other.min), max(self.max, other.max)

    def report(self) -> dict[str, Any]:
        """Population statistics (ddof=0) of the non-None values, and the share of None among all rows."""
        total = self.n + self.none
        has = self.n > 0
        return {"count": self.n, "none": self.none, "none_share": self.none / total if total else 0.0,
                "mean": self.mean if has else None, "std": math.sqrt(self.m2 / self.n) if has else None,
                "min": self.min if has else None, "max": self.max if has else None}

    def to_state(self) -> list[Any]:
        return [self.n, self.none, self.mean, self.m2, self.min if self.n else None, self.max if self.n else None]

    @classmethod
    def from_state(cls, state: list[Any]) -> Moments:
        n, none, mean, m2, lo, hi = state
        return cls(n, none, mean, m2, math.inf if lo is None else lo, -math.inf if hi is None else hi)


class RunStats:
    """Everything the end-of-run summary reports, mergeable chunk by chunk."""

    def __init__(self) -> None:
        self.rows = 0
        self.errors = 0
        self.columns: dict[str, Moments] = {}  # REWARD first, then components in first-seen order
        self.status: dict[str, int] = {}
        self.scorer_stats: dict[str, dict[str, float]] = {}
        self.reasons: dict[str, dict[str, int]] = {}  # non-ok status (or BAD_LINE) -> reason -> rows

    @classmethod
    def of_chunk(cls, rewards: list[float | None], components: list[Mapping[str, float | None]],
                 statuses: list[str], errors: int, reasons: Iterable[tuple[str, str]] = ()) -> RunStats:
        """Summarise one scored chunk (parallel lists, one entry per scored row; `reasons` are (status, reason)
        pairs of the rows not ok and of the bad lines)."""
        stats = cls()
        stats.rows, stats.errors = len(rewards), errors
        for status, reason in reasons:
            stats.count_reason(status, reason)
        stats.columns[REWARD] = _moments(rewards)
        names: dict[str, None] = {}
        for comp in components:
            names.update(dict.fromkeys(comp))
        for name in names:
            stats.columns[name] = _moments([comp.get(name) for comp in components])
        for status in statuses:
            stats.status[status] = stats.status.get(status, 0) + 1
        return stats

    def count_reason(self, status: str, reason: str, n: int = 1) -> None:
        counts = self.reasons.setdefault(status, {})
        reason = (reason or "(no reason given)")[:200]
        if reason not in counts and len(counts) >= MAX_REASONS:
            reason = OTHER
        counts[reason] = counts.get(reason, 0) + n

    def add_scorer_stats(self, per_leaf: Mapping[str, Mapping[str, float]]) -> None:
        for leaf, counters in per_leaf.items():
            mine = self.scorer_stats.setdefault(leaf, {})
            for key, value in counters.items():
                mine[key] = mine.get(key, 0) + value

    def merge(self, other: RunStats) -> None:
        self.rows += other.rows
        self.errors += other.errors
        for name, moments in other.columns.items():
            self.columns.setdefault(name, Moments(none=0)).merge(moments)
        for status, count in other.status.items():
            self.status[status] = self.status.get(status, 0) + count
        self.add_scorer_stats(other.scorer_stats)
        for status, counts in other.reasons.items():
            for reason, n in counts.items():
                self.count_reason(status, reason, n)

    def to_state(self) -> dict[str, Any]:
        return {"rows": self.rows, "errors": self.errors, "status": self.status, "scorer_stats": self.scorer_stats,
                "columns": {name: m.to_state() for name, m in self.columns.items()}, "reasons": self.reasons}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> RunStats:
        stats = cls()
        stats.rows, stats.errors = state["rows"], state["errors"]
        stats.status = dict(state["status"])
        stats.scorer_stats = {k: dict(v) for k, v in state["scorer_stats"].items()}
        stats.columns = {name: Moments.from_state(m) for name, m in state["columns"].items()}
        stats.reasons = {k: dict(v) for k, v in state.get("reasons", {}).items()}  # absent in older progress files
        return stats

    def report(self) -> dict[str, Any]:
        """The JSON-ready part of the summary that depends only on the output rows."""
        columns = {name: m.report() for name, m in self.columns.items()}
        top = {status: sorted(counts.items(), key=lambda kv: -kv[1])[:TOP_REASONS]
               for status, counts in sorted(self.reasons.items())}
        return {"rows": self.rows, "errors": self.errors, "status": dict(self.status),
                "reward": columns.pop(REWARD, Moments().report()), "components": columns,
                "scorer_stats": self.scorer_stats, "reasons": {k: [list(r) for r in v] for k, v in top.items()}}


def _moments(values: Iterable[float | None]) -> Moments:
    present = []
    none = 0
    for v in values:
        if v is None:
            none += 1
        else:
            present.append(v)
    return Moments.of(present, none)


def format_summary(summary: Mapping[str, Any]) -> str:
    """The summary as a short human-readable table."""
    lines = [f"rows {summary['rows']:,}  errors {summary['errors']:,}  "
             f"({summary['rows_this_run']:,} rows this run in {summary['seconds']:.1f} s, "
             f"{summary['rows_per_s']:,.0f} rows/s)"]
    if summary["status"]:
        lines.append("status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(summary["status"].items())))
    for status, reasons in summary.get("reasons", {}).items():
        lines.append(f"top reasons for {status}:")
        lines.extend(f"  {n:>9,}  {reason}" for reason, n in reasons)
    if summary["errors"] and summary.get("errors_file"):
        lines.append(f"bad lines are listed in {summary['errors_file']}")
    width = max([len(REWARD), *map(len, summary["components"])])
    lines.append(f"{'':<{width}}  {'mean':>9} {'std':>9} {'min':>9} {'max':>9} {'None':>7}")
    for name, col in [(REWARD, summary["reward"]), *summary["components"].items()]:
        cells = " ".join(f"{'-' if col[k] is None else format(col[k], '.4f'):>9}" for k in ("mean", "std", "min",
                                                                                               "max"))
        lines.append(f"{name:<{width}}  {cells} {col['none_share']:>7.1%}")
    for leaf, counters in summary["scorer_stats"].items():
        if counters:
            lines.append(f"{leaf}: " + ", ".join(f"{k}={v:g}" for k, v in counters.items()))
    return "\n".join(lines)
