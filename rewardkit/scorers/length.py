"""Length and repetition shaping: DAPO's soft overlong penalty, length-scaled (cosine) correctness and an
n-gram repetition penalty.

Length is in tokens when the sample has `completion_ids` or a `tokenizer` is configured (a local Hugging
Face tokenizer name or path, loaded lazily and offline). Otherwise it falls back to *script-weighted
characters* (docs/recipes.md, "Length units"): one unit per character of ASCII and of the scripts tokenizers
merge (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic, Thai, Han, Kana, Hangul, common and CJK
punctuation, fullwidth forms); every other character counts its UTF-8 byte length, since byte-level tokenizers
spend up to one token per byte where they have no merges. So 80 emoji (4 bytes each) are 320 units, and
invisible characters (3 bytes) are not free either. Each Score says the unit in its reason and `details`, and
`collect_stats()` counts rows per unit, so the `rewardkit score` summary shows when characters were used.
"""

from __future__ import annotations

import math
import threading
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.extract import region
from rewardkit.normalize import canonical

Unit = Literal["auto", "tokens", "chars", "bytes"]

# Characters that cost more than one unit: everything outside the Basic Multilingual Plane, and BMP characters
# outside the scripts and punctuation blocks that tokenizers have merges for.
_CHEAP = (r"\x00-\x7f\p{Latin}\p{Greek}\p{Cyrillic}\p{Armenian}\p{Hebrew}\p{Arabic}\p{Devanagari}\p{Bengali}"
          r"\p{Gurmukhi}\p{Gujarati}\p{Tamil}\p{Telugu}\p{Kannada}\p{Malayalam}\p{Thai}\p{Georgian}\p{Hangul}"
          r"\p{Han}\p{Hiragana}\p{Katakana}\u00a0-\u00bf\u2010-\u2027\u2030-\u205e\u3000-\u303f\uff00-\uffef")
_COSTLY = regex.compile(rf"[\U00010000-\U0010ffff]|[^{_CHEAP}]")


def char_units(text: str) -> int:
    """Length of `text` in script-weighted characters (see the module doc): never below the character count."""
    return len(text) + sum(len(ch.encode("utf-8", "surrogatepass")) - 1 for ch in _COSTLY.findall(text))


_COUNT_LOCK = threading.Lock()  # guards the per-unit row counters (threaded batch runners share a scorer)


class LengthParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    unit: Unit = Field("auto", description="auto: tokens if the sample has `completion_ids` or a tokenizer is "
                       "set, else script-weighted characters; chars: always those; bytes: UTF-8 bytes")
    tokenizer: str | None = Field(None, description="Hugging Face tokenizer name (from the local cache) or path, "
                                  "loaded lazily and offline (needs transformers)")


def _load_tokenizer(path: str) -> Any:
    from transformers import AutoTokenizer  # optional dependency, loaded only when a tokenizer is configured

    return AutoTokenizer.from_pretrained(path, local_files_only=True)


class _LengthScorer(Scorer):
    """Shared length measurement; the tokenizer is loaded lazily once per process and not pickled. Rows are
    counted per unit for the run summary (`collect_stats`)."""

    _transient = ("_tokenizer", "_units_seen")

    def completion_length(self, sample: Sample) -> tuple[int, str]:
        unit = self.params.unit
        ids = sample.get("completion_ids")
        if unit in ("auto", "tokens") and isinstance(ids, (list, tuple)):
            return self._seen(len(ids), "tokens")
        if unit in ("auto", "tokens") and self.params.tokenizer:
            if self._tokenizer is None:
                self._tokenizer = _load_tokenizer(self.params.tokenizer)
            ids = self._tokenizer(sample.completion_text, add_special_tokens=False)["input_ids"]
            return self._seen(len(ids), "tokens")
        if unit == "tokens":
            raise ValueError("unit=tokens needs `completion_ids` in the sample or a `tokenizer` parameter")
        if unit == "bytes":
            return self._seen(len(sample.completion_text.encode("utf-8", "surrogatepass")), "bytes")
        return self._seen(char_units(sample.completion_text), "chars")

    def _seen(self, length: int, unit: str) -> tuple[int, str]:
        with _COUNT_LOCK:
            if self._units_seen is None:
                self._units_seen = {}
            key = f"rows_in_{unit}"
            self._units_seen[key] = self._units_seen.get(key, 0) + 1
        return length, unit

    def collect_stats(self) -> dict[str, float]:
        """rows_in_tokens / rows_in_chars / rows_in_bytes since the last call: which unit lengths were in."""
        with _COUNT_LOCK:
            seen, self._units_seen = self._units_seen or {}, None
        return seen


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
    value_range = (-1.0, 0.0)
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
        p = self.params
        ends = (p.min_value_correct, p.max_value_correct, p.min_value_wrong, p.max_value_wrong)
        self.value_range = (min(ends), max(ends))

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
    template_ngram: int = Field(12, ge=0, description="n of a second pass with every number replaced by one "
                                "placeholder, which catches loops that change only a counter (0: off)")
    max_penalty: float = Field(-1.0, le=0, description="penalty when every n-gram repeats")
    region: Literal["all", "think", "answer"] = Field("all", description="part of the completion to check")


