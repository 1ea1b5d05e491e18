"""TRL integration: the reward-function contract, and the real `trl.GRPOTrainer` training with rewardkit rewards."""

from __future__ import annotations

import math
import pickle
from typing import ClassVar

import pytest
from conftest import R1_OUTPUTS
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.core import Score, Scorer, Status
from rewardkit.errors import ConfigError, InputError
from rewardkit.integrations.trl import reward_funcs
from rewardkit.recipe import Combination, build
from rewardkit.testing.strategies import completions as completion_texts

R1_ZERO = [{"use": "think_format", "weight": 0.1}, {"use": "exact_match", "weight": 1.0}]
PROMPT = "What is 2 + 3 * 4?"


def trl_total(rewards, **kwargs) -> list[float | None]:
    """What GRPOTrainer computes: the weighted nansum of the functions, NaN when every function says None."""
    columns = [f(**kwargs) for f in rewards.funcs]
    totals = []
    for row in zip(*columns, strict=True):
        if all(v is None for v in row):
            totals.append(None)
        else:
            totals.append(math.fsum(w * v for w, v in zip(rewards.weights, row, strict=True) if v is not None))
    return totals


def test_one_function_per_component_named_and_weighted():
    rewards = reward_funcs(R1_ZERO)
    funcs, weights = rewards
    assert [f.__name__ for f in funcs] == ["think_format", "exact_match"]
    assert weights == [0.1, 1.0]
    kwargs = dict(prompts=[PROMPT] * 4, completions=R1_OUTPUTS, solution=["14"] * 4, completion_ids=[[1]] * 4)
    assert funcs[0](**kwargs) == [1.0, 1.0, 0.0, 0.0]  # strict: o4's answer tag is not closed
    assert funcs[1](**kwargs) == [0.0, 1.0, 1.0, 0.0]
    assert trl_total(rewards, **kwargs) == pytest.approx([0.1, 1.1, 1.0, 0.0])


def test_trl_weighted_sum_equals_recipe_total():
    recipe = {"combine": "sum", "weight": 2.0, "components": [
        {"use": "think_format", "weight": 0.5},
        {"combine": "max", "name": "best", "components": [{"use": "exact_match"}, {"use": "tag_count"}]}]}
    rewards = reward_funcs(recipe)
    assert [f.__name__ for f in rewards.funcs] == ["think_format", "best"]
    assert rewards.weights == [1.0, 2.0]
    scorer = build(recipe)
    rows = [{"prompt": PROMPT, "completion": c, "answer": "14"} for c in R1_OUTPUTS]
    expected = [s.value for s in scorer.score_batch(rows)]
    got = trl_total(rewards, prompts=[PROMPT] * 4, completions=R1_OUTPUTS, answer=["14"] * 4)
    assert got == pytest.approx(expected)


def test_non_sum_recipe_is_one_function():
    recipe = {"combine": "min", "components": [{"use": "think_format"}, {"use": "exact_match"}]}
    rewards = reward_funcs(recipe)
    assert len(rewards.funcs) == 1 and rewards.weights == [1.0]
    assert rewards.funcs[0](prompts=[PROMPT] * 4, completions=R1_OUTPUTS, solution=["14"] * 4) == [0, 1, 0, 0]
    assert build({"use": "think_format", "weight": 3}).sum_terms()[0][1] == 3.0


def test_combined_logs_every_component():
    metrics, extras = [], {}
    rewards = reward_funcs(R1_ZERO, combined=True)
    assert [f.__name__ for f in rewards.funcs] == ["rewardkit"] and rewards.weights == [1.0]
    values = rewards.funcs[0](prompts=[PROMPT] * 4, completions=R1_OUTPUTS, solution=["14"] * 4,
                              log_metric=lambda k, v: metrics.append((k, v)),
                              log_extra=lambda k, v: extras.setdefault(k, v))
    assert values == pytest.approx([0.1, 1.1, 1.0, 0.0])
    assert dict(metrics) == {"rewardkit/unscored": 0.0, "rewards/think_format/mean": 0.5,
                             "rewards/exact_match/mean": 0.5, "rewardkit/unscored/think_format": 0.0,
                             "rewardkit/unscored/exact_match": 0.0}
    assert extras == {"reward_status": ["ok"] * 4}


