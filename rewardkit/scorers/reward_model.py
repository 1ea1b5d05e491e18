"""`reward_model`: a learned reward model (trained with `rewardkit rm train`) as a scorer.

    {use: reward_model, path: runs/helpful_rm, region: answer, normalize: zscore, weight: 0.5}

The model sees the sample's prompt (last user turn for chat prompts) and one region of the completion:
`answer` (the `<answer>` content, else the text after `</think>`, else everything: DeepSeek-R1's helpfulness
RM judges only the final answer / summary), `think` (the reasoning) or `all` (the whole output: R1's
harmlessness RM). The region is scored as it is, even when empty: the model decides what an empty answer
is worth.

Values (`normalize`), with mean / std measured on the validation split at training time (`rm_config.json`):
- `none`: the raw reward, unbounded; only differences between rewards mean something (Bradley–Terry);
- `center`: raw - mean;
- `zscore`: (raw - mean) / std: comparable across reward models, so weights in a recipe mean the same thing;
- `sigmoid`: σ(raw - mean) in (0, 1), the Bradley–Terry probability that this response beats a response
  of average reward.
`clip` bounds the (normalised) value to [-clip, clip]. Texts pass through the shared normaliser (invisible
characters out, look-alike letters folded) before tokenizing. A response longer than the model's window is
truncated (`overlong: head` keeps its start, `head_tail` its start and end, `refuse` scores it None), and
`details` carries `truncated`, `response_tokens` and `window_tokens` for every row. The model loads once per
process (shared by every scorer pointing at the same directory) and scores in batches of `batch_size`, sorted
by length.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.errors import ConfigError
from rewardkit.extract import region
from rewardkit.rm.config import WEIGHTS_FILE, check_weights, read_config

_CACHE: dict[tuple[str, int, str], Any] = {}  # (directory, weights mtime, device) -> RewardModel
_LOCK = threading.Lock()


class RewardModelParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str = Field(..., description="model directory written by `rewardkit rm train`")
    region: Literal["answer", "think", "all"] = Field(
        "all", description="part of the completion the model sees: answer (final answer), think, all")
    normalize: Literal["none", "center", "zscore", "sigmoid"] = Field(
        "none", description="raw reward, raw - mean, z-score, or sigmoid(raw - mean); mean/std from validation")
    clip: float | None = Field(None, gt=0, description="clip the (normalised) value to [-clip, clip]")
    batch_size: int = Field(32, ge=1, le=4096, description="responses per forward pass")
    device: str | None = Field(None, description="cpu, cuda, cuda:1 ... (default: cuda when available)")
    overlong: Literal["head", "head_tail", "refuse"] = Field(
        "head", description="a response longer than the model's window: head (the model sees its start, as in "
        "training), head_tail (its first and last halves of the window), refuse (None, not_applicable); "
        "details always say whether it was truncated")


def _shared_model(directory: Path, device: str | None) -> Any:
    """The process-wide RewardModel for `directory` on `device`, loaded on first use."""
    from rewardkit.rm.model import RewardModel, default_device

    target = str(device or default_device())
    key = (str(directory.resolve()), (directory / WEIGHTS_FILE).stat().st_mtime_ns, target)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = RewardModel.load(directory, target)
        return _CACHE[key]


def _value_range(normalize: str, clip: float | None) -> tuple[float, float]:
    """Raw and centred rewards are unbounded; sigmoid is in (0, 1); clip bounds either."""
    lo, hi = (0.0, 1.0) if normalize == "sigmoid" else (-math.inf, math.inf)
    return (lo, hi) if clip is None else (max(lo, -clip), min(hi, clip))


class RewardModelScorer(Scorer):
    """A Bradley–Terry reward model's score of (prompt, completion region); see the module doc."""

    name = "reward_model"
    description = "Learned reward model (rewardkit rm train) scoring the prompt with the answer/think/all region."
    Params = RewardModelParams
    _transient = ("_model",)
    # no `examples`: a learned model's values depend on its checkpoint; tests pin them on a trained fixture

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name=name, **params)
        self.value_range = _value_range(self.params.normalize, self.params.clip)
        root = Path(self.params.path).expanduser().resolve()  # workers may run in another directory
        settings = read_config(root)
        check_weights(root)
        stats = settings.get("reward_stats")
        self._stats = None
        if isinstance(stats, dict) and all(isinstance(stats.get(k), (int, float)) for k in ("mean", "std")):
            self._stats = (float(stats["mean"]), max(float(stats["std"]), 1e-6))
        if self.params.normalize != "none" and self._stats is None:
            raise ConfigError(f"{root} has no reward statistics (train it with `rewardkit rm train`), "
                              f"so only normalize: none is possible", "normalize")
        self._root = root

    def _load(self) -> Any:
        if self._model is None:
            self._model = _shared_model(self._root, self.params.device)
        return self._model

    def _value(self, raw: float) -> float:
        how = self.params.normalize
        if how == "none" or self._stats is None:
            value = raw
        else:
            mean, std = self._stats
            value = {"center": raw - mean, "zscore": (raw - mean) / std,
                     "sigmoid": 1.0 / (1.0 + math.exp(-min(max(raw - mean, -700.0), 700.0)))}[how]
        clip = self.params.clip
        return value if clip is None else min(max(value, -clip), clip)

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        try:
            model = self._load()
        except Exception as exc:  # noqa: BLE001 - a model that cannot load is infrastructure, never a 0 reward
            reason = f"reward model {self._root} could not load: {type(exc).__name__}: {exc}"[:500]
            return [Score(None, Status.INFRA_ERROR, reason=reason) for _ in samples]
        prompts = [s.prompt_text for s in samples]
        responses = [region(s.completion_text, self.params.region) for s in samples]
        overlong = self.params.overlong
        try:
            sizes = model.fits(prompts, responses)
            keep = [i for i, (n, room) in enumerate(sizes) if overlong != "refuse" or n <= room]
            raws = dict(zip(keep, model.score([prompts[i] for i in keep], [responses[i] for i in keep],
                                              self.params.batch_size, "head" if overlong == "refuse" else overlong),
                            strict=True))
        except MemoryError as exc:
            return [Score(None, Status.INFRA_ERROR, reason=f"out of memory: {exc}"[:500]) for _ in samples]
        except RuntimeError as exc:  # CUDA out of memory / device lost: the infrastructure, not the completion
            if "out of memory" not in str(exc).lower() and "cuda" not in str(exc).lower():
                raise
            return [Score(None, Status.INFRA_ERROR, reason=f"{type(exc).__name__}: {exc}"[:500]) for _ in samples]
        scores = []
        for i, (n, room) in enumerate(sizes):
            window = {"truncated": n > room, "response_tokens": n, "window_tokens": room}
            if i not in raws:
                scores.append(Score(None, Status.NOT_APPLICABLE, details=window,
                                    reason=f"response of {n} tokens is longer than the model's window ({room})"))
                continue
            cut = f", truncated ({overlong}: {n} > {room} tokens)" if n > room else ""
            scores.append(Score(self._value(raws[i]), reason=f"reward model raw {raws[i]:.4f}{cut}",
                                details={"raw": raws[i], **window}))
        return scores

    def _score(self, sample: Sample) -> Score:
        return self._score_batch([sample])[0]
