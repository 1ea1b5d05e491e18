"""The Ray executor of `rewardkit score --backend ray`: the same chunk pipeline as the local backend, with Ray
actors in place of worker processes, so output, resume and error semantics are identical.

Each actor receives the scorer once (through the object store) and scores whole chunks with `score_batch`;
the driver keeps at most two chunks per actor in flight and writes results in input order. With no
`--address`, a local Ray instance is started with one CPU per worker and shut down at the end; with an
address, the job joins that cluster, whose nodes must have rewardkit (and the recipe's extras) installed; asking
for more workers than it has CPUs is refused (each actor takes one; the rest would wait forever).
`ray` is imported only here, only when this backend is chosen.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from rewardkit.batch.chunk import ChunkResult, ChunkScorer
from rewardkit.errors import ConfigError


class _ChunkActor:
    """A Ray actor holding one copy of the scorer."""

    def __init__(self, chunk_scorer: ChunkScorer) -> None:
        self.chunk_scorer = chunk_scorer

    def score(self, first_line: int, lines: list[bytes]) -> ChunkResult:
        return self.chunk_scorer(first_line, lines)


class RayActors:
    """Executor interface (submit / result / close / max_in_flight) over a pool of Ray actors."""

    def __init__(self, chunk_scorer: ChunkScorer, workers: int | None, address: str | None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("the Ray backend needs ray: pip install 'rewardkit[ray]'", "--backend") from exc
        self.ray = ray
        self.owns_cluster = not ray.is_initialized()
        if self.owns_cluster:
            if address:
                ray.init(address=address, logging_level=logging.WARNING)
            else:
                ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False,
                         logging_level=logging.WARNING)
        cpus = int(ray.cluster_resources().get("CPU", 0))
        count = workers or max(1, cpus)
        if count > cpus:  # an actor takes one CPU: the ones that cannot be placed would wait forever, silently
            if self.owns_cluster:
                ray.shutdown()
            raise ConfigError(f"-j {count} asks for {count} Ray workers but the cluster has {cpus} CPUs, and each "
                              f"worker needs one: use -j {max(1, cpus)} or fewer (-j 0 uses them all)", "--workers")
        actor_cls = ray.remote(num_cpus=1)(_ChunkActor)
        shared = ray.put(chunk_scorer)
        self.actors = [actor_cls.remote(shared) for _ in range(count)]
        self.max_in_flight = 2 * count
        self._next = 0

    def submit(self, first_line: int, lines: list[bytes]) -> Any:
        actor = self.actors[self._next % len(self.actors)]
        self._next += 1
        return actor.score.remote(first_line, lines)

    def result(self, handle: Any) -> ChunkResult:
        return self.ray.get(handle)

    def close(self, cancel: bool = False) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self.owns_cluster:
            self.ray.shutdown()
