"""The `rewardkit vote` command: self-consistency over a JSONL file of sampled completions.

    rewardkit vote samples.jsonl -o votes.jsonl [--map answer=solution]

Rows (prompt, completion and optionally answer; scored rows work too) are streamed with the shared JSONL
reader: a bad line is reported with its file line number and skipped. The vote itself is
`rewardkit.scorers.math.vote`, imported only when the command runs, so `rewardkit --help` loads no scorer.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from rewardkit.core import Sample, parse_mapping
from rewardkit.errors import InputError
from rewardkit.jsonl import BadLines, bad_line, read_jsonl


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """The `vote` subcommand."""
    parser = subparsers.add_parser("vote", help="self-consistency: majority answer per prompt over sampled "
                                   "completions, clustered by math equivalence")
    parser.add_argument("input", help="JSONL with prompt, completion and (optionally) answer; scored rows work")
    parser.add_argument("-o", "--output", help="write one JSON row per prompt here (default: stdout)")
    parser.add_argument("--map", action="append", default=[], metavar="CANON=FIELD",
                        help="read a canonical field from another column, e.g. answer=solution (repeatable)")
    parser.set_defaults(func=_run_vote)


def _rows(path: str, mapping: dict[str, str] | None, bad: BadLines) -> Iterator[dict[str, Any]]:
    """The rows that are samples; a row without a completion is a bad line (with its number), not the end."""
    for line in read_jsonl(path, "skip", bad):
        try:
            Sample.from_dict(line.row, mapping)
        except InputError as exc:
            bad(bad_line(line.number, line.raw, str(exc)))
            continue
        yield line.row


def _run_vote(args: argparse.Namespace) -> int:
    from rewardkit.scorers.math.vote import vote_rows

    bad = BadLines()
    mapping = parse_mapping(args.map) or None
    results = vote_rows(_rows(args.input, mapping, bad), mapping=mapping)
    lines = [json.dumps(r, ensure_ascii=False, default=str) for r in results]
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
    else:
        for line in lines:
            print(line)
    judged = [r for r in results if r["correct"] is not None]
    if judged:
        accuracy = sum(r["correct"] for r in judged) / len(judged)
        print(f"majority-vote accuracy {accuracy:.3f} over {len(judged)} prompts "
              f"(mean majority share {sum(r['share'] for r in results) / len(results):.3f})", file=sys.stderr)
    if bad.count:
        print(f"rewardkit: skipped {bad.count:,} bad lines", file=sys.stderr)
    return 0
