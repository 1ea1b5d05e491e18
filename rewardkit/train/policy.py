"""What the GRPO loop needs from a language model: the Policy protocol and the Rollout it produces.

A policy samples completions for a batch of text prompts and scores its own tokens (per-token log-probs).
Prompts are LEFT-padded and completions RIGHT-padded; both carry masks. The masks are not optional: a model
that attends to left padding, or counts positions from the pad, sees how long the prompt was and leaks
information the task did not give it (the pitfall measured in DESIGN.md). `positions_from_mask` gives every
real token the position it would have without padding, in generation and in the loss alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import torch
import torch.nn.functional as F


@dataclass
class Rollout:
    """A batch of sampled completions, B rows. Tensors live on the policy's device."""

    prompt_ids: torch.Tensor  # (B, P) left-padded
    prompt_mask: torch.Tensor  # (B, P) 1 = real token
    completion_ids: torch.Tensor  # (B, C) right-padded
    completion_mask: torch.Tensor  # (B, C) 1 up to and including the end-of-sequence token
    truncated: torch.Tensor  # (B,) bool: stopped by max_new_tokens before an end-of-sequence token
    texts: list[str]  # decoded completions, without the end-of-sequence token

    def __len__(self) -> int:
        return len(self.texts)


@runtime_checkable
class Policy(Protocol):
    """A trainable language model as the GRPO loop sees it."""

    device: torch.device

    def parameters(self) -> Iterator[torch.nn.Parameter]: ...

    def generate(self, prompts: list[str], max_new_tokens: int, temperature: float) -> Rollout:
        """Sample one completion per prompt (no gradients). Repeat a prompt G times to get a group."""

    def token_logps(self, rollout: Rollout, temperature: float) -> torch.Tensor:
        """(B, C) log-probabilities of the completion tokens under the current weights, logits divided by
        `temperature` as when sampling (so the ratio to the sampling policy is 1 before any update)."""

    def reference(self) -> Policy:
        """A frozen copy of the current weights (the KL reference)."""

    def completion_offsets(self, rollout: Rollout) -> list[list[tuple[int, int]]]:
        """Per row, the character span in `rollout.texts[i]` of each completion token (padding and the
        end-of-sequence token span nothing): how step rewards find their tokens (`advantage: process`)."""

    def train(self, mode: bool = True) -> object: ...

    def state_dict(self) -> dict: ...

    def load_state_dict(self, state: dict) -> object: ...


@contextmanager
def policy_threads(policy: object) -> Iterator[None]:
    """Run torch on `policy.cpu_threads` threads while the block runs (restored after), when the policy asks
    for it and runs on the CPU. The built-in GPT asks for one: a ~100K-parameter model gains nothing from more,
    and on shared cores OpenMP's spinning threads made it several times slower."""
    threads = getattr(policy, "cpu_threads", None)
    device = getattr(policy, "device", None)
    if threads is None or device is None or torch.device(device).type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def offsets_from_lengths(lengths: list[int]) -> list[tuple[int, int]]:
    """Character span of each token in the decoded text, from the length each token adds to it."""
    out, at = [], 0
    for n in lengths:
        out.append((at, at + n))
        at += n
    return out


def positions_from_mask(mask: torch.Tensor) -> torch.Tensor:
    """(B, T) position of each token counted over real tokens only; padding gets position 0."""
    return (mask.long().cumsum(-1) - 1).clamp(min=0)


def completion_mask_after_eos(ids: torch.Tensor, eos_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask (B, C) that keeps tokens up to and including the first EOS, and the (B,) truncated flags."""
    is_eos = ids == eos_id
    seen_before = (is_eos.long().cumsum(-1) - is_eos.long()) > 0  # an EOS strictly earlier in the row
    mask = (~seen_before).long()
    return mask, ~is_eos.any(-1)


def gather_logps(logits: torch.Tensor, ids: torch.Tensor, temperature: float) -> torch.Tensor:
    """log p(ids) from logits (B, C, V) scaled by 1/temperature; (B, C). Uses log_softmax once per row so
    memory stays O(B*C*V) without a second copy of the vocabulary dimension."""
    logits = logits.float() / temperature
    return torch.gather(F.log_softmax(logits, dim=-1), -1, ids.unsqueeze(-1)).squeeze(-1)


def left_pad(rows: list[list[int]], pad_id: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-pad token lists into ids (B, P) and mask (B, P)."""
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        if row:
            ids[i, width - len(row):] = torch.tensor(row, dtype=torch.long)
            mask[i, width - len(row):] = 1
    return ids.to(device), mask.to(device)
