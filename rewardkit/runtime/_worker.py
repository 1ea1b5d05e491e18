"""The worker side of `rewardkit.runtime.pool`: read a job frame from stdin, run it, write the result frame.

Run as `python -m rewardkit.runtime._worker [MEMORY_MB] [PRELOAD_MODULE ...]`. The protocol uses a private copy
of the stdout descriptor; fd 1 is pointed at stderr so a stray print cannot corrupt a frame. The worker exits
when its stdin closes (the parent died or closed the pool).
"""

from __future__ import annotations

import importlib
import os
import pickle
import struct
import sys
from typing import Any

HEADER = struct.Struct("!Q")


def read_frame(fd: int) -> Any:
    header = _read(fd, HEADER.size)
    return None if header is None else pickle.loads(_read(fd, HEADER.unpack(header)[0]) or b"")


def _read(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_frame(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _resolve(target: str, cache: dict[str, Any]) -> Any:
    if target not in cache:
        module, _, attr = target.partition(":")
        cache[target] = getattr(importlib.import_module(module), attr)
    return cache[target]


def main(argv: list[str]) -> None:
    out_fd = os.dup(1)
    os.dup2(2, 1)
    memory_mb = int(argv[0]) if argv else 0
    for module in argv[1:]:
        importlib.import_module(module)
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    write_frame(out_fd, ("ready", os.getpid()))
    cache: dict[str, Any] = {}
    while True:
        job = read_frame(0)
        if job is None:
            return
        target, args = job
        try:
            reply = ("ok", _resolve(target, cache)(*args))
        except MemoryError:
            reply = ("error", "MemoryError: the job exceeded the worker's memory limit")
        except BaseException as exc:  # noqa: BLE001 - report any failure to the caller, keep serving
            reply = ("error", f"{type(exc).__name__}: {exc}"[:1000])
        write_frame(out_fd, reply)


if __name__ == "__main__":
    main(sys.argv[1:])
