"""Judging tool calls against the expected ones: function name, then arguments with typed comparison.

Expected calls come in two shapes (both may mix in one list):
- rewardkit's `{"name": "f", "arguments": {"x": 1}}` (also OpenAI's `{"function": {"name", "arguments"}}` with
  the arguments as a JSON string): each argument has one right value;
- BFCL's possible answer `{"f": {"x": [1, 1.0], "unit": ["celsius", ""]}}`: each argument lists its acceptable
  values, and `""` in the list means the argument may be left out; a dict-valued argument is written the same
  way, each of its keys with a list of acceptable values (`{"opts": [{"lang": ["en", "EN"], "n": [3, ""]}]}`).
Values compare by type and value: numbers by value (1 == 1.0, never the string "1", never True), strings after
the configured normalisation, lists in order, objects key by key. An argument the model leaves out matches when
the expected value is the tool schema's `default`; an argument the model adds matches when it equals that
default, and otherwise counts against the call.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rewardkit.scorers.tools import schema as schemas
from rewardkit.scorers.tools.parse import ToolCall, call_from_object

Strings = Literal["exact", "casefold", "loose"]
_LOOSE_DROP = frozenset(" \t\r\n,./-_*^'\"`:;!?()[]{}")  # BFCL's string standardisation drops these too
_OMITTED = ""  # in a BFCL answer list: the argument may be omitted
_EXACT_LIMIT = 8  # up to this many calls on each side, unordered pairing is exact (2^n states); beyond, greedy


class ExpectedProblem(ValueError):
    """The row's expected calls are unusable: the reference data is wrong, not the completion."""


@dataclass(frozen=True, slots=True)
class Expected:
    """One expected call: each argument's acceptable values, and the arguments that may be omitted."""

    name: str
    accepted: Mapping[str, tuple[Any, ...]]
    optional: frozenset[str] = frozenset()
    possible: bool = False  # a BFCL possible answer: a dict value lists each of its keys' acceptable values too


@dataclass(frozen=True, slots=True)
class Options:
    """How values compare: string normalisation and a relative tolerance for numbers (0: exact value)."""

    strings: Strings = "casefold"
    number_tolerance: float = 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """One call judged: `value` in [0, 1] (arguments matched / arguments considered) and why."""

    value: float
    reason: str
    arguments_matched: int = 0
    arguments_total: int = 0


def _bfcl(item: Mapping[str, Any]) -> bool:
    return len(item) == 1 and isinstance(next(iter(item.values())), Mapping) and "function" not in item


