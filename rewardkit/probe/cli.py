"""`rewardkit probe`: look for reward hacks in a recipe before a policy finds them.

    rewardkit probe RECIPE [--data ROWS.jsonl] [--families a,b] [--bound X | --bound FAMILY=X] [--limit N]
                           [--seed S] [--json]
    rewardkit probe --list

Exit status: 0 nothing found, 1 a variant reaches the reward it must not, 2 bad input (recipe, data, family
names); see docs/probe.md.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rewardkit.errors import ConfigError, InputError

# Every error of this command exits 2, so that 1 keeps meaning "found" (as grep: 0 / 1 / 2).
ERROR_EXIT_CODE = 2


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("probe", help="search a recipe for reward hacks with adversarial variants",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recipe", nargs="?", help="recipe file (.yaml/.json/.toml) or a scorer name")
    parser.add_argument("--data", "-d", metavar="ROWS.jsonl", help="honest rows: prompt, completion, answer, "
                        "any fields the recipe reads (default: the R1 worked example)")
    parser.add_argument("--map", action="append", default=[], metavar="CANON=FIELD", dest="mapping",
                        help="read a canonical field from another column, e.g. --map answer=solution")
    parser.add_argument("--families", help="comma-separated families to run, whatever the recipe holds "
                        "(default: every family aimed at a scorer of the recipe)")
    parser.add_argument("--bound", action="append", default=[], metavar="X|FAMILY=X",
                        help="report variants whose reward reaches X instead of the honest / control reward "
                        "(repeatable; FAMILY=X for one family)")
    parser.add_argument("--limit", type=int, default=None, help="variants per family and row (default 16)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the variants' random choices")
    parser.add_argument("--json", action="store_true", help="print the JSON report (schema in docs/probe.md)")
    parser.add_argument("--list", action="store_true", help="list the registered families and exit")
    parser.set_defaults(func=_run_cli, error_exit_code=ERROR_EXIT_CODE)


def _run_cli(args: argparse.Namespace) -> int:
    from rewardkit.probe import registry
    from rewardkit.probe.runner import DEFAULT_LIMIT, run

    if args.list:
        return _list(registry, args.json)
    if not args.recipe:
        raise ConfigError("give a RECIPE to probe (or --list)", "recipe")
    rows = _rows(args.data, args.mapping) if args.data else None
    report = run(args.recipe, rows, args.families, bound=_parse_bounds(args.bound),
                 limit=DEFAULT_LIMIT if args.limit is None else args.limit, seed=args.seed)
    print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if args.json else report.format())
    if not any(row.probed for row in report.rows):
        raise InputError("no honest row could be probed (see the notes above): nothing was tested")
    return 1 if report.found else 0


def _rows(path: str, mapping: list[str]) -> list[dict[str, Any]]:
    """The honest rows: every row of the file (a bad line fails the run), each with a `completion`."""
    from rewardkit.core import apply_mapping, parse_mapping
    from rewardkit.jsonl import read_jsonl

    columns = parse_mapping(mapping)
    rows = []
    for line in read_jsonl(path, "fail", what="data file"):
        row = dict(apply_mapping(line.row, columns))
        if "completion" not in row:
            raise InputError(f"{path}:{line.number}: no 'completion' field (use --map completion=FIELD)")
        rows.append(row)
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def _parse_bounds(items: list[str]) -> float | dict[str, float] | None:
    """`--bound 0.5` -> 0.5; `--bound hedges=0.5 --bound intervals=0` -> {name: value}."""
    bounds: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.rpartition("=") if "=" in item else ("*", "", item)
        try:
            bounds[name.strip() if sep else "*"] = float(raw)
        except ValueError:
            raise ConfigError(f"expected a number or FAMILY=NUMBER, got {item!r}", "--bound") from None
    if not bounds:
        return None
    return bounds["*"] if list(bounds) == ["*"] else bounds


def _list(registry: Any, as_json: bool) -> int:
    rows = [registry.get(name).describe() for name in registry.names()]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        aimed = ", ".join(row["targets"]) or "any recipe"
        print(f"{row['name']:<26} {row['description']} [aimed at: {aimed}]")
        for line in row["tries"]:
            print(f"    - {line}")
    return 0
