"""The `reward_model` scorer on a real (tiny, freshly trained) reward model: the Scorer contract, regions,
normalisation, build-time errors, infrastructure failures and a recipe that mixes it with a rule reward."""

from __future__ import annotations

import json
import math
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import rewardkit  # noqa: E402
from rewardkit import ConfigError, Status  # noqa: E402
from rewardkit.rm import synthetic  # noqa: E402
from rewardkit.rm.config import TrainConfig  # noqa: E402
from rewardkit.rm.data import parse_pair  # noqa: E402
from rewardkit.rm.model import RewardModel, build_model  # noqa: E402
from rewardkit.rm.train import train  # noqa: E402
from rewardkit.testing import check_scorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POLITE = "Thank you for asking! The answer is 14."
RUDE = "Stop bothering me. The answer is 14."
QUESTION = "What is 2 + 3 * 4?"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """A tiny reward model trained to prefer polite over rude answers (a few seconds on one CPU thread)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("rm") / "polite"
    train([parse_pair(r) for r in synthetic.politeness_pairs(240, seed=1)], out,
          TrainConfig(epochs=2, progress=False, val_fraction=0.15))
    yield out
    torch.set_num_threads(before)


def reward(model_dir: Path, **params):
    return rewardkit.build({"use": "reward_model", "path": str(model_dir), **params})


def test_check_scorer(model_dir):
    for params in ({}, {"region": "answer", "normalize": "zscore", "clip": 3.0}, {"normalize": "sigmoid"}):
        check_scorer(reward(model_dir, **params), max_examples=40)


def test_prefers_polite_answers(model_dir):
    scorer = reward(model_dir)
    for question in ("What is 2 + 3 * 4?", "What is 7 + 8?"):
        polite = scorer.score({"prompt": question, "completion": POLITE}).value
        rude = scorer.score({"prompt": question, "completion": RUDE}).value
        assert polite > rude


def test_region_answer_sees_only_the_answer(model_dir):
    model = RewardModel.load(model_dir, "cpu")
    completion = f"<think>{RUDE}</think> <answer>{POLITE}</answer>"
    answer_only = reward(model_dir, region="answer").score({"prompt": QUESTION, "completion": completion})
    whole = reward(model_dir, region="all").score({"prompt": QUESTION, "completion": completion})
    think = reward(model_dir, region="think").score({"prompt": QUESTION, "completion": completion})
    assert answer_only.value == pytest.approx(model.score([QUESTION], [POLITE])[0], abs=1e-6)
    assert whole.value == pytest.approx(model.score([QUESTION], [completion])[0], abs=1e-6)
    assert think.value == pytest.approx(model.score([QUESTION], [RUDE])[0], abs=1e-6)
    assert answer_only.value > think.value  # the polite answer, not the rude reasoning
    # chat completions: the last assistant turn is scored, chat prompts give their last user turn
    chat = reward(model_dir, region="answer").score({
        "prompt": [{"role": "system", "content": "be nice"}, {"role": "user", "content": QUESTION}],
        "completion": [{"role": "assistant", "content": f"<answer>{POLITE}</answer>"}]})
    assert chat.value == answer_only.value


def test_normalisations(model_dir):
    stats = json.loads((model_dir / "rm_config.json").read_text())["reward_stats"]
    mean, std = stats["mean"], stats["std"]
    row = {"prompt": QUESTION, "completion": RUDE}
    raw = reward(model_dir).score(row)
    assert raw.details["raw"] == raw.value and raw.details["truncated"] is False
    assert reward(model_dir, normalize="center").score(row).value == pytest.approx(raw.value - mean)
    assert reward(model_dir, normalize="zscore").score(row).value == pytest.approx((raw.value - mean) / std)
    sig = reward(model_dir, normalize="sigmoid").score(row).value
    assert sig == pytest.approx(1 / (1 + math.exp(-(raw.value - mean)))) and 0 < sig < 1
    clipped = reward(model_dir, normalize="zscore", clip=0.01).score(row).value
    assert abs(clipped) == pytest.approx(0.01)


def test_batch_equals_single_and_pickle_is_small(model_dir):
    scorer = reward(model_dir, batch_size=4)
    rows = [{"prompt": f"What is {i} + 1?", "completion": (POLITE if i % 2 else RUDE) + " x" * i} for i in range(9)]
    batch = [s.value for s in scorer.score_batch(rows)]
    single = [scorer.score(r).value for r in rows]
    assert batch == pytest.approx(single, abs=1e-5)
    blob = pickle.dumps(scorer)
    assert len(blob) < 5_000  # the model is not shipped to workers: each process loads it once
    assert pickle.loads(blob).score(rows[0]).value == single[0]


def test_build_time_errors_name_path(tmp_path, model_dir):
    with pytest.raises(ConfigError, match=r"path: .*not a rewardkit reward-model directory"):
        reward(tmp_path / "missing")
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(ConfigError, match=r"path: .*truncated or corrupt"):
        reward(broken)
    weights.unlink()
    with pytest.raises(ConfigError, match=r"path: cannot read weights"):
        reward(broken)
    (broken / "rm_config.json").write_text("{}")
    with pytest.raises(ConfigError, match="path"):
        reward(broken)
    untrained = build_model("tiny").save(tmp_path / "untrained")  # no validation statistics
    assert reward(untrained).score({"completion": "hi"}).status is Status.OK
    with pytest.raises(ConfigError, match="normalize"):
        reward(untrained, normalize="zscore")
    with pytest.raises(ConfigError, match="batch_size"):
        reward(model_dir, batch_size=0)


def test_model_lost_after_build_is_infra_error(tmp_path, model_dir):
    moved = tmp_path / "moved"
    shutil.copytree(model_dir, moved)
    scorer = reward(moved)
    shutil.rmtree(moved)
    score = scorer.score({"prompt": QUESTION, "completion": POLITE})
    assert score.value is None and score.status is Status.INFRA_ERROR and "could not load" in score.reason


def test_math_plus_reward_model_recipe_through_rewardkit_score(model_dir, tmp_path):
    """The issue's recipe: `math` 1.0 + `reward_model` on the answer region 0.5, scoring a JSONL via the CLI."""
    recipe = {"combine": "sum", "components": [
        {"use": "math", "weight": 1.0},
        {"use": "reward_model", "path": str(model_dir), "region": "answer", "normalize": "sigmoid", "weight": 0.5},
    ]}
    recipe_path, data, out = tmp_path / "recipe.json", tmp_path / "rows.jsonl", tmp_path / "scored.jsonl"
    recipe_path.write_text(json.dumps(recipe))
    rows = [
        {"prompt": QUESTION, "completion": f"<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>{POLITE}</answer>",
         "answer": "14"},
        {"prompt": QUESTION, "completion": f"<think>3 * 4 = 12</think> <answer>{RUDE}</answer>", "answer": "14"},
        {"prompt": QUESTION, "completion": "<think>2 + 3 = 5</think> <answer>The answer is 20.</answer>",
         "answer": "14"},
    ]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    done = subprocess.run([sys.executable, "-m", "rewardkit", "score", str(data), "-r", str(recipe_path), "-o",
                           str(out)], env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    scored = [json.loads(line) for line in out.read_text().splitlines()]
    rm = reward(model_dir, region="answer", normalize="sigmoid")
    for row, got, gold in zip(rows, scored, (1.0, 1.0, 0.0), strict=True):
        rm_value = rm.score(row).value
        assert got["reward_status"] == "ok"
        assert got["rewards"] == {"math": gold, "reward_model": pytest.approx(rm_value, abs=1e-6)}
        assert got["reward"] == pytest.approx(gold + 0.5 * rm_value, abs=1e-6)
    assert scored[0]["reward"] > scored[1]["reward"] > scored[2]["reward"]  # right+polite > right+rude > wrong


def test_import_and_build_stay_light(model_dir):
    code = ("import sys, rewardkit, rewardkit.cli; rewardkit.cli.build_parser(); "
            f"rewardkit.build({{'use': 'reward_model', 'path': {str(model_dir)!r}}}); "
            "print(sorted(m for m in ('torch', 'transformers', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # building the scorer validates the directory without loading torch
