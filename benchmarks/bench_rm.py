"""Reward-model benchmark: training throughput, scoring throughput at batch 1 vs 64, and whether a frozen
pretrained backbone (all-MiniLM-L6-v2, offline) plus a trained head learns a preference it cannot know by chance.

    HF_HUB_OFFLINE=1 PYTHONPATH=. python benchmarks/bench_rm.py [--device cpu|cuda] [--out FILE] [--peer]

The held-out preference: "The {topic} was {adjective}." with a positive adjective chosen over a negative one;
the test adjectives never occur in training. The tiny backbone trained from scratch on the same pairs is the
control (it can only memorise the training words), the untrained head the chance baseline. Every figure is
measured in this one run; medians over `--repeats` where a timing is repeated. The peer (`--peer`, or
`--peer-only`): TRL's RewardTrainer fine-tuning the same MiniLM on the same pairs, next to rewardkit doing so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

import rewardkit
from rewardkit.rm import synthetic
from rewardkit.rm.config import TrainConfig
from rewardkit.rm.data import parse_pair
from rewardkit.rm.eval import score_pairs, summarize
from rewardkit.rm.model import RewardModel, build_model
from rewardkit.rm.train import train


def pairs(rows):
    return [parse_pair(r) for r in rows]


def accuracy(model: RewardModel, test) -> float:
    return summarize(test, score_pairs(test, model.score))["accuracy"]


def timed_train(rows, out: Path, config: TrainConfig) -> tuple[dict, float]:
    """Train; return (summary, training pairs processed per second end to end: model load, frozen features,
    optimisation, validation and save all inside the timing)."""
    start = time.perf_counter()
    summary = train(rows, out, config)
    seconds = time.perf_counter() - start
    steps_pairs = summary["n_train_pairs"] * len(summary["history"])  # validations happen once per epoch
    return summary, steps_pairs / seconds


def scoring_rates(model_dir: Path, device: str, n: int, repeats: int) -> dict[str, float]:
    """responses/s through the `reward_model` scorer at batch_size 1 and 64 on the same n completions."""
    rows = [{"prompt": f"How was visit number {i}?", "completion": f"<think>recall visit {i}</think><answer>It "
             f"was fine, thanks for asking, and the staff were {'kind' if i % 2 else 'rude'}.</answer>"}
            for i in range(n)]
    rates = {}
    for batch in (1, 64):
        scorer = rewardkit.build({"use": "reward_model", "path": str(model_dir), "region": "answer",
                                  "batch_size": batch, "device": device})
        scorer.score_batch(rows[:8])  # load the model and warm up outside the timing
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            scorer.score_batch(rows)
            times.append(time.perf_counter() - start)
        rates[f"batch{batch}"] = n / statistics.median(times)
    rates["ratio_64_over_1"] = rates["batch64"] / rates["batch1"]
    return rates


def trl_finetune_seconds(rows: list[dict], batch_size: int, val_rows: list[dict] | None = None,
                         trl_defaults: bool = False) -> tuple[float, float]:
    """The peer: TRL's RewardTrainer fine-tuning the same MiniLM (AutoModelForSequenceClassification, one label)
    on the same pairs, one epoch; seconds end to end: tokenizer and model load, tokenisation, training, with
    `val_rows` one evaluation at the end of the epoch (batches of 32 pairs, as rewardkit validates), and
    `save_model` (weights, config, tokenizer), like rewardkit's `train`; (wall, CPU) seconds. By default
    with the same work as rewardkit (fp32, no activation recomputation); `trl_defaults` keeps TRL's own
    defaults (bf16 autocast and gradient checkpointing), slow on a CPU without bf16 units."""
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import RewardConfig, RewardTrainer

    from rewardkit.rm.config import minilm_path

    path = str(minilm_path())
    out = tempfile.mkdtemp(prefix="bench_rm_trl_")
    start, cpu = time.perf_counter(), time.process_time()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.eos_token = tokenizer.sep_token  # TRL appends EOS to each text; BERT has none, [SEP] ends inputs
    evaluation = {"eval_strategy": "epoch", "per_device_eval_batch_size": max(batch_size, 32)} if val_rows else {}
    args = RewardConfig(output_dir=out, per_device_train_batch_size=batch_size,
                        num_train_epochs=1, learning_rate=2e-5, report_to=[], save_strategy="no",
                        logging_steps=10_000, use_cpu=not torch.cuda.is_available(), disable_tqdm=True,
                        **evaluation, **({} if trl_defaults else {"bf16": False, "gradient_checkpointing": False}))
    trainer = RewardTrainer(model=path, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                            eval_dataset=Dataset.from_list(val_rows) if val_rows else None)
    trainer.train()
    trainer.save_model(out)
    return time.perf_counter() - start, time.process_time() - cpu


def rewardkit_finetune_seconds(rows: list[dict], batch_size: int, device: str,
                               val_rows: list[dict] | None = None) -> tuple[float, float]:
    """rewardkit's `train` on the same pairs and steps; seconds end to end: tokenizer and model load,
    tokenisation, training, the reward statistics (with `val_rows`: from the one validation at the end of the
    epoch; without: a pass over the training pairs) and the save (self-contained safetensors, config,
    tokenizer); (wall, CPU) seconds."""
    config = TrainConfig(backbone="minilm", epochs=1, batch_size=batch_size, patience=0, progress=False,
                         val_fraction=0.0, device=device)
    start, cpu = time.perf_counter(), time.process_time()
    train(pairs(rows), Path(tempfile.mkdtemp(prefix="bench_rm_ft_")), config,
          pairs(val_rows) if val_rows else None)
    return time.perf_counter() - start, time.process_time() - cpu


def finetune_vs_trl(device: str, n: int = 80, batch_size: int = 16, repeats: int = 5,
                    trl_defaults: bool = False) -> dict:
    """Full fine-tuning of MiniLM on the same n pairs, one epoch (n / batch_size steps, fp32, same threads):
    rewardkit vs TRL's RewardTrainer, alternated `repeats` times in this process after one untimed warm-up
    run of each side; pairs/s from the median wall and CPU seconds. Both sides time load, tokenisation, training and the
    final save. Two settings: no held-out set (rewardkit's time also holds its reward-statistics pass over the
    training pairs, which TRL does not do) and n // 4 held-out pairs validated once at the end of the epoch by
    both (rewardkit takes its statistics from that validation)."""
    from transformers import AutoModelForSequenceClassification

    from rewardkit.rm.config import minilm_path

    raw = synthetic.sentiment_pairs(n, seed=1)
    held_out = synthetic.sentiment_pairs(max(n // 4, 1), seed=4)
    AutoModelForSequenceClassification.from_pretrained(str(minilm_path()), num_labels=1)
    rewardkit_finetune_seconds(raw[:batch_size], batch_size, device)  # warm-up: imports, file cache, kernels
    trl_finetune_seconds(raw[:batch_size], batch_size)
    result: dict = {"pairs": n, "batch_size": batch_size, "steps": -(-n // batch_size), "repeats": repeats,
                    "held_out_pairs": len(held_out)}
    for setting, val in (("no_validation", None), ("validation", held_out)):
        ours, theirs = [], []
        for _ in range(repeats):
            ours.append(rewardkit_finetune_seconds(raw, batch_size, device, val))
            theirs.append(trl_finetune_seconds(raw, batch_size, val))
        result[setting] = figures(n, ours, theirs)
    if trl_defaults:
        result["trl_defaults_bf16_ckpt_pairs_per_s"] = n / trl_finetune_seconds(raw, batch_size,
                                                                                trl_defaults=True)[0]
    return result


def figures(n: int, ours: list[tuple[float, float]], theirs: list[tuple[float, float]]) -> dict:
    """Pairs/s from the median wall and the median CPU seconds of each side, and the ratios. With one torch
    thread on a shared machine the CPU time is the steadier figure: other jobs stretch the wall time."""
    out: dict = {}
    for kind, column in (("wall", 0), ("cpu", 1)):
        rk = n / statistics.median(t[column] for t in ours)
        peer = n / statistics.median(t[column] for t in theirs)
        out[kind] = {"rewardkit_seconds": [round(t[column], 3) for t in ours],
                     "trl_fp32_seconds": [round(t[column], 3) for t in theirs],
                     "rewardkit_pairs_per_s": round(rk, 2), "trl_fp32_pairs_per_s": round(peer, 2),
                     "ratio_rewardkit_over_trl_fp32": round(rk / peer, 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--train-pairs", type=int, default=200)
    parser.add_argument("--score-n", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--peer", action="store_true", help="also fine-tune MiniLM with rewardkit and with TRL's "
                        "RewardTrainer on the same pairs (slow on a CPU)")
    parser.add_argument("--peer-only", action="store_true", help="only the rewardkit-vs-TRL fine-tuning part")
    parser.add_argument("--peer-pairs", type=int, default=80, help="pairs fine-tuned on by both sides")
    parser.add_argument("--peer-repeats", type=int, default=5, help="alternated timed runs of each side")
    parser.add_argument("--trl-defaults", action="store_true", help="also time TRL with its own defaults (bf16 "
                        "autocast + gradient checkpointing; about a minute and a half on a CPU core)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.peer_only:
        result = {"device": args.device, "torch_threads": torch.get_num_threads(),
                  "minilm_finetune_vs_trl": finetune_vs_trl(args.device, args.peer_pairs, repeats=args.peer_repeats,
                                                            trl_defaults=args.trl_defaults)}
        print(json.dumps(result, indent=2))
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
        return
    work = Path(tempfile.mkdtemp(prefix="bench_rm_"))
    train_rows = pairs(synthetic.sentiment_pairs(args.train_pairs, seed=1))
    test_rows = pairs(synthetic.sentiment_pairs(200, seed=2, vocabulary="test"))
    polite_test = pairs(synthetic.politeness_pairs(200, seed=3, vocabulary="test"))
    results: dict = {"device": args.device, "torch_threads": torch.get_num_threads(),
                     "train_pairs": args.train_pairs}

    untrained = build_model("minilm").to(args.device)
    results["minilm_untrained_head_heldout_accuracy"] = accuracy(untrained, test_rows)
    del untrained
    frozen = TrainConfig(backbone="minilm", freeze_backbone=True, epochs=20, patience=5, progress=False,
                         val_fraction=0.2, device=args.device)
    summary, rate = timed_train(train_rows, work / "minilm_frozen", frozen)
    minilm = RewardModel.load(work / "minilm_frozen", args.device)
    results["minilm_frozen"] = {"train_pairs_per_s": rate, "seconds": summary["seconds"],
                                "val_accuracy": summary["best_val_accuracy"],
                                "heldout_sentiment_accuracy": accuracy(minilm, test_rows)}
    polite_rows = pairs(synthetic.politeness_pairs(args.train_pairs, seed=1))
    train(polite_rows, work / "minilm_polite", frozen)
    results["minilm_frozen"]["heldout_politeness_accuracy"] = accuracy(
        RewardModel.load(work / "minilm_polite", args.device), polite_test)

    tiny_cfg = TrainConfig(epochs=3, progress=False, val_fraction=0.2, device=args.device)
    summary, rate = timed_train(train_rows, work / "tiny", tiny_cfg)
    results["tiny_full"] = {"train_pairs_per_s": rate, "seconds": summary["seconds"],
                            "val_accuracy": summary["best_val_accuracy"],
                            "heldout_sentiment_accuracy": accuracy(RewardModel.load(work / "tiny", args.device),
                                                                   test_rows)}
    results["scoring_minilm"] = scoring_rates(work / "minilm_frozen", args.device, args.score_n, args.repeats)
    results["scoring_tiny"] = scoring_rates(work / "tiny", args.device, args.score_n, args.repeats)
    if args.peer:
        results["minilm_finetune_vs_trl"] = finetune_vs_trl(args.device, args.peer_pairs, repeats=args.peer_repeats,
                                                            trl_defaults=args.trl_defaults)
    print(json.dumps(results, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