# Markup tags whole, a character of a script written without spaces, else a whitespace-free run (as in the
# usual word-level penalty, so `$3` and `12$,` stay single units and honest math is not split into symbols).
_PER_CHAR = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
_TAG = r"</?[a-z][\w-]{0,30}>"
_UNIT = regex.compile(rf"{_TAG}|[{_PER_CHAR}]|(?:(?!{_TAG})[^\s{_PER_CHAR}])+")
_DIGITS = regex.compile(r"\d+")
LONG_RUN = 20  # a run longer than this is cut into CHUNK-character pieces
CHUNK = 3
NUMBER = "0"


def units(text: str) -> list[str]:
    """The units repetition compares, from the normalised text (invisible characters out, NFKC, case-folded):
    a markup tag (`<think>`) whole; Han, Kana, Thai, Lao, Khmer, Myanmar and Tibetan per character; otherwise
    whitespace-free runs, cut into CHUNK-character pieces past LONG_RUN (`"!" * 3000`, `"14" * 1500`, or
    words glued by zero-width characters are loops too)."""
    out: list[str] = []
    for token in canonical(text).casefold().split():
        # plain ASCII words (most tokens) skip the regex
        for piece in (token,) if token.isascii() and "<" not in token else _UNIT.findall(token):
            if len(piece) > LONG_RUN:
                out += [piece[i:i + CHUNK] for i in range(0, len(piece), CHUNK)]
            else:
                out.append(piece)
    return out


def _repeated_share(seq: list[str], n: int) -> float:
    """Share of the n-grams of `seq` that repeat an earlier one (0 for sequences shorter than n)."""
    if len(seq) < n:
        return 0.0
    grams = [tuple(seq[i:i + n]) for i in range(len(seq) - n + 1)]
    return 1.0 - len(set(grams)) / len(grams)


class Repetition(Scorer):
    """N-gram repetition penalty: max_penalty * (share of repeated n-grams), the larger of two passes: the
    units as written, and with numbers masked over `template_ngram`-grams (a counter loop); 0 for short texts."""

    name = "repetition"
    description = "N-gram repetition penalty (words; CJK/Thai per character; long runs chunked): 0 to max_penalty."
    Params = RepetitionParams
    is_penalty = True
    examples = (
        {"sample": {"completion": "the cat sat on the mat"}, "value": 0.0},
        {"params": {"ngram_size": 2}, "sample": {"completion": "a b a b a b"}, "value": -0.6},
        {"sample": {"completion": "!" * 30}, "value": -(1 - 1 / 8)},  # 10 pieces "!!!", 8 trigrams, 1 distinct
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name=name, **params)
        self.value_range = (self.params.max_penalty, 0.0)

    def _score(self, sample: Sample) -> Score:
        p = self.params
        words = units(region(sample.completion_text, p.region))
        if len(words) < p.ngram_size:
            return Score(0.0, reason=f"fewer than {p.ngram_size} units")
        plain = _repeated_share(words, p.ngram_size)
        template = 0.0
        if p.template_ngram:
            masked = [w if w.isalpha() else _DIGITS.sub(NUMBER, w) for w in words]
            if masked != words:  # no number, no counter loop (and the same n-grams as the plain pass)
                template = _repeated_share(masked, p.template_ngram)
        value = p.max_penalty * max(plain, template)
        how = f"{plain:.0%} of {p.ngram_size}-grams repeat"
        if template > plain:
            how = f"{template:.0%} of {p.template_ngram}-grams repeat with numbers masked (a counter loop)"
        return Score(value + 0.0, Status.OK, reason=how, details={"units": len(words)})
