"""Plain matching rewards: the extracted answer equals the reference (`exact_match`) or the completion
matches a pattern (`regex_match`)."""

from __future__ import annotations

import math
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.extract import final_answer, region
from rewardkit.normalize import canonical, strip_eos, strip_invisible


class ExactMatchParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    extract: Literal["final", "answer", "all"] = Field(
        "final", description="final: the anchored final answer (answer tag, \\boxed, 'the answer is'); "
        "answer: the answer region; all: the whole completion")
    case_sensitive: bool = Field(False, description="compare with case")
    normalize_whitespace: bool = Field(True, description="collapse runs of whitespace before comparing")


class ExactMatch(Scorer):
    """1.0 when the extracted answer equals the reference (or any of a list of references), else 0.0."""

    name = "exact_match"
    description = "Extracted answer equals the reference string after light normalisation (1/0)."
    Params = ExactMatchParams
    required_fields = ("answer",)
    value_range = (0.0, 1.0)
    examples = (
        {"sample": {"completion": "<think>...</think><answer> Paris </answer>", "answer": "paris"}, "value": 1.0},
        {"sample": {"completion": "I think it is Paris.", "answer": "Paris"}, "value": 0.0},
    )

    def _normal(self, text: str) -> str:
        """The compared form: the shared normaliser's canonical text (invisible characters out, NFKC,
        look-alikes folded), stripped, optionally whitespace-collapsed and case-folded."""
        text = canonical(text).strip()
        if self.params.normalize_whitespace:
            text = " ".join(text.split())
        return text if self.params.case_sensitive else text.casefold()

    def _score(self, sample: Sample) -> Score:
        gold = sample.answer
        golds = gold if isinstance(gold, list) else [gold]
        if gold is None or not golds or not all(_usable(g) for g in golds):
            return Score.skip(f"reference answer missing or not text: {gold!r}"[:200], Status.INVALID_INPUT)
        wanted = {self._normal(text) for g in golds for text in _texts(g)}
        if "" in wanted:  # a blank reference would be "matched" by a blank answer
            return Score.skip(f"blank reference answer: {gold!r}"[:200], Status.INVALID_INPUT)
        text = strip_eos(sample.completion_text)
        if self.params.extract == "final":
            found = final_answer(text)
            if found is None:
                return Score(0.0, reason="no anchored answer")
            predicted = found.text
        else:
            predicted = region(text, self.params.extract)
        if self._normal(predicted) in wanted:
            return Score(1.0, reason="exact match")
        return Score(0.0, reason=f"{predicted[:80]!r} differs from the reference")


def _usable(gold: Any) -> bool:
    """A reference that can be compared as text; NaN / inf (a dataframe's missing value) is not one."""
    return isinstance(gold, (str, int)) or (isinstance(gold, float) and math.isfinite(gold))


def _texts(gold: str | int | float) -> tuple[str, ...]:
    """The spellings of a reference: 14.0 (an integer column that passed through a float dataframe) is "14"."""
    if isinstance(gold, float) and gold.is_integer():
        return str(gold), str(int(gold))
    return (str(gold),)


class RegexMatchParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: str = Field(..., description="regular expression (the `regex` module's syntax)")
    region: Literal["all", "think", "answer"] = Field("all", description="part of the completion to match")
    fullmatch: bool = Field(False, description="the whole region must match, not just a part of it")
    ignore_case: bool = Field(False, description="case-insensitive matching")
    timeout_s: float = Field(1.0, gt=0, description="give up on pathological backtracking after this long")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return pattern


class RegexMatch(Scorer):
    """1.0 when the chosen region of the completion matches `pattern`, else 0.0."""

    name = "regex_match"
    description = "The completion (or its think/answer region) matches a regular expression (1/0)."
    Params = RegexMatchParams
    value_range = (0.0, 1.0)
    _transient = ("_compiled",)
    examples = (
        {"params": {"pattern": r"^\d+$", "region": "answer"}, "sample": {"completion": "<answer>42</answer>"},
         "value": 1.0},
        {"params": {"pattern": r"^\d+$", "region": "answer"}, "sample": {"completion": "<answer>x</answer>"},
         "value": 0.0},
    )

    def _regex(self) -> Any:
        if self._compiled is None:
            flags = regex.IGNORECASE if self.params.ignore_case else 0
            self._compiled = regex.compile(self.params.pattern, flags)
        return self._compiled

    def _score(self, sample: Sample) -> Score:
        # visible text only: invisible characters and trailing end-of-sequence markers are not content
        text = strip_invisible(region(strip_eos(sample.completion_text), self.params.region))
        compiled = self._regex()
        try:
            match = (compiled.fullmatch if self.params.fullmatch else compiled.search)(
                text, timeout=self.params.timeout_s)
        except TimeoutError:
            return Score(None, Status.TIMEOUT, reason=f"pattern did not finish in {self.params.timeout_s}s")
        return Score(1.0 if match else 0.0, reason="matched" if match else "no match")
