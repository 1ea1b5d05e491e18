"""Multi-turn trajectories: a completion that is a message list of assistant turns (with tool calls), tool results
and perhaps more turns, ending in a final answer. Three leaves, each its own column in `components`:

- `tool_plan`: the assistant turns that call tools, judged by `tool_call`'s rules against the row's expected plan
  (`tool_plan`: a list of steps, each a list of calls or one call). Steps and turns are paired in order, skipping
  a retried or extra turn where that pairs more of them (sequence alignment); the value is the summed step
  values over the longer of plan and calling turns, so a retry still costs its share;
- `tool_errors` (penalty): `-penalty` per failed call: a call that cannot be used, names an unknown tool or breaks
  its schema, or whose tool result reports an error (`is_error: true`, `status: "error"`, or a JSON object with
  an `error`); one call counts once, however many of these it trips;
- `turn_budget` (penalty): `-penalty` per assistant turn beyond `max_turns`.
The final answer needs no leaf of its own: every scorer already reads a chat completion's last assistant turn,
so `exact_match`, `math` or `judge` in the same recipe score it. Separate leaves rather than one `trajectory`
scorer with a sub-recipe: each weight sits in the recipe where the author reads it, each part is logged on
its own, and the recipe combiners (sum, gate, ...) already compose them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status, message_text
from rewardkit.scorers.tools import match
from rewardkit.scorers.tools.parse import Parsed, ToolCall, assistant_turns, calls_from_message
from rewardkit.scorers.tools.schema import SchemaProblem, schema_error
from rewardkit.scorers.tools.scorer import CallParams, judge_calls, row_tools

_CALL = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {
    "name": "get_weather", "arguments": '{"city": "Paris"}'}}]}
_RESULT = {"role": "tool", "tool_call_id": "c1", "content": '{"temperature": 21}'}
_FINAL = {"role": "assistant", "content": "It is 21 °C in Paris."}
_PLAN = [[{"name": "get_weather", "arguments": {"city": "Paris"}}]]


class ToolPlanParams(CallParams):
    plan_field: str = Field("tool_plan", description="row field with the expected plan (a list of steps)")


def _steps(plan: Any) -> list[list[match.Expected]]:
    if isinstance(plan, str):
        try:
            plan = json.loads(plan)
        except ValueError:
            raise match.ExpectedProblem("the plan is not JSON") from None
    if not isinstance(plan, list):
        raise match.ExpectedProblem(f"a plan must be a list of steps, got {type(plan).__name__}")
    return [match.expected_calls(step) for step in plan]


class ToolPlan(Scorer):
    """Each calling turn of the trajectory against the plan's step at the same position."""

    name = "tool_plan"
    description = "Each assistant turn's tool calls match the row's expected plan, step by step."
    Params = ToolPlanParams
    examples = (
        {"sample": {"completion": [_CALL, _RESULT, _FINAL], "tool_plan": _PLAN}, "value": 1.0},
        {"sample": {"completion": [_FINAL], "tool_plan": _PLAN}, "value": 0.0},
    )

    def _score(self, sample: Sample) -> Score:
        plan = sample.get(self.params.plan_field)
        if plan is None:
            return Score.skip(f"the row has no plan in `{self.params.plan_field}`", Status.INVALID_INPUT)
        try:
            steps = _steps(plan)
            tools = row_tools(sample)
        except (match.ExpectedProblem, SchemaProblem) as exc:
            return Score.skip(str(exc)[:300], Status.INVALID_INPUT)
        limits = self.params.limits()
        turns = [p for p in (calls_from_message(m, self.params.formats, limits)
                             for m in assistant_turns(sample.completion)) if p.calls]
        total = max(len(steps), len(turns))
        if total == 0:
            return Score(1.0, reason="no step planned and no call made")
        table = [[judge_calls(step, turn, tools, self.params) for turn in turns] for step in steps]
        pairs = _align(table)
        value = sum(table[k][t].value or 0.0 for k, t in pairs) / total
        first_wrong = next((f"step {k + 1}: {table[k][t].reason}" for k, t in pairs
                            if (table[k][t].value or 0.0) < 1.0), "")
        reason = f"{len(turns)} calling turns for {len(steps)} planned steps" + (f"; {first_wrong}" if first_wrong
                                                                                else "")
        return Score(value, reason=reason[:300], details={"steps": [[k, t, table[k][t].value] for k, t in pairs]})


