"""Cross-sample leakage and interference probes of the `code` scorer's sandbox reuse (CODE_REUSE_REDTEAM.md).

    PYTHONPATH=. python tests/redteam_reuse.py [--mode both|reuse|fresh|baseline] [--only ID ...] [-v]

Each scenario of tests/data/code_reuse_redteam.jsonl is one ordered batch, scored with `workers: 1` (so its samples
run one after another) and `reward: binary`, once with `samples_per_sandbox: 64` (reuse) and once with
`samples_per_sandbox: 1` (a fresh sandbox per sample). `baseline` scores with the parameter left out, for a checkout
that predates it. A disagreement is a sample whose value differs from its `expected` number (a `None` value counts);
`expected: null` means "not checked" (an attacker whose own verdict is not what the scenario probes). Also printed:
samples whose value differs between the modes, and identical samples of one scenario that got different values in
one mode (determinism).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from rewardkit import registry

CORPUS = Path(__file__).resolve().parent / "data" / "code_reuse_redteam.jsonl"
MODES = {"reuse": 64, "fresh": 1, "baseline": None}


def scenarios(only: list[str] | None = None) -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if not only or r["id"] in only]


def score(row: dict[str, Any], per_sandbox: int | None) -> list[Any]:
    """Values of one scenario's samples, in order, from one scorer used for this batch only."""
    params: dict[str, Any] = {"workers": 1, "reward": "binary", **(row.get("params") or {})}
    if per_sandbox is not None:
        params["samples_per_sandbox"] = per_sandbox
    scorer = registry.get("code")(**params)
    try:
        return [(s.value, s.status.value if hasattr(s.status, "value") else str(s.status), s.reason)
                for s in scorer.score_batch(row["samples"])]
    finally:
        close = getattr(scorer, "close", None)
        if close is not None:
            close()


def disagreements(row: dict[str, Any], got: list[Any]) -> list[str]:
    out = []
    for i, (want, (value, status, reason)) in enumerate(zip(row["expected"], got, strict=True)):
        if want is not None and (value is None or abs(value - want) > 1e-9):
            out.append(f"#{i} expected {want} got {value} ({status}: {(reason or '')[:160]})")
    return out


def nondeterministic(row: dict[str, Any], got: list[Any]) -> list[str]:
    """Identical samples of one scenario that got different values."""
    seen: dict[str, tuple[int, Any]] = {}
    out = []
    for i, (sample, (value, _, _)) in enumerate(zip(row["samples"], got, strict=True)):
        key = json.dumps(sample, sort_keys=True)
        if key in seen and seen[key][1] != value:
            out.append(f"#{seen[key][0]}={seen[key][1]} vs #{i}={value}")
        seen.setdefault(key, (i, value))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["both", *MODES], default="both")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    modes = ["reuse", "fresh"] if args.mode == "both" else [args.mode]
    rows = scenarios(args.only)
    results: dict[str, dict[str, list[Any]]] = {m: {} for m in modes}
    bad: dict[str, list[str]] = {m: [] for m in modes}
    for row in rows:
        for mode in modes:
            t0 = time.monotonic()
            try:
                got = score(row, MODES[mode])
            except Exception as e:  # noqa: BLE001 - a scorer that raises is a finding: report it, go on
                print(f"[{mode}] {row['id']}: raised {type(e).__name__}: {e}")
                bad[mode].append(row["id"])
                continue
            results[mode][row["id"]] = got
            found = disagreements(row, got) + [f"nondeterministic {d}" for d in nondeterministic(row, got)]
            if found:
                bad[mode].append(row["id"])
            if found or args.verbose:
                values = [v for v, _, _ in got]
                print(f"[{mode}] {row['id']} ({time.monotonic() - t0:.1f}s) values={values}")
                for line in found:
                    print(f"    {line}")
            sys.stdout.flush()
    if len(modes) == 2:
        for row in rows:
            a, b = results["reuse"].get(row["id"]), results["fresh"].get(row["id"])
            if a is None or b is None:
                continue
            diff = [f"#{i} reuse={x[0]} fresh={y[0]}" for i, (x, y) in enumerate(zip(a, b, strict=True))
                    if x[0] != y[0]]
            if diff:
                print(f"[reuse vs fresh] {row['id']}: " + ", ".join(diff))
    for mode in modes:
        print(f"{mode}: {len(bad[mode])} of {len(rows)} scenarios disagree: {' '.join(bad[mode]) or '-'}")
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
