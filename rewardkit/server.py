"""The reward server: `rewardkit serve -r RECIPE [--host 127.0.0.1] [--port 8000] [--workers N]`.

Endpoints (FastAPI + uvicorn, extra `serve`; both are imported only when the server starts):
- `POST /get_reward` speaks OpenRLHF's remote-RM protocol (`--remote_rm_url http://HOST:PORT/get_reward`):
  `{"query": [...], "prompts": [...], "labels": [...], "metas"?: [...]}` ->
  `{"rewards": [...], "scores": [...], "extra_logs": {component: [...], "rewardkit_scored": [...]}}`.
  OpenRLHF sends each `query` as prompt + response decoded with special tokens; the response is the text
  after the prompt, with trailing end-of-sequence markers removed (see `split_response`).
- `POST /score` (native): `{"samples": [{prompt, completion, answer, ...}], "mapping"?: {...}}` ->
  `{"scores": [Score.to_dict(), ...]}` with value None, status, components and reason.
- `GET /health` and `GET /metrics` (Prometheus text; `?format=json` for JSON): requests, samples,
  errors and latency.

Policies: scoring runs in a process pool (`--workers N`; 0 = one thread in the server process) behind a
semaphore, so CPU-heavy verifiers never block the event loop; a crashed worker pool is rebuilt and the request
gets 503. Malformed requests get 400 (not JSON) or 422 (wrong shape, with the offending field), bodies over
`--max-body-mb` get 413, batches over `--max-batch` samples get 413. OpenRLHF cannot skip a sample, so a
None reward becomes `--none-reward` (default 0.0) and is flagged 0 in `extra_logs.rewardkit_scored`; an
`infra_error` (a verifier's backend down) answers 503 instead, which OpenRLHF retries, so an outage is never
trained on as a reward of 0.
"""


import argparse  # no `from __future__ import annotations`: FastAPI reads the endpoint annotations
import asyncio
import json
import math
import os
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from rewardkit.core import Sample, Scorer, Status
from rewardkit.errors import InputError, RewardkitError
from rewardkit.integrations.common import component_names
from rewardkit.normalize import DEFAULT_EOS, strip_eos


@dataclass
class ServerConfig:
    """Limits and policies of one server (CLI flags in brackets)."""

    workers: int = 1  # scoring processes [--workers]; 0 scores in one thread of the server process
    max_batch: int = 4096  # samples per request [--max-batch]
    max_body_bytes: int = 8 * 2**20  # request body limit [--max-body-mb]
    none_reward: float = 0.0  # OpenRLHF reward for a sample rewardkit did not score [--none-reward]
    request_timeout_s: float = 600.0  # scoring time per request before 504 [--timeout]
    max_waiting: int = 4096  # requests allowed to wait for the pool before 503 [--max-waiting]
    eos_tokens: tuple[str, ...] = DEFAULT_EOS


class OpenRLHFRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None
    metas: list[dict[str, Any] | None] | None = None


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    samples: list[dict[str, Any]]
    mapping: dict[str, str] | None = None


class RequestError(Exception):
    """A request the server refuses: HTTP `status` with a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------------------------------------- the scoring pool
_SCORER: Scorer | None = None  # the scorer of this worker process


def _init_worker(scorer: Scorer) -> None:
    global _SCORER
    _SCORER = scorer


def _score_rows(rows: list[dict[str, Any]], scorer: Scorer | None = None) -> list[dict[str, Any]]:
    """Score rows in a worker (its own scorer) or in the server's scoring thread (the scorer passed)."""
    scorer = scorer or _SCORER
    if scorer is None:
        raise RuntimeError("scoring worker was not initialised")
    return [s.to_dict() for s in scorer.score_batch(rows)]


def _ready() -> bool:
    return True