def expected_calls(value: Any) -> list[Expected]:
    """Parse a row's expected calls (a list, one call, or their JSON text); raise ExpectedProblem if unusable."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ExpectedProblem(f"expected calls are not JSON: {value[:60]!r}") from None
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        raise ExpectedProblem(f"expected calls must be a list of calls, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping) and _bfcl(item):
            name, args = next(iter(item.items()))
            if not all(isinstance(v, list) for v in args.values()):
                raise ExpectedProblem(f"expected call {i} ({name}): BFCL answers list each argument's values")
            accepted = {k: tuple(x for x in v if x != _OMITTED) for k, v in args.items()}
            optional = frozenset(k for k, v in args.items() if _OMITTED in v)
            out.append(Expected(name, accepted, optional, possible=True))
            continue
        call = call_from_object(item, "expected")
        if not call.ok:
            raise ExpectedProblem(f"expected call {i}: {call.error}")
        out.append(Expected(call.name, {k: (v,) for k, v in (call.arguments or {}).items()}))
    return out


def normal_string(text: str, strings: Strings) -> str:
    if strings == "exact":
        return text
    text = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return "".join(c for c in text if c not in _LOOSE_DROP) if strings == "loose" else text


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_value(want: Any, got: Any, options: Options = Options()) -> bool:
    """Typed equality: see the module docstring."""
    if _number(want) or _number(got):
        if not (_number(want) and _number(got)):
            return False
        if options.number_tolerance:
            return math.isclose(want, got, rel_tol=options.number_tolerance)
        return want == got
    if isinstance(want, str) or isinstance(got, str):
        return isinstance(want, str) and isinstance(got, str) and \
            normal_string(want, options.strings) == normal_string(got, options.strings)
    if isinstance(want, Mapping) or isinstance(got, Mapping):
        return isinstance(want, Mapping) and isinstance(got, Mapping) and want.keys() == got.keys() and \
            all(same_value(want[k], got[k], options) for k in want)
    if isinstance(want, (list, tuple)) or isinstance(got, (list, tuple)):
        return isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)) and len(want) == len(got) and \
            all(same_value(a, b, options) for a, b in zip(want, got, strict=True))
    return type(want) is type(got) and want == got  # None, booleans


def judge_call(expected: Expected, got: ToolCall, schema: Mapping[str, Any] | None,
               options: Options = Options()) -> Verdict:
    """One call against one expected call: 0 for a failed call, the wrong function or arguments outside the
    schema; otherwise the share of arguments that match."""
    if not got.ok:
        return Verdict(0.0, f"unusable call: {got.error}")
    if got.name != expected.name:
        return Verdict(0.0, f"called {got.name[:40]!r}, expected {expected.name!r}")
    args = got.arguments or {}
    if schema is not None and (why := schemas.schema_error(args, schema)):
        return Verdict(0.0, f"{got.name}: arguments do not fit the schema ({why})")
    default = schemas.defaults(schema) if schema is not None else {}
    keys = list(expected.accepted) + [k for k in args if k not in expected.accepted]
    misses = []
    for key in keys:
        if not _argument_ok(key, expected, args, default, options):
            misses.append(key)
    if not keys:
        return Verdict(1.0, f"{got.name}() matches", 0, 0)
    matched = len(keys) - len(misses)
    reason = f"{got.name}: all {len(keys)} arguments match" if not misses else \
        f"{got.name}: {matched}/{len(keys)} arguments match (wrong, missing or unexpected: {', '.join(misses)})"
    return Verdict(matched / len(keys), reason[:300], matched, len(keys))


def possible_value(want: Any, got: Any, options: Options = Options()) -> bool:
    """BFCL's nested possible answers: a dict whose values are lists of acceptable values (`""` among them:
    the key may be left out) matches a dict key by key; lists match element by element; else `same_value`."""
    if isinstance(want, Mapping) and want and all(isinstance(v, list) for v in want.values()):
        if not isinstance(got, Mapping) or not set(got) <= set(want):
            return False
        return all(any(possible_value(w, got[k], options) for w in values if w != _OMITTED) if k in got
                   else _OMITTED in values for k, values in want.items())
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return all(possible_value(w, g, options) for w, g in zip(want, got, strict=True))
    return same_value(want, got, options)


def _argument_ok(key: str, expected: Expected, args: Mapping[str, Any], default: Mapping[str, Any],
                 options: Options) -> bool:
    accepted = expected.accepted.get(key)
    equal = possible_value if expected.possible else same_value
    if key in args:
        if accepted is None:  # an argument the answer does not name: harmless only as the tool's own default
            return key in default and same_value(default[key], args[key], options)
        return any(equal(want, args[key], options) for want in accepted)
    if key in expected.optional or not accepted:
        return True
    return key in default and any(same_value(want, default[key], options) for want in accepted)


Judge = Callable[[int, int], Verdict]


def pair_calls(n_expected: int, n_got: int, judge: Judge, ordered: bool) -> list[tuple[int, int, Verdict]]:
    """Pairs (expected index, got index, verdict): position by position when `ordered`, else the pairing with
    the highest total (exact up to a few calls, greedy beyond). Unpaired calls on either side score 0."""
    if ordered:
        return [(i, i, judge(i, i)) for i in range(min(n_expected, n_got))]
    table = [[judge(i, j) for j in range(n_got)] for i in range(n_expected)]
    if n_expected <= _EXACT_LIMIT and n_got <= _EXACT_LIMIT:
        return _best_pairing(table, n_got)
    pairs, done, used = [], set(), set()
    for i, j in sorted(((i, j) for i in range(n_expected) for j in range(n_got)),
                       key=lambda ij: -table[ij[0]][ij[1]].value):
        if i not in done and j not in used:
            pairs.append((i, j, table[i][j]))
            done.add(i)
            used.add(j)
    return sorted(pairs, key=lambda p: p[:2])


def _best_pairing(table: Sequence[Sequence[Verdict]], n_got: int) -> list[tuple[int, int, Verdict]]:
    """The pairing with the highest summed value: recursion over expected calls, memoised on the set of got
    calls already used (both sides are at most `_EXACT_LIMIT`, so at most 8 * 2^8 states)."""
    memo: dict[tuple[int, frozenset[int]], tuple[float, int, tuple[tuple[int, int], ...]]] = {}

    def best(i: int, used: frozenset[int]) -> tuple[float, int, tuple[tuple[int, int], ...]]:
        if i == len(table):
            return 0.0, 0, ()
        if (i, used) not in memo:
            choices = [best(i + 1, used)]  # leave expected call i unmatched
            for j in range(n_got):
                if j not in used:
                    value, count, rest = best(i + 1, used | {j})
                    choices.append((value + table[i][j].value, count + 1, ((i, j), *rest)))
            # on equal value, more pairs: a wrong call is reported against the call it was meant to be
            memo[(i, used)] = max(choices, key=lambda c: c[:2])
        return memo[(i, used)]

    return [(i, j, table[i][j]) for i, j in best(0, frozenset())[2]]
