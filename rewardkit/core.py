"""The core contract every part of rewardkit shares: Sample (a row to score), Score (the verdict) and Scorer.

A scorer never raises on model output: whatever the completion holds, `score` returns a Score. Bad
configuration raises `ConfigError` when the scorer is built. `value=None` means "not scored" (not
applicable, could not decide, infrastructure down) and trainers must skip it; it is never read as 0.
"""

from __future__ import annotations

import difflib
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from rewardkit.errors import ConfigError, InputError

CANONICAL_FIELDS = ("prompt", "completion", "answer")


class Status(str, Enum):
    """Why a Score has the value it has. Only `ok` and `timeout` may carry a value."""

    OK = "ok"
    NOT_APPLICABLE = "not_applicable"  # the scorer does not apply to this sample (e.g. nothing countable)
    INVALID_INPUT = "invalid_input"  # the reference / test data is unusable, not the completion
    TIMEOUT = "timeout"  # the work did not finish in its bound; value is the scorer's documented penalty or None
    ERROR = "error"  # a bug or an unexpected exception inside the scorer
    INFRA_ERROR = "infra_error"  # sandbox, server or model unavailable: never a reward of 0

    def __str__(self) -> str:
        return self.value


# Statuses whose None value a combiner skips, as TRL skips a None reward; any other None propagates. A required
# field missing from the row is the exception: see `Score.missing_fields` and rewardkit.recipe.
SKIPPABLE = frozenset({Status.NOT_APPLICABLE, Status.INVALID_INPUT})

DEFAULT_MAX_CHARS = 1_000_000  # Scorer.max_chars: far above any RL completion, far below a runaway one

# A required-field entry: a field name, or a tuple of alternative names of which the row needs one.
FieldSpec = str | tuple[str, ...]


@dataclass(slots=True)
class Score:
    """One verdict. `components` maps every leaf scorer that contributed (by name or alias) to its value."""

    value: float | None
    status: Status = Status.OK
    components: dict[str, float | None] = field(default_factory=dict)
    reason: str = ""
    details: dict[str, Any] | None = None  # scorer-specific evidence (per-test results, extracted answer, ...)

    @classmethod
    def skip(cls, reason: str, status: Status = Status.NOT_APPLICABLE) -> Score:
        return cls(None, status, reason=reason)

    @property
    def missing_fields(self) -> list[str]:
        """The required row fields whose absence made this score None (empty for any other verdict)."""
        if self.status is not Status.INVALID_INPUT or not self.details:
            return []
        return list(self.details.get("missing_fields", ()))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "status": self.status.value,
                               "components": dict(self.components), "reason": self.reason}
        if self.details:
            out["details"] = self.details
        return out


def message_text(content: Any) -> str:
    """Text of a chat message `content`: a string, or OpenAI-style parts `[{"type": "text", "text": ...}]`."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence) and not isinstance(content, (bytes, bytearray)):
        return "".join(_part_text(p.get("text")) if isinstance(p, Mapping) else _part_text(p) for p in content)
    if isinstance(content, Mapping) and "content" in content:  # one message instead of a list of them
        return message_text(content["content"])
    return "" if content is None else str(content)


def _part_text(text: Any) -> str:
    """A content part's text; parts without text (`{"type": "text", "text": null}`, images) give ''."""
    return text if isinstance(text, str) else "" if text is None else str(text)


def _is_messages(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str) and all(isinstance(m, Mapping) for m in value)


def last_turn_text(messages: Sequence[Mapping[str, Any]], role: str) -> str:
    """Text of the last message with `role`, else of the last message, else ''."""
    for message in reversed(messages):
        if message.get("role") == role:
            return message_text(message.get("content"))
    return message_text(messages[-1].get("content")) if messages else ""


