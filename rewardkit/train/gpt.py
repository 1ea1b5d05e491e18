"""A tiny character-level GPT built in (no downloads): the policy of the CPU demo and of tests.

nanoGPT's model, shrunk (2 layers, 4 heads, 64 wide: ~100K parameters) and taught two things a GRPO policy
needs: padding masks (left-padded prompts attend to no pad, positions count real tokens only) and a KV cache
so sampling a completion costs one small forward per token. The tokenizer is characters plus a few
multi-character tokens (the R1 template's fixed text, the think/answer tags), matched longest first, so a
long constant prompt costs a handful of positions.
"""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from rewardkit.train.policy import (
    Rollout,
    completion_mask_after_eos,
    gather_logps,
    left_pad,
    offsets_from_lengths,
    positions_from_mask,
)

PAD, EOS, UNK = "<pad>", "<eos>", "<unk>"


class CharTokenizer:
    """Characters plus multi-character `specials`, greedy longest match. Ids: pad 0, eos 1, unk 2."""

    def __init__(self, chars: str, specials: tuple[str, ...] = ()) -> None:
        # longest first; ties by text, not by set order (which changes with PYTHONHASHSEED from run to run)
        self.specials = tuple(sorted(set(specials), key=lambda s: (-len(s), s)))
        self.vocab = [PAD, EOS, UNK, *self.specials, *sorted(set(chars) - {""})]
        self.index = {tok: i for i, tok in enumerate(self.vocab)}
        self.pad_id, self.eos_id, self.unk_id = 0, 1, 2

    def encode(self, text: str) -> list[int]:
        ids, i = [], 0
        while i < len(text):
            special = next((s for s in self.specials if text.startswith(s, i)), None)
            token = special or text[i]
            ids.append(self.index.get(token, self.unk_id))
            i += len(token)
        return ids

    def decode(self, ids: list[int]) -> str:
        return "".join(self.vocab[i] for i in ids if i not in (self.pad_id, self.eos_id))

    def to_dict(self) -> dict:
        return {"chars": "".join(t for t in self.vocab[3:] if t not in self.specials), "specials": self.specials}


@dataclass
class GPTConfig:
    vocab_size: int
    block_size: int = 96  # longest prompt + completion, in tokens
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64


class SelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, cache: list | None) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))  # (B, H, T, D)
        if cache is not None:  # cache = [k, v] of earlier positions, extended in place
            if cache:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[:] = [k, v]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed.unsqueeze(1))  # (B, H, T, D)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.n_embd), nn.LayerNorm(cfg.n_embd)
        self.attn = SelfAttention(cfg)
        width = 4 * cfg.n_embd
        self.mlp = nn.Sequential(nn.Linear(cfg.n_embd, width), nn.GELU(), nn.Linear(width, cfg.n_embd))

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, cache: list | None) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), allowed, cache)
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.head.weight = self.wte.weight  # weight tying, as in nanoGPT
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * cfg.n_layer) if name.endswith(("proj.weight", "mlp.2.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, caches: list[list] | None = None) -> torch.Tensor:
        """Logits (B, T, V) for the last T tokens `ids`; `mask` (B, S) covers every position so far (S >= T).
        A query sees keys that are real, not in its future, and itself (so pad rows stay finite)."""
        T, S = ids.shape[1], mask.shape[1]
        pos = positions_from_mask(mask)[:, S - T:].clamp(max=self.cfg.block_size - 1)
        x = self.wte(ids) + self.wpe(pos)
        key_ok = mask.bool().unsqueeze(1)  # (B, 1, S)
        q_at = torch.arange(S - T, S, device=ids.device).unsqueeze(1)  # (T, 1) absolute index of each query
        k_at = torch.arange(S, device=ids.device).unsqueeze(0)  # (1, S)
        allowed = (key_ok & (k_at <= q_at)) | (k_at == q_at)  # (B, T, S)
        for i, block in enumerate(self.blocks):
            x = block(x, allowed, None if caches is None else caches[i])
        return self.head(self.ln_f(x))


class GPTPolicy(nn.Module):
    """The tiny GPT and its tokenizer as a Policy (see rewardkit.train.policy)."""

    cpu_threads = 1  # torch threads while training on the CPU (`policy_threads`): one is fastest at this size

    def __init__(self, tokenizer: CharTokenizer, cfg: GPTConfig | None = None, device: str | None = None) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        self.model = GPT(cfg or GPTConfig(vocab_size=len(tokenizer.vocab)))
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.to(self.device)

    def spec(self) -> dict:
        """What it takes to rebuild this policy (saved in checkpoints)."""
        return {"kind": "gpt", "tokenizer": self.tokenizer.to_dict(), "config": asdict(self.model.cfg)}

    def encode_prompts(self, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        return left_pad([self.tokenizer.encode(p) for p in prompts], self.tokenizer.pad_id, self.device)

    @torch.no_grad()
    def generate(self, prompts: list[str], max_new_tokens: int, temperature: float) -> Rollout:
        ids, mask = self.encode_prompts(prompts)  # (B, P)
        caches: list[list] = [[] for _ in self.model.blocks]
        full_mask, step_ids, out = mask, ids, []
        done = torch.zeros(len(prompts), dtype=torch.bool, device=self.device)
        for _ in range(max_new_tokens):
            logits = self.model(step_ids, full_mask, caches)[:, -1] / max(temperature, 1e-6)  # (B, V)
            nxt = torch.multinomial(F.softmax(logits.float(), -1), 1).squeeze(-1)  # (B,)
            nxt = torch.where(done, torch.full_like(nxt, self.tokenizer.pad_id), nxt)
            out.append(nxt)
            done |= nxt == self.tokenizer.eos_id
            if bool(done.all()):
                break
            step_ids = nxt.unsqueeze(1)
            full_mask = torch.cat([full_mask, torch.ones_like(step_ids)], 1)
        completion = torch.stack(out, 1)  # (B, C)
        cmask, truncated = completion_mask_after_eos(completion, self.tokenizer.eos_id)
        texts = [self.tokenizer.decode(row.tolist()) for row in completion * cmask]
        return Rollout(ids, mask, completion, cmask, truncated, texts)

    def token_logps(self, rollout: Rollout, temperature: float) -> torch.Tensor:
        ids = torch.cat([rollout.prompt_ids, rollout.completion_ids], 1)  # (B, P+C)
        mask = torch.cat([rollout.prompt_mask, rollout.completion_mask], 1)
        logits = self.model(ids, mask)[:, rollout.prompt_ids.shape[1] - 1:-1]  # (B, C, V): next-token predictions
        return gather_logps(logits, rollout.completion_ids, temperature)

    def completion_offsets(self, rollout: Rollout) -> list[list[tuple[int, int]]]:
        skip = (self.tokenizer.pad_id, self.tokenizer.eos_id)
        return [offsets_from_lengths([0 if i in skip or not keep else len(self.tokenizer.vocab[i])
                                      for i, keep in zip(ids, keeps, strict=True)])
                for ids, keeps in zip(rollout.completion_ids.tolist(), rollout.completion_mask.tolist(), strict=True)]

    def sft_loss(self, prompts: list[str], completions: list[str]) -> torch.Tensor:
        """Cross-entropy of `completions` (plus EOS) given `prompts`: the supervised cold start."""
        comp = [[*self.tokenizer.encode(c), self.tokenizer.eos_id] for c in completions]
        ids, mask = self.encode_prompts(prompts)
        width = max(len(c) for c in comp)
        cids = torch.tensor([c + [self.tokenizer.pad_id] * (width - len(c)) for c in comp], device=self.device)
        cmask = (torch.arange(width, device=self.device) < torch.tensor([len(c) for c in comp],
                                                                        device=self.device).unsqueeze(1)).long()
        rollout = Rollout(ids, mask, cids, cmask, torch.zeros(len(comp), dtype=torch.bool), [])
        logps = self.token_logps(rollout, 1.0)
        return -(logps * cmask).sum() / cmask.sum()

    def reference(self) -> GPTPolicy:
        ref = copy.deepcopy(self)
        ref.requires_grad_(False)
        return ref.eval()
