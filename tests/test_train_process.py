"""Process advantages (DeepSeekMath process supervision): a hand-computed group, step spans onto tokens, step
rewards through a recipe, and `advantage: process` runs with the built-in GPT."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from rewardkit import ConfigError, build  # noqa: E402
from rewardkit.core import Score  # noqa: E402
from rewardkit.train.demo import demo_tokenizer, make_tasks  # noqa: E402
from rewardkit.train.gpt import GPTConfig, GPTPolicy  # noqa: E402
from rewardkit.train.grpo import GRPOConfig, grpo_loss, train  # noqa: E402
from rewardkit.train.process import process_advantages, score_steps, step_token_ends  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")

STEP_RECIPE = {"combine": "sum", "components": [
    {"use": "math", "name": "accuracy", "weight": 1.0},
    {"use": "step_check", "name": "steps", "weight": 0.0, "split": "clauses"},
]}


def test_hand_computed_group():
    # group of 2: completion 0 has steps ending at tokens 1 and 3 (rewards 1, 0), completion 1 one step ending
    # at token 2 (reward 1). Step rewards of the group: 1, 0, 1 -> mean 2/3, Bessel std sqrt(1/3).
    ends = [[(1, 1.0), (3, 0.0)], [(2, 1.0)]]
    got = process_advantages(ends, group_size=2, length=5, scale="none")
    a, b = 1 / 3, -2 / 3  # r - mean for reward 1 and reward 0
    want = torch.tensor([[a + b, a + b, b, b, 0.0], [a, a, a, 0.0, 0.0]])
    assert torch.allclose(got, want, atol=1e-6)
    std = math.sqrt(1 / 3)
    scaled = process_advantages(ends, group_size=2, length=5, scale="group")
    assert torch.allclose(scaled, want / (std + 1e-4), atol=1e-5)


def test_groups_are_normalised_separately_and_empty_completions_get_zero():
    ends = [[(0, 1.0)], [(0, 0.0)], [(1, 5.0)], []]
    got = process_advantages(ends, group_size=2, length=2, scale="none")
    assert torch.allclose(got, torch.tensor([[0.5, 0.0], [-0.5, 0.0], [0.0, 0.0], [0.0, 0.0]]))
    # batch scaling divides by the std over every step of the batch (1, 0, 5)
    batch = process_advantages(ends, group_size=2, length=2, scale="batch")
    std = torch.tensor([1.0, 0.0, 5.0]).std().item()
    assert batch[0, 0].item() == pytest.approx(0.5 / (std + 1e-4), rel=1e-5)


def test_step_spans_map_onto_tokens_and_skip_unvalued_steps():
    steps = [{"start": 7, "end": 13, "value": 0.0}, {"start": 14, "end": 21, "value": None},
             {"start": 21, "end": 28, "value": 1.0}]
    chars = [(i, i + 1) for i in range(40)]
    assert step_token_ends(steps, chars) == [(12, 0.0), (27, 1.0)]
    # word-level tokens: the step's last token is the one that contains its last character
    assert step_token_ends(steps[:1], [(0, 7), (7, 10), (10, 14)]) == [(2, 0.0)]


def test_steps_pass_through_a_recipe():
    text = "<think>3*4=11;2+11=13</think><answer>13</answer>"
    score = build(STEP_RECIPE).score({"completion": text, "answer": "14"})
    steps = score_steps(score)
    assert [(text[s["start"]:s["end"]], s["value"]) for s in steps] == [("3*4=11;", 0.0), ("2+11=13", 1.0)]
    assert score_steps(Score(1.0)) == []
    two = Score(1.0, details={"steps_by_component": {"a": [], "b": []}})
    with pytest.raises(ConfigError, match="step_reward_component"):
        score_steps(two)
    assert score_steps(two, "a") == []


def tiny_policy(seed: int = 0) -> GPTPolicy:
    torch.manual_seed(seed)
    tok = demo_tokenizer()
    return GPTPolicy(tok, GPTConfig(vocab_size=len(tok.vocab), block_size=64, n_layer=1, n_head=2, n_embd=16),
                     device="cpu")


def test_gpt_offsets_index_the_decoded_text():
    policy = tiny_policy()
    rollout = policy.generate(["What is 1 + 1?"] * 4, 12, 1.0)
    for text, spans, ids, keep in zip(rollout.texts, policy.completion_offsets(rollout),
                                      rollout.completion_ids.tolist(), rollout.completion_mask.tolist(),
                                      strict=True):
        assert spans[-1][1] <= len(text) and "".join(text[a:b] for a, b in spans) == text
        for (a, b), i, k in zip(spans, ids, keep, strict=True):
            if k and i not in (0, 1):
                assert text[a:b] == policy.tokenizer.vocab[i]


def test_per_token_advantages_enter_the_loss():
    logps = torch.zeros(2, 3, requires_grad=True)
    mask = torch.ones(2, 3)
    cfg = GRPOConfig(loss_type="bnpo")
    adv = torch.tensor([[1.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])
    loss, _ = grpo_loss(logps, logps.detach(), adv, mask, cfg)
    assert loss.item() == pytest.approx(-(1 + 1 - 1) / 6)
    loss.backward()  # the gradient of each token's log-prob is minus its own advantage / tokens
    assert torch.allclose(logps.grad, -adv / 6)


def test_process_mode_trains_on_step_rewards():
    rows = make_tasks(16, 0)
    cfg = GRPOConfig(steps=2, prompts_per_step=2, num_generations=3, max_new_tokens=12, learning_rate=1e-3,
                     advantage="process", outcome_weight=0.5)
    history = train(tiny_policy(), STEP_RECIPE, rows, cfg, progress=False)
    assert len(history) == 2 and all("process_steps" in row for row in history)
    assert all(row["loss"] is None or math.isfinite(row["loss"]) for row in history)


def test_process_mode_config_errors():
    with pytest.raises(ConfigError, match="advantage"):
        GRPOConfig(advantage="steps")

    class NoOffsets:
        pass

    with pytest.raises(ConfigError, match="advantage"):
        train(NoOffsets(), STEP_RECIPE, make_tasks(2, 0), GRPOConfig(steps=1, advantage="process"))
