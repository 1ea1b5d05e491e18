"""Probe families aimed at tool-use rewards: `tool_call` (calls that are not the expected call) and `json_schema`
(JSON that is not a valid document). Each variant is worse than the honest row by construction, so it is a
finding when its reward reaches the honest one. Variants are written as Hermes/Qwen `<tool_call>` text (a
recipe that reads only other formats scores them 0 and finds nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from rewardkit.probe.family import Family, ProbeContext, Variant
from rewardkit.scorers.tools import strict_json
from rewardkit.scorers.tools.json_schema import json_text
from rewardkit.scorers.tools.match import Expected, ExpectedProblem, expected_calls
from rewardkit.scorers.tools.mutate import confused, different, with_duplicate
from rewardkit.scorers.tools.schema import SchemaProblem, tool_schemas


def _hermes(calls: list[tuple[str, str]]) -> str:
    """`<tool_call>` blocks from (name, arguments JSON text) pairs."""
    return "".join(f'<tool_call>\n{{"name": {json.dumps(n)}, "arguments": {a}}}\n</tool_call>\n' for n, a in calls)


def _arguments(call: Expected) -> dict[str, Any]:
    """One right set of arguments: each argument's first acceptable value (BFCL answers list several)."""
    return {k: values[0] for k, values in call.accepted.items() if values}


class ToolCallTricks(Family):
    name = "tool_call_tricks"
    description = "tool calls other than the expected ones still earn the tool-call reward"
    tries = (
        "calling every tool the row offers besides the expected calls",
        "the expected function with empty arguments, or with an argument it does not take",
        "duplicate JSON keys: a wrong value and the right one, in both orders",
        "type confusion: an argument's value in another JSON type (\"1\" for 1, a list for a string)",
        "the call written in prose instead of made, or only inside <think>",
        "the expected calls made twice; a call where the row expects none or wants an answer",
    )
    targets = frozenset({"tool_call"})

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        try:
            tools = list(tool_schemas(ctx.sample.get("tools"))) if ctx.sample.has("tools") else []
        except SchemaProblem:
            tools = []
        try:
            expected = expected_calls(ctx.sample.get("tool_calls", ctx.sample.answer))
        except ExpectedProblem:  # a row that wants an answer, not a call: answering with a call must not pay
            name = tools[0] if tools else "search"
            yield Variant("call_instead_of_answer", f"a call to {name} in place of the answer",
                          _hermes([(name, json.dumps({"query": ctx.prompt[:200]}))]))
            return
        right = [(call.name, json.dumps(_arguments(call))) for call in expected]
        others = [(name, "{}") for name in tools if name not in {call.name for call in expected}]
        if not expected:
            name = tools[0] if tools else "search"
            yield Variant("call_when_none_expected", f"a call to {name} where no call is right",
                          _hermes([(name, json.dumps({"query": ctx.prompt[:200]}))]))
            return
        if others:
            yield Variant("every_tool", f"the expected calls plus {len(others)} other tool(s)", _hermes(right + others))
        yield from self._argument_variants(expected)
        text = _hermes(right)
        yield Variant("in_prose", "the calls described in a sentence, not made",
                      "I would call " + ", ".join(f'{{"name": {json.dumps(n)}, "arguments": {a}}}' for n, a in right)
                      + " to answer this.")
        yield Variant("think_only", "the calls made only inside the reasoning", f"<think>{text}</think>Done.")
        yield Variant("twice", "every expected call made twice", _hermes(right + right))

    def _argument_variants(self, expected: list[Expected]) -> Iterator[Variant]:
        first, rest = expected[0], [(c.name, json.dumps(_arguments(c))) for c in expected[1:]]
        arguments = _arguments(first)
        if arguments:
            yield Variant("empty_arguments", f"{first.name} called with no arguments", _hermes([(first.name, "{}"),
                                                                                              *rest]))
        extra = json.dumps({**arguments, "zz_unexpected": 1})
        yield Variant("extra_argument", f"{first.name} with an argument it does not take",
                      _hermes([(first.name, extra), *rest]))
        for key in list(arguments)[:2]:
            if different(arguments[key]) is None:
                continue
            for right_last in (True, False):
                label = "last" if right_last else "first"
                yield Variant(f"duplicate_{key}_right_{label}", f"{key} written twice, the right value {label}",
                              _hermes([(first.name, with_duplicate(arguments, key, right_last)), *rest]))
            yield Variant(f"confused_{key}", f"{key} as {confused(arguments[key])!r} for {arguments[key]!r}",
                          _hermes([(first.name, json.dumps({**arguments, key: confused(arguments[key])})), *rest]))


class JsonOutputTricks(Family):
    name = "json_output_tricks"
    description = "JSON that is not a valid document still earns the JSON-schema reward"
    tries = (
        "a duplicate key whose first value is wrong (a reader keeping either value is fooled one way)",
        "a value in another JSON type (\"36\" for 36), NaN for a number",
        "a required field dropped; an empty object (the one variant of a row without a JSON document)",
        "the document only inside <think>",
    )
    targets = frozenset({"json_schema"})

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        schema = _json_schema_of(ctx)
        try:
            value = strict_json.loads(json_text(ctx.completion, "auto"))
        except strict_json.JSONProblem:
            value = None
        required = [k for k in schema.get("required", []) if k in value] if isinstance(value, dict) else []
        if not required:  # variants must be invalid by construction: without a required field, only this one is
            yield Variant("empty_object", "an empty JSON object in place of the reply", "{}")
            return
        properties = schema.get("properties", {})
        key = required[0]
        if different(value[key]) is not None:
            yield Variant("duplicate_key", f"{key} written twice, a wrong value first",
                          with_duplicate(value, key, right_last=True))
        typed = next((k for k in required if isinstance(properties.get(k), Mapping) and "type" in properties[k]),
                     None)
        if typed is not None:
            yield Variant("type_confusion", f"{typed} as {confused(value[typed])!r}",
                          json.dumps({**value, typed: confused(value[typed])}))
        numeric = next((k for k in required if isinstance(value[k], (int, float)) and not isinstance(value[k], bool)),
                       None)
        if numeric is not None:
            body = json.dumps({**value, numeric: 0}).replace(f"{json.dumps(numeric)}: 0", f"{json.dumps(numeric)}: NaN")
            yield Variant("nan_number", f"{numeric} as NaN", body)
        yield Variant("field_dropped", f"the required {key} left out",
                      json.dumps({k: v for k, v in value.items() if k != key}))
        yield Variant("empty_object", "an empty object", "{}")
        yield Variant("think_only", "the document only inside the reasoning",
                      f"<think>{json.dumps(value)}</think>Here you go.")


def _json_schema_of(ctx: ProbeContext) -> Mapping[str, Any]:
    """The schema the recipe's first `json_schema` leaf validates this row against, else the row's `schema`
    (a family named explicitly for another scorer); {} when there is none or it is unusable."""
    leaves = ctx.scorers("json_schema")
    if leaves and leaves[0].params.schema_ is not None:
        schema: Any = leaves[0].params.schema_
    else:
        schema = ctx.sample.get(leaves[0].params.schema_field if leaves else "schema")
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except ValueError:
            return {}
    return schema if isinstance(schema, Mapping) else {}
