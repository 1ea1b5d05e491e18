"""A small GRPO trainer that consumes rewardkit recipes (needs the `train` extra: torch, matplotlib).

    from rewardkit.train import GRPOConfig, train, GPTPolicy, HFPolicy
    history = train(policy, recipe, rows, GRPOConfig(steps=100), output_dir="runs/x")

Nothing heavy loads until a name is used (torch is imported by the submodules).
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "GRPOConfig": "rewardkit.train.grpo", "train": "rewardkit.train.grpo", "grpo_loss": "rewardkit.train.grpo",
    "group_advantages": "rewardkit.train.grpo", "Policy": "rewardkit.train.policy",
    "Rollout": "rewardkit.train.policy", "GPTPolicy": "rewardkit.train.gpt", "CharTokenizer": "rewardkit.train.gpt",
    "GPTConfig": "rewardkit.train.gpt", "HFPolicy": "rewardkit.train.hf", "run_demo": "rewardkit.train.demo",
    "rejection_sample": "rewardkit.train.demo", "plot_rewards": "rewardkit.train.plot",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'rewardkit.train' has no attribute {name!r}")
