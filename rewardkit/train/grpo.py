"""GRPO in plain torch: sample a group of completions per prompt, score them with a rewardkit recipe, turn
rewards into group-relative advantages, and climb a clipped surrogate (optionally with a k3 KL to a frozen
reference). The knobs carry TRL's names and meanings (TRL 1.16 GRPOTrainer), so a config moves between them.

    from rewardkit.train import GRPOConfig, train
    metrics = train(policy, "examples/recipes/r1_zero.yaml", rows, GRPOConfig(steps=100), output_dir="runs/x")

The math lives in small functions (`group_advantages`, `importance_log_weights`, `clipped_surrogate`,
`k3_kl`, `aggregate_loss`, `grpo_loss`) tested on hand-computed batches; `train` is the one loop.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal

import torch

from rewardkit.core import Score, Scorer
from rewardkit.errors import ConfigError
from rewardkit.jsonl import read_jsonl
from rewardkit.recipe import build
from rewardkit.train.policy import Policy, Rollout, policy_threads
from rewardkit.train.process import rollout_process_advantages

LossType = Literal["grpo", "bnpo", "dr_grpo", "dapo"]
ScaleRewards = Literal["group", "batch", "none"]


@dataclass
class GRPOConfig:
    """Every knob of the loop. Names and meanings follow TRL's GRPOConfig where TRL has the knob."""

    steps: int = 100  # optimisation steps; each samples a fresh batch of prompts
    prompts_per_step: int = 8  # distinct prompts per step; the batch is prompts_per_step * num_generations
    num_generations: int = 8  # G: completions sampled per prompt; their mean reward is the baseline
    max_new_tokens: int = 32  # completion length cap (TRL: max_completion_length)
    temperature: float = 1.0  # sampling temperature; log-probs in the loss use the same scaling, as TRL does
    learning_rate: float = 1e-6  # AdamW step size (TRL's default; a 100K-parameter model wants ~1e-3)
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0  # clip the gradient's global norm; 0 disables
    beta: float = 0.0  # weight of the k3 KL to a frozen reference; 0 = no reference model is kept
    epsilon: float = 0.2  # lower clip: the ratio may not fall below 1 - epsilon where the advantage is < 0
    epsilon_high: float | None = None  # upper clip (DAPO's clip-higher uses 0.28); None = epsilon
    loss_type: LossType = "dapo"  # how per-token losses are averaged, see `aggregate_loss`
    scale_rewards: ScaleRewards = "group"  # divide advantages by the group's std, the batch's std, or not at all
    num_iterations: int = 1  # mu: optimisation passes over each generated batch (> 1 makes the ratio move)
    importance_sampling_level: Literal["token", "sequence"] = "token"  # per-token ratios, or GSPO's geometric mean
    mask_truncated_completions: bool = False  # completions cut by max_new_tokens get no loss (DAPO)
    drop_zero_std_groups: bool = False  # DAPO dynamic sampling: groups whose rewards are all equal leave the loss
    shuffle_rewards: bool = False  # negative control: permute rewards across the batch; learning must stop
    # outcome: one advantage per completion from the recipe's total. process: per-token advantages from step
    # rewards (DeepSeekMath process supervision, see rewardkit.train.process) plus outcome_weight * outcome.
    advantage: Literal["outcome", "process"] = "outcome"
    outcome_weight: float = 1.0  # process mode: weight of the outcome advantage added to every token (0 = none)
    step_reward_component: str | None = None  # process mode: the recipe component whose steps are used
    gradient_accumulation_steps: int = 1  # micro-batches per optimizer step (same update, less memory)
    seed: int = 0
    checkpoint_every: int = 50  # steps between checkpoints in output_dir (0: only at the end)

    def __post_init__(self) -> None:
        choices = {"loss_type": LossType, "scale_rewards": ScaleRewards,
                   "importance_sampling_level": Literal["token", "sequence"],
                   "advantage": Literal["outcome", "process"]}
        for key, kind in choices.items():
            if getattr(self, key) not in kind.__args__:
                raise ConfigError(f"must be one of {', '.join(kind.__args__)}, got {getattr(self, key)!r}", key)
        for key in ("steps", "prompts_per_step", "max_new_tokens", "num_iterations", "gradient_accumulation_steps"):
            if getattr(self, key) < 1:
                raise ConfigError(f"must be >= 1, got {getattr(self, key)}", key)
        if self.num_generations < 2:
            raise ConfigError("must be >= 2: a group of one has no baseline", "num_generations")
        if self.temperature <= 0:
            raise ConfigError("must be > 0", "temperature")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GRPOConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown trainer option (known: {', '.join(sorted(known))})", unknown[0])
        return cls(**data)


