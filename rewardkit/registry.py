"""The scorer registry: short names -> Scorer classes.

Built-in scorers are listed here by import path and loaded on first use, so `import rewardkit` stays light
(the language model, torch and sandboxes load only when a recipe asks for them). Third-party packages add
scorers through the entry-point group `rewardkit.scorers` (entry-point name = scorer name, value =
`package.module:ScorerClass`); user code can also call `register(cls)` directly. The machinery is
rewardkit.plugins, shared with the probe families.
"""

from __future__ import annotations

from typing import Any

from rewardkit.core import Scorer
from rewardkit.errors import RegistryError, UnknownScorerError
from rewardkit.plugins import PluginRegistry

ENTRY_POINT_GROUP = "rewardkit.scorers"

# name -> "module:Class"; the class's own `name` must match (checked on load).
BUILTINS: dict[str, str] = {
    "think_format": "rewardkit.scorers.format:ThinkFormat",
    "tag_count": "rewardkit.scorers.format:TagCount",
    "soft_overlong": "rewardkit.scorers.length:SoftOverlong",
    "cosine_length": "rewardkit.scorers.length:CosineLength",
    "repetition": "rewardkit.scorers.length:Repetition",
    "exact_match": "rewardkit.scorers.match:ExactMatch",
    "regex_match": "rewardkit.scorers.match:RegexMatch",
    "language_consistency": "rewardkit.scorers.language.scorer:LanguageConsistency",
    "code": "rewardkit.scorers.code.scorer:Code",
    "math": "rewardkit.scorers.math:MathScorer",
    "step_check": "rewardkit.scorers.step_check:StepCheck",
    "reward_model": "rewardkit.scorers.reward_model:RewardModelScorer",
    "process_reward_model": "rewardkit.scorers.process_reward_model:ProcessRewardModel",
    "judge": "rewardkit.scorers.judge:Judge",
    "tool_call": "rewardkit.scorers.tools.scorer:ToolCallScorer",
    "json_schema": "rewardkit.scorers.tools.json_schema:JsonSchema",
    "tool_plan": "rewardkit.scorers.tools.trajectory:ToolPlan",
    "tool_errors": "rewardkit.scorers.tools.trajectory:ToolErrors",
    "turn_budget": "rewardkit.scorers.tools.trajectory:TurnBudget",
}

SCORERS: PluginRegistry[Scorer] = PluginRegistry(
    "scorer", Scorer, ENTRY_POINT_GROUP, BUILTINS, UnknownScorerError, "rewardkit list",
    missing_extra="install the matching extra, e.g. pip install 'rewardkit[all]'")
register = SCORERS.register
unregister = SCORERS.unregister
refresh_entry_points = SCORERS.refresh_entry_points
names = SCORERS.names
get = SCORERS.get


def describe_all() -> list[dict[str, Any]]:
    """`describe()` of every scorer; a scorer whose extra is missing is listed with the import error."""
    rows = []
    for name in names():
        try:
            rows.append(get(name).describe())
        except RegistryError as exc:
            rows.append({"name": name, "description": f"(unavailable: {exc})", "params": {}})
    return rows
