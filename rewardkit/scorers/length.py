"""Length and repetition shaping: DAPO's soft overlong penalty, length-scaled (cosine) correctness and an
n-gram repetition penalty. Lengths are in tokens when token ids or a tokenizer are available, else characters;
each Score says which in its reason and `details`."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.extract import region

Unit = Literal["auto", "tokens", "chars"]


class LengthParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    unit: Unit = Field("auto", description="auto: tokens if the sample has `completion_ids` or a tokenizer is "
                       "set, else characters")
    tokenizer: str | None = Field(None, description="local path of a Hugging Face tokenizer (needs transformers)")


def _load_tokenizer(path: str) -> Any:
    from transformers import AutoTokenizer  # optional dependency, loaded only when a tokenizer is configured

    return AutoTokenizer.from_pretrained(path, local_files_only=True)


class _LengthScorer(Scorer):
    """Shared length measurement; the tokenizer is loaded lazily once per process and not pickled."""

    _transient = ("_tokenizer",)

    def completion_length(self, sample: Sample) -> tuple[int, str]:
        unit = self.params.unit
        ids = sample.get("completion_ids")
        if unit in ("auto", "tokens") and isinstance(ids, (list, tuple)):
            return len(ids), "tokens"
        if unit in ("auto", "tokens") and self.params.tokenizer:
            if self._tokenizer is None:
                self._tokenizer = _load_tokenizer(self.params.tokenizer)
            return len(self._tokenizer(sample.completion_text, add_special_tokens=False)["input_ids"]), "tokens"
        if unit == "tokens":
            raise ValueError("unit=tokens needs `completion_ids` in the sample or a `tokenizer` parameter")
        return len(sample.completion_text), "chars"


class SoftOverlongParams(LengthParams):
    max_length: int = Field(..., gt=0, description="L_max: at and past this length the penalty is -1")
    cache_length: int = Field(..., gt=0, description="L_cache: the penalty ramps linearly over the last "
                              "cache_length units before max_length")

    @model_validator(mode="after")
    def _cache_fits(self) -> SoftOverlongParams:
        if self.cache_length > self.max_length:
            raise ValueError("cache_length must not exceed max_length")
        return self


class SoftOverlong(_LengthScorer):
    """DAPO soft overlong punishment: 0 up to L_max - L_cache, then linear down to -1 at L_max, -1 beyond."""

    name = "soft_overlong"
    description = "DAPO soft overlong penalty: 0 until max_length-cache_length, linear to -1 at max_length."
    Params = SoftOverlongParams
    is_penalty = True
    examples = (
        {"params": {"max_length": 20, "cache_length": 10}, "sample": {"completion": "x" * 10}, "value": 0.0},
        {"params": {"max_length": 20, "cache_length": 10}, "sample": {"completion": "x" * 15}, "value": -0.5},
        {"params": {"max_length": 20, "cache_length": 10}, "sample": {"completion": "x" * 99}, "value": -1.0},
    )

    def _score(self, sample: Sample) -> Score:
        length, unit = self.completion_length(sample)
        limit, cache = self.params.max_length, self.params.cache_length
        if length <= limit - cache:
            value = 0.0
        elif length <= limit:
            value = ((limit - cache) - length) / cache
        else:
            value = -1.0
        return Score(value, reason=f"length {length} {unit} (limit {limit}, cache {cache})",
                     details={"length": length, "unit": unit})


class CosineLengthParams(LengthParams):
    verifier: Any = Field("math", description="recipe node that decides correctness (value >= 0.5 is correct)")
    max_length: int = Field(1000, gt=0, description="length at which the cosine schedule ends")
    min_value_correct: float = Field(0.5, description="reward of a correct answer at max_length")
    max_value_correct: float = Field(1.0, description="reward of a correct answer of length 0")
    min_value_wrong: float = Field(-0.5, description="reward of a wrong answer of length 0")
    max_value_wrong: float = Field(0.0, description="reward of a wrong answer at max_length")


class CosineLength(_LengthScorer):
    """Length-scaled correctness (TRL / open-r1 cosine reward): short correct answers earn most, long wrong
    answers are penalised least, so the model may think longer when it is unsure. Clamped to the ranges."""

    name = "cosine_length"
    description = "Cosine length-scaled correctness: short right answers best, long wrong ones least penalised."
    Params = CosineLengthParams
    examples = (
        {"params": {"verifier": "exact_match", "max_length": 100},
         "sample": {"completion": "<answer>14</answer>", "answer": "14"}, "value": 0.9567701435686404},
        {"params": {"verifier": "exact_match", "max_length": 100},
         "sample": {"completion": "<answer>20</answer>", "answer": "14"}, "value": -0.45677014356864043},
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name=name, **params)
        from rewardkit.recipe import build  # recipe imports the registry, which lists this module

        self._verifier = build(self.params.verifier)
        self.required_fields = tuple(self._verifier.all_required_fields())

    def _score(self, sample: Sample) -> Score:
        verdict = self._verifier.score(sample)
        if verdict.value is None:
            return Score(None, verdict.status, reason=f"verifier: {verdict.reason}")
        correct = verdict.value >= 0.5
        length, unit = self.completion_length(sample)
        p = self.params
        progress = min(length / p.max_length, 1.0)
        cosine = math.cos(progress * math.pi)
        low, high = (p.min_value_correct, p.max_value_correct) if correct else (p.max_value_wrong, p.min_value_wrong)
        value = low + 0.5 * (high - low) * (1.0 + cosine)
        value = min(max(value, min(low, high)), max(low, high))
        seen = {k: verdict.details[k] for k in ("extracted", "source") if k in (verdict.details or {})}
        return Score(value, reason=f"{'correct' if correct else 'wrong'}, length {length} {unit}",
                     details={"length": length, "unit": unit, "correct": correct, **seen})


class RepetitionParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ngram_size: int = Field(3, ge=1, description="n of the n-grams compared")
    max_penalty: float = Field(-1.0, le=0, description="penalty when every n-gram repeats")
    region: Literal["all", "think", "answer"] = Field("all", description="part of the completion to check")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F)


def units(text: str) -> list[str]:
    """Words of `text`, lower-cased, with each CJK character (Han, Kana) as a word of its own."""
    out: list[str] = []
    for word in text.lower().split():
        if not any(_is_cjk(ch) for ch in word):
            out.append(word)
            continue
        buffer = ""
        for ch in word:
            if _is_cjk(ch):
                if buffer:
                    out.append(buffer)
                    buffer = ""
                out.append(ch)
            else:
                buffer += ch
        if buffer:
            out.append(buffer)
    return out


class Repetition(Scorer):
    """N-gram repetition penalty: max_penalty * (1 - distinct n-grams / all n-grams); 0 for short texts."""

    name = "repetition"
    description = "N-gram repetition penalty (words; CJK per character): 0 for no repeats down to max_penalty."
    Params = RepetitionParams
    is_penalty = True
    examples = (
        {"sample": {"completion": "the cat sat on the mat"}, "value": 0.0},
        {"params": {"ngram_size": 2}, "sample": {"completion": "a b a b a b"}, "value": -0.6},
    )

    def _score(self, sample: Sample) -> Score:
        words = units(region(sample.completion_text, self.params.region))
        n = self.params.ngram_size
        if len(words) < n:
            return Score(0.0, reason=f"fewer than {n} words")
        grams = [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
        distinct = len(set(grams))
        value = self.params.max_penalty * (1.0 - distinct / len(grams))
        return Score(value + 0.0, Status.OK, reason=f"{distinct}/{len(grams)} distinct {n}-grams")
