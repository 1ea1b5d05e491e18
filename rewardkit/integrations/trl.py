"""TRL integration: a rewardkit recipe as reward functions for `trl.GRPOTrainer`.

    from rewardkit.integrations.trl import reward_funcs
    rewards = reward_funcs("r1_zero.yaml", mapping={"answer": "solution"})
    config = GRPOConfig(..., reward_weights=rewards.weights)
    trainer = GRPOTrainer(model=..., args=config, reward_funcs=rewards.funcs, train_dataset=...)

By default there is one function per top-level component of the recipe (a recipe that is a sum of
`math` 1.0 and `think_format` 0.1 gives two functions named `math` and `think_format`, weights [1.0, 0.1]),
so TRL logs `rewards/math/mean` and `rewards/think_format/mean`, and TRL's weighted `nansum` of them equals
the recipe's own total. A top-level combiner that is not a sum (mean, min, gate, ...) cannot be split that
way and becomes one function. With `combined=True` there is a single function `rewardkit` returning the
recipe total; it reports each component through TRL's `log_metric` under the same `rewards/<name>/mean` keys.

None: a component that does not apply returns None for that row, which TRL skips (NaN, then nansum), exactly
as the recipe's combiner skips it. A row whose recipe total is None because a component *failed* (error,
timeout without a value, infra_error) or lacks a field it requires (`math` without an answer) gets None from
every function, so TRL treats the row as unscorable and
gives it zero advantage instead of training on the remaining parts. `log_metric("rewardkit/unscored", f)`
reports the fraction of rows whose total is None (failed or not applicable) per batch, and
`rewardkit/unscored/<component>` the same per component; `log_extra("reward_status", ...)` adds each row's
status to TRL's completions table. The first batch in which rows lack a required field (the gold answer sits
in a column named otherwise) warns once, naming the field, the dataset's columns and the `mapping` to pass.

Slow scorers (an LLM judge, a remote sandbox): `asynchronous=True` gives `async` functions, which TRL runs
concurrently on its event loop; scoring happens in a thread. The functions are instances of module-level
classes (picklable, with a stable `__name__`); they share one batch scorer whose per-batch cache is guarded by
a lock, so a batch is scored once however many component functions TRL calls, from however many threads.
"""

from __future__ import annotations

import asyncio
import math
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from rewardkit.core import Sample, Score, Scorer, parse_mapping
from rewardkit.errors import InputError
from rewardkit.recipe import build

# Keyword arguments TRL passes that are not dataset columns. `completion_ids` is not among them: it reaches the
# sample as a field, so length scorers (soft_overlong, cosine_length) count the policy's own tokens.
_TRL_KEYWORDS = frozenset({"prompts", "completions", "trainer_state", "log_metric", "log_extra", "environments"})
DEFAULT_ANSWER_COLUMNS = ("answer", "solution")


class TRLRewards(NamedTuple):
    """What `reward_funcs` returns: pass `funcs` as `reward_funcs=` and `weights` as `GRPOConfig.reward_weights`.
    Unpacks as `funcs, weights = reward_funcs(recipe)`."""

    funcs: list[RewardFunction]
    weights: list[float]


class BatchScorer:
    """Turns TRL's keyword arguments into Samples and scores each batch once for every function sharing it."""

    def __init__(self, scorer: Scorer, mapping: Mapping[str, str] | Sequence[str] | str | None = None,
                 split: bool = True) -> None:
        self.scorer = scorer
        self.components = scorer.sum_terms() if split else [(scorer, 1.0)]
        self.mapping = parse_mapping(mapping, "mapping") if mapping is not None else None
        self._last: tuple[list[Sample], list[list[Score]], list[Score]] | None = None
        self._lock = threading.Lock()  # async functions score from threads: one scores, the others reuse it
        self._warned = False

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_last": None, "_lock": None}  # the cache and its lock are per process

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _lock=threading.Lock())

    def samples(self, prompts: Sequence[Any] | None, completions: Sequence[Any], kwargs: Mapping[str, Any]
                ) -> list[Sample]:
        n = len(completions)
        if prompts is not None and len(prompts) != n:
            raise InputError(f"TRL passed {n} completions but {len(prompts)} prompts: a reward function needs "
                             "one prompt per completion (repeat each prompt num_generations times)")
        columns = {k: v for k, v in kwargs.items()
                   if k not in _TRL_KEYWORDS and isinstance(v, (list, tuple)) and len(v) == n}
        mapping = self.mapping
        if mapping is None:  # TRL's examples name the gold-answer column `solution`
            source = next((c for c in DEFAULT_ANSWER_COLUMNS if c in columns), None)
            mapping = {"answer": source} if source else {}
        rows = []
        for i, completion in enumerate(completions):
            row = {key: values[i] for key, values in columns.items()}
            row.update(prompt=prompts[i] if prompts is not None else None, completion=completion)
            rows.append(Sample.from_dict(row, mapping))
        return rows

    def score(self, prompts: Sequence[Any] | None, completions: Sequence[Any], kwargs: Mapping[str, Any]
              ) -> tuple[list[list[Score]], list[Score]]:
        """Per-component scores (component-major) and recipe totals; reused while the batch is unchanged."""
        samples = self.samples(prompts, completions, kwargs)
        with self._lock:
            if self._last is not None and _same(self._last[0], samples):
                return self._last[1], self._last[2]
            per_component = [child.score_batch(samples) for child, _ in self.components]
            if self.components == [(self.scorer, 1.0)]:
                totals = per_component[0]
            else:  # the recipe's own rule over the component scores, as `scorer.score` would compute it
                totals = [self.scorer.combine_terms(list(row)) for row in zip(*per_component, strict=True)]
            self._last = (samples, per_component, totals)
        if not self._warned:
            self._warned = _warn_missing(totals, kwargs)
        _report(totals, kwargs)
        return per_component, totals


