"""The R1 pipeline in miniature, on a CPU in about a minute: `rewardkit train demo`.

1. Task: arithmetic with operator precedence ("What is 2 + 3 * 4?", gold 14), asked through the R1-Zero
   template that wants <think> reasoning </think> <answer> answer </answer>.
2. Cold start (R1's supervised warm-up): a few seconds of cross-entropy on formatted, worked examples
   ("<think>3*4=12;2+12=14</think><answer>14</answer>"), so sampling starts inside the format.
3. GRPO with a rewardkit recipe: accuracy 1.0 + format 0.1 (R1-Zero's weights).
4. Rejection sampling: sample the trained policy on fresh questions, score with the same recipe, keep the
   best completion per prompt above a threshold with `rewardkit filter`: an SFT JSONL and preference pairs.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from rewardkit.core import Scorer
from rewardkit.recipe import build
from rewardkit.train.gpt import CharTokenizer, GPTConfig, GPTPolicy
from rewardkit.train.grpo import CHECKPOINT, GRPOConfig, score_rollout, train
from rewardkit.train.policy import policy_threads

R1_PREFIX = ("A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
             "The assistant first thinks about the reasoning process in the mind and then provides the user with "
             "the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> "
             "</answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here "
             "</answer>. User: ")
R1_SUFFIX = ". Assistant:"
TAGS = ("<think>", "</think>", "<answer>", "</answer>")

# The demo's reward. For a real math verifier swap `exact_match` for `math` (one line); the weights are R1-Zero's.
DEMO_RECIPE: dict[str, Any] = {"combine": "sum", "components": [
    {"use": "math", "name": "accuracy", "weight": 1.0},
    {"use": "think_format", "name": "format", "weight": 0.1},
]}

# `--process`: the same recipe plus the step checks of each ';'-separated step (weight 0: the total reward is
# unchanged, the steps only reach the trainer), learned with process advantages added to the outcome's.
DEMO_PROCESS_RECIPE: dict[str, Any] = {"combine": "sum", "components": [
    *DEMO_RECIPE["components"], {"use": "step_check", "name": "steps", "weight": 0.0, "split": "clauses"}]}
DEMO_PROCESS = {"advantage": "process", "outcome_weight": 1.0}

# Demo hyper-parameters, tuned for a ~100K-parameter GPT on 2 CPU cores.
DEMO_GRPO = {"prompts_per_step": 8, "num_generations": 8, "max_new_tokens": 28, "learning_rate": 2e-4,
             "temperature": 1.0, "epsilon_high": 0.28, "beta": 0.0}


def r1_prompt(question: str) -> str:
    return f"{R1_PREFIX}{question}{R1_SUFFIX}"


def make_task(rng: random.Random, max_operand: int = 5, ops: str = "+*") -> dict[str, Any]:
    """One arithmetic question 'a op b op c' (operands 1..max_operand), its gold answer and a worked solution
    that does multiplication first, e.g. 2 + 3 * 4 -> '3*4=12;2+12=14'."""
    a, b, c = (rng.randint(1, max_operand) for _ in range(3))
    op1, op2 = rng.choice(ops), rng.choice(ops)
    question = f"What is {a} {op1} {b} {op2} {c}?"
    if op2 == "*" and op1 != "*":  # precedence: b * c first
        inner = b * c
        value = _apply(a, op1, inner)
        steps = [f"{b}*{c}={inner}", f"{a}{op1}{inner}={value}"]
    else:  # left to right
        inner = _apply(a, op1, b)
        value = _apply(inner, op2, c)
        steps = [f"{a}{op1}{b}={inner}", f"{inner}{op2}{c}={value}"]
    answer = str(value)
    completion = f"<think>{';'.join(steps)}</think><answer>{answer}</answer>"
    return {"prompt": r1_prompt(question), "question": question, "answer": answer, "solution": completion}


def _apply(x: int, op: str, y: int) -> int:
    return x + y if op == "+" else x - y if op == "-" else x * y


def make_tasks(n: int, seed: int, **kw: Any) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_task(rng, **kw) for _ in range(n)]


def demo_tokenizer() -> CharTokenizer:
    return CharTokenizer("0123456789+-*=;?. What is", specials=(R1_PREFIX, R1_SUFFIX, *TAGS))


def cold_start(policy: GPTPolicy, tasks: Sequence[dict[str, Any]], steps: int, batch: int = 64, lr: float = 5e-3,
               seed: int = 0, progress: bool = False) -> list[float]:
    """Supervised warm-up on worked examples (R1's cold-start SFT). Returns the loss per step."""
    with policy_threads(policy):
        return _cold_start(policy, tasks, steps, batch, lr, seed, progress)


def _cold_start(policy: GPTPolicy, tasks: Sequence[dict[str, Any]], steps: int, batch: int, lr: float,
                seed: int, progress: bool) -> list[float]:
    from tqdm.auto import tqdm

    rng = random.Random(seed)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0)
    policy.train(True)
    losses = []
    for _ in tqdm(range(steps), desc="cold start", unit="step", disable=not progress, dynamic_ncols=True):
        rows = rng.sample(list(tasks), min(batch, len(tasks)))
        loss = policy.sft_loss([r["prompt"] for r in rows], [r["solution"] for r in rows])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return losses


