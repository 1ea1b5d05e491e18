"""Batch scoring of JSONL files: `rewardkit score INPUT.jsonl -r RECIPE -o OUTPUT.jsonl [-j N] [--resume]`.

The pipeline, in constant memory whatever the input size:

    reader (main)  -- chunks of raw lines -->  executor (in-process | process pool | Ray actors)
    writer (main)  <-- output bytes, error rows, chunk statistics --  in input order

At most a few chunks per worker are in flight, so the reader never runs ahead of the writer. Workers parse,
check and score a chunk with `scorer.score_batch` (batch-capable scorers amortise their model calls) and
return ready-to-write bytes; each output row is the input line verbatim plus `reward`, `rewards` and
`reward_status`. After flushing, the writer records how far it got in a sidecar file written atomically
(`OUTPUT.progress.json`), so `--resume` after a crash or SIGKILL truncates any partial tail and carries on
with no row lost or duplicated. Bad lines (malformed JSON, not an object, a required field missing) go to the
errors file with their 1-based line number and the run goes on.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from rewardkit.batch.chunk import ChunkResult, ChunkScorer
from rewardkit.batch.executors import make_executor
from rewardkit.batch.progress import Progress, fingerprint, input_identity, progress_path, start_progress
from rewardkit.batch.stats import RunStats, format_summary
from rewardkit.errors import ConfigError, InputError
from rewardkit.jsonl import BadLines
from rewardkit.recipe import build

DEFAULT_CHUNK = 512
CHECKPOINT_EVERY_S = 1.0  # sidecar writes per second at most; a kill loses at most this much work


def _read_chunks(f: IO[bytes], first_line: int, offset: int, size: int) -> Iterator[tuple[int, list[bytes], int]]:
    """(first line number, raw lines, input offset after them); lines are read lazily."""
    lines: list[bytes] = []
    for line in f:
        lines.append(line)
        offset += len(line)
        if len(lines) == size:
            yield first_line, lines, offset
            first_line += size
            lines = []
    if lines:
        yield first_line, lines, offset


class Writer:
    """Appends results in input order and checkpoints the progress file."""

    def __init__(self, state: Progress, output: Path | None, errors: Path | None, stats: RunStats) -> None:
        self.state, self.stats, self.output = state, stats, output
        self.out = self._open(output, state.output_offset) if output else sys.stdout.buffer
        self.errors, self.err = errors, None
        if errors and (state.errors_offset or errors.exists()):
            self.err = self._open(errors, state.errors_offset)
        where = f"all of them are listed in {errors}" if errors else "pass --errors FILE to list them"
        self.bad = BadLines(more=where)  # echoes the first bad lines to stderr
        self.rows_this_run = 0
        self.consistent = True  # False while `write` updates the state
        self.last_checkpoint = time.monotonic()

    @staticmethod
    def _open(path: Path, offset: int) -> IO[bytes]:
        path.parent.mkdir(parents=True, exist_ok=True)  # `-o runs/out.jsonl` on a fresh checkout
        f = open(path, "r+b" if path.exists() else "wb")  # noqa: SIM115 - closed in close()
        f.truncate(offset)  # drops a partial tail left by a crash, or the previous run's content
        f.seek(offset)
        return f

    def write(self, result: ChunkResult, lines_done: int, input_offset: int) -> None:
        # Ctrl-C can land between the updates below; a half-updated state must not be checkpointed
        self.consistent = False
        if result.out:
            self.out.write(result.out)
        if result.err:
            if self.err is None and self.errors:
                self.err = self._open(self.errors, 0)
            if self.err is not None:
                self.err.write(result.err)
        for message in result.messages:
            self.bad.note(message)
        self.state.output_offset += len(result.out)
        self.state.errors_offset += len(result.err) if self.err is not None else 0
        self.state.lines_done, self.state.input_offset = lines_done, input_offset
        self.stats.merge(result.stats)
        self.rows_this_run += result.stats.rows
        self.consistent = True
        if self.output is None:
            self.out.flush()  # a pipe reader (head, jq) sees rows as they come
        elif time.monotonic() - self.last_checkpoint >= CHECKPOINT_EVERY_S:
            self.checkpoint()

    def checkpoint(self, done: bool = False) -> None:
        """Flush, fsync, then record the offsets: the progress file never points past durable output."""
        for f in (self.out, self.err):
            if f is not None:
                f.flush()
                if self.output is not None:
                    os.fsync(f.fileno())
        self.state.done = done
        self.state.stats = self.stats.to_state()
        if self.output is not None:
            self.state.save(progress_path(self.output))
        self.last_checkpoint = time.monotonic()

    def close(self) -> None:
        for f in (self.out, self.err):
            if f is not None and f is not sys.stdout.buffer:
                f.close()


def score_file(input_path: str | os.PathLike, recipe: Any, output_path: str | os.PathLike | None, *,
               workers: int | None = 1, resume: bool = False, mapping: Mapping[str, str] | None = None,
               errors_path: str | os.PathLike | None = None, chunk_size: int = DEFAULT_CHUNK,
               backend: str = "local", address: str | None = None, progress: bool | None = None,
               summary_json: str | os.PathLike | None = None, print_summary: bool = False,
               overwrite: bool = False, min_scored: int | None = None) -> dict[str, Any]:
    """Score a JSONL file with a recipe and return the run summary (see the module docstring).

    `output_path` None (or "-") writes to stdout; then there is no progress file and no resume. `errors_path`
    defaults to OUTPUT.errors.jsonl (none for stdout: errors then only go to stderr). An unfinished run's
    output is replaced only with `overwrite`. Fewer than `min_scored` rows with a reward (checked after the
    summary is written; the CLI's --min-scored defaults to 1) raise InputError naming the main reasons.
    """
    src = Path(input_path)
    if src.is_dir():
        raise InputError(f"the input {src} is a directory; pass a JSONL file")
    if not src.is_file():
        raise InputError(f"input file not found: {src}")
    if src.stat().st_size == 0:
        raise InputError(f"the input {src} is empty: nothing to score")
    if chunk_size < 1:
        raise ConfigError("must be at least 1", "--chunk-size")
    if workers is not None and workers < 0:
        raise ConfigError("must be >= 0 (0 = one per CPU)", "-j")
    out = None if output_path in (None, "-") else Path(output_path)
    if out is None and resume:
        raise InputError("--resume needs an output file, not stdout")
    errors = Path(errors_path) if errors_path else (out.with_name(out.name + ".errors.jsonl") if out else None)
    _check_distinct(src, out, errors, Path(summary_json) if summary_json else None)
    scorer = build(recipe)
    mapping = dict(mapping or {})
    size, head = input_identity(src)
    fresh = Progress(str(src.resolve()), size, head, fingerprint(scorer, mapping), mapping,
                     str(errors.resolve()) if errors else None)
    state = start_progress(fresh, out, resume, overwrite) if out else fresh
    resumed = state is not fresh
    started = time.monotonic()
    writer = Writer(state, out, errors, RunStats.from_state(state.stats))
    try:
        if not resumed and out is not None:
            writer.checkpoint()  # replaces any progress file of an earlier run of this output
        if not state.done:
            _run(src, ChunkScorer(scorer, mapping), writer, workers=workers,
                 backend=backend, address=address, chunk_size=chunk_size, progress=progress)
            writer.checkpoint(done=True)
    finally:
        writer.close()
    summary = _summary(writer, src, out, errors, started, resumed, backend)
    if summary_json:
        Path(summary_json).parent.mkdir(parents=True, exist_ok=True)
        Path(summary_json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if print_summary:
        print(format_summary(summary), file=sys.stdout if out else sys.stderr)
    if min_scored is not None:
        _check_scored(summary, min_scored)
    return summary


def _check_scored(summary: Mapping[str, Any], min_scored: int) -> None:
    """A run that scored (almost) nothing is a failure, not a success with an empty output."""
    scored = summary["reward"]["count"]
    if scored >= max(1, min_scored):
        return
    why = "; ".join(f"{status}: {reasons[0][0]}" for status, reasons in summary["reasons"].items() if reasons)
    where = f" (bad lines are listed in {summary['errors_file']})" if summary["errors"] and summary["errors_file"] \
        else ""
    need = f"at least {min_scored:,} (--min-scored)" if min_scored > 1 else "at least one"
    raise InputError(f"{scored:,} of {summary['lines']:,} lines got a reward; {need} needed{where}"
                     + (f"; main reasons: {why}" if why else ""))


def _check_distinct(src: Path, out: Path | None, errors: Path | None, summary: Path | None) -> None:
    """Each file the run writes is truncated first: none may be the input or another of them."""
    seen = {src.resolve(): "the input file"}
    for path, what in ((out, "the output file"), (errors, "the errors file"), (summary, "the summary file")):
        if path is None:
            continue
        other = seen.setdefault(path.resolve(), what)
        if other != what:
            raise InputError(f"{what} must not be {other} ({path})")


def _run(src: Path, chunk_scorer: ChunkScorer, writer: Writer, *, workers: int | None, backend: str,
         address: str | None, chunk_size: int, progress: bool | None) -> None:
    from tqdm import tqdm

    state = writer.state
    executor = make_executor(chunk_scorer, backend, workers, address)
    bar = tqdm(unit=" rows", initial=state.lines_done, disable=None if progress is None else not progress,
               file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
    pending: deque[tuple[int, int, Any]] = deque()
    cancel = True
    previous = _stop_on_sigterm()
    try:
        with open(src, "rb") as f:
            f.seek(state.input_offset)
            for first, lines, end in _read_chunks(f, state.lines_done + 1, state.input_offset, chunk_size):
                pending.append((first + len(lines) - 1, end, executor.submit(first, lines)))
                if len(pending) >= executor.max_in_flight:
                    _drain_one(pending, executor, writer, bar, state.input_size)
        while pending:
            _drain_one(pending, executor, writer, bar, state.input_size)
        cancel = False
    except BaseException as exc:  # Ctrl-C, a dead worker, a full disk: save how far we got, then stop
        if writer.output is not None:
            if writer.consistent:  # else the last checkpoint stands
                with contextlib.suppress(OSError):
                    writer.checkpoint()
            if isinstance(exc, KeyboardInterrupt):
                print(f"\nrewardkit: stopped after line {state.lines_done:,}; run again with --resume to finish",
                      file=sys.stderr)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        bar.close()
        executor.close(cancel=cancel)


def _stop_on_sigterm() -> Any:
    """SIGTERM (what Slurm, Kubernetes and `kill` send) stops the run as Ctrl-C does: checkpoint, resume hint.
    Returns the previous handler (None when not in the main thread, where handlers cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)


def _drain_one(pending: deque, executor: Any, writer: Writer, bar: Any, total: int) -> None:
    last_line, end, handle = pending.popleft()
    result = executor.result(handle)
    writer.write(result, last_line, end)
    bar.update(last_line - bar.n)
    if total:
        bar.set_postfix_str(f"{100 * end / total:.0f}% of input", refresh=False)


def _summary(writer: Writer, src: Path, out: Path | None, errors: Path | None, started: float, resumed: bool,
             backend: str) -> dict[str, Any]:
    seconds = time.monotonic() - started
    return {"input": str(src), "output": str(out) if out else "-",
            "errors_file": str(errors) if errors else None, "lines": writer.state.lines_done,
            **writer.stats.report(), "rows_this_run": writer.rows_this_run, "seconds": round(seconds, 3),
            "rows_per_s": writer.rows_this_run / seconds if seconds > 0 else 0.0, "resumed": resumed,
            "backend": backend}