# ---------------------------------------------------------------------------------------------- the math


def group_advantages(rewards: torch.Tensor, group_size: int, scale: ScaleRewards = "group",
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """Advantages (N,) from rewards (N,) laid out group after group, as TRL computes them: reward minus its
    group's mean, divided by (std + 1e-4) of the group or of the batch (Bessel-corrected) unless `scale` is
    "none". NaN rewards (unscorable: every component None) stay out of mean and std and get advantage 0.
    Also returns which rows belong to a zero-variance group (no learning signal)."""
    grouped = rewards.view(-1, group_size)  # (P, G)
    mean = torch.nanmean(grouped, dim=1, keepdim=True)
    group_std = _nanstd(grouped, dim=1).unsqueeze(1).expand_as(grouped).reshape(-1)  # (N,)
    std = _nanstd(rewards, dim=None).expand_as(rewards) if scale == "batch" else group_std
    advantages = (grouped - mean).reshape(-1)
    if scale != "none":
        advantages = advantages / (std + 1e-4)
    zero_std = torch.isclose(group_std, torch.zeros_like(group_std)) | torch.isnan(group_std)
    return torch.nan_to_num(advantages, nan=0.0), zero_std


def _nanstd(x: torch.Tensor, dim: int | None) -> torch.Tensor:
    """Bessel-corrected std ignoring NaN (TRL's nanstd); NaN where fewer than two values."""
    dims = dim if dim is not None else tuple(range(x.dim()))
    mean = torch.nanmean(x, dim=dims, keepdim=True)
    count = (~torch.isnan(x)).sum(dim=dims, keepdim=True)
    var = torch.nanmean((x - mean) ** 2, dim=dims, keepdim=True) * count / (count - 1)
    return torch.where(count > 1, var, torch.full_like(var, float("nan"))).sqrt().squeeze(dims)


def importance_log_weights(logps: torch.Tensor, old_logps: torch.Tensor, mask: torch.Tensor,
                           level: str = "token") -> torch.Tensor:
    """log(pi / pi_old): per token (B, T), or GSPO's per-sequence mean over real tokens (B, 1)."""
    log_ratio = logps - old_logps
    if level == "token":
        return log_ratio
    return ((log_ratio * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).unsqueeze(-1)


def clipped_surrogate(ratio: torch.Tensor, advantages: torch.Tensor, epsilon_low: float, epsilon_high: float,
                      ) -> tuple[torch.Tensor, torch.Tensor]:
    """PPO's pessimistic objective as a loss: -min(r * A, clip(r, 1 - eps_low, 1 + eps_high) * A).
    `advantages` is (B, 1). Returns the per-token loss and where the clip was active (the gradient is zero)."""
    clipped = torch.clamp(ratio, 1 - epsilon_low, 1 + epsilon_high)
    loss = -torch.min(ratio * advantages, clipped * advantages)
    is_clipped = ((ratio < 1 - epsilon_low) & (advantages < 0)) | ((ratio > 1 + epsilon_high) & (advantages > 0))
    return loss, is_clipped


def k3_kl(logps: torch.Tensor, ref_logps: torch.Tensor) -> torch.Tensor:
    """Schulman's k3 estimator of KL(pi || ref) per token: exp(ref - logp) - (ref - logp) - 1 >= 0."""
    delta = ref_logps - logps
    return torch.exp(delta) - delta - 1


def aggregate_loss(per_token: torch.Tensor, mask: torch.Tensor, loss_type: LossType, max_new_tokens: int,
                   total_tokens: torch.Tensor | None = None) -> torch.Tensor:
    """Reduce per-token losses (B, T) over real tokens, as TRL does for each loss_type:
    grpo: mean over each sequence's tokens, then over sequences (short answers weigh more per token);
    bnpo: mean over all tokens of the batch; dr_grpo: sum / (B * max_new_tokens), no length bias;
    dapo: sum / tokens of the whole generation batch (`total_tokens`, default this batch's)."""
    mask = mask.to(per_token.dtype)
    masked = per_token * mask  # (B, T); broadcasts a (B, 1) sequence-level loss over its tokens
    if loss_type == "grpo":
        return (masked.sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    if loss_type == "bnpo":
        return masked.sum() / mask.sum().clamp(min=1.0)
    if loss_type == "dr_grpo":
        return masked.sum() / (per_token.shape[0] * max_new_tokens)
    total = mask.sum() if total_tokens is None else total_tokens
    return masked.sum() / total.clamp(min=1.0)


def grpo_loss(logps: torch.Tensor, old_logps: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              cfg: GRPOConfig, ref_logps: torch.Tensor | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """The GRPO objective for one batch: logps/old/ref (B, T), advantages (B,) or per token (B, T), mask (B, T)."""
    log_w = importance_log_weights(logps, old_logps, mask, cfg.importance_sampling_level)
    eps_high = cfg.epsilon if cfg.epsilon_high is None else cfg.epsilon_high
    adv = advantages if advantages.dim() == 2 else advantages.unsqueeze(1)  # (B, T) process or (B, 1) outcome
    per_token, clipped = clipped_surrogate(torch.exp(log_w), adv, cfg.epsilon, eps_high)
    stats: dict[str, float] = {}
    fmask = mask.float()
    if cfg.beta != 0.0 and ref_logps is not None:
        kl = k3_kl(logps, ref_logps)
        per_token = per_token + cfg.beta * kl
        stats["kl"] = float((kl.detach() * fmask).sum() / fmask.sum().clamp(min=1.0))
    loss = aggregate_loss(per_token, mask, cfg.loss_type, cfg.max_new_tokens)
    clipped = clipped.float().expand_as(fmask)
    stats["clip_fraction"] = float((clipped * fmask).sum() / fmask.sum().clamp(min=1.0))
    return loss, stats


# ------------------------------------------------------------------------------------------- rewards


def reward_table(scores: Sequence[Score], components: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Rewards (N,) and per-component values (N, K) from recipe scores; None becomes NaN. The recipe has
    already skipped components that do not apply (TRL's nansum); a row with no value at all is unscorable."""
    nan = float("nan")
    rewards = torch.tensor([nan if s.value is None else s.value for s in scores], dtype=torch.float32)
    comps = torch.tensor([[nan if s.components.get(c) is None else s.components[c] for c in components]
                          for s in scores], dtype=torch.float32).view(len(scores), len(components))
    return rewards, comps


def score_rollout(reward: Scorer, rows: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> list[Score]:
    """Score completion i against row i (the prompt row repeated G times); every row field reaches the scorer."""
    return reward.score_batch([{**row, "completion": text} for row, text in zip(rows, texts, strict=True)])


# ------------------------------------------------------------------------------------------- the loop


def train(policy: Policy, reward: Any, rows: Sequence[Mapping[str, Any]], cfg: GRPOConfig,
          output_dir: str | Path | None = None, resume: bool = False, progress: bool = True,
          on_step: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Train `policy` with GRPO on dataset `rows` (each has `prompt`, plus whatever the recipe reads, e.g.
    `answer`) against `reward` (a recipe, a file, or a Scorer). Returns one metrics dict per step; with
    `output_dir`, also writes metrics.jsonl, checkpoint.pt and rewards.png there. Torch runs on the number of
    threads the policy asks for (the built-in GPT: one), whichever entry point called."""
    with policy_threads(policy):
        return _train(policy, reward, rows, cfg, output_dir, resume, progress, on_step)


def _train(policy: Policy, reward: Any, rows: Sequence[Mapping[str, Any]], cfg: GRPOConfig,
           output_dir: str | Path | None, resume: bool, progress: bool,
           on_step: Callable[[dict[str, Any]], None] | None) -> list[dict[str, Any]]:
    reward = build(reward)
    names = reward.component_names()  # leaves and named combiners: one metric column each
    if not rows or any("prompt" not in r for r in rows):
        raise ConfigError("every training row needs a 'prompt'", "data")
    if cfg.advantage == "process" and not hasattr(policy, "completion_offsets"):
        raise ConfigError("advantage: process needs a policy with completion_offsets (token character spans)",
                          "advantage")
    out = Path(output_dir) if output_dir else None
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    ref = policy.reference() if cfg.beta != 0.0 else None
    history, start = [], 0
    if resume and out and (out / CHECKPOINT).exists():
        start, history = load_checkpoint(out, policy, optimizer, rng, ref)
    G = cfg.num_generations
    bar = _progress(cfg.steps, start, progress)
    for step in range(start, cfg.steps):
        t0 = time.perf_counter()
        # 1. Sample G completions for each of prompts_per_step prompts: the groups.
        batch_rows = [row for row in rng.sample(list(rows), min(cfg.prompts_per_step, len(rows))) for _ in range(G)]
        policy.train(False)
        rollout = policy.generate([r["prompt"] for r in batch_rows], cfg.max_new_tokens, cfg.temperature)
        # 2. Score them with the recipe; advantages are relative to the group.
        scores = score_rollout(reward, batch_rows, rollout.texts)
        rewards, comps = reward_table(scores, names)  # (N,), (N, K)
        learn_from = rewards[torch.randperm(len(rewards))] if cfg.shuffle_rewards else rewards
        advantages, zero_std = group_advantages(learn_from, G, cfg.scale_rewards)
        extra: dict[str, float] = {}
        if cfg.advantage == "process":  # per-token: step rewards, plus the weighted outcome advantage
            process, extra["process_steps"] = rollout_process_advantages(
                policy, rollout, scores, G, cfg.scale_rewards, cfg.step_reward_component)
            advantages = cfg.outcome_weight * advantages.unsqueeze(1) + process.cpu()  # (N, C)
        mask = _loss_mask(rollout, zero_std, cfg)  # (N, C)
        # 3. Climb the clipped surrogate num_iterations times on this batch.
        policy.train(True)
        parts = micro_batches(len(rollout), cfg.gradient_accumulation_steps)
        with torch.no_grad():
            old = _logps(policy, rollout, parts, cfg.temperature) if cfg.num_iterations > 1 else None
            ref_logps = _logps(ref, rollout, parts, cfg.temperature) if ref is not None else None
        stats: dict[str, float] = {}
        adv = advantages.to(policy.device)
        for _ in range(cfg.num_iterations if mask.any() else 0):
            stats = optimise(policy, optimizer, rollout, adv, mask, old, ref_logps, cfg, parts)
        # 4. Log, checkpoint.
        row = step_metrics(step + 1, rewards, comps, names, rollout, zero_std, {**stats, **extra},
                           time.perf_counter() - t0)
        history.append(row)
        if on_step:
            on_step(row)
        if out:
            _append_jsonl(out / "metrics.jsonl", row, truncate=step == start)
            if step + 1 == cfg.steps or (cfg.checkpoint_every and (step + 1) % cfg.checkpoint_every == 0):
                save_checkpoint(out, policy, optimizer, rng, step + 1, cfg)
        bar.set_postfix_str(f"reward {row['reward']:.3f}", refresh=False)
        bar.update(1)
    bar.close()
    if out and history:
        from rewardkit.train.plot import plot_rewards

        plot_rewards(history, out / "rewards.png", names)
    return history


def micro_batches(n: int, count: int) -> list[slice]:
    """`count` contiguous, near-equal row ranges covering n rows (fewer when n < count)."""
    parts = max(1, min(count, n))
    bounds = [round(i * n / parts) for i in range(parts + 1)]
    return [slice(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def rollout_rows(rollout: Rollout, rows: slice) -> Rollout:
    return Rollout(rollout.prompt_ids[rows], rollout.prompt_mask[rows], rollout.completion_ids[rows],
                   rollout.completion_mask[rows], rollout.truncated[rows], rollout.texts[rows])


def _logps(policy: Policy, rollout: Rollout, parts: list[slice], temperature: float) -> torch.Tensor:
    return torch.cat([policy.token_logps(rollout_rows(rollout, rows), temperature) for rows in parts])


def optimise(policy: Policy, optimizer: torch.optim.Optimizer, rollout: Rollout, adv: torch.Tensor,
             mask: torch.Tensor, old: torch.Tensor | None, ref_logps: torch.Tensor | None, cfg: GRPOConfig,
             parts: list[slice]) -> dict[str, float]:
    """One optimizer step on the batch, accumulated over micro-batches `parts`. Each micro-batch's loss is
    weighted by its share of the rows (grpo, dr_grpo) or of the loss tokens (bnpo, dapo), so the summed
    gradient is the whole batch's: gradient accumulation changes memory, not the update."""
    optimizer.zero_grad(set_to_none=True)
    tokens = mask.sum().clamp(min=1).item()
    stats: dict[str, float] = {"loss": 0.0}
    for rows in parts:
        sub, sub_mask = rollout_rows(rollout, rows), mask[rows]
        logps = policy.token_logps(sub, cfg.temperature)  # (n, C)
        loss, part = grpo_loss(logps, logps.detach() if old is None else old[rows], adv[rows], sub_mask, cfg,
                               None if ref_logps is None else ref_logps[rows])
        token_share = sub_mask.sum().item() / tokens
        share = (len(sub) / len(rollout)) if cfg.loss_type in ("grpo", "dr_grpo") else token_share
        (loss * share).backward()
        stats["loss"] += loss.item() * share
        for key, value in part.items():
            stats[key] = stats.get(key, 0.0) + value * token_share
    if cfg.max_grad_norm > 0:
        stats["grad_norm"] = float(torch.nn.utils.clip_grad_norm_(policy.parameters(), cfg.max_grad_norm))
    optimizer.step()
    return stats


def _loss_mask(rollout: Rollout, zero_std: torch.Tensor, cfg: GRPOConfig) -> torch.Tensor:
    """Completion tokens that enter the loss: not padding, not truncated (optional), not in a flat group
    (optional)."""
    keep = torch.ones(len(rollout), dtype=torch.bool)
    if cfg.mask_truncated_completions:
        keep &= ~rollout.truncated.cpu()
    if cfg.drop_zero_std_groups:
        keep &= ~zero_std
    return rollout.completion_mask * keep.to(rollout.completion_mask.device).unsqueeze(1).long()


def step_metrics(step: int, rewards: torch.Tensor, comps: torch.Tensor, names: Sequence[str], rollout: Rollout,
                 zero_std: torch.Tensor, stats: Mapping[str, float], seconds: float) -> dict[str, Any]:
    """One JSON-able metrics row: overall reward, each component's mean under its recipe name, and health."""
    def mean(x: torch.Tensor) -> float | None:
        value = float(torch.nanmean(x)) if x.numel() else math.nan
        return None if math.isnan(value) else round(value, 6)

    lengths = rollout.completion_mask.sum(-1).float().cpu()
    row: dict[str, Any] = {"step": step, "reward": mean(rewards), "reward_std": _round(_nanstd(rewards, None))}
    for i, name in enumerate(names):
        row[name] = mean(comps[:, i])
    row.update({
        "unscorable": round(float(torch.isnan(rewards).float().mean()), 6),
        "zero_std_groups": round(float(zero_std.float().mean()), 6),
        "completion_length": round(float(lengths.mean()), 3),
        "truncated": round(float(rollout.truncated.float().mean()), 6),
        "kl": _round(stats.get("kl", 0.0)), "clip_fraction": _round(stats.get("clip_fraction", 0.0)),
        "loss": _round(stats.get("loss")), "grad_norm": _round(stats.get("grad_norm")),
        "completions_per_s": round(len(rollout) / max(seconds, 1e-9), 2), "seconds": round(seconds, 4),
    })
    if "process_steps" in stats:
        row["process_steps"] = _round(stats["process_steps"])
    return row


def _round(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def _append_jsonl(path: Path, row: Mapping[str, Any], truncate: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if truncate and path.exists():  # a resumed run rewrites the rows after its checkpoint
        kept = [line.raw for line in read_jsonl(path, what="metrics file") if line.row["step"] < row["step"]]
        path.write_bytes(b"".join(raw + b"\n" for raw in kept))
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def _progress(total: int, start: int, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=start, disable=not enabled, desc="grpo", unit="step", dynamic_ncols=True)


# ------------------------------------------------------------------------------------------- checkpoints

CHECKPOINT = "checkpoint.pt"


def save_checkpoint(out: Path, policy: Policy, optimizer: torch.optim.Optimizer, rng: random.Random, step: int,
                    cfg: GRPOConfig) -> None:
    """Everything a resumed run needs to continue as if uninterrupted; written atomically."""
    out.mkdir(parents=True, exist_ok=True)
    state = {"step": step, "policy": policy.state_dict(), "optimizer": optimizer.state_dict(),
             "python_rng": rng.getstate(), "torch_rng": torch.get_rng_state(), "config": asdict(cfg),
             "spec": policy.spec() if hasattr(policy, "spec") else None}
    tmp = out / (CHECKPOINT + ".tmp")
    torch.save(state, tmp)
    tmp.replace(out / CHECKPOINT)


def load_checkpoint(out: Path, policy: Policy, optimizer: torch.optim.Optimizer, rng: random.Random,
                    ref: Policy | None) -> tuple[int, list[dict[str, Any]]]:
    """Restore weights, optimizer and random state; return the step to continue from and the metrics so far.
    The KL reference stays the run's initial weights only if it was built before this call (as `train` does
    when resuming from the same starting policy)."""
    state = torch.load(out / CHECKPOINT, map_location=policy.device, weights_only=False)
    policy.load_state_dict(state["policy"])
    optimizer.load_state_dict(state["optimizer"])
    rng.setstate(state["python_rng"])
    torch.set_rng_state(state["torch_rng"])
    metrics = out / "metrics.jsonl"
    rows = [line.row for line in read_jsonl(metrics, what="metrics file")] if metrics.exists() else []
    return state["step"], [r for r in rows if r["step"] <= state["step"]]