def test_conversational_completions_and_mapping():
    chats = [[{"role": "assistant", "content": c}] for c in R1_OUTPUTS]
    prompts = [[{"role": "user", "content": PROMPT}]] * 4
    rewards = reward_funcs(R1_ZERO, mapping={"answer": "gold"})
    assert rewards.funcs[1](prompts=prompts, completions=chats, gold=["14"] * 4) == [0.0, 1.0, 1.0, 0.0]
    # the explicit mapping wins: a `solution` column is not read when the recipe is told to use `gold`
    assert rewards.funcs[1](prompts=prompts, completions=chats, solution=["14"] * 4) == [None] * 4
    # the same mapping as `--map` takes it
    as_flag = reward_funcs(R1_ZERO, mapping="answer=gold")
    assert as_flag.funcs[1](prompts=prompts, completions=chats, gold=["14"] * 4) == [0.0, 1.0, 1.0, 0.0]
    with pytest.raises(ConfigError, match="mapping"):
        reward_funcs(R1_ZERO, mapping=["answer"])


class Flaky(Scorer):
    """Its backend is down whenever the completion mentions 14."""

    name = "flaky"

    def _score(self, sample):
        if "14" in sample.completion_text:
            return Score(None, Status.INFRA_ERROR, reason="server down")
        return Score(0.5)


def test_none_policy_skip_and_failure():
    # No gold answer: exact_match cannot be computed, so the row is None in every function; it used to train
    # on think_format alone (1.0, 1.0) with `rewardkit/unscored` at 0.
    rewards = reward_funcs(R1_ZERO)
    metrics: list = []
    kwargs = dict(prompts=[PROMPT] * 2, completions=R1_OUTPUTS[:2], log_metric=lambda k, v: metrics.append((k, v)))
    assert rewards.funcs[0](**kwargs) == [None, None]
    assert rewards.funcs[1](**kwargs) == [None, None]
    assert ("rewardkit/unscored", 1.0) in metrics
    # ... unless the recipe marks the component optional: then it is skipped, as TRL skips a None reward.
    optional = reward_funcs([R1_ZERO[0], {**R1_ZERO[1], "optional": True}])
    assert trl_total(optional, prompts=[PROMPT] * 2, completions=R1_OUTPUTS[:2]) == pytest.approx([0.1, 0.1])
    # A failed component makes the whole row None in every function: TRL gives the row no advantage
    # instead of training on the remaining parts.
    rewards = reward_funcs(Combination("sum", [(build("think_format"), 0.1), (Flaky(), 1.0)]))
    kwargs = dict(prompts=[PROMPT] * 4, completions=R1_OUTPUTS, solution=["14"] * 4)
    assert rewards.funcs[0](**kwargs) == [1.0, None, None, 0.0]
    assert rewards.funcs[1](**kwargs) == [0.5, None, None, 0.5]
    assert trl_total(rewards, **kwargs) == [pytest.approx(0.6), None, None, pytest.approx(0.5)]


def test_picklable_and_batch_scored_once():
    rewards = reward_funcs(R1_ZERO)
    clones = pickle.loads(pickle.dumps(rewards.funcs))
    assert [f.__name__ for f in clones] == ["think_format", "exact_match"]
    kwargs = dict(prompts=[PROMPT] * 4, completions=R1_OUTPUTS, solution=["14"] * 4)
    assert [f(**kwargs) for f in clones] == [f(**kwargs) for f in rewards.funcs]
    calls = []
    batch = rewards.funcs[0].batch
    original = batch.scorer
    for child, _ in batch.components:
        child_batch = child.score_batch
        child.score_batch = lambda s, _f=child_batch: calls.append(len(s)) or _f(s)
    for f in rewards.funcs:
        f(prompts=["p"] * 3, completions=["a", "b", "c"], solution=["a"] * 3)
    assert calls == [3, 3]  # each component scored once for the batch, not once per function
    assert batch.scorer is original


def test_more_completions_than_prompts_is_a_clear_error():
    rewards = reward_funcs(R1_ZERO)
    with pytest.raises(InputError, match="4 completions but 2 prompts"):  # it was a bare IndexError
        rewards.funcs[0](prompts=[PROMPT] * 2, completions=R1_OUTPUTS, solution=["14"] * 4)


def test_gold_column_named_otherwise_warns_once_and_logs_unscored_per_component():
    rewards = reward_funcs(R1_ZERO)
    logged = {}
    kwargs = dict(prompts=[PROMPT] * 4, completions=R1_OUTPUTS, ground_truth=["14"] * 4,
                  log_metric=lambda k, v: logged.__setitem__(k, v))
    with pytest.warns(UserWarning, match=r"4 of 4 rows lack the required field 'answer'.*ground_truth.*"
                                         r"mapping=\{'answer': 'COLUMN'\}"):
        assert rewards.funcs[1](**kwargs) == [None] * 4
    assert logged["rewardkit/unscored"] == 1.0 and logged["rewardkit/unscored/exact_match"] == 1.0
    assert logged["rewardkit/unscored/think_format"] == 0.0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once: the next batch is quiet
        rewards.funcs[1](**{**kwargs, "completions": R1_OUTPUTS[::-1]})
    fixed = reward_funcs(R1_ZERO, mapping={"answer": "ground_truth"})
    assert fixed.funcs[1](**kwargs) == [0.0, 1.0, 1.0, 0.0]


