"""Test formats of code-RL datasets, code extraction, reward shapes and test subsets of the `code` scorer."""

from __future__ import annotations

import json
import math
import pickle
import sys

import pytest

from rewardkit.errors import ConfigError
from rewardkit.registry import get
from rewardkit.runtime.sandbox import bwrap_path
from rewardkit.scorers.code.tests import parse_tests

needs_bwrap = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed")

APPS_STDIO = {"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]}
APPS_CALL = {"fn_name": "add", "inputs": [[1, 2], [5, 7]], "outputs": [3, 12]}
OPEN_R1 = {"language": "python", "test_cases": [{"input": "1 2\n", "output": "3\n", "type": "stdin_stdout"},
                                                {"input": "5 7\n", "output": "12\n", "type": "stdin_stdout"}]}
MBPP = ["assert add(1, 2) == 3", "assert add(5, 7) == 12"]
HUMANEVAL = "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(5, 7) == 12\n"
STDIO_SOLUTION = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
CALL_SOLUTION = "```python\ndef add(a, b):\n    return a + b\n```"


@pytest.mark.parametrize(("raw", "kind"), [
    (APPS_STDIO, "stdio"), (json.dumps(APPS_STDIO), "stdio"), (APPS_CALL, "call"), (json.dumps(APPS_CALL), "call"),
    (OPEN_R1, "stdio"), (json.dumps(OPEN_R1), "stdio"), (OPEN_R1["test_cases"], "stdio")])
def test_formats_parse_to_the_same_tests(raw, kind):
    parsed = parse_tests(raw)
    assert parsed.error is None and [c.kind for c in parsed.cases] == [kind, kind]
    assert parsed.cases[1].expected in ("12\n", 12)


@pytest.mark.parametrize("raw", [MBPP, "\n".join(MBPP)])
def test_mbpp_asserts_are_check_tests_run_as_written(raw):
    parsed = parse_tests(raw)
    assert [c.program for c in parsed.cases] == MBPP
    assert all(c.proxies == (("add", "add"),) and c.for_sandbox() == {"kind": "serve"} for c in parsed.cases)


def test_humaneval_check_runs_once_against_the_entry_point():
    parsed = parse_tests(HUMANEVAL, fn_name="add")
    assert [c.program for c in parsed.cases] == [HUMANEVAL + "\n\ncheck(add)\n"]
    assert parsed.cases[0].proxies == (("add", "add"),)


def test_setup_statements_precede_each_assert_and_helpers_come_from_the_setup():
    source = "import math\nx = 3\nassert math.isclose(area(x), 28.27, rel_tol=1e-3)\nfor i in range(3):\n" \
             "    assert area(i) >= 0\n"
    parsed = parse_tests(source, setup="def helper():\n    return 1\n")
    assert [c.program.splitlines()[-1] for c in parsed.cases] == ["assert math.isclose(area(x), 28.27, " \
                                                                   "rel_tol=1e-3)", "    assert area(i) >= 0"]
    assert parsed.cases[1].program.startswith("import math\nx = 3\nfor i")
    assert parsed.cases[0].proxies == (("area", "area"),)  # math is imported, helper comes from the setup
    humaneval = parse_tests("def check(candidate):\n    assert candidate(encode(1)) == 1\n", fn_name="decode",
                            setup="def encode(x):\n    return x\ndef decode(x):\n    pass\n")
    assert humaneval.cases[0].proxies == (("decode", "decode"),)  # the entry point always calls the program


@pytest.mark.parametrize(("raw", "fn_name", "error"), [
    ("x = 1", None, "holds no assert"), ("def check(candidate):\n    assert candidate(1)\n", None, "entry_point"),
    ("assert (", None, "does not parse")])
def test_assert_tests_that_cannot_run_say_why(raw, fn_name, error):
    assert error in parse_tests(raw, fn_name).error


def test_livecodebench_functional_cases():
    cases = [{"input": "[1, 2]\n3", "output": "[4, 5]", "testtype": "functional"}]
    parsed = parse_tests(cases, fn_name="shift")
    assert parsed.cases[0].args == ([1, 2], 3) and parsed.cases[0].expected == [4, 5]


@pytest.mark.parametrize("raw", [None, 5, "", "not python (", {"inputs": [1]}, {"inputs": [1], "outputs": []},
                                 [{"input": "1"}], {"language": "cpp", "test_cases": []}, "{bad json", [[]]])
def test_unusable_tests_give_an_error_never_an_exception(raw):
    parsed = parse_tests(raw)
    assert parsed.error is not None or not parsed.cases


@needs_bwrap
@pytest.mark.parametrize(("tests", "solution"), [
    (APPS_STDIO, STDIO_SOLUTION), (APPS_CALL, CALL_SOLUTION), (OPEN_R1, STDIO_SOLUTION), (MBPP, CALL_SOLUTION),
    (json.dumps(APPS_CALL), CALL_SOLUTION)])
def test_each_format_scores_a_correct_solution_one(tests, solution):
    assert get("code")().score({"completion": solution, "tests": tests}).value == 1.0


@needs_bwrap
def test_dataset_field_names_are_found():
    scorer = get("code")()
    assert scorer.score({"completion": STDIO_SOLUTION, "input_output": json.dumps(APPS_STDIO)}).value == 1.0
    assert scorer.score({"completion": STDIO_SOLUTION, "verification_info": OPEN_R1}).value == 1.0
    assert scorer.score({"completion": CALL_SOLUTION, "test_list": MBPP}).value == 1.0
    assert scorer.score({"completion": CALL_SOLUTION, "test": HUMANEVAL, "entry_point": "add"}).value == 1.0
    mapped = get("code")(tests_field="checks")
    assert mapped.score({"completion": STDIO_SOLUTION, "checks": APPS_STDIO}).value == 1.0


@needs_bwrap
def test_leetcode_solution_class():
    code = "```python\nclass Solution:\n    def add(self, a, b):\n        return a + b\n```"
    assert get("code")().score({"completion": code, "tests": APPS_CALL}).value == 1.0


def test_missing_tests_are_invalid_input_not_zero():
    score = get("code")().score({"completion": STDIO_SOLUTION})
    assert score.value is None and score.status.value == "invalid_input"


@needs_bwrap
def test_extraction_modes():
    two_blocks = "```python\nprint(0)\n```\ntext\n```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    in_answer = "<think>hm</think><answer>a, b = map(int, input().split())\nprint(a + b)</answer>"
    assert get("code")().score({"completion": two_blocks, "tests": APPS_STDIO}).value == 1.0  # last block
    assert get("code")().score({"completion": in_answer, "tests": APPS_STDIO}).value == 0.0
    assert get("code")(extract="answer").score({"completion": in_answer, "tests": APPS_STDIO}).value == 1.0
    assert get("code")(extract="auto").score({"completion": in_answer, "tests": APPS_STDIO}).value == 1.0
    javascript = "```javascript\nconsole.log(3)\n```"
    assert get("code")().score({"completion": javascript, "tests": APPS_STDIO}).reason.startswith("no python code")


@needs_bwrap
@pytest.mark.parametrize(("reward", "half", "full"), [("fraction", 0.5, 1.0), ("binary", 0.0, 1.0),
                                                     ("weighted", 0.05, 1.1)])
def test_reward_shapes(reward, half, full):
    scorer = get("code")(reward=reward)
    half_right = "```python\nprint(3)\n```"
    assert scorer.score({"completion": half_right, "tests": APPS_STDIO}).value == pytest.approx(half)
    assert scorer.score({"completion": STDIO_SOLUTION, "tests": APPS_STDIO}).value == pytest.approx(full)


@needs_bwrap
def test_deterministic_test_subset():
    tests = {"inputs": [f"{i} 0\n" for i in range(20)], "outputs": [f"{i}\n" for i in range(20)]}
    scorer = get("code")(max_tests=5, subset_seed=1)
    first = scorer.score({"completion": "```python\nprint(7)\n```", "tests": tests})
    assert first.details["total"] == 5
    again = pickle.loads(pickle.dumps(scorer)).score({"completion": "```python\nprint(7)\n```", "tests": tests})
    assert (first.value, first.details["passed"]) == (again.value, again.details["passed"])
    values = {get("code")(max_tests=5, subset_seed=s).score({"completion": "```python\nprint(7)\n```",
                                                             "tests": tests}).value for s in range(8)}
    assert values <= {0.0, 0.2} and len(values) == 2  # some subsets hold test 7, some do not


def test_bad_configuration_names_the_key():
    with pytest.raises(ConfigError, match="reward"):
        get("code")(reward="sometimes")
    with pytest.raises(ConfigError, match="timeout_s"):
        get("code")(timeout_s=0)
    with pytest.raises(ConfigError, match="sandboxfusion_url"):
        get("code")(isolation="sandboxfusion")


def test_missing_bwrap_is_refused_unless_local_is_chosen(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ConfigError, match="bubblewrap"):
        get("code")()
    with pytest.warns(UserWarning, match="WITHOUT bubblewrap"):
        local = get("code")(isolation="local", workers=1)
    assert local.score({"completion": STDIO_SOLUTION, "tests": APPS_STDIO}).value == 1.0
    assert local.score({"completion": "```python\nimport os\nos.fork()\n```", "tests": APPS_STDIO}).value == 0.0
    local.close()


@needs_bwrap
@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="no int digit limit in this Python")
def test_big_integer_answers_print():
    code = "```python\nimport math\nprint(math.factorial(int(input())))\n```"
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        expected = str(math.factorial(2000))  # 5736 digits
    finally:
        sys.set_int_max_str_digits(limit)
    tests = {"inputs": ["2000\n"], "outputs": [expected + "\n"]}
    assert get("code")().score({"completion": code, "tests": tests}).value == 1.0
