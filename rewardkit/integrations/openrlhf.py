"""OpenRLHF's remote reward-model protocol, as `rewardkit serve` answers it on `POST /get_reward`.

OpenRLHF (`--remote_rm_url http://HOST:PORT/get_reward`) POSTs `{"query": [...], "prompts": [...],
"labels": [...], "metas"?: [...]}` and expects `{"rewards": [...], "scores": [...], "extra_logs": {...}}`.
Each `query` is prompt + response decoded with special tokens; the response is cut out of it here
(`split_response`), every query becomes a row for the recipe (`openrlhf_rows`), and the scores become the reply
(`openrlhf_response`). OpenRLHF cannot skip a sample, so a None reward becomes the server's `none_reward`, flagged
0 in `extra_logs.rewardkit_scored`; an `infra_error` is refused with 503 (OpenRLHF retries) rather than sent as 0.
The transport (FastAPI, limits, the scoring pool) is rewardkit.server's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from rewardkit.core import Status
from rewardkit.errors import RequestError
from rewardkit.normalize import DEFAULT_EOS, strip_eos


class OpenRLHFRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None
    metas: list[dict[str, Any] | None] | None = None


def split_response(query: str, prompt: str | None, eos_tokens: Sequence[str] = DEFAULT_EOS) -> str | None:
    """The response inside an OpenRLHF `query` (prompt + response as decoded text), or None when the prompt is
    not in it. The text after the first occurrence of the prompt is kept (BOS or padding markers may precede
    it; a response that echoes the prompt must not lose what it wrote before the echo), then
    trailing end-of-sequence / padding markers and whitespace are removed."""
    if prompt:
        at = query.find(prompt)
        if at < 0:
            return None
        query = query[at + len(prompt):]
    return strip_eos(query, eos_tokens)


def openrlhf_rows(req: OpenRLHFRequest, eos_tokens: Sequence[str]) -> list[dict[str, Any] | None]:
    """One row per query (None when the response cannot be cut out of the query)."""
    n = len(req.query)
    for name in ("prompts", "labels", "metas"):
        values = getattr(req, name)
        if values is not None and len(values) != n:
            raise RequestError(422, f"'{name}' has {len(values)} items but 'query' has {n}")
    rows: list[dict[str, Any] | None] = []
    for i, query in enumerate(req.query):
        prompt = req.prompts[i] if req.prompts is not None else None
        response = split_response(query, prompt, eos_tokens)
        if response is None:
            rows.append(None)
            continue
        row = dict(req.metas[i] or {}) if req.metas is not None else {}
        row["completion"] = response
        if req.prompts is not None:  # absent lists leave a prompt or answer given in `metas` in place
            row["prompt"] = prompt
        if req.labels is not None:
            row["answer"] = req.labels[i]
        rows.append(row)
    return rows


def openrlhf_response(scores: list[dict[str, Any] | None], names: list[str], none_reward: float) -> dict[str, Any]:
    for i, score in enumerate(scores):
        if score is not None and score["status"] == Status.INFRA_ERROR.value:
            raise RequestError(503, f"sample {i} could not be scored ({score['reason']}); retry later")
    rewards = [none_reward if s is None or s["value"] is None else s["value"] for s in scores]
    logs = {name: [none_reward if s is None or s["components"].get(name) is None else s["components"][name]
                   for s in scores] for name in names}
    logs["rewardkit_scored"] = [0.0 if s is None or s["value"] is None else 1.0 for s in scores]
    return {"rewards": rewards, "scores": list(rewards), "extra_logs": logs}
