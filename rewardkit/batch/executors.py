"""Where chunks are scored: in this process (-j 1), in spawned worker processes (-j N), or in Ray actors
(`--backend ray`, rewardkit.batch.ray_actors). Every executor has the same interface: `submit(first_line,
lines)` -> handle, `result(handle)` -> ChunkResult, `close(cancel)`, and `max_in_flight`.
"""

from __future__ import annotations

import os
from typing import Any

from rewardkit.batch.chunk import ChunkResult, ChunkScorer
from rewardkit.errors import ConfigError, RewardkitError


class InProcess:
    """-j 1: score in this process, no pickling (what you want under a debugger or profiler)."""

    max_in_flight = 1

    def __init__(self, chunk_scorer: ChunkScorer) -> None:
        self.chunk_scorer = chunk_scorer

    def submit(self, first_line: int, lines: list[bytes]) -> ChunkResult:
        return self.chunk_scorer(first_line, lines)

    def result(self, handle: ChunkResult) -> ChunkResult:
        return handle

    def close(self, cancel: bool = False) -> None:
        pass


_WORKER: ChunkScorer | None = None


def _init_worker(chunk_scorer: ChunkScorer) -> None:
    import signal

    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; workers just stop
    _WORKER = chunk_scorer


def _score_in_worker(first_line: int, lines: list[bytes]) -> ChunkResult:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER(first_line, lines)


class ProcessPool:
    """-j N: N spawned worker processes, each holding one copy of the scorer. Chunks are submitted one by one
    (never `Pool.imap`, which reads its whole input ahead) with at most 2 per worker in flight. A worker that
    dies (out of memory, a crash in native code) fails the run with a message instead of hanging it, as
    `multiprocessing.Pool` would."""

    def __init__(self, chunk_scorer: ChunkScorer, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("spawn")  # fork would copy tqdm's and the scorers' threads
        self.pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(chunk_scorer,))
        self.max_in_flight = 2 * workers

    def submit(self, first_line: int, lines: list[bytes]) -> Any:
        return self.pool.submit(_score_in_worker, first_line, lines)

    def result(self, handle: Any) -> ChunkResult:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return handle.result()
        except BrokenProcessPool as exc:
            raise RewardkitError(f"a worker process died ({exc}); the output is complete up to the last "
                                 "checkpoint: fix the cause (memory?) and run again with --resume") from None

    def close(self, cancel: bool = False) -> None:
        if cancel:
            # stop now rather than after the chunks in flight (a slow scorer can take minutes on one);
            # ProcessPoolExecutor has no public terminate()
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=cancel)


def make_executor(chunk_scorer: ChunkScorer, backend: str, workers: int | None, address: str | None) -> Any:
    if backend == "ray":
        from rewardkit.batch.ray_actors import RayActors

        return RayActors(chunk_scorer, workers, address)
    if backend != "local":
        raise ConfigError(f"unknown backend {backend!r}; choose local or ray", "--backend")
    workers = 1 if workers is None else workers or os.cpu_count() or 1
    return InProcess(chunk_scorer) if workers == 1 else ProcessPool(chunk_scorer, workers)
