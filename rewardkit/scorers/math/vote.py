"""Self-consistency (majority vote over sampled answers): cluster the extracted answers of a prompt's
completions by mathematical equivalence and report the majority answer, its share and whether it matches
the gold answer.

    rewardkit vote samples.jsonl -o votes.jsonl          # the command lives in rewardkit.vote

    from rewardkit.scorers.math.vote import majority_vote
    majority_vote(["... \\boxed{1/2}", "... \\boxed{0.5}", "... \\boxed{3}"], gold="\\frac12").majority  # '1/2'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rewardkit.core import Sample, Status


@dataclass(slots=True)
class VoteResult:
    """The vote of one prompt. `share` = majority count / all completions (unanswered ones included)."""

    majority: str | None
    count: int
    share: float
    n: int
    answered: int
    correct: bool | None  # None when there is no gold answer or no majority
    clusters: list[dict[str, Any]] = field(default_factory=list)  # [{"answer", "count"}], largest first


def _scorer(scorer: Any) -> Any:
    if scorer is not None:
        return scorer
    from rewardkit.scorers.math.scorer import MathScorer

    return MathScorer()


def majority_vote(completions: Sequence[str], gold: Any = None, scorer: Any = None) -> VoteResult:
    """Vote over `completions` (texts): answers by the final-answer policy (a hedge casts no vote), clustered
    by the math scorer's equivalence."""
    from rewardkit.extract import final_answer

    math_scorer = _scorer(scorer)
    clusters: list[list[str]] = []  # each: [representative, member, ...]
    for text in completions:
        found = final_answer(text, "last", math_scorer.params.anchors)
        if found is None or found.kind != "single":
            continue
        answer = found.parts[0]
        for cluster in clusters:
            if cluster[0] == answer or math_scorer.compare(cluster[0], answer).value == 1.0:
                cluster.append(answer)
                break
        else:
            clusters.append([answer])
    clusters.sort(key=len, reverse=True)  # stable: ties go to the answer seen first
    answered = sum(len(c) for c in clusters)
    if not clusters:
        return VoteResult(None, 0, 0.0, len(completions), 0, None)
    majority = clusters[0][0]
    correct = None
    if gold is not None:
        verdict = math_scorer.compare(gold, majority)
        correct = None if verdict.status is Status.INVALID_INPUT else verdict.value == 1.0
    return VoteResult(majority, len(clusters[0]), len(clusters[0]) / max(len(completions), 1), len(completions),
                      answered, correct, [{"answer": c[0], "count": len(c)} for c in clusters])


def _prompt_key(prompt: Any) -> str:
    return prompt if isinstance(prompt, str) else json.dumps(prompt, sort_keys=True, ensure_ascii=False)


def vote_rows(rows: Iterable[Mapping[str, Any]], scorer: Any = None, mapping: Mapping[str, str] | None = None
              ) -> list[dict[str, Any]]:
    """Group rows by prompt (first-seen order) and vote in each group; one output dict per prompt."""
    groups: dict[str, list[Sample]] = {}
    for row in rows:
        sample = Sample.from_dict(row, mapping)
        groups.setdefault(_prompt_key(sample.prompt), []).append(sample)
    math_scorer = _scorer(scorer)
    out = []
    for key, samples in groups.items():
        gold = next((s.answer for s in samples if s.answer is not None), None)
        result = majority_vote([s.completion_text for s in samples], gold, math_scorer)
        out.append({"prompt": samples[0].prompt if samples[0].prompt is not None else key, "answer": gold,
                    **asdict(result)})
    return out
