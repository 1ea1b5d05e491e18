"""The reward server: `rewardkit serve -r RECIPE [--host 127.0.0.1] [--port 8000] [--workers N]`.

Endpoints (FastAPI + uvicorn, extra `serve`; both are imported only when the server starts):
- `POST /get_reward` speaks OpenRLHF's remote-RM protocol (`--remote_rm_url http://HOST:PORT/get_reward`):
  `{"query": [...], "prompts": [...], "labels": [...], "metas"?: [...]}` ->
  `{"rewards": [...], "scores": [...], "extra_logs": {component: [...], "rewardkit_scored": [...]}}`.
  Locating the response in each query, the NaN for unscored components and the 422 for rows lacking a
  required field live in rewardkit.integrations.openrlhf.
- `POST /score` (native): `{"samples": [{prompt, completion, answer, ...}], "mapping"?: {...}}` ->
  `{"scores": [Score.to_dict(), ...]}` with value None, status, components and reason.
- `GET /health` and `GET /metrics` (Prometheus text; `?format=json` for JSON): requests, samples,
  errors, latency, and how many responses each rule located.

Policies: scoring runs in a process pool (`--workers N`; 0 = one thread in the server process) behind a
semaphore, so CPU-heavy verifiers never block the event loop; a crashed worker pool is rebuilt and the request
gets 503. Malformed requests get 400 (not JSON) or 422 (wrong shape, with the offending field), bodies over
`--max-body-mb` get 413 (a declared Content-Length is checked before reading), batches over `--max-batch`
samples get 413, a request that scores longer than `--timeout` (170 s: under OpenRLHF's 180 s client timeout)
gets 504, which OpenRLHF retries. OpenRLHF cannot skip a sample, so a None reward becomes `--none-reward`
(default 0.0) and is flagged 0 in `extra_logs.rewardkit_scored`; an `infra_error` answers 503 instead.

Process life: one line `rewardkit serve: ready on http://HOST:PORT ...` on stdout once the socket listens;
SIGTERM and SIGINT (Ctrl-C) give in-flight requests 5 s, then stop every process the server started (scoring
workers, their math workers, multiprocessing's resource tracker) and exit with 143 / 130, without a traceback.
"""


import argparse  # no `from __future__ import annotations`: FastAPI reads the endpoint annotations
import asyncio
import json
import logging
import math
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from rewardkit.core import Sample, Scorer, parse_mapping
from rewardkit.errors import ConfigError, InputError, RequestError, RewardkitError
from rewardkit.integrations.openrlhf import (
    DEFAULT_EOS,
    RULES,
    OpenRLHFRequest,
    check_required,
    openrlhf_response,
    openrlhf_rows,
)

log = logging.getLogger("rewardkit.server")


@dataclass
class ServerConfig:
    """Limits and policies of one server (CLI flags in brackets)."""

    workers: int = 1  # scoring processes [--workers]; 0 scores in one thread of the server process
    max_batch: int = 4096  # samples per request [--max-batch]
    max_body_bytes: int = 8 * 2**20  # request body limit [--max-body-mb]
    none_reward: float = 0.0  # OpenRLHF reward for a sample rewardkit did not score [--none-reward]
    # scoring time per request before 504 [--timeout]: under OpenRLHF's client timeout (180 s per attempt), so a
    # slow batch is answered 504 (which OpenRLHF retries) before the client gives up on the connection
    request_timeout_s: float = 170.0
    max_waiting: int = 4096  # requests allowed to wait for the pool before 503 [--max-waiting]
    eos_tokens: tuple[str, ...] = DEFAULT_EOS


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    samples: list[dict[str, Any]]
    mapping: dict[str, str] | list[str] | str | None = None  # as `--map` takes it


# ---------------------------------------------------------------------------------------------- the scoring pool
_SCORER: Scorer | None = None  # the scorer of this worker process


def _init_worker(scorer: Scorer) -> None:
    import signal

    global _SCORER
    # Ctrl-C reaches the whole process group: the server shuts the workers down itself (no worker traceback)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
            _, pending = await asyncio.wait(futures, timeout=timeout_s)
        except asyncio.CancelledError:  # shutdown outlasted the grace period: answer instead of a traceback
            pending = set(futures)
            raise RequestError(503, "the server is shutting down; retry the request") from None
        finally:
            self.waiting -= 1
            for future in pending:
                future.cancel()  # a dispatcher skips a cancelled chunk
        if pending:
            raise RequestError(504, f"scoring took longer than {timeout_s:g} s (--timeout)")
        return [score for future in futures for score in future.result()]

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

    def close(self, grace_s: float = 5.0) -> None:
        """Stop the dispatchers and the workers: each worker gets `grace_s` to finish its job and exit (closing
        its own math workers), then is terminated, so no process the server started outlives it."""
        for task in self._dispatchers:
            task.cancel()
        executor = self._executor
        processes = list((getattr(executor, "_processes", None) or {}).values())  # private: the only handle
        executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + grace_s
        for proc in processes:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(1.0)
        executor.shutdown(wait=True)  # joins its manager thread and frees its queues (no leaked semaphores)


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
    rules: Counter = field(default_factory=Counter)  # how /get_reward located responses (openrlhf.RULES)
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
                    "requests": {f"{p} {s}": n for (p, s), n in sorted(self.requests.items())},
                    "response_rules": dict(self.rules)}

    def prometheus(self) -> str:
        data = self.as_dict()
        lines = ["# TYPE rewardkit_requests_total counter"]
        for (path, status), n in sorted(self.requests.items()):
            lines.append(f'rewardkit_requests_total{{path="{path}",status="{status}"}} {n}')
        lines += ["# TYPE rewardkit_samples_total counter", f"rewardkit_samples_total {data['samples_total']}",
                  "# TYPE rewardkit_errors_total counter", f"rewardkit_errors_total {data['errors_total']}",
                  "# TYPE rewardkit_response_rule_total counter"]
        lines += [f'rewardkit_response_rule_total{{rule="{rule}"}} {self.rules[rule]}' for rule in RULES]
        lines.append("# TYPE rewardkit_request_latency_seconds summary")
        for q, key in ((0.5, "latency_p50_s"), (0.99, "latency_p99_s")):
            lines.append(f'rewardkit_request_latency_seconds{{quantile="{q}"}} {data[key] or 0.0}')
        lines += [f"rewardkit_request_latency_seconds_sum {data['latency_seconds_sum']}",
                  f"rewardkit_request_latency_seconds_count {data['requests_total']}"]
        return "\n".join(lines) + "\n"


