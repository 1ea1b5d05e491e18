"""Judging test results outside the sandbox: typed comparison of return values, token-wise comparison of stdout.

Nothing here runs model code or calls a method of a model object: a call test's return value arrives as JSON
text written by the runner, is parsed here with the C parser (size capped; NaN and Infinity parse to a value that
equals nothing; integers of any length, those past int()'s 4300 digits kept as exact digit strings), and compared
with exact JSON types (bool is not int, a string is not a number), at most 64 levels deep. An answer whose text is
the expected value's own JSON text is accepted without parsing it, so an equal 1 MB answer costs one dump and
one string comparison on the host. (Assert tests are not judged here: see rewardkit/runtime/runner.py.)
Standard output is compared line by line and token by token: same number of non-empty trailing-trimmed lines,
same tokens, with a float tolerance only where both tokens are numbers and one of them is not an integer (and
no integer beyond 2**53 is involved: there a float must equal it exactly).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_VALUE_CHARS = 1 << 20
MAX_DEPTH = 64
# Past 2**53 a float cannot hold every integer: an integer answer compared with a float there is compared exactly,
# so float arithmetic on big integers (`n * (n + 1) / 2` for `//`) is not rescued by the relative tolerance
EXACT_INT = 2**53
# `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter splits a run of digits between its two loops in n ways, so a
# failed match of one huge printed token ("111...1x") backtracks in O(n^2) and hangs the scorer
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


class NonFinite:
    """NaN or an infinity returned by the code: equal to nothing, itself included."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class BigInt:
    """An integer written with more digits than int() accepts (4300): kept as its canonical digit string, so
    parsing stays linear (a quadratic conversion of a 1 MB number would cost the host seconds)."""

    digits: str

    @classmethod
    def parse(cls, text: str) -> int | BigInt:
        if len(text) <= 4000:
            return int(text)
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("+-").lstrip("0") or "0"
        return cls(sign + digits if digits != "0" else "0")


def load_json(text: str | bytes) -> Any:
    """json.loads that takes integers of any length (see BigInt) and parses NaN/Infinity to NonFinite."""
    try:
        return json.loads(text, parse_constant=lambda _: NonFinite())
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
    return json.loads(text, parse_constant=lambda _: NonFinite(), parse_int=BigInt.parse)


def parse_value(text: str | None) -> tuple[bool, Any]:
    """(ok, value) for the runner's JSON text of a return value; not ok when missing, too big or malformed."""
    if text is None or len(text) > MAX_VALUE_CHARS:
        return False, None
    try:
        return True, load_json(text)
    except (ValueError, RecursionError):
        return False, None


def _numbers_equal(actual: Any, expected: Any, float_tol: float) -> bool:
    if isinstance(actual, BigInt) or isinstance(expected, BigInt):
        big, other = (actual, expected) if isinstance(actual, BigInt) else (expected, actual)
        if isinstance(other, BigInt):
            return big.digits == other.digits
        if isinstance(other, float) and not math.isfinite(other):
            return False
        # Decimal(int) does not go through int's 4300-digit str limit; it costs the size of the trusted value
        return isinstance(other, (int, float)) and Decimal(big.digits) == Decimal(other)
    if isinstance(actual, int) and isinstance(expected, int):
        return actual == expected
    big = actual if isinstance(actual, int) else expected
    if isinstance(big, int) and abs(big) > EXACT_INT:  # a float stands for an exact big integer, or fails
        other = expected if big is actual else actual
        return other.is_integer() and int(other) == big
    try:
        x, y = float(actual), float(expected)
    except OverflowError:  # an int too large for a float is not close to any float
        return False
    return math.isfinite(x) and math.isfinite(y) and math.isclose(x, y, rel_tol=float_tol, abs_tol=float_tol)


_NUMBERS = (int, float, BigInt)


def values_equal(actual: Any, expected: Any, float_tol: float = 1e-9, depth: int = 0) -> bool:
    """Type-exact equality of two JSON values. Tuples and lists are the same JSON array; an int equals a float
    of the same value; floats compare within `float_tol` (relative or absolute); NaN equals nothing; nothing
    nested deeper than MAX_DEPTH equals anything."""
    if depth > MAX_DEPTH or isinstance(actual, NonFinite) or isinstance(expected, NonFinite):
        return False
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is bool and type(expected) is bool and actual is expected
    if isinstance(actual, _NUMBERS) and isinstance(expected, _NUMBERS):
        return _numbers_equal(actual, expected, float_tol)
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(
            values_equal(a, e, float_tol, depth + 1) for a, e in zip(actual, expected, strict=True))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(values_equal(actual[k], expected[k], float_tol, depth + 1)
                                                        for k in actual)
    if actual is None or expected is None:
        return actual is None and expected is None
    return type(actual) is str and type(expected) is str and actual == expected


def _canonical(value: Any) -> str | None:
    """The runner's JSON text for an expected value (compact, key order kept), or None if it has none."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


def call_matches(value_text: str | None, expected: Any, float_tol: float = 1e-9, unwrap_single: bool = True) -> bool:
    """Does the runner's return value match the expected one? With `unwrap_single`, APPS/TACO's habit of
    storing a return value `x` as `[x]` is accepted too."""
    if value_text is not None and value_text == _canonical(expected):
        return True  # the same JSON text: the same types and values (the runner writes this exact form)
    ok, actual = parse_value(value_text)
    if not ok:
        return False
    try:
        if values_equal(actual, expected, float_tol):
            return True
        return unwrap_single and isinstance(expected, list) and len(expected) == 1 \
            and values_equal(actual, expected[0], float_tol)
    except RecursionError:
        return False


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _integer_key(token: str) -> str:
    """Canonical text of an integer token of any length (int() refuses more than 4300 digits)."""
    digits = token.lstrip("+-").lstrip("0") or "0"
    return digits if digits == "0" or not token.startswith("-") else "-" + digits


def _tokens_equal(a: str, b: str, float_tol: float) -> bool:
    if a == b:
        return True
    if not (_NUMBER.fullmatch(a) and _NUMBER.fullmatch(b)):
        return False
    if _INTEGER.fullmatch(a) and _INTEGER.fullmatch(b):
        return _integer_key(a) == _integer_key(b)  # "007" == "7", no tolerance between integers
    integer = a if _INTEGER.fullmatch(a) else b if _INTEGER.fullmatch(b) else None
    if integer is not None and abs(Decimal(integer)) > EXACT_INT:  # no tolerance where floats lose integers
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:  # an exponent past Decimal's range: no integer of printable length equals it
            return False
    x, y = float(a), float(b)
    return math.isfinite(x) and math.isfinite(y) and math.isclose(x, y, rel_tol=float_tol, abs_tol=float_tol)


def stdout_matches(actual: str, expected: str, float_tol: float = 1e-6) -> bool:
    """Line-by-line, token-by-token comparison: trailing whitespace and trailing blank lines ignored, equal line
    counts required (so a prefix of the expected output never passes), float tolerance on numeric tokens only."""
    got, want = _lines(actual), _lines(expected)
    if len(got) != len(want):
        return False
    for line_got, line_want in zip(got, want, strict=True):
        tokens_got, tokens_want = line_got.split(), line_want.split()
        if len(tokens_got) != len(tokens_want):
            return False
        if not all(_tokens_equal(a, b, float_tol) for a, b in zip(tokens_got, tokens_want, strict=True)):
            return False
    return True
