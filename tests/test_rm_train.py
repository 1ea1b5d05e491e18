"""Training reward models for real (tiny backbone, CPU): they learn synthetic preferences that are checked on
held-out pairs, and the `rewardkit rm train / eval` commands work end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from rewardkit.rm import synthetic  # noqa: E402
from rewardkit.rm.config import TrainConfig  # noqa: E402
from rewardkit.rm.data import parse_pair  # noqa: E402
from rewardkit.rm.eval import score_pairs, summarize  # noqa: E402
from rewardkit.rm.model import RewardModel  # noqa: E402
from rewardkit.rm.train import train  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")

ROOT = Path(__file__).resolve().parents[1]



def pairs(rows):
    return [parse_pair(r) for r in rows]


def held_out_accuracy(model_dir: Path, rows) -> float:
    model = RewardModel.load(model_dir, "cpu")
    test = pairs(rows)
    return summarize(test, score_pairs(test, model.score))["accuracy"]


def test_learns_politeness_on_held_out_questions(tmp_path):
    summary = train(pairs(synthetic.politeness_pairs(240, seed=1)), tmp_path / "rm",
                    TrainConfig(epochs=2, progress=False, val_fraction=0.15))
    assert summary["n_train_pairs"] == 204 and summary["n_val_pairs"] == 36
    # other questions and other pairings of the phrases than in training; chance is 0.5
    assert held_out_accuracy(tmp_path / "rm", synthetic.politeness_pairs(100, seed=2)) >= 0.85
    saved = json.loads((tmp_path / "rm" / "rm_config.json").read_text())
    assert saved["reward_stats"]["source"] == "validation" and saved["reward_stats"]["n"] == 72
    assert saved["training"]["best_val_accuracy"] == summary["best_val_accuracy"] >= 0.8


def test_learns_a_preference_that_depends_on_the_prompt(tmp_path):
    # the same two replies swap roles with the prompt: a model blind to the prompt stays at chance
    train(pairs(synthetic.case_pairs(300, seed=1)), tmp_path / "rm",
          TrainConfig(epochs=4, progress=False, val_fraction=0.15, patience=3))
    assert held_out_accuracy(tmp_path / "rm", synthetic.case_pairs(100, seed=2)) >= 0.75


def test_margin_column_reaches_the_loss(tmp_path):
    rows = synthetic.politeness_pairs(16, seed=3)
    config = TrainConfig(epochs=1, batch_size=16, progress=False, val_fraction=0.0)
    plain = train(pairs(rows), tmp_path / "a", config)
    wide = train(pairs([{**r, "margin": 5.0} for r in rows]), tmp_path / "b", config)
    # at the start r_c - r_r ~ 0: loss ~ log 2 without margin, ~ -log σ(-5) ~ 5.0 with it
    assert plain["history"][0]["loss"] == pytest.approx(0.69, abs=0.1)
    assert wide["history"][0]["loss"] == pytest.approx(5.0, abs=0.3)


def test_centring_pulls_rewards_towards_zero(tmp_path):
    rows = pairs(synthetic.politeness_pairs(64, seed=4))
    means = {}
    for coef in (0.0, 1.0):
        summary = train(rows, tmp_path / str(coef), TrainConfig(epochs=4, batch_size=8, progress=False,
                                                                centring=coef, lr=3e-3, val_fraction=0.25,
                                                                seed=6, patience=0))
        stats = json.loads((tmp_path / str(coef) / "rm_config.json").read_text())["reward_stats"]
        means[coef] = abs(stats["mean"])
        assert summary["config"]["centring"] == coef and summary["best_val_accuracy"] >= 0.9
    # BT alone leaves the offset wherever the initial bias put it (0.40 with this seed); centring removes it
    assert means[0.0] > 0.2 and means[1.0] < 0.1


def test_early_stopping_keeps_the_best_and_stops(tmp_path):
    # validation pairs whose two answers are identical always tie: accuracy 0 never improves
    val = pairs([{"prompt": "q", "chosen": "same", "rejected": "same"}] * 4)
    summary = train(pairs(synthetic.politeness_pairs(64, seed=5)), tmp_path / "rm",
                    TrainConfig(epochs=5, batch_size=8, eval_every=1, patience=2, progress=False), val)
    assert summary["stopped_early"] and summary["steps"] == 3 and len(summary["history"]) == 3
    assert summary["best_val_accuracy"] == 0.0


def saved_model_stats(model_dir: Path, rows) -> tuple[float, float, int]:
    """Mean, population std and count of the saved model's rewards on the chosen and rejected answers."""
    model = RewardModel.load(model_dir, "cpu")
    flat = [(p.prompt, answer) for p in rows for answer in (p.chosen, *p.rejected)]
    rewards = torch.tensor(model.score([q for q, _ in flat], [a for _, a in flat]), dtype=torch.float64)
    return float(rewards.mean()), float(rewards.std(unbiased=False)), len(rewards)


