"""Test formats of code-RL datasets, parsed into one shape: stdin/stdout tests and function-call tests.

Accepted (as objects or as JSON strings):
- APPS / TACO / LiveCodeBench: `{"inputs": [...], "outputs": [...], "fn_name"?: "f"}`; with `fn_name` each input
  is the list of arguments of one call, otherwise a stdin text (a list of lines is joined);
- open-r1: `{"language": "python", "test_cases": [{"input": ..., "output": ..., "type"?: ...}]}`;
- a plain list of `{"input", "output"}` objects (LiveCodeBench `testtype: functional` entries are call tests whose
  input holds one JSON argument per line);
- HumanEval / MBPP test code: a HumanEval `def check(candidate)` (run as `check(entry_point)`), or top-level
  asserts (a string, or a list of strings; each top-level statement holding an assert is one test, run after
  the statements before it). These become `check` tests, run as written in a second sandbox, where each name the
  test uses but neither it, the trusted setup code, a standard-library module nor the builtins define is a
  function of the program, called through a proxy (see rewardkit/runtime/runner.py).
"""

from __future__ import annotations

import ast
import builtins
import itertools
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from rewardkit.scorers.code.languages import normalize
from rewardkit.scorers.code.verdict import BigInt, load_json

_JSONABLE = (str, int, float, bool, type(None), BigInt)


@dataclass(frozen=True)
class TestCase:
    """One test. `kind` is "stdio" (`input` text, `expected` text), "call" (`fn_name`, `args`, `expected`) or
    "check" (`program`: test code run in the test sandbox after `setup`, with `proxies` calling the program)."""

    kind: str
    expected: Any = None
    input: str = ""
    fn_name: str = ""
    args: tuple[Any, ...] = ()
    program: str = ""
    setup: str = ""
    proxies: tuple[tuple[str, str], ...] = ()  # (name in the test, function of the program)

    def for_sandbox(self) -> dict[str, Any]:
        """What enters the program's sandbox: the input only, never `expected` nor a check test's code."""
        if self.kind == "stdio":
            return {"kind": "stdio", "input": self.input}
        if self.kind == "check":
            return {"kind": "serve"}
        return {"kind": "call", "fn_name": self.fn_name, "args": list(self.args)}

    def for_judge(self) -> dict[str, Any]:
        """What enters the test sandbox of a check test."""
        return {"kind": "check", "program": self.program, "setup": self.setup,
                "proxies": [list(pair) for pair in self.proxies]}


@dataclass
class ParsedTests:
    cases: list[TestCase] = field(default_factory=list)
    error: str | None = None  # why nothing usable was found
    language: str | None = None  # the language the tests declare (open-r1's verification_info.language)


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
            args = tuple(load_json(line) for line in str(item["input"]).split("\n") if line.strip())
            cases.append(TestCase("call", load_json(item["output"]) if isinstance(item["output"], str)
                                  else item["output"], fn_name=fn_name, args=args))
        else:
            cases.append(TestCase("stdio", _text(item["output"]), input=_text(item["input"])))
    return ParsedTests(cases)


def _bound(tree: ast.AST) -> set[str]:
    """Every name the code binds anywhere (assignments, defs, parameters, imports, handlers, patterns)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def _free(tree: ast.AST) -> set[str]:
    loaded = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return loaded - _bound(tree) - set(dir(builtins))


def _is_check(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.name == "check" for node in tree.body)


def _programs(source: str, tree: ast.Module, entry_point: str | None) -> list[str] | str:
    """The test programs of a test source, or why there are none."""
    if _is_check(tree):
        if not entry_point:
            return "a check(candidate) test needs the function's name (an entry_point or fn_name field)"
        return [f"{source}\n\ncheck({entry_point})\n"]
    lines = source.splitlines()
    spans = [(min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]), node.end_lineno or 0)
             for node in tree.body]
    if any(later[0] <= earlier[1] for earlier, later in itertools.pairwise(spans)):
        return [source]  # statements sharing a line (`a; b`): one test, run as written
    programs, prefix = [], []
    for node, (first, last) in zip(tree.body, spans, strict=True):
        text = "\n".join(lines[first - 1:last])
        if any(isinstance(inner, ast.Assert) for inner in ast.walk(node)):
            programs.append("\n".join([*prefix, text]))
        else:
            prefix.append(text)
    return programs or "the test code holds no assert"


def _from_asserts(source: str, entry_point: str | None, setup: str = "") -> ParsedTests:
    try:
        tree, setup_tree = ast.parse(source), ast.parse(setup)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ParsedTests(error="the test code (or its setup) does not parse as Python")
    programs = _programs(source, tree, entry_point)
    if isinstance(programs, str):
        return ParsedTests(error=programs)
    free = _free(tree) | ({entry_point} if entry_point and _is_check(tree) else set())
    modules = sorted(name for name in free if name in sys.stdlib_module_names)
    names = free - set(modules) - (_bound(setup_tree) - {entry_point})
    # HumanEval's `candidate` at top level stands for the entry point, as inside its check()
    proxies = tuple(sorted((name, entry_point if name == "candidate" and entry_point else name) for name in names))
    setup = "\n".join([*(f"import {name}" for name in modules), setup])
    return ParsedTests([TestCase("check", program=program, setup=setup, proxies=proxies) for program in programs])


def parse_tests(raw: Any, fn_name: str | None = None, language: str = "python", setup: str = "") -> ParsedTests:
    """Tests of one sample in any supported layout. Never raises: unusable data gives `error`. `setup`: trusted
    code the test code of check tests runs after (MBPP's `test_setup_code`, HumanEval's prompt)."""
    try:
        return _parse(raw, fn_name, language, setup)
    except (ValueError, TypeError, RecursionError) as exc:
        return ParsedTests(error=f"unreadable tests: {exc}"[:200])


def _parse(raw: Any, fn_name: str | None, language: str, setup: str) -> ParsedTests:
    if isinstance(raw, str):
        stripped = raw.strip()
        if stripped[:1] in "[{":
            try:
                return _parse(load_json(stripped), fn_name, language, setup)
            except ValueError:
                pass
        return _from_asserts(raw, fn_name, setup)
    if isinstance(raw, list) and raw and all(isinstance(item, str) for item in raw):
        return _from_asserts("\n".join(raw), fn_name, setup)
    if isinstance(raw, list):
        return _from_cases(raw, fn_name)
    if isinstance(raw, dict):
        if "test_cases" in raw:
            declared = normalize(raw["language"]) if "language" in raw else None
            if language != "auto" and raw.get("language") is not None and declared != language:
                return ParsedTests(error=f"tests are for language {raw['language']!r}, the scorer runs {language!r}")
            cases = raw["test_cases"]
            parsed = _parse(cases, raw.get("fn_name") or fn_name, language, setup) \
                if isinstance(cases, (list, str)) else ParsedTests(error="'test_cases' must be a list")
            parsed.language = declared
            return parsed
        if "inputs" in raw:
            return _from_io(raw, fn_name)
    return ParsedTests(error=f"no tests found in {type(raw).__name__} (see docs/code.md for the formats)")
