"""The `tool_call` scorer: the calls of the reply against the row's expected calls (BFCL-style matching).

The expected calls are the row's `tool_calls` (else its `answer`, when that holds calls); the tools, when the
row has `tools`, give each function's JSON Schema. One reply is judged in three steps: parse its calls
(`parse`), pair them with the expected ones (`match.pair_calls`, in order or not), judge each pair
(`match.judge_call`). BFCL's categories all fall out of that: simple (one call), multiple (one call, the right
one of several tools), parallel (several calls of one function, any order), parallel-multiple, and
irrelevance (the expected list is empty: making no call scores 1, any call 0).

Credit (`credit`): `all` (default) is BFCL's verdict, 1 only when every call is right and there is no extra
or missing call; `call` gives the share of right calls; `argument` also gives part marks inside a call. The
denominator is the larger of the expected and the made calls, so extra calls cost as much as missing ones.
A call to a tool the row does not offer, a failed call (malformed JSON, duplicate keys) and arguments outside
the schema each make that call 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.scorers.tools import match, strict_json
from rewardkit.scorers.tools.parse import FORMATS, MAX_CALLS, Format, Limits, Parsed, ToolCall, calls_from_completion
from rewardkit.scorers.tools.schema import SchemaProblem, tool_schemas

Credit = Literal["all", "call", "argument"]


class CallParams(BaseModel):
    """How calls are read and judged; shared by `tool_call` and the trajectory's `tool_plan`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    credit: Credit = Field("all", description="all: 1 only if every call is right (BFCL); call: share of right "
                           "calls; argument: part marks per argument inside a call")
    ordered: bool = Field(False, description="calls must come in the expected order (parallel calls need not)")
    strings: match.Strings = Field("casefold", description="string arguments: exact; casefold (NFKC, case and "
                                   "whitespace runs ignored); loose (also punctuation and spaces, as BFCL)")
    number_tolerance: float = Field(0.0, ge=0, description="relative tolerance for numbers (0: same value)")
    formats: tuple[Format, ...] = Field(FORMATS, description="call formats read from the reply")
    validate_schema: bool = Field(True, description="check arguments against the row's tool schemas")
    max_json_chars: int = Field(strict_json.MAX_CHARS, gt=0, description="cap on one call's JSON, in characters")
    max_depth: int = Field(strict_json.MAX_DEPTH, gt=0, description="cap on JSON nesting")
    max_calls: int = Field(MAX_CALLS, gt=0, description="cap on calls read from one reply")

    def limits(self) -> Limits:
        return Limits(self.max_json_chars, self.max_depth, self.max_calls)

    def options(self) -> match.Options:
        return match.Options(self.strings, self.number_tolerance)


class ToolCallParams(CallParams):
    expected_field: str | None = Field(None, description="row field with the expected calls (default: "
                                       "`tool_calls`, else `answer`)")


def row_tools(sample: Sample) -> dict[str, dict[str, Any]] | None:
    """The row's tool schemas by name, or None when the row has no `tools`. Raises SchemaProblem."""
    tools = sample.get("tools")
    return None if tools is None else tool_schemas(tools)


def judge_calls(expected: Sequence[match.Expected], parsed: Parsed, tools: Mapping[str, Any] | None,
                params: CallParams) -> Score:
    """One reply's calls against the expected ones, as a Score with per-call evidence in `details`."""
    calls = parsed.calls
    if not expected:
        if not calls:
            return Score(1.0, reason="no call expected and none made")
        return Score(0.0, reason=f"no call expected, but {len(calls)} made ({calls[0].name or calls[0].error})"[:200],
                     details={"format": parsed.format})
    if not calls:
        return Score(0.0, reason=f"{len(expected)} call(s) expected, none made")

    def judge(i: int, j: int) -> match.Verdict:
        return _judge_one(expected[i], calls[j], tools, params)

    pairs = match.pair_calls(len(expected), len(calls), judge, params.ordered)
    total = max(len(expected), len(calls))
    if params.credit == "argument":
        value = sum(v.value for _, _, v in pairs) / total
    else:
        right = sum(1 for _, _, v in pairs if v.value == 1.0)
        value = right / total if params.credit == "call" else float(right == total)
    details = {"format": parsed.format, "calls": [
        {"expected": i, "made": j, "value": v.value, "reason": v.reason} for i, j, v in pairs]}
    return Score(value, reason=_reason(pairs, len(expected), len(calls)), details=details)


def _judge_one(expected: match.Expected, call: ToolCall, tools: Mapping[str, Any] | None,
               params: CallParams) -> match.Verdict:
    if tools is not None and call.ok and call.name not in tools:
        return match.Verdict(0.0, f"unknown tool {call.name[:40]!r}")
    schema = tools.get(expected.name) if tools is not None and params.validate_schema else None
    return match.judge_call(expected, call, schema, params.options())


def _reason(pairs: list[tuple[int, int, match.Verdict]], n_expected: int, n_made: int) -> str:
    wrong = [v.reason for _, _, v in pairs if v.value < 1.0]
    right = len(pairs) - len(wrong)
    head = f"{right}/{n_expected} expected calls right" + (f", {n_made} made" if n_made != n_expected else "")
    return (f"{head}; {wrong[0]}" if wrong else head)[:300]


class ToolCallScorer(Scorer):
    """The reply's tool calls against the row's expected calls; see the module docstring."""

    name = "tool_call"
    description = "Tool calls (OpenAI, Hermes/Qwen, Llama, Mistral, JSON, Python) match the expected calls (BFCL)."
    Params = ToolCallParams
    examples = (
        {"sample": {"completion": '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>',
                    "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}, "value": 1.0},
        {"sample": {"completion": '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>',
                    "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}, "value": 0.0},
        {"params": {"credit": "argument"},
         "sample": {"completion": '{"name": "get_weather", "arguments": {"city": "Paris", "unit": "kelvin"}}',
                    "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}]},
         "value": 0.5},
        {"sample": {"completion": "It is sunny in Paris today.", "tool_calls": []}, "value": 1.0},
    )

    def _expected(self, sample: Sample) -> Any:
        if self.params.expected_field is not None:
            return sample.get(self.params.expected_field)
        return sample.get("tool_calls", sample.answer)

    def _score(self, sample: Sample) -> Score:
        raw = self._expected(sample)
        if raw is None:
            where = self.params.expected_field or "tool_calls (or answer)"
            return Score.skip(f"the row has no expected calls in {where}", Status.INVALID_INPUT)
        try:
            expected = match.expected_calls(raw)
            tools = row_tools(sample)
        except (match.ExpectedProblem, SchemaProblem) as exc:
            return Score.skip(str(exc)[:300], Status.INVALID_INPUT)
        unknown = sorted({e.name for e in expected} - set(tools)) if tools is not None else []
        if unknown:
            return Score.skip(f"expected call to {unknown[0]!r}, which the row's tools do not define",
                              Status.INVALID_INPUT)
        parsed = calls_from_completion(sample.completion, self.params.formats, self.params.limits())
        return judge_calls(expected, parsed, tools, self.params)
