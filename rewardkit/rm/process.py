"""Process reward models: a score for every reasoning step, trained on step-labelled traces.

    rewardkit rm train --process steps.jsonl -o runs/prm [--backbone tiny|DECODER_DIR] [--epochs 20]

Data (PRM800K / Math-Shepherd style), one JSON object per line: `prompt`, `steps` (a list of step texts) and
`labels` (one per step: true/false, 1/0, Math-Shepherd's "+"/"-", or PRM800K ratings where > 0 is good and
-1 / 0 are not). The model reads `prompt [SEP] step 1 [SEP] step 2 [SEP] ...` once, causally (each position sees
only what came before it), and the head reads each step's score at the separator that ends it, so a step is
judged on the prompt and the steps up to it, never on later ones. Loss: binary cross-entropy per step.
A causal backbone is required: the tiny built-in one runs with a causal mask; Hugging Face decoders are causal;
bidirectional encoders (BERT, MiniLM) are refused. The directory format is the reward model's, with
`"process": true` in `rm_config.json`; the `process_reward_model` scorer loads it.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from rewardkit.errors import ConfigError, InputError
from rewardkit.rm.config import TINY, TrainConfig
from rewardkit.rm.model import RewardModel, build_model, default_device


@dataclass(frozen=True, slots=True)
class StepRow:
    prompt: str
    steps: tuple[str, ...]
    labels: tuple[float, ...]


def _label(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if value in ("+", "-"):
        return 1.0 if value == "+" else 0.0
    if isinstance(value, (int, float)) and math.isfinite(value):
        return 1.0 if value > 0 else 0.0
    raise ValueError(f"a label must be true/false, a number or '+'/'-', got {value!r}")


def parse_step_row(row: Any) -> StepRow:
    if not isinstance(row, dict):
        raise ValueError(f"a row must be a JSON object, got {type(row).__name__}")
    steps, labels = row.get("steps"), row.get("labels")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) for s in steps):
        raise ValueError("'steps' must be a non-empty list of texts")
    if not isinstance(labels, list) or len(labels) != len(steps):
        raise ValueError(f"'labels' must be a list with one label per step ({len(steps)})")
    prompt = row.get("prompt", "")
    return StepRow(prompt if isinstance(prompt, str) else str(prompt), tuple(steps), tuple(map(_label, labels)))


def read_step_rows(path: str | Path) -> list[StepRow]:
    """Every row of a step-labelled JSONL file; InputError with file:line on a bad row."""
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append(parse_step_row(json.loads(line)))
            except ValueError as exc:
                raise InputError(f"{source}:{number}: {exc}") from None
    if not rows:
        raise InputError(f"{source} holds no rows")
    return rows


def encode_steps(model: RewardModel, prompts: list[str], steps: list[list[str]]
                 ) -> tuple[dict[str, torch.Tensor], list[list[int]]]:
    """Right-padded batch of `[start] prompt [sep] step [sep] step ...` and, per row, the position of the
    separator ending each step that fits in `max_length` (later steps are cut and get no position)."""
    start, sep, end = model._layout
    sep = sep or end
    budget = model.max_length
    prompt_ids = model.tokenizer.encode_batch([p[-budget * 8:] for p in prompts])
    rows, types, positions = [], [], []
    for p_ids, row_steps in zip(prompt_ids, steps, strict=True):
        ids = start + p_ids[-max(1, budget // 4):] + sep
        kinds, where = [0] * len(ids), []
        for step_ids in model.tokenizer.encode_batch([s[:budget * 8] for s in row_steps]):
            if len(ids) + len(step_ids) + len(sep) > budget:
                break
            ids = ids + step_ids + sep
            kinds += [1] * (len(step_ids) + len(sep))
            where.append(len(ids) - 1)
        rows.append(ids[:budget])
        types.append(kinds[:budget])
        positions.append(where)
    width = max(len(r) for r in rows)
    pad = model.tokenizer.pad_token_id
    device = model.device
    batch = {"input_ids": torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=device),
             "attention_mask": torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], device=device),
             "token_type_ids": torch.tensor([t + [0] * (width - len(t)) for t in types], device=device)}
    return batch, positions


def step_logits(model: RewardModel, prompts: list[str], steps: list[list[str]]) -> list[torch.Tensor]:
    """One logit per step that fits (the log-odds that the step is good), per row."""
    batch, positions = encode_steps(model, prompts, steps)
    hidden = model.backbone(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"], causal=True)
    logits = model.head(hidden.reshape(-1, hidden.shape[-1])).view(hidden.shape[0], hidden.shape[1])  # (B, T)
    return [logits[i, torch.tensor(where, dtype=torch.long, device=logits.device)] for i, where in
            enumerate(positions)]


@torch.inference_mode()
def step_probabilities(model: RewardModel, prompts: list[str], steps: list[list[str]], batch_size: int = 32
                       ) -> list[list[float | None]]:
    """P(step is good) for every step (None for steps cut by `max_length`), in input order."""
    model.eval()
    out: list[list[float | None]] = []
    for lo in range(0, len(prompts), batch_size):
        chunk = steps[lo:lo + batch_size]
        for row, logits in zip(chunk, step_logits(model, prompts[lo:lo + batch_size], chunk), strict=True):
            probs = torch.sigmoid(logits.float()).cpu().tolist()
            out.append([*probs, *[None] * (len(row) - len(probs))])
    return out


def _check_backbone(model: RewardModel) -> None:
    if model.encoder and model.settings["backbone"]["type"] != TINY:
        raise ConfigError("a process reward model needs a causal backbone (tiny or a Hugging Face decoder): an "
                          "encoder would let each step's score see the later steps", "backbone")


def train_process(rows: list[StepRow], out_dir: str | Path, config: TrainConfig | None = None,
                  val_rows: list[StepRow] | None = None) -> dict[str, Any]:
    """Train on step-labelled `rows` (validation: `val_rows`, else a seeded `val_fraction` split), keep the
    weights of the best validation step accuracy, save to `out_dir` and return the summary."""
    config = config or TrainConfig()
    started = time.perf_counter()
    rows = list(rows)
    if val_rows is None:
        order = list(range(len(rows)))
        random.Random(config.seed).shuffle(order)
        n_val = round(len(rows) * config.val_fraction) if len(rows) > 1 else 0
        val_rows, rows = [rows[i] for i in order[:n_val]], [rows[i] for i in order[n_val:]]
    if not rows:
        raise InputError("no training rows left after the validation split")
    model = build_model(config.backbone, "last", config.head, config.head_hidden, config.max_length,  # type: ignore[arg-type]
                        config.seed).to(config.device or default_device())
    _check_backbone(model)
    history, best = _loop(model, rows, val_rows, config)
    model.settings.update(process=True, reward_stats=None)
    summary = {"steps": len(history), "history": history, "best_val_step_accuracy": best,
               "val_majority_baseline": _majority(val_rows), "n_train_rows": len(rows), "n_val_rows": len(val_rows),
               "seconds": round(time.perf_counter() - started, 3), "config": asdict(config)}
    model.settings["training"] = summary
    model.save(out_dir)
    return summary


def _loop(model: RewardModel, rows: list[StepRow], val_rows: list[StepRow], config: TrainConfig
          ) -> tuple[list[dict[str, Any]], float | None]:
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate(), weight_decay=config.weight_decay)
    rng = random.Random(config.seed)
    history, best, best_state, bad = [], -1.0, None, 0
    for epoch in range(config.epochs):
        model.train()
        order = list(range(len(rows)))
        rng.shuffle(order)
        for lo in range(0, len(order), config.batch_size):
            chunk = [rows[i] for i in order[lo:lo + config.batch_size]]
            logits = step_logits(model, [r.prompt for r in chunk], [list(r.steps) for r in chunk])
            target = torch.cat([torch.tensor(r.labels[:len(lg)], device=lg.device) for r, lg in
                                zip(chunk, logits, strict=True)])
            loss = F.binary_cross_entropy_with_logits(torch.cat(logits).float(), target.float())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
        accuracy = step_accuracy(model, val_rows) if val_rows else None
        history.append({"epoch": epoch + 1, "loss": round(loss.item(), 6), "val_step_accuracy": accuracy})
        if accuracy is None:
            continue
        if accuracy > best:
            best, bad = accuracy, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if config.patience and bad >= config.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history, (best if val_rows else None)


def step_accuracy(model: RewardModel, rows: list[StepRow]) -> float:
    """Share of scored steps whose predicted verdict (P > 0.5) matches the label."""
    probs = step_probabilities(model, [r.prompt for r in rows], [list(r.steps) for r in rows])
    hits = [(p > 0.5) == (label > 0.5) for r, row in zip(rows, probs, strict=True)
            for p, label in zip(row, r.labels, strict=True) if p is not None]
    return sum(hits) / len(hits) if hits else float("nan")


def _majority(rows: list[StepRow]) -> float | None:
    labels = [label for r in rows for label in r.labels]
    if not labels:
        return None
    good = sum(label > 0.5 for label in labels) / len(labels)
    return max(good, 1 - good)
