"""Hypothesis strategies for tool calls: tool definitions, valid calls, near misses and malformed replies.

    from rewardkit.testing.tool_calls import tool_rows
    @given(tool_rows("valid"))      # rows whose reply makes exactly the expected call, in some model format
    def test_right_calls_score_one(row): assert my_scorer.score(row).value == 1.0

`render(calls, form)` writes calls as a model would in each format of `rewardkit.scorers.tools.parse`.
A near miss changes one thing a careful verifier must catch (the function, a value, a missing or extra
argument, `"1"` for `1`, a duplicate key); a malformed reply is broken JSON or a broken wrapper.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from hypothesis import strategies as st

from rewardkit.scorers.tools.mutate import confused, different, with_duplicate

FORMS = ("openai", "openai_object", "hermes", "llama", "mistral", "fenced", "json", "python")
Kind = Literal["valid", "near_miss", "malformed"]

_names = st.sampled_from(["get_weather", "search", "book_flight", "convert", "send_email", "lookup"])
_keys = st.sampled_from(["city", "query", "date", "amount", "unit", "count", "to", "limit", "flag"])
_strings = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and " " not in s)


def _property() -> st.SearchStrategy[tuple[dict[str, Any], st.SearchStrategy[Any]]]:
    """A property schema and a strategy for values that fit it."""
    return st.one_of(
        st.just(({"type": "string"}, _strings)),
        st.just(({"type": "integer"}, st.integers(-10**6, 10**6))),
        st.just(({"type": "number"}, st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3)))),
        st.just(({"type": "boolean"}, st.booleans())),
        st.lists(_strings, min_size=2, max_size=4, unique=True).map(lambda e: ({"type": "string", "enum": e},
                                                                               st.sampled_from(e))),
    )


@st.composite
def tool_and_call(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """An OpenAI-format tool definition and one valid call of it (every argument present)."""
    name = draw(_names)
    keys = draw(st.lists(_keys, min_size=1, max_size=4, unique=True))
    properties, arguments = {}, {}
    for key in keys:
        schema, values = draw(_property())
        properties[key] = schema
        arguments[key] = draw(values)
    required = draw(st.lists(st.sampled_from(keys), unique=True, min_size=1)) if keys else []
    tool = {"type": "function", "function": {"name": name, "parameters": {
        "type": "object", "properties": properties, "required": sorted(required), "additionalProperties": False}}}
    return tool, {"name": name, "arguments": arguments}


def render(calls: list[dict[str, Any]], form: str, arguments_json: list[str] | None = None) -> Any:
    """The calls written in `form` (one of FORMS): a chat message for `openai*`, else reply text.
    `arguments_json` overrides each call's arguments text (to write duplicate keys or broken JSON)."""
    texts = arguments_json or [json.dumps(c["arguments"], ensure_ascii=False) for c in calls]
    if form in ("openai", "openai_object"):
        return [{"role": "assistant", "content": None, "tool_calls": [
            {"id": f"call_{i}", "type": "function", "function": {
                "name": c["name"], "arguments": t if form == "openai" or arguments_json else c["arguments"]}}
            for i, (c, t) in enumerate(zip(calls, texts, strict=True))]}]
    if form == "python":
        return "[" + ", ".join(_python_call(c["name"], t) for c, t in zip(calls, texts, strict=True)) + "]"
    key = "parameters" if form == "llama" else "arguments"
    objects = [f'{{"name": {json.dumps(c["name"])}, "{key}": {t}}}' for c, t in zip(calls, texts, strict=True)]
    if form == "hermes":
        return "".join(f"<tool_call>\n{o}\n</tool_call>\n" for o in objects)
    if form == "llama":
        return "<|python_tag|>" + "; ".join(objects) + "<|eom_id|>"
    if form == "mistral":
        return "[TOOL_CALLS][" + ", ".join(objects) + "]"
    listed = objects[0] if len(objects) == 1 else "[" + ", ".join(objects) + "]"
    return f"Calling the tool.\n```json\n{listed}\n```" if form == "fenced" else listed


