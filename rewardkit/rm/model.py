"""A reward model: backbone + pooling + scalar head, with prompt and response fed together.

Input layout (so the reward depends on the prompt):
- encoders: `[CLS] prompt [SEP] response [SEP]`, token types 0 for the prompt part and 1 for the response;
- decoders: `[BOS] prompt "\\n\\n" response [EOS]` (BOS / EOS when the tokenizer has them).
Texts are read through the shared normaliser (`model_text`: invisible characters out, NFKC, look-alikes
folded). Truncation to `max_length` keeps the *end* of the prompt (the question sits there) and the *start* of
the response (`overlong: head`), or the start and the end of the response (`head_tail`); the prompt keeps at
least a quarter of the budget when it is that long. `fits` says whether a response is truncated.
Pooling: `last` (the last non-pad token: decoders, whose last position has seen everything), `mean` over
non-pad tokens (encoders, the default) or `cls` (the first token).

Saved as a directory: `rm_config.json` (this module's settings, the backbone description and the reward
statistics measured on the validation split), `model.safetensors` (every weight, backbone included, so the
directory is self-contained) and, for Hugging Face backbones, `backbone/` with its config and tokenizer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from rewardkit.errors import ConfigError
from rewardkit.normalize import canonical
from rewardkit.rm import backbone as bb
from rewardkit.rm.config import CONFIG_FILE, FORMAT, TINY, WEIGHTS_FILE, read_config, resolve_source

Pooling = Literal["last", "mean", "cls"]
Overlong = Literal["head", "head_tail"]
HeadKind = Literal["linear", "mlp"]
_CHARS_PER_TOKEN = 8  # texts are cut to this many characters per token slot before tokenizing: bounded work


def pool(hidden: torch.Tensor, mask: torch.Tensor, how: str) -> torch.Tensor:
    """(B, T, H) hidden states and (B, T) mask -> (B, H)."""
    if how == "cls":
        return hidden[:, 0]
    if how == "last":
        steps = torch.arange(mask.shape[1], device=mask.device)
        last = (mask * steps).argmax(dim=1)  # last position whose mask is 1, for left or right padding
        return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class RowLinear(nn.Linear):
    """nn.Linear computed row by row (broadcast multiply, then sum). A matrix product takes another kernel
    for one row than for several, which changes the last bits of a reward with the batch size; this way a
    response scores bit-identically alone or in a batch. The head is small, so the cost does not show."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x.unsqueeze(-2) * self.weight).sum(dim=-1) + self.bias  # (B, 1, H) * (O, H) -> (B, O)


def make_head(hidden_size: int, kind: str, hidden: int) -> nn.Module:
    if kind == "linear":
        return RowLinear(hidden_size, 1)
    return nn.Sequential(RowLinear(hidden_size, hidden), nn.GELU(), RowLinear(hidden, 1))


