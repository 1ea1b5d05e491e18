"""The `code` scorer against the Scorer contract (check_scorer), with samples that carry tests."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import strategies as st

from rewardkit.registry import get
from rewardkit.runtime.sandbox import bwrap_path
from rewardkit.testing import check_scorer, completions

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap not installed")

TESTS = st.sampled_from([
    {"inputs": ["1 2\n"], "outputs": ["3\n"]},
    {"fn_name": "add", "inputs": [[1, 2]], "outputs": [3]},
    ["assert add(1, 2) == 3"],
    '{"inputs": ["4\\n"], "outputs": ["4\\n"]}',
    {"language": "python", "test_cases": [{"input": "", "output": "ok"}]},
    "not tests at all",
])
PROGRAMS = st.sampled_from([
    "print(3)", "def add(a, b):\n    return a + b", "print(input())", "import os\nos._exit(0)", "raise SystemExit(1)",
    "while True: pass", "x = [", "print('ok')", "class A:\n  def __eq__(s, o): return True\ndef add(a, b): return A()",
])
CODE_COMPLETIONS = st.one_of(
    completions(),
    st.builds(lambda p, pre, post: f"{pre}```python\n{p}\n```{post}", PROGRAMS, st.text(max_size=30),
              st.text(max_size=30)),
)


@pytest.mark.slow
def test_check_scorer():
    scorer = get("code")(timeout_s=0.5)
    samples = st.fixed_dictionaries({"prompt": st.just("Add two numbers."), "completion": CODE_COMPLETIONS,
                                     "tests": TESTS})
    check_scorer(scorer, max_examples=60, sample_strategy=samples)
    scorer.close()


def test_scorer_pickles_without_its_sandboxes():
    scorer = get("code")()
    good = {"completion": "```python\nprint(3)\n```", "tests": {"inputs": [""], "outputs": ["3"]}}
    assert scorer.score(good).value == 1.0
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone._executor is None and clone.score(good).value == 1.0
    scorer.close()
    clone.close()


def test_listed_in_the_registry():
    described = get("code").describe()
    assert described["name"] == "code" and {"reward", "timeout_s", "isolation", "max_tests"} <= set(
        described["params"])


def test_a_forked_worker_gets_its_own_sandboxes():
    """A scorer used, then inherited by a forked worker (multiprocessing 'fork'), still scores in the child."""
    import multiprocessing

    scorer = get("code")(workers=1)
    good = {"completion": "```python\nprint(3)\n```", "tests": {"inputs": [""], "outputs": ["3"]}}
    assert scorer.score(good).value == 1.0
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=lambda: results.put(scorer.score(good).value))  # inherits, no pickling
    child.start()
    assert results.get(timeout=60) == 1.0
    child.join(10)
    scorer.close()