class _Pairs(dict):
    """A decoded JSON object that remembers its pairs, duplicates included (to write them as keywords)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _python_call(name: str, arguments_json: str) -> str:
    """`name(k=v, ...)` with Python literals, each pair of the JSON object in order (a duplicate key stays)."""
    pairs = json.loads(arguments_json, object_pairs_hook=_Pairs).pairs
    return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in pairs) + ")"


@st.composite
def near_miss(draw: st.DrawFn, tool: dict[str, Any], call: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """One change to a valid call that must not score full marks: (the changed call, its arguments' JSON text
    when the change lives in the text itself, as a duplicate key does)."""
    args = dict(call["arguments"])
    key = draw(st.sampled_from(sorted(args)))
    value = args[key]
    changes = ["name", "extra", "duplicate", "confuse"]
    if key in tool["function"]["parameters"]["required"]:
        changes.append("drop")
    change = draw(st.sampled_from(changes))
    if change == "name":
        return {"name": call["name"] + "_v2", "arguments": args}, None
    if change == "extra":
        return {"name": call["name"], "arguments": {**args, "zz_extra": 1}}, None
    if change == "drop":
        return {"name": call["name"], "arguments": {k: v for k, v in args.items() if k != key}}, None
    if change == "duplicate" and different(value) is not None:
        return call, with_duplicate(args, key, right_last=draw(st.booleans()))
    return {"name": call["name"], "arguments": {**args, key: confused(value)}}, None


_BROKEN = st.sampled_from([
    '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}</tool_call>',  # a brace short
    '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris",}}</tool_call>',  # trailing comma
    "<tool_call>{'name': 'get_weather', 'arguments': {'city': 'Paris'}}</tool_call>",  # Python quotes
    '<tool_call>{"name": "get_weather", "arguments": {"n": NaN}}</tool_call>',
    '<tool_call>{"name": "get_weather", "arguments": "{\\"city\\": \\"Par"}</tool_call>',  # truncated string args
    '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}} trailing words',
    "<|python_tag|>brave_search.call(query=\"weather\")",
    '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}',
    '[TOOL_CALLS]get_weather[ARGS]{"city": ',
    '<tool_call>' + "[" * 5000 + "]" * 5000 + "</tool_call>",
    '{"name": "get_weather", "arguments": {"city": "Paris"}',
    '```json\n{"name": "get_weather", "arguments": {"city": "Paris",\n```',
])


@st.composite
def tool_rows(draw: st.DrawFn, kind: Kind = "valid", forms: tuple[str, ...] = FORMS) -> dict[str, Any]:
    """A row (`completion`, `tool_calls`, `tools`) whose reply is a valid call, a near miss or malformed."""
    tool, call = draw(tool_and_call())
    form = draw(st.sampled_from(forms))
    row = {"prompt": "Use the tool.", "tools": [tool], "tool_calls": [call]}
    if kind == "valid":
        return {**row, "completion": render([call], form)}
    if kind == "near_miss":
        changed, text = draw(near_miss(tool, call))
        return {**row, "completion": render([changed], form, [text] if text is not None else None)}
    broken = draw(_BROKEN)
    return {**row, "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}}}}],
        "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}], "completion": broken}


def tool_samples() -> st.SearchStrategy[dict[str, Any]]:
    """Rows of every kind, for `check_scorer` on tool scorers: valid, near-miss and malformed calls, and
    the generic completions of `rewardkit.testing.samples` with expected calls attached."""
    from rewardkit.testing.strategies import samples

    generic = samples(tool_calls=st.just([{"name": "get_weather", "arguments": {"city": "Paris"}}]) | st.just([]))
    return st.one_of(tool_rows("valid"), tool_rows("near_miss"), tool_rows("malformed"), generic)
