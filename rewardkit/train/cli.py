"""`rewardkit train`: GRPO from the command line.

    rewardkit train demo [--steps N] [--seed S] [--output-dir DIR]        # the R1 pipeline in miniature
    rewardkit train --recipe R --data D.jsonl --policy gpt|MODEL_DIR [--set beta=0.04 ...] [--resume]

Each run writes DIR/metrics.jsonl (one JSON object per step), DIR/rewards.png and DIR/checkpoint.pt.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rewardkit.errors import ConfigError, InputError


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
    parser.set_defaults(func=_run_train)
    sub = parser.add_subparsers(dest="train_command", metavar="{demo}")
    demo = sub.add_parser("demo", help="arithmetic with operator precedence: cold start, GRPO, rejection sampling")
    _common(demo, default_steps=120, default_dir="runs/demo")
    demo.add_argument("--cold-start-steps", type=int, default=150)
    demo.add_argument("--resume", action="store_true", help="continue from DIR/checkpoint.pt (skips cold start)")
    demo.set_defaults(func=_run_demo)


def _common(parser: argparse.ArgumentParser, default_steps: int, default_dir: str) -> None:
    parser.add_argument("--steps", type=int, default=default_steps, help="GRPO steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", "-o", default=default_dir)
    parser.add_argument("--device", help="cpu, cuda, ... (default: cuda when present)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _run_demo(args: argparse.Namespace) -> int:
    import torch

    from rewardkit.train.demo import run_demo

    if args.steps < 1:
        raise ConfigError("must be >= 1", "--steps")
    # A ~100K-parameter model gains nothing from more threads, and on shared cores OpenMP's spinning threads
    # made it ~10x slower in our measurements.
    torch.set_num_threads(1)
    run_demo(steps=args.steps, seed=args.seed, output_dir=args.output_dir, progress=not args.no_progress,
             cold_start_steps=args.cold_start_steps, device=args.device, resume=args.resume)
    return 0


def _run_train(args: argparse.Namespace) -> int:
    if not args.recipe or not args.data:
        raise ConfigError("give --recipe and --data (or run `rewardkit train demo`)", "train")
    from rewardkit.recipe import build
    from rewardkit.train.grpo import CHECKPOINT, GRPOConfig, train

    reward = build(args.recipe)
    rows = read_rows(args.data, dict(_pairs(args.map, "--map")))
    cfg = GRPOConfig.from_dict({"steps": args.steps, "seed": args.seed, "learning_rate": 1e-3
                                if args.policy == "gpt" else 1e-6, **_settings(args.set)})
    out = Path(args.output_dir)
    checkpoint = out / CHECKPOINT if args.resume and (out / CHECKPOINT).exists() else None
    policy = make_policy(args.policy, rows, args.device, checkpoint, cfg.max_new_tokens)
    if args.cold_start and checkpoint is None:
        _cold_start(policy, rows, args.cold_start, args.cold_start_steps, args.seed)
    history = train(policy, reward, rows, cfg, output_dir=out, resume=args.resume, progress=not args.no_progress)
    last = history[-1] if history else {}
    print(f"trained {len(history)} steps; last reward {last.get('reward')}; outputs in {out}")
    return 0


def read_rows(path: str, mapping: dict[str, str], required: tuple[str, ...] = ("prompt",)) -> list[dict[str, Any]]:
    """Rows from JSONL (training rows by default); `mapping` renames columns to canonical names
    (answer=solution); every row must have the `required` fields."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"data file not found: {file}")
    rows = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{file}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{file}:{number}: a row must be a JSON object")
        row = {**row, **{canon: row[src] for canon, src in mapping.items() if src in row}}
        for key in required:
            if key not in row:
                raise InputError(f"{file}:{number}: no '{key}' field (use --map {key}=FIELD)")
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
    tok = CharTokenizer(text + "0123456789", TAGS)
    longest = max(len(tok.encode(str(r["prompt"]))) for r in rows)  # positions must cover prompt + completion
    return GPTPolicy(tok, GPTConfig(len(tok.vocab), block_size=longest + max_new_tokens), device=device)


def _cold_start(policy: Any, rows: list[dict[str, Any]], field: str, steps: int, seed: int) -> None:
    from rewardkit.train.demo import cold_start

    usable = [{"prompt": r["prompt"], "solution": str(r[field])} for r in rows if r.get(field) is not None]
    if not usable:
        raise ConfigError(f"no row has the column {field!r}", "--cold-start")
    losses = cold_start(policy, usable, steps, seed=seed)
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
