"""The `rewardkit score` subcommand (see rewardkit.batch.run for what it does)."""

from __future__ import annotations

import argparse

from rewardkit.batch.run import DEFAULT_CHUNK, score_file
from rewardkit.batch.run import __doc__ as _RUN_DOC
from rewardkit.core import parse_mapping


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score", help="score a JSONL file with a recipe (streaming, parallel, resumable)",
                              description=(_RUN_DOC or "").split("\n\n")[0])
    p.add_argument("input", help="input JSONL, one row per line (fields prompt, completion, answer, ...)")
    p.add_argument("-r", "--recipe", required=True,
                   help="recipe file (.yaml/.json/.toml), a scorer name, or inline JSON ('[{\"use\": \"math\"}]')")
    p.add_argument("-o", "--output", default="-", help="output JSONL ('-' = stdout, the default)")
    p.add_argument("-j", "--workers", type=int, default=None,
                   help="worker processes (default 1 = in-process; 0 = one per CPU; Ray: the cluster's CPUs)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run of the same job")
    p.add_argument("--overwrite", action="store_true",
                   help="start over even when OUTPUT is an unfinished run (without it, that is refused)")
    p.add_argument("--min-scored", type=int, default=1, metavar="N",
                   help="exit with status 3 when fewer than N rows get a reward (default %(default)s)")
    p.add_argument("--map", action="append", metavar="CANON=FIELD", dest="mapping",
                   help="read a canonical field from another column, e.g. --map answer=solution (repeatable)")
    p.add_argument("--errors", metavar="FILE", help="errors JSONL (default OUTPUT.errors.jsonl)")
    p.add_argument("--summary-json", metavar="FILE", help="also write the summary as JSON")
    p.add_argument("--backend", choices=("local", "ray"), default="local",
                   help="where workers run (default %(default)s)")
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray instance)")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK,
                   help="rows per task sent to a worker (default %(default)s)")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar (it is shown only when stderr is a terminal anyway)")
    p.set_defaults(func=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    score_file(args.input, args.recipe, args.output, workers=args.workers, resume=args.resume,
               mapping=parse_mapping(args.mapping), errors_path=args.errors, chunk_size=args.chunk_size,
               backend=args.backend, address=args.address, progress=args.progress,
               summary_json=args.summary_json, print_summary=True, overwrite=args.overwrite,
               min_scored=args.min_scored)
    return 0
