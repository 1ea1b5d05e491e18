"""Tool calls out of a completion, in every common form. Parsing only: whether a call is right is `match`'s job.

Forms read (the `formats` names):
- `openai`: a chat message's `tool_calls` list (`{"type": "function", "function": {"name", "arguments"}}`, the
  arguments a JSON string or an object), or the legacy `function_call` field;
- `hermes`: `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` blocks (Hermes, Qwen 2.5 / 3);
- `llama`: `<|python_tag|>{"name": ..., "parameters": {...}}` (Llama 3.1+, several calls separated by `;`);
- `mistral`: `[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]`, and the newer `[TOOL_CALLS]name[ARGS]{...}`;
- `fenced`: a fenced ```json block holding a call or a list of calls;
- `json`: the whole reply is a JSON call or a list of calls (Llama 3's JSON tool calling);
- `python`: the whole reply is a Python call or a list of them with keyword arguments, `[get_weather(city="Paris")]`
  (BFCL's prompt format, Llama 3.2's "pythonic" calls). It is read with `ast` and `literal_eval`, never run.
A text is read after its reasoning (`after_reasoning`: calls drafted in `<think>` are not made), in the first form whose
marker it contains, in the order above; forms are never mixed. A call in the middle of prose is not a call: only
a marker, a fence, or a reply that is nothing but JSON (or Python calls) makes one, so "I would call
{"name": ...}" in an explanation earns nothing.

A call that cannot be used (malformed or duplicate-key JSON, arguments that are not an object, no name, over a
cap) is kept as a `ToolCall` with `error` set, so a scorer counts it as a failed call with that reason.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rewardkit.core import message_text
from rewardkit.extract import code_blocks
from rewardkit.scorers.tools import strict_json
from rewardkit.scorers.tools.strict_json import JSONProblem

Format = Literal["openai", "hermes", "llama", "mistral", "fenced", "json", "python"]
FORMATS: tuple[Format, ...] = ("openai", "hermes", "llama", "mistral", "fenced", "json", "python")
MAX_CALLS = 64  # calls read from one reply
_END_TOKENS = ("<|eom_id|>", "<|eot_id|>", "<|im_end|>", "</s>", "<|end|>")


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what is parsed. `max_chars` and `max_depth` bound each JSON document (see strict_json);
    `max_calls` bounds the calls read from one reply (the rest are one failed call)."""

    max_chars: int = strict_json.MAX_CHARS
    max_depth: int = strict_json.MAX_DEPTH
    max_calls: int = MAX_CALLS


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One call as the model wrote it. `arguments` is None exactly when `error` says why it is unusable."""

    name: str
    arguments: dict[str, Any] | None
    error: str = ""
    source: str = ""
    id: str = ""  # the OpenAI call id, which tool results name in `tool_call_id`

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True, slots=True)
class Parsed:
    """The calls of one reply and the form they were written in ('' when the reply makes no call)."""

    calls: tuple[ToolCall, ...] = ()
    format: str = ""
    text: str = field(default="", repr=False)  # the reply's text content, for scorers of the prose around calls


def _failed(reason: str, source: str, name: str = "", call_id: str = "") -> ToolCall:
    return ToolCall(name, None, reason, source, call_id)


def call_from_object(obj: Any, source: str, limits: Limits = Limits(), explicit: bool = True) -> ToolCall:
    """One call from a decoded JSON object in any of the usual shapes: `{"name", "arguments"}`,
    `{"name", "parameters"}`, `{"function": {"name", "arguments"}}`. Arguments may be a JSON string (OpenAI
    sends them so); `explicit` calls (behind a marker) may leave the arguments out, meaning none."""
    if not isinstance(obj, Mapping):
        return _failed(f"a call must be a JSON object, got {type(obj).__name__}", source)
    call_id = obj.get("id") if isinstance(obj.get("id"), str) else ""
    if isinstance(obj.get("function"), Mapping):
        obj = obj["function"]
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        return _failed(f"call has no function name (got {name!r})"[:120], source, call_id=call_id)
    key = "arguments" if "arguments" in obj else "parameters" if "parameters" in obj else None
    raw = obj.get(key) if key else ({} if explicit else None)
    if raw is None:
        return _failed("call has no arguments", source, name, call_id)
    if isinstance(raw, str):
        if not raw.strip():
            raw = {}
        else:
            try:
                raw = strict_json.loads(raw, limits.max_chars, limits.max_depth)
            except JSONProblem as exc:
                return _failed(f"arguments: {exc}", source, name, call_id)
    if not isinstance(raw, Mapping):
        return _failed(f"arguments must be a JSON object, got {type(raw).__name__}", source, name, call_id)
    if strict_json.value_depth(raw, limits.max_depth) > limits.max_depth:
        return _failed(f"arguments nested deeper than {limits.max_depth} levels", source, name, call_id)
    return ToolCall(name, dict(raw), "", source, call_id)


def _calls_from_json(text: str, source: str, limits: Limits, sequence: bool = False) -> list[ToolCall]:
    """Calls from JSON text: one object, a list of objects, or (with `sequence`) objects one after another."""
    try:
        values = strict_json.loads_sequence(text, limits.max_chars, limits.max_depth) if sequence \
            else [strict_json.loads(text, limits.max_chars, limits.max_depth)]
    except JSONProblem as exc:
        return [_failed(str(exc), source)]
    flat = [item for v in values for item in (v if isinstance(v, list) else [v])]
    if not flat:
        return [_failed("an empty list of calls", source)]
    return [call_from_object(item, source, limits) for item in flat]


def _strip_end(text: str) -> str:
    text = text.strip()
    for token in _END_TOKENS:
        if text.endswith(token):
            text = text[: -len(token)].rstrip()
    return text


def _hermes(text: str, limits: Limits) -> list[ToolCall]:
    calls, pos = [], 0
    while (start := text.find("<tool_call>", pos)) >= 0:
        body = start + len("<tool_call>")
        while body < len(text) and text[body].isspace():
            body += 1
        try:  # the JSON decides where the call ends, so a "</tool_call>" inside an argument does not cut it
            value, end = strict_json.decode_at(text, body, limits.max_chars, limits.max_depth)
        except JSONProblem as exc:
            close = text.find("</tool_call>", body)
            calls.append(_failed(str(exc), "hermes"))
            if close < 0:
                break
            pos = close + len("</tool_call>")
            continue
        rest = text[end:].lstrip()
        closed = rest.startswith("</tool_call>")
        # a reply cut at the stop string `</tool_call>` is still a call if its JSON is whole
        if not closed and _strip_end(rest):
            calls.append(_failed("text after the call inside <tool_call>", "hermes"))
        else:
            items = value if isinstance(value, list) and value else [value]
            calls.extend(call_from_object(item, "hermes", limits) for item in items)
        close = text.find("</tool_call>", end)
        if close < 0:
            break
        pos = close + len("</tool_call>")
    return calls


def _llama(text: str, limits: Limits) -> list[ToolCall]:
    body = _strip_end(text[text.find("<|python_tag|>") + len("<|python_tag|>"):])
    if not body.startswith(("{", "[")):
        return [_failed("<|python_tag|> is not followed by a JSON call (built-in python calls are not read)",
                        "llama")]
    return _calls_from_json(body, "llama", limits, sequence=True)


def _mistral(text: str, limits: Limits) -> list[ToolCall]:
    calls = []
    for segment in text.split("[TOOL_CALLS]")[1:]:
        segment = _strip_end(segment)
        if "[ARGS]" in segment and not segment.startswith(("[", "{")):  # v11 tokenizer: name[ARGS]{...}
            name, _, args = segment.partition("[ARGS]")
            calls.append(call_from_object({"name": name.strip(), "arguments": args.strip()}, "mistral", limits))
        else:
            calls.extend(_calls_from_json(segment, "mistral", limits, sequence=True))
    return calls


def _looks_like_call(value: Any) -> bool:
    items = value if isinstance(value, list) and value else [value]
    return all(isinstance(v, Mapping) and (isinstance(v.get("function"), Mapping) or (
        isinstance(v.get("name"), str) and ("arguments" in v or "parameters" in v))) for v in items)


def _unmarked(body: str, source: str, limits: Limits) -> list[ToolCall] | None:
    """Calls from JSON without a marker (a fence, a bare reply): None when it is JSON but not call-shaped,
    or not JSON and not even trying to be a call."""
    try:
        value = strict_json.loads(body, limits.max_chars, limits.max_depth)
    except JSONProblem as exc:
        return [_failed(str(exc), source)] if '"name"' in body else None
    if not _looks_like_call(value):
        return None
    return [call_from_object(v, source, limits, explicit=False) for v in (value if isinstance(value, list)
                                                                          else [value])]


def _fenced(text: str, limits: Limits) -> list[ToolCall]:
    calls = []
    for language, code in code_blocks(text):
        if language in ("json", "jsonc", ""):
            calls.extend(_unmarked(code.strip(), "fenced", limits) or [])
    return calls


def _bare(text: str, limits: Limits) -> list[ToolCall]:
    body = _strip_end(text)
    if not body.startswith(("{", "[")):
        return []
    return _unmarked(body, "json", limits) or []


def _python(text: str, limits: Limits) -> list[ToolCall]:
    """Calls from a reply that is a Python call expression or a list of them, keyword arguments only. Anything
    else (prose, positional arguments, non-literal values) is no call: plain answers like `f(2)` stay answers."""
    body = _strip_end(text)
    if not body.endswith((")", ")]")) or len(body) > limits.max_chars:
        return []
    try:
        tree = ast.parse(body, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    nodes = tree.elts if isinstance(tree, ast.List) else [tree]
    if not nodes or not all(isinstance(n, ast.Call) and not n.args and all(k.arg for k in n.keywords)
                            and _dotted(n.func) for n in nodes):
        return []
    calls = []
    for node in nodes:
        name = _dotted(node.func)
        try:
            arguments = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            # as JSON types: tuples become lists; sets, bytes, complex and inf are not JSON and fail the call
            arguments = strict_json.loads(json.dumps(arguments), limits.max_chars, limits.max_depth)
        except JSONProblem as exc:
            calls.append(_failed(f"arguments: {exc}", "python", name))
            continue
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            calls.append(_failed("an argument is not a JSON-typed literal", "python", name))
            continue
        duplicate = len(arguments) < len(node.keywords)  # Python refuses this when run; `ast` only parses it
        calls.append(_failed("an argument is given twice", "python", name) if duplicate
                     else call_from_object({"name": name, "arguments": arguments}, "python", limits))
    return calls


def _dotted(func: ast.expr) -> str:
    """`get_weather` or `weather.get` from a call's function; '' for anything else (a lambda, a subscript)."""
    parts = []
    while isinstance(func, ast.Attribute):  # a loop, not recursion: `a.b.c...` may be thousands deep
        parts.append(func.attr)
        func = func.value
    return ".".join([func.id, *reversed(parts)]) if isinstance(func, ast.Name) else ""


