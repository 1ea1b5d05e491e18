"""Near misses of a right call's values, shared by the Hypothesis strategies (`rewardkit.testing.tool_calls`) and
the probe family (`rewardkit.probe.families.tools`): each must cost a careful verifier the call."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def confused(value: Any) -> Any:
    """The same value in the wrong JSON type: "1" for 1, "true" for true, 7 for "7", a list for a word."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return int(value) if value.isdigit() and value.isascii() else [value]
    return json.dumps(value)


def different(value: Any) -> Any:
    """A different value of the same type (None for lists and objects), for the wrong half of a duplicate key."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return f"{value}_x" if isinstance(value, str) else None


def with_duplicate(arguments: Mapping[str, Any], key: str, right_last: bool) -> str:
    """`arguments` as JSON text with `key` written twice, a wrong value and the right one in the given order:
    a reader that keeps either one is fooled one way round."""
    parts = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
             for k, v in arguments.items() if k != key]
    name = json.dumps(key, ensure_ascii=False)
    right = f"{name}: {json.dumps(arguments[key], ensure_ascii=False)}"
    wrong = f"{name}: {json.dumps(different(arguments[key]), ensure_ascii=False)}"
    return "{" + ", ".join([*parts, *((wrong, right) if right_last else (right, wrong))]) + "}"
