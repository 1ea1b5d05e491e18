"""`check_scorer`: the Scorer contract as one reusable assertion, run over Hypothesis-generated samples."""

from __future__ import annotations

import math
import pickle
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewardkit.core import Score, Scorer, Status
from rewardkit.testing.strategies import samples

_VALUED = (Status.OK, Status.TIMEOUT)


def _close(a: float | None, b: float | None) -> bool:
    """Equal, or both None; model heads may differ in the last float bits when batched with other inputs
    (padding changes the matmul shapes), so batch-vs-single allows 1e-6 relative. Repeats stay exact."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def check_score(score: Score, where: str = "") -> None:
    """Assert one Score is well formed: value None or finite, status consistent with the value."""
    assert isinstance(score, Score), f"{where}score() returned {type(score).__name__}, not Score"
    assert isinstance(score.status, Status), f"{where}status {score.status!r} is not a Status"
    assert score.status is not Status.ERROR, f"{where}the scorer hit an exception: {score.reason}"
    if score.value is None:
        assert score.status is not Status.OK, f"{where}value None with status ok"
    else:
        assert isinstance(score.value, float) and math.isfinite(score.value), f"{where}bad value {score.value!r}"
        assert score.status in _VALUED, f"{where}value {score.value} with status {score.status}"
    assert isinstance(score.components, dict) and score.components, f"{where}components missing"
    for name, value in score.components.items():
        assert value is None or (isinstance(value, float) and math.isfinite(value)), \
            f"{where}component {name!r} has bad value {value!r}"


def check_range(scorer: Scorer, score: Score, where: str = "") -> None:
    """Assert the value lies inside the scorer's declared `value_range` (combiners rely on it)."""
    lo, hi = scorer.value_range
    assert score.value is None or lo <= score.value <= hi, \
        f"{where}value {score.value} outside the declared value_range [{lo}, {hi}]"


def check_examples(scorer_cls: type[Scorer]) -> None:
    """Every documented example of the class scores exactly as stated."""
    for example in scorer_cls.examples:
        scorer = scorer_cls(**example.get("params", {}))
        got = scorer.score(example["sample"])
        check_score(got, f"{scorer_cls.name} example {example['sample']!r}: ")
        check_range(scorer, got, f"{scorer_cls.name} example {example['sample']!r}: ")
        want = example["value"]
        ok = got.value is None if want is None else got.value is not None and math.isclose(got.value, want,
                                                                                           abs_tol=1e-9)
        assert ok, f"{scorer_cls.name} example {example['sample']!r}: want {want}, got {got.value} ({got.reason})"


def check_scorer(scorer: Scorer, max_examples: int = 200, sample_strategy: st.SearchStrategy[Any] | None = None,
                 deadline_ms: float | None = None) -> None:
    """Assert the Scorer contract on `scorer`: never raises, value None or finite with a consistent status and
    inside the declared `value_range`, deterministic, picklable (the copy scores the same), batch equals
    one-by-one (to 1e-6 relative), an empty completion never earns full marks (unless the scorer is a pure
    penalty), and its class examples score as documented."""
    assert isinstance(scorer, Scorer), f"{scorer!r} is not a rewardkit.Scorer"
    assert scorer.name, "a scorer needs a non-empty name"
    if scorer.examples:
        check_examples(type(scorer))
    clone = pickle.loads(pickle.dumps(scorer))
    strategy = sample_strategy if sample_strategy is not None else samples()
    best = _best_seen(scorer)

    @settings(max_examples=max_examples, deadline=deadline_ms, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy, strategy)
    def run(row: Mapping[str, Any], other: Mapping[str, Any]) -> None:
        first = scorer.score(row)
        check_score(first, f"{scorer.name} on {str(row)[:200]!r}: ")
        check_range(scorer, first, f"{scorer.name} on {str(row)[:200]!r}: ")
        second = scorer.score(row)
        assert (first.value, first.status) == (second.value, second.status), "not deterministic"
        copied = clone.score(row)
        assert (first.value, first.status) == (copied.value, copied.status), "a pickled copy scores differently"
        alone = scorer.score(other)
        # distinct rows, so a batch that returns its scores in another order (sorted by length, say) is caught
        batch = scorer.score_batch([row, other, row])
        for got, want in zip(batch, (first, alone, first), strict=True):
            assert got.status == want.status and _close(got.value, want.value), \
                f"batch differs from one-by-one (or its order): {got.value} vs {want.value}"

    run()
    if not getattr(scorer, "is_penalty", False):
        empty = scorer.score({"prompt": "What is 2 + 3 * 4?", "completion": "", "answer": "14"})
        check_score(empty, f"{scorer.name} on an empty completion: ")
        assert empty.value is None or best is None or empty.value < best, \
            f"{scorer.name}: an empty completion scores {empty.value}, the best documented score"


def _best_seen(scorer: Scorer) -> float | None:
    """The highest value among the class's documented examples: what 'full marks' means for this scorer."""
    values = [e["value"] for e in scorer.examples if e.get("value") is not None]
    return max(values) if values else None
