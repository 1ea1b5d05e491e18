"""Self-consistency voting: the Python API and `rewardkit vote`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rewardkit.scorers.math import MathScorer
from rewardkit.scorers.math.vote import majority_vote, vote_rows

ROOT = Path(__file__).resolve().parents[1]


def test_clusters_by_equivalence_not_by_string():
    scorer = MathScorer()
    try:
        result = majority_vote(["so \\boxed{\\frac{1}{2}}", "<answer>0.5</answer>", "The answer is 2/4",
                                "\\boxed{3}", "\\boxed{3}", "no idea"], gold="\\frac12", scorer=scorer)
        assert result.majority == "\\frac{1}{2}" and result.count == 3
        assert result.n == 6 and result.answered == 5 and abs(result.share - 0.5) < 1e-9
        assert result.correct is True
        assert result.clusters == [{"answer": "\\frac{1}{2}", "count": 3}, {"answer": "3", "count": 2}]
        wrong = majority_vote(["\\boxed{3}", "\\boxed{3.0}", "\\boxed{1/2}"], gold="0.5", scorer=scorer)
        assert wrong.majority == "3" and wrong.count == 2 and wrong.correct is False
        symbolic = majority_vote(["\\boxed{\\sqrt{8}}", "\\boxed{2\\sqrt2}", "\\boxed{3}"], scorer=scorer)
        assert symbolic.count == 2 and symbolic.correct is None
        assert majority_vote(["nothing", "here"]).majority is None
    finally:
        scorer.close()


def test_vote_rows_groups_by_prompt():
    rows = [{"prompt": "p1", "completion": "\\boxed{14}", "answer": "14"},
            {"prompt": "p2", "completion": "\\boxed{1}", "answer": "2"},
            {"prompt": "p1", "completion": "\\boxed{20}", "answer": "14", "reward": 0.0},
            {"prompt": "p1", "completion": "<answer>14</answer>", "answer": "14"}]
    out = vote_rows(rows)
    assert [r["prompt"] for r in out] == ["p1", "p2"]
    assert out[0]["majority"] == "14" and out[0]["count"] == 2 and out[0]["correct"] is True
    assert out[1]["correct"] is False


def test_cli_vote(tmp_path):
    data = tmp_path / "samples.jsonl"
    rows = [{"prompt": "What is 2 + 3 * 4?", "completion": c, "answer": "14"} for c in
            ["<think>3*4=12</think><answer>14</answer>", "<answer>20</answer>", "\\boxed{14}"]]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "votes.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "rewardkit", "vote", str(data), "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["majority"] == "14" and result["correct"] is True and result["count"] == 2
    assert "majority-vote accuracy 1.000" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "rewardkit", "vote", str(tmp_path / "nope.jsonl")],
                             capture_output=True, text=True, env=env, timeout=120)
    assert missing.returncode == 3 and "not found" in missing.stderr
