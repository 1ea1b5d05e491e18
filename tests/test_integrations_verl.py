"""verl integration: the compute_score contract, and (where verl imports) verl's own loader and reward managers."""

from __future__ import annotations

import json
import math
import pickle
import threading

import pytest
from conftest import R1_OUTPUTS, peer
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.core import Score, Scorer, Status
from rewardkit.errors import ConfigError
from rewardkit.integrations import verl as rk_verl
from rewardkit.integrations.common import cached_build
from rewardkit.recipe import Combination, build
from rewardkit.testing.strategies import completions as completion_texts

RECIPE = [{"use": "think_format", "weight": 0.1}, {"use": "exact_match", "weight": 1.0}]
KEYS = {"score", "think_format", "exact_match", "scored"}


def test_compute_score_r1_example():
    results = [rk_verl.compute_score("gsm8k", o, "14", {"index": i}, recipe=RECIPE) for i, o in enumerate(R1_OUTPUTS)]
    assert [r["score"] for r in results] == pytest.approx([0.1, 1.1, 1.0, 0.0])
    assert results[1] == {"score": pytest.approx(1.1), "think_format": 1.0, "exact_match": 1.0, "scored": 1.0}
    assert all(set(r) == KEYS and all(isinstance(v, float) for v in r.values()) for r in results)


def test_batch_form_equals_per_sample():
    n = len(R1_OUTPUTS)
    batch = rk_verl.compute_score_batch(data_sources=["gsm8k"] * n, solution_strs=R1_OUTPUTS,
                                        ground_truths=["14"] * n, extra_infos=[None] * n, recipe=RECIPE)
    single = [rk_verl.compute_score("gsm8k", o, "14", recipe=RECIPE) for o in R1_OUTPUTS]
    assert batch == single
    with pytest.raises(ConfigError, match="lengths differ"):
        rk_verl.compute_score_batch(["a"], ["x", "y"], ["1", "2"], recipe=RECIPE)


def test_recipe_from_env_and_cached(monkeypatch, tmp_path):
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(RECIPE))
    monkeypatch.setenv(rk_verl.ENV_VAR, str(path))
    assert rk_verl.compute_score("s", R1_OUTPUTS[1], "14")["score"] == pytest.approx(1.1)
    assert cached_build(str(path)) is cached_build(str(path))  # built once per process
    monkeypatch.delenv(rk_verl.ENV_VAR)
    with pytest.raises(ConfigError, match="REWARDKIT_RECIPE"):
        rk_verl.compute_score("s", "x", "1")


def test_none_policy_and_extra_fields():
    # no gold answer: exact_match cannot be computed, so the total is not scored (it used to be think_format's
    # 0.1 share, flagged scored); optional, it is skipped and the format share counts
    r = rk_verl.compute_score("s", R1_OUTPUTS[1], None, recipe=RECIPE)
    assert r == {"score": 0.0, "think_format": 1.0, "exact_match": 0.0, "scored": 0.0}
    r = rk_verl.compute_score("s", R1_OUTPUTS[1], None, recipe=[RECIPE[0], {**RECIPE[1], "optional": True}])
    assert r["score"] == pytest.approx(0.1) and r["scored"] == 1.0
    # nothing applies: the total is None -> none_score, flagged unscored
    r = rk_verl.compute_score("s", R1_OUTPUTS[1], None, recipe={"use": "exact_match"}, none_score=-1.0)
    assert r == {"score": -1.0, "exact_match": -1.0, "scored": 0.0}
    # numpy ground truth (parquet lists) and extra_info fields with a mapping
    np = pytest.importorskip("numpy")
    r = rk_verl.compute_score("s", "<answer>b</answer>", np.array(["a", "b"]), recipe={"use": "exact_match"})
    assert r["score"] == 1.0
    r = rk_verl.compute_score("s", "<answer>7</answer>", None, {"gold": "7"}, recipe={"use": "exact_match"},
                              mapping={"answer": "gold"})
    assert r["score"] == 1.0
    r = rk_verl.compute_score("s", "<answer>7</answer>", None, {"gold": "7"}, recipe={"use": "exact_match"},
                              mapping=["answer=gold"])  # as `--map` takes it
    assert r["score"] == 1.0
    with pytest.raises(ConfigError):
        rk_verl.compute_score("s", "x", "1", recipe=RECIPE, on_infra_error="ignore")


class Down(Scorer):
    name = "down"

    def _score(self, sample):
        return Score(None, Status.INFRA_ERROR, reason="judge unreachable")


