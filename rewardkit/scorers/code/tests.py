"""Test formats of code-RL datasets, parsed into one shape: stdin/stdout tests and function-call tests.

Accepted (as objects or as JSON strings):
- APPS / TACO / LiveCodeBench: `{"inputs": [...], "outputs": [...], "fn_name"?: "f"}`; with `fn_name` each input
  is the list of arguments of one call, otherwise a stdin text (a list of lines is joined);
- open-r1: `{"language": "python", "test_cases": [{"input": ..., "output": ..., "type"?: ...}]}`;
- a plain list of `{"input", "output"}` objects (LiveCodeBench `testtype: functional` entries are call tests whose
  input holds one JSON argument per line);
- HumanEval / MBPP asserts: `assert f(1, 2) == 3` (a string, or a list of strings; HumanEval's
  `candidate(...)` is the entry point), converted to call tests when both sides are literals. Asserts that are not
  `call == literal` cannot be judged outside the sandbox and are skipped (counted in the details).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from typing import Any

_JSONABLE = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class TestCase:
    """One test. `kind` is "stdio" (`input` text, `expected` text) or "call" (`fn_name`, `args`, `expected`)."""

    kind: str
    expected: Any
    input: str = ""
    fn_name: str = ""
    args: tuple[Any, ...] = ()

    def for_sandbox(self) -> dict[str, Any]:
        """What enters the sandbox: the input only, never `expected`."""
        if self.kind == "stdio":
            return {"kind": "stdio", "input": self.input}
        return {"kind": "call", "fn_name": self.fn_name, "args": list(self.args)}


@dataclass
class ParsedTests:
    cases: list[TestCase] = field(default_factory=list)
    skipped: int = 0  # tests present but not convertible (asserts that are not call == literal)
    error: str | None = None  # why nothing usable was found


def _jsonable(value: Any) -> Any:
    """A literal as JSON data (tuples become lists); raises ValueError for sets, bytes, complex ..."""
    if isinstance(value, _JSONABLE):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _jsonable(v) for k, v in value.items()}
    raise ValueError(f"{type(value).__name__} is not JSON data")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value)


def _from_io(data: dict[str, Any], fn_name: str | None) -> ParsedTests:
    inputs, outputs = data.get("inputs"), data.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        return ParsedTests(error="'inputs' and 'outputs' must be lists of equal length")
    name = data.get("fn_name") or fn_name
    if name:
        cases = [TestCase("call", _jsonable(out), fn_name=str(name),
                          args=tuple(_jsonable(arg if isinstance(arg, list) else [arg])))
                 for arg, out in zip(inputs, outputs, strict=True)]
    else:
        cases = [TestCase("stdio", _text(out), input=_text(inp))
                 for inp, out in zip(inputs, outputs, strict=True)]
    return ParsedTests(cases)


def _from_cases(items: list[Any], fn_name: str | None) -> ParsedTests:
    cases = []
    for item in items:
        if not isinstance(item, dict) or "input" not in item or "output" not in item:
            return ParsedTests(error="each test case needs 'input' and 'output'")
        if item.get("testtype") == "functional" or item.get("type") == "function_call":
            if not fn_name:
                return ParsedTests(error="functional test cases need a function name (fn_name)")
            args = tuple(json.loads(line) for line in str(item["input"]).split("\n") if line.strip())
            cases.append(TestCase("call", json.loads(item["output"]) if isinstance(item["output"], str)
                                  else item["output"], fn_name=fn_name, args=args))
        else:
            cases.append(TestCase("stdio", _text(item["output"]), input=_text(item["input"])))
    return ParsedTests(cases)


def _assert_case(node: ast.Assert, entry_point: str | None) -> TestCase | None:
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    call, right = test.left, test.comparators[0]
    if isinstance(right, ast.Call) and not isinstance(call, ast.Call):
        call, right = right, call
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and not call.keywords):
        return None
    name = entry_point if call.func.id == "candidate" and entry_point else call.func.id
    try:
        args = tuple(_jsonable(ast.literal_eval(arg)) for arg in call.args)
        expected = _jsonable(ast.literal_eval(right))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return TestCase("call", expected, fn_name=name, args=args)


def _from_asserts(source: str, entry_point: str | None) -> ParsedTests:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ParsedTests(error="assert tests do not parse as Python")
    asserts = [n for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    cases = [c for c in (_assert_case(n, entry_point) for n in asserts) if c is not None]
    return ParsedTests(cases, skipped=len(asserts) - len(cases))


def parse_tests(raw: Any, fn_name: str | None = None, language: str = "python") -> ParsedTests:
    """Tests of one sample in any supported layout. Never raises: unusable data gives `error`."""
    try:
        return _parse(raw, fn_name, language)
    except (ValueError, TypeError, RecursionError) as exc:
        return ParsedTests(error=f"unreadable tests: {exc}"[:200])


def _parse(raw: Any, fn_name: str | None, language: str) -> ParsedTests:
    if isinstance(raw, str):
        stripped = raw.strip()
        if stripped[:1] in "[{":
            try:
                return _parse(json.loads(stripped), fn_name, language)
            except json.JSONDecodeError:
                pass
        return _from_asserts(raw, fn_name)
    if isinstance(raw, list) and raw and all(isinstance(item, str) for item in raw):
        return _from_asserts("\n".join(raw), fn_name)
    if isinstance(raw, list):
        return _from_cases(raw, fn_name)
    if isinstance(raw, dict):
        if "test_cases" in raw:
            wanted = str(raw.get("language", language)).lower()
            if wanted not in (language, "py", "python3"):
                return ParsedTests(error=f"tests are for language {wanted!r}, the scorer runs {language!r}")
            cases = raw["test_cases"]
            return _parse(cases, raw.get("fn_name") or fn_name, language) if isinstance(cases, (list, str)) \
                else ParsedTests(error="'test_cases' must be a list")
        if "inputs" in raw:
            return _from_io(raw, fn_name)
    return ParsedTests(error=f"no tests found in {type(raw).__name__} (see docs/code.md for the formats)")
