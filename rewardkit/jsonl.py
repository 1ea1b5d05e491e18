"""JSON Lines in and out, one way for every command (`score`, `filter`, `vote`, `train`, `rm`).

Reading: lines are numbered from 1 as an editor numbers them (blank lines count, and are not rows); a UTF-8
byte-order mark is dropped; a row must be a JSON object. A line that is not (malformed JSON, not UTF-8, another
JSON value) is a `BadLine`, and the reader's policy decides what happens to it: `fail` raises InputError naming
the file and line, `skip` hands it to a callback (to count, echo or write to an errors file) and goes on.
The file is streamed: memory holds one line at a time, whatever the file's size.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from rewardkit.errors import InputError

BOM = b"\xef\xbb\xbf"
POLICIES = ("fail", "skip")
MAX_ECHO = 20  # bad lines echoed to stderr; the rest are counted (and listed in an errors file, where there is one)
Policy = Literal["fail", "skip"]
_decode = json.JSONDecoder().decode


@dataclass(frozen=True, slots=True)
class Line:
    """One row read: its 1-based line number, its bytes (stripped, without BOM) and the parsed object."""

    number: int
    raw: bytes
    row: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that is not a row: where, why, and the start of its text."""

    number: int
    error: str
    text: str

    def to_json(self) -> dict[str, Any]:
        """The record an errors file holds: `{"line", "error", "text"}`."""
        return {"line": self.number, "error": self.error, "text": self.text}


class BadLines:
    """The `skip` policy's usual record: counts bad lines and echoes the first `MAX_ECHO` to stderr as
    `rewardkit: line N: why`, then once `more bad lines; <more>`."""

    def __init__(self, more: str = "") -> None:
        self.count = 0
        self.more = more

    def __call__(self, bad: BadLine) -> None:
        self.note(f"line {bad.number}: {bad.error}")

    def note(self, message: str) -> None:
        self.count += 1
        if self.count <= MAX_ECHO:
            print(f"rewardkit: {message}", file=sys.stderr)
        elif self.count == MAX_ECHO + 1:
            print(f"rewardkit: more bad lines{'; ' + self.more if self.more else ''}", file=sys.stderr)


def clean(raw: bytes) -> bytes:
    """A line without surrounding whitespace and without a UTF-8 byte-order mark (editors put one first)."""
    raw = raw.strip()
    return raw[len(BOM):].lstrip() if raw.startswith(BOM) else raw


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(row, "") for a cleaned line holding a JSON object, else (None, why)."""
    try:
        row = _decode(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None, f"malformed JSON: {exc}"
    if not isinstance(row, dict):
        return None, f"not a JSON object (got {type(row).__name__})"
    return row, ""


def bad_line(number: int, raw: bytes, error: str) -> BadLine:
    return BadLine(number, error, raw[:300].decode("utf-8", "replace"))


def iter_lines(f: IO[bytes], first: int = 1) -> Iterator[tuple[int, bytes]]:
    """(line number, cleaned bytes) of every non-blank line of a binary file, numbered from `first`."""
    for number, raw in enumerate(f, first):
        raw = clean(raw)
        if raw:
            yield number, raw


def open_input(path: str | Path, what: str = "input file") -> IO[bytes]:
    """A JSONL file opened for reading, or InputError saying why it cannot be (missing, a directory, ...)."""
    source = Path(path)
    if source.is_dir():
        raise InputError(f"{what} {source} is a directory, not a JSONL file")
    try:
        return open(source, "rb")  # the caller closes it
    except FileNotFoundError:
        raise InputError(f"{what} not found: {source}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {source}: {exc.strerror or exc}") from None


def read_jsonl(path: str | Path, policy: Policy = "fail", on_bad: Callable[[BadLine], None] | None = None,
               what: str = "input file") -> Iterator[Line]:
    """Every row of a JSONL file, streamed. `policy="fail"` raises InputError `FILE:LINE: why` at the first
    bad line; `"skip"` passes each bad line to `on_bad` (if given) and carries on."""
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    with open_input(path, what) as f:
        for number, raw in iter_lines(f):
            row, problem = parse_line(raw)
            if row is not None:
                yield Line(number, raw, row)
                continue
            if policy == "fail":
                raise InputError(f"{path}:{number}: {problem}")
            if on_bad is not None:
                on_bad(bad_line(number, raw, problem))


def json_line(obj: Any) -> bytes:
    """`obj` as one UTF-8 JSONL line. A lone surrogate (a JSON `\\ud83d` escape in the input, e.g. half an
    emoji cut by a tokenizer) cannot be UTF-8: such a row is written with ASCII escapes, as it was read."""
    try:
        return json.dumps(obj, ensure_ascii=False).encode() + b"\n"
    except UnicodeEncodeError:
        return json.dumps(obj).encode() + b"\n"