_TEXT_FORMATS = (("hermes", "<tool_call>", _hermes), ("llama", "<|python_tag|>", _llama),
                 ("mistral", "[TOOL_CALLS]", _mistral), ("fenced", "```", _fenced), ("json", "", _bare),
                 ("python", "", _python))


_MARKERS = tuple(marker for _, marker, _ in _TEXT_FORMATS if marker)


def after_reasoning(text: str) -> str:
    """The reply after its reasoning: after the first `</think>` of a reply that opens with `<think>` (an
    unclosed one is all reasoning), or of a prefilled reply (no `<think>`) whose `</think>` comes before any
    call marker. Otherwise all of it, so a `</think>` inside a call's argument does not cut the call."""
    stripped = text.lstrip()
    end = text.find("</think>")
    if stripped.startswith("<think>"):
        return text[end + len("</think>"):] if end >= 0 else ""
    if end >= 0 and "<think>" not in text and not any(m in text[:end] for m in _MARKERS):
        return text[end + len("</think>"):]
    return text


def calls_from_text(text: str, formats: Sequence[str] = FORMATS, limits: Limits = Limits()) -> Parsed:
    """The calls written in `text`, in the first of `formats` whose marker it contains, after the reasoning
    (`after_reasoning`): a call drafted in the reasoning is not made, the rule `extract` applies to answers."""
    text = after_reasoning(text)
    for name, marker, reader in _TEXT_FORMATS:
        if name in formats and marker in text:
            calls = reader(text, limits)
            if calls:  # a marker always yields a call, if only a failed one; a fence may hold other JSON
                return _capped(calls, name, text, limits)
    return Parsed(text=text)


