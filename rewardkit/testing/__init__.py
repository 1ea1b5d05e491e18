"""Hypothesis strategies and `check_scorer`, for fuzzing your own scorers and verifiers.

    from rewardkit.testing import check_scorer
    check_scorer(my_scorer)            # asserts the Scorer contract on a few hundred generated samples

Needs the `hypothesis` package (extra `rewardkit[testing]`).
"""

from rewardkit.testing.contract import check_scorer
from rewardkit.testing.strategies import chat_completions, completions, r1_completions, samples
from rewardkit.testing.tool_calls import tool_rows, tool_samples

__all__ = ["chat_completions", "check_scorer", "completions", "r1_completions", "samples", "tool_rows",
           "tool_samples"]
