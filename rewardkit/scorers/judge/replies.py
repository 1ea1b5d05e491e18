"""What a judge backend returns for one prompt: the reply text, or why there is none, plus its costs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rewardkit.core import Status

Messages = list[dict[str, Any]]


@dataclass(frozen=True)
class Reply:
    """One judge reply. `text` is None exactly when the backend failed (status infra_error or timeout)."""

    text: str | None
    status: Status = Status.OK
    reason: str = ""
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_s: float = 0.0
    cached: bool = False

    @classmethod
    def failed(cls, status: Status, reason: str, latency_s: float = 0.0) -> Reply:
        return cls(None, status, reason[:300], latency_s=latency_s)
