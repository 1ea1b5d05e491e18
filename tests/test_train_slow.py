"""End-to-end learning (slow): after the cold start, GRPO on the demo task raises on-policy reward; the
same run with shuffled rewards (the negative control) does not. Fixed seeds, the demo's own settings."""

from __future__ import annotations

import copy
import json
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from rewardkit.train.demo import (  # noqa: E402
    DEMO_GRPO,
    DEMO_PROCESS,
    DEMO_PROCESS_RECIPE,
    DEMO_RECIPE,
    cold_start,
    demo_tokenizer,
    make_tasks,
)
from rewardkit.train.gpt import GPTConfig, GPTPolicy  # noqa: E402
from rewardkit.train.grpo import GRPOConfig, train  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STEPS = 120
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("torch_one_thread")]



@pytest.fixture(scope="module")
def cold_policy() -> GPTPolicy:
    torch.manual_seed(0)
    tok = demo_tokenizer()
    policy = GPTPolicy(tok, GPTConfig(vocab_size=len(tok.vocab), block_size=64), device="cpu")
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # see one_thread(): module fixtures run before it
    try:
        cold_start(policy, make_tasks(2000, 0), 150, seed=0)
    finally:
        torch.set_num_threads(before)
    return policy


def grpo(policy: GPTPolicy, recipe: dict = DEMO_RECIPE, **knobs) -> list[dict]:
    cfg = GRPOConfig(**{**DEMO_GRPO, "steps": STEPS, "seed": 0, **knobs})
    return train(copy.deepcopy(policy), recipe, make_tasks(1800, 1), cfg, progress=False)


def mean(rows: list[dict], key: str) -> float:
    return statistics.mean(r[key] for r in rows)


def test_grpo_raises_on_policy_reward_after_the_cold_start(cold_policy):
    history = grpo(cold_policy)
    first, last = history[:30], history[-30:]
    assert mean(last, "reward") > mean(first, "reward") + 0.05, (mean(first, "reward"), mean(last, "reward"))
    assert mean(last, "accuracy") > mean(first, "accuracy")
    assert mean(history[-10:], "format") >= 0.9


def test_shuffled_rewards_do_not_improve(cold_policy):
    history = grpo(cold_policy, shuffle_rewards=True)
    first, last = history[:30], history[-30:]
    assert mean(last, "reward") <= mean(first, "reward") + 0.02, (mean(first, "reward"), mean(last, "reward"))


def test_demo_command_writes_metrics_plot_and_sft_data(tmp_path):
    out = tmp_path / "demo"
    cmd = [sys.executable, "-m", "rewardkit", "train", "demo", "--steps", "4", "--cold-start-steps", "10",
           "--output-dir", str(out), "--no-progress"]
    subprocess.run(cmd, check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=300)
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [1, 2, 3, 4]
    assert {"reward", "accuracy", "format", "reward_std", "kl", "clip_fraction", "completion_length",
            "zero_std_groups"} <= set(rows[0])
    assert (out / "rewards.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "checkpoint.pt").exists() and (out / "sft.jsonl").exists()
    subprocess.run([*cmd[:6], "6", *cmd[7:], "--resume"], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)},
                   timeout=300)
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 6


def test_the_process_run_learns(cold_policy):
    history = grpo(cold_policy, DEMO_PROCESS_RECIPE, **DEMO_PROCESS)
    first, last = history[:30], history[-30:]
    assert mean(last, "reward") > mean(first, "reward"), (mean(first, "reward"), mean(last, "reward"))
    assert mean(history, "process_steps") > 1.0  # the steps reached the trainer


def test_demo_process_flag_writes_both_runs_and_the_comparison(tmp_path):
    out = tmp_path / "demo"
    cmd = [sys.executable, "-m", "rewardkit", "train", "demo", "--steps", "3", "--cold-start-steps", "10",
           "--output-dir", str(out), "--no-progress", "--process"]
    subprocess.run(cmd, check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=300)
    outcome = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    process = [json.loads(line) for line in (out / "process" / "metrics.jsonl").read_text().splitlines()]
    assert len(outcome) == len(process) == 3 and "process_steps" in process[0] and "steps" in outcome[0]
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"