def _same(a: list[Sample], b: list[Sample]) -> bool:
    try:
        return bool(a == b)
    except (ValueError, TypeError, RuntimeError):  # array-valued columns have no single truth value
        return False


def _warn_missing(totals: Sequence[Score], kwargs: Mapping[str, Any]) -> bool:
    """Warn (once per scorer) when rows lack a required field; True when it warned."""
    lacking: dict[str, int] = {}
    for total in totals:
        for name in total.missing_fields:
            lacking[name] = lacking.get(name, 0) + 1
    if not lacking:
        return False
    columns = sorted(k for k in kwargs if k not in _TRL_KEYWORDS and k != "completion_ids")
    for name, count in lacking.items():
        field = name.split(" or ")[0]
        warnings.warn(f"rewardkit: {count} of {len(totals)} rows lack the required field '{name}', so they are not "
                      f"scored (None); the dataset's columns are {columns}: pass mapping={{'{field}': 'COLUMN'}} "
                      f"to reward_funcs to read it from one of them", UserWarning, stacklevel=4)
    return True


def _report(totals: Sequence[Score], kwargs: Mapping[str, Any]) -> None:
    log_metric, log_extra = kwargs.get("log_metric"), kwargs.get("log_extra")
    if callable(log_metric) and totals:
        log_metric("rewardkit/unscored", sum(t.value is None for t in totals) / len(totals))
        for name in dict.fromkeys(n for t in totals for n in t.components):
            log_metric(f"rewardkit/unscored/{name}", sum(t.components.get(name) is None for t in totals) / len(totals))
    if callable(log_extra):
        log_extra("reward_status", [t.status.value for t in totals])


class RewardFunction:
    """A TRL reward function: `f(prompts=, completions=, **columns_and_trl_kwargs) -> list[float | None]`.

    `index` selects one top-level component (its unweighted value; TRL applies the weight); None returns the
    recipe total and logs every leaf component through `log_metric`."""

    def __init__(self, batch: BatchScorer, index: int | None, name: str) -> None:
        self.batch = batch
        self.index = index
        self.__name__ = name

    def __repr__(self) -> str:
        return f"RewardFunction({self.__name__!r})"

    def __call__(self, prompts: Sequence[Any] | None = None, completions: Sequence[Any] = (),
                 **kwargs: Any) -> list[float | None]:
        per_component, totals = self.batch.score(prompts, completions, kwargs)
        if self.index is None:
            _log_components(totals, kwargs.get("log_metric"))
            return [t.value for t in totals]
        # A row whose total is None (a component failed, or lacks a required field) is None in every function,
        # so TRL drops the whole row instead of training on a partial sum.
        return [None if t.value is None else s.value for s, t in zip(per_component[self.index], totals, strict=True)]


class AsyncRewardFunction(RewardFunction):
    """The `async` form of RewardFunction (`reward_funcs(..., asynchronous=True)`): TRL awaits it concurrently with
    its other async functions, and the scoring runs in a thread, off TRL's event loop."""

    async def __call__(self, prompts: Sequence[Any] | None = None, completions: Sequence[Any] = (),
                       **kwargs: Any) -> list[float | None]:
        return await asyncio.to_thread(RewardFunction.__call__, self, prompts, completions, **kwargs)


def _log_components(totals: Sequence[Score], log_metric: Callable[[str, float], None] | None) -> None:
    if not callable(log_metric):
        return
    names = dict.fromkeys(name for t in totals for name in t.components)
    for name in names:
        values = [t.components.get(name) for t in totals]
        values = [v for v in values if v is not None]
        if values:
            log_metric(f"rewards/{name}/mean", math.fsum(values) / len(values))


def reward_funcs(recipe: Any, mapping: Mapping[str, str] | Sequence[str] | str | None = None, combined: bool = False,
                 name: str = "rewardkit", asynchronous: bool = False) -> TRLRewards:
    """TRL reward functions for `recipe` (anything `rewardkit.build` accepts) and their `reward_weights`.

    `mapping` renames dataset columns to sample fields, e.g. {"answer": "solution"} (or "answer=solution", as
    `--map` takes it); by default the gold
    answer is read from an `answer` column, else from `solution`. `combined=True` returns one function
    (named `name`) with weight 1.0 instead of one per top-level component; `asynchronous=True` returns
    `async` functions (for slow scorers: TRL runs them concurrently)."""
    scorer = build(recipe)
    batch = BatchScorer(scorer, mapping, split=not combined)
    kind = AsyncRewardFunction if asynchronous else RewardFunction
    if combined:
        return TRLRewards([kind(batch, None, name)], [1.0])
    funcs, weights, seen = [], [], set()
    for i, (component, weight) in enumerate(batch.components):
        label = component.name if component.name not in seen else f"{component.name}_{i}"
        seen.add(label)
        funcs.append(kind(batch, i, label))
        weights.append(weight)
    return TRLRewards(funcs, weights)
