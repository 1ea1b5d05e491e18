"""Process reward models: step-labelled data, step scores read at each step's separator (causally: a step's
score does not see later steps), training that beats chance on held-out steps (and does not with shuffled
labels), the `process_reward_model` scorer and `rewardkit rm train --process`."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from conftest import run_cli  # noqa: E402

import rewardkit  # noqa: E402
from rewardkit.errors import ConfigError, InputError  # noqa: E402
from rewardkit.rm import synthetic  # noqa: E402
from rewardkit.rm.config import TrainConfig  # noqa: E402
from rewardkit.rm.model import RewardModel, build_model  # noqa: E402
from rewardkit.rm.process import (  # noqa: E402
    parse_step_row,
    read_step_rows,
    step_accuracy,
    step_logits,
    step_probabilities,
    train_process,
)
from rewardkit.scorers.process_reward_model import aggregate  # noqa: E402
from rewardkit.testing import check_scorer  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")


def rows(n, seed, **kw):
    return [parse_step_row(r) for r in synthetic.arithmetic_steps(n, seed=seed, **kw)]


@pytest.mark.parametrize(("labels", "want"), [([True, False], (1.0, 0.0)), (["+", "-"], (1.0, 0.0)),
                                               ([1, -1], (1.0, 0.0)), ([0, 1], (0.0, 1.0))])
def test_labels_in_every_common_style(labels, want):
    assert parse_step_row({"prompt": "q", "steps": ["a", "b"], "labels": labels}).labels == want


@pytest.mark.parametrize("row", [{"steps": [], "labels": []}, {"steps": ["a"], "labels": [1, 0]},
                                 {"steps": ["a"], "labels": ["maybe"]}, {"steps": "a", "labels": [1]}, []])
def test_bad_rows_are_input_errors_with_the_line(tmp_path, row):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"prompt": "q", "steps": ["a"], "labels": [1]}) + "\n" + json.dumps(row) + "\n")
    with pytest.raises(InputError, match=":2:"):
        read_step_rows(path)


def test_a_step_score_does_not_see_later_steps():
    model = build_model(seed=0).eval()
    with torch.no_grad():
        one = step_logits(model, ["What is 1 + 2 * 3?"], [["2*3=6"]])[0]
        two = step_logits(model, ["What is 1 + 2 * 3?"], [["2*3=6", "1+6=7"]])[0]
        padded = step_logits(model, ["What is 1 + 2 * 3?", "q"], [["2*3=6", "1+6=7"], ["x" * 100]])[0]
    assert len(one) == 1 and len(two) == 2
    assert torch.allclose(one[0], two[0], atol=1e-5) and torch.allclose(two, padded, atol=1e-5)


def test_steps_beyond_max_length_get_no_score():
    model = build_model(max_length=40, seed=0)
    probs = step_probabilities(model, ["q"], [["1+1=2", "2+2=4", "x" * 60, "3+3=6"]])
    assert probs[0][:2] != [None, None] and probs[0][2:] == [None, None]


@pytest.mark.parametrize(("how", "want"), [("min", 0.2), ("last", 0.5), ("mean", 1.7 / 3), ("product", 0.1)])
def test_aggregations(how, want):
    assert aggregate([1.0, 0.2, 0.5], how) == pytest.approx(want)


@pytest.fixture(scope="module")
def prm_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("prm")
    train_process(rows(200, 1), out, TrainConfig(epochs=1, batch_size=32, progress=False))
    return out


def test_scorer_reports_a_value_per_step_and_keeps_the_contract(prm_dir):
    scorer = rewardkit.build({"use": "process_reward_model", "path": str(prm_dir), "split": "clauses"})
    text = "<think>2*3=6; 1+6=7</think><answer>7</answer>"
    got = scorer.score({"prompt": "What is 1 + 2 * 3?", "completion": text})
    steps = got.details["steps"]
    assert [text[s["start"]:s["end"]] for s in steps] == ["2*3=6;", "1+6=7"]
    assert all(0.0 < s["value"] < 1.0 for s in steps) and got.value == min(s["value"] for s in steps)
    assert scorer.score({"completion": ""}).value is None
    check_scorer(scorer, max_examples=60)


def test_scorer_refuses_an_outcome_reward_model(tmp_path):
    from rewardkit.rm.train import train

    pairs = [rewardkit.rm.data.parse_pair(r) for r in synthetic.politeness_pairs(8)]
    train(pairs, tmp_path / "orm", TrainConfig(epochs=1, progress=False))
    with pytest.raises(ConfigError, match="path"):
        rewardkit.build({"use": "process_reward_model", "path": str(tmp_path / "orm")})


def test_encoder_backbones_are_refused():
    model = build_model(seed=0)
    model.settings["backbone"] = {**model.settings["backbone"], "type": "hf"}  # an HF encoder, as far as it asks
    from rewardkit.rm.process import _check_backbone

    with pytest.raises(ConfigError, match="causal"):
        _check_backbone(model)


def test_cli_trains_a_process_model(tmp_path):
    data = tmp_path / "steps.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in synthetic.arithmetic_steps(60, seed=3)))
    done = run_cli("rm", "train", "--process", str(data), "-o", str(tmp_path / "prm"), "--epochs", "1", "-q")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["n_train_rows"] == 54 and 0.0 <= summary["best_val_step_accuracy"] <= 1.0
    assert RewardModel.load(tmp_path / "prm", "cpu").settings["process"] is True


@pytest.mark.slow
def test_learns_arithmetic_steps_and_not_shuffled_labels(tmp_path):
    test = rows(400, 2)
    config = TrainConfig(epochs=8, batch_size=32, patience=0, progress=False)
    results = {}
    for shuffled in (False, True):
        out = tmp_path / str(shuffled)
        train_process(rows(2500, 1, shuffle_labels=shuffled), out, config)
        results[shuffled] = step_accuracy(RewardModel.load(out, "cpu"), test)
    # chance is 0.5 (each step is wrong with probability 0.5); measured: ~0.72 learned, ~0.5 shuffled
    assert results[False] > 0.62, results
    assert abs(results[True] - 0.5) < 0.07, results
