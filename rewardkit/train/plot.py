"""The picture of a GRPO run: reward curves a person reads at a glance (matplotlib, headless Agg backend).

Left: the total reward per step (faint dots), its moving average (bold) and a band of one standard deviation
across the batch. Right: each reward component's moving average, labelled at its end with first -> last
values, so "format went from 0.7 to 1.0, accuracy from 0.2 to 0.5" is visible without a legend hunt.
`plot_comparison` puts several runs (the demo's outcome and process runs) on one figure, a panel per metric.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")


def moving_average(values: Sequence[float | None], window: int) -> list[float | None]:
    """Trailing mean over the last `window` values, skipping None."""
    out: list[float | None] = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1):i + 1] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out


def plot_rewards(history: Sequence[Mapping[str, Any]], path: str | Path, components: Sequence[str],
                 title: str = "GRPO reward") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [row["step"] for row in history]
    window = max(1, min(20, len(steps) // 8))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100, sharex=True)
    _total(left, steps, history, window)
    _components(right, steps, history, components, window)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(alpha=0.25, linewidth=0.6)
        ax.set_xlabel("GRPO step")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_comparison(runs: Mapping[str, Sequence[Mapping[str, Any]]], path: str | Path, metrics: Sequence[str],
                    title: str = "GRPO runs compared") -> Path:
    """One panel per metric, one smoothed line per run, each labelled with its first -> last value."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.6), dpi=100, squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, (color, (label, history)) in enumerate(zip(COLORS * 4, runs.items(), strict=False)):
            steps = [row["step"] for row in history]
            window = max(1, min(20, len(steps) // 8))
            smooth = moving_average([row.get(metric) for row in history], window)
            first, last = _first_last(smooth, window)
            text = f"{label} {first:.2f} → {last:.2f}" if first is not None and last is not None else label
            ax.plot(steps, _nan(smooth), color=color, linewidth=2.0, label=text)
            ax.scatter(steps, _nan([row.get(metric) for row in history]), s=4, color=color, alpha=0.25 + 0.1 * i)
        ax.set_title(f"{metric} (smoothed)", loc="left", fontsize=10)
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(alpha=0.25, linewidth=0.6)
        ax.set_xlabel("GRPO step")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _total(ax: Any, steps: list[int], history: Sequence[Mapping[str, Any]], window: int) -> None:
    reward = [row.get("reward") for row in history]
    std = [row.get("reward_std") or 0.0 for row in history]
    smooth = moving_average(reward, window)
    band = moving_average(std, window)
    lo = [None if m is None else m - (s or 0.0) for m, s in zip(smooth, band, strict=True)]
    hi = [None if m is None else m + (s or 0.0) for m, s in zip(smooth, band, strict=True)]
    ax.scatter(steps, [r if r is not None else float("nan") for r in reward], s=6, color="#999999", alpha=0.5,
               label="per step")
    ax.fill_between(steps, _nan(lo), _nan(hi), color="#1f78b4", alpha=0.12, linewidth=0, label="±1 std (batch)")
    ax.plot(steps, _nan(smooth), color="#1f78b4", linewidth=2.2, label=f"moving average ({window} steps)")
    ax.set_title("total reward", loc="left", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    first, last = _first_last(smooth, window)
    if first is not None and last is not None:
        ax.annotate(f"{first:.2f} → {last:.2f}", xy=(steps[-1], last), xytext=(-4, 8), textcoords="offset points",
                    ha="right", fontsize=9, color="#1f78b4", fontweight="bold")


def _components(ax: Any, steps: list[int], history: Sequence[Mapping[str, Any]], components: Sequence[str],
                window: int) -> None:
    for color, name in zip(COLORS * 4, components, strict=False):
        smooth = moving_average([row.get(name) for row in history], window)
        ax.plot(steps, _nan(smooth), color=color, linewidth=2.0)
        first, last = _first_last(smooth, window)
        if last is not None:
            ax.annotate(f"{name}  {first:.2f} → {last:.2f}", xy=(steps[-1], last), xytext=(-4, 5),
                        textcoords="offset points", ha="right", fontsize=9, color=color, fontweight="bold")
    ax.set_title("reward components (mean per step, smoothed)", loc="left", fontsize=10)
    values = [row.get(name) for row in history for name in components if row.get(name) is not None]
    if values and min(values) >= 0 and max(values) <= 1:  # the usual 0..1 rewards: show the whole scale
        ax.set_ylim(-0.05, 1.12)


def _nan(values: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def _first_last(values: Sequence[float | None], window: int) -> tuple[float | None, float | None]:
    """The first full-window average and the last one: start and end of the smoothed curve."""
    present = [v for v in values[window - 1:] if v is not None] or [v for v in values if v is not None]
    return (present[0], present[-1]) if present else (None, None)
