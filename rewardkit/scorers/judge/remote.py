"""The OpenAI-compatible chat-completions backend (vLLM, SGLang, llama.cpp server, Ollama, `transformers
serve`, hosted APIs), with bounded concurrency, timeouts and retries.

Policies (each a recipe parameter of the `judge` scorer):
- at most `concurrency` requests in flight, from a thread pool sized per batch;
- 429 and 5xx replies and connection failures are retried up to `max_retries` times with exponential
  backoff (`backoff_s * 2**attempt`, jittered, capped at `max_backoff_s`); a `Retry-After` header is honoured
  (capped the same way);
- no reply within `timeout_s` (per network operation) is status `timeout`, not retried: a judge that is slow
  on one prompt is usually slow on it again;
- other 4xx (bad key, unknown model) and malformed bodies are `infra_error` at once;
- once a request has exhausted its retries on connection failures, the endpoint counts as down for the rest
  of the batch and the remaining prompts fail fast with `infra_error` instead of each waiting out its retries.
Imported lazily: `httpx` is needed only when this backend is used (extra `rewardkit[judge]`).
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from rewardkit.core import Status
from rewardkit.scorers.judge.replies import Messages, Reply
from rewardkit.scorers.judge.stats import JudgeStats


class OpenAIBackend:
    """Sends chat-completion requests to `base_url` + `/chat/completions`."""

    kind = "openai"

    def __init__(self, params: Any, stats: JudgeStats) -> None:
        self.p = params
        self.stats = stats
        self.url = params.base_url.rstrip("/") + "/chat/completions"
        limits = httpx.Limits(max_connections=params.concurrency, max_keepalive_connections=params.concurrency)
        self.client = httpx.Client(timeout=httpx.Timeout(params.timeout_s), limits=limits)

    def close(self) -> None:
        self.client.close()

    def generate(self, conversations: list[Messages]) -> list[Reply]:
        """One reply per conversation, in order; never raises."""
        if not conversations:
            return []
        down = threading.Event()
        workers = min(self.p.concurrency, len(conversations))
        with ThreadPoolExecutor(workers, thread_name_prefix="rewardkit-judge") as pool:
            return list(pool.map(lambda messages: self._request(messages, down), conversations))

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.p.api_key_env) if self.p.api_key_env else None
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _payload(self, messages: Messages) -> dict[str, Any]:
        return {"model": self.p.model, "messages": messages, "temperature": self.p.temperature,
                "max_tokens": self.p.max_tokens, "stream": False}

    def _request(self, messages: Messages, down: threading.Event) -> Reply:
        payload, reason, connection_failed = self._payload(messages), "", False
        for attempt in range(self.p.max_retries + 1):
            if down.is_set():
                return Reply.failed(Status.INFRA_ERROR, f"judge endpoint {self.url} is down: an earlier prompt "
                                    "of this batch exhausted its retries on connection failures")
            start = time.monotonic()
            try:
                response = self.client.post(self.url, json=payload, headers=self._headers())
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError,
                    httpx.WriteError) as exc:
                reason, connection_failed, wait = f"cannot reach {self.url}: {type(exc).__name__}: {exc}", True, None
            except httpx.TimeoutException:
                return Reply.failed(Status.TIMEOUT, f"no reply within timeout_s={self.p.timeout_s}",
                                    time.monotonic() - start)
            except httpx.HTTPError as exc:
                return Reply.failed(Status.INFRA_ERROR, f"{type(exc).__name__}: {exc}", time.monotonic() - start)
            else:
                latency = time.monotonic() - start
                code = response.status_code
                if code < 400:
                    return _read(response, latency)
                if code != 429 and code < 500:
                    return Reply.failed(Status.INFRA_ERROR, f"HTTP {code} from {self.url}: {response.text[:200]}",
                                        latency)
                reason, connection_failed = f"HTTP {code} from {self.url}: {response.text[:120]}", False
                wait = _retry_after(response.headers.get("retry-after"))
            if attempt < self.p.max_retries:
                self.stats.add(http_retries=1)
                time.sleep(self._backoff(attempt, wait))
        if connection_failed:
            down.set()
        return Reply.failed(Status.INFRA_ERROR, f"{reason} (after {self.p.max_retries} retries)")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.p.max_backoff_s)
        return min(self.p.backoff_s * 2 ** attempt * random.uniform(0.8, 1.2), self.p.max_backoff_s)


def _retry_after(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _read(response: httpx.Response, latency: float) -> Reply:
    """The reply text and token usage of a chat-completions body; a body of another shape is infra_error."""
    try:
        body = response.json()
        message = body["choices"][0]["message"]
        content = message.get("content")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return Reply.failed(Status.INFRA_ERROR, f"not a chat-completions reply: {response.text[:200]!r}", latency)
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    text = content if isinstance(content, str) else ""  # no content (refusal, tool call): an unparseable reply
    return Reply(text, tokens_in=_int(usage.get("prompt_tokens")), tokens_out=_int(usage.get("completion_tokens")),
                 latency_s=latency)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