def _capped(calls: list[ToolCall], form: str, text: str, limits: Limits) -> Parsed:
    if len(calls) > limits.max_calls:
        over = _failed(f"{len(calls) - limits.max_calls} calls over the cap of {limits.max_calls}", form)
        calls = [*calls[: limits.max_calls], over]
    return Parsed(tuple(calls), form if calls else "", text)


def calls_from_message(message: Mapping[str, Any], formats: Sequence[str] = FORMATS,
                       limits: Limits = Limits()) -> Parsed:
    """The calls of one chat message: its `tool_calls` (or `function_call`) field, else those in its text."""
    text = message_text(message.get("content"))
    structured = message.get("tool_calls")
    if "openai" in formats and structured:
        if not isinstance(structured, Sequence) or isinstance(structured, (str, bytes)):
            return Parsed((_failed("tool_calls must be a list", "openai"),), "openai", text)
        return _capped([call_from_object(c, "openai", limits) for c in structured], "openai", text, limits)
    if "openai" in formats and isinstance(message.get("function_call"), Mapping):
        return Parsed((call_from_object(message["function_call"], "openai", limits),), "openai", text)
    return calls_from_text(text, formats, limits)


def assistant_turns(completion: Any) -> list[Mapping[str, Any]]:
    """The assistant messages of a chat completion, in order; a text completion is one assistant turn."""
    if isinstance(completion, str):
        return [{"role": "assistant", "content": completion}]
    if isinstance(completion, Mapping):
        return [completion]
    if isinstance(completion, Sequence):
        return [m for m in completion if isinstance(m, Mapping) and m.get("role", "assistant") == "assistant"]
    return []


def calls_from_completion(completion: Any, formats: Sequence[str] = FORMATS, limits: Limits = Limits()) -> Parsed:
    """The calls of a completion: of its text, or of the last assistant turn of a chat completion."""
    turns = assistant_turns(completion)
    return calls_from_message(turns[-1], formats, limits) if turns else Parsed()
