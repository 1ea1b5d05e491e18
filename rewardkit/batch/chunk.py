"""The worker side of batch scoring: a chunk of raw JSONL lines in, ready-to-write output bytes out.

Each output row is the input line verbatim plus `reward`, `rewards` and `reward_status` (the input bytes are
never re-serialised). A line that cannot be scored (not a JSON object, or lacking a field the recipe requires)
becomes an errors-file record with its line number instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rewardkit.batch.stats import BAD_LINE, RunStats
from rewardkit.core import Sample, Scorer
from rewardkit.errors import InputError
from rewardkit.jsonl import bad_line, clean, json_line, parse_line


@dataclass(slots=True)
class ChunkResult:
    """What a worker sends back for one chunk: bytes to append to the output and errors files, stats."""

    out: bytes
    err: bytes
    messages: list[str]
    stats: RunStats


class ChunkScorer:
    """Everything a worker needs, pickled once per worker: scores one chunk of raw JSONL lines."""

    def __init__(self, scorer: Scorer, mapping: Mapping[str, str] | None = None) -> None:
        self.scorer = scorer
        self.mapping = dict(mapping or {})
        self.checks_fields = bool(scorer.needed_fields())  # skips the per-row check for recipes that need none

    def __call__(self, first_line: int, lines: list[bytes]) -> ChunkResult:
        raws, rows, samples, errs, messages, reasons = [], [], [], [], [], []
        for lineno, raw in enumerate(lines, first_line):
            raw = clean(raw)
            if not raw:
                continue  # blank lines are not rows
            row, sample, problem = self._parse(raw)
            if problem:
                errs.append(json.dumps(bad_line(lineno, raw, problem).to_json(), ensure_ascii=False))
                messages.append(f"line {lineno}: {problem}")
                reasons.append((BAD_LINE, problem))
                continue
            raws.append(raw)
            rows.append(row)
            samples.append(sample)
        scores = self.scorer.score_batch(samples) if samples else []
        out, rewards, comps, statuses = [], [], [], []
        for raw, row, score in zip(raws, rows, scores, strict=True):
            status = score.status.value
            out.append(_output_line(raw, row, score.value, score.components, status))
            rewards.append(score.value)
            comps.append(score.components)
            statuses.append(status)
            if status != "ok":
                reasons.append((status, score.reason))
        stats = RunStats.of_chunk(rewards, comps, statuses, len(errs), reasons)
        stats.add_scorer_stats({leaf.name: leaf.collect_stats() for leaf in self.scorer.leaves()})
        err_bytes = ("\n".join(errs) + "\n").encode() if errs else b""
        return ChunkResult(b"".join(out), err_bytes, messages, stats)

    def _parse(self, raw: bytes) -> tuple[Any, Sample | None, str]:
        row, problem = parse_line(raw)
        if row is None:
            return None, None, problem
        try:
            sample = Sample.from_dict(row, self.mapping)
        except InputError as exc:
            return None, None, str(exc)
        if sample.completion is None:
            return None, None, "field 'completion' is null"
        for name in self.scorer.missing_fields(sample)[:1] if self.checks_fields else ():
            hint = f" (mapped from '{self.mapping[name]}')" if name in self.mapping else \
                f" (use --map {name.split(' or ')[0]}=FIELD to name another one)"
            return None, None, f"missing required field '{name}'{hint}"
        return row, sample, ""


def _encode_key(name: str, cache: dict[str, bytes] = {}) -> bytes:  # noqa: B006 - a deliberate memo
    """`"name": ` as JSON bytes, computed once per component name (the per-row hot path)."""
    encoded = cache.get(name)
    if encoded is None:
        encoded = cache[name] = json.dumps(name, ensure_ascii=False).encode() + b": "
    return encoded


def _number(value: float | None) -> bytes:
    # Score guarantees a finite float or None; float repr is what json.dumps writes for a float
    return b"null" if value is None else repr(float(value)).encode()


def _output_line(raw: bytes, row: dict, value: float | None, components: dict, status: str) -> bytes:
    """The input line with the reward fields appended; the input bytes are kept as they are (fast, exact)."""
    if "reward" in row or "rewards" in row or "reward_status" in row:
        # re-scoring a scored file: replace the old fields instead of writing duplicate keys
        merged = {**row, "reward": value, "rewards": components, "reward_status": status}
        return json_line(merged)
    comps = b", ".join(_encode_key(k) + _number(v) for k, v in components.items())
    tail = b'"reward": %s, "rewards": {%s}, "reward_status": "%s"}\n' % (_number(value), comps, status.encode())
    return raw[:-1].rstrip() + (b", " if row else b"") + tail