def test_reward_stats_are_the_saved_models_rewards(tmp_path):
    # the statistics come from the best validation (not recomputed) or, with nothing held out, from the final
    # weights on the training pairs; either way they must describe the model that was saved
    rows = pairs(synthetic.politeness_pairs(120, seed=1))
    val = pairs(synthetic.politeness_pairs(30, seed=7))
    summary = train(rows, tmp_path / "val", TrainConfig(epochs=2, batch_size=8, eval_every=2, patience=0,
                                                        lr=1e-2, progress=False), val)
    accuracies = [h["val_accuracy"] for h in summary["history"]]
    assert accuracies.index(max(accuracies)) < len(accuracies) - 1  # the kept weights are not the last ones
    for name, source, check in (("val", "validation", val), ("train", "train", rows[:24])):
        if name == "train":
            train(rows[:24], tmp_path / name, TrainConfig(epochs=1, batch_size=8, progress=False, val_fraction=0))
        stats = json.loads((tmp_path / name / "rm_config.json").read_text())["reward_stats"]
        mean, std, n = saved_model_stats(tmp_path / name, check)
        assert stats["source"] == source and stats["n"] == n
        assert stats["mean"] == pytest.approx(mean, abs=1e-5) and stats["std"] == pytest.approx(std, abs=1e-5)


def test_no_training_pairs_is_an_input_error(tmp_path):
    from rewardkit.errors import InputError

    with pytest.raises(InputError, match="no training pairs"):
        train([], tmp_path / "rm", TrainConfig(progress=False), pairs(synthetic.politeness_pairs(2)))


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rewardkit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.slow
def test_cli_train_then_eval(tmp_path):
    write_jsonl(tmp_path / "train.jsonl", synthetic.politeness_pairs(240, seed=1))
    test_rows = synthetic.politeness_pairs(60, seed=2)
    for i, row in enumerate(test_rows):
        row["subset"] = "even" if i % 2 == 0 else "odd"
    test_rows.append({"prompt": "What is 1 + 1?", "chosen": "Happy to help. The answer is 2.",
                      "rejected": ["Go away. The answer is 2.", "Stop bothering me. The answer is 2."]})
    write_jsonl(tmp_path / "test.jsonl", test_rows)
    done = run_cli("rm", "train", "train.jsonl", "-o", "model", "--epochs", "2", "--val-fraction", "0.15",
                   "--head", "mlp", "--head-hidden", "32", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n_train_pairs"] == 204
    done = run_cli("rm", "eval", "model", "test.jsonl", "--summary-json", "out/summary.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["accuracy"] >= 0.85 and summary["n_pairs"] == 62 and summary["n_best_of_n_rows"] == 1
    assert set(summary["subsets"]) == {"even", "odd", "(none)"}
    assert summary["calibration"]["chosen_mean"] > summary["calibration"]["rejected_mean"]
    assert (tmp_path / summary["histogram"]).read_bytes()[:4] == b"\x89PNG"


def test_cli_errors(tmp_path):
    write_jsonl(tmp_path / "bad.jsonl", [{"prompt": "p", "chosen": "a"}])
    done = run_cli("rm", "train", "bad.jsonl", "-o", "m", cwd=tmp_path)
    assert done.returncode == 3 and "bad.jsonl:1" in done.stderr
    write_jsonl(tmp_path / "ok.jsonl", synthetic.politeness_pairs(4))
    done = run_cli("rm", "train", "ok.jsonl", "-o", "m", "--backbone", str(tmp_path / "nope"), cwd=tmp_path)
    assert done.returncode == 2 and "backbone" in done.stderr
    done = run_cli("rm", "eval", str(tmp_path / "nope"), "ok.jsonl", cwd=tmp_path)
    assert done.returncode == 2 and "path" in done.stderr