def sample_scored(policy: Any, reward: Scorer, rows: Sequence[dict[str, Any]], samples: int = 8,
                  max_new_tokens: int = 32, temperature: float = 1.0, chunk: int = 32) -> list[dict[str, Any]]:
    """Sample `samples` completions per row and score them: rows shaped like `rewardkit score` output
    ({prompt, completion, answer, reward, rewards, reward_status}). Rows are sampled `chunk` at a time."""
    scored = []
    for lo in range(0, len(rows), chunk):
        group = [row for row in rows[lo:lo + chunk] for _ in range(samples)]
        rollout = policy.generate([r["prompt"] for r in group], max_new_tokens, temperature)
        for row, text, score in zip(group, rollout.texts, score_rollout(reward, group, rollout.texts), strict=True):
            scored.append({"prompt": row["prompt"], "completion": text, "answer": row["answer"],
                           "reward": score.value, "rewards": score.components, "reward_status": score.status.value})
    return scored


def rejection_sample(policy: Any, reward: Scorer, rows: Sequence[dict[str, Any]], out_dir: str | Path,
                     samples: int = 8, threshold: float = 1.0, max_new_tokens: int = 32,
                     temperature: float = 1.0) -> dict[str, Any]:
    """R1's rejection sampling: sample and score the policy on `rows` into `out_dir/samples.scored.jsonl`,
    then `rewardkit filter` keeps the best completion per prompt reaching `threshold` (`sft.jsonl`) and
    writes best-vs-worst preference pairs (`pairs.jsonl`). Returns the filter's counts."""
    from rewardkit.filter import filter_file

    out = Path(out_dir)
    scored_path = out / "samples.scored.jsonl"
    with scored_path.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in sample_scored(policy, reward, rows, samples, max_new_tokens,
                                                                   temperature))
    return filter_file(scored_path, out / "sft.jsonl", best_of=1, min_reward=threshold,
                       pairs_path=out / "pairs.jsonl")


def run_demo(steps: int = 120, seed: int = 0, output_dir: str | Path = "runs/demo", cold_start_steps: int = 150,
             progress: bool = True, device: str | None = None, log: Any = print, resume: bool = False,
             process: bool = False, **overrides: Any) -> dict[str, Any]:
    """The whole pipeline; returns a summary. `overrides` are GRPOConfig fields (e.g. shuffle_rewards=True).
    With `resume` and a checkpoint in `output_dir`, the cold start is skipped and GRPO continues. With
    `process`, a second GRPO run from the same cold-start weights, seed and budget learns with process
    advantages (`DEMO_PROCESS_RECIPE`, in `output_dir/process`), and `comparison.png` plots both."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tasks = make_tasks(4000, seed)
    policy = GPTPolicy(demo_tokenizer(), GPTConfig(vocab_size=len(demo_tokenizer().vocab), block_size=64),
                       device=device)
    with policy_threads(policy):  # sampling for rejection sampling too, not only the training loops
        return _run(policy, steps, seed, out, cold_start_steps, progress, log, resume, tasks, process, overrides)


def _run(policy: GPTPolicy, steps: int, seed: int, out: Path, cold_start_steps: int, progress: bool, log: Any,
         resume: bool, tasks: list[dict[str, Any]], process: bool, overrides: dict[str, Any]) -> dict[str, Any]:
    resume = resume and (out / CHECKPOINT).exists()
    t0 = time.perf_counter()
    losses = [] if resume else cold_start(policy, tasks[:2000], cold_start_steps, seed=seed, progress=progress)
    if losses:
        log(f"cold start: {cold_start_steps} steps, loss {losses[0]:.2f} -> {losses[-1]:.2f} "
            f"({time.perf_counter() - t0:.1f}s, {sum(p.numel() for p in policy.parameters()):,} parameters)")
    start = copy.deepcopy(policy) if process else None  # the process run starts from the same weights
    cfg = GRPOConfig(**{**DEMO_GRPO, "steps": steps, "seed": seed, **overrides})
    reward = build(DEMO_PROCESS_RECIPE if process else DEMO_RECIPE)  # step_check has weight 0: same totals
    t0 = time.perf_counter()
    history = train(policy, reward, tasks[2000:3800], cfg, output_dir=out, resume=resume, progress=progress)
    log(f"grpo: {steps} steps in {time.perf_counter() - t0:.1f}s; metrics in {out / 'metrics.jsonl'}, "
        f"plot in {out / 'rewards.png'}")
    process_history = None
    if start is not None:
        process_history = _process_run(start, reward, tasks, cfg, out, resume, progress, log, history)
    policy.train(False)
    sft = rejection_sample(policy, reward, tasks[3800:], out, samples=8, threshold=1.0,
                           max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature)
    log(f"rejection sampling (rewardkit filter): kept {sft['kept']}/{sft['groups']} prompts with a correct, "
        f"well-formatted completion -> {out / 'sft.jsonl'}; {sft['pairs']} preference pairs -> "
        f"{out / 'pairs.jsonl'}")
    return {"history": history, "sft": sft, "policy": policy, "cold_start_loss": losses,
            "process_history": process_history}


def _process_run(policy: GPTPolicy, reward: Scorer, tasks: list[dict[str, Any]], cfg: GRPOConfig, out: Path,
                 resume: bool, progress: bool, log: Any, outcome: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GRPO with process advantages from the same start, seed and budget; both runs on one plot."""
    from dataclasses import replace

    from rewardkit.train.plot import plot_comparison

    t0 = time.perf_counter()
    history = train(policy, reward, tasks[2000:3800], replace(cfg, **DEMO_PROCESS), output_dir=out / "process",
                    resume=resume, progress=progress)
    plot_comparison({"outcome": outcome, "outcome + process": history}, out / "comparison.png",
                    ("reward", "accuracy", "steps"), title="GRPO: outcome vs outcome + process advantages")
    log(f"grpo with process advantages: {cfg.steps} steps in {time.perf_counter() - t0:.1f}s; metrics in "
        f"{out / 'process' / 'metrics.jsonl'}; both runs in {out / 'comparison.png'}")
    return history