class ScoringPool:
    """Runs `score_batch` off the event loop. `2 * workers` dispatcher tasks each take the next queued chunk
    plus whatever else is queued (up to `max_job` samples) and send it to the pool as one job: under load,
    many small requests share one round trip to a worker, and batch-capable scorers see bigger batches."""

    def __init__(self, scorer: Scorer, workers: int, max_waiting: int, max_job: int = 512) -> None:
        self.scorer = scorer
        self.workers = workers
        self.max_waiting = max_waiting
        self.max_job = max_job
        self.waiting = 0
        self._executor = self._start_executor()
        self._queue: asyncio.Queue | None = None
        self._dispatchers: list[asyncio.Task] = []

    def _start_executor(self) -> Executor:
        if self.workers == 0:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="rewardkit-score")
        import multiprocessing

        # spawn: forking a process that runs an event loop and threads is unsafe
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.scorer,))

    async def start(self) -> None:
        """Start the dispatchers and wait until the workers have loaded the scorer."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*[loop.run_in_executor(self._executor, _ready) for _ in range(max(1, self.workers))])
        self._queue = asyncio.Queue()
        self._dispatchers = [asyncio.create_task(self._dispatch()) for _ in range(max(1, 2 * self.workers))]

    async def score(self, rows: list[dict[str, Any]], timeout_s: float) -> list[dict[str, Any]]:
        if not rows:
            return []
        if self._queue is None:
            raise RuntimeError("ScoringPool.start() was not awaited")
        if self.waiting >= self.max_waiting:
            raise RequestError(503, f"server busy: {self.waiting} requests waiting; retry later")
        size = min(self.max_job, max(8, math.ceil(len(rows) / max(1, self.workers))))
        loop = asyncio.get_running_loop()
        futures = []
        for i in range(0, len(rows), size):
            futures.append(loop.create_future())
            self._queue.put_nowait((rows[i:i + size], futures[-1]))
        self.waiting += 1
        try:
            parts = await asyncio.wait_for(asyncio.gather(*futures), timeout_s)
        except asyncio.TimeoutError:
            raise RequestError(504, f"scoring took longer than {timeout_s:g} s") from None
        finally:
            self.waiting -= 1
        return [score for part in parts for score in part]

    async def _dispatch(self) -> None:
        assert self._queue is not None
        while True:
            jobs = [await self._queue.get()]
            size = len(jobs[0][0])
            while size < self.max_job and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
                size += len(jobs[-1][0])
            jobs = [(rows, fut) for rows, fut in jobs if not fut.done()]  # drop requests that timed out
            if jobs:
                await self._run(jobs)

    async def _run(self, jobs: list[tuple[list[dict[str, Any]], asyncio.Future]]) -> None:
        executor = self._executor
        rows = [row for chunk, _ in jobs for row in chunk]
        try:
            in_thread = self.scorer if self.workers == 0 else None  # a process worker holds its own copy
            scores = await asyncio.get_running_loop().run_in_executor(executor, _score_rows, rows, in_thread)
        except BrokenProcessPool:
            if self._executor is executor:  # the first dispatcher to notice rebuilds the pool
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start_executor()
            error = RequestError(503, "a scoring worker died; the pool was restarted, retry the request")
            scores = None
        except Exception as exc:  # noqa: BLE001 - a failed job fails its requests, never the dispatcher
            error, scores = RequestError(500, f"scoring failed: {type(exc).__name__}: {exc}"[:500]), None
        at = 0
        for chunk, future in jobs:
            if not future.done():
                if scores is None:
                    future.set_exception(error)
                else:
                    future.set_result(scores[at:at + len(chunk)])
            at += len(chunk)

    def close(self) -> None:
        for task in self._dispatchers:
            task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)


# -------------------------------------------------------------------------------------------------- metrics
@dataclass
class Metrics:
    """Counters for `/metrics`. Latency quantiles are over the last 4096 requests."""

    started: float = field(default_factory=time.time)
    requests: Counter = field(default_factory=Counter)  # (path, status) -> count
    samples: int = 0
    errors: int = 0
    latency_sum: float = 0.0
    latencies: deque = field(default_factory=lambda: deque(maxlen=4096))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(path, status)] += 1
            self.errors += status >= 400
            self.latency_sum += seconds
            self.latencies.append(seconds)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            ordered = sorted(self.latencies)
            total = sum(self.requests.values())
            return {"uptime_s": time.time() - self.started, "requests_total": total, "samples_total": self.samples,
                    "errors_total": self.errors, "latency_seconds_sum": self.latency_sum,
                    "latency_p50_s": _quantile(ordered, 0.5), "latency_p99_s": _quantile(ordered, 0.99),
                    "requests": {f"{p} {s}": n for (p, s), n in sorted(self.requests.items())}}

    def prometheus(self) -> str:
        data = self.as_dict()
        lines = ["# TYPE rewardkit_requests_total counter"]
        for (path, status), n in sorted(self.requests.items()):
            lines.append(f'rewardkit_requests_total{{path="{path}",status="{status}"}} {n}')
        lines += ["# TYPE rewardkit_samples_total counter", f"rewardkit_samples_total {data['samples_total']}",
                  "# TYPE rewardkit_errors_total counter", f"rewardkit_errors_total {data['errors_total']}",
                  "# TYPE rewardkit_request_latency_seconds summary"]
        for q, key in ((0.5, "latency_p50_s"), (0.99, "latency_p99_s")):
            lines.append(f'rewardkit_request_latency_seconds{{quantile="{q}"}} {data[key] or 0.0}')
        lines += [f"rewardkit_request_latency_seconds_sum {data['latency_seconds_sum']}",
                  f"rewardkit_request_latency_seconds_count {data['requests_total']}"]
        return "\n".join(lines) + "\n"


def _quantile(ordered: Sequence[float], q: float) -> float | None:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


# ----------------------------------------------------------------------------------------- request handling
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


def native_rows(req: ScoreRequest) -> list[dict[str, Any]]:
    rows = []
    for i, raw in enumerate(req.samples):
        try:
            rows.append(Sample.from_dict(raw, req.mapping).to_dict())
        except InputError as exc:
            raise RequestError(422, f"samples[{i}]: {exc}") from None
    return rows


def parse_body(body: bytes, model: type[BaseModel]) -> BaseModel:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise RequestError(400, f"body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise RequestError(422, f"body must be a JSON object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "body"
        raise RequestError(422, f"{where}: {err['msg']}") from None
    except RecursionError:
        raise RequestError(422, "body is nested too deeply") from None


# ------------------------------------------------------------------------------------------------------- the app
def create_app(scorer: Scorer, config: ServerConfig | None = None) -> Any:
    """The FastAPI application serving `scorer` (see the module docstring for the endpoints)."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse, PlainTextResponse, Response

    config = config or ServerConfig()
    metrics = Metrics()
    names = component_names(scorer)
    state: dict[str, ScoringPool] = {}

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        state["pool"] = ScoringPool(scorer, config.workers, config.max_waiting)
        await state["pool"].start()
        yield
        state["pool"].close()

    app = FastAPI(title="rewardkit", lifespan=lifespan)

    app.add_middleware(_Counted, metrics=metrics)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:  # a bug answers 500; the server lives
        return JSONResponse({"detail": f"internal error: {type(exc).__name__}: {exc}"[:500]}, 500)

    @app.exception_handler(RequestError)
    async def refused(request: Request, exc: RequestError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, exc.status)

    async def read(request: Request, model: type[BaseModel]) -> Any:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > config.max_body_bytes:
            raise RequestError(413, _too_large(int(declared), config.max_body_bytes))
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body_bytes:
                raise RequestError(413, _too_large(size, config.max_body_bytes))
            chunks.append(chunk)
        return parse_body(b"".join(chunks), model)

    def check_batch(n: int) -> None:
        if n > config.max_batch:
            raise RequestError(413, f"{n} samples in one request; the limit is {config.max_batch} (--max-batch)")
        metrics.samples += n

    @app.post("/get_reward")
    async def get_reward(request: Request) -> JSONResponse:
        req = await read(request, OpenRLHFRequest)
        check_batch(len(req.query))
        rows = openrlhf_rows(req, config.eos_tokens)
        scored = iter(await state["pool"].score([r for r in rows if r is not None], config.request_timeout_s))
        scores = [None if r is None else next(scored) for r in rows]
        return JSONResponse(openrlhf_response(scores, names, config.none_reward))

    @app.post("/score")
    async def score(request: Request) -> JSONResponse:
        req = await read(request, ScoreRequest)
        check_batch(len(req.samples))
        scores = await state["pool"].score(native_rows(req), config.request_timeout_s)
        # Score details are scorer-specific evidence: whatever JSON cannot encode is sent as text
        return Response(json.dumps({"scores": scores}, default=str), media_type="application/json")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "scorer": repr(scorer), "components": names, "workers": config.workers}

    @app.get("/metrics")
    async def get_metrics(format: str = "prometheus") -> Response:
        if format == "json":
            return JSONResponse(metrics.as_dict())
        return PlainTextResponse(metrics.prometheus(), media_type="text/plain; version=0.0.4")

    return app


