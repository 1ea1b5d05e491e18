"""RewardBench-style evaluation on hand-made cases whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from rewardkit.rm.data import parse_pair
from rewardkit.rm.eval import margin_histogram, score_pairs, summarize

# rewards fixed by hand: the "model" is a lookup table, so every expected number below is computed on paper
TABLE = {"good": 2.0, "ok": 1.0, "bad": 0.0, "same": 1.0, "worse": -1.0}


def table_score(prompts: list[str], responses: list[str]) -> list[float]:
    return [TABLE[r] for r in responses]


ROWS = [
    {"prompt": "p1", "chosen": "good", "rejected": "bad", "subset": "chat"},  # win, margin 2
    {"prompt": "p2", "chosen": "ok", "rejected": "same", "subset": "chat"},  # tie: wrong, margin 0
    {"prompt": "p3", "chosen": "bad", "rejected": "good", "subset": "safety"},  # loss, margin -2
    {"prompt": "p4", "chosen": "good", "rejected": ["bad", "ok", "worse"], "subset": "safety"},  # 3 wins, BoN win
    {"prompt": "p5", "chosen": "ok", "rejected": ["bad", "same"], "subset": "safety"},  # win + tie, BoN loss
]


def test_summary_by_hand():
    pairs = [parse_pair(r) for r in ROWS]
    summary = summarize(pairs, score_pairs(pairs, table_score))
    # pairs: p1 W, p2 tie, p3 L, p4 W W W, p5 W tie -> 5 wins of 8
    assert summary["accuracy"] == pytest.approx(5 / 8)
    assert (summary["n_pairs"], summary["n_rows"], summary["ties"]) == (8, 5, 2)
    assert summary["best_of_n_accuracy"] == 0.5 and summary["n_best_of_n_rows"] == 2
    chat, safety = summary["subsets"]["chat"], summary["subsets"]["safety"]
    assert (chat["accuracy"], chat["n_pairs"], chat["best_of_n_accuracy"]) == (0.5, 2, None)
    assert (safety["accuracy"], safety["n_pairs"], safety["best_of_n_accuracy"]) == (4 / 6, 6, 0.5)
    assert summary["subset_mean"] == pytest.approx((0.5 + 4 / 6) / 2)
    assert summary["subset_weighted_mean"] == pytest.approx(5 / 8)
    cal = summary["calibration"]
    assert cal["chosen_mean"] == pytest.approx((2 + 1 + 0 + 2 + 1) / 5)
    rejected = [0, 1, 2, 0, 1, -1, 0, 1]
    assert cal["rejected_mean"] == pytest.approx(sum(rejected) / 8)
    assert summary["margins"] == [2.0, 0.0, -2.0, 2.0, 1.0, 3.0, 1.0, 0.0]
    assert cal["margin_mean"] == pytest.approx(7 / 8)


def test_constant_model_scores_zero_not_half():
    pairs = [parse_pair(r) for r in ROWS]
    summary = summarize(pairs, score_pairs(pairs, lambda p, r: [0.5] * len(r)))
    assert summary["accuracy"] == 0.0 and summary["ties"] == 8 and summary["best_of_n_accuracy"] == 0.0


def test_no_subset_column_no_subset_keys():
    pairs = [parse_pair({"chosen": "good", "rejected": "bad"})]
    summary = summarize(pairs, score_pairs(pairs, table_score))
    assert summary["accuracy"] == 1.0 and "subsets" not in summary and summary["best_of_n_accuracy"] is None


def test_each_distinct_response_scored_once():
    calls = []

    def counting(prompts, responses):
        calls.append(len(responses))
        return table_score(prompts, responses)

    pairs = [parse_pair({"prompt": "p", "chosen": "good", "rejected": "bad"})] * 3
    score_pairs(pairs, counting)
    assert calls == [2]


def test_histogram_png(tmp_path):
    path = margin_histogram([2.0, 0.0, -2.0, 1.0, 3.0], tmp_path / "m.png", "test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
