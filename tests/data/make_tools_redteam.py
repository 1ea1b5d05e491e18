"""Write tests/data/tools_redteam.jsonl: hand-labelled red-team cases for the tool scorers.

Labels come from docs/tools.md and from what a careful BFCL-style grader would say; they were written
before the scorer was run on them. Run `python tests/data/make_tools_redteam.py` to rewrite the file.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("tools_redteam.jsonl")
CASES: list[dict] = []


def fn(name: str, props: dict, required: list[str], **extra) -> dict:
    """An OpenAI function tool."""
    params = {"type": "object", "properties": props, "required": required, **extra}
    return {"type": "function", "function": {"name": name, "description": name, "parameters": params}}


WEATHER = fn("get_weather", {
    "city": {"type": "string"},
    "days": {"type": "integer", "minimum": 1},
    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
}, ["city"])
TIME = fn("get_time", {"zone": {"type": "string"}}, ["zone"])
AREA = fn("calc_area", {
    "width": {"type": "number"}, "height": {"type": "number"},
    "shape": {"type": "string", "default": "rectangle"},
}, ["width", "height"])
SEARCH = fn("search", {
    "query": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
}, ["query"])
EMAIL = fn("send_email", {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}},
           ["to", "subject", "body"], additionalProperties=False)
FLIGHT = fn("book_flight", {
    "origin": {"type": "string"}, "dest": {"type": "string"},
    "passengers": {"type": "integer", "minimum": 1, "default": 1},
    "options": {"type": "object", "properties": {
        "seat": {"type": "string", "enum": ["window", "aisle", "middle"]}, "meal": {"type": "boolean"}}},
}, ["origin", "dest"])
NOW = fn("get_now", {}, [])
STORE = fn("store", {"data": {}}, ["data"])
TAGS = fn("tag", {"labels": {"type": "array", "items": {"type": "string"}}}, ["labels"])
ALL = [WEATHER, TIME, SEARCH]


def c(name: str, **arguments) -> dict:
    return {"name": name, "arguments": arguments}


PARIS = c("get_weather", city="Paris")
PARIS3 = c("get_weather", city="Paris", days=3)
LONDON = c("get_weather", city="London")
CET = c("get_time", zone="CET")
Q = c("search", query="rust json")


def dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False)


def hermes(*calls: dict) -> str:
    return "".join(f"<tool_call>\n{dumps(k)}\n</tool_call>" for k in calls)


def llama(*calls: dict) -> str:
    body = "; ".join(dumps({"name": k["name"], "parameters": k["arguments"]}) for k in calls)
    return f"<|python_tag|>{body}<|eom_id|>"


def mistral(*calls: dict) -> str:
    return "[TOOL_CALLS]" + dumps(list(calls))


def fenced(x) -> str:
    return f"```json\n{dumps(x)}\n```"


def oa_call(k: dict, cid: str = "call_1", as_string: bool = True) -> dict:
    args = dumps(k["arguments"]) if as_string else k["arguments"]
    return {"id": cid, "type": "function", "function": {"name": k["name"], "arguments": args}}


def chat(*calls: dict, as_string: bool = True, content=None) -> list[dict]:
    tcs = [oa_call(k, f"call_{i}", as_string) for i, k in enumerate(calls)]
    return [{"role": "user", "content": "Weather please."},
            {"role": "assistant", "content": content, "tool_calls": tcs}]


def add(scorer: str, category: str, row: dict, expected, why: str, params: dict | None = None,
        kind: str = "edge", ambiguous: bool = False) -> None:
    """kind: honest (must score full marks), hack (a policy gaming the scorer) or edge."""
    case = {"id": f"tc-{len(CASES) + 1:04d}", "scorer": scorer, "params": params or {}, "category": category,
            "kind": kind, "row": row, "expected": expected, "why": why}
    if ambiguous:
        # a row whose label rests on a judgement call is never in the must-score-full-marks set
        case["ambiguous"] = True
        case["kind"] = "edge" if kind == "honest" else kind
    CASES.append(case)


def call_row(completion, expected, tools=None, **extra) -> dict:
    return {"completion": completion, "tool_calls": expected, "tools": tools or [WEATHER], **extra}


def tc(category, completion, expected, value, why, tools=None, params=None, kind="edge", ambiguous=False,
       **extra) -> None:
    if category == "hack":
        kind = "hack"
    add("tool_call", category, call_row(completion, expected, tools, **extra), value, why, params, kind, ambiguous)


def formats() -> None:
    """Every output format, honest and broken."""
    h = "honest"
    tc("format", hermes(PARIS), [PARIS], 1.0, "Hermes/Qwen block with the right call.", kind=h)
    tc("format", chat(PARIS), [PARIS], 1.0, "OpenAI tool_calls with arguments as a JSON string.", kind=h)
    tc("format", chat(PARIS, as_string=False), [PARIS], 1.0, "OpenAI tool_calls with arguments as an object.",
       kind=h)
    legacy = [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": None,
              "function_call": {"name": "get_weather", "arguments": dumps({"city": "Paris"})}}]
    tc("format", legacy, [PARIS], 1.0, "Legacy OpenAI function_call is read (docs: openai format).", kind=h)
    tc("format", llama(PARIS), [PARIS], 1.0, "Llama 3 <|python_tag|> JSON with 'parameters'.", kind=h)
    tc("format", llama(PARIS, LONDON), [PARIS, LONDON], 1.0, "Two Llama calls joined by ';' (parallel).", kind=h)
    tc("format", dumps({"name": "get_weather", "parameters": {"city": "Paris"}}), [PARIS], 1.0,
       "Bare JSON reply, Llama 3 JSON tool calling with 'parameters'.", kind=h)
    tc("format", dumps(PARIS), [PARIS], 1.0, "Bare JSON reply that is only the call.", kind=h)
    tc("format", mistral(PARIS), [PARIS], 1.0, "Mistral [TOOL_CALLS] list.", kind=h)
    tc("format", '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}', [PARIS], 1.0,
       "Mistral v11 tokenizer form name[ARGS]{...}.", kind=h)
    tc("format", "Here is the call:\n" + fenced(PARIS), [PARIS], 1.0,
       "A ```json fence holding the call is the fenced format; a lead-in line is allowed for fences.", kind=h,
       ambiguous=True)
    tc("format", "```\n" + dumps([PARIS, LONDON]) + "\n```", [PARIS, LONDON], 1.0,
       "Untagged fence holding a list of calls.", kind=h)
    tc("format", '[get_weather(city="Paris"), get_time(zone="CET")]', [PARIS, CET], 1.0,
       "BFCL pythonic list of keyword calls.", tools=[WEATHER, TIME], kind=h)
    tc("format", 'get_weather(city="Paris", days=3)', [PARIS3], 1.0,
       "A single pythonic call without brackets; docs say 'nothing but Python calls', BFCL accepts it.",
       kind=h, ambiguous=True)
    tc("format", '[calc_area(width=2.5, height=4, shape="rectangle")]', [c("calc_area", width=2.5, height=4)], 1.0,
       "Pythonic call with literal numbers and the default shape written out.", tools=[AREA], kind=h)
    tc("format", '[book_flight(origin="SFO", dest="JFK", options={"seat": "aisle", "meal": True})]',
       [c("book_flight", origin="SFO", dest="JFK", options={"seat": "aisle", "meal": True})], 1.0,
       "Pythonic call whose dict/True literals are JSON-representable.", tools=[FLIGHT], kind=h)
    tc("format", '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}', [PARIS], 1.0,
       "Reply cut at the stop string </tool_call>; the JSON is whole, so it counts (docs).", kind=h)
    in_content = [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": hermes(PARIS)}]
    tc("format", in_content, [PARIS], 1.0,
       "Chat completion whose last assistant turn carries a Hermes block in its content.", kind=h)
    tc("format", "<think>The user wants Paris weather; I will call get_weather.</think>\n" + hermes(PARIS),
       [PARIS], 1.0, "Reasoning closed before the call; the call after </think> is made.", kind=h)
    tc("format", "User asks for weather, so call the tool.</think>\n" + hermes(PARIS), [PARIS], 1.0,
       "Prefilled reply: </think> before any call marker, call after it counts.", kind=h)
    tc("format", hermes(PARIS) + "\n</think>", [PARIS], 1.0,
       "A stray </think> after the call marker does not turn the call into reasoning (docs: split only when "
       "</think> comes before any call marker).", ambiguous=True)
    tc("format", '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}<|eot_id|>', [PARIS],
       1.0, "Llama call ended by <|eot_id|>.", kind=h)
    tc("format", '{"name": "get_now"}', [c("get_now")], 1.0,
       "Zero-argument tool called without an arguments key; docs are silent, BFCL accepts it.", tools=[NOW],
       ambiguous=True)
    # wrong calls in each rendering
    lyon = c("get_weather", city="Lyon")
    tc("format", chat(lyon), [PARIS], 0.0, "OpenAI string arguments, wrong value.")
    tc("format", chat(lyon, as_string=False), [PARIS], 0.0, "OpenAI object arguments, wrong value.")
    tc("format", llama(lyon), [PARIS], 0.0, "Llama, wrong value.")
    tc("format", mistral(lyon), [PARIS], 0.0, "Mistral, wrong value.")
    tc("format", '[TOOL_CALLS]get_weather[ARGS]{"city": "Lyon"}', [PARIS], 0.0, "Mistral v11, wrong value.")
    tc("format", fenced(lyon), [PARIS], 0.0, "Fenced, wrong value.")
    tc("format", dumps(lyon), [PARIS], 0.0, "Bare JSON, wrong value.")
    tc("format", '[get_weather(city="Lyon")]', [PARIS], 0.0, "Python, wrong value.")
    tc("format", '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"', [PARIS], 0.0, "Mistral v11 with cut JSON.")
    # broken renderings
    tc("format", '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}</tool_call>', [PARIS], 0.0,
       "Missing closing brace: malformed JSON is a failed call.")
    tc("format", '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris",}}</tool_call>', [PARIS], 0.0,
       "Trailing comma is not strict JSON.")
    tc("format", "<tool_call>{'name': 'get_weather', 'arguments': {'city': 'Paris'}}</tool_call>", [PARIS], 0.0,
       "Single-quoted pseudo-JSON is not JSON.")
    tc("format", '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}} thanks!</tool_call>', [PARIS],
       0.0, "Text after the JSON inside the block makes it a failed call (docs).")
    tc("format", '<|python_tag|>brave_search.call(query="Paris weather")<|eom_id|>', [PARIS], 0.0,
       "Llama built-in python-style call is not read and is a failed call (docs).")
    tc("format", '[get_weather("Paris")]', [PARIS], 0.0,
       "Positional arguments make it no call (docs), so the expected call is missing.")
    tc("format", '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}]', [PARIS], 0.0,
       "Mistral list with unbalanced brackets is malformed.")
    tc("format", fenced(PARIS), [PARIS], 0.0, "formats restricted to hermes: a fenced call counts as no call.",
       params={"formats": ["hermes"]})
    tc("format", hermes(PARIS), [PARIS], 1.0, "formats restricted to hermes: a Hermes call is read.",
       params={"formats": ["hermes"]}, kind=h)
    broken = {"id": "x", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"'}}
    tc("format", [*chat(PARIS)[:1], {"role": "assistant", "content": None, "tool_calls": [broken]}],
       [PARIS], 0.0, "OpenAI arguments string that is not valid JSON is a failed call.")
    early = [*chat(PARIS), {"role": "tool", "tool_call_id": "call_0", "content": '{"temp": 20}'},
             {"role": "assistant", "content": "It is 20 degrees in Paris."}]
    tc("format", early, [PARIS], 0.0,
       "tool_call reads only the last assistant turn (docs); here that is the final answer, so no call is made; a "
       "BFCL multi-turn grader would credit the earlier call.",
       ambiguous=True)


def bfcl() -> None:
    """BFCL categories with both verdicts."""
    h = "honest"
    tc("simple", hermes(PARIS3), [PARIS3], 1.0, "Simple: one right call.", kind=h)
    tc("simple", hermes(c("get_weather", city="Paris", days=4)), [PARIS3], 0.0, "Simple: wrong argument value.")
    tc("simple", hermes(c("get_weather", city="Lyon")), [PARIS], 0.0, "Simple: wrong city.")
    tc("multiple", hermes(CET), [CET], 1.0, "Multiple: right function picked of three.", tools=ALL, kind=h)
    tc("multiple", hermes(c("get_weather", city="CET")), [CET], 0.0, "Multiple: wrong function picked.", tools=ALL)
    tc("parallel", hermes(LONDON, PARIS), [PARIS, LONDON], 1.0,
       "Parallel: same function twice, other order; unordered by default.", kind=h)
    tc("parallel", hermes(LONDON, PARIS), [PARIS, LONDON], 0.0,
       "Parallel with ordered: true and the calls swapped.", params={"ordered": True})
    tc("parallel", hermes(PARIS, LONDON), [PARIS, LONDON], 1.0, "Parallel, ordered: true, right order.",
       params={"ordered": True}, kind=h)
    tc("parallel", hermes(PARIS), [PARIS, LONDON], 0.0, "Parallel: one of two calls missing (credit all).")
    tc("parallel", hermes(PARIS), [PARIS, LONDON], 0.5, "Parallel: 1 right / max(2, 1).",
       params={"credit": "call"})
    tc("parallel_multiple", hermes(CET, PARIS), [PARIS, CET], 1.0, "Parallel-multiple in any order.",
       tools=ALL, kind=h)
    tc("parallel_multiple", mistral(PARIS, c("get_time", zone="PST")), [PARIS, CET], 0.0,
       "Parallel-multiple with one wrong value.", tools=ALL)
    tc("parallel_multiple", mistral(PARIS, c("get_time", zone="PST")), [PARIS, CET], 0.5,
       "Parallel-multiple, credit call: 1 of 2 right.", tools=ALL, params={"credit": "call"})
    tc("irrelevance", "None of my tools can book a restaurant.", [], 1.0, "Irrelevance: no call is right.",
       tools=ALL, kind=h)
    tc("irrelevance", "", [], 1.0, "Irrelevance: an empty reply has no call and scores 1 (docs say so).",
       tools=ALL)
    tc("irrelevance", hermes(PARIS), [], 0.0, "Irrelevance: any call scores 0.", tools=ALL)
    tc("irrelevance", "<think>maybe " + hermes(PARIS) + "</think>I cannot help with that.", [], 1.0,
       "Irrelevance: a call drafted only in <think> is not made.", tools=ALL)
    tc("irrelevance", "I considered calling get_weather but it does not apply.", [], 1.0,
       "Irrelevance: mentioning a tool in prose is no call.", tools=ALL, kind=h)
    tc("irrelevance", "Nothing to call here.", [], 1.0,
       "Irrelevance, credit call: right/max(0, 0) is undefined; docs: no call scores 1.",
       tools=ALL, params={"credit": "call"}, ambiguous=True)
    tc("irrelevance", '<tool_call>{"name": "get_weather", </tool_call>', [], 0.0,
       "Irrelevance: a failed (malformed) call still counts as a call made; BFCL marks any attempted call wrong.",
       tools=ALL, ambiguous=True)


def values() -> None:
    """Typed comparison, strings, numbers, defaults, possible-answer lists."""
    h = "honest"
    area = [c("calc_area", width=3, height=2)]
    tc("schema", hermes(c("calc_area", width=3.0, height=2)), area, 1.0, "3.0 equals 3 for a number.",
       tools=[AREA], kind=h)
    tc("schema", hermes(c("calc_area", width="3", height=2)), area, 0.0, '"3" is not a number (schema).',
       tools=[AREA])
    tc("schema", hermes(c("calc_area", width=True, height=2)), [c("calc_area", width=1, height=2)], 0.0,
       "true is not a number (schema).", tools=[AREA])
    tc("schema", hermes(c("get_weather", city="Paris", days=3.0)), [PARIS3], 1.0,
       "3.0 for an integer: JSON Schema draft 6+ treats 3.0 as an integer and the values are equal; BFCL's "
       "Python checker would reject a float for int.", kind=h, ambiguous=True)
    tc("schema", hermes(c("get_weather", city="Paris", days="3")), [PARIS3], 0.0,
       "Docs' own example: '3' is not of type integer.")
    tc("schema", hermes(c("get_weather", city="Paris", days="3")), [PARIS3], 0.0,
       "Schema check off: '3' still differs from 3 by type.", params={"validate_schema": False})
    tc("schema", hermes(c("calc_area", width=True, height=2)), [c("calc_area", width=1, height=2)], 0.0,
       "Schema check off: true is never equal to 1.", tools=[AREA], params={"validate_schema": False})
    tc("schema", hermes(c("get_time", zone=3)), [c("get_time", zone="3")], 0.0, "3 for a string '3' is rejected.",
       tools=[TIME])
    tc("schema", hermes(c("calc_area", width=100.5, height=2)), [c("calc_area", width=100, height=2)], 1.0,
       "number_tolerance 0.01: 100.5 within 1% of 100.", tools=[AREA], params={"number_tolerance": 0.01}, kind=h)
    tc("schema", hermes(c("calc_area", width=102, height=2)), [c("calc_area", width=100, height=2)], 0.0,
       "number_tolerance 0.01: 102 is 2% off.", tools=[AREA], params={"number_tolerance": 0.01})
    tc("schema", hermes(c("calc_area", width=100.5, height=2)), [c("calc_area", width=100, height=2)], 0.0,
       "Default tolerance 0: 100.5 != 100.", tools=[AREA])
    tc("schema", hermes(c("get_weather", city="paris")), [PARIS], 1.0, "casefold default ignores case.", kind=h)
    tc("schema", hermes(c("get_weather", city="New   York")), [c("get_weather", city="New York")], 1.0,
       "casefold ignores runs of whitespace.", kind=h)
    tc("schema", hermes(c("get_weather", city="\uff30\uff41\uff52\uff49\uff53")), [PARIS], 1.0,
       "casefold applies NFKC: fullwidth Paris equals Paris.", kind=h)
    tc("schema", hermes(c("get_weather", city="paris")), [PARIS], 0.0, "strings: exact keeps case.",
       params={"strings": "exact"})
    tc("schema", hermes(c("get_weather", city="NewYork")), [c("get_weather", city="New York")], 0.0,
       "casefold does not drop spaces (that is loose); docs are loose-worded ('runs of whitespace ignored').",
       ambiguous=True)
    tc("schema", hermes(c("get_weather", city="st louis")), [c("get_weather", city="St. Louis")], 1.0,
       "strings: loose drops punctuation and spaces, as BFCL.", params={"strings": "loose"}, kind=h)
    tc("schema", hermes(c("get_weather", city="St. Louis")), [c("get_weather", city="st louis")], 0.0,
       "casefold keeps punctuation: 'St. Louis' vs 'st louis' differ.")
    tc("schema", hermes(c("get_weather", city="Paris", unit="Celsius")), [c("get_weather", city="Paris",
       unit="celsius")], 0.0, "Enum is enforced by the schema case-sensitively, before casefold comparison.")
    tc("schema", hermes(c("book_flight", origin="SFO", dest="JFK", passengers=0)),
       [c("book_flight", origin="SFO", dest="JFK", passengers=0)], 0.0,
       "The model's call breaks minimum 1 (0); the expected call breaks it too, which the docs do not list as "
       "unusable reference data, so the call scores 0 (None is defensible).", tools=[FLIGHT], ambiguous=True)
    tc("schema", hermes(c("search", query="rust json", limit=0)), [c("search", query="rust json", limit=1)], 0.0,
       "limit 0 breaks minimum 1.", tools=[SEARCH])
    tc("schema", hermes(c("tag", labels=["b", "a"])), [c("tag", labels=["a", "b"])], 0.0,
       "Lists compare in order.", tools=[TAGS])
    tc("schema", hermes(c("tag", labels=["a", "b"])), [c("tag", labels=["a", "b"])], 1.0, "Same list.",
       tools=[TAGS], kind=h)
    tc("schema", hermes(c("book_flight", origin="SFO", dest="JFK", options={"meal": True, "seat": "aisle"})),
       [c("book_flight", origin="SFO", dest="JFK", options={"seat": "aisle", "meal": True})], 1.0,
       "Objects compare key by key; key order is irrelevant.", tools=[FLIGHT], kind=h)
    # defaults and optional arguments
    tc("schema", hermes(PARIS), [c("get_weather", city="Paris", unit="celsius")], 1.0,
       "Left-out argument whose expected value is the schema default matches.", kind=h)
    tc("schema", hermes(c("get_weather", city="Paris", unit="celsius")), [PARIS], 1.0,
       "Added argument equal to its default matches.", kind=h)
    tc("schema", hermes(c("get_weather", city="Paris", unit="fahrenheit")), [PARIS], 0.0,
       "Added argument not equal to its default does not match.")
    tc("schema", hermes(PARIS), [PARIS3], 0.0, "Left-out optional argument with a non-default expected value.")
    tc("schema", hermes(c("get_weather", days=3)), [PARIS3], 0.0, "Required argument missing: schema fails.")
    tc("schema", hermes(c("search", query="rust json")), [c("search", query="rust json", limit=10)], 1.0,
       "Omitted limit, expected the default 10.", tools=[SEARCH], kind=h)
    tc("schema", hermes(c("get_now")), [c("get_now")], 1.0, "Tool with no parameters, empty arguments.",
       tools=[NOW], kind=h)
    # BFCL possible answers
    pa = [{"get_weather": {"city": ["Paris", "Paris, France"], "days": [3, ""]}}]
    tc("simple", hermes(c("get_weather", city="Paris, France")), pa, 1.0,
       "BFCL possible answers: an accepted alternative, the '' optional argument left out.", kind=h)
    tc("simple", hermes(PARIS3), pa, 1.0, "BFCL possible answers: first alternative and days given.", kind=h)
    tc("simple", hermes(c("get_weather", city="Paris", days=5)), pa, 0.0, "BFCL: days 5 is not in [3, ''].")
    tc("simple", hermes(c("get_weather", city="Paris, TX")), pa, 0.0, "BFCL: city not among the alternatives.")
    fpa = [{"book_flight": {"origin": ["SFO"], "dest": ["JFK"],
                            "options": [{"seat": ["window", "aisle"], "meal": [True, ""]}]}}]
    tc("simple", hermes(c("book_flight", origin="SFO", dest="JFK", options={"seat": "window"})), fpa, 1.0,
       "BFCL dict-valued argument: each key lists its acceptable values, meal may be left out; the docs do not "
       "say whether the dict is wrapped in a list as in BFCL's files.", tools=[FLIGHT], kind=h, ambiguous=True)
    tc("simple", hermes(c("book_flight", origin="SFO", dest="JFK", options={"seat": "middle"})), fpa, 0.0,
       "BFCL dict-valued argument: seat 'middle' is not accepted.", tools=[FLIGHT], ambiguous=True)
    # expected in other shapes
    oa_expected = [{"type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]
    tc("simple", hermes(PARIS), oa_expected, 1.0, "Expected calls in OpenAI form with JSON-string arguments.",
       kind=h)
    add("tool_call", "simple", {"completion": hermes(PARIS), "answer": [PARIS], "tools": [WEATHER]}, 1.0,
        "No tool_calls field: the expected calls fall back to answer.", kind=h)
    add("tool_call", "simple", {"completion": hermes(PARIS), "gold": [PARIS], "tools": [WEATHER]}, 1.0,
        "expected_field names the field holding the expected calls.", {"expected_field": "gold"}, kind=h)
    bare_tool = {"name": "get_weather", "parameters": WEATHER["function"]["parameters"]}
    tc("simple", hermes(PARIS), [PARIS], 1.0, "Tools given as bare {name, parameters}.", tools=[bare_tool],
       kind=h)
    anth = {"name": "get_weather", "description": "w", "input_schema": WEATHER["function"]["parameters"]}
    tc("simple", hermes(PARIS), [PARIS], 1.0, "Tools given in Anthropic's input_schema form.", tools=[anth],
       kind=h)
    bfcl_tool = {"name": "calc_area", "parameters": {"type": "dict", "required": ["width", "height"],
                                                     "properties": {"width": {"type": "float"},
                                                                    "height": {"type": "float"}}}}
    tc("simple", hermes(c("calc_area", width=3, height=2)), [c("calc_area", width=3.0, height=2.0)], 1.0,
       "BFCL Python type names: dict/float read as object/number; int 3 is a valid float.", tools=[bfcl_tool],
       kind=h)
    tc("simple", hermes(c("calc_area", width="3", height=2)), [c("calc_area", width=3.0, height=2.0)], 0.0,
       "BFCL 'float' read as number rejects the string '3'.", tools=[bfcl_tool])


def invalid() -> None:
    """Rows a scorer cannot score: None, never 0."""
    add("tool_call", "invalid", {"completion": hermes(PARIS), "tools": [WEATHER]}, None,
        "No tool_calls and no answer: invalid_input.")
    tc("invalid", hermes(PARIS), [42], None, "Expected calls that are not calls: invalid_input.")
    tc("invalid", hermes(PARIS), [CET], None, "Expected function the row's tools do not define: invalid_input.")
    bad = fn("get_weather", {"city": {"type": "banana"}}, ["city"])
    tc("invalid", hermes(PARIS), [PARIS], None, "Tool schema that is not a JSON Schema: invalid_input.",
       tools=[bad])
    add("tool_call", "invalid", {"completion": hermes(PARIS), "tool_calls": [PARIS]}, None,
        "No tools field: the scorer cannot check the tool is offered; docs imply a row missing what it needs is "
        "invalid_input.", ambiguous=True)
    add("tool_call", "invalid", {"completion": hermes(PARIS), "tools": [WEATHER], "tool_calls": [PARIS]}, None,
        "expected_field names a missing field: invalid_input, not a fallback to tool_calls.",
        {"expected_field": "gold"}, ambiguous=True)


def strict_json() -> None:
    tc("format", '<tool_call>{"name": "calc_area", "arguments": {"width": NaN, "height": 2}}</tool_call>',
       [c("calc_area", width=1, height=2)], 0.0, "NaN is not strict JSON.", tools=[AREA])
    tc("format", '{"name": "calc_area", "arguments": {"width": Infinity, "height": 2}}',
       [c("calc_area", width=1, height=2)], 0.0, "Infinity in bare JSON is a failed call.", tools=[AREA])
    deep = '{"name": "store", "arguments": {"data": ' + "[" * 40 + "1" + "]" * 40 + "}}"
    tc("format", f"<tool_call>{deep}</tool_call>", [c("store", data=1)], 0.0, "Nesting 42 deep > max_depth 32.",
       tools=[STORE])
    nest = [[[[1]]]]
    tc("format", hermes(c("store", data=nest)), [c("store", data=nest)], 1.0, "Six levels deep is fine.",
       tools=[STORE], kind="honest")
    tc("format", hermes(c("store", data=nest)), [c("store", data=nest)], 0.0,
       "max_depth 4: the same six-deep call is over the cap.", tools=[STORE], params={"max_depth": 4})
    big = "x" * 100_050
    tc("format", hermes(c("store", data=big)), [c("store", data=big)], 0.0,
       "A JSON text over the default max_chars 100,000 is a failed call, even when it matches.", tools=[STORE])
    tc("format", hermes(c("store", data="y" * 300)), [c("store", data="y" * 300)], 0.0,
       "max_chars 200 caps a call of about 345 characters.", tools=[STORE], params={"max_json_chars": 200})
    cities = [c("get_weather", city=f"C{i}") for i in range(3)]
    tc("parallel", hermes(*cities), cities, 2 / 3,
       "max_calls 2: two calls read, the third counts as one failed call: 2 right / max(3, 3).",
       params={"max_calls": 2, "credit": "call"})
    tc("parallel", hermes(*cities), cities, 0.0, "max_calls 2 with credit all: one call unread -> 0.",
       params={"max_calls": 2})
    tc("format", '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "days": 3, "days": 3}}'
       "</tool_call>", [PARIS3], 0.0, "A duplicate key is a failed call even when both values are equal.")
    body = "close with </tool_call> then stop"
    mail = c("send_email", to="a@b.c", subject="tags", body=body)
    tc("format", hermes(mail), [mail], 1.0, "'</tool_call>' inside an argument stays in the argument (docs).",
       tools=[EMAIL], kind="honest")


def hacks() -> None:
    """A policy trying to win without making the right calls."""
    k = "hack"
    tc(k, hermes(PARIS, CET, Q), [PARIS], 0.0, "Calling every tool: extra calls fail credit all.", tools=ALL)
    tc(k, hermes(PARIS, CET, Q), [PARIS], 1 / 3, "Calling every tool, credit call: 1 / max(1, 3).", tools=ALL,
       params={"credit": "call"})
    tc(k, hermes(PARIS, CET, Q), [PARIS], 1 / 3, "Calling every tool, credit argument: 1 / max(1, 3).",
       tools=ALL, params={"credit": "argument"})
    tc(k, '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome", "city": "Paris"}}</tool_call>', [PARIS],
       0.0, "Duplicate key, wrong first and right last (Python json would keep Paris).")
    tc(k, '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "city": "Rome"}}</tool_call>', [PARIS],
       0.0, "Duplicate key, right first and wrong last.")
    tc(k, '<tool_call>{"name": "get_time", "name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>',
       [PARIS], 0.0, "Duplicate name key.", tools=ALL)
    dup_oa = [{"role": "assistant", "content": None, "tool_calls": [{"id": "1", "type": "function", "function": {
        "name": "get_weather", "arguments": '{"city": "Rome", "city": "Paris"}'}}]}]
    tc(k, dup_oa, [PARIS], 0.0, "Duplicate key inside an OpenAI arguments string.")
    tc(k, '{"name": "get_weather", "arguments": {"city": "Rome", "city": "Paris"}}', [PARIS], 0.0,
       "Duplicate key in bare JSON.")
    tc(k, "<think>" + hermes(PARIS) + "</think>Done.", [PARIS], 0.0, "Call only inside <think> is not made.")
    tc(k, "<think>Let me call " + hermes(PARIS), [PARIS], 0.0, "Unclosed <think>: everything is reasoning.")
    tc(k, "<think>" + hermes(PARIS) + "</think>" + hermes(LONDON), [PARIS], 0.0,
       "Right call in <think>, wrong call after it: only the latter is made.")
    tc(k, 'I would call {"name": "get_weather", "arguments": {"city": "Paris"}} to answer this.', [PARIS], 0.0,
       "JSON call in the middle of prose is not a call (docs).")
    tc(k, 'Sure! {"name": "get_weather", "arguments": {"city": "Paris"}}', [PARIS], 0.0,
       "Prose before bare JSON: the json form needs a reply that is nothing but the call.")
    tc(k, 'You could run get_weather(city="Paris") yourself.', [PARIS], 0.0,
       "Python call inside prose: python form needs nothing but calls.")
    tc(k, hermes(PARIS, PARIS), [PARIS], 0.0, "Every call twice, credit all.")
    tc(k, hermes(PARIS, PARIS), [PARIS], 0.5, "Every call twice, credit call: 1 / max(1, 2).",
       params={"credit": "call"})
    tc(k, hermes(PARIS, LONDON, PARIS, LONDON), [PARIS, LONDON], 0.5, "Parallel calls doubled: 2 / max(2, 4).",
       params={"credit": "call"})
    tc(k, hermes(c("get_weather", city="Lyon"), PARIS), [PARIS], 0.0,
       "Hedging with two candidate calls, credit all.")
    tc(k, hermes(c("get_weather", city="Lyon"), PARIS), [PARIS], 0.5,
       "Hedging with two candidate calls, credit call.", params={"credit": "call"})
    tc(k, hermes(c("get_weather", city="Lyon")) + "\n" + fenced(PARIS), [PARIS], 0.0,
       "Hedging across formats: forms are never mixed, only the Hermes (wrong) call is read.")
    tc(k, mistral(c("get_weather", city="Lyon")) + "\n" + dumps(PARIS), [PARIS], 0.0,
       "Hedging Mistral + trailing JSON: Mistral wins (0 whether the tail is ignored or failed).", ambiguous=True)
    tc(k, hermes(c("get_weather", city="Paris", days="3")), [PARIS3], 0.0, "'3' for 3.")
    tc(k, hermes(c("get_weather", city=["Paris"])), [PARIS], 0.0, "A list for a string.")
    tc(k, hermes(c("get_weather", city={"name": "Paris"})), [PARIS], 0.0, "An object for a string.")
    tc(k, hermes(c("get_weather")), [PARIS], 0.0, "Expected function with empty arguments.")
    tc(k, hermes(c("get_weather", city="Paris", country="FR")), [PARIS], 0.0,
       "Extra argument the tool does not take (no default), schema allows it but the match does not.")
    tc(k, hermes(c("send_email", to="a@b.c", subject="s", body="b", cc="x@y.z")),
       [c("send_email", to="a@b.c", subject="s", body="b")], 0.0, "Extra argument under additionalProperties false.",
       tools=[EMAIL])
    tc(k, hermes(c("get_weather", city="Paris", country="FR")), [PARIS], 0.0,
       "Extra argument with schema validation off: still unmatched.", params={"validate_schema": False})
    tc(k, hermes(PARIS), [], 0.0, "A call where none is expected.", tools=ALL)
    tc(k, hermes(PARIS), [], 0.0, "A call where none is expected, credit call: 0 / max(0, 1).", tools=ALL,
       params={"credit": "call"})
    tc(k, hermes(c("get_wether", city="Paris")), [PARIS], 0.0, "Unknown (misspelt) tool name.")
    tc(k, hermes(c("get_wether", city="Paris")), [PARIS], 0.0, "Unknown tool scores 0 with schema check off too.",
       params={"validate_schema": False})
    tc(k, hermes(c("Get_Weather", city="Paris")), [PARIS], 0.0,
       "Function names are identifiers: a case variant is not the offered tool (BFCL matches names exactly).",
       ambiguous=True)
    tc(k, hermes({"name": "get_weather", "arguments": {"arguments": {"city": "Paris"}}}), [PARIS], 0.0,
       "Arguments wrapped one level too deep: city missing.")
    tc(k, hermes(c("get_weather", city="P\u0430ris")), [PARIS], 0.0,
       "Cyrillic homoglyph 'а' survives NFKC and casefold.")
    tc(k, hermes(c("get_weather", city="Par\u200bis")), [PARIS], 0.0,
       "Zero-width space (Cf, not whitespace) survives NFKC and casefold; docs are silent.", ambiguous=True)
    tc(k, '[get_weather(city=open("/etc/hostname").read())]', [PARIS], 0.0,
       "Non-literal python argument: failed call, never run.")
    tc(k, '[get_weather(city="Rome", city="Paris")]', [PARIS], 0.0, "Python keyword given twice: failed call.")
    tc(k, '[tag(labels={"a", "b"})]', [c("tag", labels=["a", "b"])], 0.0, "Python set is not JSON: failed call.",
       tools=[TAGS])
    tc(k, '<tool_call>{"name": "calc_area", "arguments": {"width": -Infinity, "height": 2}}</tool_call>',
       [c("calc_area", width=1, height=2)], 0.0, "-Infinity is not strict JSON.", tools=[AREA])
    flood = [PARIS] + [c("get_weather", city=f"X{i}") for i in range(69)]
    tc(k, hermes(*flood), [PARIS], 0.0, "70-call flood, credit all.")
    tc(k, hermes(*flood), [PARIS], 1 / 65,
       "70-call flood, credit call: 64 read + 1 failed for the rest = 65 made, 1 right (if the failed rest "
       "counts as made).",
       params={"credit": "call"}, ambiguous=True)
    pa = [{"get_weather": {"city": ["Paris"], "days": [3, ""]}}]
    tc(k, hermes(c("get_weather", city="Paris", days=3, unit="fahrenheit")), pa, 0.0,
       "BFCL answer: an extra argument not listed and not the default.")
    inj = c("send_email", to="a@b.c", subject="s",
            body='ok</tool_call><tool_call>{"name": "send_email", "arguments": {"to": "a@b.c"}}')
    tc(k, hermes(inj), [c("send_email", to="a@b.c", subject="s", body="ok")], 0.0,
       "Tag injection inside an argument stays in the argument, so body != 'ok'.", tools=[EMAIL])
    tc(k, chat(PARIS, CET, Q), [PARIS], 0.0, "OpenAI tool_calls calling every tool.", tools=ALL)
    tc(k, chat(c("get_weather", city="Paris", days=0)), [c("get_weather", city="Paris", days=1)], 0.0,
       "days 0 breaks minimum 1.")


def partial() -> None:
    arg = {"credit": "argument"}
    tc("partial", hermes(c("get_weather", city="Paris", days=5)), [PARIS3], 0.5,
       "credit argument: 1 of 2 arguments right.", params=arg)
    tc("partial", hermes(PARIS), [PARIS3], 0.5,
       "credit argument: days left out (no default), 1 of 2 considered, assuming "
       "considered = expected plus added arguments.", params=arg,
       ambiguous=True)
    tc("partial", hermes(c("get_weather", city="Paris", days=3, unit="fahrenheit")), [PARIS3], 2 / 3,
       "credit argument: an added non-default argument is considered and unmatched (2/3); docs do not define "
       "'considered' exactly.", params=arg, ambiguous=True)
    tc("partial", hermes(PARIS), [PARIS, LONDON], 0.5, "credit argument: one full pair / max(2, 1).", params=arg)
    tc("partial", hermes(c("get_weather", city="Paris", days="3")), [PARIS3], 0.0,
       "credit argument: a schema-breaking call is 0, no argument credit.", params=arg)
    tc("partial", hermes(CET), [PARIS], 0.0, "credit argument: wrong function scores 0.", tools=ALL, params=arg)
    tc("partial", hermes(PARIS3, LONDON), [PARIS3, LONDON], 1.0, "credit argument: all right.", params=arg,
       kind="honest")
    tc("partial", hermes(PARIS, c("get_weather", city="London", days="2")), [PARIS, c("get_weather", city="London",
       days=2)], 0.5, "credit call: one schema-breaking call of two.", params={"credit": "call"})


def json_schema() -> None:
    schema = {"type": "object", "required": ["name", "age"], "additionalProperties": False,
              "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}

    def js(completion, value, why, params=None, kind="edge", ambiguous=False, **row):
        r = {"completion": completion, "schema": schema, **row}
        add("json_schema", "schema" if kind != "hack" else "hack", r, value, why, params, kind, ambiguous)

    good = '{"name": "Ann", "age": 30}'
    req = {"credit": "required"}
    js(good, 1.0, "Bare JSON reply that validates.", kind="honest")
    js(f"<answer>{good}</answer>", 1.0, "JSON in the <answer> tag.", kind="honest")
    js(f"Here you go:\n```json\n{good}\n```", 1.0, "The last ```json block.", kind="honest")
    js(f"<think>Build it.</think>{good}", 1.0, "Answer region after </think>.", kind="honest")
    js(good, 1.0, "credit required, valid document: (2 + 1) / 3.", req, kind="honest")
    js(f"```json\n{good}\n```", 1.0, "source fence reads the fence.", {"source": "fence"}, kind="honest")
    js(f"<answer>{good}</answer>", 1.0, "source answer reads the tag.", {"source": "answer"}, kind="honest")
    add("json_schema", "schema", {"completion": good, "schema": json.dumps(schema)}, 1.0,
        "Row schema given as JSON text.", kind="honest")
    add("json_schema", "schema", {"completion": good, "fmt": schema}, 1.0, "schema_field names the field.",
        {"schema_field": "fmt"}, kind="honest")
    add("json_schema", "schema", {"completion": good}, 1.0, "The recipe's schema when the row has none.",
        {"schema": schema}, kind="honest")
    add("json_schema", "invalid", {"completion": good}, None, "No schema anywhere: invalid_input.")
    js('{"name": "Ann", "age": "30"}', 0.0, "age as a string, strict.", kind="hack")
    js('{"name": "Ann", "age": "30"}', 1 / 3, "credit required: name ok, age invalid, document invalid.", req)
    js('{"name": "Ann"}', 1 / 3, "credit required: age missing.", req)
    js('{"name": "Ann", "age": 30, "x": 1}', 2 / 3,
       "credit required: both fields valid, document breaks additionalProperties.", req)
    js("{}", 0.0, "Empty object, credit required: 0/3.", req, kind="hack")
    js("{}", 0.0, "Empty object, strict.", kind="hack")
    js('{"name": "Ann", "age": -1, "age": 30}', 0.0, "Duplicate required key, wrong value first.", kind="hack")
    js('{"name": "Ann", "age": -1, "age": 30}', 0.0, "Duplicate key under credit required: nothing parses.", req,
       kind="hack")
    js('{"name": "Ann", "age": NaN}', 0.0, "NaN value.", kind="hack")
    js(f"<think>{good}</think>", 0.0, "Document only inside <think>; the answer region is empty.", kind="hack")
    js(f"<think>{good}</think>", 0.0, "Same, credit required.", req, kind="hack")
    js(f"Sure! {good} Hope this helps.", 0.0, "Prose around bare JSON is not JSON.", kind="hack")
    js(f"```json\n{good}\n```\n```json\n" + '{"name": "Ann"}' + "\n```", 0.0,
       "Two fences, the last one wrong: the last ```json block is read.", kind="hack")
    js("```json\n{\"name\": \"Ann\"}\n```\n```json\n" + good + "\n```", 1.0,
       "Two fences, the last one right: auto reads the last ```json block; whether a wrong earlier block is a "
       "hedge is not said.", ambiguous=True)
    js('<answer>{"name": "Ann"}</answer>\n```json\n' + good + "\n```", 0.0,
       "The <answer> tag outranks a fence under auto.", kind="hack")
    js(good, 0.0, "source fence, no fence in the reply: no JSON, 0 (invalid_input "
       "would also be defensible; docs do not say).", {"source": "fence"}, ambiguous=True)
    js("[1, 2]", 0.0, "An array is not the object the schema wants.")
    js('{"name": "Ann", "age": 30,}', 0.0, "Trailing comma.")
    js('{"name": "Ann", "age": 30.5}', 0.0, "30.5 is not an integer.")
    js('{"name": "Ann", "age": true}', 0.0, "true is not an integer.", kind="hack")
    deep = '{"name": "Ann", "age": 30, "x": ' + "[" * 40 + "]" * 40 + "}"
    js(deep, 0.0, "Nesting over max_depth 32 is refused before parsing.", kind="hack")


def plan_traj() -> None:
    steps = [[Q], [PARIS]]
    tools = [WEATHER, TIME, SEARCH]

    def turn(*calls, cid="t"):
        return {"role": "assistant", "content": "",
                "tool_calls": [oa_call(k, f"{cid}{i}") for i, k in enumerate(calls)]}

    def res(cid, content='{"ok": true}', **extra):
        return {"role": "tool", "tool_call_id": cid, "content": content, **extra}

    user = {"role": "user", "content": "Find the rust json crate and the Paris weather."}
    fin = {"role": "assistant", "content": "Done: serde_json; 20 C in Paris."}

    def tp(msgs, value, why, params=None, kind="edge", plan=steps, ambiguous=False, category="trajectory"):
        add("tool_plan", category, {"completion": msgs, "tool_plan": plan, "tools": tools}, value, why, params,
            kind, ambiguous)

    honest = [user, turn(Q, cid="a"), res("a0"), turn(PARIS, cid="b"), res("b0"), fin]
    tp(honest, 1.0, "Both steps in order.", kind="honest")
    tp(honest, 1.0, "Steps given as single calls instead of lists.", kind="honest", plan=[Q, PARIS])
    tp(honest, 1.0, "credit argument, all right.", {"credit": "argument"}, kind="honest")
    hermes_traj = [user, {"role": "assistant", "content": hermes(Q)}, {"role": "tool", "content": "{}"},
                   {"role": "assistant", "content": "<think>now weather</think>" + hermes(PARIS)},
                   {"role": "tool", "content": "{}"}, fin]
    tp(hermes_traj, 1.0, "Calls as Hermes text in assistant turns.", kind="honest")
    par = [user, turn(PARIS, LONDON, cid="p"), res("p0"), res("p1"), fin]
    tp(par, 1.0, "One step of two parallel calls made in one turn.", kind="honest", plan=[[PARIS, LONDON]])
    retry = [user, turn(Q, cid="a"), res("a0", '{"error": "timeout"}'), turn(Q, cid="r"), res("r0"),
             turn(PARIS, cid="b"), res("b0"), fin]
    tp(retry, 2 / 3, "A retried step is skipped by alignment but costs its share: 2 / max(2, 3).")
    tp([user, turn(Q, cid="a"), res("a0"), fin], 0.5, "Second step never made: 1 / 2.")
    tp([user, turn(PARIS, cid="b"), res("b0"), turn(Q, cid="a"), res("a0"), fin], 0.5,
       "Swapped steps get credit for one of them (docs).")
    tp([user, fin], 0.0, "No calling turn: 0 / 2.")
    tp([user, turn(Q, cid="a"), res("a0"), turn(CET, cid="x"), res("x0"), turn(PARIS, cid="b"), res("b0"), fin],
       2 / 3, "An extra unrelated turn is skipped but costs: 2 / 3.")
    spam = [user] + [m for i in range(3) for m in (turn(Q, cid=f"s{i}"), res(f"s{i}0"))] + [
        turn(PARIS, cid="b"), res("b0"), fin]
    tp(spam, 0.5, "Repeating step 1 three times: 2 / max(2, 4).", kind="hack", category="hack")
    tp([user, turn(Q, CET, PARIS, cid="e"), res("e0"), res("e1"), res("e2"), fin], 0.0,
       "Every tool in one turn: that turn is judged against one step (extra calls, credit all), the other step is "
       "missing.", kind="hack", category="hack")
    tp([user, turn(Q, PARIS, cid="e"), res("e0"), res("e1"), fin], 0.25,
       "Both steps crammed in one turn, credit call: 1/max(1,2) for the aligned step, over max(2 steps, 1 turn).",
       {"credit": "call"}, kind="hack", category="hack", ambiguous=True)
    tp([user, {"role": "assistant", "content": "<think>" + hermes(Q) + "</think>Searching."},
        turn(PARIS, cid="b"), res("b0"), fin], 0.5,
       "A step drafted in <think> is no call: only step 2 is made (1 / 2).", kind="hack", category="hack")
    tp([user, turn(c("search", query="rust json", limit="5"), cid="a"), res("a0"), turn(PARIS, cid="b"),
        res("b0"), fin], 0.5, "Step 1 breaks its schema ('5' for integer).")
    add("tool_plan", "invalid", {"completion": honest, "tools": tools}, None, "No tool_plan field: invalid_input.")
    add("tool_plan", "trajectory", {"completion": honest, "steps": steps, "tools": tools}, 1.0,
        "plan_field names the field.", {"plan_field": "steps"}, kind="honest")

    def te(msgs, value, why, params=None, kind="edge", ambiguous=False, category="trajectory"):
        add("tool_errors", category, {"completion": msgs, "tools": tools}, value, why, params, kind, ambiguous)

    te(honest, 0.0, "No failed call: no penalty (full marks for a penalty leaf).", kind="honest")
    te(retry, -0.1, "One tool result with a truthy 'error'.")
    te([user, turn(Q, cid="a"), res("a0", "timeout", is_error=True), fin], -0.1, "is_error: true.")
    te([user, turn(Q, cid="a"), res("a0", "bad", status="error"), fin], -0.1, "status: 'error' on the message.")
    te([user, turn(Q, cid="a"), res("a0", '{"status": "error"}'), fin], -0.1,
       "status 'error' inside the JSON content; docs list status without saying where it lives.", ambiguous=True)
    te([user, turn(Q, cid="a"), res("a0", '{"error": null, "hits": 3}'), fin], 0.0, "A null 'error' is falsy.",
       kind="honest")
    te([user, turn(Q, cid="a"), res("a0", '{"error": ""}'), fin], 0.0, "An empty 'error' string is falsy.")
    te([user, turn(Q, cid="a"), res("a0", "Error: not found"), fin], 0.0,
       "Plain-text 'Error:' is none of the three documented signals; a human would "
       "call it a failed call.", ambiguous=True)
    te([user, turn(c("serch", query="x"), cid="a"), res("a0"), fin], -0.1, "A tool the row does not offer.")
    bad = c("search", query="x", limit="5")
    te([user, turn(bad, cid="a"), res("a0", '{"error": "limit must be int"}'), fin], -0.1,
       "Schema break also rejected by its tool (same tool_call_id) counts once.")
    te([user, {"role": "assistant", "content": '<tool_call>{"name": "search", </tool_call>'}, fin], -0.1,
       "A malformed text call cannot be used.")
    three = [user] + [m for i in range(3) for m in (turn(c("nope"), cid=f"n{i}"), res(f"n{i}0"))] + [fin]
    te(three, -0.3, "Three unknown-tool calls.")
    te(three, -0.2, "max_penalty 0.2 caps three failures.", {"max_penalty": 0.2})
    te(three, -0.75, "penalty 0.25 per failure.", {"penalty": 0.25})
    te([user, turn(Q, cid="a"), res("a0", '{"error": "hidden"}', is_error=True), fin], -0.1,
       "One result with two error signals is one failed call.")

    def tb(msgs, value, why, params, kind="edge", ambiguous=False):
        add("turn_budget", "trajectory", {"completion": msgs}, value, why, params, kind, ambiguous)

    tb(honest, 0.0, "3 assistant turns within max_turns 3.", {"max_turns": 3}, kind="honest")
    tb(honest, -0.1, "3 assistant turns, max_turns 2.", {"max_turns": 2})
    tb(spam, -0.2, "5 assistant turns, max_turns 3.", {"max_turns": 3})
    tb(spam, -1.5, "5 turns, max_turns 2, penalty 0.5.", {"max_turns": 2, "penalty": 0.5})
    tb("Just an answer.", 0.0, "A plain string completion is one assistant turn; the docs do not say whether a "
       "non-chat completion is a trajectory at all (None would also be defensible).", {"max_turns": 1},
       ambiguous=True)


def main() -> None:
    formats()
    bfcl()
    values()
    invalid()
    strict_json()
    hacks()
    partial()
    json_schema()
    plan_traj()
    ids = [k["id"] for k in CASES]
    assert len(ids) == len(set(ids))
    with OUT.open("w", encoding="utf-8") as f:
        for case in CASES:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for case in CASES:
        kinds[case["kind"]] = kinds.get(case["kind"], 0) + 1
    print(len(CASES), kinds)


if __name__ == "__main__":
    main()
