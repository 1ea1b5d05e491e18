"""Cost counters of a judge (calls, cache hits, latency, tokens, retries) and a readable summary."""

from __future__ import annotations

import threading
from collections.abc import Mapping

# Every counter is additive, so a batch runner can sum them over workers and batches.
COUNTERS = ("requests", "calls", "cache_hits", "latency_s", "tokens_in", "tokens_out", "http_retries",
            "repairs", "invalid", "infra_errors", "timeouts")


class JudgeStats:
    """Thread-safe counters since the last `collect()`.

    requests: judge prompts needed (cache hits + calls); calls: prompts sent to the backend; latency_s: wall
    seconds those calls took (a local batch's time is split evenly over its prompts); tokens_in/out: as the
    backend reports them (fresh calls only); http_retries: retried HTTP attempts (429, 5xx, connection);
    repairs: follow-up turns sent after an unparseable reply; invalid / infra_errors / timeouts: scores
    that ended with that status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(COUNTERS, 0.0)

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def add(self, **amounts: float | None) -> None:
        with self._lock:
            for key, amount in amounts.items():
                if amount:
                    self._counts[key] += float(amount)

    def collect(self) -> dict[str, float]:
        """The counters since the last call, then reset."""
        with self._lock:
            out, self._counts = self._counts, dict.fromkeys(COUNTERS, 0.0)
        return out


def summarize(stats: Mapping[str, float], name: str = "judge") -> str:
    """One readable line from (possibly summed) counters, e.g. for the end of a batch run."""
    get = lambda key: float(stats.get(key, 0.0))  # noqa: E731 - a local shorthand
    requests, calls, hits = get("requests"), get("calls"), get("cache_hits")
    hit_rate = f" ({100 * hits / requests:.0f}%)" if requests else ""
    latency = f", mean latency {get('latency_s') / calls:.2f} s/call" if calls else ""
    tokens = ""
    if get("tokens_in") or get("tokens_out"):
        tokens = f", tokens in/out {get('tokens_in'):,.0f}/{get('tokens_out'):,.0f}"
    problems = ", ".join(f"{get(k):.0f} {label}" for k, label in (
        ("http_retries", "HTTP retries"), ("repairs", "repair turns"), ("invalid", "unparseable"),
        ("infra_errors", "infra errors"), ("timeouts", "timeouts")) if get(k))
    return (f"{name}: {requests:.0f} prompts, {calls:.0f} calls, {hits:.0f} cache hits{hit_rate}{latency}"
            f"{tokens}{'; ' + problems if problems else ''}")
