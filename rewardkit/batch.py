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

import argparse
import contextlib
import hashlib
import json
import os
import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rewardkit.batch_stats import RunStats, format_summary
from rewardkit.core import Sample, Scorer, parse_mapping
from rewardkit.errors import ConfigError, InputError, RewardkitError
from rewardkit.jsonl import bad_line, clean, json_line, parse_line
from rewardkit.recipe import build

DEFAULT_CHUNK = 512
CHECKPOINT_EVERY_S = 1.0  # sidecar writes per second at most; a kill loses at most this much work
MAX_ERROR_MESSAGES = 20  # error lines echoed to stderr; all of them go to the errors file
PROGRESS_VERSION = 1


# --------------------------------------------------------------------------- worker side


@dataclass(slots=True)
class ChunkResult:
    """What a worker sends back for one chunk: bytes to append to the output and errors files, stats."""

    out: bytes
    err: bytes
    messages: list[str]
    stats: RunStats


class ChunkScorer:
    """Everything a worker needs, pickled once per worker: scores one chunk of raw JSONL lines."""

    def __init__(self, scorer: Scorer, mapping: Mapping[str, str] | None = None) -> None:
        self.scorer = scorer
        self.mapping = dict(mapping or {})

    def __call__(self, first_line: int, lines: list[bytes]) -> ChunkResult:
        raws, rows, samples, errs, messages = [], [], [], [], []
        for lineno, raw in enumerate(lines, first_line):
            raw = clean(raw)
            if not raw:
                continue  # blank lines are not rows
            row, sample, problem = self._parse(raw)
            if problem:
                errs.append(json.dumps(bad_line(lineno, raw, problem).to_json(), ensure_ascii=False))
                messages.append(f"line {lineno}: {problem}")
                continue
            raws.append(raw)
            rows.append(row)
            samples.append(sample)
        scores = self.scorer.score_batch(samples) if samples else []
        out, rewards, comps, statuses = [], [], [], []
        for raw, row, score in zip(raws, rows, scores, strict=True):
            status = score.status.value
            out.append(_output_line(raw, row, score.value, score.components, status))
            rewards.append(score.value)
            comps.append(score.components)
            statuses.append(status)
        stats = RunStats.of_chunk(rewards, comps, statuses, len(errs))
        stats.add_scorer_stats({leaf.name: leaf.collect_stats() for leaf in self.scorer.leaves()})
        err_bytes = ("\n".join(errs) + "\n").encode() if errs else b""
        return ChunkResult(b"".join(out), err_bytes, messages, stats)

    def _parse(self, raw: bytes) -> tuple[Any, Sample | None, str]:
        row, problem = parse_line(raw)
        if row is None:
            return None, None, problem
        try:
            sample = Sample.from_dict(row, self.mapping)
        except InputError as exc:
            return None, None, str(exc)
        if sample.completion is None:
            return None, None, "field 'completion' is null"
        for name in self.scorer.missing_fields(sample)[:1]:
            hint = f" (mapped from '{self.mapping[name]}')" if name in self.mapping else \
                f" (use --map {name.split(' or ')[0]}=FIELD to name another one)"
            return None, None, f"missing required field '{name}'{hint}"
        return row, sample, ""


def _encode_key(name: str, cache: dict[str, bytes] = {}) -> bytes:  # noqa: B006 - a deliberate memo
    """`"name": ` as JSON bytes, computed once per component name (the per-row hot path)."""
    encoded = cache.get(name)
    if encoded is None:
        encoded = cache[name] = json.dumps(name, ensure_ascii=False).encode() + b": "
    return encoded


def _number(value: float | None) -> bytes:
    # Score guarantees a finite float or None; float repr is what json.dumps writes for a float
    return b"null" if value is None else repr(float(value)).encode()


def _output_line(raw: bytes, row: dict, value: float | None, components: dict, status: str) -> bytes:
    """The input line with the reward fields appended; the input bytes are kept as they are (fast, exact)."""
    if "reward" in row or "rewards" in row or "reward_status" in row:
        # re-scoring a scored file: replace the old fields instead of writing duplicate keys
        merged = {**row, "reward": value, "rewards": components, "reward_status": status}
        return json_line(merged)
    comps = b", ".join(_encode_key(k) + _number(v) for k, v in components.items())
    tail = b'"reward": %s, "rewards": {%s}, "reward_status": "%s"}\n' % (_number(value), comps, status.encode())
    return raw[:-1].rstrip() + (b", " if row else b"") + tail


