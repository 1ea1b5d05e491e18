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
  the margin histogram goes to a PNG;
- `length_bias`: correlation of reward with response length (Pearson, Spearman) and how often the longer
  response of a pair wins, next to how often the chosen one is the longer (see `length_bias`).
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
    summary["length_bias"] = length_bias(pairs, scored)
    summary["margins"] = margins
    return summary


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n, ties sharing their average rank (for Spearman's rho)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def length_bias(pairs: Sequence[Pair], scored: Sequence[tuple[float, list[float]]]) -> dict[str, Any]:
    """How much the reward follows response length (characters) on the eval set: Pearson and Spearman
    correlation over every distinct response, and over the pairs of unequal length the share where the longer
    response got the higher reward, next to the share where the chosen one is the longer (the data's own
    bias). A |Spearman| of 0.5 or more adds a `warning`: the model may be paying for length."""
    seen: dict[tuple[str, str], float] = {}
    longer_wins, chosen_longer, unequal = 0, 0, 0
    for pair, (chosen, rejected) in zip(pairs, scored, strict=True):
        seen[(pair.prompt, pair.chosen)] = chosen
        for text, reward in zip(pair.rejected, rejected, strict=True):
            seen[(pair.prompt, text)] = reward
            if len(text) != len(pair.chosen) and reward != chosen:
                unequal += 1
                chosen_is_longer = len(pair.chosen) > len(text)
                chosen_longer += chosen_is_longer
                longer_wins += chosen_is_longer == (chosen > reward)
    lengths = [float(len(text)) for _, text in seen]
    rewards = list(seen.values())
    spearman = _pearson(_ranks(lengths), _ranks(rewards))
    out: dict[str, Any] = {"n_responses": len(seen), "pearson": _pearson(lengths, rewards), "spearman": spearman,
                           "n_unequal_pairs": unequal, "longer_wins": longer_wins / unequal if unequal else None,
                           "chosen_longer": chosen_longer / unequal if unequal else None}
    if spearman is not None and abs(spearman) >= 0.5:
        out["warning"] = f"reward follows response length (Spearman {spearman:+.2f}): check for length bias"
    return out


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
