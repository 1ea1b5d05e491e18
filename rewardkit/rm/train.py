"""Training a reward model on preference pairs with the Bradley–Terry loss: one config, one loop.

    rewardkit rm train pairs.jsonl -o runs/rm [--backbone tiny|minilm|DIR] [--freeze-backbone] [--centring 0.01]

Loss per pair: -log σ(r_chosen - r_rejected - margin) (margin from the row's `margin` column, else 0),
plus `centring` · mean((r_chosen + r_rejected)²), which keeps rewards near zero without changing which
answer wins. A seeded validation split is scored after every epoch (or every `eval_every` steps); training
stops after `patience` validations without a better pairwise accuracy (ties count wrong) and the best
weights are kept (with nothing held out: no early stopping, the last weights). With a frozen backbone its
pooled features are computed once and only the head trains, which makes a pretrained backbone practical on
a CPU. The mean / std of validation rewards (training rewards when nothing is held out) go into the saved
config so the scorer can z-score.
"""

from __future__ import annotations

import math
import time
from array import array
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from tqdm import tqdm

from rewardkit.errors import ConfigError, InputError
from rewardkit.rm.config import TrainConfig
from rewardkit.rm.data import Pair, flat_pairs, split
from rewardkit.rm.model import RewardModel, build_model, default_device


def bradley_terry_loss(r_chosen: torch.Tensor, r_rejected: torch.Tensor,
                       margin: torch.Tensor | None = None) -> torch.Tensor:
    """Mean of -log σ(r_c - r_r - margin) over the batch (logsigmoid: stable for large differences)."""
    diff = r_chosen - r_rejected
    if margin is not None:
        diff = diff - margin
    return -F.logsigmoid(diff).mean()


def centring_loss(r_chosen: torch.Tensor, r_rejected: torch.Tensor) -> torch.Tensor:
    """mean((r_c + r_r)^2): zero when each pair's rewards sit symmetrically around 0."""
    return ((r_chosen + r_rejected) ** 2).mean()


def pairwise_accuracy(r_chosen: torch.Tensor, r_rejected: torch.Tensor) -> float:
    """Share of pairs where the chosen answer scores strictly higher (a tie is wrong)."""
    return float((r_chosen > r_rejected).float().mean()) if len(r_chosen) else float("nan")


