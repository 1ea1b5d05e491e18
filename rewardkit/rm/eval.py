"""Evaluating a reward model on preference pairs, RewardBench / RMB style.

    rewardkit rm eval runs/rm test_pairs.jsonl --summary-json summary.json [--histogram margins.png]

Reported (and written as JSON):
- `accuracy`: pairwise accuracy over every (chosen, rejected) combination; a tie counts as wrong, so a
  model that gives every answer the same reward scores 0, not 0.5;
- `best_of_n_accuracy`: over rows whose `rejected` is a list, the share where chosen beats every rejected
  answer strictly (null when there are none);
- with a `subset` column: per-subset accuracy, their plain mean (`subset_mean`, each subset counts once, as
  RewardBench's section scores) and the mean weighted by pair count (`subset_weighted_mean`);
- `calibration`: mean / std of the chosen and of the rejected rewards and of the margins r_c - r_r;
  the margin histogram goes to a PNG.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rewardkit.rm.data import Pair

ScoreFn = Callable[[list[str], list[str]], list[float]]
NO_SUBSET = "(none)"


def _stats(values: Sequence[float], prefix: str) -> dict[str, float | None]:
    if not values:
        return {f"{prefix}_mean": None, f"{prefix}_std": None}
    return {f"{prefix}_mean": statistics.fmean(values), f"{prefix}_std": statistics.pstdev(values)}


def _accuracy(wins: Sequence[bool]) -> float | None:
    return sum(wins) / len(wins) if wins else None


def score_pairs(pairs: Sequence[Pair], score_fn: ScoreFn) -> list[tuple[float, list[float]]]:
    """(chosen reward, [rejected rewards]) per row; each distinct (prompt, response) is scored once."""
    index: dict[tuple[str, str], int] = {}
    for pair in pairs:
        for response in (pair.chosen, *pair.rejected):
            index.setdefault((pair.prompt, response), len(index))
    keys = list(index)
    rewards = score_fn([k[0] for k in keys], [k[1] for k in keys])
    return [(rewards[index[(p.prompt, p.chosen)]], [rewards[index[(p.prompt, r)]] for r in p.rejected])
            for p in pairs]


def summarize(pairs: Sequence[Pair], scored: Sequence[tuple[float, list[float]]]) -> dict[str, Any]:
    """The evaluation summary (see module doc) from per-row rewards; also returns margins under `margins`."""
    wins, margins, bon_wins, ties = [], [], [], 0
    by_subset: dict[str, list[bool]] = defaultdict(list)
    bon_by_subset: dict[str, list[bool]] = defaultdict(list)
    for pair, (chosen, rejected) in zip(pairs, scored, strict=True):
        row_wins = [chosen > r for r in rejected]
        ties += sum(chosen == r for r in rejected)
        wins += row_wins
        margins += [chosen - r for r in rejected]
        subset = pair.subset if pair.subset is not None else NO_SUBSET
        by_subset[subset] += row_wins
        if pair.best_of_n:
            bon_wins.append(all(row_wins))
            bon_by_subset[subset].append(all(row_wins))
    summary: dict[str, Any] = {
        "accuracy": _accuracy(wins), "n_pairs": len(wins), "n_rows": len(pairs), "ties": ties,
        "best_of_n_accuracy": _accuracy(bon_wins), "n_best_of_n_rows": len(bon_wins),
    }
    if any(p.subset is not None for p in pairs):
        subsets = {name: {"accuracy": _accuracy(w), "n_pairs": len(w),
                          "best_of_n_accuracy": _accuracy(bon_by_subset.get(name, []))}
                   for name, w in sorted(by_subset.items())}
        summary["subsets"] = subsets
        summary["subset_mean"] = statistics.fmean(s["accuracy"] for s in subsets.values())
        summary["subset_weighted_mean"] = sum(s["accuracy"] * s["n_pairs"] for s in subsets.values()) / len(wins)
    chosen = [c for c, _ in scored]
    rejected = [r for _, rs in scored for r in rs]
    summary["calibration"] = {**_stats(chosen, "chosen"), **_stats(rejected, "rejected"),
                              **_stats(margins, "margin")}
    summary["margins"] = margins
    return summary


def margin_histogram(margins: Sequence[float], path: str | Path, title: str = "") -> Path:
    """A PNG histogram of r_chosen - r_rejected with the zero line (right of it: ranked correctly)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.hist(list(margins), bins=40, color="#4C72B0", edgecolor="white")
    ax.axvline(0.0, color="#C44E52", linestyle="--", linewidth=1.5, label="tie (r_c = r_r)")
    ax.set_xlabel("reward margin r_chosen - r_rejected")
    ax.set_ylabel("pairs")
    ax.set_title(title or "reward margins")
    ax.legend(loc="upper left", frameon=False)
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def run_eval(model_dir: str | Path, pairs: Sequence[Pair], summary_json: str | Path | None = None,
             histogram: str | Path | None = None, batch_size: int = 32, device: str | None = None
             ) -> dict[str, Any]:
    """Load the model, score the pairs, write the summary JSON and the histogram PNG when asked."""
    from rewardkit.rm.model import RewardModel

    model = RewardModel.load(model_dir, device)
    summary = summarize(pairs, score_pairs(pairs, lambda p, r: model.score(p, r, batch_size)))
    margins = summary.pop("margins")
    summary["model"] = str(model_dir)
    if histogram is None and summary_json is not None:
        histogram = Path(summary_json).with_suffix(".margins.png")
    if histogram is not None and margins:
        accuracy = summary["accuracy"]
        summary["histogram"] = str(margin_histogram(margins, histogram, f"reward margins (pairwise accuracy "
                                                                        f"{accuracy:.3f}, n={len(margins)})"))
    if summary_json is not None:
        Path(summary_json).parent.mkdir(parents=True, exist_ok=True)
        Path(summary_json).write_text(json.dumps(summary, indent=2) + "\n")
    return summary