def fit(prompt: list[int], response: list[int], budget: int, overlong: Overlong = "head"
        ) -> tuple[list[int], list[int]]:
    """Truncate to `budget` tokens: the prompt keeps its tail, the response its head, or with `head_tail` its
    first and last halves of the room (so an ending past the window is still seen; see module doc)."""
    budget = max(budget, 1)
    prompt_floor = min(len(prompt), budget // 4)
    room = budget - prompt_floor
    if len(response) > room:
        head = room if overlong == "head" else (room + 1) // 2
        response = response[:head] + (response[len(response) - (room - head):] if room > head else [])
    keep = min(len(prompt), budget - len(response))
    return prompt[len(prompt) - keep:], response


def response_room(prompt_tokens: int, budget: int) -> int:
    """How many response tokens `fit` keeps at most next to a prompt of `prompt_tokens` tokens."""
    return max(budget, 1) - min(prompt_tokens, max(budget, 1) // 4)


def model_text(text: str) -> str:
    """What the model reads: the shared normaliser's canonical form (invisible characters removed, NFKC,
    Latin look-alikes folded), in training and in scoring alike, so `ѕtuріd` in Cyrillic reads as `stupid`."""
    return canonical(text)


class RewardModel(nn.Module):
    """Scores (prompt, response) pairs with one scalar each. `settings` is what `rm_config.json` stores."""

    def __init__(self, backbone: nn.Module, tokenizer: Any, settings: dict[str, Any]) -> None:
        super().__init__()
        self.backbone = backbone
        self.tokenizer = tokenizer
        self.settings = settings
        head = settings["head"]
        self.head = make_head(backbone.hidden_size, head["type"], head["hidden"])
        self._layout = self._special_layout()

    @property
    def encoder(self) -> bool:
        return bool(self.settings["backbone"]["encoder"])

    @property
    def max_length(self) -> int:
        return int(self.settings["max_length"])

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def _special_layout(self) -> tuple[list[int], list[int], list[int]]:
        """Token ids placed before the prompt, between prompt and response, and after the response."""
        tok = self.tokenizer
        if self.encoder:
            start = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
            sep = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
            return ([start] if start is not None else []), ([sep] if sep is not None else []), \
                ([sep] if sep is not None else [])
        # a blank line between prompt and response, or the tokenizer's separator when it drops whitespace
        sep_ids = tok.text_ids("\n\n") if isinstance(tok, bb.HFTokenizer) else []
        if not sep_ids:
            fallback = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
            sep_ids = [fallback] if fallback is not None else []
        start = [tok.bos_token_id] if tok.bos_token_id is not None else []
        end = [tok.eos_token_id] if tok.eos_token_id is not None else []
        return start, sep_ids, end

    def _token_ids(self, prompts: list[str], responses: list[str]) -> tuple[list[list[int]], list[list[int]]]:
        """Token ids of the normalised texts, cut first to a bounded number of characters (the response keeps
        its head and its tail, so either truncation policy can be applied afterwards)."""
        cut = self.max_length * _CHARS_PER_TOKEN
        prompts = [model_text(p[-4 * cut:])[-cut:] for p in prompts]
        responses = [r if len(r) <= 2 * cut else r[:cut] + r[-cut:] for r in (model_text(r) for r in responses)]
        return self.tokenizer.encode_batch(prompts), self.tokenizer.encode_batch(responses)

    @property
    def budget(self) -> int:
        """Tokens left for prompt and response once the special tokens are placed."""
        start, sep, end = self._layout
        return self.max_length - len(start) - len(sep) - len(end)

    def fits(self, prompts: list[str], responses: list[str]) -> list[tuple[int, int]]:
        """(response tokens, response tokens the window holds) per pair: the first above the second means the
        response is truncated. Responses longer than the character pre-cut count as at least that long."""
        prompt_ids, response_ids = self._token_ids(prompts, responses)
        cut = self.max_length * _CHARS_PER_TOKEN
        return [(max(len(r), self.max_length + 1) if len(text) > 2 * cut else len(r),
                 response_room(len(p), self.budget))
                for p, r, text in zip(prompt_ids, response_ids, responses, strict=True)]

    def encode(self, prompts: list[str], responses: list[str], overlong: Overlong = "head"
               ) -> dict[str, torch.Tensor]:
        """Token ids, attention mask and token types, right-padded: each (B, T)."""
        prompt_ids, response_ids = self._token_ids(prompts, responses)
        start, sep, end = self._layout
        budget = self.budget
        rows, types = [], []
        for p, r in zip(prompt_ids, response_ids, strict=True):
            p, r = fit(p, r, budget, overlong)
            first = start + p + sep
            rows.append(first + r + end)
            types.append([0] * len(first) + [1] * (len(r) + len(end)))
        width = max((len(row) for row in rows), default=1)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([row + [pad] * (width - len(row)) for row in rows], dtype=torch.long)
        mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows], dtype=torch.long)
        token_types = torch.tensor([t + [0] * (width - len(t)) for t in types], dtype=torch.long)
        device = self.device
        return {"input_ids": ids.to(device), "attention_mask": mask.to(device),
                "token_type_ids": token_types.to(device)}

    def features(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Pooled backbone output (B, H): what the head sees."""
        hidden = self.backbone(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        return pool(hidden, batch["attention_mask"], self.settings["pooling"])

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.head(self.features(batch)).squeeze(-1)  # (B,)

    @torch.inference_mode()
    def score(self, prompts: list[str], responses: list[str], batch_size: int = 32, overlong: Overlong = "head"
              ) -> list[float]:
        """Raw rewards in input order. Each distinct (prompt, response) is computed once (GRPO groups repeat
        completions; repeats then also score bit-identically), in batches of similar length (less padding)."""
        was_training = self.training
        self.eval()
        distinct = list(dict.fromkeys(zip(prompts, responses, strict=True)))
        distinct.sort(key=lambda pair: len(pair[0]) + len(pair[1]))
        found: dict[tuple[str, str], float] = {}
        for start in range(0, len(distinct), batch_size):
            chunk = distinct[start:start + batch_size]
            rewards = self(self.encode([p for p, _ in chunk], [r for _, r in chunk], overlong))
            found.update(zip(chunk, (float(v) for v in rewards.float().cpu().tolist()), strict=True))
        self.train(was_training)
        return [found[pair] for pair in zip(prompts, responses, strict=True)]

    def freeze_backbone(self) -> None:
        for param in self.backbone.parameters():
            param.requires_grad_(False)

    def save(self, directory: str | Path) -> Path:
        """Write the model directory (see module doc); returns it."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        if isinstance(self.backbone, bb.HFBackbone):
            bb.save_hf(self.backbone, self.tokenizer, out / "backbone")
        state = {k: v.detach().contiguous().cpu() for k, v in self.state_dict().items()}
        save_file(state, str(out / WEIGHTS_FILE), metadata={"format": FORMAT})
        (out / CONFIG_FILE).write_text(json.dumps(self.settings, indent=2) + "\n")
        return out

    @classmethod
    def load(cls, directory: str | Path, device: str | torch.device | None = None) -> RewardModel:
        """The model saved in `directory`, in eval mode; scores equal the saved model's."""
        root = Path(directory)
        settings = read_config(root)
        if settings["backbone"]["type"] == TINY:
            backbone, tokenizer = bb.TinyEncoder(bb.TinyConfig(**settings["backbone"]["config"])), bb.ByteTokenizer()
        else:
            backbone, tokenizer = bb.load_hf(root / "backbone", pretrained=False)
        model = cls(backbone, tokenizer, settings)
        model.load_state_dict(load_file(str(root / WEIGHTS_FILE)))
        return model.to(device or default_device()).eval()


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def build_model(backbone: str = TINY, pooling: Pooling | None = None, head: HeadKind = "linear",
                head_hidden: int = 256, max_length: int | None = None, seed: int = 0) -> RewardModel:
    """A fresh reward model: `backbone` is `tiny`, `minilm` or a local Hugging Face model directory.
    The head (and a tiny backbone) start from `seed`; pooling defaults to `last` for decoders, `mean` else."""
    torch.manual_seed(seed)
    if backbone == TINY:
        cfg = bb.tiny_config()
        model_bb: nn.Module = bb.TinyEncoder(bb.TinyConfig(**cfg))
        tokenizer: Any = bb.ByteTokenizer()
        description = {"type": TINY, "encoder": True, "config": cfg}
        limit, default_length = bb.TinyConfig.max_positions, 256  # bytes: 256 covers a short reply
    else:
        source = resolve_source(backbone)
        model_bb, tokenizer = bb.load_hf(source)
        description = {"type": "hf", "encoder": model_bb.encoder, "source": backbone,
                       "model_type": model_bb.model.config.model_type}
        limit = int(getattr(model_bb.model.config, "max_position_embeddings", 512) or 512)
        default_length = min(limit, 512)
    if max_length is not None and not 8 <= max_length <= limit:
        raise ConfigError(f"must be between 8 and {limit} for this backbone (got {max_length})", "max_length")
    settings = {"format": FORMAT, "version": 1, "backbone": description,
                "pooling": pooling or ("mean" if description["encoder"] else "last"),
                "head": {"type": head, "hidden": head_hidden},
                "max_length": max_length or default_length, "reward_stats": None, "training": None}
    torch.manual_seed(seed)  # the head starts the same whatever the backbone's loading consumed
    return RewardModel(model_bb, tokenizer, settings)