_ROUTES = frozenset({"/get_reward", "/score", "/health", "/metrics"})


class _Counted:
    """ASGI middleware that records every HTTP request's path, status and latency in `Metrics`."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def sending(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope["path"] if scope["path"] in _ROUTES else "(other)"  # bounded label set
            self.metrics.record(path, status, time.perf_counter() - start)


def _too_large(size: int, limit: int) -> str:
    return f"request body of {size} bytes exceeds the limit of {limit} bytes (--max-body-mb)"


# ---------------------------------------------------------------------------------------------------- the CLI
def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """The `serve` subcommand."""
    defaults = ServerConfig()
    p = subparsers.add_parser("serve", help="serve a recipe over HTTP (OpenRLHF /get_reward, native /score)")
    p.add_argument("-r", "--recipe", required=True, help="recipe file or scorer name")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1: loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=defaults.workers,
                   help="scoring processes (0: one thread in the server process)")
    p.add_argument("--max-batch", type=int, default=defaults.max_batch, help="samples per request")
    p.add_argument("--max-body-mb", type=float, default=defaults.max_body_bytes / 2**20, help="request body limit")
    p.add_argument("--max-waiting", type=int, default=defaults.max_waiting,
                   help="requests waiting for the pool before 503")
    p.add_argument("--none-reward", type=float, default=defaults.none_reward,
                   help="OpenRLHF reward for samples rewardkit does not score (value None)")
    p.add_argument("--timeout", type=float, default=defaults.request_timeout_s, help="seconds per request")
    p.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from rewardkit.errors import ConfigError
    from rewardkit.recipe import build

    if args.workers < 0 or args.max_batch < 1 or args.max_body_mb <= 0 or args.max_waiting < 1:
        raise ConfigError("--workers must be >= 0, --max-batch and --max-waiting >= 1, --max-body-mb > 0")
    if not math.isfinite(args.none_reward):
        raise ConfigError("--none-reward must be a finite number")
    scorer = build(args.recipe)
    try:
        import uvicorn
    except ImportError as exc:
        raise RewardkitError(f"the server needs FastAPI and uvicorn: pip install 'rewardkit[serve]' ({exc})") \
            from None
    config = ServerConfig(workers=args.workers, max_batch=args.max_batch,
                          max_body_bytes=int(args.max_body_mb * 2**20), none_reward=args.none_reward,
                          request_timeout_s=args.timeout, max_waiting=args.max_waiting)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    uvicorn.run(create_app(scorer, config), host=args.host, port=args.port, log_level=args.log_level,
                backlog=4096, timeout_keep_alive=30)
    return 0
