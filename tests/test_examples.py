"""The shipped examples end to end: the R1-Zero and R1 recipes on the DESIGN.md worked example, through the
Python API, `rewardkit score`, and `rewardkit serve` (which must agree with each other)."""

from __future__ import annotations

import json

import pytest
from conftest import R1_GOLD, R1_OUTPUTS, R1_PROMPT, ROOT, run_cli, served
from language_traces import EN_WITH_ZH

import rewardkit

RECIPES = ROOT / "examples" / "recipes"
EXAMPLE = ROOT / "examples" / "data" / "r1_example.jsonl"


def test_r1_zero_recipe_reproduces_the_worked_example(r1_rows):
    reward = rewardkit.build(RECIPES / "r1_zero.yaml")
    scores = reward.score_batch(r1_rows)
    assert [s.value for s in scores] == pytest.approx([0.1, 1.1, 1.0, 0.0])  # strict: o4's tag is never closed
    assert [s.components["math"] for s in scores] == [0.0, 1.0, 1.0, 0.0]
    assert [s.components["think_format"] for s in scores] == [1.0, 1.0, 0.0, 0.0]
    # group-relative advantages: the write-up's mean is 0.575 because it credits o4's format; strict gives 0.55.
    # Either way o2 and o3 sit above the mean and o1 and o4 below it.
    values = [s.value for s in scores]
    mean = sum(values) / len(values)
    assert mean == pytest.approx(0.55) and [v > mean for v in values] == [False, True, True, False]


def test_r1_recipe_adds_language_consistency():
    reward = rewardkit.build(RECIPES / "r1.yaml")
    english = ("<think>We need the order of operations. Multiplication comes before addition, so we multiply "
               "three by four first and then add two to the product.</think> <answer>{}</answer>")
    right = reward.score({"prompt": R1_PROMPT, "completion": english.format(14), "answer": R1_GOLD})
    wrong = reward.score({"prompt": R1_PROMPT, "completion": english.format(20), "answer": R1_GOLD})
    assert right.value == pytest.approx(1.2) and wrong.value == pytest.approx(0.2)
    drifting = ("<think>We need the order of operations. 乘法优先于加法，所以先算三乘四，再加二。"
                "Then we add two to the product.</think> <answer>14</answer>")
    mixed = reward.score({"prompt": R1_PROMPT, "completion": drifting, "answer": R1_GOLD})
    assert 1.0 < mixed.value < 1.2  # Chinese reasoning under an English prompt earns part of the 0.2
    counted = reward.score({"prompt": R1_PROMPT, "completion": f"<think>{EN_WITH_ZH}</think><answer>14</answer>",
                            "answer": R1_GOLD})
    assert counted.value == pytest.approx(1.0 + 0.2 * 33 / 51)  # 33 of its 51 counted words are English


def test_cli_scores_the_bundled_example_with_r1_zero(tmp_path):
    out, summary = tmp_path / "scored.jsonl", tmp_path / "summary.json"
    done = run_cli("score", str(EXAMPLE), "-r", str(RECIPES / "r1_zero.yaml"), "-o", str(out),
                   "--summary-json", str(summary))
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert [rows[f"r1-o{i}"]["reward"] for i in range(1, 5)] == pytest.approx([0.1, 1.1, 1.0, 0.0])
    stats = json.loads(summary.read_text())
    assert stats["errors"] == 0 and stats["rows"] == len(EXAMPLE.read_text().splitlines())


@pytest.mark.slow
def test_served_r1_zero_equals_rewardkit_score(tmp_path):
    httpx = pytest.importorskip("httpx")
    out = tmp_path / "scored.jsonl"
    assert run_cli("score", str(EXAMPLE), "-r", str(RECIPES / "r1_zero.yaml"), "-o", str(out)).returncode == 0
    offline = [json.loads(line) for line in out.read_text().splitlines()]
    with served(RECIPES / "r1_zero.yaml") as url:
        body = {"query": [row["prompt"] + row["completion"] for row in offline],
                "prompts": [row["prompt"] for row in offline], "labels": [row["answer"] for row in offline]}
        reply = httpx.post(f"{url}/get_reward", json=body, timeout=60).json()
    assert reply["rewards"] == pytest.approx([row["reward"] for row in offline])
    assert reply["rewards"][:4] == pytest.approx([0.1, 1.1, 1.0, 0.0])
    assert R1_OUTPUTS[0] in offline[0]["completion"]
