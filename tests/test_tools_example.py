"""The shipped tool-use example (examples/recipes/tool_use.yaml on examples/data/tool_use.jsonl) gives the same
values through `rewardkit score`, a real `rewardkit serve` on loopback, and the TRL adapter."""

from __future__ import annotations

import json
import math

import pytest
from conftest import ROOT, run_cli, served

from rewardkit.integrations.trl import reward_funcs

RECIPE = ROOT / "examples" / "recipes" / "tool_use.yaml"
DATA = ROOT / "examples" / "data" / "tool_use.jsonl"
# What each row of the example is worth, by hand: a right call 1; a wrong one 0, minus 0.1 when the call also
# fails (outside its schema, duplicate key, malformed); a trajectory 1 per plan step matched (the retry's extra
# turn costs a third) minus 0.1 per failed call and per turn beyond 4.
EXPECTED = {
    "call-openai": 1.0, "call-hermes": 1.0, "call-llama": 1.0, "call-wrong-unit": 0.0, "call-type-confusion": -0.1,
    "call-duplicate-key": -0.1, "call-malformed": -0.1, "parallel-mistral": 1.0, "irrelevance-declines": 1.0,
    "irrelevance-calls": 0.0, "trajectory-good": 1.0, "trajectory-retry": 2 / 3 - 0.1, "trajectory-long": 0.8,
}


def _served(rows: list[dict]) -> list[dict]:
    httpx = pytest.importorskip("httpx")
    with served(RECIPE) as url:
        return httpx.post(f"{url}/score", json={"samples": rows}, timeout=60).json()["scores"]


def _trl(rows: list[dict]) -> list[float | None]:
    funcs, weights = reward_funcs(RECIPE)
    columns = {key: [row.get(key) for row in rows] for key in ("tools", "tool_calls", "tool_plan", "answer", "id")}
    per_func = [f(prompts=[r["prompt"] for r in rows], completions=[r["completion"] for r in rows], **columns)
                for f in funcs]
    totals = []
    for values in zip(*per_func, strict=True):  # TRL's weighted nansum; all None is an unscored row
        present = [w * v for w, v in zip(weights, values, strict=True) if v is not None]
        totals.append(math.fsum(present) if present else None)
    return totals


def test_tool_use_example_same_through_score_serve_and_trl(tmp_path):
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    out = tmp_path / "scored.jsonl"
    done = run_cli("score", str(DATA), "-r", str(RECIPE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    scored = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in scored] == list(EXPECTED)
    offline = [r["reward"] for r in scored]
    assert offline == pytest.approx(list(EXPECTED.values()))
    served = _served(rows)
    assert [s["value"] for s in served] == pytest.approx(offline)
    assert [s["components"] for s in served] == [r["rewards"] for r in scored]
    assert _trl(rows) == pytest.approx(offline)