def test_infra_error_raises_unless_told_otherwise():
    tree = Combination("sum", [(build("think_format"), 1.0), (Down(), 1.0)])
    with pytest.raises(rk_verl.ScoringUnavailable, match="judge unreachable"):
        rk_verl.compute_score("s", R1_OUTPUTS[1], "14", recipe=tree)
    r = rk_verl.compute_score("s", R1_OUTPUTS[1], "14", recipe=tree, on_infra_error="none_score")
    assert r == {"score": 0.0, "think_format": 1.0, "down": 0.0, "scored": 0.0}


def test_threads_share_one_scorer_and_function_pickles():
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        rk_verl.compute_score("s", R1_OUTPUTS[1], "14", recipe=RECIPE)["score"])) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [pytest.approx(1.1)] * 8
    assert pickle.loads(pickle.dumps(rk_verl.compute_score)) is rk_verl.compute_score


@settings(max_examples=100, deadline=None)
@given(completion_texts(), st.one_of(st.none(), st.text(max_size=10), st.integers()))
def test_always_same_float_keys(text, gold):
    r = rk_verl.compute_score("s", text, gold, None, recipe=RECIPE)
    assert set(r) == KEYS and all(isinstance(v, float) and math.isfinite(v) for v in r.values())


# ---------------------------------------------------------------------------- through verl itself (optional)
def _verl():
    """verl's loader and managers import on CPU, but verl pins transformers < 5.11, so it is not part of the
    test extra; it is found where `.ci/run` installs it (.venv/peers/verl, see conftest.peer)."""
    peer("verl", "verl")
    pytest.importorskip("verl.workers.reward_manager.naive", exc_type=ImportError)
    from omegaconf import OmegaConf

    return OmegaConf


class _CharTokenizer:
    """Enough of a tokenizer for verl's managers: decode(ids, skip_special_tokens=True)."""

    def __init__(self, texts):
        self.vocab = ["<pad>", *sorted({c for t in texts for c in t})]
        self.ids = {c: i for i, c in enumerate(self.vocab)}

    def encode(self, text):
        return [self.ids[c] for c in text]

    def decode(self, ids, skip_special_tokens=True):
        return "".join(self.vocab[int(i)] for i in ids if int(i) != 0)

    def batch_decode(self, batch, skip_special_tokens=True):
        return [self.decode(ids, skip_special_tokens) for ids in batch]


def _data_proto(tokenizer, responses, golds):
    import numpy as np
    import torch
    from verl import DataProto

    prompt = tokenizer.encode("Q?")
    width = max(len(r) for r in responses)
    resp = torch.tensor([tokenizer.encode(r) + [0] * (width - len(r)) for r in responses])
    prompts = torch.tensor([prompt] * len(responses))
    mask = torch.cat([torch.ones_like(prompts), (resp != 0).long()], dim=1)
    non_tensors = {"data_source": np.array(["gsm8k"] * len(responses), dtype=object),
                   "reward_model": np.array([{"ground_truth": g} for g in golds], dtype=object),
                   "extra_info": np.array([{"index": i} for i in range(len(responses))], dtype=object)}
    return DataProto.from_dict(tensors={"prompts": prompts, "responses": resp, "attention_mask": mask},
                               non_tensors=non_tensors)


@pytest.mark.parametrize(("manager", "fn"), [("naive", "compute_score"), ("batch", "compute_score_batch")])
def test_through_verl_loader_and_reward_manager(manager, fn):
    OmegaConf = _verl()
    from verl.trainer.ppo.reward import get_custom_reward_fn
    from verl.workers.reward_manager.batch import BatchRewardManager
    from verl.workers.reward_manager.naive import NaiveRewardManager

    config = OmegaConf.create({"reward": {"custom_reward_function": {
        "path": "pkg://rewardkit.integrations.verl", "name": fn, "reward_kwargs": {"recipe": RECIPE}}}})
    compute = get_custom_reward_fn(config)  # verl's own loader, reward_kwargs arrive as OmegaConf containers
    tokenizer = _CharTokenizer([*R1_OUTPUTS, "Q?"])
    data = _data_proto(tokenizer, R1_OUTPUTS, ["14"] * 4)
    cls = NaiveRewardManager if manager == "naive" else BatchRewardManager
    out = cls(tokenizer=tokenizer, num_examine=0, compute_score=compute)(data, return_dict=True)
    rewards = out["reward_tensor"].sum(dim=-1).tolist()
    assert rewards == pytest.approx([0.1, 1.1, 1.0, 0.0])
    extra = {k: list(v) for k, v in out["reward_extra_info"].items()}
    assert extra["exact_match"] == [0.0, 1.0, 1.0, 0.0] and extra["scored"] == [1.0] * 4
