"""GRPO throughput: rewardkit's trainer vs TRL's GRPOTrainer on the same tiny model, prompts and reward (CPU).

    PYTHONPATH=. python benchmarks/bench_grpo.py [--steps 5] [--repeats 3]

Both train a randomly initialised 2-layer, 64-wide Llama with a character tokenizer (built here, nothing is
downloaded) for the same number of steps: 8 prompts x G=8 = 64 completions of up to 32 tokens per step,
temperature 1, beta 0, DAPO loss, one optimisation pass per batch, learning rate 1e-6, the same rewardkit
recipe (accuracy + format + a "has a digit" term so rewards vary for a random model). Each framework gets a
fresh copy of the same initial weights for every repeat; the figure is the median completions/s over repeats,
and the ratio is taken within this one run (the machine is shared, absolute times are noisy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rewardkit import build
from rewardkit.train.demo import DEMO_RECIPE, make_tasks
from rewardkit.train.grpo import GRPOConfig, train
from rewardkit.train.hf import HFPolicy, char_tokenizer

RECIPE = [{"use": "regex_match", "pattern": "[0-9]", "name": "has_digit", "weight": 0.5}, DEMO_RECIPE]
PROMPTS, G, MAX_NEW = 8, 8, 32


def make_model(tokenizer):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, bos_token_id=None)
    return LlamaForCausalLM(cfg)


def rows(n: int) -> list[dict]:
    return [{"prompt": f"User: {t['question']} Assistant:", "answer": t["answer"]} for t in make_tasks(n, 0)]


class RecipeReward:
    """A TRL reward function backed by a rewardkit recipe (picklable, named for TRL's logs)."""

    __name__ = "rewardkit_recipe"

    def __init__(self) -> None:
        self.reward = build(RECIPE)

    def __call__(self, prompts, completions, answer, **_):
        scores = self.reward.score_batch([{"prompt": p, "completion": c, "answer": a}
                                          for p, c, a in zip(prompts, completions, answer, strict=True)])
        return [s.value for s in scores]


def run_rewardkit(tokenizer, data, steps: int) -> tuple[float, float]:
    policy = HFPolicy(make_model(tokenizer), tokenizer, device="cpu")
    cfg = GRPOConfig(steps=steps, prompts_per_step=PROMPTS, num_generations=G, max_new_tokens=MAX_NEW,
                     learning_rate=1e-6, beta=0.0, loss_type="dapo", seed=0)
    t0 = time.perf_counter()
    history = train(policy, RECIPE, data, cfg, progress=False)
    seconds = time.perf_counter() - t0
    return steps * PROMPTS * G / seconds, statistics.mean(r["completion_length"] for r in history)


def run_trl(tokenizer, data, steps: int) -> tuple[float, float]:
    from datasets import Dataset
    from trl import GRPOConfig as TRLConfig
    from trl import GRPOTrainer

    with tempfile.TemporaryDirectory() as out:
        args = TRLConfig(output_dir=out, per_device_train_batch_size=PROMPTS * G, num_generations=G,
                         max_completion_length=MAX_NEW, max_steps=steps, learning_rate=1e-6, beta=0.0,
                         loss_type="dapo", temperature=1.0, use_cpu=True, report_to=[], save_strategy="no",
                         logging_steps=1, disable_tqdm=True, seed=0, dataloader_num_workers=0)
        trainer = GRPOTrainer(model=make_model(tokenizer), reward_funcs=RecipeReward(), args=args,
                              train_dataset=Dataset.from_list(data), processing_class=tokenizer)
        t0 = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - t0
        lengths = [log["completions/mean_length"] for log in trainer.state.log_history
                   if "completions/mean_length" in log]
    return steps * PROMPTS * G / seconds, statistics.mean(lengths) if lengths else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    tokenizer = char_tokenizer("0123456789+-*=;?.: WhatisUserAssistant", ("<think>", "</think>", "<answer>",
                                                                           "</answer>"))
    data = rows(256)
    results: dict[str, list[float]] = {"rewardkit": [], "trl": []}
    lengths: dict[str, float] = {}
    for repeat in range(args.repeats):
        for name, fn in (("rewardkit", run_rewardkit), ("trl", run_trl)):
            rate, lengths[name] = fn(tokenizer, data, args.steps)
            results[name].append(rate)
            print(f"repeat {repeat + 1} {name:<9} {rate:8.1f} completions/s (mean length {lengths[name]:.1f})")
    rk, trl = statistics.median(results["rewardkit"]), statistics.median(results["trl"])
    print(f"\nmedian over {args.repeats} repeats, {args.steps} steps x {PROMPTS * G} completions of <= {MAX_NEW} "
          f"tokens, torch threads 2")
    print(f"rewardkit {rk:8.1f} completions/s")
    print(f"trl       {trl:8.1f} completions/s")
    print(f"ratio rewardkit / trl: {rk / trl:.2f}x")


if __name__ == "__main__":
    main()
