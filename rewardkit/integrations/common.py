"""What the trainer adapters share: the recipe cache."""

from __future__ import annotations

import json
import threading
from typing import Any

from rewardkit.core import Scorer
from rewardkit.recipe import build

_cache: dict[str, Scorer] = {}
_lock = threading.Lock()


def cached_build(recipe: Any) -> Scorer:
    """`rewardkit.build(recipe)` once per process for each distinct recipe (path, name, dict or list).

    Trainers call reward functions per sample, from several threads; the scorer (and any model or worker
    pool it loads lazily) must be built once, not per call."""
    if isinstance(recipe, Scorer):
        return recipe
    key = json.dumps(recipe, sort_keys=True, default=str)
    scorer = _cache.get(key)
    if scorer is None:
        with _lock:
            scorer = _cache.get(key)
            if scorer is None:
                scorer = _cache[key] = build(recipe)
    return scorer
