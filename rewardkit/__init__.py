"""rewardkit: reward functions and verifiers for RL of language models (DeepSeek-R1 style GRPO).

    import rewardkit
    reward = rewardkit.build("examples/recipes/r1_zero.yaml")
    reward.score({"completion": "<think>...</think><answer>14</answer>", "answer": "14"}).value

Importing this package loads nothing heavy: scorers, torch, sandboxes and servers load on first use.
"""

from importlib.metadata import PackageNotFoundError, version

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.errors import (
    ConfigError,
    InputError,
    RegistryError,
    RewardkitError,
    ScoringUnavailable,
    UnknownScorerError,
)
from rewardkit.recipe import Combination, build, load_recipe
from rewardkit.registry import describe_all, get, names, register

try:
    __version__ = version("rewardkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Combination", "ConfigError", "InputError", "RegistryError", "RewardkitError", "Sample", "Score", "Scorer",
    "ScoringUnavailable", "Status", "UnknownScorerError", "build", "describe_all", "get", "load_recipe", "names",
    "register",
]
