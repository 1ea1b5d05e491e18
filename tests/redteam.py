"""The independent red-team corpora in tests/data/, scored with whatever rewardkit is on the path.

    PYTHONPATH=. python tests/redteam.py math|math_heldout|hacks|tools [-v]

Each corpus was written by a session that saw only the user docs, before any scorer was run on it (who, how
and the judgement calls: tests/data/MATH_REDTEAM.md, MATH_HELDOUT.md, HACKS_REDTEAM.md, TOOLS_REDTEAM.md).
This module is the one scoring of each corpus: tests/test_redteam.py asserts the figures the issues accept,
and the same command run with PYTHONPATH pointing at an older checkout gives that checkout's first-run figures.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rewardkit

DATA = Path(__file__).resolve().parent / "data"
FILES = {"math": "math_redteam.jsonl", "math_heldout": "math_heldout.jsonl", "hacks": "hacks_redteam.jsonl",
         "tools": "tools_redteam.jsonl"}
ROOT = DATA.parent.parent


@dataclass(frozen=True)
class Disagreement:
    id: str
    kind: str  # math: wrong_accept | wrong_reject | unscored; hacks: over_bound | scored; tools: value
    expected: Any
    got: Any
    note: str


def rows(name: str) -> Iterator[dict[str, Any]]:
    with (DATA / FILES[name]).open(encoding="utf-8") as f:
        yield from (json.loads(line) for line in f if line.strip())


def math_disagreements(name: str = "math") -> tuple[int, list[Disagreement]]:
    """Every pair through `math` (defaults); a value of at least 0.5 reads as accepted."""
    corpus = list(rows(name))
    scores = rewardkit.build({"use": "math"}).score_batch(
        [{"completion": r["completion"], "answer": r["answer"]} for r in corpus])
    found = []
    for row, score in zip(corpus, scores, strict=True):
        if score.value is None:
            found.append(Disagreement(row["id"], "unscored", row["label"], score.status.value, score.reason))
        elif (score.value >= 0.5) != row["label"]:
            kind = "wrong_accept" if score.value >= 0.5 else "wrong_reject"
            found.append(Disagreement(row["id"], kind, row["label"], score.value, score.reason))
    return len(corpus), found


def _recipe(target: str, params: dict[str, Any]) -> Any:
    return str(ROOT / target) if target.endswith((".yaml", ".yml", ".json", ".toml")) else {"use": target, **params}


def hack_disagreements() -> tuple[int, list[Disagreement]]:
    """Hacks scored above their bound (`max_reward`), and rows scored where the bound says "not scored"."""
    corpus = list(rows("hacks"))
    found = []
    for row in corpus:
        score = rewardkit.build(_recipe(row["target"], row.get("params") or {})).score(row["row"])
        bound = row["max_reward"]
        if bound is None and score.value is not None:
            found.append(Disagreement(row["id"], "scored", None, score.value, row["family"]))
        elif bound is not None and score.value is not None and score.value > bound + 1e-9:
            found.append(Disagreement(row["id"], "over_bound", bound, score.value, row["family"]))
    return len(corpus), found


def tool_disagreements() -> tuple[int, list[Disagreement]]:
    """Every case through its scorer; the expected value must be met within 1e-6 (None: not scored)."""
    corpus = list(rows("tools"))
    found = []
    for row in corpus:
        got = rewardkit.build({"use": row["scorer"], **row["params"]}).score(row["row"]).value
        want = row["expected"]
        if (want is None) != (got is None) or (want is not None and abs(got - want) > 1e-6):
            note = f"{row.get('kind', '')}{' (ambiguous)' if row.get('ambiguous') else ''}: {row['why']}"
            found.append(Disagreement(row["id"], "value", want, got, note))
    return len(corpus), found


CORPORA = {"math": math_disagreements, "math_heldout": lambda: math_disagreements("math_heldout"),
           "hacks": hack_disagreements, "tools": tool_disagreements}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in CORPORA:
        print(f"usage: python tests/redteam.py {'|'.join(CORPORA)} [-v]", file=sys.stderr)
        return 2
    total, found = CORPORA[argv[0]]()
    kinds: dict[str, int] = {}
    for d in found:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    agree = total - len(found)
    print(f"{argv[0]}: {total} rows, {agree} agree ({agree / total:.1%}); "
          + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "no disagreement")
          + f"  [{rewardkit.__file__}]")
    if "-v" in argv:
        for d in found:
            print(f"  {d.id}\t{d.kind}\texpected {d.expected!r}\tgot {d.got!r}\t{d.note[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
