"""`language_consistency`: DeepSeek-R1's language-consistency reward, the share of the chain of thought
written in the target language.

    reward = rewardkit.build([{"use": "math"}, {"use": "language_consistency", "weight": 0.2, "target": "auto"}])

Target language, in order of precedence: the recipe parameter `target` (a code or alias); else the row's
`language` field; else, with `target: auto`, the language of the prompt. What is counted and how each run
gets its language: `text.py` and `ratio.py`; the user guide: docs/language.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.extract import region
from rewardkit.normalize import fold_confusables, strip_invisible
from rewardkit.scorers.language.codes import normalize, same_language
from rewardkit.scorers.language.detect import Candidates, DetectorUnavailable, check_detector, get_detector
from rewardkit.scorers.language.ratio import Rules, Tally, dominant_language, tally

_ZH_DRIFT = "<think>先算乘法，三乘四等于十二。Then we add two to get fourteen.</think><answer>14</answer>"


class LanguageConsistencyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    target: str | None = Field(
        None, description="target language: ISO 639-1 code or alias (zh, zh-CN, english, Deutsch); 'auto': the "
        "row's language field, else the prompt's language; unset: the row's language field")
    language_field: str = Field("language", description="row field naming the target language")
    mode: Literal["ratio", "threshold"] = Field(
        "ratio", description="ratio: the share of target-language units (R1); threshold: 1 if the share >= "
        "threshold, else 0")
    threshold: float = Field(0.9, ge=0.0, le=1.0, description="share needed for 1 in threshold mode")
    region: Literal["think", "answer", "all"] = Field(
        "think", description="part of the completion judged: the <think> block (text before </think> when the "
        "prompt opened it), the answer, or the whole completion")
    empty_value: float | None = Field(
        None, ge=0.0, le=1.0, description="value when the region holds text but nothing countable (only math, "
        "code, numbers or fragments): None skips the row (not_applicable); an empty region is always skipped")
    cjk_weight: float = Field(1.0, gt=0.0, le=10.0, description="units per Han or Kana character (a word of "
                              "other scripts is 1; ~0.6 approximates Chinese words)")
    min_words: int = Field(3, ge=1, le=100, description="a Latin/Cyrillic/... run shorter than this is not judged "
                           "alone (inherits a neighbouring sentence's label or is skipped)")
    min_confidence: float = Field(0.3, ge=0.0, le=1.0, description="detector confidence below which a run is "
                                  "treated like a short run")
    target_bias: float = Field(4.0, ge=1.0, le=100.0, description="the target's detector confidence counts this "
                               "many times: a run counts against the target only if another language is clearly "
                               "preferred (fastText hesitates between close languages on short sentences)")
    detector: str = Field("fasttext", description="language detector for shared scripts: fasttext (lid.176, "
                          "offline) or lingua (if installed) or one added with register_detector")

    @field_validator("target")
    @classmethod
    def _known_target(cls, value: str | None) -> str | None:
        if value is None or value == "auto":
            return value
        code = normalize(value)
        if code is None:
            raise ValueError(f"unknown language {value!r}: use an ISO 639-1 code (en, zh, es, ...), a common alias "
                             "(zh-CN, english) or 'auto'")
        return code

    @field_validator("detector")
    @classmethod
    def _known_detector(cls, value: str) -> str:
        problem = check_detector(value)
        if problem:
            raise ValueError(problem)
        return value


class LanguageConsistency(Scorer):
    """Share (0..1) of the countable words of the reasoning that are in the target language (R1's reward)."""

    name = "language_consistency"
    description = "R1 language consistency: share of the CoT's words in the target language (0..1)."
    Params = LanguageConsistencyParams
    value_range = (0.0, 1.0)
    _transient = ("_detector",)
    examples = (
        {"params": {"target": "en"}, "value": 1.0, "sample": {
            "completion": "<think>Multiplication comes first, so 3 * 4 = 12 and 2 + 12 = 14.</think>"
                          "<answer>14</answer>"}},
        # 11 Han characters, then a 7-word English sentence: 11 / 18.
        {"params": {"target": "zh"}, "value": 11 / 18, "sample": {"completion": _ZH_DRIFT}},
        {"params": {"target": "zh", "mode": "threshold", "threshold": 0.5}, "value": 1.0,
         "sample": {"completion": _ZH_DRIFT}},
        {"params": {"target": "auto"}, "value": 1.0, "sample": {
            "prompt": "¿Cuánto es 2 + 3 * 4?", "completion": "<think>Primero multiplicamos: 3 * 4 = 12. Luego "
                                                           "sumamos 2 y obtenemos 14.</think><answer>14</answer>"}},
        {"value": 0.0, "sample": {"language": "de", "completion": "<think>First multiply, then add the two."
                                                                  "</think><answer>14</answer>"}},
        {"params": {"target": "en"}, "value": None, "sample": {
            "completion": "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>"}},
    )

    def __init__(self, name: str | None = None, **params: object) -> None:
        super().__init__(name=name, **params)
        p = self.params
        self._rules = Rules(p.cjk_weight, p.min_words, p.min_confidence, p.target_bias)
        if p.target is None:  # no target in the recipe: the row must name it
            self.required_fields = (p.language_field,)

    def _detect(self, texts: Sequence[str]) -> list[Candidates]:
        if self._detector is None:
            self._detector = get_detector(self.params.detector)
        return self._detector.detect(texts)

    def _score(self, sample: Sample) -> Score:
        p = self.params
        # The shared normaliser: invisible characters out, Latin look-alikes posing as Greek/Cyrillic folded.
        text = fold_confusables(strip_invisible(region(sample.completion_text, p.region)), disguised_text=True)
        if not text.strip():
            return Score.skip(f"the {p.region} region is empty")
        try:
            target, origin = self._target(sample)
            if target is None:
                return Score.skip(origin, Status.INVALID_INPUT)
            counts = tally(text, target, self._detect, self._rules)
        except DetectorUnavailable as exc:
            return Score(None, Status.INFRA_ERROR, reason=str(exc)[:500])
        details = {"target": target, "target_from": origin, "units": {k: round(v, 3) for k, v in
                                                                      counts.units.items()},
                   "skipped_runs": counts.skipped_runs}
        ratio = counts.ratio
        if ratio is None:
            reason = f"nothing countable in the {p.region} region (math, code, numbers or short fragments only)"
            if p.empty_value is None:
                return Score(None, Status.NOT_APPLICABLE, reason=reason, details=details)
            return Score(p.empty_value, reason=reason, details=details)
        value = ratio if p.mode == "ratio" else float(ratio >= p.threshold)
        return Score(value, reason=_reason(counts, ratio), details=details)

    def _target(self, sample: Sample) -> tuple[str | None, str]:
        """(target code, where it came from), or (None, why there is none)."""
        p = self.params
        if p.target not in (None, "auto"):
            return p.target, "recipe"
        raw = sample.get(p.language_field)
        if raw is not None:
            code = normalize(raw) if isinstance(raw, str) else None
            if code is None:
                return None, f"unknown language {str(raw)[:40]!r} in field '{p.language_field}'"
            return code, f"field '{p.language_field}'"
        if p.target == "auto":
            code = dominant_language(sample.prompt_text, self._detect)
            return (code, "prompt") if code else (None, "cannot tell the prompt's language (no words)")
        return None, f"no target language: set `target` or give the row a '{p.language_field}' field"


def _reason(counts: Tally, ratio: float) -> str:
    others = sorted(((n, label) for label, n in counts.units.items()
                     if n and not same_language(label, counts.target)), reverse=True)
    other_text = ", ".join(f"{label} {n:g}" for n, label in others[:4])
    return f"{ratio:.1%} of {counts.total:g} units in {counts.target}" + (f" (other: {other_text})" if others else "")
