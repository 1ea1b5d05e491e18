"""A killable worker-process pool for slow or hostile computations (sympy on model output).

    pool = ProcessPool(size=2, timeout=5.0, preload=("rewardkit.scorers.math.symbolic",))
    result = pool.call("package.module:function", arg1, arg2)       # raises PoolTimeout after 5 s

Why not SIGALRM or concurrent.futures: signals only work in the main thread of the main interpreter (not in
worker threads, Ray actors, asyncio executors or web servers), and a ProcessPoolExecutor cannot cancel a job
that is already running. Here each worker is a plain subprocess (`python -m rewardkit.runtime._worker`) talking
length-prefixed pickles over pipes; the caller waits with `select` and a deadline, and a worker that overruns
is killed and replaced at once. Nothing touches signal handlers of the caller, so `call` works from any
thread, inside an event loop (or via `acall`), and in forked or spawned processes (a pool created in a parent
is rebuilt in the child). Workers are started lazily, up to `size`, and die with their stdin when the parent
exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import select
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rewardkit.runtime._worker import HEADER, write_frame

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class PoolError(Exception):
    """Base class of pool failures."""


class PoolTimeout(PoolError):
    """The job did not finish within its bound; its worker was killed and replaced."""


class WorkerFailed(PoolError):
    """A worker could not start or died without answering (infrastructure, not the job's verdict)."""


class RemoteError(PoolError):
    """The job raised inside the worker; the message is the remote exception."""


class _Worker:
    """One subprocess and its two pipe ends."""

    def __init__(self, memory_mb: int, preload: Sequence[str]) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rewardkit.runtime._worker", str(memory_mb), *preload],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            close_fds=True, start_new_session=True)
        self.ready = False

    def send(self, obj: Any) -> None:
        write_frame(self.proc.stdin.fileno(), obj)

    def receive(self, deadline: float) -> Any | None:
        """The next frame, or None if the deadline passed first. Raises WorkerFailed on EOF."""
        fd = self.proc.stdout.fileno()
        header = self._read(fd, HEADER.size, deadline)
        if header is None:
            return None
        body = self._read(fd, HEADER.unpack(header)[0], deadline)
        return None if body is None else pickle.loads(body)

    @staticmethod
    def _read(fd: int, size: int, deadline: float) -> bytes | None:
        chunks, left = [], size
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, left)
            if not chunk:
                raise WorkerFailed("worker exited without answering")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _shutdown(workers: list[_Worker], owner: int) -> None:
    if os.getpid() != owner:  # a forked child must not kill its parent's workers
        return
    for worker in workers:
        worker.kill()


class ProcessPool:
    """Up to `size` worker processes; `call` runs `"module:function"(*args)` in one of them, bounded by
    `timeout` seconds (the job's own run time; waiting for a free worker and worker start-up do not count,
    but start-up is bounded by `start_timeout`)."""

    def __init__(self, size: int = 1, timeout: float = 5.0, preload: Sequence[str] = (), memory_mb: int = 2048,
                 start_timeout: float = 60.0) -> None:
        if size < 1 or timeout <= 0:
            raise ValueError("size must be >= 1 and timeout > 0")
        self.size, self.timeout, self.preload = size, timeout, tuple(preload)
        self.memory_mb, self.start_timeout = memory_mb, start_timeout
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._cond = threading.Condition()
        self.killed = 0  # workers killed for overrunning (for stats and tests)
        weakref.finalize(self, _shutdown, self._all, self._pid)

    def __getstate__(self) -> dict[str, Any]:
        return {"size": self.size, "timeout": self.timeout, "preload": self.preload, "memory_mb": self.memory_mb,
                "start_timeout": self.start_timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()

    def _spawn(self) -> _Worker:
        worker = _Worker(self.memory_mb, self.preload)
        with self._cond:
            self._all.append(worker)
        return worker

    def _checkout(self) -> _Worker:
        if os.getpid() != self._pid:  # inherited through fork: the workers belong to the parent
            self._reset()
        with self._cond:
            while not self._idle and len(self._all) >= self.size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
        return self._spawn()

    def _checkin(self, worker: _Worker, dead: bool) -> None:
        replacement = None
        if dead:
            worker.kill()
            with self._cond:
                if worker in self._all:
                    self._all.remove(worker)
            replacement = self._spawn()  # start the replacement now; its import time overlaps other work
        with self._cond:
            self._idle.append(replacement or worker)
            self._cond.notify()

    def _await_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        reply = worker.receive(time.monotonic() + self.start_timeout)
        if not (isinstance(reply, tuple) and reply[0] == "ready"):
            raise WorkerFailed(f"worker did not start within {self.start_timeout}s")
        worker.ready = True

    def call(self, target: str, *args: Any, timeout: float | None = None) -> Any:
        """Run `target(*args)` in a worker; raises PoolTimeout, WorkerFailed or RemoteError."""
        bound = self.timeout if timeout is None else timeout
        worker = self._checkout()
        dead = True
        try:
            self._await_ready(worker)
            worker.send((target, args))
            reply = worker.receive(time.monotonic() + bound)
            if reply is None:
                self.killed += 1
                raise PoolTimeout(f"{target} did not finish within {bound:g}s; worker killed")
            dead = False
        except (BrokenPipeError, ConnectionError, EOFError, OSError) as exc:
            raise WorkerFailed(f"worker failed: {exc}") from exc
        finally:
            self._checkin(worker, dead)
        status, value = reply
        if status != "ok":
            raise RemoteError(value)
        return value

    def map(self, target: str, arg_tuples: Sequence[tuple[Any, ...]], timeout: float | None = None
            ) -> list[Any]:
        """`call` over many argument tuples, `size` at a time; each result is a value or the PoolError."""
        def one(args: tuple[Any, ...]) -> Any:
            try:
                return self.call(target, *args, timeout=timeout)
            except PoolError as exc:
                return exc
        if len(arg_tuples) <= 1 or self.size == 1:
            return [one(args) for args in arg_tuples]
        with ThreadPoolExecutor(max_workers=self.size) as executor:
            return list(executor.map(one, arg_tuples))

    async def acall(self, target: str, *args: Any, timeout: float | None = None) -> Any:
        """`call` without blocking the event loop."""
        return await asyncio.to_thread(self.call, target, *args, timeout=timeout)

    def close(self) -> None:
        """Kill every worker (also done automatically when the pool is garbage collected or at exit)."""
        with self._cond:
            workers, self._idle = list(self._all), []
            self._all.clear()
        _shutdown(workers, self._pid)
