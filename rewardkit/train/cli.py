"""`rewardkit train`: GRPO from the command line.

    rewardkit train demo [--steps N] [--seed S] [--output-dir DIR]        # the R1 pipeline in miniature
    rewardkit train --recipe R --data D.jsonl --policy gpt|MODEL_DIR [--set beta=0.04 ...] [--resume]
                    [--export DIR]

Each run writes DIR/metrics.jsonl (one JSON object per step), DIR/rewards.png and DIR/checkpoint.pt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rewardkit.core import apply_mapping, parse_mapping
from rewardkit.errors import ConfigError, InputError, require
from rewardkit.jsonl import read_jsonl

# AdamW learning rate when --set learning_rate is not given, per policy kind (see docs/trainer.md for the
# measurements): the built-in ~100K-parameter GPT, and Hugging Face models (TRL's default).
LEARNING_RATES = {"gpt": 2e-4, "hf": 1e-6}


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("train", help="train a policy with GRPO against a reward recipe",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipe", "-r", help="reward recipe (file or scorer name)")
    parser.add_argument("--data", "-d", help="JSONL of training rows: prompt, answer, any fields the recipe reads")
    parser.add_argument("--policy", default="gpt", help="'gpt' (built-in tiny char-level GPT) or a Hugging Face "
                        "model directory / name (needs the hf extra)")
    parser.add_argument("--map", action="append", default=[], metavar="CANON=FIELD",
                        help="read a canonical field from another column, e.g. --map answer=solution")
    parser.add_argument("--cold-start", metavar="FIELD", help="supervised warm-up on this column before GRPO "
                        "(gpt policy)")
    parser.add_argument("--cold-start-steps", type=int, default=200)
    _common(parser, default_steps=100, default_dir="runs/grpo")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="any GRPOConfig field, e.g. --set loss_type=grpo --set beta=0.04")
    parser.add_argument("--resume", action="store_true", help="continue from DIR/checkpoint.pt")
    parser.add_argument("--export", metavar="DIR", help="after training, save the Hugging Face model and "
                        "tokenizer to DIR with save_pretrained")
    parser.set_defaults(func=_run_train)
    sub = parser.add_subparsers(dest="train_command", metavar="{demo}")
    demo = sub.add_parser("demo", help="arithmetic with operator precedence: cold start, GRPO, rejection sampling")
    _common(demo, default_steps=120, default_dir="runs/demo")
    demo.add_argument("--cold-start-steps", type=int, default=150)
    demo.add_argument("--resume", action="store_true", help="continue from DIR/checkpoint.pt (skips cold start)")
    demo.add_argument("--process", action="store_true", help="also run GRPO with process advantages from the "
                      "same start, seed and budget (step_check on each step), into DIR/process; both on "
                      "DIR/comparison.png")
    demo.set_defaults(func=_run_demo)


def _common(parser: argparse.ArgumentParser, default_steps: int, default_dir: str) -> None:
    parser.add_argument("--steps", type=int, default=default_steps, help="GRPO steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", "-o", default=default_dir)
    parser.add_argument("--device", help="cpu, cuda, ... (default: cuda when present)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _run_demo(args: argparse.Namespace) -> int:
    require("train", "rewardkit train demo", "torch", "matplotlib")
    from rewardkit.train.demo import run_demo

    if args.steps < 1:
        raise ConfigError("must be >= 1", "--steps")
    run_demo(steps=args.steps, seed=args.seed, output_dir=args.output_dir, progress=not args.no_progress,
             cold_start_steps=args.cold_start_steps, device=args.device, resume=args.resume,
             process=args.process)
    return 0


def _run_train(args: argparse.Namespace) -> int:
    if not args.recipe or not args.data:
        raise ConfigError("give --recipe and --data (or run `rewardkit train demo`)", "train")
    if args.export and args.policy == "gpt":
        raise ConfigError("--export writes a Hugging Face save_pretrained folder; the built-in GPT has "
                          "DIR/checkpoint.pt", "--export")
    from rewardkit.recipe import build
    from rewardkit.train.grpo import CHECKPOINT, GRPOConfig, train
    from rewardkit.train.policy import policy_threads

    reward = build(args.recipe)
    rows = read_rows(args.data, parse_mapping(args.map))
    kind = "gpt" if args.policy == "gpt" else "hf"
    cfg = GRPOConfig.from_dict({"steps": args.steps, "seed": args.seed, "learning_rate": LEARNING_RATES[kind],
                                **_settings(args.set)})
    out = Path(args.output_dir)
    checkpoint = out / CHECKPOINT if args.resume and (out / CHECKPOINT).exists() else None
    _say(args, f"{len(rows)} rows; building the policy ({args.policy}) ...")
    import torch

    torch.manual_seed(args.seed)  # the built-in GPT's initial weights: --seed reproduces the whole run
    policy = make_policy(args.policy, rows, args.device, checkpoint, cfg.max_new_tokens)
    size = sum(p.numel() for p in policy.parameters())
    _say(args, f"policy: {size:,} parameters on {policy.device}; learning rate {cfg.learning_rate:g}")
    with policy_threads(policy):  # the built-in GPT on one torch thread, cold start included
        if args.cold_start and checkpoint is None:
            _cold_start(policy, rows, args.cold_start, args.cold_start_steps, args.seed, not args.no_progress)
        history = train(policy, reward, rows, cfg, output_dir=out, resume=args.resume,
                        progress=not args.no_progress)
    last = history[-1] if history else {}
    print(f"trained {len(history)} steps; last reward {last.get('reward')}; outputs in {out}")
    if args.export:
        policy.export(args.export)
        print(f"exported the trained model to {args.export} (AutoModelForCausalLM.from_pretrained loads it)")
    return 0


def _say(args: argparse.Namespace, message: str) -> None:
    """Status lines before the progress bars start, so a slow start is never silent."""
    if not args.no_progress:
        print(message, file=sys.stderr, flush=True)


def read_rows(path: str, mapping: dict[str, str]) -> list[dict[str, Any]]:
    """Training rows from JSONL; `mapping` renames columns to canonical names (answer=solution)."""
    file = Path(path)
    rows = []
    for line in read_jsonl(file, "fail", what="data file"):
        row = apply_mapping(line.row, mapping)
        if "prompt" not in row:
            raise InputError(f"{file}:{line.number}: no 'prompt' field (use --map prompt=FIELD)")
        rows.append(row)
    if not rows:
        raise InputError(f"{file}: no rows")
    return rows


def make_policy(spec: str, rows: list[dict[str, Any]], device: str | None, checkpoint: Path | None,
                max_new_tokens: int = 32) -> Any:
    """The built-in GPT (vocabulary from the data, or from a checkpoint) or a Hugging Face model."""
    if spec != "gpt":
        from rewardkit.train.hf import HFPolicy

        return HFPolicy.from_pretrained(spec, device=device)
    import torch

    from rewardkit.train.demo import TAGS
    from rewardkit.train.gpt import CharTokenizer, GPTConfig, GPTPolicy

    if checkpoint is not None:
        saved = torch.load(checkpoint, map_location="cpu", weights_only=False)["spec"]
        tok = CharTokenizer(saved["tokenizer"]["chars"], tuple(saved["tokenizer"]["specials"]))
        return GPTPolicy(tok, GPTConfig(**saved["config"]), device=device)
    text = "".join(str(r.get("prompt", "")) + str(r.get("answer", "")) for r in rows)
    tok = CharTokenizer(text + "0123456789", (*TAGS, *template_affixes([str(r["prompt"]) for r in rows])))
    longest = max(len(tok.encode(str(r["prompt"]))) for r in rows)  # positions must cover prompt + completion
    return GPTPolicy(tok, GPTConfig(len(tok.vocab), block_size=longest + max_new_tokens), device=device)


def template_affixes(prompts: list[str], min_chars: int = 8) -> tuple[str, ...]:
    """The text every prompt starts and ends with (a prompt template such as R1-Zero's), when long enough to
    be worth one token each, as the demo's tokenizer does. Without them a 400-character template costs the
    built-in GPT 400 positions per prompt, and each step several times the demo's time."""
    if len(prompts) < 2:
        return ()
    prefix = _common_prefix(prompts)
    shortest = min(len(p) for p in prompts)
    suffix = _common_prefix([p[::-1] for p in prompts])[::-1]
    suffix = suffix[max(0, len(suffix) - max(0, shortest - len(prefix))):]  # never overlapping the prefix
    # cut back to a word boundary: "What is 1" of "What is 1 + 1" and "What is 12" must not swallow the digit
    prefix = prefix[:next((i + 1 for i in range(len(prefix) - 1, -1, -1) if not prefix[i].isalnum()), 0)]
    suffix = suffix[next((i for i, ch in enumerate(suffix) if not ch.isalnum()), len(suffix)):]
    return tuple(affix for affix in (prefix, suffix) if len(affix) >= min_chars)


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)  # the common prefix of all is that of the extremes in sort order
    n = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:n]


def _cold_start(policy: Any, rows: list[dict[str, Any]], field: str, steps: int, seed: int, progress: bool) -> None:
    from rewardkit.train.demo import cold_start

    usable = [{"prompt": r["prompt"], "solution": str(r[field])} for r in rows if r.get(field) is not None]
    if not usable:
        raise ConfigError(f"no row has the column {field!r}", "--cold-start")
    losses = cold_start(policy, usable, steps, seed=seed, progress=progress)
    print(f"cold start: {steps} steps, loss {losses[0]:.2f} -> {losses[-1]:.2f}")


def _pairs(items: list[str], flag: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"expected KEY=VALUE, got {item!r}", flag)
        out.append((key.strip(), value.strip()))
    return out


def _settings(items: list[str]) -> dict[str, Any]:
    """--set values parsed as JSON where possible (numbers, true/false, null), else kept as strings."""
    settings = {}
    for key, value in _pairs(items, "--set"):
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    return settings