def _quantile(ordered: Sequence[float], q: float) -> float | None:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


# ----------------------------------------------------------------------------------------- request handling
def native_rows(req: ScoreRequest) -> list[dict[str, Any]]:
    try:
        mapping = parse_mapping(req.mapping, "mapping")
    except ConfigError as exc:
        raise RequestError(422, str(exc)) from None
    rows = []
    for i, raw in enumerate(req.samples):
        try:
            rows.append(Sample.from_dict(raw, mapping).to_dict())
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
    names = scorer.component_names()
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
            # refused before a byte of the body is read or buffered
            raise RequestError(413, _too_large(int(declared), config.max_body_bytes))
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body_bytes:
                raise RequestError(413, _too_large(size, config.max_body_bytes))
            chunks.append(chunk)
        return parse_body(b"".join(chunks), model)

    def count_rules(rules: list[str]) -> None:
        with metrics.lock:
            for rule in rules:
                if rule != "prompt" and not metrics.rules[rule]:
                    log.warning("the prompt was not found verbatim in a query; located the response by rule "
                                "'%s' (counted in /metrics as rewardkit_response_rule_total)", rule)
                metrics.rules[rule] += 1

    def check_batch(n: int) -> None:
        if n > config.max_batch:
            raise RequestError(413, f"{n} samples in one request; the limit is {config.max_batch} (--max-batch)")
        metrics.samples += n

    @app.post("/get_reward")
    async def get_reward(request: Request) -> JSONResponse:
        req = await read(request, OpenRLHFRequest)
        check_batch(len(req.query))
        # locating responses is pure Python over whole queries (~3 ms per 8k-character fallback): off the loop
        rows, rules = await asyncio.to_thread(openrlhf_rows, req, config.eos_tokens)
        check_required(scorer, rows)
        count_rules(rules)
        scores = await state["pool"].score(rows, config.request_timeout_s)
        # NaN marks an unscored component in extra_logs; OpenRLHF's JSON parser reads it (JSONResponse refuses it)
        return Response(json.dumps(openrlhf_response(scores, names, config.none_reward)),
                        media_type="application/json")

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
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--workers", type=int, default=defaults.workers,
                   help="scoring processes (default %(default)s; 0: one thread in the server process)")
    p.add_argument("--max-batch", type=int, default=defaults.max_batch,
                   help="samples per request (default %(default)s)")
    p.add_argument("--max-body-mb", type=float, default=defaults.max_body_bytes / 2**20,
                   help="request body limit in MiB (default %(default)g)")
    p.add_argument("--max-waiting", type=int, default=defaults.max_waiting,
                   help="requests waiting for the pool before 503 (default %(default)s)")
    p.add_argument("--none-reward", type=float, default=defaults.none_reward,
                   help="OpenRLHF reward for samples rewardkit does not score (value None; default %(default)s)")
    p.add_argument("--timeout", type=float, default=defaults.request_timeout_s,
                   help="scoring seconds per request before 504 (default %(default)g: under OpenRLHF's 180 s)")
    p.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"],
                   help="default %(default)s")
    p.set_defaults(func=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
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
    logging.basicConfig(level=args.log_level.upper(), format="rewardkit serve: %(message)s")

    class Server(uvicorn.Server):
        """uvicorn's server (it turns SIGINT and SIGTERM into a graceful shutdown that closes the pool), plus
        the ready line once the socket listens: what scripts and launchers wait for."""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                host, port = self.servers[0].sockets[0].getsockname()[:2]
                print(f"rewardkit serve: ready on http://{host}:{port} (POST /get_reward, POST /score, "
                      f"GET /health, GET /metrics)", flush=True)

    server = Server(uvicorn.Config(create_app(scorer, config), host=args.host, port=args.port,
                                   log_level=args.log_level, backlog=4096, timeout_keep_alive=30,
                                   timeout_graceful_shutdown=_GRACE_S))
    # uvicorn re-raises the signal it stopped on once it has shut down; SIGTERM then exits through Python
    # (exit status 143, atexit handlers run) instead of the default action, which skips all clean-up
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    server.run()
    return 0


_GRACE_S = 5.0  # seconds in-flight requests get to finish on SIGTERM / Ctrl-C before the workers are stopped


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
