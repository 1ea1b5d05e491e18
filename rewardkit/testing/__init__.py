"""Hypothesis strategies and `check_scorer`, for fuzzing your own scorers and verifiers.

    from rewardkit.testing import check_scorer
    check_scorer(my_scorer)            # asserts the Scorer contract on a few hundred generated samples

Needs the `hypothesis` package (extra `rewardkit[testing]`).
"""

from rewardkit.errors import require

require("testing", "rewardkit.testing", "hypothesis")

from rewardkit.testing.contract import check_scorer  # noqa: E402 - after the check, so it is a hint, not a traceback
from rewardkit.testing.strategies import chat_completions, completions, r1_completions, samples  # noqa: E402
from rewardkit.testing.tool_calls import tool_rows, tool_samples  # noqa: E402

__all__ = ["chat_completions", "check_scorer", "completions", "r1_completions", "samples", "tool_rows",
           "tool_samples"]
