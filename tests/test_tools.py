"""Tool calls and structured output: parsing per format, BFCL-style matching per category, JSON Schema output,
trajectories, the adversarial variants a probe would try, and the scorer contract on generated tool rows."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rewardkit
from rewardkit.scorers.tools import strict_json
from rewardkit.scorers.tools.parse import Limits, calls_from_completion, calls_from_text
from rewardkit.testing import check_scorer, tool_rows, tool_samples

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {
    "type": "object", "required": ["city"], "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        "days": {"type": "integer", "minimum": 1}}}}}
TIME = {"type": "function", "function": {"name": "get_time", "parameters": {
    "type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}}}
TOOLS = [WEATHER, TIME]
PARIS = {"name": "get_weather", "arguments": {"city": "Paris"}}


def score(completion, expected, tools=TOOLS, **params):
    return rewardkit.get("tool_call")(**params).score({"completion": completion, "tool_calls": expected,
                                                        "tools": tools})


def hermes(*objects: str) -> str:
    return "".join(f"<tool_call>\n{o}\n</tool_call>" for o in objects)


def openai(*calls: tuple[str, object]) -> list[dict]:
    return [{"role": "assistant", "content": None, "tool_calls": [
        {"id": f"c{i}", "type": "function", "function": {"name": n, "arguments": a}}
        for i, (n, a) in enumerate(calls)]}]


# (what, completion, value) against the expected call get_weather(city="Paris"): one row per format, both verdicts
FORMAT_CASES = [
    ("openai, arguments as a JSON string", openai(("get_weather", '{"city": "Paris"}')), 1.0),
    ("openai, arguments as an object", openai(("get_weather", {"city": "Paris"})), 1.0),
    ("openai, wrong city", openai(("get_weather", '{"city": "Rome"}')), 0.0),
    ("openai, arguments not JSON", openai(("get_weather", "city=Paris")), 0.0),
    ("openai legacy function_call", [{"role": "assistant", "function_call": {
        "name": "get_weather", "arguments": '{"city": "Paris"}'}}], 1.0),
    ("hermes / qwen", hermes('{"name": "get_weather", "arguments": {"city": "Paris"}}'), 1.0),
    ("hermes, cut at the stop string", '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}', 1.0),
    ("hermes, thinking first", "<think>need weather</think>" + hermes(json.dumps(PARIS)), 1.0),
    ("bare JSON after thinking", "<think>need weather</think>\n" + json.dumps(PARIS), 1.0),
    ("hermes, malformed", hermes('{"name": "get_weather", "arguments": {"city": "Paris"}'), 0.0),
    ("hermes, a closing tag inside an argument", "<tool_call>" + json.dumps(
        {"name": "get_weather", "arguments": {"city": "</tool_call></think>"}}) + "</tool_call>", 1.0),
    ("hermes, text after the JSON inside the block", hermes(json.dumps(PARIS) + " and Rome"), 0.0),
    ("llama python_tag", '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}<|eom_id|>', 1.0),
    ("llama bare JSON", '{"name": "get_weather", "parameters": {"city": "Paris"}}', 1.0),
    ("llama built-in python call", '<|python_tag|>get_weather.call(city="Paris")', 0.0),
    ("mistral", '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]</s>', 1.0),
    ("mistral v11 name[ARGS]", '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}', 1.0),
    ("mistral, list not closed", '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}', 0.0),
    ("fenced json", 'I will check.\n```json\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n```', 1.0),
    ("fenced json, other function", '```json\n{"name": "get_time", "arguments": {"zone": "CET"}}\n```', 0.0),
    ("python list of calls (BFCL, Llama 3.2 pythonic)", '[get_weather(city="Paris")]', 1.0),
    ("python call, thinking first", "<think>weather</think>get_weather(city='Paris')", 1.0),
    ("python call, positional argument is no call", 'get_weather("Paris")', 0.0),
    ("python call, a non-literal argument", 'get_weather(city=open("/etc/passwd").read())', 0.0),
    ("python call, keyword twice", 'get_weather(city="Rome", city="Paris")', 0.0),
    ("plain text answer", "It is probably sunny in Paris.", 0.0),
    ("call-shaped JSON inside prose is not a call",
     'I could call {"name": "get_weather", "arguments": {"city": "Paris"}} if you like.', 0.0),
]


@pytest.mark.parametrize(("what", "completion", "value"), FORMAT_CASES, ids=[c[0] for c in FORMAT_CASES])
def test_every_format(what, completion, value):
    expected = [PARIS]
    if "closing tag" in what:  # the argument really is that string
        expected = [{"name": "get_weather", "arguments": {"city": "</tool_call></think>"}}]
    got = score(completion, expected)
    assert got.value == value, got.reason
    assert got.status.value == "ok"


# BFCL categories: (category, expected calls, completion, value); each category with a pass and a fail
PARALLEL = [{"name": "get_weather", "arguments": {"city": "Paris"}},
            {"name": "get_weather", "arguments": {"city": "Tokyo", "unit": "fahrenheit"}}]
PARALLEL_MULTIPLE = [PARIS, {"name": "get_time", "arguments": {"zone": "Asia/Tokyo"}}]
BFCL_CASES = [
    ("simple", [PARIS], hermes(json.dumps(PARIS)), 1.0),
    ("simple, optional argument at its default", [PARIS],
     hermes('{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}'), 1.0),
    ("simple, optional argument off its default", [PARIS],
     hermes('{"name": "get_weather", "arguments": {"city": "Paris", "unit": "fahrenheit"}}'), 0.0),
    ("simple, omitted argument the answer sets to the default",
     [{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}], hermes(json.dumps(PARIS)), 1.0),
    ("multiple: picks the right one of two tools", [{"name": "get_time", "arguments": {"zone": "CET"}}],
     hermes('{"name": "get_time", "arguments": {"zone": "cet"}}'), 1.0),
    ("multiple: picks the wrong tool", [{"name": "get_time", "arguments": {"zone": "CET"}}],
     hermes(json.dumps(PARIS)), 0.0),
    ("parallel, any order", PARALLEL, hermes(json.dumps(PARALLEL[1]), json.dumps(PARALLEL[0])), 1.0),
    ("parallel, one call missing", PARALLEL, hermes(json.dumps(PARALLEL[0])), 0.0),
    ("parallel, the same call twice", PARALLEL, hermes(json.dumps(PARALLEL[0]), json.dumps(PARALLEL[0])), 0.0),
    ("parallel-multiple", PARALLEL_MULTIPLE, openai(("get_time", '{"zone": "Asia/Tokyo"}'),
                                                    ("get_weather", '{"city": "Paris"}')), 1.0),
    ("parallel-multiple, one extra call", PARALLEL_MULTIPLE, openai(
        ("get_time", '{"zone": "Asia/Tokyo"}'), ("get_weather", '{"city": "Paris"}'),
        ("get_weather", '{"city": "Rome"}')), 0.0),
    ("irrelevance: no call is right", [], "I cannot look up stock prices with these tools.", 1.0),
    ("irrelevance: calling anyway", [], hermes(json.dumps(PARIS)), 0.0),
    ("BFCL possible answers: an alternative value", [{"get_weather": {"city": ["Paris", "Paris, France"],
                                                                      "unit": ["celsius", ""]}}],
     hermes('{"name": "get_weather", "arguments": {"city": "Paris, France"}}'), 1.0),
    ("BFCL possible answers: a value not listed", [{"get_weather": {"city": ["Paris", "Paris, France"],
                                                                    "unit": ["celsius", ""]}}],
     hermes('{"name": "get_weather", "arguments": {"city": "Paris, Texas"}}'), 0.0),
    ("BFCL possible answers: a nested dict with its own alternatives",
     [{"search": {"query": ["rust"], "opts": [{"lang": ["en", "EN"], "limit": [3, ""]}]}}],
     hermes('{"name": "search", "arguments": {"query": "rust", "opts": {"lang": "EN"}}}'), 1.0),
    ("BFCL possible answers: a nested key not in the answer",
     [{"search": {"query": ["rust"], "opts": [{"lang": ["en", "EN"], "limit": [3, ""]}]}}],
     hermes('{"name": "search", "arguments": {"query": "rust", "opts": {"lang": "en", "safe": true}}}'), 0.0),
    ("BFCL possible answers: a required argument left out", [{"get_weather": {"city": ["Paris"], "days": [3]}}],
     hermes(json.dumps(PARIS)), 0.0),
]


@pytest.mark.parametrize(("category", "expected", "completion", "value"), BFCL_CASES, ids=[c[0] for c in BFCL_CASES])
def test_bfcl_categories(category, expected, completion, value):
    got = score(completion, expected, tools=None if "nested" in category else TOOLS)
    assert got.value == value, got.reason


# Arguments: typed comparison and the schema. (what, arguments JSON, value) against get_weather(Paris, days=3)
DAYS3 = {"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}
ARGUMENT_CASES = [
    ("same values", '{"days": 3, "city": "Paris"}', 1.0),
    ("3.0 is 3 by value (and an integer to JSON Schema)", '{"city": "Paris", "days": 3.0}', 1.0),
    ('"3" for 3 is a type mismatch', '{"city": "Paris", "days": "3"}', 0.0),
    ("true for 1 is a type mismatch", '{"city": "Paris", "days": true}', 0.0),
    ("casefold and whitespace", '{"city": "  PARIS ", "days": 3}', 1.0),
    ("a duplicate key is a failure", '{"city": "Rome", "city": "Paris", "days": 3}', 0.0),
    ("outside the schema's minimum", '{"city": "Paris", "days": 0}', 0.0),
    ("an argument the tool does not take", '{"city": "Paris", "days": 3, "verbose": true}', 0.0),
    ("required argument missing", '{"days": 3}', 0.0),
    ("NaN is not JSON", '{"city": "Paris", "days": NaN}', 0.0),
]


@pytest.mark.parametrize(("what", "arguments", "value"), ARGUMENT_CASES, ids=[c[0] for c in ARGUMENT_CASES])
def test_argument_comparison(what, arguments, value):
    got = score(openai(("get_weather", arguments)), [DAYS3])
    assert got.value == value, got.reason


def test_types_matter_without_schemas_too():
    # no `tools` on the row: the typed comparison alone still refuses "3" for 3 and true for 1
    assert score(openai(("get_weather", '{"city": "Paris", "days": "3"}')), [DAYS3], tools=None).value == 0.0
    assert score(openai(("f", '{"n": true}')), [{"name": "f", "arguments": {"n": 1}}], tools=None).value == 0.0
    assert score(openai(("f", '{"n": 1.0}')), [{"name": "f", "arguments": {"n": 1}}], tools=None).value == 1.0
    assert score(openai(("f", '{"n": null}')), [{"name": "f", "arguments": {"n": 0}}], tools=None).value == 0.0


def test_string_policies():
    expected = [{"name": "get_time", "arguments": {"zone": "Asia/Tokyo"}}]
    reply = openai(("get_time", '{"zone": "asia / tokyo"}'))
    assert score(reply, expected, strings="casefold").value == 0.0
    assert score(reply, expected, strings="loose").value == 1.0
    assert score(openai(("get_time", '{"zone": "asia/tokyo"}')), expected, strings="exact").value == 0.0


def test_number_tolerance():
    expected = [{"name": "convert", "arguments": {"amount": 0.1}}]
    reply = openai(("convert", '{"amount": 0.10000001}'))
    assert score(reply, expected, tools=None).value == 0.0
    assert score(reply, expected, tools=None, number_tolerance=1e-6).value == 1.0


def test_credit_modes_and_order():
    reply = hermes(json.dumps({"name": "get_weather", "arguments": {"city": "Tokyo", "unit": "celsius"}}),
                   json.dumps(PARALLEL[0]))
    assert score(reply, PARALLEL).value == 0.0  # all-or-nothing
    assert score(reply, PARALLEL, credit="call").value == 0.5
    assert score(reply, PARALLEL, credit="argument").value == pytest.approx(0.75)  # Tokyo right, unit wrong
    ordered = hermes(json.dumps(PARALLEL[1]), json.dumps(PARALLEL[0]))
    assert score(ordered, PARALLEL).value == 1.0
    assert score(ordered, PARALLEL, ordered=True).value == 0.0


def test_unknown_tool_and_unusable_rows():
    assert score(hermes('{"name": "get_stock", "arguments": {}}'), [PARIS]).reason.endswith("unknown tool 'get_stock'")
    missing = rewardkit.get("tool_call")().score({"completion": hermes(json.dumps(PARIS))})
    assert missing.value is None and missing.status.value == "invalid_input"
    not_offered = score(hermes(json.dumps(PARIS)), [PARIS], tools=[TIME])
    assert not_offered.value is None and "do not define" in not_offered.reason
    bad_tools = score(hermes(json.dumps(PARIS)), [PARIS], tools=[{"name": "x", "parameters": {"type": "objekt"}}])
    assert bad_tools.status.value == "invalid_input"


def test_expected_calls_from_the_answer_field_and_bfcl_types():
    bfcl_tool = {"name": "get_weather", "parameters": {"type": "dict", "properties": {
        "city": {"type": "string"}, "days": {"type": "integer"}, "lat": {"type": "float"}}, "required": ["city"]}}
    row = {"completion": hermes('{"name": "get_weather", "arguments": {"city": "Paris", "lat": 48.85}}'),
           "answer": json.dumps([{"name": "get_weather", "arguments": {"city": "Paris", "lat": 48.85}}]),
           "tools": [bfcl_tool]}
    assert rewardkit.get("tool_call")().score(row).value == 1.0
    row["completion"] = hermes('{"name": "get_weather", "arguments": {"city": "Paris", "lat": "48.85"}}')
    assert rewardkit.get("tool_call")().score(row).value == 0.0


def test_formats_can_be_restricted():
    reply = '```json\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n```'
    assert score(reply, [PARIS]).value == 1.0
    assert score(reply, [PARIS], formats=["openai", "hermes"]).value == 0.0


# Adversarial variants a probe family would generate (rewardkit probe is not on this branch): none may earn 1.
PROBE_CASES = [
    ("calling every tool", hermes(json.dumps(PARIS), '{"name": "get_time", "arguments": {"zone": "CET"}}')),
    ("empty arguments", hermes('{"name": "get_weather", "arguments": {}}')),
    ("extra arguments", hermes('{"name": "get_weather", "arguments": {"city": "Paris", "units": "metric"}}')),
    ("duplicate keys, right value last", hermes('{"name": "get_weather", "arguments": {"city": "Rome", '
                                                '"city": "Paris"}}')),
    ("duplicate keys, right value first", hermes('{"name": "get_weather", "arguments": {"city": "Paris", '
                                                 '"city": "Rome"}}')),
    ("duplicate name key", hermes('{"name": "get_time", "name": "get_weather", "arguments": {"city": "Paris"}}')),
    ("type confusion on the whole arguments", hermes('{"name": "get_weather", "arguments": "Paris"}')),
    ("a call hidden in prose", 'Answer: {"name": "get_weather", "arguments": {"city": "Paris"}}'),
    ("a call quoted in a think block only", '<think>{"name": "get_weather", "arguments": {"city": "Paris"}}</think>'
                                            "It is sunny."),
    ("a tagged call drafted in the think block", "<think>" + hermes(json.dumps(PARIS)) + "</think>It is sunny."),
    ("the same call twice", hermes(json.dumps(PARIS), json.dumps(PARIS))),
    ("a list instead of the string", hermes('{"name": "get_weather", "arguments": {"city": ["Paris", "Rome"]}}')),
    ("the call spread over deep nesting", hermes('{"name": "get_weather", "arguments": {"city": "Paris", "x": '
                                                 + "[" * 40 + "]" * 40 + "}}")),
]


@pytest.mark.parametrize(("what", "completion"), PROBE_CASES, ids=[c[0] for c in PROBE_CASES])
def test_adversarial_variants_never_earn_full_marks(what, completion):
    for credit in ("all", "call", "argument"):
        got = score(completion, [PARIS], credit=credit)
        assert got.value is not None and got.value < 1.0, (credit, got.reason)
    honest = score(hermes(json.dumps(PARIS)), [PARIS])
    assert honest.value == 1.0


# Parsing on its own: caps and the strict reader
def test_caps_are_failed_calls_not_exceptions():
    deep = hermes('{"name": "f", "arguments": {"a": ' + "[" * 5000 + "]" * 5000 + "}}")
    (call,) = calls_from_text(deep).calls
    assert not call.ok and "deeper" in call.error
    big = hermes('{"name": "f", "arguments": {"a": "' + "x" * 200_000 + '"}}')
    (call,) = calls_from_text(big).calls
    assert not call.ok and "cap" in call.error
    many = calls_from_text(hermes(*['{"name": "f", "arguments": {}}'] * 10), limits=Limits(max_calls=3))
    assert len(many.calls) == 4 and "over the cap" in many.calls[-1].error


def test_strict_json():
    assert strict_json.loads('{"a": "[{\\"", "b": [[1]]}') == {"a": '[{"', "b": [[1]]}
    assert strict_json.depth('{"a": "[[[[", "b": [[1]]}') == 3
    for text, why in [('{"a": 1, "a": 1}', "duplicate"), ("[Infinity]", "not JSON"), ("{", "malformed")]:
        with pytest.raises(strict_json.JSONProblem, match=why):
            strict_json.loads(text)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='[]{}"\\ab\n', max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=4), inner,
                                                                max_size=3), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_depth_prescan_agrees_with_the_parsed_value(value):
    text = json.dumps(value)
    assert strict_json.depth(text) == strict_json.value_depth(value, 100)
    assert strict_json.loads(text, max_depth=100) == value


def test_completion_messages_use_the_last_assistant_turn():
    convo = [*openai(("get_time", '{"zone": "CET"}')), {"role": "tool", "content": "12:00"},
             {"role": "assistant", "content": hermes(json.dumps(PARIS))}]
    parsed = calls_from_completion(convo)
    assert parsed.format == "hermes" and parsed.calls[0].name == "get_weather"


# Generated rows: valid calls in every format score 1; near misses and malformed replies score 0, with a reason
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(tool_rows("valid"))
def test_generated_valid_calls_score_one(row):
    got = rewardkit.get("tool_call")().score(row)
    assert got.value == 1.0, (got.reason, row)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(tool_rows("near_miss"))
def test_generated_near_misses_score_zero(row):
    got = rewardkit.get("tool_call")().score(row)
    assert got.value == 0.0 and got.reason, (got.reason, row)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(tool_rows("malformed"))
def test_generated_malformed_replies_score_zero(row):
    got = rewardkit.get("tool_call")().score(row)
    assert got.value == 0.0 and got.reason, (got.reason, row)


@pytest.mark.parametrize(("name", "params"), [
    ("tool_call", {}), ("tool_call", {"credit": "argument", "ordered": True}),
    ("json_schema", {"schema": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}},
                     "credit": "required"}),
    ("tool_plan", {}), ("tool_errors", {}), ("turn_budget", {"max_turns": 1})])
def test_check_scorer_on_tool_rows(name, params):
    check_scorer(rewardkit.get(name)(**params), max_examples=150, sample_strategy=tool_samples())


# json_schema: (what, completion, credit, value) against a schema with three required fields
PERSON = {"type": "object", "additionalProperties": False, "required": ["name", "age", "email"], "properties": {
    "name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}, "email": {"type": "string"},
    "tags": {"type": "array", "items": {"type": "string"}}}}
GOOD = '{"name": "Ada", "age": 36, "email": "ada@example.org"}'
JSON_CASES = [
    ("bare JSON", GOOD, "strict", 1.0),
    ("in the answer tag", f"<think>fill the form</think><answer>{GOOD}</answer>", "strict", 1.0),
    ("in a json fence after prose", f"Here it is:\n```json\n{GOOD}\n```", "strict", 1.0),
    ("after the think block", f"<think>x</think>\n{GOOD}", "strict", 1.0),
    ("prose around bare JSON", f"Here: {GOOD} done", "strict", 0.0),
    ('"36" for 36', '{"name": "Ada", "age": "36", "email": "a@b"}', "strict", 0.0),
    ("duplicate key", '{"name": "Ada", "age": 36, "age": -1, "email": "a@b"}', "strict", 0.0),
    ("an extra field", '{"name": "Ada", "age": 36, "email": "a@b", "admin": true}', "strict", 0.0),
    ("missing one of three, part marks", '{"name": "Ada", "age": 36}', "required", 0.5),
    ("wrong type counts as not present", '{"name": "Ada", "age": "36"}', "required", 0.25),
    ("all required but an extra field", '{"name": "Ada", "age": 36, "email": "a@b", "admin": true}', "required",
     0.75),
    ("valid, part-marks mode", GOOD, "required", 1.0),
    ("not JSON at all", "Ada, 36", "required", 0.0),
    ("a list, not an object", "[1, 2]", "required", 0.0),
]


@pytest.mark.parametrize(("what", "completion", "credit", "value"), JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_json_schema(what, completion, credit, value):
    got = rewardkit.get("json_schema")(schema=PERSON, credit=credit).score({"completion": completion})
    assert got.value == pytest.approx(value), got.reason


def test_json_schema_from_the_row_and_bad_schemas():
    scorer = rewardkit.get("json_schema")()
    assert scorer.score({"completion": GOOD, "schema": json.dumps(PERSON)}).value == 1.0
    assert scorer.score({"completion": GOOD}).status.value == "invalid_input"
    assert scorer.score({"completion": GOOD, "schema": {"type": 7}}).status.value == "invalid_input"
    with pytest.raises(rewardkit.ConfigError, match="schema"):
        rewardkit.get("json_schema")(schema={"type": "objekt"})
    fenced = rewardkit.get("json_schema")(schema=PERSON, source="fence")
    assert fenced.score({"completion": GOOD}).value == 0.0  # no fence, nothing read


# Trajectories
def _call(call_id, name, arguments):
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}]}


def _result(call_id, content, **extra):
    return {"role": "tool", "tool_call_id": call_id, "content": content, **extra}


PLAN = [[{"name": "get_weather", "arguments": {"city": "Paris"}}], [{"name": "get_time", "arguments": {"zone": "CET"}}]]
GOOD_RUN = [_call("a", "get_weather", '{"city": "Paris"}'), _result("a", '{"temp": 21}'),
            _call("b", "get_time", '{"zone": "CET"}'), _result("b", '"12:00"'),
            {"role": "assistant", "content": "<answer>21 degrees at 12:00</answer>"}]
TRAJECTORY_CASES = [
    ("the plan followed", GOOD_RUN, {"tool_plan": 1.0, "tool_errors": 0.0, "turn_budget": 0.0, "exact_match": 1.0}),
    ("steps swapped", [GOOD_RUN[2], GOOD_RUN[3], GOOD_RUN[0], GOOD_RUN[1], GOOD_RUN[4]],
     {"tool_plan": 0.5, "tool_errors": 0.0, "turn_budget": 0.0, "exact_match": 1.0}),  # one step in order
    ("a failed call retried", [_call("x", "get_weather", '{"town": "Paris"}'), _result("x", "bad", is_error=True),
                               *GOOD_RUN],
     {"tool_plan": 2 / 3, "tool_errors": -0.1, "turn_budget": -0.1, "exact_match": 1.0}),
    ("the tool erred", [GOOD_RUN[0], _result("a", '{"error": "rate limited"}'), *GOOD_RUN[2:]],
     {"tool_plan": 1.0, "tool_errors": -0.1, "turn_budget": 0.0, "exact_match": 1.0}),
    ("stops after one step, wrong answer", [*GOOD_RUN[:2], {"role": "assistant", "content": "<answer>20</answer>"}],
     {"tool_plan": 0.5, "tool_errors": 0.0, "turn_budget": 0.0, "exact_match": 0.0}),
]
TRAJECTORY_RECIPE = [{"use": "tool_plan", "credit": "argument"}, {"use": "tool_errors", "penalty": 0.1},
                     {"use": "turn_budget", "max_turns": 3, "penalty": 0.1}, {"use": "exact_match"}]


@pytest.mark.parametrize(("what", "completion", "components"), TRAJECTORY_CASES, ids=[c[0] for c in TRAJECTORY_CASES])
def test_trajectory_leaves_compose_in_a_recipe(what, completion, components):
    reward = rewardkit.build(TRAJECTORY_RECIPE)
    got = reward.score({"completion": completion, "tool_plan": PLAN, "tools": TOOLS,
                        "answer": "21 degrees at 12:00"})
    assert got.components == pytest.approx(components), got.reason
    assert got.value == pytest.approx(sum(components.values()))


def test_tool_errors_counts_a_call_once():
    bad = [_call("x", "get_stock", "{}"), _result("x", '{"error": "no such tool"}')]
    got = rewardkit.get("tool_errors")(penalty=0.3).score({"completion": bad, "tools": TOOLS})
    assert got.value == pytest.approx(-0.3)
    capped = rewardkit.get("tool_errors")(penalty=0.3, max_penalty=0.5).score(
        {"completion": bad * 3, "tools": TOOLS})
    assert capped.value == pytest.approx(-0.5)