def parse_mapping(spec: Mapping[str, str] | Iterable[str] | str | None, where: str = "--map") -> dict[str, str]:
    """A column mapping `{canonical: column}` from what a user gives: `["answer=solution", ...]` (repeated
    `--map`), `"answer=solution,prompt=question"`, or a dict. One parser for the CLI, TRL, verl and serve."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        items = [(k, v) for k, v in spec.items()]
    else:
        parts = spec.split(",") if isinstance(spec, str) else list(spec)
        items = []
        for part in parts:
            canon, sep, column = str(part).partition("=")
            if not sep:
                raise ConfigError(f"expected CANONICAL=COLUMN, got {part!r}", where)
            items.append((canon, column))
    mapping: dict[str, str] = {}
    for canon, column in items:
        if not isinstance(canon, str) or not isinstance(column, str) or not canon.strip() or not column.strip():
            raise ConfigError(f"expected CANONICAL=COLUMN with two names, got {canon!r}={column!r}", where)
        if canon.strip() in mapping:
            raise ConfigError(f"{canon.strip()!r} is mapped twice", where)
        mapping[canon.strip()] = column.strip()
    return mapping


def apply_mapping(row: Mapping[str, Any], mapping: Mapping[str, str] | None) -> Mapping[str, Any]:
    """The row with each canonical field read from its mapped column (columns the row lacks are left alone)."""
    if not mapping:
        return row
    return {**row, **{canon: row[column] for canon, column in mapping.items() if column in row}}


@dataclass(slots=True)
class Sample:
    """One row to score. Fields other than prompt/completion/answer live in `extra` and stay reachable."""

    completion: str | list[dict[str, Any]] = ""
    prompt: str | list[dict[str, Any]] | None = None
    answer: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, row: Mapping[str, Any], mapping: Mapping[str, str] | None = None) -> Sample:
        """Build a Sample from a dataset row. `mapping` renames fields: {"answer": "solution"} reads `solution`."""
        if not isinstance(row, Mapping):
            raise InputError(f"a row must be a JSON object, got {type(row).__name__}")
        row = apply_mapping(row, mapping)
        if "completion" not in row:
            raise InputError("row has no 'completion' field (use --map completion=FIELD to name another one)")
        extra = {k: v for k, v in row.items() if k not in CANONICAL_FIELDS}
        return cls(completion=row["completion"], prompt=row.get("prompt"), answer=row.get("answer"), extra=extra)

    @property
    def completion_text(self) -> str:
        """The text to score: the completion, or the last assistant turn of a chat completion."""
        if isinstance(self.completion, str):
            return self.completion
        if _is_messages(self.completion):
            return last_turn_text(self.completion, "assistant")
        return message_text(self.completion)

    @property
    def prompt_text(self) -> str:
        """The prompt as text: a string prompt, or the last user turn of a chat prompt."""
        if isinstance(self.prompt, str):
            return self.prompt
        if _is_messages(self.prompt):
            return last_turn_text(self.prompt, "user")
        return message_text(self.prompt)

    def get(self, key: str, default: Any = None) -> Any:
        """A canonical field or an extra field of the row."""
        if key in CANONICAL_FIELDS:
            value = getattr(self, key)
            return default if value is None else value
        return self.extra.get(key, default)

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def to_dict(self) -> dict[str, Any]:
        return {**self.extra, "prompt": self.prompt, "completion": self.completion, "answer": self.answer}


def _field_label(spec: FieldSpec) -> str:
    return spec if isinstance(spec, str) else " or ".join(spec)


def lacking(sample: Sample, specs: Iterable[FieldSpec]) -> list[str]:
    """The entries of `specs` the sample does not have, as readable labels. None and a blank string count as
    absent: a blank gold answer is no gold answer (it must not leave a recipe scored on its other parts)."""
    return [_field_label(spec) for spec in specs
            if not any(_present(sample.get(name)) for name in ((spec,) if isinstance(spec, str) else spec))]


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def as_sample(sample: Sample | Mapping[str, Any]) -> Sample:
    return sample if isinstance(sample, Sample) else Sample.from_dict(sample)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def config_error_from(exc: ValidationError, model: type[BaseModel], path: str = "") -> ConfigError:
    """Turn pydantic's error into one ConfigError naming the first bad key, with a suggestion for typos."""
    err = exc.errors()[0]
    key = ".".join(str(part) for part in err["loc"])
    where = f"{path}.{key}" if path and key else (path or key)
    if err["type"] == "extra_forbidden":
        known = [info.alias or key for key, info in model.model_fields.items()]
        close = difflib.get_close_matches(str(err["loc"][0]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return ConfigError(f"unknown parameter{hint} (known: {', '.join(known) or 'none'})", where)
    return ConfigError(f"{err['msg']} (got {err.get('input')!r})", where)


def _component(value: Any) -> float | None:
    """A component value as the output carries it: a finite float, or None (NaN, inf, non-numbers)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _type_name(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return " | ".join(repr(choice) for choice in get_args(annotation))
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


class Scorer(ABC):
    """Base class of every scorer. What a subclass must do:

    - set `name` (the registry name, stable: recipes and logs use it) and `description` (one line);
    - declare its parameters as a frozen pydantic `Params` model (unknown keys are rejected at build time);
    - implement `_score(sample) -> Score`; batch-capable scorers may also override `_score_batch`;
    - never raise on any completion text: return a Score with a status instead (the base class still turns
      an unexpected exception into status `error` with value None, never into 0);
    - return a finite value, or None with a non-ok status; values of 0 mean "judged and wrong";
    - declare `value_range` (e.g. `(0.0, 1.0)`), on the instance in `__init__` when it depends on the
      parameters; `check_scorer` verifies every value lies inside it;
    - declare the row fields it cannot score without in `required_fields` (e.g. `("answer",)`; an entry may be
      a tuple of alternatives); the base class answers a row without them with None / `invalid_input` naming
      the field, before `_score` runs, so `_score` may assume they are present. Set it on the instance in
      `__init__` when it depends on the parameters;
    - stay picklable: list lazily loaded, unpicklable attributes (models, pools) in `_transient`;
    - be deterministic for a given sample and parameters;
    - give at least one entry in `examples` ({"params", "sample", "value"}); `check_scorer` verifies them.
    """

    name: str = ""
    description: str = ""
    Params: ClassVar[type[BaseModel]] = NoParams
    required_fields: tuple[FieldSpec, ...] = ()  # row fields without which this scorer gives invalid_input
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()
    # Bounds of every value this scorer can give (timeout values included), used by combiners: `product` refuses
    # a factor that can be negative. Unknown (the default) counts as unbounded.
    value_range: tuple[float, float] = (-math.inf, math.inf)
    is_penalty: ClassVar[bool] = False  # values <= 0 that only punish; an empty completion may score the maximum
    # Longest completion (characters) scored; a longer one is None / invalid_input before `_score` runs, so one
    # runaway row cannot take minutes and gigabytes (language_consistency: 80 s and 3.3 GB for 50 MB). Set per
    # recipe node with `max_chars:` (null lifts the cap).
    max_chars: int | None = DEFAULT_MAX_CHARS
    _transient: ClassVar[tuple[str, ...]] = ()

    def __init__(self, name: str | None = None, **params: Any) -> None:
        try:
            self.params = self.Params(**params)
        except ValidationError as exc:
            raise config_error_from(exc, self.Params) from None
        self.name = name or type(self).name
        for attr in self._transient:
            setattr(self, attr, None)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for attr in self._transient:
            state[attr] = None
        return state

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.model_dump().items())
        return f"{type(self).__name__}(name={self.name!r}{', ' if params else ''}{params})"

    @abstractmethod
    def _score(self, sample: Sample) -> Score:
        """Score one sample. May assume `sample` is a Sample; must not raise on any completion text."""

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        return [self._guarded(s) for s in samples]

    def score(self, sample: Sample | Mapping[str, Any]) -> Score:
        """Score one sample (a Sample or a row dict)."""
        return self._guarded(as_sample(sample))

    def score_batch(self, samples: Iterable[Sample | Mapping[str, Any]]) -> list[Score]:
        """Score many samples; batch-capable scorers amortise model calls or process pools here."""
        batch = [as_sample(s) for s in samples]
        if type(self)._score_batch is Scorer._score_batch:  # no batch override: guarded one by one, finished once
            return [self._guarded(s) for s in batch]
        if not self.required_fields and self.max_chars is None:
            return self._batch(batch)
        results = [self._unscorable(s) for s in batch]  # missing fields and over-long completions, as one by one
        scored = iter(self._batch([s for s, r in zip(batch, results, strict=True) if r is None]))
        return [next(scored) if r is None else r for r in results]

    def _batch(self, batch: list[Sample]) -> list[Score]:
        """`_score_batch` over samples that have their required fields, guarded and finished."""
        try:
            scores = self._score_batch(batch) if batch else []
            if len(scores) != len(batch):  # rows would shift onto other samples' scores downstream
                raise ValueError(f"_score_batch returned {len(scores)} scores for {len(batch)} samples")
        except Exception:  # noqa: BLE001 - a failed batch falls back to per-sample scoring, which is guarded
            scores = [self._guarded(s) for s in batch]
        return [self._finish(s) for s in scores]

    def collect_stats(self) -> dict[str, float]:
        """Counters accumulated since the last call (cache hits, calls, tokens, seconds ...), then reset.
        Batch runners sum them over workers into the run summary. Default: none."""
        return {}

    # The recipe tree's walks. A leaf answers for itself; rewardkit.recipe.Combination overrides each one, so
    # callers (batch, trainers, server) never walk the tree by hand.

    def leaves(self) -> list[Scorer]:
        """Leaf scorers of this (possibly composite) scorer, in recipe order."""
        return [self]

    def reported(self) -> list[Scorer]:
        """Every scorer that reports a value in `Score.components`: the leaves and the named combiners."""
        return [self]

    def component_names(self) -> list[str]:
        """The keys of this scorer's `Score.components`, in order (one column each in logs and outputs)."""
        return [s.name for s in self.reported()]

    def spec(self) -> dict[str, Any]:
        """The whole scoring job as plain data (class, alias, every parameter): equal specs score alike."""
        return {"use": f"{type(self).__module__}:{type(self).__qualname__}", "name": self.name,
                "params": self.params.model_dump(mode="json")}

    def sum_terms(self) -> list[tuple[Scorer, float]]:
        """(component, weight) pairs whose weighted sum is this scorer's value, for trainers that take one
        reward function per component (TRL); `[(self, 1.0)]` when the value is not such a sum."""
        return [(self, 1.0)]

    def combine_terms(self, scores: Sequence[Score]) -> Score:
        """This scorer's Score from the already computed scores of its `sum_terms()`."""
        return scores[0]

    def all_required_fields(self) -> set[FieldSpec]:
        """Every required-field entry of every leaf (optional components included)."""
        return {f for leaf in self.leaves() for f in leaf.required_fields}

    def needed_fields(self) -> tuple[FieldSpec, ...]:
        """The required-field entries without which this scorer's value is None (a combiner: those of its
        non-optional components)."""
        return self.required_fields

    def missing_fields(self, sample: Sample) -> list[str]:
        """The entries of `needed_fields()` that `sample` lacks: the one check behind `invalid_input` for a
        missing field (and behind the bad-line report of `rewardkit score`)."""
        needed = self.needed_fields()
        return lacking(sample, needed) if needed else []

    def _unscorable(self, sample: Sample) -> Score | None:
        """The verdict of a sample that exceeds `max_chars` or lacks a required field, else None."""
        if self.max_chars is not None and sample.completion is not None:
            size = len(sample.completion_text)
            if size > self.max_chars:
                return self._over_cap(size)
        if not self.required_fields:
            return None
        missing = lacking(sample, self.required_fields)
        if not missing:
            return None
        named = ", ".join(f"'{f}'" for f in missing)
        first = missing[0].split(" or ")[0]
        return Score(None, Status.INVALID_INPUT, {self.name: None},
                     f"{self.name}: the row has no {named} (required; to read it from another column, "
                     f"map it: --map {first}=COLUMN)", {"missing_fields": missing})

    def _over_cap(self, size: int) -> Score:
        """A runaway completion is model output, not bad data: it gets the scorer's lowest value (a policy must
        not escape a penalty by writing more); a scorer without a finite lowest value gives None."""
        reason = (f"{self.name}: the completion has {size:,} characters, over max_chars={self.max_chars:,} "
                  "(raise it with max_chars: in the recipe node)")
        lowest = self.value_range[0]
        if math.isfinite(lowest):
            return Score(lowest, Status.OK, {self.name: lowest}, reason, {"over_max_chars": size})
        return Score(None, Status.INVALID_INPUT, {self.name: None}, reason, {"over_max_chars": size})

    def _guarded(self, sample: Sample) -> Score:
        checks = self.required_fields or self.max_chars is not None
        if checks and (unscorable := self._unscorable(sample)) is not None:
            return unscorable
        try:
            return self._finish(self._score(sample))
        except Exception as exc:  # noqa: BLE001 - the contract: model output never becomes an exception
            return Score(None, Status.ERROR, {self.name: None}, f"{type(exc).__name__}: {exc}"[:500])

    def _finish(self, score: Score) -> Score:
        """Enforce the invariants: finite float or None, status consistent, own component present."""
        value = score.value
        if value is not None:
            value = float(value)
            if not math.isfinite(value):
                return Score(None, Status.ERROR, {self.name: None}, f"scorer produced non-finite value {value}")
            if score.status not in (Status.OK, Status.TIMEOUT):
                value = None
        elif score.status is Status.OK:
            score.status = Status.NOT_APPLICABLE
        score.value = value
        if not score.components:
            score.components = {self.name: value}
        elif not all(v is None or (type(v) is float and math.isfinite(v)) for v in score.components.values()):
            score.components = {k: _component(v) for k, v in score.components.items()}
        return score

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Name, one-line description and parameters (type, default, help) for `rewardkit list`."""
        params = {}
        for key, info in cls.Params.model_fields.items():
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            annotation = _type_name(info.annotation)
            params[info.alias or key] = {"type": annotation, "default": default, "required": info.is_required(),
                           "help": info.description or ""}
        return {"name": cls.name, "description": cls.description, "params": params}
