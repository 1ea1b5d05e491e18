"""The Hugging Face policy path: a tiny randomly initialised Llama and a character tokenizer built here
(nothing is downloaded). Padding must not change log-probs, and GRPO steps must run and stay finite."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from rewardkit.train.demo import DEMO_RECIPE, make_tasks  # noqa: E402
from rewardkit.train.grpo import GRPOConfig, train  # noqa: E402
from rewardkit.train.hf import HFPolicy, char_tokenizer  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")

CHARS = "0123456789+-*=;?.: WhatisUserAssistant"
TAGS = ("<think>", "</think>", "<answer>", "</answer>")



def tiny_llama() -> HFPolicy:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    tok = char_tokenizer(CHARS, TAGS)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, bos_token_id=None)
    return HFPolicy(LlamaForCausalLM(cfg), tok, device="cpu")


def rows(n: int) -> list[dict]:
    return [{"prompt": f"User: {t['question']} Assistant:", "answer": t["answer"]} for t in make_tasks(n, 0)]


def test_char_tokenizer_round_trips_and_keeps_tags_whole():
    tok = char_tokenizer(CHARS, TAGS)
    ids = tok("<think>2*3=6</think>", add_special_tokens=False)["input_ids"]
    assert len(ids) == 2 + 5 and tok.decode(ids) == "<think>2*3=6</think>"


def test_left_padding_does_not_change_log_probs():
    policy = tiny_llama()
    prompts = ["User: What is 1 + 2 * 3? Assistant:", "User: 1? Assistant:"]
    rollout = policy.generate(prompts, 6, 1.0)
    batched = policy.token_logps(rollout, 1.0)
    for i in range(2):
        n = int(rollout.prompt_mask[i].sum())
        ids = torch.cat([rollout.prompt_ids[i, -n:], rollout.completion_ids[i]]).unsqueeze(0)
        logits = policy.model(input_ids=ids).logits[0, n - 1:-1]
        alone = torch.log_softmax(logits, -1).gather(-1, rollout.completion_ids[i].unsqueeze(-1)).squeeze(-1)
        m = rollout.completion_mask[i].bool()
        assert torch.allclose(alone[m], batched[i][m], atol=1e-5)


def test_grpo_steps_with_a_tiny_llama_and_a_reference():
    policy = tiny_llama()
    before = [p.detach().clone() for p in policy.parameters()]
    cfg = GRPOConfig(steps=2, prompts_per_step=2, num_generations=3, max_new_tokens=8, learning_rate=1e-3,
                     beta=0.04, num_iterations=2)
    has_digit = {"use": "regex_match", "pattern": "[0-9]"}  # varies even for a random model: a real signal
    history = train(policy, [has_digit, DEMO_RECIPE], rows(6), cfg, progress=False)
    assert len(history) == 2 and all(math.isfinite(r["loss"]) and r["kl"] >= 0 for r in history)
    assert any(not torch.equal(a, b) for a, b in zip(before, policy.parameters(), strict=True))


def test_completion_offsets_index_the_decoded_text():
    policy = tiny_llama()
    rollout = policy.generate(["User: What is 1 + 2 * 3? Assistant:"] * 3, 10, 1.0)
    for text, spans in zip(rollout.texts, policy.completion_offsets(rollout), strict=True):
        assert len(spans) == rollout.completion_ids.shape[1]
        assert "".join(text[a:b] for a, b in spans) == text


def test_process_advantages_with_a_tiny_llama():
    policy = tiny_llama()
    steps_recipe = {"combine": "sum", "components": [{"use": "regex_match", "pattern": "[0-9]"},
                                                     {"use": "step_check", "weight": 0.0}]}
    cfg = GRPOConfig(steps=1, prompts_per_step=2, num_generations=2, max_new_tokens=6, learning_rate=1e-3,
                     advantage="process")
    history = train(policy, steps_recipe, rows(4), cfg, progress=False)
    assert len(history) == 1 and "process_steps" in history[0]


def test_cli_export_writes_a_folder_from_pretrained_loads(tmp_path):
    import json

    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rewardkit.cli import main

    policy = tiny_llama()
    model_dir = tmp_path / "model"
    policy.export(model_dir)
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows(4)))
    export, recipe = tmp_path / "exported", tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"use": "regex_match", "pattern": "[0-9]"}))
    args = ["train", "-r", str(recipe), "-d", str(data),
            "--policy", str(model_dir), "--device", "cpu", "-o", str(tmp_path / "run"), "--steps", "1",
            "--no-progress", "--set", "prompts_per_step=2", "--set", "num_generations=2",
            "--set", "max_new_tokens=4", "--set", "learning_rate=0.01", "--export", str(export)]
    assert main(args) == 0
    loaded = AutoModelForCausalLM.from_pretrained(export)
    tok = AutoTokenizer.from_pretrained(export)
    assert tok.decode(tok("<think>1</think>", add_special_tokens=False)["input_ids"]) == "<think>1</think>"
    trained = dict(loaded.named_parameters())
    start = dict(policy.model.named_parameters())
    assert any(not torch.equal(trained[k], start[k]) for k in start)  # the trained weights, not the start
