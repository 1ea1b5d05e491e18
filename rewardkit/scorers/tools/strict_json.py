"""Strict JSON for model output: duplicate keys, NaN/Infinity, oversized and over-deep documents are refused.

Python's `json.loads` keeps the last of two equal keys (`{"a": 1, "a": 2}` reads as `{"a": 2}`), so a model
could put a right value and a wrong one in one object and be read either way; here that is a failure. Size and
depth are checked before parsing, with a linear scan, so a hostile 100 KB run of `[` costs microseconds, not a
RecursionError. Failures raise `JSONProblem`, whose message is the reason a scorer reports.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_CHARS = 100_000  # one JSON document (a tool call's arguments, a structured answer)
MAX_DEPTH = 32  # nesting of objects and arrays; real tool arguments rarely pass 5

_STRUCTURE = re.compile(r'[\[\]{}"\\]')


class JSONProblem(ValueError):
    """The text is not acceptable JSON; the message says why (shown as a score's reason)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JSONProblem(f"duplicate key {key[:40]!r} in a JSON object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise JSONProblem(f"{name} is not JSON")


def depth(text: str) -> int:
    """Deepest nesting of `[`/`{` outside strings (a linear scan over structural characters only)."""
    level = deepest = 0
    in_string = False
    skip_at = -1  # the position of the character a backslash escapes
    for match in _STRUCTURE.finditer(text):
        at, char = match.start(), match.group()
        if at == skip_at:
            continue
        if in_string:
            if char == "\\":
                skip_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def loads(text: str, max_chars: int = MAX_CHARS, max_depth: int = MAX_DEPTH) -> Any:
    """Parse one JSON document strictly; raise JSONProblem with the reason when it is not acceptable."""
    if len(text) > max_chars:
        raise JSONProblem(f"JSON of {len(text)} characters is over the {max_chars}-character cap")
    if depth(text) > max_depth:
        raise JSONProblem(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except JSONProblem:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise JSONProblem(f"malformed JSON: {exc}"[:200]) from None


def value_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting of an already decoded value (arguments given as an object), counted up to `limit + 1`."""
    if limit < 0 or not isinstance(value, (dict, list)):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((value_depth(item, limit - 1) for item in items), default=0)


def loads_sequence(text: str, max_chars: int = MAX_CHARS, max_depth: int = MAX_DEPTH,
                   separators: str = ";,") -> list[Any]:
    """Parse JSON values written one after another (`{...}; {...}`, Llama's parallel calls); whitespace and
    `separators` may stand between them. Anything else between or after them is a JSONProblem."""
    if len(text) > max_chars:
        raise JSONProblem(f"JSON of {len(text)} characters is over the {max_chars}-character cap")
    if depth(text) > max_depth:
        raise JSONProblem(f"JSON nested deeper than {max_depth} levels")
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    values, pos, skip = [], 0, set(" \t\r\n" + separators)
    while True:
        while pos < len(text) and text[pos] in skip:
            pos += 1
        if pos >= len(text):
            return values
        try:
            value, pos = decoder.raw_decode(text, pos)
        except JSONProblem:
            raise
        except (ValueError, RecursionError) as exc:
            raise JSONProblem(f"malformed JSON: {exc}"[:200]) from None
        values.append(value)


def decode_at(text: str, pos: int, max_chars: int = MAX_CHARS, max_depth: int = MAX_DEPTH) -> tuple[Any, int]:
    """The JSON value that starts at `pos` and where it ends, whatever follows it: a `</tool_call>` inside one
    of its strings is part of the string, not the end of the call. The caps apply to the value read (its
    nesting is checked after parsing; Python's decoder stops runaway nesting with a RecursionError)."""
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    try:
        value, end = decoder.raw_decode(text, pos)
    except JSONProblem:
        raise
    except RecursionError:
        raise JSONProblem(f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise JSONProblem(f"malformed JSON: {exc}"[:200]) from None
    if end - pos > max_chars:
        raise JSONProblem(f"JSON of {end - pos} characters is over the {max_chars}-character cap")
    if value_depth(value, max_depth) > max_depth:
        raise JSONProblem(f"JSON nested deeper than {max_depth} levels")
    return value, end