class SlowBatch(Scorer):
    """Counts its batches and takes a while over each, so concurrent callers overlap."""

    name = "slow_batch"
    description = "1.0 after a pause"
    value_range = (0.0, 1.0)
    batches: ClassVar[list[int]] = []

    def _score(self, sample):
        return Score(1.0)

    def _score_batch(self, samples):
        import time

        SlowBatch.batches.append(len(samples))
        time.sleep(0.3)
        return [Score(1.0) for _ in samples]


@pytest.mark.parametrize("asynchronous", [False, True])
def test_concurrent_calls_score_a_batch_once(asynchronous):
    import asyncio

    from trl.trainer.utils import is_async_callable

    SlowBatch.batches = []
    rewards = reward_funcs(Combination("sum", [(SlowBatch(), 1.0), (SlowBatch(name="other"), 0.5)]),
                           asynchronous=asynchronous)
    assert [is_async_callable(f) for f in rewards.funcs] == [asynchronous] * 2  # how TRL decides to await
    kwargs = dict(prompts=["p"] * 3, completions=["a", "b", "c"])

    async def both():  # TRL gathers async functions; sync ones wrapped in to_thread race the same way
        calls = [f(**kwargs) if asynchronous else asyncio.to_thread(f, **kwargs) for f in rewards.funcs]
        return await asyncio.gather(*calls)

    assert asyncio.run(both()) == [[1.0] * 3, [1.0] * 3]
    assert SlowBatch.batches == [3, 3]  # one batch per component, not two (it was scored twice)


def test_length_scorers_count_trl_completion_ids():
    # TRL passes the policy's token ids; a 40-character completion of 3 tokens is far under a 10-token limit
    rewards = reward_funcs({"use": "soft_overlong", "max_length": 10, "cache_length": 5})
    got = rewards.funcs[0](prompts=["p", "p"], completions=["x" * 40, "y"], completion_ids=[[1, 2, 3], list(range(12))])
    assert got == [0.0, -1.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(completion_texts(), min_size=1, max_size=4), st.text(max_size=20))
def test_never_raises_and_lengths_match(texts, gold):
    rewards = reward_funcs(R1_ZERO)
    for f in rewards.funcs:
        out = f(prompts=[PROMPT] * len(texts), completions=texts, solution=[gold] * len(texts), trainer_state=None)
        assert len(out) == len(texts)
        assert all(v is None or (math.isfinite(v) and 0.0 <= v <= 1.0) for v in out)


def _char_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    chars = sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-*/=?.,<>:!\n"))
    vocab = {tok: i for i, tok in enumerate(["<pad>", "<s>", "</s>", *chars])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>")


@pytest.mark.slow
def test_real_grpo_trainer_two_steps_logs_each_component(tmp_path):
    """The real GRPOTrainer: 2 optimisation steps on CPU, tiny random Llama, rewardkit rewards."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("trl")
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    tokenizer = _char_tokenizer()
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=128,
                         pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id)
    model = LlamaForCausalLM(config)
    dataset = Dataset.from_list([{"prompt": f"What is {a} + {b}?", "solution": str(a + b)}
                                 for a in range(4) for b in range(4)])
    # a digit reward gives the random policy a learning signal, so the two steps really move the weights
    recipe = [*R1_ZERO, {"use": "regex_match", "pattern": "[0-9]", "name": "has_digit", "weight": 0.5}]
    rewards = reward_funcs(recipe)
    seen = []
    original = rewards.funcs[1].batch.score

    def spy(prompts, completions, kwargs):
        seen.append((list(kwargs), len(completions)))
        return original(prompts, completions, kwargs)

    rewards.funcs[1].batch.score = spy
    args = GRPOConfig(output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=4, num_generations=4,
                      max_completion_length=12, learning_rate=1e-3, logging_steps=1, report_to="none",
                      use_cpu=True, save_strategy="no", reward_weights=rewards.weights, seed=0)
    trainer = GRPOTrainer(model=model, args=args, reward_funcs=rewards.funcs, train_dataset=dataset,
                          processing_class=tokenizer)
    before = [p.detach().clone() for p in model.parameters()]
    trainer.train()
    logged = {k for entry in trainer.state.log_history for k in entry}
    for name in ("think_format", "exact_match", "has_digit"):
        assert f"rewards/{name}/mean" in logged and f"rewards/{name}/std" in logged
    assert "rewardkit/unscored" in logged
    assert trainer.state.global_step == 2
    keys, n = seen[0]
    assert "solution" in keys and "trainer_state" in keys and "log_metric" in keys and n == 4
    assert len(seen) == 2 * 3  # TRL calls each of the three functions once per step
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