# --------------------------------------------------------------------------- executors


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
        from rewardkit.batch_ray import RayActors

        return RayActors(chunk_scorer, workers, address)
    if backend != "local":
        raise ConfigError(f"unknown backend {backend!r}; choose local or ray", "--backend")
    workers = 1 if workers is None else workers or os.cpu_count() or 1
    return InProcess(chunk_scorer) if workers == 1 else ProcessPool(chunk_scorer, workers)


# --------------------------------------------------------------------------- progress file (resume)


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


def _input_identity(path: Path) -> tuple[int, str]:
    with open(path, "rb") as f:
        head = hashlib.sha256(f.read(1 << 20)).hexdigest()[:16]
    return path.stat().st_size, head


def _start_progress(fresh: Progress, output: Path, resume: bool) -> Progress:
    """The fresh state, or on --resume the saved one after checking that it is the same job."""
    sidecar = progress_path(output)
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


# --------------------------------------------------------------------------- the run


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
        self.messages = 0
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
        self._echo(result.messages)
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

    def _echo(self, messages: list[str]) -> None:
        for message in messages:
            self.messages += 1
            if self.messages <= MAX_ERROR_MESSAGES:
                print(f"rewardkit: {message}", file=sys.stderr)
            elif self.messages == MAX_ERROR_MESSAGES + 1:
                where = f"all of them are listed in {self.errors}" if self.errors else "pass --errors FILE to list them"
                print(f"rewardkit: more bad lines; {where}", file=sys.stderr)

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
               summary_json: str | os.PathLike | None = None, print_summary: bool = False) -> dict[str, Any]:
    """Score a JSONL file with a recipe and return the run summary (see the module docstring).

    `output_path` None (or "-") writes to stdout; then there is no progress file and no resume. `errors_path`
    defaults to OUTPUT.errors.jsonl (none for stdout: errors then only go to stderr).
    """
    src = Path(input_path)
    if not src.is_file():
        raise InputError(f"input file not found: {src}")
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
    size, head = _input_identity(src)
    fresh = Progress(str(src.resolve()), size, head, fingerprint(scorer, mapping), mapping,
                     str(errors.resolve()) if errors else None)
    state = _start_progress(fresh, out, resume) if out else fresh
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
    return summary


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
        bar.close()
        executor.close(cancel=cancel)


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


# --------------------------------------------------------------------------- command line


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score", help="score a JSONL file with a recipe (streaming, parallel, resumable)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="input JSONL, one row per line (fields prompt, completion, answer, ...)")
    p.add_argument("-r", "--recipe", required=True, help="recipe file (.yaml/.json/.toml) or a scorer name")
    p.add_argument("-o", "--output", default="-", help="output JSONL ('-' = stdout, the default)")
    p.add_argument("-j", "--workers", type=int, default=None,
                   help="worker processes (default 1 = in-process; 0 = one per CPU; Ray: the cluster's CPUs)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run of the same job")
    p.add_argument("--map", action="append", metavar="CANON=FIELD", dest="mapping",
                   help="read a canonical field from another column, e.g. --map answer=solution (repeatable)")
    p.add_argument("--errors", metavar="FILE", help="errors JSONL (default OUTPUT.errors.jsonl)")
    p.add_argument("--summary-json", metavar="FILE", help="also write the summary as JSON")
    p.add_argument("--backend", choices=("local", "ray"), default="local", help="where workers run")
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray instance)")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK, help="rows per task sent to a worker")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar (it is shown only when stderr is a terminal anyway)")
    p.set_defaults(func=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    score_file(args.input, args.recipe, args.output, workers=args.workers, resume=args.resume,
               mapping=parse_mapping(args.mapping), errors_path=args.errors, chunk_size=args.chunk_size,
               backend=args.backend, address=args.address, progress=args.progress,
               summary_json=args.summary_json, print_summary=True)
    return 0
