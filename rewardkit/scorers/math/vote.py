"""Self-consistency (majority vote over sampled answers): cluster the extracted answers of a prompt's
completions by mathematical equivalence and report the majority answer, its share and whether it matches
the gold answer.

    rewardkit vote samples.jsonl -o votes.jsonl          # rows with prompt, completion (and answer)

    from rewardkit.scorers.math.vote import majority_vote
    majority_vote(["... \\boxed{1/2}", "... \\boxed{0.5}", "... \\boxed{3}"], gold="\\frac12").majority  # '1/2'
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rewardkit.core import Sample, Status
from rewardkit.errors import InputError


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


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """The `vote` subcommand."""
    parser = subparsers.add_parser("vote", help="self-consistency: majority answer per prompt over sampled "
                                   "completions, clustered by math equivalence")
    parser.add_argument("input", help="JSONL with prompt, completion and (optionally) answer; scored rows work")
    parser.add_argument("-o", "--output", help="write one JSON row per prompt here (default: stdout)")
    parser.add_argument("--map", action="append", default=[], metavar="CANON=FIELD",
                        help="read a canonical field from another column, e.g. answer=solution")
    parser.set_defaults(func=_run_vote)


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSONL ({exc})") from None


def _run_vote(args: argparse.Namespace) -> int:
    mapping = {}
    for item in args.map:
        canon, sep, src = item.partition("=")
        if not sep:
            raise InputError(f"--map wants CANON=FIELD, got {item!r}")
        mapping[canon] = src
    results = vote_rows(_read_jsonl(args.input), mapping=mapping or None)
    lines = [json.dumps(r, ensure_ascii=False, default=str) for r in results]
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
    else:
        for line in lines:
            print(line)
    judged = [r for r in results if r["correct"] is not None]
    if judged:
        accuracy = sum(r["correct"] for r in judged) / len(judged)
        print(f"majority-vote accuracy {accuracy:.3f} over {len(judged)} prompts "
              f"(mean majority share {sum(r['share'] for r in results) / len(results):.3f})", file=sys.stderr)
    return 0
