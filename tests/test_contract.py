"""`check_scorer` over every built-in scorer: never raises, finite or None with a consistent status,
deterministic, picklable, batch equals one-by-one, empty completions never earn full marks, documented
examples hold. A built-in without an entry here fails, so no scorer ships unchecked."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from rewardkit import get, registry
from rewardkit.core import Sample, Score, Scorer
from rewardkit.testing import check_scorer

# Parameters to build each built-in for the contract run; None means "checked in its own test module" (scorers
# that need a model directory, a sandbox or a server fixture), named in the comment.
CONTRACT_PARAMS: dict[str, dict | None] = {
    "think_format": {},
    "tag_count": {},
    "soft_overlong": {"max_length": 200, "cache_length": 50},
    "cosine_length": {"verifier": "exact_match", "max_length": 200},
    "repetition": {"ngram_size": 2},
    "exact_match": {},
    "regex_match": {"pattern": r"\d+", "region": "answer"},
    "language_consistency": {"target": "en"},
    "math": {},
    "tool_call": {},
    "json_schema": {"schema": {"type": "object", "required": ["answer"], "properties": {"answer": {}}},
                    "credit": "required"},
    "tool_plan": {},
    "tool_errors": {},
    "turn_budget": {"max_turns": 1},
    "step_check": {},
    "code": None,  # needs samples that carry tests: tests/test_code_scorer.py runs check_scorer with them
    "judge": None,  # needs a judge backend: tests/test_judge.py runs check_scorer against a loopback server
    "process_reward_model": None,  # needs a trained model: tests/test_rm_process.py runs check_scorer on one
    "reward_model": None,  # needs a trained model directory: tests/test_rm_scorer.py runs check_scorer on one
}


def test_every_builtin_has_a_contract_entry():
    assert set(registry.BUILTINS) == set(CONTRACT_PARAMS)


@pytest.mark.parametrize("name", sorted(n for n, p in CONTRACT_PARAMS.items() if p is not None))
def test_check_scorer(name):
    check_scorer(get(name)(**CONTRACT_PARAMS[name]), max_examples=300)


class _SortsItsBatch(Scorer):
    """Scores by length, but its batch comes back sorted by length (a padding optimisation never undone)."""

    name = "sorts_its_batch"

    def _score(self, sample: Sample) -> Score:
        return Score(min(len(sample.completion_text), 50) / 100)

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        return sorted((self._score(s) for s in samples), key=lambda s: s.value)


def test_check_scorer_catches_a_batch_in_the_wrong_order():
    # with the same row twice in the batch, a reordering batch used to pass
    with pytest.raises(AssertionError, match="order"):
        check_scorer(_SortsItsBatch(), max_examples=20,
                     sample_strategy=st.sampled_from([{"completion": "bbbb"}, {"completion": "a"}]))
