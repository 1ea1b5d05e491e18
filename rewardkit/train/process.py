"""Process advantages: GRPO with step rewards (DeepSeekMath, "process supervision").

A scorer that scores reasoning steps reports them in `Score.details["steps"]` as character spans into the
completion with a value (DESIGN.md, "Step rewards"); a recipe passes them on in `details["steps_by_component"]`.
Here they become per-token advantages:

1. the step rewards of all completions of a group are normalised together: r~ = (r - mean) / (std + 1e-4) over
   every scored step of the group (`scale_rewards: batch` uses the batch's std, `none` divides by nothing);
2. a completion token t gets the sum of r~ over the steps of its completion that end at or after t, i.e. its own
   step and every later one. Tokens after the last step (the answer) get 0 from this part.

Steps without a value (nothing checkable) take no part. Character spans map onto the policy's tokens through
its `completion_offsets` (one character span per completion token; the built-in GPT's tokens are characters
and tags, Hugging Face policies decode token by token).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from rewardkit.core import Score
from rewardkit.errors import ConfigError
from rewardkit.steps import Step, token_spans


def score_steps(score: Score, component: str | None = None) -> list[dict[str, Any]]:
    """The step list of one recipe score: a leaf's `details["steps"]`, or component `component`'s from a
    combination's `details["steps_by_component"]` (None: the only component that reported steps). No steps: []."""
    details = score.details or {}
    if isinstance(details.get("steps"), list) and component is None:
        return details["steps"]
    by_component: Mapping[str, list] = details.get("steps_by_component") or {}
    if component is not None:
        return list(by_component.get(component) or [])
    if len(by_component) > 1:
        raise ConfigError(f"several components report step rewards ({', '.join(sorted(by_component))}); name "
                          "one with step_reward_component", "step_reward_component")
    return next(iter(by_component.values()), [])


def step_token_ends(steps: Sequence[Mapping[str, Any]], offsets: Sequence[tuple[int, int]]
                    ) -> list[tuple[int, float]]:
    """(index of the last token of the step, value) for every step that has a value and covers a token."""
    spans = token_spans([Step(int(s["start"]), int(s["end"]), "") for s in steps], offsets)
    out = []
    for step, span in zip(steps, spans, strict=True):
        value = step.get("value")
        if value is not None and span.token_end is not None and span.token_end > span.token_start:
            out.append((span.token_end - 1, float(value)))
    return out


def process_advantages(step_ends: Sequence[Sequence[tuple[int, float]]], group_size: int, length: int,
                       scale: str = "group") -> torch.Tensor:
    """Per-token advantages (N, length) from each completion's (last token index, step reward) pairs, laid
    out group after group; see the module docstring."""
    n = len(step_ends)
    values = [torch.tensor([v for _, v in row], dtype=torch.float64) for row in step_ends]
    batch_all = torch.cat(values) if values else torch.zeros(0, dtype=torch.float64)
    batch_std = _std(batch_all)
    advantages = torch.zeros((n, length), dtype=torch.float64)
    for lo in range(0, n, group_size):
        group = torch.cat(values[lo:lo + group_size])
        if group.numel() == 0:
            continue
        std = batch_std if scale == "batch" else _std(group)
        denominator = 1.0 if scale == "none" else std + 1e-4
        mean = group.mean()
        for i in range(lo, min(lo + group_size, n)):
            for end, value in step_ends[i]:
                normalised = (value - mean) / denominator
                advantages[i, :min(end, length - 1) + 1] += 0.0 if torch.isnan(normalised) else normalised
    return advantages.float()


def _std(x: torch.Tensor) -> torch.Tensor:
    """Bessel-corrected std (as `group_advantages`); NaN with fewer than two values."""
    return x.std() if x.numel() > 1 else torch.tensor(float("nan"), dtype=torch.float64)


def rollout_process_advantages(policy: Any, rollout: Any, scores: Sequence[Score], group_size: int,
                               scale: str, component: str | None) -> tuple[torch.Tensor, float]:
    """Process advantages (N, C) for a rollout and its recipe scores, and the mean number of scored steps per
    completion (for the metrics)."""
    offsets = policy.completion_offsets(rollout)
    ends = [step_token_ends(score_steps(score, component), row) for score, row in zip(scores, offsets, strict=True)]
    length = rollout.completion_ids.shape[1]
    advantages = process_advantages(ends, group_size, length, scale)
    return advantages.to(rollout.completion_ids.device), sum(map(len, ends)) / max(len(ends), 1)
