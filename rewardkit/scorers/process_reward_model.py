"""`process_reward_model`: a learned process reward model (`rewardkit rm train --process`) as a scorer.

    {use: process_reward_model, path: runs/prm, aggregate: min, weight: 0.5}

The completion's reasoning is split into steps by `rewardkit.steps.split_steps` (the steps `step_check` and
the trainer's process advantages use); the model gives each step P(good | prompt, steps so far), read at the
separator after the step. The value aggregates the step probabilities: `min` (the weakest step: one bad step
sinks the trace, the usual choice for best-of-N with PRMs), `last`, `mean` or `product` (the probability that
every step is good, if they were independent). Step values go to `details["steps"]` as `{start, end, value}`
spans into the completion, so `advantage: process` can use them. Steps beyond the model's `max_length` get
no value; a completion without steps is `None` / `not_applicable`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.errors import ConfigError
from rewardkit.rm.config import check_weights, read_config
from rewardkit.steps import RegionName, SplitMode, split_steps


class ProcessRewardModelParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str = Field(..., description="model directory written by `rewardkit rm train --process`")
    aggregate: Literal["min", "last", "mean", "product"] = Field(
        "min", description="how step probabilities become one value: the weakest step, the last, their mean "
        "or their product")
    split: SplitMode = Field(
        "auto", description="how the reasoning is cut into steps (see rewardkit.steps)")
    region: RegionName = Field(
        "think", description="think = the <think> block when there is one, else the completion")
    batch_size: int = Field(32, ge=1, le=4096, description="completions per forward pass")
    device: str | None = Field(None, description="cpu, cuda, cuda:1 ... (default: cuda when available)")


def aggregate(values: list[float], how: str) -> float:
    if how == "min":
        return min(values)
    if how == "last":
        return values[-1]
    if how == "mean":
        return math.fsum(values) / len(values)
    return math.prod(values)


class ProcessRewardModel(Scorer):
    """Aggregated step probabilities of a process reward model; see the module doc."""

    name = "process_reward_model"
    description = "Learned process reward model (rewardkit rm train --process): a probability per reasoning " \
                  "step, aggregated by min / last / mean / product; step scores in details['steps']."
    Params = ProcessRewardModelParams
    _transient = ("_model",)
    # no `examples`: values depend on the checkpoint; tests/test_rm_process.py pins them on a trained model

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name=name, **params)
        root = Path(self.params.path).expanduser().resolve()
        if not read_config(root).get("process"):
            raise ConfigError(f"{root} is an outcome reward model; use `reward_model`, or train one with "
                              "`rewardkit rm train --process`", "path")
        check_weights(root)
        self._root = root

    def _load(self) -> Any:
        if self._model is None:
            from rewardkit.scorers.reward_model import _shared_model

            self._model = _shared_model(self._root, self.params.device)
        return self._model

    def _score(self, sample: Sample) -> Score:
        return self._score_batch([sample])[0]

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        from rewardkit.rm.process import step_probabilities

        try:
            model = self._load()
        except Exception as exc:  # noqa: BLE001 - a model that cannot load is infrastructure, never a 0 reward
            reason = f"process reward model {self._root} could not load: {type(exc).__name__}: {exc}"[:500]
            return [Score(None, Status.INFRA_ERROR, reason=reason) for _ in samples]
        steps = [split_steps(s.completion_text, self.params.split, self.params.region) for s in samples]
        todo = [i for i, found in enumerate(steps) if found]
        probs = step_probabilities(model, [samples[i].prompt_text for i in todo],
                                   [[step.text for step in steps[i]] for i in todo], self.params.batch_size)
        out = [Score.skip("no reasoning steps") for _ in samples]
        for i, values in zip(todo, probs, strict=True):
            details = {"steps": [{**step.as_dict(), "value": value} for step, value in zip(steps[i], values,
                                                                                           strict=True)]}
            scored = [v for v in values if v is not None]
            if not scored:
                out[i] = Score(None, Status.NOT_APPLICABLE, reason="no step fits in the model's max_length",
                               details=details)
                continue
            value = aggregate(scored, self.params.aggregate)
            out[i] = Score(value, reason=f"{self.params.aggregate} of {len(scored)} step probabilities",
                           details=details)
        return out
