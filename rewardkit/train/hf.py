"""Any Hugging Face causal LM and its tokenizer as a GRPO Policy (extra `hf`: transformers, loaded lazily).

    from rewardkit.train.hf import HFPolicy
    policy = HFPolicy.from_pretrained("path/to/model")         # or HFPolicy(model, tokenizer)

Prompts are left-padded with an attention mask, positions are counted over real tokens (the same position
ids in `generate` and in the loss), and log-probs use logits / temperature, as TRL computes them. Chat
prompts (lists of messages) go through the tokenizer's chat template with the generation prompt added.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from rewardkit.errors import ConfigError
from rewardkit.train.policy import (
    Rollout,
    completion_mask_after_eos,
    gather_logps,
    left_pad,
    positions_from_mask,
)


class HFPolicy:
    """Wraps `model` (a transformers causal LM) and `tokenizer`; `device` defaults to CUDA when present."""

    def __init__(self, model: Any, tokenizer: Any, device: str | None = None) -> None:
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model = model.to(self.device)
        self.tokenizer = tokenizer
        eos = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else model.config.eos_token_id
        if isinstance(eos, list):
            eos = eos[0]
        if eos is None:
            raise ConfigError("the tokenizer has no eos_token_id; completions could never end", "tokenizer")
        self.eos_id = int(eos)
        self.pad_id = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.eos_id)

    @classmethod
    def from_pretrained(cls, name_or_path: str, device: str | None = None, **kwargs: Any) -> HFPolicy:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        model = AutoModelForCausalLM.from_pretrained(name_or_path, **kwargs)
        return cls(model, tokenizer, device)

    def export(self, directory: str | Path) -> Path:
        """Write the model and tokenizer with `save_pretrained`: `AutoModelForCausalLM.from_pretrained(directory)`
        and `AutoTokenizer.from_pretrained(directory)` load them."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path)
        self.tokenizer.save_pretrained(path)
        return path

    def spec(self) -> dict:
        return {"kind": "hf", "name_or_path": getattr(self.model.config, "_name_or_path", "")}

    def parameters(self) -> Iterator[torch.nn.Parameter]:
        return self.model.parameters()

    def train(self, mode: bool = True) -> HFPolicy:
        self.model.train(mode)
        return self

    def state_dict(self) -> dict:
        return self.model.state_dict()

    def load_state_dict(self, state: dict) -> Any:
        return self.model.load_state_dict(state)

    def reference(self) -> HFPolicy:
        ref = copy.copy(self)
        ref.model = copy.deepcopy(self.model).eval().requires_grad_(False)
        return ref

    def _encode(self, prompt: Any) -> list[int]:
        if isinstance(prompt, list):  # chat messages
            return list(self.tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True,
                                                           return_dict=False))
        return list(self.tokenizer(prompt, add_special_tokens=False)["input_ids"])

    @torch.no_grad()
    def generate(self, prompts: list[Any], max_new_tokens: int, temperature: float) -> Rollout:
        ids, mask = left_pad([self._encode(p) for p in prompts], self.pad_id, self.device)  # (B, P)
        out = self.model.generate(
            input_ids=ids, attention_mask=mask, do_sample=True, temperature=temperature, top_k=0, top_p=1.0,
            max_new_tokens=max_new_tokens, pad_token_id=self.pad_id, eos_token_id=self.eos_id)
        completion = out[:, ids.shape[1]:]  # (B, C)
        cmask, truncated = completion_mask_after_eos(completion, self.eos_id)
        texts = self.tokenizer.batch_decode((completion * cmask + self.pad_id * (1 - cmask)).tolist(),
                                            skip_special_tokens=True)
        return Rollout(ids, mask, completion, cmask, truncated, texts)

    def completion_offsets(self, rollout: Rollout) -> list[list[tuple[int, int]]]:
        """Spans between decoded prefix lengths, token by token (the sampled ids, not a re-tokenisation of
        the text, which could split differently); O(C^2) decoding, small next to generation."""
        out = []
        for ids, keeps in zip(rollout.completion_ids.tolist(), rollout.completion_mask.tolist(), strict=True):
            kept = [i for i, keep in zip(ids, keeps, strict=True) if keep]
            prefix = [len(self.tokenizer.decode(kept[:k], skip_special_tokens=True)) for k in range(len(kept) + 1)]
            spans = [(min(a, b), b) for a, b in itertools.pairwise(prefix)]
            out.append(spans + [(prefix[-1], prefix[-1])] * (len(ids) - len(kept)))
        return out

    def token_logps(self, rollout: Rollout, temperature: float) -> torch.Tensor:
        ids = torch.cat([rollout.prompt_ids, rollout.completion_ids], 1)  # (B, P+C)
        mask = torch.cat([rollout.prompt_mask, rollout.completion_mask], 1)
        C = rollout.completion_ids.shape[1]
        logits = self.model(input_ids=ids, attention_mask=mask, position_ids=positions_from_mask(mask),
                            logits_to_keep=C + 1).logits[:, :-1]  # (B, C, V) predicts each completion token
        return gather_logps(logits, rollout.completion_ids, temperature)


def char_tokenizer(chars: str, specials: tuple[str, ...] = ()) -> Any:
    """A character-level Hugging Face tokenizer built locally (no download): one token per character of
    `chars`, plus `specials` kept whole, and <pad>, <eos>, <unk>. For tiny randomly initialised models in
    tests and benchmarks."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(["<pad>", "<eos>", "<unk>", *specials, *sorted(set(chars))])}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    backend.decoder = decoders.Fuse()  # characters join without the spaces WordLevel would put between them
    if specials:
        backend.add_special_tokens(list(specials))
    return PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>", eos_token="<eos>",
                                   unk_token="<unk>")
