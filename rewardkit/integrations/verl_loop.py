"""A batching reward manager for verl >= 0.9's reward loop (the path its trainer takes by default).

verl 0.9's reward loop knows only the managers in its own registry (`naive`, `dapo`, `gdpo`, `limited`,
`remote`): `reward_manager.name: batch` fails there with `Unknown reward manager: batch`. It calls a manager's
`run_single` once per sample, as concurrent asyncio tasks. `RewardkitRewardManager` collects the samples of
those concurrent calls and scores them with one `score_batch` in a thread (model-based and pooled scorers
amortise their calls, the event loop keeps running), and answers each call with verl's
`{"reward_score", "reward_extra_info"}`: the same keys and None policy as `compute_score`.

    reward:
      reward_manager:
        source: importlib
        name: RewardkitRewardManager
        module:
          path: pkg://rewardkit.integrations.verl_loop
      custom_reward_function:                      # optional: only its reward_kwargs are read
        reward_kwargs: {recipe: /abs/path/r1_zero.yaml}   # or set REWARDKIT_RECIPE

This module imports verl (it exists to be loaded by verl); the rest of rewardkit never imports it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase

from rewardkit.core import Sample
from rewardkit.integrations.verl import _options, _plain, _result, _row

_KWARGS = ("recipe", "mapping", "none_score", "on_infra_error")


class RewardkitRewardManager(RewardManagerBase):
    """verl reward-loop manager scoring concurrent `run_single` calls as one batch (see the module docstring)."""

    def __init__(self, config: Any, tokenizer: Any, compute_score: Any = None, **kwargs: Any) -> None:
        super().__init__(config, tokenizer, compute_score)
        reward = config.get("reward") if hasattr(config, "get") else None
        custom = (reward.get("custom_reward_function") if reward is not None else None) or {}
        given = _plain(custom.get("reward_kwargs") or {})
        options = {k: given[k] for k in _KWARGS if k in given}
        self.none_score = float(options.get("none_score", 0.0))
        self.on_infra_error = options.get("on_infra_error", "raise")
        self.scorer, self.mapping = _options(options.get("recipe"), options.get("mapping"), self.none_score,
                                             self.on_infra_error)
        self._queue: list[tuple[Sample, asyncio.Future]] = []
        self._flushing: asyncio.Task | None = None

    async def run_single(self, data: Any) -> dict[str, Any]:
        item = data[-1:][0]  # for multi-sequence outputs, the last sequence is the one rewarded
        response_ids = item.batch["responses"]
        valid = int(item.batch["attention_mask"][-response_ids.shape[-1]:].sum())
        text = self.tokenizer.decode(response_ids[:valid], skip_special_tokens=True)
        extra = dict(item.non_tensor_batch.get("extra_info", None) or {})
        reward_model = item.non_tensor_batch.get("reward_model", None) or {}
        row = _row(item.non_tensor_batch.get("data_source", None), text, reward_model.get("ground_truth"), extra)
        future = asyncio.get_running_loop().create_future()
        self._queue.append((Sample.from_dict(row, self.mapping), future))
        if len(self._queue) == 1:  # the task is kept so it cannot be garbage-collected mid-flight
            self._flushing = asyncio.create_task(self._flush())
        result = await future
        return {"reward_score": result["score"], "reward_extra_info": result}

    async def _flush(self) -> None:
        """Wait while concurrent calls keep arriving, then score everything queued in one batch."""
        seen = -1
        while seen != len(self._queue):
            seen = len(self._queue)
            await asyncio.sleep(0)
        batch, self._queue = self._queue, []
        try:
            scores = await asyncio.to_thread(self.scorer.score_batch, [sample for sample, _ in batch])
            names = self.scorer.component_names()
            for (_, future), score in zip(batch, scores, strict=True):
                try:
                    future.set_result(_result(score, names, self.none_score, self.on_infra_error))
                except Exception as exc:  # noqa: BLE001 - ScoringUnavailable fails that sample's call
                    future.set_exception(exc)
        except Exception as exc:  # noqa: BLE001 - every waiting call must hear about it
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