class _PairRewards:
    """Rewards (r_c, r_r) for rows of a pair list: through the whole model, or from cached features.
    Every text is tokenised once, here; a batch is only padded (to its own longest row) when it is used."""

    def __init__(self, model: RewardModel, pairs: list[tuple[str, str, str, float]], cached: bool,
                 batch_size: int, progress: bool) -> None:
        self.model, self.pairs, self.cached = model, pairs, cached
        self.margins = torch.tensor([m for *_, m in pairs], dtype=torch.float32, device=model.device)
        prompts = [p[0] for p in pairs]
        # int32 arrays: a large set stays a few bytes per token (Python int lists take ~36)
        rows = [(array("i", ids), first) for ids, first in
                model.tokenize(prompts + prompts, [p[1] for p in pairs] + [p[2] for p in pairs])]
        self.chosen, self.rejected = rows[:len(pairs)], rows[len(pairs):]
        if cached:
            self.features = self._features(batch_size, progress)  # (2, N, H): chosen, rejected

    @torch.no_grad()
    def _features(self, batch_size: int, progress: bool) -> torch.Tensor:
        out = []
        for rows in (self.chosen, self.rejected):
            parts = [self.model.features(self.model.collate(rows[start:start + batch_size]))
                     for start in tqdm(range(0, len(rows), batch_size), disable=not progress, leave=False,
                                       desc="features")]
            out.append(torch.cat(parts) if parts else torch.zeros(0, self.model.backbone.hidden_size))
        return torch.stack(out)

    def __call__(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.cached:
            return self.model.head(self.features[0, index]).squeeze(-1), \
                self.model.head(self.features[1, index]).squeeze(-1)
        chunk = index.tolist()
        # chosen and rejected in one forward pass: one batch of 2B rows
        rewards = self.model(self.model.collate([self.chosen[i] for i in chunk] + [self.rejected[i] for i in chunk]))
        return rewards[:len(chunk)], rewards[len(chunk):]

    @torch.inference_mode()
    def all(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Rewards of every pair in pair order. Each distinct text is computed once (best-of-N rows repeat their
        chosen answer), in batches of 2 * batch_size texts of similar length (less padding)."""
        n = len(self.pairs)
        if self.cached:
            return self(torch.arange(n))
        keys = [(ids.tobytes(), first) for ids, first in self.chosen + self.rejected]
        rows = dict(zip(keys, self.chosen + self.rejected, strict=True))  # one row per distinct text
        distinct = sorted(rows, key=lambda key: len(key[0]))
        found: dict[tuple[bytes, int], float] = {}
        for start in range(0, len(distinct), 2 * batch_size):
            chunk = distinct[start:start + 2 * batch_size]
            rewards = self.model(self.model.collate([rows[key] for key in chunk]))
            found.update(zip(chunk, rewards.float().cpu().tolist(), strict=True))
        rewards = torch.tensor([found[key] for key in keys], device=self.model.device)
        return rewards[:n], rewards[n:]


def reward_stats(r_c: torch.Tensor, r_r: torch.Tensor, source: str) -> dict[str, Any]:
    """Mean / std (population) of the chosen and rejected rewards together: what the scorer z-scores with."""
    rewards = torch.cat([r_c, r_r]).double()
    return {"mean": float(rewards.mean()), "std": float(rewards.std(unbiased=False)), "n": len(rewards),
            "source": source}


def _check(config: TrainConfig) -> None:
    checks = {"epochs": config.epochs >= 1, "batch_size": config.batch_size >= 1,
              "val_fraction": 0 <= config.val_fraction < 1, "centring": config.centring >= 0,
              "patience": config.patience >= 0, "eval_every": config.eval_every >= 0,
              "head": config.head in ("linear", "mlp"), "pooling": config.pooling in (None, "last", "mean", "cls"),
              "lr": config.lr is None or config.lr > 0}
    for key, ok in checks.items():
        if not ok:
            raise ConfigError(f"invalid value {getattr(config, key)!r}", key)


def train(pairs: list[Pair], out_dir: str | Path, config: TrainConfig | None = None,
          val_pairs: list[Pair] | None = None) -> dict[str, Any]:
    """Train on `pairs` (validation: `val_pairs`, else a `val_fraction` split), save the best model to
    `out_dir` and return the training summary (also stored in the saved config under `training`)."""
    config = config or TrainConfig()
    _check(config)
    started = time.perf_counter()
    train_rows, val_rows = (list(pairs), list(val_pairs)) if val_pairs is not None \
        else split(pairs, config.val_fraction, config.seed)
    if not train_rows:
        raise InputError("no training pairs left after the validation split")
    model = build_model(config.backbone, config.pooling, config.head, config.head_hidden,  # type: ignore[arg-type]
                        config.max_length, config.seed).to(config.device or default_device())
    if config.freeze_backbone:
        model.freeze_backbone()
        model.backbone.eval()  # no dropout: cached features equal what the scorer will compute
    cached = config.freeze_backbone
    batch = max(config.batch_size, 32)
    data = _PairRewards(model, flat_pairs(train_rows), cached, batch, config.progress)
    val = _PairRewards(model, flat_pairs(val_rows), cached, batch, config.progress) if val_rows else None
    history, stats = _loop(model, data, val, config)
    model.eval()
    if stats is None:  # nothing held out: one pass over the training pairs with the final weights
        stats = reward_stats(*data.all(batch), "train")
    model.settings["reward_stats"] = stats
    seconds = time.perf_counter() - started
    summary = {**history, "n_train_pairs": len(data.pairs), "n_val_pairs": len(val.pairs) if val else 0,
               "seconds": round(seconds, 3), "config": asdict(config)}
    model.settings["training"] = summary
    model.save(out_dir)
    return summary


def _loop(model: RewardModel, data: _PairRewards, val: _PairRewards | None, config: TrainConfig
          ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The training loop; restores the weights of the best validation and returns what happened and the reward
    statistics of that validation (the restored weights' rewards on the validation pairs: no second pass)."""
    params = [p for p in model.parameters() if p.requires_grad]
    # fused: one kernel for the whole update instead of one per tensor (3x faster on MiniLM's 22M parameters)
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate(), weight_decay=config.weight_decay, fused=True)
    generator = torch.Generator().manual_seed(config.seed)
    steps_per_epoch = math.ceil(len(data.pairs) / config.batch_size)
    eval_every = config.eval_every or steps_per_epoch
    best_acc, best_state, best_stats, bad_evals, step, history = -1.0, None, None, 0, 0, []
    bar = tqdm(total=steps_per_epoch * config.epochs, disable=not config.progress, desc="rm train")
    stopped_early = False
    for _epoch in range(config.epochs):
        if not config.freeze_backbone:
            model.train()
        for index in torch.randperm(len(data.pairs), generator=generator).split(config.batch_size):
            r_c, r_r = data(index)
            loss = bradley_terry_loss(r_c, r_r, data.margins[index])
            if config.centring:
                loss = loss + config.centring * centring_loss(r_c, r_r)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            step += 1
            if config.progress:
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.4f}")
            if step % eval_every and step != steps_per_epoch * config.epochs:
                continue
            if val is None:  # nothing held out: no early stopping, the last weights are kept
                history.append({"step": step, "loss": round(loss.item(), 6)})
                continue
            acc, r_c, r_r = _validate(model, val, config)
            history.append({"step": step, "loss": round(loss.item(), 6), "val_accuracy": acc})
            if acc > best_acc:
                best_acc, bad_evals, best_stats = acc, 0, reward_stats(r_c, r_r, "validation")
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                bad_evals += 1
            if config.patience and bad_evals >= config.patience:
                stopped_early = step < steps_per_epoch * config.epochs
                break
        if stopped_early:
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return {"steps": step, "best_val_accuracy": best_acc if val is not None else None,
            "stopped_early": stopped_early, "history": history}, best_stats


def _validate(model: RewardModel, val: _PairRewards, config: TrainConfig
              ) -> tuple[float, torch.Tensor, torch.Tensor]:
    """Pairwise accuracy on the validation pairs, and their rewards (r_c, r_r)."""
    was_training = model.training
    model.eval()
    r_c, r_r = val.all(max(config.batch_size, 32))
    model.train(was_training)
    return pairwise_accuracy(r_c, r_r), r_c, r_r
