"""The `math` scorer: the accuracy reward of DeepSeek-R1 (is the final answer equal to the gold answer?).

Extraction (which text is the model's answer) is the one final-answer policy, `rewardkit.extract.final_answer`,
shared with every scorer that reads a final answer; judgement is `verify` on parsed values, exact in this
process for numbers and strings, in a killable worker pool (`rewardkit.runtime.pool`) for anything that needs
sympy. See docs/math.md for every policy.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.extract import FinalAnswer, final_answer, reference_answer
from rewardkit.scorers.math.parse import Node, ParseError, parse
from rewardkit.scorers.math.verify import NeedsSymbolic, Options, Verdict, verify_any

MAX_GOLD_CHARS = 10_000
# Integer or decimal literals joined by + - * × · ÷ (at least one binary operation, not a lone fraction `a/b` or a
# sign): `2 + 3 \cdot 4` for "What is 2 + 3 * 4?" equals 14 but answers nothing. Powers, roots, fractions and
# scientific notation (`3 \times 10^{5}`) are answers, and are not matched.
_NUMBER = r"\(?\s*-?\d+(?:\.\d+)?\s*\)?"
_UNEVALUATED = re.compile(rf"{_NUMBER}(?:\s*(?:[+*×·÷-]|\\cdot|\\times|\\div)\s*{_NUMBER})+")
_SYMBOLIC_JOB = "rewardkit.scorers.math.symbolic:verify_job"
_POOL_LOCK = threading.Lock()  # one pool per scorer even when threads race to create it
_COMBINE = {"single": "single", "hedge": "list", "set": "list", "any": "any"}  # how a FinalAnswer is judged


def gold_texts(answer: Any) -> list[str] | None:
    """The gold answer(s) as text: raw, `$`-wrapped, a full solution ending in `\\boxed{}`, a GSM8K-style
    `#### 72`, a number, or a list of acceptable answers. None if there is none."""
    if answer is None or isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return [repr(answer) if isinstance(answer, float) else str(answer)] if math.isfinite(answer) else None
    if isinstance(answer, (list, tuple)):
        out = [t for item in answer for t in (gold_texts(item) or [])]
        return out or None
    if not isinstance(answer, str) or not answer.strip():
        return None
    text = reference_answer(answer)
    return [text] if text else None


class MathParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    multiple_boxes: Literal["last", "set", "any"] = Field(
        "last", description="several boxed answers: last = the final-answer policy (different boxes without "
        "an explicit correction are a hedge, judged as a list); set = all boxes of the final answer form one "
        "set; any = any box may match (lenient, rewards hedging)")
    anchors: bool = Field(True, description="accept an anchored statement ('the final answer is 5', "
                          "'Answer: 5', '答案是 5'), not only answer tags and boxes")
    float_rel_tol: float = Field(1e-6, ge=0, le=1e-2, description="relative tolerance, used only when the "
                                 "prediction contains a written decimal number")
    percent: Literal["strict", "flexible"] = Field(
        "strict", description="strict: a % sign decorates the number (14% = 14, never 0.14 or 1400%), so a value "
        "off by x100 never passes; flexible: 50% = 50 = 0.5 (lets x100 errors pass)")
    timeout_s: float = Field(5.0, gt=0, le=600, description="bound on the symbolic check of one sample (s)")
    timeout_value: float | None = Field(0.0, description="value of a sample whose check timed out (status "
                                        "timeout); None makes trainers skip it")
    workers: int = Field(2, ge=1, le=64, description="worker processes for the symbolic path")
    max_answer_chars: int = Field(1000, ge=10, le=100_000, description="longer extracted answers score 0 "
                                  "without being parsed")


@dataclass(slots=True)
class _Job:
    """A sample whose verdict needs the symbolic pool."""

    golds: tuple[Node, ...]
    preds: tuple[Node, ...]
    describe: tuple[str, str, str]  # gold text, prediction text, source


class MathScorer(Scorer):
    """1.0 when the completion's final answer is mathematically equivalent to the gold answer, else 0.0."""

    name = "math"
    description = "Accuracy reward: the final answer (answer tag / box / anchored statement, one policy) " \
                  "equals the gold answer mathematically (1/0)."
    Params = MathParams
    required_fields = ("answer",)
    value_range = (0.0, 1.0)
    _transient = ("_pool", "_cache")
    examples = (
        {"sample": {"completion": "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>", "answer": "14"},
         "value": 1.0},
        {"sample": {"completion": "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>", "answer": "14"},
         "value": 0.0},
        {"sample": {"completion": "So the probability is $\\boxed{\\dfrac{2}{4}}$.", "answer": "0.5"},
         "value": 1.0},
        {"sample": {"completion": "There are 7 balls. I am not sure.", "answer": "7"}, "value": 0.0},
        {"sample": {"completion": "\\boxed{\\frac{\\sqrt{2}}{2}}", "answer": "\\frac{1}{\\sqrt{2}}"},
         "value": 1.0},
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name, **params)
        p = self.params
        self.options = Options(float_rel_tol=p.float_rel_tol, percent=p.percent)
        if p.timeout_value is not None:  # a timed-out sample scores timeout_value
            self.value_range = (min(0.0, p.timeout_value), max(1.0, p.timeout_value))

    # -- public helpers -------------------------------------------------------------------------------
    def compare(self, gold: Any, prediction: str) -> Score:
        """Judge an already extracted answer against a gold answer (no extraction)."""
        golds = self._parse_golds(gold)
        prepared = golds if isinstance(golds, Score) else self._judge(golds, FinalAnswer((prediction,), "given"))
        return self._finish(self._run_jobs([prepared])[0])

    def close(self) -> None:
        """Stop the worker processes (they also stop when the scorer is garbage collected)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    # -- scoring --------------------------------------------------------------------------------------
    def _score(self, sample: Sample) -> Score:
        return self._run_jobs([self._prepare(sample)])[0]

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        return self._run_jobs([self._prepare(s) for s in samples])

    def _prepare(self, sample: Sample) -> Score | _Job:
        golds = self._parse_golds(sample.answer)
        if isinstance(golds, Score):
            return golds
        prediction = final_answer(sample.completion_text, self.params.multiple_boxes, self.params.anchors)
        if prediction is None:
            return Score(0.0, reason="no anchored answer (no answer tag, \\boxed{} or 'the answer is')")
        return self._judge(golds, prediction)

    def _parse_golds(self, answer: Any) -> tuple[tuple[Node, ...], str] | Score:
        texts = gold_texts(answer)
        if texts is None:
            return Score.skip(f"no gold answer: {answer!r}"[:200], Status.INVALID_INPUT)
        nodes = []
        for text in texts:
            try:
                if len(text) > MAX_GOLD_CHARS:
                    raise ParseError(f"{len(text)} characters")
                nodes.append(parse(text))
            except ParseError as exc:
                return Score.skip(f"gold answer {text[:80]!r} is not parseable: {exc}", Status.INVALID_INPUT)
        return tuple(nodes), " | ".join(texts)

    def _judge(self, golds: tuple[tuple[Node, ...], str], prediction: FinalAnswer) -> Score | _Job:
        gold_nodes, gold_text = golds
        shown, combine = prediction.text, _COMBINE[prediction.kind]
        seen = {"extracted": shown[:500], "source": prediction.source, "gold": gold_text[:500]}
        if len(shown) > self.params.max_answer_chars:
            return Score(0.0, reason=f"answer too long to verify ({len(shown)} > {self.params.max_answer_chars}"
                         " characters)", details=seen)
        if any(_UNEVALUATED.fullmatch(text.strip(" $.")) for text in prediction.parts) \
                and not _UNEVALUATED.fullmatch(gold_text.strip(" $.")):
            return Score(0.0, reason="unevaluated arithmetic (an expression of numbers, such as the question's "
                         "own, is not its value)", details=seen)
        nodes = []
        for text in prediction.parts:
            try:
                nodes.append(parse(text))
            except ParseError as exc:
                if combine != "any":
                    return Score(0.0, reason=f"answer {text[:80]!r} is not parseable: {exc}", details=seen)
        preds = (("list", tuple(nodes)),) if combine == "list" else tuple(nodes)
        describe = (gold_text, shown, prediction.source)
        cached = self._cache_get((gold_nodes, preds))
        if cached is not None:
            return self._verdict_score(cached, describe)
        try:
            verdict = verify_any(gold_nodes, preds, self.options)
        except NeedsSymbolic:
            return _Job(gold_nodes, preds, describe)
        except RecursionError:
            return Score(0.0, reason="answer nested too deeply to verify")
        return self._verdict_score(verdict, describe)

    def _run_jobs(self, prepared: Sequence[Score | _Job]) -> list[Score]:
        jobs = [p for p in prepared if isinstance(p, _Job)]
        if not jobs:
            return list(prepared)  # type: ignore[arg-type]
        results = self._get_pool().map(_SYMBOLIC_JOB, [(j.golds, j.preds, self.options) for j in jobs])
        answers = iter(results)
        out = []
        for item in prepared:
            out.append(item if isinstance(item, Score) else self._job_score(item, next(answers)))
        return out

    def _job_score(self, job: _Job, result: Any) -> Score:
        from rewardkit.runtime.pool import PoolTimeout, RemoteError

        if isinstance(result, Verdict):
            self._cache_put((job.golds, job.preds), result)
            return self._verdict_score(result, job.describe)
        if isinstance(result, PoolTimeout):
            return Score(self.params.timeout_value, Status.TIMEOUT,
                         reason=f"symbolic check did not finish within {self.params.timeout_s:g}s")
        if isinstance(result, RemoteError):
            return Score(None, Status.ERROR, reason=f"symbolic check failed: {result}"[:300])
        return Score(None, Status.INFRA_ERROR, reason=f"symbolic worker unavailable: {result}"[:300])

    def _verdict_score(self, verdict: Verdict, describe: tuple[str, str, str]) -> Score:
        gold, shown, source = describe
        sign = "=" if verdict.equal else "≠"
        return Score(1.0 if verdict.equal else 0.0,
                     reason=f"{verdict.rule}: {shown[:80]} {sign} gold {gold[:80]}",
                     details={"extracted": shown[:500], "source": source, "gold": gold[:500]})

    # -- lazily created, per-process state -------------------------------------------------------------
    def _get_pool(self) -> Any:
        with _POOL_LOCK:
            if self._pool is None:
                from rewardkit.runtime.pool import ProcessPool

                self._pool = ProcessPool(size=self.params.workers, timeout=self.params.timeout_s,
                                         preload=("rewardkit.scorers.math.symbolic",))
            return self._pool

    def _cache_get(self, key: tuple) -> Verdict | None:
        return None if self._cache is None else self._cache.get(key)

    def _cache_put(self, key: tuple, verdict: Verdict) -> None:
        if self._cache is None:
            self._cache = OrderedDict()
        self._cache[key] = verdict
        if len(self._cache) > 4096:
            with contextlib.suppress(KeyError):  # another thread evicted first
                self._cache.popitem(last=False)
