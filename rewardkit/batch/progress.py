"""The progress file of a batch run (`OUTPUT.progress.json`): how far the output is durable, and which job
wrote it (input identity, recipe and --map fingerprint), so `--resume` continues only the same job.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.batch.stats import RunStats
from rewardkit.core import Scorer
from rewardkit.errors import InputError

PROGRESS_VERSION = 1


@dataclass
class Progress:
    """Where a run stands; saved atomically next to the output after each flush."""

    input: str
    input_size: int
    input_head: str
    recipe: str
    mapping: dict[str, str]
    errors_path: str | None
    input_offset: int = 0
    lines_done: int = 0
    output_offset: int = 0
    errors_offset: int = 0
    done: bool = False
    stats: dict[str, Any] = field(default_factory=lambda: RunStats().to_state())

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"version": PROGRESS_VERSION, **self.__dict__}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def progress_path(output: Path) -> Path:
    return output.with_name(output.name + ".progress.json")


def fingerprint(scorer: Scorer, mapping: Mapping[str, str]) -> str:
    """Identifies the scoring job: the whole scorer tree with every parameter, weight and alias, and --map."""
    text = json.dumps([scorer.spec(), dict(mapping)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def input_identity(path: Path) -> tuple[int, str]:
    with open(path, "rb") as f:
        head = hashlib.sha256(f.read(1 << 20)).hexdigest()[:16]
    return path.stat().st_size, head


def start_progress(fresh: Progress, output: Path, resume: bool, overwrite: bool = False) -> Progress:
    """The fresh state, or on --resume the saved one after checking that it is the same job. Without --resume,
    an unfinished run's output is replaced only with --overwrite (a re-run that forgot --resume would
    otherwise truncate hours of work)."""
    sidecar = progress_path(output)
    if not resume and not overwrite and output.exists() and sidecar.exists():
        unfinished = _unfinished(sidecar)
        if unfinished is not None:
            raise InputError(f"{output} is an unfinished run ({unfinished:,} input lines done): pass --resume to "
                             "finish it, or --overwrite to start over")
    if not resume or not output.exists():
        return fresh
    if not sidecar.exists():
        raise InputError(f"cannot resume: {output} exists but has no progress file {sidecar.name} "
                         "(was it written by another tool?); remove it or run without --resume")
    try:
        saved = json.loads(sidecar.read_text(encoding="utf-8"))
        saved.pop("version")
        state = Progress(**saved)
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError(f"cannot resume: unreadable progress file {sidecar}: {exc}") from None
    if state.recipe != fresh.recipe:
        raise InputError(f"cannot resume: {output} was scored with a different recipe or --map; "
                         "use the same ones, or run without --resume to start over")
    if (state.input, state.input_size, state.input_head) != (fresh.input, fresh.input_size, fresh.input_head):
        raise InputError(f"cannot resume: {output} was scored from another input ({state.input}, "
                         f"{state.input_size} bytes), or the input changed since; run without --resume")
    if state.errors_path != fresh.errors_path:
        raise InputError(f"cannot resume: the errors file was {state.errors_path}; pass the same --errors")
    if output.stat().st_size < state.output_offset:
        raise InputError(f"cannot resume: {output} is shorter than its progress file records")
    errors = Path(state.errors_path) if state.errors_path else None
    if errors is not None and state.errors_offset and (not errors.exists() or
                                                       errors.stat().st_size < state.errors_offset):
        raise InputError(f"cannot resume: the errors file {errors} is missing or shorter than its progress file "
                         "records; run without --resume")
    return state


def _unfinished(sidecar: Path) -> int | None:
    """Lines done by the run a progress file records, or None when that run finished (or the file is unreadable:
    nothing to protect)."""
    try:
        saved = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("done", True):
        return None
    return int(saved.get("lines_done", 0))
