"""Per-step time of GRPO with the built-in GPT: the demo's policy vs the one `rewardkit train --policy gpt`
builds from a data file (same task, same model size, same knobs), measured in one run, alternating.

    PYTHONPATH=. python benchmarks/bench_train_paths.py [--steps 20] [--repeats 3]

Before the fixes of issue 16 the data-file path ran on every torch thread and spelled the 400-character R1
template out character by character; the ratio printed is data-file path / demo path (target <= 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from rewardkit.train.cli import make_policy
from rewardkit.train.demo import DEMO_GRPO, DEMO_RECIPE, demo_tokenizer, make_tasks
from rewardkit.train.gpt import GPTConfig, GPTPolicy
from rewardkit.train.grpo import GRPOConfig, train


def per_step(policy: GPTPolicy, rows: list[dict], steps: int) -> float:
    cfg = GRPOConfig(**{**DEMO_GRPO, "steps": steps, "seed": 0})
    t0 = time.perf_counter()
    train(policy, DEMO_RECIPE, rows, cfg, progress=False)
    return (time.perf_counter() - t0) / steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = make_tasks(500, 0)
    file_rows = [{"prompt": r["prompt"], "answer": r["answer"]} for r in rows]
    demo, data = [], []
    for _ in range(args.repeats):
        torch.manual_seed(0)
        tok = demo_tokenizer()
        demo.append(per_step(GPTPolicy(tok, GPTConfig(len(tok.vocab), block_size=64), "cpu"), rows, args.steps))
        torch.manual_seed(0)
        built = make_policy("gpt", file_rows, "cpu", None, DEMO_GRPO["max_new_tokens"])
        data.append(per_step(built, file_rows, args.steps))
    d, f = statistics.median(demo), statistics.median(data)
    print(f"torch threads outside training: {torch.get_num_threads()}")
    print(f"demo policy: {d * 1000:.1f} ms/step; data-file policy: {f * 1000:.1f} ms/step "
          f"(median of {args.repeats} x {args.steps} steps); ratio data-file / demo = {f / d:.2f}")


if __name__ == "__main__":
    main()