def _align(table: list[list[Score]]) -> list[tuple[int, int]]:
    """Order-preserving pairing of plan steps (rows) with calling turns (columns) of the highest total value,
    as in sequence alignment: a retried or extra turn is skipped rather than shifting every later step."""
    n, m = len(table), len(table[0]) if table else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for k in range(n - 1, -1, -1):
        for t in range(m - 1, -1, -1):
            best[k][t] = max(best[k + 1][t], best[k][t + 1], (table[k][t].value or 0.0) + best[k + 1][t + 1])
    pairs, k, t = [], 0, 0
    while k < n and t < m:
        if best[k][t] == (table[k][t].value or 0.0) + best[k + 1][t + 1]:
            pairs.append((k, t))
            k, t = k + 1, t + 1
        elif best[k][t] == best[k + 1][t]:
            k += 1
        else:
            t += 1
    return pairs


class PenaltyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    penalty: float = Field(0.1, gt=0, description="subtracted per failed call")
    max_penalty: float | None = Field(None, gt=0, description="the total penalty is capped at this")


def result_error(message: Mapping[str, Any]) -> bool:
    """Whether a tool result message reports that the call failed."""
    if message.get("is_error") is True or message.get("status") == "error":
        return True
    text = message_text(message.get("content")).strip()
    if not text.startswith("{") or len(text) > 100_000:
        return False
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and bool(value.get("error"))


def call_problem(call: ToolCall, tools: Mapping[str, Any] | None) -> str:
    """'' for a usable call, else why it fails before any tool runs."""
    if not call.ok:
        return call.error
    if tools is None:
        return ""
    if call.name not in tools:
        return f"unknown tool {call.name[:40]!r}"
    return schema_error(call.arguments or {}, tools[call.name])


def _messages(completion: Any) -> Sequence[Mapping[str, Any]]:
    if isinstance(completion, str):
        return [{"role": "assistant", "content": completion}]
    if isinstance(completion, Sequence):
        return [m for m in completion if isinstance(m, Mapping)]
    return [completion] if isinstance(completion, Mapping) else []


class ToolErrors(Scorer):
    """A penalty per failed call in the trajectory; see the module docstring."""

    name = "tool_errors"
    description = "Penalty per failed tool call (unusable, unknown tool, outside its schema, or the tool erred)."
    Params = PenaltyParams
    is_penalty = True
    examples = (
        {"sample": {"completion": [_CALL, _RESULT, _FINAL]}, "value": 0.0},
        {"sample": {"completion": [_CALL, {**_RESULT, "content": '{"error": "city not found"}'},
                                   {"role": "assistant", "content": '<tool_call>{"name": "get_weather", '
                                    '"arguments": {"city": "Paris", "city": "Rome"}}</tool_call>'}]},
         "params": {"penalty": 0.25}, "value": -0.5},
    )

    def _score(self, sample: Sample) -> Score:
        try:
            tools = row_tools(sample)
        except SchemaProblem as exc:
            return Score.skip(str(exc)[:300], Status.INVALID_INPUT)
        failed: list[str] = []
        bad_ids: set[str] = set()
        for message in _messages(sample.completion):
            role = message.get("role", "assistant")
            if role == "assistant":
                parsed: Parsed = calls_from_message(message)
                for call in parsed.calls:
                    if why := call_problem(call, tools):
                        failed.append(why)
                        bad_ids.add(call.id)
            elif role == "tool" and result_error(message):
                call_id = message.get("tool_call_id")
                if not (isinstance(call_id, str) and call_id and call_id in bad_ids):  # already counted
                    failed.append("the tool reported an error")
        penalty = self.params.penalty * len(failed)
        if self.params.max_penalty is not None:
            penalty = min(penalty, self.params.max_penalty)
        reason = f"{len(failed)} failed calls" + (f"; first: {failed[0]}" if failed else "")
        return Score(-penalty or 0.0, reason=reason[:300])  # never -0.0 in the output


class TurnBudgetParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max_turns: int = Field(..., ge=1, description="assistant turns allowed without penalty")
    penalty: float = Field(0.1, gt=0, description="subtracted per assistant turn over the budget")


class TurnBudget(Scorer):
    """A penalty per assistant turn beyond `max_turns`."""

    name = "turn_budget"
    description = "Penalty per assistant turn beyond a budget of turns."
    Params = TurnBudgetParams
    is_penalty = True
    examples = (
        {"params": {"max_turns": 2}, "sample": {"completion": [_CALL, _RESULT, _FINAL]}, "value": 0.0},
        {"params": {"max_turns": 1, "penalty": 0.2}, "sample": {"completion": [_CALL, _RESULT, _CALL, _RESULT,
                                                                                _FINAL]}, "value": -0.4},
    )

    def _score(self, sample: Sample) -> Score:
        turns = len(assistant_turns(sample.completion))
        over = max(0, turns - self.params.max_turns)
        return Score(-self.params.penalty * over or 0.0,
                     reason=f"{turns} assistant turns, budget {self.params.max_turns}")
