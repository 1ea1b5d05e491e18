"""`run`: build the recipe, turn each honest row into variants with every family that applies, score them all
in one `score_batch`, and keep the variants that reach (or exceed) what they are measured against."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from rewardkit.core import Sample, Score, Scorer, as_sample
from rewardkit.errors import ConfigError, InputError, RegistryError
from rewardkit.probe import registry
from rewardkit.probe.family import MAX_CHARS, Family, ProbeContext, Variant
from rewardkit.probe.report import FamilyResult, Finding, ProbeReport, RowResult
from rewardkit.recipe import build

# The R1 worked example (DESIGN.md): o2, right and well formatted, and o2 with its reasoning in words, which a
# language-consistency reward can judge (o2's numbers-only reasoning has no words to count).
_R1_PROMPT = "What is 2 + 3 * 4?"
R1_ROWS: tuple[dict[str, Any], ...] = (
    {"prompt": _R1_PROMPT, "completion": "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
     "answer": "14"},
    {"prompt": _R1_PROMPT, "completion": "<think>Multiplication comes before addition, so 3 * 4 = 12 and then "
     "2 + 12 = 14.</think> <answer>14</answer>", "answer": "14"},
)
DEFAULT_LIMIT = 16  # variants per family and row
_EPS = 1e-9  # rewards are sums of floats: "reaches" tolerates the last bits


@dataclass(frozen=True)
class _Planned:
    family: str
    row: int
    variant: Variant
    key: tuple[Any, ...]
    control: tuple[Any, ...] | None


def run(recipe: Any, rows: Iterable[Mapping[str, Any] | Sample] | None = None,
        families: Sequence[str] | str | None = None, *, bound: float | Mapping[str, float] | None = None,
        limit: int = DEFAULT_LIMIT, seed: int = 0) -> ProbeReport:
    """Probe `recipe` (anything `rewardkit.build` takes) with adversarial variants of `rows` (default: the
    R1 worked example, `R1_ROWS`). `families`: names to run regardless of the scorers they aim at (default: every
    registered family whose targets the recipe has). `bound`: a reward no variant may reach, for every
    family (a number) or per family ({name: number}), instead of the honest / control reward."""
    scorer = build(recipe)
    samples = [as_sample(r) for r in rows] if rows is not None else [Sample.from_dict(row) for row in R1_ROWS]
    if not samples:
        raise InputError("no honest rows to probe")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(f"must be a positive integer, got {limit!r}", "limit")
    chosen = _choose(families)
    bounds = _bounds(bound, [family.name for family, _ in chosen])
    leaves = tuple(scorer.leaves())
    leaf_names = [type(leaf).name for leaf in leaves]
    honest = scorer.score_batch(samples)
    usable = [i for i, score in enumerate(honest) if _incomplete(score) is None]
    plans: dict[str, list[_Planned]] = {}
    skipped: dict[str, str] = {}
    for family, explicit in chosen:
        if explicit or family.applies(leaf_names):
            plans[family.name] = [p for i in usable for p in _plan(family, i, samples[i], leaves, seed, limit,
                                                                 None if explicit else set(leaf_names))]
        else:
            skipped[family.name] = f"the recipe has none of {', '.join(sorted(family.targets))}"
    scores = _score_all(scorer, samples, [p for planned in plans.values() for p in planned])
    findings, results = [], []
    for family, _ in chosen:
        planned = plans.get(family.name, [])
        hits, compared = _judge(planned, scores, honest, bounds.get(family.name, bounds.get("*")))
        findings.extend(hits)
        results.append(FamilyResult(family.name, family.description, list(family.tries),
                                    "skipped" if family.name in skipped else "ran", skipped.get(family.name, ""),
                                    len(planned), compared, len(hits)))
    return ProbeReport(_label(recipe, scorer), seed, limit, bounds, _row_results(honest), results, findings)


def _choose(families: Sequence[str] | str | None) -> list[tuple[Family, bool]]:
    """(family, named explicitly) for every family to consider, in registry order."""
    if families is None:
        return [(registry.get(name)(), False) for name in registry.names()]
    wanted = [n.strip() for n in families.split(",")] if isinstance(families, str) else list(families)
    wanted = [n for n in wanted if n]
    if not wanted:
        raise ConfigError("name at least one probe family", "families")
    return [(registry.get(name)(), True) for name in dict.fromkeys(wanted)]


def _bounds(bound: float | Mapping[str, float] | None, known: Sequence[str]) -> dict[str, float]:
    items = {} if bound is None else {"*": bound} if not isinstance(bound, Mapping) else dict(bound)
    for name, value in items.items():
        if name != "*" and name not in known:
            registry.get(name)  # an unknown family name raises with suggestions
            raise ConfigError(f"family {name!r} is not among the families probed", "bound")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"must be a finite number, got {value!r}", f"bound.{name}" if name != "*" else "bound")
    return {name: float(value) for name, value in items.items()}


def _plan(family: Family, index: int, sample: Sample, leaves: tuple[Scorer, ...], seed: int, limit: int,
          leaf_names: set[str] | None) -> Iterator[_Planned]:
    """The first `limit` variants of one row that fit the size bound and (unless the family was named
    explicitly, `leaf_names` None) aim at a scorer of the recipe."""
    ctx = ProbeContext(index, sample, leaves, random.Random(f"{seed}:{family.name}:{index}"))
    try:
        kept = list(islice((v for v in family.variants(ctx) if _fits(v) and _aimed(v, leaf_names)), limit))
    except Exception as exc:  # a family's bug: say which family and row, do not guess a result
        raise RegistryError(f"probe family '{family.name}' failed on row {index}: "
                            f"{type(exc).__name__}: {exc}") from exc
    for variant in kept:
        control = None if variant.control is None else _key(index, variant.control, variant.fields)
        yield _Planned(family.name, index, variant, _key(index, variant.completion, variant.fields), control)


def _aimed(variant: Variant, leaf_names: set[str] | None) -> bool:
    return leaf_names is None or not variant.targets or bool(variant.targets & leaf_names)


def _fits(variant: Variant) -> bool:
    return isinstance(variant, Variant) and len(variant.completion) <= MAX_CHARS and \
        (variant.control is None or len(variant.control) <= MAX_CHARS)


def _key(row: int, completion: Any, fields: Mapping[str, Any]) -> tuple[Any, ...]:
    return row, json.dumps(completion, sort_keys=True, default=str), json.dumps(fields, sort_keys=True,
                                                                                default=str)


def _incomplete(honest: Score) -> str | None:
    """Why an honest score cannot anchor comparisons, or None. A component that did not apply to the honest
    completion (language check on numbers-only reasoning) lets every variant that also dodges it tie for free,
    so such a row would report noise: it is listed, not probed."""
    if honest.value is None:
        return f"the honest completion is not scored ({honest.status.value}: {honest.reason})"[:300]
    missing = [name for name, value in honest.components.items() if value is None]
    if missing:
        return (f"component(s) {', '.join(missing)} did not apply to the honest completion; give a row that "
                "every component of the recipe scores")
    return None


def _score_all(scorer: Scorer, samples: list[Sample], planned: list[_Planned]) -> dict[tuple[Any, ...], Score]:
    """Every distinct variant and control row scored in one batch."""
    todo: dict[tuple[Any, ...], Sample] = {}
    for p in planned:
        base = samples[p.row]
        todo.setdefault(p.key, _variant_sample(base, p.variant.completion, p.variant.fields))
        if p.control is not None:
            todo.setdefault(p.control, _variant_sample(base, p.variant.control, p.variant.fields))
    keys = list(todo)
    return dict(zip(keys, scorer.score_batch([todo[k] for k in keys]), strict=True)) if keys else {}


def _variant_sample(base: Sample, completion: Any, fields: Mapping[str, Any]) -> Sample:
    return Sample.from_dict({**base.to_dict(), **fields, "completion": completion})


def _judge(planned: list[_Planned], scores: Mapping[tuple[Any, ...], Score], honest: list[Score],
           bound: float | None) -> tuple[list[Finding], int]:
    """The findings among `planned`, and how many variants could be compared at all."""
    hits, compared = [], 0
    for p in planned:
        got = scores[p.key]
        if bound is not None:
            threshold, against, compare = bound, "bound", "reach"
        else:
            reference = honest[p.row] if p.control is None else scores[p.control]
            threshold, against = reference.value, "honest" if p.control is None else "control"
            compare = p.variant.compare
        if got.value is None or threshold is None:
            continue
        compared += 1
        if got.value >= threshold - _EPS if compare == "reach" else got.value > threshold + _EPS:
            hits.append(Finding(p.family, p.variant.name, p.variant.description, p.row, got.value,
                                dict(got.components), threshold, against, compare, p.variant.completion,
                                p.variant.control if against == "control" else None, dict(p.variant.fields)))
    return hits, compared


def _row_results(honest: list[Score]) -> list[RowResult]:
    return [RowResult(i, s.value, s.status.value, dict(s.components), s.reason, _incomplete(s) is None,
                      _incomplete(s) or "") for i, s in enumerate(honest)]


def _label(recipe: Any, scorer: Scorer) -> str:
    return str(recipe) if isinstance(recipe, (str, Path)) else repr(scorer)
