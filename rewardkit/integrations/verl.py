"""verl integration: `compute_score` for verl's `custom_reward_function`.

    reward:
      custom_reward_function:
        path: pkg://rewardkit.integrations.verl     # or the file path of this module
        name: compute_score                         # compute_score_batch with reward_manager.name=batch
        reward_kwargs:
          recipe: /abs/path/r1_zero.yaml            # or set REWARDKIT_RECIPE in the workers' environment

(verl < 0.7 reads the same keys at the top level: `custom_reward_function.path`, `.name`, `.reward_kwargs`.)

verl calls `compute_score(data_source=, solution_str=, ground_truth=, extra_info=, **reward_kwargs)` once per
sample, from several threads, and stores every key of a returned dict as a per-sample column of
`reward_extra_info` (logged, averaged in validation). So the result is always the same set of keys, all floats:
`score` (the recipe total), one key per component of the recipe, and `scored` (1.0, or 0.0 when rewardkit
did not score the sample). The recipe is built once per process and cached.

None policy: verl needs a number for every sample, so a None value (scorer does not apply, could not decide)
becomes `none_score` (default 0.0, from `reward_kwargs`) with `scored = 0.0`, for the total and for each
component. An `infra_error` (a verifier's backend is down) raises `ScoringUnavailable` instead, failing the
step loudly rather than training on a reward of 0; pass `on_infra_error: none_score` to accept it.

The sample: `solution_str` is the completion, `ground_truth` the answer (numpy arrays from parquet become
lists), and every key of `extra_info` plus `data_source` stay reachable as extra fields; `mapping` (from
`reward_kwargs`) renames them, e.g. `{prompt: question}`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from rewardkit.core import Sample, Score, Scorer, Status, parse_mapping
from rewardkit.errors import ConfigError, ScoringUnavailable
from rewardkit.integrations.common import cached_build

ENV_VAR = "REWARDKIT_RECIPE"
_INFRA_POLICIES = ("raise", "none_score")


def _scorer(recipe: Any) -> Scorer:
    if recipe is None:
        recipe = os.environ.get(ENV_VAR)
        if not recipe:
            raise ConfigError(f"no recipe: pass reward_kwargs.recipe in the verl config or set {ENV_VAR}")
    return cached_build(_plain(recipe))  # OmegaConf DictConfig / ListConfig become dicts and lists


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def _row(data_source: Any, solution_str: str, ground_truth: Any, extra_info: Any) -> dict[str, Any]:
    if hasattr(ground_truth, "tolist"):  # parquet lists come back as numpy arrays
        ground_truth = ground_truth.tolist()
    extra = dict(extra_info) if isinstance(extra_info, Mapping) else {}
    return {**extra, "data_source": data_source, "completion": solution_str, "answer": ground_truth}


def _result(score: Score, names: Sequence[str], none_score: float, on_infra_error: str) -> dict[str, float]:
    if score.status is Status.INFRA_ERROR and on_infra_error == "raise":
        raise ScoringUnavailable(f"rewardkit could not score a sample: {score.reason} "
                                 "(set reward_kwargs.on_infra_error=none_score to train through outages)")
    out = {"score": none_score if score.value is None else score.value}
    for name in names:
        value = score.components.get(name)
        out[name] = none_score if value is None else float(value)
    out["scored"] = 0.0 if score.value is None else 1.0
    return out


def _options(recipe: Any, mapping: Any, none_score: float, on_infra_error: str) -> tuple[Scorer, Any]:
    if on_infra_error not in _INFRA_POLICIES:
        raise ConfigError(f"on_infra_error must be one of {', '.join(_INFRA_POLICIES)}, got {on_infra_error!r}")
    if isinstance(none_score, bool) or not isinstance(none_score, (int, float)):
        raise ConfigError(f"none_score must be a number, got {none_score!r}")
    return _scorer(recipe), (parse_mapping(_plain(mapping), "mapping") if mapping is not None else None)


def compute_score(data_source: Any = None, solution_str: str = "", ground_truth: Any = None,
                  extra_info: Mapping[str, Any] | None = None, *, recipe: Any = None,
                  mapping: Mapping[str, str] | None = None, none_score: float = 0.0,
                  on_infra_error: str = "raise", as_float: bool = False, **kwargs: Any) -> dict[str, float] | float:
    """Score one verl sample with the recipe from `recipe=` or $REWARDKIT_RECIPE (see the module docstring).
    `as_float=True` returns the total alone, for managers that take a number (`prime`). Other keyword
    arguments verl passes (`reward_router_address`, ...) are accepted and ignored."""
    scorer, mapping = _options(recipe, mapping, none_score, on_infra_error)
    sample = Sample.from_dict(_row(data_source, solution_str, ground_truth, extra_info), mapping)
    result = _result(scorer.score(sample), scorer.component_names(), float(none_score), on_infra_error)
    return result["score"] if as_float else result


async def compute_score_async(data_source: Any = None, solution_str: str = "", ground_truth: Any = None,
                              extra_info: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, float] | float:
    """`compute_score` as a coroutine (same arguments), for slow scorers (judges, remote sandboxes): verl's
    reward loop awaits it on its event loop, and the scoring runs in a thread so the loop keeps serving."""
    import asyncio

    return await asyncio.to_thread(compute_score, data_source, solution_str, ground_truth, extra_info, **kwargs)


def compute_score_batch(data_sources: Sequence[Any], solution_strs: Sequence[str], ground_truths: Sequence[Any],
                        extra_infos: Sequence[Mapping[str, Any] | None] | None = None, *, recipe: Any = None,
                        mapping: Mapping[str, str] | None = None, none_score: float = 0.0,
                        on_infra_error: str = "raise", **kwargs: Any) -> list[dict[str, float]]:
    """The batch form for verl's `batch` reward manager: one dict per sample, scored with `score_batch` so
    model-based and pooled scorers amortise their calls."""
    scorer, mapping = _options(recipe, mapping, none_score, on_infra_error)
    n = len(solution_strs)
    extra_infos = list(extra_infos) if extra_infos is not None else [None] * n
    if not (len(data_sources) == len(ground_truths) == len(extra_infos) == n):
        raise ConfigError(f"batch lengths differ: {len(data_sources)} data_sources, {n} solution_strs, "
                          f"{len(ground_truths)} ground_truths, {len(extra_infos)} extra_infos")
    samples = [Sample.from_dict(_row(d, s, g, e), mapping)
               for d, s, g, e in zip(data_sources, solution_strs, ground_truths, extra_infos, strict=True)]
    names = scorer.component_names()
    return [_result(score, names, float(none_score), on_infra_error) for score in scorer.score_batch(samples)]
